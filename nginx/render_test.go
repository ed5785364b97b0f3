package nginx

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// officialScript is the part of the image's docker-entrypoint.d/20-envsubst-on-templates.sh that decides
// what a template becomes, verbatim: the filter, the list of defined variables and the envsubst call.
const officialScript = `set -e
filter="${NGINX_ENVSUBST_FILTER:-}"
defined_envs=$(printf '${%s} ' $(awk "END { for (name in ENVIRON) { print ( name ~ /${filter}/ ) ? name : \"\" } }" </dev/null))
envsubst "$defined_envs" <"$0"
`

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// imageEnv is the container's environment under the Dockerfile's ENV and then env.
func imageEnv(t *testing.T, env map[string]string) map[string]string {
	t.Helper()
	defaults, err := DockerfileEnv(readFile(t, DockerfilePath))
	require.NoError(t, err)
	return Merge(defaults, env)
}

func TestRender(t *testing.T) {
	tests := []struct {
		name string
		give string
		env  map[string]string
		want string
	}{
		{"braced and bare references of set variables", "a ${A} $A b", map[string]string{"A": "1"}, "a 1 1 b"},
		{"unset variable stays as written", "listen ${PORT};", map[string]string{"A": "1"}, "listen ${PORT};"},
		{"set but empty is substituted by nothing", "x${E}y", map[string]string{"E": ""}, "xy"},
		{"nginx variables are not environment variables", "proxy_set_header Host $host;", map[string]string{"HOST": "h"}, "proxy_set_header Host $host;"},
		{"the name ends at the first non-name byte", "$A.b $A_b", map[string]string{"A": "1", "A_b": "2"}, "1.b 2"},
		{"shell defaults are not envsubst syntax", "${A:-x} ${A-x}", map[string]string{"A": "1"}, "${A:-x} ${A-x}"},
		{"unterminated brace stays", "${A", map[string]string{"A": "1"}, "${A"},
		{"dollar before a non-name", "$ $1 ${ } $${A} $$", map[string]string{"A": "1"}, "$ $1 ${ } $1 $$"},
		{"regular expression anchors survive", `"~^[a-z]{1,3}$" x;`, map[string]string{"A": "1"}, `"~^[a-z]{1,3}$" x;`},
		{"filter limits the names", "${A} ${B}", map[string]string{"A": "1", "B": "2", FilterVariable: "^A"}, "1 ${B}"},
		{"filter is a regular expression, not a prefix", "${XA} ${A}", map[string]string{"XA": "1", "A": "2", FilterVariable: "A"}, "1 2"},
		{"empty filter admits every name", "${A}", map[string]string{"A": "1", FilterVariable: ""}, "1"},
		{"names that are not identifiers never substitute", "${FOO} ${FOO-BAR}", map[string]string{"FOO-BAR": "x"}, "${FOO} ${FOO-BAR}"},
		{"values are not rescanned", "${A}", map[string]string{"A": "${B}", "B": "2"}, "${B}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(tt.give, tt.env)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRenderRejectsBadFilter(t *testing.T) {
	_, err := Render("${A}", map[string]string{FilterVariable: "(", "A": "1"})
	assert.ErrorContains(t, err, FilterVariable)
}

// TestRenderMatchesImageScript renders with Render and with the image's own commands (sh, awk, GNU
// envsubst) under the same environment and requires the same bytes.
func TestRenderMatchesImageScript(t *testing.T) {
	for _, tool := range []string{"sh", "awk", "envsubst"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not on PATH: .ci/run must install gettext-base (envsubst) and mawk", tool)
			}
			t.Skipf("%s is not on PATH (apt-get install gettext-base): cannot compare with the image's envsubst", tool)
		}
	}
	template := readFile(t, TemplatePath)
	edgeCases := "a ${A} $A ${A:-d} ${A ${UNSET} $UNSET $host ${host} $1 $$A ${_U} x${E}y ${B}${A}\n" +
		`"~^[A-Za-z0-9._-]{1,128}$" $http_x_request_id;` + "\n"
	dir := t.TempDir()
	tests := []struct {
		name string
		give string // the template
		env  map[string]string
	}{
		{"ECS", template, imageEnv(t, ECSEnvironment)},
		{"Compose", template, imageEnv(t, ComposeEnvironment)},
		{"image defaults", template, imageEnv(t, nil)},
		{"no filter", template, Merge(ECSEnvironment, map[string]string{"host": "not-nginx"})},
		{"edge cases, no filter", edgeCases, map[string]string{"A": "1", "_U": "u", "E": "", "B": "b", "host": "h"}},
		{"edge cases, filter", edgeCases, map[string]string{"A": "1", "_U": "u", "B": "b", FilterVariable: "^(A|_U)"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The shell adds PWD to the environment it passes on; give both sides the same one.
			env := Merge(tt.env, map[string]string{"PWD": dir})
			path := dir + "/" + strings.Repeat("t", i+1) + ".template"
			require.NoError(t, os.WriteFile(path, []byte(tt.give), 0o644))

			cmd := exec.Command("sh", "-c", officialScript, path)
			cmd.Dir = dir
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			out, err := cmd.Output()
			require.NoError(t, err)

			got, err := Render(tt.give, env)
			require.NoError(t, err)
			assert.Equal(t, string(out), got)
		})
	}
}

