package compose

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/fargate-platform/fargate-platform/pkg/data"
	"github.com/fargate-platform/fargate-platform/stacks"
)

var (
	railsRe   = regexp.MustCompile(`\b(bundle|rails|puma|sidekiq|bin/jobs|good_job|solid_queue)\b`)
	numUserRe = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)
	sourceRe  = regexp.MustCompile(`^(\.|\./?(src|app|lib|code|config|public|www|web|frontend|backend)?)/?$`)
	depCache  = regexp.MustCompile(`node_modules|\.bundle|/bundle$|gems|\.cache|pip|\.npm|\.yarn|vendor/bundle`)
)

// DatabaseURL is what an app that reads one DATABASE_URL is given (PostgreSQL docs, libpq "Environment
// Variables": "PGPASSWORD behaves the same as the password connection parameter"): the stack's variables put together at
// container start, the password left out of the URL and read by libpq from PGPASSWORD (libpq: "the
// password ... PGPASSWORD environment variable" when the connection string has none), so no password ever
// sits in a URL (no percent-escaping), and a rotated password reaches the next task as DB_PASSWORD.
const DatabaseURL = `export PGPASSWORD="$DB_PASSWORD" DATABASE_URL="postgres://$DB_USER@$DB_HOST:$DB_PORT/$DB_NAME?sslmode=$DB_SSLMODE&sslrootcert=$DB_SSLROOTCERT"`

