package service

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/container"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const (
	region      = "ap-southeast-2"
	keyArn      = "arn:aws:kms:ap-southeast-2:123456789012:key/0f0e0d0c-0000-4000-8000-000000000001"
	appImage    = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/fp-test/app:4f2a9c1"
	nginxImage  = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/fp-test/nginx:4f2a9c1"
	appRepo     = "arn:aws:ecr:ap-southeast-2:123456789012:repository/fp-test/app"
	nginxRepo   = "arn:aws:ecr:ap-southeast-2:123456789012:repository/fp-test/nginx"
	paramArn    = "arn:aws:ssm:ap-southeast-2:123456789012:parameter/fp-test/SECRET_KEY_BASE"
	dbSecretArn = "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:rds!db-1234-abcdef"
	redisArn    = "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:fp-test/redis-auth-123456"
	tgArn       = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/fp-test-web/0123456789abcdef"
	albLabel    = "app/fp-test/0123456789abcdef/targetgroup/fp-test-web/0123456789abcdef"
	bucketArn   = "arn:aws:s3:::fp-test-uploads"
	vpcCidr     = "10.10.0.0/16"
	prefix      = "/fargate-platform/test"
)

func out(s string) pulumi.StringOutput { return pulumi.String(s).ToStringOutput() }

// baseArgs are a dev-like stack's arguments, with the secrets and variables the data tier hands over.
func baseArgs() Args {
	return Args{
		SubnetIds:       pulumi.ToStringArray([]string{"subnet-0aaa", "subnet-0bbb"}),
		SecurityGroupId: pulumi.String("sg-0service"),
		VpcCidr:         pulumi.String(vpcCidr),
		KmsKeyArn:       pulumi.String(keyArn),
		LogGroupPrefix:  prefix,
		AppImage:        pulumi.String(appImage),
		NginxImage:      pulumi.String(nginxImage),
		RepositoryArns:  pulumi.ToStringArray([]string{appRepo, nginxRepo}),
		Environment: []container.Env{
			{Name: "DB_HOST", Value: out("fp-test.cabc.ap-southeast-2.rds.amazonaws.com")},
			{Name: "DB_PORT", Value: out("5432")},
			{Name: "REDIS_URL", Value: out("rediss://master.fp-test.abc.apse2.cache.amazonaws.com:6379")},
		},
		Secrets: []container.Secret{
			container.Parameter("SECRET_KEY_BASE", out(paramArn)),
			container.SecretJSONKey("DB_PASSWORD", out(dbSecretArn), "password"),
			container.SecretJSONKey("DB_USERNAME", out(dbSecretArn), "username"),
			container.WholeSecret("REDIS_PASSWORD", out(redisArn)),
		},
		Web:    TaskArgs{Cpu: 512, Memory: 1024, Desired: 1, Min: 1, Max: 2},
		Worker: TaskArgs{Cpu: 256, Memory: 512, Desired: 1, Min: 1, Max: 3},
	}
}

// prodArgs are a prod-like stack's: zero-downtime deploys, a load balancer, no schedule.
func prodArgs() Args {
	a := baseArgs()
	a.Web = TaskArgs{Cpu: 1024, Memory: 2048, Desired: 2, Min: 2, Max: 10}
	a.Worker = TaskArgs{Cpu: 1024, Memory: 2048, Desired: 2, Min: 2, Max: 6}
	a.MinHealthyPercent, a.MaxPercent = 100, 200
	a.CapacityProvider = CapacityFargate
	a.TargetGroupArn = pulumi.String(tgArn)
	a.AlbResourceLabel = pulumi.String(albLabel)
	return a
}

func devArgs() Args {
	a := baseArgs()
	a.MinHealthyPercent, a.MaxPercent = 50, 200
	a.CapacityProvider = CapacityFargateSpot
	a.Schedule = ScheduleArgs{Enabled: true, ScaleDownCron: "cron(0 20 ? * MON-FRI *)",
		ScaleUpCron: "cron(0 7 ? * MON-FRI *)", Timezone: "Australia/Sydney"}
	return a
}

func run(t *testing.T, args Args) *plan.Recorder {
	t.Helper()
	rec := plan.NewRecorder("fargate-platform", "test", region)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "fp-test", &args)
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	return rec
}

func taskDef(t *testing.T, rec *plan.Recorder, family string) *plan.Resource {
	t.Helper()
	for _, r := range rec.ByType("aws:ecs/taskDefinition:TaskDefinition") {
		if r.Str("family") == family {
			return r
		}
	}
	t.Fatalf("no task definition %s", family)
	return nil
}

