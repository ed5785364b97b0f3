package permissions

import (
	"fmt"
	"sort"
	"strings"
)

// Sources behind rows, by topic. The provider is pulumi-aws v6.83.4, which bridges
// terraform-provider-aws v5: its calls are that provider's, in internal/service/<service>/<resource>.go.
const (
	srcTagOnCreate = "Tag on create: a create call that carries tags is also authorised for the service's tag action, " +
		"with aws:RequestTag and aws:TagKeys (EC2: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html, " +
		"ELB: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/tagging-resources-during-creation.html, " +
		"ECS: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html)"
	srcKmsTags = "KMS: tagging a key in CreateKey needs kms:TagResource in an IAM policy, checked with aws:RequestTag " +
		"(https://docs.aws.amazon.com/kms/latest/developerguide/tag-permissions.html); kms:CreateAlias is authorised " +
		"against both the alias and the key (https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html#alias-access)"
	srcRdsDefaults = "rds:CreateDBInstance is authorised against the db and every group it names, the default option " +
		"group og:default:<engine>-<major> included when the request names none (Service Authorization Reference, " +
		"Amazon RDS: CreateDBInstance resource types cluster, db*, og, pg, secgrp, subgrp); a managed master password " +
		"makes RDS create the secret with the caller's secretsmanager:CreateSecret and TagResource, and encrypt it with " +
		"the caller's kms:GenerateDataKey/Decrypt/CreateGrant (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-permissions)"
	srcKeyUse = "A customer managed key named in a create is checked against the caller: CreateGrant (GrantIsForAWSResource) and " +
		"DescribeKey for RDS, ElastiCache and ECR; Encrypt/GenerateDataKey for SSM SecureString and Secrets Manager " +
		"(https://docs.aws.amazon.com/kms/latest/developerguide/services-rds.html, .../services-parameter-store.html, " +
		".../services-secrets-manager.html, https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html)"
	srcPassRole = "iam:PassRole with iam:PassedToService for every role a resource hands to a service " +
		"(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html); EventBridge Scheduler: " +
		"https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role; ECS RunTask " +
		"checks PassRole on the task definition's roles (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html)"
	srcBoundary = "iam:PermissionsBoundary on CreateRole, PutRolePolicy and DeleteRolePolicy names the boundary the role has or gets " +
		"(https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate)"
	srcEfs = "EFS: CreateFileSystem takes no resource (only aws:RequestTag, aws:TagKeys and elasticfilesystem:Encrypted); " +
		"file systems and access points take aws:ResourceTag (Service Authorization Reference, Amazon Elastic File System); a create " +
		"that carries tags is also authorised as elasticfilesystem:TagResource with elasticfilesystem:CreateAction " +
		"(https://docs.aws.amazon.com/efs/latest/ug/using-tags-efs.html); a customer managed key needs the caller's kms:CreateGrant, " +
		"DescribeKey, Decrypt and GenerateDataKeyWithoutPlaintext (https://docs.aws.amazon.com/efs/latest/ug/EFSKMS.html#EFSKMSPolicy); " +
		"terraform-provider-aws internal/service/efs/file_system.go, access_point.go, backup_policy.go, file_system_policy.go"
	srcEfsMountTarget = "EFS makes the mount target's network interface with the caller's EC2 rights: CreateMountTarget needs " +
		"ec2:DescribeSubnets, DescribeNetworkInterfaces and CreateNetworkInterface (https://docs.aws.amazon.com/efs/latest/ug/API_CreateMountTarget.html), " +
		"DeleteMountTarget ec2:DeleteNetworkInterface on the interface (.../API_DeleteMountTarget.html), " +
		"ModifyMountTargetSecurityGroups ec2:ModifyNetworkInterfaceAttribute (.../API_ModifyMountTargetSecurityGroups.html), " +
		"DescribeMountTargetSecurityGroups ec2:DescribeNetworkInterfaceAttribute (.../API_DescribeMountTargetSecurityGroups.html); " +
		"terraform-provider-aws internal/service/efs/mount_target.go reads the subnet's AZ (ec2:DescribeSubnets) before it creates"
	srcCloudMap = "terraform-provider-aws internal/service/servicediscovery/http_namespace.go: CreateHttpNamespace with the tags, " +
		"then GetOperation until it succeeds (its target is the namespace); read is GetNamespace and, for the tags " +
		"(@Tags identifierAttribute arn), ListTagsForResource; description and name are ForceNew, so an update is TagResource/" +
		"UntagResource only (no UpdateHttpNamespace); delete is DeleteNamespace (retried while ResourceInUse) and GetOperation. " +
		"Service Authorization Reference, AWS Cloud Map: CreateHttpNamespace, TagResource, UntagResource and ListTagsForResource " +
		"take no resource (aws:RequestTag, aws:TagKeys); GetNamespace, GetOperation and DeleteNamespace take namespace* " +
		"(arn:...:servicediscovery:<region>:<account>:namespace/<id>, aws:ResourceTag). ECS Service Connect creates the " +
		"namespace's Cloud Map services and registers tasks with its service-linked role AWSServiceRoleForECS " +
		"(AmazonECSServiceRolePolicy grants servicediscovery:CreateService, DeleteService, RegisterInstance, TagResource...: " +
		"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSServiceRolePolicy.html), not the caller's rights"
	srcS3Read = "terraform-provider-aws internal/service/s3/bucket.go resourceBucketRead: GetBucketPolicy, Acl, Cors, Website, " +
		"Versioning, Accelerate, RequestPayment, Logging, Lifecycle, Replication, Encryption, ObjectLock, Tagging, HeadBucket"
)

