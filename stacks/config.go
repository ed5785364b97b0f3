// Package stacks holds the typed configuration of one fargate-platform stack: it reads every key once,
// fills the defaults of the stack's environment, and validates the whole before any resource exists.
//
// Keys live in the project namespace (`fargate-platform:<key>`), except the region, which is the AWS
// provider's own `aws:region`. Pulumi.yaml documents every key; README.md has the reference table.
package stacks

// Config is everything a stack decides. Load fills it; nothing else in the program reads config.
type Config struct {
	// Project and Stack are the Pulumi project and stack names; Name is "<project>-<stack>", the prefix of
	// every physical name.
	Project string
	Stack   string
	Name    string

	// Environment is dev, staging or prod (key `environment`, required). It picks the defaults below and
	// which protections are mandatory.
	Environment Environment
	// Region is the AWS region (key `aws:region`, required).
	Region string

	// LogRetentionDays is the retention of every application log group (key `logRetentionDays`;
	// dev 14, prod 365). One of the values CloudWatch Logs accepts.
	LogRetentionDays int

	// PermissionsBoundary is the permissions boundary every IAM role of the stack carries (key
	// `permissionsBoundary`; default "bootstrap": the bootstrap's policy "<project>-<stack>-boundary", which
	// the deploy roles may not create a role without). "none" creates roles without one (a stack deployed
	// only by an administrator, without the bootstrap); a policy ARN names another.
	PermissionsBoundary string

	Network  Network
	Registry Registry
	Secrets  Secrets
	Database Database
	Cache    Cache
	Service  Service
	Edge     Edge
	Alarms   Alarms

	// Services are the app's services (key `services`; without it, legacyServices: web, worker and
	// migrate), by name, release tasks in run order first (stacks/services.go).
	Services []ServiceSpec
	// ServicesDeclared says the stack file sets `services` (the per-service keys of the default shape are
	// then refused).
	ServicesDeclared bool
	// Volumes are the stack's shared volumes (key `volumes`; none), by name.
	Volumes []VolumeSpec
}

// Environment names a kind of stack.
type Environment string

// The environments a stack may declare.
const (
	Dev     Environment = "dev"
	Staging Environment = "staging"
	Prod    Environment = "prod"
)

// IsProd reports whether the stack must carry every production protection. Staging is held to the same
// rules: it is where a prod change is proven.
func (e Environment) IsProd() bool { return e == Prod || e == Staging }

// Network is the VPC layout.
type Network struct {
	// Cidr is the VPC's IPv4 block (key `vpcCidr`; dev 10.10.0.0/16, prod 10.20.0.0/16): private, /16 to /24.
	Cidr string
	// AzCount is how many availability zones the subnets span (key `azCount`; dev 2, prod 3): 2 or 3.
	AzCount int
	// NatStrategy is single, onePerAz, none or instance (key `natStrategy`; dev instance, prod onePerAz).
	// none needs VPC endpoints, since tasks then reach AWS APIs only through them; instance (one NAT
	// instance on Graviton) is refused in prod and staging.
	NatStrategy string
	// Endpoints turns on the interface endpoints for ECR, Logs, Secrets Manager, SSM, SSM Messages and KMS
	// (key `vpcEndpoints`; dev false, prod true). The S3 gateway endpoint is always there: it is free.
	Endpoints bool
	// FlowLogRetentionDays is the retention of the VPC flow log group (key `flowLogRetentionDays`; dev 14,
	// prod 365).
	FlowLogRetentionDays int
}

// Registry is the container image registry.
type Registry struct {
	// KeepTaggedImages is how many tagged images each repository keeps (key `imageRetentionCount`; 30).
	KeepTaggedImages int
	// UntaggedExpiryDays is when untagged images expire (key `untaggedImageExpiryDays`; 7).
	UntaggedExpiryDays int
	// ImagePlatforms are the platforms the images are built for (key `imagePlatforms`;
	// [linux/amd64, linux/arm64]).
	ImagePlatforms []string
	// CpuArchitecture is the tasks' CPU (key `cpuArchitecture`; ARM64, cheaper on Fargate): ARM64 or
	// X86_64, and the matching linux platform must be among ImagePlatforms.
	CpuArchitecture string
	// PullAccountIds are other AWS accounts allowed to pull (key `crossAccountPullAccountIds`; none).
	PullAccountIds []string
	// AppRepository and NginxRepository override the repository names (keys `appRepositoryName`,
	// `nginxRepositoryName`; "<project>-<stack>/app" and "<project>-<stack>/nginx").
	AppRepository   string
	NginxRepository string
}

// Secrets is the key, parameters and secrets of the stack.
type Secrets struct {
	// AppSecrets are static application settings stored as SSM SecureString parameters and injected as
	// ECS secrets (key `appSecrets`, an object of NAME: value, each set with
	// `pulumi config set --secret --path 'appSecrets.NAME'`).
	AppSecrets map[string]string
	// KeyAdminArns are IAM principals that administer the stack key (key `kmsAdminArns`; none: the
	// account root, through IAM, administers it).
	KeyAdminArns []string
	// RecoveryWindowDays is how long a deleted Secrets Manager secret can be restored (key
	// `secretRecoveryWindowDays`; dev 7, prod 30): 7 to 30.
	RecoveryWindowDays int
	// RedisAuthTokenVersion rotates the Redis auth token when bumped (key `redisAuthTokenVersion`; 1).
	RedisAuthTokenVersion int
}