// containers decodes a task definition's containerDefinitions by container name.
func containers(t *testing.T, rec *plan.Recorder, family string) map[string]ContainerDefinition {
	t.Helper()
	raw := taskDef(t, rec, family).Str("containerDefinitions")
	require.NotEqual(t, "[secret]", raw, "container definitions hold no secret and must stay readable")
	var defs []ContainerDefinition
	require.NoError(t, json.Unmarshal([]byte(raw), &defs))
	out := map[string]ContainerDefinition{}
	for _, d := range defs {
		out[d.Name] = d
	}
	require.Len(t, out, len(defs), "container names are unique")
	return out
}

func envMap(kv []KeyValue) map[string]string {
	m := map[string]string{}
	for _, e := range kv {
		m[e.Name] = e.Value
	}
	return m
}

func service(t *testing.T, rec *plan.Recorder, task string) *plan.Resource {
	t.Helper()
	r := rec.Find("aws:ecs/service:Service", "fp-test-"+task)
	require.NotNil(t, r, task)
	return r
}

func policyDoc(t *testing.T, rec *plan.Recorder, name string) iampolicy.Document {
	t.Helper()
	r := rec.Find("aws:iam/rolePolicy:RolePolicy", name)
	require.NotNil(t, r, name)
	d, err := iampolicy.Parse(r.Str("policy"))
	require.NoError(t, err)
	return d
}

func groupArn(name string) string {
	return "arn:aws:logs:ap-southeast-2:123456789012:log-group:" + name
}

func TestWebTaskPutsNginxInFrontOfHealthyRails(t *testing.T) {
	tests := []struct {
		name        string
		giveCommand []string
		wantCommand []string
	}{
		{"image default command", nil, nil},
		{"command from config", []string{"bundle", "exec", "rails", "server", "-b", "0.0.0.0"},
			[]string{"bundle", "exec", "rails", "server", "-b", "0.0.0.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := baseArgs()
			a.WebCommand = tt.giveCommand
			rec := run(t, a)
			c := containers(t, rec, "fp-test-web")
			require.Len(t, c, 2)
			nginx, rails := c["nginx"], c["rails"]

			assert.Equal(t, nginxImage, nginx.Image)
			assert.True(t, nginx.Essential)
			assert.Equal(t, []PortMapping{{ContainerPort: 8080, Protocol: "tcp"}}, nginx.PortMappings)
			assert.Equal(t, "101", nginx.User)
			assert.Equal(t, []Dependency{{ContainerName: "rails", Condition: "HEALTHY"}}, nginx.DependsOn)
			assert.Equal(t, map[string]string{
				"BACKEND_HOST": "localhost", "BACKEND_PORT": "3000", "NGINX_PORT": "8080",
				"REAL_IP_FROM": vpcCidr, "REAL_IP_HEADER": "CF-Connecting-IP", "CLIENT_MAX_BODY_SIZE": "25m", "HEALTH_CHECK_PATH": "/up",
			}, envMap(nginx.Environment))
			assert.Empty(t, nginx.Secrets, "nginx reads no credential")
			require.NotNil(t, nginx.HealthCheck)
			assert.Equal(t, []string{"CMD-SHELL", "curl -fsS -o /dev/null http://localhost:8080/up || exit 1"}, nginx.HealthCheck.Command)

			assert.Equal(t, appImage, rails.Image)
			assert.True(t, rails.Essential)
			assert.Equal(t, []PortMapping{{ContainerPort: 3000, Protocol: "tcp"}}, rails.PortMappings)
			assert.Equal(t, "1000:1000", rails.User)
			assert.Equal(t, tt.wantCommand, rails.Command)
			require.NotNil(t, rails.HealthCheck)
			assert.Equal(t, []string{"CMD-SHELL", "curl -fsS -o /dev/null http://localhost:3000/up || exit 1"}, rails.HealthCheck.Command)
			assert.Positive(t, rails.HealthCheck.StartPeriod)
			assert.Empty(t, rails.DependsOn)

			// nginx takes its share; Rails the rest, so the two fill the task exactly.
			assert.Equal(t, 128, nginx.Cpu)
			assert.Equal(t, 256, nginx.Memory)
			assert.Equal(t, 512-128, rails.Cpu)
			assert.Equal(t, 1024-256, rails.Memory)
		})
	}
}

