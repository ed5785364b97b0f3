package stacks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/edge"
	"github.com/fargate-platform/fargate-platform/pkg/fargate"
)

// The app's shape as data (key `services`): every ECS task the stack runs, each with a role.
//
// A stack without the key runs the shape this project started from, written out by legacyServices: web
// (nginx in front of Rails), worker (Sidekiq) and migrate (the release task), sized by the webCpu,
// workerCpu, ... keys. A stack with the key declares every service itself, and those per-service keys are
// refused (they would size nothing). docs/service.md is the reference; Pulumi.yaml documents the schema.

// Service roles.
const (
	// RoleWeb is behind the stack's ALB: the default route (no `routing`) or a host/path rule.
	RoleWeb = "web"
	// RoleWorker runs without a load balancer.
	RoleWorker = "worker"
	// RoleInternal is reached by the services that declare `calls` to it, through ECS Service Connect.
	RoleInternal = "internal"
	// RoleScheduled is an EventBridge Scheduler schedule that runs the task (ECS RunTask).
	RoleScheduled = "scheduled"
	// RoleRelease is a one-off task a deploy runs, in `order`, before the other services roll.
	RoleRelease = "release"
)

// Roles lists the roles in the order docs and errors name them.
var Roles = []string{RoleWeb, RoleWorker, RoleInternal, RoleScheduled, RoleRelease}

// Presets: the defaults a service starts from.
const (
	// PresetRails is the Rails 7.1+ Dockerfile's conventions: uid 1000, a writable /rails/tmp, /up,
	// RAILS_ENV and logs to stdout, Puma on 3000.
	PresetRails = "rails"
	// PresetNone assumes nothing: the service declares its user, port and health check itself.
	PresetNone = "none"
)

// DataSecrets are the secrets the data tier adds to the stack's own (appSecrets): the database password
// (pkg/data) and the Redis AUTH token (pkg/secrets.RedisAuthTokenName). A whole-stack test holds this
// list to the plan.
var DataSecrets = []string{"DB_PASSWORD", "REDIS_PASSWORD"}

