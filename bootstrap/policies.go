package main

import (
	"fmt"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// IAM limits the documents are checked against (characters, whitespace excluded; the documents are
// compact JSON).
const (
	ManagedPolicyMaxChars  = 6144
	ManagedPoliciesPerRole = 10
	SessionSeconds         = 3600
)

// PassedToServices are the services the main program hands its roles to: ECS tasks (execution and task
// roles), VPC flow logs and RDS enhanced monitoring.
var PassedToServices = []string{"ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com", "monitoring.rds.amazonaws.com"}

// ServiceLinkedRoles are the service-linked roles the main program's first deploy in an account creates.
var ServiceLinkedRoles = []string{
	"ecs.amazonaws.com", "ecs.application-autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com",
	"rds.amazonaws.com", "elasticache.amazonaws.com",
}

// scope is what the policies are written for: the account, region, main project, and the bootstrap's own
// state bucket and keys.
type scope struct {
	Account, Region, Project string
	StateBucket              string
	StateKeyArn              string
	SecretsKeyArn            string
	// ProtectedKeyArns are the bootstrap's keys, which no deploy role may administer.
	ProtectedKeyArns []string
	CloudTrail       bool
	GuardDuty        bool
}

// namedDocument is one customer managed policy: a name suffix and its document.
type namedDocument struct {
	Name string
	Doc  iampolicy.Document
}

// inRegion pins a statement to the stack's region: every regional API call the deploy makes.
func (s scope) inRegion(st iampolicy.Statement) iampolicy.Statement {
	if st.Condition == nil {
		st.Condition = iampolicy.Condition{}
	}
	eq := st.Condition["StringEquals"]
	if eq == nil {
		eq = map[string][]string{}
	}
	eq["aws:RequestedRegion"] = []string{s.Region}
	st.Condition["StringEquals"] = eq
	return st
}

func (s scope) arn(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, s.Region, s.Account, resource)
}

func (s scope) iamArn(resource string) string {
	return fmt.Sprintf("arn:aws:iam::%s:%s", s.Account, resource)
}

// stateObjects are the S3 backend keys of one stack: its checkpoint (and .bak), history and backups.
// Locks are shared: every stack's lock lives under .pulumi/locks/.
func (s scope) stateObjects(stack string) []string {
	b := "arn:aws:s3:::" + s.StateBucket + "/.pulumi/"
	p := s.Project + "/" + stack
	return []string{b + "stacks/" + p + ".json*", b + "history/" + p + "/*", b + "backups/" + p + "/*", b + "locks/*"}
}

// stateStatements let a deploy role read the whole backend and write only its own stack's files.
func (s scope) stateStatements(stack string) []iampolicy.Statement {
	bucket := "arn:aws:s3:::" + s.StateBucket
	return []iampolicy.Statement{
		s.inRegion(iampolicy.Allow("StateList", []string{"s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning"}, bucket)),
		s.inRegion(iampolicy.Allow("StateRead", []string{"s3:GetObject"}, bucket+"/.pulumi/*")),
		s.inRegion(iampolicy.Allow("StateWrite", []string{"s3:PutObject", "s3:DeleteObject"}, s.stateObjects(stack)...)),
		// The state key through S3 only, and the secrets-provider key for `secretsprovider: awskms://`.
		viaService(s.inRegion(iampolicy.Allow("StateKey", []string{"kms:Decrypt", "kms:GenerateDataKey"}, s.StateKeyArn)),
			"s3."+s.Region+".amazonaws.com"),
		s.inRegion(iampolicy.Allow("SecretsProviderKey", []string{"kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"}, s.SecretsKeyArn)),
	}
}

func viaService(st iampolicy.Statement, service string) iampolicy.Statement {
	st.Condition["StringEquals"]["kms:ViaService"] = []string{service}
	return st
}

