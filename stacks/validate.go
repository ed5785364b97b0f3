package stacks

import (
	"fmt"
	"maps"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/fargate"
)

// NAT strategies.
const (
	NatSingle   = "single"
	NatOnePerAz = "onePerAz"
	NatNone     = "none"
	// NatInstance is one NAT instance on Graviton (pkg/network natinstance.go): non-prod stacks only.
	NatInstance = "instance"
)

// DefaultTlsPolicy is AWS's recommended ALB policy today: TLS 1.3 and 1.2 only, with post-quantum key
// exchange. The API's own default, ELBSecurityPolicy-2016-08, still allows TLS 1.0.
const DefaultTlsPolicy = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"

// TlsPolicies are the ALB policies that negotiate TLS 1.3 (the ones a stack may choose).
var TlsPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
}

// LogRetentionDays are the retentions CloudWatch Logs accepts (never-expire is not offered: SOC 2 wants a
// retention decided on purpose).
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
	2557, 2922, 3288, 3653}

// CacheVersions are the ElastiCache engine versions accepted per engine, and the parameter group family
// of each. Redis OSS stops at 7.1; "Redis 7.2" and 8.x exist only as Valkey.
var CacheVersions = map[string]map[string]string{
	"valkey": {"7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8", "8.2": "valkey8"},
	"redis":  {"7.0": "redis7", "7.1": "redis7"},
}