func (im *importer) mapService(a *appService, isDefaultWeb bool, webs []*appService, calls []string) *ServiceOut {
	s := a.s
	n := a.name
	role := a.role
	out := &ServiceOut{}
	if role == "clock" {
		role = stacks.RoleWorker
		one := 1
		out.Desired, out.Min, out.Max = &one, &one, &one
		im.add(n, "role", Changed, "worker with one task (desired, min and max 1)", a.why)
	} else {
		im.add(n, "role", Mapped, role, a.why)
	}
	out.Role = role
	out.Image = a.image
	text := strings.Join(append(append([]string{}, s.Entrypoint...), a.command...), " ")
	rails := a.image == "" && (railsRe.MatchString(text) || im.p.Env(n)["RAILS_ENV"] != nil)
	userOK := s.User == "" || s.User == "1000" || s.User == "1000:1000"
	if rails && userOK {
		out.Preset = stacks.PresetRails
		im.add(n, "preset", Changed, "rails", "a Rails process in the app image: uid 1000, a writable /rails/tmp, /up, RAILS_ENV and logs to stdout (the Rails 7.1+ Dockerfile); check the image follows it")
	} else {
		out.Preset = stacks.PresetNone
		switch {
		case numUserRe.MatchString(s.User) && s.User != "0" && !strings.HasPrefix(s.User, "0:"):
			out.User = s.User
			im.add(n, "user", Mapped, s.User, "")
		default:
			out.User = "1000:1000"
			im.add(n, "user", NeedsYou, "1000:1000 (assumed)", "the task runs as a numeric non-root uid:gid and the project gives "+orDash(s.User)+": set services."+a.stackName+".user to the uid the image's files belong to (`docker run --rm --entrypoint id IMAGE`)")
		}
	}
	// Commands: the Rails default migrate command of the stack is db:migrate.
	cmd := a.command
	if role == stacks.RoleRelease && len(cmd) > 0 && prepareRe.MatchString(strings.Join(cmd, " ")) && shellOf(cmd) == "" {
		cmd = slices.Clone(cmd)
		for i := range cmd {
			cmd[i] = strings.ReplaceAll(cmd[i], "db:prepare", "db:migrate")
		}
		im.add(n, "command", Changed, strings.Join(cmd, " "), "RDS creates the database (dbName): db:prepare's create-and-seed is for a fresh local one; a deploy runs the migrations")
	} else if len(cmd) > 0 {
		im.add(n, "command", Mapped, strings.Join(cmd, " "), "")
	}
	out.Command = cmd
	if len(s.Entrypoint) > 0 {
		out.Entrypoint = s.Entrypoint
		im.add(n, "entrypoint", Mapped, strings.Join(s.Entrypoint, " "), "")
	}

	// Port, health check, routing.
	if role == stacks.RoleWeb || role == stacks.RoleInternal {
		port := a.httpPort
		if port == 0 && out.Preset == stacks.PresetNone {
			port = 8000
			im.add(n, "port", NeedsYou, "8000 (assumed)", "no port in the project: set services."+a.stackName+".port to the port the app listens on")
		}
		if port == 8080 && (isDefaultWeb && out.Preset == stacks.PresetRails || im.sidecarOf[n] != "") {
			im.add(n, "port", NeedsYou, "8080", "nginx listens on 8080 in the web task: make the app listen elsewhere (3000) and set port")
		}
		if port != 0 && !(out.Preset == stacks.PresetRails && port == 3000) {
			out.Port = port
			im.add(n, "port", Mapped, strconv.Itoa(port), "the container port (published host ports are the ALB's job)")
		}
		switch {
		case a.healthPath != "":
			if !(isDefaultWeb && a.healthPath == "/up") {
				out.HealthCheck = &HealthCheckOut{Path: a.healthPath}
			}
			if isDefaultWeb && a.healthPath != "/up" {
				im.res.Config["healthCheckPath"] = a.healthPath
			}
			im.add(n, "healthcheck", Mapped, "healthCheck.path "+a.healthPath, "the path the project's check requests; the target group checks it too")
		case out.Preset == stacks.PresetRails:
			im.add(n, "healthcheck", Changed, "healthCheck.path /up (the rails preset)", "no HTTP check in the project")
		default:
			out.HealthCheck = &HealthCheckOut{Path: "/"}
			im.add(n, "healthcheck", NeedsYou, "healthCheck.path / (assumed)", "no HTTP check in the project: a web or internal service is routed to only when healthy; set services."+a.stackName+".healthCheck.path")
		}
		if role == stacks.RoleWeb && !isDefaultWeb {
			path := "/" + a.stackName + "/*"
			if a.healthPath != "" && strings.Count(a.healthPath, "/") > 1 {
				path = a.healthPath[:strings.LastIndex(a.healthPath, "/")] + "*"
			}
			out.Routing = &RoutingOut{Paths: []string{path}, Priority: 10 * slices.Index(webs, a)}
			im.add(n, "routing", NeedsYou, "routing.paths ["+path+"], priority "+strconv.Itoa(out.Routing.Priority),
				"a second web service: the listener sends it the requests its rule matches (guessed from its health check path); confirm the paths or use routing.hosts")
		}
		if im.sidecarOf[n] != "" && out.Preset != stacks.PresetRails {
			t := true
			out.Nginx = &t
		}
		if isDefaultWeb && im.sidecarOf[n] == "" && out.Preset == stacks.PresetRails {
			im.add(n, "nginx", Changed, "the stack's nginx sidecar in front", "the rails preset's default web service runs behind nginx (buffering, real client IP); nginx: false turns it off")
		}
	} else if hc := ecsHealthCommand(s.HealthCheck); hc != nil {
		out.HealthCheck = &HealthCheckOut{Command: hc}
		im.add(n, "healthcheck", Mapped, "healthCheck.command", "the project's check in ECS's form")
	}
	if len(calls) > 0 {
		out.Calls = slices.Sorted(slices.Values(calls))
		im.add(n, "calls", Mapped, strings.Join(out.Calls, ", "), "it calls them by name; ECS Service Connect gives the same names")
	}

	im.mapEnv(a, out)
	im.mapSize(a, out)
	im.mapFiles(a, out)
	im.mapRefused(a, out)
	return out
}

