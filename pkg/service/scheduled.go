package service

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/scheduler"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// Scheduled services: EventBridge Scheduler runs the task with ECS RunTask on the service's cron, in its
// time zone (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html, Amazon
// ECS RunTask). Each has its own role, which may run exactly that task family on this cluster and pass
// exactly its two roles to ECS tasks, and which only this account's default schedule group can assume.

// schedulerTrust lets EventBridge Scheduler of this account assume a role, through the default group (the
// aws:SourceArn Scheduler sends is the group's: see scheduleRedeploys).
func schedulerTrust(account, region string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Service: []string{"scheduler.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iampolicy.Condition{
			"StringEquals": {"aws:SourceAccount": {account}},
			"ArnEquals":    {"aws:SourceArn": {fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule-group/default", region, account)}},
		},
	})
}

// RunTaskDocument is a scheduled service's role: RunTask on any revision of its family, on this cluster
// only (ecs:cluster), and PassRole of its execution and task roles to ECS tasks only.
func RunTaskDocument(family, account, region, clusterArn string, passRoles ...string) iampolicy.Document {
	run := iampolicy.Allow("RunScheduledTask", []string{"ecs:RunTask"},
		fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:*", region, account, family))
	run.Condition = iampolicy.Condition{"ArnEquals": {"ecs:cluster": {clusterArn}}}
	pass := iampolicy.Allow("PassTaskRoles", []string{"iam:PassRole"}, passRoles...)
	pass.Condition = iampolicy.Condition{"StringEquals": {"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}}
	return iampolicy.New(run, pass)
}

func scheduleTasks(ctx *pulumi.Context, name string, a Args, account, region string, cluster *ecs.Cluster,
	defs map[string]*ecs.TaskDefinition, r *roles, c *connect, parent pulumi.ResourceOption) error {
	for _, s := range a.specs {
		if s.Role != RoleScheduled {
			continue
		}
		id := name + "-" + s.Name
		role, err := iam.NewRole(ctx, id+"-schedule", &iam.RoleArgs{
			PermissionsBoundary: iampolicy.Boundary(a.PermissionsBoundaryArn),
			AssumeRolePolicy:    pulumi.String(schedulerTrust(account, region).JSON()),
			Description:         pulumi.String("EventBridge Scheduler: run " + id + " tasks"),
		}, parent)
		if err != nil {
			return err
		}
		family := a.family(s.Name)
		policy, err := iam.NewRolePolicy(ctx, id+"-schedule", &iam.RolePolicyArgs{
			Role: role.Name,
			Policy: iampolicy.Build(func(v []any) iampolicy.Document {
				return RunTaskDocument(family, account, region, v[0].(string), v[1].(string), v[2].(string))
			}, cluster.Arn, r.executionFor(s).Arn, r.task[s.Name].Arn),
		}, parent)
		if err != nil {
			return err
		}
		params := scheduler.ScheduleTargetEcsParametersArgs{
			TaskDefinitionArn: defs[s.Name].Arn,
			TaskCount:         pulumi.Int(1),
			PlatformVersion:   pulumi.String(PlatformVersion),
			NetworkConfiguration: scheduler.ScheduleTargetEcsParametersNetworkConfigurationArgs{
				Subnets:        a.SubnetIds,
				SecurityGroups: securityGroupsOf(s, a, c),
				AssignPublicIp: pulumi.Bool(false),
			},
		}
		// RunTask takes a launch type or a capacity provider strategy, never both.
		if s.ExplicitCapacity {
			var strategy scheduler.ScheduleTargetEcsParametersCapacityProviderStrategyArray
			for _, st := range capacityStrategy(s.CapacityProvider) {
				strategy = append(strategy, scheduler.ScheduleTargetEcsParametersCapacityProviderStrategyArgs{
					CapacityProvider: pulumi.String(st.provider), Base: pulumi.Int(st.base), Weight: pulumi.Int(st.weight)})
			}
			params.CapacityProviderStrategies = strategy
		} else {
			params.LaunchType = pulumi.String("FARGATE")
		}
		// A run that cannot start (capacity, throttling) is retried twice within the hour, then dropped:
		// a job an hour late is usually worse than the next run.
		if _, err := scheduler.NewSchedule(ctx, id, &scheduler.ScheduleArgs{
			Name:                       pulumi.String(id),
			Description:                pulumi.String("Run " + s.Name + " on " + s.Cron),
			ScheduleExpression:         pulumi.String(s.Cron),
			ScheduleExpressionTimezone: pulumi.String(s.Timezone),
			FlexibleTimeWindow:         scheduler.ScheduleFlexibleTimeWindowArgs{Mode: pulumi.String("OFF")},
			Target: scheduler.ScheduleTargetArgs{
				Arn:           cluster.Arn,
				RoleArn:       role.Arn,
				EcsParameters: params,
				RetryPolicy: scheduler.ScheduleTargetRetryPolicyArgs{
					MaximumRetryAttempts:     pulumi.Int(2),
					MaximumEventAgeInSeconds: pulumi.Int(3600),
				},
			},
		}, parent, pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
			return err
		}
	}
	return nil
}
