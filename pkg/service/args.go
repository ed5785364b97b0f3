package service

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/container"
	"github.com/fargate-platform/fargate-platform/pkg/fargate"
)

// Capacity provider strategies.
const (
	CapacityFargate     = "FARGATE"
	CapacityFargateSpot = "FARGATE_SPOT"
	CapacityMixed       = "mixed"
)

// Args configures the service tier.
type Args struct {
	// PermissionsBoundaryArn is set as the permissions boundary of every role the component creates.
	// Default "": none.
	PermissionsBoundaryArn string
	// SubnetIds are the private subnets the tasks run in. Required.
	SubnetIds pulumi.StringArrayInput
	// SecurityGroupId is the group every task runs in. Required.
	SecurityGroupId pulumi.StringInput
	// VpcCidr is the VPC's block: nginx trusts X-Forwarded-For only from it (REAL_IP_FROM). Required.
	VpcCidr pulumi.StringInput
	// KmsKeyArn is the stack key: log groups, ECS Exec sessions and the secrets the tasks read. Required.
	KmsKeyArn pulumi.StringInput
	// LogGroupPrefix is where the log groups go ("<prefix>/ecs/web", ".../worker", ".../migrate",
	// ".../exec"). Required, starts with "/".
	LogGroupPrefix string
	// LogRetentionDays is every log group's retention. Default 365. One of the values CloudWatch accepts.
	LogRetentionDays int
	// CpuArchitecture is ARM64 or X86_64 (the task's runtimePlatform). Default ARM64.
	CpuArchitecture string

	// AppImage and NginxImage are "<repositoryUrl>:<tag>". Required.
	AppImage   pulumi.StringInput
	NginxImage pulumi.StringInput
	// RepositoryArns are the ECR repositories the images come from; the execution role may pull from these
	// only. Required.
	RepositoryArns pulumi.StringArrayInput

	// Environment are non-secret settings for every app container (DB host/port/name/user, REDIS_URL).
	// Default none. A name that looks like a credential (PASSWORD, TOKEN, SECRET, KEY) is refused.
	Environment []container.Env
	// Secrets are injected as ECS secrets into every app container; the execution role may read exactly
	// these. Default none.
	Secrets []container.Secret
	// RailsEnv is RAILS_ENV. Default "production".
	RailsEnv string

	// Web and Worker size the two services. Default {Cpu 512, Memory 1024, Desired 1, Min 1, Max 2} when
	// left zero. The migrate task runs at the worker's size.
	Web    TaskArgs
	Worker TaskArgs
	// NginxCpu and NginxMemory are nginx's share of the web task; Rails gets the rest. Default 128 and 256.
	NginxCpu    int
	NginxMemory int

	// WebCommand overrides the app image's command for Rails. Default: the image's own.
	WebCommand []string
	// WorkerCommand runs Sidekiq. Default [bundle exec sidekiq].
	WorkerCommand []string
	// MigrateCommand is the one-off migration task's command. Default [bin/rails db:migrate].
	MigrateCommand []string

	// CapacityProvider is the cluster's default strategy: FARGATE, FARGATE_SPOT or mixed (one task on
	// FARGATE, the rest split evenly with FARGATE_SPOT). Default FARGATE.
	CapacityProvider string
	// MinHealthyPercent and MaxPercent bound rolling deploys. Default 100 and 200.
	MinHealthyPercent int
	MaxPercent        int
	// HealthCheckGraceSeconds is how long the web service ignores failing load balancer health checks of a
	// new task (only set when a target group is attached). Default 60.
	HealthCheckGraceSeconds int

	// CpuTarget, MemoryTarget and RequestsPerTarget are the target-tracking set points. Default 60, 75
	// and 1000.
	CpuTarget         int
	MemoryTarget      int
	RequestsPerTarget int
	// Schedule scales both services to zero outside working hours. Default off.
	Schedule ScheduleArgs

	// AppBucketArn is a bucket whose objects the app may read, write and delete. Default none.
	AppBucketArn string

	// Redeploy forces a new deployment of both services on a schedule, so that tasks pick up rotated
	// credentials: ECS resolves secrets only when a task starts, and RDS rotates its managed master
	// password in place. Default off; main.go sets it to just after the password rotation window.
	Redeploy RedeployArgs

	// TargetGroupArn attaches the web service's nginx container (port 8080) to a target group. Default
	// none: no load balancer, and no health check grace period.
	TargetGroupArn pulumi.StringInput
	// AlbResourceLabel ("app/<lb>/<id>/targetgroup/<tg>/<id>") adds request-count scaling to the web
	// service. Default none. Needs TargetGroupArn.
	AlbResourceLabel pulumi.StringInput

	// HealthCheckPath is the Rails health endpoint nginx and its health check use. Default "/up".
	HealthCheckPath string
	// ClientMaxBodySize is nginx's client_max_body_size. Default "25m".
	ClientMaxBodySize string
	// RealIpHeader is the header nginx takes the client address from, believed only from the VPC (the
	// ALB). Default "CF-Connecting-IP", right only while the ALB admits Cloudflare alone; a stack open to
	// the world must pass "X-Forwarded-For", which the ALB appends to and a client cannot forge past it.
	RealIpHeader string
	// AppUser is the user the app containers run as. Default "1000:1000" (the rails user of the Rails
	// 7.1+ Dockerfile).
	AppUser string
	// AppWritablePaths are the app containers' writable task-storage mounts. Default ["/rails/tmp"].
	AppWritablePaths []string

	// Services are the tier's services (spec.go). Default none: the default shape, web (nginx + Rails),
	// worker (Sidekiq) and migrate (release), from the fields above (Web, Worker, the commands, the Rails
	// settings, TargetGroupArn); with Services set, those per-service fields only supply defaults.
	Services []Spec
	// VpcId is where internal services' security groups live. Required when a service is internal.
	VpcId pulumi.StringInput
	// QueueLatencyImage is the queue-latency sidecar's image ("<repositoryUrl>:<tag>"), its repository among
	// RepositoryArns. Required when a worker scales on queue latency.
	QueueLatencyImage pulumi.StringInput
	// VolumesReady are what a task that mounts a volume waits for (volumes.Volumes.Ready). Default none.
	VolumesReady []pulumi.Resource

	// name is the component's name, and specs the services with their defaults: set by New.
	name  string
	specs []Spec
}