// mapEnv carries the environment: what the stack provides is dropped, settings pointing at replaced
// stores are rewired, credentials become appSecrets, the rest stays plain.
func (im *importer) mapEnv(a *appService, out *ServiceOut) {
	n := a.name
	env := im.p.Env(n)
	var unset []string
	for _, k := range slices.Sorted(mapKeys(env)) {
		v := env[k]
		val := ""
		if v != nil {
			val = *v
		}
		host := hostOf(val)
		storeKind, toStore := im.stores[host]
		lit := im.p.Defaults[k] != "" && im.p.Defaults[k] == val
		switch {
		case providedByStack[k] != "":
			im.add(n, "environment."+k, Changed, "provided by the stack ("+providedByStack[k]+")", "every app container receives it from the data tier")
		case k == "AWS_ACCESS_KEY_ID" || k == "AWS_SECRET_ACCESS_KEY" || k == "AWS_SESSION_TOKEN":
			im.add(n, "environment."+k, Dropped, "the task role", "ECS gives each task its own role's temporary credentials; a static key would bypass the role and never rotate")
		case strings.HasPrefix(k, "POSTGRES_") && (env["DB_PASSWORD"] != nil || env["DB_HOST"] != nil):
			im.add(n, "environment."+k, Dropped, "the database container's setting", "read from an env file the app shares with the database container; the app connects with the stack's DB_* variables")
		case im.p.DisabledServices[host].Name != "":
			im.add(n, "environment."+k, Dropped, "points at "+host+", a service of an inactive profile", "not part of the imported project (activate its profile with --profile to import it)")
		case im.kinds[host] == kindDev || im.kinds[host] == kindProxy:
			im.add(n, "environment."+k, Dropped, "points at "+host+", which is dropped", "a development service; on AWS the real service (its default endpoint) takes its place")
		case k == "RAILS_ENV" || k == "RAILS_LOG_TO_STDOUT":
			if k == "RAILS_ENV" && val != "" && val != "production" {
				im.res.Config["railsEnv"] = val
			}
			im.add(n, "environment."+k, Changed, "provided by the stack (railsEnv)", "the rails preset sets RAILS_ENV and RAILS_LOG_TO_STDOUT")
		case toStore && storeKind == kindPostgres && isPostgresURL(k, val) && out.DatabaseUrl == "":
			out.DatabaseUrl = k
			im.add(n, "environment."+k, Changed, "databaseUrl: "+k,
				"the stack builds "+k+" from the RDS instance (postgres://<user>@<host>:5432/<db>?sslmode=verify-full&sslrootcert=...) without the password, which arrives as the PGPASSWORD secret: libpq clients (Rails pg, psycopg, node-postgres) read it when the URL has none, so the password is never in a URL and a rotated one reaches every new task. A client that is not libpq-based (Prisma, for one) needs the password in the URL: export "+k+" in its entrypoint from DB_PASSWORD instead. Any password in the project's URL is not carried")
		case toStore && storeKind == kindPostgres && isPostgresURL(k, val):
			im.add(n, "environment."+k, NeedsYou, "built at start from the stack's DB_* variables",
				"the stack gives one database URL per service (databaseUrl: "+out.DatabaseUrl+"). In the image's entrypoint: "+DatabaseURL+" (rename DATABASE_URL to "+k+"). Any password in the project's URL is not carried")
		case toStore && storeKind == kindRedis && (strings.Contains(k, "URL") || strings.HasPrefix(val, "redis")):
			im.add(n, "environment."+k, NeedsYou, "the stack's REDIS_URL and REDIS_PASSWORD",
				"point the app at REDIS_URL (rediss://, TLS) with the password REDIS_PASSWORD; if it reads only "+k+", in the entrypoint: export "+k+"=\"rediss://:$REDIS_PASSWORD@${REDIS_URL#rediss://}\" (the token is alphanumeric, so it needs no escaping)")
		case toStore && storeKind == kindPostgres:
			im.add(n, "environment."+k, NeedsYou, "the stack's DB_HOST", "this app reads "+k+": in the entrypoint, export "+k+"=\"$DB_HOST\" (the RDS address, known at deploy; the stack's dbAddress output)")
		case toStore && storeKind == kindRedis:
			im.add(n, "environment."+k, NeedsYou, "the stack's REDIS_URL", "this app reads "+k+" ("+val+"): point it at the ElastiCache endpoint from REDIS_URL in the entrypoint, with TLS and REDIS_PASSWORD")
		case toStore:
			im.add(n, "environment."+k, NeedsYou, "the managed replacement's endpoint", "it points at "+host+", which the stack does not run: set it to the managed store's endpoint once provisioned")
		case dbPassNameRe.MatchString(k) && im.hasKind(kindPostgres):
			im.add(n, "environment."+k, NeedsYou, "the stack's DB_PASSWORD secret", "the database password is RDS's, rotated, delivered as DB_PASSWORD: in the entrypoint, export "+k+"=\"$DB_PASSWORD\". The project's value is not carried")
		case redisPassRe.MatchString(k) && im.hasKind(kindRedis):
			im.add(n, "environment."+k, NeedsYou, "the stack's REDIS_PASSWORD secret", "in the entrypoint, export "+k+"=\"$REDIS_PASSWORD\". The project's value is not carried")
		case v == nil && !secretNameRe.MatchString(k):
			unset = append(unset, k)
		case secretNameRe.MatchString(k) || looksSecret(val) || v == nil:
			origin := "a value in the project"
			switch {
			case v == nil || val == "":
				origin = "no value (passed through from the shell, or empty)"
			case lit:
				origin = "a literal default in the Compose file (published with it: generate a new one)"
			}
			im.secret(k, a.stackName, origin, val)
			why := "a credential (by name)"
			if !secretNameRe.MatchString(k) {
				why = "a credential (by its value: a token format, a URL with a password or a random string)"
			}
			im.add(n, "environment."+k, Changed, "appSecrets."+k, why+"; set it with the command in Secrets (value never shown)")
		default:
			if out.Environment == nil {
				out.Environment = map[string]string{}
			}
			out.Environment[k] = val
			if h := hostOf(val); h != "" && h != n {
				if _, svc := im.p.Services[h]; svc && im.kinds[h] == kindApp {
					im.add(n, "environment."+k, NeedsYou, val, "it names the Compose service "+h+": on ECS that name resolves only through Service Connect to an internal service (role internal, and calls on this one); otherwise set the URL the stack gives it")
					continue
				}
			}
			im.add(n, "environment."+k, Mapped, "plain", "")
		}
	}
	if len(unset) > 0 {
		im.add(n, "environment", NeedsYou, strings.Join(unset, ", "), "no value in the project (passed through from the shell): not written; set services."+a.stackName+".environment.NAME for each one the app needs, or an appSecret if it is a credential")
	}
	for _, f := range im.p.MissingEnvFiles[n] {
		im.add(n, "env_file", NeedsYou, f, "not found, so its variables were not read: run the import with it present (it stays out of the stack file; credentials become appSecrets)")
	}
}

