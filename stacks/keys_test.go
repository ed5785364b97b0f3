package stacks

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// problems loads in over a valid dev config (a key in sets its value and its secrecy) and returns the
// problems, one string each.
func problems(t *testing.T, in Input) []string {
	t.Helper()
	base := input(valid("dev"))
	for k, v := range in.Values {
		base.Values[k] = v
		base.SecretKeys = slices.DeleteFunc(base.SecretKeys, func(s string) bool {
			return s == k || strings.HasPrefix(s, k+".")
		})
	}
	base.SecretKeys = append(base.SecretKeys, in.SecretKeys...)
	_, err := Load(project, "dev", base)
	if err == nil {
		return nil
	}
	var errs Errors
	require.ErrorAs(t, err, &errs)
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func TestMisspeltKeysNameTheClosestDeclaredKey(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{give: "webcpu", want: "webcpu: not a key of this project; did you mean webCpu?"},
		{give: "vpcCIDR", want: "vpcCIDR: not a key of this project; did you mean vpcCidr?"},
		{give: "dbMultiAZ", want: "dbMultiAz"},
		{give: "alarmEmail", want: "did you mean alarmEmails?"},
		{give: "webMemoryMiB", want: "did you mean webMemory?"},
		{give: "logRetention", want: "did you mean logRetentionDays?"},
		{give: "region", want: "region: not a key of this project"}, // aws:region lives in the aws namespace
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got := problems(t, Input{Values: map[string]string{project + ":" + tt.give: "4096"}})
			require.Len(t, got, 1, got)
			assert.Contains(t, got[0], tt.want)
			assert.NotContains(t, got[0], "4096", "the value of an unknown key may be a misspelt secret")
		})
	}
}

func TestKeysOfOtherNamespacesAreLeftAlone(t *testing.T) {
	for _, key := range []string{"aws:profile", "aws:defaultTags", "cloudflare:email", "pulumi:tags", "random:x"} {
		t.Run(key, func(t *testing.T) {
			assert.Empty(t, problems(t, Input{Values: map[string]string{key: "x"}}))
		})
	}
}

// TestSecretsMustBeStoredEncrypted covers what a run can know: the engine lists an object as secret as a
// whole when any value is secure, `plan` also lists each secure value by path.
func TestSecretsMustBeStoredEncrypted(t *testing.T) {
	tests := []struct {
		name string
		give Input
		want []string
	}{
		{
			name: "plain object, engine or plan",
			give: Input{Values: map[string]string{project + ":appSecrets": `{"A":"pa55word","B":"hunter2"}`}},
			want: []string{"appSecrets.A: a secret in clear text", "appSecrets.B: a secret in clear text"},
		},
		{
			name: "secure object, as the engine lists it",
			give: Input{Values: map[string]string{project + ":appSecrets": `{"A":"pa55word"}`},
				SecretKeys: []string{project + ":appSecrets"}},
		},
		{
			name: "mixed object, as the engine lists it: cannot be told",
			give: Input{Values: map[string]string{project + ":appSecrets": `{"A":"pa55word","B":"hunter2"}`},
				SecretKeys: []string{project + ":appSecrets"}},
		},
		{
			name: "mixed object, as plan lists it",
			give: Input{Values: map[string]string{project + ":appSecrets": `{"A":"[secret]","B":"hunter2"}`},
				SecretKeys: []string{project + ":appSecrets", project + ":appSecrets.A"}},
			want: []string{"appSecrets.B: a secret in clear text"},
		},
		{
			name: "empty plain value: nothing to leak, Validate asks for one",
			give: Input{Values: map[string]string{project + ":appSecrets": `{"A":""}`}},
			want: []string{`appSecrets.A: "" is not allowed: a value`},
		},
		{
			name: "webhook in clear text",
			give: Input{Values: map[string]string{project + ":alarmWebhookUrl": "https://hooks.example.com/T0/B0/hunter2"}},
			want: []string{"alarmWebhookUrl: a secret in clear text; run: pulumi config set --secret alarmWebhookUrl <value> -s dev"},
		},
		{
			name: "webhook secure",
			give: Input{Values: map[string]string{project + ":alarmWebhookUrl": "https://hooks.example.com/T0/B0/hunter2"},
				SecretKeys: []string{project + ":alarmWebhookUrl"}},
		},
		{
			name: "webhook empty, the default",
			give: Input{Values: map[string]string{project + ":alarmWebhookUrl": ""}},
		},
		{
			name: "provider credential in clear text",
			give: Input{Values: map[string]string{"aws:secretKey": "hunter2", "cloudflare:apiToken": "hunter2"}},
			want: []string{"aws:secretKey: a secret in clear text", "cloudflare:apiToken: a secret in clear text"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(t, tt.give)
			require.Len(t, got, len(tt.want), got)
			for i, want := range tt.want {
				assert.Contains(t, got[i], want)
			}
			for _, p := range got {
				for _, secret := range []string{"pa55word", "hunter2"} {
					assert.NotContains(t, p, secret)
				}
			}
		})
	}
}

