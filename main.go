// Command fargate-platform is the Pulumi program that builds one environment (stack) of a Rails + Sidekiq +
// nginx application on ECS Fargate behind Cloudflare.
//
//	pulumi up -s dev                 build or update the dev stack (real AWS and Cloudflare)
//	go run . plan --stack dev        the same program offline, under Pulumi's mocks: prints the tree and
//	                                 writes plan-dev.json in the shape of `pulumi stack export`
//	go run . plan --stack prod --report compliance [--verbose] [--json compliance.json]
//	                                 also checks every SOC 2 control over the plan; exits 1 on a FAIL
//	go run . plan --stack dev --report cost [--verbose] [--json cost.json]
//	                                 also estimates the plan's monthly cost at list prices (pkg/cost)
//
// This file is the one place that composes: it reads the stack config once (package stacks), then creates
// the components in dependency order and wires one's outputs into the next one's Args.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/constant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/compliance"
	"github.com/fargate-platform/fargate-platform/pkg/container"
	"github.com/fargate-platform/fargate-platform/pkg/cost"
	"github.com/fargate-platform/fargate-platform/pkg/data"
	"github.com/fargate-platform/fargate-platform/pkg/edge"
	"github.com/fargate-platform/fargate-platform/pkg/network"
	"github.com/fargate-platform/fargate-platform/pkg/observability"
	"github.com/fargate-platform/fargate-platform/pkg/permissions"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/pkg/registry"
	"github.com/fargate-platform/fargate-platform/pkg/rules"
	"github.com/fargate-platform/fargate-platform/pkg/secrets"
	"github.com/fargate-platform/fargate-platform/pkg/service"
	"github.com/fargate-platform/fargate-platform/pkg/volumes"
	"github.com/fargate-platform/fargate-platform/stacks"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "import" {
		os.Exit(importCommand(os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "plan" {
		os.Exit(planCommand(&run{}).Run(os.Args[2:]))
	}
	r := &run{}
	pulumi.Run(r.up, r.capture)
}

// planCommand is `go run . plan`: this program under the recording mock.
func planCommand(r *run) plan.Command {
	return plan.Command{
		Program:    r.program,
		RunOptions: []pulumi.RunOption{r.capture},
		IsConfigError: func(err error) bool {
			var bad stacks.Errors
			return errors.As(err, &bad)
		},
		Reports: map[string]plan.Report{"compliance": complianceReport, "cost": cost.Run},
		Rules:   planRules,
	}
}

// planRules runs the plan-time rules (package rules) over the plan: what AWS and Cloudflare would refuse,
// with the Region and the Cloudflare zone the stack's config names.
func planRules(rec *plan.Recorder, sc plan.StackConfig) []error {
	cfg, err := stacks.Load(sc.Project, sc.Stack, stacks.Input{Values: sc.Values, SecretKeys: sc.SecretKeys})
	if err != nil {
		return []error{err} // not reached: the program planned with this config
	}
	return rules.Errors(rules.Check(rec, rules.Stack{Region: cfg.Region, Zone: cfg.Edge.ZoneName,
		AdvancedCertificates: cfg.Edge.AdvancedCertificateManager}))
}

// run is one run of the program and the config it was handed.
type run struct{ in stacks.Input }

// capture is the pulumi.RunOption that hands the program its config: pulumi.RunInfo's Config and
// ConfigSecretKeys, as the engine fills them (PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS) or the plan's
// mock after it. pulumi.Context looks a key up (GetConfig, IsConfigSecret) but cannot list the keys, and
// refusing a misspelt key needs the list; an option sees the same RunInfo the Context is made from.
func (r *run) capture(ri *pulumi.RunInfo) {
	r.in = stacks.Input{Values: ri.Config, SecretKeys: ri.ConfigSecretKeys}
}

// complianceReport is `plan --report compliance`: every SOC 2 control over the plan, a line per control and
// check (--verbose: with the evidence), the whole report as JSON with --json FILE.
func complianceReport(rec *plan.Recorder, sc plan.StackConfig, opts plan.ReportOptions, w io.Writer) (bool, error) {
	return compliance.Evaluate(rec, sc.Values[sc.Project+":environment"]).Emit(opts, w)
}

// program reads and validates the whole stack config before registering anything, then composes.
func (r *run) program(ctx *pulumi.Context) error {
	cfg, err := stacks.Load(ctx.Project(), ctx.Stack(), r.in)
	if err != nil {
		return err
	}
	return compose(ctx, cfg)
}

// up is the program as `pulumi up` runs it. pulumi.Run would log a bad config as "an unhandled error
// occurred: program failed: 1 error occurred: * stack config has ...". A bad config is the user's to fix,
// so up logs its problems once, as they are, and ends the run as pulumi.Run does after logging: exit
// status 32, which the Go language host reads as "the program already reported its error" and adds
// nothing (sdk/go/pulumi/run.go Run; pulumi-language-go runProgram).
func (r *run) up(ctx *pulumi.Context) error {
	err := r.program(ctx)
	var bad stacks.Errors
	if !errors.As(err, &bad) {
		return err
	}
	if logErr := ctx.Log.Error(bad.Error(), nil); logErr != nil {
		return err // not logged: pulumi.Run reports it its own way
	}
	os.Exit(constant.ExitStatusLoggedError)
	return nil
}

func compose(ctx *pulumi.Context, cfg stacks.Config) error {
	name := cfg.Name
	prod := cfg.Environment.IsProd()
	logPrefix := "/" + cfg.Project + "/" + cfg.Stack
	rdsLogPattern := "/aws/rds/instance/" + name + "-*"

	// Every AWS resource carries the stack's tag: the deploy roles' tag conditions (pkg/permissions) keep
	// one stack's deploy role off another's resources where names are generated ids.
	provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
		Region:      pulumi.String(cfg.Region),
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{permissions.StackTag: pulumi.String(name)}},
	})
	if err != nil {
		return fmt.Errorf("provider: %w", err)
	}
	inAccount := pulumi.Providers(provider)
	caller, err := aws.GetCallerIdentity(ctx, nil, pulumi.Provider(provider))
	if err != nil {
		return fmt.Errorf("caller identity: %w", err)
	}
	// The deploy roles may create roles only with the bootstrap's boundary on them.
	boundary := cfg.PermissionsBoundary
	switch boundary {
	case "bootstrap":
		boundary = permissions.BoundaryArn(caller.AccountId, cfg.Project, cfg.Stack)
	case "none":
		boundary = ""
	}

	// With GuardDuty runtime monitoring, Fargate pulls GuardDuty's agent sidecar with the execution role.
	var agentRepositories []string
	if cfg.Alarms.GuardDuty {
		arn, err := observability.GuardDutyAgentRepositoryArn(cfg.Region)
		if err != nil {
			return err
		}
		agentRepositories = append(agentRepositories, arn)
	}

	// Keys, parameters and secrets first: every other component encrypts with the stack key.
	appSecrets := map[string]pulumi.StringInput{}
	for k, v := range cfg.Secrets.AppSecrets {
		appSecrets[k] = pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
	}
	sec, err := secrets.New(ctx, name, &secrets.Args{
		LogGroupNamePatterns:  []string{logPrefix + "/*", rdsLogPattern},
		KeyAdminArns:          cfg.Secrets.KeyAdminArns,
		ParameterPrefix:       logPrefix,
		AppSecrets:            appSecrets,
		RecoveryWindowDays:    cfg.Secrets.RecoveryWindowDays,
		RedisAuthTokenVersion: cfg.Secrets.RedisAuthTokenVersion,
		Protect:               prod,
	}, inAccount)
	if err != nil {
		return fmt.Errorf("secrets: %w", err)
	}

	net, err := network.New(ctx, name, &network.Args{
		PermissionsBoundaryArn: boundary,
		Cidr:                   cfg.Network.Cidr,
		AzCount:                cfg.Network.AzCount,
		NatStrategy:            cfg.Network.NatStrategy,
		InterfaceEndpoints:     cfg.Network.Endpoints,
		LogGroupPrefix:         logPrefix,
		FlowLogRetentionDays:   cfg.Network.FlowLogRetentionDays,
		KmsKeyArn:              sec.KeyArn,
	}, inAccount)
	if err != nil {
		return fmt.Errorf("network: %w", err)
	}

	registryArgs := &registry.Args{
		AppRepositoryName:   cfg.Registry.AppRepository,
		NginxRepositoryName: cfg.Registry.NginxRepository,
		KmsKeyArn:           sec.KeyArn,
		KeepTaggedImages:    cfg.Registry.KeepTaggedImages,
		UntaggedExpiryDays:  cfg.Registry.UntaggedExpiryDays,
		ForceDelete:         !prod,
		PullAccountIds:      cfg.Registry.PullAccountIds,
		Protect:             prod,
	}
	if usesQueueLatency(cfg) {
		registryArgs.QueueLatencyRepositoryName = name + "/queue-latency"
	}
	reg, err := registry.New(ctx, name, registryArgs, inAccount)
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}

	db, err := data.New(ctx, name, &data.Args{
		PermissionsBoundaryArn: boundary,
		VpcId:                  net.VpcId,
		SubnetIds:              net.IsolatedSubnetIds,
		ServiceSecurityGroupId: net.ServiceSecurityGroupId,
		KmsKeyArn:              sec.KeyArn,
		LogGroupRetentionDays:  cfg.LogRetentionDays,
		Protect:                prod,
		Database: data.DatabaseArgs{
			EngineVersion:       cfg.Database.EngineVersion,
			InstanceClass:       cfg.Database.InstanceClass,
			AllocatedStorage:    cfg.Database.AllocatedStorage,
			MaxAllocatedStorage: cfg.Database.MaxAllocatedStorage,
			BackupRetentionDays: cfg.Database.BackupRetentionDays,
			MultiAz:             cfg.Database.MultiAz,
			DeletionProtection:  cfg.Database.DeletionProtection,
			SkipFinalSnapshot:   cfg.Database.SkipFinalSnapshot,
			MonitoringInterval:  cfg.Database.MonitoringInterval,
			Name:                cfg.Database.Name,
			Username:            cfg.Database.Username,
		},
		Cache: data.CacheArgs{
			Engine:                cfg.Cache.Engine,
			EngineVersion:         cfg.Cache.EngineVersion,
			ParameterFamily:       stacks.CacheVersions[cfg.Cache.Engine][cfg.Cache.EngineVersion],
			NodeType:              cfg.Cache.NodeType,
			Nodes:                 cfg.Cache.Nodes,
			SnapshotRetentionDays: cfg.Cache.SnapshotRetentionDays,
			AuthToken:             sec.RedisAuthTokenValue,
			AuthTokenSecret:       sec.RedisAuthToken,
		},
	}, inAccount)
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}

	// Shared volumes: an EFS file system each, reached only by the services that mount it.
	var vols *volumes.Volumes
	if len(cfg.Volumes) > 0 {
		var subnets []pulumi.StringInput
		for i := 0; i < cfg.Network.AzCount; i++ {
			subnets = append(subnets, net.PrivateSubnetIds.Index(pulumi.Int(i)))
		}
		vols, err = volumes.New(ctx, name, &volumes.Args{
			VpcId:     net.VpcId,
			SubnetIds: subnets,
			KmsKeyArn: sec.KeyArn,
			Volumes:   volumeArgs(cfg),
			Protect:   prod,
		}, inAccount)
		if err != nil {
			return fmt.Errorf("volumes: %w", err)
		}
	}

	// The ALB sends what no rule matches to the default web service, and each routed one its own way.
	front := defaultWeb(cfg)
	web, err := edge.New(ctx, name, &edge.Args{
		VpcId:                    net.VpcId,
		PublicSubnetIds:          net.PublicSubnetIds,
		ServiceSecurityGroupId:   net.ServiceSecurityGroupId,
		ContainerPort:            targetPort(front),
		Routes:                   edgeRoutes(cfg),
		Domain:                   cfg.Edge.Domain,
		ZoneId:                   cfg.Edge.ZoneId,
		Wildcard:                 cfg.Edge.Wildcard,
		TlsPolicy:                cfg.Edge.TlsPolicy,
		HealthCheckPath:          front.HealthCheckPath,
		IdleTimeoutSeconds:       cfg.Edge.IdleTimeoutSeconds,
		CloudflareOnly:           cfg.Edge.CloudflareOnly,
		ManageZoneSettings:       cfg.Edge.ManageZoneSettings,
		AuthenticatedOriginPulls: cfg.Edge.AuthenticatedOriginPulls,
		AccessLogRetentionDays:   cfg.Edge.AccessLogRetentionDays,
		DeletionProtection:       prod,
		Versioning:               prod,
		ForceDestroy:             !prod,
		Protect:                  prod,
	}, inAccount)
	if err != nil {
		return fmt.Errorf("edge: %w", err)
	}

	// What the containers receive: static settings as SSM parameters, credentials from the data tier.
	containerSecrets := append(append([]container.Secret{}, sec.AppSecrets...), db.Secrets...)
	svc, err := service.New(ctx, name, &service.Args{
		PermissionsBoundaryArn:  boundary,
		SubnetIds:               net.PrivateSubnetIds,
		SecurityGroupId:         net.ServiceSecurityGroupId,
		VpcCidr:                 net.VpcCidr,
		KmsKeyArn:               sec.KeyArn,
		LogGroupPrefix:          logPrefix,
		LogRetentionDays:        cfg.LogRetentionDays,
		CpuArchitecture:         cfg.Registry.CpuArchitecture,
		AppImage:                pulumi.Sprintf("%s:%s", reg.AppRepositoryUrl, cfg.Service.AppImageTag),
		NginxImage:              pulumi.Sprintf("%s:%s", reg.NginxRepositoryUrl, cfg.Service.NginxImageTag),
		RepositoryArns:          pullableRepositories(reg, agentRepositories),
		Environment:             db.Environment,
		Secrets:                 containerSecrets,
		RailsEnv:                cfg.Service.RailsEnv,
		Web:                     taskArgs(cfg.Service.Web),
		Worker:                  taskArgs(cfg.Service.Worker),
		NginxCpu:                cfg.Service.NginxCpu,
		NginxMemory:             cfg.Service.NginxMemory,
		WebCommand:              cfg.Service.WebCommand,
		WorkerCommand:           cfg.Service.WorkerCommand,
		MigrateCommand:          cfg.Service.MigrateCommand,
		CapacityProvider:        cfg.Service.CapacityProvider,
		MinHealthyPercent:       cfg.Service.MinHealthyPercent,
		MaxPercent:              cfg.Service.MaxPercent,
		HealthCheckGraceSeconds: cfg.Service.HealthCheckGraceSeconds,
		CpuTarget:               cfg.Service.CpuTarget,
		MemoryTarget:            cfg.Service.MemoryTarget,
		RequestsPerTarget:       cfg.Service.RequestsPerTarget,
		Schedule: service.ScheduleArgs{
			Enabled:       cfg.Service.ScheduledScaleToZero,
			ScaleDownCron: cfg.Service.ScaleDownCron,
			ScaleUpCron:   cfg.Service.ScaleUpCron,
			Timezone:      cfg.Service.Timezone,
		},
		// RDS rotates the database password in place (data.DbPasswordRotation, Sunday 14:00 UTC, within an
		// hour); tasks read it only at start, so both services roll just after that window.
		Redeploy:         service.RedeployArgs{Cron: redeployAfterPasswordRotation, Timezone: "UTC"},
		AppBucketArn:     cfg.Service.AppBucketArn,
		TargetGroupArn:   web.TargetGroupArn,
		AlbResourceLabel: web.AlbResourceLabel,
		HealthCheckPath:  cfg.Edge.HealthCheckPath,
		RealIpHeader:     realIpHeader(cfg.Edge.CloudflareOnly),
		// The declared services (none: the default shape above), the VPC for internal services' groups,
		// the queue-latency sidecar's image and the volumes' readiness.
		Services:          serviceSpecs(cfg, web, vols),
		VpcId:             net.VpcId,
		QueueLatencyImage: queueLatencyImage(reg, cfg),
		VolumesReady:      volumesReady(vols),
	}, inAccount)
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}

	obs, err := observability.New(ctx, name, &observability.Args{
		PermissionsBoundaryArn:  boundary,
		KmsKeyArn:               sec.KeyArn,
		AlarmEmails:             cfg.Alarms.Emails,
		WebhookUrl:              cfg.Alarms.WebhookUrl,
		CpuPercent:              cfg.Alarms.CpuPercent,
		MemoryPercent:           cfg.Alarms.MemoryPercent,
		Alb5xxPercent:           cfg.Alarms.Alb5xxPercent,
		P99LatencyMs:            cfg.Alarms.P99LatencyMs,
		DbFreeStorageGiB:        cfg.Alarms.DbFreeStorageGiB,
		DbConnections:           cfg.Alarms.DbConnections,
		Domain:                  cfg.Edge.Domain,
		ClusterName:             svc.ClusterName,
		Services:                alarmedServices(cfg, svc),
		AlbArnSuffix:            web.AlbArnSuffix,
		TargetGroupArnSuffix:    web.TargetGroupArnSuffix,
		DbInstanceId:            db.DbInstanceId,
		DbAllocatedStorageGiB:   cfg.Database.AllocatedStorage,
		CacheReplicationGroupId: db.CacheReplicationGroupId,
		CacheNodes:              cfg.Cache.Nodes,
		CloudTrail:              cfg.Alarms.CloudTrail,
		GuardDuty:               cfg.Alarms.GuardDuty,
		AdoptGuardDutyDetector:  cfg.Alarms.GuardDutyDetector == stacks.GuardDutyAdopt,
		Protect:                 prod,
		LogGroupPrefix:          logPrefix,
	}, inAccount)
	if err != nil {
		return fmt.Errorf("observability: %w", err)
	}

	// Stack outputs: what people and the deploy pipeline need (.github/workflows/deploy-stack.yml reads
	// clusterName, privateSubnetIds, serviceSecurityGroupId, releaseTasks, services and url).
	ctx.Export("url", web.Url)
	ctx.Export("albDnsName", web.AlbDnsName)
	ctx.Export("albArnSuffix", web.AlbArnSuffix)
	ctx.Export("targetGroupArnSuffix", web.TargetGroupArnSuffix)
	ctx.Export("vpcId", net.VpcId)
	ctx.Export("privateSubnetIds", net.PrivateSubnetIds)
	ctx.Export("serviceSecurityGroupId", net.ServiceSecurityGroupId)
	ctx.Export("appRepositoryUrl", reg.AppRepositoryUrl)
	ctx.Export("nginxRepositoryUrl", reg.NginxRepositoryUrl)
	ctx.Export("clusterName", svc.ClusterName)
	// The default shape's names, which runbooks use (a stack that declares services has its own).
	if !cfg.ServicesDeclared {
		ctx.Export("webServiceName", svc.WebServiceName)
		ctx.Export("workerServiceName", svc.WorkerServiceName)
		ctx.Export("migrateTaskDefinitionArn", svc.MigrateTaskDefinitionArn)
		ctx.Export("migrateTaskFamily", svc.MigrateTaskFamily)
	}
	// What a deploy runs and rolls, as data: the release tasks in run order, then the services.
	ctx.Export("releaseTasks", svc.ReleaseTasks)
	ctx.Export("services", svc.Services)
	ctx.Export("dbAddress", db.DbAddress)
	ctx.Export("dbSecretArn", db.DbSecretArn)
	ctx.Export("cachePrimaryEndpoint", db.CachePrimaryEndpoint)
	ctx.Export("alarmTopicArn", obs.AlarmTopicArn)
	ctx.Export("kmsKeyArn", sec.KeyArn)
	ctx.Export("appSecretNames", pulumi.ToStringArray(sortedKeys(cfg.Secrets.AppSecrets)))
	return nil
}

