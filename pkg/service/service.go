// Package service is the stack's compute tier: the ECS cluster (Container Insights, Fargate and Fargate
// Spot, ECS Exec encrypted and logged), the web task (nginx in front of Rails), the Sidekiq worker task
// and the one-off migration task, the web and worker services with their autoscaling, the execution
// role and one task role per task, and a KMS-encrypted log group per task.
//
// Sidekiq runs as its own service rather than as a non-essential sidecar of the web task: a sidecar
// scales only with the web tasks, and its crashes and restarts are tied to theirs.
package service

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PlatformVersion is the Fargate platform the services run on. LATEST resolves to 1.4.0 today; the
// original guide's 1.5.0 does not exist.
const PlatformVersion = "LATEST"

// Service is the component.
type Service struct {
	pulumi.ResourceState

	ClusterName              pulumi.StringOutput `pulumi:"clusterName"`
	ClusterArn               pulumi.StringOutput `pulumi:"clusterArn"`
	WebServiceName           pulumi.StringOutput `pulumi:"webServiceName"`
	WorkerServiceName        pulumi.StringOutput `pulumi:"workerServiceName"`
	WebTaskDefinitionArn     pulumi.StringOutput `pulumi:"webTaskDefinitionArn"`
	WorkerTaskDefinitionArn  pulumi.StringOutput `pulumi:"workerTaskDefinitionArn"`
	MigrateTaskDefinitionArn pulumi.StringOutput `pulumi:"migrateTaskDefinitionArn"`
	// MigrateTaskFamily runs the latest migration revision: `aws ecs run-task --task-definition <family>`.
	MigrateTaskFamily   pulumi.StringOutput `pulumi:"migrateTaskFamily"`
	ExecutionRoleArn    pulumi.StringOutput `pulumi:"executionRoleArn"`
	WebTaskRoleArn      pulumi.StringOutput `pulumi:"webTaskRoleArn"`
	WorkerTaskRoleArn   pulumi.StringOutput `pulumi:"workerTaskRoleArn"`
	MigrateTaskRoleArn  pulumi.StringOutput `pulumi:"migrateTaskRoleArn"`
	WebLogGroupName     pulumi.StringOutput `pulumi:"webLogGroupName"`
	WorkerLogGroupName  pulumi.StringOutput `pulumi:"workerLogGroupName"`
	MigrateLogGroupName pulumi.StringOutput `pulumi:"migrateLogGroupName"`
	ExecLogGroupName    pulumi.StringOutput `pulumi:"execLogGroupName"`
	// ReleaseTasks are the one-off tasks a deploy runs before the services roll, in run order (today the
	// migration alone). Each entry: name; family and taskDefinitionArn (a deploy falls back to the
	// family's latest revision when the ARN is not the new one); container, whose exit code decides;
	// logGroup and logStreamPrefix (the task's log stream is <logStreamPrefix>/<container>/<task id>).
	ReleaseTasks pulumi.StringMapArrayOutput `pulumi:"releaseTasks"`
	// Services are the services a deploy rolls once every release task succeeded. Each entry: name,
	// serviceName, and taskDefinitionArn, the revision the service must run once the roll is over.
	Services pulumi.StringMapArrayOutput `pulumi:"services"`
}

