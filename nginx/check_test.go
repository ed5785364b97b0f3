//go:build unix

package nginx

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nginxBinary finds the real nginx. Without it a developer's run skips these tests; CI must have it.
func nginxBinary(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("nginx")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("nginx is not on PATH and CI is set: .ci/run must `apt-get install -y nginx`")
		}
		t.Skip("nginx is not on PATH (apt-get install -y nginx); skipping the tests that run the real nginx")
	}
	return path
}

// composeHosts resolves the Compose service name the way Docker's DNS does inside the network.
var composeHosts = map[string][]string{"localhost": {"127.0.0.1"}, "app": {"127.0.0.1"}}

// requireHostsOverride skips a developer's run, and fails CI, where nginx cannot get its own /etc/hosts.
func requireHostsOverride(t *testing.T) {
	t.Helper()
	if CanOverrideHosts() {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI runs as root and must be able to `unshare --mount` to give nginx an /etc/hosts")
	}
	t.Skip("needs root and unshare(1) to give nginx its own /etc/hosts")
}

func TestNginxAcceptsRenderedConfigs(t *testing.T) {
	bin := nginxBinary(t)
	template := readFile(t, TemplatePath)
	tests := []struct {
		name    string
		give    map[string]string
		hosts   map[string][]string
		wantErr string
	}{
		{name: "ECS", give: ECSEnvironment},
		{name: "Compose", give: ComposeEnvironment, hosts: composeHosts},
		{name: "image defaults", give: nil},
		// The controls: nginx -t does reject what it should, so the cases above mean something.
		{name: "bad body size", give: Merge(ECSEnvironment, map[string]string{"CLIENT_MAX_BODY_SIZE": "25 megabytes"}),
			wantErr: "invalid number of arguments"},
		{name: "bad trusted range", give: Merge(ECSEnvironment, map[string]string{"REAL_IP_FROM": "10.20.0.0/33"}),
			wantErr: "10.20.0.0/33"},
		{name: "unknown backend host", give: Merge(ECSEnvironment, map[string]string{"BACKEND_HOST": "no-such-host.invalid"}),
			wantErr: "host not found in upstream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.hosts != nil {
				requireHostsOverride(t)
			}
			conf, err := Render(template, imageEnv(t, tt.give))
			require.NoError(t, err)
			out, err := Check(Options{Binary: bin, Config: conf, Hosts: tt.hosts})
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, out, tt.wantErr)
				return
			}
			require.NoError(t, err, out)
			assert.Contains(t, out, "test is successful")
		})
	}
}
