package compose

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/stacks"
)

var required = Options{Stack: "test", Environment: "dev", Region: "ap-southeast-2", Domain: "app-dev.example.com",
	ZoneId: "023e105f4ecef8ad9ca31a8372d0c353", AppImageTag: "3f9c2a1", NginxImageTag: "3f9c2a1"}

// importDir imports files and writes the stack file beside a copy of Pulumi.yaml in a temp dir.
func importDir(t *testing.T, lo LoadOptions, o Options) (*Result, string) {
	t.Helper()
	p, err := Load(context.Background(), lo)
	require.NoError(t, err)
	res := Import(p, o)
	dir := t.TempDir()
	proj, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), proj, 0o644))
	file, err := res.StackFile("fargate-platform", nil)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+o.Stack+".yaml"), file, 0o644))
	return res, dir
}

// load reads the written stack file as the program does and validates it.
func load(t *testing.T, dir, stack string) stacks.Config {
	t.Helper()
	sc, err := plan.LoadStackConfig(dir, stack)
	require.NoError(t, err)
	cfg, err := stacks.Load(sc.Project, sc.Stack, stacks.Input{Values: sc.Values, SecretKeys: sc.SecretKeys})
	require.NoError(t, err)
	return cfg
}

// The project's own compose.yaml imports to the default shape: web (nginx in front), worker, migrate.
func TestRoundTripOwnCompose(t *testing.T) {
	env := filepath.Join(t.TempDir(), "e.env")
	require.NoError(t, os.WriteFile(env, []byte("DEV_ENV_FILE=.env.development.example\n"), 0o644))
	res, dir := importDir(t, LoadOptions{Files: []string{"../../compose.yaml"}, EnvFiles: []string{env}}, required)
	imported := load(t, dir, "test")
	require.True(t, imported.ServicesDeclared)

	legacyFile := strings.Join([]string{"config:", "  aws:region: ap-southeast-2", "  fargate-platform:environment: dev",
		"  fargate-platform:domain: app-dev.example.com", "  fargate-platform:cloudflareZoneId: 023e105f4ecef8ad9ca31a8372d0c353",
		"  fargate-platform:appImageTag: 3f9c2a1", "  fargate-platform:nginxImageTag: 3f9c2a1", ""}, "\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.legacy.yaml"), []byte(legacyFile), 0o644))
	legacy := load(t, dir, "legacy")
	require.False(t, legacy.ServicesDeclared)

	type shape struct {
		Name, Role          string
		Command             []string
		Cpu, Memory         int
		Desired, Min, Max   int
		Nginx               bool
		Port                int
		HealthCheckPath     string
		Preset, User, Image string
	}
	view := func(ss []stacks.ServiceSpec) []shape {
		var out []shape
		for _, s := range ss {
			cmd := s.Command
			if len(cmd) == 0 {
				cmd = nil
			}
			out = append(out, shape{s.Name, s.Role, cmd, s.Cpu, s.Memory, s.Desired, s.Min, s.Max, s.Nginx, s.Port, s.HealthCheckPath, s.Preset, s.User, s.Image})
		}
		return out
	}
	assert.Equal(t, view(legacy.Services), view(imported.Services))
	assert.Equal(t, "16", imported.Database.EngineVersion)
	assert.Equal(t, "valkey", imported.Cache.Engine)
	assert.Equal(t, "8.1", imported.Cache.EngineVersion)
	assert.Equal(t, []string{"SECRET_KEY_BASE"}, secretNames(res))
}

func secretNames(r *Result) []string {
	var out []string
	for _, s := range r.Report.Secrets {
		out = append(out, s.Name)
	}
	return out
}

// corpusFiles is each corpus app's Compose file.
func corpusFiles(t *testing.T) map[string]string {
	dirs, err := filepath.Glob("../../tests/testdata/compose/*")
	require.NoError(t, err)
	out := map[string]string{}
	for _, d := range dirs {
		fs, _ := filepath.Glob(filepath.Join(d, "*compose*.y*ml"))
		if len(fs) == 1 {
			out[filepath.Base(d)] = fs[0]
		}
	}
	require.GreaterOrEqual(t, len(out), 8, "the corpus holds at least eight apps")
	return out
}

// Every corpus app imports to a stack file stacks.Load accepts, and its report matches the reviewed
// golden (UPDATE_GOLDEN=1 rewrites it).
func TestCorpus(t *testing.T) {
	for app, file := range corpusFiles(t) {
		t.Run(app, func(t *testing.T) {
			res, dir := importDir(t, LoadOptions{Files: []string{file}}, required)
			cfg := load(t, dir, "test")
			assert.True(t, cfg.ServicesDeclared)
			md := res.Report.Markdown()
			golden := filepath.Join(filepath.Dir(file), "import-test.md")
			if os.Getenv("UPDATE_GOLDEN") == "1" {
				require.NoError(t, os.WriteFile(golden, md, 0o644))
				stack, _ := os.ReadFile(filepath.Join(dir, "Pulumi.test.yaml"))
				require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(file), "Pulumi.test.yaml"), stack, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden report: run UPDATE_GOLDEN=1 go test ./pkg/compose/")
			assert.Equal(t, string(want), string(md))
			assert.Greater(t, res.Report.NeedsYou, 0, "every corpus app needs its user somewhere (secrets at least)")
		})
	}
}

