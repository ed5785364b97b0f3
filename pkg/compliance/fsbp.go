package compliance

import (
	"fmt"
	"strings"
)

// The Security Hub controls of the AWS services this program creates resources of, and how the report
// covers each. The list of the AWS Foundational Security Best Practices (FSBP) standard is FSBPSource; each
// control's definition (resource type, AWS Config rule, parameters) is on its service's page, Source().
// Read in 2026 through the AWS documentation ("Security Hub CSPM controls for <service>" and "Required AWS
// Config resources for control findings").

// FSBPSource lists the controls that belong to the FSBP standard.
const FSBPSource = "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html"

// Coverage says how the report covers a Security Hub control.
type Coverage string

// The ways the report covers a control. Only Checked is decided by the report; NotAdopted is a deliberate
// deviation that Security Hub will report as FAILED.
const (
	Checked       Coverage = "checked"
	NotAdopted    Coverage = "not adopted"
	Runtime       Coverage = "needs runtime data"
	Account       Coverage = "account-level"
	NotApplicable Coverage = "not applicable"
)

// SecurityHubControl is one Security Hub control and how the report covers it.
type SecurityHubControl struct {
	ID, Title string
	// FSBP is true for a control of the FSBP standard; the others belong to other standards (NIST SP 800-53,
	// CIS) and are here because the report checks them too, or because a decision about them is recorded.
	FSBP bool
	// Resource is the AWS resource type Security Hub evaluates ("AWS::::Account" for an account setting).
	Resource string
	// Types are the Pulumi types of the resources the control concerns: those the report reads when it
	// checks the control, and those that would make a not-applicable control apply.
	Types []string
	// Coverage is how the report covers the control.
	Coverage Coverage
	// Checks are the ids of the report's checks that decide the control (Coverage Checked).
	Checks []string
	// Why says why a control is not checked, or what a check does not show.
	Why string
}

// Source is the AWS documentation of the control.
func (c SecurityHubControl) Source() string {
	service, number, _ := strings.Cut(c.ID, ".")
	s := strings.ToLower(service)
	return fmt.Sprintf("https://docs.aws.amazon.com/securityhub/latest/userguide/%s-controls.html#%s-%s", s, s, number)
}

// AWS resource types Security Hub evaluates.
const (
	awsAccount        = "AWS::::Account"
	awsCertificate    = "AWS::ACM::Certificate"
	awsAutoScaling    = "AWS::AutoScaling::AutoScalingGroup"
	awsLaunchConfig   = "AWS::AutoScaling::LaunchConfiguration"
	awsTrail          = "AWS::CloudTrail::Trail"
	awsAlarm          = "AWS::CloudWatch::Alarm"
	awsLogGroup       = "AWS::Logs::LogGroup"
	awsInstance       = "AWS::EC2::Instance"
	awsVolume         = "AWS::EC2::Volume"
	awsVpc            = "AWS::EC2::VPC"
	awsSubnet         = "AWS::EC2::Subnet"
	awsSecurityGroup  = "AWS::EC2::SecurityGroup"
	awsNetworkAcl     = "AWS::EC2::NetworkAcl"
	awsVpn            = "AWS::EC2::VPNConnection"
	awsTransitGateway = "AWS::EC2::TransitGateway"
	awsLaunchTemplate = "AWS::EC2::LaunchTemplate"
	awsClientVpn      = "AWS::EC2::ClientVpnEndpoint"
	awsSpotFleet      = "AWS::EC2::SpotFleet"
	awsNetworkIface   = "AWS::EC2::NetworkInterface"
	awsRepository     = "AWS::ECR::Repository"
	awsTaskDefinition = "AWS::ECS::TaskDefinition"
	awsEcsService     = "AWS::ECS::Service"
	awsEcsCluster     = "AWS::ECS::Cluster"
	awsTaskSet        = "AWS::ECS::TaskSet"
	awsEfsFileSystem  = "AWS::EFS::FileSystem"
	awsEfsAccessPoint = "AWS::EFS::AccessPoint"
	awsCacheCluster   = "AWS::ElastiCache::CacheCluster"
	awsReplication    = "AWS::ElastiCache::ReplicationGroup"
	awsClassicLB      = "AWS::ElasticLoadBalancing::LoadBalancer"
	awsLoadBalancer   = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	awsListener       = "AWS::ElasticLoadBalancingV2::Listener"
	awsEventBus       = "AWS::Events::EventBus"
	awsDetector       = "AWS::GuardDuty::Detector"
	awsPolicy         = "AWS::IAM::Policy"
	awsRole           = "AWS::IAM::Role"
	awsUser           = "AWS::IAM::User"
	awsKey            = "AWS::KMS::Key"
	awsDbInstance     = "AWS::RDS::DBInstance"
	awsDbCluster      = "AWS::RDS::DBCluster"
	awsDbSnapshot     = "AWS::RDS::DBSnapshot"
	awsDbProxy        = "AWS::RDS::DBProxy"
	awsEventSub       = "AWS::RDS::EventSubscription"
	awsBucket         = "AWS::S3::Bucket"
	awsAccessPoint    = "AWS::S3::AccessPoint"
	awsMrap           = "AWS::S3::MultiRegionAccessPoint"
	awsDirBucket      = "AWS::S3Express::DirectoryBucket"
	awsSecret         = "AWS::SecretsManager::Secret"
	awsTopic          = "AWS::SNS::Topic"
	awsSsmDocument    = "AWS::SSM::Document"
	awsPatch          = "AWS::SSM::PatchCompliance"
	awsAssociation    = "AWS::SSM::AssociationCompliance"
)

// Pulumi types of resources the program does not create; they are listed so that adding one makes the
// controls about it apply (a test holds the not-applicable controls to that).
const (
	pInstance       = "aws:ec2/instance:Instance"
	pVolume         = "aws:ebs/volume:Volume"
	pNetworkAcl     = "aws:ec2/networkAcl:NetworkAcl"
	pVpn            = "aws:ec2/vpnConnection:VpnConnection"
	pTransitGateway = "aws:ec2transitgateway/transitGateway:TransitGateway"
	pLaunchConfig   = "aws:ec2/launchConfiguration:LaunchConfiguration"
	pClientVpn      = "aws:ec2clientvpn/endpoint:Endpoint"
	pSpotFleet      = "aws:ec2/spotFleetRequest:SpotFleetRequest"
	pTaskSet        = "aws:ecs/taskSet:TaskSet"
	pCacheCluster   = "aws:elasticache/cluster:Cluster"
	pClassicLB      = "aws:elb/loadBalancer:LoadBalancer"
	pEventBus       = "aws:cloudwatch/eventBus:EventBus"
	pUser           = "aws:iam/user:User"
	pDbCluster      = "aws:rds/cluster:Cluster"
	pDbProxy        = "aws:rds/proxy:Proxy"
	pAccessPoint    = "aws:s3/accessPoint:AccessPoint"
	pMrap           = "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint"
	pDirBucket      = "aws:s3/directoryBucket:DirectoryBucket"
	pSsmDocument    = "aws:ssm/document:Document"
)

// Reasons shared by several controls.
const (
	whyNoInstances  = "the tasks run on Fargate; the only EC2 instance, a non-prod stack's NAT instance (natStrategy instance), is launched by its Auto Scaling group, not created as an instance, and its launch template is checked (EC2.25, EC2.170, EC2.181)"
	whyNoSSM        = "no instance is managed by Systems Manager: the NAT instance runs no agent (SSM.1)"
	whyNoClusters   = "applies to DB clusters (Aurora, Multi-AZ clusters); the program creates one RDS for PostgreSQL instance"
	whyClassicLB    = "applies to Classic Load Balancers; the program creates one Application Load Balancer"
	whyLaunchConfig = "applies to launch configurations; the NAT instance's Auto Scaling group launches from a launch template (AutoScaling.9), and the services scale through Application Auto Scaling, which has no Security Hub controls"
	whyNatDeviation = "deliberate deviation, accepted for the NAT instance of a non-prod stack only (natStrategy instance; prod and staging refuse it); any other resource failing it fails the report, and Security Hub reports the NAT instance's finding FAILED: "
	whyOrgAccount   = "an account or region setting, usually run by the organisation; no stack creates or reads it"
	whyNoUsers      = "the program creates no IAM users: people sign in through the organisation's identity provider, CI through OIDC roles"
	whyGuardDuty    = "when enableGuardDuty is off the organisation's detector is evaluated, outside the plan"
)

