package service

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/scheduler"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// UpdateServiceTarget is EventBridge Scheduler's universal target for ECS UpdateService.
const UpdateServiceTarget = "arn:aws:scheduler:::aws-sdk:ecs:updateService"

// scheduleRedeploys forces a new deployment of each service at a.Redeploy.Cron, through a role that may
// update exactly the stack's services and that only this account's schedules of this name can assume.
// New tasks resolve their ECS secrets again, so a password RDS rotated in place reaches every task.
func scheduleRedeploys(ctx *pulumi.Context, name string, a Args, account, region string, cluster *ecs.Cluster,
	services map[string]*ecs.Service, parent pulumi.ResourceOption) error {
	if a.Redeploy.Cron == "" {
		return nil
	}
	// Scheduler sends its schedule *group* as the source ("the aws:SourceArn value must be your EventBridge
	// Scheduler schedule group ARN", Scheduler User Guide, "Preventing confused deputy"): a condition on the
	// schedule's own ARN never matches, and every redeploy would fail to assume. schedulerTrust names it.
	trust := schedulerTrust(account, region)
	role, err := iam.NewRole(ctx, name+"-redeploy", &iam.RoleArgs{
		PermissionsBoundary: iampolicy.Boundary(a.PermissionsBoundaryArn),
		AssumeRolePolicy:    pulumi.String(trust.JSON()),
		Description:         pulumi.String("EventBridge Scheduler: force new deployments of " + name + " services"),
	}, parent)
	if err != nil {
		return err
	}
	var ids []any
	for _, spec := range servicesOf(a.specs) {
		ids = append(ids, services[spec.Name].ID().ToStringOutput())
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-redeploy", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			return iampolicy.New(iampolicy.Allow("RedeployStackServices", []string{"ecs:UpdateService"},
				iampolicy.Strings(v)...))
		}, ids...),
	}, parent)
	if err != nil {
		return err
	}
	for _, spec := range servicesOf(a.specs) {
		task := spec.Name
		input := pulumi.All(cluster.Name, services[task].Name).ApplyT(func(v []any) (string, error) {
			b, err := json.Marshal(map[string]any{"Cluster": v[0], "Service": v[1], "ForceNewDeployment": true})
			return string(b), err
		}).(pulumi.StringOutput)
		// A weekly forced deployment: a rolling restart under the service's own deployment settings.
		if _, err := scheduler.NewSchedule(ctx, name+"-redeploy-"+task, &scheduler.ScheduleArgs{
			Name:                       pulumi.String(name + "-redeploy-" + task),
			Description:                pulumi.String("Roll " + task + " tasks so they read rotated secrets"),
			ScheduleExpression:         pulumi.String(a.Redeploy.Cron),
			ScheduleExpressionTimezone: pulumi.String(a.Redeploy.Timezone),
			FlexibleTimeWindow:         scheduler.ScheduleFlexibleTimeWindowArgs{Mode: pulumi.String("OFF")},
			Target: scheduler.ScheduleTargetArgs{
				Arn:         pulumi.String(UpdateServiceTarget),
				RoleArn:     role.Arn,
				Input:       input,
				RetryPolicy: scheduler.ScheduleTargetRetryPolicyArgs{MaximumRetryAttempts: pulumi.Int(3)},
			},
		}, parent, pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
			return err
		}
	}
	return nil
}