// What the corpus apps must become: roles from what the services do, stores managed.
func TestCorpusRoles(t *testing.T) {
	tests := []struct {
		app     string
		want    map[string]string // stack service -> role
		absent  []string          // not in the stack file
		dbMajor string
		cache   string
	}{
		{"chatwoot", map[string]string{"rails": "web", "sidekiq": "worker"}, []string{"base", "postgres", "redis", "unoapi"}, "16", "valkey 8.1"},
		{"mastodon", map[string]string{"web": "web", "sidekiq": "worker"}, []string{"db", "redis", "streaming"}, "16", "redis 7.1"},
		{"maybe", map[string]string{"web": "web", "worker": "worker"}, []string{"db", "redis"}, "16", "valkey 8.1"},
		{"n8n", map[string]string{"n8n": "web", "n8n-worker": "worker"}, []string{"postgres", "redis", "n8n-runner"}, "16", "redis 7.1"},
		{"plausible", map[string]string{"plausible": "web", "plausible-migrate": "release"}, []string{"mail", "plausible-db", "plausible-events-db"}, "16", ""},
		{"zammad", map[string]string{"zammad-railsserver": "web", "zammad-scheduler": "worker", "zammad-init": "release", "zammad-websocket": "worker"}, []string{"zammad-nginx", "zammad-backup", "zammad-memcached", "zammad-elasticsearch"}, "17", "valkey 8.1"},
	}
	files := corpusFiles(t)
	for _, tt := range tests {
		t.Run(tt.app, func(t *testing.T) {
			res, _ := importDir(t, LoadOptions{Files: []string{files[tt.app]}}, required)
			got := map[string]string{}
			for n, s := range res.Services {
				if _, ok := tt.want[n]; ok {
					got[n] = s.Role
				}
			}
			assert.Equal(t, tt.want, got)
			for _, n := range tt.absent {
				assert.NotContains(t, res.Services, n)
			}
			assert.Equal(t, tt.dbMajor, orDefault(res.Config["dbEngineVersion"], "16"))
			if tt.cache != "" {
				assert.Equal(t, tt.cache, res.Config["cacheEngine"]+" "+res.Config["cacheEngineVersion"])
			}
		})
	}
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// A password full of URL-special characters, in a DATABASE_URL and as a plain secret, appears in no
// output: not the stack file, the Markdown, the JSON or the commands' argv.
func TestSecretsNeverWritten(t *testing.T) {
	const pass = `p@ss:w/rd?#%&=+ $!"x`
	dir := t.TempDir()
	compose := `services:
  web:
    build: .
    ports: ["3000:3000"]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:3000/up"]
    environment:
      DATABASE_URL: "postgres://app:${DBPASS}@db:5432/app"
      STRIPE_KEY: sk_live_abcdefghijklmnopqrstuvwx
      SESSION_SECRET: "${DBPASS}"
      UPSTREAM_URL: "https://user:${DBPASS}@api.example.com/v1"
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: "${DBPASS}"
      POSTGRES_USER: app
      POSTGRES_DB: app
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".env"), []byte("DBPASS='"+pass+"'\n"), 0o644))
	p, err := Load(context.Background(), LoadOptions{Files: []string{filepath.Join(dir, "compose.yaml")}, EnvFiles: []string{filepath.Join(dir, ".env")}})
	require.NoError(t, err)
	require.Contains(t, *p.Services["web"].Environment["SESSION_SECRET"], "p@ss", "the env file reached interpolation")
	res := Import(p, required)
	file, err := res.StackFile("fargate-platform", nil)
	require.NoError(t, err)
	js, err := res.Report.JSON()
	require.NoError(t, err)
	var argv []string
	for _, c := range res.SecretCommands(dir) {
		argv = append(argv, c.Args...)
		in, _ := io.ReadAll(c.Stdin)
		assert.NotEmpty(t, in, "the value goes to stdin")
	}
	for name, out := range map[string]string{"stack file": string(file), "markdown": string(res.Report.Markdown()), "json": string(js), "argv": strings.Join(argv, " ")} {
		for _, leak := range []string{pass, "p@ss", "sk_live_abcdefghijklmnopqrstuvwx"} {
			assert.NotContains(t, out, leak, name)
		}
	}
	assert.ElementsMatch(t, []string{"SESSION_SECRET", "STRIPE_KEY", "UPSTREAM_URL"}, secretNames(res))
	var dbItem Item
	for _, it := range res.Report.Items {
		if it.Key == "environment.DATABASE_URL" {
			dbItem = it
		}
	}
	assert.Equal(t, Changed, dbItem.Status, "the stack builds the URL itself")
	assert.Equal(t, "databaseUrl: DATABASE_URL", dbItem.What)
	assert.Contains(t, dbItem.Why, "PGPASSWORD")
	assert.Contains(t, string(file), "databaseUrl: DATABASE_URL")
	assert.Equal(t, "17", res.Config["dbEngineVersion"])
	assert.Equal(t, []string{"pulumi", "config", "set", "--secret", "--path", "appSecrets.SESSION_SECRET", "-s", "test"}, res.SecretCommands(dir)[0].Args)
	_, dir2 := importDirFrom(t, res)
	load(t, dir2, "test")
}

func importDirFrom(t *testing.T, res *Result) (*Result, string) {
	dir := t.TempDir()
	proj, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), proj, 0o644))
	file, err := res.StackFile("fargate-platform", nil)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.test.yaml"), file, 0o644))
	return res, dir
}

func TestFargateSize(t *testing.T) {
	tests := []struct{ cpu, mem, wantCpu, wantMem int }{
		{0, 0, 256, 512}, {256, 512, 256, 512}, {256, 1500, 256, 2048}, {512, 512, 512, 1024},
		{500, 3000, 512, 3072}, {1024, 9000, 2048, 9216}, {3000, 4096, 4096, 8192},
	}
	for _, tt := range tests {
		c, m := fargateSize(tt.cpu, tt.mem)
		assert.Equal(t, [2]int{tt.wantCpu, tt.wantMem}, [2]int{c, m}, "%d/%d", tt.cpu, tt.mem)
	}
}

func TestHealthURL(t *testing.T) {
	tests := []struct {
		give []string
		port int
		path string
		http bool
	}{
		{[]string{"CMD-SHELL", "curl -fsS -o /dev/null http://localhost:3000/up || exit 1"}, 3000, "/up", true},
		{[]string{"CMD-SHELL", "curl -s --noproxy localhost localhost:3000/health | grep -q 'OK' || exit 1"}, 3000, "/health", true},
		{[]string{"CMD-SHELL", "curl -f http://localhost:8080/login/ || exit 1"}, 8080, "/login/", true},
		{[]string{"CMD", "wget", "-qO-", "http://127.0.0.1:4000/api/v1/streaming/health"}, 4000, "/api/v1/streaming/health", true},
		{[]string{"CMD", "redis-cli", "ping"}, 0, "", false},
	}
	for _, tt := range tests {
		hc := typesHealth{Test: tt.give}.c()
		port, path, ok := healthURL(&hc)
		assert.Equal(t, tt.http, ok, tt.give)
		assert.Equal(t, tt.port, port, tt.give)
		assert.Equal(t, tt.path, path, tt.give)
	}
}

func TestStripWaits(t *testing.T) {
	tests := []struct{ give, want []string }{
		{[]string{"wait-for-it", "db:5432", "--", "bundle", "exec", "puma"}, []string{"bundle", "exec", "puma"}},
		{[]string{"dockerize", "-wait", "tcp://db:5432", "-timeout", "60s", "npm", "start"}, []string{"npm", "start"}},
		{[]string{"sh", "-c", "sleep 10 && /entrypoint.sh run"}, []string{"/entrypoint.sh", "run"}},
		{[]string{"bundle", "exec", "sidekiq"}, []string{"bundle", "exec", "sidekiq"}},
	}
	for _, tt := range tests {
		got, _ := stripWaits(tt.give)
		assert.Equal(t, tt.want, got, tt.give)
	}
}

func TestLooksSecret(t *testing.T) {
	tests := []struct {
		give string
		want bool
	}{
		{"AKIAIOSFODNN7EXAMPLE", true}, {"ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", true},
		{"https://user:pw@example.com", true}, {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", true},
		{"a7523c3d0ae56415046ad8abae168d71074a79534a7062258f8d1d51", true},
		{"production", false}, {"https://example.com/path", false}, {"Europe/Berlin", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, looksSecret(tt.give), tt.give)
	}
}

// A key the user marked `# keep` survives a re-import; an unmarked one is rewritten.
func TestKeepMarker(t *testing.T) {
	res := &Result{Config: map[string]string{"environment": "dev", "dbEngineVersion": "16"},
		Services: map[string]*ServiceOut{"web": {Role: "web"}}, Report: Report{Stack: "test", Files: []string{"compose.yaml"}}}
	old := []byte("config:\n  fargate-platform:dbEngineVersion: \"17\" # keep\n  fargate-platform:environment: prod\n" +
		"  fargate-platform:services:\n    web: # keep\n      role: web\n      cpu: 1024\n")
	out, err := res.StackFile("fargate-platform", old)
	require.NoError(t, err)
	s := string(out)
	assert.Contains(t, s, `fargate-platform:dbEngineVersion: "17" # keep`)
	assert.Contains(t, s, "fargate-platform:environment: dev")
	assert.Contains(t, s, "cpu: 1024")
	d := Diff(old, out)
	assert.Contains(t, d, "-   fargate-platform:environment: prod")
	assert.Contains(t, d, "+   fargate-platform:environment: dev")
	assert.NotContains(t, d, "dbEngineVersion")
}

type typesHealth struct{ Test []string }

func (h typesHealth) c() types.HealthCheckConfig { return types.HealthCheckConfig{Test: h.Test} }