// deployDocuments are the permissions of one stack's deploy role, as managed policies small enough for IAM.
// Each statement is scoped to the stack's names ("<project>-<stack>", "/<project>/<stack>") where the
// service has resource-level permissions; where it has none, or names are generated ids (VPC resources,
// certificates, scaling targets, key ids), the statement is pinned to the region.
func deployDocuments(s scope, stack string) []namedDocument {
	n := s.Project + "-" + stack
	path := "/" + s.Project + "/" + stack
	R := s.inRegion

	network := iampolicy.New(
		R(iampolicy.Allow("Ec2Read", []string{"ec2:Describe*"}, "*")),
		// VPC resources are named by generated ids: their writes are pinned to the account and region.
		R(iampolicy.Allow("Vpc", []string{
			"ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute",
			"ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
			"ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute",
			"ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation",
			"ec2:CreateInternetGateway", "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
			"ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DisassociateAddress",
			"ec2:CreateNatGateway", "ec2:DeleteNatGateway",
			"ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints",
			"ec2:CreateFlowLogs", "ec2:DeleteFlowLogs",
			"ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup",
			"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
			"ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules",
			"ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
			"ec2:CreateTags", "ec2:DeleteTags",
		}, s.arn("ec2", "*"))),
		// The stack's roles go only to the services that use them (tasks, flow logs, RDS monitoring).
		iampolicy.Statement{Sid: "PassStackRoles", Effect: "Allow", Action: []string{"iam:PassRole"},
			Resource:  []string{s.iamArn("role/" + n + "-*")},
			Condition: iampolicy.Condition{"StringEquals": {"iam:PassedToService": s.passedToServices()}}},
		iampolicy.Statement{Sid: "ServiceLinkedRoles", Effect: "Allow", Action: []string{"iam:CreateServiceLinkedRole"},
			Resource:  []string{s.iamArn("role/aws-service-role/*")},
			Condition: iampolicy.Condition{"StringEquals": {"iam:AWSServiceName": s.serviceLinkedRoles()}}},
	)

	compute := iampolicy.New(
		R(iampolicy.Allow("EcsCluster", []string{
			"ecs:CreateCluster", "ecs:DeleteCluster", "ecs:UpdateCluster", "ecs:UpdateClusterSettings",
			"ecs:PutClusterCapacityProviders", "ecs:DescribeClusters", "ecs:TagResource", "ecs:UntagResource",
			"ecs:ListTagsForResource",
		}, s.arn("ecs", "cluster/"+n))),
		R(iampolicy.Allow("EcsServices", []string{
			"ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:DescribeServices",
			"ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource",
		}, s.arn("ecs", "service/"+n+"/*"))),
		// Task definitions of the stack's families, and the one-off migration task in the stack's cluster.
		R(iampolicy.Allow("EcsTaskDefinitions", []string{
			"ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource",
		}, s.arn("ecs", "task-definition/"+n+"-*:*"))),
		func() iampolicy.Statement {
			st := R(iampolicy.Allow("EcsRunMigration", []string{"ecs:RunTask"}, s.arn("ecs", "task-definition/"+n+"-*:*")))
			st.Condition["ArnEquals"] = map[string][]string{"ecs:cluster": {s.arn("ecs", "cluster/"+n)}}
			return st
		}(),
		R(iampolicy.Allow("EcsTasks", []string{"ecs:DescribeTasks", "ecs:StopTask", "ecs:TagResource"},
			s.arn("ecs", "task/"+n+"/*"))),
		// Actions without resource-level permissions.
		R(iampolicy.Allow("EcsUnscoped", []string{
			"ecs:DescribeTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:ListTaskDefinitions",
			"ecs:ListClusters", "ecs:ListServices",
			"ecr:GetAuthorizationToken", "ecr:DescribeRegistry",
			"application-autoscaling:Describe*", "logs:DescribeLogGroups", "acm:RequestCertificate",
			"acm:ListCertificates", "elasticloadbalancing:Describe*",
		}, "*")),
		// The stack's repositories ("<project>-<stack>/app", "/nginx"): managed, and pushed to (nginx image).
		R(iampolicy.Allow("EcrRepositories", []string{
			"ecr:CreateRepository", "ecr:DeleteRepository", "ecr:DescribeRepositories",
			"ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy",
			"ecr:SetRepositoryPolicy", "ecr:GetRepositoryPolicy", "ecr:DeleteRepositoryPolicy",
			"ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability",
			"ecr:TagResource", "ecr:UntagResource", "ecr:ListTagsForResource",
			"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
			"ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
			"ecr:DescribeImages", "ecr:ListImages",
		}, s.arn("ecr", "repository/"+n+"/*"))),
		R(iampolicy.Allow("Scaling", []string{
			"application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget",
			"application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy",
			"application-autoscaling:PutScheduledAction", "application-autoscaling:DeleteScheduledAction",
			"application-autoscaling:TagResource", "application-autoscaling:UntagResource",
			"application-autoscaling:ListTagsForResource",
		}, s.arn("application-autoscaling", "scalable-target/*"))),
		R(iampolicy.Allow("LogGroups", []string{
			"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
			"logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource",
			"logs:ListTagsForResource", "logs:TagLogGroup", "logs:UntagLogGroup", "logs:ListTagsLogGroup",
			"logs:FilterLogEvents", "logs:DescribeLogStreams",
		}, s.arn("logs", "log-group:"+path+"/*"), s.arn("logs", "log-group:/aws/rds/instance/"+n+"-*"))),
	)

	edge := iampolicy.New(
		R(iampolicy.Allow("LoadBalancer", []string{
			"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer",
			"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
			"elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType",
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
		}, s.arn("elasticloadbalancing", "loadbalancer/app/"+n+"/*"))),
		// Target groups are auto-named (the prefix may be cut to fit 32 characters): pinned by region.
		R(iampolicy.Allow("TargetGroups", []string{
			"elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup",
			"elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
		}, s.arn("elasticloadbalancing", "targetgroup/*"))),
		R(iampolicy.Allow("Listeners", []string{
			"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
			"elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes",
			"elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyRule",
			"elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
		}, s.arn("elasticloadbalancing", "loadbalancer/app/"+n+"/*"),
			s.arn("elasticloadbalancing", "listener/app/"+n+"/*"),
			s.arn("elasticloadbalancing", "listener-rule/app/"+n+"/*"))),
		R(iampolicy.Allow("TrustStores", []string{
			"elasticloadbalancing:CreateTrustStore", "elasticloadbalancing:ModifyTrustStore",
			"elasticloadbalancing:DeleteTrustStore", "elasticloadbalancing:GetTrustStoreCaCertificatesBundle",
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
		}, s.arn("elasticloadbalancing", "truststore/"+n+"*/*"))),
		R(iampolicy.Allow("Certificates", []string{
			"acm:DescribeCertificate", "acm:DeleteCertificate", "acm:AddTagsToCertificate",
			"acm:RemoveTagsFromCertificate", "acm:ListTagsForCertificate",
		}, s.arn("acm", "certificate/*"))),
		// The stack's buckets (ALB logs, origin-pull CA): "<project>-<stack>-*".
		R(iampolicy.Allow("Buckets", []string{
			"s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucket*",
			"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketVersioning", "s3:PutBucketTagging",
			"s3:PutBucketPublicAccessBlock", "s3:PutBucketOwnershipControls", "s3:PutEncryptionConfiguration",
			"s3:GetEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration",
			"s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration",
		}, "arn:aws:s3:::"+n+"-*")),
		R(iampolicy.Allow("BucketObjects", []string{
			"s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion",
			"s3:GetObjectTagging", "s3:PutObjectTagging",
		}, "arn:aws:s3:::"+n+"-*/*")),
		R(iampolicy.Allow("AlarmTopic", []string{
			"sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes",
			"sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:TagResource", "sns:UntagResource",
			"sns:ListTagsForResource",
		}, s.arn("sns", n+"-*"))),
		R(iampolicy.Allow("Subscriptions", []string{
			"sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes",
		}, s.arn("sns", n+"-*:*"))),
		// The stack's alarms, and those target tracking creates for its services (named after the cluster).
		R(iampolicy.Allow("Alarms", []string{
			"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms",
			"cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource",
		}, s.arn("cloudwatch", "alarm:"+n+"-*"), s.arn("cloudwatch", "alarm:TargetTracking-service/"+n+"/*"))),
		R(iampolicy.Allow("Dashboards", []string{
			"cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards",
		}, fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s*", s.Account, n))),
	)

	data := iampolicy.New(
		R(iampolicy.Allow("Database", []string{
			"rds:CreateDBInstance", "rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:RebootDBInstance",
			"rds:DescribeDBInstances", "rds:CreateDBSnapshot", "rds:AddTagsToResource",
			"rds:RemoveTagsFromResource", "rds:ListTagsForResource",
			"rds:CreateDBSubnetGroup", "rds:ModifyDBSubnetGroup", "rds:DeleteDBSubnetGroup", "rds:DescribeDBSubnetGroups",
			"rds:CreateDBParameterGroup", "rds:ModifyDBParameterGroup", "rds:DeleteDBParameterGroup",
			"rds:DescribeDBParameterGroups", "rds:DescribeDBParameters",
		}, s.arn("rds", "db:"+n+"-*"), s.arn("rds", "subgrp:"+n+"-*"), s.arn("rds", "pg:"+n+"-*"),
			s.arn("rds", "snapshot:"+n+"-*"))),
		R(iampolicy.Allow("DatabaseUnscoped", []string{
			"rds:Describe*", "elasticache:Describe*", "secretsmanager:ListSecrets", "ssm:DescribeParameters",
			"kms:CreateKey", "kms:ListAliases",
		}, "*")),
		R(iampolicy.Allow("Cache", []string{
			"elasticache:CreateReplicationGroup", "elasticache:ModifyReplicationGroup",
			"elasticache:DeleteReplicationGroup", "elasticache:DescribeReplicationGroups",
			"elasticache:DescribeCacheClusters", "elasticache:CreateCacheCluster", "elasticache:CreateSnapshot",
			"elasticache:CreateCacheSubnetGroup", "elasticache:ModifyCacheSubnetGroup",
			"elasticache:DeleteCacheSubnetGroup", "elasticache:DescribeCacheSubnetGroups",
			"elasticache:CreateCacheParameterGroup", "elasticache:ModifyCacheParameterGroup",
			"elasticache:DeleteCacheParameterGroup", "elasticache:DescribeCacheParameterGroups",
			"elasticache:DescribeCacheParameters", "elasticache:AddTagsToResource",
			"elasticache:RemoveTagsFromResource", "elasticache:ListTagsForResource",
		}, s.arn("elasticache", "replicationgroup:"+n+"-*"), s.arn("elasticache", "cluster:"+n+"-*"),
			s.arn("elasticache", "subnetgroup:"+n+"-*"), s.arn("elasticache", "parametergroup:"+n+"-*"),
			s.arn("elasticache", "snapshot:"+n+"-*"))),
		R(iampolicy.Allow("Secrets", []string{
			"secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:RestoreSecret",
			"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
			"secretsmanager:UpdateSecret", "secretsmanager:TagResource", "secretsmanager:UntagResource",
			"secretsmanager:GetResourcePolicy", "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy",
		}, s.arn("secretsmanager", "secret:"+n+"/*"))),
		// RDS creates the master password secret ("rds!db-...") with the deployer's rights.
		R(iampolicy.Allow("RdsManagedSecret", []string{
			"secretsmanager:CreateSecret", "secretsmanager:TagResource", "secretsmanager:DescribeSecret",
			"secretsmanager:RotateSecret",
		}, s.arn("secretsmanager", "secret:rds!*"))),
		R(iampolicy.Allow("Parameters", []string{
			"ssm:PutParameter", "ssm:DeleteParameter", "ssm:DeleteParameters", "ssm:GetParameter", "ssm:GetParameters",
			"ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource",
		}, s.arn("ssm", "parameter"+path+"/*"))),
		// Key ids are generated: the stack key is managed by region, the bootstrap keys are denied below.
		R(iampolicy.Allow("StackKey", []string{
			"kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus",
			"kms:EnableKeyRotation", "kms:UpdateKeyDescription", "kms:ListResourceTags", "kms:TagResource",
			"kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias",
			"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo",
		}, s.arn("kms", "key/*"), s.arn("kms", "alias/"+n))),
		// Services that encrypt with the stack key (RDS, ElastiCache, ECR) hold grants only for themselves.
		func() iampolicy.Statement {
			st := R(iampolicy.Allow("StackKeyGrants", []string{"kms:CreateGrant", "kms:ListGrants", "kms:RetireGrant"},
				s.arn("kms", "key/*")))
			st.Condition["Bool"] = map[string][]string{"kms:GrantIsForAWSResource": {"true"}}
			return st
		}(),
		iampolicy.Deny("KeepBootstrapKeys", []string{
			"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant",
			"kms:UpdateAlias", "kms:DeleteAlias", "kms:CreateAlias", "kms:TagResource", "kms:UntagResource",
			"kms:DisableKeyRotation",
		}, s.ProtectedKeyArns...),
	)

	identity := []iampolicy.Statement{
		// The stack's own roles ("<project>-<stack>-*"), with inline policies only.
		iampolicy.Allow("StackRoles", []string{
			"iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
			"iam:TagRole", "iam:UntagRole", "iam:ListRoleTags", "iam:PutRolePolicy", "iam:GetRolePolicy",
			"iam:DeleteRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
			"iam:ListInstanceProfilesForRole",
		}, s.iamArn("role/"+n+"-*")),
		iampolicy.Deny("KeepStateBucket", []string{
			"s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketVersioning",
			"s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock",
			"s3:PutBucketOwnershipControls", "s3:DeleteObjectVersion",
		}, "arn:aws:s3:::"+s.StateBucket, "arn:aws:s3:::"+s.StateBucket+"/*"),
	}
	identity = append(identity, s.stateStatements(stack)...)
	if s.CloudTrail {
		identity = append(identity,
			R(iampolicy.Allow("Trail", []string{
				"cloudtrail:CreateTrail", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:GetTrail",
				"cloudtrail:GetTrailStatus", "cloudtrail:StartLogging", "cloudtrail:StopLogging",
				"cloudtrail:PutEventSelectors", "cloudtrail:GetEventSelectors", "cloudtrail:AddTags",
				"cloudtrail:RemoveTags", "cloudtrail:ListTags",
			}, s.arn("cloudtrail", "trail/"+n+"*"))),
			R(iampolicy.Allow("TrailRead", []string{"cloudtrail:DescribeTrails"}, "*")))
	}
	if s.GuardDuty {
		identity = append(identity,
			R(iampolicy.Allow("Detector", []string{
				"guardduty:GetDetector", "guardduty:UpdateDetector", "guardduty:DeleteDetector",
				"guardduty:TagResource", "guardduty:UntagResource", "guardduty:ListTagsForResource",
			}, s.arn("guardduty", "detector/*"))),
			R(iampolicy.Allow("DetectorCreate", []string{"guardduty:CreateDetector", "guardduty:ListDetectors"}, "*")))
	}

	return []namedDocument{
		{"network", network},
		{"compute", compute},
		{"edge", edge},
		{"data", data},
		{"identity", iampolicy.New(identity...)},
	}
}

// passedToServices adds CloudTrail, which delivers to CloudWatch Logs with the stack's own role, when the
// trail is on.
func (s scope) passedToServices() []string {
	out := append([]string{}, PassedToServices...)
	if s.CloudTrail {
		out = append(out, "cloudtrail.amazonaws.com")
	}
	return out
}

func (s scope) serviceLinkedRoles() []string {
	out := append([]string{}, ServiceLinkedRoles...)
	if s.GuardDuty {
		out = append(out, "guardduty.amazonaws.com", "malware-protection.guardduty.amazonaws.com")
	}
	return out
}

// previewDocument is the pull-request role: the reads `pulumi preview` makes (data sources and, with
// --refresh, the resources' Describe/Get/List calls), the state backend read-only except the lock object,
// and Decrypt on the secrets-provider key. No secret values, no object reads outside the state bucket.
func previewDocument(s scope, stacks []string) iampolicy.Document {
	R := s.inRegion
	var roles, buckets []string
	for _, st := range stacks {
		roles = append(roles, s.iamArn("role/"+s.Project+"-"+st+"-*"))
		buckets = append(buckets, "arn:aws:s3:::"+s.Project+"-"+st+"-*")
	}
	bucket := "arn:aws:s3:::" + s.StateBucket
	return iampolicy.New(
		R(iampolicy.Allow("ReadInfrastructure", []string{
			"ec2:Describe*", "ecs:Describe*", "ecs:List*", "ecr:DescribeRepositories", "ecr:DescribeImages",
			"ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource",
			"rds:Describe*", "rds:ListTagsForResource", "elasticache:Describe*", "elasticache:ListTagsForResource",
			"elasticloadbalancing:Describe*", "acm:DescribeCertificate", "acm:ListCertificates",
			"acm:ListTagsForCertificate", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
			"kms:ListResourceTags", "kms:ListAliases", "secretsmanager:DescribeSecret",
			"secretsmanager:GetResourcePolicy", "secretsmanager:ListSecrets", "ssm:DescribeParameters",
			"ssm:ListTagsForResource", "logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
			"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:GetDashboard",
			"sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic",
			"sns:ListTagsForResource", "application-autoscaling:Describe*",
		}, "*")),
		iampolicy.Allow("ReadStackRoles", []string{
			"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
			"iam:ListRoleTags",
		}, roles...),
		R(iampolicy.Allow("ReadStackBuckets", []string{
			"s3:GetBucket*", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration",
			"s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration",
		}, buckets...)),
		R(iampolicy.Allow("StateList", []string{"s3:ListBucket", "s3:GetBucketLocation"}, bucket)),
		R(iampolicy.Allow("StateRead", []string{"s3:GetObject"}, bucket+"/.pulumi/*")),
		R(iampolicy.Allow("StateLock", []string{"s3:PutObject", "s3:DeleteObject"}, bucket+"/.pulumi/locks/*")),
		viaService(R(iampolicy.Allow("StateKey", []string{"kms:Decrypt", "kms:GenerateDataKey"}, s.StateKeyArn)),
			"s3."+s.Region+".amazonaws.com"),
		R(iampolicy.Allow("SecretsProviderKey", []string{"kms:Decrypt"}, s.SecretsKeyArn)),
	)
}

// pushDocument is the application repository's role: log in to ECR and push to the stacks' app
// repositories, nothing else.
func pushDocument(s scope, stacks []string) iampolicy.Document {
	var repos []string
	for _, st := range stacks {
		repos = append(repos, s.arn("ecr", "repository/"+s.Project+"-"+st+"/app"))
	}
	return iampolicy.New(
		s.inRegion(iampolicy.Allow("EcrLogin", []string{"ecr:GetAuthorizationToken"}, "*")),
		s.inRegion(iampolicy.Allow("PushAppImage", []string{
			"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
			"ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
		}, repos...)),
	)
}

// trustDocument lets GitHub's OIDC tokens with our audience and exactly one subject assume a role.
func trustDocument(providerArn, subject string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "GitHubActions",
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Federated: []string{providerArn}},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: iampolicy.Condition{"StringEquals": {
			GitHubIssuerHost + ":aud": {GitHubAudience},
			GitHubIssuerHost + ":sub": {subject},
		}},
	})
}

// Subjects GitHub puts in the token: a push or dispatch on a branch, a job in an environment, a pull
// request.
func branchSubject(repo, branch string) string   { return "repo:" + repo + ":ref:refs/heads/" + branch }
func environmentSubject(repo, env string) string { return "repo:" + repo + ":environment:" + env }
func pullRequestSubject(repo string) string      { return "repo:" + repo + ":pull_request" }
