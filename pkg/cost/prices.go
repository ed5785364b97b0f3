package cost

import (
	"fmt"
	"sort"
)

// Row is one priced dimension in one Region: what one Unit costs in US dollars at the on-demand list price.
type Row struct {
	Region string
	// Key names the dimension ("nat.hour", "rds.postgres.db.t4g.micro.hour"); the pricers look rows up by it.
	Key  string
	USD  float64
	Unit string
	// Source is the AWS pricing page the price belongs to; Read the day it was read.
	Source, Read string
	// Confirmed is false where no stored copy showed this Region's figure (AWS renders regional prices with
	// script, so its pages' stored text has none): the figure is the one recalled from that page, and Note
	// says what was and was not seen. The report counts the lines that use such a row.
	Confirmed bool
	Note      string
}

// The pages the rows come from.
const (
	srcFargate     = "https://aws.amazon.com/fargate/pricing/"
	srcVPC         = "https://aws.amazon.com/vpc/pricing/"
	srcELB         = "https://aws.amazon.com/elasticloadbalancing/pricing/"
	srcPrivateLink = "https://aws.amazon.com/privatelink/pricing/"
	srcRDS         = "https://aws.amazon.com/rds/postgresql/pricing/"
	srcElastiCache = "https://aws.amazon.com/elasticache/pricing/"
	srcKMS         = "https://aws.amazon.com/kms/pricing/"
	srcSecrets     = "https://aws.amazon.com/secrets-manager/pricing/"
	srcSSM         = "https://aws.amazon.com/systems-manager/pricing/"
	srcCloudWatch  = "https://aws.amazon.com/cloudwatch/pricing/"
	srcECR         = "https://aws.amazon.com/ecr/pricing/"
	srcS3          = "https://aws.amazon.com/s3/pricing/"
	srcCloudTrail  = "https://aws.amazon.com/cloudtrail/pricing/"
	srcGuardDuty   = "https://aws.amazon.com/guardduty/pricing/"
	srcScheduler   = "https://aws.amazon.com/eventbridge/pricing/"
	srcEC2         = "https://aws.amazon.com/ec2/pricing/on-demand/"
	srcEBS         = "https://aws.amazon.com/ebs/pricing/"
	srcEFS         = "https://aws.amazon.com/efs/pricing/"
)

// read is the day every row was read.
const read = "2026-12-01"

// Regions the table prices.
const (
	Sydney   = "ap-southeast-2"
	Virginia = "us-east-1"
)

// Notes shared by many rows.
const (
	seenFargate = "seen on vantage.sh and cloudchipr.com, quoting the AWS page for us-east-1"
	seenNAT     = "seen on basavytix.com and cloudburn.io, quoting the AWS page for us-east-1"
	seenRDS     = "seen in infratally.com's us-east-1 table (RDS for PostgreSQL)"
	seenGP3     = "seen on usage.ai quoting the AWS page (us-east-1)"
	sameAll     = "not confirmed: recalled as one price in every commercial Region"
	recalled    = "not confirmed: no stored copy shows this Region's figure; recalled from the AWS page, check it before relying on it"
	valkeyLower = "not confirmed: the Redis OSS row less the 20% the AWS page takes off node-based Valkey (recalled)"
)

