package plan

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSecretKeysListEverySecureValueByPath: the engine would list appSecrets as a whole; the plan also
// lists each secure value inside it, and leaves the plain one out, so the program can refuse it.
func TestSecretKeysListEverySecureValueByPath(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: proj\nruntime: go\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte(`config:
  proj:token:
    secure: AAABAExampleCiphertext1
  proj:plain: hello
  proj:appSecrets:
    A:
      secure: AAABAExampleCiphertext2
    B: plaintext
  proj:list:
    - secure: AAABAExampleCiphertext3
    - plain
  proj:allPlain:
    C: plaintext
`), 0o644))
	sc, err := LoadStackConfig(dir, "dev")
	require.NoError(t, err)
	assert.Equal(t, []string{"proj:appSecrets", "proj:appSecrets.A", "proj:list", "proj:list[0]", "proj:token"}, sc.SecretKeys)
	assert.JSONEq(t, `{"A":"[secret]","B":"plaintext"}`, sc.Values["proj:appSecrets"])
	assert.Equal(t, "[secret]", sc.Values["proj:token"])
}