// Table is every resource type the program and the bootstrap create.
var Table = []Row{
	// --- network
	{Type: "aws:ec2/vpc:Vpc", Source: srcTagOnCreate, Calls: append(ec2Creating("CreateVpc", self),
		call(Create, Ec2Stack, "ec2:ModifyVpcAttribute"),
		call(Read, Unscoped, "ec2:DescribeVpcs", "ec2:DescribeVpcAttribute"),
		call(Update, Ec2Stack, "ec2:ModifyVpcAttribute", "ec2:CreateTags", "ec2:DeleteTags"),
		call(Delete, Ec2Stack, "ec2:DeleteVpc"))},
	{Type: "aws:ec2/subnet:Subnet", Source: srcTagOnCreate, Calls: append(ec2Creating("CreateSubnet", self),
		call(Create, Ec2Stack, "ec2:CreateSubnet").at(ec2In("vpc", "vpcId")),
		call(Create, Ec2Stack, "ec2:ModifySubnetAttribute"),
		call(Read, Unscoped, "ec2:DescribeSubnets"),
		call(Update, Ec2Stack, "ec2:ModifySubnetAttribute", "ec2:CreateTags", "ec2:DeleteTags"),
		call(Delete, Ec2Stack, "ec2:DeleteSubnet"))},
	{Type: "aws:ec2/routeTable:RouteTable", Source: srcTagOnCreate, Calls: append(ec2Creating("CreateRouteTable", self),
		call(Create, Ec2Stack, "ec2:CreateRouteTable").at(ec2In("vpc", "vpcId")),
		call(Read, Unscoped, "ec2:DescribeRouteTables"),
		call(Update, Ec2Stack, "ec2:CreateTags", "ec2:DeleteTags"),
		call(Delete, Ec2Stack, "ec2:DeleteRouteTable"))},
	{Type: "aws:ec2/route:Route", Calls: []Call{
		call(Create, Ec2Stack, "ec2:CreateRoute").at(ec2In("route-table", "routeTableId")),
		call(Read, Unscoped, "ec2:DescribeRouteTables"),
		call(Update, Ec2Stack, "ec2:ReplaceRoute").at(ec2In("route-table", "routeTableId")),
		call(Delete, Ec2Stack, "ec2:DeleteRoute").at(ec2In("route-table", "routeTableId"))}},
	{Type: "aws:ec2/routeTableAssociation:RouteTableAssociation", Calls: []Call{
		call(Create, Ec2Stack, "ec2:AssociateRouteTable").at(ec2In("route-table", "routeTableId"), ec2In("subnet", "subnetId")),
		call(Read, Unscoped, "ec2:DescribeRouteTables"),
		call(Update, Ec2Stack, "ec2:ReplaceRouteTableAssociation").at(ec2In("route-table", "routeTableId")),
		call(Delete, Ec2Stack, "ec2:DisassociateRouteTable").at(ec2In("route-table", "routeTableId"), ec2In("subnet", "subnetId"))}},
	{Type: "aws:ec2/internetGateway:InternetGateway", Source: srcTagOnCreate, Calls: append(ec2Creating("CreateInternetGateway", self),
		call(Create, Ec2Stack, "ec2:AttachInternetGateway").at(self, ec2In("vpc", "vpcId")),
		call(Read, Unscoped, "ec2:DescribeInternetGateways"),
		call(Update, Ec2Stack, "ec2:CreateTags", "ec2:DeleteTags"),
		call(Delete, Ec2Stack, "ec2:DetachInternetGateway").at(self, ec2In("vpc", "vpcId")),
		call(Delete, Ec2Stack, "ec2:DeleteInternetGateway"))},
	{Type: "aws:ec2/eip:Eip", Source: srcTagOnCreate, Calls: append(ec2Creating("AllocateAddress", ec2ID("elastic-ip")),
		call(Read, Unscoped, "ec2:DescribeAddresses"),
		call(Update, Ec2Stack, "ec2:CreateTags", "ec2:DeleteTags").at(ec2ID("elastic-ip")),
		call(Delete, Ec2Stack, "ec2:ReleaseAddress", "ec2:DisassociateAddress").at(ec2ID("elastic-ip")))},
	{Type: "aws:ec2/natGateway:NatGateway", Source: srcTagOnCreate, Calls: append(ec2Creating("CreateNatGateway", ec2ID("natgateway")),
		call(Create, Ec2Stack, "ec2:CreateNatGateway").at(ec2In("subnet", "subnetId"), ec2In("elastic-ip", "allocationId")),
		call(Read, Unscoped, "ec2:DescribeNatGateways"),
		call(Update, Ec2Stack, "ec2:CreateTags", "ec2:DeleteTags").at(ec2ID("natgateway")),
		call(Delete, Ec2Stack, "ec2:DeleteNatGateway").at(ec2ID("natgateway")))},
	// The NAT instance (network.NatInstance): its fixed interface, address, launch template and group.
	{Type: "aws:ec2/networkInterface:NetworkInterface", Source: srcTagOnCreate + "; ec2/vpc_network_interface.go sets " +
		"source_dest_check with ModifyNetworkInterfaceAttribute after the create, and detaches before the delete",
		Calls: append(ec2Creating("CreateNetworkInterface", self),
			call(Create, Ec2Stack, "ec2:CreateNetworkInterface").at(ec2In("subnet", "subnetId"), ec2List("security-group", "securityGroups")),
			call(Create, Ec2Stack, "ec2:ModifyNetworkInterfaceAttribute"),
			call(Read, Unscoped, "ec2:DescribeNetworkInterfaces"),
			call(Update, Ec2Stack, "ec2:ModifyNetworkInterfaceAttribute", "ec2:CreateTags", "ec2:DeleteTags"),
			call(Delete, Ec2Stack, "ec2:DetachNetworkInterface", "ec2:DeleteNetworkInterface"))},
	{Type: "aws:ec2/eipAssociation:EipAssociation", Source: "ec2/ec2_eip_association.go: AssociateAddress, DescribeAddresses, " +
		"DisassociateAddress, each authorised against the address and the interface (Service Authorization Reference)",
		Calls: []Call{
			call(Create, Ec2Stack, "ec2:AssociateAddress").at(ec2In("elastic-ip", "allocationId"), ec2In("network-interface", "networkInterfaceId")),
			call(Read, Unscoped, "ec2:DescribeAddresses"),
			call(Delete, Ec2Stack, "ec2:DisassociateAddress").at(ec2In("elastic-ip", "allocationId"), ec2In("network-interface", "networkInterfaceId"))}},
	{Type: "aws:ec2/launchTemplate:LaunchTemplate", Source: srcTagOnCreate + "; ec2/ec2_launch_template.go: an update " +
		"creates a version and makes it the default (ModifyLaunchTemplate)",
		Calls: append(ec2Creating("CreateLaunchTemplate", self),
			call(Read, Unscoped, "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"),
			call(Update, Ec2Stack, "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:CreateTags", "ec2:DeleteTags"),
			call(Delete, Ec2Stack, "ec2:DeleteLaunchTemplate"))},
	{Type: "aws:autoscaling/group:Group", Source: "autoscaling/group.go (tags in the create are autoscaling:CreateOrUpdateTags; " +
		"the delete scales to zero first); a group with a launch template checks the caller's ec2:RunInstances on the template " +
		"and what it launches (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-launch-template-permissions.html); " +
		"the group's first use creates AWSServiceRoleForAutoScaling " +
		"(https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html)",
		Calls: []Call{
			call(Create, StackAutoScalingGroups, "autoscaling:CreateAutoScalingGroup", "autoscaling:CreateOrUpdateTags").tagged().untagged(),
			call(Create, Ec2RunNatInstance, "ec2:RunInstances").at(launchTemplateOf, natInterfaces),
			call(Create, Ec2RunNatInstance, "ec2:RunInstances").at(func(p Planned) []string {
				return []string{p.Scope.ARN("ec2", "instance/*"), p.Scope.ARN("ec2", "volume/*"),
					"arn:aws:ec2:" + p.Scope.Region + "::image/*"}
			}).untagged(),
			slr("autoscaling.amazonaws.com"),
			call(Read, Unscoped, "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeScalingActivities"),
			call(Update, StackAutoScalingGroups, "autoscaling:UpdateAutoScalingGroup", "autoscaling:CreateOrUpdateTags",
				"autoscaling:DeleteTags"),
			call(Delete, StackAutoScalingGroups, "autoscaling:UpdateAutoScalingGroup", "autoscaling:DeleteAutoScalingGroup")}},
	{Type: "aws:ec2/securityGroup:SecurityGroup", Source: srcTagOnCreate + "; security_group.go revokes the default egress rule after create",
		Calls: append(ec2Creating("CreateSecurityGroup", self),
			call(Create, Ec2Stack, "ec2:CreateSecurityGroup").at(ec2In("vpc", "vpcId")),
			call(Create, Ec2Stack, "ec2:RevokeSecurityGroupEgress"),
			call(Read, Unscoped, "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"),
			call(Update, Ec2Stack, "ec2:CreateTags", "ec2:DeleteTags", "ec2:ModifySecurityGroupRules"),
			call(Delete, Ec2Stack, "ec2:DeleteSecurityGroup"))},
	{Type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", Source: "terraform-provider-aws internal/service/ec2/vpc_default_security_group.go " +
		"resourceDefaultSecurityGroupCreate: finds the VPC's default group, updateTags, then " +
		"forceRevokeSecurityGroupRules (so the tag is there before the revokes); delete only forgets it",
		Calls: []Call{
			call(Create, Ec2AdoptDefault, "ec2:CreateTags").tagged().untagged(),
			call(Create, Ec2Stack, "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"),
			call(Read, Unscoped, "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"),
			call(Update, Ec2Stack, "ec2:CreateTags", "ec2:DeleteTags")}},
	sgRule("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "Ingress"),
	sgRule("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "Egress"),
	{Type: "aws:ec2/vpcEndpoint:VpcEndpoint", Source: srcTagOnCreate, Calls: append(ec2Creating("CreateVpcEndpoint", self),
		call(Create, Ec2Stack, "ec2:CreateVpcEndpoint").at(ec2In("vpc", "vpcId"), ec2List("subnet", "subnetIds"),
			ec2List("security-group", "securityGroupIds"), ec2List("route-table", "routeTableIds")),
		call(Read, Unscoped, "ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"),
		call(Update, Ec2Stack, "ec2:ModifyVpcEndpoint", "ec2:CreateTags", "ec2:DeleteTags"),
		call(Delete, Ec2Stack, "ec2:DeleteVpcEndpoints"))},
	{Type: "aws:ec2/flowLog:FlowLog", Source: srcTagOnCreate + "; " + srcPassRole, Calls: append(ec2Creating("CreateFlowLogs", self),
		call(Create, Ec2Stack, "ec2:CreateFlowLogs").at(ec2In("vpc", "vpcId")),
		passRole("vpc-flow-logs.amazonaws.com", "iamRoleArn"),
		call(Read, Unscoped, "ec2:DescribeFlowLogs"),
		call(Update, Ec2Stack, "ec2:CreateTags", "ec2:DeleteTags"),
		call(Delete, Ec2Stack, "ec2:DeleteFlowLogs"))},

	// --- identity
	{Type: "aws:iam/role:Role", Source: srcBoundary + "; role.go deletes inline policies and instance profiles before the role",
		Calls: []Call{
			call(Create, StackRolesBounded, "iam:CreateRole").tagged().untagged().with(boundaryOf),
			call(Create, StackRoles, "iam:TagRole").tagged().untagged(),
			call(Read, StackRoles, "iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"),
			call(Update, StackRoles, "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
				"iam:TagRole", "iam:UntagRole"),
			call(Delete, StackRoles, "iam:ListInstanceProfilesForRole", "iam:DeleteRole", "iam:ListRolePolicies"),
			call(Delete, StackRolesBounded, "iam:DeleteRolePolicy").with(boundaryOf)}},
	{Type: "aws:iam/rolePolicy:RolePolicy", Source: srcBoundary, Calls: []Call{
		call(Create, StackRolesBounded, "iam:PutRolePolicy").at(roleNamed).with(boundaryOfRole),
		call(Read, StackRoles, "iam:GetRolePolicy").at(roleNamed),
		call(Update, StackRolesBounded, "iam:PutRolePolicy").at(roleNamed).with(boundaryOfRole),
		call(Delete, StackRolesBounded, "iam:DeleteRolePolicy").at(roleNamed).with(boundaryOfRole)}},

	// --- keys, parameters, secrets
	{Type: "aws:kms/key:Key", Source: srcKmsTags, Calls: []Call{
		call(Create, KmsCreate, "kms:CreateKey", "kms:TagResource").at(star).tagged().untagged(),
		call(Create, StackKeys, "kms:EnableKeyRotation", "kms:DescribeKey"),
		call(Read, StackKeys, "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"),
		call(Update, StackKeys, "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:DisableKeyRotation",
			"kms:UpdateKeyDescription", "kms:TagResource", "kms:UntagResource", "kms:EnableKey", "kms:DisableKey"),
		call(Delete, StackKeys, "kms:ScheduleKeyDeletion")}},
	{Type: "aws:kms/alias:Alias", Source: srcKmsTags, Calls: []Call{
		call(Create, StackAliases, "kms:CreateAlias").untagged(),
		call(Create, StackKeys, "kms:CreateAlias").at(keyOf("targetKeyId")),
		call(Read, Unscoped, "kms:ListAliases"),
		call(Update, StackAliases, "kms:UpdateAlias").untagged(),
		call(Update, StackKeys, "kms:UpdateAlias").at(keyOf("targetKeyId")),
		call(Delete, StackAliases, "kms:DeleteAlias").untagged(),
		call(Delete, StackKeys, "kms:DeleteAlias").at(keyOf("targetKeyId"))}},
	{Type: "aws:ssm/parameter:Parameter", Source: srcTagOnCreate + "; " + srcKeyUse + "; ssm/parameter.go reads with WithDecryption=true",
		Calls: []Call{
			call(Create, StackParameters, "ssm:PutParameter", "ssm:AddTagsToResource").tagged().untagged(),
			call(Create, StackKeys, "kms:Encrypt", "kms:GenerateDataKey").at(keysIn).via("ssm"),
			call(Read, StackParameters, "ssm:GetParameter").secret(),
			call(Read, StackKeys, "kms:Decrypt").at(keysIn).via("ssm").secret(),
			call(Read, Unscoped, "ssm:DescribeParameters"),
			call(Read, StackParameters, "ssm:ListTagsForResource"),
			call(Update, StackParameters, "ssm:PutParameter", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource"),
			call(Delete, StackParameters, "ssm:DeleteParameter")}},
	{Type: "aws:secretsmanager/secret:Secret", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackSecrets, "secretsmanager:CreateSecret", "secretsmanager:TagResource").tagged().untagged(),
		call(Read, StackSecrets, "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"),
		call(Update, StackSecrets, "secretsmanager:UpdateSecret", "secretsmanager:TagResource", "secretsmanager:UntagResource",
			"secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy"),
		call(Delete, StackSecrets, "secretsmanager:DeleteSecret")}},
	{Type: "aws:secretsmanager/secretVersion:SecretVersion", Source: srcKeyUse, Calls: []Call{
		call(Create, StackSecrets, "secretsmanager:PutSecretValue").at(inputArn("secretId")),
		call(Create, StackKeys, "kms:GenerateDataKey").at(keyOfSecret).via("secretsmanager"),
		call(Read, StackSecrets, "secretsmanager:GetSecretValue").at(inputArn("secretId")).secret(),
		call(Read, StackKeys, "kms:Decrypt").at(keyOfSecret).via("secretsmanager").secret(),
		call(Read, StackSecrets, "secretsmanager:DescribeSecret").at(inputArn("secretId")),
		call(Delete, StackSecrets, "secretsmanager:UpdateSecretVersionStage").at(inputArn("secretId"))}},
	{Type: "aws:secretsmanager/secretRotation:SecretRotation", Source: "secretsmanager/secret_rotation.go: RotateSecret; " +
		"the RDS-managed secret rotates through RDS, so its ARN is RDS's rds!db-... secret",
		Calls: []Call{
			call(Create, RdsManagedSecret, "secretsmanager:RotateSecret", "secretsmanager:DescribeSecret").at(inputArn("secretId")),
			call(Read, RdsManagedSecret, "secretsmanager:DescribeSecret").at(inputArn("secretId")),
			call(Update, RdsManagedSecret, "secretsmanager:RotateSecret").at(inputArn("secretId")),
			call(Delete, RdsManagedSecret, "secretsmanager:CancelRotateSecret").at(inputArn("secretId"))}},

	// --- registry
	{Type: "aws:ecr/repository:Repository", Source: srcTagOnCreate + "; " + srcKeyUse, Calls: []Call{
		call(Create, StackRepositories, "ecr:CreateRepository", "ecr:TagResource").tagged().untagged(),
		call(Create, StackKeyGrants, "kms:CreateGrant").at(keysIn).grant(),
		call(Create, StackKeys, "kms:DescribeKey").at(keysIn),
		call(Read, StackRepositories, "ecr:DescribeRepositories", "ecr:ListTagsForResource"),
		call(Update, StackRepositories, "ecr:PutImageTagMutability", "ecr:PutImageScanningConfiguration",
			"ecr:TagResource", "ecr:UntagResource"),
		call(Delete, StackRepositories, "ecr:DeleteRepository", "ecr:BatchDeleteImage", "ecr:ListImages"),
		call(Delete, StackKeyGrants, "kms:RetireGrant").at(keysIn).grant()}},
	{Type: "aws:ecr/lifecyclePolicy:LifecyclePolicy", Calls: []Call{
		call(Create, StackRepositories, "ecr:PutLifecyclePolicy").at(repositoryNamed),
		call(Read, StackRepositories, "ecr:GetLifecyclePolicy").at(repositoryNamed),
		call(Update, StackRepositories, "ecr:PutLifecyclePolicy").at(repositoryNamed),
		call(Delete, StackRepositories, "ecr:DeleteLifecyclePolicy").at(repositoryNamed)}},
	{Type: "aws:ecr/repositoryPolicy:RepositoryPolicy", Calls: []Call{
		call(Create, StackRepositories, "ecr:SetRepositoryPolicy").at(repositoryNamed),
		call(Read, StackRepositories, "ecr:GetRepositoryPolicy").at(repositoryNamed),
		call(Update, StackRepositories, "ecr:SetRepositoryPolicy").at(repositoryNamed),
		call(Delete, StackRepositories, "ecr:DeleteRepositoryPolicy").at(repositoryNamed)}},

	// --- data
	{Type: "aws:rds/instance:Instance", Source: srcRdsDefaults + "; " + srcPassRole, Calls: []Call{
		call(Create, StackDatabases, "rds:CreateDBInstance", "rds:AddTagsToResource").tagged().untagged(),
		call(Create, StackDatabases, "rds:CreateDBInstance").at(rdsNamed("pg", "parameterGroupName"), rdsNamed("subgrp", "dbSubnetGroupName")),
		call(Create, RdsDefaults, "rds:CreateDBInstance").at(defaultOptionGroup).untagged(),
		call(Create, StackKeyGrants, "kms:CreateGrant").at(keysIn).grant(),
		call(Create, StackKeys, "kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt").at(keysIn),
		call(Create, RdsManagedSecret, "secretsmanager:CreateSecret", "secretsmanager:TagResource",
			"secretsmanager:RotateSecret").at(managedSecret).tagged().untagged(),
		passRole("monitoring.rds.amazonaws.com", "monitoringRoleArn"),
		slr("rds.amazonaws.com"),
		call(Read, StackDatabases, "rds:DescribeDBInstances", "rds:ListTagsForResource"),
		call(Update, StackDatabases, "rds:ModifyDBInstance", "rds:AddTagsToResource", "rds:RemoveTagsFromResource",
			"rds:RebootDBInstance"),
		call(Update, RdsDefaults, "rds:ModifyDBInstance").at(defaultOptionGroup).untagged(),
		call(Delete, StackDatabases, "rds:DeleteDBInstance", "rds:DescribeDBInstances"),
		call(Delete, StackDatabases, "rds:CreateDBSnapshot").at(finalSnapshot).untagged()}},
	{Type: "aws:rds/subnetGroup:SubnetGroup", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackDatabases, "rds:CreateDBSubnetGroup", "rds:AddTagsToResource").tagged().untagged(),
		call(Read, StackDatabases, "rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"),
		call(Update, StackDatabases, "rds:ModifyDBSubnetGroup", "rds:AddTagsToResource", "rds:RemoveTagsFromResource"),
		call(Delete, StackDatabases, "rds:DeleteDBSubnetGroup")}},
	{Type: "aws:rds/parameterGroup:ParameterGroup", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackDatabases, "rds:CreateDBParameterGroup", "rds:AddTagsToResource").tagged().untagged(),
		call(Create, StackDatabases, "rds:ModifyDBParameterGroup"),
		call(Read, StackDatabases, "rds:DescribeDBParameterGroups", "rds:DescribeDBParameters", "rds:ListTagsForResource"),
		call(Update, StackDatabases, "rds:ModifyDBParameterGroup", "rds:ResetDBParameterGroup", "rds:AddTagsToResource",
			"rds:RemoveTagsFromResource"),
		call(Delete, StackDatabases, "rds:DeleteDBParameterGroup")}},
	{Type: "aws:elasticache/replicationGroup:ReplicationGroup", Source: srcTagOnCreate + "; " + srcKeyUse, Calls: []Call{
		call(Create, StackCaches, "elasticache:CreateReplicationGroup", "elasticache:AddTagsToResource").tagged().untagged(),
		call(Create, StackCaches, "elasticache:CreateReplicationGroup").at(cacheNamed("parametergroup", "parameterGroupName"),
			cacheNamed("subnetgroup", "subnetGroupName")),
		call(Create, StackCaches, "elasticache:CreateCacheCluster").at(memberClusters).tagged().untagged(),
		call(Create, StackKeyGrants, "kms:CreateGrant").at(keysIn).grant(),
		call(Create, StackKeys, "kms:DescribeKey").at(keysIn),
		slr("elasticache.amazonaws.com"),
		call(Read, StackCaches, "elasticache:DescribeReplicationGroups", "elasticache:ListTagsForResource"),
		call(Read, StackCaches, "elasticache:DescribeCacheClusters").at(memberClusters),
		call(Update, StackCaches, "elasticache:ModifyReplicationGroup", "elasticache:AddTagsToResource",
			"elasticache:RemoveTagsFromResource", "elasticache:IncreaseReplicaCount", "elasticache:DecreaseReplicaCount"),
		call(Update, StackCaches, "elasticache:ModifyReplicationGroup").at(cacheNamed("parametergroup", "parameterGroupName")),
		call(Delete, StackCaches, "elasticache:DeleteReplicationGroup"),
		call(Delete, StackCaches, "elasticache:CreateSnapshot").at(cacheFinalSnapshot).untagged()}},
	{Type: "aws:elasticache/subnetGroup:SubnetGroup", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackCaches, "elasticache:CreateCacheSubnetGroup", "elasticache:AddTagsToResource").tagged().untagged(),
		call(Read, StackCaches, "elasticache:DescribeCacheSubnetGroups", "elasticache:ListTagsForResource"),
		call(Update, StackCaches, "elasticache:ModifyCacheSubnetGroup", "elasticache:AddTagsToResource",
			"elasticache:RemoveTagsFromResource"),
		call(Delete, StackCaches, "elasticache:DeleteCacheSubnetGroup")}},
	{Type: "aws:elasticache/parameterGroup:ParameterGroup", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackCaches, "elasticache:CreateCacheParameterGroup", "elasticache:AddTagsToResource").tagged().untagged(),
		call(Create, StackCaches, "elasticache:ModifyCacheParameterGroup"),
		call(Read, StackCaches, "elasticache:DescribeCacheParameterGroups", "elasticache:DescribeCacheParameters",
			"elasticache:ListTagsForResource"),
		call(Update, StackCaches, "elasticache:ModifyCacheParameterGroup", "elasticache:ResetCacheParameterGroup",
			"elasticache:AddTagsToResource", "elasticache:RemoveTagsFromResource"),
		call(Delete, StackCaches, "elasticache:DeleteCacheParameterGroup")}},

	// --- volumes (EFS)
	{Type: "aws:efs/fileSystem:FileSystem", Source: srcEfs, Calls: []Call{
		call(Create, EfsCreate, "elasticfilesystem:CreateFileSystem").at(star).tagged().untagged().with(efsEncrypted),
		call(Create, EfsTagOnCreate, "elasticfilesystem:TagResource").at(self).tagged().untagged().with(efsCreateAction("CreateFileSystem")),
		call(Create, StackKeyGrants, "kms:CreateGrant").at(keysIn).grant(),
		call(Create, StackKeys, "kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext").at(keysIn).via("elasticfilesystem"),
		call(Create, EfsStack, "elasticfilesystem:DescribeFileSystems", "elasticfilesystem:PutLifecycleConfiguration"),
		call(Read, EfsStack, "elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeLifecycleConfiguration"),
		call(Update, EfsStack, "elasticfilesystem:UpdateFileSystem", "elasticfilesystem:UpdateFileSystemProtection",
			"elasticfilesystem:PutLifecycleConfiguration", "elasticfilesystem:TagResource", "elasticfilesystem:UntagResource"),
		call(Delete, EfsStack, "elasticfilesystem:DeleteFileSystem", "elasticfilesystem:DescribeFileSystems")}},
	{Type: "aws:efs/mountTarget:MountTarget", Source: srcEfsMountTarget, Calls: []Call{
		call(Create, Unscoped, "ec2:DescribeSubnets", "ec2:DescribeNetworkInterfaces"),
		call(Create, EfsStack, "elasticfilesystem:CreateMountTarget", "elasticfilesystem:DescribeMountTargets").at(efsFileSystem),
		call(Create, EfsMountTargetInterfaces, "ec2:CreateNetworkInterface").at(mountTargetInterface).untagged(),
		call(Create, EfsMountTargetInterfaces, "ec2:CreateNetworkInterface").at(ec2In("subnet", "subnetId"), ec2List("security-group", "securityGroups")),
		call(Read, EfsStack, "elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeMountTargetSecurityGroups").at(efsFileSystem),
		call(Read, Unscoped, "ec2:DescribeNetworkInterfaceAttribute"),
		call(Update, EfsStack, "elasticfilesystem:ModifyMountTargetSecurityGroups").at(efsFileSystem),
		call(Update, EfsMountTargetInterfaces, "ec2:ModifyNetworkInterfaceAttribute").at(mountTargetInterface).untagged(),
		call(Update, EfsMountTargetInterfaces, "ec2:ModifyNetworkInterfaceAttribute").at(ec2List("security-group", "securityGroups")),
		call(Delete, EfsStack, "elasticfilesystem:DeleteMountTarget", "elasticfilesystem:DescribeMountTargets").at(efsFileSystem),
		call(Delete, EfsMountTargetInterfaces, "ec2:DeleteNetworkInterface").at(mountTargetInterface).untagged()}},
	{Type: "aws:efs/accessPoint:AccessPoint", Source: srcEfs, Calls: []Call{
		call(Create, EfsStack, "elasticfilesystem:CreateAccessPoint").at(efsFileSystem).tagged(),
		call(Create, EfsTagOnCreate, "elasticfilesystem:TagResource").at(self).tagged().untagged().with(efsCreateAction("CreateAccessPoint")),
		call(Create, EfsStack, "elasticfilesystem:DescribeAccessPoints"),
		call(Read, EfsStack, "elasticfilesystem:DescribeAccessPoints"),
		call(Update, EfsStack, "elasticfilesystem:TagResource", "elasticfilesystem:UntagResource"),
		call(Delete, EfsStack, "elasticfilesystem:DeleteAccessPoint", "elasticfilesystem:DescribeAccessPoints")}},
	{Type: "aws:efs/backupPolicy:BackupPolicy", Source: srcEfs + " (the delete puts a DISABLED policy)", Calls: []Call{
		call(Create, EfsStack, "elasticfilesystem:PutBackupPolicy", "elasticfilesystem:DescribeBackupPolicy").at(efsFileSystem),
		call(Read, EfsStack, "elasticfilesystem:DescribeBackupPolicy").at(efsFileSystem),
		call(Update, EfsStack, "elasticfilesystem:PutBackupPolicy").at(efsFileSystem),
		call(Delete, EfsStack, "elasticfilesystem:PutBackupPolicy").at(efsFileSystem)}},
	{Type: "aws:efs/fileSystemPolicy:FileSystemPolicy", Source: srcEfs, Calls: []Call{
		call(Create, EfsStack, "elasticfilesystem:PutFileSystemPolicy", "elasticfilesystem:DescribeFileSystemPolicy").at(efsFileSystem),
		call(Read, EfsStack, "elasticfilesystem:DescribeFileSystemPolicy").at(efsFileSystem),
		call(Update, EfsStack, "elasticfilesystem:PutFileSystemPolicy").at(efsFileSystem),
		call(Delete, EfsStack, "elasticfilesystem:DeleteFileSystemPolicy").at(efsFileSystem)}},

	// --- edge
	{Type: "aws:lb/loadBalancer:LoadBalancer", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackLoadBalancer, "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:AddTags").tagged().untagged(),
		call(Create, StackLoadBalancer, "elasticloadbalancing:ModifyLoadBalancerAttributes"),
		slr("elasticloadbalancing.amazonaws.com"),
		call(Read, Unscoped, "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
			"elasticloadbalancing:DescribeTags"),
		call(Update, StackLoadBalancer, "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
			"elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:AddTags",
			"elasticloadbalancing:RemoveTags"),
		call(Delete, StackLoadBalancer, "elasticloadbalancing:DeleteLoadBalancer")}},
	{Type: "aws:lb/targetGroup:TargetGroup", Source: srcTagOnCreate, Calls: []Call{
		call(Create, TargetGroupCreate, "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:AddTags").tagged().untagged(),
		call(Create, TargetGroupStack, "elasticloadbalancing:ModifyTargetGroupAttributes"),
		call(Read, Unscoped, "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
			"elasticloadbalancing:DescribeTags"),
		call(Update, TargetGroupStack, "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"),
		call(Delete, TargetGroupStack, "elasticloadbalancing:DeleteTargetGroup")}},
	{Type: "aws:lb/listener:Listener", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackLoadBalancer, "elasticloadbalancing:CreateListener").at(inputArn("loadBalancerArn")),
		call(Create, StackLoadBalancer, "elasticloadbalancing:AddTags").tagged().untagged(),
		call(Read, Unscoped, "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes",
			"elasticloadbalancing:DescribeTags"),
		call(Update, StackLoadBalancer, "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes",
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"),
		call(Delete, StackLoadBalancer, "elasticloadbalancing:DeleteListener")}},
	// The routes' rules on the HTTPS listener (edge.Route). CreateRule is authorised against the listener, the
	// rest against the rule (listener-rule/app/<load balancer>/...); tags read with DescribeTags (@Tags
	// identifierAttribute arn); a new priority is SetRulePriorities, new actions or conditions ModifyRule.
	{Type: "aws:lb/listenerRule:ListenerRule", Source: srcTagOnCreate + "; terraform-provider-aws internal/service/elbv2/" +
		"listener_rule.go: resourceListenerRuleCreate (CreateRule with the tags and the priority given, so no DescribeRules " +
		"for the highest priority), Read (DescribeRules by ARN), Update (SetRulePriorities, ModifyRule), Delete (DeleteRule); " +
		"Service Authorization Reference, Elastic Load Balancing V2: CreateRule on listener/app, ModifyRule, SetRulePriorities " +
		"and DeleteRule on listener-rule/app, DescribeRules and DescribeTags on *",
		Calls: []Call{
			call(Create, StackLoadBalancer, "elasticloadbalancing:CreateRule").at(inputArn("listenerArn")),
			call(Create, StackLoadBalancer, "elasticloadbalancing:AddTags").tagged().untagged(),
			call(Read, Unscoped, "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"),
			call(Update, StackLoadBalancer, "elasticloadbalancing:SetRulePriorities", "elasticloadbalancing:ModifyRule",
				"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"),
			call(Delete, StackLoadBalancer, "elasticloadbalancing:DeleteRule")}},
	{Type: "aws:lb/trustStore:TrustStore", Source: srcTagOnCreate + "; ELB reads the CA bundle from S3 with the caller's s3:GetObject " +
		"(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/mutual-authentication.html)",
		Calls: []Call{
			call(Create, StackTrustStores, "elasticloadbalancing:CreateTrustStore", "elasticloadbalancing:AddTags").tagged().untagged(),
			call(Create, StackObjects, "s3:GetObject").at(s3Object("caCertificatesBundleS3Bucket", "caCertificatesBundleS3Key")),
			call(Read, Unscoped, "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeTags"),
			call(Update, StackTrustStores, "elasticloadbalancing:ModifyTrustStore", "elasticloadbalancing:AddTags",
				"elasticloadbalancing:RemoveTags"),
			call(Delete, StackTrustStores, "elasticloadbalancing:DeleteTrustStore")}},
	{Type: "aws:acm/certificate:Certificate", Source: "acm:RequestCertificate supports no resource; its tags are authorised " +
		"as acm:AddTagsToCertificate on the new certificate (https://docs.aws.amazon.com/acm/latest/userguide/authen-apipermissionsref.html)",
		Calls: []Call{
			call(Create, Unscoped, "acm:RequestCertificate").at(star),
			call(Create, CertificateCreate, "acm:AddTagsToCertificate").tagged().untagged(),
			call(Read, CertificateStack, "acm:DescribeCertificate", "acm:ListTagsForCertificate"),
			call(Update, CertificateStack, "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate"),
			call(Delete, CertificateStack, "acm:DeleteCertificate")}},
	{Type: "aws:acm/certificateValidation:CertificateValidation", Calls: []Call{
		call(Create, CertificateStack, "acm:DescribeCertificate").at(inputArn("certificateArn")),
		call(Read, CertificateStack, "acm:DescribeCertificate").at(inputArn("certificateArn"))}},

	// --- buckets (named "<project>-<stack>-*")
	{Type: "aws:s3/bucketV2:BucketV2", Source: srcS3Read, Calls: []Call{
		call(Create, StackBuckets, "s3:CreateBucket", "s3:PutBucketTagging").at(bucketOf("bucket")),
		call(Read, StackBuckets, "s3:ListBucket", "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketCORS",
			"s3:GetBucketWebsite", "s3:GetBucketVersioning", "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment",
			"s3:GetBucketLogging", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration",
			"s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketTagging").at(bucketOf("bucket")),
		call(Update, StackBuckets, "s3:PutBucketTagging").at(bucketOf("bucket")),
		call(Delete, StackBuckets, "s3:DeleteBucket", "s3:ListBucketVersions").at(bucketOf("bucket")),
		call(Delete, StackObjects, "s3:DeleteObject", "s3:DeleteObjectVersion").at(bucketObjects)}},
	bucketPart("aws:s3/bucketPolicy:BucketPolicy", "s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"),
	bucketPart("aws:s3/bucketVersioningV2:BucketVersioningV2", "s3:PutBucketVersioning", "s3:GetBucketVersioning", "s3:PutBucketVersioning"),
	bucketPart("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
		"s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"),
	bucketPart("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock",
		"s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
	bucketPart("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "s3:PutBucketOwnershipControls",
		"s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
	bucketPart("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "s3:PutLifecycleConfiguration",
		"s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"),
	{Type: "aws:s3/bucketObjectv2:BucketObjectv2", Calls: []Call{
		call(Create, StackObjects, "s3:PutObject", "s3:PutObjectTagging").at(s3Object("bucket", "key")),
		call(Read, StackObjects, "s3:GetObject", "s3:GetObjectTagging").at(s3Object("bucket", "key")),
		call(Update, StackObjects, "s3:PutObject", "s3:PutObjectTagging").at(s3Object("bucket", "key")),
		call(Delete, StackObjects, "s3:DeleteObject", "s3:DeleteObjectVersion").at(s3Object("bucket", "key")),
		call(Delete, StackBuckets, "s3:ListBucketVersions").at(bucketOf("bucket"))}},

	// --- service
	{Type: "aws:ecs/cluster:Cluster", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackCluster, "ecs:CreateCluster", "ecs:TagResource").tagged().untagged(),
		slr("ecs.amazonaws.com"),
		call(Read, StackCluster, "ecs:DescribeClusters"),
		call(Update, StackCluster, "ecs:UpdateCluster", "ecs:UpdateClusterSettings", "ecs:TagResource", "ecs:UntagResource"),
		call(Delete, StackCluster, "ecs:DeleteCluster")}},
	{Type: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", Calls: []Call{
		call(Create, StackCluster, "ecs:PutClusterCapacityProviders").at(clusterNamed("clusterName")),
		call(Read, StackCluster, "ecs:DescribeClusters").at(clusterNamed("clusterName")),
		call(Update, StackCluster, "ecs:PutClusterCapacityProviders").at(clusterNamed("clusterName")),
		call(Delete, StackCluster, "ecs:PutClusterCapacityProviders").at(clusterNamed("clusterName"))}},
	{Type: "aws:ecs/taskDefinition:TaskDefinition", Source: srcTagOnCreate + "; " + srcPassRole, Calls: []Call{
		call(Create, StackTaskDefs, "ecs:RegisterTaskDefinition", "ecs:TagResource").tagged().untagged(),
		passRole("ecs-tasks.amazonaws.com", "executionRoleArn", "taskRoleArn"),
		call(Read, Unscoped, "ecs:DescribeTaskDefinition"),
		call(Update, StackTaskDefs, "ecs:TagResource", "ecs:UntagResource"),
		call(Delete, Unscoped, "ecs:DeregisterTaskDefinition").at(star)}},
	{Type: "aws:ecs/service:Service", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackServices, "ecs:CreateService", "ecs:TagResource").tagged().untagged().with(inCluster),
		call(Create, StackServices, "ecs:DescribeServices").with(inCluster),
		call(Read, StackServices, "ecs:DescribeServices").with(inCluster),
		call(Update, StackServices, "ecs:UpdateService", "ecs:TagResource", "ecs:UntagResource").with(inCluster),
		call(Delete, StackServices, "ecs:UpdateService", "ecs:DeleteService", "ecs:DescribeServices").with(inCluster)}},
	{Type: "aws:appautoscaling/target:Target", Source: srcTagOnCreate + "; Application Auto Scaling tagging: " +
		"https://docs.aws.amazon.com/autoscaling/application/userguide/resource-tagging-support.html",
		Calls: []Call{
			call(Create, ScalingCreate, "application-autoscaling:RegisterScalableTarget",
				"application-autoscaling:TagResource").tagged().untagged(),
			slr("ecs.application-autoscaling.amazonaws.com"),
			call(Read, Unscoped, "application-autoscaling:DescribeScalableTargets"),
			call(Read, ScalingStack, "application-autoscaling:ListTagsForResource"),
			call(Update, ScalingStack, "application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource",
				"application-autoscaling:UntagResource"),
			call(Delete, ScalingStack, "application-autoscaling:DeregisterScalableTarget")}},
	{Type: "aws:appautoscaling/policy:Policy", Calls: []Call{
		call(Create, ScalingStack, "application-autoscaling:PutScalingPolicy").at(scalableTargetOf),
		call(Read, Unscoped, "application-autoscaling:DescribeScalingPolicies"),
		call(Update, ScalingStack, "application-autoscaling:PutScalingPolicy").at(scalableTargetOf),
		call(Delete, ScalingStack, "application-autoscaling:DeleteScalingPolicy").at(scalableTargetOf)}},
	{Type: "aws:appautoscaling/scheduledAction:ScheduledAction", Calls: []Call{
		call(Create, ScalingStack, "application-autoscaling:PutScheduledAction").at(scalableTargetOf),
		call(Read, Unscoped, "application-autoscaling:DescribeScheduledActions"),
		call(Update, ScalingStack, "application-autoscaling:PutScheduledAction").at(scalableTargetOf),
		call(Delete, ScalingStack, "application-autoscaling:DeleteScheduledAction").at(scalableTargetOf)}},
	// The stack's Service Connect namespace (service.Connect), planned only when a service has role internal.
	{Type: "aws:servicediscovery/httpNamespace:HttpNamespace", Source: srcCloudMap, Calls: []Call{
		call(Create, CloudMapCreate, "servicediscovery:CreateHttpNamespace", "servicediscovery:TagResource").at(star).tagged().untagged(),
		call(Create, CloudMapStack, "servicediscovery:GetOperation", "servicediscovery:GetNamespace"),
		call(Read, CloudMapStack, "servicediscovery:GetNamespace"),
		call(Read, Unscoped, "servicediscovery:ListTagsForResource"),
		call(Update, CloudMapRetag, "servicediscovery:TagResource", "servicediscovery:UntagResource").at(star).untagged(),
		call(Delete, CloudMapStack, "servicediscovery:DeleteNamespace", "servicediscovery:GetOperation")}},
	{Type: "aws:scheduler/schedule:Schedule", Source: srcPassRole, Calls: []Call{
		call(Create, StackSchedules, "scheduler:CreateSchedule").untagged(),
		passRole("scheduler.amazonaws.com", "target.roleArn"),
		call(Read, StackSchedules, "scheduler:GetSchedule"),
		call(Update, StackSchedules, "scheduler:UpdateSchedule"),
		call(Delete, StackSchedules, "scheduler:DeleteSchedule")}},
	{Type: "aws:cloudwatch/logGroup:LogGroup", Source: srcTagOnCreate + "; logs:TagResource at create: " +
		"https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
		Calls: []Call{
			call(Create, StackLogGroups, "logs:CreateLogGroup", "logs:TagResource").tagged().untagged(),
			call(Create, StackLogGroups, "logs:PutRetentionPolicy"),
			call(Read, Unscoped, "logs:DescribeLogGroups"),
			call(Read, StackLogGroups, "logs:ListTagsForResource"),
			call(Update, StackLogGroups, "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey",
				"logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource"),
			call(Delete, StackLogGroups, "logs:DeleteLogGroup")}},

	// --- observability
	{Type: "aws:sns/topic:Topic", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackTopics, "sns:CreateTopic", "sns:TagResource").tagged().untagged(),
		call(Create, StackTopics, "sns:SetTopicAttributes"),
		call(Read, StackTopics, "sns:GetTopicAttributes", "sns:ListTagsForResource"),
		call(Update, StackTopics, "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource"),
		call(Delete, StackTopics, "sns:DeleteTopic")}},
	{Type: "aws:sns/topicPolicy:TopicPolicy", Calls: []Call{
		call(Create, StackTopics, "sns:SetTopicAttributes").at(inputArn("arn")),
		call(Read, StackTopics, "sns:GetTopicAttributes").at(inputArn("arn")),
		call(Update, StackTopics, "sns:SetTopicAttributes").at(inputArn("arn")),
		call(Delete, StackTopics, "sns:SetTopicAttributes").at(inputArn("arn"))}},
	{Type: "aws:sns/topicSubscription:TopicSubscription", Source: "Service Authorization Reference: Unsubscribe and " +
		"GetSubscriptionAttributes are authorised against the subscription's topic",
		Calls: []Call{
			call(Create, StackTopics, "sns:Subscribe", "sns:GetSubscriptionAttributes").at(inputArn("topic")),
			call(Read, StackTopics, "sns:GetSubscriptionAttributes").at(inputArn("topic")),
			call(Update, StackTopics, "sns:SetSubscriptionAttributes").at(inputArn("topic")),
			call(Delete, StackTopics, "sns:Unsubscribe").at(inputArn("topic"))}},
	{Type: "aws:cloudwatch/metricAlarm:MetricAlarm", Source: srcTagOnCreate, Calls: []Call{
		call(Create, StackAlarms, "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource").tagged().untagged(),
		call(Read, StackAlarms, "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
		call(Update, StackAlarms, "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"),
		call(Delete, StackAlarms, "cloudwatch:DeleteAlarms")}},
	{Type: "aws:cloudwatch/dashboard:Dashboard", Calls: []Call{
		call(Create, StackDashboards, "cloudwatch:PutDashboard").untagged(),
		call(Read, StackDashboards, "cloudwatch:GetDashboard"),
		call(Update, StackDashboards, "cloudwatch:PutDashboard"),
		call(Delete, StackDashboards, "cloudwatch:DeleteDashboards")}},
	{Type: "aws:cloudtrail/trail:Trail", Source: srcTagOnCreate + "; " + srcPassRole, Calls: []Call{
		call(Create, StackTrails, "cloudtrail:CreateTrail", "cloudtrail:AddTags").tagged().untagged(),
		call(Create, StackTrails, "cloudtrail:PutEventSelectors", "cloudtrail:StartLogging"),
		passRole("cloudtrail.amazonaws.com", "cloudWatchLogsRoleArn"),
		call(Read, Unscoped, "cloudtrail:DescribeTrails"),
		call(Read, StackTrails, "cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
			"cloudtrail:ListTags"),
		call(Update, StackTrails, "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors", "cloudtrail:AddTags",
			"cloudtrail:RemoveTags", "cloudtrail:StartLogging", "cloudtrail:StopLogging"),
		call(Delete, StackTrails, "cloudtrail:DeleteTrail", "cloudtrail:StopLogging")}},
	{Type: "aws:guardduty/detector:Detector", Source: "guardduty:CreateDetector supports no resource (Service Authorization Reference)",
		Calls: []Call{
			call(Create, Unscoped, "guardduty:CreateDetector", "guardduty:TagResource").at(star).tagged(),
			slr("guardduty.amazonaws.com"),
			call(Read, Detectors, "guardduty:GetDetector", "guardduty:ListTagsForResource"),
			call(Update, Detectors, "guardduty:UpdateDetector", "guardduty:TagResource", "guardduty:UntagResource"),
			call(Delete, Detectors, "guardduty:DeleteDetector")}},
	// --- the bootstrap's own types, created by an administrator
	{Type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider", Source: "iam/openid_connect_provider.go", Calls: []Call{
		call(Create, Administrator, "iam:CreateOpenIDConnectProvider", "iam:TagOpenIDConnectProvider").tagged().untagged(),
		call(Read, Administrator, "iam:GetOpenIDConnectProvider"),
		call(Update, Administrator, "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider",
			"iam:RemoveClientIDFromOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider"),
		call(Delete, Administrator, "iam:DeleteOpenIDConnectProvider")}},
	{Type: "aws:iam/policy:Policy", Source: "iam/policy.go: updates create a version and delete the oldest of five", Calls: []Call{
		call(Create, Administrator, "iam:CreatePolicy", "iam:TagPolicy").tagged().untagged(),
		call(Read, Administrator, "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"),
		call(Update, Administrator, "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"),
		call(Delete, Administrator, "iam:DeletePolicy", "iam:ListPolicyVersions", "iam:DeletePolicyVersion")}},
	{Type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", Calls: []Call{
		call(Create, Administrator, "iam:AttachRolePolicy"),
		call(Read, Administrator, "iam:ListAttachedRolePolicies"),
		call(Delete, Administrator, "iam:DetachRolePolicy")}},
	{Type: "aws:codebuild/project:Project", Source: srcPassRole, Calls: []Call{
		call(Create, Administrator, "codebuild:CreateProject", "iam:PassRole").tagged().untagged(),
		call(Read, Administrator, "codebuild:BatchGetProjects"),
		call(Update, Administrator, "codebuild:UpdateProject", "iam:PassRole"),
		call(Delete, Administrator, "codebuild:DeleteProject")}},
	{Type: "aws:codepipeline/pipeline:Pipeline", Source: srcPassRole + "; codestar-connections:PassConnection for the source", Calls: []Call{
		call(Create, Administrator, "codepipeline:CreatePipeline", "codepipeline:TagResource", "iam:PassRole",
			"codestar-connections:PassConnection").tagged().untagged(),
		call(Read, Administrator, "codepipeline:GetPipeline", "codepipeline:ListTagsForResource"),
		call(Update, Administrator, "codepipeline:UpdatePipeline", "iam:PassRole", "codestar-connections:PassConnection"),
		call(Delete, Administrator, "codepipeline:DeletePipeline")}},
	{Type: "aws:guardduty/detectorFeature:DetectorFeature", Source: "Turning on EBS malware protection makes GuardDuty " +
		"create its malware-protection service-linked role with the caller's rights " +
		"(https://docs.aws.amazon.com/guardduty/latest/ug/slr-permissions-malware-protection.html)", Calls: []Call{
		call(Create, Detectors, "guardduty:UpdateDetector", "guardduty:GetDetector").at(detectorOf),
		slr("malware-protection.guardduty.amazonaws.com"),
		call(Read, Detectors, "guardduty:GetDetector").at(detectorOf),
		call(Update, Detectors, "guardduty:UpdateDetector").at(detectorOf),
		call(Delete, Detectors, "guardduty:UpdateDetector").at(detectorOf)}},
}