// Prices is the price table. One row per dimension per Region; a type that costs nothing has a Free entry
// instead. Hours are list prices per hour, storage per GB-month, requests per the unit named.
var Prices = []Row{
	// Fargate, Linux. Spot is the on-demand row less the spot discount (Assumptions.SpotDiscount).
	{Virginia, "fargate.x86.vcpu-hour", 0.04048, "vCPU-hour", srcFargate, read, true, seenFargate},
	{Virginia, "fargate.x86.gb-hour", 0.004445, "GB-hour", srcFargate, read, true, seenFargate},
	{Virginia, "fargate.arm64.vcpu-hour", 0.03238, "vCPU-hour", srcFargate, read, true, seenFargate},
	{Virginia, "fargate.arm64.gb-hour", 0.00356, "GB-hour", srcFargate, read, true, seenFargate},
	{Virginia, "fargate.spot-discount", 0.70, "fraction off on-demand", srcFargate, read, true,
		"the AWS page: Fargate Spot runs tasks \"at up to a 70% discount off the regular Fargate price\"; Spot prices move with spare capacity"},
	{Sydney, "fargate.x86.vcpu-hour", 0.04856, "vCPU-hour", srcFargate, read, true, "seen in a public cost table quoting the AWS page for Sydney (with ARM and Spot)"},
	{Sydney, "fargate.x86.gb-hour", 0.00532, "GB-hour", srcFargate, read, true, "seen with the row above"},
	{Sydney, "fargate.arm64.vcpu-hour", 0.03885, "vCPU-hour", srcFargate, read, true, "seen with the rows above"},
	{Sydney, "fargate.arm64.gb-hour", 0.00426, "GB-hour", srcFargate, read, true, "seen with the rows above"},
	{Sydney, "fargate.spot-discount", 0.70, "fraction off on-demand", srcFargate, read, true,
		"as us-east-1; the Sydney x86 Spot figures in the same table (0.014568, 0.001596) are exactly on-demand less 70%"},

	// NAT gateways and public addresses.
	{Virginia, "nat.hour", 0.045, "NAT gateway-hour", srcVPC, read, true, seenNAT},
	{Virginia, "nat.gb", 0.045, "GB processed", srcVPC, read, true, seenNAT},
	{Sydney, "nat.hour", 0.059, "NAT gateway-hour", srcVPC, read, true, "seen in a public per-Region table (github.com code search: getNatGatewayPriceInRegion)"},
	{Sydney, "nat.gb", 0.059, "GB processed", srcVPC, read, false,
		"not confirmed for Sydney: every Region the sources list charges the hourly figure per GB too; recalled as 0.059"},
	{Virginia, "ipv4.hour", 0.005, "public IPv4 address-hour", srcVPC, read, true, "seen on cloudburn.io quoting the AWS page; charged in use or idle since 2024-02-01"},
	{Sydney, "ipv4.hour", 0.005, "public IPv4 address-hour", srcVPC, read, false, sameAll},

	// Application Load Balancer.
	{Virginia, "alb.hour", 0.0225, "ALB-hour", srcELB, read, true, "seen in a public per-Region table from the AWS page (2017) and on fortem.dev ($22 a month)"},
	{Virginia, "alb.lcu-hour", 0.008, "LCU-hour", srcELB, read, false, recalled + " (0.008 seen for Tokyo)"},
	{Sydney, "alb.hour", 0.0252, "ALB-hour", srcELB, read, true, "seen in a public per-Region table quoting the AWS page (its date: 2017; unchanged since as far as recalled)"},
	{Sydney, "alb.lcu-hour", 0.008, "LCU-hour", srcELB, read, false, recalled + " (0.008 in us-east-1 and Tokyo)"},

	// Interface VPC endpoints (PrivateLink); gateway endpoints are free.
	{Virginia, "endpoint.az-hour", 0.01, "endpoint-AZ-hour", srcPrivateLink, read, true, "seen on egresscost.com ($7.20 per AZ-month)"},
	{Virginia, "endpoint.gb", 0.01, "GB processed", srcPrivateLink, read, true, "the AWS page: $0.01 per GB for the first PB a month in a Region (not Region-specific)"},
	{Sydney, "endpoint.az-hour", 0.013, "endpoint-AZ-hour", srcPrivateLink, read, false, recalled + " (Tokyo is 0.014)"},
	{Sydney, "endpoint.gb", 0.01, "GB processed", srcPrivateLink, read, true, "the AWS page's tiers, first PB"},

	// RDS for PostgreSQL, on-demand. Multi-AZ (one standby) is twice Single-AZ for instance and storage.
	{Virginia, "rds.postgres.db.t3.micro.hour", 0.018, "instance-hour", srcRDS, read, false, recalled},
	{Virginia, "rds.postgres.db.t4g.micro.hour", 0.016, "instance-hour", srcRDS, read, true, seenRDS},
	{Virginia, "rds.postgres.db.t4g.small.hour", 0.032, "instance-hour", srcRDS, read, true, seenRDS},
	{Virginia, "rds.postgres.db.m7g.large.hour", 0.168, "instance-hour", srcRDS, read, false, recalled},
	{Virginia, "rds.multi-az.factor", 2, "× Single-AZ", srcRDS, read, true,
		"RDS User Guide, Multi-AZ DB instances: compute and storage are billed for the primary and the standby; infratally.com's table shows exactly 2×"},
	{Virginia, "rds.storage.gp2.gb-month", 0.115, "GB-month", srcRDS, read, false, recalled},
	{Virginia, "rds.storage.gp3.gb-month", 0.115, "GB-month", srcRDS, read, true, seenGP3 + "; 3,000 IOPS and 125 MB/s included"},
	{Virginia, "rds.backup.gb-month", 0.095, "GB-month beyond the free allowance", srcRDS, read, true,
		"usage.ai quoting the AWS page; backups up to 100% of the provisioned storage are free"},
	{Sydney, "rds.postgres.db.t3.micro.hour", 0.028, "instance-hour", srcRDS, read, false, recalled},
	{Sydney, "rds.postgres.db.t4g.micro.hour", 0.025, "instance-hour", srcRDS, read, false, recalled},
	{Sydney, "rds.postgres.db.t4g.small.hour", 0.05, "instance-hour", srcRDS, read, false, recalled},
	{Sydney, "rds.postgres.db.m7g.large.hour", 0.219, "instance-hour", srcRDS, read, false, recalled},
	{Sydney, "rds.multi-az.factor", 2, "× Single-AZ", srcRDS, read, true, "as us-east-1 (the User Guide's rule is Region-independent)"},
	{Sydney, "rds.storage.gp2.gb-month", 0.138, "GB-month", srcRDS, read, false, recalled},
	{Sydney, "rds.storage.gp3.gb-month", 0.138, "GB-month", srcRDS, read, false, recalled},
	{Sydney, "rds.backup.gb-month", 0.095, "GB-month beyond the free allowance", srcRDS, read, false, recalled},

	// ElastiCache node-based, on-demand.
	{Virginia, "elasticache.redis.cache.t3.micro.hour", 0.017, "node-hour", srcElastiCache, read, true, "dragonflydb.io's ElastiCache price table (us-east-1)"},
	{Virginia, "elasticache.redis.cache.t4g.micro.hour", 0.016, "node-hour", srcElastiCache, read, false, recalled},
	{Virginia, "elasticache.redis.cache.m7g.large.hour", 0.158, "node-hour", srcElastiCache, read, false, recalled},
	{Virginia, "elasticache.valkey.cache.t4g.micro.hour", 0.0128, "node-hour", srcElastiCache, read, false, valkeyLower},
	{Virginia, "elasticache.valkey.cache.m7g.large.hour", 0.1264, "node-hour", srcElastiCache, read, false, valkeyLower},
	{Sydney, "elasticache.redis.cache.t3.micro.hour", 0.026, "node-hour", srcElastiCache, read, false, recalled},
	{Sydney, "elasticache.redis.cache.t4g.micro.hour", 0.025, "node-hour", srcElastiCache, read, false, recalled},
	{Sydney, "elasticache.redis.cache.m7g.large.hour", 0.199, "node-hour", srcElastiCache, read, false, recalled},
	{Sydney, "elasticache.valkey.cache.t4g.micro.hour", 0.02, "node-hour", srcElastiCache, read, false, valkeyLower},
	{Sydney, "elasticache.valkey.cache.m7g.large.hour", 0.1592, "node-hour", srcElastiCache, read, false, valkeyLower},

	// KMS, Secrets Manager, Parameter Store.
	{Virginia, "kms.key-month", 1, "key-month", srcKMS, read, false, sameAll},
	{Virginia, "kms.10k-requests", 0.03, "10,000 requests", srcKMS, read, false, recalled + " (symmetric-key requests; 20,000 a month free per account)"},
	{Sydney, "kms.key-month", 1, "key-month", srcKMS, read, false, sameAll},
	{Sydney, "kms.10k-requests", 0.03, "10,000 requests", srcKMS, read, false, recalled},
	{Virginia, "secretsmanager.secret-month", 0.40, "secret-month", srcSecrets, read, false, sameAll + "; a secret RDS manages (manageMasterUserPassword) is billed the same"},
	{Virginia, "secretsmanager.10k-calls", 0.05, "10,000 API calls", srcSecrets, read, false, sameAll},
	{Sydney, "secretsmanager.secret-month", 0.40, "secret-month", srcSecrets, read, false, sameAll},
	{Sydney, "secretsmanager.10k-calls", 0.05, "10,000 API calls", srcSecrets, read, false, sameAll},
	{Virginia, "ssm.advanced-parameter-month", 0.05, "advanced parameter-month", srcSSM, read, false, recalled + "; standard parameters are free"},
	{Sydney, "ssm.advanced-parameter-month", 0.05, "advanced parameter-month", srcSSM, read, false, recalled + "; standard parameters are free"},

	// CloudWatch. Vended logs (flow logs) cost the standard ingestion price up to 10 TB a month.
	{Virginia, "logs.ingest-gb", 0.50, "GB ingested", srcCloudWatch, read, true, "c3x.dev quoting the AWS page (us-east-1, standard class)"},
	{Virginia, "logs.storage-gb-month", 0.03, "GB-month stored", srcCloudWatch, read, true, "c3x.dev quoting the AWS page"},
	{Virginia, "cloudwatch.alarm-metric-month", 0.10, "standard-resolution alarm metric-month", srcCloudWatch, read, false, recalled},
	{Virginia, "cloudwatch.dashboard-month", 3, "dashboard-month", srcCloudWatch, read, false, recalled + " (the first 3 of an account are free; not applied)"},
	{Sydney, "logs.ingest-gb", 0.57, "GB ingested", srcCloudWatch, read, false, recalled},
	{Sydney, "logs.storage-gb-month", 0.03, "GB-month stored", srcCloudWatch, read, false, recalled + " (Tokyo is 0.033)"},
	{Sydney, "cloudwatch.alarm-metric-month", 0.10, "standard-resolution alarm metric-month", srcCloudWatch, read, false, recalled},
	{Sydney, "cloudwatch.dashboard-month", 3, "dashboard-month", srcCloudWatch, read, false, recalled + " (the first 3 of an account are free; not applied)"},

	// Storage.
	{Virginia, "ecr.storage-gb-month", 0.10, "GB-month", srcECR, read, false, sameAll},
	{Sydney, "ecr.storage-gb-month", 0.10, "GB-month", srcECR, read, false, sameAll},
	{Virginia, "s3.standard.gb-month", 0.023, "GB-month", srcS3, read, false, recalled + " (first 50 TB)"},
	{Sydney, "s3.standard.gb-month", 0.025, "GB-month", srcS3, read, false, recalled + " (first 50 TB; Tokyo's 0.025 seen on awsi.click)"},

	// CloudTrail and GuardDuty.
	{Virginia, "cloudtrail.mgmt-first-copy", 0, "management events, first trail", srcCloudTrail, read, false,
		"not confirmed: recalled from the AWS page, the first copy of management events in each Region is free"},
	{Sydney, "cloudtrail.mgmt-first-copy", 0, "management events, first trail", srcCloudTrail, read, false,
		"not confirmed: recalled from the AWS page, the first copy of management events in each Region is free"},
	{Virginia, "guardduty.cloudtrail-million-events", 4, "million CloudTrail management events analysed", srcGuardDuty, read, false, recalled},
	{Virginia, "guardduty.flow-dns-gb", 1, "GB of flow and DNS logs analysed (first 500 GB)", srcGuardDuty, read, false, recalled},
	{Virginia, "guardduty.runtime-vcpu-hour", 1.5 / 730, "Fargate vCPU-hour monitored", srcGuardDuty, read, false,
		recalled + ": $1.50 per vCPU-month for the first 500 vCPUs, per hour here"},
	{Sydney, "guardduty.cloudtrail-million-events", 4.4, "million CloudTrail management events analysed", srcGuardDuty, read, false, recalled},
	{Sydney, "guardduty.flow-dns-gb", 1.1, "GB of flow and DNS logs analysed (first 500 GB)", srcGuardDuty, read, false, recalled},
	{Sydney, "guardduty.runtime-vcpu-hour", 1.5 / 730, "Fargate vCPU-hour monitored", srcGuardDuty, read, false,
		recalled + ": taken as us-east-1's $1.50 per vCPU-month"},

	// The NAT instance (natStrategy instance, dev's default): its instance and its root volume.
	{Virginia, "ec2.t4g.nano.hour", 0.0042, "instance-hour", srcEC2, read, false, recalled},
	{Sydney, "ec2.t4g.nano.hour", 0.0053, "instance-hour", srcEC2, read, false,
		recalled + " (t3.nano is 0.0066 in a public per-Region table; t4g is 20% below t3)"},
	{Virginia, "ebs.gp3.gb-month", 0.08, "GB-month", srcEBS, read, false, recalled},
	{Sydney, "ebs.gp3.gb-month", 0.096, "GB-month", srcEBS, read, false, recalled},

	// EFS (the volumes model): Standard storage, and elastic throughput billed per GB read and written.
	// Bursting throughput has no charge of its own (50 KB/s per GB stored is in the storage price).
	{Virginia, "efs.standard.gb-month", 0.30, "GB-month", srcEFS, read, true, "the AWS page's stored text: Standard storage $0.30/GB-month (its example's Region)"},
	{Virginia, "efs.elastic.read-gb", 0.03, "GB read (elastic throughput)", srcEFS, read, true, "seen on factualminds.com quoting the AWS page for us-east-1 (June 2026): $0.03/GB read"},
	{Virginia, "efs.elastic.write-gb", 0.06, "GB written (elastic throughput)", srcEFS, read, true, "seen with the row above: $0.06/GB written"},
	{Sydney, "efs.standard.gb-month", 0.36, "GB-month", srcEFS, read, false, recalled},
	{Sydney, "efs.elastic.read-gb", 0.036, "GB read (elastic throughput)", srcEFS, read, false, recalled + " (us-east-1's 0.03 plus Sydney's usual 20%)"},
	{Sydney, "efs.elastic.write-gb", 0.072, "GB written (elastic throughput)", srcEFS, read, false, recalled + " (us-east-1's 0.06 plus Sydney's usual 20%)"},
}

