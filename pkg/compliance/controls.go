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
	tDetectorFeature = "aws:guardduty/detectorFeature:DetectorFeature"
	tCertificate     = "aws:acm/certificate:Certificate"
	tTopicPolicy     = "aws:sns/topicPolicy:TopicPolicy"
	tDbSubnetGroup   = "aws:rds/subnetGroup:SubnetGroup"
	tRoute           = "aws:ec2/route:Route"
	tRouteTable      = "aws:ec2/routeTable:RouteTable"
	tVpcEndpoint     = "aws:ec2/vpcEndpoint:VpcEndpoint"

	tRouteTableAssociation = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	tBucketLifecycle       = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	tBucketLifecycleV1     = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
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
			{ID: "RDS.25", Title: "RDS master user is not a default name (admin, postgres)",
				Types: []string{tDbInstance}, Each: rdsAdminName},
			{ID: "S3.6", Title: "no bucket policy lets another account change the bucket's policy, ACLs or encryption",
				Types: []string{tBucket, tBucketLegacy}, Each: bucketCrossAccount},
			{ID: "SNS.4", Title: "topic policies allow Principal \"*\" only under a condition naming the caller",
				Types: []string{tTopic}, Each: topicNotPublic},
			{ID: "EFS.AccessPoints", Title: "EFS file system policies admit clients only through an access point, never as root, and only with the account's IAM",
				Types: []string{tEfsFileSystem}, Optional: optNoVolumes, Each: efsAccessPoints},
			{ID: "EFS.3", Title: "EFS access points enforce a root directory below the file system's root",
				Types: []string{tEfsAccessPoint}, Optional: optNoVolumes, Each: efsRootDirectory},
			{ID: "EFS.4", Title: "EFS access points enforce a POSIX user that is not root",
				Types: []string{tEfsAccessPoint}, Optional: optNoVolumes, Each: efsUserIdentity},
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
			{ID: "EFS.1/EFS.8", Title: "EFS file systems encrypted at rest with a customer-managed key", Types: []string{tEfsFileSystem},
				Optional: optNoVolumes, Each: efsEncrypted},
			{ID: "EC2.181", Title: "launch templates encrypt every EBS volume they map", Types: []string{tLaunchTemplate},
				Optional: optNatInstance, Each: ltEncryptedVolumes},
		}},
		{ID: "CC6.6", Title: "Boundary protection", Checks: []Check{
			{ID: "EC2.2", Title: "every VPC's default security group has no rules", Types: []string{tVpc}, Each: defaultSGEmpty},
			{ID: "EC2.18/EC2.19", Title: "only TCP 80 and 443 may be open to the internet (0.0.0.0/0, ::/0)",
				Types: []string{tIngress}, Each: worldOpenOnlyWeb},
			{ID: "EC2.DataPorts", Title: "PostgreSQL 5432, Redis 6379, the app port 8080 and NFS 2049 admit security groups only, never CIDRs",
				Types: []string{tIngress}, Each: dataPortsFromGroups},
			{ID: "EC2.InlineRules", Title: "security groups carry no inline rules (one rule resource each, with a description)",
				Types: []string{tSecurityGroup}, Each: noInlineRules},
			{ID: "EC2.LegacyRules", Title: "no aws.ec2.SecurityGroupRule opens a port to the internet",
				Types: []string{tSGRuleLegacy}, Optional: optLegacy, Each: legacyRule},
			{ID: "S3.8/S3.12", Title: "every bucket blocks public access and disables ACLs", Types: []string{tBucket, tBucketLegacy}, Each: bucketPublicAccess},
			{ID: "EC2.15", Title: "subnets do not assign public IPs", Types: []string{tSubnet}, Each: noPublicIPs},
			{ID: "EC2.25", Title: "launch templates assign no public IPs to network interfaces", Types: []string{tLaunchTemplate},
				Optional: optNatInstance, Each: ltNoPublicIP},
			{ID: "EC2.9", Title: "network interfaces hold no Elastic IP (their instances have no public IPv4 address)",
				Types: []string{tNetworkInterface}, Optional: optNatInstance, Deviation: natDeviation(whyNatPublicIP), Each: eniNoPublicIP},
			{ID: "EC2.180", Title: "network interfaces keep source/destination checking on", Types: []string{tNetworkInterface},
				Optional: optNatInstance, Deviation: natDeviation(whyNatSrcDest), Each: eniSourceDestCheck},
			{ID: "RDS.2", Title: "RDS not publicly accessible", Types: []string{tDbInstance}, Each: notFlag("publiclyAccessible")},
			{ID: "ECS.2", Title: "ECS services assign no public IPs", Types: []string{tService}, Each: notFlag("networkConfiguration.assignPublicIp")},
			{ID: "RDS.46", Title: "RDS subnets have no route to an internet gateway", Types: []string{tDbInstance}, Each: rdsPrivateSubnets},
			{ID: "ElastiCache.7", Title: "ElastiCache runs in a subnet group of its own", Types: []string{tCache}, Each: cacheSubnetGroup},
			{ID: "EFS.6", Title: "EFS mount targets sit in subnets that assign no public IPs and route to no internet gateway",
				Types: []string{tEfsMountTarget}, Optional: optNoVolumes, Each: efsPrivateMountTargets},
			{ID: "EC2.55/EC2.56/EC2.57", Title: "every VPC has interface endpoints for ECR API, ECR Docker and Systems Manager",
				Types: []string{tVpc}, ProdOnly: true, Each: vpcEndpoints},
		}},
		{ID: "CC6.7", Title: "Encryption in transit", Checks: []Check{
			{ID: "ELB.1", Title: "HTTP listeners only redirect to HTTPS", Types: []string{tListener}, Each: httpRedirects},
			{ID: "ELB.17", Title: "HTTPS listeners use a TLS 1.3 policy Security Hub recommends", Types: []string{tListener}, Each: tls13},
			{ID: "ELB.4", Title: "ALBs drop invalid HTTP headers", Types: []string{tLoadBalancer}, Each: flag("dropInvalidHeaderFields")},
			{ID: "ELB.12", Title: "ALBs use defensive or strictest desync mitigation", Types: []string{tLoadBalancer}, Each: desync},
			{ID: "RDS.TLS", Title: "RDS requires TLS (rds.force_ssl = 1 in its parameter group)", Types: []string{tDbInstance}, Each: rdsForceSSL},
			{ID: "ElastiCache.5", Title: "ElastiCache requires TLS", Types: []string{tCache}, Each: cacheTransit},
			{ID: "EFS.TLS", Title: "EFS file system policies refuse clients without TLS", Types: []string{tEfsFileSystem},
				Optional: optNoVolumes, Each: efsTLS},
			{ID: "S3.5", Title: "buckets refuse requests without TLS", Types: []string{tBucket, tBucketLegacy}, Each: bucketTLSOnly},
			{ID: "ELB.18", Title: "every load balancer listener terminates TLS (HTTPS or TLS)", Types: []string{tListener}, Each: listenerEncrypted},
			{ID: "ACM.2", Title: "certificates' RSA keys have at least 2,048 bits", Types: []string{tCertificate}, Each: acmKeyLength},
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
			{ID: "EC2.170", Title: "launch templates require IMDSv2", Types: []string{tLaunchTemplate}, Optional: optNatInstance, Each: ltIMDSv2},
			{ID: "AutoScaling.9", Title: "Auto Scaling groups launch from launch templates", Types: []string{tAutoScaling},
				Optional: optNatInstance, Each: asgLaunchTemplate},
			{ID: "SSM.1", Title: "instances are managed by Systems Manager (their launch template gives them an instance profile)",
				Types: []string{tLaunchTemplate}, Optional: optNatInstance, Deviation: natDeviation(whyNatNoSSM), Each: ltInstanceProfile},
			{ID: "GuardDuty.Runtime", Title: "GuardDuty ECS Fargate runtime monitoring (when this stack runs GuardDuty)",
				Types: []string{tDetector}, Optional: optGuardDuty, Each: guardDutyRuntime},
			{ID: "GuardDuty.Features", Title: "GuardDuty S3, RDS, EKS audit log, Lambda and EBS malware protection (when this stack runs GuardDuty)",
				Types: []string{tDetector}, Optional: optGuardDuty, Each: guardDutyFeatures},
			{ID: "RDS.13", Title: "RDS applies minor version upgrades automatically", Types: []string{tDbInstance}, Each: notFalse("autoMinorVersionUpgrade")},
			{ID: "ElastiCache.2", Title: "ElastiCache applies minor version upgrades automatically", Types: []string{tCache}, Each: notFalse("autoMinorVersionUpgrade")},
		}},
		{ID: "CC7.2", Title: "Monitoring and alerting", Checks: []Check{
			{ID: "CloudWatch.15", Title: "alarms have actions, and they are enabled", Types: []string{tAlarm}, Each: alarmActions},
			{ID: "CloudWatch.Coverage", Title: "alarms watch every tier (ECS, ALB, RDS, ElastiCache)", Types: []string{tAlarm}, Unit: "metric", Each: alarmCoverage},
			{ID: "ECS.12", Title: "ECS clusters have Container Insights", Types: []string{tCluster}, Each: containerInsights},
			{ID: "ECS.9", Title: "containers log to CloudWatch Logs", Types: []string{tTaskDefinition}, Each: containers(logsToCloudWatch)},
			{ID: "EC2.6", Title: "every VPC has flow logs of all traffic", Types: []string{tVpc}, Each: flowLogs},
			{ID: "ELB.5", Title: "ALB access logging", Types: []string{tLoadBalancer}, Each: accessLogs},
			{ID: "RDS.9", Title: "RDS exports its logs to CloudWatch Logs", Types: []string{tDbInstance}, Each: rdsLogs},
			{ID: "RDS.6", Title: "RDS enhanced monitoring", Types: []string{tDbInstance}, ProdOnly: true, Each: atLeast("monitoringInterval", 1)},
			{ID: "Logs.Retention", Title: "every log group has a retention", Types: []string{tLogGroup}, Each: retentionSet},
			{ID: "CloudWatch.16", Title: "log groups keep at least 365 days", Types: []string{tLogGroup}, ProdOnly: true, Each: retention365},
			{ID: "S3.13", Title: "every bucket has a lifecycle configuration", Types: []string{tBucket, tBucketLegacy}, Each: bucketLifecycle},
			{ID: "CloudTrail.1", Title: "CloudTrail multi-region with global service events and all management events", Types: []string{tTrail}, Optional: optCloudTrail, Each: trailMultiRegion},
			{ID: "CloudTrail.4", Title: "CloudTrail log file validation", Types: []string{tTrail}, Optional: optCloudTrail, Each: flag("enableLogFileValidation")},
			{ID: "CloudTrail.5", Title: "CloudTrail delivers to CloudWatch Logs", Types: []string{tTrail}, Optional: optCloudTrail, Each: set("cloudWatchLogsGroupArn")},
			{ID: "GuardDuty.1", Title: "GuardDuty detector enabled (when this stack runs GuardDuty)", Types: []string{tDetector}, Optional: optGuardDuty, Each: detectorEnabled},
		}},
		{ID: "CC8.1", Title: "Change management", Checks: []Check{
			{ID: "ECS.CircuitBreaker", Title: "a failing deployment rolls back by itself", Types: []string{tService}, Each: circuitBreaker},
			{ID: "Pulumi.Protect", Title: "stateful resources are protected from deletion by Pulumi",
				Types: []string{tDbInstance, tCache, tKey, tRepository, tBucket, tSecret, tEfsFileSystem}, ProdOnly: true, Each: protected},
		}},
		{ID: "A1.2", Title: "Backups and recovery", Checks: []Check{
			{ID: "RDS.11", Title: "RDS automated backups", Types: []string{tDbInstance}, Each: atLeast("backupRetentionPeriod", 1)},
			{ID: "RDS.11-7d", Title: "RDS keeps at least 7 days of backups", Types: []string{tDbInstance}, ProdOnly: true, Each: atLeast("backupRetentionPeriod", 7)},
			{ID: "RDS.5", Title: "RDS Multi-AZ", Types: []string{tDbInstance}, ProdOnly: true, Each: flag("multiAz")},
			{ID: "RDS.8", Title: "RDS deletion protection", Types: []string{tDbInstance}, ProdOnly: true, Each: flag("deletionProtection")},
			{ID: "RDS.FinalSnapshot", Title: "RDS takes a final snapshot on deletion", Types: []string{tDbInstance}, ProdOnly: true, Each: notFlag("skipFinalSnapshot")},
			{ID: "RDS.17", Title: "RDS copies tags to snapshots", Types: []string{tDbInstance}, Each: flag("copyTagsToSnapshot")},
			{ID: "ElastiCache.1", Title: "ElastiCache automatic backups", Types: []string{tCache}, ProdOnly: true, Each: atLeast("snapshotRetentionLimit", 1)},
			{ID: "ElastiCache.3", Title: "ElastiCache automatic failover (replicas)", Types: []string{tCache}, ProdOnly: true, Each: flag("automaticFailoverEnabled")},
			{ID: "ELB.6", Title: "ALB deletion protection", Types: []string{tLoadBalancer}, ProdOnly: true, Each: flag("enableDeletionProtection")},
			{ID: "ELB.13", Title: "ALBs span at least two AZs", Types: []string{tLoadBalancer}, ProdOnly: true, Each: multiAzLb},
			{ID: "AutoScaling.1", Title: "Auto Scaling groups behind a load balancer use ELB health checks", Types: []string{tAutoScaling},
				Optional: optNatInstance, Each: asgELBHealthCheck},
			{ID: "AutoScaling.2", Title: "Auto Scaling groups span at least two AZs", Types: []string{tAutoScaling},
				Optional: optNatInstance, Deviation: natDeviation(whyNatOneAz), Each: asgMultiAz},
			{ID: "AutoScaling.6", Title: "Auto Scaling groups run several instance types in several AZs", Types: []string{tAutoScaling},
				Optional: optNatInstance, Deviation: natDeviation(whyNatOneType), Each: asgMultipleTypes},
			{ID: "S3.14", Title: "buckets are versioned", Types: []string{tBucket, tBucketLegacy}, ProdOnly: true, Each: bucketVersioned},
			{ID: "EFS.2/EFS.7", Title: "EFS automatic backups (AWS Backup's default EFS plan)", Types: []string{tEfsFileSystem},
				Optional: optNoVolumes, Each: efsBackups},
			{ID: "SecretsManager.Recovery", Title: "deleted secrets stay recoverable for at least 7 days", Types: []string{tSecret}, Each: secretRecovery},
			{ID: "KMS.DeletionWindow", Title: "KMS keys wait 30 days before deletion", Types: []string{tKey}, Each: atLeast("deletionWindowInDays", 30)},
		}},
	}
}