// Database is the RDS PostgreSQL instance.
type Database struct {
	// EngineVersion is the PostgreSQL version (key `dbEngineVersion`; "16"): 16 or 17, optionally with a
	// minor ("16.4").
	EngineVersion string
	// InstanceClass (key `dbInstanceClass`; dev db.t4g.micro, prod db.m7g.large).
	InstanceClass string
	// AllocatedStorage and MaxAllocatedStorage are gp3 GiB (keys `dbAllocatedStorage`,
	// `dbMaxAllocatedStorage`; dev 20/100, prod 100/1000); storage autoscales up to the max.
	AllocatedStorage    int
	MaxAllocatedStorage int
	// BackupRetentionDays (key `dbBackupRetentionDays`; dev 1, prod 14): 1 to 35, prod at least 7.
	BackupRetentionDays int
	// MultiAz (key `dbMultiAz`; dev false, prod true).
	MultiAz bool
	// DeletionProtection (key `dbDeletionProtection`; dev false, prod true). Prod must keep it.
	DeletionProtection bool
	// SkipFinalSnapshot (key `dbSkipFinalSnapshot`; dev true, prod false). Prod must not skip it.
	SkipFinalSnapshot bool
	// MonitoringInterval is enhanced monitoring's period in seconds (key `dbMonitoringInterval`; dev 0,
	// prod 60): 0, 1, 5, 10, 15, 30 or 60.
	MonitoringInterval int
	// Name and Username (keys `dbName`, `dbUsername`; "app").
	Name     string
	Username string
	// AllowSingleAzProd lets a prod stack run one database and one cache node (key `allowSingleAzProd`;
	// false). Everything else about prod stays enforced.
	AllowSingleAzProd bool
}

// Cache is the ElastiCache replication group.
type Cache struct {
	// Engine is valkey or redis (key `cacheEngine`; valkey).
	Engine string
	// EngineVersion (key `cacheEngineVersion`; valkey 8.1, redis 7.1): valkey 7.2, 8.0, 8.1 or 8.2;
	// redis 7.0 or 7.1 (Redis OSS ends at 7.1 on ElastiCache).
	EngineVersion string
	// NodeType (key `cacheNodeType`; dev cache.t4g.micro, prod cache.m7g.large).
	NodeType string
	// Nodes is the number of cache clusters in the group (key `cacheNodes`; dev 1, prod 2). Two or more
	// turn on automatic failover and Multi-AZ.
	Nodes int
	// SnapshotRetentionDays (key `cacheSnapshotRetentionDays`; dev 0, prod 7): 0 to 35.
	SnapshotRetentionDays int
}

// Service is the ECS cluster, its three task definitions and two services.
type Service struct {
	// AppImageTag and NginxImageTag are the immutable tags to run (keys `appImageTag`, `nginxImageTag`,
	// required; the deploy pipeline sets them to the git SHA). "latest" is refused: tags are immutable.
	AppImageTag   string
	NginxImageTag string
	// RailsEnv is RAILS_ENV (key `railsEnv`; production).
	RailsEnv string

	Web    Task
	Worker Task
	// NginxCpu and NginxMemory are the nginx container's share of the web task (keys `nginxCpu`,
	// `nginxMemory`; 128 and 256); Rails gets the rest.
	NginxCpu    int
	NginxMemory int

	// WebCommand overrides the app image's command for Rails (key `webCommand`; the image default).
	WebCommand []string
	// WorkerCommand runs Sidekiq (key `workerCommand`; [bundle, exec, sidekiq]).
	WorkerCommand []string
	// MigrateCommand is the one-off migration task's command (key `migrateCommand`;
	// [bin/rails, db:migrate]).
	MigrateCommand []string

	// CapacityProvider is FARGATE, FARGATE_SPOT or mixed (key `capacityProvider`; dev FARGATE_SPOT,
	// prod FARGATE).
	CapacityProvider string
	// MinHealthyPercent and MaxPercent bound rolling deploys (keys `deploymentMinHealthyPercent`,
	// `deploymentMaxPercent`; dev 50/200, prod 100/200). Prod needs 100: zero downtime.
	MinHealthyPercent int
	MaxPercent        int
	// HealthCheckGraceSeconds (key `healthCheckGracePeriodSeconds`; 60).
	HealthCheckGraceSeconds int

	// CpuTarget, MemoryTarget and RequestsPerTarget are the target-tracking set points (keys
	// `scalingCpuTarget` 60, `scalingMemoryTarget` 75, `scalingRequestsPerTarget` 1000).
	CpuTarget         int
	MemoryTarget      int
	RequestsPerTarget int

	// ScheduledScaleToZero stops both services outside working hours (key `scheduleScaleToZero`; dev
	// true, prod false and refused). ScaleDownCron, ScaleUpCron and Timezone place it (keys
	// `scheduleScaleDown` "cron(0 20 ? * MON-FRI *)", `scheduleScaleUp` "cron(0 7 ? * MON-FRI *)",
	// `scheduleTimezone` "Australia/Sydney").
	ScheduledScaleToZero bool
	ScaleDownCron        string
	ScaleUpCron          string
	Timezone             string

	// AppBucketArn is an S3 bucket whose objects the app's tasks may read and write (key `appBucketArn`;
	// none).
	AppBucketArn string
}

