package rules

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/stacks"
)

// res is one resource of a test plan: its type, logical name, inputs and (optionally) outputs.
type res struct {
	typ, name string
	in, out   map[string]any
}

// planOf builds a plan of stack "test" from resources, read back the way `plan` writes it.
func planOf(t *testing.T, stack string, rs ...res) *plan.Recorder {
	t.Helper()
	e := plan.Export{Version: 3}
	e.Deployment.Resources = append(e.Deployment.Resources, plan.ExportedState{
		URN: "urn:pulumi:" + stack + "::proj::pulumi:pulumi:Stack::proj-" + stack, Type: "pulumi:pulumi:Stack"})
	for _, r := range rs {
		e.Deployment.Resources = append(e.Deployment.Resources, plan.ExportedState{
			URN: "urn:pulumi:" + stack + "::proj::" + r.typ + "::" + r.name, Custom: true, Type: r.typ,
			Inputs: r.in, Outputs: r.out})
	}
	b, err := json.Marshal(e)
	require.NoError(t, err)
	rec, err := plan.ReadExport(bytes.NewReader(b))
	require.NoError(t, err)
	return rec
}

var at = Stack{Region: "ap-southeast-2", Zone: "example.com"}

// long returns s repeated to n characters.
func long(s string, n int) string { return strings.Repeat(s, n)[:n] }

// A cluster and a service the scaling cases can point at.
var (
	cluster = res{tCluster, "c", map[string]any{"name": "fp-dev"}, nil}
	service = res{tService, "fp-dev-web", map[string]any{"cluster": "arn:aws:ecs:ap-southeast-2:123456789012:cluster/fp-dev"},
		map[string]any{"name": "fp-dev-web-1a2b3c4"}}
	target = res{tScalingTarget, "t", map[string]any{"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount",
		"resourceId": "service/fp-dev/fp-dev-web-1a2b3c4", "minCapacity": 1.0, "maxCapacity": 2.0}, nil}
)

// Listener rules on the test ALB's HTTPS listener (and another's).
const (
	listener      = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:listener/app/fp-dev/2f18a5e6207acb4e/1a2b3c4d5e6f7a8b"
	otherListener = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:listener/app/fp-prod/3f18a5e6207acb4e/2a2b3c4d5e6f7a8b"
)

func rule(name string, priority float64, conditions ...any) res {
	return res{tListenerRule, name, map[string]any{"listenerArn": listener, "priority": priority, "conditions": conditions,
		"actions": []any{map[string]any{"type": "forward", "targetGroupArn": "arn:tg"}}}, nil}
}

