package compose

import (
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/fargate-platform/fargate-platform/pkg/data"
	"github.com/fargate-platform/fargate-platform/stacks"
)

// Options are what the import is told beyond the Compose project: the stack and the required keys no
// Compose file holds. A required key left empty becomes a needs-you item with its `pulumi config set`.
type Options struct {
	Project       string // the Pulumi project (fargate-platform)
	Stack         string
	Environment   string // dev, staging or prod
	Region        string // aws:region
	Domain        string
	ZoneId        string // cloudflareZoneId
	AppImageTag   string // default: the app image's tag when it is immutable-looking
	NginxImageTag string
}

// ServiceOut is one service as the stack file writes it (the fields of stacks' serviceInput).
type ServiceOut struct {
	Role          string            `yaml:"role" json:"role"`
	Preset        string            `yaml:"preset,omitempty" json:"preset,omitempty"`
	Image         string            `yaml:"image,omitempty" json:"image,omitempty"`
	Command       []string          `yaml:"command,omitempty" json:"command,omitempty"`
	Entrypoint    []string          `yaml:"entrypoint,omitempty" json:"entrypoint,omitempty"`
	Environment   map[string]string `yaml:"environment,omitempty" json:"environment,omitempty"`
	Cpu           int               `yaml:"cpu,omitempty" json:"cpu,omitempty"`
	Memory        int               `yaml:"memory,omitempty" json:"memory,omitempty"`
	Port          int               `yaml:"port,omitempty" json:"port,omitempty"`
	HealthCheck   *HealthCheckOut   `yaml:"healthCheck,omitempty" json:"healthCheck,omitempty"`
	User          string            `yaml:"user,omitempty" json:"user,omitempty"`
	WritablePaths []string          `yaml:"writablePaths,omitempty" json:"writablePaths,omitempty"`
	StopTimeout   int               `yaml:"stopTimeout,omitempty" json:"stopTimeout,omitempty"`
	Desired       *int              `yaml:"desired,omitempty" json:"desired,omitempty"`
	Min           *int              `yaml:"min,omitempty" json:"min,omitempty"`
	Max           *int              `yaml:"max,omitempty" json:"max,omitempty"`
	Nginx         *bool             `yaml:"nginx,omitempty" json:"nginx,omitempty"`
	Routing       *RoutingOut       `yaml:"routing,omitempty" json:"routing,omitempty"`
	Calls         []string          `yaml:"calls,omitempty" json:"calls,omitempty"`
	Order         int               `yaml:"order,omitempty" json:"order,omitempty"`
	Mounts        []MountOut        `yaml:"mounts,omitempty" json:"mounts,omitempty"`
	DatabaseUrl   string            `yaml:"databaseUrl,omitempty" json:"databaseUrl,omitempty"`
}

// HealthCheckOut is `healthCheck`.
type HealthCheckOut struct {
	Path    string   `yaml:"path,omitempty" json:"path,omitempty"`
	Command []string `yaml:"command,omitempty" json:"command,omitempty"`
}

// RoutingOut is `routing`.
type RoutingOut struct {
	Paths    []string `yaml:"paths,omitempty" json:"paths,omitempty"`
	Priority int      `yaml:"priority,omitempty" json:"priority,omitempty"`
}

// MountOut is one of `mounts`.
type MountOut struct {
	Volume   string `yaml:"volume" json:"volume"`
	Path     string `yaml:"path" json:"path"`
	ReadOnly bool   `yaml:"readOnly,omitempty" json:"readOnly,omitempty"`
}

// VolumeOut is one of `volumes`.
type VolumeOut struct {
	Uid int `yaml:"uid,omitempty" json:"uid,omitempty"`
	Gid int `yaml:"gid,omitempty" json:"gid,omitempty"`
}

