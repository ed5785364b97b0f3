package compose

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// kind is what a Compose service becomes.
type kind int

const (
	kindApp      kind = iota // an ECS service or task of the stack
	kindPostgres             // the stack's RDS PostgreSQL
	kindRedis                // the stack's ElastiCache (Valkey or Redis OSS)
	kindManaged              // another stateful store: a managed equivalent the user provisions
	kindDev                  // a development tool
	kindProxy                // a local reverse proxy or ACME companion: the ALB and ACM do its job
	kindBase                 // a YAML-anchor base other services merge
	kindSidecar              // the project's own nginx in front of one app service: the stack's nginx sidecar
	kindBackup               // a backup job: RDS automated backups and AWS Backup do it
)

// imageName is an image reference's repository's last path element, lower-case, without tag or digest:
// "docker.io/pgvector/pgvector:pg16" → "pgvector".
func imageName(ref string) string {
	r := strings.ToLower(ref)
	if i := strings.Index(r, "@"); i >= 0 {
		r = r[:i]
	}
	if i := strings.LastIndex(r, "/"); i >= 0 {
		r = r[i+1:]
	}
	if i := strings.Index(r, ":"); i >= 0 {
		r = r[:i]
	}
	return r
}

// imageTag is the tag of a reference ("" when none; digests are not tags).
func imageTag(ref string) string {
	r := ref
	if i := strings.Index(r, "@"); i >= 0 {
		r = r[:i]
	}
	slash := strings.LastIndex(r, "/")
	if i := strings.LastIndex(r, ":"); i > slash {
		return r[i+1:]
	}
	return ""
}

// managedEquivalents name the managed service for each stateful image the stack does not run itself.
var managedEquivalents = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`^memcached`), "ElastiCache for Memcached (not built by this stack), or point the app's cache at the stack's Valkey/Redis"},
	{regexp.MustCompile(`^(elasticsearch|opensearch)`), "Amazon OpenSearch Service (not built by this stack)"},
	{regexp.MustCompile(`^(mysql|mariadb|percona)`), "Amazon RDS for MySQL/MariaDB (not built by this stack; its database is PostgreSQL)"},
	{regexp.MustCompile(`^mongo`), "Amazon DocumentDB with MongoDB compatibility (not built by this stack)"},
	{regexp.MustCompile(`^rabbitmq`), "Amazon MQ for RabbitMQ (not built by this stack)"},
	{regexp.MustCompile(`^minio`), "Amazon S3: a bucket the app writes to (appBucketArn gives the tasks access)"},
	{regexp.MustCompile(`^clickhouse`), "ClickHouse Cloud on AWS (AWS has no managed ClickHouse; not built by this stack)"},
	{regexp.MustCompile(`^(kafka|cp-kafka|redpanda|zookeeper)`), "Amazon MSK (not built by this stack)"},
	{regexp.MustCompile(`^(cassandra|scylla)`), "Amazon Keyspaces (not built by this stack)"},
	{regexp.MustCompile(`^influxdb`), "Amazon Timestream for InfluxDB (not built by this stack)"},
	{regexp.MustCompile(`^(meilisearch|typesense|qdrant|weaviate|milvus)`), "the vendor's managed cloud, or Amazon OpenSearch Service (not built by this stack)"},
	{regexp.MustCompile(`^(smtp|postfix|exim|docker-postfix)`), "Amazon SES (its SMTP interface; set the app's SMTP settings as secrets)"},
	{regexp.MustCompile(`^(timescaledb|timescaledb-ha)`), "Timescale Cloud on AWS: RDS PostgreSQL has no TimescaleDB extension"},
}

var (
	devRe     = regexp.MustCompile(`mailcatcher|mailhog|mailpit|maildev|smtp4dev|selenium|chrome|chromium|browserless|playwright|cypress|adminer|pgadmin|phpmyadmin|redis-?commander|localstack|portainer|watchtower|devcontainer`)
	devCmdRe  = regexp.MustCompile(`(webpack|vite|esbuild|tailwindcss)\b.*(--watch|-w\b|serve|dev)|\bbin/dev\b|\b(rspec|pytest|jest|vitest|mocha)\b|\b(npm|yarn|pnpm) (run )?(test|dev|watch)\b|rails test|manage\.py test`)
	devNameRe = regexp.MustCompile(`(^|[-_])(test|tests|devcontainer|dev-tools|mail|mailer-ui)$`)
	proxyRe   = regexp.MustCompile(`^(nginx-proxy|traefik|caddy|caddy-gen|haproxy|acme-companion|letsencrypt-nginx-proxy-companion|docker-gen|certbot|swag|nginx-proxy-manager|envoy)$`)
	baseRe    = regexp.MustCompile(`(^|[-_])(base|common|shared|defaults?|template)$`)
	backupRe  = regexp.MustCompile(`(^|[-_ ])backup\b|pg_dump|pgbackrest|wal-g`)
	pgRe      = regexp.MustCompile(`postgres|postgis|pgvector|partman`)
)

