package compliance

// Resource types the checks read.
const (
	tTaskDefinition  = "aws:ecs/taskDefinition:TaskDefinition"
	tService         = "aws:ecs/service:Service"
	tCluster         = "aws:ecs/cluster:Cluster"
	tRepository      = "aws:ecr/repository:Repository"
	tLifecyclePolicy = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	tLoadBalancer    = "aws:lb/loadBalancer:LoadBalancer"
	tListener        = "aws:lb/listener:Listener"
	tDbInstance      = "aws:rds/instance:Instance"
	tDbParams        = "aws:rds/parameterGroup:ParameterGroup"
	tCache           = "aws:elasticache/replicationGroup:ReplicationGroup"
	tKey             = "aws:kms/key:Key"
	tSecret          = "aws:secretsmanager/secret:Secret"
	tParameter       = "aws:ssm/parameter:Parameter"
	tBucket          = "aws:s3/bucketV2:BucketV2"
	tBucketLegacy    = "aws:s3/bucket:Bucket"
	tPublicAccess    = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	tBucketPolicy    = "aws:s3/bucketPolicy:BucketPolicy"
	tBucketSSE       = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	tBucketOwnership = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	tBucketVersion   = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	tLogGroup        = "aws:cloudwatch/logGroup:LogGroup"
	tAlarm           = "aws:cloudwatch/metricAlarm:MetricAlarm"
	tTopic           = "aws:sns/topic:Topic"
	tVpc             = "aws:ec2/vpc:Vpc"
	tSubnet          = "aws:ec2/subnet:Subnet"
	tDefaultSG       = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	tSecurityGroup   = "aws:ec2/securityGroup:SecurityGroup"
	tSGRuleLegacy    = "aws:ec2/securityGroupRule:SecurityGroupRule"
	tIngress         = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tFlowLog         = "aws:ec2/flowLog:FlowLog"
	tRole            = "aws:iam/role:Role"
	tRolePolicy      = "aws:iam/rolePolicy:RolePolicy"
	tPolicy          = "aws:iam/policy:Policy"
	tAttachment      = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tTrail           = "aws:cloudtrail/trail:Trail"
	tDetector        = "aws:guardduty/detector:Detector"
)

// Why optional types may be absent.
const (
	optCloudTrail = "CloudTrail is optional (enableCloudTrail): many organisations run one trail for every account"
	optGuardDuty  = "GuardDuty is optional (enableGuardDuty): many organisations manage it centrally"
	optNoSecrets  = "a stack without appSecrets has no parameters"
	optLegacy     = "the program uses the per-rule resources instead"
	optManaged    = "the program writes inline role policies only"
)

