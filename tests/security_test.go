package tests

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/compliance"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// identityPolicies returns every IAM identity policy document in a plan, by resource.
func identityPolicies(t *testing.T, p *plan.Recorder) map[string]iampolicy.Document {
	out := map[string]iampolicy.Document{}
	for _, typ := range []string{"aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"} {
		for _, r := range p.ByType(typ) {
			out[r.URN] = policy(t, r, "policy")
		}
	}
	require.NotEmpty(t, out)
	return out
}

// isKeyRootDelegation is the one wide statement a key policy may keep: the key delegated to the account's
// IAM (Principal the account root, kms:*), so that IAM policies, scoped by key ARN, decide who uses it.
func isKeyRootDelegation(s iampolicy.Statement) bool {
	return s.Effect == "Allow" && s.Principal != nil && len(s.Principal.AWS) == 1 &&
		s.Principal.AWS[0] == "arn:aws:iam::"+plan.Account+":root" && len(s.Action) == 1 && s.Action[0] == "kms:*"
}

func TestNoPolicyGrantsEveryActionOfAService(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		docs := identityPolicies(t, p)
		for _, r := range p.ByType("aws:kms/key:Key") {
			docs[r.URN] = policy(t, r, "policy")
		}
		for urn, doc := range docs {
			for _, s := range doc.Statement {
				if s.Effect != "Allow" || isKeyRootDelegation(s) {
					continue
				}
				for _, a := range s.Action {
					assert.False(t, a == "*" || strings.HasSuffix(a, ":*"), "%s statement %q allows %s", urn, s.Sid, a)
				}
			}
		}
	})
}

func TestNoStarResourceWhereTheActionSupportsResourceLevelPermissions(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for urn, doc := range identityPolicies(t, p) {
			for _, s := range doc.Statement {
				if s.Effect != "Allow" || !contains(s.Resource, "*") {
					continue
				}
				for _, a := range s.Action {
					supported, known := compliance.ResourceLevel(a)
					require.True(t, known, "%s: %s is not a known IAM action", urn, a)
					assert.False(t, supported, "%s statement %q: %s supports resource-level permissions but has Resource *", urn, s.Sid, a)
				}
			}
		}
	})
}

func TestEveryKmsKeyRotatesAndHasADeletionWindow(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for _, k := range need(t, p, "aws:kms/key:Key") {
			assert.Equal(t, true, k.In("enableKeyRotation"), k.URN)
			assert.Equal(t, float64(30), k.In("deletionWindowInDays"), k.URN)
		}
	})
}

func TestEveryLogGroupHasRetentionAndAKmsKey(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for _, g := range need(t, p, "aws:cloudwatch/logGroup:LogGroup") {
			assert.NotNil(t, g.In("retentionInDays"), "%s has no retention", g.URN)
			assert.NotZero(t, g.In("retentionInDays"), "%s never expires", g.URN)
			assert.Regexp(t, `^arn:aws:kms:ap-southeast-2:123456789012:key/`, g.Str("kmsKeyId"), g.URN)
		}
	})
}

// TestNoSecretInPlainEnvironment decodes every container of every task definition: secrets arrive only
// through `secrets` (valueFrom an ARN), never in `environment`.
func TestNoSecretInPlainEnvironment(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for _, td := range need(t, p, "aws:ecs/taskDefinition:TaskDefinition") {
			var defs []struct {
				Name        string `json:"name"`
				Environment []struct{ Name, Value string }
				Secrets     []struct {
					Name      string `json:"name"`
					ValueFrom string `json:"valueFrom"`
				} `json:"secrets"`
			}
			require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs), td.URN)
			for _, d := range defs {
				for _, e := range d.Environment {
					for _, word := range []string{"PASSWORD", "SECRET", "TOKEN", "DATABASE_URL"} {
						assert.NotContains(t, strings.ToUpper(e.Name), word, "%s/%s env", td.Name, d.Name)
					}
					assert.NotRegexp(t, `://[^/@\s]+:[^/@\s]+@`, e.Value, "%s/%s: credentials in a URL", td.Name, d.Name)
				}
				for _, s := range d.Secrets {
					assert.Regexp(t, `^arn:aws:(ssm|secretsmanager):ap-southeast-2:123456789012:`, s.ValueFrom, "%s/%s", td.Name, s.Name)
				}
			}
		}
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestKeyPoliciesKeepNothingWideButTheRootDelegation: besides the statement that delegates a key to the
// account's IAM, no key policy allows every principal, and every service principal is held to this
// account by a condition.
func TestKeyPoliciesKeepNothingWideButTheRootDelegation(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for _, k := range need(t, p, "aws:kms/key:Key") {
			delegations := 0
			for _, s := range policy(t, k, "policy").Statement {
				if isKeyRootDelegation(s) {
					delegations++
					continue
				}
				if s.Effect != "Allow" || s.Principal == nil {
					continue
				}
				assert.NotContains(t, s.Principal.AWS, "*", "%s statement %q allows every principal", k.URN, s.Sid)
				if len(s.Principal.Service) > 0 {
					assert.NotEmpty(t, s.Condition, "%s statement %q: a service principal with no condition", k.URN, s.Sid)
				}
			}
			assert.Equal(t, 1, delegations, "%s delegates to the account's IAM exactly once", k.URN)
		}
	})
}

