package tests

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

type invalidCase struct {
	Name string            `yaml:"name"`
	Set  map[string]string `yaml:"set"`
	Want string            `yaml:"want"`
}

// TestBadConfigRegistersNothing runs every case of stacks/testdata/invalid.yaml through the whole program:
// `plan` must exit 2 with the message and write no plan, that is, register no resource at all.
func TestBadConfigRegistersNothing(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "stacks", "testdata", "invalid.yaml"))
	require.NoError(t, err)
	var tests []invalidCase
	require.NoError(t, yaml.Unmarshal(b, &tests))
	require.GreaterOrEqual(t, len(tests), 25)

	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			dir := projectDir(t)
			env := "dev"
			if e, ok := tt.Set["environment"]; ok {
				env = e
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.bad.yaml"), []byte(stackFile(env, tt.Set)), 0o644))
			out := filepath.Join(dir, "plan.json")
			res := runPlan(dir, nil, "--stack", "bad", "--out", out)
			assert.Equal(t, 2, res.code, res.stderr)
			assert.Contains(t, res.stderr, tt.Want)
			assert.NotContains(t, res.stderr, "error occurred", "the problems are listed once, not wrapped")
			assert.NoFileExists(t, out)
			assert.Empty(t, res.stdout, "no tree is printed for a bad config")
		})
	}
}

// stackFile writes a valid stack of env with the case's values set. Values are written as YAML strings;
// list and object values as their JSON, which YAML reads as flow collections.
func stackFile(env string, set map[string]string) string {
	base := map[string]string{
		"aws:region": "ap-southeast-2", "environment": env, "domain": "app.example.com",
		"cloudflareZoneId": "023e105f4ecef8ad9ca31a8372d0c353", "appImageTag": "3f9c2a1", "nginxImageTag": "3f9c2a1",
	}
	if env == "prod" || env == "staging" {
		base["scheduleScaleToZero"] = "false"
	}
	for k, v := range set {
		base[k] = v
	}
	keys := make([]string, 0, len(base))
	for k := range base {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	sb.WriteString("config:\n")
	for _, k := range keys {
		full := k
		if !strings.Contains(k, ":") {
			full = "fargate-platform:" + k
		}
		v := base[k]
		if strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{") {
			sb.WriteString("  " + full + ": " + v + "\n")
			continue
		}
		q, _ := yaml.Marshal(v)
		sb.WriteString("  " + full + ": " + strings.TrimSpace(string(q)) + "\n")
	}
	return sb.String()
}

func TestCommittedStacksAreValidAndDocumented(t *testing.T) {
	for _, stack := range stackNames {
		res := runPlan(root, nil, "--stack", stack, "--out", "-", "--quiet")
		require.Equal(t, 0, res.code, res.stderr)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	var proj struct {
		Config map[string]any `yaml:"config"`
	}
	b, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &proj))
	for key := range proj.Config {
		assert.Contains(t, string(readme), "`"+key+"`", "README's configuration reference misses %s", key)
	}
}
