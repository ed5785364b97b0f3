package service

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/queuelatency"
)

const (
	qlImage     = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/fp-test/queue-latency:4f2a9c1"
	qlWorkerRes = "service/fp-test/fp-test-worker-1a2b3c4"
)

// qlValues are a worker task's resolved values, with the data tier's Redis variables.
func qlValues() QueueLatencyValues {
	return QueueLatencyValues{
		Image: qlImage, Region: region, LogGroup: prefix + "/ecs/worker", StreamPrefix: "worker",
		Environment: []KeyValue{{Name: "REDIS_URL", Value: "rediss://master.fp-test.abc.apse2.cache.amazonaws.com:6379/0"}},
		Secrets:     []SecretRef{{Name: "REDIS_PASSWORD", ValueFrom: redisArn}},
	}
}

// qlPlan registers a worker's scalable target and its queue-latency policy, and returns the policy.
func qlPlan(t *testing.T, a QueueLatencyArgs) *plan.Resource {
	t.Helper()
	rec := plan.NewRecorder("fargate-platform", "test", region)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		target, err := appautoscaling.NewTarget(ctx, "fp-test-worker", &appautoscaling.TargetArgs{
			ServiceNamespace:  pulumi.String("ecs"),
			ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
			ResourceId:        pulumi.String(qlWorkerRes),
			MinCapacity:       pulumi.Int(1),
			MaxCapacity:       pulumi.Int(6),
		})
		if err != nil {
			return err
		}
		_, err = NewQueueLatencyPolicy(ctx, "fp-test-worker-queue-latency", target, a, pulumi.DependsOn([]pulumi.Resource{target}))
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	p := rec.Find("aws:appautoscaling/policy:Policy", "fp-test-worker-queue-latency")
	require.NotNil(t, p)
	return p
}

func TestQueueLatencyPolicyTracksTheSidecarsMetric(t *testing.T) {
	tests := []struct {
		name          string
		give          QueueLatencyArgs
		wantService   string
		wantTarget    float64
		wantScaleOut  float64
		wantScaleIn   float64
		wantStatistic string
	}{
		{"defaults: 30 s, the package's cooldowns", QueueLatencyArgs{Service: "fp-test-worker"},
			"fp-test-worker", 30, 60, 300, "Maximum"},
		{"a tighter target, faster in", QueueLatencyArgs{Service: "fp-test-mailers", TargetSeconds: 5, ScaleOutCooldown: 30, ScaleInCooldown: 120},
			"fp-test-mailers", 5, 30, 120, "Maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := qlPlan(t, tt.give)
			cfg := "targetTrackingScalingPolicyConfiguration."
			m := cfg + "customizedMetricSpecification."
			assert.Equal(t, "TargetTrackingScaling", p.Str("policyType"))
			assert.Equal(t, "ecs", p.Str("serviceNamespace"))
			assert.Equal(t, "ecs:service:DesiredCount", p.Str("scalableDimension"))
			assert.Equal(t, qlWorkerRes, p.Str("resourceId"))

			assert.Equal(t, "fargate-platform/Queues", p.Str(m+"namespace"))
			assert.Equal(t, "QueueLatency", p.Str(m+"metricName"))
			assert.Equal(t, []any{map[string]any{"name": "Service", "value": tt.wantService}}, p.In(m+"dimensions"),
				"the {Service} series alone: the largest latency over the queues, not one queue's")
			assert.Equal(t, tt.wantStatistic, p.Str(m+"statistic"))
			assert.Equal(t, "Seconds", p.Str(m+"unit"))
			assert.Nil(t, p.In(m+"metrics"), "a plain metric, no metric math")
			assert.Nil(t, p.In(cfg+"predefinedMetricSpecification"))

			assert.Equal(t, tt.wantTarget, p.In(cfg+"targetValue"))
			assert.Equal(t, tt.wantScaleOut, p.In(cfg+"scaleOutCooldown"))
			assert.Equal(t, tt.wantScaleIn, p.In(cfg+"scaleInCooldown"))
			assert.Nil(t, p.In(cfg+"disableScaleIn"), "it scales in too")
		})
	}
}

