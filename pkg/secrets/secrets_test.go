package secrets

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/container"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const (
	keyType     = "aws:kms/key:Key"
	aliasType   = "aws:kms/alias:Alias"
	paramType   = "aws:ssm/parameter:Parameter"
	secretType  = "aws:secretsmanager/secret:Secret"
	versionType = "aws:secretsmanager/secretVersion:SecretVersion"
	passType    = "random:index/randomPassword:RandomPassword"
)

// The configured secret values; none may ever show in clear text in a recorded input.
const (
	secretKeyBase = "s3cr3t-key-base-0123456789abcdef-never-in-plan"
	apiSecretKey  = "api-secret-key-fedcba9876543210-never-in-plan"
)

var patterns = []string{"/fargate-platform/test/*", "/aws/rds/instance/fargate-platform-test-*"}

func baseArgs() Args {
	return Args{
		LogGroupNamePatterns: patterns,
		ParameterPrefix:      "/fargate-platform/test",
		AppSecrets: map[string]pulumi.StringInput{
			// Passed as main passes them: secret outputs of config values.
			"SECRET_KEY_BASE": pulumi.ToSecret(pulumi.String(secretKeyBase)).(pulumi.StringOutput),
			// And one passed in plain, which the component must mark secret itself.
			"API_SECRET_KEY": pulumi.String(apiSecretKey),
		},
	}
}

// run plans one Secrets component under the recording mock and returns what New returned.
func run(t *testing.T, args Args) (*plan.Recorder, *Secrets) {
	t.Helper()
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	var s *Secrets
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		s, err = New(ctx, "fp-test", &args)
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	return rec, s
}

func one(t *testing.T, rec *plan.Recorder, typ string) *plan.Resource {
	t.Helper()
	rs := rec.ByType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}

func TestKeyRotatesHasAThirtyDayWindowAndAnAlias(t *testing.T) {
	rec, _ := run(t, baseArgs())
	key := one(t, rec, keyType)
	assert.Equal(t, true, key.In("enableKeyRotation"))
	assert.Equal(t, float64(30), key.In("deletionWindowInDays"))
	assert.NotEmpty(t, key.Str("description"))
	assert.Nil(t, key.In("bypassPolicyLockoutSafetyCheck"))

	alias := one(t, rec, aliasType)
	assert.Equal(t, "alias/fp-test", alias.Str("name"))
	assert.Equal(t, key.Outputs["keyId"], alias.Str("targetKeyId"))
}

func keyPolicy(t *testing.T, rec *plan.Recorder) map[string]iampolicy.Statement {
	t.Helper()
	doc, err := iampolicy.Parse(one(t, rec, keyType).Str("policy"))
	require.NoError(t, err)
	assert.Equal(t, iampolicy.Version, doc.Version)
	out := map[string]iampolicy.Statement{}
	for _, st := range doc.Statement {
		require.NotEmpty(t, st.Sid)
		_, dup := out[st.Sid]
		require.False(t, dup, "duplicate Sid %s", st.Sid)
		out[st.Sid] = st
	}
	return out
}