// ServiceSpec is one service, with every default filled.
type ServiceSpec struct {
	// Name is the key under `services`: a DNS label of at most 20 characters. It names the task family,
	// the ECS service, the log group, the roles and the Service Connect name.
	Name string
	// Role is one of Roles (`role`, required).
	Role string
	// Preset is rails or none (`preset`; rails when the service runs the stack's app image, else none).
	Preset string
	// Image is "" for the stack's app image ("<app repository>:<appImageTag>"), or an image outside the
	// stack pinned by digest, "<registry>/<name>@sha256:<64 hex>" (`image`; ""). An external image's
	// registry must be public: the execution role pulls only from the stack's repositories.
	Image string
	// Container is the app container's name (not a key: the service's name; the default shape keeps
	// today's rails, sidekiq and migrate).
	Container string
	// Command and Entrypoint override the image's (`command`, `entrypoint`; the image's own).
	Command    []string
	Entrypoint []string
	// Environment are plain variables (`environment`, NAME: value). A name that looks like a credential is
	// refused: credentials are secrets.
	Environment map[string]string
	// Secrets are which of the stack's secrets (appSecrets and DataSecrets) the service receives, by name
	// (`secrets`; all of them). The service's execution role reads exactly these.
	Secrets []string
	// AllSecrets is true when `secrets` was not given: the service receives every stack secret.
	AllSecrets bool
	// Cpu and Memory are the task's size, a Fargate pair (`cpu`, `memory`; the environment's web/worker
	// size: dev 512/1024, prod 1024/2048).
	Cpu    int
	Memory int
	// Port is the app container's port (`port`; rails 3000; required for a web or internal service with
	// preset none).
	Port int
	// HealthCheckPath is the HTTP path the container check and a web service's target group use
	// (`healthCheck.path`; rails /up, or the stack's healthCheckPath for the default web service).
	HealthCheckPath string
	// HealthCheckCommand replaces the container check (`healthCheck.command`, ECS's form such as
	// [CMD-SHELL, "curl -f http://localhost:3000/up || exit 1"]).
	HealthCheckCommand []string
	// User is the non-root "uid" or "uid:gid" (`user`; rails 1000:1000; required with preset none).
	User string
	// WritablePaths are task-storage mounts on the read-only root (`writablePaths`; rails [/rails/tmp]).
	WritablePaths []string
	// StopTimeout is the seconds ECS waits after SIGTERM before SIGKILL (`stopTimeout`; 30, Fargate's
	// default; at most 120).
	StopTimeout int
	// Desired, Min and Max are the task counts of a web, worker or internal service (`desired`, `min`,
	// `max`; the environment's web/worker counts).
	Desired int
	Min     int
	Max     int
	// CapacityProvider is FARGATE, FARGATE_SPOT or mixed (`capacityProvider`; the stack's
	// capacityProvider). Prod refuses FARGATE_SPOT for web and internal services.
	CapacityProvider string
	// Explicit says the service chose its capacity provider (so the ECS service carries the strategy,
	// rather than the cluster default).
	ExplicitCapacity bool
	// Scaling are the target-tracking set points (`scaling.cpu`, `scaling.memory`, `scaling.requests`,
	// `scaling.queueLatency`; the stack's scaling* keys).
	Scaling Scaling
	// Nginx puts the nginx sidecar in front of a web service (`nginx`; true for the default web service
	// with preset rails, else false).
	Nginx bool
	// NginxCpu and NginxMemory are nginx's share (`nginxCpu`, `nginxMemory`; 128 and 256).
	NginxCpu    int
	NginxMemory int
	// Routing places a web service other than the default one (`routing.hosts`, `routing.paths`,
	// `routing.priority`).
	Routing Routing
	// Calls are the internal services this one reaches (`calls`; none).
	Calls []string
	// Schedule runs a scheduled service (`schedule.cron`, `schedule.timezone`).
	Schedule Schedule
	// Order is a release task's place in the run (`order`; required when there are two or more).
	Order int
	// Mounts are the stack volumes the service mounts (`mounts`: [{volume, path, readOnly}]).
	Mounts []Mount
	// DatabaseUrl names a variable that receives the database as one URL, for an app that reads
	// DATABASE_URL (`databaseUrl`; none): postgres://<user>@<host>:<port>/<db>?sslmode=verify-full&...,
	// without the password, which arrives as the PGPASSWORD secret (libpq reads it when the URL has none).
	DatabaseUrl string
}

// Scaling are a service's target-tracking set points.
type Scaling struct {
	CpuTarget         int
	MemoryTarget      int
	RequestsPerTarget int
	// QueueLatency scales a worker on how long its oldest job has waited (nil: not).
	QueueLatency *QueueLatency
}

// QueueLatency is a worker's queue-latency scaling (`scaling.queueLatency`).
type QueueLatency struct {
	// JobSystem is the sidecar's reader (`jobSystem`; sidekiq).
	JobSystem string `json:"jobSystem,omitempty"`
	// Queues are the worker's queues (`queues`; [default]).
	Queues []string `json:"queues,omitempty"`
	// TargetSeconds is the oldest-job age the worker is kept at (`targetSeconds`; 30).
	TargetSeconds int `json:"targetSeconds,omitempty"`
}

// Routing is a web service's listener rule.
type Routing struct {
	Hosts    []string `json:"hosts,omitempty"`
	Paths    []string `json:"paths,omitempty"`
	Priority int      `json:"priority,omitempty"`
}

// IsDefault reports whether the web service takes the listener's default action (no rule).
func (r Routing) IsDefault() bool { return len(r.Hosts) == 0 && len(r.Paths) == 0 }

// Schedule is when a scheduled service runs.
type Schedule struct {
	// Cron is an EventBridge Scheduler cron expression, cron(minutes hours day-of-month month day-of-week
	// year).
	Cron string `json:"cron,omitempty"`
	// Timezone is its IANA zone (default the stack's scheduleTimezone).
	Timezone string `json:"timezone,omitempty"`
}

// Mount mounts a stack volume.
type Mount struct {
	Volume   string `json:"volume"`
	Path     string `json:"path"`
	ReadOnly bool   `json:"readOnly,omitempty"`
}