// WorkflowType names the row of what the deploy workflow (deploy-stack.yml, which deploy.yml calls) does
// with the deploy role besides `pulumi up`: check the images, push nginx, run the release tasks in the
// stack's cluster and check each service's revision. Deploy always includes it; tests evaluate it over the
// plan like a resource.
const WorkflowType = "fargate-platform:delivery:DeployWorkflow"

var workflowRow = Row{Type: WorkflowType, Source: ".github/workflows/deploy-stack.yml; " + srcPassRole, Calls: []Call{
	call(Create, Unscoped, "ecr:GetAuthorizationToken", "ecs:DescribeTaskDefinition").at(star),
	call(Create, StackRepositories, "ecr:DescribeImages", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
		"ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage",
		"ecr:GetDownloadUrlForLayer").at(allOf("aws:ecr/repository:Repository")),
	call(Create, StackRunTask, "ecs:RunTask").at(allOf("aws:ecs/taskDefinition:TaskDefinition")).with(inCluster),
	passRoleOfTasks(),
	call(Create, StackTasks, "ecs:DescribeTasks", "ecs:StopTask").at(func(p Planned) []string {
		return []string{p.Scope.ARN("ecs", "task/"+p.Scope.Name()+"/0123456789abcdef0123456789abcdef")}
	}),
	call(Create, StackLogGroups, "logs:FilterLogEvents", "logs:DescribeLogStreams").at(allOf("aws:cloudwatch/logGroup:LogGroup")),
	// After the roll: each service's primary deployment runs the revision the stack registered.
	call(Create, StackServices, "ecs:DescribeServices").at(allOf("aws:ecs/service:Service")).with(inCluster),
}}

