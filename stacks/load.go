package stacks

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Load reads every key of project from in, fills the environment's defaults and validates the result.
// On any problem (a key Pulumi.yaml does not declare, a secret in clear text, a value of the wrong type
// or a value validation refuses) it returns every problem at once as Errors, and a Config that must not
// be used.
func Load(project, stack string, in Input) (Config, error) {
	r := &reader{
		get:     func(k string) (string, bool) { v, ok := in.Values[k]; return v, ok },
		ns:      project,
		stack:   stack,
		project: project,
	}
	c := r.read(project, stack)
	errs := checkKeys(project, stack, in)
	errs = append(errs, r.errs...)
	errs = append(errs, c.Validate()...)
	if len(errs) > 0 {
		return c, errs
	}
	return c, nil
}

// Keys lists every config key Load reads, fully qualified, sorted. Pulumi.yaml must declare each
// project key; a test holds the two together. A key of the project that is not listed is refused.
func Keys(project string) []string {
	r := &reader{get: func(string) (string, bool) { return "", false }, ns: project, project: project}
	r.read(project, "keys")
	sort.Strings(r.keys)
	return r.keys
}

func (r *reader) read(project, stack string) Config {
	c := Config{Project: project, Stack: stack, Name: project + "-" + stack}
	c.Environment = Environment(r.str("environment", ""))
	c.Region = r.strNS("aws", "region", "")
	d := defaultsFor(c.Environment)

	c.LogRetentionDays = r.integer("logRetentionDays", d.logRetention)
	c.PermissionsBoundary = r.str("permissionsBoundary", "bootstrap")

	c.Network = Network{
		Cidr:                 r.str("vpcCidr", d.vpcCidr),
		AzCount:              r.integer("azCount", d.azCount),
		NatStrategy:          r.str("natStrategy", d.nat),
		Endpoints:            r.boolean("vpcEndpoints", d.endpoints),
		FlowLogRetentionDays: r.integer("flowLogRetentionDays", d.logRetention),
	}

	c.Registry = Registry{
		KeepTaggedImages:   r.integer("imageRetentionCount", 30),
		UntaggedExpiryDays: r.integer("untaggedImageExpiryDays", 7),
		ImagePlatforms:     r.list("imagePlatforms", []string{"linux/amd64", "linux/arm64"}),
		CpuArchitecture:    r.str("cpuArchitecture", "ARM64"),
		PullAccountIds:     r.list("crossAccountPullAccountIds", nil),
		AppRepository:      r.str("appRepositoryName", c.Name+"/app"),
		NginxRepository:    r.str("nginxRepositoryName", c.Name+"/nginx"),
	}

	c.Secrets = Secrets{
		AppSecrets:            r.object("appSecrets"),
		KeyAdminArns:          r.list("kmsAdminArns", nil),
		RecoveryWindowDays:    r.integer("secretRecoveryWindowDays", d.recoveryWindow),
		RedisAuthTokenVersion: r.integer("redisAuthTokenVersion", 1),
	}

	engine := r.str("cacheEngine", "valkey")
	c.Database = Database{
		EngineVersion:       r.str("dbEngineVersion", "16"),
		InstanceClass:       r.str("dbInstanceClass", d.dbClass),
		AllocatedStorage:    r.integer("dbAllocatedStorage", d.dbStorage),
		MaxAllocatedStorage: r.integer("dbMaxAllocatedStorage", d.dbMaxStorage),
		BackupRetentionDays: r.integer("dbBackupRetentionDays", d.dbBackups),
		MultiAz:             r.boolean("dbMultiAz", d.prod),
		DeletionProtection:  r.boolean("dbDeletionProtection", d.prod),
		SkipFinalSnapshot:   r.boolean("dbSkipFinalSnapshot", !d.prod),
		MonitoringInterval:  r.integer("dbMonitoringInterval", d.dbMonitoring),
		Name:                r.str("dbName", "app"),
		Username:            r.str("dbUsername", "app"),
		AllowSingleAzProd:   r.boolean("allowSingleAzProd", false),
	}
	c.Cache = Cache{
		Engine:                engine,
		EngineVersion:         r.str("cacheEngineVersion", defaultCacheVersion[engine]),
		NodeType:              r.str("cacheNodeType", d.cacheNode),
		Nodes:                 r.integer("cacheNodes", d.cacheNodes),
		SnapshotRetentionDays: r.integer("cacheSnapshotRetentionDays", d.cacheSnapshots),
	}

	c.Service = Service{
		AppImageTag:   r.str("appImageTag", ""),
		NginxImageTag: r.str("nginxImageTag", ""),
		RailsEnv:      r.str("railsEnv", "production"),
		Web: Task{
			Cpu:     r.integer("webCpu", d.web.Cpu),
			Memory:  r.integer("webMemory", d.web.Memory),
			Desired: r.integer("webDesiredCount", d.web.Desired),
			Min:     r.integer("webMinCount", d.web.Min),
			Max:     r.integer("webMaxCount", d.web.Max),
		},
		Worker: Task{
			Cpu:     r.integer("workerCpu", d.worker.Cpu),
			Memory:  r.integer("workerMemory", d.worker.Memory),
			Desired: r.integer("workerDesiredCount", d.worker.Desired),
			Min:     r.integer("workerMinCount", d.worker.Min),
			Max:     r.integer("workerMaxCount", d.worker.Max),
		},
		NginxCpu:                r.integer("nginxCpu", 128),
		NginxMemory:             r.integer("nginxMemory", 256),
		WebCommand:              r.list("webCommand", nil),
		WorkerCommand:           r.list("workerCommand", []string{"bundle", "exec", "sidekiq"}),
		MigrateCommand:          r.list("migrateCommand", []string{"bin/rails", "db:migrate"}),
		CapacityProvider:        r.str("capacityProvider", d.capacity),
		MinHealthyPercent:       r.integer("deploymentMinHealthyPercent", d.minHealthy),
		MaxPercent:              r.integer("deploymentMaxPercent", 200),
		HealthCheckGraceSeconds: r.integer("healthCheckGracePeriodSeconds", 60),
		CpuTarget:               r.integer("scalingCpuTarget", 60),
		MemoryTarget:            r.integer("scalingMemoryTarget", 75),
		RequestsPerTarget:       r.integer("scalingRequestsPerTarget", 1000),
		ScheduledScaleToZero:    r.boolean("scheduleScaleToZero", !d.prod),
		ScaleDownCron:           r.str("scheduleScaleDown", "cron(0 20 ? * MON-FRI *)"),
		ScaleUpCron:             r.str("scheduleScaleUp", "cron(0 7 ? * MON-FRI *)"),
		Timezone:                r.str("scheduleTimezone", "Australia/Sydney"),
		AppBucketArn:            r.str("appBucketArn", ""),
	}

	c.Edge = Edge{
		Domain:                   r.str("domain", ""),
		ZoneId:                   r.str("cloudflareZoneId", ""),
		Wildcard:                 r.boolean("certificateWildcard", true),
		TlsPolicy:                r.str("tlsPolicy", DefaultTlsPolicy),
		HealthCheckPath:          r.str("healthCheckPath", "/up"),
		IdleTimeoutSeconds:       r.integer("albIdleTimeoutSeconds", 60),
		CloudflareOnly:           r.boolean("albIngressCloudflareOnly", true),
		ManageZoneSettings:       r.boolean("manageZoneSettings", true),
		AuthenticatedOriginPulls: r.boolean("authenticatedOriginPulls", false),
		AccessLogRetentionDays:   r.integer("albAccessLogRetentionDays", d.accessLogs),
	}
	c.Edge.ZoneName = r.str("cloudflareZoneName", apex(c.Edge.Domain))
	c.Edge.AdvancedCertificateManager = r.boolean("advancedCertificateManager", false)

	c.Alarms = Alarms{
		Emails:           r.list("alarmEmails", nil),
		WebhookUrl:       r.str("alarmWebhookUrl", ""),
		CpuPercent:       r.integer("alarmCpuPercent", 85),
		MemoryPercent:    r.integer("alarmMemoryPercent", 85),
		Alb5xxPercent:    r.integer("alarm5xxPercent", 5),
		P99LatencyMs:     r.integer("alarmP99LatencyMs", 2000),
		DbFreeStorageGiB: r.integer("alarmDbFreeStorageGiB", 5),
		DbConnections:    r.integer("alarmDbConnections", d.dbConnections),
		CloudTrail:       r.boolean("enableCloudTrail", false),
		GuardDuty:        r.boolean("enableGuardDuty", false),
	}
	c.Alarms.GuardDutyDetector = r.str("guardDutyDetector", GuardDutyCreate)
	r.readServices(&c, d)
	return c
}