// Controls are the SOC 2 controls the platform supports, with their checks, in report order.
func Controls() []Control {
	return []Control{
		{ID: "CC6.1", Title: "Logical access: least privilege", Checks: []Check{
			{ID: "IAM.1/IAM.21", Title: `no identity policy allows "*" or "<service>:*" actions`,
				Types: []string{tRolePolicy, tPolicy}, Each: noWildcardActions},
			{ID: "IAM.ResourceScope", Title: `"Resource": "*" only for actions without resource-level permissions`,
				Types: []string{tRolePolicy, tPolicy}, Each: resourceScope},
			{ID: "KMS.1/KMS.2", Title: "no identity policy allows decryption with every KMS key",
				Types: []string{tRolePolicy, tPolicy}, Each: noDecryptAllKeys},
			{ID: "IAM.Managed", Title: "no AWS managed policy attached to a role",
				Types: []string{tAttachment, tRole}, Each: noManagedPolicies},
			{ID: "IAM.Trust", Title: "service trust policies are scoped with aws:SourceAccount or aws:SourceArn",
				Types: []string{tRole}, Each: trustScoped},
			{ID: "KMS.KeyPolicy", Title: "key policies: no Principal \"*\"; kms:* only for the account root",
				Types: []string{tKey}, Each: keyPolicy},
			{ID: "ECS.8", Title: "secrets reach containers as ECS secrets, never as environment variables",
				Types: []string{tTaskDefinition}, Each: noSecretsInEnvironment},
			{ID: "ElastiCache.6", Title: "ElastiCache requires AUTH",
				Types: []string{tCache}, Each: cacheAuth},
			{ID: "RDS.10", Title: "RDS IAM database authentication enabled",
				Types: []string{tDbInstance}, Each: flag("iamDatabaseAuthenticationEnabled")},
		}},
		{ID: "CC6.1", Title: "Encryption at rest (logical access to stored data)", Checks: []Check{
			{ID: "KMS.4", Title: "KMS key rotation enabled", Types: []string{tKey}, Each: flag("enableKeyRotation")},
			{ID: "RDS.3", Title: "RDS encrypted at rest with a customer-managed key", Types: []string{tDbInstance}, Each: rdsEncrypted},
			{ID: "ElastiCache.4", Title: "ElastiCache encrypted at rest with a customer-managed key", Types: []string{tCache}, Each: cacheAtRest},
			{ID: "ECR.KMS", Title: "ECR repositories encrypted with KMS", Types: []string{tRepository}, Each: ecrKms},
			{ID: "SecretsManager.KMS", Title: "Secrets Manager secrets encrypted with a customer-managed key",
				Types: []string{tSecret}, Each: keyed("kmsKeyId")},
			{ID: "SSM.SecureString", Title: "SSM parameters are SecureStrings encrypted with a customer-managed key",
				Types: []string{tParameter}, Optional: optNoSecrets, Each: secureString},
			{ID: "S3.SSE", Title: "every bucket has default server-side encryption", Types: []string{tBucket, tBucketLegacy}, Each: bucketEncryption},
			{ID: "Logs.KMS", Title: "log groups encrypted with a customer-managed key", Types: []string{tLogGroup}, Each: keyed("kmsKeyId")},
			{ID: "SNS.1", Title: "SNS topics encrypted with a customer-managed key", Types: []string{tTopic}, Each: topicEncrypted},
			{ID: "CloudTrail.2", Title: "CloudTrail encrypted with a KMS key", Types: []string{tTrail}, Optional: optCloudTrail, Each: keyed("kmsKeyId")},
		}},
		{ID: "CC6.6", Title: "Boundary protection", Checks: []Check{
			{ID: "EC2.2", Title: "every VPC's default security group has no rules", Types: []string{tVpc}, Each: defaultSGEmpty},
			{ID: "EC2.18/EC2.19", Title: "only TCP 80 and 443 may be open to the internet (0.0.0.0/0, ::/0)",
				Types: []string{tIngress}, Each: worldOpenOnlyWeb},
			{ID: "EC2.DataPorts", Title: "PostgreSQL 5432, Redis 6379 and the app port 8080 admit security groups only, never CIDRs",
				Types: []string{tIngress}, Each: dataPortsFromGroups},
			{ID: "EC2.InlineRules", Title: "security groups carry no inline rules (one rule resource each, with a description)",
				Types: []string{tSecurityGroup}, Each: noInlineRules},
			{ID: "EC2.LegacyRules", Title: "no aws.ec2.SecurityGroupRule opens a port to the internet",
				Types: []string{tSGRuleLegacy}, Optional: optLegacy, Each: legacyRule},
			{ID: "S3.8/S3.12", Title: "every bucket blocks public access and disables ACLs", Types: []string{tBucket, tBucketLegacy}, Each: bucketPublicAccess},
			{ID: "EC2.15", Title: "subnets do not assign public IPs", Types: []string{tSubnet}, Each: noPublicIPs},
			{ID: "RDS.2", Title: "RDS not publicly accessible", Types: []string{tDbInstance}, Each: notFlag("publiclyAccessible")},
			{ID: "ECS.2", Title: "ECS services assign no public IPs", Types: []string{tService}, Each: notFlag("networkConfiguration.assignPublicIp")},
		}},
		{ID: "CC6.7", Title: "Encryption in transit", Checks: []Check{
			{ID: "ELB.1", Title: "HTTP listeners only redirect to HTTPS", Types: []string{tListener}, Each: httpRedirects},
			{ID: "ELB.17", Title: "HTTPS listeners use a TLS 1.3 security policy", Types: []string{tListener}, Each: tls13},
			{ID: "ELB.4", Title: "ALBs drop invalid HTTP headers", Types: []string{tLoadBalancer}, Each: flag("dropInvalidHeaderFields")},
			{ID: "ELB.12", Title: "ALBs use defensive or strictest desync mitigation", Types: []string{tLoadBalancer}, Each: desync},
			{ID: "RDS.TLS", Title: "RDS requires TLS (rds.force_ssl = 1 in its parameter group)", Types: []string{tDbInstance}, Each: rdsForceSSL},
			{ID: "ElastiCache.5", Title: "ElastiCache requires TLS", Types: []string{tCache}, Each: cacheTransit},
			{ID: "S3.5", Title: "buckets refuse requests without TLS", Types: []string{tBucket, tBucketLegacy}, Each: bucketTLSOnly},
		}},
		{ID: "CC6.8", Title: "Prevent or detect unauthorized or malicious software", Checks: []Check{
			{ID: "ECR.1", Title: "images scanned on push", Types: []string{tRepository}, Each: flag("imageScanningConfiguration.scanOnPush")},
			{ID: "ECR.2", Title: "image tags immutable", Types: []string{tRepository}, Each: equals("imageTagMutability", "IMMUTABLE")},
			{ID: "ECR.3", Title: "every repository has a lifecycle policy", Types: []string{tRepository}, Each: ecrLifecycle},
			{ID: "ECS.5", Title: "containers have read-only root filesystems", Types: []string{tTaskDefinition}, Each: containers(readOnlyRoot)},
			{ID: "ECS.4", Title: "containers are not privileged", Types: []string{tTaskDefinition}, Each: containers(notPrivileged)},
			{ID: "ECS.User", Title: "containers run as a non-root user", Types: []string{tTaskDefinition}, Each: containers(nonRoot)},
			{ID: "ECS.1/ECS.3", Title: "tasks use awsvpc networking and no host PID namespace", Types: []string{tTaskDefinition}, Each: taskIsolation},
			{ID: "ECS.10", Title: "Fargate services run the latest platform version", Types: []string{tService}, Each: latestPlatform},
			{ID: "GuardDuty.Runtime", Title: "GuardDuty ECS Fargate runtime monitoring (when this stack runs GuardDuty)",
				Types: []string{tDetector}, Optional: optGuardDuty, Each: guardDutyRuntime},
		}},
		{ID: "CC7.2", Title: "Monitoring and alerting", Checks: []Check{
			{ID: "CloudWatch.15", Title: "alarms have actions, and they are enabled", Types: []string{tAlarm}, Each: alarmActions},
			{ID: "CloudWatch.Coverage", Title: "alarms watch every tier (ECS, ALB, RDS, ElastiCache)", Types: []string{tAlarm}, Each: alarmCoverage},
			{ID: "ECS.12", Title: "ECS clusters have Container Insights", Types: []string{tCluster}, Each: containerInsights},
			{ID: "ECS.9", Title: "containers log to CloudWatch Logs", Types: []string{tTaskDefinition}, Each: containers(logsToCloudWatch)},
			{ID: "EC2.6", Title: "every VPC has flow logs of all traffic", Types: []string{tVpc}, Each: flowLogs},
			{ID: "ELB.5", Title: "ALB access logging", Types: []string{tLoadBalancer}, Each: accessLogs},
			{ID: "RDS.9", Title: "RDS exports its logs to CloudWatch Logs", Types: []string{tDbInstance}, Each: rdsLogs},
			{ID: "Logs.Retention", Title: "every log group has a retention", Types: []string{tLogGroup}, Each: retentionSet},
			{ID: "CloudWatch.16", Title: "log groups keep at least 365 days", Types: []string{tLogGroup}, ProdOnly: true, Each: retention365},
			{ID: "CloudTrail.1", Title: "CloudTrail multi-region with global service events", Types: []string{tTrail}, Optional: optCloudTrail, Each: trailMultiRegion},
			{ID: "CloudTrail.4", Title: "CloudTrail log file validation", Types: []string{tTrail}, Optional: optCloudTrail, Each: flag("enableLogFileValidation")},
			{ID: "CloudTrail.5", Title: "CloudTrail delivers to CloudWatch Logs", Types: []string{tTrail}, Optional: optCloudTrail, Each: set("cloudWatchLogsGroupArn")},
			{ID: "GuardDuty.1", Title: "GuardDuty detector enabled (when this stack runs GuardDuty)", Types: []string{tDetector}, Optional: optGuardDuty, Each: detectorEnabled},
		}},
		{ID: "CC8.1", Title: "Change management", Checks: []Check{
			{ID: "ECS.CircuitBreaker", Title: "a failing deployment rolls back by itself", Types: []string{tService}, Each: circuitBreaker},
			{ID: "Pulumi.Protect", Title: "stateful resources are protected from deletion by Pulumi",
				Types: []string{tDbInstance, tCache, tKey, tRepository, tBucket, tSecret}, ProdOnly: true, Each: protected},
		}},
		{ID: "A1.2", Title: "Backups and recovery", Checks: []Check{
			{ID: "RDS.11", Title: "RDS automated backups", Types: []string{tDbInstance}, Each: atLeast("backupRetentionPeriod", 1)},
			{ID: "RDS.11-7d", Title: "RDS keeps at least 7 days of backups", Types: []string{tDbInstance}, ProdOnly: true, Each: atLeast("backupRetentionPeriod", 7)},
			{ID: "RDS.5", Title: "RDS Multi-AZ", Types: []string{tDbInstance}, ProdOnly: true, Each: flag("multiAz")},
			{ID: "RDS.8", Title: "RDS deletion protection", Types: []string{tDbInstance}, ProdOnly: true, Each: flag("deletionProtection")},
			{ID: "RDS.FinalSnapshot", Title: "RDS takes a final snapshot on deletion", Types: []string{tDbInstance}, ProdOnly: true, Each: notFlag("skipFinalSnapshot")},
			{ID: "ElastiCache.1", Title: "ElastiCache automatic backups", Types: []string{tCache}, ProdOnly: true, Each: atLeast("snapshotRetentionLimit", 1)},
			{ID: "ElastiCache.3", Title: "ElastiCache automatic failover (replicas)", Types: []string{tCache}, ProdOnly: true, Each: flag("automaticFailoverEnabled")},
			{ID: "ELB.6", Title: "ALB deletion protection", Types: []string{tLoadBalancer}, ProdOnly: true, Each: flag("enableDeletionProtection")},
			{ID: "ELB.13", Title: "ALBs span at least two AZs", Types: []string{tLoadBalancer}, ProdOnly: true, Each: multiAzLb},
			{ID: "S3.14", Title: "buckets are versioned", Types: []string{tBucket, tBucketLegacy}, ProdOnly: true, Each: bucketVersioned},
			{ID: "SecretsManager.Recovery", Title: "deleted secrets stay recoverable for at least 7 days", Types: []string{tSecret}, Each: secretRecovery},
			{ID: "KMS.DeletionWindow", Title: "KMS keys wait 30 days before deletion", Types: []string{tKey}, Each: atLeast("deletionWindowInDays", 30)},
		}},
	}
}

