package observability

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TreatMissingData values, named for what they mean here.
const (
	// missingIsOK: no data means nothing to measure (no requests, no tasks), not a fault.
	missingIsOK = "notBreaching"
	// missingIsDown: the metric is always published while the resource is up; silence is an outage.
	missingIsDown = "breaching"
)

// alarm is one CloudWatch alarm before it has actions.
type alarm struct {
	suffix      string // "<name>-<suffix>" is the alarm's name
	service     string // the ServiceRef's Name for a service's alarms, else ""
	description string
	namespace   string
	metric      string
	dimensions  pulumi.StringMap
	statistic   string // or extended
	extended    string // "p99"
	queries     cloudwatch.MetricAlarmMetricQueryArray
	period      int
	evaluations int
	datapoints  int
	comparison  string
	threshold   float64
	missing     string
}

// alarms creates every alarm, each notifying the topic on ALARM and on OK, and returns their names.
func alarms(ctx *pulumi.Context, name string, a Args, topicArn pulumi.StringOutput, parent pulumi.ResourceOption) (pulumi.StringArrayOutput, error) {
	var names pulumi.StringArray
	for _, al := range alarmSet(a) {
		args := &cloudwatch.MetricAlarmArgs{
			Name:               pulumi.String(name + "-" + al.suffix),
			AlarmDescription:   pulumi.String(al.description),
			ComparisonOperator: pulumi.String(al.comparison),
			EvaluationPeriods:  pulumi.Int(al.evaluations),
			DatapointsToAlarm:  pulumi.Int(al.datapoints),
			Threshold:          pulumi.Float64(al.threshold),
			TreatMissingData:   pulumi.String(al.missing),
			ActionsEnabled:     pulumi.Bool(true),
			AlarmActions:       pulumi.Array{topicArn},
			OkActions:          pulumi.Array{topicArn},
			Tags:               pulumi.StringMap{"Name": pulumi.String(name + "-" + al.suffix)},
		}
		if al.queries != nil {
			args.MetricQueries = al.queries
		} else {
			args.Namespace = pulumi.String(al.namespace)
			args.MetricName = pulumi.String(al.metric)
			args.Dimensions = al.dimensions
			args.Period = pulumi.Int(al.period)
			if al.extended != "" {
				args.ExtendedStatistic = pulumi.String(al.extended)
				// A percentile over a handful of requests is noise: too few samples never alarm.
				args.EvaluateLowSampleCountPercentiles = pulumi.String("ignore")
			} else {
				args.Statistic = pulumi.String(al.statistic)
			}
		}
		// One alarm per failure mode, so the notification itself says what broke.
		res, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+al.suffix, args, parent)
		if err != nil {
			return pulumi.StringArrayOutput{}, err
		}
		names = append(names, res.Name)
	}
	return names.ToStringArrayOutput(), nil
}

