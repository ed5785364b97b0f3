// Package observability is the stack's alerting and audit: a KMS-encrypted SNS topic that only this
// account's CloudWatch alarms may publish to, alarms on every tier a request crosses (ALB, ECS services,
// RDS, ElastiCache), a CloudWatch dashboard laid out along a request's path, and, when asked, a
// multi-region CloudTrail trail and GuardDuty ECS runtime monitoring.
package observability

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// The names of the default stack's two services. A ServiceRef named ServiceWeb defaults to RoleWeb.
const (
	ServiceWeb    = "web"
	ServiceWorker = "worker"
)

// The roles of the ECS services an alarm set may watch: the long-running ones. Scheduled and release
// tasks run and stop, so they have no service to alarm on.
const (
	// RoleWeb serves requests behind the load balancer: section 3 of the dashboard.
	RoleWeb = "web"
	// RoleWorker runs without a load balancer (drains queues): section 5 of the dashboard.
	RoleWorker = "worker"
	// RoleInternal is reached by other services only (Service Connect): section 5 of the dashboard.
	RoleInternal = "internal"
)

// ServiceRef is one ECS service to alarm on.
type ServiceRef struct {
	// Name is a DNS label of at most 20 characters, unique among Services: it names the service's alarms
	// ("<name>-<Name>-cpu-high") and titles its dashboard widgets. Required.
	Name string
	// Role is RoleWeb, RoleWorker or RoleInternal: it places the service on the dashboard. Default: web
	// for a service named web, worker for any other.
	Role string
	// ServiceName is the ECS service's name (the ServiceName dimension).
	ServiceName pulumi.StringInput
	// DesiredMin is the fewest tasks the service may run; the running-tasks alarm fires below it. 0: no
	// running-tasks alarm.
	DesiredMin int
}