func ts(types ...string) []string { return types }

// SecurityHub is every Security Hub control of the FSBP standard for the services the program uses (ACM,
// CloudTrail, EC2 and VPC, ECR, ECS, EFS, ElastiCache, Elastic Load Balancing, GuardDuty, IAM, KMS, RDS, S3,
// Secrets Manager, SNS, Systems Manager, and the account-wide ones), and the other Security Hub controls
// the report checks. CloudWatch, CloudWatch Logs, Application Auto Scaling, EventBridge Scheduler and SSM
// parameters have no FSBP control of their own.
var SecurityHub = []SecurityHubControl{
	// Account-wide.
	{ID: "Account.1", FSBP: true, Title: "Security contact information should be provided for an AWS account", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},
	{ID: "Config.1", FSBP: true, Title: "AWS Config should be enabled and use the service-linked role for resource recording", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},
	{ID: "Inspector.1", FSBP: true, Title: "Amazon Inspector EC2 scanning should be enabled", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},
	{ID: "Inspector.2", FSBP: true, Title: "Amazon Inspector ECR scanning should be enabled", Resource: awsAccount, Coverage: Account,
		Why: whyOrgAccount + "; ECR.1 checks scan on push in the plan, and scan findings exist only after a push: the deploy pipeline must gate on them"},
	{ID: "Inspector.3", FSBP: true, Title: "Amazon Inspector Lambda code scanning should be enabled", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},
	{ID: "Inspector.4", FSBP: true, Title: "Amazon Inspector Lambda standard scanning should be enabled", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},
	{ID: "Macie.1", FSBP: true, Title: "Amazon Macie should be enabled", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},
	{ID: "Macie.2", FSBP: true, Title: "Macie automated sensitive data discovery should be enabled", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},

	// ACM.
	{ID: "ACM.1", FSBP: true, Title: "Imported and ACM-issued certificates should be renewed after a specified time period", Resource: awsCertificate,
		Types: ts(tCertificate), Coverage: Runtime, Why: "expiry is runtime state; ACM renews the DNS-validated certificate itself while its validation record stays in Cloudflare"},
	{ID: "ACM.2", FSBP: true, Title: "RSA certificates managed by ACM should use a key length of at least 2,048 bits", Resource: awsCertificate,
		Types: ts(tCertificate), Coverage: Checked, Checks: ts("ACM.2")},

	// EC2 Auto Scaling (not what the services use).
	{ID: "AutoScaling.1", FSBP: true, Title: "Amazon EC2 Auto Scaling groups associated with a load balancer should use ELB health checks", Resource: awsAutoScaling, Types: ts(tAutoScaling), Coverage: Checked, Checks: ts("AutoScaling.1"),
		Why: "the NAT instance's group is behind no load balancer: EC2 status checks"},
	{ID: "AutoScaling.2", FSBP: true, Title: "Amazon EC2 Auto Scaling group should cover multiple Availability Zones", Resource: awsAutoScaling, Types: ts(tAutoScaling), Coverage: Checked, Checks: ts("AutoScaling.2"),
		Why: whyNatDeviation + whyNatOneAz},
	{ID: "AutoScaling.3", FSBP: true, Title: "Amazon EC2 Auto Scaling group launch configurations should configure EC2 instances to require Instance Metadata Service Version 2 (IMDSv2)", Resource: awsLaunchConfig, Types: ts(pLaunchConfig), Coverage: NotApplicable, Why: whyLaunchConfig},
	{ID: "Autoscaling.5", FSBP: true, Title: "Amazon EC2 instances launched using Amazon EC2 Auto Scaling group launch configurations should not have Public IP addresses", Resource: awsLaunchConfig, Types: ts(pLaunchConfig), Coverage: NotApplicable, Why: whyLaunchConfig},
	{ID: "AutoScaling.6", FSBP: true, Title: "Amazon EC2 Auto Scaling groups should use multiple instance types in multiple Availability Zones", Resource: awsAutoScaling, Types: ts(tAutoScaling), Coverage: Checked, Checks: ts("AutoScaling.6"),
		Why: whyNatDeviation + whyNatOneType + "; " + whyNatOneAz},
	{ID: "AutoScaling.9", FSBP: true, Title: "Amazon EC2 Auto Scaling groups should use Amazon EC2 launch templates", Resource: awsAutoScaling, Types: ts(tAutoScaling), Coverage: Checked, Checks: ts("AutoScaling.9")},

	// CloudTrail.
	{ID: "CloudTrail.1", FSBP: true, Title: "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events", Resource: awsAccount,
		Types: ts(tTrail), Coverage: Checked, Checks: ts("CloudTrail.1"), Why: "an account control: the report proves it for the stack's own trail (enableCloudTrail); with the organisation's trail it is outside the plan"},
	{ID: "CloudTrail.2", FSBP: true, Title: "CloudTrail should have encryption at-rest enabled", Resource: awsTrail, Types: ts(tTrail), Coverage: Checked, Checks: ts("CloudTrail.2")},
	{ID: "CloudTrail.4", FSBP: true, Title: "CloudTrail log file validation should be enabled", Resource: awsTrail, Types: ts(tTrail), Coverage: Checked, Checks: ts("CloudTrail.4")},
	{ID: "CloudTrail.5", FSBP: true, Title: "CloudTrail trails should be integrated with Amazon CloudWatch Logs", Resource: awsTrail, Types: ts(tTrail), Coverage: Checked, Checks: ts("CloudTrail.5")},

	// CloudWatch (not FSBP).
	{ID: "CloudWatch.15", Title: "CloudWatch alarms should have specified actions configured", Resource: awsAlarm, Types: ts(tAlarm), Coverage: Checked, Checks: ts("CloudWatch.15"), Why: "NIST SP 800-53, not FSBP"},
	{ID: "CloudWatch.16", Title: "CloudWatch log groups should be retained for a specified time period", Resource: awsLogGroup, Types: ts(tLogGroup), Coverage: Checked, Checks: ts("CloudWatch.16"), Why: "NIST SP 800-53, not FSBP; held in prod only"},

	// EC2 and VPC.
	{ID: "EC2.1", FSBP: true, Title: "Amazon EBS snapshots should not be publicly restorable", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount + "; the program creates no EBS snapshots"},
	{ID: "EC2.2", FSBP: true, Title: "VPC default security groups should not allow inbound or outbound traffic", Resource: awsSecurityGroup, Types: ts(tDefaultSG, tVpc), Coverage: Checked, Checks: ts("EC2.2")},
	{ID: "EC2.3", FSBP: true, Title: "Attached Amazon EBS volumes should be encrypted at-rest", Resource: awsVolume, Types: ts(pVolume), Coverage: NotApplicable, Why: "the program creates no EBS volumes; Fargate's ephemeral storage is always encrypted by AWS"},
	{ID: "EC2.4", FSBP: true, Title: "Stopped EC2 instances should be removed after a specified time period", Resource: awsInstance, Types: ts(pInstance), Coverage: NotApplicable, Why: whyNoInstances},
	{ID: "EC2.6", FSBP: true, Title: "VPC flow logging should be enabled in all VPCs", Resource: awsVpc, Types: ts(tVpc), Coverage: Checked, Checks: ts("EC2.6")},
	{ID: "EC2.7", FSBP: true, Title: "EBS default encryption should be enabled", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},
	{ID: "EC2.8", FSBP: true, Title: "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", Resource: awsInstance, Types: ts(pInstance, tLaunchTemplate), Coverage: Checked, Checks: ts("EC2.170"),
		Why: "the only instance, a non-prod stack's NAT instance, is launched from a launch template that requires IMDSv2 (EC2.170)"},
	{ID: "EC2.9", FSBP: true, Title: "Amazon EC2 instances should not have a public IPv4 address", Resource: awsInstance, Types: ts(pInstance, tNetworkInterface), Coverage: Checked, Checks: ts("EC2.9"),
		Why: "read on the network interfaces: an instance's public address would be an Elastic IP on its interface. " + whyNatDeviation + whyNatPublicIP},
	{ID: "EC2.10", FSBP: true, Title: "Amazon EC2 should be configured to use VPC endpoints that are created for the Amazon EC2 service", Resource: awsVpc, Types: ts(tVpc), Coverage: NotAdopted,
		Why: "no task calls the EC2 API; an interface endpoint costs per hour in every AZ and would carry no traffic"},
	{ID: "EC2.15", FSBP: true, Title: "Amazon EC2 subnets should not automatically assign public IP addresses", Resource: awsSubnet, Types: ts(tSubnet), Coverage: Checked, Checks: ts("EC2.15")},
	{ID: "EC2.16", FSBP: true, Title: "Unused Network Access Control Lists should be removed", Resource: awsNetworkAcl, Types: ts(pNetworkAcl), Coverage: NotApplicable, Why: "the program creates no network ACLs; the subnets use the VPC's default one"},
	{ID: "EC2.17", FSBP: true, Title: "Amazon EC2 instances should not use multiple ENIs", Resource: awsInstance, Types: ts(pInstance), Coverage: NotApplicable, Why: whyNoInstances},
	{ID: "EC2.18", FSBP: true, Title: "Security groups should only allow unrestricted incoming traffic for authorized ports", Resource: awsSecurityGroup, Types: ts(tSecurityGroup, tIngress, tSGRuleLegacy), Coverage: Checked,
		Checks: ts("EC2.18/EC2.19", "EC2.LegacyRules"), Why: "the authorized ports are 80 and 443, Security Hub's default"},
	{ID: "EC2.19", FSBP: true, Title: "Security groups should not allow unrestricted access to ports with high risk", Resource: awsSecurityGroup, Types: ts(tSecurityGroup, tIngress, tSGRuleLegacy), Coverage: Checked,
		Checks: ts("EC2.18/EC2.19", "EC2.LegacyRules"), Why: "stricter than Security Hub's list of high-risk ports: nothing but 80 and 443 may be open to the world"},
	{ID: "EC2.20", FSBP: true, Title: "Both VPN tunnels for an AWS Site-to-Site VPN connection should be up", Resource: awsVpn, Types: ts(pVpn), Coverage: NotApplicable, Why: "the program creates no Site-to-Site VPN"},
	{ID: "EC2.21", FSBP: true, Title: "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389", Resource: awsNetworkAcl, Types: ts(pNetworkAcl), Coverage: NotApplicable,
		Why: "the program creates no network ACLs, and the control does not evaluate a VPC's default one"},
	{ID: "EC2.23", FSBP: true, Title: "Amazon EC2 Transit Gateways should not automatically accept VPC attachment requests", Resource: awsTransitGateway, Types: ts(pTransitGateway), Coverage: NotApplicable, Why: "the program creates no transit gateway"},
	{ID: "EC2.24", FSBP: true, Title: "Amazon EC2 paravirtual instance types should not be used", Resource: awsInstance, Types: ts(pInstance), Coverage: NotApplicable, Why: whyNoInstances},
	{ID: "EC2.25", FSBP: true, Title: "Amazon EC2 launch templates should not assign public IPs to network interfaces", Resource: awsLaunchTemplate, Types: ts(tLaunchTemplate), Coverage: Checked, Checks: ts("EC2.25"),
		Why: "the NAT instance's template attaches an existing interface and asks for no public IP; its Elastic IP is on that interface (EC2.9)"},
	{ID: "EC2.51", FSBP: true, Title: "EC2 Client VPN endpoints should have client connection logging enabled", Resource: awsClientVpn, Types: ts(pClientVpn), Coverage: NotApplicable, Why: "the program creates no Client VPN endpoint"},
	{ID: "EC2.55", FSBP: true, Title: "VPCs should be configured with an interface endpoint for ECR API", Resource: awsVpc, Types: ts(tVpc), Coverage: Checked, Checks: ts("EC2.55/EC2.56/EC2.57"),
		Why: "held in prod only: dev reaches the APIs through its NAT gateway to save the endpoints' hourly cost"},
	{ID: "EC2.56", FSBP: true, Title: "VPCs should be configured with an interface endpoint for Docker Registry", Resource: awsVpc, Types: ts(tVpc), Coverage: Checked, Checks: ts("EC2.55/EC2.56/EC2.57"),
		Why: "held in prod only, as EC2.55"},
	{ID: "EC2.57", FSBP: true, Title: "VPCs should be configured with an interface endpoint for Systems Manager", Resource: awsVpc, Types: ts(tVpc), Coverage: Checked, Checks: ts("EC2.55/EC2.56/EC2.57"),
		Why: "held in prod only, as EC2.55"},
	{ID: "EC2.58", FSBP: true, Title: "VPCs should be configured with an interface endpoint for Systems Manager Incident Manager Contacts", Resource: awsVpc, Types: ts(tVpc), Coverage: NotAdopted,
		Why: "the platform does not use Incident Manager (alarms go to SNS); an endpoint for it would carry no traffic and cost per hour in every AZ"},
	{ID: "EC2.60", FSBP: true, Title: "VPCs should be configured with an interface endpoint for Systems Manager Incident Manager", Resource: awsVpc, Types: ts(tVpc), Coverage: NotAdopted,
		Why: "as EC2.58: the platform does not use Incident Manager"},
	{ID: "EC2.170", FSBP: true, Title: "EC2 launch templates should use Instance Metadata Service Version 2 (IMDSv2)", Resource: awsLaunchTemplate, Types: ts(tLaunchTemplate), Coverage: Checked, Checks: ts("EC2.170")},
	{ID: "EC2.171", FSBP: true, Title: "EC2 VPN connections should have logging enabled", Resource: awsVpn, Types: ts(pVpn), Coverage: NotApplicable, Why: "the program creates no Site-to-Site VPN"},
	{ID: "EC2.172", FSBP: true, Title: "EC2 VPC Block Public Access settings should block internet gateway traffic", Resource: awsAccount, Coverage: Account,
		Why: "an account and region setting outside the stack; turned on, it needs exclusions for the ALB's public subnets and the NAT gateways"},
	{ID: "EC2.173", FSBP: true, Title: "EC2 Spot Fleet requests with launch parameters should enable encryption for attached EBS volumes", Resource: awsSpotFleet, Types: ts(pSpotFleet), Coverage: NotApplicable, Why: whyNoInstances},
	{ID: "EC2.180", FSBP: true, Title: "EC2 network interfaces should have source/destination checking enabled", Resource: awsNetworkIface, Types: ts(tNetworkInterface), Coverage: Checked, Checks: ts("EC2.180"),
		Why: "reads the interfaces the plan creates (the NAT instance's); AWS creates the others (tasks, NAT gateways, endpoints, load balancer) with the check on. " + whyNatDeviation + whyNatSrcDest},
	{ID: "EC2.181", FSBP: true, Title: "EC2 launch templates should enable encryption for attached EBS volumes", Resource: awsLaunchTemplate, Types: ts(tLaunchTemplate), Coverage: Checked, Checks: ts("EC2.181")},

	// ECR.
	{ID: "ECR.1", FSBP: true, Title: "ECR private repositories should have image scanning configured", Resource: awsRepository, Types: ts(tRepository), Coverage: Checked, Checks: ts("ECR.1")},
	{ID: "ECR.2", FSBP: true, Title: "ECR private repositories should have tag immutability configured", Resource: awsRepository, Types: ts(tRepository), Coverage: Checked, Checks: ts("ECR.2")},
	{ID: "ECR.3", FSBP: true, Title: "ECR repositories should have at least one lifecycle policy configured", Resource: awsRepository, Types: ts(tRepository), Coverage: Checked, Checks: ts("ECR.3")},

	// ECS.
	{ID: "ECS.1", FSBP: true, Title: "Amazon ECS task definitions should have secure networking modes and user definitions", Resource: awsTaskDefinition, Types: ts(tTaskDefinition), Coverage: Checked,
		Checks: ts("ECS.1/ECS.3", "ECS.User"), Why: "AWS is retiring it in favour of ECS.17 and ECS.20, which the same checks decide"},
	{ID: "ECS.2", FSBP: true, Title: "ECS services should not have public IP addresses assigned to them automatically", Resource: awsEcsService, Types: ts(tService), Coverage: Checked, Checks: ts("ECS.2")},
	{ID: "ECS.3", FSBP: true, Title: "ECS task definitions should not share the host's process namespace", Resource: awsTaskDefinition, Types: ts(tTaskDefinition), Coverage: Checked, Checks: ts("ECS.1/ECS.3")},
	{ID: "ECS.4", FSBP: true, Title: "ECS containers should run as non-privileged", Resource: awsTaskDefinition, Types: ts(tTaskDefinition), Coverage: Checked, Checks: ts("ECS.4")},
	{ID: "ECS.5", FSBP: true, Title: "ECS containers should be limited to read-only access to root filesystems", Resource: awsTaskDefinition, Types: ts(tTaskDefinition), Coverage: Checked, Checks: ts("ECS.5")},
	{ID: "ECS.8", FSBP: true, Title: "Secrets should not be passed as container environment variables", Resource: awsTaskDefinition, Types: ts(tTaskDefinition), Coverage: Checked, Checks: ts("ECS.8"),
		Why: "stricter than Security Hub, which looks only for AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ECS_ENGINE_AUTH_DATA"},
	{ID: "ECS.9", FSBP: true, Title: "ECS task definitions should have a logging configuration", Resource: awsTaskDefinition, Types: ts(tTaskDefinition), Coverage: Checked, Checks: ts("ECS.9")},
	{ID: "ECS.10", FSBP: true, Title: "ECS Fargate services should run on the latest Fargate platform version", Resource: awsEcsService, Types: ts(tService), Coverage: Checked, Checks: ts("ECS.10")},
	{ID: "ECS.12", FSBP: true, Title: "ECS clusters should use Container Insights", Resource: awsEcsCluster, Types: ts(tCluster), Coverage: Checked, Checks: ts("ECS.12")},
	{ID: "ECS.16", FSBP: true, Title: "ECS task sets should not automatically assign public IP addresses", Resource: awsTaskSet, Types: ts(pTaskSet), Coverage: NotApplicable,
		Why: "the services use the ECS deployment controller, which creates no task sets (ECS.2 covers their network configuration)"},
	{ID: "ECS.17", Title: "ECS task definitions should not use host network mode", Resource: awsTaskDefinition, Types: ts(tTaskDefinition), Coverage: Checked, Checks: ts("ECS.1/ECS.3"), Why: "NIST SP 800-53, not FSBP"},
	{ID: "ECS.20", Title: "ECS Task Definitions should configure non-root users in Linux container definitions", Resource: awsTaskDefinition, Types: ts(tTaskDefinition), Coverage: Checked, Checks: ts("ECS.User"), Why: "not FSBP"},

	// EFS (the stack's volumes, pkg/volumes; the checks pass with no file system when a stack has no volumes).
	{ID: "EFS.1", FSBP: true, Title: "Elastic File System should be configured to encrypt file data at-rest using AWS KMS", Resource: awsEfsFileSystem,
		Types: ts(tEfsFileSystem), Coverage: Checked, Checks: ts("EFS.1/EFS.8"), Why: "stricter than Security Hub: the stack's customer-managed key, not aws/elasticfilesystem"},
	{ID: "EFS.2", FSBP: true, Title: "Amazon EFS volumes should be in backup plans", Resource: awsEfsFileSystem, Types: ts(tEfsFileSystem, tEfsBackupPolicy),
		Coverage: Checked, Checks: ts("EFS.2/EFS.7"), Why: "automatic backups put each file system in AWS Backup's default EFS plan, aws/efs/automatic-backup-plan"},
	{ID: "EFS.3", FSBP: true, Title: "EFS access points should enforce a root directory", Resource: awsEfsAccessPoint, Types: ts(tEfsAccessPoint),
		Coverage: Checked, Checks: ts("EFS.3")},
	{ID: "EFS.4", FSBP: true, Title: "EFS access points should enforce a user identity", Resource: awsEfsAccessPoint, Types: ts(tEfsAccessPoint),
		Coverage: Checked, Checks: ts("EFS.4"), Why: "stricter than Security Hub: the user and group are not root"},
	{ID: "EFS.6", FSBP: true, Title: "EFS mount targets should not be associated with subnets that assign public IP addresses on launch", Resource: awsEfsFileSystem,
		Types: ts(tEfsFileSystem, tEfsMountTarget), Coverage: Checked, Checks: ts("EFS.6"), Why: "stricter than Security Hub: the subnets route to no internet gateway either"},
	{ID: "EFS.7", FSBP: true, Title: "EFS file systems should have automatic backups enabled", Resource: awsEfsFileSystem, Types: ts(tEfsFileSystem, tEfsBackupPolicy),
		Coverage: Checked, Checks: ts("EFS.2/EFS.7")},
	{ID: "EFS.8", FSBP: true, Title: "EFS file systems should be encrypted at rest", Resource: awsEfsFileSystem, Types: ts(tEfsFileSystem),
		Coverage: Checked, Checks: ts("EFS.1/EFS.8")},

	// ElastiCache.
	{ID: "ElastiCache.1", FSBP: true, Title: "ElastiCache (Redis OSS) clusters should have automatic backups enabled", Resource: awsReplication, Types: ts(tCache), Coverage: Checked, Checks: ts("ElastiCache.1"), Why: "held in prod only: dev keeps no cache snapshots"},
	{ID: "ElastiCache.2", FSBP: true, Title: "ElastiCache clusters should have automatic minor version upgrades enabled", Resource: awsCacheCluster, Types: ts(tCache), Coverage: Checked, Checks: ts("ElastiCache.2")},
	{ID: "ElastiCache.3", FSBP: true, Title: "ElastiCache replication groups should have automatic failover enabled", Resource: awsReplication, Types: ts(tCache), Coverage: Checked, Checks: ts("ElastiCache.3"), Why: "held in prod only: dev runs one node"},
	{ID: "ElastiCache.4", FSBP: true, Title: "ElastiCache replication groups should be encrypted at rest", Resource: awsReplication, Types: ts(tCache), Coverage: Checked, Checks: ts("ElastiCache.4")},
	{ID: "ElastiCache.5", FSBP: true, Title: "ElastiCache replication groups should be encrypted in transit", Resource: awsReplication, Types: ts(tCache), Coverage: Checked, Checks: ts("ElastiCache.5")},
	{ID: "ElastiCache.6", FSBP: true, Title: "ElastiCache (Redis OSS) replication groups of earlier versions should have Redis OSS AUTH enabled", Resource: awsReplication, Types: ts(tCache), Coverage: Checked, Checks: ts("ElastiCache.6"),
		Why: "stricter than Security Hub: AUTH is required whatever the engine version"},
	{ID: "ElastiCache.7", FSBP: true, Title: "ElastiCache clusters should not use the default subnet group", Resource: awsCacheCluster, Types: ts(tCache, pCacheCluster), Coverage: Checked, Checks: ts("ElastiCache.7")},

	// Elastic Load Balancing.
	{ID: "ELB.1", FSBP: true, Title: "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS", Resource: awsLoadBalancer, Types: ts(tLoadBalancer, tListener), Coverage: Checked, Checks: ts("ELB.1")},
	{ID: "ELB.2", FSBP: true, Title: "Classic Load Balancers with SSL/HTTPS listeners should use a certificate provided by AWS Certificate Manager", Resource: awsClassicLB, Types: ts(pClassicLB), Coverage: NotApplicable, Why: whyClassicLB},
	{ID: "ELB.3", FSBP: true, Title: "Classic Load Balancer listeners should be configured with HTTPS or TLS termination", Resource: awsClassicLB, Types: ts(pClassicLB), Coverage: NotApplicable, Why: whyClassicLB},
	{ID: "ELB.4", FSBP: true, Title: "Application Load Balancer should be configured to drop invalid http headers", Resource: awsLoadBalancer, Types: ts(tLoadBalancer), Coverage: Checked, Checks: ts("ELB.4")},
	{ID: "ELB.5", FSBP: true, Title: "Application and Classic Load Balancers logging should be enabled", Resource: awsLoadBalancer, Types: ts(tLoadBalancer), Coverage: Checked, Checks: ts("ELB.5")},
	{ID: "ELB.6", FSBP: true, Title: "Application, Gateway, and Network Load Balancers should have deletion protection enabled", Resource: awsLoadBalancer, Types: ts(tLoadBalancer), Coverage: Checked, Checks: ts("ELB.6"), Why: "held in prod only"},
	{ID: "ELB.7", FSBP: true, Title: "Classic Load Balancers should have connection draining enabled", Resource: awsClassicLB, Types: ts(pClassicLB), Coverage: NotApplicable, Why: whyClassicLB},
	{ID: "ELB.8", FSBP: true, Title: "Classic Load Balancers with SSL listeners should use a predefined security policy that has strong AWS Configuration", Resource: awsClassicLB, Types: ts(pClassicLB), Coverage: NotApplicable, Why: whyClassicLB},
	{ID: "ELB.9", FSBP: true, Title: "Classic Load Balancers should have cross-zone load balancing enabled", Resource: awsClassicLB, Types: ts(pClassicLB), Coverage: NotApplicable, Why: whyClassicLB},
	{ID: "ELB.10", FSBP: true, Title: "Classic Load Balancer should span multiple Availability Zones", Resource: awsClassicLB, Types: ts(pClassicLB), Coverage: NotApplicable, Why: whyClassicLB},
	{ID: "ELB.12", FSBP: true, Title: "Application Load Balancer should be configured with defensive or strictest desync mitigation mode", Resource: awsLoadBalancer, Types: ts(tLoadBalancer), Coverage: Checked, Checks: ts("ELB.12")},
	{ID: "ELB.13", FSBP: true, Title: "Application, Network and Gateway Load Balancers should span multiple Availability Zones", Resource: awsLoadBalancer, Types: ts(tLoadBalancer), Coverage: Checked, Checks: ts("ELB.13"), Why: "held in prod only"},
	{ID: "ELB.14", FSBP: true, Title: "Classic Load Balancer should be configured with defensive or strictest desync mitigation mode", Resource: awsClassicLB, Types: ts(pClassicLB), Coverage: NotApplicable, Why: whyClassicLB},
	{ID: "ELB.16", Title: "Application Load Balancers should be associated with an AWS WAF web ACL", Resource: awsLoadBalancer, Types: ts(tLoadBalancer), Coverage: NotAdopted,
		Why: "NIST SP 800-53, not FSBP: Cloudflare's WAF filters at the edge and the ALB admits only Cloudflare (albIngressCloudflareOnly)"},
	{ID: "ELB.17", FSBP: true, Title: "Application and Network Load Balancers with listeners should use recommended security policies", Resource: awsListener, Types: ts(tListener), Coverage: Checked, Checks: ts("ELB.17"),
		Why: "Security Hub's list of recommended policies is in the check (its sslPolicies parameter)"},
	{ID: "ELB.18", FSBP: true, Title: "Application and Network Load Balancer listeners should use secure protocols to encrypt data in transit", Resource: awsListener, Types: ts(tListener), Coverage: Checked, Checks: ts("ELB.18")},

	// EventBridge.
	{ID: "EventBridge.3", FSBP: true, Title: "EventBridge custom event buses should have a resource-based policy attached", Resource: awsEventBus, Types: ts(pEventBus), Coverage: NotApplicable,
		Why: "the program creates no event bus: the redeploy schedules are EventBridge Scheduler schedules, which have no Security Hub controls"},

	// GuardDuty.
	{ID: "GuardDuty.1", FSBP: true, Title: "GuardDuty should be enabled", Resource: awsAccount, Types: ts(tDetector), Coverage: Checked, Checks: ts("GuardDuty.1"), Why: whyGuardDuty},
	{ID: "GuardDuty.5", FSBP: true, Title: "GuardDuty EKS Audit Log Monitoring should be enabled", Resource: awsDetector, Types: ts(tDetector), Coverage: Checked, Checks: ts("GuardDuty.Features"), Why: whyGuardDuty},
	{ID: "GuardDuty.6", FSBP: true, Title: "GuardDuty Lambda Protection should be enabled", Resource: awsDetector, Types: ts(tDetector), Coverage: Checked, Checks: ts("GuardDuty.Features"), Why: whyGuardDuty},
	{ID: "GuardDuty.7", FSBP: true, Title: "GuardDuty EKS Runtime Monitoring should be enabled", Resource: awsDetector, Types: ts(tDetector), Coverage: NotAdopted,
		Why: "GuardDuty would install its agent into EKS clusters the stack does not own; the stack runs none. Enable it where EKS runs"},
	{ID: "GuardDuty.8", FSBP: true, Title: "GuardDuty Malware Protection for EC2 should be enabled", Resource: awsDetector, Types: ts(tDetector), Coverage: Checked, Checks: ts("GuardDuty.Features"), Why: whyGuardDuty},
	{ID: "GuardDuty.9", FSBP: true, Title: "GuardDuty RDS Protection should be enabled", Resource: awsDetector, Types: ts(tDetector), Coverage: Checked, Checks: ts("GuardDuty.Features"), Why: whyGuardDuty},
	{ID: "GuardDuty.10", FSBP: true, Title: "GuardDuty S3 Protection should be enabled", Resource: awsDetector, Types: ts(tDetector), Coverage: Checked, Checks: ts("GuardDuty.Features"), Why: whyGuardDuty},
	{ID: "GuardDuty.11", FSBP: true, Title: "GuardDuty Runtime Monitoring should be enabled", Resource: awsDetector, Types: ts(tDetector), Coverage: Checked, Checks: ts("GuardDuty.Runtime"), Why: whyGuardDuty},
	{ID: "GuardDuty.12", FSBP: true, Title: "GuardDuty ECS Runtime Monitoring should be enabled", Resource: awsDetector, Types: ts(tDetector), Coverage: Checked, Checks: ts("GuardDuty.Runtime"), Why: whyGuardDuty},
	{ID: "GuardDuty.13", FSBP: true, Title: "GuardDuty EC2 Runtime Monitoring should be enabled", Resource: awsDetector, Types: ts(tDetector), Coverage: NotAdopted,
		Why: "GuardDuty would install its agent on EC2 instances the stack does not own; the stack runs none. Enable it where EC2 runs"},

	// IAM.
	{ID: "IAM.1", FSBP: true, Title: "IAM policies should not allow full \"*\" administrative privileges", Resource: awsPolicy, Types: ts(tRolePolicy, tPolicy), Coverage: Checked, Checks: ts("IAM.1/IAM.21"),
		Why: "stricter than Security Hub: inline role policies are held to it too"},
	{ID: "IAM.2", FSBP: true, Title: "IAM users should not have IAM policies attached", Resource: awsUser, Types: ts(pUser), Coverage: NotApplicable, Why: whyNoUsers},
	{ID: "IAM.3", FSBP: true, Title: "IAM users' access keys should be rotated every 90 days or less", Resource: awsUser, Types: ts(pUser), Coverage: NotApplicable, Why: whyNoUsers},
	{ID: "IAM.4", FSBP: true, Title: "IAM root user access key should not exist", Resource: awsAccount, Coverage: Account, Why: "root user state; no program creates or reads it"},
	{ID: "IAM.5", FSBP: true, Title: "MFA should be enabled for all IAM users that have a console password", Resource: awsUser, Types: ts(pUser), Coverage: NotApplicable, Why: whyNoUsers},
	{ID: "IAM.6", FSBP: true, Title: "Hardware MFA should be enabled for the root user", Resource: awsAccount, Coverage: Account, Why: "a setting of the root user; no program creates or reads it"},
	{ID: "IAM.7", FSBP: true, Title: "Password policies for IAM users should have strong configurations", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},
	{ID: "IAM.8", FSBP: true, Title: "Unused IAM user credentials should be removed", Resource: awsUser, Types: ts(pUser), Coverage: NotApplicable, Why: whyNoUsers},
	{ID: "IAM.21", FSBP: true, Title: "IAM customer managed policies that you create should not allow wildcard actions for services", Resource: awsPolicy, Types: ts(tRolePolicy, tPolicy), Coverage: Checked, Checks: ts("IAM.1/IAM.21"),
		Why: "stricter than Security Hub: inline role policies are held to it too"},

	// KMS.
	{ID: "KMS.1", FSBP: true, Title: "IAM customer managed policies should not allow decryption actions on all KMS keys", Resource: awsPolicy, Types: ts(tPolicy, tRolePolicy), Coverage: Checked, Checks: ts("KMS.1/KMS.2")},
	{ID: "KMS.2", FSBP: true, Title: "IAM principals should not have IAM inline policies that allow decryption actions on all KMS keys", Resource: awsRole, Types: ts(tRole, tRolePolicy), Coverage: Checked, Checks: ts("KMS.1/KMS.2")},
	{ID: "KMS.3", FSBP: true, Title: "AWS KMS keys should not be deleted unintentionally", Resource: awsKey, Types: ts(tKey), Coverage: Runtime,
		Why: "a scheduled deletion is key state at runtime; the plan proves the 30-day deletion window (KMS.DeletionWindow) and Pulumi protect in prod"},
	{ID: "KMS.4", Title: "AWS KMS key rotation should be enabled", Resource: awsKey, Types: ts(tKey), Coverage: Checked, Checks: ts("KMS.4"), Why: "CIS and NIST SP 800-53, not FSBP"},
	{ID: "KMS.5", FSBP: true, Title: "KMS keys should not be publicly accessible", Resource: awsKey, Types: ts(tKey), Coverage: Checked, Checks: ts("KMS.KeyPolicy"),
		Why: "stricter than Security Hub: no key policy statement names Principal \"*\", with or without conditions"},

	// RDS.
	{ID: "RDS.1", FSBP: true, Title: "RDS snapshot should be private", Resource: awsDbSnapshot, Types: ts(tDbInstance), Coverage: Runtime, Why: "snapshots are taken at runtime; the program shares none"},
	{ID: "RDS.2", FSBP: true, Title: "RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.2")},
	{ID: "RDS.3", FSBP: true, Title: "RDS DB instances should have encryption at-rest enabled", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.3")},
	{ID: "RDS.4", FSBP: true, Title: "RDS cluster snapshots and database snapshots should be encrypted at rest", Resource: awsDbSnapshot, Types: ts(tDbInstance), Coverage: Runtime,
		Why: "snapshots are taken at runtime; those of an instance encrypted at rest (RDS.3) are encrypted with its key"},
	{ID: "RDS.5", FSBP: true, Title: "RDS DB instances should be configured with multiple Availability Zones", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.5"), Why: "held in prod only"},
	{ID: "RDS.6", FSBP: true, Title: "Enhanced monitoring should be configured for RDS DB instances", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.6"),
		Why: "held in prod only: dev leaves it off (dbMonitoringInterval 0) to save its CloudWatch Logs cost; the stack config refuses 0 in prod"},
	{ID: "RDS.7", FSBP: true, Title: "RDS clusters should have deletion protection enabled", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.8", FSBP: true, Title: "RDS DB instances should have deletion protection enabled", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.8"), Why: "held in prod only"},
	{ID: "RDS.9", FSBP: true, Title: "RDS DB instances should publish logs to CloudWatch Logs", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.9")},
	{ID: "RDS.10", FSBP: true, Title: "IAM authentication should be configured for RDS instances", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.10")},
	{ID: "RDS.11", FSBP: true, Title: "RDS instances should have automatic backups enabled", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.11", "RDS.11-7d"),
		Why: "Security Hub's default minimum is 7 days: dev keeps 1 (RDS.11), prod at least 7 (RDS.11-7d)"},
	{ID: "RDS.12", FSBP: true, Title: "IAM authentication should be configured for RDS clusters", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.13", FSBP: true, Title: "RDS automatic minor version upgrades should be enabled", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.13")},
	{ID: "RDS.14", FSBP: true, Title: "Amazon Aurora clusters should have backtracking enabled", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.15", FSBP: true, Title: "RDS DB clusters should be configured for multiple Availability Zones", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.16", FSBP: true, Title: "Aurora DB clusters should be configured to copy tags to DB snapshots", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.17", FSBP: true, Title: "RDS DB instances should be configured to copy tags to snapshots", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.17")},
	{ID: "RDS.19", FSBP: true, Title: "Existing RDS event notification subscriptions should be configured for critical cluster events", Resource: awsEventSub, Coverage: Account,
		Why: "evaluates the account's existing event subscriptions and passes when there are none; the program creates none (CloudWatch.Coverage alarms watch the instance)"},
	{ID: "RDS.20", FSBP: true, Title: "Existing RDS event notification subscriptions should be configured for critical database instance events", Resource: awsEventSub, Coverage: Account, Why: "as RDS.19"},
	{ID: "RDS.21", FSBP: true, Title: "An RDS event notifications subscription should be configured for critical database parameter group events", Resource: awsEventSub, Coverage: Account, Why: "as RDS.19"},
	{ID: "RDS.22", FSBP: true, Title: "An RDS event notifications subscription should be configured for critical database security group events", Resource: awsEventSub, Coverage: Account, Why: "as RDS.19"},
	{ID: "RDS.23", FSBP: true, Title: "RDS instances should not use a database engine default port", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: NotAdopted,
		Why: "a port is not a boundary: the database admits only the service security group (EC2.DataPorts), over TLS (RDS.TLS) and with IAM or the managed password"},
	{ID: "RDS.24", FSBP: true, Title: "RDS Database clusters should use a custom administrator username", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.25", FSBP: true, Title: "RDS database instances should use a custom administrator username", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.25")},
	{ID: "RDS.27", FSBP: true, Title: "RDS DB clusters should be encrypted at rest", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.34", FSBP: true, Title: "Aurora MySQL DB clusters should publish audit logs to CloudWatch Logs", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.35", FSBP: true, Title: "RDS DB clusters should have automatic minor version upgrade enabled", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.36", FSBP: true, Title: "RDS for PostgreSQL DB instances should publish logs to CloudWatch Logs", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.9"),
		Why: "its logTypes parameter is postgresql, the log RDS.9 requires"},
	{ID: "RDS.37", FSBP: true, Title: "Aurora PostgreSQL DB clusters should publish logs to CloudWatch Logs", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.38", Title: "RDS for PostgreSQL DB instances should be encrypted in transit", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.TLS"), Why: "not FSBP"},
	{ID: "RDS.40", FSBP: true, Title: "RDS for SQL Server DB instances should publish logs to CloudWatch Logs", Resource: awsDbInstance, Coverage: NotApplicable, Why: "applies to SQL Server; the program runs PostgreSQL"},
	{ID: "RDS.41", FSBP: true, Title: "RDS for SQL Server DB instances should be encrypted in transit", Resource: awsDbInstance, Coverage: NotApplicable, Why: "applies to SQL Server; the program runs PostgreSQL (RDS.38 is its counterpart)"},
	{ID: "RDS.42", FSBP: true, Title: "RDS for MariaDB DB instances should publish logs to CloudWatch Logs", Resource: awsDbInstance, Coverage: NotApplicable, Why: "applies to MariaDB; the program runs PostgreSQL"},
	{ID: "RDS.43", FSBP: true, Title: "RDS DB proxies should require TLS encryption for connections", Resource: awsDbProxy, Types: ts(pDbProxy), Coverage: NotApplicable, Why: "the program creates no RDS Proxy"},
	{ID: "RDS.44", FSBP: true, Title: "RDS for MariaDB DB instances should be encrypted in transit", Resource: awsDbInstance, Coverage: NotApplicable, Why: "applies to MariaDB; the program runs PostgreSQL"},
	{ID: "RDS.45", FSBP: true, Title: "Aurora MySQL DB clusters should have audit logging enabled", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.46", FSBP: true, Title: "RDS DB instances should not be deployed in public subnets with routes to internet gateways", Resource: awsDbInstance, Types: ts(tDbInstance), Coverage: Checked, Checks: ts("RDS.46")},
	{ID: "RDS.47", FSBP: true, Title: "RDS for PostgreSQL DB clusters should be configured to copy tags to DB snapshots", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},
	{ID: "RDS.48", FSBP: true, Title: "RDS for MySQL DB clusters should be configured to copy tags to DB snapshots", Resource: awsDbCluster, Types: ts(pDbCluster), Coverage: NotApplicable, Why: whyNoClusters},

	// S3.
	{ID: "S3.1", FSBP: true, Title: "S3 general purpose buckets should have block public access settings enabled", Resource: awsAccount, Coverage: Account,
		Why: "the account-wide block is an account setting; the plan proves every bucket of the stack blocks public access (S3.8)"},
	{ID: "S3.2", FSBP: true, Title: "S3 general purpose buckets should block public read access", Resource: awsBucket, Types: ts(tBucket, tBucketLegacy), Coverage: Checked, Checks: ts("S3.8/S3.12"),
		Why: "with all four public access blocks on and ACLs disabled, no policy or ACL can grant public read"},
	{ID: "S3.3", FSBP: true, Title: "S3 general purpose buckets should block public write access", Resource: awsBucket, Types: ts(tBucket, tBucketLegacy), Coverage: Checked, Checks: ts("S3.8/S3.12"),
		Why: "as S3.2, for write"},
	{ID: "S3.5", FSBP: true, Title: "S3 general purpose buckets should require requests to use SSL", Resource: awsBucket, Types: ts(tBucket, tBucketLegacy), Coverage: Checked, Checks: ts("S3.5")},
	{ID: "S3.6", FSBP: true, Title: "S3 general purpose bucket policies should restrict access to other AWS accounts", Resource: awsBucket, Types: ts(tBucket, tBucketLegacy), Coverage: Checked, Checks: ts("S3.6")},
	{ID: "S3.8", FSBP: true, Title: "S3 general purpose buckets should block public access", Resource: awsBucket, Types: ts(tBucket, tBucketLegacy), Coverage: Checked, Checks: ts("S3.8/S3.12")},
	{ID: "S3.9", FSBP: true, Title: "S3 general purpose buckets should have server access logging enabled", Resource: awsBucket, Types: ts(tBucket, tBucketLegacy), Coverage: NotAdopted,
		Why: "both buckets hold logs AWS services write (ALB access logs, CloudTrail); their server access logs would need a third bucket that cannot log itself, and S3 cannot deliver them to the KMS-encrypted trail bucket"},
	{ID: "S3.12", FSBP: true, Title: "ACLs should not be used to manage user access to S3 general purpose buckets", Resource: awsBucket, Types: ts(tBucket, tBucketLegacy), Coverage: Checked, Checks: ts("S3.8/S3.12")},
	{ID: "S3.13", FSBP: true, Title: "S3 general purpose buckets should have Lifecycle configurations", Resource: awsBucket, Types: ts(tBucket, tBucketLegacy), Coverage: Checked, Checks: ts("S3.13")},
	{ID: "S3.14", Title: "S3 general purpose buckets should have versioning enabled", Resource: awsBucket, Types: ts(tBucket, tBucketLegacy), Coverage: Checked, Checks: ts("S3.14"), Why: "NIST SP 800-53, not FSBP; held in prod only"},
	{ID: "S3.19", FSBP: true, Title: "S3 access points should have block public access settings enabled", Resource: awsAccessPoint, Types: ts(pAccessPoint), Coverage: NotApplicable, Why: "the program creates no access points"},
	{ID: "S3.24", FSBP: true, Title: "S3 Multi-Region Access Points should have block public access settings enabled", Resource: awsMrap, Types: ts(pMrap), Coverage: NotApplicable, Why: "the program creates no Multi-Region Access Points"},
	{ID: "S3.25", FSBP: true, Title: "S3 directory buckets should have lifecycle configurations", Resource: awsDirBucket, Types: ts(pDirBucket), Coverage: NotApplicable, Why: "the program creates no directory buckets"},

	// Secrets Manager.
	{ID: "SecretsManager.1", FSBP: true, Title: "Secrets Manager secrets should have automatic rotation enabled", Resource: awsSecret, Types: ts(tSecret), Coverage: NotAdopted,
		Why: "the Redis AUTH token secret rotates when redisAuthTokenVersion is bumped (ElastiCache's ROTATE strategy), not through a rotation function; the database password is RDS-managed and rotates weekly (its secretsmanager.SecretRotation is in the plan)"},
	{ID: "SecretsManager.2", FSBP: true, Title: "Secrets Manager secrets configured with automatic rotation should rotate successfully", Resource: awsSecret, Types: ts(tSecret), Coverage: Runtime, Why: "whether a rotation succeeded is runtime state"},
	{ID: "SecretsManager.3", FSBP: true, Title: "Remove unused Secrets Manager secrets", Resource: awsSecret, Types: ts(tSecret), Coverage: Runtime, Why: "last access is runtime state; the tasks read both secrets at every start"},
	{ID: "SecretsManager.4", FSBP: true, Title: "Secrets Manager secrets should be rotated within a specified number of days", Resource: awsSecret, Types: ts(tSecret), Coverage: Runtime, Why: "the last rotation date is runtime state"},

	// SNS.
	{ID: "SNS.1", Title: "SNS topics should be encrypted at-rest using AWS KMS", Resource: awsTopic, Types: ts(tTopic), Coverage: Checked, Checks: ts("SNS.1"), Why: "NIST SP 800-53, not FSBP; the check requires a customer-managed key"},
	{ID: "SNS.4", FSBP: true, Title: "SNS topic access policies should not allow public access", Resource: awsTopic, Types: ts(tTopic), Coverage: Checked, Checks: ts("SNS.4")},

	// Systems Manager.
	{ID: "SSM.1", FSBP: true, Title: "Amazon EC2 instances should be managed by AWS Systems Manager", Resource: awsInstance, Types: ts(pInstance, tLaunchTemplate), Coverage: Checked, Checks: ts("SSM.1"),
		Why: "read on the launch template: SSM Agent registers an instance only with an instance profile. " + whyNatDeviation + whyNatNoSSM},
	{ID: "SSM.2", FSBP: true, Title: "Amazon EC2 instances managed by Systems Manager should have a patch compliance status of COMPLIANT after a patch installation", Resource: awsPatch, Types: ts(pInstance), Coverage: NotApplicable, Why: whyNoSSM},
	{ID: "SSM.3", FSBP: true, Title: "Amazon EC2 instances managed by Systems Manager should have an association compliance status of COMPLIANT", Resource: awsAssociation, Types: ts(pInstance), Coverage: NotApplicable, Why: whyNoSSM},
	{ID: "SSM.4", FSBP: true, Title: "SSM documents should not be public", Resource: awsSsmDocument, Types: ts(pSsmDocument), Coverage: NotApplicable, Why: "the program creates no SSM documents (its SSM resources are parameters)"},
	{ID: "SSM.6", FSBP: true, Title: "SSM Automation should have CloudWatch logging enabled", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},
	{ID: "SSM.7", FSBP: true, Title: "SSM documents should have the block public sharing setting enabled", Resource: awsAccount, Coverage: Account, Why: whyOrgAccount},
}

