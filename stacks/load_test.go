package stacks

import (
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

const project = "fargate-platform"

// valid is the smallest config a stack of env needs; everything else takes defaults.
func valid(env string) map[string]string {
	return map[string]string{
		"aws:region":                          "ap-southeast-2",
		project + ":environment":              env,
		project + ":domain":                   "app.example.com",
		project + ":cloudflareZoneId":         "023e105f4ecef8ad9ca31a8372d0c353",
		project + ":appImageTag":              "3f9c2a1",
		project + ":nginxImageTag":            "3f9c2a1",
		project + ":appSecrets":               `{"SECRET_KEY_BASE":{"secure":"AAABAExampleCiphertext"}}`,
		project + ":alarmEmails":              `["ops@example.com"]`,
		project + ":scheduleScaleToZero":      map[bool]string{true: "false", false: "true"}[Environment(env).IsProd()],
		project + ":redisAuthTokenVersion":    "1",
		project + ":certificateWildcard":      "true",
		project + ":albIngressCloudflareOnly": "true",
	}
}

// input is cfg as `plan` hands it to the program after reading a stack file holding it: a value written
// {"secure": ...} (a ciphertext) reads as "[secret]" and its key is secret; an object with such values is
// secret as a whole and each of them by path.
func input(cfg map[string]string) Input {
	in := Input{Values: map[string]string{}}
	for k, v := range cfg {
		var obj map[string]any
		if json.Unmarshal([]byte(v), &obj) != nil {
			in.Values[k] = v
			continue
		}
		if isCiphertext(obj) {
			in.Values[k] = "[secret]"
			in.SecretKeys = append(in.SecretKeys, k)
			continue
		}
		secure := false
		for name, leaf := range obj {
			if m, ok := leaf.(map[string]any); ok && isCiphertext(m) {
				obj[name] = "[secret]"
				in.SecretKeys = append(in.SecretKeys, k+"."+name)
				secure = true
			}
		}
		if secure {
			in.SecretKeys = append(in.SecretKeys, k)
		}
		b, err := json.Marshal(obj)
		if err != nil {
			panic(err)
		}
		in.Values[k] = string(b)
	}
	return in
}

func isCiphertext(m map[string]any) bool {
	_, ok := m["secure"]
	return ok && len(m) == 1
}

// InvalidCase is one entry of testdata/invalid.yaml.
type InvalidCase struct {
	Name string            `yaml:"name"`
	Set  map[string]string `yaml:"set"`
	Want string            `yaml:"want"`
}

func invalidCases(t *testing.T) []InvalidCase {
	t.Helper()
	b, err := os.ReadFile("testdata/invalid.yaml")
	require.NoError(t, err)
	var tests []InvalidCase
	require.NoError(t, yaml.Unmarshal(b, &tests))
	require.GreaterOrEqual(t, len(tests), 25)
	return tests
}

func TestValidStacksLoad(t *testing.T) {
	for _, env := range []string{"dev", "staging", "prod"} {
		t.Run(env, func(t *testing.T) {
			_, err := Load(project, env, input(valid(env)))
			require.NoError(t, err)
		})
	}
}

func TestInvalidConfigIsRejectedWithKeyValueAndWhatIsAllowed(t *testing.T) {
	for _, tt := range invalidCases(t) {
		t.Run(tt.Name, func(t *testing.T) {
			env := "dev"
			if e, ok := tt.Set["environment"]; ok {
				env = e
			}
			cfg := valid(env)
			for k, v := range tt.Set {
				if !strings.Contains(k, ":") {
					k = project + ":" + k
				}
				cfg[k] = v
			}
			_, err := Load(project, "dev", input(cfg))
			require.Error(t, err)
			var errs Errors
			require.ErrorAs(t, err, &errs)
			assert.Contains(t, err.Error(), tt.Want)
		})
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	cfg := valid("prod")
	cfg[project+":vpcCidr"] = "8.8.8.0/24"
	cfg[project+":dbMultiAz"] = "false"
	cfg[project+":webCpu"] = "3000"
	_, err := Load(project, "prod", input(cfg))
	var errs Errors
	require.ErrorAs(t, err, &errs)
	keys := []string{}
	for _, e := range errs {
		keys = append(keys, e.(*FieldError).Key)
	}
	assert.ElementsMatch(t, []string{"vpcCidr", "dbMultiAz", "webMemory"}, keys)
	assert.True(t, strings.HasPrefix(err.Error(), "stack config has 3 problem(s)"), err.Error())
}

func TestSecretValuesAreNeverEchoed(t *testing.T) {
	cfg := valid("dev")
	cfg[project+":appSecrets"] = `{"SECRET_KEY_BASE": 42}` // not a string: a parse error
	_, err := Load(project, "dev", input(cfg))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "42")
	assert.Contains(t, err.Error(), `appSecrets: "(secret)" is not allowed`)
}

func TestEnvironmentDefaults(t *testing.T) {
	tests := []struct {
		give string
		want func(Config) []any
		vals []any
	}{
		{give: "dev", vals: []any{"10.10.0.0/16", 2, NatInstance, false, 14, "db.t4g.micro", false, false, true, 1, 1, "FARGATE_SPOT", 50, true, 512, 1024, 7, "8.1"}},
		{give: "prod", vals: []any{"10.20.0.0/16", 3, NatOnePerAz, true, 365, "db.m7g.large", true, true, false, 14, 2, "FARGATE", 100, false, 1024, 2048, 30, "8.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			c, err := Load(project, tt.give, input(valid(tt.give)))
			require.NoError(t, err)
			// The same with every environment-default key set to "", as the Pulumi CLI hands them to the
			// program when a stack leaves them unset (Pulumi.yaml declares `default: ""`).
			cfg := valid(tt.give)
			for _, k := range EnvironmentDefaults {
				cfg[project+":"+k] = ""
			}
			viaCli, err := Load(project, tt.give, input(cfg))
			require.NoError(t, err)
			assert.Equal(t, c, viaCli, "an empty environment default is the unset one")
			got := []any{c.Network.Cidr, c.Network.AzCount, c.Network.NatStrategy, c.Network.Endpoints,
				c.LogRetentionDays, c.Database.InstanceClass, c.Database.MultiAz, c.Database.DeletionProtection,
				c.Database.SkipFinalSnapshot, c.Database.BackupRetentionDays, c.Cache.Nodes,
				c.Service.CapacityProvider, c.Service.MinHealthyPercent, c.Service.ScheduledScaleToZero,
				c.Service.Web.Cpu, c.Service.Web.Memory, c.Secrets.RecoveryWindowDays, c.Cache.EngineVersion}
			assert.Equal(t, tt.vals, got)
		})
	}
}

func TestRedisEngineDefaultsToItsLastVersion(t *testing.T) {
	cfg := valid("dev")
	cfg[project+":cacheEngine"] = "redis"
	c, err := Load(project, "dev", input(cfg))
	require.NoError(t, err)
	assert.Equal(t, "7.1", c.Cache.EngineVersion)
	assert.Equal(t, "redis7", CacheVersions["redis"][c.Cache.EngineVersion])
}

// TestPulumiYamlDeclaresEveryKey holds the documented schema and the loader together: a key read but not
// declared (or declared but never read) fails here.
func TestPulumiYamlDeclaresEveryKey(t *testing.T) {
	b, err := os.ReadFile("../Pulumi.yaml")
	require.NoError(t, err)
	var proj struct {
		Config map[string]struct {
			Type        string `yaml:"type"`
			Description string `yaml:"description"`
			Default     any    `yaml:"default"`
		} `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(b, &proj))
	var declared, read, required []string
	for k, v := range proj.Config {
		declared = append(declared, project+":"+k)
		assert.NotEmpty(t, v.Description, k)
		if v.Default == nil {
			required = append(required, k)
		}
		if slices.Contains(EnvironmentDefaults, k) {
			// "" is these keys' declared default, which only a string type admits (Pulumi validates a
			// typed default against its type): the program reads and checks the type itself.
			assert.Equal(t, "", v.Default, "%s: an environment default is declared as \"\"", k)
			assert.Contains(t, []string{"", "string"}, v.Type, k)
			continue
		}
		assert.NotEmpty(t, v.Type, k)
	}
	// A declared key without a default is one the Pulumi CLI requires of every stack before the program
	// runs: only the keys a stack must set may lack one.
	sort.Strings(required)
	want := append([]string{}, Required...)
	sort.Strings(want)
	assert.Equal(t, want, required, "keys Pulumi.yaml declares without a default: `pulumi up` refuses a stack that leaves one unset")
	for _, k := range Keys(project) {
		if strings.HasPrefix(k, project+":") {
			read = append(read, k)
		}
	}
	sort.Strings(declared)
	assert.Equal(t, read, declared)
}

// TestStackNamesAWSWouldRefuse: "<project>-<stack>" prefixes every physical name, so a name RDS,
// ElastiCache, EC2 or ELB would refuse is refused here, before anything is planned.
func TestStackNamesAWSWouldRefuse(t *testing.T) {
	tests := []struct {
		name, project, stack string
	}{
		{"a trailing hyphen gives RDS and ElastiCache ids a --", project, "dev-"},
		{"a double hyphen", "shop--platform", "dev"},
		{"security groups may not start with sg-", "sg-shop", "dev"},
		{"load balancers may not start with internal-", "internal-shop", "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := map[string]string{}
			for k, v := range valid("dev") {
				cfg[strings.Replace(k, project+":", tt.project+":", 1)] = v
			}
			_, err := Load(tt.project, tt.stack, input(cfg))
			require.Error(t, err)
			assert.Contains(t, err.Error(), `stack name: "`+tt.project+"-"+tt.stack+`" is not allowed`)
		})
	}
}
