package observability

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/compliance"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const (
	keyArn   = "arn:aws:kms:ap-southeast-2:123456789012:key/0f0e0d0c-0000-4000-8000-000000000001"
	topicArn = "arn:aws:sns:ap-southeast-2:123456789012:fp-test-alarms"
	albSfx   = "app/fp-test/0123456789abcdef"
	tgSfx    = "targetgroup/fp-test-web/fedcba9876543210"
)

// baseArgs are complete args for a stack with a web and a worker service.
func baseArgs() Args {
	return Args{
		KmsKeyArn:   pulumi.String(keyArn),
		ClusterName: pulumi.String("fp-test"),
		Services: []ServiceRef{
			{Name: "web", ServiceName: pulumi.String("fp-test-web"), DesiredMin: 2},
			{Name: "worker", ServiceName: pulumi.String("fp-test-worker"), DesiredMin: 1},
		},
		AlbArnSuffix:            pulumi.String(albSfx),
		TargetGroupArnSuffix:    pulumi.String(tgSfx),
		DbInstanceId:            pulumi.String("fp-test-db"),
		DbAllocatedStorageGiB:   20,
		CacheReplicationGroupId: pulumi.String("fp-test-cache"),
		LogGroupPrefix:          "/fargate-platform/test",
	}
}

func run(t *testing.T, args Args) *plan.Recorder {
	t.Helper()
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "fp-test", &args)
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	return rec
}

func alarmsByName(rec *plan.Recorder) map[string]*plan.Resource {
	out := map[string]*plan.Resource{}
	for _, r := range rec.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		out[r.Str("name")] = r
	}
	return out
}

func TestTopicIsEncryptedAndOnlyThisStacksAlarmsPublish(t *testing.T) {
	rec := run(t, baseArgs())
	topics := rec.ByType("aws:sns/topic:Topic")
	require.Len(t, topics, 1)
	assert.Equal(t, "fp-test-alarms", topics[0].Str("name"))
	assert.Equal(t, keyArn, topics[0].Str("kmsMasterKeyId"))

	policies := rec.ByType("aws:sns/topicPolicy:TopicPolicy")
	require.Len(t, policies, 1)
	assert.Equal(t, topicArn, policies[0].Str("arn"))
	doc, err := iampolicy.Parse(policies[0].Str("policy"))
	require.NoError(t, err)
	require.Len(t, doc.Statement, 1, "one statement: CloudWatch publishes, nobody else")
	s := doc.Statement[0]
	assert.Equal(t, "Allow", s.Effect)
	assert.Equal(t, []string{"cloudwatch.amazonaws.com"}, s.Principal.Service)
	assert.Empty(t, s.Principal.AWS)
	assert.Equal(t, []string{"sns:Publish"}, s.Action)
	assert.Equal(t, []string{topicArn}, s.Resource)
	assert.Equal(t, []string{plan.Account}, s.Condition["StringEquals"]["aws:SourceAccount"])
	assert.Equal(t, []string{"arn:aws:cloudwatch:ap-southeast-2:123456789012:alarm:fp-test-*"}, s.Condition["ArnLike"]["aws:SourceArn"])
}

func TestSubscriptions(t *testing.T) {
	tests := []struct {
		name      string
		give      Args
		wantEmail []string
		wantHTTPS []string
	}{
		{"none by default", Args{}, nil, nil},
		{"emails and a webhook", Args{AlarmEmails: []string{"ops@example.com", "oncall@example.com"}, WebhookUrl: "https://hooks.example.com/sns"},
			// The webhook URL is its own credential: secret in the plan and the state.
			[]string{"ops@example.com", "oncall@example.com"}, []string{"[secret]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			args.AlarmEmails, args.WebhookUrl = tt.give.AlarmEmails, tt.give.WebhookUrl
			rec := run(t, args)
			var emails, https []string
			for _, s := range rec.ByType("aws:sns/topicSubscription:TopicSubscription") {
				assert.Equal(t, topicArn, s.Str("topic"))
				switch s.Str("protocol") {
				case "email":
					emails = append(emails, s.Str("endpoint"))
				case "https":
					https = append(https, s.Str("endpoint"))
					raw := s.RawInputs["endpoint"]
					require.True(t, raw.ContainsSecrets(), "the webhook URL is secret")
				default:
					t.Errorf("unexpected protocol %q", s.Str("protocol"))
				}
			}
			// Resources register from goroutines, so the order is not part of the contract.
			assert.ElementsMatch(t, tt.wantEmail, emails)
			assert.ElementsMatch(t, tt.wantHTTPS, https)
		})
	}
}

