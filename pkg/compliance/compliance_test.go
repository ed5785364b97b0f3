package compliance

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const keyArn = "arn:aws:kms:ap-southeast-2:123456789012:key/0f0e0d0c-0000-4000-8000-000000000001"

// record runs a tiny program under the recording mock.
func record(t *testing.T, program func(ctx *pulumi.Context) error) *plan.Recorder {
	t.Helper()
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	require.NoError(t, pulumi.RunErr(program, rec.RunOptions(nil, nil)...))
	return rec
}

// check returns the one result of a check id.
func check(t *testing.T, r Report, id string) CheckResult {
	t.Helper()
	got := r.Check(id)
	require.Len(t, got, 1, id)
	return got[0]
}

// failingURNs are the URNs of a check's failing evidence.
func failingURNs(c CheckResult) []string {
	var out []string
	for _, e := range c.Evidence {
		if !e.Pass {
			out = append(out, e.URN)
		}
	}
	return out
}

// stack is the smallest plan that holds every kind of resource the checks read, compliant unless fault
// names something to break.
func stack(fault string) func(ctx *pulumi.Context) error {
	return func(ctx *pulumi.Context) error {
		protect := pulumi.Protect(fault != "unprotected-db")
		rootPolicy := iampolicy.New(iampolicy.Statement{Sid: "Root", Effect: "Allow",
			Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:root"}},
			Action:    []string{"kms:*"}, Resource: []string{"*"}})
		if fault == "key-policy-star" {
			rootPolicy.Statement = append(rootPolicy.Statement, iampolicy.Statement{Sid: "Anyone", Effect: "Allow",
				Principal: &iampolicy.Principal{AWS: []string{"*"}}, Action: []string{"kms:Decrypt"}, Resource: []string{"*"}})
		}
		key, err := kms.NewKey(ctx, "key", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(fault != "no-rotation"),
			DeletionWindowInDays: pulumi.Int(30), Policy: pulumi.String(rootPolicy.JSON())}, pulumi.Protect(true))
		if err != nil {
			return err
		}

		// Network.
		net, err := ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
		if err != nil {
			return err
		}
		if fault != "no-default-sg" {
			if _, err := ec2.NewDefaultSecurityGroup(ctx, "default", &ec2.DefaultSecurityGroupArgs{VpcId: net.ID()}); err != nil {
				return err
			}
		}
		group, err := cloudwatch.NewLogGroup(ctx, "flow", &cloudwatch.LogGroupArgs{Name: pulumi.String("/p/s/flow"),
			RetentionInDays: pulumi.Int(365), KmsKeyId: key.Arn})
		if err != nil {
			return err
		}
		if fault != "no-flow-logs" {
			if _, err := ec2.NewFlowLog(ctx, "flow", &ec2.FlowLogArgs{VpcId: net.ID(), TrafficType: pulumi.String("ALL"),
				LogDestination: group.Arn, IamRoleArn: pulumi.String("arn:aws:iam::123456789012:role/flow")}); err != nil {
				return err
			}
		}
		var subnets pulumi.StringArray
		for i := 0; i < 2; i++ {
			s, err := ec2.NewSubnet(ctx, fmt.Sprintf("subnet-%d", i), &ec2.SubnetArgs{VpcId: net.ID(),
				CidrBlock: pulumi.Sprintf("10.0.%d.0/24", i), MapPublicIpOnLaunch: pulumi.Bool(false)})
			if err != nil {
				return err
			}
			subnets = append(subnets, s.ID())
		}
		albSg, err := ec2.NewSecurityGroup(ctx, "alb", &ec2.SecurityGroupArgs{VpcId: net.ID(), Description: pulumi.String("alb")})
		if err != nil {
			return err
		}
		dbSg, err := ec2.NewSecurityGroup(ctx, "db", &ec2.SecurityGroupArgs{VpcId: net.ID(), Description: pulumi.String("db")})
		if err != nil {
			return err
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, "https-in", &vpc.SecurityGroupIngressRuleArgs{SecurityGroupId: albSg.ID(),
			IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443), CidrIpv4: pulumi.String("0.0.0.0/0")}); err != nil {
			return err
		}
		dbRule := &vpc.SecurityGroupIngressRuleArgs{SecurityGroupId: dbSg.ID(), IpProtocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(5432), ToPort: pulumi.Int(5432), ReferencedSecurityGroupId: albSg.ID()}
		if fault == "db-open-to-world" {
			dbRule.ReferencedSecurityGroupId, dbRule.CidrIpv4 = nil, pulumi.String("0.0.0.0/0")
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, "db-in", dbRule); err != nil {
			return err
		}

		// IAM.
		trust := iampolicy.New(iampolicy.Statement{Effect: "Allow", Action: []string{"sts:AssumeRole"},
			Principal: &iampolicy.Principal{Service: []string{"ecs-tasks.amazonaws.com"}},
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {"123456789012"}}}})
		role, err := iam.NewRole(ctx, "task", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(trust.JSON())})
		if err != nil {
			return err
		}
		stmts := []iampolicy.Statement{
			iampolicy.Allow("Pull", []string{"ecr:GetAuthorizationToken"}, "*"),
			iampolicy.Allow("Decrypt", []string{"kms:Decrypt"}, keyArn),
		}
		if fault == "star-resource" {
			stmts = append(stmts, iampolicy.Allow("Read", []string{"s3:GetObject"}, "*"))
		}
		if fault == "service-star" {
			stmts = append(stmts, iampolicy.Allow("All", []string{"s3:*"}, "arn:aws:s3:::b/*"))
		}
		if _, err := iam.NewRolePolicy(ctx, "task", &iam.RolePolicyArgs{Role: role.Name,
			Policy: pulumi.String(iampolicy.New(stmts...).JSON())}); err != nil {
			return err
		}

		// Registry and service.
		repo, err := ecr.NewRepository(ctx, "app", &ecr.RepositoryArgs{Name: pulumi.String("p/app"),
			ImageTagMutability:         pulumi.String("IMMUTABLE"),
			ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(fault != "no-scan")},
			EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{&ecr.RepositoryEncryptionConfigurationArgs{
				EncryptionType: pulumi.String("KMS"), KmsKey: key.Arn}}}, pulumi.Protect(true))
		if err != nil {
			return err
		}
		if _, err := ecr.NewLifecyclePolicy(ctx, "app", &ecr.LifecyclePolicyArgs{Repository: repo.Name,
			Policy: pulumi.String(`{"rules":[]}`)}); err != nil {
			return err
		}
		cluster, err := ecs.NewCluster(ctx, "cluster", &ecs.ClusterArgs{Settings: ecs.ClusterSettingArray{
			ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enhanced")}}})
		if err != nil {
			return err
		}
		readonly, env := "true", `[{"name":"RAILS_ENV","value":"production"}]`
		if fault == "writable-root" {
			readonly = "false"
		}
		if fault == "password-in-env" {
			env = `[{"name":"DB_PASSWORD","value":"hunter2"}]`
		}
		td, err := ecs.NewTaskDefinition(ctx, "web", &ecs.TaskDefinitionArgs{Family: pulumi.String("web"),
			NetworkMode: pulumi.String("awsvpc"), RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
			Cpu: pulumi.String("256"), Memory: pulumi.String("512"),
			ContainerDefinitions: pulumi.String(`[{"name":"rails","image":"x","essential":true,"user":"1000:1000",` +
				`"readonlyRootFilesystem":` + readonly + `,"privileged":false,"environment":` + env + `,` +
				`"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/p/s/web"}}}]`)})
		if err != nil {
			return err
		}
		if _, err := ecs.NewService(ctx, "web", &ecs.ServiceArgs{Cluster: cluster.Arn, TaskDefinition: td.Arn,
			PlatformVersion:          pulumi.String("LATEST"),
			NetworkConfiguration:     &ecs.ServiceNetworkConfigurationArgs{Subnets: subnets, AssignPublicIp: pulumi.Bool(false)},
			DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)}}); err != nil {
			return err
		}

		// Buckets.
		bucket, err := s3.NewBucketV2(ctx, "logs", &s3.BucketV2Args{BucketPrefix: pulumi.String("logs-")}, pulumi.Protect(true))
		if err != nil {
			return err
		}
		if fault != "bucket-public" {
			if _, err := s3.NewBucketPublicAccessBlock(ctx, "logs", &s3.BucketPublicAccessBlockArgs{Bucket: bucket.ID(),
				BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true), IgnorePublicAcls: pulumi.Bool(true),
				RestrictPublicBuckets: pulumi.Bool(true)}); err != nil {
				return err
			}
		}
		if _, err := s3.NewBucketOwnershipControls(ctx, "logs", &s3.BucketOwnershipControlsArgs{Bucket: bucket.ID(),
			Rule: &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")}}); err != nil {
			return err
		}
		if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, "logs", &s3.BucketServerSideEncryptionConfigurationV2Args{
			Bucket: bucket.ID(), Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
				ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
					SseAlgorithm: pulumi.String("AES256")}}}}); err != nil {
			return err
		}
		if fault != "bucket-unversioned" {
			if _, err := s3.NewBucketVersioningV2(ctx, "logs", &s3.BucketVersioningV2Args{Bucket: bucket.ID(),
				VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")}}); err != nil {
				return err
			}
		}
		if fault != "bucket-plain-http" {
			if _, err := s3.NewBucketPolicy(ctx, "logs", &s3.BucketPolicyArgs{Bucket: bucket.ID(),
				Policy: iampolicy.Build(func(v []any) iampolicy.Document {
					arn := v[0].(string)
					s := iampolicy.Deny("TLS", []string{"s3:*"}, arn, arn+"/*")
					s.Principal = &iampolicy.Principal{AWS: []string{"*"}}
					s.Condition = iampolicy.Condition{"Bool": {"aws:SecureTransport": {"false"}}}
					return iampolicy.New(s)
				}, bucket.Arn)}); err != nil {
				return err
			}
		}

		// Load balancer.
		alb, err := lb.NewLoadBalancer(ctx, "alb", &lb.LoadBalancerArgs{Name: pulumi.String("alb"), Subnets: subnets,
			DropInvalidHeaderFields: pulumi.Bool(true), EnableDeletionProtection: pulumi.Bool(fault != "alb-deletable"),
			AccessLogs: &lb.LoadBalancerAccessLogsArgs{Bucket: bucket.ID(), Enabled: pulumi.Bool(true)}})
		if err != nil {
			return err
		}
		httpAction := &lb.ListenerDefaultActionArgs{Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{Protocol: pulumi.String("HTTPS"), Port: pulumi.String("443"), StatusCode: pulumi.String("HTTP_301")}}
		if fault == "http-forward" {
			httpAction = &lb.ListenerDefaultActionArgs{Type: pulumi.String("fixed-response"),
				FixedResponse: &lb.ListenerDefaultActionFixedResponseArgs{ContentType: pulumi.String("text/plain")}}
		}
		if _, err := lb.NewListener(ctx, "http", &lb.ListenerArgs{LoadBalancerArn: alb.Arn, Port: pulumi.Int(80),
			Protocol: pulumi.String("HTTP"), DefaultActions: lb.ListenerDefaultActionArray{httpAction}}); err != nil {
			return err
		}
		policy := "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
		if fault == "tls12" {
			policy = "ELBSecurityPolicy-2016-08"
		}
		if _, err := lb.NewListener(ctx, "https", &lb.ListenerArgs{LoadBalancerArn: alb.Arn, Port: pulumi.Int(443),
			Protocol: pulumi.String("HTTPS"), SslPolicy: pulumi.String(policy), CertificateArn: pulumi.String("arn:aws:acm:x"),
			DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"),
				TargetGroupArn: pulumi.String("arn:aws:elasticloadbalancing:tg")}}}); err != nil {
			return err
		}

		// Data stores.
		if fault != "no-database" {
			forceSSL := "1"
			if fault == "db-plain" {
				forceSSL = "0"
			}
			params, err := rds.NewParameterGroup(ctx, "db", &rds.ParameterGroupArgs{Family: pulumi.String("postgres16"),
				Parameters: rds.ParameterGroupParameterArray{rds.ParameterGroupParameterArgs{Name: pulumi.String("rds.force_ssl"), Value: pulumi.String(forceSSL)}}})
			if err != nil {
				return err
			}
			db := &rds.InstanceArgs{Identifier: pulumi.String("db"), Engine: pulumi.String("postgres"), InstanceClass: pulumi.String("db.t4g.micro"),
				AllocatedStorage: pulumi.Int(20), StorageEncrypted: pulumi.Bool(true), KmsKeyId: key.Arn, ParameterGroupName: params.Name,
				PubliclyAccessible: pulumi.Bool(false), MultiAz: pulumi.Bool(true), DeletionProtection: pulumi.Bool(true),
				SkipFinalSnapshot: pulumi.Bool(false), BackupRetentionPeriod: pulumi.Int(14), IamDatabaseAuthenticationEnabled: pulumi.Bool(true),
				EnabledCloudwatchLogsExports: pulumi.ToStringArray([]string{"postgresql"})}
			switch fault {
			case "db-unencrypted":
				db.StorageEncrypted, db.KmsKeyId = pulumi.Bool(false), nil
			case "db-single-az":
				db.MultiAz = pulumi.Bool(false)
			case "db-public":
				db.PubliclyAccessible = pulumi.Bool(true)
			}
			if _, err := rds.NewInstance(ctx, "db", db, protect); err != nil {
				return err
			}
		}
		cache := &elasticache.ReplicationGroupArgs{ReplicationGroupId: pulumi.String("cache"), Description: pulumi.String("c"),
			NodeType: pulumi.String("cache.t4g.micro"), NumCacheClusters: pulumi.Int(2), AutomaticFailoverEnabled: pulumi.Bool(true),
			AtRestEncryptionEnabled: pulumi.Bool(true), KmsKeyId: key.Arn, TransitEncryptionEnabled: pulumi.Bool(true),
			TransitEncryptionMode: pulumi.String("required"), AuthToken: pulumi.ToSecret(pulumi.String("0123456789abcdef0123")).(pulumi.StringOutput),
			SnapshotRetentionLimit: pulumi.Int(7)}
		if fault == "cache-preferred-tls" {
			cache.TransitEncryptionMode = pulumi.String("preferred")
		}
		if _, err := elasticache.NewReplicationGroup(ctx, "cache", cache, pulumi.Protect(true)); err != nil {
			return err
		}
		if _, err := secretsmanager.NewSecret(ctx, "token", &secretsmanager.SecretArgs{Name: pulumi.String("p/token"),
			KmsKeyId: key.Arn, RecoveryWindowInDays: pulumi.Int(30)}, pulumi.Protect(true)); err != nil {
			return err
		}

		// Alerting.
		topicKey := key.Arn.ToStringOutput()
		if fault == "topic-aws-key" {
			topicKey = pulumi.String("alias/aws/sns").ToStringOutput()
		}
		topic, err := sns.NewTopic(ctx, "alarms", &sns.TopicArgs{Name: pulumi.String("alarms"), KmsMasterKeyId: topicKey})
		if err != nil {
			return err
		}
		for i, c := range coverage {
			if fault == "no-eviction-alarm" && c.metric == "Evictions" {
				continue
			}
			actions := pulumi.Array{topic.Arn}
			if fault == "silent-alarm" && i == 0 {
				actions = nil
			}
			if _, err := cloudwatch.NewMetricAlarm(ctx, fmt.Sprintf("alarm-%d", i), &cloudwatch.MetricAlarmArgs{
				Name: pulumi.Sprintf("alarm-%d", i), Namespace: pulumi.String(c.namespace), MetricName: pulumi.String(c.metric),
				ComparisonOperator: pulumi.String("GreaterThanThreshold"), EvaluationPeriods: pulumi.Int(1), Period: pulumi.Int(60),
				Statistic: pulumi.String("Average"), Threshold: pulumi.Float64(1), AlarmActions: actions, OkActions: actions}); err != nil {
				return err
			}
		}
		if fault == "bad-trail" {
			if _, err := cloudtrail.NewTrail(ctx, "trail", &cloudtrail.TrailArgs{S3BucketName: bucket.ID(),
				IsMultiRegionTrail: pulumi.Bool(false), EnableLogFileValidation: pulumi.Bool(true), KmsKeyId: key.Arn}); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestEachFaultFailsExactlyItsCheck plans a compliant stack, then the same stack with one control broken
// on purpose: the report must fail on exactly that control and check, naming the resource.
func TestEachFaultFailsExactlyItsCheck(t *testing.T) {
	tests := []struct {
		give     string // fault
		env      string
		want     []string // failed "<control> <check>"
		wantType string   // the type of the resource named in the failing evidence
	}{
		{give: "", env: "prod", want: nil},
		{give: "", env: "dev", want: nil},
		{give: "db-unencrypted", env: "prod", want: []string{"CC6.1 RDS.3"}, wantType: "aws:rds/instance:Instance"},
		{give: "db-unencrypted", env: "dev", want: []string{"CC6.1 RDS.3"}, wantType: "aws:rds/instance:Instance"}, // never relaxed
		{give: "db-public", env: "dev", want: []string{"CC6.6 RDS.2"}, wantType: "aws:rds/instance:Instance"},
		{give: "db-plain", env: "prod", want: []string{"CC6.7 RDS.TLS"}, wantType: "aws:rds/instance:Instance"},
		{give: "db-single-az", env: "prod", want: []string{"A1.2 RDS.5"}, wantType: "aws:rds/instance:Instance"},
		{give: "db-single-az", env: "dev", want: nil}, // availability: relaxed in dev
		{give: "unprotected-db", env: "prod", want: []string{"CC8.1 Pulumi.Protect"}, wantType: "aws:rds/instance:Instance"},
		{give: "unprotected-db", env: "dev", want: nil},
		{give: "alb-deletable", env: "prod", want: []string{"A1.2 ELB.6"}, wantType: "aws:lb/loadBalancer:LoadBalancer"},
		{give: "bucket-unversioned", env: "prod", want: []string{"A1.2 S3.14"}, wantType: "aws:s3/bucketV2:BucketV2"},
		{give: "bucket-public", env: "dev", want: []string{"CC6.6 S3.8/S3.12"}, wantType: "aws:s3/bucketV2:BucketV2"},
		{give: "bucket-plain-http", env: "dev", want: []string{"CC6.7 S3.5"}, wantType: "aws:s3/bucketV2:BucketV2"},
		{give: "no-rotation", env: "dev", want: []string{"CC6.1 KMS.4"}, wantType: "aws:kms/key:Key"},
		{give: "key-policy-star", env: "prod", want: []string{"CC6.1 KMS.KeyPolicy"}, wantType: "aws:kms/key:Key"},
		{give: "star-resource", env: "dev", want: []string{"CC6.1 IAM.ResourceScope"}, wantType: "aws:iam/rolePolicy:RolePolicy"},
		{give: "service-star", env: "dev", want: []string{"CC6.1 IAM.1/IAM.21"}, wantType: "aws:iam/rolePolicy:RolePolicy"},
		{give: "password-in-env", env: "dev", want: []string{"CC6.1 ECS.8"}, wantType: "aws:ecs/taskDefinition:TaskDefinition"},
		{give: "writable-root", env: "dev", want: []string{"CC6.8 ECS.5"}, wantType: "aws:ecs/taskDefinition:TaskDefinition"},
		{give: "no-scan", env: "dev", want: []string{"CC6.8 ECR.1"}, wantType: "aws:ecr/repository:Repository"},
		{give: "db-open-to-world", env: "dev", want: []string{"CC6.6 EC2.18/EC2.19", "CC6.6 EC2.DataPorts"}, wantType: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"},
		{give: "no-default-sg", env: "dev", want: []string{"CC6.6 EC2.2"}, wantType: "aws:ec2/vpc:Vpc"},
		{give: "no-flow-logs", env: "dev", want: []string{"CC7.2 EC2.6"}, wantType: "aws:ec2/vpc:Vpc"},
		{give: "http-forward", env: "dev", want: []string{"CC6.7 ELB.1"}, wantType: "aws:lb/listener:Listener"},
		{give: "tls12", env: "dev", want: []string{"CC6.7 ELB.17"}, wantType: "aws:lb/listener:Listener"},
		{give: "cache-preferred-tls", env: "dev", want: []string{"CC6.7 ElastiCache.5"}, wantType: "aws:elasticache/replicationGroup:ReplicationGroup"},
		{give: "topic-aws-key", env: "dev", want: []string{"CC6.1 SNS.1"}, wantType: "aws:sns/topic:Topic"},
		{give: "silent-alarm", env: "dev", want: []string{"CC7.2 CloudWatch.15"}, wantType: "aws:cloudwatch/metricAlarm:MetricAlarm"},
		{give: "no-eviction-alarm", env: "prod", want: []string{"CC7.2 CloudWatch.Coverage"}},
		{give: "bad-trail", env: "dev", want: []string{"CC7.2 CloudTrail.1", "CC7.2 CloudTrail.5"}, wantType: "aws:cloudtrail/trail:Trail"},
	}
	for _, tt := range tests {
		t.Run(tt.give+"/"+tt.env, func(t *testing.T) {
			rec := record(t, stack(tt.give))
			report := Evaluate(rec, tt.env)
			assert.Equal(t, tt.want, report.Failed())
			assert.Equal(t, len(tt.want) == 0, report.Passed())
			if tt.wantType == "" {
				return
			}
			for _, failed := range tt.want {
				id := strings.SplitN(failed, " ", 2)[1]
				urns := failingURNs(check(t, report, id))
				require.NotEmpty(t, urns, failed)
				for _, urn := range urns {
					require.NotNil(t, rec.Get(urn), urn)
					assert.Equal(t, tt.wantType, rec.Get(urn).Type, failed)
				}
			}
		})
	}
}

func TestProdOnlyChecksSayWhyTheyPassInDev(t *testing.T) {
	rec := record(t, stack("db-single-az"))
	dev := check(t, Evaluate(rec, "dev"), "RDS.5")
	assert.True(t, dev.Pass)
	assert.Contains(t, dev.Skipped, "relaxed in dev")
	require.Len(t, dev.Evidence, 1)
	assert.False(t, dev.Evidence[0].Pass, "the evidence still shows the relaxed value")
	assert.Equal(t, "false", dev.Evidence[0].Value)

	for _, env := range []string{"prod", "staging", ""} {
		got := check(t, Evaluate(rec, env), "RDS.5")
		assert.False(t, got.Pass, env)
		assert.Empty(t, got.Skipped, env)
	}
}

func TestAbsentTypes(t *testing.T) {
	report := Evaluate(record(t, stack("no-database")), "dev")
	// A plan missing its database is not compliant: every database check fails on "none".
	for _, id := range []string{"RDS.3", "RDS.2", "RDS.TLS", "RDS.11", "RDS.9"} {
		c := check(t, report, id)
		assert.False(t, c.Pass, id)
		require.Len(t, c.Evidence, 1, id)
		assert.Equal(t, "none", c.Evidence[0].Value, id)
		assert.Contains(t, c.Evidence[0].Property, "aws:rds/instance:Instance", id)
	}
	// Optional kinds pass vacuously and say why.
	for _, id := range []string{"CloudTrail.1", "CloudTrail.4", "GuardDuty.1", "SSM.SecureString"} {
		c := check(t, report, id)
		assert.True(t, c.Pass, id)
		assert.Contains(t, c.Skipped, "none in the plan", id)
		assert.Empty(t, c.Evidence, id)
	}
}

func TestEvidenceNamesResourcesAndValues(t *testing.T) {
	rec := record(t, stack(""))
	report := Evaluate(rec, "prod")
	db := rec.ByType("aws:rds/instance:Instance")[0]
	rds3 := check(t, report, "RDS.3")
	assert.Equal(t, []Evidence{
		{URN: db.URN, Property: "storageEncrypted", Value: "true", Pass: true},
		{URN: db.URN, Property: "kmsKeyId", Value: rec.ByType("aws:kms/key:Key")[0].Outputs["arn"].(string), Pass: true},
	}, rds3.Evidence)

	// Every ingress rule is evaluated, not only the first.
	rules := rec.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
	require.Len(t, rules, 2)
	assert.Len(t, check(t, report, "EC2.18/EC2.19").Evidence, 2)
	assert.Contains(t, check(t, report, "EC2.18/EC2.19").Evidence[0].Value, "tcp 443-443 from 0.0.0.0/0")
}

func TestWriteNamesTheFailingControlAndResource(t *testing.T) {
	rec := record(t, stack("db-unencrypted"))
	report := Evaluate(rec, "prod")
	var buf bytes.Buffer
	report.Write(&buf)
	out := buf.String()
	db := rec.ByType("aws:rds/instance:Instance")[0]
	assert.Contains(t, out, "SOC 2 compliance report (environment prod)")
	assert.Contains(t, out, "FAIL CC6.1: Encryption at rest")
	assert.Contains(t, out, "  FAIL RDS.3 RDS encrypted at rest with a customer-managed key\n")
	assert.Contains(t, out, "      FAIL "+db.URN+" storageEncrypted = false\n")
	assert.Contains(t, out, "PASS CC6.6: Boundary protection")
	assert.Contains(t, out, "IAM.6/IAM.9 root user MFA")
	assert.True(t, strings.HasSuffix(out, "FAIL: 1 check(s) failed: CC6.1 RDS.3\n"), out[len(out)-200:])

	buf.Reset()
	Evaluate(record(t, stack("")), "prod").Write(&buf)
	assert.True(t, strings.HasSuffix(buf.String(), "PASS: every control holds for prod\n"))
}

func TestResourceLevelData(t *testing.T) {
	tests := []struct {
		give          string
		wantSupported bool
		wantKnown     bool
	}{
		{"ecr:GetAuthorizationToken", false, true},
		{"logs:CreateLogStream", true, true},
		{"s3:GetObject", true, true},
		{"ssm:GetParameters", true, true},
		{"ssmmessages:CreateControlChannel", false, true},
		{"cloudwatch:PutMetricData", true, true},   // an optional resource type counts: name it where the call allows
		{"ECR:getauthorizationtoken", false, true}, // IAM action names are case-insensitive
		{"logs:Describe*", true, true},             // some Describe action names a resource
		{"madeup:Action", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			supported, known := ResourceLevel(tt.give)
			assert.Equal(t, tt.wantSupported, supported)
			assert.Equal(t, tt.wantKnown, known)
		})
	}
	assert.True(t, strings.HasPrefix(iamActions, "# source: "), "the embedded data keeps its source header")
}

func TestDecodePolicyReadsHandWrittenForms(t *testing.T) {
	stmts, err := decodePolicy(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":"arn:aws:s3:::b","Condition":{"Bool":{"aws:SecureTransport":false}}}}`)
	require.NoError(t, err)
	require.Len(t, stmts, 1)
	assert.True(t, stmts[0].PrincipalStar)
	assert.Equal(t, []string{"s3:*"}, stmts[0].Action)
	assert.Equal(t, []string{"arn:aws:s3:::b"}, stmts[0].Resource)
	assert.Equal(t, []string{"false"}, stmts[0].Condition["Bool"]["aws:SecureTransport"])

	_, err = decodePolicy("not json")
	assert.Error(t, err)
}

func TestUndecidableListsWhy(t *testing.T) {
	ids := map[string]bool{}
	for _, u := range Undecidable {
		assert.NotEmpty(t, u.Why, u.ID)
		ids[u.ID] = true
	}
	for _, want := range []string{"IAM.6/IAM.9", "Config.1", "GuardDuty.1 (findings)", "ELB.16"} {
		assert.True(t, ids[want], want)
	}
}