func init() { Table = append(Table, workflowRow) }

// allOf is the ARN of every planned resource of a type.
func allOf(typ string) func(Planned) []string {
	return func(p Planned) []string {
		var out []string
		for _, r := range p.Plan.ByType(typ) {
			out = append(out, Planned{Resource: r, Scope: p.Scope, Plan: p.Plan}.Arn())
		}
		return out
	}
}

// passRoleOfTasks: RunTask passes the task definitions' roles to ECS.
func passRoleOfTasks() Call {
	c := passRole("ecs-tasks.amazonaws.com")
	c.Arns = func(p Planned) []string {
		var out []string
		for _, r := range p.Plan.ByType("aws:ecs/taskDefinition:TaskDefinition") {
			for _, k := range []string{"executionRoleArn", "taskRoleArn"} {
				if v := r.Str(k); v != "" {
					out = append(out, v)
				}
			}
		}
		return out
	}
	return c
}

// --- call builders

func call(op Op, on *Target, actions ...string) Call { return Call{Op: op, On: on, Actions: actions} }

// at names the ARNs the call is authorised against (several functions: the union).
func (c Call) at(fns ...func(Planned) []string) Call {
	c.Arns = func(p Planned) []string {
		var out []string
		for _, f := range fns {
			out = append(out, f(p)...)
		}
		return out
	}
	return c
}