func TestKeyPolicyStatementByStatement(t *testing.T) {
	tests := []struct {
		name       string
		giveAdmins []string
		wantSids   []string
	}{
		{"no administrators: the account through IAM", nil,
			[]string{"AccountAdministersThroughIam", "CloudWatchLogsForThisStacksLogGroups", "CloudWatchAlarmsToEncryptedTopics"}},
		{"named administrators", []string{"arn:aws:iam::123456789012:role/platform-admin", "arn:aws:iam::123456789012:user/alice"},
			[]string{"AccountAdministersThroughIam", "KeyAdministrators", "CloudWatchLogsForThisStacksLogGroups", "CloudWatchAlarmsToEncryptedTopics"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			args.KeyAdminArns = tt.giveAdmins
			rec, _ := run(t, args)
			sts := keyPolicy(t, rec)
			got := []string{}
			for sid := range sts {
				got = append(got, sid)
			}
			assert.ElementsMatch(t, tt.wantSids, got)

			for _, st := range sts {
				assert.Equal(t, "Allow", st.Effect, st.Sid)
				assert.Equal(t, []string{"*"}, st.Resource, "%s: in a key policy, * is this key", st.Sid)
			}

			root := sts["AccountAdministersThroughIam"]
			assert.Equal(t, []string{"arn:aws:iam::123456789012:root"}, root.Principal.AWS)
			assert.Empty(t, root.Principal.Service)
			assert.Equal(t, []string{"kms:*"}, root.Action)
			assert.Empty(t, root.Condition)

			logs := sts["CloudWatchLogsForThisStacksLogGroups"]
			assert.Equal(t, []string{"logs.ap-southeast-2.amazonaws.com"}, logs.Principal.Service)
			assert.Empty(t, logs.Principal.AWS)
			assert.ElementsMatch(t, []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
				"kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"}, logs.Action)
			assert.Equal(t, iampolicy.Condition{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {
				"arn:aws:logs:ap-southeast-2:123456789012:log-group:/fargate-platform/test/*",
				"arn:aws:logs:ap-southeast-2:123456789012:log-group:/aws/rds/instance/fargate-platform-test-*",
			}}}, logs.Condition)

			alarms := sts["CloudWatchAlarmsToEncryptedTopics"]
			assert.Equal(t, []string{"cloudwatch.amazonaws.com"}, alarms.Principal.Service)
			assert.Empty(t, alarms.Principal.AWS)
			assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey*"}, alarms.Action)
			assert.Equal(t, iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {plan.Account}}}, alarms.Condition)

			if tt.giveAdmins == nil {
				return
			}
			admins := sts["KeyAdministrators"]
			assert.Equal(t, tt.giveAdmins, admins.Principal.AWS)
			assert.Empty(t, admins.Principal.Service)
			assert.Empty(t, admins.Condition)
			assert.Contains(t, admins.Action, "kms:ScheduleKeyDeletion")
			assert.Contains(t, admins.Action, "kms:PutKeyPolicy")
			for _, a := range admins.Action {
				assert.NotContains(t, a, "*", "administrators' actions are listed, never wildcards")
			}
			for _, use := range []string{"kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
				"kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant", "kms:DisableKeyRotation"} {
				assert.NotContains(t, admins.Action, use, "administrators manage the key but never use it")
			}
		})
	}
}

func TestNoKeyPolicyStatementNamesAnyoneElse(t *testing.T) {
	rec, _ := run(t, baseArgs())
	for sid, st := range keyPolicy(t, rec) {
		require.NotNil(t, st.Principal, sid)
		for _, p := range st.Principal.AWS {
			assert.NotEqual(t, "*", p, sid)
			assert.True(t, strings.HasPrefix(p, "arn:aws:iam::123456789012:"), "%s: %s is outside the account", sid, p)
		}
		// Service principals always come with a condition that ties them to this stack or account.
		if len(st.Principal.Service) > 0 {
			assert.NotEmpty(t, st.Condition, sid)
		}
	}
}

func TestAppSecretsAreSecureStringsUnderThePrefixWithTheStackKey(t *testing.T) {
	rec, s := run(t, baseArgs())
	keyArn := one(t, rec, keyType).Outputs["arn"].(string)
	params := paramsByName(t, rec)
	assert.ElementsMatch(t, []string{"/fargate-platform/test/API_SECRET_KEY", "/fargate-platform/test/SECRET_KEY_BASE"}, keys(params))
	for _, p := range params {
		assert.Equal(t, "SecureString", p.Str("type"), p.Name)
		assert.Equal(t, keyArn, p.Str("keyId"), p.Name)
		assert.Equal(t, "Standard", p.Str("tier"), p.Name)
		assert.Equal(t, "[secret]", p.Str("value"), p.Name)
		assert.Nil(t, p.In("insecureValue"), p.Name)
	}

	// Sorted by name: deterministic task definitions.
	require.Len(t, s.AppSecrets, 2)
	assert.Equal(t, "API_SECRET_KEY", s.AppSecrets[0].Name)
	assert.Equal(t, "SECRET_KEY_BASE", s.AppSecrets[1].Name)
	for _, sec := range s.AppSecrets {
		assert.Equal(t, container.SSMParameter, sec.Kind, sec.Name)
	}
}

// paramsByName indexes the recorded parameters by their SSM name (the mock records in completion order).
func paramsByName(t *testing.T, rec *plan.Recorder) map[string]*plan.Resource {
	t.Helper()
	out := map[string]*plan.Resource{}
	for _, p := range rec.ByType(paramType) {
		out[p.Str("name")] = p
	}
	require.Len(t, out, len(rec.ByType(paramType)), "parameter names are unique")
	return out
}

