package cost

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// appautoscalingTarget is a service's scalable target of 1 to 2 tasks.
func appautoscalingTarget(ctx *pulumi.Context, id pulumi.StringOutput) (*appautoscaling.Target, error) {
	return appautoscaling.NewTarget(ctx, "web", &appautoscaling.TargetArgs{ResourceId: id, MinCapacity: pulumi.Int(1),
		MaxCapacity: pulumi.Int(2), ScalableDimension: pulumi.String("ecs:service:DesiredCount"), ServiceNamespace: pulumi.String("ecs")})
}

// scheduledAction sets a service's bounds on a schedule.
func scheduledAction(ctx *pulumi.Context, name string, id pulumi.StringOutput, a Action) error {
	_, err := appautoscaling.NewScheduledAction(ctx, "web-"+name, &appautoscaling.ScheduledActionArgs{ResourceId: id,
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"), ServiceNamespace: pulumi.String("ecs"),
		Schedule: pulumi.String(a.Schedule), Timezone: pulumi.String("Australia/Sydney"),
		ScalableTargetAction: &appautoscaling.ScheduledActionScalableTargetActionArgs{MinCapacity: pulumi.Int(a.Min), MaxCapacity: pulumi.Int(a.Max)}})
	return err
}
