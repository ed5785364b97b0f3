package network

import (
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The NAT instance (NatStrategy instance), for non-prod stacks: what a NAT gateway does for about a tenth
// of its fixed price, with a single instance's availability.
const (
	// NatInstanceType is the cheapest Graviton instance: t4g.nano, 2 vCPU burstable, 0.5 GiB, "up to 5
	// Gbps" network bandwidth (https://aws.amazon.com/ec2/instance-types/t4/), $0.0042 an hour in us-east-1
	// and $0.0053 in ap-southeast-2 (pkg/cost prices.go). Forwarding a dev stack's image pulls and API
	// calls needs neither memory nor sustained CPU; a NAT gateway scales to 100 Gbps, which dev never uses.
	NatInstanceType = "t4g.nano"
	// NatInstanceImage is Amazon Linux 2023 for arm64, resolved from AWS's public SSM parameter when each
	// instance launches, so a replacement starts from the latest patched AMI and the plan needs no data
	// source ("Use AWS Systems Manager parameters instead of AMI IDs in launch templates",
	// https://docs.aws.amazon.com/autoscaling/ec2/userguide/using-systems-manager-parameters.html).
	NatInstanceImage = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
	// NatInstanceLifetimeSeconds: the group replaces its instance weekly, so the NAT runs an AMI at most a
	// week old (and boots with the security updates applied, natUserData); no agent and no instance role.
	NatInstanceLifetimeSeconds = 7 * 24 * 3600
)

// natInstance builds the NAT instance and returns the network interface the private routes target.
//
// The interface is fixed: created here with source/destination checking off and the NAT's security
// group, holding the Elastic IP, and attached as the primary interface (device index 0) by the launch
// template, so the routes never change and the instance needs no AWS API rights. The EC2 Auto Scaling
// user guide documents a launch template that names an existing network interface
// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/examples-launch-templates-aws-cli.html#example-existing-eni-launch-template);
// an interface attaches to one instance at a time and lives in one subnet, so the group is one instance
// (min = max = 1) in that subnet. A failed instance is replaced by the group (EC2 status checks): egress
// from the private subnets stops for the few minutes the replacement takes to boot.
func natInstance(ctx *pulumi.Context, name string, a Args, vpcId pulumi.IDOutput, subnet *ec2.Subnet,
	parent pulumi.ResourceOption, igw pulumi.ResourceOption) (pulumi.IDOutput, error) {
	n := name + "-nat-instance"

	// Its own group: HTTPS from the VPC in (the tasks' only egress), HTTPS to the internet out.
	sg, err := ec2.NewSecurityGroup(ctx, n, &ec2.SecurityGroupArgs{
		VpcId:       vpcId,
		Description: pulumi.String("NAT instance of " + name + ": HTTPS from the VPC, HTTPS to the internet"),
		Tags:        pulumi.StringMap{"Name": pulumi.String(n)},
	}, parent)
	if err != nil {
		return pulumi.IDOutput{}, err
	}
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, n+"-https-in", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: sg.ID(),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(443),
		ToPort:          pulumi.Int(443),
		CidrIpv4:        pulumi.String(a.Cidr),
		Description:     pulumi.String("HTTPS from the VPC, to be forwarded"),
	}, parent); err != nil {
		return pulumi.IDOutput{}, err
	}
	if _, err := vpc.NewSecurityGroupEgressRule(ctx, n+"-https-out", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: sg.ID(),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(443),
		ToPort:          pulumi.Int(443),
		CidrIpv4:        pulumi.String("0.0.0.0/0"),
		Description:     pulumi.String("HTTPS to the internet: forwarded traffic and the instance's own updates"),
	}, parent); err != nil {
		return pulumi.IDOutput{}, err
	}

	// The fixed interface: source/destination checking off, or EC2 drops every forwarded packet
	// (https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html).
	eni, err := ec2.NewNetworkInterface(ctx, n, &ec2.NetworkInterfaceArgs{
		SubnetId:        subnet.ID(),
		SecurityGroups:  pulumi.StringArray{sg.ID()},
		SourceDestCheck: pulumi.Bool(false),
		Description:     pulumi.String("NAT instance of " + name + ": the private routes' target"),
		Tags:            pulumi.StringMap{"Name": pulumi.String(n)},
	}, parent)
	if err != nil {
		return pulumi.IDOutput{}, err
	}

	// The interface's public address: the stack's egress IP, kept across replacements.
	eip, err := ec2.NewEip(ctx, n, &ec2.EipArgs{
		Domain: pulumi.String("vpc"),
		Tags:   pulumi.StringMap{"Name": pulumi.String(n)},
	}, parent, igw)
	if err != nil {
		return pulumi.IDOutput{}, err
	}
	if _, err := ec2.NewEipAssociation(ctx, n, &ec2.EipAssociationArgs{
		AllocationId:       eip.ID(),
		NetworkInterfaceId: eni.ID(),
	}, parent); err != nil {
		return pulumi.IDOutput{}, err
	}

	// The launch template: IMDSv2 only (EC2.170), an encrypted root volume (EC2.181) with the account's
	// aws/ebs key, the fixed interface as eth0 (no public IP of its own, EC2.25), no key pair and no
	// instance profile. The aws/ebs key needs no key policy for the Auto Scaling service-linked role; the
	// stack key would ("Required AWS KMS key policy for use with encrypted volumes",
	// https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html).
	lt, err := ec2.NewLaunchTemplate(ctx, n, &ec2.LaunchTemplateArgs{
		Description:  pulumi.String("NAT instance of " + name),
		ImageId:      pulumi.String(NatInstanceImage),
		InstanceType: pulumi.String(NatInstanceType),
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				Encrypted:           pulumi.String("true"),
				VolumeType:          pulumi.String("gp3"),
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		NetworkInterfaces: ec2.LaunchTemplateNetworkInterfaceArray{&ec2.LaunchTemplateNetworkInterfaceArgs{
			DeviceIndex:         pulumi.Int(0),
			NetworkInterfaceId:  eni.ID(),
			DeleteOnTermination: pulumi.String("false"),
		}},
		UserData: pulumi.String(base64.StdEncoding.EncodeToString([]byte(natUserData(a.Cidr)))),
		Tags:     pulumi.StringMap{"Name": pulumi.String(n)},
	}, parent)
	if err != nil {
		return pulumi.IDOutput{}, err
	}

	// The group of one: replaces a failed instance, and every instance after a week.
	if _, err := autoscaling.NewGroup(ctx, n, &autoscaling.GroupArgs{
		MinSize:                pulumi.Int(1),
		MaxSize:                pulumi.Int(1),
		DesiredCapacity:        pulumi.Int(1),
		VpcZoneIdentifiers:     pulumi.StringArray{subnet.ID()},
		HealthCheckType:        pulumi.String("EC2"),
		HealthCheckGracePeriod: pulumi.Int(120),
		MaxInstanceLifetime:    pulumi.Int(NatInstanceLifetimeSeconds),
		LaunchTemplate: &autoscaling.GroupLaunchTemplateArgs{
			Id:      lt.ID(),
			Version: pulumi.Sprintf("%d", lt.LatestVersion),
		},
		Tags: autoscaling.GroupTagArray{&autoscaling.GroupTagArgs{
			Key: pulumi.String("Name"), Value: pulumi.String(n), PropagateAtLaunch: pulumi.Bool(true),
		}},
	}, parent); err != nil {
		return pulumi.IDOutput{}, err
	}
	return eni.ID(), nil
}

// natUserData turns Amazon Linux 2023 into a NAT for the VPC, as the VPC user guide's NAT AMI steps do
// (https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html): security updates,
// iptables-services, IP forwarding, masquerade. It forwards only what comes from the VPC and goes out of
// it, and drops every other forward.
func natUserData(cidr string) string {
	return fmt.Sprintf(`#!/bin/bash
set -euo pipefail
dnf -y upgrade --security
dnf -y install iptables-services
cat > /etc/sysctl.d/90-nat.conf <<'EOF'
net.ipv4.ip_forward = 1
net.ipv4.conf.all.send_redirects = 0
EOF
sysctl --system
iptables -F
iptables -t nat -F
iptables -P FORWARD DROP
iptables -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables -A FORWARD -s %[1]s ! -d %[1]s -j ACCEPT
iptables -t nat -A POSTROUTING -s %[1]s ! -d %[1]s -j MASQUERADE
service iptables save
systemctl enable --now iptables
`, cidr)
}
