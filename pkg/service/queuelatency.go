package service

// Scaling a worker on queue latency: how long the oldest job of its queues has waited. No other Fargate
// tool offers this outside SQS. The measurement is a non-essential sidecar in the worker task (the
// queuelatency/ binary) that writes the value in CloudWatch Embedded Metric Format to its stdout; the
// task's awslogs driver ships it to the worker's log group, and CloudWatch Logs turns it into the metric
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
// So the task role gains nothing (no cloudwatch:PutMetricData) and the execution role nothing but the pull
// of the sidecar's image. The policy tracks the largest latency over the worker's queues, statistic
// Maximum: every task's sidecar reports the same queues, so Maximum is right however many run.
//
// These functions are pure or register one resource each; New calls them for a worker whose Spec has
// QueueLatency (containers.go, scaling.go): see docs/service.md, "Scaling workers on queue latency".

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/queuelatency"
)

const (
	// QueueLatencyContainer is the sidecar's container name, and its part of the awslogs stream name
	// (<stream prefix>/queue-latency/<task id>).
	QueueLatencyContainer = "queue-latency"
	// QueueLatencyUser is the image's user (queuelatency/Dockerfile: distroless's nonroot, 65532).
	QueueLatencyUser = "65532:65532"
	// QueueLatencyStatistic is the policy's statistic over the tasks' identical reports.
	QueueLatencyStatistic = "Maximum"
)

// QueueLatencyArgs configure one worker's sidecar and the policy that scales the worker on its metric.
type QueueLatencyArgs struct {
	// Service is the metric's Service dimension, the same in the sidecar's documents and the policy. It
	// must be known before the ECS service exists (the task definition cannot name the service that runs
	// it) and unique in the account and Region (dev and prod must not share a series): the worker's task
	// family, "<stack name>-<service>", is both. Required.
	Service string
	// JobSystem is the sidecar's Source, one of queuelatency.JobSystems. Default "sidekiq".
	JobSystem string
	// Queues are the queues the worker works, by name (Sidekiq: without the queue: prefix). The policy
	// tracks the oldest job of any of them. Default ["default"].
	Queues []string
	// IntervalSeconds is how often the sidecar reads: 5 to 60, so that each one-minute period the
	// policy's alarms evaluate holds a value. Default 15.
	IntervalSeconds int
	// TargetSeconds is the oldest-job age the policy keeps the worker at: above it the worker scales out
	// in proportion, well below it in. Default 30.
	TargetSeconds int
	// ScaleOutCooldown and ScaleInCooldown are seconds between scaling activities. Default the package's
	// ScaleOutCooldown (60) and ScaleInCooldown (300), as for the CPU and memory policies.
	ScaleOutCooldown int
	ScaleInCooldown  int
	// Cpu and Memory are the sidecar's share of the task (CPU units, MiB hard limit); the app container
	// gets the rest. Memory holds the largest job the sidecar reads (16 MiB) with room. Default 32 and 64.
	Cpu    int
	Memory int
}

// QueueLatencyValues are what the sidecar's container definition holds that resolves only at deploy
// time: the caller passes them from inside its apply, as New does for the app containers.
type QueueLatencyValues struct {
	// Image is the sidecar's image, "<repositoryUrl>:<tag>" or "<repositoryUrl>@sha256:<digest>".
	// Required. Its repository must be among the execution role's RepositoryArns.
	Image string
	// Region, LogGroup and StreamPrefix are the worker task's awslogs settings: the metric is extracted
	// from the worker's own log group. Required.
	Region       string
	LogGroup     string
	StreamPrefix string
	// Environment and Secrets are the job system's variables, and nothing else (QueueLatencyVariables):
	// for Sidekiq, REDIS_URL and the REDIS_PASSWORD secret the app receives.
	Environment []KeyValue
	Secrets     []SecretRef
}

// QueueLatencyVariables are the variables a job system's sidecar reads: plain environment (all
// required) and secrets (each optional). The sidecar receives these and no other of the app's.
func QueueLatencyVariables(jobSystem string) (environment, secrets []string) {
	switch jobSystem {
	case queuelatency.SidekiqSystem:
		return []string{queuelatency.EnvRedisURL}, []string{queuelatency.EnvRedisPassword}
	}
	return nil, nil
}

