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
	// ServiceNames are the ECS services' names by service (not an output: for the alarms' wiring).
	ServiceNames map[string]pulumi.StringOutput
}

// New creates the service tier.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Service, error) {
	in := Args{}
	if args != nil {
		in = *args
	}
	in.name = name
	a, err := in.withDefaults()
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

	// One log group per service and one for ECS Exec sessions, each encrypted with the stack key.
	groups := map[string]*cloudwatch.LogGroup{}
	groupArns := map[string]pulumi.StringOutput{}
	logged := []string{}
	for _, spec := range a.specs {
		logged = append(logged, spec.Name)
	}
	for _, task := range append(logged, "exec") {
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

	// Internal services: a Service Connect namespace, and a security group pair per internal service.
	conn, err := newConnect(ctx, name, a, region.Name, parent)
	if err != nil {
		return nil, err
	}

	r, err := newRoles(ctx, name, a, caller.AccountId, region.Name, groupArns, parent)
	if err != nil {
		return nil, err
	}

	taskDefs := map[string]*ecs.TaskDefinition{}
	for _, spec := range a.specs {
		var volumes ecs.TaskDefinitionVolumeArray
		for _, v := range taskVolumes(spec, a) {
			volumes = append(volumes, ecs.TaskDefinitionVolumeArgs{Name: pulumi.String(v)})
		}
		var deps []pulumi.Resource
		for _, m := range spec.Mounts {
			tv := m.TaskVolume
			tv.Name = pulumi.String(m.Volume)
			volumes = append(volumes, tv)
			deps = a.VolumesReady
		}
		// The task definition: Fargate, awsvpc, the stack's CPU architecture, task-storage volumes for
		// the paths its read-only containers write to, and the shared volumes it mounts.
		td, err := ecs.NewTaskDefinition(ctx, name+"-"+spec.Name, &ecs.TaskDefinitionArgs{
			Family:                  pulumi.String(a.family(spec.Name)),
			RequiresCompatibilities: pulumi.ToStringArray([]string{"FARGATE"}),
			NetworkMode:             pulumi.String("awsvpc"),
			Cpu:                     pulumi.String(fmt.Sprint(spec.Cpu)),
			Memory:                  pulumi.String(fmt.Sprint(spec.Memory)),
			RuntimePlatform: ecs.TaskDefinitionRuntimePlatformArgs{
				CpuArchitecture:       pulumi.String(a.CpuArchitecture),
				OperatingSystemFamily: pulumi.String("LINUX"),
			},
			ExecutionRoleArn:     r.executionFor(spec).Arn,
			TaskRoleArn:          r.task[spec.Name].Arn,
			Volumes:              volumes,
			ContainerDefinitions: containerDefinitions(spec, a, region.Name),
		}, parent, pulumi.DependsOn(deps))
		if err != nil {
			return nil, err
		}
		taskDefs[spec.Name] = td
	}

	services := map[string]*ecs.Service{}
	for _, spec := range servicesOf(a.specs) {
		svcArgs := &ecs.ServiceArgs{
			Cluster:         cluster.Arn,
			TaskDefinition:  taskDefs[spec.Name].Arn,
			DesiredCount:    pulumi.Int(spec.Desired),
			PlatformVersion: pulumi.String(PlatformVersion),
			NetworkConfiguration: ecs.ServiceNetworkConfigurationArgs{
				Subnets:        a.SubnetIds,
				SecurityGroups: securityGroupsOf(spec, a, conn),
				AssignPublicIp: pulumi.Bool(false),
			},
			DeploymentCircuitBreaker:        ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
			DeploymentMinimumHealthyPercent: pulumi.Int(a.MinHealthyPercent),
			DeploymentMaximumPercent:        pulumi.Int(a.MaxPercent),
			EnableExecuteCommand:            pulumi.Bool(true),
			EnableEcsManagedTags:            pulumi.Bool(true),
			PropagateTags:                   pulumi.String("SERVICE"),
			WaitForSteadyState:              pulumi.Bool(true),
			ServiceConnectConfiguration:     conn.configuration(spec),
		}
		if spec.TargetGroupArn != nil {
			container, port := spec.Container, spec.Port
			if spec.Nginx {
				container, port = NginxContainer, NginxPort
			}
			svcArgs.LoadBalancers = ecs.ServiceLoadBalancerArray{ecs.ServiceLoadBalancerArgs{
				TargetGroupArn: spec.TargetGroupArn.ToStringOutput().ToStringPtrOutput(),
				ContainerName:  pulumi.String(container),
				ContainerPort:  pulumi.Int(port),
			}}
			svcArgs.HealthCheckGracePeriodSeconds = pulumi.Int(a.HealthCheckGraceSeconds)
		}
		// A service that chose its capacity provider (a Spot worker beside an on-demand web) carries its
		// strategy; the others run on the cluster default, which ECS copies into the service and which
		// must then not read as a diff. Autoscaling owns the desired count.
		ignore := []string{"desiredCount", "capacityProviderStrategies"}
		if spec.ExplicitCapacity {
			ignore = []string{"desiredCount"}
			var strategy ecs.ServiceCapacityProviderStrategyArray
			for _, st := range capacityStrategy(spec.CapacityProvider) {
				strategy = append(strategy, ecs.ServiceCapacityProviderStrategyArgs{
					CapacityProvider: pulumi.String(st.provider),
					Base:             pulumi.Int(st.base),
					Weight:           pulumi.Int(st.weight),
				})
			}
			svcArgs.CapacityProviderStrategies = strategy
		}
		deps := append([]pulumi.Resource{providers}, r.executionPolicies...)
		deps = append(deps, r.taskPolicies...)
		deps = append(deps, conn.ready...)
		svc, err := ecs.NewService(ctx, name+"-"+spec.Name, svcArgs, parent, pulumi.DependsOn(deps),
			pulumi.IgnoreChanges(ignore))
		if err != nil {
			return nil, err
		}
		services[spec.Name] = svc
	}

	if err := autoscale(ctx, name, a, cluster, services, parent); err != nil {
		return nil, err
	}
	if err := scheduleRedeploys(ctx, name, a, caller.AccountId, region.Name, cluster, services, parent); err != nil {
		return nil, err
	}
	if err := scheduleTasks(ctx, name, a, caller.AccountId, region.Name, cluster, taskDefs, r, conn, parent); err != nil {
		return nil, err
	}

	outputs := pulumi.Map{}
	set := func(key string, field *pulumi.StringOutput, v pulumi.StringOutput) {
		*field = v
		outputs[key] = v
	}
	set("clusterName", &s.ClusterName, cluster.Name)
	set("clusterArn", &s.ClusterArn, cluster.Arn)
	if r.execution != nil {
		set("executionRoleArn", &s.ExecutionRoleArn, r.execution.Arn)
	}
	set("execLogGroupName", &s.ExecLogGroupName, groups["exec"].Name)
	// The default shape's outputs, by the names operators and runbooks use.
	if svc, ok := services[taskWeb]; ok {
		set("webServiceName", &s.WebServiceName, svc.Name)
		set("webTaskDefinitionArn", &s.WebTaskDefinitionArn, taskDefs[taskWeb].Arn)
		set("webTaskRoleArn", &s.WebTaskRoleArn, r.task[taskWeb].Arn)
		set("webLogGroupName", &s.WebLogGroupName, groups[taskWeb].Name)
	}
	if svc, ok := services[taskWorker]; ok {
		set("workerServiceName", &s.WorkerServiceName, svc.Name)
		set("workerTaskDefinitionArn", &s.WorkerTaskDefinitionArn, taskDefs[taskWorker].Arn)
		set("workerTaskRoleArn", &s.WorkerTaskRoleArn, r.task[taskWorker].Arn)
		set("workerLogGroupName", &s.WorkerLogGroupName, groups[taskWorker].Name)
	}
	if td, ok := taskDefs[taskMigrate]; ok {
		set("migrateTaskDefinitionArn", &s.MigrateTaskDefinitionArn, td.Arn)
		set("migrateTaskFamily", &s.MigrateTaskFamily, td.Family)
		set("migrateTaskRoleArn", &s.MigrateTaskRoleArn, r.task[taskMigrate].Arn)
		set("migrateLogGroupName", &s.MigrateLogGroupName, groups[taskMigrate].Name)
	}
	s.ReleaseTasks = releaseTasks(a, taskDefs, groups, conn)
	s.Services = rolledServices(a, services, taskDefs)
	s.ServiceNames = map[string]pulumi.StringOutput{}
	for n, svc := range services {
		s.ServiceNames[n] = svc.Name
	}
	outputs["releaseTasks"], outputs["services"] = s.ReleaseTasks, s.Services
	return s, ctx.RegisterResourceOutputs(s, outputs)
}