func (im *importer) hasKind(k kind) bool {
	for _, v := range im.stores {
		if v == k {
			return true
		}
	}
	return false
}

func (im *importer) secret(name, service, origin, value string) {
	sec, ok := im.secrets[name]
	if !ok {
		sec = &Secret{Name: name, Origin: origin,
			Command: fmt.Sprintf("pulumi config set --secret --path 'appSecrets.%s' -s %s", name, im.o.Stack)}
		im.secrets[name] = sec
	}
	if !slices.Contains(sec.Services, service) {
		sec.Services = append(sec.Services, service)
	}
	if value != "" && !strings.HasPrefix(origin, "a literal default") {
		im.res.secretValues[name] = value
	}
}

// mapSize turns deploy.resources (limits and reservations), cpus and mem_limit into the smallest Fargate
// pair that holds them, and replicas into desired and min.
func (im *importer) mapSize(a *appService, out *ServiceOut) {
	s := a.s
	cpu, mem := 0.0, int64(0)
	note := func(r *types.Resource) {
		if r == nil {
			return
		}
		cpu = max(cpu, float64(r.NanoCPUs))
		mem = max(mem, int64(r.MemoryBytes))
	}
	if s.Deploy != nil {
		note(s.Deploy.Resources.Limits)
		note(s.Deploy.Resources.Reservations)
	}
	cpu = max(cpu, float64(s.CPUS))
	mem = max(mem, int64(s.MemLimit), int64(s.MemReservation))
	if cpu > 0 || mem > 0 {
		units := int(cpu*1024 + 0.5)
		mib := int((mem + 1<<20 - 1) >> 20)
		if out.Preset == stacks.PresetRails && out.Role == stacks.RoleWeb {
			mib += 256 // the nginx sidecar's share
		}
		c, m := fargateSize(units, mib)
		out.Cpu, out.Memory = c, m
		im.add(a.name, "deploy.resources", Changed, describeSize(c, m), fmt.Sprintf("the smallest Fargate pair holding %.2f CPUs (%d units) and %d MiB", cpu, units, mib))
	}
	if s.Deploy != nil && s.Deploy.Replicas != nil && stacks.IsLongRunning(out.Role) && out.Desired == nil {
		r := *s.Deploy.Replicas
		out.Desired, out.Min = &r, &r
		im.add(a.name, "deploy.replicas", Mapped, fmt.Sprintf("desired %d, min %d", r, r), "")
	}
	if s.StopGracePeriod != nil {
		sec := int(time.Duration(*s.StopGracePeriod) / time.Second)
		c := min(max(sec, 2), 120)
		out.StopTimeout = c
		st := Mapped
		if c != sec {
			st = Changed
		}
		im.add(a.name, "stop_grace_period", st, "stopTimeout "+strconv.Itoa(c), "ECS allows 2 to 120 seconds")
	}
}