func TestAlarmSetDependsOnCacheNodes(t *testing.T) {
	tests := []struct {
		name     string
		nodes    int
		wantLag  []string
		wantSize int
	}{
		// 2 services x 3 + 4 ALB + 4 RDS + 3 per cache node (+1 lag per node with replicas)
		{"one cache node: no replication lag alarm", 1, nil, 6 + 4 + 4 + 3},
		{"two cache nodes: lag on both", 2, []string{"fp-test-cache-001-replication-lag", "fp-test-cache-002-replication-lag"}, 6 + 4 + 4 + 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			args.CacheNodes = tt.nodes
			rec := run(t, args)
			alarms := alarmsByName(rec)
			assert.Len(t, alarms, tt.wantSize)
			var lag []string
			for n, r := range alarms {
				if r.Str("metricName") == "ReplicationLag" {
					lag = append(lag, n)
				}
			}
			assert.ElementsMatch(t, tt.wantLag, lag)
		})
	}
}

func TestEveryAlarmNotifiesTheTopicOnAlarmAndOk(t *testing.T) {
	rec := run(t, baseArgs())
	alarms := rec.ByType("aws:cloudwatch/metricAlarm:MetricAlarm")
	require.NotEmpty(t, alarms)
	for _, r := range alarms {
		assert.Equal(t, []any{topicArn}, r.In("alarmActions"), r.Name)
		assert.Equal(t, []any{topicArn}, r.In("okActions"), r.Name)
		assert.Equal(t, true, r.In("actionsEnabled"), r.Name)
		assert.Contains(t, []string{"breaching", "notBreaching"}, r.Str("treatMissingData"), r.Name)
		assert.True(t, strings.HasPrefix(r.Str("name"), "fp-test-"), "alarm names fall under the topic policy's SourceArn pattern")
	}
}

