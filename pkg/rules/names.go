package rules

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// resourcesGo is where pulumi-aws decides how each type is auto-named.
const resourcesGo = "pulumi-aws provider/resources.go"

// naming is how the provider names a resource: an explicit input, a prefix the provider completes, or an
// auto-name from the logical name.
type naming struct {
	prop string // the input that holds the physical name
	// prefix is an input holding a name prefix; the provider appends prefixLen characters to it.
	prefix    string
	prefixLen int
	// auto: with prop unset, Pulumi names the resource <logical name><sep><rand random characters>,
	// lower-cased first when lower, and refuses a result longer than max (it never truncates).
	auto  bool
	lower bool
	sep   string
	rand  int
	max   int
	// pre is prepended after auto-naming (KMS aliases get "alias/").
	pre string
	// scope is the namespace an explicit name is unique in: region (default), account or global; "none"
	// when the name is unique only within a parent (an inline policy within its role).
	scope string
}

// autoDefault is how pulumi-aws names every type with a `name` input it has no override for:
// tfbridge.AutoName("name", 255, "-") from setAutonaming, 7 random hex characters.
func autoDefault(prop string) naming {
	return naming{prop: prop, auto: true, sep: "-", rand: 7, max: 255}
}

func (n naming) withMax(max int) naming              { n.max = max; return n }
func (n naming) lowered() naming                     { n.lower = true; return n }
func (n naming) scoped(scope string) naming          { n.scope = scope; return n }
func explicit(prop string) naming                    { return naming{prop: prop} }
func prefixed(n naming, prefix string, k int) naming { n.prefix, n.prefixLen = prefix, k; return n }

// how a physical name comes about.
const (
	byProgram = iota // the program sets it
	byPrefix         // the provider completes a prefix the program sets
	byPulumi         // Pulumi auto-names it from the logical name
)

// physical returns the name the provider will use (random characters as "0", which every pattern here
// accepts), how it is shown ("*" for random characters), how it came about, and whether it is known.
func (n naming) physical(r *plan.Resource) (name, shown string, how int, ok bool) {
	if v, set := str(r, n.prop); set {
		return v, v, byProgram, true
	}
	if n.prefix != "" {
		if p, set := str(r, n.prefix); set {
			return p + strings.Repeat("0", n.prefixLen), p + strings.Repeat("*", n.prefixLen), byPrefix, true
		}
	}
	if !n.auto {
		return "", "", 0, false
	}
	base := r.Name
	if n.lower {
		base = strings.ToLower(base)
	}
	name = n.pre + base + n.sep + strings.Repeat("0", n.rand)
	shown = n.pre + base + n.sep + strings.Repeat("*", n.rand)
	return name, shown, byPulumi, true
}

// describe says how a name came about, for a failure.
func (n naming) describe(r *plan.Resource, how int) string {
	switch how {
	case byPrefix:
		return fmt.Sprintf("%s plus the %d characters the provider appends", n.prefix, n.prefixLen)
	case byPulumi:
		return fmt.Sprintf("auto-named from the logical name %q plus %q and %d random characters", r.Name, n.sep, n.rand)
	}
	return ""
}

// explicitName returns the name when the program sets it; auto-names and prefixes are unique by
// construction and claim nothing.
func (n naming) explicitName(r *plan.Resource) (string, bool) { return str(r, n.prop) }

// nameLimit is what a provider accepts as a name.
type nameLimit struct {
	min, max int
	pattern  *regexp.Regexp
	allowed  string // the pattern in words
	// extra returns what else is wrong with the name, or "".
	extra func(name string, in *input) string
}

func (l nameLimit) String() string {
	if l.min > 1 {
		return fmt.Sprintf("%d to %d characters, %s", l.min, l.max, l.allowed)
	}
	return fmt.Sprintf("at most %d characters, %s", l.max, l.allowed)
}