func TestQueueLatencyPolicyTargetsWhatTheSidecarWrites(t *testing.T) {
	// The sidecar's own documents, read back: the {Service}-only series must be the policy's.
	p := qlPlan(t, QueueLatencyArgs{Service: "fp-test-worker"})
	m := "targetTrackingScalingPolicyConfiguration.customizedMetricSpecification."
	docs := queuelatency.Documents(time.UnixMilli(0), "fp-test-worker", map[string]time.Duration{"default": 0, "mailers": 0})
	last, err := json.Marshal(docs[len(docs)-1])
	require.NoError(t, err)
	var d struct {
		AWS struct {
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Service string
	}
	require.NoError(t, json.Unmarshal(last, &d))
	dir := d.AWS.CloudWatchMetrics[0]
	assert.Equal(t, p.Str(m+"namespace"), dir.Namespace)
	assert.Equal(t, [][]string{{p.Str(m + "dimensions.0.name")}}, dir.Dimensions)
	assert.Equal(t, p.Str(m+"dimensions.0.value"), d.Service)
	assert.Equal(t, p.Str(m+"metricName"), dir.Metrics[0].Name)
	assert.Equal(t, p.Str(m+"unit"), dir.Metrics[0].Unit)
}

func TestQueueLatencySidecarContainer(t *testing.T) {
	tests := []struct {
		name       string
		give       QueueLatencyArgs
		wantEnv    map[string]string
		wantCpu    int
		wantMemory int
	}{
		{"defaults: Sidekiq's default queue", QueueLatencyArgs{Service: "fp-test-worker"}, map[string]string{
			"JOB_SYSTEM": "sidekiq", "SERVICE": "fp-test-worker", "QUEUES": "default", "INTERVAL_SECONDS": "15",
			"GOMEMLIMIT": "48MiB", "REDIS_URL": "rediss://master.fp-test.abc.apse2.cache.amazonaws.com:6379/0",
		}, 32, 64},
		{"two queues, every 30 s, more memory", QueueLatencyArgs{Service: "fp-test-worker", Queues: []string{"critical", "default"},
			IntervalSeconds: 30, Memory: 128}, map[string]string{
			"JOB_SYSTEM": "sidekiq", "SERVICE": "fp-test-worker", "QUEUES": "critical,default", "INTERVAL_SECONDS": "30",
			"GOMEMLIMIT": "96MiB", "REDIS_URL": "rediss://master.fp-test.abc.apse2.cache.amazonaws.com:6379/0",
		}, 32, 128},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := QueueLatencySidecar(tt.give, qlValues())
			require.NoError(t, err)
			assert.Equal(t, "queue-latency", c.Name)
			assert.Equal(t, qlImage, c.Image)
			assert.False(t, c.Essential, "the worker keeps working without it")
			assert.Equal(t, "65532:65532", c.User)
			assert.True(t, c.ReadonlyRootFilesystem)
			assert.False(t, c.Privileged)
			assert.Equal(t, &LinuxParameters{InitProcessEnabled: true}, c.LinuxParameters)
			assert.Equal(t, tt.wantCpu, c.Cpu)
			assert.Equal(t, tt.wantMemory, c.Memory)
			assert.Equal(t, &LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
				"awslogs-group": prefix + "/ecs/worker", "awslogs-region": region, "awslogs-stream-prefix": "worker",
			}}, c.LogConfiguration, "the worker's own log group: CloudWatch extracts the metric there")
			assert.Equal(t, tt.wantEnv, envMap(c.Environment))
			assert.Equal(t, []SecretRef{{Name: "REDIS_PASSWORD", ValueFrom: redisArn}}, c.Secrets)
			var mounts []string
			for _, mp := range c.MountPoints {
				mounts = append(mounts, mp.ContainerPath)
				assert.Equal(t, volumeName("queue-latency", mp.ContainerPath), mp.SourceVolume)
				assert.False(t, mp.ReadOnly)
			}
			assert.Equal(t, ExecAgentPaths, mounts, "the ECS Exec agent's mounts and nothing of its own")
			assert.Empty(t, c.PortMappings, "it listens on nothing")

			// ECS treats a container without "essential" as essential: false must be in the JSON.
			var raw []map[string]any
			require.NoError(t, json.Unmarshal([]byte(containerJSON([]ContainerDefinition{c})), &raw))
			assert.Equal(t, false, raw[0]["essential"])

			// The sidecar reads the environment it is given without complaint, and sees the same values.
			cfg, err := queuelatency.ConfigFromEnv(func(k string) string { return envMap(c.Environment)[k] })
			require.NoError(t, err)
			assert.Equal(t, tt.give.Service, cfg.Service)
			assert.Equal(t, tt.wantEnv["QUEUES"], strings.Join(cfg.Queues, ","))
		})
	}
}