// Args configures the alarms, dashboard and audit trail.
type Args struct {
	// PermissionsBoundaryArn is set as the permissions boundary of every role the component creates.
	// Default "": none.
	PermissionsBoundaryArn string
	// KmsKeyArn is the stack key: it encrypts the alarm topic (its policy lets cloudwatch.amazonaws.com of
	// this account use it) and the CloudTrail log group. Required.
	KmsKeyArn pulumi.StringInput
	// AlarmEmails subscribe to the topic; each must confirm the email AWS sends. Default none.
	AlarmEmails []string
	// WebhookUrl is an https:// endpoint subscribed to the topic (a chat relay that confirms SNS
	// subscriptions). Default none.
	WebhookUrl string

	// CpuPercent is the ECS service average CPU that alarms. Default 85.
	CpuPercent int
	// MemoryPercent is the ECS service average memory that alarms. Default 85.
	MemoryPercent int
	// Alb5xxPercent is the share of requests the ALB itself answers with a 5xx that alarms. Default 5.
	Alb5xxPercent int
	// Target5xxPercent is the share of requests the web tasks answer with a 5xx that alarms. Default 5.
	Target5xxPercent int
	// P99LatencyMs is the p99 target response time that alarms. Default 2000.
	P99LatencyMs int
	// DbCpuPercent is the RDS CPU that alarms. Default 80.
	DbCpuPercent int
	// DbFreeStorageGiB is the RDS free storage floor; below DbAllocatedStorageGiB. Default 5.
	DbFreeStorageGiB int
	// DbFreeableMemoryMiB is the RDS freeable memory floor. Default 256.
	DbFreeableMemoryMiB int
	// DbConnections is the connection count that alarms; set it to about 80% of max_connections of the
	// instance class. Default 80 (db.t4g.micro allows about 100).
	DbConnections int
	// CacheCpuPercent is the ElastiCache EngineCPUUtilization (the engine's single thread) that alarms.
	// Default 80.
	CacheCpuPercent int
	// CacheMemoryPercent is the ElastiCache DatabaseMemoryUsagePercentage that alarms: with noeviction,
	// writes fail at 100. Default 80.
	CacheMemoryPercent int
	// CacheReplicationLagSeconds is the replica lag that alarms (only with two or more nodes). Default 10.
	CacheReplicationLagSeconds int

	// ClusterName is the ECS cluster (the ClusterName dimension). Required.
	ClusterName pulumi.StringInput
	// Services are the ECS services to alarm on, in dashboard order within each section; each name once.
	// Required.
	Services []ServiceRef
	// AlbArnSuffix is the LoadBalancer dimension ("app/<name>/<id>"). Required.
	AlbArnSuffix pulumi.StringInput
	// TargetGroupArnSuffix is the TargetGroup dimension ("targetgroup/<name>/<id>"). Required.
	TargetGroupArnSuffix pulumi.StringInput
	// DbInstanceId is the RDS instance identifier (the DBInstanceIdentifier dimension). Required.
	DbInstanceId pulumi.StringInput
	// DbAllocatedStorageGiB is the instance's allocated storage; the free storage floor must be below it.
	// Required.
	DbAllocatedStorageGiB int
	// CacheReplicationGroupId is the ElastiCache replication group; its member clusters are
	// "<id>-001".."<id>-00N" (the CacheClusterId dimension). Required.
	CacheReplicationGroupId pulumi.StringInput
	// CacheNodes is the number of cache clusters in the group, 1 to 6; the replication lag alarm exists
	// only with 2 or more. Default 1.
	CacheNodes int

	// Domain is the app's host name, for the dashboard's link to the Cloudflare analytics. Default none:
	// the link opens the Cloudflare dashboard's zone list.
	Domain string

	// CloudTrail creates a multi-region trail with log file validation to an encrypted, versioned,
	// TLS-only bucket, and a copy in CloudWatch Logs. Default false (many organisations run one trail for
	// every account).
	CloudTrail bool
	// GuardDuty creates a detector with ECS Fargate runtime monitoring. Default false (a region holds one
	// detector per account; many organisations manage it centrally).
	GuardDuty bool
	// AdoptGuardDutyDetector, with GuardDuty, uses the Region's existing detector instead of creating one.
	// Default false. Where the organisation or another stack runs the detector, this stack looks it up (the
	// preview fails when there is none) and leaves the detector and its features to their owner.
	AdoptGuardDutyDetector bool
	// LogRetentionDays is the CloudTrail log group's retention. Default 365.
	LogRetentionDays int
	// Protect guards the trail's bucket and key against deletion by Pulumi. Default false.
	Protect bool
	// LogGroupPrefix is where the CloudTrail log group goes ("<prefix>/cloudtrail"). Required.
	LogGroupPrefix string
}

// Observability is the component.
type Observability struct {
	pulumi.ResourceState

	// AlarmTopicArn is the SNS topic every alarm notifies.
	AlarmTopicArn pulumi.StringOutput `pulumi:"alarmTopicArn"`
	// DashboardName is the CloudWatch dashboard's name.
	DashboardName pulumi.StringOutput `pulumi:"dashboardName"`
	// AlarmNames are the names of every alarm, in creation order.
	AlarmNames pulumi.StringArrayOutput `pulumi:"alarmNames"`
	// TrailArn is the CloudTrail trail's ARN, or nil when CloudTrail is off.
	TrailArn pulumi.StringPtrOutput `pulumi:"trailArn"`
	// TrailBucketName is the bucket the trail writes to, or nil when CloudTrail is off.
	TrailBucketName pulumi.StringPtrOutput `pulumi:"trailBucketName"`
	// GuardDutyDetectorId is the GuardDuty detector's id, or nil when GuardDuty is off.
	GuardDutyDetectorId pulumi.StringPtrOutput `pulumi:"guardDutyDetectorId"`
}

var (
	nameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,23}$`)
	// serviceNameRe is a DNS label (RFC 1123: letters, digits, hyphens inside) of at most 20 characters,
	// as the stack config's service names are.
	serviceNameRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$`)
	emailRe       = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

