package stacks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withServices is a valid stack of env with `services` (and `volumes`) set as the stack file would.
func withServices(env string, services map[string]any, volumes map[string]any) map[string]string {
	cfg := valid(env)
	b, _ := json.Marshal(services)
	cfg[project+":services"] = string(b)
	if volumes != nil {
		v, _ := json.Marshal(volumes)
		cfg[project+":volumes"] = string(v)
	}
	return cfg
}

func byName(c Config) map[string]ServiceSpec {
	out := map[string]ServiceSpec{}
	for _, s := range c.Services {
		out[s.Name] = s
	}
	return out
}

func TestWithoutServicesTheStackRunsTheDefaultShape(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			c, err := Load(project, "test", input(valid(env)))
			require.NoError(t, err)
			assert.False(t, c.ServicesDeclared)
			var got []string
			for _, s := range c.Services {
				got = append(got, s.Name+":"+s.Role+":"+s.Container)
			}
			assert.Equal(t, []string{"migrate:release:migrate", "web:web:rails", "worker:worker:sidekiq"}, got,
				"release tasks first, then the services")
			s := byName(c)
			assert.Equal(t, c.Service.Web.Cpu, s["web"].Cpu)
			assert.Equal(t, c.Service.Worker.Cpu, s["migrate"].Cpu, "the migration runs at the worker's size")
			assert.True(t, s["web"].Nginx)
			assert.Equal(t, []string{"bundle", "exec", "sidekiq"}, s["worker"].Command)
			assert.Equal(t, []string{"DB_PASSWORD", "REDIS_PASSWORD", "SECRET_KEY_BASE"}, s["web"].Secrets)
		})
	}
}

func TestDeclaredServicesTakeThePresetAndTheEnvironmentsDefaults(t *testing.T) {
	c, err := Load(project, "test", input(withServices("prod", map[string]any{
		"web":    map[string]any{"role": "web"},
		"jobs":   map[string]any{"role": "worker", "command": []string{"bundle", "exec", "sidekiq"}, "capacityProvider": "FARGATE_SPOT"},
		"render": map[string]any{"role": "internal", "preset": "none", "user": "1001", "port": 3000, "healthCheck": map[string]any{"path": "/health"}, "secrets": []string{}},
		"clock":  map[string]any{"role": "scheduled", "schedule": map[string]any{"cron": "cron(0 3 * * ? *)"}},
	}, nil)))
	require.NoError(t, err)
	s := byName(c)
	web := s["web"]
	assert.Equal(t, PresetRails, web.Preset, "the app image defaults to the Rails preset")
	assert.Equal(t, []any{"1000:1000", []string{"/rails/tmp"}, 3000, "/up", true}, []any{web.User, web.WritablePaths, web.Port, web.HealthCheckPath, web.Nginx})
	assert.Equal(t, []int{1024, 2048, 2, 2, 10}, []int{web.Cpu, web.Memory, web.Desired, web.Min, web.Max}, "prod's web size")
	assert.True(t, s["jobs"].ExplicitCapacity)
	assert.Equal(t, "FARGATE_SPOT", s["jobs"].CapacityProvider, "a Spot worker is allowed in prod")
	render := s["render"]
	assert.Equal(t, PresetNone, render.Preset)
	assert.Empty(t, render.WritablePaths, "preset none writes nowhere unless told")
	assert.Empty(t, render.Secrets)
	assert.False(t, render.AllSecrets)
	assert.False(t, render.Nginx)
	assert.Equal(t, "Australia/Sydney", s["clock"].Schedule.Timezone, "the stack's scheduleTimezone")
	assert.Zero(t, s["clock"].Desired, "a scheduled task has no count")
}