func TestQueueLatencyUserIsTheImages(t *testing.T) {
	b, err := os.ReadFile("../../queuelatency/Dockerfile")
	require.NoError(t, err)
	users := regexp.MustCompile(`(?m)^USER (\S+)$`).FindAllSubmatch(b, -1)
	require.Len(t, users, 1)
	assert.Equal(t, QueueLatencyUser, string(users[0][1]))
}

func TestQueueLatencyRejectsWhatCannotRun(t *testing.T) {
	ok := QueueLatencyArgs{Service: "fp-test-worker"}
	with := func(f func(*QueueLatencyArgs)) QueueLatencyArgs { a := ok; f(&a); return a }
	tests := []struct {
		name    string
		give    QueueLatencyArgs
		wantErr string
	}{
		{"no service", QueueLatencyArgs{}, `service: QueueLatency.Service "": want the worker's task family`},
		{"an unknown job system", with(func(a *QueueLatencyArgs) { a.JobSystem = "resque" }), `QueueLatency.JobSystem "resque": want one of [sidekiq]`},
		{"a queue with a comma", with(func(a *QueueLatencyArgs) { a.Queues = []string{"default", "a,b"} }), `QueueLatency.Queues[1] "a,b": want a queue name`},
		{"a queue twice", with(func(a *QueueLatencyArgs) { a.Queues = []string{"default", "default"} }), `QueueLatency.Queues[1] "default": want each queue once`},
		{"an interval leaving minutes without data", with(func(a *QueueLatencyArgs) { a.IntervalSeconds = 120 }), "QueueLatency.IntervalSeconds 120: want 5 to 60"},
		{"a negative target", with(func(a *QueueLatencyArgs) { a.TargetSeconds = -1 }), "QueueLatency.TargetSeconds -1: want 1 to 86400"},
		{"an hour-long cooldown and more", with(func(a *QueueLatencyArgs) { a.ScaleInCooldown = 7200 }), "QueueLatency.ScaleInCooldown 7200: want 0 to 3600"},
		{"too little memory for a large job", with(func(a *QueueLatencyArgs) { a.Memory = 32 }), "QueueLatency.Memory 32: want at least 64 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.give.WithDefaults()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			_, err = QueueLatencySidecar(tt.give, qlValues())
			assert.ErrorContains(t, err, tt.wantErr, "the container refuses it too")
		})
	}
}

func TestQueueLatencySidecarGetsOnlyTheJobSystemsVariables(t *testing.T) {
	with := func(f func(*QueueLatencyValues)) QueueLatencyValues { v := qlValues(); f(&v); return v }
	tests := []struct {
		name    string
		give    QueueLatencyValues
		wantErr string
	}{
		{"the app's database password too", with(func(v *QueueLatencyValues) {
			v.Secrets = append(v.Secrets, SecretRef{Name: "DB_PASSWORD", ValueFrom: dbSecretArn + ":password::"})
		}), "queue-latency sidecar Secrets DB_PASSWORD: want at most each of [REDIS_PASSWORD] once"},
		{"the app's plain environment too", with(func(v *QueueLatencyValues) {
			v.Environment = append(v.Environment, KeyValue{Name: "DB_HOST", Value: "db"})
		}), "queue-latency sidecar Environment DB_HOST: want each of [REDIS_URL] once"},
		{"no REDIS_URL", with(func(v *QueueLatencyValues) { v.Environment = nil }), "Environment without REDIS_URL"},
		{"no image", with(func(v *QueueLatencyValues) { v.Image = "" }), `Image "": want the sidecar image`},
		{"no log group", with(func(v *QueueLatencyValues) { v.LogGroup = "" }), "want the worker task's awslogs settings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := QueueLatencySidecar(QueueLatencyArgs{Service: "fp-test-worker"}, tt.give)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
	// Without the secret is fine: a local Redis may have no password.
	_, err := QueueLatencySidecar(QueueLatencyArgs{Service: "fp-test-worker"}, with(func(v *QueueLatencyValues) { v.Secrets = nil }))
	assert.NoError(t, err)
}