// classify decides what a service becomes, and the sentence why (empty for an app).
func (im *importer) classify(name string, s types.ServiceConfig) (kind, string) {
	img := imageName(s.Image)
	cmd := strings.ToLower(strings.Join(append(append([]string{}, s.Entrypoint...), s.Command...), " "))
	switch {
	case im.p.Anchored[name] && baseRe.MatchString(name) && len(s.Ports) == 0 && s.HealthCheck == nil && len(s.Command) == 0:
		return kindBase, "a YAML-anchor base that other services merge (<<: *" + name + "); it is not run on its own"
	case s.Build == nil && pgRe.MatchString(img) && !strings.Contains(img, "timescale"):
		return kindPostgres, ""
	case s.Build == nil && (img == "redis" || img == "valkey" || img == "redis-stack" || img == "redis-stack-server" || img == "keydb"):
		return kindRedis, ""
	}
	for _, m := range managedEquivalents {
		if s.Build == nil && m.re.MatchString(img) {
			return kindManaged, m.what
		}
	}
	switch {
	case devRe.MatchString(img) || devRe.MatchString(name) || devCmdRe.MatchString(cmd) || devNameRe.MatchString(name):
		return kindDev, "a development tool; production has no place for it"
	case proxyRe.MatchString(img):
		return kindProxy, "a local reverse proxy or certificate companion: the ALB routes and terminates TLS with an ACM certificate, Cloudflare in front"
	case img == "nginx" || img == "openresty" || strings.Contains(name, "nginx") || strings.Contains(cmd, "nginx"):
		return kindProxy, "a local reverse proxy: the ALB routes to the web services (and the stack's nginx sidecar fronts a Rails web service); ship static files in the app image"
	case backupRe.MatchString(name) || backupRe.MatchString(cmd):
		return kindBackup, "a backup job: RDS automated backups (dbBackupRetentionDays) and AWS Backup for EFS volumes do this job"
	}
	return kindApp, ""
}

// sidecars finds the project's own nginx services that front exactly one app service (BACKEND_HOST, or
// a proxy_pass host in its environment): each becomes that service's nginx sidecar.
func sidecars(p *Project) map[string]string {
	out := map[string]string{}
	for name, s := range p.Services {
		if s.Build == nil || !strings.Contains(strings.ToLower(s.Build.Context+s.Image+name), "nginx") {
			continue
		}
		for k, v := range s.Environment {
			if v == nil || !strings.Contains(k, "BACKEND_HOST") && !strings.Contains(k, "UPSTREAM") {
				continue
			}
			if _, ok := p.Services[*v]; ok {
				out[name] = *v
			}
		}
	}
	return out
}

// shellOf returns the shell script of a command run through a shell (["sh", "-c", X]) or "".
func shellOf(cmd []string) string {
	if len(cmd) == 3 && (cmd[0] == "sh" || cmd[0] == "bash" || cmd[0] == "/bin/sh" || cmd[0] == "/bin/bash") && (cmd[1] == "-c" || cmd[1] == "-ec") {
		return cmd[2]
	}
	return ""
}

var (
	waitRe    = regexp.MustCompile(`^(sleep \d+|(\S*/)?wait-for-it(\.sh)?\b.*|(\S*/)?wait-for(\.sh)?\b.*|dockerize\b.*-wait\b.*|until .*done)$`)
	migrateRe = regexp.MustCompile(`db:migrate|db:prepare|db:setup|db:create|\bmanage\.py migrate\b|\bmigrate\b|prisma migrate|alembic upgrade|createdb|zammad-init|\binit\b`)
	prepareRe = regexp.MustCompile(`db:prepare`)
	workerRe  = regexp.MustCompile(`sidekiq|\bcelery\b.*\bworker\b|good_job|solid_queue|bin/jobs|resque|rqworker|\brq worker\b|bullmq|delayed_job|jobs:work|shoryuken|faktory|\bworker\b|\bqueue:work\b`)
	clockRe   = regexp.MustCompile(`\bclock\b|clockwork|\bbeat\b|\bcron\b|crond|supercronic|scheduler|housekeeping|whenever`)
	roleEnvRe = regexp.MustCompile(`^([A-Z0-9]+_)?(ROLE|MODE|PROCESS_TYPE|SERVICE_TYPE|COMPONENT|CONTAINER_ROLE)$`)
	httpURLRe = regexp.MustCompile(`(?:https?://)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(/[^\s'"|;&]*)?`)
	httpCmdRe = regexp.MustCompile(`\b(curl|wget)\b`)
)