// WithDefaults fills the defaults and rejects what cannot run, naming the field, the value and what is
// accepted. It registers nothing; call it where the stack config is validated.
func (a QueueLatencyArgs) WithDefaults() (QueueLatencyArgs, error) {
	out := a
	out.Queues = slices.Clone(a.Queues)
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if out.JobSystem == "" {
		out.JobSystem = queuelatency.SidekiqSystem
	}
	if len(out.Queues) == 0 {
		out.Queues = []string{queuelatency.DefaultQueue}
	}
	def(&out.IntervalSeconds, int(queuelatency.DefaultInterval.Seconds()))
	def(&out.TargetSeconds, 30)
	def(&out.ScaleOutCooldown, ScaleOutCooldown)
	def(&out.ScaleInCooldown, ScaleInCooldown)
	def(&out.Cpu, 32)
	def(&out.Memory, 64)
	return out, out.validate()
}

func (a QueueLatencyArgs) validate() error {
	bad := func(field string, value any, allowed string) error {
		return fmt.Errorf("service: QueueLatency.%s %v: want %s", field, value, allowed)
	}
	if err := queuelatency.CheckName(a.Service); err != nil {
		return bad("Service", fmt.Sprintf("%q", a.Service), "the worker's task family, such as fp-prod-worker ("+err.Error()+")")
	}
	if !slices.Contains(queuelatency.JobSystems, a.JobSystem) {
		return bad("JobSystem", fmt.Sprintf("%q", a.JobSystem), fmt.Sprintf("one of %v", queuelatency.JobSystems))
	}
	for i, q := range a.Queues {
		if err := queuelatency.CheckName(q); err != nil {
			return bad(fmt.Sprintf("Queues[%d]", i), fmt.Sprintf("%q", q), "a queue name ("+err.Error()+")")
		}
		if slices.Index(a.Queues, q) != i {
			return bad(fmt.Sprintf("Queues[%d]", i), fmt.Sprintf("%q", q), "each queue once")
		}
	}
	minI, maxI := int(queuelatency.MinInterval.Seconds()), int(queuelatency.MaxInterval.Seconds())
	switch {
	case a.IntervalSeconds < minI || a.IntervalSeconds > maxI:
		return bad("IntervalSeconds", a.IntervalSeconds, fmt.Sprintf("%d to %d: every minute needs a value", minI, maxI))
	case a.TargetSeconds < 1 || a.TargetSeconds > 86400:
		return bad("TargetSeconds", a.TargetSeconds, "1 to 86400 seconds of waiting")
	case a.ScaleOutCooldown < 0 || a.ScaleOutCooldown > 3600:
		return bad("ScaleOutCooldown", a.ScaleOutCooldown, "0 to 3600 seconds")
	case a.ScaleInCooldown < 0 || a.ScaleInCooldown > 3600:
		return bad("ScaleInCooldown", a.ScaleInCooldown, "0 to 3600 seconds")
	case a.Cpu < 0:
		return bad("Cpu", a.Cpu, "0 or more CPU units")
	case a.Memory < 64:
		return bad("Memory", a.Memory, "at least 64 MiB: the sidecar reads jobs of up to 16 MiB")
	}
	return nil
}

// QueueLatencySidecar is the sidecar's container definition for a worker task. It is not essential: if
// it stops, the worker keeps working and the policy, without data, neither scales out nor in. Like every
// container here it has a read-only root, no privileges, an init process and the ECS Exec agent's
// writable mounts (the image has no shell, but the agent is injected into every container of a task
// with ECS Exec on); its own image writes nothing.
func QueueLatencySidecar(a QueueLatencyArgs, v QueueLatencyValues) (ContainerDefinition, error) {
	a, err := a.WithDefaults()
	if err != nil {
		return ContainerDefinition{}, err
	}
	if err := v.validate(a.JobSystem); err != nil {
		return ContainerDefinition{}, err
	}
	c := ContainerDefinition{
		Name:      QueueLatencyContainer,
		Image:     v.Image,
		Essential: false,
		User:      QueueLatencyUser,
		Cpu:       a.Cpu,
		Memory:    a.Memory,
		Environment: append([]KeyValue{
			{Name: queuelatency.EnvJobSystem, Value: a.JobSystem},
			{Name: queuelatency.EnvService, Value: a.Service},
			{Name: queuelatency.EnvQueues, Value: strings.Join(a.Queues, ",")},
			{Name: queuelatency.EnvInterval, Value: fmt.Sprint(a.IntervalSeconds)},
			// The Go runtime collects harder as it nears this, well before the hard limit kills it.
			{Name: "GOMEMLIMIT", Value: fmt.Sprintf("%dMiB", a.Memory*3/4)},
		}, v.Environment...),
		Secrets: v.Secrets,
		LogConfiguration: &LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group":         v.LogGroup,
			"awslogs-region":        v.Region,
			"awslogs-stream-prefix": v.StreamPrefix,
		}},
		ReadonlyRootFilesystem: true,
		Privileged:             false,
		LinuxParameters:        &LinuxParameters{InitProcessEnabled: true},
	}
	for _, p := range ExecAgentPaths {
		c.MountPoints = append(c.MountPoints, MountPoint{SourceVolume: volumeName(c.Name, p), ContainerPath: p})
	}
	return c, nil
}