func keys(m map[string]*plan.Resource) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestNoAppSecretsMeansNoParameters(t *testing.T) {
	args := baseArgs()
	args.AppSecrets = nil
	rec, s := run(t, args)
	assert.Len(t, rec.ByType(paramType), 0)
	assert.Len(t, s.AppSecrets, 0)
}

func TestRedisAuthTokenSecretPerEnvironment(t *testing.T) {
	tests := []struct {
		name         string
		give         Args
		wantRecovery float64
		wantProtect  bool
	}{
		{"dev", Args{RecoveryWindowDays: 7}, 7, false},
		{"prod", Args{RecoveryWindowDays: 30, Protect: true}, 30, true},
		{"default", Args{}, 30, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			args.RecoveryWindowDays, args.Protect = tt.give.RecoveryWindowDays, tt.give.Protect
			rec, _ := run(t, args)
			key := one(t, rec, keyType)
			secret := one(t, rec, secretType)
			assert.Equal(t, "fp-test/redis-auth-token", secret.Str("name"))
			assert.Equal(t, key.Outputs["arn"], secret.Str("kmsKeyId"))
			assert.Equal(t, tt.wantRecovery, secret.In("recoveryWindowInDays"))
			assert.Equal(t, tt.wantProtect, secret.Protect)
			assert.Equal(t, tt.wantProtect, key.Protect)

			version := one(t, rec, versionType)
			assert.Equal(t, secret.Outputs["arn"], version.Str("secretId"))
			assert.Equal(t, "[secret]", version.Str("secretString"))
			// Rotation replaces the password and the version: neither may be protected.
			assert.False(t, version.Protect)
			assert.False(t, one(t, rec, passType).Protect)
		})
	}
}

func TestRedisAuthTokenFitsElastiCacheAndRotatesWithItsVersion(t *testing.T) {
	tests := []struct {
		name        string
		giveVersion int
		wantKeeper  string
	}{
		{"default version", 0, "1"},
		{"bumped", 3, "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			args.RedisAuthTokenVersion = tt.giveVersion
			rec, _ := run(t, args)
			p := one(t, rec, passType)
			assert.Equal(t, map[string]any{"version": tt.wantKeeper}, p.In("keepers"))
			assert.Equal(t, float64(64), p.In("length"), "ElastiCache takes 16 to 128 characters")
			assert.Equal(t, false, p.In("special"), "ElastiCache refuses @, \" and / in tokens")
			assert.Equal(t, "[secret]", p.Outputs["result"])
		})
	}
}

func TestContainerSecretsPointAtWhatTheRoleMayRead(t *testing.T) {
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	type view struct{ Name, ValueFrom, ReadArn, Kind string }
	var got []view
	var tokenSecret bool
	var outs []any
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		args := baseArgs()
		s, err := New(ctx, "fp-test", &args)
		if err != nil {
			return err
		}
		all := append(append([]container.Secret{}, s.AppSecrets...), s.RedisAuthToken)
		for _, c := range all {
			c := c
			pulumi.All(c.ValueFrom, c.ReadArn).ApplyT(func(v []any) error {
				got = append(got, view{c.Name, v[0].(string), v[1].(string), string(c.Kind)})
				return nil
			})
		}
		pulumi.All(s.KeyArn, s.KeyId, s.KeyAliasName, s.RedisAuthSecretArn, s.ParameterArns).ApplyT(func(v []any) error {
			outs = v
			return nil
		})
		s.RedisAuthTokenValue.ApplyT(func(string) error { return nil })
		tokenSecret = pulumi.IsSecret(s.RedisAuthTokenValue)
		return nil
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)

	params := paramsByName(t, rec)
	secretArn := one(t, rec, secretType).Outputs["arn"].(string)
	apiArn := params["/fargate-platform/test/API_SECRET_KEY"].Outputs["arn"].(string)
	baseArn := params["/fargate-platform/test/SECRET_KEY_BASE"].Outputs["arn"].(string)
	assert.Equal(t, "arn:aws:ssm:ap-southeast-2:123456789012:parameter/fargate-platform/test/API_SECRET_KEY", apiArn)
	assert.ElementsMatch(t, []view{
		{"API_SECRET_KEY", apiArn, apiArn, "ssm"},
		{"SECRET_KEY_BASE", baseArn, baseArn, "ssm"},
		{"REDIS_PASSWORD", secretArn, secretArn, "secretsmanager"},
	}, got)
	assert.True(t, tokenSecret, "the token value stays secret")

	key := one(t, rec, keyType)
	require.Len(t, outs, 5)
	assert.Equal(t, key.Outputs["arn"], outs[0])
	assert.Equal(t, key.Outputs["keyId"], outs[1])
	assert.Equal(t, "alias/fp-test", outs[2])
	assert.Equal(t, secretArn, outs[3])
	assert.Equal(t, []string{apiArn, baseArn}, outs[4])
}