func (c Call) tagged() Call   { c.Tags = true; return c }
func (c Call) untagged() Call { c.Untagged = true; return c }
func (c Call) secret() Call   { c.Secret = true; return c }

func (c Call) with(ctx func(Planned) map[string][]string) Call {
	prev := c.Context
	c.Context = func(p Planned) map[string][]string {
		out := map[string][]string{}
		if prev != nil {
			for k, v := range prev(p) {
				out[k] = v
			}
		}
		for k, v := range ctx(p) {
			out[k] = v
		}
		return out
	}
	return c
}

// via is a KMS call a service makes for the caller.
func (c Call) via(service string) Call {
	return c.with(func(p Planned) map[string][]string {
		return map[string][]string{"kms:ViaService": {service + "." + p.Scope.Region + ".amazonaws.com"}}
	})
}

// grant is a KMS grant a service creates for itself on the caller's behalf.
func (c Call) grant() Call {
	return c.with(func(Planned) map[string][]string {
		return map[string][]string{"kms:GrantIsForAWSResource": {"true"}}
	})
}

// ec2Creating is the create call of a VPC resource and its tag-on-create ec2:CreateTags.
func ec2Creating(action string, arn func(Planned) []string) []Call {
	return []Call{
		call(Create, Ec2Create, "ec2:"+action).at(arn).tagged().untagged(),
		call(Create, Ec2TagOnCreate, "ec2:CreateTags").at(arn).tagged().untagged().with(func(Planned) map[string][]string {
			return map[string][]string{"ec2:CreateAction": {action}}
		}),
	}
}