func host(values ...string) any {
	return map[string]any{"hostHeader": map[string]any{"values": anys(values)}}
}
func path(values ...string) any {
	return map[string]any{"pathPattern": map[string]any{"values": anys(values)}}
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// TestEveryRuleRefusesWhatItsSourceRefuses is the table of failing cases, one or more per rule, each with
// the part of the message that says what is wrong. The row's source is the rule's own (Table), printed in
// every failure.
func TestEveryRuleRefusesWhatItsSourceRefuses(t *testing.T) {
	tests := []struct {
		rule  string
		give  []res
		stack Stack
		want  string
	}{
		{"name.lb-load-balancer", []res{{"aws:lb/loadBalancer:LoadBalancer", "alb", map[string]any{"name": "internal-shop-dev"}, nil}}, at, `starts with "internal-"`},
		{"name.lb-load-balancer", []res{{"aws:lb/loadBalancer:LoadBalancer", "alb", map[string]any{"name": long("a", 33)}, nil}}, at, "33 characters"},
		{"name.lb-target-group", []res{{"aws:lb/targetGroup:TargetGroup", "fargate-platform-staging-web", nil, nil}}, at, "36 characters"},
		{"name.lb-trust-store", []res{{"aws:lb/trustStore:TrustStore", "fargate-platform-prod-aop", nil, nil}}, at, "33 characters"},
		{"name.iam-role", []res{{"aws:iam/role:Role", long("r", 57), nil, nil}}, at, "65 characters"},
		{"name.iam-policy", []res{{"aws:iam/policy:Policy", "p", map[string]any{"name": "deploy policy"}, nil}}, at, "not letters, digits"},
		{"name.iam-inline-policy", []res{{"aws:iam/rolePolicy:RolePolicy", "p", map[string]any{"name": "a/b"}, nil}}, at, "not letters, digits"},
		{"name.log-group", []res{{"aws:cloudwatch/logGroup:LogGroup", "g", map[string]any{"name": "/app/web logs"}, nil}}, at, "not letters, digits"},
		{"name.ssm-parameter", []res{{"aws:ssm/parameter:Parameter", "p", map[string]any{"name": "/aws/thing"}, nil}}, at, "starts with aws or ssm"},
		{"name.ssm-parameter", []res{{"aws:ssm/parameter:Parameter", "p", map[string]any{"name": "/app/" + long("X", 970)}, nil}}, at, "more than 1011"},
		{"name.secret", []res{{"aws:secretsmanager/secret:Secret", "s", map[string]any{"name": "app/token!"}, nil}}, at, "not letters, digits"},
		{"name.kms-alias", []res{{"aws:kms/alias:Alias", "a", map[string]any{"name": "alias/aws/mine"}, nil}}, at, "AWS reserves"},
		{"name.rds-instance", []res{{"aws:rds/instance:Instance", "db", map[string]any{"identifier": "shop-dev--db"}, nil}}, at, "two hyphens in a row"},
		{"name.rds-instance", []res{{"aws:rds/instance:Instance", "db", map[string]any{"identifier": long("d", 64)}, nil}}, at, "64 characters"},
		{"name.rds-subnet-group", []res{{"aws:rds/subnetGroup:SubnetGroup", "g", map[string]any{"name": "default"}, nil}}, at, `"default" is reserved`},
		{"name.rds-parameter-group", []res{{"aws:rds/parameterGroup:ParameterGroup", "1shop-db", nil, nil}}, at, "not a letter"},
		{"name.elasticache-replication-group", []res{{"aws:elasticache/replicationGroup:ReplicationGroup", "c", map[string]any{"replicationGroupId": long("c", 41)}, nil}}, at, "41 characters"},
		{"name.elasticache-subnet-group", []res{{"aws:elasticache/subnetGroup:SubnetGroup", "g", map[string]any{"name": "shop_dev"}, nil}}, at, "not letters, digits and hyphens"},
		{"name.elasticache-parameter-group", []res{{"aws:elasticache/parameterGroup:ParameterGroup", "g", map[string]any{"name": "shop--dev"}, nil}}, at, "two hyphens"},
		{"name.ecs-cluster", []res{{"aws:ecs/cluster:Cluster", "c", map[string]any{"name": "shop.dev"}, nil}}, at, "not letters, digits, hyphens"},
		{"name.ecs-service", []res{{"aws:ecs/service:Service", "web.svc", nil, nil}}, at, "not letters, digits, hyphens"},
		{"name.ecs-task-family", []res{{tTaskDefinition, "td", map[string]any{"family": "shop:web"}, nil}}, at, "not letters, digits, hyphens"},
		{"name.ecr-repository", []res{{"aws:ecr/repository:Repository", "r", map[string]any{"name": "Shop/App"}, nil}}, at, "not lower-case"},
		{"name.s3-bucket", []res{{"aws:s3/bucketV2:BucketV2", "b", map[string]any{"bucketPrefix": long("b", 37) + "-"}, nil}}, at, "64 characters"},
		{"name.s3-bucket", []res{{"aws:s3/bucketV2:BucketV2", "b", map[string]any{"bucket": "xn--shop-logs"}, nil}}, at, "starts with xn--"},
		{"name.s3-bucket", []res{{"aws:s3/bucketV2:BucketV2", "b", map[string]any{"bucket": "10.0.0.1"}, nil}}, at, "an IP address"},
		{"name.sns-topic", []res{{"aws:sns/topic:Topic", long("t", 80), nil, nil}}, at, "more than the 80 Pulumi auto-names up to"},
		{"name.cloudwatch-alarm", []res{{"aws:cloudwatch/metricAlarm:MetricAlarm", "a", map[string]any{"name": long("a", 256)}, nil}}, at, "256 characters"},
		{"name.cloudwatch-dashboard", []res{{"aws:cloudwatch/dashboard:Dashboard", "d", map[string]any{"dashboardName": "shop dev"}, nil}}, at, "not letters"},
		{"name.cloudtrail", []res{{"aws:cloudtrail/trail:Trail", "t", map[string]any{"name": "shop-_trail"}, nil}}, at, "two of . _ - in a row"},
		{"name.scheduler-schedule", []res{{"aws:scheduler/schedule:Schedule", "s", map[string]any{"name": long("s", 65)}, nil}}, at, "65 characters"},
		{"name.appautoscaling-policy", []res{{tScalingPolicy, "p", map[string]any{"name": long("p", 257)}, nil}}, at, "257 characters"},
		{"name.appautoscaling-scheduled-action", []res{{tScheduled, "a", map[string]any{"name": "scale:down"}, nil}}, at, "not no : / |"},
		{"name.security-group", []res{{"aws:ec2/securityGroup:SecurityGroup", "sg-shop-dev-alb", nil, nil}}, at, `starts with "sg-"`},
		{"name.codebuild-project", []res{{"aws:codebuild/project:Project", "p", map[string]any{"name": "-deploy"}, nil}}, at, "not a letter or digit"},
		{"name.acm-domain", []res{{"aws:acm/certificate:Certificate", "c", map[string]any{"domainName": long("a", 53) + ".example.com"}, nil}}, at, "65 characters"},

		{"name.efs-creation-token", []res{{"aws:efs/fileSystem:FileSystem", "fs", map[string]any{"creationToken": long("t", 65)}, nil}}, at, "65 characters"},
		{"efs.access-point-root", []res{{tEfsAccessPoint, "ap", map[string]any{"rootDirectory": map[string]any{"path": "/a/b/c/d/e"}}, nil}}, at,
			"rootDirectory.path: 5 levels"},
		{"efs.access-point-root", []res{{tEfsAccessPoint, "ap", map[string]any{"rootDirectory": map[string]any{"path": "/.ssh"}}, nil}}, at,
			`level ".ssh" starts with a dot`},
		{"efs.access-point-root", []res{{tEfsAccessPoint, "ap", map[string]any{"rootDirectory": map[string]any{"path": "/uploads",
			"creationInfo": map[string]any{"ownerUid": 1000.0, "ownerGid": 1000.0, "permissions": "rwxr-x---"}}}, nil}}, at, "not 3 or 4 octal digits"},
		{"efs.access-point-root", []res{{tEfsAccessPoint, "ap", map[string]any{"posixUser": map[string]any{"uid": 4294967296.0, "gid": 1000.0}}, nil}}, at,
			"posixUser.uid: outside 0 to 4294967295"},
		{"efs.mount-target-per-az", []res{
			{tSubnet, "private-0", map[string]any{"availabilityZone": "ap-southeast-2a"}, map[string]any{"id": "subnet-a"}},
			{tSubnet, "public-0", map[string]any{"availabilityZone": "ap-southeast-2a"}, map[string]any{"id": "subnet-b"}},
			{tEfsMountTarget, "mt-0", map[string]any{"fileSystemId": "fs-1", "subnetId": "subnet-a"}, nil},
			{tEfsMountTarget, "mt-1", map[string]any{"fileSystemId": "fs-1", "subnetId": "subnet-b"}, nil}}, at,
			"ap-southeast-2a holds another mount target of fs-1"},
		{"efs.mount-target-security-groups", []res{{tEfsMountTarget, "mt", map[string]any{"securityGroups": []any{"sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"}}, nil}}, at,
			"6 groups"},
		{"efs.lifecycle-policies", []res{{"aws:efs/fileSystem:FileSystem", "fs", map[string]any{"lifecyclePolicies": []any{
			map[string]any{"transitionToIa": "AFTER_30_DAYS", "transitionToPrimaryStorageClass": "AFTER_1_ACCESS"}}}, nil}}, at, "has 2 transitions, want 1"},
		{"efs.lifecycle-policies", []res{{"aws:efs/fileSystem:FileSystem", "fs", map[string]any{"throughputMode": "bursting", "lifecyclePolicies": []any{
			map[string]any{"transitionToIa": "AFTER_30_DAYS"}, map[string]any{"transitionToArchive": "AFTER_90_DAYS"}}}, nil}}, at,
			"transitionToArchive needs transitionToIa, Elastic throughput"},
		{"efs.lifecycle-policies", []res{{"aws:efs/fileSystem:FileSystem", "fs", map[string]any{"lifecyclePolicies": []any{
			map[string]any{"transitionToIa": "AFTER_30_DAYS"}, map[string]any{"transitionToIa": "AFTER_7_DAYS"}}}, nil}}, at, "transitionToIa in 2 policies"},

		{"ecs.fargate-task-size", []res{{tTaskDefinition, "td", map[string]any{"requiresCompatibilities": []any{"FARGATE"}, "cpu": "512", "memory": "512"}, nil}}, at,
			"with 512 CPU, memory is 1024 to 4096 MiB"},
		{"ecs.container-sizes", []res{{tTaskDefinition, "td", map[string]any{"cpu": "512", "memory": "1024",
			"containerDefinitions": `[{"name":"nginx","cpu":128,"memory":256},{"name":"rails","cpu":512,"memory":768}]`}, nil}}, at,
			"640 CPU units in containers, the task has 512"},
		{"ecs.container-sizes", []res{{tTaskDefinition, "td", map[string]any{"cpu": "512", "memory": "1024",
			"containerDefinitions": `[{"name":"nginx","cpu":128,"memoryReservation":512},{"name":"rails","cpu":384,"memory":768}]`}, nil}}, at,
			"1280 MiB in containers, the task has 1024"},
		{"ecs.health-check-grace", []res{
			{tTaskDefinition, "td", map[string]any{"containerDefinitions": `[{"name":"sidekiq"}]`}, map[string]any{"arn": "arn:td:1"}},
			{tService, "worker", map[string]any{"taskDefinition": "arn:td:1", "healthCheckGracePeriodSeconds": 60.0}, nil}}, at,
			"no load balancer and its containers no health check"},
		{"appautoscaling.resource-id", []res{cluster, service,
			{tScalingTarget, "t", map[string]any{"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount",
				"resourceId": "service/arn:aws:ecs:ap-southeast-2:123456789012:cluster/fp-dev/fp-dev-web-1a2b3c4"}, nil}}, at,
			"not service/<cluster>/<service>"},
		{"appautoscaling.resource-id", []res{cluster, service,
			{tScalingTarget, "t", map[string]any{"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount",
				"resourceId": "service/fp-dev/fp-dev-web"}, nil}}, at,
			`no service named "fp-dev-web" in the plan`},
		{"appautoscaling.capacity", []res{{tScalingTarget, "t", map[string]any{"minCapacity": 3.0, "maxCapacity": 2.0}, nil}}, at, ""},
		{"appautoscaling.policy-target", []res{cluster, service, target,
			{tScalingPolicy, "p", map[string]any{"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount",
				"resourceId": "service/fp-dev/fp-dev-worker"}, nil}}, at, "no scalable target in the plan has these"},
		{"appautoscaling.action-target", []res{{tScheduled, "a", map[string]any{"serviceNamespace": "ecs",
			"scalableDimension": "ecs:service:DesiredCount", "resourceId": "service/fp-dev/fp-dev-web-1a2b3c4"}, nil}}, at,
			"no scalable target in the plan has these"},
		{"appautoscaling.resource-label", []res{{tScalingPolicy, "p", map[string]any{"targetTrackingScalingPolicyConfiguration": map[string]any{
			"predefinedMetricSpecification": map[string]any{"predefinedMetricType": "ALBRequestCountPerTarget",
				"resourceLabel": "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:loadbalancer/app/fp-dev/1"}}}, nil}}, at, ""},
		{"logs.retention", []res{{"aws:cloudwatch/logGroup:LogGroup", "g", map[string]any{"name": "/x", "retentionInDays": 2.0}, nil}}, at, ""},
		{"rds.backup-retention", []res{{"aws:rds/instance:Instance", "db", map[string]any{"identifier": "db", "backupRetentionPeriod": 36.0}, nil}}, at, ""},
		{"elasticache.snapshot-retention", []res{{"aws:elasticache/replicationGroup:ReplicationGroup", "c",
			map[string]any{"replicationGroupId": "c", "snapshotRetentionLimit": 36.0}, nil}}, at, ""},
		{"elasticache.failover", []res{{"aws:elasticache/replicationGroup:ReplicationGroup", "c",
			map[string]any{"replicationGroupId": "c", "automaticFailoverEnabled": true, "numCacheClusters": 1.0}, nil}}, at, ""},
		{"elasticache.failover", []res{{"aws:elasticache/replicationGroup:ReplicationGroup", "c",
			map[string]any{"replicationGroupId": "c", "multiAzEnabled": true, "numCacheClusters": 2.0}, nil}}, at, ""},
		{"secretsmanager.recovery-window", []res{{"aws:secretsmanager/secret:Secret", "s", map[string]any{"name": "s", "recoveryWindowInDays": 5.0}, nil}}, at, ""},
		{"kms.deletion-window", []res{{"aws:kms/key:Key", "k", map[string]any{"deletionWindowInDays": 5.0}, nil}}, at, ""},
		{"lb.target-group-health-check", []res{{"aws:lb/targetGroup:TargetGroup", "tg",
			map[string]any{"healthCheck": map[string]any{"interval": 15.0, "timeout": 15.0}}, nil}}, at, ""},
		{"lb.deregistration-delay", []res{{"aws:lb/targetGroup:TargetGroup", "tg", map[string]any{"deregistrationDelay": 4000.0}, nil}}, at, ""},

		{"lb.listener-rule-priority", []res{rule("a", 10, path("/a")), rule("b", 10, path("/b"))}, at,
			"also the priority of urn:pulumi:test::proj::aws:lb/listenerRule:ListenerRule::b on the same listener"},
		{"lb.listener-rule-priority", []res{rule("a", 50001, path("/a"))}, at, "outside 1 to 50000"},
		{"lb.listener-rule-conditions", []res{rule("a", 1, path("/a", "/b", "/c", "/d"))}, at, "Paths has 4 values, want at most 3"},
		{"lb.listener-rule-conditions", []res{rule("a", 1, host("a.example.com", "b.example.com", "c.example.com"), path("/a", "/b", "/c"))}, at,
			"6 values together, want at most 5"},
		{"lb.listener-rule-conditions", []res{rule("a", 1, path("/a/*/*/*", "/b/???"))}, at, "6 wildcards"},
		{"lb.listener-rule-conditions", []res{rule("a", 1, path("/a"), path("/b"))}, at, "2 path-pattern conditions, want at most one of each"},
		{"lb.listener-rule-conditions", []res{rule("a", 1, host("localhost"))}, at, `Hosts[0] "localhost"`},
		{"lb.listener-rule-conditions", []res{rule("a", 1, path("/"+long("p", 128)))}, at, "Paths[0]"},

		{"edge.universal-ssl", []res{{"cloudflare:index/record:Record", "r", map[string]any{"name": "dev.app.example.com", "proxied": true}, nil}}, at,
			"2 levels below the zone example.com"},
		{"edge.universal-ssl", []res{{"cloudflare:index/record:Record", "r", map[string]any{"name": "*.app.example.com", "proxied": true}, nil}}, at,
			"2 levels below the zone example.com"},
		{"edge.universal-ssl", []res{{"cloudflare:index/record:Record", "r", map[string]any{"name": "dev.app", "proxied": true}, nil}}, at,
			"2 levels below"}, // relative: Cloudflare appends the zone
		{"edge.universal-ssl", []res{{"cloudflare:index/dnsRecord:DnsRecord", "r", map[string]any{"name": "app.example.com", "proxied": true}, nil}}, Stack{},
			"the zone's name is not known"},

		{"claim.guardduty-detector", []res{{"aws:guardduty/detector:Detector", "a", nil, nil}, {"aws:guardduty/detector:Detector", "b", nil, nil}}, at,
			"also claimed by urn:pulumi:test::proj::aws:guardduty/detector:Detector::b"},
		{"claim.guardduty-feature", []res{{"aws:guardduty/detectorFeature:DetectorFeature", "a", map[string]any{"name": "RUNTIME_MONITORING"}, nil},
			{"aws:guardduty/detectorFeature:DetectorFeature", "b", map[string]any{"name": "RUNTIME_MONITORING"}, nil}}, at, "also claimed by"},
		{"claim.cloudflare-zone-settings", []res{
			{"cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride", "a", map[string]any{"zoneId": "z", "settings": map[string]any{"ssl": "strict"}}, nil},
			{"cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride", "b", map[string]any{"zoneId": "z", "settings": map[string]any{"ssl": "full"}}, nil}}, at,
			"also claimed by"},
		{"claim.cloudflare-origin-pulls", []res{
			{"cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls", "a", map[string]any{"zoneId": "z", "enabled": true}, nil},
			{"cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls", "b", map[string]any{"zoneId": "z", "enabled": true}, nil}}, at,
			"also claimed by"},
		{"claim.cloudflare-dns", []res{
			{"cloudflare:index/record:Record", "a", map[string]any{"zoneId": "z", "name": "app.example.com", "type": "CNAME", "content": "x"}, nil},
			{"cloudflare:index/record:Record", "b", map[string]any{"zoneId": "z", "name": "app", "type": "TXT", "content": "y"}, nil}}, at,
			"also claimed by"},
		{"claim.physical-name", []res{
			{"aws:cloudwatch/logGroup:LogGroup", "a", map[string]any{"name": "/shop/dev/web"}, nil},
			{"aws:cloudwatch/logGroup:LogGroup", "b", map[string]any{"name": "/shop/dev/web"}, nil}}, at, "also claimed by"},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			covered[tt.rule] = true
			var got []string
			for _, v := range Check(planOf(t, "test", tt.give...), tt.stack) {
				if v.Rule.ID == tt.rule {
					got = append(got, v.Error())
				}
			}
			require.NotEmpty(t, got, "rule %s did not fire", tt.rule)
			assert.Contains(t, got[0], tt.want)
			assert.Contains(t, got[0], "(source: http", "every failure cites its source")
			assert.Contains(t, got[0], "; fix: ")
		})
	}
	for _, r := range Table() {
		assert.True(t, covered[r.ID], "rule %s has no failing case in this table", r.ID)
	}
}