// VolumeSpec is a stack volume (key `volumes`): an encrypted EFS file system with an access point.
type VolumeSpec struct {
	// Name is the key under `volumes`, a DNS label.
	Name string
	// Uid and Gid are the user the access point acts as and that owns its directory (`uid`, `gid`; 1000).
	Uid int `json:"uid,omitempty"`
	Gid int `json:"gid,omitempty"`
	// Path is the access point's directory (`path`; /<name>).
	Path string `json:"path,omitempty"`
	// Throughput is elastic or bursting (`throughput`; elastic).
	Throughput string `json:"throughput,omitempty"`
}

// IsLongRunning reports whether the role is an ECS service (web, worker, internal) rather than a task run
// on demand (scheduled, release).
func IsLongRunning(role string) bool {
	return role == RoleWeb || role == RoleWorker || role == RoleInternal
}

// serviceInput is one service as the stack file writes it. Pointers tell "not given" from zero.
type serviceInput struct {
	Role        string            `json:"role"`
	Preset      string            `json:"preset"`
	Image       string            `json:"image"`
	Command     []string          `json:"command"`
	Entrypoint  []string          `json:"entrypoint"`
	Environment map[string]string `json:"environment"`
	Secrets     *[]string         `json:"secrets"`
	Cpu         int               `json:"cpu"`
	Memory      int               `json:"memory"`
	Port        int               `json:"port"`
	HealthCheck struct {
		Path    string   `json:"path"`
		Command []string `json:"command"`
	} `json:"healthCheck"`
	User             string   `json:"user"`
	WritablePaths    []string `json:"writablePaths"`
	StopTimeout      int      `json:"stopTimeout"`
	Desired          *int     `json:"desired"`
	Min              *int     `json:"min"`
	Max              *int     `json:"max"`
	CapacityProvider string   `json:"capacityProvider"`
	Scaling          struct {
		Cpu          int           `json:"cpu"`
		Memory       int           `json:"memory"`
		Requests     int           `json:"requests"`
		QueueLatency *QueueLatency `json:"queueLatency"`
	} `json:"scaling"`
	Nginx       *bool    `json:"nginx"`
	NginxCpu    int      `json:"nginxCpu"`
	NginxMemory int      `json:"nginxMemory"`
	Routing     Routing  `json:"routing"`
	Calls       []string `json:"calls"`
	Schedule    Schedule `json:"schedule"`
	Order       int      `json:"order"`
	Mounts      []Mount  `json:"mounts"`
	DatabaseUrl string   `json:"databaseUrl"`
}

// legacyKeys are the per-service keys of the default shape: with `services` set they are refused.
var legacyKeys = []string{"webCpu", "webMemory", "webDesiredCount", "webMinCount", "webMaxCount",
	"workerCpu", "workerMemory", "workerDesiredCount", "workerMinCount", "workerMaxCount",
	"nginxCpu", "nginxMemory", "webCommand", "workerCommand", "migrateCommand"}

