// Package compose tests the repository's Docker Compose files (../compose.yaml and
// ../compose.override.yaml.example) with Compose's own parser, compose-go: that they load, and that the
// local stack mirrors the ECS web and worker tasks.
package compose

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/fargate-platform/fargate-platform/nginx"
	"github.com/fargate-platform/fargate-platform/stacks"
)

const (
	base     = "../compose.yaml"
	override = "../compose.override.yaml.example"
	envFile  = ".env.development.example"
)

// load parses the files as `docker compose` would with only env set: no shell environment and no
// .env, so a developer's own settings cannot change the result.
func load(t *testing.T, files []string, env map[string]string, profiles ...string) (*types.Project, error) {
	t.Helper()
	var kv []string
	for k, v := range env {
		kv = append(kv, k+"="+v)
	}
	opts, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(".."),
		cli.WithEnv(kv),
		cli.WithProfiles(profiles),
	)
	require.NoError(t, err)
	return opts.LoadProject(context.Background())
}

// mustLoad loads with the example env file standing in for the developer's .env.development.
func mustLoad(t *testing.T, files []string, profiles ...string) *types.Project {
	t.Helper()
	p, err := load(t, files, map[string]string{"DEV_ENV_FILE": envFile}, profiles...)
	require.NoError(t, err)
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	require.NoError(t, err)
	return s
}