// TaskArgs sizes one service: task CPU units and MiB, and the desired, minimum and maximum task counts.
type TaskArgs struct {
	Cpu     int
	Memory  int
	Desired int
	Min     int
	Max     int
}

// RedeployArgs schedules forced redeployments (an Amazon EventBridge Scheduler cron).
type RedeployArgs struct {
	// Cron is a Scheduler cron expression such as "cron(5 15 ? * SUN *)". Empty: off.
	Cron string
	// Timezone of Cron. Default "UTC".
	Timezone string
}

// ScheduleArgs places the scale-to-zero window.
type ScheduleArgs struct {
	// Enabled turns the two scheduled actions per service on. Default false.
	Enabled bool
	// ScaleDownCron and ScaleUpCron are Application Auto Scaling cron expressions. Default
	// "cron(0 20 ? * MON-FRI *)" and "cron(0 7 ? * MON-FRI *)".
	ScaleDownCron string
	ScaleUpCron   string
	// Timezone is the IANA zone of both. Default "UTC".
	Timezone string
}

var (
	envNameRe     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	credentialRe  = regexp.MustCompile(`(?i)PASSWORD|TOKEN|SECRET|KEY`)
	sizeRe        = regexp.MustCompile(`^[0-9]+[kKmMgG]?$`)
	cronRe        = regexp.MustCompile(`^cron\(.+\)$`)
	userRe        = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)
	retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
		2922, 3288, 3653}
)

// reservedEnv are the variables the component sets itself.
var reservedEnv = []string{"RAILS_ENV", "RAILS_LOG_TO_STDOUT"}

// withDefaults fills the defaults and rejects what the component cannot build. It registers nothing.
func (a *Args) withDefaults() (Args, error) {
	out := *a
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defStr := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&out.LogRetentionDays, 365)
	defStr(&out.CpuArchitecture, "ARM64")
	defStr(&out.RailsEnv, "production")
	for _, t := range []*TaskArgs{&out.Web, &out.Worker} {
		if *t == (TaskArgs{}) {
			*t = TaskArgs{Cpu: 512, Memory: 1024, Desired: 1, Min: 1, Max: 2}
		}
	}
	def(&out.NginxCpu, 128)
	def(&out.NginxMemory, 256)
	if len(out.WorkerCommand) == 0 {
		out.WorkerCommand = []string{"bundle", "exec", "sidekiq"}
	}
	if len(out.MigrateCommand) == 0 {
		out.MigrateCommand = []string{"bin/rails", "db:migrate"}
	}
	defStr(&out.CapacityProvider, CapacityFargate)
	def(&out.MinHealthyPercent, 100)
	def(&out.MaxPercent, 200)
	def(&out.HealthCheckGraceSeconds, 60)
	def(&out.CpuTarget, 60)
	def(&out.MemoryTarget, 75)
	def(&out.RequestsPerTarget, 1000)
	if out.Schedule.Enabled {
		defStr(&out.Schedule.ScaleDownCron, "cron(0 20 ? * MON-FRI *)")
		defStr(&out.Schedule.ScaleUpCron, "cron(0 7 ? * MON-FRI *)")
		defStr(&out.Schedule.Timezone, "UTC")
	}
	if out.Redeploy.Cron != "" {
		defStr(&out.Redeploy.Timezone, "UTC")
	}
	defStr(&out.HealthCheckPath, "/up")
	defStr(&out.ClientMaxBodySize, "25m")
	defStr(&out.RealIpHeader, "CF-Connecting-IP")
	defStr(&out.AppUser, "1000:1000")
	if len(out.AppWritablePaths) == 0 {
		out.AppWritablePaths = []string{"/rails/tmp"}
	}
	if err := out.validate(); err != nil {
		return out, err
	}
	if len(out.Services) == 0 {
		out.specs = legacySpecs(out)
	} else {
		for _, s := range out.Services {
			out.specs = append(out.specs, specDefaults(s, out))
		}
	}
	for _, s := range out.specs {
		if s.Role == RoleInternal && out.VpcId == nil {
			return out, fmt.Errorf("service: VpcId is required with an internal service (%s): its security group lives in the VPC", s.Name)
		}
	}
	return out, validateSpecs(out.specs, out)
}