// decodeStrict decodes JSON refusing fields the type does not declare, so a misspelt key fails.
func decodeStrict(raw []byte, into any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(into); err != nil {
		return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// readServices reads `services` and `volumes`: the declared shape, or legacyServices when `services` is
// not set.
func (r *reader) readServices(c *Config, d defaults) {
	c.Volumes = nil
	// {} is what Pulumi.yaml declares as both keys' default: no volumes, and the default shape.
	if raw, set, refused := r.raw(r.ns, "volumes"); set && !refused && raw != "{}" {
		var in map[string]json.RawMessage
		if json.Unmarshal([]byte(raw), &in) != nil || !strings.HasPrefix(raw, "{") {
			r.bad(r.ns, "volumes", raw, "an object of volume name: {uid, gid, path, throughput}")
		}
		for _, name := range sortedKeys(in) {
			v := VolumeSpec{Name: name}
			if err := decodeStrict(in[name], &v); err != nil {
				r.errs = append(r.errs, &FieldError{Key: "volumes." + name, Value: string(in[name]), Allowed: err.Error()})
				continue
			}
			if v.Uid == 0 {
				v.Uid = 1000
			}
			if v.Gid == 0 {
				v.Gid = v.Uid
			}
			if v.Path == "" {
				v.Path = "/" + name
			}
			if v.Throughput == "" {
				v.Throughput = "elastic"
			}
			c.Volumes = append(c.Volumes, v)
		}
	}

	raw, set, refused := r.raw(r.ns, "services")
	if !set || refused || raw == "{}" {
		c.Services = legacyServices(*c)
		return
	}
	c.ServicesDeclared = true
	var in map[string]json.RawMessage
	if !strings.HasPrefix(raw, "{") || json.Unmarshal([]byte(raw), &in) != nil {
		r.bad(r.ns, "services", raw, "an object of service name: {role, ...} (docs/service.md)")
		return
	}
	// Pulumi hands every declared key to the program with its default, so a key counts as set when it
	// holds something else than the default shape's own value.
	sv, dd := c.Service, d
	moved := map[string]bool{
		"webCpu": sv.Web.Cpu != dd.web.Cpu, "webMemory": sv.Web.Memory != dd.web.Memory,
		"webDesiredCount": sv.Web.Desired != dd.web.Desired, "webMinCount": sv.Web.Min != dd.web.Min,
		"webMaxCount": sv.Web.Max != dd.web.Max, "workerCpu": sv.Worker.Cpu != dd.worker.Cpu,
		"workerMemory": sv.Worker.Memory != dd.worker.Memory, "workerDesiredCount": sv.Worker.Desired != dd.worker.Desired,
		"workerMinCount": sv.Worker.Min != dd.worker.Min, "workerMaxCount": sv.Worker.Max != dd.worker.Max,
		"nginxCpu": sv.NginxCpu != 128, "nginxMemory": sv.NginxMemory != 256,
		"webCommand":     len(sv.WebCommand) > 0,
		"workerCommand":  !slices.Equal(sv.WorkerCommand, []string{"bundle", "exec", "sidekiq"}),
		"migrateCommand": !slices.Equal(sv.MigrateCommand, []string{"bin/rails", "db:migrate"}),
	}
	for _, k := range legacyKeys {
		if moved[k] {
			r.errs = append(r.errs, &KeyError{Key: k, Problem: "sizes the default shape, which `services` replaces: " +
				"set it on the service instead (services.<name>.cpu, memory, desired, min, max, command, nginxCpu, nginxMemory), " +
				"then `pulumi config rm " + k + "`"})
		}
	}
	names := make([]string, 0, len(in))
	for name := range in {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var s serviceInput
		if err := decodeStrict(in[name], &s); err != nil {
			r.errs = append(r.errs, &FieldError{Key: "services." + name, Value: string(in[name]), Allowed: err.Error() + " (docs/service.md lists the fields)"})
			continue
		}
		c.Services = append(c.Services, s.spec(name, *c, d))
	}
	c.Services = ordered(c.Services)
}

// spec fills one declared service's defaults.
func (s serviceInput) spec(name string, c Config, d defaults) ServiceSpec {
	out := ServiceSpec{
		Name: name, Role: s.Role, Preset: s.Preset, Image: s.Image, Container: name,
		Command: s.Command, Entrypoint: s.Entrypoint, Environment: s.Environment,
		Cpu: s.Cpu, Memory: s.Memory, Port: s.Port,
		HealthCheckPath: s.HealthCheck.Path, HealthCheckCommand: s.HealthCheck.Command,
		User: s.User, WritablePaths: s.WritablePaths, StopTimeout: s.StopTimeout,
		CapacityProvider: s.CapacityProvider, ExplicitCapacity: s.CapacityProvider != "",
		Scaling: Scaling{CpuTarget: s.Scaling.Cpu, MemoryTarget: s.Scaling.Memory,
			RequestsPerTarget: s.Scaling.Requests, QueueLatency: s.Scaling.QueueLatency},
		NginxCpu: s.NginxCpu, NginxMemory: s.NginxMemory,
		Routing: s.Routing, Calls: s.Calls, Schedule: s.Schedule, Order: s.Order, Mounts: s.Mounts,
		DatabaseUrl: s.DatabaseUrl,
	}
	if out.Preset == "" {
		out.Preset = PresetNone
		if out.Image == "" {
			out.Preset = PresetRails
		}
	}
	rails := out.Preset == PresetRails
	size := d.worker
	if out.Role == RoleWeb {
		size = d.web
	}
	def := func(v *int, dv int) {
		if *v == 0 {
			*v = dv
		}
	}
	defStr := func(v *string, dv string) {
		if *v == "" {
			*v = dv
		}
	}
	def(&out.Cpu, size.Cpu)
	def(&out.Memory, size.Memory)
	if IsLongRunning(out.Role) {
		out.Desired, out.Min, out.Max = size.Desired, size.Min, size.Max
		if s.Desired != nil {
			out.Desired = *s.Desired
		}
		if s.Min != nil {
			out.Min = *s.Min
		} else if out.Min > out.Desired {
			out.Min = out.Desired
		}
		if s.Max != nil {
			out.Max = *s.Max
		} else if out.Max < out.Desired {
			out.Max = out.Desired
		}
	}
	if s.Secrets == nil {
		out.AllSecrets = true
		out.Secrets = allSecrets(c)
	} else {
		out.Secrets = *s.Secrets
	}
	def(&out.StopTimeout, 30)
	defStr(&out.CapacityProvider, c.Service.CapacityProvider)
	def(&out.Scaling.CpuTarget, c.Service.CpuTarget)
	def(&out.Scaling.MemoryTarget, c.Service.MemoryTarget)
	def(&out.Scaling.RequestsPerTarget, c.Service.RequestsPerTarget)
	if q := out.Scaling.QueueLatency; q != nil {
		cp := *q
		if cp.JobSystem == "" {
			cp.JobSystem = "sidekiq"
		}
		if len(cp.Queues) == 0 {
			cp.Queues = []string{"default"}
		}
		def(&cp.TargetSeconds, 30)
		out.Scaling.QueueLatency = &cp
	}
	def(&out.NginxCpu, 128)
	def(&out.NginxMemory, 256)
	if out.Role == RoleScheduled {
		defStr(&out.Schedule.Timezone, c.Service.Timezone)
	}
	if rails {
		defStr(&out.User, "1000:1000")
		if out.WritablePaths == nil {
			out.WritablePaths = []string{"/rails/tmp"}
		}
		if out.Role == RoleWeb || out.Role == RoleInternal {
			def(&out.Port, 3000)
		}
	}
	if out.Role == RoleWeb || out.Role == RoleInternal {
		if out.HealthCheckPath == "" && len(out.HealthCheckCommand) == 0 {
			if out.Role == RoleWeb && out.Routing.IsDefault() {
				out.HealthCheckPath = c.Edge.HealthCheckPath
			} else if rails {
				out.HealthCheckPath = "/up"
			}
		}
	}
	if s.Nginx != nil {
		out.Nginx = *s.Nginx
	} else {
		out.Nginx = out.Role == RoleWeb && out.Routing.IsDefault() && rails
	}
	return out
}

// allSecrets are every secret the stack's services may receive, sorted.
func allSecrets(c Config) []string {
	out := append(sortedKeys(c.Secrets.AppSecrets), DataSecrets...)
	sort.Strings(out)
	return out
}

// ordered puts the release tasks first, in run order (order, then name), then the other services by name.
func ordered(in []ServiceSpec) []ServiceSpec {
	out := slices.Clone(in)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := a.Role == RoleRelease, b.Role == RoleRelease; ra != rb {
			return ra
		} else if ra && a.Order != b.Order {
			return a.Order < b.Order
		}
		return a.Name < b.Name
	})
	return out
}