func TestEveryContainerIsReadOnlyNonPrivilegedAndReadyForExec(t *testing.T) {
	rec := run(t, baseArgs())
	tests := []struct {
		family       string
		task         string
		wantWritable map[string][]string // container -> its own writable paths, besides the exec agent's
	}{
		{"fp-test-web", "web", map[string][]string{
			"nginx": {"/var/cache/nginx", "/var/run", "/etc/nginx/conf.d"},
			"rails": {"/rails/tmp"},
		}},
		{"fp-test-worker", "worker", map[string][]string{"sidekiq": {"/rails/tmp"}}},
		{"fp-test-migrate", "migrate", map[string][]string{"migrate": {"/rails/tmp"}}},
	}
	for _, tt := range tests {
		t.Run(tt.task, func(t *testing.T) {
			td := taskDef(t, rec, tt.family)
			var volumes []string
			for _, v := range td.In("volumes").([]any) {
				vol := v.(map[string]any)
				assert.Nil(t, vol["hostPath"], "task storage, not a host path")
				assert.Nil(t, vol["efsVolumeConfiguration"])
				volumes = append(volumes, vol["name"].(string))
			}
			c := containers(t, rec, tt.family)
			require.Len(t, c, len(tt.wantWritable))
			var mounted []string
			for name, want := range tt.wantWritable {
				d := c[name]
				assert.True(t, d.ReadonlyRootFilesystem, name)
				assert.False(t, d.Privileged, name)
				require.NotNil(t, d.LinuxParameters, name)
				assert.True(t, d.LinuxParameters.InitProcessEnabled, name)
				assert.NotEmpty(t, d.User, name)
				assert.NotEqual(t, "0", d.User, name)
				assert.False(t, strings.HasPrefix(d.User, "root"), name)

				var paths []string
				for _, m := range d.MountPoints {
					assert.False(t, m.ReadOnly, "%s %s", name, m.ContainerPath)
					assert.Contains(t, volumes, m.SourceVolume)
					paths = append(paths, m.ContainerPath)
					mounted = append(mounted, m.SourceVolume)
				}
				assert.Equal(t, append(append([]string{}, want...), "/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"), paths, name)

				require.NotNil(t, d.LogConfiguration, name)
				assert.Equal(t, "awslogs", d.LogConfiguration.LogDriver)
				assert.Equal(t, map[string]string{
					"awslogs-group":         prefix + "/ecs/" + tt.task,
					"awslogs-region":        region,
					"awslogs-stream-prefix": tt.task,
				}, d.LogConfiguration.Options, name)
			}
			// Every volume is mounted by exactly one container: no two containers share agent state.
			assert.ElementsMatch(t, volumes, mounted)
		})
	}
}

func TestCredentialsArriveAsSecretsNeverAsEnvironment(t *testing.T) {
	rec := run(t, baseArgs())
	wantSecrets := []SecretRef{
		{Name: "SECRET_KEY_BASE", ValueFrom: paramArn},
		{Name: "DB_PASSWORD", ValueFrom: dbSecretArn + ":password::"},
		{Name: "DB_USERNAME", ValueFrom: dbSecretArn + ":username::"},
		{Name: "REDIS_PASSWORD", ValueFrom: redisArn},
	}
	wantEnv := map[string]string{
		"RAILS_ENV": "production", "RAILS_LOG_TO_STDOUT": "1",
		"DB_HOST": "fp-test.cabc.ap-southeast-2.rds.amazonaws.com", "DB_PORT": "5432",
		"REDIS_URL": "rediss://master.fp-test.abc.apse2.cache.amazonaws.com:6379",
	}
	for family, name := range map[string]string{"fp-test-web": "rails", "fp-test-worker": "sidekiq", "fp-test-migrate": "migrate"} {
		d := containers(t, rec, family)[name]
		assert.Equal(t, wantSecrets, d.Secrets, name)
		assert.Equal(t, wantEnv, envMap(d.Environment), name)
		for _, e := range d.Environment {
			assert.False(t, slices.ContainsFunc(wantSecrets, func(s SecretRef) bool { return s.Name == e.Name }),
				"%s: %s is a secret and must not be in environment", name, e.Name)
			assert.NotRegexp(t, `(?i)PASSWORD|TOKEN|SECRET|KEY`, e.Name, name)
		}
	}
}