// Result is an import: the stack file's values and the report.
type Result struct {
	// Config are the stack keys without the project prefix ("aws:region" keeps its own), plain values.
	Config   map[string]string
	Services map[string]*ServiceOut
	Volumes  map[string]VolumeOut
	Report   Report
	// secretValues are the secret values found in the project, by name: only SecretCommands' stdin
	// ever sees them.
	secretValues map[string]string
}

// providedByStack are the variables every app container already receives from the data tier
// (pkg/data: Environment and Secrets).
var providedByStack = map[string]string{
	"DB_HOST": "the RDS address", "DB_PORT": "5432", "DB_NAME": "dbName", "DB_USER": "dbUsername",
	"DB_SSLMODE": "verify-full", "DB_SSLROOTCERT": data.DbSslRootCert, "REDIS_URL": "rediss:// to ElastiCache, no password",
	"DB_PASSWORD": "the RDS-managed secret", "REDIS_PASSWORD": "the ElastiCache AUTH token secret",
}

var (
	secretNameRe  = regexp.MustCompile(`(?i)PASSWORD|PASSWD|(^|_)PASS($|_)|TOKEN|SECRET|(^|_)KEY($|_)|KEY_BASE|CREDENTIAL|PRIVATE|(^|_)DSN$|(^|_)AUTH($|_)|SALT|SIGNING|COOKIE`)
	tokenFormatRe = regexp.MustCompile(`^(AKIA|ASIA)[0-9A-Z]{16}$|^gh[pousr]_[A-Za-z0-9]{36,}$|^github_pat_|^xox[abposr]-|^(sk|rk|pk)_(live|test)_|^sk-[A-Za-z0-9_-]{20,}|^-----BEGIN|^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.|^glpat-|^SG\.[A-Za-z0-9_-]{20,}`)
	credURLRe     = regexp.MustCompile(`^[a-z][a-z0-9+.-]*://[^/@\s:]*:[^/@\s]+@`)
	dbPassNameRe  = regexp.MustCompile(`(?i)(DB|POSTGRES|PG|DATABASE|SQL).*PASS`)
	redisPassRe   = regexp.MustCompile(`(?i)REDIS.*PASS|CACHE.*PASS`)
	labelCleanRe  = regexp.MustCompile(`[^a-z0-9-]+`)
)

// entropy is the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	counts := map[rune]int{}
	for _, r := range s {
		counts[r]++
	}
	var h float64
	n := float64(len([]rune(s)))
	for _, c := range counts {
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h
}

// looksSecret says whether a value is a credential by its form: a known token format, a URL with a
// password, or a long random-looking string.
func looksSecret(v string) bool {
	if tokenFormatRe.MatchString(v) || credURLRe.MatchString(v) {
		return true
	}
	if len(v) < 24 || strings.ContainsAny(v, " /.") {
		return false
	}
	hex := strings.Trim(strings.ToLower(v), "0123456789abcdef") == ""
	return entropy(v) >= 4.0 || hex && len(v) >= 32 || entropy(v) >= 3.5 && strings.ContainsAny(v, "0123456789") && strings.ContainsAny(strings.ToLower(v), "abcdefghijklmnopqrstuvwxyz")
}

type importer struct {
	p         *Project
	o         Options
	res       *Result
	sidecarOf map[string]string // app service -> its nginx sidecar
	kinds     map[string]kind
	names     map[string]string // compose name -> stack service name
	stores    map[string]kind   // store host names
	secrets   map[string]*Secret
}

func (im *importer) add(service, key string, st Status, what, why string) {
	im.res.Report.Items = append(im.res.Report.Items, Item{Service: service, Key: key, Status: st, What: what, Why: why})
}

// label makes a Compose name a stack name: a DNS label of at most 20 characters.
func label(name string) string {
	l := strings.Trim(labelCleanRe.ReplaceAllString(strings.ToLower(strings.ReplaceAll(name, "_", "-")), "-"), "-")
	if len(l) > 20 {
		l = strings.TrimRight(l[:20], "-")
	}
	return l
}