// reader reads typed values and records the keys it touched and every value it cannot take as given.
type reader struct {
	get     func(key string) (string, bool)
	ns      string
	stack   string
	project string
	errs    []error
	keys    []string
}

// raw returns the value of ns:key, whether it is set, and whether it was already refused. Surrounding
// spaces and newlines are refused (YAML keeps them inside quotes and `pulumi config set` keeps them all,
// and an endpoint, tag or secret with a trailing space is never what was meant); the rest of the reading
// goes on with the trimmed value, so one mistake makes one message.
func (r *reader) raw(ns, key string) (v string, set, refused bool) {
	full := ns + ":" + key
	r.keys = append(r.keys, full)
	v, set = r.get(full)
	if !set || (v == "" && ns == r.ns && slices.Contains(EnvironmentDefaults, key)) {
		// Unset, or the "" Pulumi.yaml declares as these keys' default: the environment's default.
		return "", false, false
	}
	t := strings.TrimSpace(v)
	switch {
	case t == v:
		return v, true, false
	case t == "":
		r.bad(ns, key, v, fmt.Sprintf("a value, not only spaces (or no key at all: pulumi config rm %s -s %s)", key, r.stack))
	case isSecret(r.project, full):
		r.bad(ns, key, v, "no leading or trailing spaces or newlines")
	default:
		r.bad(ns, key, v, fmt.Sprintf("no leading or trailing spaces or newlines: set it to %q", t))
	}
	return t, true, true
}