// containerDefinitions resolves a task's images, variables and secret references into its JSON. It
// holds ARNs and plain settings only, so it stays readable in the plan (unless a caller passes a secret
// Output in Environment, which then keeps it secret).
func containerDefinitions(spec Spec, a Args, region string) pulumi.StringOutput {
	inputs := []any{spec.image(a), a.NginxImage, a.VpcCidr}
	if spec.QueueLatency != nil {
		inputs = append(inputs, a.QueueLatencyImage)
	} else {
		inputs = append(inputs, pulumi.String(""))
	}
	for _, e := range a.Environment {
		inputs = append(inputs, e.Value)
	}
	for _, s := range a.Secrets {
		inputs = append(inputs, s.ValueFrom)
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		vals := values{region: region, appImage: v[0].(string), nginxImage: v[1].(string), vpcCidr: v[2].(string),
			sidecarImage: v[3].(string)}
		i := 4
		for _, e := range a.Environment {
			vals.env = append(vals.env, KeyValue{Name: e.Name, Value: v[i].(string)})
			i++
		}
		for _, s := range a.Secrets {
			if spec.receives(s.Name) {
				vals.secrets = append(vals.secrets, SecretRef{Name: s.Name, ValueFrom: v[i].(string)})
			}
			i++
		}
		sp := spec
		if sp.DatabaseUrl != "" {
			url, ref, err := databaseURL(vals.env, vals.secrets)
			if err != nil {
				return "", fmt.Errorf("service: Services[%s].DatabaseUrl: %w", sp.Name, err)
			}
			sp.Environment = append(append([]KeyValue{}, sp.Environment...), KeyValue{Name: sp.DatabaseUrl, Value: url})
			vals.secrets = append(append([]SecretRef{}, vals.secrets...), SecretRef{Name: "PGPASSWORD", ValueFrom: ref})
		}
		defs := taskContainers(sp, a, vals)
		if spec.QueueLatency != nil {
			sidecar, err := queueLatencySidecarFor(spec, a, vals)
			if err != nil {
				return "", err
			}
			defs = append(defs, sidecar)
		}
		return containerJSON(defs), nil
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