func TestWorkerAndMigrateRunTheAppImageWithTheirCommands(t *testing.T) {
	a := baseArgs()
	a.RailsEnv = "staging"
	rec := run(t, a)

	sidekiq := containers(t, rec, "fp-test-worker")["sidekiq"]
	assert.Equal(t, appImage, sidekiq.Image)
	assert.Equal(t, []string{"bundle", "exec", "sidekiq"}, sidekiq.Command)
	assert.Empty(t, sidekiq.PortMappings, "the worker serves nothing")
	assert.Equal(t, "staging", envMap(sidekiq.Environment)["RAILS_ENV"])
	assert.Equal(t, 256, sidekiq.Cpu)
	assert.Equal(t, 512, sidekiq.Memory)

	migrate := containers(t, rec, "fp-test-migrate")["migrate"]
	assert.Equal(t, appImage, migrate.Image)
	assert.Equal(t, []string{"bin/rails", "db:migrate"}, migrate.Command)
	assert.Empty(t, migrate.PortMappings)
	assert.True(t, migrate.Essential)

	// The migration is a one-off task: two services, no migrate service.
	assert.Len(t, rec.ByType("aws:ecs/service:Service"), 2)
	assert.Nil(t, rec.Find("aws:ecs/service:Service", "fp-test-migrate"))
}

func TestTaskDefinitionsRunOnFargateWithTheirOwnRoles(t *testing.T) {
	rec := run(t, baseArgs())
	exec := rec.Find("aws:iam/role:Role", "fp-test-execution")
	require.NotNil(t, exec)
	tests := []struct {
		family, role, cpu, memory string
	}{
		{"fp-test-web", "fp-test-web-task", "512", "1024"},
		{"fp-test-worker", "fp-test-worker-task", "256", "512"},
		{"fp-test-migrate", "fp-test-migrate-task", "256", "512"},
	}
	for _, tt := range tests {
		t.Run(tt.family, func(t *testing.T) {
			td := taskDef(t, rec, tt.family)
			assert.Equal(t, []any{"FARGATE"}, td.In("requiresCompatibilities"))
			assert.Equal(t, "awsvpc", td.Str("networkMode"))
			assert.Equal(t, tt.cpu, td.Str("cpu"))
			assert.Equal(t, tt.memory, td.Str("memory"))
			assert.Equal(t, "ARM64", td.Str("runtimePlatform.cpuArchitecture"))
			assert.Equal(t, "LINUX", td.Str("runtimePlatform.operatingSystemFamily"))
			assert.Equal(t, exec.Outputs["arn"], td.Str("executionRoleArn"))
			role := rec.Find("aws:iam/role:Role", tt.role)
			require.NotNil(t, role)
			assert.Equal(t, role.Outputs["arn"], td.Str("taskRoleArn"))
		})
	}
}

func TestServicesDeployPerEnvironment(t *testing.T) {
	tests := []struct {
		name           string
		give           Args
		wantMinHealthy float64
		wantMax        float64
		wantLB         bool
	}{
		{"dev relaxes deploys and has no load balancer", devArgs(), 50, 200, false},
		{"prod keeps every task through a deploy behind the load balancer", prodArgs(), 100, 200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, tt.give)
			cluster := rec.ByType("aws:ecs/cluster:Cluster")
			require.Len(t, cluster, 1)
			providers := rec.ByType("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
			require.Len(t, providers, 1)
			for _, task := range []string{"web", "worker"} {
				svc := service(t, rec, task)
				assert.Equal(t, cluster[0].Outputs["arn"], svc.Str("cluster"), task)
				assert.Equal(t, taskDef(t, rec, "fp-test-"+task).Outputs["arn"], svc.Str("taskDefinition"), task)
				assert.Equal(t, "LATEST", svc.Str("platformVersion"), task)
				assert.Equal(t, []any{"subnet-0aaa", "subnet-0bbb"}, svc.In("networkConfiguration.subnets"), task)
				assert.Equal(t, []any{"sg-0service"}, svc.In("networkConfiguration.securityGroups"), task)
				assert.Equal(t, false, svc.In("networkConfiguration.assignPublicIp"), task)
				assert.Equal(t, true, svc.In("deploymentCircuitBreaker.enable"), task)
				assert.Equal(t, true, svc.In("deploymentCircuitBreaker.rollback"), task)
				assert.Equal(t, tt.wantMinHealthy, svc.In("deploymentMinimumHealthyPercent"), task)
				assert.Equal(t, tt.wantMax, svc.In("deploymentMaximumPercent"), task)
				assert.Equal(t, true, svc.In("enableExecuteCommand"), task)
				assert.Equal(t, true, svc.In("enableEcsManagedTags"), task)
				assert.Equal(t, "SERVICE", svc.Str("propagateTags"), task)
				assert.Equal(t, true, svc.In("waitForSteadyState"), task)
				assert.Nil(t, svc.In("launchType"), "%s uses the cluster's default strategy", task)
				assert.Nil(t, svc.In("capacityProviderStrategies"), task)
				assert.Contains(t, svc.Dependencies, providers[0].URN, "%s starts after the default strategy exists", task)
			}
			assert.Equal(t, float64(tt.give.Web.Desired), service(t, rec, "web").In("desiredCount"))
			assert.Equal(t, float64(tt.give.Worker.Desired), service(t, rec, "worker").In("desiredCount"))

			web := service(t, rec, "web")
			if tt.wantLB {
				assert.Equal(t, []any{map[string]any{"targetGroupArn": tgArn, "containerName": "nginx", "containerPort": float64(8080)}},
					web.In("loadBalancers"))
				assert.Equal(t, float64(60), web.In("healthCheckGracePeriodSeconds"))
			} else {
				assert.Nil(t, web.In("loadBalancers"))
				assert.Nil(t, web.In("healthCheckGracePeriodSeconds"), "ECS rejects a grace period without a load balancer")
			}
			assert.Nil(t, service(t, rec, "worker").In("loadBalancers"))
			assert.Nil(t, service(t, rec, "worker").In("healthCheckGracePeriodSeconds"))
		})
	}
}