func (v QueueLatencyValues) validate(jobSystem string) error {
	bad := func(field string, value any, allowed string) error {
		return fmt.Errorf("service: queue-latency sidecar %s %v: want %s", field, value, allowed)
	}
	switch {
	case v.Image == "":
		return bad("Image", `""`, "the sidecar image, <repositoryUrl>:<tag> or @sha256:<digest> (queuelatency/Dockerfile)")
	case v.Region == "" || v.LogGroup == "" || v.StreamPrefix == "":
		return bad("Region, LogGroup and StreamPrefix", fmt.Sprintf("%q, %q, %q", v.Region, v.LogGroup, v.StreamPrefix),
			"the worker task's awslogs settings: the metric is extracted from its log group")
	}
	envs, secrets := QueueLatencyVariables(jobSystem)
	seen := map[string]bool{}
	for _, e := range v.Environment {
		if !slices.Contains(envs, e.Name) || seen[e.Name] {
			return bad("Environment", e.Name, fmt.Sprintf("each of %v once: the %s sidecar gets nothing else of the app's", envs, jobSystem))
		}
		seen[e.Name] = true
	}
	for _, n := range envs {
		if !seen[n] {
			return bad("Environment", fmt.Sprintf("without %s", n), fmt.Sprintf("%v: the %s sidecar reads them", envs, jobSystem))
		}
	}
	for _, s := range v.Secrets {
		if !slices.Contains(secrets, s.Name) || seen[s.Name] {
			return bad("Secrets", s.Name, fmt.Sprintf("at most each of %v once: the %s sidecar gets nothing else of the app's", secrets, jobSystem))
		}
		seen[s.Name] = true
	}
	return nil
}

// NewQueueLatencyPolicy registers the target-tracking policy that scales target (a worker service's
// desired count) on the sidecar's metric: namespace queuelatency.Namespace, metric MetricName with the
// Service dimension alone, statistic Maximum, unit Seconds. Pass pulumi.DependsOn with the target's
// previous policy in opts: Application Auto Scaling refuses concurrent updates to one target.
//
// Latency is not a utilization: it tracks well while the backlog drains at a rate proportional to the
// tasks (twice the tasks, about half the wait), which is what target tracking assumes
// (https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html);
// a single job longer than the target keeps it high whatever the count, up to the target's maximum.
// The worker's minimum must be at least 1: the metric comes from the worker's own tasks, so at zero
// tasks there is no value to scale out on.
func NewQueueLatencyPolicy(ctx *pulumi.Context, name string, target *appautoscaling.Target, a QueueLatencyArgs,
	opts ...pulumi.ResourceOption) (*appautoscaling.Policy, error) {
	a, err := a.WithDefaults()
	if err != nil {
		return nil, err
	}
	// Target tracking on the oldest waiting job of the worker's queues.
	return appautoscaling.NewPolicy(ctx, name, &appautoscaling.PolicyArgs{
		PolicyType:        pulumi.String("TargetTrackingScaling"),
		ServiceNamespace:  target.ServiceNamespace,
		ScalableDimension: target.ScalableDimension,
		ResourceId:        target.ResourceId,
		TargetTrackingScalingPolicyConfiguration: appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
			CustomizedMetricSpecification: appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs{
				Namespace:  pulumi.String(queuelatency.Namespace),
				MetricName: pulumi.String(queuelatency.MetricName),
				Dimensions: appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationDimensionArray{
					appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationDimensionArgs{
						Name:  pulumi.String(queuelatency.ServiceDimension),
						Value: pulumi.String(a.Service),
					},
				},
				Statistic: pulumi.String(QueueLatencyStatistic),
				Unit:      pulumi.String(queuelatency.Unit),
			},
			TargetValue:      pulumi.Float64(float64(a.TargetSeconds)),
			ScaleOutCooldown: pulumi.Int(a.ScaleOutCooldown),
			ScaleInCooldown:  pulumi.Int(a.ScaleInCooldown),
		},
	}, opts...)
}