// TestClearTextSecretMessageIsTheFix pins the whole message: the command that stores the value
// encrypted, for this stack, and what to do about the copy in git.
func TestClearTextSecretMessageIsTheFix(t *testing.T) {
	got := problems(t, Input{Values: map[string]string{project + ":appSecrets": `{"SECRET_KEY_BASE":"plaintext"}`}})
	assert.Equal(t, []string{"appSecrets.SECRET_KEY_BASE: a secret in clear text; run: " +
		"pulumi config set --secret --path 'appSecrets.SECRET_KEY_BASE' <value> -s dev " +
		"(it replaces the plain value in Pulumi.dev.yaml; rotate the secret if that file was ever committed)"}, got)
}

// TestSecretValuesAreNeverPrinted refuses a secret's value for every reason the reader has and checks
// the value appears in no message.
func TestSecretValuesAreNeverPrinted(t *testing.T) {
	tests := []struct {
		name string
		key  string
		give string
	}{
		{name: "trailing newline in a webhook", key: "alarmWebhookUrl", give: "https://hooks.example.com/hunter2\n"},
		{name: "webhook given as a list", key: "alarmWebhookUrl", give: `["https://hooks.example.com/hunter2"]`},
		{name: "appSecrets given as a string", key: "appSecrets", give: "hunter2"},
		{name: "appSecrets value with a trailing space", key: "appSecrets", give: `{"A":"hunter2 "}`},
		{name: "appSecrets value not a string", key: "appSecrets", give: `{"A":["hunter2"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(t, Input{Values: map[string]string{project + ":" + tt.key: tt.give},
				SecretKeys: []string{project + ":" + tt.key}})
			require.NotEmpty(t, got)
			assert.Contains(t, strings.Join(got, "\n"), `"(secret)" is not allowed`)
			assert.NotContains(t, strings.Join(got, "\n"), "hunter2")
		})
	}
}

func TestClosestIsCaseInsensitiveEditDistance(t *testing.T) {
	declared := []string{"webCpu", "webMemory", "workerCpu"}
	tests := []struct{ give, want string }{
		{give: "WEBCPU", want: "webCpu"},
		{give: "webCpus", want: "webCpu"},
		{give: "workrCpu", want: "workerCpu"},
		{give: "webMemry", want: "webMemory"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, closest(tt.give, declared), tt.give)
	}
	assert.Equal(t, 3, editDistance("kitten", "sitting"))
	assert.Equal(t, 0, editDistance("", ""))
	assert.Equal(t, 4, editDistance("", "abcd"))
}

func TestErrorsPrintTheProblemsOnce(t *testing.T) {
	got := Errors{&KeyError{Key: "webcpu", Problem: "not a key"}, &FieldError{Key: "azCount", Value: "4", Allowed: "2 or 3"}}.Error()
	assert.Equal(t, "stack config has 2 problem(s):\n"+
		"  - webcpu: not a key\n"+
		"  - azCount: \"4\" is not allowed: 2 or 3\n"+
		"Fix each with `pulumi config set <key> <value>` (`--secret` for a secret) or `pulumi config rm <key>`.", got)
}
