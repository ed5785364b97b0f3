package rules

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/fargate"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// LogRetentionDays are the retentions CloudWatch Logs' PutRetentionPolicy accepts (besides never-expire).
// stacks.LogRetentionDays offers the same list to the config; a test holds the two together.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
	2557, 2922, 3288, 3653}

const (
	tTaskDefinition = "aws:ecs/taskDefinition:TaskDefinition"
	tService        = "aws:ecs/service:Service"
	tCluster        = "aws:ecs/cluster:Cluster"
	tScalingTarget  = "aws:appautoscaling/target:Target"
	tScalingPolicy  = "aws:appautoscaling/policy:Policy"
	tScheduled      = "aws:appautoscaling/scheduledAction:ScheduledAction"
)

func crossFieldRules() []Rule {
	const (
		ecsAP = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/"
		aas   = "https://docs.aws.amazon.com/autoscaling/application/APIReference/"
	)
	return []Rule{
		{
			ID: "ecs.fargate-task-size", Type: tTaskDefinition, Property: "cpu, memory",
			Limit:  "a CPU/memory pair Fargate offers",
			Source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size (pkg/fargate holds the table)",
			Fix:    "pick a pair from the table (webCpu/webMemory, workerCpu/workerMemory)",
			check: func(r *plan.Resource, _ *input) []finding {
				if !fargateTask(r) {
					return nil
				}
				cpu, okC := num(r, "cpu")
				mem, okM := num(r, "memory")
				if !okC || !okM {
					return []finding{{value: r.Str("cpu") + "/" + r.Str("memory"), detail: "Fargate needs task-level cpu and memory"}}
				}
				if msg := fargate.Size(cpu, mem); msg != "" {
					return []finding{{value: fmt.Sprintf("%d CPU / %d MiB", cpu, mem), detail: msg}}
				}
				return nil
			},
		},
		{
			ID: "ecs.container-sizes", Type: tTaskDefinition, Property: "containerDefinitions[].cpu, .memory",
			Limit:  "the containers' CPU units together within the task's cpu, and their memory (hard limits, else reservations) together within the task's memory",
			Source: ecsAP + "API_ContainerDefinition.html (cpu, memory, memoryReservation)",
			Fix:    "lower the containers' sizes or raise the task's (nginxCpu and nginxMemory come out of webCpu and webMemory)",
			check:  containerSizes,
		},
		{
			ID: "ecs.health-check-grace", Type: tService, Property: "healthCheckGracePeriodSeconds",
			Limit: "0 to 2147483647, and only on a service with a load balancer or a container health check: " +
				"without either ECS ignores it, and the setting promises a protection that is not there",
			Source: ecsAP + "API_CreateService.html (healthCheckGracePeriodSeconds)",
			Fix:    "attach the web service to its target group (service.Args.TargetGroupArn) or leave the grace period unset",
			check:  healthCheckGrace,
		},
		{
			ID: "appautoscaling.resource-id", Type: tScalingTarget, Property: "serviceNamespace, scalableDimension, resourceId",
			Limit: `an ECS service target is namespace "ecs", dimension "ecs:service:DesiredCount" and resource id ` +
				`"service/<cluster name>/<service name>" (names, not ARNs) of a cluster and a service the plan creates`,
			Source: aas + "API_RegisterScalableTarget.html (ResourceId)",
			Fix:    "build the resource id from the cluster's and the service's name outputs",
			check:  scalingTarget,
		},
		{
			ID: "appautoscaling.capacity", Type: tScalingTarget, Property: "minCapacity, maxCapacity",
			Limit:  "0 <= minCapacity <= maxCapacity",
			Source: aas + "API_RegisterScalableTarget.html (MinCapacity, MaxCapacity)",
			Fix:    "set <web|worker>MinCount at most <web|worker>MaxCount",
			check: func(r *plan.Resource, _ *input) []finding {
				lo, ok1 := num(r, "minCapacity")
				hi, ok2 := num(r, "maxCapacity")
				if ok1 && ok2 && (lo < 0 || lo > hi) {
					return []finding{{value: fmt.Sprintf("min %d, max %d", lo, hi)}}
				}
				return nil
			},
		},
		{
			ID: "appautoscaling.policy-target", Type: tScalingPolicy, Property: "serviceNamespace, scalableDimension, resourceId",
			Limit:  "the namespace, dimension and resource id of a scalable target the plan registers",
			Source: aas + "API_PutScalingPolicy.html (a policy applies to a registered scalable target)",
			Fix:    "take the three from the appautoscaling.Target's outputs",
			check:  registeredTarget,
		},
		{
			ID: "appautoscaling.action-target", Type: tScheduled, Property: "serviceNamespace, scalableDimension, resourceId",
			Limit:  "the namespace, dimension and resource id of a scalable target the plan registers",
			Source: aas + "API_PutScheduledAction.html",
			Fix:    "take the three from the appautoscaling.Target's outputs",
			check:  registeredTarget,
		},
		{
			ID: "appautoscaling.resource-label", Type: tScalingPolicy,
			Property: "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel",
			Limit:    `ALBRequestCountPerTarget needs "app/<load balancer>/<id>/targetgroup/<target group>/<id>", at most 1023 characters`,
			Source:   aas + "API_PredefinedMetricSpecification.html (ResourceLabel)",
			Fix:      "join the load balancer's and the target group's arnSuffix outputs with /",
			check: func(r *plan.Resource, _ *input) []finding {
				const spec = "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification."
				if r.Str(spec+"predefinedMetricType") != "ALBRequestCountPerTarget" {
					return nil
				}
				label := r.Str(spec + "resourceLabel")
				if len(label) > 1023 || !regexp.MustCompile(`^app/[^/]+/[^/]+/targetgroup/[^/]+/[^/]+$`).MatchString(label) {
					return []finding{{value: label}}
				}
				return nil
			},
		},
		{
			ID: "logs.retention", Type: "aws:cloudwatch/logGroup:LogGroup", Property: "retentionInDays",
			Limit:  "one of " + joinInts(LogRetentionDays) + " (or unset: never expire)",
			Source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
			Fix:    "pick a listed value (logRetentionDays, flowLogRetentionDays)",
			check: func(r *plan.Resource, _ *input) []finding {
				if d, ok := num(r, "retentionInDays"); ok && d != 0 && !slices.Contains(LogRetentionDays, d) {
					return []finding{{value: strconv.Itoa(d)}}
				}
				return nil
			},
		},
		between("rds.backup-retention", "aws:rds/instance:Instance", "backupRetentionPeriod", 0, 35,
			"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (BackupRetentionPeriod)",
			"set dbBackupRetentionDays from 1 to 35"),
		between("elasticache.snapshot-retention", "aws:elasticache/replicationGroup:ReplicationGroup", "snapshotRetentionLimit", 0, 35,
			"https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html (SnapshotRetentionLimit)",
			"set cacheSnapshotRetentionDays from 0 to 35"),
		{
			ID: "elasticache.failover", Type: "aws:elasticache/replicationGroup:ReplicationGroup",
			Property: "automaticFailoverEnabled, multiAzEnabled, numCacheClusters",
			Limit:    "automatic failover needs a replica (numCacheClusters at least 2), and Multi-AZ needs automatic failover",
			Source:   "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html (AutomaticFailoverEnabled, MultiAZEnabled)",
			Fix:      "set cacheNodes to 2 or more, or turn failover and Multi-AZ off",
			check: func(r *plan.Resource, _ *input) []finding {
				failover, multiAz := r.In("automaticFailoverEnabled") == true, r.In("multiAzEnabled") == true
				n, _ := num(r, "numCacheClusters")
				if (failover && n < 2) || (multiAz && !failover) {
					return []finding{{value: fmt.Sprintf("failover %t, Multi-AZ %t, %d nodes", failover, multiAz, n)}}
				}
				return nil
			},
		},
		{
			ID: "secretsmanager.recovery-window", Type: "aws:secretsmanager/secret:Secret", Property: "recoveryWindowInDays",
			Limit:  "0 (delete at once) or 7 to 30",
			Source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html (RecoveryWindowInDays)",
			Fix:    "set secretRecoveryWindowDays from 7 to 30",
			check: func(r *plan.Resource, _ *input) []finding {
				if d, ok := num(r, "recoveryWindowInDays"); ok && d != 0 && (d < 7 || d > 30) {
					return []finding{{value: strconv.Itoa(d)}}
				}
				return nil
			},
		},
		between("kms.deletion-window", "aws:kms/key:Key", "deletionWindowInDays", 7, 30,
			"https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html (PendingWindowInDays)",
			"set the key's deletion window from 7 to 30 days"),
		{
			ID: "lb.target-group-health-check", Type: "aws:lb/targetGroup:TargetGroup",
			Property: "healthCheck.interval, .timeout, .healthyThreshold, .unhealthyThreshold",
			Limit:    "interval 5 to 300 s, timeout 2 to 120 s and less than the interval, thresholds 2 to 10",
			Source:   "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html; https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
			Fix:      "change the health check in pkg/edge",
			check:    healthCheck,
		},
		between("lb.deregistration-delay", "aws:lb/targetGroup:TargetGroup", "deregistrationDelay", 0, 3600,
			"https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html (deregistration_delay.timeout_seconds)",
			"set a draining time from 0 to 3600 seconds"),
	}
}