func sgRule(typ, dir string) Row {
	return Row{Type: typ, Source: srcTagOnCreate + "; vpc/security_group_rule (v5 ingress/egress rule resources)",
		Calls: []Call{
			call(Create, Ec2Stack, "ec2:AuthorizeSecurityGroup"+dir).at(ec2In("security-group", "securityGroupId")),
			call(Create, Ec2Create, "ec2:AuthorizeSecurityGroup"+dir).tagged().untagged(),
			call(Create, Ec2TagOnCreate, "ec2:CreateTags").tagged().untagged().with(func(Planned) map[string][]string {
				return map[string][]string{"ec2:CreateAction": {"AuthorizeSecurityGroup" + dir}}
			}),
			call(Read, Unscoped, "ec2:DescribeSecurityGroupRules"),
			call(Update, Ec2Stack, "ec2:ModifySecurityGroupRules").at(ec2In("security-group", "securityGroupId"), self),
			call(Update, Ec2Stack, "ec2:CreateTags", "ec2:DeleteTags"),
			call(Delete, Ec2Stack, "ec2:RevokeSecurityGroup"+dir).at(ec2In("security-group", "securityGroupId"))}}
}

func bucketPart(typ, put, get, del string) Row {
	return Row{Type: typ, Source: "terraform-provider-aws internal/service/s3: one Put/Get/Delete pair per bucket configuration",
		Calls: []Call{
			call(Create, StackBuckets, put).at(bucketOf("bucket")),
			call(Read, StackBuckets, get).at(bucketOf("bucket")),
			call(Update, StackBuckets, put).at(bucketOf("bucket")),
			call(Delete, StackBuckets, del).at(bucketOf("bucket"))}}
}