// mapFiles carries volumes: named volumes become stack volumes, tmpfs writablePaths; source and cache
// mounts are dropped; single files are reported.
func (im *importer) mapFiles(a *appService, out *ServiceOut) {
	n := a.name
	for _, t := range a.s.Tmpfs {
		p, _, _ := strings.Cut(t, ":")
		out.WritablePaths = append(out.WritablePaths, p)
	}
	for _, v := range a.s.Volumes {
		switch {
		case v.Type == types.VolumeTypeTmpfs:
			out.WritablePaths = append(out.WritablePaths, v.Target)
		case v.Type == "bind" && strings.Contains(v.Source, "docker.sock"):
			im.add(n, "volumes", NeedsYou, relPath(im.p.WorkingDir, v.Source), "the Docker socket: Fargate has none, and a task must not control its host; use the ECS or AWS APIs instead")
		case v.Type == "bind":
			rel := relPath(im.p.WorkingDir, v.Source)
			fi, err := os.Stat(v.Source)
			switch {
			case err == nil && !fi.IsDir() || err != nil && filepath.Ext(v.Source) != "":
				im.add(n, "volumes", NeedsYou, rel+":"+v.Target, "a single config file: bake it into the image (COPY) or store it in SSM Parameter Store and write it at start")
			case depCache.MatchString(v.Target) || depCache.MatchString(v.Source):
				im.add(n, "volumes", Dropped, rel+":"+v.Target, "a dependency cache: the image carries its dependencies")
			case sourceRe.MatchString(rel) && !v.ReadOnly || strings.HasPrefix(rel, "./") && sourceRe.MatchString(rel):
				im.add(n, "volumes", Dropped, rel+":"+v.Target, "source code mounted from the host: the image carries the code")
			case v.ReadOnly:
				im.add(n, "volumes", NeedsYou, rel+":"+v.Target, "a read-only config directory from the host: bake it into the image")
			default:
				name := label(strings.TrimPrefix(strings.ReplaceAll(strings.TrimPrefix(rel, "./"), "/", "-"), "."))
				im.volume(a, out, name, v, "a host directory holding data: an EFS volume now; copy its contents in once")
			}
		case v.Type == types.VolumeTypeVolume && v.Source == "":
			out.WritablePaths = append(out.WritablePaths, v.Target)
			im.add(n, "volumes", Changed, "writablePaths "+v.Target, "an anonymous volume: task storage, gone with the task")
		case v.Type == types.VolumeTypeVolume:
			if depCache.MatchString(v.Target) {
				im.add(n, "volumes", Dropped, relPath(im.p.WorkingDir, v.Source)+":"+v.Target, "a dependency cache: the image carries its dependencies")
				continue
			}
			im.volume(a, out, label(v.Source), v, "a named volume: an encrypted EFS file system with an access point")
		}
	}
	if len(out.WritablePaths) > 0 {
		sort.Strings(out.WritablePaths)
		out.WritablePaths = slices.Compact(out.WritablePaths)
		if out.Preset == stacks.PresetRails && slices.Equal(out.WritablePaths, []string{"/rails/tmp"}) {
			out.WritablePaths = nil
			im.add(n, "tmpfs", Mapped, "writablePaths /rails/tmp (the rails preset)", "")
		} else {
			im.add(n, "tmpfs", Changed, "writablePaths "+strings.Join(out.WritablePaths, ", "), "task storage on the read-only root; Fargate has no tmpfs")
		}
	}
	if !a.s.ReadOnly && out.Preset == stacks.PresetNone {
		im.add(n, "read_only", Changed, "a read-only root filesystem", "every task's root is read-only here: a path the app writes to must be in writablePaths or a mount")
	}
}