func (a *Args) validate() error {
	bad := func(field string, value any, allowed string) error {
		return fmt.Errorf("service: %s %v: want %s", field, value, allowed)
	}
	switch {
	case a.SubnetIds == nil || a.SecurityGroupId == nil || a.VpcCidr == nil || a.KmsKeyArn == nil ||
		a.AppImage == nil || a.NginxImage == nil || a.RepositoryArns == nil:
		return fmt.Errorf("service: SubnetIds, SecurityGroupId, VpcCidr, KmsKeyArn, AppImage, NginxImage and RepositoryArns are required")
	case !strings.HasPrefix(a.LogGroupPrefix, "/"):
		return bad("LogGroupPrefix", fmt.Sprintf("%q", a.LogGroupPrefix), `a log group path starting with "/", such as /fargate-platform/dev`)
	case !slices.Contains(retentionDays, a.LogRetentionDays):
		return bad("LogRetentionDays", a.LogRetentionDays, fmt.Sprintf("one of %v", retentionDays))
	case a.CpuArchitecture != "ARM64" && a.CpuArchitecture != "X86_64":
		return bad("CpuArchitecture", fmt.Sprintf("%q", a.CpuArchitecture), "ARM64 or X86_64")
	case !slices.Contains([]string{CapacityFargate, CapacityFargateSpot, CapacityMixed}, a.CapacityProvider):
		return bad("CapacityProvider", fmt.Sprintf("%q", a.CapacityProvider), "FARGATE, FARGATE_SPOT or mixed")
	case a.MinHealthyPercent < 0 || a.MinHealthyPercent > 100:
		return bad("MinHealthyPercent", a.MinHealthyPercent, "0 to 100")
	case a.MaxPercent < 100 || a.MaxPercent > 200 || a.MaxPercent <= a.MinHealthyPercent:
		return bad("MaxPercent", a.MaxPercent, "100 to 200 and above MinHealthyPercent")
	case a.HealthCheckGraceSeconds < 0:
		return bad("HealthCheckGraceSeconds", a.HealthCheckGraceSeconds, "0 or more")
	case a.CpuTarget < 10 || a.CpuTarget > 95:
		return bad("CpuTarget", a.CpuTarget, "10 to 95")
	case a.MemoryTarget < 10 || a.MemoryTarget > 95:
		return bad("MemoryTarget", a.MemoryTarget, "10 to 95")
	case a.RequestsPerTarget < 1:
		return bad("RequestsPerTarget", a.RequestsPerTarget, "1 or more")
	case a.AlbResourceLabel != nil && a.TargetGroupArn == nil:
		return fmt.Errorf("service: AlbResourceLabel needs TargetGroupArn: request-count scaling counts the target group's requests")
	case a.AppBucketArn != "" && (!strings.HasPrefix(a.AppBucketArn, "arn:aws:s3:::") ||
		strings.ContainsAny(strings.TrimPrefix(a.AppBucketArn, "arn:aws:s3:::"), "/*") ||
		a.AppBucketArn == "arn:aws:s3:::"):
		return bad("AppBucketArn", fmt.Sprintf("%q", a.AppBucketArn), "empty or a bucket ARN such as arn:aws:s3:::my-uploads (no wildcard, no object path)")
	case !strings.HasPrefix(a.HealthCheckPath, "/") || strings.ContainsAny(a.HealthCheckPath, " '\"?#;|&$`"):
		return bad("HealthCheckPath", fmt.Sprintf("%q", a.HealthCheckPath), "a path starting with / such as /up")
	case !sizeRe.MatchString(a.ClientMaxBodySize):
		return bad("ClientMaxBodySize", fmt.Sprintf("%q", a.ClientMaxBodySize), "an nginx size such as 25m")
	case !userRe.MatchString(a.AppUser) || strings.HasPrefix(a.AppUser, "0:") || a.AppUser == "0":
		return bad("AppUser", fmt.Sprintf("%q", a.AppUser), `a non-root numeric "uid" or "uid:gid" such as 1000:1000`)
	case len(a.WorkerCommand) == 0 || len(a.MigrateCommand) == 0:
		return fmt.Errorf("service: WorkerCommand and MigrateCommand must not be empty")
	}
	for _, p := range a.AppWritablePaths {
		if !strings.HasPrefix(p, "/") || p == "/" || slices.Contains(ExecAgentPaths, p) {
			return bad("AppWritablePaths", fmt.Sprintf("%q", p), "absolute paths below / other than the ECS Exec agent's")
		}
	}
	if a.Schedule.Enabled {
		switch {
		case !cronRe.MatchString(a.Schedule.ScaleDownCron):
			return bad("Schedule.ScaleDownCron", fmt.Sprintf("%q", a.Schedule.ScaleDownCron), "cron(...) such as cron(0 20 ? * MON-FRI *)")
		case !cronRe.MatchString(a.Schedule.ScaleUpCron):
			return bad("Schedule.ScaleUpCron", fmt.Sprintf("%q", a.Schedule.ScaleUpCron), "cron(...) such as cron(0 7 ? * MON-FRI *)")
		case a.Schedule.Timezone != "UTC" && !strings.Contains(a.Schedule.Timezone, "/"):
			return bad("Schedule.Timezone", fmt.Sprintf("%q", a.Schedule.Timezone), "an IANA time zone such as Australia/Sydney or UTC")
		}
	}
	for _, t := range []struct {
		field string
		task  TaskArgs
	}{{"Web", a.Web}, {"Worker", a.Worker}} {
		if msg := fargate.Size(t.task.Cpu, t.task.Memory); msg != "" {
			return bad(t.field, fmt.Sprintf("%d CPU / %d MiB", t.task.Cpu, t.task.Memory), msg)
		}
		if t.task.Min < 0 || t.task.Min > t.task.Desired || t.task.Desired > t.task.Max || t.task.Max < 1 {
			return bad(t.field, fmt.Sprintf("min %d, desired %d, max %d", t.task.Min, t.task.Desired, t.task.Max),
				"0 <= Min <= Desired <= Max, with Max at least 1")
		}
	}
	if a.NginxCpu < 64 || a.NginxCpu >= a.Web.Cpu {
		return bad("NginxCpu", a.NginxCpu, fmt.Sprintf("at least 64 and less than Web.Cpu (%d), leaving the rest to Rails", a.Web.Cpu))
	}
	if a.NginxMemory < 64 || a.NginxMemory+256 > a.Web.Memory {
		return bad("NginxMemory", a.NginxMemory, fmt.Sprintf("at least 64 MiB, leaving Rails at least 256 MiB of Web.Memory (%d)", a.Web.Memory))
	}
	return a.validateVariables()
}