func (a *Args) withDefaults(name string) (Args, error) {
	out := *a
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&out.CpuPercent, 85)
	def(&out.MemoryPercent, 85)
	def(&out.Alb5xxPercent, 5)
	def(&out.Target5xxPercent, 5)
	def(&out.P99LatencyMs, 2000)
	def(&out.DbCpuPercent, 80)
	def(&out.DbFreeStorageGiB, 5)
	def(&out.DbFreeableMemoryMiB, 256)
	def(&out.DbConnections, 80)
	def(&out.CacheCpuPercent, 80)
	def(&out.CacheMemoryPercent, 80)
	def(&out.CacheReplicationLagSeconds, 10)
	def(&out.CacheNodes, 1)
	def(&out.LogRetentionDays, 365)

	if !nameRe.MatchString(name) {
		return out, fmt.Errorf("observability: name %q: want lower-case letters, digits and -, at most 24 characters (it prefixes alarm, topic and bucket names)", name)
	}
	for field, v := range map[string]int{
		"CpuPercent": out.CpuPercent, "MemoryPercent": out.MemoryPercent, "Alb5xxPercent": out.Alb5xxPercent,
		"Target5xxPercent": out.Target5xxPercent, "DbCpuPercent": out.DbCpuPercent,
		"CacheCpuPercent": out.CacheCpuPercent, "CacheMemoryPercent": out.CacheMemoryPercent,
	} {
		if v < 1 || v > 100 {
			return out, fmt.Errorf("observability: %s %d: want a percentage from 1 to 100", field, v)
		}
	}
	for field, v := range map[string]int{
		"P99LatencyMs": out.P99LatencyMs, "DbFreeableMemoryMiB": out.DbFreeableMemoryMiB,
		"DbConnections": out.DbConnections, "CacheReplicationLagSeconds": out.CacheReplicationLagSeconds,
		"LogRetentionDays": out.LogRetentionDays,
	} {
		if v < 1 {
			return out, fmt.Errorf("observability: %s %d: want 1 or more", field, v)
		}
	}
	switch {
	case out.KmsKeyArn == nil:
		return out, fmt.Errorf("observability: KmsKeyArn is required: the alarm topic is encrypted with the stack key")
	case out.ClusterName == nil || out.AlbArnSuffix == nil || out.TargetGroupArnSuffix == nil ||
		out.DbInstanceId == nil || out.CacheReplicationGroupId == nil:
		return out, fmt.Errorf("observability: ClusterName, AlbArnSuffix, TargetGroupArnSuffix, DbInstanceId and CacheReplicationGroupId are required")
	case out.LogGroupPrefix == "" || !strings.HasPrefix(out.LogGroupPrefix, "/") || strings.HasSuffix(out.LogGroupPrefix, "/"):
		return out, fmt.Errorf("observability: LogGroupPrefix %q: want a path such as /<project>/<stack>", out.LogGroupPrefix)
	case len(out.Services) == 0:
		return out, fmt.Errorf("observability: Services is empty: want the stack's web, worker and internal services")
	case out.DbAllocatedStorageGiB < 1:
		return out, fmt.Errorf("observability: DbAllocatedStorageGiB %d: want the instance's allocated storage", out.DbAllocatedStorageGiB)
	case out.DbFreeStorageGiB < 1 || out.DbFreeStorageGiB >= out.DbAllocatedStorageGiB:
		return out, fmt.Errorf("observability: DbFreeStorageGiB %d: want 1 or more and below DbAllocatedStorageGiB (%d)", out.DbFreeStorageGiB, out.DbAllocatedStorageGiB)
	case out.CacheNodes < 1 || out.CacheNodes > 6:
		return out, fmt.Errorf("observability: CacheNodes %d: want 1 to 6 (a replication group's cache clusters)", out.CacheNodes)
	}
	out.Services = append([]ServiceRef(nil), out.Services...)
	seen := map[string]bool{}
	for i := range out.Services {
		s := &out.Services[i]
		s.Role = roleOf(s.Name, s.Role)
		switch {
		case !serviceNameRe.MatchString(s.Name):
			return out, fmt.Errorf("observability: Services[%d] Name %q: want a DNS label: lower-case letters, digits and hyphens (not first or last), at most 20 characters", i, s.Name)
		case seen[s.Name]:
			return out, fmt.Errorf("observability: Services[%d] Name %q appears twice: want each service once (it names the alarms)", i, s.Name)
		case s.Role != RoleWeb && s.Role != RoleWorker && s.Role != RoleInternal:
			return out, fmt.Errorf("observability: Services %s: Role %q: want web, worker or internal (scheduled and release tasks have no service to alarm on)", s.Name, s.Role)
		case s.ServiceName == nil:
			return out, fmt.Errorf("observability: Services %s: ServiceName is required", s.Name)
		case s.DesiredMin < 0:
			return out, fmt.Errorf("observability: Services %s: DesiredMin %d: want 0 or more", s.Name, s.DesiredMin)
		}
		seen[s.Name] = true
	}
	// A service's alarms are "<service>-cpu-high" and so on, beside the stack's "db-cpu-high" and
	// "cache-001-...": a service named db or cache-001-engine would take a name another alarm has.
	owner := map[string]string{}
	for _, al := range alarmSet(out) {
		if prev, ok := owner[al.suffix]; ok {
			svc := prev
			if svc == "" {
				svc = al.service
			}
			return out, fmt.Errorf("observability: Services %s: alarm name %q is already another alarm's: rename the service", svc, name+"-"+al.suffix)
		}
		owner[al.suffix] = al.service
	}
	for _, e := range out.AlarmEmails {
		if !emailRe.MatchString(e) {
			return out, fmt.Errorf("observability: AlarmEmails %q: want an email address", e)
		}
	}
	if out.WebhookUrl != "" {
		u, err := url.Parse(out.WebhookUrl)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return out, fmt.Errorf("observability: WebhookUrl %q: want an https:// URL (SNS delivers alerts in clear text over http)", out.WebhookUrl)
		}
	}
	return out, nil
}