// TestAllowedValuesPass: the limits are the providers', not tighter. Each case is a value at the limit.
func TestAllowedValuesPass(t *testing.T) {
	tests := []struct {
		name  string
		give  []res
		stack Stack
	}{
		{"target group of a 24-character logical name: 32", []res{{"aws:lb/targetGroup:TargetGroup", "fargate-platform-staging", nil, nil}}, at},
		{"trust store of a 24-character logical name: 32", []res{{"aws:lb/trustStore:TrustStore", "fargate-platform-staging", nil, nil}}, at},
		{"load balancer of 32", []res{{"aws:lb/loadBalancer:LoadBalancer", "alb", map[string]any{"name": long("a", 32)}, nil}}, at},
		{"bucket prefix of 37", []res{{"aws:s3/bucketV2:BucketV2", "b", map[string]any{"bucketPrefix": long("b", 36) + "-"}, nil}}, at},
		{"role of 64", []res{{"aws:iam/role:Role", long("r", 56), nil, nil}}, at},
		{"cache group id of 40", []res{{"aws:elasticache/replicationGroup:ReplicationGroup", "c", map[string]any{"replicationGroupId": long("c", 40)}, nil}}, at},
		{"Fargate 1 vCPU / 2 GiB, containers filling it", []res{{tTaskDefinition, "td", map[string]any{"requiresCompatibilities": []any{"FARGATE"},
			"cpu": "1024", "memory": "2048", "containerDefinitions": `[{"name":"nginx","cpu":128,"memory":256},{"name":"rails","cpu":896,"memory":1792}]`}, nil}}, at},
		{"grace with a load balancer", []res{{tService, "web", map[string]any{"healthCheckGracePeriodSeconds": 60.0,
			"loadBalancers": []any{map[string]any{"containerName": "nginx"}}}, nil}}, at},
		{"scaling target, policy and action on one service", []res{cluster, service, target,
			{tScalingPolicy, "p", map[string]any{"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount",
				"resourceId": "service/fp-dev/fp-dev-web-1a2b3c4", "targetTrackingScalingPolicyConfiguration": map[string]any{
					"predefinedMetricSpecification": map[string]any{"predefinedMetricType": "ALBRequestCountPerTarget",
						"resourceLabel": "app/fp-dev/2f18a5e6207acb4e/targetgroup/fp-dev-1a2b3c4/255dcd472e9f4b00"}}}, nil}}, at},
		{"an access point at four levels and 100 characters, root uid and gid", []res{{tEfsAccessPoint, "ap", map[string]any{
			"posixUser": map[string]any{"uid": 4294967295.0, "gid": 0.0}, "rootDirectory": map[string]any{"path": "/a/b/c/" + long("d", 93),
				"creationInfo": map[string]any{"ownerUid": 0.0, "ownerGid": 0.0, "permissions": "0750"}}}, nil}}, at},
		{"one mount target per AZ, and another file system's in the same AZ", []res{
			{tSubnet, "private-0", map[string]any{"availabilityZone": "ap-southeast-2a"}, map[string]any{"id": "subnet-a"}},
			{tSubnet, "private-1", map[string]any{"availabilityZone": "ap-southeast-2b"}, map[string]any{"id": "subnet-b"}},
			{tEfsMountTarget, "mt-0", map[string]any{"fileSystemId": "fs-1", "subnetId": "subnet-a", "securityGroups": []any{"sg-1", "sg-2", "sg-3", "sg-4", "sg-5"}}, nil},
			{tEfsMountTarget, "mt-1", map[string]any{"fileSystemId": "fs-1", "subnetId": "subnet-b"}, nil},
			{tEfsMountTarget, "mt-2", map[string]any{"fileSystemId": "fs-2", "subnetId": "subnet-a"}, nil}}, at},
		{"the three transitions, archive on an Elastic file system", []res{{"aws:efs/fileSystem:FileSystem", "fs", map[string]any{
			"throughputMode": "elastic", "creationToken": long("t", 64), "lifecyclePolicies": []any{map[string]any{"transitionToIa": "AFTER_30_DAYS"},
				map[string]any{"transitionToPrimaryStorageClass": "AFTER_1_ACCESS"}, map[string]any{"transitionToArchive": "AFTER_90_DAYS"}}}, nil}}, at},
		{"listener rules at the condition limits, one priority on two listeners", []res{
			rule("a", 1, host("a.example.com", "*.b.example.com", "c?.example.com"), path("/a/*", "*.json")),
			{tListenerRule, "b", map[string]any{"listenerArn": otherListener, "priority": 1.0, "conditions": []any{path("/b")}}, nil},
			rule("c", 50000, path(`/A-Za-z0_9.$~"'@:+&`, "/"+long("p", 127))),
			{tListenerRule, "d", map[string]any{"listenerArn": listener, "priority": 2.0, "conditions": []any{
				map[string]any{"sourceIp": map[string]any{"values": []any{"10.0.0.0/8"}}}}}, nil}}, at},
		{"apex and one level", []res{{"cloudflare:index/record:Record", "a", map[string]any{"name": "example.com", "proxied": true}, nil},
			{"cloudflare:index/record:Record", "b", map[string]any{"name": "app-dev.example.com", "proxied": true}, nil}}, at},
		{"two levels with Advanced Certificate Manager", []res{{"cloudflare:index/record:Record", "r", map[string]any{"name": "dev.app.example.com", "proxied": true}, nil}},
			Stack{Zone: "example.com", AdvancedCertificates: true}},
		{"a DNS-only deep name needs no edge certificate", []res{{"cloudflare:index/record:Record", "r", map[string]any{"name": "_acme.dev.app.example.com", "proxied": false}, nil}}, at},
		{"round-robin A records share a name", []res{
			{"cloudflare:index/record:Record", "a", map[string]any{"zoneId": "z", "name": "app.example.com", "type": "A", "content": "192.0.2.1"}, nil},
			{"cloudflare:index/record:Record", "b", map[string]any{"zoneId": "z", "name": "app.example.com", "type": "A", "content": "192.0.2.2"}, nil}}, at},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Empty(t, Check(planOf(t, "test", tt.give...), tt.stack))
		})
	}
}