func (im *importer) volume(a *appService, out *ServiceOut, name string, v types.ServiceVolumeConfig, why string) {
	uid, gid := 1000, 1000
	if u := out.User; u != "" {
		us, gs, _ := strings.Cut(u, ":")
		uid, _ = strconv.Atoi(us)
		gid = uid
		if gs != "" {
			gid, _ = strconv.Atoi(gs)
		}
	}
	if _, ok := im.res.Volumes[name]; !ok {
		im.res.Volumes[name] = VolumeOut{Uid: uid, Gid: gid}
	}
	out.Mounts = append(out.Mounts, MountOut{Volume: name, Path: v.Target, ReadOnly: v.ReadOnly})
	im.add(a.name, "volumes", Changed, "volumes."+name+" at "+v.Target, why)
}

// mapRefused reports what Fargate does not run.
func (im *importer) mapRefused(a *appService, _ *ServiceOut) {
	s, n := a.s, a.name
	refuse := func(key, what, why string) { im.add(n, key, NeedsYou, what+" (not carried)", why) }
	if s.Privileged {
		refuse("privileged", "privileged", "Fargate refuses privileged containers")
	}
	if len(s.Devices) > 0 {
		refuse("devices", "devices", "Fargate gives tasks no host devices")
	}
	if s.NetworkMode == "host" {
		refuse("network_mode", "host", "Fargate tasks run in awsvpc mode, each with its own interface")
	}
	if s.Pid == "host" {
		refuse("pid", "host", "Fargate does not share the host's PID namespace")
	}
	for _, c := range s.CapAdd {
		if c != "SYS_PTRACE" && c != "CAP_SYS_PTRACE" {
			refuse("cap_add", c, "Fargate adds no Linux capability but SYS_PTRACE")
		}
	}
	if s.Tty || s.StdinOpen {
		im.add(n, "tty", Dropped, "tty/stdin_open", "an interactive terminal: use ECS Exec (aws ecs execute-command) instead")
	}
	if s.Platform != "" {
		if strings.Contains(s.Platform, "amd64") {
			im.res.Config["cpuArchitecture"] = "X86_64"
			im.add(n, "platform", Changed, "cpuArchitecture X86_64", "the image is amd64 only; the stack runs ARM64 by default")
		} else {
			im.add(n, "platform", Mapped, s.Platform, "")
		}
	}
	if int64(s.ShmSize) > 0 {
		im.add(n, "shm_size", Dropped, "not carried", "Fargate does not set /dev/shm's size")
	}
	if len(s.Ulimits) > 0 {
		im.add(n, "ulimits", Dropped, "not carried", "Fargate's nofile limit is 65535 by default; other ulimits are the platform's")
	}
	if len(s.ExtraHosts) > 0 {
		im.add(n, "extra_hosts", NeedsYou, "not carried", "Fargate tasks take no host entries: use DNS (Route 53 private zone or Service Connect)")
	}
	if len(s.Networks) > 0 {
		im.add(n, "networks", Dropped, "the stack's VPC", "every task runs in the private subnets; security groups replace Compose networks")
	}
	if s.Restart != "" && stacks.IsLongRunning(a.role) {
		im.add(n, "restart", Mapped, "ECS restarts failed tasks", "")
	}
	if s.Logging != nil {
		im.add(n, "logging", Changed, "awslogs to the service's log group", "CloudWatch Logs, KMS-encrypted")
	}
	if len(s.DependsOn) > 0 && a.role != stacks.RoleRelease {
		im.add(n, "depends_on", Changed, "release tasks first, then the services", "ECS starts services independently; the stores are managed and up; a deploy runs the release tasks before rolling")
	}
}

