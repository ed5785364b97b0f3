package compliance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
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
		// A public route table (the load balancer's) and an isolated one (the database's).
		public, err := ec2.NewRouteTable(ctx, "public", &ec2.RouteTableArgs{VpcId: net.ID()})
		if err != nil {
			return err
		}
		if _, err := ec2.NewRoute(ctx, "public-default", &ec2.RouteArgs{RouteTableId: public.ID(),
			DestinationCidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: pulumi.String("igw-0123456789abcdef0")}); err != nil {
			return err
		}
		isolated, err := ec2.NewRouteTable(ctx, "isolated", &ec2.RouteTableArgs{VpcId: net.ID()})
		if err != nil {
			return err
		}
		dbTable := isolated.ID()
		if fault == "db-in-public-subnet" {
			dbTable = public.ID()
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, "db-0", &ec2.RouteTableAssociationArgs{SubnetId: subnets[0], RouteTableId: dbTable}); err != nil {
			return err
		}
		if fault != "no-endpoints" {
			for _, svc := range []string{"ecr.api", "ecr.dkr", "ssm"} {
				if _, err := ec2.NewVpcEndpoint(ctx, svc, &ec2.VpcEndpointArgs{VpcId: net.ID(), VpcEndpointType: pulumi.String("Interface"),
					ServiceName: pulumi.String("com.amazonaws.ap-southeast-2." + svc), SubnetIds: subnets}); err != nil {
					return err
				}
			}
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
		if fault != "bucket-no-lifecycle" {
			status := "Enabled"
			if fault == "lifecycle-disabled" {
				status = "Disabled"
			}
			if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, "logs", &s3.BucketLifecycleConfigurationV2Args{Bucket: bucket.ID(),
				Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{Id: pulumi.String("expire"),
					Status: pulumi.String(status), Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(30)}}}}); err != nil {
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
					// Another account may write objects (ALB log delivery in older regions), nothing more.
					write := iampolicy.Allow("Delivery", []string{"s3:PutObject"}, arn+"/*")
					write.Principal = &iampolicy.Principal{AWS: []string{"arn:aws:iam::783225319266:root"}}
					if fault == "cross-account-acl" {
						write.Action = append(write.Action, "s3:PutObjectAcl")
					}
					return iampolicy.New(s, write)
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
		// HTTPS only; the faults add a port 80 listener that redirects (ELB.18 fails it) or serves (ELB.1 too).
		var httpAction *lb.ListenerDefaultActionArgs
		switch fault {
		case "http-redirect":
			httpAction = &lb.ListenerDefaultActionArgs{Type: pulumi.String("redirect"),
				Redirect: &lb.ListenerDefaultActionRedirectArgs{Protocol: pulumi.String("HTTPS"), Port: pulumi.String("443"), StatusCode: pulumi.String("HTTP_301")}}
		case "http-forward":
			httpAction = &lb.ListenerDefaultActionArgs{Type: pulumi.String("fixed-response"),
				FixedResponse: &lb.ListenerDefaultActionFixedResponseArgs{ContentType: pulumi.String("text/plain")}}
		}
		if httpAction != nil {
			if _, err := lb.NewListener(ctx, "http", &lb.ListenerArgs{LoadBalancerArn: alb.Arn, Port: pulumi.Int(80),
				Protocol: pulumi.String("HTTP"), DefaultActions: lb.ListenerDefaultActionArray{httpAction}}); err != nil {
				return err
			}
		}
		policy := "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
		switch fault {
		case "tls12":
			policy = "ELBSecurityPolicy-2016-08"
		case "tls13-not-recommended":
			policy = "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09"
		}
		if _, err := lb.NewListener(ctx, "https", &lb.ListenerArgs{LoadBalancerArn: alb.Arn, Port: pulumi.Int(443),
			Protocol: pulumi.String("HTTPS"), SslPolicy: pulumi.String(policy), CertificateArn: pulumi.String("arn:aws:acm:x"),
			DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"),
				TargetGroupArn: pulumi.String("arn:aws:elasticloadbalancing:tg")}}}); err != nil {
			return err
		}

		// The certificate.
		cert := &acm.CertificateArgs{DomainName: pulumi.String("app.example.com"), ValidationMethod: pulumi.String("DNS")}
		if fault == "rsa-1024" {
			cert.KeyAlgorithm = pulumi.String("RSA_1024")
		}
		if _, err := acm.NewCertificate(ctx, "cert", cert); err != nil {
			return err
		}

		// Data stores.
		if fault != "no-database" {
			forceSSL := "1"
			if fault == "db-plain" {
				forceSSL = "0"
			}
			dbSubnets, err := rds.NewSubnetGroup(ctx, "db", &rds.SubnetGroupArgs{SubnetIds: pulumi.StringArray{subnets[0]}})
			if err != nil {
				return err
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
				EnabledCloudwatchLogsExports: pulumi.ToStringArray([]string{"postgresql"}), DbSubnetGroupName: dbSubnets.Name,
				Username: pulumi.String("app"), MonitoringInterval: pulumi.Int(60), CopyTagsToSnapshot: pulumi.Bool(true)}
			switch fault {
			case "db-unencrypted":
				db.StorageEncrypted, db.KmsKeyId = pulumi.Bool(false), nil
			case "db-single-az":
				db.MultiAz = pulumi.Bool(false)
			case "db-public":
				db.PubliclyAccessible = pulumi.Bool(true)
			case "db-admin-postgres":
				db.Username = pulumi.String("postgres")
			case "db-no-monitoring":
				db.MonitoringInterval = pulumi.Int(0)
			case "db-no-tag-copy":
				db.CopyTagsToSnapshot = pulumi.Bool(false)
			case "db-no-minor-upgrades":
				db.AutoMinorVersionUpgrade = pulumi.Bool(false)
			}
			if _, err := rds.NewInstance(ctx, "db", db, protect); err != nil {
				return err
			}
		}
		cache := &elasticache.ReplicationGroupArgs{ReplicationGroupId: pulumi.String("cache"), Description: pulumi.String("c"),
			NodeType: pulumi.String("cache.t4g.micro"), NumCacheClusters: pulumi.Int(2), AutomaticFailoverEnabled: pulumi.Bool(true),
			AtRestEncryptionEnabled: pulumi.Bool(true), KmsKeyId: key.Arn, TransitEncryptionEnabled: pulumi.Bool(true),
			TransitEncryptionMode: pulumi.String("required"), AuthToken: pulumi.ToSecret(pulumi.String("0123456789abcdef0123")).(pulumi.StringOutput),
			SnapshotRetentionLimit: pulumi.Int(7), SubnetGroupName: pulumi.String("cache-subnets")}
		switch fault {
		case "cache-preferred-tls":
			cache.TransitEncryptionMode = pulumi.String("preferred")
		case "cache-default-subnets":
			cache.SubnetGroupName = pulumi.String("default")
		case "cache-no-minor-upgrades":
			cache.AutoMinorVersionUpgrade = pulumi.Bool(false)
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
		publish := iampolicy.Allow("Alarms", []string{"sns:Publish"}, "arn:aws:sns:ap-southeast-2:123456789012:alarms")
		publish.Principal = &iampolicy.Principal{AWS: []string{"*"}}
		if fault != "public-topic" {
			publish.Condition = iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {"123456789012"}}}
		}
		if _, err := sns.NewTopicPolicy(ctx, "alarms", &sns.TopicPolicyArgs{Arn: topic.Arn, Policy: pulumi.String(iampolicy.New(publish).JSON())}); err != nil {
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
		if strings.HasPrefix(fault, "guardduty") {
			detector, err := guardduty.NewDetector(ctx, "detector", &guardduty.DetectorArgs{Enable: pulumi.Bool(true)})
			if err != nil {
				return err
			}
			for _, f := range []string{"S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION"} {
				if fault == "guardduty-no-rds-protection" && f == "RDS_LOGIN_EVENTS" {
					continue
				}
				if _, err := guardduty.NewDetectorFeature(ctx, f, &guardduty.DetectorFeatureArgs{DetectorId: detector.ID(),
					Name: pulumi.String(f), Status: pulumi.String("ENABLED")}); err != nil {
					return err
				}
			}
			if _, err := guardduty.NewDetectorFeature(ctx, "runtime", &guardduty.DetectorFeatureArgs{DetectorId: detector.ID(),
				Name: pulumi.String("RUNTIME_MONITORING"), Status: pulumi.String("ENABLED"),
				AdditionalConfigurations: guardduty.DetectorFeatureAdditionalConfigurationArray{&guardduty.DetectorFeatureAdditionalConfigurationArgs{
					Name: pulumi.String("ECS_FARGATE_AGENT_MANAGEMENT"), Status: pulumi.String("ENABLED")}}}); err != nil {
				return err
			}
		}
		if strings.HasPrefix(fault, "efs") {
			if err := efsVolume(ctx, fault, key.Arn, net.ID(), subnets, public.ID()); err != nil {
				return err
			}
		}
		if fault == "write-only-trail" {
			if _, err := cloudtrail.NewTrail(ctx, "trail", &cloudtrail.TrailArgs{S3BucketName: bucket.ID(),
				IsMultiRegionTrail: pulumi.Bool(true), EnableLogFileValidation: pulumi.Bool(true), KmsKeyId: key.Arn,
				CloudWatchLogsGroupArn: pulumi.String("arn:aws:logs:ap-southeast-2:123456789012:log-group:/p/s/trail:*"),
				EventSelectors: cloudtrail.TrailEventSelectorArray{&cloudtrail.TrailEventSelectorArgs{
					IncludeManagementEvents: pulumi.Bool(true), ReadWriteType: pulumi.String("WriteOnly")}}}); err != nil {
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
		{give: "http-forward", env: "dev", want: []string{"CC6.7 ELB.1", "CC6.7 ELB.18"}, wantType: "aws:lb/listener:Listener"},
		{give: "tls12", env: "dev", want: []string{"CC6.7 ELB.17"}, wantType: "aws:lb/listener:Listener"},
		{give: "cache-preferred-tls", env: "dev", want: []string{"CC6.7 ElastiCache.5"}, wantType: "aws:elasticache/replicationGroup:ReplicationGroup"},
		{give: "topic-aws-key", env: "dev", want: []string{"CC6.1 SNS.1"}, wantType: "aws:sns/topic:Topic"},
		{give: "silent-alarm", env: "dev", want: []string{"CC7.2 CloudWatch.15"}, wantType: "aws:cloudwatch/metricAlarm:MetricAlarm"},
		{give: "no-eviction-alarm", env: "prod", want: []string{"CC7.2 CloudWatch.Coverage"}},
		{give: "bad-trail", env: "dev", want: []string{"CC7.2 CloudTrail.1", "CC7.2 CloudTrail.5"}, wantType: "aws:cloudtrail/trail:Trail"},
		{give: "write-only-trail", env: "prod", want: []string{"CC7.2 CloudTrail.1"}, wantType: "aws:cloudtrail/trail:Trail"},
		// The checks added for the FSBP controls a plan decides.
		{give: "bucket-no-lifecycle", env: "dev", want: []string{"CC7.2 S3.13"}, wantType: "aws:s3/bucketV2:BucketV2"},
		{give: "lifecycle-disabled", env: "prod", want: []string{"CC7.2 S3.13"}, wantType: "aws:s3/bucketV2:BucketV2"},
		{give: "cross-account-acl", env: "dev", want: []string{"CC6.1 S3.6"}, wantType: "aws:s3/bucketV2:BucketV2"},
		{give: "public-topic", env: "dev", want: []string{"CC6.1 SNS.4"}, wantType: "aws:sns/topic:Topic"},
		{give: "http-redirect", env: "dev", want: []string{"CC6.7 ELB.18"}, wantType: "aws:lb/listener:Listener"},
		{give: "tls13-not-recommended", env: "dev", want: []string{"CC6.7 ELB.17"}, wantType: "aws:lb/listener:Listener"},
		{give: "rsa-1024", env: "dev", want: []string{"CC6.7 ACM.2"}, wantType: "aws:acm/certificate:Certificate"},
		{give: "db-in-public-subnet", env: "dev", want: []string{"CC6.6 RDS.46"}, wantType: "aws:rds/instance:Instance"},
		{give: "db-admin-postgres", env: "dev", want: []string{"CC6.1 RDS.25"}, wantType: "aws:rds/instance:Instance"},
		{give: "db-no-minor-upgrades", env: "dev", want: []string{"CC6.8 RDS.13"}, wantType: "aws:rds/instance:Instance"},
		{give: "db-no-tag-copy", env: "dev", want: []string{"A1.2 RDS.17"}, wantType: "aws:rds/instance:Instance"},
		{give: "db-no-monitoring", env: "prod", want: []string{"CC7.2 RDS.6"}, wantType: "aws:rds/instance:Instance"},
		{give: "db-no-monitoring", env: "dev", want: nil}, // cost: relaxed in dev
		{give: "cache-default-subnets", env: "dev", want: []string{"CC6.6 ElastiCache.7"}, wantType: "aws:elasticache/replicationGroup:ReplicationGroup"},
		{give: "cache-no-minor-upgrades", env: "dev", want: []string{"CC6.8 ElastiCache.2"}, wantType: "aws:elasticache/replicationGroup:ReplicationGroup"},
		{give: "no-endpoints", env: "prod", want: []string{"CC6.6 EC2.55/EC2.56/EC2.57"}, wantType: "aws:ec2/vpc:Vpc"},
		{give: "no-endpoints", env: "dev", want: nil}, // cost: dev reaches the APIs through its NAT gateway
		{give: "guardduty", env: "prod", want: nil},
		{give: "guardduty-no-rds-protection", env: "prod", want: []string{"CC6.8 GuardDuty.Features"}, wantType: "aws:guardduty/detector:Detector"},
		// A volume (pkg/volumes), compliant, then each of its settings broken.
		{give: "efs", env: "prod", want: nil},
		{give: "efs", env: "dev", want: nil},
		{give: "efs-unencrypted", env: "dev", want: []string{"CC6.1 EFS.1/EFS.8"}, wantType: "aws:efs/fileSystem:FileSystem"},
		{give: "efs-aws-key", env: "prod", want: []string{"CC6.1 EFS.1/EFS.8"}, wantType: "aws:efs/fileSystem:FileSystem"},
		{give: "efs-no-backups", env: "dev", want: []string{"A1.2 EFS.2/EFS.7"}, wantType: "aws:efs/fileSystem:FileSystem"}, // never relaxed
		{give: "efs-backups-disabled", env: "prod", want: []string{"A1.2 EFS.2/EFS.7"}, wantType: "aws:efs/fileSystem:FileSystem"},
		{give: "efs-root-directory", env: "dev", want: []string{"CC6.1 EFS.3"}, wantType: "aws:efs/accessPoint:AccessPoint"},
		{give: "efs-root-user", env: "dev", want: []string{"CC6.1 EFS.4"}, wantType: "aws:efs/accessPoint:AccessPoint"},
		{give: "efs-no-user", env: "dev", want: []string{"CC6.1 EFS.4"}, wantType: "aws:efs/accessPoint:AccessPoint"},
		{give: "efs-public-subnet", env: "dev", want: []string{"CC6.6 EFS.6"}, wantType: "aws:efs/mountTarget:MountTarget"},
		{give: "efs-public-ip-subnet", env: "dev", want: []string{"CC6.6 EC2.15", "CC6.6 EFS.6"}}, // the subnet fails EC2.15, the mount target EFS.6
		{give: "efs-nfs-open", env: "dev", want: []string{"CC6.6 EC2.DataPorts"}, wantType: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"},
		{give: "efs-no-policy", env: "dev", want: []string{"CC6.1 EFS.AccessPoints", "CC6.7 EFS.TLS"}, wantType: "aws:efs/fileSystem:FileSystem"},
		{give: "efs-no-tls-deny", env: "dev", want: []string{"CC6.7 EFS.TLS"}, wantType: "aws:efs/fileSystem:FileSystem"},
		{give: "efs-any-access-point", env: "dev", want: []string{"CC6.1 EFS.AccessPoints"}, wantType: "aws:efs/fileSystem:FileSystem"},
		{give: "efs-root-allowed", env: "dev", want: []string{"CC6.1 EFS.AccessPoints"}, wantType: "aws:efs/fileSystem:FileSystem"},
		{give: "efs-allow-anyone", env: "dev", want: []string{"CC6.1 EFS.AccessPoints"}, wantType: "aws:efs/fileSystem:FileSystem"},
		{give: "efs-unprotected", env: "prod", want: []string{"CC8.1 Pulumi.Protect"}, wantType: "aws:efs/fileSystem:FileSystem"},
		{give: "efs-unprotected", env: "dev", want: nil},
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
	// The mock registers concurrently, so the rules come in either order.
	var values []string
	for _, e := range check(t, report, "EC2.18/EC2.19").Evidence {
		values = append(values, e.Value)
	}
	assert.Contains(t, strings.Join(values, "\n"), "tcp 443-443 from 0.0.0.0/0")
}

// TestS3_13FailsNamingTheBucketWithoutLifecycle: a bucket with no lifecycle configuration fails S3.13 in
// every environment, and the report names the bucket, and only it.
func TestS3_13FailsNamingTheBucketWithoutLifecycle(t *testing.T) {
	rec := record(t, stack("bucket-no-lifecycle"))
	bucket := rec.ByType("aws:s3/bucketV2:BucketV2")[0]
	for _, env := range []string{"dev", "prod"} {
		report := Evaluate(rec, env)
		c := check(t, report, "S3.13")
		assert.False(t, c.Pass, env)
		assert.Equal(t, []string{bucket.URN}, failingURNs(c), env)
		assert.Equal(t, []Evidence{{URN: bucket.URN, Property: "lifecycle configuration", Value: "none", Pass: false}}, c.Evidence)

		var buf bytes.Buffer
		report.Write(&buf)
		assert.Contains(t, buf.String(), "  FAIL S3.13 every bucket has a lifecycle configuration  0/1 bucket\n      "+bucket.URN+"\n")
		assert.True(t, strings.HasSuffix(buf.String(), "FAIL: 1 check(s) failed: CC7.2 S3.13\n"), env)
	}
	// With a lifecycle configuration of one enabled rule, the evidence names the configuration.
	c := check(t, Evaluate(record(t, stack("")), "prod"), "S3.13")
	assert.True(t, c.Pass)
	require.Len(t, c.Evidence, 1)
	assert.Contains(t, c.Evidence[0].Property, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
	assert.Equal(t, "[expire Enabled]", c.Evidence[0].Value)
}

// lines splits output into its lines.
func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func checkCount() int {
	n := 0
	for _, c := range Controls() {
		n += len(c.Checks)
	}
	return n
}

// TestWriteIsALinePerControlAndCheck: by default the report is a header, a line per control, a line per
// check with how many resources pass, the Security Hub summary and the verdict, and no evidence.
func TestWriteIsALinePerControlAndCheck(t *testing.T) {
	var buf bytes.Buffer
	Evaluate(record(t, stack("")), "prod").Write(&buf)
	out := lines(buf.String())
	assert.Len(t, out, 1+len(Controls())+checkCount()+3, buf.String())
	assert.Equal(t, "SOC 2 compliance report (environment prod)", out[0])
	assert.Contains(t, out, "PASS CC6.6 Boundary protection")
	assert.Contains(t, out, "  PASS RDS.3 RDS encrypted at rest with a customer-managed key  1/1 DB instance")
	assert.Contains(t, out, "  PASS Logs.KMS log groups encrypted with a customer-managed key  1/1 log group")
	assert.Contains(t, out, "  PASS CloudWatch.Coverage alarms watch every tier (ECS, ALB, RDS, ElastiCache)  14/14 metrics")
	assert.Contains(t, out, "  PASS CloudTrail.2 CloudTrail encrypted with a KMS key  none in the plan: "+optCloudTrail)
	assert.NotRegexp(t, `(?m)^      (PASS|FAIL) `, buf.String(), "no evidence without --verbose")
	assert.Regexp(t, `^Security Hub: \d+ controls \(\d+ of them FSBP\)`, out[len(out)-2])
	assert.Equal(t, "PASS: every control holds for prod", out[len(out)-1])

	// In dev a relaxed check says so on its line.
	buf.Reset()
	Evaluate(record(t, stack("db-single-az")), "dev").Write(&buf)
	assert.Contains(t, lines(buf.String()), "  PASS RDS.5 RDS Multi-AZ  0/1 DB instance (relaxed in dev: availability/cost item required in prod)")
}

// TestWriteListsOnlyTheFailingResources: one alarm without actions among fourteen fails CloudWatch.15,
// and only its URN follows the line.
func TestWriteListsOnlyTheFailingResources(t *testing.T) {
	rec := record(t, stack("silent-alarm"))
	var buf bytes.Buffer
	Evaluate(rec, "prod").Write(&buf)
	silent := rec.Find("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm-0")
	require.NotNil(t, silent)
	out := lines(buf.String())
	i := slices.Index(out, "  FAIL CloudWatch.15 alarms have actions, and they are enabled  13/14 alarms")
	require.GreaterOrEqual(t, i, 0, buf.String())
	assert.Equal(t, "      "+silent.URN, out[i+1])
	assert.True(t, strings.HasPrefix(out[i+2], "  PASS "), out[i+2])
	assert.Equal(t, "FAIL CC7.2 Monitoring and alerting", out[slices.IndexFunc(out, func(l string) bool { return strings.HasSuffix(l, "CC7.2 Monitoring and alerting") })])
}

// TestWriteVerboseShowsTheEvidence: --verbose adds every property read, of every resource, and the
// Security Hub controls the report does not check, with why.
func TestWriteVerboseShowsTheEvidence(t *testing.T) {
	rec := record(t, stack("db-unencrypted"))
	report := Evaluate(rec, "prod")
	var short, long bytes.Buffer
	report.Write(&short)
	report.WriteVerbose(&long)
	db := rec.ByType("aws:rds/instance:Instance")[0]
	out := long.String()
	assert.Contains(t, out, "FAIL CC6.1 Encryption at rest")
	assert.Contains(t, out, "  FAIL RDS.3 RDS encrypted at rest with a customer-managed key  0/1 DB instance\n")
	assert.Contains(t, out, "      FAIL "+db.URN+" storageEncrypted = false\n")
	assert.Contains(t, out, "      PASS "+db.URN+" publiclyAccessible = false\n")
	assert.Contains(t, out, "Security Hub controls not adopted (Security Hub reports them FAILED; each is a decision):\n  EC2.10 ")
	assert.Contains(t, out, "  IAM.6 Hardware MFA should be enabled for the root user: ")
	assert.Greater(t, len(lines(out)), 3*len(lines(short.String())))
	assert.True(t, strings.HasSuffix(out, "FAIL: 1 check(s) failed: CC6.1 RDS.3\n"), out[len(out)-200:])
	assert.NotContains(t, short.String(), "storageEncrypted")
	assert.Contains(t, short.String(), "  FAIL RDS.3 RDS encrypted at rest with a customer-managed key  0/1 DB instance\n      "+db.URN+"\n")
}

// TestWriteJSONHoldsEveryCheckAndResource: --json is the whole report, machine-readable.
func TestWriteJSONHoldsEveryCheckAndResource(t *testing.T) {
	rec := record(t, stack("db-unencrypted"))
	var buf bytes.Buffer
	require.NoError(t, Evaluate(rec, "prod").WriteJSON(&buf))
	var got struct {
		Environment string   `json:"environment"`
		Pass        bool     `json:"pass"`
		Failed      []string `json:"failed"`
		Controls    []struct {
			ID     string `json:"id"`
			Pass   bool   `json:"pass"`
			Checks []struct {
				ID        string `json:"id"`
				Pass      bool   `json:"pass"`
				Passing   int    `json:"passing"`
				Total     int    `json:"total"`
				Resources []struct {
					URN      string `json:"urn"`
					Type     string `json:"type"`
					Pass     bool   `json:"pass"`
					Evidence []struct {
						Property, Value string
						Pass            bool
					} `json:"evidence"`
				} `json:"resources"`
			} `json:"checks"`
		} `json:"controls"`
		SecurityHub []struct {
			ID, Coverage, Source string
		} `json:"securityHub"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	assert.Equal(t, "prod", got.Environment)
	assert.False(t, got.Pass)
	assert.Equal(t, []string{"CC6.1 RDS.3"}, got.Failed)
	require.Len(t, got.Controls, len(Controls()))
	n := 0
	db := rec.ByType("aws:rds/instance:Instance")[0]
	for _, c := range got.Controls {
		for _, ch := range c.Checks {
			n++
			if ch.ID != "RDS.3" {
				continue
			}
			assert.False(t, ch.Pass)
			assert.Equal(t, 0, ch.Passing)
			assert.Equal(t, 1, ch.Total)
			require.Len(t, ch.Resources, 1)
			assert.Equal(t, db.URN, ch.Resources[0].URN)
			assert.Equal(t, "aws:rds/instance:Instance", ch.Resources[0].Type)
			assert.Equal(t, "storageEncrypted", ch.Resources[0].Evidence[0].Property)
			assert.Equal(t, "false", ch.Resources[0].Evidence[0].Value)
		}
	}
	assert.Equal(t, checkCount(), n)
	require.Len(t, got.SecurityHub, len(SecurityHub))
	assert.Equal(t, "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-13", got.SecurityHub[slices.IndexFunc(SecurityHub, func(c SecurityHubControl) bool { return c.ID == "S3.13" })].Source)
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