// TestAlarmMetricsDimensionsAndThresholds checks each single-metric alarm against AWS's metric names and
// dimensions, with defaults and with overridden thresholds.
func TestAlarmMetricsDimensionsAndThresholds(t *testing.T) {
	type want struct {
		namespace, metric, stat, comparison, missing string
		dims                                         map[string]any
		threshold                                    float64
	}
	webDims := map[string]any{"ClusterName": "fp-test", "ServiceName": "fp-test-web"}
	tgDims := map[string]any{"LoadBalancer": albSfx, "TargetGroup": tgSfx}
	db := map[string]any{"DBInstanceIdentifier": "fp-test-db"}
	node1 := map[string]any{"CacheClusterId": "fp-test-cache-001"}
	tests := []struct {
		name string
		give func(*Args)
		want map[string]want
	}{
		{"defaults", func(*Args) {}, map[string]want{
			"fp-test-web-cpu-high":              {"AWS/ECS", "CPUUtilization", "Average", "GreaterThanThreshold", "notBreaching", webDims, 85},
			"fp-test-web-memory-high":           {"AWS/ECS", "MemoryUtilization", "Average", "GreaterThanThreshold", "notBreaching", webDims, 85},
			"fp-test-unhealthy-hosts":           {"AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", "GreaterThanThreshold", "notBreaching", tgDims, 0},
			"fp-test-p99-latency":               {"AWS/ApplicationELB", "TargetResponseTime", "p99", "GreaterThanThreshold", "notBreaching", tgDims, 2},
			"fp-test-db-cpu-high":               {"AWS/RDS", "CPUUtilization", "Average", "GreaterThanThreshold", "breaching", db, 80},
			"fp-test-db-free-storage-low":       {"AWS/RDS", "FreeStorageSpace", "Minimum", "LessThanThreshold", "breaching", db, 5 * 1024 * 1024 * 1024},
			"fp-test-db-freeable-memory-low":    {"AWS/RDS", "FreeableMemory", "Minimum", "LessThanThreshold", "breaching", db, 256 * 1024 * 1024},
			"fp-test-db-connections-high":       {"AWS/RDS", "DatabaseConnections", "Maximum", "GreaterThanThreshold", "breaching", db, 80},
			"fp-test-cache-001-engine-cpu-high": {"AWS/ElastiCache", "EngineCPUUtilization", "Average", "GreaterThanThreshold", "breaching", node1, 80},
			"fp-test-cache-001-memory-high":     {"AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Maximum", "GreaterThanThreshold", "breaching", node1, 80},
			"fp-test-cache-001-evictions":       {"AWS/ElastiCache", "Evictions", "Sum", "GreaterThanThreshold", "notBreaching", node1, 0},
			"fp-test-worker-cpu-high":           {"AWS/ECS", "CPUUtilization", "Average", "GreaterThanThreshold", "notBreaching", map[string]any{"ClusterName": "fp-test", "ServiceName": "fp-test-worker"}, 85},
		}},
		{"overrides", func(a *Args) {
			a.CpuPercent, a.P99LatencyMs, a.DbFreeStorageGiB, a.DbConnections = 70, 750, 10, 400
		}, map[string]want{
			"fp-test-web-cpu-high":        {"AWS/ECS", "CPUUtilization", "Average", "GreaterThanThreshold", "notBreaching", webDims, 70},
			"fp-test-p99-latency":         {"AWS/ApplicationELB", "TargetResponseTime", "p99", "GreaterThanThreshold", "notBreaching", tgDims, 0.75},
			"fp-test-db-free-storage-low": {"AWS/RDS", "FreeStorageSpace", "Minimum", "LessThanThreshold", "breaching", db, 10 * 1024 * 1024 * 1024},
			"fp-test-db-connections-high": {"AWS/RDS", "DatabaseConnections", "Maximum", "GreaterThanThreshold", "breaching", db, 400},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			tt.give(&args)
			alarms := alarmsByName(run(t, args))
			for name, w := range tt.want {
				r := alarms[name]
				require.NotNil(t, r, name)
				assert.Equal(t, w.namespace, r.Str("namespace"), name)
				assert.Equal(t, w.metric, r.Str("metricName"), name)
				if w.stat == "p99" {
					assert.Equal(t, "p99", r.Str("extendedStatistic"), name)
					assert.Nil(t, r.In("statistic"), name)
				} else {
					assert.Equal(t, w.stat, r.Str("statistic"), name)
				}
				assert.Equal(t, w.comparison, r.Str("comparisonOperator"), name)
				assert.Equal(t, w.missing, r.Str("treatMissingData"), name)
				assert.Equal(t, w.dims, r.In("dimensions"), name)
				assert.Equal(t, w.threshold, r.In("threshold"), name)
			}
		})
	}
}