// passRole hands the roles named by the inputs to a service.
func passRole(service string, keys ...string) Call {
	c := call(Create, PassStackRoles, "iam:PassRole").at(func(p Planned) []string {
		var out []string
		for _, k := range keys {
			if v := p.Str(k); v != "" {
				out = append(out, v)
			}
		}
		return out
	}).with(func(Planned) map[string][]string { return map[string][]string{"iam:PassedToService": {service}} })
	c.Values = map[string][]string{"iam:PassedToService": {service}}
	return c
}

// slr creates a service's linked role on its first use in the account.
func slr(service string) Call {
	c := call(Create, ServiceLinkedRoles, "iam:CreateServiceLinkedRole").at(func(p Planned) []string {
		return []string{p.Scope.IAM("role/aws-service-role/" + service + "/" + slrNames[service])}
	}).untagged().with(func(Planned) map[string][]string {
		return map[string][]string{"iam:AWSServiceName": {service}}
	})
	c.Values = map[string][]string{"iam:AWSServiceName": {service}}
	return c
}

// slrNames are the roles AWS names for each service (IAM: "Services that work with IAM").
var slrNames = map[string]string{
	"autoscaling.amazonaws.com":                  "AWSServiceRoleForAutoScaling",
	"ecs.amazonaws.com":                          "AWSServiceRoleForECS",
	"ecs.application-autoscaling.amazonaws.com":  "AWSServiceRoleForApplicationAutoScaling_ECSService",
	"elasticloadbalancing.amazonaws.com":         "AWSServiceRoleForElasticLoadBalancing",
	"rds.amazonaws.com":                          "AWSServiceRoleForRDS",
	"elasticache.amazonaws.com":                  "AWSServiceRoleForElastiCache",
	"guardduty.amazonaws.com":                    "AWSServiceRoleForAmazonGuardDuty",
	"malware-protection.guardduty.amazonaws.com": "AWSServiceRoleForAmazonGuardDutyMalwareProtection",
}

