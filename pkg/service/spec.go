package service

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/fargate"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// Roles of a service: what the component builds around its task definition.
const (
	// RoleWeb is an ECS service behind a target group: TargetGroupArn, nginx in front or the app's port.
	RoleWeb = "web"
	// RoleWorker is an ECS service without a load balancer.
	RoleWorker = "worker"
	// RoleInternal is an ECS service the services that list it in Calls reach through ECS Service Connect,
	// at http://<name>:<port>, inside its own security group.
	RoleInternal = "internal"
	// RoleScheduled is a task EventBridge Scheduler runs with ECS RunTask on Schedule.
	RoleScheduled = "scheduled"
	// RoleRelease is a one-off task a deploy runs, in Order, before the services roll (ReleaseTasks).
	RoleRelease = "release"
)

// Spec is one service of the tier. Args.Services lists them; without any, the component builds the
// default shape from Args' own fields (legacySpecs): web (nginx + Rails), worker (Sidekiq) and migrate.
type Spec struct {
	// Name names the task family "<component>-<Name>", the ECS service, the log group
	// "<LogGroupPrefix>/ecs/<Name>", its roles and its Service Connect name. A DNS label. Required.
	Name string
	// Role is one of the Role constants. Required.
	Role string
	// Container is the app container's name. Default Name.
	Container string
	// Image is the app container's image. Default Args.AppImage. An image outside the stack must come from
	// a public registry: the execution role pulls only from Args.RepositoryArns.
	Image pulumi.StringInput
	// Command and Entrypoint override the image's. Default the image's own.
	Command    []string
	Entrypoint []string
	// Environment are the service's own plain variables, after Args.Environment. Default none.
	Environment []KeyValue
	// Secrets are the names of the Args.Secrets this service receives; its execution role reads exactly
	// those. AllSecrets gives it every one (and the stack's shared execution role).
	Secrets    []string
	AllSecrets bool
	// Rails adds RAILS_ENV (Args.RailsEnv) and RAILS_LOG_TO_STDOUT to the app container.
	Rails bool
	// Cpu and Memory size the task (a Fargate pair). Required.
	Cpu    int
	Memory int
	// Port is the app's port: a web service's target (when Nginx is off, or nginx's backend when on), an
	// internal service's Service Connect port. Required for web and internal.
	Port int
	// HealthCheckPath is the path the container check requests on Port (and nginx's HEALTH_CHECK_PATH).
	// HealthCheckCommand replaces the check. One of them is required for web and internal.
	HealthCheckPath    string
	HealthCheckCommand []string
	// User is the non-root "uid" or "uid:gid" of the app container. Required.
	User string
	// WritablePaths are the app container's task-storage mounts. Default none.
	WritablePaths []string
	// StopTimeout is seconds from SIGTERM to SIGKILL. Default 30 (ECS's own, and not written).
	StopTimeout int
	// Desired, Min and Max are the task counts of web, worker and internal services.
	Desired, Min, Max int
	// CapacityProvider is the service's own strategy (FARGATE, FARGATE_SPOT or mixed) when
	// ExplicitCapacity; otherwise the service runs on the cluster default (Args.CapacityProvider).
	CapacityProvider string
	ExplicitCapacity bool
	// CpuTarget, MemoryTarget and RequestsPerTarget are target-tracking set points. Default the Args' ones.
	CpuTarget, MemoryTarget, RequestsPerTarget int
	// QueueLatency scales a worker on its oldest job's wait, through the sidecar (queuelatency.go). The
	// Service field is filled with the task family. Default nil: no sidecar.
	QueueLatency *QueueLatencyArgs
	// Nginx puts the nginx sidecar in front of a web service (port NginxPort). NginxCpu and NginxMemory
	// are its share. Default Args.NginxCpu and NginxMemory.
	Nginx                 bool
	NginxCpu, NginxMemory int
	// TargetGroupArn attaches a web service; AlbResourceLabel adds request-count scaling. Default none.
	TargetGroupArn   pulumi.StringInput
	AlbResourceLabel pulumi.StringInput
	// Calls are internal services this one reaches by name.
	Calls []string
	// Cron and Timezone schedule a scheduled service (EventBridge Scheduler). Timezone default UTC.
	Cron, Timezone string
	// Order is a release task's place in the run, lowest first; ties keep the order of Services.
	Order int
	// Mounts are shared volumes the app container mounts.
	Mounts []Mount
	// DatabaseUrl names a variable that receives the database as one URL built from Args.Environment's
	// DB_USER, DB_HOST, DB_PORT, DB_NAME, DB_SSLMODE and DB_SSLROOTCERT, without the password; the password
	// arrives as the PGPASSWORD secret, from the same reference as DB_PASSWORD. libpq reads PGPASSWORD when
	// the connection string has none ("PGPASSWORD behaves the same as the password connection parameter",
	// https://www.postgresql.org/docs/current/libpq-envars.html), so the password is never in a URL (no
	// escaping, never logged with it) and a rotated one reaches each new task. Default "": none.
	DatabaseUrl string
}