// arnLike reports whether arn matches an IAM ArnLike pattern: * spans any characters, ? one.
func arnLike(pattern, arn string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(arn)
}

// TestEveryEncryptedLogGroupIsOneTheKeyLetsLogsUse: CloudWatch Logs may use a key only for the log groups
// its policy names (kms:EncryptionContext:aws:logs:arn); a group outside them fails to create on a real
// `pulumi up`, which no mock would notice.
func TestEveryEncryptedLogGroupIsOneTheKeyLetsLogsUse(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		allowed := map[string][]string{} // key ARN -> log group ARN patterns
		for _, k := range need(t, p, "aws:kms/key:Key") {
			for _, s := range policy(t, k, "policy").Statement {
				if s.Principal != nil && contains(s.Principal.Service, "logs.ap-southeast-2.amazonaws.com") {
					allowed[k.Outputs["arn"].(string)] = append(allowed[k.Outputs["arn"].(string)],
						s.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]...)
				}
			}
		}
		for _, g := range need(t, p, "aws:cloudwatch/logGroup:LogGroup") {
			arn := g.Outputs["arn"].(string)
			covered := false
			for _, pattern := range allowed[g.Str("kmsKeyId")] {
				covered = covered || arnLike(pattern, arn)
			}
			assert.True(t, covered, "%s: the key's policy does not let CloudWatch Logs use it for %s", g.URN, arn)
		}
	})
}

func TestArnLike(t *testing.T) {
	tests := []struct {
		pattern, arn string
		want         bool
	}{
		{"arn:aws:logs:r:1:log-group:/p/s/*", "arn:aws:logs:r:1:log-group:/p/s/ecs/web", true},
		{"arn:aws:logs:r:1:log-group:/p/s/*", "arn:aws:logs:r:1:log-group:/p/other", false},
		{"arn:aws:logs:r:1:log-group:/aws/rds/instance/x-*", "arn:aws:logs:r:1:log-group:/aws/rds/instance/x-db/upgrade", true},
		{"arn:aws:logs:r:1:log-group:a?c", "arn:aws:logs:r:1:log-group:abc", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, arnLike(tt.pattern, tt.arn), tt.pattern+" ~ "+tt.arn)
	}
}