// stripWaits removes wait-for-it, dockerize -wait and sleep steps from a command, reporting whether it
// removed one.
func stripWaits(cmd []string) ([]string, bool) {
	if len(cmd) == 0 {
		return cmd, false
	}
	base := cmd[0]
	if i := strings.LastIndex(base, "/"); i >= 0 {
		base = base[i+1:]
	}
	if base == "wait-for-it" || base == "wait-for-it.sh" || base == "wait-for" || base == "wait-for.sh" || base == "dockerize" {
		for i, a := range cmd {
			if a == "--" && i+1 < len(cmd) {
				return cmd[i+1:], true
			}
		}
		if base == "dockerize" {
			for i := 1; i < len(cmd); i++ {
				if !strings.HasPrefix(cmd[i], "-") && (i == 1 || !strings.HasPrefix(cmd[i-1], "-wait") && cmd[i-1] != "-timeout") {
					return cmd[i:], true
				}
			}
		}
	}
	if sh := shellOf(cmd); sh != "" {
		parts := splitChain(sh)
		var kept []string
		for _, p := range parts {
			if !waitRe.MatchString(p) {
				kept = append(kept, p)
			}
		}
		if len(kept) < len(parts) {
			return chainCommand(kept), true
		}
	}
	return cmd, false
}

// splitChain splits a shell script on && at the top level (no quoting inside the parts is parsed beyond
// what a Compose command usually holds).
func splitChain(sh string) []string {
	var out []string
	for _, p := range strings.Split(sh, "&&") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// chainCommand is the command for the parts: one simple part as its words, several through sh -c.
func chainCommand(parts []string) []string {
	if len(parts) == 1 && !strings.ContainsAny(parts[0], "|;&<>$\"'`()") {
		return strings.Fields(parts[0])
	}
	return []string{"sh", "-c", strings.Join(parts, " && ")}
}

// healthURL reads the port and path an HTTP health check requests (curl or wget of localhost).
func healthURL(hc *types.HealthCheckConfig) (port int, path string, ok bool) {
	if hc == nil || hc.Disable || len(hc.Test) == 0 {
		return 0, "", false
	}
	test := strings.Join(hc.Test, " ")
	if !httpCmdRe.MatchString(test) {
		return 0, "", false
	}
	var m []string
	for _, c := range httpURLRe.FindAllStringSubmatch(test, -1) {
		if m == nil || m[1] == "" && m[2] == "" {
			m = c
		}
	}
	if m == nil {
		return 0, "", false
	}
	port, _ = strconv.Atoi(m[1])
	path = m[2]
	if path == "" {
		path = "/"
	}
	return port, path, true
}

// ecsHealthCommand is the Compose test in ECS's form: [CMD-SHELL, "..."] or [CMD, args...].
func ecsHealthCommand(hc *types.HealthCheckConfig) []string {
	if hc == nil || hc.Disable || len(hc.Test) == 0 || hc.Test[0] == "NONE" {
		return nil
	}
	switch hc.Test[0] {
	case "CMD", "CMD-SHELL":
		return append([]string{}, hc.Test...)
	}
	return []string{"CMD-SHELL", strings.Join(hc.Test, " ")}
}

// hostOf returns the host a setting's value points at: a URL's host, or host of host:port, or the
// value itself when it is a bare name.
func hostOf(v string) string {
	if strings.Contains(v, "://") {
		if u, err := url.Parse(v); err == nil {
			return u.Hostname()
		}
		// A password with URL-special characters breaks url.Parse: the host follows the last @.
		rest := v[strings.Index(v, "://")+3:]
		rest = rest[strings.LastIndex(rest, "@")+1:]
		if i := strings.IndexAny(rest, ":/?"); i >= 0 {
			rest = rest[:i]
		}
		return rest
	}
	first := strings.Split(v, ",")[0]
	if h, _, ok := strings.Cut(first, ":"); ok {
		return h
	}
	return first
}

// fargateSize is the smallest Fargate pair holding cpu units and memory MiB.
func fargateSize(cpu, mem int) (int, int) {
	type pair struct{ cpu, min, max, step int }
	pairs := []pair{{256, 512, 2048, 512}, {512, 1024, 4096, 1024}, {1024, 2048, 8192, 1024}, {2048, 4096, 16384, 1024},
		{4096, 8192, 30720, 1024}, {8192, 16384, 61440, 4096}, {16384, 32768, 122880, 8192}}
	for _, p := range pairs {
		if p.cpu < cpu || p.max < mem {
			continue
		}
		m := p.min
		for m < mem {
			m += p.step
		}
		if p.cpu == 256 && m == 1536 {
			m = 2048
		}
		return p.cpu, m
	}
	return 16384, 122880
}

func describeSize(cpu, mem int) string {
	return fmt.Sprintf("%d CPU units / %d MiB", cpu, mem)
}