// requiredKeys writes the required keys given, and a needs-you with its command for each one not.
func (im *importer) requiredKeys() {
	if im.o.AppImageTag == "" {
		for _, it := range im.res.Report.Items {
			if it.Key == "image" && strings.HasPrefix(it.What, "the stack's app image") {
				img := strings.TrimPrefix(strings.Split(it.Why, " ")[1], "")
				if t := imageTag(img); t != "" && t != "latest" && t != "stable" && t != "main" && t != "master" && !strings.Contains(t, "$") {
					im.o.AppImageTag = t
				}
				break
			}
		}
	}
	keys := []struct{ key, value, example string }{
		{"environment", im.o.Environment, "dev"},
		{"aws:region", im.o.Region, "ap-southeast-2"},
		{"domain", im.o.Domain, "app.example.com"},
		{"cloudflareZoneId", im.o.ZoneId, "<32 hex characters>"},
		{"appImageTag", im.o.AppImageTag, "<git sha>"},
		{"nginxImageTag", im.o.NginxImageTag, "<git sha>"},
	}
	for _, k := range keys {
		if k.value != "" {
			im.res.Config[k.key] = k.value
			im.add("stack", k.key, Mapped, k.value, "given")
			continue
		}
		cmd := fmt.Sprintf("pulumi config set %s %s -s %s", k.key, k.example, im.o.Stack)
		im.res.Report.Commands = append(im.res.Report.Commands, cmd)
		im.add("stack", k.key, NeedsYou, "not set", "required, and no Compose file holds it: "+cmd)
	}
	_ = data.DbSslRootCert
}

// finish orders the report: needs-you first, then by service and key.
func (im *importer) finish() {
	r := &im.res.Report
	sort.SliceStable(r.Items, func(i, j int) bool {
		a, b := r.Items[i], r.Items[j]
		if statusOrder[a.Status] != statusOrder[b.Status] {
			return statusOrder[a.Status] < statusOrder[b.Status]
		}
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		return a.Key < b.Key
	})
	for _, name := range slices.Sorted(mapKeys(im.secrets)) {
		s := im.secrets[name]
		sort.Strings(s.Services)
		r.Secrets = append(r.Secrets, *s)
	}
	r.NeedsYou = len(r.Secrets)
	for _, it := range r.Items {
		if it.Status == NeedsYou {
			r.NeedsYou++
		}
	}
	if r.Items == nil {
		r.Items = []Item{}
	}
	if r.Secrets == nil {
		r.Secrets = []Secret{}
	}
	if r.Commands == nil {
		r.Commands = []string{}
	}
}

// isPostgresURL says a variable holds a connection URL, not a host that happens to be called postgres
// (n8n's DB_POSTGRESDB_HOST=postgres).
func isPostgresURL(key, value string) bool {
	return strings.Contains(key, "URL") || strings.HasPrefix(value, "postgres://") || strings.HasPrefix(value, "postgresql://")
}
