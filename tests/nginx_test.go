package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/nginx"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/pkg/service"
)

// nginxContainer returns the nginx container of the planned web task definition.
func nginxContainer(t *testing.T, p *plan.Recorder) service.ContainerDefinition {
	t.Helper()
	for _, td := range need(t, p, "aws:ecs/taskDefinition:TaskDefinition") {
		var defs []service.ContainerDefinition
		require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs))
		for _, d := range defs {
			if d.Name == service.NginxContainer {
				return d
			}
		}
	}
	t.Fatal("no nginx container in the plan")
	return service.ContainerDefinition{}
}

// TestTheTaskRendersAConfigNginxAccepts renders nginx/templates with exactly the environment the planned
// web task gives the nginx container (over the image's ENV defaults, as the image's entrypoint does) and
// runs the real `nginx -t` on it: the task definition and the image cannot drift apart.
func TestTheTaskRendersAConfigNginxAccepts(t *testing.T) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("nginx is not on PATH and CI is set: .ci/run installs it")
		}
		t.Skip("nginx is not on PATH")
	}
	dockerfile, err := os.ReadFile(filepath.Join(root, "nginx", "Dockerfile"))
	require.NoError(t, err)
	defaults, err := nginx.DockerfileEnv(string(dockerfile))
	require.NoError(t, err)
	template, err := os.ReadFile(filepath.Join(root, "nginx", "templates", "default.conf.template"))
	require.NoError(t, err)

	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		c := nginxContainer(t, p)
		env := map[string]string{}
		for _, e := range c.Environment {
			env[e.Name] = e.Value
		}
		// The task sets every variable the template reads (none left to an image default by accident)...
		var missing []string
		for _, v := range nginx.Variables {
			if _, ok := env[v]; !ok && v != "CLIENT_KEEPALIVE_TIMEOUT" {
				missing = append(missing, v)
			}
		}
		sort.Strings(missing)
		assert.Empty(t, missing, "the web task does not set these template variables")
		assert.Equal(t, "localhost", env["BACKEND_HOST"])
		assert.Equal(t, "CF-Connecting-IP", env["REAL_IP_HEADER"], "the ALB admits Cloudflare alone in %s", stack)

		// ...and nginx accepts what the image would render from it.
		conf, err := nginx.Render(string(template), nginx.Merge(defaults, env))
		require.NoError(t, err)
		out, err := nginx.Check(nginx.Options{Binary: bin, Config: conf})
		require.NoError(t, err, out)
	})
}

func TestNginxWritablePathsAreMountedInTheTask(t *testing.T) {
	assert.Equal(t, nginx.WritablePaths, service.NginxWritablePaths)
	c := nginxContainer(t, plans["prod"])
	var mounted []string
	for _, m := range c.MountPoints {
		mounted = append(mounted, m.ContainerPath)
	}
	for _, path := range nginx.WritablePaths {
		assert.Contains(t, mounted, path)
	}
	assert.True(t, c.ReadonlyRootFilesystem)
	assert.Equal(t, "101", c.User)
}