// bad records a value the reader refuses, printing it unless the key holds a secret.
func (r *reader) bad(ns, key, value, allowed string) {
	if isSecret(r.project, ns+":"+key) {
		value = "(secret)"
	}
	if ns != r.ns {
		key = ns + ":" + key
	}
	r.errs = append(r.errs, &FieldError{Key: key, Value: value, Allowed: allowed})
}

// strNS reads a string. An empty value where the default is not empty, and a list or an object where one
// string belongs, are refused: both would otherwise reach Validate as a value nobody chose.
func (r *reader) strNS(ns, key, def string) string {
	v, set, refused := r.raw(ns, key)
	switch {
	case !set:
		return def
	case v == "" && def != "":
		if !refused {
			r.bad(ns, key, v, fmt.Sprintf("a value; to take the default (%s), remove the key: pulumi config rm %s -s %s",
				def, key, r.stack))
		}
		return def
	case (strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{")) && json.Valid([]byte(v)):
		r.bad(ns, key, v, "one string, not a list or an object")
		return def
	}
	return v
}

func (r *reader) str(key, def string) string { return r.strNS(r.ns, key, def) }

func (r *reader) integer(key string, def int) int {
	v, set, refused := r.raw(r.ns, key)
	if !set {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		if !refused {
			r.bad(r.ns, key, v, "a whole number")
		}
		return def
	}
	return n
}

// boolean accepts true and false only: strconv.ParseBool would also take 1, 0, t and F, so a number
// typed where a boolean is declared would pass as one.
func (r *reader) boolean(key string, def bool) bool {
	v, set, refused := r.raw(r.ns, key)
	switch {
	case !set:
		return def
	case v == "true":
		return true
	case v == "false":
		return false
	}
	if !refused {
		r.bad(r.ns, key, v, "true or false")
	}
	return def
}

func (r *reader) list(key string, def []string) []string {
	v, set, refused := r.raw(r.ns, key)
	if !set {
		return def
	}
	var out []string
	if !strings.HasPrefix(v, "[") || json.Unmarshal([]byte(v), &out) != nil {
		if !refused {
			r.bad(r.ns, key, v, "a list of strings, such as [a, b] in the stack file")
		}
		return def
	}
	for i, item := range out {
		if t := strings.TrimSpace(item); t != item {
			r.bad(r.ns, key, item, fmt.Sprintf("items without leading or trailing spaces or newlines: %q", t))
			out[i] = t
		}
	}
	return out
}

func (r *reader) object(key string) map[string]string {
	v, set, refused := r.raw(r.ns, key)
	if !set {
		return map[string]string{}
	}
	out := map[string]string{}
	if !strings.HasPrefix(v, "{") || json.Unmarshal([]byte(v), &out) != nil {
		if !refused {
			r.bad(r.ns, key, v, fmt.Sprintf("an object of NAME: string, each set with `pulumi config set --secret --path '%s.NAME' <value>`", key))
		}
		return map[string]string{}
	}
	for _, name := range sortedKeys(out) {
		if value := out[name]; strings.TrimSpace(value) != value {
			r.bad(r.ns, key+"."+name, value, "no leading or trailing spaces or newlines")
			out[name] = strings.TrimSpace(value)
		}
	}
	return out
}

// defaults are the values an environment starts from.
type defaults struct {
	prod           bool
	logRetention   int
	vpcCidr        string
	azCount        int
	nat            string
	endpoints      bool
	recoveryWindow int
	dbClass        string
	dbStorage      int
	dbMaxStorage   int
	dbBackups      int
	dbMonitoring   int
	cacheNode      string
	cacheNodes     int
	cacheSnapshots int
	web, worker    Task
	capacity       string
	minHealthy     int
	accessLogs     int
	dbConnections  int
}

// defaultsFor sizes dev for cost and prod (and staging) for availability.
func defaultsFor(env Environment) defaults {
	if env.IsProd() {
		return defaults{
			prod: true, logRetention: 365, vpcCidr: "10.20.0.0/16", azCount: 3, nat: NatOnePerAz,
			endpoints: true, recoveryWindow: 30,
			dbClass: "db.m7g.large", dbStorage: 100, dbMaxStorage: 1000, dbBackups: 14, dbMonitoring: 60,
			cacheNode: "cache.m7g.large", cacheNodes: 2, cacheSnapshots: 7,
			web:      Task{Cpu: 1024, Memory: 2048, Desired: 2, Min: 2, Max: 10},
			worker:   Task{Cpu: 1024, Memory: 2048, Desired: 2, Min: 2, Max: 6},
			capacity: "FARGATE", minHealthy: 100, accessLogs: 365, dbConnections: 500,
		}
	}
	return defaults{
		logRetention: 14, vpcCidr: "10.10.0.0/16", azCount: 2, nat: NatInstance, recoveryWindow: 7,
		dbClass: "db.t4g.micro", dbStorage: 20, dbMaxStorage: 100, dbBackups: 1,
		cacheNode: "cache.t4g.micro", cacheNodes: 1,
		web:      Task{Cpu: 512, Memory: 1024, Desired: 1, Min: 1, Max: 2},
		worker:   Task{Cpu: 512, Memory: 1024, Desired: 1, Min: 1, Max: 2},
		capacity: "FARGATE_SPOT", minHealthy: 50, accessLogs: 30, dbConnections: 80,
	}
}

var defaultCacheVersion = map[string]string{"valkey": "8.1", "redis": "7.1"}

// FieldError is one bad config value: the key, the value given and what is allowed.
type FieldError struct {
	Key     string
	Value   string
	Allowed string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %q is not allowed: %s", e.Key, e.Value, e.Allowed)
}

// Errors is every problem Load found, reported together.
type Errors []error

// Error lists the problems once, one a line, each naming its key; set a value with `pulumi config set`,
// remove a key with `pulumi config rm`.
func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, err := range e {
		lines[i] = "  - " + err.Error()
	}
	return fmt.Sprintf("stack config has %d problem(s):\n%s\n"+
		"Fix each with `pulumi config set <key> <value>` (`--secret` for a secret) or `pulumi config rm <key>`.",
		len(e), strings.Join(lines, "\n"))
}