// legacyServices is the default shape: what a stack without `services` runs, from the per-service keys.
func legacyServices(c Config) []ServiceSpec {
	s := c.Service
	base := func(name, role, container string, t Task, command []string) ServiceSpec {
		out := ServiceSpec{
			Name: name, Role: role, Preset: PresetRails, Container: container, Command: command,
			AllSecrets: true, Secrets: allSecrets(c), Cpu: t.Cpu, Memory: t.Memory,
			User: "1000:1000", WritablePaths: []string{"/rails/tmp"}, StopTimeout: 30,
			CapacityProvider: s.CapacityProvider,
			Scaling:          Scaling{CpuTarget: s.CpuTarget, MemoryTarget: s.MemoryTarget, RequestsPerTarget: s.RequestsPerTarget},
			NginxCpu:         s.NginxCpu, NginxMemory: s.NginxMemory,
		}
		if role != RoleRelease {
			out.Desired, out.Min, out.Max = t.Desired, t.Min, t.Max
		}
		return out
	}
	web := base("web", RoleWeb, "rails", s.Web, s.WebCommand)
	web.Port, web.HealthCheckPath, web.Nginx = 3000, c.Edge.HealthCheckPath, true
	worker := base("worker", RoleWorker, "sidekiq", s.Worker, s.WorkerCommand)
	migrate := base("migrate", RoleRelease, "migrate", s.Worker, s.MigrateCommand)
	migrate.Order = 1
	return []ServiceSpec{migrate, web, worker}
}