func TestClusterCapacityStrategy(t *testing.T) {
	tests := []struct {
		give string
		want []any
	}{
		{CapacityFargate, []any{map[string]any{"capacityProvider": "FARGATE", "base": float64(0), "weight": float64(1)}}},
		{CapacityFargateSpot, []any{map[string]any{"capacityProvider": "FARGATE_SPOT", "base": float64(0), "weight": float64(1)}}},
		{CapacityMixed, []any{
			map[string]any{"capacityProvider": "FARGATE", "base": float64(1), "weight": float64(1)},
			map[string]any{"capacityProvider": "FARGATE_SPOT", "base": float64(0), "weight": float64(1)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			a := baseArgs()
			a.CapacityProvider = tt.give
			rec := run(t, a)
			cp := rec.ByType("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
			require.Len(t, cp, 1)
			assert.Equal(t, "fp-test", cp[0].Str("clusterName"))
			assert.Equal(t, []any{"FARGATE", "FARGATE_SPOT"}, cp[0].In("capacityProviders"))
			assert.Equal(t, tt.want, cp[0].In("defaultCapacityProviderStrategies"))
		})
	}
}

func TestClusterEncryptsAndLogsExecSessions(t *testing.T) {
	rec := run(t, baseArgs())
	c := rec.ByType("aws:ecs/cluster:Cluster")
	require.Len(t, c, 1)
	assert.Equal(t, "fp-test", c[0].Str("name"))
	assert.Equal(t, []any{map[string]any{"name": "containerInsights", "value": "enhanced"}}, c[0].In("settings"))
	assert.Equal(t, keyArn, c[0].Str("configuration.executeCommandConfiguration.kmsKeyId"))
	assert.Equal(t, "OVERRIDE", c[0].Str("configuration.executeCommandConfiguration.logging"))
	assert.Equal(t, prefix+"/ecs/exec", c[0].Str("configuration.executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName"))
	assert.Equal(t, true, c[0].In("configuration.executeCommandConfiguration.logConfiguration.cloudWatchEncryptionEnabled"))
	assert.Nil(t, c[0].In("configuration.executeCommandConfiguration.logConfiguration.s3BucketName"))
}

func TestLogGroupsAreEncryptedPerTask(t *testing.T) {
	a := baseArgs()
	a.LogRetentionDays = 14
	rec := run(t, a)
	groups := rec.ByType("aws:cloudwatch/logGroup:LogGroup")
	var names []string
	for _, g := range groups {
		names = append(names, g.Str("name"))
		assert.Equal(t, keyArn, g.Str("kmsKeyId"), g.Name)
		assert.Equal(t, float64(14), g.In("retentionInDays"), g.Name)
	}
	assert.ElementsMatch(t, []string{prefix + "/ecs/web", prefix + "/ecs/worker", prefix + "/ecs/migrate", prefix + "/ecs/exec"}, names)
}

func TestAutoscalingPerEnvironment(t *testing.T) {
	tests := []struct {
		name         string
		give         Args
		wantPolicies map[string][]string // service -> metric types
		wantSchedule bool
	}{
		{"dev: CPU and memory, scale to zero at night", devArgs(), map[string][]string{
			"web":    {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"},
			"worker": {"ECSServiceAverageCPUUtilization"},
		}, true},
		{"prod: and requests per target, no schedule", prodArgs(), map[string][]string{
			"web":    {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget"},
			"worker": {"ECSServiceAverageCPUUtilization"},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, tt.give)
			sizes := map[string]TaskArgs{"web": tt.give.Web, "worker": tt.give.Worker}
			wantTargets := map[string]float64{
				"ECSServiceAverageCPUUtilization": 60, "ECSServiceAverageMemoryUtilization": 75, "ALBRequestCountPerTarget": 1000,
			}
			assert.Len(t, rec.ByType("aws:appautoscaling/target:Target"), 2)
			for task, metrics := range tt.wantPolicies {
				svc := service(t, rec, task)
				resourceID := "service/fp-test/" + svc.Outputs["name"].(string)
				target := rec.Find("aws:appautoscaling/target:Target", "fp-test-"+task)
				require.NotNil(t, target)
				assert.Equal(t, "ecs", target.Str("serviceNamespace"))
				assert.Equal(t, "ecs:service:DesiredCount", target.Str("scalableDimension"))
				assert.Equal(t, resourceID, target.Str("resourceId"))
				assert.Equal(t, float64(sizes[task].Min), target.In("minCapacity"))
				assert.Equal(t, float64(sizes[task].Max), target.In("maxCapacity"))

				var got []string
				for _, p := range rec.ByType("aws:appautoscaling/policy:Policy") {
					if p.Str("resourceId") != resourceID {
						continue
					}
					cfg := "targetTrackingScalingPolicyConfiguration."
					metric := p.Str(cfg + "predefinedMetricSpecification.predefinedMetricType")
					got = append(got, metric)
					assert.Equal(t, "TargetTrackingScaling", p.Str("policyType"))
					assert.Equal(t, wantTargets[metric], p.In(cfg+"targetValue"), metric)
					assert.Equal(t, float64(60), p.In(cfg+"scaleOutCooldown"), metric)
					assert.Equal(t, float64(300), p.In(cfg+"scaleInCooldown"), metric)
					if metric == "ALBRequestCountPerTarget" {
						assert.Equal(t, albLabel, p.Str(cfg+"predefinedMetricSpecification.resourceLabel"))
					} else {
						assert.Nil(t, p.In(cfg+"predefinedMetricSpecification.resourceLabel"))
					}
				}
				assert.Equal(t, metrics, got, task)

				down := rec.Find("aws:appautoscaling/scheduledAction:ScheduledAction", "fp-test-"+task+"-scale-down")
				up := rec.Find("aws:appautoscaling/scheduledAction:ScheduledAction", "fp-test-"+task+"-scale-up")
				if !tt.wantSchedule {
					assert.Nil(t, down)
					assert.Nil(t, up)
					continue
				}
				require.NotNil(t, down)
				require.NotNil(t, up)
				for _, sa := range []*plan.Resource{down, up} {
					assert.Equal(t, resourceID, sa.Str("resourceId"))
					assert.Equal(t, "ecs:service:DesiredCount", sa.Str("scalableDimension"))
					assert.Equal(t, "Australia/Sydney", sa.Str("timezone"))
				}
				assert.Equal(t, "cron(0 20 ? * MON-FRI *)", down.Str("schedule"))
				assert.Equal(t, float64(0), down.In("scalableTargetAction.minCapacity"))
				assert.Equal(t, float64(0), down.In("scalableTargetAction.maxCapacity"))
				assert.Equal(t, "cron(0 7 ? * MON-FRI *)", up.Str("schedule"))
				assert.Equal(t, float64(sizes[task].Min), up.In("scalableTargetAction.minCapacity"))
				assert.Equal(t, float64(sizes[task].Max), up.In("scalableTargetAction.maxCapacity"))
			}
			wantActions := 0
			if tt.wantSchedule {
				wantActions = 4
			}
			assert.Len(t, rec.ByType("aws:appautoscaling/scheduledAction:ScheduledAction"), wantActions)
		})
	}
}

func TestRolesTrustOnlyThisAccountsEcsTasks(t *testing.T) {
	rec := run(t, baseArgs())
	roles := rec.ByType("aws:iam/role:Role")
	require.Len(t, roles, 4, "execution + web, worker and migrate task roles")
	for _, r := range roles {
		trust, err := iampolicy.Parse(r.Str("assumeRolePolicy"))
		require.NoError(t, err)
		require.Len(t, trust.Statement, 1, r.Name)
		st := trust.Statement[0]
		assert.Equal(t, "Allow", st.Effect)
		assert.Equal(t, []string{"ecs-tasks.amazonaws.com"}, st.Principal.Service, r.Name)
		assert.Empty(t, st.Principal.AWS, r.Name)
		assert.Equal(t, []string{"sts:AssumeRole"}, st.Action, r.Name)
		assert.Equal(t, iampolicy.Condition{
			"StringEquals": {"aws:SourceAccount": {plan.Account}},
			"ArnLike":      {"aws:SourceArn": {"arn:aws:ecs:ap-southeast-2:123456789012:*"}},
		}, st.Condition, r.Name)
	}
	assert.Empty(t, rec.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "no managed policies")
}

func TestExecutionRoleReadsExactlyWhatTheTasksReference(t *testing.T) {
	// Every task pulls the stack's images, gets a registry token and writes its own logs.
	always := []iampolicy.Statement{
		{Sid: "PullStackImages", Effect: "Allow",
			Action:   []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
			Resource: []string{appRepo, nginxRepo}},
		{Sid: "GetRegistryToken", Effect: "Allow", Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
		{Sid: "WriteContainerLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: []string{
				groupArn(prefix + "/ecs/web"), groupArn(prefix+"/ecs/web") + ":*",
				groupArn(prefix + "/ecs/worker"), groupArn(prefix+"/ecs/worker") + ":*",
				groupArn(prefix + "/ecs/migrate"), groupArn(prefix+"/ecs/migrate") + ":*",
			}},
	}
	tests := []struct {
		name string
		give func(*Args)
		want []iampolicy.Statement
	}{
		{"parameters and secrets", func(*Args) {}, append(always[:len(always):len(always)],
			iampolicy.Statement{Sid: "ReadParameters", Effect: "Allow", Action: []string{"ssm:GetParameters"}, Resource: []string{paramArn}},
			// DB_PASSWORD and DB_USERNAME are keys of one secret: it is listed once.
			iampolicy.Statement{Sid: "ReadSecrets", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{dbSecretArn, redisArn}},
			iampolicy.Statement{Sid: "DecryptSecrets", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{keyArn},
				Condition: iampolicy.Condition{"StringEquals": {"kms:ViaService": {
					"ssm.ap-southeast-2.amazonaws.com", "secretsmanager.ap-southeast-2.amazonaws.com"}}}},
		)},
		{"no secrets: nothing to read or decrypt", func(a *Args) { a.Secrets = nil }, always},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := baseArgs()
			tt.give(&a)
			rec := run(t, a)
			doc := policyDoc(t, rec, "fp-test-execution")
			assert.Equal(t, iampolicy.Version, doc.Version)
			assert.Equal(t, tt.want, doc.Statement)
			for _, st := range doc.Statement {
				if slices.Contains(st.Resource, "*") {
					assert.Equal(t, []string{"ecr:GetAuthorizationToken"}, st.Action, "only the token call is unscoped")
				}
			}
		})
	}
}

func TestTaskRolesAllowExecAndOnlyTheDeclaredBucket(t *testing.T) {
	execGroup := groupArn(prefix + "/ecs/exec")
	execStatements := []iampolicy.Statement{
		{Sid: "EcsExecChannels", Effect: "Allow", Action: []string{"ssmmessages:CreateControlChannel",
			"ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"},
			Resource: []string{"*"}},
		{Sid: "EcsExecSessionKey", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{keyArn}},
		{Sid: "EcsExecFindLogGroup", Effect: "Allow", Action: []string{"logs:DescribeLogGroups"}, Resource: []string{"*"}},
		{Sid: "EcsExecSessionLogs", Effect: "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
			Resource: []string{execGroup, execGroup + ":*"}},
	}
	tests := []struct {
		name   string
		bucket string
		want   []iampolicy.Statement
	}{
		{"exec only", "", execStatements},
		{"exec and the app bucket", bucketArn, append(append([]iampolicy.Statement{}, execStatements...),
			iampolicy.Statement{Sid: "AppBucketObjects", Effect: "Allow",
				Action: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, Resource: []string{bucketArn + "/*"}},
			iampolicy.Statement{Sid: "AppBucketList", Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: []string{bucketArn}},
		)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := baseArgs()
			a.AppBucketArn = tt.bucket
			rec := run(t, a)
			for _, task := range []string{"web", "worker", "migrate"} {
				role := rec.Find("aws:iam/role:Role", "fp-test-"+task+"-task")
				require.NotNil(t, role)
				policy := rec.Find("aws:iam/rolePolicy:RolePolicy", "fp-test-"+task+"-task")
				require.NotNil(t, policy)
				assert.Equal(t, role.Outputs["name"], policy.Str("role"), task)
				assert.Equal(t, tt.want, policyDoc(t, rec, "fp-test-"+task+"-task").Statement, task)
			}
		})
	}
}