func TestMetricMathAlarms(t *testing.T) {
	alarms := alarmsByName(run(t, baseArgs()))
	tests := []struct {
		alarm       string
		wantMetrics map[string]string // query id -> metric name
		wantExpr    string
		wantDims    map[string]any
		threshold   float64
		missing     string
	}{
		{"fp-test-alb-5xx-rate", map[string]string{"errors": "HTTPCode_ELB_5XX_Count", "requests": "RequestCount"},
			"100 * FILL(errors, 0) / requests", map[string]any{"LoadBalancer": albSfx}, 5, "notBreaching"},
		{"fp-test-target-5xx-rate", map[string]string{"errors": "HTTPCode_Target_5XX_Count", "requests": "RequestCount"},
			"100 * FILL(errors, 0) / requests", map[string]any{"LoadBalancer": albSfx, "TargetGroup": tgSfx}, 5, "notBreaching"},
		{"fp-test-web-running-tasks-low", map[string]string{"running": "RunningTaskCount", "desired": "DesiredTaskCount"},
			"MIN([desired, desired * 0 + 2]) - running", map[string]any{"ClusterName": "fp-test", "ServiceName": "fp-test-web"}, 0, "breaching"},
		{"fp-test-worker-running-tasks-low", map[string]string{"running": "RunningTaskCount", "desired": "DesiredTaskCount"},
			"MIN([desired, desired * 0 + 1]) - running", map[string]any{"ClusterName": "fp-test", "ServiceName": "fp-test-worker"}, 0, "breaching"},
	}
	for _, tt := range tests {
		t.Run(tt.alarm, func(t *testing.T) {
			r := alarms[tt.alarm]
			require.NotNil(t, r)
			assert.Nil(t, r.In("metricName"), "a metric-math alarm names no metric of its own")
			queries, ok := r.In("metricQueries").([]any)
			require.True(t, ok)
			require.Len(t, queries, 3)
			returned := 0
			for _, q := range queries {
				q := q.(map[string]any)
				if q["returnData"] == true {
					returned++
					assert.Equal(t, tt.wantExpr, q["expression"])
					continue
				}
				m := q["metric"].(map[string]any)
				assert.Equal(t, tt.wantMetrics[q["id"].(string)], m["metricName"])
				assert.Equal(t, tt.wantDims, m["dimensions"])
			}
			assert.Equal(t, 1, returned)
			assert.Equal(t, tt.threshold, r.In("threshold"))
			assert.Equal(t, tt.missing, r.Str("treatMissingData"))
		})
	}
}

func TestNoRunningTasksAlarmForAServiceWithoutAFloor(t *testing.T) {
	args := baseArgs()
	args.Services = []ServiceRef{{Name: "worker", ServiceName: pulumi.String("fp-test-worker"), DesiredMin: 0}}
	alarms := alarmsByName(run(t, args))
	assert.Nil(t, alarms["fp-test-worker-running-tasks-low"])
	assert.NotNil(t, alarms["fp-test-worker-cpu-high"])
	assert.Nil(t, alarms["fp-test-web-cpu-high"])
}

func TestDashboardFollowsARequest(t *testing.T) {
	args := baseArgs()
	args.Domain = "app.example.com"
	args.CacheNodes = 2
	rec := run(t, args)
	ds := rec.ByType("aws:cloudwatch/dashboard:Dashboard")
	require.Len(t, ds, 1)
	assert.Equal(t, "fp-test", ds[0].Str("dashboardName"))
	var d struct {
		Widgets []struct {
			Type       string         `json:"type"`
			Y          int            `json:"y"`
			Width      int            `json:"width"`
			Properties map[string]any `json:"properties"`
		} `json:"widgets"`
	}
	require.NoError(t, json.Unmarshal([]byte(ds[0].Str("dashboardBody")), &d))
	var headings []string
	var metrics string
	for _, w := range d.Widgets {
		assert.LessOrEqual(t, w.Width, 24)
		if w.Type == "text" {
			headings = append(headings, strings.SplitN(w.Properties["markdown"].(string), "\n", 2)[0])
			continue
		}
		b, _ := json.Marshal(w.Properties["metrics"])
		metrics += string(b)
		assert.Equal(t, "ap-southeast-2", w.Properties["region"])
	}
	assert.Equal(t, []string{"## 1. Cloudflare", "## 2. Load balancer", "## 3. web service", "## 4. PostgreSQL and Redis", "## 5. worker service"}, headings)
	assert.Contains(t, d.Widgets[0].Properties["markdown"], "https://dash.cloudflare.com/")
	assert.Contains(t, d.Widgets[0].Properties["markdown"], "app.example.com")
	for _, want := range []string{albSfx, tgSfx, `"fp-test-web"`, `"fp-test-worker"`, `"fp-test-db"`, `"fp-test-cache-001"`, `"fp-test-cache-002"`, `"p99"`} {
		assert.Contains(t, metrics, want)
	}
}