// Free lists the resource types that cost nothing themselves, and why; a type neither here nor priced is
// reported as unpriced (and fails the coverage test).
var Free = map[string]string{
	"pulumi:pulumi:Stack":                        "not a cloud resource",
	"pulumi:providers:aws":                       "not a cloud resource",
	"pulumi:providers:cloudflare":                "not a cloud resource",
	"pulumi:providers:random":                    "not a cloud resource",
	"random:index/randomPassword:RandomPassword": "computed in the state, not in a cloud",

	"aws:ec2/vpc:Vpc":                                                                            "VPCs cost nothing (" + srcVPC + ")",
	"aws:ec2/subnet:Subnet":                                                                      "subnets cost nothing",
	"aws:ec2/routeTable:RouteTable":                                                              "route tables cost nothing",
	"aws:ec2/route:Route":                                                                        "routes cost nothing",
	"aws:ec2/networkInterface:NetworkInterface":                                                  "network interfaces cost nothing; a public address on one is its Eip's line",
	"aws:ec2/eipAssociation:EipAssociation":                                                      "associating an address costs nothing; the address is its Eip's line",
	"aws:ec2/launchTemplate:LaunchTemplate":                                                      "launch templates cost nothing; what they launch is the Auto Scaling group's line (" + srcEC2 + ")",
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                                        "route table associations cost nothing",
	"aws:ec2/internetGateway:InternetGateway":                                                    "internet gateways cost nothing (data transfer out is billed, not estimated)",
	"aws:ec2/securityGroup:SecurityGroup":                                                        "security groups cost nothing",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":                                          "security groups cost nothing",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":                                  "security group rules cost nothing",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":                                    "security group rules cost nothing",
	"aws:ec2/flowLog:FlowLog":                                                                    "billed as ingestion into its destination log group, priced there",
	"aws:iam/role:Role":                                                                          "IAM costs nothing (https://aws.amazon.com/iam/pricing/)",
	"aws:iam/rolePolicy:RolePolicy":                                                              "IAM costs nothing",
	"aws:iam/policy:Policy":                                                                      "IAM costs nothing",
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":                                          "IAM costs nothing",
	"aws:kms/alias:Alias":                                                                        "aliases cost nothing (" + srcKMS + ")",
	"aws:acm/certificate:Certificate":                                                            "public ACM certificates cost nothing (https://aws.amazon.com/certificate-manager/pricing/)",
	"aws:acm/certificateValidation:CertificateValidation":                                        "a wait, not a resource",
	"aws:lb/listener:Listener":                                                                   "billed through its load balancer's LCUs",
	"aws:lb/targetGroup:TargetGroup":                                                             "billed through its load balancer's LCUs",
	"aws:lb/listenerRule:ListenerRule":                                                           "billed through its load balancer's LCUs (rule evaluations beyond the first 10 processed free are an LCU dimension, " + srcELB + ")",
	"aws:servicediscovery/httpNamespace:HttpNamespace":                                           "an HTTP namespace has no hosted zone and no charge of its own (https://aws.amazon.com/cloud-map/pricing/); the instances ECS Service Connect registers in it and discovery calls are Cloud Map charges not estimated here",
	"aws:efs/mountTarget:MountTarget":                                                            "mount targets cost nothing; what passes through them is the file system's throughput (" + srcEFS + ")",
	"aws:efs/accessPoint:AccessPoint":                                                            "access points cost nothing (" + srcEFS + ")",
	"aws:efs/fileSystemPolicy:FileSystemPolicy":                                                  "configuration, no charge",
	"aws:efs/backupPolicy:BackupPolicy":                                                          "the policy costs nothing; the recovery points it makes are AWS Backup warm storage (https://aws.amazon.com/backup/pricing/), listed under Not estimated by the file system's line",
	"aws:ecs/cluster:Cluster":                                                                    "ECS costs nothing beyond its tasks (https://aws.amazon.com/ecs/pricing/)",
	"aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":                                  "ECS costs nothing beyond its tasks",
	"aws:appautoscaling/target:Target":                                                           "Application Auto Scaling costs nothing; it sets the task count priced on the service",
	"aws:appautoscaling/policy:Policy":                                                           "Application Auto Scaling costs nothing (its alarms are AWS-managed)",
	"aws:appautoscaling/scheduledAction:ScheduledAction":                                         "Application Auto Scaling costs nothing; the schedule is replayed on the service",
	"aws:rds/parameterGroup:ParameterGroup":                                                      "configuration, no charge",
	"aws:rds/subnetGroup:SubnetGroup":                                                            "configuration, no charge",
	"aws:elasticache/parameterGroup:ParameterGroup":                                              "configuration, no charge",
	"aws:elasticache/subnetGroup:SubnetGroup":                                                    "configuration, no charge",
	"aws:ecr/lifecyclePolicy:LifecyclePolicy":                                                    "configuration, no charge",
	"aws:secretsmanager/secretVersion:SecretVersion":                                             "versions of a secret are in its monthly price",
	"aws:secretsmanager/secretRotation:SecretRotation":                                           "RDS rotates its managed secret itself: no Lambda, no charge",
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       "configuration, no charge",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     "configuration, no charge",
	"aws:s3/bucketPolicy:BucketPolicy":                                                           "configuration, no charge",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     "configuration, no charge",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "configuration, no charge (SSE-S3)",
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               "configuration; old versions are in the bucket's stored GB",
	"aws:sns/topic:Topic":                                                                        "the first million publishes and 1,000 e-mails a month are free (https://aws.amazon.com/sns/pricing/); alarms publish a few",
	"aws:sns/topicPolicy:TopicPolicy":                                                            "configuration, no charge",
	"aws:sns/topicSubscription:TopicSubscription":                                                "e-mail deliveries within the free 1,000 a month",
	"aws:scheduler/schedule:Schedule":                                                            "14 million invocations a month are free (" + srcScheduler + "); a weekly schedule makes 4 or 5",
	"aws:cloudwatch/eventRule:EventRule":                                                         "rules on AWS events cost nothing",
	"aws:cloudwatch/eventTarget:EventTarget":                                                     "rules on AWS events cost nothing",
	"cloudflare:index/record:Record":                                                             "DNS records are in the Cloudflare plan",
	"cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride":                                 "zone settings are in the Cloudflare plan",
	"cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls":                         "in the Cloudflare plan",
}

// Price returns the row of a dimension in a Region.
func Price(region, key string) (Row, error) {
	for _, r := range Prices {
		if r.Region == region && r.Key == key {
			return r, nil
		}
	}
	return Row{}, fmt.Errorf("no price for %s in %s: add a row to pkg/cost/prices.go", key, region)
}

// Regions returns the Regions the table prices, sorted.
func Regions() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range Prices {
		if !seen[r.Region] {
			seen[r.Region] = true
			out = append(out, r.Region)
		}
	}
	sort.Strings(out)
	return out
}
