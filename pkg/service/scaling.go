package service

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Cooldowns: scale out fast on load, scale in slowly so a brief lull does not drop capacity.
const (
	ScaleOutCooldown = 60
	ScaleInCooldown  = 300
)

// trackingPolicy is one target-tracking policy of a service.
type trackingPolicy struct {
	suffix string
	metric string
	target int
	label  pulumi.StringInput // ALBRequestCountPerTarget only
}

// autoscale registers each service as a scalable target with its target-tracking policies and, when
// scheduled, the actions that take it to zero outside working hours and back.
func autoscale(ctx *pulumi.Context, name string, a Args, cluster *ecs.Cluster, services map[string]*ecs.Service,
	parent pulumi.ResourceOption) error {
	for _, spec := range servicesOf(a.specs) {
		task := spec.Name
		size := TaskArgs{Min: spec.Min, Max: spec.Max}
		// CPU for every service; memory for those that serve requests (a worker's memory follows its
		// jobs, not its load); requests per target for a web service behind the ALB.
		policies := []trackingPolicy{{"cpu", "ECSServiceAverageCPUUtilization", spec.CpuTarget, nil}}
		if spec.Role != RoleWorker {
			policies = append(policies, trackingPolicy{"memory", "ECSServiceAverageMemoryUtilization", spec.MemoryTarget, nil})
		}
		if spec.AlbResourceLabel != nil {
			policies = append(policies, trackingPolicy{"requests", "ALBRequestCountPerTarget", spec.RequestsPerTarget, spec.AlbResourceLabel})
		}
		svcName := name + "-" + task

		// The service's desired count, bounded by the stack's min and max.
		target, err := appautoscaling.NewTarget(ctx, svcName, &appautoscaling.TargetArgs{
			ServiceNamespace:  pulumi.String("ecs"),
			ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
			ResourceId:        pulumi.Sprintf("service/%s/%s", cluster.Name, services[task].Name),
			MinCapacity:       pulumi.Int(size.Min),
			MaxCapacity:       pulumi.Int(size.Max),
		}, parent)
		if err != nil {
			return err
		}

		// Policies and actions on one target are written one after another: Application Auto Scaling
		// refuses concurrent updates to a target.
		previous := []pulumi.Resource{target}
		for _, p := range policies {
			metric := appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
				PredefinedMetricType: pulumi.String(p.metric),
			}
			if p.label != nil {
				metric.ResourceLabel = p.label.ToStringOutput().ToStringPtrOutput()
			}
			// Target tracking on one metric; the service scales out when any policy asks, in when all allow.
			policy, err := appautoscaling.NewPolicy(ctx, svcName+"-"+p.suffix, &appautoscaling.PolicyArgs{
				PolicyType:        pulumi.String("TargetTrackingScaling"),
				ServiceNamespace:  target.ServiceNamespace,
				ScalableDimension: target.ScalableDimension,
				ResourceId:        target.ResourceId,
				TargetTrackingScalingPolicyConfiguration: appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
					PredefinedMetricSpecification: metric,
					TargetValue:                   pulumi.Float64(float64(p.target)),
					ScaleOutCooldown:              pulumi.Int(ScaleOutCooldown),
					ScaleInCooldown:               pulumi.Int(ScaleInCooldown),
				},
			}, parent, pulumi.DependsOn(previous))
			if err != nil {
				return err
			}
			previous = []pulumi.Resource{policy}
		}
		if spec.QueueLatency != nil {
			policy, err := NewQueueLatencyPolicy(ctx, svcName+"-queue-latency", target, *spec.QueueLatency,
				parent, pulumi.DependsOn(previous))
			if err != nil {
				return err
			}
			previous = []pulumi.Resource{policy}
		}

		if !a.Schedule.Enabled {
			continue
		}
		for _, action := range []struct {
			suffix, schedule string
			min, max         int
		}{
			{"scale-down", a.Schedule.ScaleDownCron, 0, 0},
			{"scale-up", a.Schedule.ScaleUpCron, size.Min, size.Max},
		} {
			// Outside working hours the service holds no task; in the morning it returns to its bounds.
			sa, err := appautoscaling.NewScheduledAction(ctx, svcName+"-"+action.suffix, &appautoscaling.ScheduledActionArgs{
				ServiceNamespace:  target.ServiceNamespace,
				ScalableDimension: target.ScalableDimension,
				ResourceId:        target.ResourceId,
				Schedule:          pulumi.String(action.schedule),
				Timezone:          pulumi.String(a.Schedule.Timezone),
				ScalableTargetAction: appautoscaling.ScheduledActionScalableTargetActionArgs{
					MinCapacity: pulumi.Int(action.min),
					MaxCapacity: pulumi.Int(action.max),
				},
			}, parent, pulumi.DependsOn(previous))
			if err != nil {
				return err
			}
			previous = []pulumi.Resource{sa}
		}
	}
	return nil
}