func TestCloudTrailAndGuardDutyAreOffByDefault(t *testing.T) {
	rec := run(t, baseArgs())
	for _, typ := range []string{"aws:cloudtrail/trail:Trail", "aws:s3/bucketV2:BucketV2", "aws:kms/key:Key",
		"aws:guardduty/detector:Detector", "aws:guardduty/detectorFeature:DetectorFeature",
		"aws:cloudwatch/logGroup:LogGroup", "aws:iam/role:Role"} {
		assert.Len(t, rec.ByType(typ), 0, typ)
	}
}

func TestCloudTrail(t *testing.T) {
	args := baseArgs()
	args.CloudTrail = true
	args.Protect = true
	rec := run(t, args)
	wantTrailArn := "arn:aws:cloudtrail:ap-southeast-2:123456789012:trail/fp-test-trail"

	trails := rec.ByType("aws:cloudtrail/trail:Trail")
	require.Len(t, trails, 1)
	tr := trails[0]
	assert.Equal(t, wantTrailArn, tr.Outputs["arn"])
	assert.Equal(t, true, tr.In("isMultiRegionTrail"))
	assert.Equal(t, true, tr.In("includeGlobalServiceEvents"))
	assert.Equal(t, true, tr.In("enableLogFileValidation"))

	keys := rec.ByType("aws:kms/key:Key")
	require.Len(t, keys, 1)
	key := keys[0]
	assert.Equal(t, true, key.In("enableKeyRotation"))
	assert.True(t, key.Protect)
	assert.Equal(t, key.Outputs["arn"], tr.Str("kmsKeyId"))
	kp, err := iampolicy.Parse(key.Str("policy"))
	require.NoError(t, err)
	require.Len(t, kp.Statement, 3)
	assert.Equal(t, []string{"arn:aws:iam::123456789012:root"}, kp.Statement[0].Principal.AWS)
	assert.Equal(t, []string{"kms:*"}, kp.Statement[0].Action)
	gen := kp.Statement[1]
	assert.Equal(t, []string{"cloudtrail.amazonaws.com"}, gen.Principal.Service)
	assert.Equal(t, []string{"kms:GenerateDataKey*"}, gen.Action)
	assert.Equal(t, []string{"arn:aws:cloudtrail:*:123456789012:trail/*"}, gen.Condition["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"])
	assert.Equal(t, []string{wantTrailArn}, gen.Condition["StringEquals"]["aws:SourceArn"])
	assert.Equal(t, []string{"kms:DescribeKey"}, kp.Statement[2].Action)
	assert.Equal(t, []string{wantTrailArn}, kp.Statement[2].Condition["StringEquals"]["aws:SourceArn"])

	buckets := rec.ByType("aws:s3/bucketV2:BucketV2")
	require.Len(t, buckets, 1)
	b := buckets[0]
	assert.True(t, b.Protect)
	assert.Equal(t, false, b.In("forceDestroy"))
	name := b.Outputs["bucket"].(string)
	assert.Equal(t, name, tr.Str("s3BucketName"))
	forBucket := func(typ string) *plan.Resource {
		rs := rec.ByType(typ)
		require.Len(t, rs, 1, typ)
		assert.Equal(t, name, rs[0].Str("bucket"), typ)
		return rs[0]
	}
	pab := forBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.Equal(t, true, pab.In(k), k)
	}
	assert.Equal(t, "BucketOwnerEnforced", forBucket("aws:s3/bucketOwnershipControls:BucketOwnershipControls").Str("rule.objectOwnership"))
	assert.Equal(t, "Enabled", forBucket("aws:s3/bucketVersioningV2:BucketVersioningV2").Str("versioningConfiguration.status"))
	// Log files expire (Security Hub S3.13), after the versioning that makes the noncurrent rule apply.
	lc := forBucket("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
	require.Len(t, lc.In("rules"), 1)
	assert.Equal(t, "Enabled", lc.Str("rules.0.status"))
	assert.Equal(t, float64(TrailLogFileDays), lc.In("rules.0.expiration.days"))
	assert.Equal(t, float64(TrailNoncurrentDays), lc.In("rules.0.noncurrentVersionExpiration.noncurrentDays"))
	assert.Equal(t, float64(7), lc.In("rules.0.abortIncompleteMultipartUpload.daysAfterInitiation"))
	assert.Contains(t, lc.Dependencies, rec.ByType("aws:s3/bucketVersioningV2:BucketVersioningV2")[0].URN)
	assert.GreaterOrEqual(t, TrailLogFileDays, 365, "a year's observation period at least")
	sse := forBucket("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
	assert.Equal(t, "aws:kms", sse.Str("rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"))
	assert.Equal(t, key.Outputs["arn"], sse.Str("rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId"))

	bp, err := iampolicy.Parse(forBucket("aws:s3/bucketPolicy:BucketPolicy").Str("policy"))
	require.NoError(t, err)
	require.Len(t, bp.Statement, 3)
	bucketArn := "arn:aws:s3:::" + name
	assert.Equal(t, []string{"s3:GetBucketAcl"}, bp.Statement[0].Action)
	assert.Equal(t, []string{bucketArn}, bp.Statement[0].Resource)
	assert.Equal(t, []string{wantTrailArn}, bp.Statement[0].Condition["StringEquals"]["aws:SourceArn"])
	assert.Equal(t, []string{"s3:PutObject"}, bp.Statement[1].Action)
	assert.Equal(t, []string{bucketArn + "/AWSLogs/123456789012/*"}, bp.Statement[1].Resource)
	assert.Equal(t, []string{wantTrailArn}, bp.Statement[1].Condition["StringEquals"]["aws:SourceArn"])
	assert.Equal(t, "Deny", bp.Statement[2].Effect)
	assert.Equal(t, []string{"false"}, bp.Statement[2].Condition["Bool"]["aws:SecureTransport"])

	groups := rec.ByType("aws:cloudwatch/logGroup:LogGroup")
	require.Len(t, groups, 1)
	assert.Equal(t, "/fargate-platform/test/cloudtrail", groups[0].Str("name"))
	assert.Equal(t, keyArn, groups[0].Str("kmsKeyId"))
	assert.Equal(t, float64(365), groups[0].In("retentionInDays"))
	assert.Equal(t, groups[0].Outputs["arn"].(string)+":*", tr.Str("cloudWatchLogsGroupArn"))

	role := rec.ByType("aws:iam/role:Role")
	require.Len(t, role, 1)
	trust, err := iampolicy.Parse(role[0].Str("assumeRolePolicy"))
	require.NoError(t, err)
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, []string{"cloudtrail.amazonaws.com"}, trust.Statement[0].Principal.Service)
	assert.Equal(t, []string{plan.Account}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
	assert.Equal(t, []string{wantTrailArn}, trust.Statement[0].Condition["StringEquals"]["aws:SourceArn"])
	rp, err := iampolicy.Parse(rec.ByType("aws:iam/rolePolicy:RolePolicy")[0].Str("policy"))
	require.NoError(t, err)
	require.Len(t, rp.Statement, 1)
	assert.Equal(t, []string{"logs:CreateLogStream", "logs:PutLogEvents"}, rp.Statement[0].Action)
	assert.Equal(t, []string{groups[0].Outputs["arn"].(string) + ":log-stream:*"}, rp.Statement[0].Resource)
}

func TestGuardDutyRuntimeMonitoring(t *testing.T) {
	args := baseArgs()
	args.GuardDuty = true
	rec := run(t, args)
	detectors := rec.ByType("aws:guardduty/detector:Detector")
	require.Len(t, detectors, 1)
	assert.Equal(t, true, detectors[0].In("enable"))
	features := map[string]*plan.Resource{}
	for _, f := range rec.ByType("aws:guardduty/detectorFeature:DetectorFeature") {
		assert.Equal(t, detectors[0].ID, f.Str("detectorId"), f.URN)
		assert.Equal(t, "ENABLED", f.Str("status"), f.URN)
		features[f.Str("name")] = f
	}
	// Runtime monitoring manages the Fargate agent only: not the EKS or EC2 ones, which GuardDuty would
	// install into clusters and instances the stack does not own.
	assert.Equal(t, []any{map[string]any{"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": "ENABLED"}},
		features["RUNTIME_MONITORING"].In("additionalConfigurations"))
	// And the protection plans Security Hub GuardDuty.5, .6, .8, .9 and .10 ask for, nothing else.
	want := []string{"EBS_MALWARE_PROTECTION", "EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS", "RDS_LOGIN_EVENTS", "RUNTIME_MONITORING", "S3_DATA_EVENTS"}
	got := make([]string, 0, len(features))
	for name := range features {
		got = append(got, name)
	}
	sort.Strings(got)
	assert.Equal(t, want, got)
	assert.Len(t, rec.ByType("aws:cloudtrail/trail:Trail"), 0)
}

func TestRejectsArgsItCannotBuild(t *testing.T) {
	tests := []struct {
		name    string
		give    func(*Args)
		wantErr string
	}{
		{"no key", func(a *Args) { a.KmsKeyArn = nil }, "KmsKeyArn"},
		{"no cluster", func(a *Args) { a.ClusterName = nil }, "ClusterName"},
		{"no services", func(a *Args) { a.Services = nil }, "Services"},
		{"service name not a DNS label", func(a *Args) { a.Services[0].Name = "API" }, `"API"`},
		{"service twice", func(a *Args) { a.Services[1].Name = "web" }, "twice"},
		{"percent above 100", func(a *Args) { a.CpuPercent = 150 }, "CpuPercent 150"},
		{"free storage not below allocation", func(a *Args) { a.DbFreeStorageGiB = 20 }, "DbFreeStorageGiB 20"},
		{"seven cache nodes", func(a *Args) { a.CacheNodes = 7 }, "CacheNodes 7"},
		{"http webhook", func(a *Args) { a.WebhookUrl = "http://hooks.example.com" }, "WebhookUrl"},
		{"bad email", func(a *Args) { a.AlarmEmails = []string{"ops"} }, `AlarmEmails "ops"`},
		{"no log group prefix", func(a *Args) { a.LogGroupPrefix = "" }, "LogGroupPrefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			tt.give(&args)
			rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := New(ctx, "fp-test", &args)
				return err
			}, rec.RunOptions(nil, nil)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, rec.Resources())
		})
	}
}