// --- ARNs of a planned resource

func self(p Planned) []string { return []string{p.Arn()} }

func star(Planned) []string { return []string{"*"} }

func ec2ID(kind string) func(Planned) []string {
	return func(p Planned) []string { return []string{p.Scope.ARN("ec2", kind+"/"+p.ID)} }
}

func ec2In(kind, key string) func(Planned) []string {
	return func(p Planned) []string { return []string{p.Scope.ARN("ec2", kind+"/"+p.Str(key))} }
}

func ec2List(kind, key string) func(Planned) []string {
	return func(p Planned) []string {
		var out []string
		for _, id := range p.List(key) {
			out = append(out, p.Scope.ARN("ec2", kind+"/"+id))
		}
		return out
	}
}

// launchTemplateOf is the launch template a group launches from.
func launchTemplateOf(p Planned) []string {
	return []string{p.Scope.ARN("ec2", "launch-template/"+p.Str("launchTemplate.id"))}
}

// natInterfaces are the network interfaces the group's launch template attaches, with the subnet and
// security groups each is in: RunInstances is authorised against all of them.
func natInterfaces(p Planned) []string {
	var out []string
	for _, lt := range p.Plan.ByType("aws:ec2/launchTemplate:LaunchTemplate") {
		if lt.ID != p.Str("launchTemplate.id") {
			continue
		}
		nics, _ := lt.In("networkInterfaces").([]any)
		for _, n := range nics {
			id, _ := n.(map[string]any)["networkInterfaceId"].(string)
			for _, eni := range p.Plan.ByType("aws:ec2/networkInterface:NetworkInterface") {
				if eni.ID != id {
					continue
				}
				e := Planned{Resource: eni, Scope: p.Scope, Plan: p.Plan}
				out = append(out, p.Scope.ARN("ec2", "network-interface/"+id))
				out = append(out, ec2In("subnet", "subnetId")(e)...)
				out = append(out, ec2List("security-group", "securityGroups")(e)...)
			}
		}
	}
	return out
}

func inputArn(key string) func(Planned) []string {
	return func(p Planned) []string { return []string{p.Str(key)} }
}

func roleNamed(p Planned) []string { return []string{p.Scope.IAM("role/" + p.Str("role"))} }

func repositoryNamed(p Planned) []string {
	return []string{p.Scope.ARN("ecr", "repository/"+p.Str("repository"))}
}

func clusterNamed(key string) func(Planned) []string {
	return func(p Planned) []string { return []string{p.Scope.ARN("ecs", "cluster/"+p.Str(key))} }
}

func rdsNamed(kind, key string) func(Planned) []string {
	return func(p Planned) []string {
		if v := p.Str(key); v != "" {
			return []string{p.Scope.ARN("rds", kind+":"+v)}
		}
		return nil
	}
}

func cacheNamed(kind, key string) func(Planned) []string {
	return func(p Planned) []string {
		if v := p.Str(key); v != "" {
			return []string{p.Scope.ARN("elasticache", kind+":"+v)}
		}
		return nil
	}
}

func bucketOf(key string) func(Planned) []string {
	return func(p Planned) []string { return []string{"arn:aws:s3:::" + bucketName(p, key)} }
}

// bucketName is a bucket input, or the bucket's own (auto-)name.
func bucketName(p Planned, key string) string {
	if v := p.Str(key); v != "" {
		return v
	}
	return fmt.Sprint(p.Outputs["bucket"])
}

func bucketObjects(p Planned) []string {
	return []string{"arn:aws:s3:::" + bucketName(p, "bucket") + "/*"}
}

func s3Object(bucketKey, key string) func(Planned) []string {
	return func(p Planned) []string {
		if p.Str(bucketKey) == "" {
			return nil
		}
		return []string{"arn:aws:s3:::" + p.Str(bucketKey) + "/" + p.Str(key)}
	}
}

func keyOf(key string) func(Planned) []string {
	return func(p Planned) []string {
		v := p.Str(key)
		if !strings.HasPrefix(v, "arn:") {
			v = p.Scope.ARN("kms", "key/"+v)
		}
		return []string{v}
	}
}

// keysIn are the KMS key ARNs anywhere in the resource's inputs.
func keysIn(p Planned) []string {
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case string:
			if strings.HasPrefix(t, "arn:aws:kms:") && strings.Contains(t, ":key/") {
				seen[t] = true
			}
		case map[string]any:
			for _, e := range t {
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(p.Inputs)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// keyOfSecret is the key of the secret a version belongs to.
func keyOfSecret(p Planned) []string {
	for _, r := range p.Plan.ByType("aws:secretsmanager/secret:Secret") {
		if r.Outputs["arn"] == p.Str("secretId") {
			return keysIn(Planned{Resource: r, Scope: p.Scope, Plan: p.Plan})
		}
	}
	return nil
}

// managedSecret is the "rds!db-..." secret RDS creates for a managed master password.
func managedSecret(p Planned) []string {
	if v, ok := p.Outputs["masterUserSecrets"].([]any); ok && len(v) > 0 {
		if m, ok := v[0].(map[string]any); ok {
			return []string{fmt.Sprint(m["secretArn"])}
		}
	}
	return nil
}

// defaultOptionGroup is the option group an instance that names none uses: default:<engine>-<major>.
func defaultOptionGroup(p Planned) []string {
	if p.Str("optionGroupName") != "" {
		return nil
	}
	major, _, _ := strings.Cut(p.Str("engineVersion"), ".")
	return []string{p.Scope.ARN("rds", "og:default:"+p.Str("engine")+"-"+major)}
}

func finalSnapshot(p Planned) []string {
	if v := p.Str("finalSnapshotIdentifier"); v != "" {
		return []string{p.Scope.ARN("rds", "snapshot:"+v)}
	}
	return nil
}

func cacheFinalSnapshot(p Planned) []string {
	if v := p.Str("finalSnapshotIdentifier"); v != "" {
		return []string{p.Scope.ARN("elasticache", "snapshot:"+v)}
	}
	return nil
}

// memberClusters are the node clusters a replication group creates: <id>-001, -002, ...
func memberClusters(p Planned) []string {
	n := 1
	if f, ok := p.Inputs["numCacheClusters"].(float64); ok {
		n = int(f)
	}
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, p.Scope.ARN("elasticache", fmt.Sprintf("cluster:%s-%03d", p.Str("replicationGroupId"), i)))
	}
	return out
}

// scalableTargetOf is the scalable target of the policy's or action's resource id.
func scalableTargetOf(p Planned) []string {
	for _, r := range p.Plan.ByType("aws:appautoscaling/target:Target") {
		if r.Str("resourceId") == p.Str("resourceId") {
			return []string{fmt.Sprint(r.Outputs["arn"])}
		}
	}
	return nil
}

// efsFileSystem is the file system a mount target, access point or policy belongs to (its fileSystemId).
func efsFileSystem(p Planned) []string {
	return []string{p.Scope.ARN("elasticfilesystem", "file-system/"+p.Str("fileSystemId"))}
}

// mountTargetInterface is the network interface EFS creates for a mount target.
func mountTargetInterface(p Planned) []string {
	eni, _ := p.Outputs["networkInterfaceId"].(string)
	if eni == "" {
		return []string{""} // Requests refuses it: a plan without the interface cannot be judged
	}
	return []string{p.Scope.ARN("ec2", "network-interface/"+eni)}
}

func detectorOf(p Planned) []string {
	return []string{p.Scope.ARN("guardduty", "detector/"+p.Str("detectorId"))}
}

// --- request context

func boundaryOf(p Planned) map[string][]string {
	if b := p.Str("permissionsBoundary"); b != "" {
		return map[string][]string{"iam:PermissionsBoundary": {b}}
	}
	return nil
}

// boundaryOfRole is the boundary of the role an inline policy is put on.
func boundaryOfRole(p Planned) map[string][]string {
	for _, r := range p.Plan.ByType("aws:iam/role:Role") {
		if r.Outputs["name"] == p.Str("role") {
			return boundaryOf(Planned{Resource: r, Scope: p.Scope, Plan: p.Plan})
		}
	}
	return nil
}

// efsEncrypted is elasticfilesystem:Encrypted as the create request carries it.
func efsEncrypted(p Planned) map[string][]string {
	return map[string][]string{"elasticfilesystem:Encrypted": {fmt.Sprint(p.Inputs["encrypted"] == true)}}
}

// efsCreateAction is elasticfilesystem:CreateAction of a TagResource made inside a create.
func efsCreateAction(action string) func(Planned) map[string][]string {
	return func(Planned) map[string][]string {
		return map[string][]string{"elasticfilesystem:CreateAction": {action}}
	}
}

func inCluster(p Planned) map[string][]string {
	cluster := p.Str("cluster")
	if cluster == "" {
		cluster = p.Scope.ARN("ecs", "cluster/"+p.Scope.Name())
	}
	return map[string][]string{"ecs:cluster": {cluster}}
}