// Task sizes one ECS service (keys `<web|worker>Cpu`, `<web|worker>Memory`, `<web|worker>DesiredCount`,
// `<web|worker>MinCount`, `<web|worker>MaxCount`).
type Task struct {
	Cpu     int
	Memory  int
	Desired int
	Min     int
	Max     int
}

// Edge is the load balancer, certificate and Cloudflare front.
type Edge struct {
	// Domain is the app's host name (key `domain`, required), proxied through Cloudflare.
	Domain string
	// ZoneId is the Cloudflare zone of Domain (key `cloudflareZoneId`, required): 32 hex characters.
	ZoneId string
	// ZoneName is that zone's name (key `cloudflareZoneName`; the domain's last two labels, so set it for a
	// zone such as example.co.uk): Domain must be the zone or a name in it. Universal SSL certifies the
	// zone and one level below it, which the plan-time rules check (edge.universal-ssl).
	ZoneName string
	// AdvancedCertificateManager says the zone has Cloudflare's Advanced Certificate Manager, whose
	// certificates cover names deeper than one level below the zone (key `advancedCertificateManager`;
	// false).
	AdvancedCertificateManager bool
	// Wildcard adds "*.<domain>" to the certificate (key `certificateWildcard`; true).
	Wildcard bool
	// TlsPolicy is the HTTPS listener's policy (key `tlsPolicy`; ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09):
	// one of the TLS 1.3 policies.
	TlsPolicy string
	// HealthCheckPath is the target group's health check (key `healthCheckPath`; /up, Rails 7.1+).
	HealthCheckPath string
	// IdleTimeoutSeconds is the ALB idle timeout (key `albIdleTimeoutSeconds`; 60): 1 to 4000.
	IdleTimeoutSeconds int
	// CloudflareOnly admits only Cloudflare's published ranges to the ALB (key `albIngressCloudflareOnly`;
	// true). Turn it off only for a stack not proxied by Cloudflare.
	CloudflareOnly bool
	// ManageZoneSettings lets the stack own the zone's SSL/TLS settings (key `manageZoneSettings`; true).
	ManageZoneSettings bool
	// AuthenticatedOriginPulls makes the ALB verify Cloudflare's client certificate (key
	// `authenticatedOriginPulls`; false).
	AuthenticatedOriginPulls bool
	// AccessLogRetentionDays expires ALB access logs (key `albAccessLogRetentionDays`; dev 30, prod 365).
	AccessLogRetentionDays int
}

// Alarms routes and tunes alerting.
type Alarms struct {
	// Emails subscribe to the alarm topic (key `alarmEmails`; none).
	Emails []string
	// WebhookUrl is an HTTPS endpoint (chat webhook) subscribed to the topic (key `alarmWebhookUrl`; none).
	WebhookUrl string
	// CpuPercent and MemoryPercent are the ECS service thresholds (keys `alarmCpuPercent` 85,
	// `alarmMemoryPercent` 85).
	CpuPercent    int
	MemoryPercent int
	// Alb5xxPercent is the ALB 5xx share of requests that alarms (key `alarm5xxPercent`; 5).
	Alb5xxPercent int
	// P99LatencyMs is the p99 target response time that alarms (key `alarmP99LatencyMs`; 2000).
	P99LatencyMs int
	// DbFreeStorageGiB is the RDS free storage floor (key `alarmDbFreeStorageGiB`; 5), below
	// dbAllocatedStorage.
	DbFreeStorageGiB int
	// DbConnections alarms on RDS connections (key `alarmDbConnections`; dev 80, prod 500): size it to the
	// instance class's max_connections.
	DbConnections int
	// CloudTrail and GuardDuty create an audit trail and ECS runtime monitoring in this stack (keys
	// `enableCloudTrail`, `enableGuardDuty`; false: many organisations run them account-wide).
	CloudTrail bool
	GuardDuty  bool
	// GuardDutyDetector says whether this stack creates the account's GuardDuty detector or adopts the one
	// that exists (key `guardDutyDetector`; create). A Region holds one detector per account: when the
	// organisation or another stack runs it, adopt looks it up and leaves it, and its features, to their
	// owner. Read only with GuardDuty on.
	GuardDutyDetector string
}

// The ways a stack with GuardDuty on gets its detector.
const (
	GuardDutyCreate = "create"
	GuardDutyAdopt  = "adopt"
)