// Service-level validation.

var (
	digestImageRe = regexp.MustCompile(`^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[0-9a-f]{64}$`)
	// schedulerCronRe is EventBridge Scheduler's cron: six fields, minutes to year.
	schedulerCronRe = regexp.MustCompile(`^cron\((\S+ ){5}\S+\)$`)
	credentialRe    = regexp.MustCompile(`(?i)PASSWORD|TOKEN|SECRET|(^|_)KEY($|_)|CREDENTIAL`)
	userSpecRe      = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)
)

// validateServices checks the shape: every service on its own, then how they refer to one another.
func (c Config) validateServices(v *validator, prod bool) {
	secretNames := allSecrets(c)
	volumes := map[string]bool{}
	for _, vol := range c.Volumes {
		key := "volumes." + vol.Name
		volumes[vol.Name] = true
		v.check(labelRe.MatchString(vol.Name) && len(vol.Name) <= 20, key, vol.Name,
			"a volume name: lower-case letters, digits and hyphens, at most 20 characters")
		v.check(vol.Uid > 0 && vol.Gid > 0, key+".uid", fmt.Sprintf("%d:%d", vol.Uid, vol.Gid),
			"the non-root uid and gid the app runs as (root, 0, is refused)")
		v.check(vol.Throughput == "elastic" || vol.Throughput == "bursting", key+".throughput", vol.Throughput, "elastic or bursting")
	}
	if !c.ServicesDeclared {
		// The default shape is written from keys Service.validate has checked, one message per key.
		return
	}
	byName := map[string]ServiceSpec{}
	for _, s := range c.Services {
		byName[s.Name] = s
	}
	defaults, releases := 0, 0
	priorities := map[int]string{}
	orders := map[int]string{}
	for _, s := range c.Services {
		key := "services." + s.Name
		f := func(field string) string { return key + "." + field }
		v.check(labelRe.MatchString(s.Name) && len(s.Name) <= 20, key, s.Name,
			"a service name: lower-case letters, digits and hyphens, at most 20 characters")
		if !slices.Contains(Roles, s.Role) {
			v.add(f("role"), s.Role, "one of "+strings.Join(Roles, ", "))
			continue
		}
		v.check(s.Preset == PresetRails || s.Preset == PresetNone, f("preset"), s.Preset, "rails or none")
		v.check(s.Image == "" || digestImageRe.MatchString(s.Image), f("image"), s.Image,
			"empty (the stack's app image) or an image pinned by digest, such as ghcr.io/org/pdf@sha256:<64 hex>")
		if msg := fargate.Size(s.Cpu, s.Memory); msg != "" {
			v.add(f("memory"), fmt.Sprintf("%d CPU / %d MiB", s.Cpu, s.Memory), msg)
		}
		v.check(s.User != "" || s.Preset == PresetRails, f("user"), s.User,
			`the non-root "uid" or "uid:gid" the image runs as, such as 1000:1000 (preset none assumes no user)`)
		v.check(s.User == "" || userSpecRe.MatchString(s.User) && s.User != "0" && !strings.HasPrefix(s.User, "0:"),
			f("user"), s.User, `a non-root numeric "uid" or "uid:gid"`)
		for _, p := range s.WritablePaths {
			v.check(strings.HasPrefix(p, "/") && p != "/", f("writablePaths"), p, "absolute paths below /")
		}
		v.between(f("stopTimeout"), s.StopTimeout, 2, 120)
		names := map[string]bool{}
		for _, n := range s.Secrets {
			v.check(slices.Contains(secretNames, n), f("secrets"), n,
				"one of the stack's secrets: "+strings.Join(secretNames, ", ")+" (appSecrets keys and the data tier's)")
			names[n] = true
		}
		for _, n := range sortedKeys(s.Environment) {
			switch {
			case !envNameRe.MatchString(n):
				v.add(f("environment"), n, "an upper-case variable name ([A-Z_][A-Z0-9_]*)")
			case names[n]:
				v.add(f("environment."+n), "(not shown)", "each variable once: it is already one of the service's secrets")
			case credentialRe.MatchString(n):
				v.add(f("environment."+n), "(not shown)", "no credential in plain environment: store it in appSecrets (`pulumi config set --secret --path 'appSecrets."+n+"'`) and list it in secrets")
			}
		}
		if s.DatabaseUrl != "" {
			_, clash := s.Environment[s.DatabaseUrl]
			v.check(envNameRe.MatchString(s.DatabaseUrl) && !clash && !names[s.DatabaseUrl] && s.DatabaseUrl != "PGPASSWORD",
				f("databaseUrl"), s.DatabaseUrl, "the variable the app reads the URL from, such as DATABASE_URL, set nowhere else")
			v.check(names["DB_PASSWORD"], f("secrets"), strings.Join(s.Secrets, ","),
				"DB_PASSWORD among them: databaseUrl passes it as PGPASSWORD")
		}
		v.check(slices.Contains([]string{"FARGATE", "FARGATE_SPOT", "mixed"}, s.CapacityProvider), f("capacityProvider"),
			s.CapacityProvider, "FARGATE, FARGATE_SPOT or mixed")
		if prod && (s.Role == RoleWeb || s.Role == RoleInternal) {
			v.check(s.CapacityProvider != "FARGATE_SPOT", f("capacityProvider"), s.CapacityProvider,
				"FARGATE or mixed for a web or internal service in prod: Spot alone can take every task at once (a worker may run on Spot)")
		}
		for i, m := range s.Mounts {
			mk := f("mounts[" + strconv.Itoa(i) + "]")
			v.check(volumes[m.Volume], mk+".volume", m.Volume, "a volume declared under volumes")
			v.check(strings.HasPrefix(m.Path, "/") && m.Path != "/", mk+".path", m.Path, "an absolute path below /")
		}
		if s.Role == RoleWeb || s.Role == RoleInternal {
			v.check(s.Port >= 1 && s.Port <= 65535 && s.Port != 8080 || s.Port == 8080 && !s.Nginx, f("port"), strconv.Itoa(s.Port),
				"the port the app listens on, 1 to 65535 (8080 is nginx's when nginx is on)")
			v.check(s.HealthCheckPath != "" || len(s.HealthCheckCommand) > 0, f("healthCheck"), "",
				"a path (healthCheck.path: /healthz) or a command: a web or internal service is only routed to when healthy")
		}
		if s.HealthCheckPath != "" {
			v.check(strings.HasPrefix(s.HealthCheckPath, "/") && !strings.ContainsAny(s.HealthCheckPath, " ?#'\"`$;|&"),
				f("healthCheck.path"), s.HealthCheckPath, "a path starting with /, such as /up")
		}
		if IsLongRunning(s.Role) {
			v.check(s.Min >= 0 && s.Min <= s.Desired && s.Desired <= s.Max && s.Max >= 1 && s.Max <= 100, f("desired"),
				fmt.Sprintf("min %d, desired %d, max %d", s.Min, s.Desired, s.Max), "0 <= min <= desired <= max, max 1 to 100")
			v.check(!prod || s.Min >= 2 || s.Role == RoleWorker, f("min"), strconv.Itoa(s.Min), "at least 2 in prod, one per AZ")
			v.check(!prod || s.Min >= 1, f("min"), strconv.Itoa(s.Min), "at least 1 in prod")
		}
		v.between(f("scaling.cpu"), s.Scaling.CpuTarget, 10, 95)
		v.between(f("scaling.memory"), s.Scaling.MemoryTarget, 10, 95)
		v.between(f("scaling.requests"), s.Scaling.RequestsPerTarget, 1, 1000000)
		if q := s.Scaling.QueueLatency; q != nil {
			v.check(s.Role == RoleWorker, f("scaling.queueLatency"), s.Role, "a worker: only workers scale on queue latency")
			v.check(q.JobSystem == "sidekiq", f("scaling.queueLatency.jobSystem"), q.JobSystem, "sidekiq (the readers queuelatency/ ships)")
			v.check(s.Min >= 1, f("min"), strconv.Itoa(s.Min), "at least 1: the latency metric comes from the worker's own tasks")
			v.between(f("scaling.queueLatency.targetSeconds"), q.TargetSeconds, 1, 86400)
			v.check(slices.Contains(s.Secrets, "REDIS_PASSWORD"), f("secrets"), strings.Join(s.Secrets, ","),
				"REDIS_PASSWORD among them: the queue-latency sidecar reads Sidekiq's queues with it")
		}
		if s.Nginx {
			v.check(s.Role == RoleWeb, f("nginx"), "true", "false: nginx fronts web services only")
			v.check(s.NginxCpu >= 64 && s.NginxCpu < s.Cpu, f("nginxCpu"), strconv.Itoa(s.NginxCpu),
				fmt.Sprintf("at least 64 and less than the task's cpu (%d)", s.Cpu))
			v.check(s.NginxMemory >= 64 && s.NginxMemory+256 <= s.Memory, f("nginxMemory"), strconv.Itoa(s.NginxMemory),
				fmt.Sprintf("at least 64 MiB, leaving the app at least 256 MiB of the task's memory (%d)", s.Memory))
		}
		if s.Role == RoleWeb {
			if s.Routing.IsDefault() {
				defaults++
			} else {
				if msg := edge.ConditionProblem(s.Routing.Hosts, s.Routing.Paths); msg != "" {
					v.add(f("routing"), fmt.Sprintf("hosts %v, paths %v", s.Routing.Hosts, s.Routing.Paths), msg)
				}
				v.check(s.Routing.Priority >= 1 && s.Routing.Priority <= 50000, f("routing.priority"),
					strconv.Itoa(s.Routing.Priority), "1 to 50000, unique: the listener evaluates rules lowest first")
				if other, dup := priorities[s.Routing.Priority]; dup {
					v.add(f("routing.priority"), strconv.Itoa(s.Routing.Priority), "a priority no other service has (services."+other+" has it)")
				}
				priorities[s.Routing.Priority] = s.Name
			}
		} else {
			v.check(s.Routing.IsDefault() && s.Routing.Priority == 0, f("routing"), s.Role, "no routing: only web services are routed")
		}
		v.check(len(s.Calls) == 0 || IsLongRunning(s.Role), f("calls"), s.Role,
			"no calls: Service Connect reaches internal services from ECS services (web, worker, internal), not from tasks run on their own")
		for _, callee := range s.Calls {
			t, ok := byName[callee]
			v.check(ok && t.Role == RoleInternal && callee != s.Name, f("calls"), callee, "the name of an internal service of the stack")
		}
		if s.Role == RoleScheduled {
			v.check(schedulerCronRe.MatchString(s.Schedule.Cron), f("schedule.cron"), s.Schedule.Cron,
				"an EventBridge Scheduler cron expression of six fields, such as cron(0 3 * * ? *)")
			v.check(strings.Contains(s.Schedule.Timezone, "/") || s.Schedule.Timezone == "UTC", f("schedule.timezone"),
				s.Schedule.Timezone, "an IANA time zone such as Australia/Sydney or UTC")
		} else {
			v.check(s.Schedule == (Schedule{}), f("schedule"), s.Role, "no schedule: only scheduled services run on one")
		}
		if s.Role == RoleRelease {
			releases++
			if other, dup := orders[s.Order]; dup && s.Order != 0 {
				v.add(f("order"), strconv.Itoa(s.Order), "an order no other release task has (services."+other+" has it)")
			}
			orders[s.Order] = s.Name
		}
	}
	if len(c.Services) > 0 {
		v.check(defaults == 1, "services", fmt.Sprintf("%d web services without routing", defaults),
			"exactly one web service without routing: the listener's default action sends every request no rule matches to it")
	}
	if releases > 1 {
		for _, s := range c.Services {
			if s.Role == RoleRelease {
				v.check(s.Order >= 1, "services."+s.Name+".order", strconv.Itoa(s.Order),
					"1 or more: with several release tasks, each says its place in the run")
			}
		}
	}
}