// alarmSet is the alarms the args call for, in creation order: each service's (whatever its role, the
// same three, named after the service), then the load balancer's, the database's and each cache node's.
func alarmSet(a Args) []alarm {
	var out []alarm
	for _, s := range a.Services {
		svc := pulumi.StringMap{"ClusterName": a.ClusterName, "ServiceName": s.ServiceName}
		out = append(out,
			// High CPU and memory averaged over the service's tasks for 5 minutes: autoscaling should have
			// acted by then. No data means no tasks run (a scheduled scale to zero); the running-tasks
			// alarm speaks for that, so silence is not a breach here.
			alarm{suffix: s.Name + "-cpu-high", service: s.Name, description: fmt.Sprintf("%s service CPU above %d%% for 5 minutes", s.Name, a.CpuPercent),
				namespace: "AWS/ECS", metric: "CPUUtilization", dimensions: svc, statistic: "Average",
				period: 60, evaluations: 5, datapoints: 5, comparison: "GreaterThanThreshold",
				threshold: float64(a.CpuPercent), missing: missingIsOK},
			alarm{suffix: s.Name + "-memory-high", service: s.Name, description: fmt.Sprintf("%s service memory above %d%% for 5 minutes", s.Name, a.MemoryPercent),
				namespace: "AWS/ECS", metric: "MemoryUtilization", dimensions: svc, statistic: "Average",
				period: 60, evaluations: 5, datapoints: 5, comparison: "GreaterThanThreshold",
				threshold: float64(a.MemoryPercent), missing: missingIsOK},
		)
		if s.DesiredMin > 0 {
			out = append(out, runningTasks(a, s))
		}
	}

	lb := pulumi.StringMap{"LoadBalancer": a.AlbArnSuffix}
	tg := pulumi.StringMap{"LoadBalancer": a.AlbArnSuffix, "TargetGroup": a.TargetGroupArnSuffix}
	out = append(out,
		// The ALB's own 5xx (no healthy target, target refused or timed out) as a share of requests.
		// No requests means no data: nothing is failing.
		alarm{suffix: "alb-5xx-rate", description: fmt.Sprintf("ALB 5xx above %d%% of requests for 3 of 5 minutes", a.Alb5xxPercent),
			queries: rate("HTTPCode_ELB_5XX_Count", lb), evaluations: 5, datapoints: 3,
			comparison: "GreaterThanThreshold", threshold: float64(a.Alb5xxPercent), missing: missingIsOK},
		// The app's 5xx as a share of the requests its target group served.
		alarm{suffix: "target-5xx-rate", description: fmt.Sprintf("Web tasks answer 5xx to more than %d%% of requests for 3 of 5 minutes", a.Target5xxPercent),
			queries: rate("HTTPCode_Target_5XX_Count", tg), evaluations: 5, datapoints: 3,
			comparison: "GreaterThanThreshold", threshold: float64(a.Target5xxPercent), missing: missingIsOK},
		// Any unhealthy target for 3 minutes. The ALB reports the count only while targets are
		// registered; with none, the running-tasks alarm fires instead.
		alarm{suffix: "unhealthy-hosts", description: "Web targets failing the ALB health check for 3 minutes",
			namespace: "AWS/ApplicationELB", metric: "UnHealthyHostCount", dimensions: tg, statistic: "Maximum",
			period: 60, evaluations: 3, datapoints: 3, comparison: "GreaterThanThreshold", threshold: 0, missing: missingIsOK},
		// p99 latency in seconds, as the metric is. No requests, no latency.
		alarm{suffix: "p99-latency", description: fmt.Sprintf("p99 target response time above %d ms for 5 minutes", a.P99LatencyMs),
			namespace: "AWS/ApplicationELB", metric: "TargetResponseTime", dimensions: tg, extended: "p99",
			period: 60, evaluations: 5, datapoints: 5, comparison: "GreaterThanThreshold",
			threshold: float64(a.P99LatencyMs) / 1000, missing: missingIsOK},
	)

	db := pulumi.StringMap{"DBInstanceIdentifier": a.DbInstanceId}
	// RDS publishes these every minute while the instance runs: silence means it is down.
	out = append(out,
		alarm{suffix: "db-cpu-high", description: fmt.Sprintf("RDS CPU above %d%% for 10 minutes", a.DbCpuPercent),
			namespace: "AWS/RDS", metric: "CPUUtilization", dimensions: db, statistic: "Average",
			period: 60, evaluations: 10, datapoints: 10, comparison: "GreaterThanThreshold",
			threshold: float64(a.DbCpuPercent), missing: missingIsDown},
		alarm{suffix: "db-free-storage-low", description: fmt.Sprintf("RDS free storage below %d GiB", a.DbFreeStorageGiB),
			namespace: "AWS/RDS", metric: "FreeStorageSpace", dimensions: db, statistic: "Minimum",
			period: 300, evaluations: 1, datapoints: 1, comparison: "LessThanThreshold",
			threshold: float64(a.DbFreeStorageGiB) * 1024 * 1024 * 1024, missing: missingIsDown},
		alarm{suffix: "db-freeable-memory-low", description: fmt.Sprintf("RDS freeable memory below %d MiB for 10 minutes", a.DbFreeableMemoryMiB),
			namespace: "AWS/RDS", metric: "FreeableMemory", dimensions: db, statistic: "Minimum",
			period: 60, evaluations: 10, datapoints: 10, comparison: "LessThanThreshold",
			threshold: float64(a.DbFreeableMemoryMiB) * 1024 * 1024, missing: missingIsDown},
		alarm{suffix: "db-connections-high", description: fmt.Sprintf("RDS connections above %d for 5 minutes", a.DbConnections),
			namespace: "AWS/RDS", metric: "DatabaseConnections", dimensions: db, statistic: "Maximum",
			period: 60, evaluations: 5, datapoints: 5, comparison: "GreaterThanThreshold",
			threshold: float64(a.DbConnections), missing: missingIsDown},
	)

	for i := 1; i <= a.CacheNodes; i++ {
		node := fmt.Sprintf("%03d", i)
		dims := pulumi.StringMap{"CacheClusterId": pulumi.Sprintf("%s-%s", a.CacheReplicationGroupId, node)}
		// ElastiCache publishes these every minute per node while it runs: silence means it is down.
		out = append(out,
			alarm{suffix: "cache-" + node + "-engine-cpu-high", description: fmt.Sprintf("Cache node %s engine CPU above %d%% for 5 minutes", node, a.CacheCpuPercent),
				namespace: "AWS/ElastiCache", metric: "EngineCPUUtilization", dimensions: dims, statistic: "Average",
				period: 60, evaluations: 5, datapoints: 5, comparison: "GreaterThanThreshold",
				threshold: float64(a.CacheCpuPercent), missing: missingIsDown},
			alarm{suffix: "cache-" + node + "-memory-high", description: fmt.Sprintf("Cache node %s memory above %d%%: at 100%% noeviction refuses writes", node, a.CacheMemoryPercent),
				namespace: "AWS/ElastiCache", metric: "DatabaseMemoryUsagePercentage", dimensions: dims, statistic: "Maximum",
				period: 60, evaluations: 3, datapoints: 3, comparison: "GreaterThanThreshold",
				threshold: float64(a.CacheMemoryPercent), missing: missingIsDown},
			// noeviction should make an eviction impossible; one means Sidekiq jobs were lost. The first
			// one alarms. No data is zero evictions.
			alarm{suffix: "cache-" + node + "-evictions", description: fmt.Sprintf("Cache node %s evicted keys: Sidekiq jobs lost (maxmemory-policy must be noeviction)", node),
				namespace: "AWS/ElastiCache", metric: "Evictions", dimensions: dims, statistic: "Sum",
				period: 60, evaluations: 1, datapoints: 1, comparison: "GreaterThanThreshold", threshold: 0, missing: missingIsOK},
		)
		if a.CacheNodes >= 2 {
			// Only replicas report ReplicationLag, and which node is the replica changes on failover, so
			// every node has the alarm and the primary's silence is fine.
			out = append(out, alarm{suffix: "cache-" + node + "-replication-lag", description: fmt.Sprintf("Cache node %s replica more than %d s behind for 5 minutes", node, a.CacheReplicationLagSeconds),
				namespace: "AWS/ElastiCache", metric: "ReplicationLag", dimensions: dims, statistic: "Maximum",
				period: 60, evaluations: 5, datapoints: 5, comparison: "GreaterThanThreshold",
				threshold: float64(a.CacheReplicationLagSeconds), missing: missingIsOK})
		}
	}
	return out
}