// between is the rule that an optional number input lies in [lo, hi].
func between(id, typ, prop string, lo, hi int, source, fix string) Rule {
	return Rule{
		ID: id, Type: typ, Property: prop, Limit: fmt.Sprintf("from %d to %d", lo, hi), Source: source, Fix: fix,
		check: func(r *plan.Resource, _ *input) []finding {
			if n, ok := num(r, prop); ok && (n < lo || n > hi) {
				return []finding{{value: strconv.Itoa(n)}}
			}
			return nil
		},
	}
}

func fargateTask(r *plan.Resource) bool {
	compat, _ := r.In("requiresCompatibilities").([]any)
	return slices.Contains(compat, any("FARGATE"))
}

// container is the part of a container definition the size rules read.
type container struct {
	Name              string          `json:"name"`
	Cpu               int             `json:"cpu"`
	Memory            int             `json:"memory"`
	MemoryReservation int             `json:"memoryReservation"`
	HealthCheck       json.RawMessage `json:"healthCheck"`
}

func containers(r *plan.Resource) ([]container, bool) {
	defs, ok := str(r, "containerDefinitions")
	if !ok {
		return nil, false
	}
	var cs []container
	if err := json.Unmarshal([]byte(defs), &cs); err != nil {
		return nil, false
	}
	return cs, true
}