// TestTwoStacksClaimingOneThingConflict: claims are compared across two stacks' plans, and the violation
// names both resources.
func TestTwoStacksClaimingOneThingConflict(t *testing.T) {
	detector := res{"aws:guardduty/detector:Detector", "d", nil, nil}
	tests := []struct {
		name     string
		dev, prd []res
		want     []string // rule ids, one per conflict
	}{
		{"both create the detector", []res{detector}, []res{detector}, []string{"claim.guardduty-detector"}},
		{"both own the zone's SSL mode", []res{{"cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride", "z",
			map[string]any{"zoneId": "z", "settings": map[string]any{"ssl": "strict", "minTlsVersion": nil}}, nil}},
			[]res{{"cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride", "z", map[string]any{"zoneId": "z", "settings": map[string]any{"ssl": "strict"}}, nil}},
			[]string{"claim.cloudflare-zone-settings"}},
		{"one IAM role name in one account", []res{{"aws:iam/role:Role", "r", map[string]any{"name": "deploy"}, nil}},
			[]res{{"aws:iam/role:Role", "r", map[string]any{"name": "deploy"}, nil}}, []string{"claim.physical-name"}},
		{"auto-named roles never collide", []res{{"aws:iam/role:Role", "r", nil, nil}}, []res{{"aws:iam/role:Role", "r", nil, nil}}, nil},
		{"names with the stack in them", []res{{"aws:cloudwatch/logGroup:LogGroup", "g", map[string]any{"name": "/shop/dev/web"}, nil}},
			[]res{{"aws:cloudwatch/logGroup:LogGroup", "g", map[string]any{"name": "/shop/prod/web"}, nil}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range Conflicts(Claims(planOf(t, "dev", tt.dev...), at), Claims(planOf(t, "prod", tt.prd...), at)) {
				got = append(got, v.Rule.ID)
				assert.Contains(t, v.Error(), "urn:pulumi:dev::")
				assert.Contains(t, v.Error(), "also claimed by urn:pulumi:prod::")
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestRegionScopesRegionalClaims: the same name in two Regions is two things; an IAM name is one in the
// whole account.
func TestRegionScopesRegionalClaims(t *testing.T) {
	group := res{"aws:cloudwatch/logGroup:LogGroup", "g", map[string]any{"name": "/shop/web"}, nil}
	role := res{"aws:iam/role:Role", "r", map[string]any{"name": "deploy"}, nil}
	sydney, ireland := Stack{Region: "ap-southeast-2"}, Stack{Region: "eu-west-1"}
	assert.Empty(t, Conflicts(Claims(planOf(t, "dev", group), sydney), Claims(planOf(t, "prod", group), ireland)))
	assert.Len(t, Conflicts(Claims(planOf(t, "dev", role), sydney), Claims(planOf(t, "prod", role), ireland)), 1)
}

func TestViolationNamesRuleUrnValueLimitSourceAndFix(t *testing.T) {
	vs := Check(planOf(t, "test", res{"aws:lb/targetGroup:TargetGroup", "fargate-platform-staging-web", nil, nil}), at)
	require.Len(t, vs, 1)
	assert.Equal(t, `rule name.lb-target-group: urn:pulumi:test::proj::aws:lb/targetGroup:TargetGroup::fargate-platform-staging-web: `+
		`name = "fargate-platform-staging-web-*******": auto-named from the logical name "fargate-platform-staging-web" plus "-" and 7 random characters: `+
		`36 characters; at most 32 characters, letters, digits and hyphens, not first or last a hyphen `+
		`(source: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html; `+
		`pulumi-aws provider/resources.go (aws_lb_target_group: AutoName("name", 32, "-"))); `+
		`fix: keep the target group's logical name within 24 characters (32 less the 8 of "-" and the random suffix): `+shorten,
		vs[0].Error())
}

func TestEveryRuleIsDocumented(t *testing.T) {
	for _, r := range Table() {
		assert.NotEmpty(t, r.ID)
		assert.NotEmpty(t, r.Type, r.ID)
		assert.NotEmpty(t, r.Property, r.ID)
		assert.NotEmpty(t, r.Limit, r.ID)
		assert.NotEmpty(t, r.Source, r.ID)
		assert.NotEmpty(t, r.Fix, r.ID)
		assert.True(t, r.check != nil || r.claim != nil || r.ID == physicalNameClaim.ID, "rule %s checks nothing", r.ID)
	}
}

// TestRetentionListIsTheConfigs: the config offers exactly the retentions the rule accepts.
func TestRetentionListIsTheConfigs(t *testing.T) {
	assert.Equal(t, LogRetentionDays, stacks.LogRetentionDays)
}