// runningTasks alarms when a service runs fewer tasks than its floor (DesiredMin), or than it wants when
// it wants fewer (a scheduled scale to zero), for 5 minutes: shortfall = MIN(desired, DesiredMin) -
// running. No data means Container Insights stopped reporting the service: treated as down.
func runningTasks(a Args, s ServiceRef) alarm {
	dims := pulumi.StringMap{"ClusterName": a.ClusterName, "ServiceName": s.ServiceName}
	metric := func(id, name string) *cloudwatch.MetricAlarmMetricQueryArgs {
		return &cloudwatch.MetricAlarmMetricQueryArgs{
			Id: pulumi.String(id),
			Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
				Namespace: pulumi.String("ECS/ContainerInsights"), MetricName: pulumi.String(name),
				Dimensions: dims, Period: pulumi.Int(60), Stat: pulumi.String("Minimum"),
			},
			ReturnData: pulumi.Bool(false),
		}
	}
	return alarm{
		suffix:      s.Name + "-running-tasks-low",
		service:     s.Name,
		description: fmt.Sprintf("%s service runs fewer than %d tasks (or fewer than it wants) for 5 minutes", s.Name, s.DesiredMin),
		queries: cloudwatch.MetricAlarmMetricQueryArray{
			metric("running", "RunningTaskCount"),
			metric("desired", "DesiredTaskCount"),
			&cloudwatch.MetricAlarmMetricQueryArgs{
				Id:         pulumi.String("shortfall"),
				Expression: pulumi.String(fmt.Sprintf("MIN([desired, desired * 0 + %d]) - running", s.DesiredMin)),
				Label:      pulumi.String("Tasks missing"),
				ReturnData: pulumi.Bool(true),
			},
		},
		evaluations: 5, datapoints: 5, comparison: "GreaterThanThreshold", threshold: 0, missing: missingIsDown,
	}
}

// rate is errors as a percentage of RequestCount, both summed per minute; minutes without errors report
// no error datapoint, so FILL makes them 0.
func rate(errors string, dims pulumi.StringMap) cloudwatch.MetricAlarmMetricQueryArray {
	metric := func(id, name string) *cloudwatch.MetricAlarmMetricQueryArgs {
		return &cloudwatch.MetricAlarmMetricQueryArgs{
			Id: pulumi.String(id),
			Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
				Namespace: pulumi.String("AWS/ApplicationELB"), MetricName: pulumi.String(name),
				Dimensions: dims, Period: pulumi.Int(60), Stat: pulumi.String("Sum"),
			},
			ReturnData: pulumi.Bool(false),
		}
	}
	return cloudwatch.MetricAlarmMetricQueryArray{
		metric("errors", errors),
		metric("requests", "RequestCount"),
		&cloudwatch.MetricAlarmMetricQueryArgs{
			Id:         pulumi.String("rate"),
			Expression: pulumi.String("100 * FILL(errors, 0) / requests"),
			Label:      pulumi.String(errors + " % of requests"),
			ReturnData: pulumi.Bool(true),
		},
	}
}