// nameRule is the rule that the physical name of every resource of typ fits l.
func nameRule(id, typ string, n naming, l nameLimit, source, fix string) Rule {
	r := Rule{ID: id, Type: typ, Property: n.prop, Limit: l.String(), Source: source, Fix: fix}
	if n.prefix != "" {
		r.Property = n.prop + " (or " + n.prefix + ")"
	}
	r.check = func(res *plan.Resource, in *input) []finding {
		name, shown, how, ok := n.physical(res)
		if !ok {
			return nil
		}
		var problems []string
		if len(name) > l.max || len(name) < l.min {
			problems = append(problems, fmt.Sprintf("%d characters", len(name)))
		}
		// Pulumi refuses an auto-name longer than the provider's maximum at preview, before AWS sees it.
		if auto := len(name) - len(n.pre); how == byPulumi && auto > n.max && len(name) <= l.max {
			problems = append(problems, fmt.Sprintf("%d characters, more than the %d Pulumi auto-names up to", auto, n.max))
		}
		if l.pattern != nil && !l.pattern.MatchString(name) {
			problems = append(problems, "not "+l.allowed)
		}
		if l.extra != nil {
			if p := l.extra(name, in); p != "" {
				problems = append(problems, p)
			}
		}
		if len(problems) == 0 {
			return nil
		}
		detail := strings.Join(problems, ", ")
		if d := n.describe(res, how); d != "" {
			detail = d + ": " + detail
		}
		return []finding{{value: shown, detail: detail}}
	}
	if n.scope != "none" {
		r.named = &n
	}
	return r
}

// physicalNameClaim is the row every explicitly named resource claims its name under.
var physicalNameClaim = Rule{
	ID: "claim.physical-name", Type: "(every type of a name.* row)", Property: "the explicit name",
	Limit: "an explicit name is unique in its namespace: the partition (S3 buckets), the account (IAM roles and " +
		"policies, dashboards), the cluster (ECS services) or the account's Region (the rest)",
	Source: "the Create API of each name.* row (a failure cites the one of its type)",
	Fix:    "derive the name from the stack name, or let Pulumi auto-name the resource",
}

// namespace is where an explicit name must be unique.
func namespace(scope string, in *input, r *plan.Resource) string {
	switch scope {
	case "global":
		return "aws"
	case "account":
		return "aws:" + in.Account
	case "cluster":
		return "aws:" + in.Account + ":" + in.Region + ":" + r.Str("cluster")
	}
	return "aws:" + in.Account + ":" + in.Region
}