// New creates the service tier.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Service, error) {
	if args == nil {
		args = &Args{}
	}
	a, err := args.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Service{}
	if err := ctx.RegisterComponentResource("fargate-platform:service:Service", name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)

	caller, err := aws.GetCallerIdentity(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("service: caller identity: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("service: region: %w", err)
	}

	// One log group per task and one for ECS Exec sessions, each encrypted with the stack key.
	groups := map[string]*cloudwatch.LogGroup{}
	groupArns := map[string]pulumi.StringOutput{}
	for _, task := range []string{taskWeb, taskWorker, taskMigrate, "exec"} {
		g, err := cloudwatch.NewLogGroup(ctx, name+"-"+task, &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(logGroupName(a.LogGroupPrefix, task)),
			RetentionInDays: pulumi.Int(a.LogRetentionDays),
			KmsKeyId:        a.KmsKeyArn,
		}, parent)
		if err != nil {
			return nil, err
		}
		groups[task] = g
		groupArns[task] = g.Arn
	}

	// The cluster: Container Insights for per-task metrics, ECS Exec sessions encrypted with the stack key
	// and every session's input and output logged to the exec group.
	cluster, err := ecs.NewCluster(ctx, name, &ecs.ClusterArgs{
		Name:     pulumi.String(name),
		Settings: ecs.ClusterSettingArray{ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enhanced")}},
		Configuration: ecs.ClusterConfigurationArgs{
			ExecuteCommandConfiguration: ecs.ClusterConfigurationExecuteCommandConfigurationArgs{
				KmsKeyId: a.KmsKeyArn,
				Logging:  pulumi.String("OVERRIDE"),
				LogConfiguration: ecs.ClusterConfigurationExecuteCommandConfigurationLogConfigurationArgs{
					CloudWatchLogGroupName:      groups["exec"].Name,
					CloudWatchEncryptionEnabled: pulumi.Bool(true),
				},
			},
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	// Fargate and Fargate Spot, with the stack's default strategy: what the services run on.
	var strategy ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArray
	for _, st := range capacityStrategy(a.CapacityProvider) {
		strategy = append(strategy, ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs{
			CapacityProvider: pulumi.String(st.provider),
			Base:             pulumi.Int(st.base),
			Weight:           pulumi.Int(st.weight),
		})
	}
	providers, err := ecs.NewClusterCapacityProviders(ctx, name, &ecs.ClusterCapacityProvidersArgs{
		ClusterName:                       cluster.Name,
		CapacityProviders:                 pulumi.ToStringArray([]string{CapacityFargate, CapacityFargateSpot}),
		DefaultCapacityProviderStrategies: strategy,
	}, parent)
	if err != nil {
		return nil, err
	}

	r, err := newRoles(ctx, name, a, caller.AccountId, region.Name, groupArns, parent)
	if err != nil {
		return nil, err
	}

	taskDefs := map[string]*ecs.TaskDefinition{}
	for _, task := range []string{taskWeb, taskWorker, taskMigrate} {
		size := a.Worker
		if task == taskWeb {
			size = a.Web
		}
		var volumes ecs.TaskDefinitionVolumeArray
		for _, v := range volumesOf(taskContainers(task, a, values{})) {
			volumes = append(volumes, ecs.TaskDefinitionVolumeArgs{Name: pulumi.String(v)})
		}
		// The task definition: Fargate, awsvpc, the stack's CPU architecture, task-storage volumes for
		// the paths its read-only containers write to.
		td, err := ecs.NewTaskDefinition(ctx, name+"-"+task, &ecs.TaskDefinitionArgs{
			Family:                  pulumi.String(name + "-" + task),
			RequiresCompatibilities: pulumi.ToStringArray([]string{"FARGATE"}),
			NetworkMode:             pulumi.String("awsvpc"),
			Cpu:                     pulumi.String(fmt.Sprint(size.Cpu)),
			Memory:                  pulumi.String(fmt.Sprint(size.Memory)),
			RuntimePlatform: ecs.TaskDefinitionRuntimePlatformArgs{
				CpuArchitecture:       pulumi.String(a.CpuArchitecture),
				OperatingSystemFamily: pulumi.String("LINUX"),
			},
			ExecutionRoleArn:     r.execution.Arn,
			TaskRoleArn:          r.task[task].Arn,
			Volumes:              volumes,
			ContainerDefinitions: containerDefinitions(task, a, region.Name),
		}, parent)
		if err != nil {
			return nil, err
		}
		taskDefs[task] = td
	}

	services := map[string]*ecs.Service{}
	for _, task := range []string{taskWeb, taskWorker} {
		size := a.Worker
		if task == taskWeb {
			size = a.Web
		}
		svcArgs := &ecs.ServiceArgs{
			Cluster:         cluster.Arn,
			TaskDefinition:  taskDefs[task].Arn,
			DesiredCount:    pulumi.Int(size.Desired),
			PlatformVersion: pulumi.String(PlatformVersion),
			NetworkConfiguration: ecs.ServiceNetworkConfigurationArgs{
				Subnets:        a.SubnetIds,
				SecurityGroups: pulumi.StringArray{a.SecurityGroupId},
				AssignPublicIp: pulumi.Bool(false),
			},
			DeploymentCircuitBreaker:        ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
			DeploymentMinimumHealthyPercent: pulumi.Int(a.MinHealthyPercent),
			DeploymentMaximumPercent:        pulumi.Int(a.MaxPercent),
			EnableExecuteCommand:            pulumi.Bool(true),
			EnableEcsManagedTags:            pulumi.Bool(true),
			PropagateTags:                   pulumi.String("SERVICE"),
			WaitForSteadyState:              pulumi.Bool(true),
		}
		if task == taskWeb && a.TargetGroupArn != nil {
			svcArgs.LoadBalancers = ecs.ServiceLoadBalancerArray{ecs.ServiceLoadBalancerArgs{
				TargetGroupArn: a.TargetGroupArn.ToStringOutput().ToStringPtrOutput(),
				ContainerName:  pulumi.String(NginxContainer),
				ContainerPort:  pulumi.Int(NginxPort),
			}}
			svcArgs.HealthCheckGracePeriodSeconds = pulumi.Int(a.HealthCheckGraceSeconds)
		}
		deps := append([]pulumi.Resource{providers, r.executionPolicy}, r.taskPolicies...)
		// The service, on the cluster's default capacity strategy (no launch type). Autoscaling owns the
		// desired count; ECS copies the cluster default into the service, which must not read as a diff.
		svc, err := ecs.NewService(ctx, name+"-"+task, svcArgs, parent, pulumi.DependsOn(deps),
			pulumi.IgnoreChanges([]string{"desiredCount", "capacityProviderStrategies"}))
		if err != nil {
			return nil, err
		}
		services[task] = svc
	}

	if err := autoscale(ctx, name, a, cluster, services, parent); err != nil {
		return nil, err
	}
	if err := scheduleRedeploys(ctx, name, a, caller.AccountId, region.Name, cluster, services, parent); err != nil {
		return nil, err
	}

	s.ClusterName = cluster.Name
	s.ClusterArn = cluster.Arn
	s.WebServiceName = services[taskWeb].Name
	s.WorkerServiceName = services[taskWorker].Name
	s.WebTaskDefinitionArn = taskDefs[taskWeb].Arn
	s.WorkerTaskDefinitionArn = taskDefs[taskWorker].Arn
	s.MigrateTaskDefinitionArn = taskDefs[taskMigrate].Arn
	s.MigrateTaskFamily = taskDefs[taskMigrate].Family
	s.ExecutionRoleArn = r.execution.Arn
	s.WebTaskRoleArn = r.task[taskWeb].Arn
	s.WorkerTaskRoleArn = r.task[taskWorker].Arn
	s.MigrateTaskRoleArn = r.task[taskMigrate].Arn
	s.WebLogGroupName = groups[taskWeb].Name
	s.WorkerLogGroupName = groups[taskWorker].Name
	s.MigrateLogGroupName = groups[taskMigrate].Name
	s.ExecLogGroupName = groups["exec"].Name
	s.ReleaseTasks = releaseTasks(taskDefs, groups)
	s.Services = rolledServices(services, taskDefs)
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{
		"clusterName": s.ClusterName, "clusterArn": s.ClusterArn,
		"webServiceName": s.WebServiceName, "workerServiceName": s.WorkerServiceName,
		"webTaskDefinitionArn": s.WebTaskDefinitionArn, "workerTaskDefinitionArn": s.WorkerTaskDefinitionArn,
		"migrateTaskDefinitionArn": s.MigrateTaskDefinitionArn, "migrateTaskFamily": s.MigrateTaskFamily,
		"executionRoleArn": s.ExecutionRoleArn, "webTaskRoleArn": s.WebTaskRoleArn,
		"workerTaskRoleArn": s.WorkerTaskRoleArn, "migrateTaskRoleArn": s.MigrateTaskRoleArn,
		"webLogGroupName": s.WebLogGroupName, "workerLogGroupName": s.WorkerLogGroupName,
		"migrateLogGroupName": s.MigrateLogGroupName, "execLogGroupName": s.ExecLogGroupName,
		"releaseTasks": s.ReleaseTasks, "services": s.Services,
	})
}

// containerDefinitions resolves a task's images, variables and secret references into its JSON. It
// holds ARNs and plain settings only, so it stays readable in the plan (unless a caller passes a secret
// Output in Environment, which then keeps it secret).
func containerDefinitions(task string, a Args, region string) pulumi.StringOutput {
	inputs := []any{a.AppImage, a.NginxImage, a.VpcCidr}
	for _, e := range a.Environment {
		inputs = append(inputs, e.Value)
	}
	for _, s := range a.Secrets {
		inputs = append(inputs, s.ValueFrom)
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		vals := values{region: region, appImage: v[0].(string), nginxImage: v[1].(string), vpcCidr: v[2].(string)}
		i := 3
		for _, e := range a.Environment {
			vals.env = append(vals.env, KeyValue{Name: e.Name, Value: v[i].(string)})
			i++
		}
		for _, s := range a.Secrets {
			vals.secrets = append(vals.secrets, SecretRef{Name: s.Name, ValueFrom: v[i].(string)})
			i++
		}
		return containerJSON(taskContainers(task, a, vals)), nil
	}).(pulumi.StringOutput)
}

// strategyItem is one capacity provider in a strategy.
type strategyItem struct {
	provider     string
	base, weight int
}

// capacityStrategy is the cluster default for a CapacityProvider setting. mixed keeps one task on
// on-demand Fargate, so a Spot reclaim never takes every task, and splits the rest evenly.
func capacityStrategy(setting string) []strategyItem {
	switch setting {
	case CapacityFargateSpot:
		return []strategyItem{{CapacityFargateSpot, 0, 1}}
	case CapacityMixed:
		return []strategyItem{{CapacityFargate, 1, 1}, {CapacityFargateSpot, 0, 1}}
	}
	return []strategyItem{{CapacityFargate, 0, 1}}
}