func TestTemplateVariables(t *testing.T) {
	template := readFile(t, TemplatePath)
	env, err := DockerfileEnv(readFile(t, DockerfilePath))
	require.NoError(t, err)

	assert.ElementsMatch(t, Variables, References(template), "the template's ${NAME} references")
	for _, v := range Variables {
		assert.NotEmpty(t, env[v], "the Dockerfile gives %s a default", v)
	}
	// Environment variables are written ${NAME}; a bare $NAME in upper case would be one by mistake.
	assert.Empty(t, regexp.MustCompile(`\$[A-Z_][A-Z0-9_]*`).FindAllString(template, -1))

	filter := regexp.MustCompile(env[FilterVariable])
	tests := []struct {
		give string
		want bool
	}{
		{"PWD", false}, {"HOSTNAME", false}, {"HOME", false}, {"PATH", false}, {"NGINX_VERSION", false},
		{"AWS_REGION", false}, {"ECS_CONTAINER_METADATA_URI_V4", false}, {"host", false},
	}
	for _, v := range Variables {
		tests = append(tests, struct {
			give string
			want bool
		}{v, true})
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, filter.MatchString(tt.give), "filter on %s", tt.give)
	}
}

func TestRenderedConfigs(t *testing.T) {
	template := readFile(t, TemplatePath)
	tests := []struct {
		name string
		give map[string]string
		want []string
	}{
		{"ECS", ECSEnvironment, []string{
			"server localhost:3000 max_fails=0;",
			"listen 8080 default_server;",
			"set_real_ip_from 10.20.0.0/16;",
			"    10.20.0.0/16 1;",
			"real_ip_header CF-Connecting-IP;",
			"client_max_body_size 25m;",
			"keepalive_timeout 75s;",
			"location = /up {",
		}},
		{"Compose", ComposeEnvironment, []string{
			"server app:3000 max_fails=0;",
			"listen 8080 default_server;",
			"set_real_ip_from 172.30.80.0/24;",
			"location = /up {",
		}},
		{"image defaults only", nil, []string{
			"server localhost:3000 max_fails=0;",
			"set_real_ip_from 127.0.0.1/32;",
			"client_max_body_size 25m;",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(template, imageEnv(t, tt.give))
			require.NoError(t, err)
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
			assert.Empty(t, References(got), "every environment reference is substituted")
			// nginx's own variables survive rendering.
			for _, v := range []string{"$proxy_add_x_forwarded_for", "$request_id", "$http_cf_ray", "$upstream_http_x_frame_options"} {
				assert.Contains(t, got, v)
			}
		})
	}
}

func TestDockerfileEnv(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		want    map[string]string
		wantErr string
	}{
		{"continuations and quotes", "FROM x\n# c\nENV A=1 \\\n    # between\n    B=\"^(x|y)\"\nRUN true\n",
			map[string]string{"A": "1", "B": "^(x|y)"}, ""},
		{"later wins", "ENV A=1\nENV A=2\n", map[string]string{"A": "2"}, ""},
		{"legacy form refused", "ENV A 1\n", nil, `"A" is not key=value`},
		{"unterminated quote", "ENV A=\"1\n", nil, "unterminated quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DockerfileEnv(tt.give)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestWithoutUpstreamKeepalive(t *testing.T) {
	conf, err := Render(readFile(t, TemplatePath), imageEnv(t, ECSEnvironment))
	require.NoError(t, err)
	require.Contains(t, conf, "    keepalive 32;\n")
	require.Contains(t, conf, "proxy_set_header Connection $connection_upgrade;")

	got := WithoutUpstreamKeepalive(conf)
	assert.NotContains(t, got, "keepalive 32;")
	assert.Contains(t, got, "proxy_set_header Connection close;")
	assert.Contains(t, got, "keepalive_timeout 15s;", "only the pool goes")
}
