// Package nginx is the web task's nginx sidecar: its image (Dockerfile), the one configuration template
// that serves both ECS and Docker Compose (templates/default.conf.template), and the Go side of it: Render
// reproduces the official image's template step (docker-entrypoint.d/20-envsubst-on-templates.sh) byte
// for byte, and Start runs a real nginx with the result on loopback, for the tests and for the benchmark
// in nginx/bench.
package nginx

import (
	"bufio"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// TemplatePath is the template, relative to this package's directory. The image copies it to
// /etc/nginx/templates/default.conf.template and renders it to /etc/nginx/conf.d/default.conf.
const TemplatePath = "templates/default.conf.template"

// DockerfilePath is the image's Dockerfile, relative to this package's directory.
const DockerfilePath = "Dockerfile"

// FilterVariable is the image's NGINX_ENVSUBST_FILTER: a regular expression (awk's dialect) a variable's
// name must match to be substituted.
const FilterVariable = "NGINX_ENVSUBST_FILTER"

// Variables are the template's inputs. The Dockerfile gives each a default and its filter admits these
// (and no variable ECS or Docker set); the names the ECS task and compose.yaml set are fixed (pkg/service relies on them).
var Variables = []string{
	"NGINX_PORT",
	"BACKEND_HOST",
	"BACKEND_PORT",
	"CLIENT_MAX_BODY_SIZE",
	"REAL_IP_FROM",
	"REAL_IP_HEADER",
	"HEALTH_CHECK_PATH",
	"CLIENT_KEEPALIVE_TIMEOUT",
}

// WritablePaths are the only paths the image writes to, so the only ones a read-only root filesystem
// must leave writable: nginx's temp files (request bodies and responses it buffers), its pid file, and
// conf.d, where the template step writes at start. The Dockerfile declares each a VOLUME owned by uid
// 101; the ECS task mounts task storage at exactly these (pkg/service NginxWritablePaths must equal
// them) and compose.yaml mounts tmpfs there.
var WritablePaths = []string{"/var/cache/nginx", "/var/run", "/etc/nginx/conf.d"}

// ECSEnvironment is what the web task definition sets on the nginx container (pkg/service), with the
// service's defaults and an example VPC CIDR.
var ECSEnvironment = map[string]string{
	"BACKEND_HOST":         "localhost",
	"BACKEND_PORT":         "3000",
	"NGINX_PORT":           "8080",
	"REAL_IP_FROM":         "10.20.0.0/16",
	"CLIENT_MAX_BODY_SIZE": "25m",
	"HEALTH_CHECK_PATH":    "/up",
}

// ComposeEnvironment is what compose.yaml sets on its nginx service, with the default subnet of its
// network (the compose package's test holds the two together).
var ComposeEnvironment = map[string]string{
	"BACKEND_HOST":         "app",
	"BACKEND_PORT":         "3000",
	"NGINX_PORT":           "8080",
	"REAL_IP_FROM":         "172.30.80.0/24",
	"CLIENT_MAX_BODY_SIZE": "25m",
	"HEALTH_CHECK_PATH":    "/up",
}

// Merge returns one environment from several, later ones winning: the image's ENV defaults first, then
// what the task or Compose sets, as a container runtime does.
func Merge(envs ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, e := range envs {
		maps.Copy(out, e)
	}
	return out
}

// Render returns template as the image's template step writes it for a container whose environment is
// env. The script lists every variable in the environment whose name matches NGINX_ENVSUBST_FILTER (all
// of them when it is unset or empty) and has GNU envsubst replace $NAME and ${NAME} for those names only;
// anything else, such as ${NAME} of an unset variable, $lowercase nginx variables or ${NAME:-default},
// stays as written. The shell the script runs in adds PWD to the environment; pass it in env where it
// matters.
func Render(template string, env map[string]string) (string, error) {
	names, err := DefinedNames(env)
	if err != nil {
		return "", err
	}
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	return substitute(template, func(name string) (string, bool) {
		if !set[name] {
			return "", false
		}
		return env[name], true
	}), nil
}

// DefinedNames lists, sorted, the names the template step hands envsubst: the variables of env whose
// names match env's NGINX_ENVSUBST_FILTER. The script builds envsubst's argument as "${NAME} " per name,
// so a name that is not a shell identifier (FOO-BAR) never takes part.
func DefinedNames(env map[string]string) ([]string, error) {
	filter, err := regexp.Compile(env[FilterVariable]) // awk: `name ~ //` matches everything, as here
	if err != nil {
		return nil, fmt.Errorf("nginx: %s: %w", FilterVariable, err)
	}
	var names []string
	for name := range env {
		if filter.MatchString(name) && identifierRe.MatchString(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// References returns, sorted and once each, the names the template writes as ${NAME}: the environment
// variables it expects. (nginx's own variables are written $name, without braces.)
func References(template string) []string {
	seen := map[string]bool{}
	for _, m := range bracedRe.FindAllStringSubmatch(template, -1) {
		seen[m[1]] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

// identifierRe is a shell variable name, the only kind envsubst recognises.
var identifierRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// bracedRe is a complete ${NAME} reference.
var bracedRe = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// substitute is GNU envsubst's scan (gettext, envsubst.c): after a '$', an optional '{', then a name of
// letters, digits and '_' not starting with a digit; with a '{' the reference is complete only if '}'
// follows the name. A complete reference that lookup knows is replaced by its value; everything else is
// copied as it was, including an unterminated "${NAME".
func substitute(s string, lookup func(name string) (string, bool)) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != '$' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i + 1
		brace := j < len(s) && s[j] == '{'
		if brace {
			j++
		}
		start := j
		if j < len(s) && isNameStart(s[j]) {
			for j++; j < len(s) && isNameChar(s[j]); j++ {
			}
		}
		if j == start { // not a reference: "$" (and "{") stay, scanning goes on after them
			b.WriteString(s[i:start])
			i = start
			continue
		}
		name := s[start:j]
		if brace {
			if j >= len(s) || s[j] != '}' {
				b.WriteString(s[i:j])
				i = j
				continue
			}
			j++
		}
		if v, ok := lookup(name); ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

func isNameStart(c byte) bool { return c == '_' || (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isNameChar(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }

// WithoutUpstreamKeepalive returns a rendered config in which nginx opens a new connection to Rails for
// every request, the benchmark's "keepalive off" and the tests' control case: no idle pool, and
// "Connection: close" to the upstream, since nginx 1.29.7 and later keep a pool even without the
// keepalive directive.
func WithoutUpstreamKeepalive(conf string) string {
	conf = keepaliveRe.ReplaceAllString(conf, "")
	return strings.Replace(conf, "proxy_set_header Connection $connection_upgrade;", "proxy_set_header Connection close;", 1)
}

var keepaliveRe = regexp.MustCompile(`(?m)^[ \t]*keepalive \d+;\n`)

// DockerfileEnv returns the variables a Dockerfile's ENV instructions set, in the "ENV key=value ..."
// form this project uses (double quotes and backslash line continuations allowed; the legacy
// "ENV key value" form is refused so a typo cannot pass silently).
func DockerfileEnv(dockerfile string) (map[string]string, error) {
	env := map[string]string{}
	for _, inst := range instructions(dockerfile) {
		keyword, rest, _ := strings.Cut(inst, " ")
		if !strings.EqualFold(keyword, "ENV") {
			continue
		}
		words, err := shellWords(rest)
		if err != nil {
			return nil, fmt.Errorf("nginx: ENV %s: %w", rest, err)
		}
		for _, w := range words {
			k, v, ok := strings.Cut(w, "=")
			if !ok || !identifierRe.MatchString(k) {
				return nil, fmt.Errorf("nginx: ENV %s: %q is not key=value", rest, w)
			}
			env[k] = v
		}
	}
	return env, nil
}

// Instructions returns a Dockerfile's instructions, one string each, with comments dropped and
// continuation lines joined.
func Instructions(dockerfile string) []string { return instructions(dockerfile) }

func instructions(dockerfile string) []string {
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(dockerfile))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue // comments may sit between continuation lines too
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(line)
		out = append(out, strings.Join(strings.Fields(cur.String()), " "))
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, strings.Join(strings.Fields(cur.String()), " "))
	}
	return out
}

// shellWords splits on blanks, honouring double quotes (without escapes, which the Dockerfile avoids).
func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated quote")
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}