// Mount is a shared volume in a service's task, as the volumes component hands it over (the component
// imports no other): the task definition's volume, the statement the task role needs to mount it, and the
// group the task must wear to reach it.
type Mount struct {
	// Volume is the volume's name; Path where the app container sees it; ReadOnly mounts it so.
	Volume   string
	Path     string
	ReadOnly bool
	// TaskVolume is the task definition's volume (volumes.Handle.TaskDefinitionVolume), named Volume.
	TaskVolume ecs.TaskDefinitionVolumeArgs
	// FileSystemArn and AccessPointArn resolve into Statement's arguments.
	FileSystemArn  pulumi.StringInput
	AccessPointArn pulumi.StringInput
	// Statement is the task role's statement for the mount (volumes.ClientStatement).
	Statement func(fileSystemArn, accessPointArn string, readOnly bool) iampolicy.Statement
	// ClientSecurityGroupId is the group that reaches the volume's mount targets.
	ClientSecurityGroupId pulumi.StringInput
}

// isService reports whether the role runs as an ECS service (rather than a task run on demand).
func isService(role string) bool {
	return role == RoleWeb || role == RoleWorker || role == RoleInternal
}

var specNameRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$`)

// legacySpecs is the default shape, from Args' own fields: the tier this component built before services
// were data, planned unchanged (tests/golden_test.go).
func legacySpecs(a Args) []Spec {
	base := func(name, role, container string, t TaskArgs, command []string) Spec {
		s := Spec{Name: name, Role: role, Container: container, Command: command, AllSecrets: true, Rails: true,
			Cpu: t.Cpu, Memory: t.Memory, User: a.AppUser, WritablePaths: a.AppWritablePaths,
			CpuTarget: a.CpuTarget, MemoryTarget: a.MemoryTarget, RequestsPerTarget: a.RequestsPerTarget,
			NginxCpu: a.NginxCpu, NginxMemory: a.NginxMemory}
		if role != RoleRelease {
			s.Desired, s.Min, s.Max = t.Desired, t.Min, t.Max
		}
		return s
	}
	web := base(taskWeb, RoleWeb, RailsContainer, a.Web, a.WebCommand)
	web.Port, web.HealthCheckPath, web.Nginx = RailsPort, a.HealthCheckPath, true
	web.TargetGroupArn, web.AlbResourceLabel = a.TargetGroupArn, a.AlbResourceLabel
	return []Spec{
		web,
		base(taskWorker, RoleWorker, WorkerContainer, a.Worker, a.WorkerCommand),
		base(taskMigrate, RoleRelease, MigrateContainer, a.Worker, a.MigrateCommand),
	}
}

// specDefaults fills a declared service's defaults from the Args.
func specDefaults(s Spec, a Args) Spec {
	if s.Container == "" {
		s.Container = s.Name
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.CpuTarget, a.CpuTarget)
	def(&s.MemoryTarget, a.MemoryTarget)
	def(&s.RequestsPerTarget, a.RequestsPerTarget)
	def(&s.NginxCpu, a.NginxCpu)
	def(&s.NginxMemory, a.NginxMemory)
	if s.Role == RoleScheduled && s.Timezone == "" {
		s.Timezone = "UTC"
	}
	if s.QueueLatency != nil {
		q := *s.QueueLatency
		q.Service = a.family(s.Name)
		s.QueueLatency = &q
	}
	return s
}

// validateSpecs checks the services on their own and against one another.
func validateSpecs(specs []Spec, a Args) error {
	bad := func(s Spec, field string, value any, allowed string) error {
		return fmt.Errorf("service: Services[%s].%s %v: want %s", s.Name, field, value, allowed)
	}
	secretNames := map[string]bool{}
	for _, sec := range a.Secrets {
		secretNames[sec.Name] = true
	}
	byName := map[string]Spec{}
	for _, s := range specs {
		if _, dup := byName[s.Name]; dup {
			return fmt.Errorf("service: Services: %q appears twice: want each name once", s.Name)
		}
		byName[s.Name] = s
	}
	orders := map[int]bool{}
	for _, s := range specs {
		switch {
		case !specNameRe.MatchString(s.Name):
			return fmt.Errorf("service: Services name %q: want a DNS label of at most 20 characters", s.Name)
		case !slices.Contains([]string{RoleWeb, RoleWorker, RoleInternal, RoleScheduled, RoleRelease}, s.Role):
			return bad(s, "Role", s.Role, "web, worker, internal, scheduled or release")
		case fargate.Size(s.Cpu, s.Memory) != "":
			return bad(s, "Cpu/Memory", fmt.Sprintf("%d/%d", s.Cpu, s.Memory), fargate.Size(s.Cpu, s.Memory))
		case !userRe.MatchString(s.User) || s.User == "0" || strings.HasPrefix(s.User, "0:"):
			return bad(s, "User", fmt.Sprintf("%q", s.User), `a non-root numeric "uid" or "uid:gid"`)
		case (s.Role == RoleWeb || s.Role == RoleInternal) && (s.Port < 1 || s.Port > 65535):
			return bad(s, "Port", s.Port, "the app's port, 1 to 65535")
		case (s.Role == RoleWeb || s.Role == RoleInternal) && s.HealthCheckPath == "" && len(s.HealthCheckCommand) == 0:
			return bad(s, "HealthCheckPath", `""`, "a path or a HealthCheckCommand")
		case s.HealthCheckPath != "" && (!strings.HasPrefix(s.HealthCheckPath, "/") || strings.ContainsAny(s.HealthCheckPath, " '\"?#;|&$`")):
			return bad(s, "HealthCheckPath", fmt.Sprintf("%q", s.HealthCheckPath), "a path starting with / such as /up")
		case s.StopTimeout < 0 || s.StopTimeout > 120:
			return bad(s, "StopTimeout", s.StopTimeout, "0 (ECS's 30) to 120 seconds, Fargate's maximum")
		case isService(s.Role) && (s.Min < 0 || s.Min > s.Desired || s.Desired > s.Max || s.Max < 1):
			return bad(s, "Min/Desired/Max", fmt.Sprintf("%d/%d/%d", s.Min, s.Desired, s.Max), "0 <= Min <= Desired <= Max, with Max at least 1")
		case s.ExplicitCapacity && !slices.Contains([]string{CapacityFargate, CapacityFargateSpot, CapacityMixed}, s.CapacityProvider):
			return bad(s, "CapacityProvider", fmt.Sprintf("%q", s.CapacityProvider), "FARGATE, FARGATE_SPOT or mixed")
		case s.Nginx && s.Role != RoleWeb:
			return bad(s, "Nginx", true, "false: nginx fronts web services only")
		case s.Nginx && (s.NginxCpu < 64 || s.NginxCpu >= s.Cpu):
			return bad(s, "NginxCpu", s.NginxCpu, fmt.Sprintf("at least 64 and less than Cpu (%d)", s.Cpu))
		case s.Nginx && (s.NginxMemory < 64 || s.NginxMemory+256 > s.Memory):
			return bad(s, "NginxMemory", s.NginxMemory, fmt.Sprintf("at least 64 MiB, leaving the app 256 MiB of Memory (%d)", s.Memory))
		case s.Nginx && s.Port == NginxPort:
			return bad(s, "Port", s.Port, fmt.Sprintf("any port but %d, nginx's", NginxPort))
		case s.Role != RoleWeb && s.TargetGroupArn != nil:
			return bad(s, "TargetGroupArn", "set", "none: only web services take a target group")
		case s.AlbResourceLabel != nil && s.TargetGroupArn == nil:
			return bad(s, "AlbResourceLabel", "set", "with TargetGroupArn: request-count scaling counts the target group's requests")
		case s.Role == RoleScheduled && !cronRe.MatchString(s.Cron):
			return bad(s, "Cron", fmt.Sprintf("%q", s.Cron), "an EventBridge Scheduler cron(...) expression")
		case s.Role != RoleScheduled && s.Cron != "":
			return bad(s, "Cron", fmt.Sprintf("%q", s.Cron), `"": only scheduled services run on a schedule`)
		case s.QueueLatency != nil && s.Role != RoleWorker:
			return bad(s, "QueueLatency", "set", "nil: only workers scale on queue latency")
		case s.QueueLatency != nil && s.Min < 1:
			return bad(s, "Min", s.Min, "at least 1: the queue-latency metric comes from the worker's own tasks")
		case s.QueueLatency != nil && a.QueueLatencyImage == nil:
			return bad(s, "QueueLatency", "set", "with Args.QueueLatencyImage: the sidecar's image")
		}
		if s.DatabaseUrl != "" && (!s.receives("DB_PASSWORD") || !secretNames["DB_PASSWORD"] || !envNameRe.MatchString(s.DatabaseUrl)) {
			return bad(s, "DatabaseUrl", s.DatabaseUrl, "a variable name, on a service that receives DB_PASSWORD (it becomes PGPASSWORD)")
		}
		if s.Role == RoleRelease {
			if orders[s.Order] {
				return bad(s, "Order", s.Order, "an order no other release task has")
			}
			orders[s.Order] = true
		}
		if !s.AllSecrets {
			for _, n := range s.Secrets {
				if !secretNames[n] {
					return bad(s, "Secrets", n, "names of Args.Secrets")
				}
			}
		}
		for _, c := range s.Calls {
			if t, ok := byName[c]; !ok || t.Role != RoleInternal || c == s.Name {
				return bad(s, "Calls", c, "names of other internal services")
			}
		}
		for _, p := range s.WritablePaths {
			if !strings.HasPrefix(p, "/") || p == "/" || slices.Contains(ExecAgentPaths, p) {
				return bad(s, "WritablePaths", fmt.Sprintf("%q", p), "absolute paths below / other than the ECS Exec agent's")
			}
		}
		for _, m := range s.Mounts {
			if m.Statement == nil || m.FileSystemArn == nil || m.AccessPointArn == nil || m.ClientSecurityGroupId == nil ||
				!strings.HasPrefix(m.Path, "/") {
				return bad(s, "Mounts", m.Volume, "a volume handed over whole (TaskVolume, ARNs, Statement, client group) at an absolute path")
			}
		}
		if s.QueueLatency != nil {
			if _, err := s.QueueLatency.WithDefaults(); err != nil {
				return fmt.Errorf("service: Services[%s]: %w", s.Name, err)
			}
		}
	}
	return nil
}

// family is a service's task family and the prefix of its resources' logical names.
func (a Args) family(service string) string { return a.name + "-" + service }

// servicesOf lists the specs that run as ECS services, in order.
func servicesOf(specs []Spec) []Spec {
	var out []Spec
	for _, s := range specs {
		if isService(s.Role) {
			out = append(out, s)
		}
	}
	return out
}

// releasesOf lists the release tasks in run order (Order, then as declared).
func releasesOf(specs []Spec) []Spec {
	var out []Spec
	for _, s := range specs {
		if s.Role == RoleRelease {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(x, y Spec) int { return x.Order - y.Order })
	return out
}

// receives reports whether the service receives the secret of that name.
func (s Spec) receives(name string) bool { return s.AllSecrets || slices.Contains(s.Secrets, name) }

// image is the app container's image input.
func (s Spec) image(a Args) pulumi.StringInput {
	if s.Image != nil {
		return s.Image
	}
	return a.AppImage
}