// Import maps a loaded project onto the services model.
func Import(p *Project, o Options) *Result {
	if o.Project == "" {
		o.Project = "fargate-platform"
	}
	im := &importer{p: p, o: o, res: &Result{Config: map[string]string{}, Services: map[string]*ServiceOut{},
		Volumes: map[string]VolumeOut{}, secretValues: map[string]string{}},
		sidecarOf: map[string]string{}, kinds: map[string]kind{}, names: map[string]string{}, stores: map[string]kind{},
		secrets: map[string]*Secret{}}
	im.res.Report.Stack = o.Stack
	for _, f := range p.ComposeFiles {
		im.res.Report.Files = append(im.res.Report.Files, filepath.Base(f))
	}
	for nginx, app := range sidecars(p) {
		im.sidecarOf[app] = nginx
	}
	sidecarNames := map[string]string{}
	for app, nginx := range im.sidecarOf {
		sidecarNames[nginx] = app
	}
	for _, x := range p.Extensions {
		im.add(x, "(extension)", Dropped, "not a service", "a Compose extension field (an anchor base): its keys reached the services that merge it and are reported there")
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range p.Services {
			if !yield(n) {
				return
			}
		}
	})
	for _, n := range names {
		s := p.Services[n]
		k, why := im.classify(n, s)
		if _, ok := sidecarNames[n]; ok {
			k = kindSidecar
		}
		im.kinds[n] = k
		switch k {
		case kindPostgres, kindRedis, kindManaged:
			im.stores[n] = k
			if s.Hostname != "" {
				im.stores[s.Hostname] = k
			}
			if s.ContainerName != "" {
				im.stores[s.ContainerName] = k
			}
		}
		switch k {
		case kindBase, kindDev, kindProxy, kindBackup:
			im.add(n, "(service)", Dropped, "not in the stack", why)
		case kindManaged:
			im.add(n, "(service)", NeedsYou, s.Image, "a stateful store the stack does not run as a Fargate task (its disk would not survive a task): provision "+why+", then give the app its endpoint and credentials (appSecrets)")
		case kindSidecar:
			im.add(n, "(service)", Changed, "the nginx sidecar of "+label(sidecarNames[n]), "the stack's nginx (its own image, nginxImageTag) runs in the web task in front of the app on localhost; its settings are the stack's")
		}
	}
	im.mapStores(names)
	im.mapApps(names)
	im.requiredKeys()
	im.finish()
	return im.res
}

// mapStores maps the database and the cache to the stack's managed ones.
func (im *importer) mapStores(names []string) {
	pg, cache := "", ""
	for _, n := range names {
		s := im.p.Services[n]
		switch im.kinds[n] {
		case kindPostgres:
			if pg != "" {
				im.add(n, "(service)", NeedsYou, s.Image, "a second PostgreSQL: the stack has one RDS instance ("+pg+" became it); use another database on it or provision another instance")
				continue
			}
			pg = n
			im.mapPostgres(n, s)
		case kindRedis:
			if cache != "" {
				im.add(n, "(service)", NeedsYou, s.Image, "a second Redis: the stack has one ElastiCache replication group ("+cache+" became it); point this one's users at it (another database number or key prefix)")
				continue
			}
			cache = n
			im.mapRedis(n, s)
		default:
			continue
		}
		for _, port := range s.Ports {
			if port.Published != "" {
				im.add(n, "ports", Dropped, port.Published+":"+strconv.Itoa(int(port.Target)), "a published database port: the managed store is reachable only from the stack's services (isolated subnets, security group)")
			}
		}
		for _, v := range s.Volumes {
			im.add(n, "volumes", Dropped, relPath(im.p.WorkingDir, v.Source)+":"+v.Target, "the store's data: the managed store keeps it (move it with pg_dump/pg_restore or a Redis snapshot)")
		}
	}
}

var pgTagRe = regexp.MustCompile(`(?:^|pg)(\d+)(?:\.(\d+))?`)

