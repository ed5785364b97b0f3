package plan

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// StackConfig is a stack's config as the Pulumi CLI would hand it to the program.
type StackConfig struct {
	Project string
	Stack   string
	Values  map[string]string // fully qualified keys; objects and arrays as JSON
	// SecretKeys are the keys with a secure value, as the engine lists them to a program (an object counts
	// as a whole when any of its values is secure), then the path of each secure value inside an object
	// ("fargate-platform:appSecrets.SECRET_KEY_BASE"), which only a reader of the stack file can know: with
	// them the program can refuse a plain value beside secure ones.
	SecretKeys []string
	// SecretsProvider is the stack file's `secretsprovider` ("" for the default, a passphrase).
	SecretsProvider string
}

// LoadStackConfig reads dir/Pulumi.yaml and dir/Pulumi.<stack>.yaml with the SDK's own loaders, applies
// the project's declared defaults to keys the stack leaves unset, and decrypts secure values to
// "[secret]" (the plan never needs, nor has, the real ones).
func LoadStackConfig(dir, stack string) (StackConfig, error) {
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return StackConfig{}, fmt.Errorf("plan: %w", err)
	}
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if _, err := os.Stat(path); err != nil {
		return StackConfig{}, fmt.Errorf("plan: no stack file %s: create it with `pulumi stack init %s` or copy Pulumi.dev.yaml", path, stack)
	}
	sink := diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, proj, path)
	if err != nil {
		return StackConfig{}, fmt.Errorf("plan: %w", err)
	}
	decrypted, err := ps.Config.Decrypt(decrypterFor(ps))
	if err != nil {
		return StackConfig{}, fmt.Errorf("plan: %w", err)
	}
	project := proj.Name.String()
	sc := StackConfig{Project: project, Stack: stack, Values: map[string]string{}, SecretsProvider: ps.SecretsProvider}
	for k, v := range decrypted {
		sc.Values[k.String()] = v
	}
	for name, t := range proj.Config {
		key := project + ":" + name
		if t.Default == nil {
			continue
		}
		if _, set := sc.Values[key]; set {
			continue
		}
		if s, ok := t.Default.(string); ok {
			sc.Values[key] = s
			continue
		}
		b, err := json.Marshal(t.Default)
		if err != nil {
			return StackConfig{}, fmt.Errorf("plan: default of %s: %w", key, err)
		}
		sc.Values[key] = string(b)
	}
	for _, k := range ps.Config.SecureKeys() {
		sc.SecretKeys = append(sc.SecretKeys, k.String())
		v := ps.Config[k]
		if !v.Object() {
			continue
		}
		obj, err := v.ToObject()
		if err != nil {
			return StackConfig{}, fmt.Errorf("plan: %s: %w", k, err)
		}
		sc.SecretKeys = append(sc.SecretKeys, securePaths(k.String(), obj)...)
	}
	sort.Strings(sc.SecretKeys)
	return sc, nil
}

// securePaths lists the paths of the secure values inside v, an object as config.Value.ToObject returns
// it: a secure value below the top is {"secure": <ciphertext>}.
func securePaths(path string, v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["secure"]; ok && len(v) == 1 {
			return []string{path}
		}
		for name, child := range v {
			out = append(out, securePaths(path+"."+name, child)...)
		}
	case []any:
		for i, child := range v {
			out = append(out, securePaths(fmt.Sprintf("%s[%d]", path, i), child)...)
		}
	}
	return out
}

// decrypterFor returns the passphrase crypter of a passphrase-encrypted stack when the passphrase is in the
// environment, and otherwise one that reads every secure value as "[secret]".
func decrypterFor(ps *workspace.ProjectStack) config.Decrypter {
	phrase, ok := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE")
	parts := strings.SplitN(ps.EncryptionSalt, ":", 3) // v1:<salt>:<encrypted check value>
	if !ok || len(parts) != 3 || parts[0] != "v1" {
		return config.NewBlindingDecrypter()
	}
	salt, err := base64.StdEncoding.DecodeString(parts[1])
	if err != nil {
		return config.NewBlindingDecrypter()
	}
	return config.NewSymmetricCrypterFromPassphrase(phrase, salt)
}