var (
	policyArnRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:policy/[\w+=,.@/-]+$`)
	regionRe    = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$`)
	labelRe     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	zoneIdRe    = regexp.MustCompile(`^[0-9a-f]{32}$`)
	dbClassRe   = regexp.MustCompile(`^db\.[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	cacheNodeRe = regexp.MustCompile(`^cache\.[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	pgVersionRe = regexp.MustCompile(`^(16|17)(\.\d+)?$`)
	imageTagRe  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	envNameRe   = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
	repoNameRe  = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
	identRe     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,62}$`)
	accountRe   = regexp.MustCompile(`^\d{12}$`)
	arnRe       = regexp.MustCompile(`^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$`)
	cronRe      = regexp.MustCompile(`^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$`)
	emailRe     = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	nameRe      = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
)

// Validate checks the whole config and returns every problem, or nil. It is pure: no Pulumi runtime, no
// AWS call.
func (c Config) Validate() Errors {
	v := &validator{}
	prod := c.Environment.IsProd()

	v.check(slices.Contains([]Environment{Dev, Staging, Prod}, c.Environment), "environment",
		string(c.Environment), "one of dev, staging, prod")
	v.check(regionRe.MatchString(c.Region), "aws:region", c.Region,
		"an AWS region such as ap-southeast-2 (set it with `pulumi config set aws:region ap-southeast-2`)")
	// Physical names are "<project>-<stack>-<role>"; target groups and ALBs allow 32 characters, so the prefix keeps 8 for the role.
	// RDS and ElastiCache identifiers ("<name>-db", "<name>-cache") take no "--" and no trailing hyphen, and
	// AWS reserves "sg-" (security groups) and "internal-" (load balancers) as name prefixes (pkg/rules'
	// name.* rows and their sources).
	v.check(nameRe.MatchString(c.Name) && len(c.Name) <= 24 && !strings.HasSuffix(c.Stack, "-") &&
		!strings.Contains(c.Name, "--") && !strings.HasPrefix(c.Name, "sg-") && !strings.HasPrefix(c.Name, "internal-"),
		"stack name", c.Name,
		"project and stack together at most 24 characters, lowercase letters, digits and single hyphens, not ending in a hyphen nor starting with sg- or internal-")
	v.retention("logRetentionDays", c.LogRetentionDays)
	v.check(c.PermissionsBoundary == "bootstrap" || c.PermissionsBoundary == "none" || policyArnRe.MatchString(c.PermissionsBoundary),
		"permissionsBoundary", c.PermissionsBoundary,
		`"bootstrap" (the bootstrap's <project>-<stack>-boundary policy), "none", or an IAM policy ARN arn:aws:iam::<account>:policy/<name>`)

	c.Network.validate(v, prod)
	c.Registry.validate(v)
	c.Secrets.validate(v)
	c.Database.validate(v, prod)
	c.Cache.validate(v, prod, c.Database.AllowSingleAzProd)
	c.Service.validate(v, prod)
	c.validateServices(v, prod)
	c.Edge.validate(v)
	c.Alarms.validate(v)
	v.check(c.Alarms.DbFreeStorageGiB < c.Database.AllocatedStorage, "alarmDbFreeStorageGiB",
		strconv.Itoa(c.Alarms.DbFreeStorageGiB), fmt.Sprintf("below dbAllocatedStorage (%d GiB)", c.Database.AllocatedStorage))

	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

func (n Network) validate(v *validator, prod bool) {
	prefix, err := netip.ParsePrefix(n.Cidr)
	ok := err == nil && prefix.Addr().Is4() && prefix.Masked() == prefix && prefix.Bits() >= 16 &&
		prefix.Bits() <= 24 && isPrivate(prefix)
	v.check(ok, "vpcCidr", n.Cidr,
		"a private IPv4 network from /16 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, such as 10.20.0.0/16")
	v.check(n.AzCount >= 2 && n.AzCount <= 3, "azCount", strconv.Itoa(n.AzCount), "2 or 3")
	v.check(!prod || n.AzCount >= 2, "azCount", strconv.Itoa(n.AzCount), "at least 2 in prod")
	v.check(slices.Contains([]string{NatSingle, NatOnePerAz, NatNone, NatInstance}, n.NatStrategy), "natStrategy",
		n.NatStrategy, "single, onePerAz, none or instance")
	v.check(!prod || n.NatStrategy != NatInstance, "natStrategy", n.NatStrategy,
		"onePerAz or none in prod and staging: a NAT instance is one instance in one AZ, replaced in minutes when it fails")
	v.check(n.NatStrategy != NatNone || n.Endpoints, "natStrategy", n.NatStrategy,
		"none only with vpcEndpoints: true, since tasks then reach ECR, Logs and Secrets Manager only through endpoints")
	v.check(!prod || n.NatStrategy != NatSingle, "natStrategy", n.NatStrategy,
		"onePerAz or none in prod: one NAT gateway is a single point of failure")
	v.retention("flowLogRetentionDays", n.FlowLogRetentionDays)
}

func isPrivate(p netip.Prefix) bool {
	for _, block := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"} {
		b := netip.MustParsePrefix(block)
		if b.Contains(p.Addr()) && p.Bits() >= b.Bits() {
			return true
		}
	}
	return false
}

func (r Registry) validate(v *validator) {
	v.between("imageRetentionCount", r.KeepTaggedImages, 1, 1000)
	v.between("untaggedImageExpiryDays", r.UntaggedExpiryDays, 1, 365)
	for _, p := range r.ImagePlatforms {
		v.check(p == "linux/amd64" || p == "linux/arm64", "imagePlatforms", p, "linux/amd64 or linux/arm64")
	}
	v.check(len(r.ImagePlatforms) > 0, "imagePlatforms", "[]", "at least one of linux/amd64, linux/arm64")
	platform := map[string]string{"ARM64": "linux/arm64", "X86_64": "linux/amd64"}[r.CpuArchitecture]
	v.check(platform != "", "cpuArchitecture", r.CpuArchitecture, "ARM64 or X86_64")
	v.check(platform == "" || slices.Contains(r.ImagePlatforms, platform), "cpuArchitecture",
		r.CpuArchitecture, fmt.Sprintf("an architecture the images are built for: add %s to imagePlatforms", platform))
	for _, id := range r.PullAccountIds {
		v.check(accountRe.MatchString(id), "crossAccountPullAccountIds", id, "12-digit AWS account ids")
	}
	v.check(repoNameRe.MatchString(r.AppRepository) && len(r.AppRepository) <= 256, "appRepositoryName",
		r.AppRepository, "an ECR repository name: lowercase letters, digits, ., _, - and /")
	v.check(repoNameRe.MatchString(r.NginxRepository) && len(r.NginxRepository) <= 256, "nginxRepositoryName",
		r.NginxRepository, "an ECR repository name: lowercase letters, digits, ., _, - and /")
}

func (s Secrets) validate(v *validator) {
	for name, value := range s.AppSecrets {
		v.check(envNameRe.MatchString(name), "appSecrets", name,
			"names that are environment variables: upper case letters, digits and _")
		// Never echo a secret value.
		v.check(value != "", "appSecrets."+name, "", "a value: `pulumi config set --secret --path 'appSecrets."+name+"' ...`")
	}
	for _, arn := range s.KeyAdminArns {
		v.check(arnRe.MatchString(arn) && strings.Contains(arn, ":iam::"), "kmsAdminArns", arn,
			"IAM role or user ARNs")
	}
	v.between("secretRecoveryWindowDays", s.RecoveryWindowDays, 7, 30)
	v.between("redisAuthTokenVersion", s.RedisAuthTokenVersion, 1, 1<<30)
}

func (d Database) validate(v *validator, prod bool) {
	v.check(pgVersionRe.MatchString(d.EngineVersion), "dbEngineVersion", d.EngineVersion,
		"PostgreSQL 16 or 17, optionally with a minor version (16, 16.6, 17)")
	v.check(dbClassRe.MatchString(d.InstanceClass), "dbInstanceClass", d.InstanceClass,
		"an RDS instance class such as db.t4g.micro or db.m7g.large")
	v.between("dbAllocatedStorage", d.AllocatedStorage, 20, 65536)
	v.check(d.MaxAllocatedStorage >= d.AllocatedStorage && d.MaxAllocatedStorage <= 65536,
		"dbMaxAllocatedStorage", strconv.Itoa(d.MaxAllocatedStorage),
		fmt.Sprintf("at least dbAllocatedStorage (%d) and at most 65536 GiB", d.AllocatedStorage))
	v.between("dbBackupRetentionDays", d.BackupRetentionDays, 1, 35)
	v.check(!prod || d.BackupRetentionDays >= 7, "dbBackupRetentionDays", strconv.Itoa(d.BackupRetentionDays),
		"at least 7 in prod")
	v.check(!prod || d.MultiAz || d.AllowSingleAzProd, "dbMultiAz", "false",
		"true in prod (or set allowSingleAzProd: true to accept a single-AZ database)")
	v.check(!prod || d.DeletionProtection, "dbDeletionProtection", "false", "true in prod")
	v.check(!prod || !d.SkipFinalSnapshot, "dbSkipFinalSnapshot", "true",
		"false in prod: skipping the final snapshot loses the data when the instance is deleted")
	v.check(slices.Contains([]int{0, 1, 5, 10, 15, 30, 60}, d.MonitoringInterval), "dbMonitoringInterval",
		strconv.Itoa(d.MonitoringInterval), "0, 1, 5, 10, 15, 30 or 60")
	v.check(!prod || d.MonitoringInterval > 0, "dbMonitoringInterval", strconv.Itoa(d.MonitoringInterval),
		"enhanced monitoring in prod: 1, 5, 10, 15, 30 or 60")
	v.check(identRe.MatchString(d.Name), "dbName", d.Name, "a letter then letters, digits or _ (at most 63)")
	v.check(identRe.MatchString(d.Username) && d.Username != "postgres" && d.Username != "rdsadmin",
		"dbUsername", d.Username, "a letter then letters, digits or _, not a reserved name (postgres, rdsadmin)")
}

func (c Cache) validate(v *validator, prod, allowSingle bool) {
	versions, known := CacheVersions[c.Engine]
	v.check(known, "cacheEngine", c.Engine, "valkey or redis")
	if known {
		allowed := slices.Sorted(maps.Keys(versions))
		v.check(versions[c.EngineVersion] != "", "cacheEngineVersion", c.EngineVersion,
			fmt.Sprintf("for %s one of %s (Redis OSS ends at 7.1; 7.2 and 8.x are Valkey)", c.Engine,
				strings.Join(allowed, ", ")))
	}
	v.check(cacheNodeRe.MatchString(c.NodeType), "cacheNodeType", c.NodeType,
		"an ElastiCache node type such as cache.t4g.micro or cache.m7g.large")
	v.between("cacheNodes", c.Nodes, 1, 6)
	v.check(!prod || c.Nodes >= 2 || allowSingle, "cacheNodes", strconv.Itoa(c.Nodes),
		"at least 2 in prod for automatic failover (or set allowSingleAzProd: true)")
	v.between("cacheSnapshotRetentionDays", c.SnapshotRetentionDays, 0, 35)
	v.check(!prod || c.SnapshotRetentionDays >= 1, "cacheSnapshotRetentionDays",
		strconv.Itoa(c.SnapshotRetentionDays), "at least 1 in prod")
	v.check(c.SnapshotRetentionDays == 0 || !strings.HasPrefix(c.NodeType, "cache.t2."), "cacheSnapshotRetentionDays",
		strconv.Itoa(c.SnapshotRetentionDays), "0 on cache.t2 nodes, which take no snapshots")
}

func (s Service) validate(v *validator, prod bool) {
	for key, tag := range map[string]string{"appImageTag": s.AppImageTag, "nginxImageTag": s.NginxImageTag} {
		v.check(imageTagRe.MatchString(tag) && tag != "latest", key, tag,
			"an immutable image tag such as the git SHA (not latest; the repositories refuse to overwrite tags)")
	}
	v.check(s.RailsEnv != "", "railsEnv", s.RailsEnv, "a Rails environment name such as production")
	v.task("web", s.Web, prod)
	v.task("worker", s.Worker, prod)
	v.check(s.NginxCpu >= 64 && s.NginxCpu < s.Web.Cpu, "nginxCpu", strconv.Itoa(s.NginxCpu),
		fmt.Sprintf("at least 64 and less than webCpu (%d), leaving the rest to Rails", s.Web.Cpu))
	v.check(s.NginxMemory >= 64 && s.NginxMemory+256 <= s.Web.Memory, "nginxMemory", strconv.Itoa(s.NginxMemory),
		fmt.Sprintf("at least 64 MiB and leaving Rails at least 256 MiB of webMemory (%d)", s.Web.Memory))
	v.check(len(s.WorkerCommand) > 0, "workerCommand", "[]", "a command such as [bundle, exec, sidekiq]")
	v.check(len(s.MigrateCommand) > 0, "migrateCommand", "[]", "a command such as [bin/rails, db:migrate]")
	v.check(slices.Contains([]string{"FARGATE", "FARGATE_SPOT", "mixed"}, s.CapacityProvider),
		"capacityProvider", s.CapacityProvider, "FARGATE, FARGATE_SPOT or mixed")
	v.check(!prod || s.CapacityProvider != "FARGATE_SPOT", "capacityProvider", s.CapacityProvider,
		"FARGATE or mixed in prod: Spot alone can take every task at once")
	v.between("deploymentMinHealthyPercent", s.MinHealthyPercent, 0, 100)
	v.check(!prod || s.MinHealthyPercent == 100, "deploymentMinHealthyPercent", strconv.Itoa(s.MinHealthyPercent),
		"100 in prod, so a deploy never drops below the running count")
	v.check(s.MaxPercent > s.MinHealthyPercent && s.MaxPercent <= 200 && s.MaxPercent >= 100,
		"deploymentMaxPercent", strconv.Itoa(s.MaxPercent), "from 100 to 200 and above deploymentMinHealthyPercent")
	v.between("healthCheckGracePeriodSeconds", s.HealthCheckGraceSeconds, 0, 2147483647)
	v.between("scalingCpuTarget", s.CpuTarget, 10, 95)
	v.between("scalingMemoryTarget", s.MemoryTarget, 10, 95)
	v.between("scalingRequestsPerTarget", s.RequestsPerTarget, 1, 1000000)
	v.check(!prod || !s.ScheduledScaleToZero, "scheduleScaleToZero", "true", "false in prod")
	if s.ScheduledScaleToZero {
		v.check(cronRe.MatchString(s.ScaleDownCron), "scheduleScaleDown", s.ScaleDownCron,
			"an Application Auto Scaling cron expression such as cron(0 20 ? * MON-FRI *)")
		v.check(cronRe.MatchString(s.ScaleUpCron), "scheduleScaleUp", s.ScaleUpCron,
			"an Application Auto Scaling cron expression such as cron(0 7 ? * MON-FRI *)")
		v.check(strings.Contains(s.Timezone, "/") || s.Timezone == "UTC", "scheduleTimezone", s.Timezone,
			"an IANA time zone such as Australia/Sydney or UTC")
	}
	v.check(s.AppBucketArn == "" || strings.HasPrefix(s.AppBucketArn, "arn:aws:s3:::") &&
		!strings.ContainsAny(s.AppBucketArn[len("arn:aws:s3:::"):], "/*"), "appBucketArn", s.AppBucketArn,
		"empty or a bucket ARN such as arn:aws:s3:::my-app-uploads (no wildcards, no object path)")
}

func (v *validator) task(name string, t Task, prod bool) {
	if err := fargate.Size(t.Cpu, t.Memory); err != "" {
		v.add(name+"Memory", fmt.Sprintf("%d CPU / %d MiB", t.Cpu, t.Memory), err)
	}
	v.check(t.Min >= 0 && t.Min <= t.Desired && t.Desired <= t.Max && t.Max >= 1, name+"DesiredCount",
		fmt.Sprintf("min %d, desired %d, max %d", t.Min, t.Desired, t.Max),
		fmt.Sprintf("%sMinCount <= %sDesiredCount <= %sMaxCount, with max at least 1", name, name, name))
	v.check(!prod || t.Min >= 2, name+"MinCount", strconv.Itoa(t.Min), "at least 2 in prod, one per AZ")
	v.check(t.Max <= 100, name+"MaxCount", strconv.Itoa(t.Max), "at most 100")
}

func (e Edge) validate(v *validator) {
	v.check(isHostname(e.Domain), "domain", e.Domain,
		"a fully qualified host name such as app.example.com (no scheme, no trailing dot)")
	v.check(zoneIdRe.MatchString(e.ZoneId), "cloudflareZoneId", e.ZoneId,
		"the zone's 32-character id from the Cloudflare dashboard (Overview, API section)")
	v.check(slices.Contains(TlsPolicies, e.TlsPolicy), "tlsPolicy", e.TlsPolicy,
		"a TLS 1.3 policy: "+strings.Join(TlsPolicies, ", "))
	v.check(strings.HasPrefix(e.HealthCheckPath, "/") && len(e.HealthCheckPath) <= 1024 &&
		!strings.ContainsAny(e.HealthCheckPath, " ?#"), "healthCheckPath", e.HealthCheckPath,
		"a path starting with / such as /up")
	v.between("albIdleTimeoutSeconds", e.IdleTimeoutSeconds, 1, 4000)
	v.between("albAccessLogRetentionDays", e.AccessLogRetentionDays, 1, 3650)
	v.check(isHostname(e.ZoneName) && (e.Domain == e.ZoneName || strings.HasSuffix(e.Domain, "."+e.ZoneName)),
		"cloudflareZoneName", e.ZoneName,
		fmt.Sprintf("the name of the Cloudflare zone that holds domain %s, such as example.com", e.Domain))
}

// apex is the last two labels of a host name: a zone's name in most TLDs (not in example.co.uk, where
// cloudflareZoneName must say so).
func apex(host string) string {
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return host
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

func (a Alarms) validate(v *validator) {
	v.check(a.GuardDutyDetector == GuardDutyCreate || a.GuardDutyDetector == GuardDutyAdopt, "guardDutyDetector",
		a.GuardDutyDetector, "create (this stack creates the Region's detector) or adopt (the organisation or another stack runs it)")
	for _, e := range a.Emails {
		v.check(emailRe.MatchString(e), "alarmEmails", e, "email addresses")
	}
	if a.WebhookUrl != "" {
		u, err := url.Parse(a.WebhookUrl)
		v.check(err == nil && u.Scheme == "https" && u.Host != "", "alarmWebhookUrl", "(secret)",
			"an https:// URL")
	}
	v.between("alarmCpuPercent", a.CpuPercent, 1, 100)
	v.between("alarmMemoryPercent", a.MemoryPercent, 1, 100)
	v.between("alarm5xxPercent", a.Alb5xxPercent, 1, 100)
	v.between("alarmP99LatencyMs", a.P99LatencyMs, 1, 600000)
	v.between("alarmDbFreeStorageGiB", a.DbFreeStorageGiB, 1, 65536)
	v.between("alarmDbConnections", a.DbConnections, 1, 100000)
}

func isHostname(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if !labelRe.MatchString(label) {
			return false
		}
	}
	return true
}

type validator struct{ errs Errors }

func (v *validator) add(key, value, allowed string) {
	v.errs = append(v.errs, &FieldError{Key: key, Value: value, Allowed: allowed})
}

func (v *validator) check(ok bool, key, value, allowed string) {
	if !ok {
		v.add(key, value, allowed)
	}
}

func (v *validator) between(key string, n, lo, hi int) {
	v.check(n >= lo && n <= hi, key, strconv.Itoa(n), fmt.Sprintf("from %d to %d", lo, hi))
}

func (v *validator) retention(key string, days int) {
	allowed := make([]string, len(LogRetentionDays))
	for i, d := range LogRetentionDays {
		allowed[i] = strconv.Itoa(d)
	}
	v.check(slices.Contains(LogRetentionDays, days), key, strconv.Itoa(days),
		"a CloudWatch Logs retention: "+strings.Join(allowed, ", "))
}