// queueLatencyImage is the sidecar's image, when a worker scales on queue latency. It is built from this
// repository (queuelatency/Dockerfile) like nginx, so it runs at nginxImageTag, the platform's own tag.
func queueLatencyImage(reg *registry.Registry, cfg stacks.Config) pulumi.StringInput {
	if !usesQueueLatency(cfg) {
		return nil
	}
	return pulumi.Sprintf("%s:%s", reg.QueueLatencyRepositoryUrl, cfg.Service.NginxImageTag)
}

// volumesReady is what a task that mounts a volume waits for.
func volumesReady(v *volumes.Volumes) []pulumi.Resource {
	if v == nil {
		return nil
	}
	return v.Ready()
}

// redeployAfterPasswordRotation is five minutes after data.DbPasswordRotation's one-hour window closes.
const redeployAfterPasswordRotation = "cron(5 15 ? * SUN *)"

// pullableRepositories are the repositories the execution role may pull from: the stack's own, and the
// agents' (GuardDuty's sidecar) when one is on.
func pullableRepositories(reg *registry.Registry, agents []string) pulumi.StringArrayOutput {
	return reg.RepositoryArns.ApplyT(func(own []string) []string {
		return append(append([]string{}, own...), agents...)
	}).(pulumi.StringArrayOutput)
}

// realIpHeader is where nginx reads the client address: Cloudflare's header only while the ALB admits
// Cloudflare alone (otherwise a client could forge it), else the ALB's X-Forwarded-For.
func realIpHeader(cloudflareOnly bool) string {
	if cloudflareOnly {
		return "CF-Connecting-IP"
	}
	return "X-Forwarded-For"
}

func taskArgs(t stacks.Task) service.TaskArgs {
	return service.TaskArgs{Cpu: t.Cpu, Memory: t.Memory, Desired: t.Desired, Min: t.Min, Max: t.Max}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