// TestServiceProblemsNameTheirPath: every problem names services.<name>.<field>, the value and what is
// allowed, all at once.
func TestServiceProblemsNameTheirPath(t *testing.T) {
	web := map[string]any{"role": "web"}
	tests := []struct {
		name     string
		services map[string]any
		volumes  map[string]any
		wantKey  string
		wantText string
	}{
		{"unknown role", map[string]any{"web": web, "x": map[string]any{"role": "cron"}}, nil, "services.x.role", "one of web, worker"},
		{"misspelt field", map[string]any{"web": web, "x": map[string]any{"role": "worker", "cpus": 1}}, nil, "services.x", `unknown field "cpus"`},
		{"bad size", map[string]any{"web": web, "x": map[string]any{"role": "worker", "cpu": 256, "memory": 4096}}, nil, "services.x.memory", "256 CPU"},
		{"no default web", map[string]any{"a": map[string]any{"role": "web", "routing": map[string]any{"paths": []string{"/a"}, "priority": 1}}}, nil, "services", "exactly one web service without routing"},
		{"two default webs", map[string]any{"web": web, "b": web}, nil, "services", "exactly one"},
		{"duplicate priority", map[string]any{"web": web,
			"a": map[string]any{"role": "web", "routing": map[string]any{"paths": []string{"/a"}, "priority": 5}},
			"b": map[string]any{"role": "web", "routing": map[string]any{"paths": []string{"/b"}, "priority": 5}}}, nil, "services.b.routing.priority", "services.a has it"},
		{"too many conditions", map[string]any{"web": web,
			"a": map[string]any{"role": "web", "routing": map[string]any{"paths": []string{"/1", "/2", "/3", "/4", "/5", "/6"}, "priority": 5}}}, nil, "services.a.routing", "at most"},
		{"routing on a worker", map[string]any{"web": web, "w": map[string]any{"role": "worker", "routing": map[string]any{"paths": []string{"/a"}}}}, nil, "services.w.routing", "only web services"},
		{"calls a worker", map[string]any{"web": map[string]any{"role": "web", "calls": []string{"w"}}, "w": map[string]any{"role": "worker"}}, nil, "services.web.calls", "internal service"},
		{"a release task calls", map[string]any{"web": web, "pdf": map[string]any{"role": "internal", "port": 3000},
			"m": map[string]any{"role": "release", "calls": []string{"pdf"}}}, nil, "services.m.calls", "Service Connect"},
		{"unknown secret", map[string]any{"web": map[string]any{"role": "web", "secrets": []string{"NOPE"}}}, nil, "services.web.secrets", "SECRET_KEY_BASE"},
		{"credential in environment", map[string]any{"web": map[string]any{"role": "web", "environment": map[string]string{"STRIPE_API_KEY": "sk"}}}, nil, "services.web.environment.STRIPE_API_KEY", "appSecrets"},
		{"preset none without a user", map[string]any{"web": web, "n": map[string]any{"role": "worker", "preset": "none", "image": "ghcr.io/o/n@sha256:" + strings.Repeat("a", 64)}}, nil, "services.n.user", "non-root"},
		{"root user", map[string]any{"web": map[string]any{"role": "web", "user": "0:0"}}, nil, "services.web.user", "non-root"},
		{"image by tag", map[string]any{"web": web, "n": map[string]any{"role": "worker", "user": "1", "image": "ghcr.io/o/n:latest"}}, nil, "services.n.image", "pinned by digest"},
		{"internal without port", map[string]any{"web": web, "p": map[string]any{"role": "internal", "preset": "none", "user": "1", "image": "ghcr.io/o/p@sha256:" + strings.Repeat("b", 64)}}, nil, "services.p.port", "the port the app listens on"},
		{"scheduled without cron", map[string]any{"web": web, "c": map[string]any{"role": "scheduled"}}, nil, "services.c.schedule.cron", "six fields"},
		{"two releases without order", map[string]any{"web": web, "a": map[string]any{"role": "release"}, "b": map[string]any{"role": "release"}}, nil, "services.a.order", "1 or more"},
		{"queue latency on web", map[string]any{"web": map[string]any{"role": "web", "scaling": map[string]any{"queueLatency": map[string]any{}}}}, nil, "services.web.scaling.queueLatency", "only workers"},
		{"Spot web in prod", map[string]any{"web": map[string]any{"role": "web", "capacityProvider": "FARGATE_SPOT"}}, nil, "services.web.capacityProvider", "Spot alone"},
		{"mount of an undeclared volume", map[string]any{"web": map[string]any{"role": "web", "mounts": []any{map[string]any{"volume": "x", "path": "/x"}}}}, nil, "services.web.mounts[0].volume", "declared under volumes"},
		{"root volume", map[string]any{"web": web}, map[string]any{"files": map[string]any{"uid": 0, "gid": 0}}, "", ""},
		{"bad service name", map[string]any{"web": web, "Bad_Name": map[string]any{"role": "worker"}}, nil, "services.Bad_Name", "a service name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(project, "test", input(withServices("prod", tt.services, tt.volumes)))
			if tt.wantKey == "" {
				require.NoError(t, err, "uid 0 reads as the default 1000, never root")
				return
			}
			require.Error(t, err)
			var found bool
			for _, e := range err.(Errors) {
				if fe, ok := e.(*FieldError); ok && fe.Key == tt.wantKey && strings.Contains(fe.Allowed, tt.wantText) {
					found = true
				}
			}
			assert.True(t, found, "want %s: ...%s...; got\n%v", tt.wantKey, tt.wantText, err)
		})
	}
}

func TestServicesRefuseTheDefaultShapesKeys(t *testing.T) {
	cfg := withServices("dev", map[string]any{"web": map[string]any{"role": "web"}}, nil)
	cfg[project+":workerCommand"] = `["rake", "jobs:work"]`
	_, err := Load(project, "test", input(cfg))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "workerCommand: sizes the default shape, which `services` replaces")
}

func TestReleaseTasksRunInTheirOrder(t *testing.T) {
	c, err := Load(project, "test", input(withServices("dev", map[string]any{
		"web":  map[string]any{"role": "web"},
		"zzz":  map[string]any{"role": "release", "order": 1},
		"aaa":  map[string]any{"role": "release", "order": 2},
		"cron": map[string]any{"role": "scheduled", "schedule": map[string]any{"cron": "cron(0 * * * ? *)"}},
	}, nil)))
	require.NoError(t, err)
	var order []string
	for _, s := range c.Services {
		if s.Role == RoleRelease {
			order = append(order, s.Name)
		}
	}
	assert.Equal(t, []string{"zzz", "aaa"}, order)
}