// TestAuditResourcesPassTheComplianceChecks runs the compliance report over the component with everything
// on: every check over the kinds of resource it creates passes in prod.
func TestAuditResourcesPassTheComplianceChecks(t *testing.T) {
	args := baseArgs()
	args.CloudTrail, args.GuardDuty, args.Protect = true, true, true
	args.CacheNodes = 2
	report := compliance.Evaluate(run(t, args), "prod")
	for _, id := range []string{"IAM.1/IAM.21", "IAM.ResourceScope", "IAM.Trust", "KMS.KeyPolicy", "KMS.4",
		"KMS.DeletionWindow", "S3.SSE", "S3.8/S3.12", "S3.5", "S3.14", "Logs.KMS", "Logs.Retention", "CloudWatch.16",
		"SNS.1", "CloudWatch.15", "CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5", "GuardDuty.1",
		"GuardDuty.Runtime", "GuardDuty.Features", "S3.13", "S3.6", "SNS.4", "Pulumi.Protect"} {
		results := report.Check(id)
		require.NotEmpty(t, results, id)
		for _, r := range results {
			assert.True(t, r.Pass, "%s: %+v", id, r.Evidence)
			assert.Empty(t, r.Skipped, id)
		}
	}
	coverage := report.Check("CloudWatch.Coverage")
	require.Len(t, coverage, 1)
	for _, e := range coverage[0].Evidence {
		// Only the tiers present in the plan are required; this plan has alarms but no ECS or RDS resources.
		assert.True(t, e.Pass, e.Property)
	}
}