func (im *importer) mapPostgres(n string, s types.ServiceConfig) {
	tag := imageTag(s.Image)
	m := pgTagRe.FindStringSubmatch(tag)
	switch {
	case m == nil:
		im.add(n, "image", NeedsYou, s.Image+" → dbEngineVersion 16 (the default)", "the tag names no major version: check the app runs on PostgreSQL 16 (RDS here offers 16 and 17), or set dbEngineVersion 17")
	case m[1] == "16" || m[1] == "17":
		im.res.Config["dbEngineVersion"] = m[1]
		im.add(n, "image", Mapped, s.Image+" → RDS PostgreSQL, dbEngineVersion "+m[1], "the major version of the tag; RDS applies minor versions itself")
	default:
		major, _ := strconv.Atoi(m[1])
		if major > 17 {
			im.res.Config["dbEngineVersion"] = "17"
			im.add(n, "image", NeedsYou, s.Image+" → dbEngineVersion 17", "PostgreSQL "+m[1]+" is newer than RDS offers here (16, 17): check the app on 17")
		} else {
			im.res.Config["dbEngineVersion"] = "16"
			im.add(n, "image", NeedsYou, s.Image+" → dbEngineVersion 16 (rounded up from "+m[1]+")", "RDS here offers PostgreSQL 16 and 17: test the app on 16 and move the data with pg_dump/pg_restore (pg_upgrade does not cross into RDS)")
		}
	}
	img := imageName(s.Image)
	for ext, why := range map[string]string{"pgvector": "CREATE EXTENSION vector;", "postgis": "CREATE EXTENSION postgis;", "partman": "CREATE EXTENSION pg_partman;"} {
		if strings.Contains(img, ext) {
			im.add(n, "extensions", NeedsYou, why, "the image ships the extension; on RDS run it once as the master user (a release task or psql), RDS supports it")
		}
	}
	env := im.p.Env(n)
	get := func(k string) string {
		if v := env[k]; v != nil {
			return *v
		}
		return ""
	}
	db, user := get("POSTGRES_DB"), get("POSTGRES_USER")
	if db == "" {
		db = user
	}
	identRe := regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,62}$`)
	switch {
	case db == "" || db == "postgres":
		im.add(n, "POSTGRES_DB", Changed, "dbName app (the default)", "the container used the default database postgres; RDS creates the app's own, DB_NAME")
	case identRe.MatchString(db):
		im.res.Config["dbName"] = db
		im.add(n, "POSTGRES_DB", Mapped, "dbName "+db, "")
	default:
		im.add(n, "POSTGRES_DB", NeedsYou, "dbName app (the default)", "\""+db+"\" is not an RDS database name (a letter, then letters, digits, _): rename it in the app")
	}
	switch {
	case user == "" || user == "postgres" || user == "rdsadmin":
		im.add(n, "POSTGRES_USER", Changed, "dbUsername app (the default)", "RDS reserves postgres and rdsadmin: the app connects as DB_USER")
	case identRe.MatchString(user):
		im.res.Config["dbUsername"] = user
		im.add(n, "POSTGRES_USER", Mapped, "dbUsername "+user, "")
	default:
		im.add(n, "POSTGRES_USER", NeedsYou, "dbUsername app (the default)", "\""+user+"\" is not an RDS user name")
	}
	for _, k := range slices.Sorted(mapKeys(env)) {
		switch k {
		case "POSTGRES_DB", "POSTGRES_USER":
		case "POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE":
			im.add(n, k, Changed, "DB_PASSWORD (secret)", "RDS generates and rotates the password in Secrets Manager; the apps receive it as DB_PASSWORD. The container's password is not carried")
		case "POSTGRES_HOST_AUTH_METHOD":
			im.add(n, k, Changed, "password and TLS (verify-full)", "RDS requires the password and TLS; trust authentication does not exist there")
		default:
			im.add(n, k, Dropped, "not carried", "a setting of the local container; RDS settings are the stack's parameter group")
		}
	}
	im.add(n, "(service)", Changed, "the stack's RDS PostgreSQL", "apps receive DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_SSLMODE=verify-full, DB_SSLROOTCERT and the secret DB_PASSWORD; the app must connect with TLS")
}

var redisTagRe = regexp.MustCompile(`^(\d+)(?:\.(\d+))?`)

func (im *importer) mapRedis(n string, s types.ServiceConfig) {
	img := imageName(s.Image)
	tag := imageTag(s.Image)
	m := redisTagRe.FindStringSubmatch(tag)
	engine, version, why := "valkey", "8.1", ""
	switch {
	case img == "valkey" && m != nil && stacks.CacheVersions["valkey"][m[1]+"."+m[2]] != "":
		version, why = m[1]+"."+m[2], "the tag's version"
	case img == "valkey" && m != nil && m[1] == "7":
		version, why = "7.2", "Valkey 7 on ElastiCache is 7.2"
	case img == "valkey":
		why = "Valkey 8.1, the stack's default (the tag names no version ElastiCache offers)"
	case m != nil && m[1] == "7" && (m[2] == "" || m[2] == "0" || m[2] == "1"):
		engine, version, why = "redis", "7.1", "Redis OSS 7, ElastiCache's 7.1"
		if m[2] == "0" {
			version = "7.0"
		}
	case m != nil && m[1] < "7" && len(m[1]) == 1:
		engine, version, why = "redis", "7.1", "Redis OSS "+m[1]+" rounded up to 7.1, ElastiCache's newest Redis OSS: check the app's client"
	default:
		why = "Redis 7.2 and later exist on ElastiCache only as Valkey, which speaks the same protocol (tag \"" + tag + "\")"
	}
	if img == "redis-stack" || img == "redis-stack-server" || img == "keydb" {
		im.add(n, "image", NeedsYou, s.Image, "modules (RediSearch, RedisJSON) or KeyDB features are not in ElastiCache: check the app does not use them")
	}
	im.res.Config["cacheEngine"] = engine
	im.res.Config["cacheEngineVersion"] = version
	st := Mapped
	if why != "the tag's version" {
		st = Changed
	}
	im.add(n, "image", st, s.Image+" → ElastiCache "+engine+" "+version, why)
	cmd := strings.Join(s.Command, " ")
	if m := regexp.MustCompile(`--maxmemory-policy\s+(\S+)`).FindStringSubmatch(cmd); m != nil && m[1] != "noeviction" {
		im.add(n, "command", Changed, "maxmemory-policy noeviction", "the stack's parameter group sets noeviction: job queues (Sidekiq, BullMQ, Celery) must never lose a key; "+m[1]+" would evict jobs. A pure cache wants its own store")
	} else {
		im.add(n, "maxmemory-policy", Mapped, "noeviction", "the stack's parameter group (pkg/data): queued jobs are never evicted")
	}
	if strings.Contains(cmd, "--requirepass") || strings.Contains(cmd, "REDIS_PASSWORD") {
		im.add(n, "command", Changed, "AUTH with the stack's REDIS_PASSWORD", "ElastiCache's auth token, in Secrets Manager; the apps receive it as REDIS_PASSWORD and REDIS_URL (rediss://, TLS) without it")
	}
	if strings.Contains(cmd, "--appendonly") || strings.Contains(cmd, "--save") {
		im.add(n, "command", Changed, "ElastiCache snapshots (cacheSnapshotRetentionDays)", "persistence flags of the container: ElastiCache replicates and snapshots instead")
	}
	im.add(n, "(service)", Changed, "the stack's ElastiCache", "apps receive REDIS_URL (rediss://, TLS) and the secret REDIS_PASSWORD; the client must send the password and use TLS")
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// appService is an app service's working state while its role is chosen.
type appService struct {
	name, stackName string
	s               types.ServiceConfig
	role            string
	why             string
	command         []string
	releaseCmd      []string // a server chain's release half
	httpPort        int
	healthPath      string
	published       bool
	image           string // "" app image
	skip            bool
}

func (im *importer) mapApps(names []string) {
	// The app image: a build section, else the image of the most app services.
	var apps []*appService
	builds := map[string]bool{}
	imageUse := map[string]int{}
	for _, n := range names {
		if im.kinds[n] != kindApp {
			continue
		}
		s := im.p.Services[n]
		a := &appService{name: n, s: s, stackName: label(n)}
		apps = append(apps, a)
		if s.Build != nil {
			builds[s.Build.Context+"|"+s.Build.Dockerfile+"|"+s.Build.Target] = true
		} else {
			imageUse[s.Image]++
			if len(s.Ports) > 0 {
				imageUse[s.Image] += 10 // the published one is the app's own
			}
		}
	}
	appImage, best := "", 0
	for _, img := range slices.Sorted(mapKeys(imageUse)) {
		if imageUse[img] > best && !strings.Contains(img, "@sha256:") {
			appImage, best = img, imageUse[img]
		}
	}
	buildKey := ""
	if len(builds) > 0 {
		buildKey = slices.Sorted(mapKeys(builds))[0]
		appImage = ""
	}

	referenced := map[string][]string{} // host -> callers
	for _, a := range apps {
		for k, v := range im.p.Env(a.name) {
			if v == nil {
				continue
			}
			h := hostOf(*v)
			if _, ok := im.p.Services[h]; ok && h != a.name && im.kinds[h] == kindApp {
				referenced[h] = append(referenced[h], a.name)
			}
			_ = k
		}
	}

	completed := map[string]bool{}
	for _, a := range apps {
		for dep, d := range a.s.DependsOn {
			if d.Condition == types.ServiceConditionCompletedSuccessfully {
				completed[dep] = true
			}
		}
	}

	for _, a := range apps {
		s := a.s
		cmd, waited := stripWaits(s.Command)
		if waited {
			im.add(a.name, "command", Dropped, "the wait step", "wait-for-it, dockerize -wait and sleep: ECS starts a deploy's release tasks first and the managed stores are up before any task")
		}
		if ep, w := stripWaits(s.Entrypoint); w {
			s.Entrypoint = ep
			im.add(a.name, "entrypoint", Dropped, "the wait wrapper", "the managed stores are up before any task starts")
		}
		a.command = cmd
		text := strings.ToLower(strings.Join(append(append([]string{}, s.Entrypoint...), cmd...), " "))
		port, path, http := healthURL(s.HealthCheck)
		for _, p := range s.Ports {
			if p.Published != "" {
				a.published = true
				if port == 0 {
					port = int(p.Target)
				}
			}
		}
		if port == 0 && len(s.Expose) > 0 {
			port, _ = strconv.Atoi(s.Expose[0])
		}
		a.httpPort, a.healthPath = port, path
		if !http {
			a.healthPath = ""
		}
		envRole := ""
		for k, v := range im.p.Env(a.name) {
			if v != nil && roleEnvRe.MatchString(k) {
				switch strings.ToLower(*v) {
				case "worker", "web", "server", "scheduler", "cron", "beat", "migrate", "release":
					envRole = strings.ToLower(*v) + " (" + k + ")"
				}
			}
		}
		if sh := shellOf(cmd); sh != "" {
			parts := splitChain(sh)
			var rel []string
			for _, p := range parts[:len(parts)-1] {
				if migrateRe.MatchString(p) {
					rel = append(rel, p)
				}
			}
			last := parts[len(parts)-1]
			if len(rel) == len(parts)-1 && len(rel) > 0 && !migrateRe.MatchString(last) {
				a.releaseCmd = chainCommand(rel)
				a.command = chainCommand([]string{last})
				text = strings.ToLower(last)
				im.add(a.name, "command", Changed, "split: a release task runs `"+strings.Join(rel, " && ")+"`, the service runs `"+last+"`",
					"a migration chained before the server would run in every task at every start, racing the others; the release task runs once per deploy, first")
			}
		}
		switch {
		case s.Restart == types.RestartPolicyNo || s.Restart == "on-failure" || completed[a.name] ||
			(migrateRe.MatchString(text) && !a.published && !workerRe.MatchString(text)) || strings.HasPrefix(envRole, "migrate") || strings.HasPrefix(envRole, "release"):
			a.role, a.why = stacks.RoleRelease, "a one-shot task (restart "+orDash(s.Restart)+", a migration command or a service_completed_successfully dependency): a deploy runs it before the services roll"
		case workerRe.MatchString(text) && !clockRe.MatchString(text) || strings.HasPrefix(envRole, "worker"):
			a.role, a.why = stacks.RoleWorker, "runs a job system"
			if envRole != "" {
				a.why = "its role is chosen by " + envRole
			}
		case clockRe.MatchString(text) || strings.HasPrefix(envRole, "scheduler") || strings.HasPrefix(envRole, "cron") || strings.HasPrefix(envRole, "beat"):
			a.role, a.why = "clock", "a long-running scheduler process (clock, beat, cron): a single-task worker, since two would run every job twice; role scheduled needs a one-shot command and a cron expression instead"
		case a.published || http:
			a.role, a.why = stacks.RoleWeb, "published ports and an HTTP health check"
			if !a.published {
				a.why = "an HTTP health check (its ports are published by an override or a proxy)"
			}
		case len(referenced[a.name]) > 0 && port > 0:
			a.role, a.why = stacks.RoleInternal, "only other services call it ("+strings.Join(referenced[a.name], ", ")+")"
		default:
			a.role, a.why = stacks.RoleWorker, "a long-running process without a port or a job system the importer knows: a worker"
		}
		// The image.
		switch {
		case s.Build != nil:
			key := s.Build.Context + "|" + s.Build.Dockerfile + "|" + s.Build.Target
			if key != buildKey {
				a.skip = true
				im.add(a.name, "build", NeedsYou, "left out of the stack file", "a second image to build ("+s.Build.Context+"): the stack builds one app image; build and push this one to a public registry, pin it by digest and add it as services."+a.stackName+".image")
				continue
			}
			what := "the stack's app image (appImageTag), built from context " + relPath(im.p.WorkingDir, s.Build.Context)
			if s.Build.Dockerfile != "" && s.Build.Dockerfile != "Dockerfile" {
				what += ", dockerfile " + s.Build.Dockerfile
			}
			if s.Build.Target != "" {
				what += ", target " + s.Build.Target
			}
			if len(s.Build.Args) > 0 {
				what += ", build args " + strings.Join(slices.Sorted(mapKeys(s.Build.Args)), ", ")
			}
			im.add(a.name, "build", Changed, what, "the pipeline builds and pushes it to the stack's repository (docker buildx build --platform linux/arm64)")
		case s.Image == appImage:
			im.add(a.name, "image", Changed, "the stack's app image (appImageTag)", "push "+s.Image+" to the stack's app repository: docker pull "+s.Image+" && docker tag "+s.Image+" <appRepositoryUrl>:<appImageTag> && docker push <appRepositoryUrl>:<appImageTag>")
		case strings.Contains(s.Image, "@sha256:"):
			a.image = normalizeImage(s.Image)
			im.add(a.name, "image", Mapped, a.image, "pinned by digest")
		default:
			a.skip = true
			im.add(a.name, "image", NeedsYou, "left out of the stack file", "pin "+s.Image+" by digest (`docker buildx imagetools inspect "+s.Image+"`), then add services."+a.stackName+" with image <registry>/<name>@sha256:<digest>: the stack refuses a movable tag")
		}
	}

	// The default web service: the one the project's nginx fronts, else the likeliest name.
	var webs []*appService
	for _, a := range apps {
		if a.role == stacks.RoleWeb && !a.skip {
			webs = append(webs, a)
		}
	}
	rank := func(a *appService) int {
		switch {
		case im.sidecarOf[a.name] != "":
			return 0
		case slices.Contains([]string{"web", "app", "rails", "server", "api", "railsserver"}, strings.TrimPrefix(a.stackName, im.p.Name+"-")):
			return 1
		case a.published && a.healthPath != "":
			return 2
		}
		return 3
	}
	sort.SliceStable(webs, func(i, j int) bool { return rank(webs[i]) < rank(webs[j]) })
	if len(webs) > 0 && im.sidecarOf[webs[0].name] != "" {
		webs[0].stackName = "web"
	}
	if len(webs) == 0 {
		im.add("stack", "services", NeedsYou, "no web service", "no service publishes a port with an HTTP health check (or it was left out): the stack needs exactly one web service; add services.web")
	}

	// Releases, in depends_on order.
	var releases []*appService
	for _, a := range apps {
		if a.releaseCmd != nil && !a.skip {
			name := label(a.stackName + "-migrate")
			if len(a.stackName)+8 > 20 {
				name = "migrate"
			}
			releases = append(releases, &appService{name: a.name, stackName: name, s: a.s, role: stacks.RoleRelease, command: a.releaseCmd, image: a.image,
				why: "the migration half of " + a.name + "'s command"})
		}
		if a.role == stacks.RoleRelease && !a.skip {
			releases = append(releases, a)
		}
	}
	releases = dependencyOrder(releases)

	calls := map[string][]string{}
	for _, a := range apps {
		if a.role == stacks.RoleInternal && !a.skip {
			for _, c := range referenced[a.name] {
				calls[c] = append(calls[c], a.stackName)
			}
		}
	}
	all := append(append([]*appService{}, apps...), releases...)
	seen := map[*appService]bool{}
	for _, a := range all {
		if seen[a] || a.skip {
			continue
		}
		seen[a] = true
		if _, dup := im.res.Services[a.stackName]; dup {
			im.add(a.name, "(service)", NeedsYou, "left out", "its stack name "+a.stackName+" is taken by another service: rename one")
			continue
		}
		out := im.mapService(a, a == firstOr(webs), webs, calls[a.name])
		if a.role == stacks.RoleRelease {
			out.Order = slices.Index(releases, a) + 1
		}
		im.res.Services[a.stackName] = out
	}
}

func firstOr(s []*appService) *appService {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

func orDash(s string) string {
	if s == "" {
		return "unset"
	}
	return s
}

func relPath(dir, p string) string {
	if r, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(r, "..") {
		return "./" + filepath.ToSlash(r)
	}
	return p
}

// normalizeImage writes a Docker Hub reference in full (postgres@sha256:… → docker.io/library/postgres@…).
func normalizeImage(ref string) string {
	name, digest, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name = name[:i]
	}
	parts := strings.Split(name, "/")
	if len(parts) == 1 {
		name = "docker.io/library/" + name
	} else if !strings.ContainsAny(parts[0], ".:") && parts[0] != "localhost" {
		name = "docker.io/" + name
	}
	return name + "@" + digest
}

// dependencyOrder orders release tasks so each runs after the ones it depends on (then by name).
func dependencyOrder(in []*appService) []*appService {
	sort.SliceStable(in, func(i, j int) bool { return in[i].stackName < in[j].stackName })
	var out []*appService
	done := map[*appService]bool{}
	var visit func(a *appService, depth int)
	visit = func(a *appService, depth int) {
		if done[a] || depth > len(in) {
			return
		}
		for _, b := range in {
			if _, dep := a.s.DependsOn[b.name]; dep && b != a && b.name != a.name {
				visit(b, depth+1)
			}
		}
		// A chain's release half runs before the release tasks of the same Compose service's dependants.
		done[a] = true
		out = append(out, a)
	}
	for _, a := range in {
		visit(a, 0)
	}
	return out
}