// PlanType is a Pulumi resource type the program creates and the AWS resource Security Hub sees of it.
type PlanType struct {
	// Token is the Pulumi type token.
	Token string
	// AWS is the AWS Config resource type Security Hub evaluates, "" when there is none (Pulumi's view of a
	// wait, or a part of another resource).
	AWS string
	// Of, when set, is the type this one configures: its controls are the other type's (a bucket's
	// lifecycle configuration is evaluated as the bucket, S3.13).
	Of string
}

// PlanTypes are every AWS resource type in the program's plans (dev, prod, example, and the options they leave off).
var PlanTypes = []PlanType{
	{Token: tCertificate, AWS: awsCertificate},
	{Token: "aws:acm/certificateValidation:CertificateValidation", Of: tCertificate},
	{Token: "aws:appautoscaling/policy:Policy", AWS: "AWS::ApplicationAutoScaling::ScalingPolicy"},
	{Token: "aws:appautoscaling/target:Target", AWS: "AWS::ApplicationAutoScaling::ScalableTarget"},
	{Token: "aws:appautoscaling/scheduledAction:ScheduledAction", Of: "aws:appautoscaling/target:Target"},
	{Token: tTrail, AWS: awsTrail},
	{Token: "aws:cloudwatch/dashboard:Dashboard", AWS: "AWS::CloudWatch::Dashboard"},
	{Token: tLogGroup, AWS: awsLogGroup},
	{Token: tAlarm, AWS: awsAlarm},
	{Token: tDefaultSG, AWS: awsSecurityGroup},
	{Token: tAutoScaling, AWS: awsAutoScaling},
	{Token: tEip, AWS: "AWS::EC2::EIP"},
	{Token: tEipAssociation, Of: tEip},
	{Token: tLaunchTemplate, AWS: awsLaunchTemplate},
	{Token: tNetworkInterface, AWS: awsNetworkIface},
	{Token: tFlowLog, AWS: "AWS::EC2::FlowLog"},
	{Token: "aws:ec2/internetGateway:InternetGateway", AWS: "AWS::EC2::InternetGateway"},
	{Token: "aws:ec2/natGateway:NatGateway", AWS: "AWS::EC2::NatGateway"},
	{Token: tRoute, Of: tRouteTable},
	{Token: tRouteTable, AWS: "AWS::EC2::RouteTable"},
	{Token: tRouteTableAssociation, Of: tRouteTable},
	{Token: tSecurityGroup, AWS: awsSecurityGroup},
	{Token: tSubnet, AWS: awsSubnet},
	{Token: tVpc, AWS: awsVpc},
	{Token: tVpcEndpoint, AWS: "AWS::EC2::VPCEndpoint"},
	{Token: tIngress, Of: tSecurityGroup},
	{Token: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", Of: tSecurityGroup},
	{Token: tLifecyclePolicy, Of: tRepository},
	{Token: tRepository, AWS: awsRepository},
	{Token: tCluster, AWS: awsEcsCluster},
	{Token: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", Of: tCluster},
	{Token: tService, AWS: awsEcsService},
	{Token: tTaskDefinition, AWS: awsTaskDefinition},
	{Token: tEfsAccessPoint, AWS: awsEfsAccessPoint},
	{Token: tEfsBackupPolicy, Of: tEfsFileSystem},
	{Token: tEfsFileSystem, AWS: awsEfsFileSystem},
	{Token: tEfsPolicy, Of: tEfsFileSystem},
	{Token: tEfsMountTarget, Of: tEfsFileSystem},
	{Token: "aws:elasticache/parameterGroup:ParameterGroup", AWS: "AWS::ElastiCache::ParameterGroup"},
	{Token: tCache, AWS: awsReplication},
	{Token: "aws:elasticache/subnetGroup:SubnetGroup", AWS: "AWS::ElastiCache::SubnetGroup"},
	{Token: tDetector, AWS: awsDetector},
	{Token: tDetectorFeature, Of: tDetector},
	{Token: tRole, AWS: awsRole},
	{Token: tRolePolicy, Of: tRole},
	{Token: "aws:kms/alias:Alias", AWS: "AWS::KMS::Alias"},
	{Token: tKey, AWS: awsKey},
	{Token: tListener, AWS: awsListener},
	// A listener rule is its own Config type, which FSBPResourceTypes (the controls' required resources)
	// does not list: no FSBP control evaluates it; the listener's ELB.17/ELB.18 cover the protocol it routes.
	{Token: "aws:lb/listenerRule:ListenerRule", AWS: "AWS::ElasticLoadBalancingV2::ListenerRule"},
	{Token: tLoadBalancer, AWS: awsLoadBalancer},
	{Token: "aws:lb/targetGroup:TargetGroup", AWS: "AWS::ElasticLoadBalancingV2::TargetGroup"},
	{Token: "aws:lb/trustStore:TrustStore", AWS: "AWS::ElasticLoadBalancingV2::TrustStore"},
	{Token: tDbInstance, AWS: awsDbInstance},
	{Token: tDbParams, AWS: "AWS::RDS::DBParameterGroup"},
	{Token: tDbSubnetGroup, AWS: "AWS::RDS::DBSubnetGroup"},
	{Token: tBucket, AWS: awsBucket},
	{Token: tBucketLifecycle, Of: tBucket},
	{Token: tBucketOwnership, Of: tBucket},
	{Token: tBucketPolicy, Of: tBucket},
	{Token: tPublicAccess, Of: tBucket},
	{Token: tBucketSSE, Of: tBucket},
	{Token: tBucketVersion, Of: tBucket},
	{Token: "aws:s3/bucketObjectv2:BucketObjectv2", Of: tBucket},
	{Token: "aws:scheduler/schedule:Schedule", AWS: "AWS::Scheduler::Schedule"},
	// Cloud Map (Service Connect's namespace): no FSBP control has a ServiceDiscovery resource.
	{Token: "aws:servicediscovery/httpNamespace:HttpNamespace", AWS: "AWS::ServiceDiscovery::HttpNamespace"},
	{Token: tSecret, AWS: awsSecret},
	{Token: "aws:secretsmanager/secretRotation:SecretRotation", Of: tSecret},
	{Token: "aws:secretsmanager/secretVersion:SecretVersion", Of: tSecret},
	{Token: tTopic, AWS: awsTopic},
	{Token: tTopicPolicy, Of: tTopic},
	{Token: "aws:sns/topicSubscription:TopicSubscription", AWS: "AWS::SNS::Subscription"},
	{Token: tParameter, AWS: "AWS::SSM::Parameter"},
}

// FSBPResourceTypes are the AWS resource types FSBP controls evaluate: the change-triggered ones from
// "Required AWS Config resources for control findings", section "Required resources for the AWS
// Foundational Security Best Practices standard"
// (https://docs.aws.amazon.com/securityhub/latest/userguide/controls-config-resources.html), for the
// services of PlanTypes, and those the periodic controls read (CloudTrail.2/4/5, EC2.6/10/55-60,
// ElastiCache.1-7, GuardDuty.*).
var FSBPResourceTypes = []string{
	awsCertificate, awsInstance, awsLaunchTemplate, awsNetworkAcl, awsNetworkIface, awsSecurityGroup, awsSubnet,
	awsTransitGateway, awsVpn, awsVolume, awsClientVpn, awsSpotFleet, awsAutoScaling, awsLaunchConfig,
	awsRepository, "AWS::ECS::CapacityProvider", awsEcsCluster, awsEcsService, awsTaskDefinition, awsTaskSet,
	awsEfsAccessPoint, awsEfsFileSystem,
	awsClassicLB, awsListener, awsLoadBalancer, "AWS::IAM::Group", awsPolicy, awsRole, awsUser, awsKey,
	awsDbCluster, "AWS::RDS::DBClusterSnapshot", awsDbInstance, awsDbProxy, awsDbSnapshot, awsEventSub,
	"AWS::RDS::GlobalCluster", awsAccessPoint, "AWS::S3::AccountPublicAccessBlock", awsBucket, awsMrap,
	awsDirBucket, awsTopic, awsSecret, awsPatch, awsAssociation, "AWS::SSM::ManagedInstanceInventory",
	// Periodic controls.
	awsTrail, awsVpc, awsReplication, awsCacheCluster, awsDetector,
}