// New creates the topic, alarms, dashboard and, when asked, the trail and GuardDuty.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Observability, error) {
	if args == nil {
		args = &Args{}
	}
	a, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	o := &Observability{}
	if err := ctx.RegisterComponentResource("fargate-platform:observability:Observability", name, o, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(o)

	caller, err := aws.GetCallerIdentity(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("observability: caller identity: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("observability: region: %w", err)
	}
	acct := env{account: caller.AccountId, region: region.Name}

	topic, err := alarmTopic(ctx, name, a, acct, parent)
	if err != nil {
		return nil, err
	}
	alarmNames, err := alarms(ctx, name, a, topic.Arn, parent)
	if err != nil {
		return nil, err
	}
	dashboardName, err := newDashboard(ctx, name, a, acct.region, parent)
	if err != nil {
		return nil, err
	}

	o.TrailArn = none()
	o.TrailBucketName = none()
	if a.CloudTrail {
		trail, err := auditTrail(ctx, name, a, acct, parent)
		if err != nil {
			return nil, err
		}
		o.TrailArn = trail.arn.ToStringPtrOutput()
		o.TrailBucketName = trail.bucket.ToStringPtrOutput()
	}
	o.GuardDutyDetectorId = none()
	if a.GuardDuty {
		adoptOrCreate := guardDuty
		if a.AdoptGuardDutyDetector {
			adoptOrCreate = adoptedGuardDuty
		}
		id, err := adoptOrCreate(ctx, name, parent)
		if err != nil {
			return nil, err
		}
		o.GuardDutyDetectorId = id.ToStringPtrOutput()
	}

	o.AlarmTopicArn = topic.Arn
	o.DashboardName = dashboardName
	o.AlarmNames = alarmNames
	return o, ctx.RegisterResourceOutputs(o, pulumi.Map{
		"alarmTopicArn": o.AlarmTopicArn, "dashboardName": o.DashboardName, "alarmNames": o.AlarmNames,
		"trailArn": o.TrailArn, "trailBucketName": o.TrailBucketName, "guardDutyDetectorId": o.GuardDutyDetectorId,
	})
}

// env is where the stack runs.
type env struct{ account, region string }

// alarmTopic is the topic alarms notify: encrypted with the stack key, publishable only by this account's
// alarms of this stack, and subscribed by the configured people and webhook.
func alarmTopic(ctx *pulumi.Context, name string, a Args, e env, parent pulumi.ResourceOption) (*sns.Topic, error) {
	// Encrypted at rest with the stack key; signature version 2 (SHA256) for HTTPS subscribers that verify.
	topic, err := sns.NewTopic(ctx, name+"-alarms", &sns.TopicArgs{
		Name:             pulumi.String(name + "-alarms"),
		DisplayName:      pulumi.String(name + " alarms"),
		KmsMasterKeyId:   a.KmsKeyArn,
		SignatureVersion: pulumi.Int(2),
		Tags:             pulumi.StringMap{"Name": pulumi.String(name + "-alarms")},
	}, parent)
	if err != nil {
		return nil, err
	}
	// The policy replaces SNS's default one (which lets every principal of the account publish and
	// subscribe): CloudWatch may publish for this stack's alarms only. The account's own people and roles
	// keep managing the topic through their IAM policies, since within one account an identity policy is
	// enough; so no account-root statement is needed.
	if _, err := sns.NewTopicPolicy(ctx, name+"-alarms", &sns.TopicPolicyArgs{
		Arn:    topic.Arn,
		Policy: iampolicy.Build(func(v []any) iampolicy.Document { return TopicPolicy(v[0].(string), name, e.region, e.account) }, topic.Arn),
	}, parent); err != nil {
		return nil, err
	}
	for _, email := range a.AlarmEmails {
		// Each address confirms by email; until then the subscription is pending and receives nothing.
		if _, err := sns.NewTopicSubscription(ctx, name+"-alarms-email-"+label(email), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(email),
		}, parent); err != nil {
			return nil, err
		}
	}
	if a.WebhookUrl != "" {
		// The webhook must confirm the subscription (SNS posts a SubscriptionConfirmation first).
		if _, err := sns.NewTopicSubscription(ctx, name+"-alarms-webhook", &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("https"),
			// The URL is its own credential: secret in the state as in the stack file.
			Endpoint:                     pulumi.ToSecret(pulumi.String(a.WebhookUrl)).(pulumi.StringOutput),
			EndpointAutoConfirms:         pulumi.Bool(false),
			ConfirmationTimeoutInMinutes: pulumi.Int(5),
		}, parent); err != nil {
			return nil, err
		}
	}
	return topic, nil
}