func containerSizes(r *plan.Resource, _ *input) []finding {
	cs, ok := containers(r)
	if !ok {
		return nil
	}
	cpu, memory := 0, 0
	var parts []string
	for _, c := range cs {
		m := c.Memory
		if m == 0 {
			m = c.MemoryReservation
		}
		cpu += c.Cpu
		memory += m
		parts = append(parts, fmt.Sprintf("%s %d/%d", c.Name, c.Cpu, m))
	}
	var out []finding
	value := strings.Join(parts, ", ")
	if taskCpu, ok := num(r, "cpu"); ok && cpu > taskCpu {
		out = append(out, finding{value: value, detail: fmt.Sprintf("%d CPU units in containers, the task has %d", cpu, taskCpu)})
	}
	if taskMem, ok := num(r, "memory"); ok && memory > taskMem {
		out = append(out, finding{value: value, detail: fmt.Sprintf("%d MiB in containers, the task has %d", memory, taskMem)})
	}
	return out
}

func healthCheckGrace(r *plan.Resource, in *input) []finding {
	grace, set := num(r, "healthCheckGracePeriodSeconds")
	if !set {
		return nil
	}
	if grace < 0 || grace > 2147483647 {
		return []finding{{value: strconv.Itoa(grace), detail: "out of range"}}
	}
	if lbs, _ := r.In("loadBalancers").([]any); len(lbs) > 0 {
		return nil
	}
	td := byOutput(in, tTaskDefinition, "arn", r.Str("taskDefinition"))
	if td != nil {
		if cs, ok := containers(td); ok {
			for _, c := range cs {
				if len(c.HealthCheck) > 0 && string(c.HealthCheck) != "null" {
					return nil
				}
			}
		}
	}
	return []finding{{value: strconv.Itoa(grace), detail: "the service has no load balancer and its containers no health check"}}
}