func TestExecutionPolicyIsAttachedToTheExecutionRole(t *testing.T) {
	rec := run(t, baseArgs())
	role := rec.Find("aws:iam/role:Role", "fp-test-execution")
	policy := rec.Find("aws:iam/rolePolicy:RolePolicy", "fp-test-execution")
	require.NotNil(t, role)
	require.NotNil(t, policy)
	assert.Equal(t, role.Outputs["name"], policy.Str("role"))
	// Services start only once both roles can do their work.
	for _, task := range []string{"web", "worker"} {
		assert.Contains(t, service(t, rec, task).Dependencies, policy.URN, task)
	}
}

func TestEveryChildHasTheComponentAsParent(t *testing.T) {
	assert.Empty(t, run(t, baseArgs()).Strays("fargate-platform:service:Service", "fp-test"))
}

func TestRejectsArgsItCannotBuild(t *testing.T) {
	tests := []struct {
		name    string
		give    func(*Args)
		wantErr string
	}{
		{"no images", func(a *Args) { a.AppImage = nil }, "AppImage"},
		{"relative log prefix", func(a *Args) { a.LogGroupPrefix = "fp/test" }, "LogGroupPrefix"},
		{"retention CloudWatch refuses", func(a *Args) { a.LogRetentionDays = 10 }, "LogRetentionDays 10"},
		{"unknown architecture", func(a *Args) { a.CpuArchitecture = "ARM" }, `CpuArchitecture "ARM"`},
		{"unknown capacity provider", func(a *Args) { a.CapacityProvider = "SPOT" }, `CapacityProvider "SPOT"`},
		{"CPU Fargate lacks", func(a *Args) { a.Web.Cpu = 768 }, "Web 768 CPU / 1024 MiB"},
		{"memory off the CPU's steps", func(a *Args) { a.Worker = TaskArgs{Cpu: 1024, Memory: 1024, Desired: 1, Min: 1, Max: 1} }, "Worker 1024 CPU / 1024 MiB"},
		{"min above max", func(a *Args) { a.Web.Min, a.Web.Desired, a.Web.Max = 3, 3, 2 }, "Web min 3, desired 3, max 2"},
		{"desired below min", func(a *Args) { a.Worker.Min, a.Worker.Desired = 2, 1 }, "Worker min 2, desired 1"},
		{"nginx takes the whole task CPU", func(a *Args) { a.NginxCpu = 512 }, "NginxCpu 512"},
		{"nginx leaves Rails too little memory", func(a *Args) { a.NginxMemory = 900 }, "NginxMemory 900"},
		{"max percent at min", func(a *Args) { a.MinHealthyPercent, a.MaxPercent = 100, 100 }, "MaxPercent 100"},
		{"secret twice", func(a *Args) {
			a.Secrets = append(a.Secrets, container.Parameter("SECRET_KEY_BASE", out(paramArn)))
		}, "SECRET_KEY_BASE appears twice"},
		{"secret also plain", func(a *Args) {
			a.Environment = append(a.Environment, container.Env{Name: "DB_PASSWORD", Value: out("hunter2")})
		}, "DB_PASSWORD is already a secret"},
		{"credential-like plain variable", func(a *Args) {
			a.Environment = append(a.Environment, container.Env{Name: "STRIPE_API_KEY", Value: out("sk_live_x")})
		}, "STRIPE_API_KEY looks like a credential"},
		{"component's own variable", func(a *Args) {
			a.Environment = append(a.Environment, container.Env{Name: "RAILS_ENV", Value: out("development")})
		}, "RAILS_ENV is already set by the component"},
		{"secret of unknown store", func(a *Args) {
			a.Secrets = append(a.Secrets, container.Secret{Name: "X_CERT", ValueFrom: out("x"), ReadArn: out("x"), Kind: "vault"})
		}, `kind "vault"`},
		{"bucket wildcard", func(a *Args) { a.AppBucketArn = "arn:aws:s3:::uploads/*" }, "AppBucketArn"},
		{"root app user", func(a *Args) { a.AppUser = "0:0" }, "AppUser"},
		{"request scaling without a target group", func(a *Args) { a.AlbResourceLabel = pulumi.String(albLabel) }, "AlbResourceLabel needs TargetGroupArn"},
		{"schedule without zone", func(a *Args) { a.Schedule = ScheduleArgs{Enabled: true, Timezone: "AEST"} }, `Schedule.Timezone "AEST"`},
		{"schedule not cron", func(a *Args) { a.Schedule = ScheduleArgs{Enabled: true, ScaleDownCron: "20:00"} }, "Schedule.ScaleDownCron"},
		{"writable path over the exec agent", func(a *Args) { a.AppWritablePaths = []string{"/managed-agents"} }, "AppWritablePaths"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := baseArgs()
			tt.give(&a)
			rec := plan.NewRecorder("fargate-platform", "test", region)
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := New(ctx, "fp-test", &a)
				return err
			}, rec.RunOptions(nil, nil)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, rec.Resources())
		})
	}
}