// TopicPolicy is the alarm topic's policy: one statement, sns:Publish by CloudWatch for alarms of this
// account whose names start with the stack's name.
func TopicPolicy(topicArn, name, region, account string) iampolicy.Document {
	s := iampolicy.Allow("CloudWatchAlarmsOfThisStack", []string{"sns:Publish"}, topicArn)
	s.Principal = &iampolicy.Principal{Service: []string{"cloudwatch.amazonaws.com"}}
	s.Condition = iampolicy.Condition{
		"StringEquals": {"aws:SourceAccount": {account}},
		"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s-*", region, account, name)}},
	}
	doc := iampolicy.New(s)
	doc.Id = name + "-alarms"
	return doc
}

// label turns an email address into a logical-name fragment.
func label(s string) string {
	return strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// none is an output that resolves to nil, for the outputs of parts that are off.
func none() pulumi.StringPtrOutput { return pulumi.ToOutput((*string)(nil)).(pulumi.StringPtrOutput) }

// roleOf is a service's role: the one given, else web for the service named web and worker for any other,
// so callers that name only the default stack's web and worker keep their layout.
func roleOf(name, role string) string {
	switch {
	case role != "":
		return role
	case name == ServiceWeb:
		return RoleWeb
	default:
		return RoleWorker
	}
}