var (
	// alnumHyphens: letters, digits and hyphens, neither first nor last a hyphen.
	alnumHyphens = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$`)
	// letterIdent: a letter, then letters, digits and hyphens, not ending in a hyphen (RDS, ElastiCache).
	letterIdent = regexp.MustCompile(`^[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$`)
	iamName     = regexp.MustCompile(`^[\w+=,.@-]+$`)
	ecsName     = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

func noDoubleHyphen(name string, _ *input) string {
	if strings.Contains(name, "--") {
		return "two hyphens in a row"
	}
	return ""
}

// shorten is the fix of every name the program derives from "<project>-<stack>".
const shorten = "shorten the project or stack name (every physical name starts with <project>-<stack>; " +
	"stacks.Validate allows 24 characters together)"

func nameRules() []Rule {
	const (
		elb   = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/"
		iamQ  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names"
		ecsAP = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/"
	)
	return []Rule{
		nameRule("name.lb-load-balancer", "aws:lb/loadBalancer:LoadBalancer", autoDefault("name"),
			nameLimit{max: 32, pattern: alnumHyphens, allowed: "letters, digits and hyphens, not first or last a hyphen",
				extra: func(n string, _ *input) string {
					if strings.HasPrefix(strings.ToLower(n), "internal-") {
						return `starts with "internal-"`
					}
					return ""
				}},
			elb+"API_CreateLoadBalancer.html", shorten+", and do not start the project name with internal-"),
		// The one type pulumi-aws auto-names within AWS's own 32: tfbridge.AutoName("name", 32, "-").
		nameRule("name.lb-target-group", "aws:lb/targetGroup:TargetGroup", autoDefault("name").withMax(32),
			nameLimit{max: 32, pattern: alnumHyphens, allowed: "letters, digits and hyphens, not first or last a hyphen"},
			elb+"API_CreateTargetGroup.html; "+resourcesGo+` (aws_lb_target_group: AutoName("name", 32, "-"))`,
			"keep the target group's logical name within 24 characters (32 less the 8 of \"-\" and the random suffix): "+shorten),
		nameRule("name.lb-trust-store", "aws:lb/trustStore:TrustStore", autoDefault("name"),
			nameLimit{max: 32, pattern: regexp.MustCompile(`^([A-Za-z0-9]+-)*[A-Za-z0-9]+$`),
				allowed: "letters and digits in hyphen-separated words"},
			elb+"API_CreateTrustStore.html",
			"keep the trust store's logical name within 24 characters (it is auto-named with 8 more): "+shorten),
		nameRule("name.iam-role", "aws:iam/role:Role", autoDefault("name").withMax(64).scoped("account"),
			nameLimit{max: 64, pattern: iamName, allowed: "letters, digits and + = , . @ _ -"},
			iamQ+"; https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html; "+resourcesGo+` (aws_iam_role: AutoName("name", 64, "-"))`,
			"shorten the role's logical name or the project or stack name"),
		nameRule("name.iam-policy", "aws:iam/policy:Policy", autoDefault("name").scoped("account"),
			nameLimit{max: 128, pattern: iamName, allowed: "letters, digits and + = , . @ _ -"},
			"https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html", "shorten the policy name"),
		nameRule("name.iam-inline-policy", "aws:iam/rolePolicy:RolePolicy", autoDefault("name").scoped("none"),
			nameLimit{max: 128, pattern: iamName, allowed: "letters, digits and + = , . @ _ -"},
			"https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html", "shorten the policy's logical name"),
		nameRule("name.log-group", "aws:cloudwatch/logGroup:LogGroup", autoDefault("name"),
			nameLimit{max: 512, pattern: regexp.MustCompile(`^[.\-_/#A-Za-z0-9]+$`), allowed: "letters, digits and . - _ / #"},
			"https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html", shorten),
		nameRule("name.ssm-parameter", "aws:ssm/parameter:Parameter", autoDefault("name"),
			nameLimit{max: 2048, pattern: regexp.MustCompile(`^[A-Za-z0-9_.\-/]+$`), allowed: "letters, digits and _ . - /",
				extra: ssmParameterName},
			"https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html; https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html",
			"shorten the parameter's path or name (appSecrets names are parameter names), and do not start it with aws or ssm"),
		nameRule("name.secret", "aws:secretsmanager/secret:Secret", autoDefault("name"),
			nameLimit{max: 512, pattern: regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]+$`), allowed: "letters, digits and / _ + = . @ -"},
			"https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html", shorten),
		nameRule("name.kms-alias", "aws:kms/alias:Alias",
			naming{prop: "name", auto: true, sep: "-", rand: 7, max: 238, pre: "alias/"},
			nameLimit{max: 256, pattern: regexp.MustCompile(`^alias/[A-Za-z0-9/_-]+$`), allowed: `"alias/" then letters, digits and / _ -`,
				extra: func(n string, _ *input) string {
					if strings.HasPrefix(n, "alias/aws/") {
						return `starts with "alias/aws/", which AWS reserves`
					}
					return ""
				}},
			"https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html", "shorten the alias and keep it out of alias/aws/"),
		// pulumi-aws auto-names RDS identifiers with NewUniqueHex(name, 7, 255): no separator.
		nameRule("name.rds-instance", "aws:rds/instance:Instance",
			naming{prop: "identifier", auto: true, rand: 7, max: 255},
			nameLimit{max: 63, pattern: letterIdent, allowed: "a letter, then letters, digits and hyphens, not ending in a hyphen",
				extra: noDoubleHyphen},
			"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html", shorten+", and do not end the stack name with a hyphen"),
		nameRule("name.rds-subnet-group", "aws:rds/subnetGroup:SubnetGroup", autoDefault("name"),
			nameLimit{max: 255, pattern: regexp.MustCompile(`^[A-Za-z0-9 ._-]+$`), allowed: "letters, digits, spaces and . _ -",
				extra: func(n string, _ *input) string {
					if strings.EqualFold(n, "default") {
						return `"default" is reserved`
					}
					return ""
				}},
			"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html", shorten),
		nameRule("name.rds-parameter-group", "aws:rds/parameterGroup:ParameterGroup", autoDefault("name"),
			nameLimit{max: 255, pattern: letterIdent, allowed: "a letter, then letters, digits and hyphens, not ending in a hyphen",
				extra: noDoubleHyphen},
			"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html", shorten),
		nameRule("name.elasticache-replication-group", "aws:elasticache/replicationGroup:ReplicationGroup",
			naming{prop: "replicationGroupId", auto: true, lower: true, sep: "-", rand: 7, max: 40},
			nameLimit{max: 40, pattern: letterIdent, allowed: "a letter, then letters, digits and hyphens, not ending in a hyphen",
				extra: noDoubleHyphen},
			"https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html; "+resourcesGo+` (AutoNameTransform("replicationGroupId", 40, strings.ToLower))`,
			shorten+" (the group id is <project>-<stack>-cache: at most 40)"),
		nameRule("name.elasticache-subnet-group", "aws:elasticache/subnetGroup:SubnetGroup", autoDefault("name"),
			nameLimit{max: 255, pattern: regexp.MustCompile(`^[A-Za-z0-9-]+$`), allowed: "letters, digits and hyphens"},
			"https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheSubnetGroup.html", shorten),
		nameRule("name.elasticache-parameter-group", "aws:elasticache/parameterGroup:ParameterGroup", autoDefault("name"),
			nameLimit{max: 255, pattern: letterIdent, allowed: "a letter, then letters, digits and hyphens, not ending in a hyphen",
				extra: noDoubleHyphen},
			"https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheParameterGroup.html", shorten),
		nameRule("name.ecs-cluster", "aws:ecs/cluster:Cluster", autoDefault("name"),
			nameLimit{max: 255, pattern: ecsName, allowed: "letters, digits, hyphens and underscores"},
			ecsAP+"API_CreateCluster.html", shorten),
		nameRule("name.ecs-service", "aws:ecs/service:Service", autoDefault("name").scoped("cluster"),
			nameLimit{max: 255, pattern: ecsName, allowed: "letters, digits, hyphens and underscores"},
			ecsAP+"API_CreateService.html", shorten),
		nameRule("name.ecs-task-family", "aws:ecs/taskDefinition:TaskDefinition", explicit("family"),
			nameLimit{max: 255, pattern: ecsName, allowed: "letters, digits, hyphens and underscores"},
			ecsAP+"API_RegisterTaskDefinition.html", shorten),
		nameRule("name.ecr-repository", "aws:ecr/repository:Repository", autoDefault("name"),
			nameLimit{min: 2, max: 256, pattern: regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`),
				allowed: "lower-case letters and digits in words joined by . _ - and /"},
			"https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html", "shorten appRepositoryName or nginxRepositoryName"),
		// Terraform completes bucket_prefix with id.PrefixedUniqueId: 26 characters (UniqueIDSuffixLength),
		// which is why the provider caps the prefix at 37.
		nameRule("name.s3-bucket", "aws:s3/bucketV2:BucketV2",
			prefixed(naming{prop: "bucket", auto: true, lower: true, sep: "-", rand: 7, max: 63, scope: "global"}, "bucketPrefix", 26),
			nameLimit{min: 3, max: 63, pattern: regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`),
				allowed: "lower-case letters, digits, dots and hyphens, first and last a letter or digit", extra: bucketName},
			"https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html; https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketv2/#bucketprefix_go (prefix at most 37: 63 less 26)",
			shorten+" (bucket prefixes are <project>-<stack>-<role>-: at most 37)"),
		nameRule("name.sns-topic", "aws:sns/topic:Topic",
			naming{prop: "name", auto: true, sep: "-", rand: 7, max: 80},
			nameLimit{max: 256, pattern: regexp.MustCompile(`^[A-Za-z0-9_-]+(\.fifo)?$`), allowed: "letters, digits, hyphens and underscores"},
			"https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html", shorten),
		nameRule("name.cloudwatch-alarm", "aws:cloudwatch/metricAlarm:MetricAlarm", autoDefault("name"),
			nameLimit{max: 255, pattern: regexp.MustCompile(`^[\x20-\x7e]+$`), allowed: "printable ASCII"},
			"https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html", shorten),
		nameRule("name.cloudwatch-dashboard", "aws:cloudwatch/dashboard:Dashboard", explicit("dashboardName").scoped("account"),
			nameLimit{max: 255, pattern: regexp.MustCompile(`^[A-Za-z0-9_-]+$`), allowed: "letters, digits, hyphens and underscores"},
			"https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html", shorten),
		nameRule("name.cloudtrail", "aws:cloudtrail/trail:Trail", autoDefault("name"),
			nameLimit{min: 3, max: 128, pattern: regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$`),
				allowed: "letters, digits and . _ -, first and last a letter or digit",
				extra: func(n string, _ *input) string {
					if regexp.MustCompile(`[._-]{2}`).MatchString(n) {
						return "two of . _ - in a row"
					}
					return ""
				}},
			"https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html", shorten),
		nameRule("name.scheduler-schedule", "aws:scheduler/schedule:Schedule", autoDefault("name"),
			nameLimit{max: 64, pattern: regexp.MustCompile(`^[0-9A-Za-z_.-]+$`), allowed: "letters, digits and - _ ."},
			"https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html",
			shorten+" (schedules are <project>-<stack>-redeploy-<service>: at most 64)"),
		nameRule("name.appautoscaling-policy", "aws:appautoscaling/policy:Policy", autoDefault("name").scoped("none"),
			nameLimit{max: 256, pattern: regexp.MustCompile(`^[\x20-\x7e]+$`), allowed: "printable ASCII"},
			"https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html", shorten),
		nameRule("name.appautoscaling-scheduled-action", "aws:appautoscaling/scheduledAction:ScheduledAction", autoDefault("name").scoped("none"),
			nameLimit{max: 256, pattern: regexp.MustCompile(`^[^ :/|\x00-\x1f](?:[^:/|\x00-\x1f]*[^ :/|\x00-\x1f])?$`),
				allowed: "no : / | or control characters, no leading or trailing space"},
			"https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html", shorten),
		nameRule("name.security-group", "aws:ec2/securityGroup:SecurityGroup", autoDefault("name").scoped("none"),
			nameLimit{max: 255, pattern: regexp.MustCompile(`^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+$`),
				allowed: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
				extra: func(n string, _ *input) string {
					if strings.HasPrefix(strings.ToLower(n), "sg-") {
						return `starts with "sg-"`
					}
					return ""
				}},
			"https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
			"do not start the project name with sg- (security groups are auto-named from <project>-<stack>)"),
		nameRule("name.codebuild-project", "aws:codebuild/project:Project", autoDefault("name"),
			nameLimit{min: 2, max: 150, pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`),
				allowed: "a letter or digit, then letters, digits, hyphens and underscores"},
			"https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html", "shorten the project name"),
		// The creation token is EFS's idempotency key, unique in the account's Region. pkg/volumes sets none:
		// the provider then generates a unique one, so a replacement never collides with its predecessor.
		nameRule("name.efs-creation-token", "aws:efs/fileSystem:FileSystem", explicit("creationToken"),
			nameLimit{min: 1, max: 64, pattern: regexp.MustCompile(`^.+$`), allowed: "any characters"},
			"https://docs.aws.amazon.com/efs/latest/ug/API_CreateFileSystem.html (CreationToken: 1 to 64); "+
				"terraform-provider-aws internal/service/efs/file_system.go (StringLenBetween(0, 64); create.UniqueId when unset)",
			"shorten the creation token, or leave it unset so the provider generates a unique one"),
		{
			ID: "name.acm-domain", Type: "aws:acm/certificate:Certificate", Property: "domainName",
			Limit:  "at most 64 characters: the domain name is the certificate's Common Name (RFC 5280); longer names go in subjectAlternativeNames",
			Source: "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html",
			Fix:    "use a domain of at most 64 characters",
			check: func(r *plan.Resource, _ *input) []finding {
				if d, ok := str(r, "domainName"); ok && len(d) > 64 {
					return []finding{{value: d, detail: fmt.Sprintf("%d characters", len(d))}}
				}
				return nil
			},
		},
	}
}

// ssmParameterName holds the parts of the parameter-name rules a pattern cannot: the 1011 characters
// including the ARN before the name, 15 levels, and the reserved aws and ssm prefixes.
func ssmParameterName(name string, in *input) string {
	arn := fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/", in.Region, in.Account)
	full := arn + strings.TrimPrefix(name, "/")
	switch first := strings.ToLower(strings.SplitN(strings.TrimPrefix(name, "/"), "/", 2)[0]); {
	case len(full) > 1011:
		return fmt.Sprintf("%d characters with its ARN, more than 1011", len(full))
	case strings.Count(strings.Trim(name, "/"), "/") >= 15:
		return "more than 15 levels"
	case strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm"):
		return "starts with aws or ssm, which are reserved"
	}
	return ""
}

// bucketName holds the parts of S3's naming rules a pattern cannot.
func bucketName(name string, _ *input) string {
	if strings.Contains(name, "..") {
		return "two dots in a row"
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return "an IP address"
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return "starts with " + p
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3"} {
		if strings.HasSuffix(name, s) {
			return "ends with " + s
		}
	}
	return ""
}