// env flattens a service's environment (nil values, names without a value, become "").
func env(s types.ServiceConfig) map[string]string {
	out := map[string]string{}
	for k, v := range s.Environment {
		out[k] = ""
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

func seconds(d *types.Duration) time.Duration {
	if d == nil {
		return 0
	}
	return time.Duration(*d)
}

func TestServicesAndImages(t *testing.T) {
	p := mustLoad(t, []string{base})
	assert.ElementsMatch(t, []string{"nginx", "app", "worker", "migrate", "db", "redis"}, p.ServiceNames())
	assert.Contains(t, p.DisabledServiceNames(), "localstack", "LocalStack only with --profile aws")

	tests := []struct {
		give      string
		wantImage string
		wantBuild string // build context's last element, "" for none
	}{
		{"nginx", "fargate-platform/nginx:dev", "nginx"},
		{"app", "fargate-platform/app:dev", ""},
		{"worker", "fargate-platform/app:dev", ""},
		{"migrate", "fargate-platform/app:dev", ""},
		{"db", "postgres:16", ""},
		{"redis", "valkey/valkey:8.1", ""},
	}
	for _, tt := range tests {
		s := service(t, p, tt.give)
		assert.Equal(t, tt.wantImage, s.Image, tt.give)
		if tt.wantBuild == "" {
			assert.Nil(t, s.Build, tt.give)
			continue
		}
		require.NotNil(t, s.Build, tt.give)
		assert.True(t, strings.HasSuffix(s.Build.Context, "/"+tt.wantBuild), "%s builds %s", tt.give, s.Build.Context)
	}
}

// TestVersionsMatchTheStack holds the local Postgres and Valkey to the stack's defaults (Pulumi.yaml).
func TestVersionsMatchTheStack(t *testing.T) {
	b, err := os.ReadFile("../Pulumi.yaml")
	require.NoError(t, err)
	var project struct {
		Config map[string]struct {
			Default any `yaml:"default"`
		} `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(b, &project))
	p := mustLoad(t, []string{base})

	pg, _ := project.Config["dbEngineVersion"].Default.(string)
	assert.Equal(t, "postgres:"+pg, service(t, p, "db").Image)

	engine, _ := project.Config["cacheEngine"].Default.(string)
	require.Equal(t, "valkey", engine)
	repo, tag, _ := strings.Cut(service(t, p, "redis").Image, ":")
	assert.Equal(t, "valkey/valkey", repo)
	assert.Contains(t, stacks.CacheVersions[engine], tag, "an ElastiCache valkey version")
	assert.Equal(t, "8.1", tag, "the stack's default valkey version")
}

func TestNginxMatchesTheWebTask(t *testing.T) {
	p := mustLoad(t, []string{base})
	s := service(t, p, "nginx")

	assert.Equal(t, nginx.ComposeEnvironment, env(s), "the values nginx's render and nginx -t tests use")
	assert.Equal(t, "101", s.User)
	assert.True(t, s.ReadOnly)
	var tmpfs []string
	for _, m := range s.Tmpfs {
		path, opts, _ := strings.Cut(m, ":")
		tmpfs = append(tmpfs, path)
		assert.Contains(t, opts, "uid=101", m)
	}
	assert.Equal(t, nginx.WritablePaths, tmpfs)
	assert.Equal(t, []string{"ALL"}, s.CapDrop)

	require.Len(t, s.Ports, 1)
	assert.Equal(t, uint32(8080), s.Ports[0].Target)
	assert.Equal(t, "127.0.0.1", s.Ports[0].HostIP, "published on loopback only")

	// nginx may trust exactly the Compose network.
	require.NotNil(t, p.Networks["default"].Ipam.Config)
	assert.Equal(t, env(s)["REAL_IP_FROM"], p.Networks["default"].Ipam.Config[0].Subnet)
}

func TestHealthChecksAndStartOrder(t *testing.T) {
	p := mustLoad(t, []string{base})
	tests := []struct {
		give          string
		wantTest      []string
		wantStart     time.Duration
		wantDependsOn map[string]string
	}{
		// As the task definition: nginx checked through itself, Rails directly; nginx waits for HEALTHY.
		{"nginx", []string{"CMD-SHELL", "curl -fsS -o /dev/null http://localhost:8080/up || exit 1"}, 15 * time.Second,
			map[string]string{"app": "service_healthy"}},
		{"app", []string{"CMD-SHELL", "curl -fsS -o /dev/null http://localhost:3000/up || exit 1"}, 60 * time.Second,
			map[string]string{"db": "service_healthy", "redis": "service_healthy", "migrate": "service_completed_successfully"}},
		{"worker", nil, 0,
			map[string]string{"db": "service_healthy", "redis": "service_healthy", "migrate": "service_completed_successfully"}},
		{"migrate", nil, 0, map[string]string{"db": "service_healthy", "redis": "service_healthy"}},
		{"db", []string{"CMD-SHELL", `pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB"`}, 10 * time.Second, nil},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			s := service(t, p, tt.give)
			if tt.wantTest == nil {
				assert.Nil(t, s.HealthCheck)
			} else {
				require.NotNil(t, s.HealthCheck)
				assert.Equal(t, types.HealthCheckTest(tt.wantTest), s.HealthCheck.Test)
				assert.Equal(t, tt.wantStart, seconds(s.HealthCheck.StartPeriod))
			}
			if tt.give == "nginx" || tt.give == "app" {
				assert.Equal(t, 15*time.Second, seconds(s.HealthCheck.Interval))
				assert.Equal(t, 5*time.Second, seconds(s.HealthCheck.Timeout))
				assert.Equal(t, uint64(3), *s.HealthCheck.Retries)
			}
			got := map[string]string{}
			for name, d := range s.DependsOn {
				got[name] = d.Condition
			}
			if tt.wantDependsOn == nil {
				tt.wantDependsOn = map[string]string{}
			}
			assert.Equal(t, tt.wantDependsOn, got)
		})
	}
	redis := service(t, p, "redis")
	require.NotNil(t, redis.HealthCheck)
	assert.Contains(t, strings.Join(redis.HealthCheck.Test, " "), `-a "$REDIS_PASSWORD" ping`)
}

func TestAppContainers(t *testing.T) {
	p := mustLoad(t, []string{base})
	app := env(service(t, p, "app"))
	db := env(service(t, p, "db"))

	tests := []struct {
		give        string
		wantCommand []string // nil: the image's own
	}{
		{"app", nil},
		{"worker", []string{"bundle", "exec", "sidekiq"}},
		{"migrate", []string{"bin/rails", "db:prepare"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			s := service(t, p, tt.give)
			assert.Equal(t, types.ShellCommand(tt.wantCommand), s.Command)
			assert.Equal(t, "1000:1000", s.User)
			assert.True(t, s.ReadOnly)
			assert.Equal(t, []string{"/rails/tmp:uid=1000,gid=1000,mode=0755"}, []string(s.Tmpfs))
			e := env(s)
			assert.Equal(t, "production", e["RAILS_ENV"], "compose.yaml alone is production-shaped")
			assert.Equal(t, "db", e["DB_HOST"])
			assert.Equal(t, "5432", e["DB_PORT"])
			assert.Equal(t, "redis://redis:6379/0", e["REDIS_URL"])
			for _, secret := range []string{"DB_PASSWORD", "REDIS_PASSWORD", "SECRET_KEY_BASE"} {
				assert.NotEmpty(t, e[secret], "%s from the env file", secret)
			}
			assert.Empty(t, s.Ports, "only nginx is published")
		})
	}

	// The postgres image creates the user the app logs in as.
	assert.Equal(t, app["DB_USER"], db["POSTGRES_USER"])
	assert.Equal(t, app["DB_NAME"], db["POSTGRES_DB"])
	assert.Equal(t, app["DB_PASSWORD"], db["POSTGRES_PASSWORD"])
	assert.Equal(t, app["REDIS_PASSWORD"], env(service(t, p, "redis"))["REDIS_PASSWORD"])
}