func TestNoSecretValueAppearsInClearText(t *testing.T) {
	tests := []struct {
		name string
		give Args
	}{
		{"dev", Args{RecoveryWindowDays: 7}},
		{"prod", Args{RecoveryWindowDays: 30, Protect: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			args.RecoveryWindowDays, args.Protect = tt.give.RecoveryWindowDays, tt.give.Protect
			rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
			token := ""
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				s, err := New(ctx, "fp-test", &args)
				if err != nil {
					return err
				}
				// The stand-in token the mock generated, as the data component would receive it.
				s.RedisAuthTokenValue.ApplyT(func(v string) error { token = v; return nil })
				return nil
			}, rec.RunOptions(nil, nil)...)
			require.NoError(t, err)
			require.Len(t, token, 64)
			scanned := ""
			for _, r := range rec.Resources() {
				// Inputs are what the plan and the engine see; outputs are what state would keep.
				flat := fmt.Sprintf("%v %v", r.Inputs, r.Outputs)
				scanned += flat
				for _, v := range []string{secretKeyBase, apiSecretKey, token} {
					assert.NotContains(t, flat, v, "%s %s shows a secret in clear text", r.Type, r.Name)
				}
			}
			// The scan reaches nested values: it sees the parameter names and the password's keepers.
			assert.Contains(t, scanned, "/fargate-platform/test/SECRET_KEY_BASE")
			assert.Contains(t, scanned, "version:1")
		})
	}
}

func TestTwoInstancesDoNotCollide(t *testing.T) {
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		for _, n := range []string{"fp-a", "fp-b"} {
			args := baseArgs()
			if _, err := New(ctx, n, &args); err != nil {
				return err
			}
		}
		return nil
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	assert.Len(t, rec.ByType(keyType), 2)
	for _, c := range rec.ByType("fargate-platform:secrets:Secrets") {
		for _, child := range rec.Children(c.URN) {
			assert.True(t, strings.HasPrefix(child.Name, c.Name+"-") || child.Name == c.Name, child.Name)
		}
		assert.Len(t, rec.Children(c.URN), 7, "key, alias, 2 parameters, password, secret, version")
	}
}

func TestBadArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name    string
		give    func(a *Args)
		wantErr string
	}{
		{"no log group patterns", func(a *Args) { a.LogGroupNamePatterns = nil }, "LogGroupNamePatterns"},
		{"every log group", func(a *Args) { a.LogGroupNamePatterns = []string{"*"} }, `LogGroupNamePatterns "*"`},
		{"admin not IAM", func(a *Args) { a.KeyAdminArns = []string{"arn:aws:s3:::bucket"} }, "KeyAdminArns"},
		{"no prefix", func(a *Args) { a.ParameterPrefix = "" }, "ParameterPrefix"},
		{"trailing slash", func(a *Args) { a.ParameterPrefix = "/fargate-platform/test/" }, "ParameterPrefix"},
		{"reserved prefix", func(a *Args) { a.ParameterPrefix = "/aws/app" }, "ParameterPrefix"},
		{"lower-case secret name", func(a *Args) { a.AppSecrets["api_key"] = pulumi.String("x") }, `"api_key"`},
		{"nil secret value", func(a *Args) { a.AppSecrets["EMPTY"] = nil }, "AppSecrets EMPTY"},
		{"recovery window too short", func(a *Args) { a.RecoveryWindowDays = 3 }, "RecoveryWindowDays 3"},
		{"recovery window too long", func(a *Args) { a.RecoveryWindowDays = 31 }, "RecoveryWindowDays 31"},
		{"negative token version", func(a *Args) { a.RedisAuthTokenVersion = -1 }, "RedisAuthTokenVersion -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				args := baseArgs()
				tt.give(&args)
				_, err := New(ctx, "fp-test", &args)
				return err
			}, rec.RunOptions(nil, nil)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), secretKeyBase)
			assert.Len(t, rec.Resources(), 0)
		})
	}
}
