package tests

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const passphrase = "correct horse battery staple"

// secretStack writes a passphrase-encrypted stack (as `pulumi stack init --secrets-provider passphrase`
// would) whose appSecrets hold values, and returns its directory.
func secretStack(t *testing.T, env string, values map[string]string) string {
	t.Helper()
	dir := projectDir(t)
	salt := []byte("0123456789abcdef")
	crypter := config.NewSymmetricCrypterFromPassphrase(passphrase, salt)
	check, err := crypter.EncryptValue(context.Background(), "pulumi")
	require.NoError(t, err)
	var sb strings.Builder
	sb.WriteString("encryptionsalt: v1:" + base64.StdEncoding.EncodeToString(salt) + ":" + check + "\n")
	sb.WriteString(stackFile(env, nil))
	sb.WriteString("  fargate-platform:appSecrets:\n")
	for name, value := range values {
		ct, err := crypter.EncryptValue(context.Background(), value)
		require.NoError(t, err)
		sb.WriteString("    " + name + ":\n      secure: " + ct + "\n")
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.leak.yaml"), []byte(sb.String()), 0o644))
	return dir
}

// TestConfiguredSecretsNeverAppearInClearText plans dev and prod with real secret values and scans every
// byte of the plans (all inputs and outputs of every resource) for them.
func TestConfiguredSecretsNeverAppearInClearText(t *testing.T) {
	values := map[string]string{
		"SECRET_KEY_BASE": "leak-check-7d1f0c9a5e3b2d4f6a8c0e1f3a5b7c9d",
		"API_SECRET_KEY":  "leak-check-a1b2c3d4e5f60718293a4b5c6d7e8f90",
	}
	env := []string{"PULUMI_CONFIG_PASSPHRASE=" + passphrase}
	for _, stackEnv := range []string{"dev", "prod"} {
		t.Run(stackEnv, func(t *testing.T) {
			dir := secretStack(t, stackEnv, values)
			out := filepath.Join(dir, "plan.json")
			res := runPlan(dir, env, "--stack", "leak", "--out", out, "--quiet")
			require.Equal(t, 0, res.code, res.stderr)
			b, err := os.ReadFile(out)
			require.NoError(t, err)
			for name, v := range values {
				assert.NotContains(t, string(b), v, "%s leaks into the plan", name)
			}
			for name := range values {
				assert.Contains(t, string(b), "/fargate-platform/leak/"+name, "the parameter for %s is planned", name)
			}
		})
	}
}

// TestSecretStackReallyDecrypts guards the test above: an empty secret is refused by validation only
// when the real values reach the program (a blinded "[secret]" is never empty).
func TestSecretStackReallyDecrypts(t *testing.T) {
	dir := secretStack(t, "dev", map[string]string{"SECRET_KEY_BASE": ""})
	res := runPlan(dir, []string{"PULUMI_CONFIG_PASSPHRASE=" + passphrase}, "--stack", "leak", "--out", filepath.Join(dir, "p.json"))
	assert.Equal(t, 2, res.code, res.stderr)
	assert.Contains(t, res.stderr, `appSecrets.SECRET_KEY_BASE: "" is not allowed`)
}