// TestSecretsOnlyInTheEnvFile: as in AWS, where they are ECS secrets, no password or key is written in
// a Compose file.
func TestSecretsOnlyInTheEnvFile(t *testing.T) {
	secretKey := regexp.MustCompile(`(?m)^\s*-?\s*(DB_PASSWORD|POSTGRES_PASSWORD|REDIS_PASSWORD|SECRET_KEY_BASE|AWS_SECRET_ACCESS_KEY)\s*[:=]`)
	for _, f := range []string{base, override} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Empty(t, secretKey.FindAllString(string(b), -1), f)
	}
}

func TestEnvFileIsRequired(t *testing.T) {
	_, err := load(t, []string{base}, map[string]string{"DEV_ENV_FILE": ".env.does-not-exist"})
	require.Error(t, err, "a missing env file must stop Compose, not start Rails without secrets")
	assert.Contains(t, err.Error(), ".env.does-not-exist")
}

func TestDevelopmentOverride(t *testing.T) {
	p := mustLoad(t, []string{base, override})

	for _, name := range []string{"app", "worker", "migrate"} {
		s := service(t, p, name)
		assert.Equal(t, "development", env(s)["RAILS_ENV"], name)
		require.NotNil(t, s.Build, name)
		assert.True(t, strings.HasSuffix(s.Build.Context, "/app"), "%s builds %s", name, s.Build.Context)
		var binds []string
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind {
				binds = append(binds, v.Target)
			}
		}
		assert.Equal(t, []string{"/rails"}, binds, "%s: the source is bind-mounted", name)
		// The override adds to compose.yaml; the task's settings stay.
		assert.Equal(t, "db", env(s)["DB_HOST"], name)
		assert.True(t, s.ReadOnly, name)
	}

	app := service(t, p, "app")
	assert.Equal(t, "12345", env(app)["RUBY_DEBUG_PORT"])
	tests := []struct {
		give string
		want []uint32
	}{
		{"app", []uint32{3000, 12345}},
		{"db", []uint32{5432}},
		{"redis", []uint32{6379}},
		{"nginx", []uint32{8080}},
	}
	for _, tt := range tests {
		var got []uint32
		for _, port := range service(t, p, tt.give).Ports {
			got = append(got, port.Target)
			assert.Equal(t, "127.0.0.1", port.HostIP, "%s:%d on loopback only", tt.give, port.Target)
		}
		assert.ElementsMatch(t, tt.want, got, tt.give)
	}
	assert.Equal(t, nginx.ComposeEnvironment, env(service(t, p, "nginx")))
}

func TestLocalStackProfile(t *testing.T) {
	p := mustLoad(t, []string{base}, "aws")
	s := service(t, p, "localstack")
	assert.Regexp(t, `^localstack/localstack:\d+\.\d+\.\d+$`, s.Image, "pinned: newer images need an account")
	assert.Equal(t, "s3,secretsmanager", env(s)["SERVICES"])
	require.Len(t, s.Ports, 1)
	assert.Equal(t, "127.0.0.1", s.Ports[0].HostIP)
	assert.Empty(t, env(s)["LOCALSTACK_AUTH_TOKEN"], "a token comes from the developer's shell only")
}

func TestImagesArePinned(t *testing.T) {
	p := mustLoad(t, []string{base, override}, "aws")
	for _, s := range p.AllServices() {
		_, tag, ok := strings.Cut(s.Image, ":")
		assert.True(t, ok && tag != "" && tag != "latest", "%s: %q has a version tag", s.Name, s.Image)
	}
}
