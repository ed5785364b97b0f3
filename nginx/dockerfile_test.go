package nginx

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// minimumNginx is the oldest acceptable base: the 1.30 release with the May 2026 rewrite-module fixes
// (CVE-2026-42945 in 1.30.1, CVE-2026-9256 in 1.30.2).
var minimumNginx = [3]int{1, 30, 2}

// byKeyword groups a Dockerfile's instructions by keyword, keeping each one's arguments.
func byKeyword(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, inst := range Instructions(readFile(t, DockerfilePath)) {
		k, rest, _ := strings.Cut(inst, " ")
		out[strings.ToUpper(k)] = append(out[strings.ToUpper(k)], rest)
	}
	return out
}

// The image cannot be built here (no Docker engine); these are the properties a reader would check.
func TestDockerfile(t *testing.T) {
	inst := byKeyword(t)

	t.Run("official nginx image, a pinned stable release that is still supported", func(t *testing.T) {
		require.Len(t, inst["FROM"], 1)
		m := regexp.MustCompile(`^nginx:(\d+)\.(\d+)\.(\d+)-[a-z]+(@sha256:[0-9a-f]{64})?$`).FindStringSubmatch(inst["FROM"][0])
		require.NotNil(t, m, "FROM %s: want nginx:<major>.<minor>.<patch>-<debian release>", inst["FROM"][0])
		var v [3]int
		for i := range v {
			v[i], _ = strconv.Atoi(m[i+1])
		}
		assert.Zero(t, v[1]%2, "an even minor is a stable branch; odd is mainline")
		assert.GreaterOrEqual(t, slices.Compare(v[:], minimumNginx[:]), 0, "at least %v", minimumNginx)
	})

	t.Run("the image's own template step, no extra packages", func(t *testing.T) {
		assert.Contains(t, inst["COPY"], "templates/ /etc/nginx/templates/")
		assert.Empty(t, inst["ENTRYPOINT"], "the base image's entrypoint renders the templates")
		assert.Empty(t, inst["CMD"])
		for _, run := range inst["RUN"] {
			for _, pm := range []string{"apt-get", "apt ", "apk ", "dpkg -i", "curl ", "wget "} {
				assert.NotContains(t, run, pm)
			}
		}
	})

	t.Run("non-root on an unprivileged port", func(t *testing.T) {
		env, err := DockerfileEnv(readFile(t, DockerfilePath))
		require.NoError(t, err)
		assert.Equal(t, []string{"101:101"}, inst["USER"])
		assert.Equal(t, []string{"8080"}, inst["EXPOSE"])
		assert.Equal(t, "8080", env["NGINX_PORT"])
		assert.ElementsMatch(t, append(slices.Clone(Variables), FilterVariable), slices.Collect(maps.Keys(env)))
	})

	t.Run("read-only root: the writable paths are volumes owned by nginx", func(t *testing.T) {
		require.Len(t, inst["VOLUME"], 1)
		assert.Equal(t, `["`+strings.Join(WritablePaths, `", "`)+`"]`, inst["VOLUME"][0])
		run := strings.Join(inst["RUN"], "\n")
		// The pid file lives in one of them, and each belongs to the nginx user before VOLUME freezes it.
		assert.Contains(t, run, "pid /var/run/nginx.pid;")
		assert.Contains(t, run, "install -d -o nginx -g nginx -m 0755 /var/run")
		assert.Contains(t, run, "chown -R nginx:nginx /var/cache/nginx /etc/nginx/conf.d")
		// The template is checked at build time and its output not left in the image.
		assert.Regexp(t, `/docker-entrypoint\.sh nginx -t; rm -f /etc/nginx/conf\.d/default\.conf;`, run)
	})
}