// UndecidableControl is a Security Hub control a plan cannot decide, and why.
type UndecidableControl struct{ ID, Title, Why string }

// Undecidable are the Security Hub controls for the services used that a plan cannot decide: they are
// account settings outside this program, runtime state, or deliberately not adopted.
var Undecidable = []UndecidableControl{
	{"IAM.6/IAM.9", "root user MFA (hardware MFA)", "an account setting of the root user; no program creates or reads it"},
	{"IAM.4", "no root user access keys", "account state, not in any plan"},
	{"IAM.3/IAM.5/IAM.7/IAM.8", "IAM users' key rotation, MFA, password policy, unused credentials", "the program creates no IAM users; people sign in through the organisation's identity provider"},
	{"Config.1", "AWS Config recorder enabled", "an account/region setting, usually run by the organisation"},
	{"SecurityHub.1", "Security Hub enabled", "an account/region setting"},
	{"GuardDuty.1 (findings)", "GuardDuty enabled and its findings handled", "when the organisation runs GuardDuty the detector is not in this plan; findings are runtime events"},
	{"CloudTrail.1 (organisation trail)", "a multi-region trail exists", "with enableCloudTrail off the trail belongs to the organisation, outside this plan"},
	{"CloudWatch.1-14", "CIS metric filters and alarms on the account trail", "they sit on the organisation's trail log group, not in this stack"},
	{"S3.1", "account-level S3 Block Public Access", "an account setting; the plan proves every bucket of the stack blocks public access (S3.8)"},
	{"EC2.7", "EBS default encryption", "an account setting; Fargate tasks' ephemeral storage is always encrypted by AWS"},
	{"ECR image findings", "vulnerabilities found by scanning", "scan results exist only after a push; the deploy pipeline must gate on them"},
	{"KMS.3", "keys not scheduled for deletion", "key state at runtime"},
	{"SecretsManager.1/2/3/4", "rotation enabled, succeeding, on time; unused secrets", "the RDS password rotates through RDS (secretsmanager.SecretRotation in the plan); success and use are runtime facts; the Redis token rotates when redisAuthTokenVersion is bumped"},
	{"ELB.16", "ALB associated with an AWS WAF web ACL", "not adopted: Cloudflare's WAF filters at the edge and the ALB admits only Cloudflare (albIngressCloudflareOnly)"},
	{"RDS.23", "RDS not on the engine's default port", "not adopted: the port is not a boundary; the database admits only the service security group (EC2.DataPorts)"},
	{"CC8.1 (reviews)", "changes reach prod only through reviewed pull requests and a protected deploy", "a property of the repository and CI (branch protection, required reviews, protected environment), not of the plan"},
}