// validateVariables keeps credentials out of `environment`: every secret name once, never also a plain
// variable, and no plain variable named like a credential.
func (a *Args) validateVariables() error {
	names := map[string]string{}
	for _, n := range reservedEnv {
		names[n] = "set by the component"
	}
	for _, s := range a.Secrets {
		switch {
		case !envNameRe.MatchString(s.Name):
			return fmt.Errorf("service: Secrets name %q: want an environment variable name ([A-Za-z_][A-Za-z0-9_]*)", s.Name)
		case s.Kind != container.SSMParameter && s.Kind != container.SecretManager:
			return fmt.Errorf("service: Secrets %s kind %q: want %q or %q", s.Name, s.Kind, container.SSMParameter, container.SecretManager)
		case names[s.Name] != "":
			return fmt.Errorf("service: Secrets name %s appears twice (already %s): want each variable once", s.Name, names[s.Name])
		}
		names[s.Name] = "a secret"
	}
	for _, e := range a.Environment {
		switch {
		case !envNameRe.MatchString(e.Name):
			return fmt.Errorf("service: Environment name %q: want an environment variable name ([A-Za-z_][A-Za-z0-9_]*)", e.Name)
		case names[e.Name] != "":
			return fmt.Errorf("service: Environment name %s is already %s: want each variable once, credentials only as Secrets", e.Name, names[e.Name])
		case credentialRe.MatchString(e.Name):
			return fmt.Errorf("service: Environment name %s looks like a credential: pass it in Secrets (container.Parameter or container.SecretJSONKey), never in plain environment", e.Name)
		}
		names[e.Name] = "a plain variable"
	}
	return nil
}