var ecsServiceId = regexp.MustCompile(`^service/([^/]+)/([^/]+)$`)

func scalingTarget(r *plan.Resource, in *input) []finding {
	if r.Str("serviceNamespace") != "ecs" {
		return nil
	}
	id := r.Str("resourceId")
	value := r.Str("serviceNamespace") + " " + r.Str("scalableDimension") + " " + id
	if r.Str("scalableDimension") != "ecs:service:DesiredCount" {
		return []finding{{value: value, detail: "the dimension of an ECS service is ecs:service:DesiredCount"}}
	}
	m := ecsServiceId.FindStringSubmatch(id)
	if m == nil {
		return []finding{{value: value, detail: "not service/<cluster>/<service>"}}
	}
	if byInput(in, tCluster, "name", m[1]) == nil {
		return []finding{{value: value, detail: fmt.Sprintf("no cluster named %q in the plan", m[1])}}
	}
	if byOutput(in, tService, "name", m[2]) == nil {
		return []finding{{value: value, detail: fmt.Sprintf("no service named %q in the plan", m[2])}}
	}
	return nil
}

func registeredTarget(r *plan.Resource, in *input) []finding {
	key := func(x *plan.Resource) string {
		return x.Str("serviceNamespace") + " " + x.Str("scalableDimension") + " " + x.Str("resourceId")
	}
	for _, t := range in.byType[tScalingTarget] {
		if key(t) == key(r) {
			return nil
		}
	}
	return []finding{{value: key(r), detail: "no scalable target in the plan has these"}}
}

func healthCheck(r *plan.Resource, _ *input) []finding {
	if r.In("healthCheck") == nil {
		return nil
	}
	interval, hasI := num(r, "healthCheck.interval")
	timeout, hasT := num(r, "healthCheck.timeout")
	var problems []string
	if hasI && (interval < 5 || interval > 300) {
		problems = append(problems, fmt.Sprintf("interval %d", interval))
	}
	if hasT && (timeout < 2 || timeout > 120) {
		problems = append(problems, fmt.Sprintf("timeout %d", timeout))
	}
	if hasI && hasT && timeout >= interval {
		problems = append(problems, fmt.Sprintf("timeout %d not below interval %d", timeout, interval))
	}
	for _, k := range []string{"healthyThreshold", "unhealthyThreshold"} {
		if n, ok := num(r, "healthCheck."+k); ok && (n < 2 || n > 10) {
			problems = append(problems, fmt.Sprintf("%s %d", k, n))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return []finding{{value: strings.Join(problems, ", ")}}
}

// byInput and byOutput find the resource of a type whose input (output) key has value.
func byInput(in *input, typ, key, value string) *plan.Resource {
	for _, r := range in.byType[typ] {
		if v, ok := str(r, key); ok && v == value {
			return r
		}
	}
	return nil
}

func byOutput(in *input, typ, key, value string) *plan.Resource {
	for _, r := range in.byType[typ] {
		if v, ok := plan.Lookup(r.Outputs, key).(string); ok && v == value {
			return r
		}
	}
	return nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