// TestEgressGoesOnlyWhereEachTierNeeds: the only egress to an address range is HTTPS (AWS APIs, the app's
// calls); everything else is from one group to another, specific, security group on the one port the
// plan says that tier serves: the tasks to the database's and the cache's groups on their ports, the ALB
// to each routed service's groups on its target's container port, a Service Connect client to the
// serving service's own groups on its alias port, and the tasks to a file system's mount-target group on
// NFS, 2049 (https://docs.aws.amazon.com/efs/latest/ug/network-access.html). Each expected egress is
// there exactly once and there is no other.
func TestEgressGoesOnlyWhereEachTierNeeds(t *testing.T) {
	type want struct {
		what     string
		from, to []string
		port     float64
	}
	sgs := func(r *plan.Resource, input string) []string {
		var out []string
		for _, v := range asList(r.In(input)) {
			out = append(out, v.(string))
		}
		require.NotEmpty(t, out, "%s has no %s", r.URN, input)
		return out
	}
	portOr := func(r *plan.Resource, def float64) float64 {
		if v, ok := r.In("port").(float64); ok {
			return v
		}
		return def // the engine's default port (RDS for PostgreSQL 5432, ElastiCache 6379)
	}
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		var tasks []string
		services := need(t, p, "aws:ecs/service:Service")
		for _, s := range services {
			tasks = append(tasks, sgs(s, "networkConfiguration.securityGroups")...)
		}
		var wants []want
		for _, db := range need(t, p, "aws:rds/instance:Instance") {
			wants = append(wants, want{db.URN, tasks, sgs(db, "vpcSecurityGroupIds"), portOr(db, 5432)})
		}
		for _, c := range p.ByType("aws:elasticache/replicationGroup:ReplicationGroup") {
			wants = append(wants, want{c.URN, tasks, sgs(c, "securityGroupIds"), portOr(c, 6379)})
		}
		albs := need(t, p, "aws:lb/loadBalancer:LoadBalancer")
		require.Len(t, albs, 1)
		targetPorts := map[string]float64{}
		for _, tg := range need(t, p, "aws:lb/targetGroup:TargetGroup") {
			targetPorts[tg.ID] = tg.In("port").(float64)
		}
		for _, s := range services {
			own := sgs(s, "networkConfiguration.securityGroups")
			for _, lb := range asList(s.In("loadBalancers")) {
				m := lb.(map[string]any)
				port := m["containerPort"].(float64)
				assert.Equal(t, targetPorts[m["targetGroupArn"].(string)], port, "%s: its target group's port", s.URN)
				wants = append(wants, want{s.URN + " from the ALB", sgs(albs[0], "securityGroups"), own, port})
			}
			for _, sc := range asList(plan.Lookup(asMap(s.In("serviceConnectConfiguration")), "services")) {
				for _, alias := range asList(plan.Lookup(sc.(map[string]any), "clientAlias")) {
					var others []string
					for _, o := range services {
						if o != s {
							others = append(others, sgs(o, "networkConfiguration.securityGroups")...)
						}
					}
					wants = append(wants, want{s.URN + " from its callers", others, own, alias.(map[string]any)["port"].(float64)})
				}
			}
		}
		for _, fs := range p.ByType("aws:efs/fileSystem:FileSystem") {
			var mt []string
			for _, m := range need(t, p, "aws:efs/mountTarget:MountTarget") {
				if m.Str("fileSystemId") == fs.ID {
					mt = append(mt, sgs(m, "securityGroups")...)
				}
			}
			require.NotEmpty(t, mt, "%s has no mount target", fs.URN)
			wants = append(wants, want{fs.URN + " over NFS", tasks, mt, 2049})
		}

		matched := make([]int, len(wants))
		for _, r := range need(t, p, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
			if cidr := r.Str("cidrIpv4"); cidr != "" {
				assert.Equal(t, "0.0.0.0/0", cidr, r.URN)
				assert.Equal(t, float64(443), r.In("fromPort"), r.URN)
				assert.Equal(t, float64(443), r.In("toPort"), r.URN)
				continue
			}
			to := r.Str("referencedSecurityGroupId")
			assert.Regexp(t, `^sg-`, to, r.URN)
			assert.Empty(t, r.Str("cidrIpv6"), r.URN)
			assert.Equal(t, r.In("fromPort"), r.In("toPort"), r.URN)
			n := 0
			for i, w := range wants {
				if slices.Contains(w.from, r.Str("securityGroupId")) && slices.Contains(w.to, to) && w.port == r.In("fromPort") {
					matched[i]++
					n++
				}
			}
			assert.Equal(t, 1, n, "%s (port %v) is the egress of exactly one tier's need", r.URN, r.In("fromPort"))
		}
		for i, w := range wants {
			assert.Equal(t, 1, matched[i], "%s: one egress on %g", w.what, w.port)
		}
	})
}

// TestAStackNotBehindCloudflareOnlyTrustsTheALBsHeader: with albIngressCloudflareOnly off the ALB is open
// to the world on 443 only (there is no port 80 listener), and nginx must take the client address from the X-Forwarded-For the ALB
// appends to, since anyone could then send CF-Connecting-IP.
func TestAStackNotBehindCloudflareOnlyTrustsTheALBsHeader(t *testing.T) {
	p := planVariant(t, "dev", map[string]string{"albIngressCloudflareOnly": "false"})
	world := map[float64]bool{}
	for _, r := range need(t, p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		switch cidr := r.Str("cidrIpv4"); {
		case cidr == "0.0.0.0/0":
			world[r.In("fromPort").(float64)] = true
		case cidr != "":
			assert.Regexp(t, `^10\.`, cidr, "%s: only the VPC besides the world", r.URN)
		}
	}
	assert.Equal(t, map[float64]bool{443: true}, world)
	env := map[string]string{}
	for _, e := range nginxContainer(t, p).Environment {
		env[e.Name] = e.Value
	}
	assert.Equal(t, "X-Forwarded-For", env["REAL_IP_HEADER"])
}

// asList is an input list, or nil when the input is absent.
func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// asMap is an input object, or nil when the input is absent.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
