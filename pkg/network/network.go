// Package network is the stack's VPC: public, private and isolated subnets over two or three AZs, NAT per
// the stack's strategy, the S3 gateway endpoint, optional interface endpoints, flow logs, and the default
// security group emptied so nothing can lean on it.
//
// It is built from aws.ec2 resources rather than the awsx Vpc component: awsx registers its subnets, route
// tables and NAT gateways inside a remote component, out of reach of this program (the S3 gateway endpoint
// needs the route table ids) and of the plan and tests that must show them.
package network

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// NAT strategies.
const (
	NatSingle   = "single"
	NatOnePerAz = "onePerAz"
	NatNone     = "none"
	// NatInstance is one NAT instance on Graviton for non-prod stacks (natinstance.go).
	NatInstance = "instance"
)

// InterfaceEndpointServices are the AWS APIs a Fargate task needs without a NAT: image pulls (ecr.api,
// ecr.dkr; layers come from S3 through the gateway endpoint), logs, secrets and parameters, ECS Exec
// (ssmmessages) and KMS.
var InterfaceEndpointServices = []string{"ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages", "kms"}

// Args configures the network.
type Args struct {
	// PermissionsBoundaryArn is set as the permissions boundary of every role the component creates.
	// Default "": none.
	PermissionsBoundaryArn string
	// Cidr is the VPC's IPv4 block. Required.
	Cidr string
	// AzCount is how many AZs the subnets span. Default 2.
	AzCount int
	// NatStrategy is single, onePerAz, none or instance (one NAT instance, natinstance.go). Default single.
	NatStrategy string
	// InterfaceEndpoints adds the InterfaceEndpointServices endpoints. Default false.
	InterfaceEndpoints bool
	// LogGroupPrefix is where the flow log group goes ("<prefix>/vpc-flow-logs"); the stack key's policy
	// lets CloudWatch Logs use the key for groups under it. Required.
	LogGroupPrefix string
	// FlowLogRetentionDays is the flow log group's retention. Default 365.
	FlowLogRetentionDays int
	// KmsKeyArn encrypts the flow log group. Required.
	KmsKeyArn pulumi.StringInput
}

// Network is the component.
type Network struct {
	pulumi.ResourceState

	VpcId                   pulumi.StringOutput      `pulumi:"vpcId"`
	VpcCidr                 pulumi.StringOutput      `pulumi:"vpcCidr"`
	PublicSubnetIds         pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	PrivateSubnetIds        pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	IsolatedSubnetIds       pulumi.StringArrayOutput `pulumi:"isolatedSubnetIds"`
	EndpointSecurityGroupId pulumi.StringPtrOutput   `pulumi:"endpointSecurityGroupId"`
	FlowLogGroupArn         pulumi.StringOutput      `pulumi:"flowLogGroupArn"`
	// ServiceSecurityGroupId is the group the ECS tasks run in (no ingress until the edge adds the ALB).
	ServiceSecurityGroupId pulumi.StringOutput `pulumi:"serviceSecurityGroupId"`
}

func (a *Args) withDefaults() (Args, error) {
	out := *a
	if out.AzCount == 0 {
		out.AzCount = 2
	}
	if out.NatStrategy == "" {
		out.NatStrategy = NatSingle
	}
	if out.FlowLogRetentionDays == 0 {
		out.FlowLogRetentionDays = 365
	}
	prefix, err := netip.ParsePrefix(out.Cidr)
	switch {
	case err != nil || !prefix.Addr().Is4() || prefix.Bits() < 16 || prefix.Bits() > 24:
		return out, fmt.Errorf("network: Cidr %q: want an IPv4 block from /16 to /24", out.Cidr)
	case out.AzCount < 2 || out.AzCount > 3:
		return out, fmt.Errorf("network: AzCount %d: want 2 or 3", out.AzCount)
	case out.NatStrategy != NatSingle && out.NatStrategy != NatOnePerAz && out.NatStrategy != NatNone &&
		out.NatStrategy != NatInstance:
		return out, fmt.Errorf("network: NatStrategy %q: want single, onePerAz, none or instance", out.NatStrategy)
	case out.NatStrategy == NatNone && !out.InterfaceEndpoints:
		return out, fmt.Errorf("network: NatStrategy none needs InterfaceEndpoints, or tasks cannot pull images")
	case out.KmsKeyArn == nil || out.LogGroupPrefix == "":
		return out, fmt.Errorf("network: KmsKeyArn and LogGroupPrefix are required")
	}
	return out, nil
}

// New creates the network.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Network, error) {
	if args == nil {
		args = &Args{}
	}
	a, err := args.withDefaults()
	if err != nil {
		return nil, err
	}
	n := &Network{}
	if err := ctx.RegisterComponentResource("fargate-platform:network:Network", name, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)

	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{State: pulumi.StringRef("available")}, pulumi.Parent(n))
	if err != nil {
		return nil, fmt.Errorf("network: availability zones: %w", err)
	}
	if len(zones.Names) < a.AzCount {
		return nil, fmt.Errorf("network: the region has %d available AZs, the stack asks for %d", len(zones.Names), a.AzCount)
	}
	azs := zones.Names[:a.AzCount]

	// The VPC, with DNS on: interface endpoints' private DNS and RDS endpoints need it.
	network, err := ec2.NewVpc(ctx, name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(a.Cidr),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent)
	if err != nil {
		return nil, err
	}

	// The default security group, taken over with no rules: anything launched without a group is cut off.
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default", &ec2.DefaultSecurityGroupArgs{
		VpcId: network.ID(),
		Tags:  pulumi.StringMap{"Name": pulumi.String(name + "-default-unused")},
	}, parent); err != nil {
		return nil, err
	}

	igw, err := ec2.NewInternetGateway(ctx, name, &ec2.InternetGatewayArgs{
		VpcId: network.ID(),
		Tags:  pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent)
	if err != nil {
		return nil, err
	}

	cidrs, err := SubnetCidrs(a.Cidr, a.AzCount)
	if err != nil {
		return nil, err
	}
	subnets := map[string][]*ec2.Subnet{}
	for _, tier := range []string{"public", "private", "isolated"} {
		for i, az := range azs {
			// Public subnets hold only the ALB and NAT gateways; nothing gets a public IP by default.
			s, err := ec2.NewSubnet(ctx, fmt.Sprintf("%s-%s-%d", name, tier, i), &ec2.SubnetArgs{
				VpcId:               network.ID(),
				CidrBlock:           pulumi.String(cidrs[tier][i]),
				AvailabilityZone:    pulumi.String(az),
				MapPublicIpOnLaunch: pulumi.Bool(false),
				Tags: pulumi.StringMap{
					"Name": pulumi.String(fmt.Sprintf("%s-%s-%s", name, tier, az)),
					"Tier": pulumi.String(tier),
				},
			}, parent)
			if err != nil {
				return nil, err
			}
			subnets[tier] = append(subnets[tier], s)
		}
	}

	// Public route table: default route to the internet gateway.
	publicRt, err := ec2.NewRouteTable(ctx, name+"-public", &ec2.RouteTableArgs{
		VpcId: network.ID(),
		Tags:  pulumi.StringMap{"Name": pulumi.String(name + "-public")},
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := ec2.NewRoute(ctx, name+"-public-default", &ec2.RouteArgs{
		RouteTableId:         publicRt.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		GatewayId:            igw.ID(),
	}, parent); err != nil {
		return nil, err
	}
	if err := associate(ctx, name+"-public", publicRt, subnets["public"], parent); err != nil {
		return nil, err
	}

	// NAT gateways: one for the VPC (dev: cheap, one AZ's failure cuts egress) or one per AZ (prod).
	var nats []*ec2.NatGateway
	natCount := map[string]int{NatSingle: 1, NatOnePerAz: a.AzCount}[a.NatStrategy]
	for i := 0; i < natCount; i++ {
		eip, err := ec2.NewEip(ctx, fmt.Sprintf("%s-nat-%d", name, i), &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   pulumi.StringMap{"Name": pulumi.String(fmt.Sprintf("%s-nat-%s", name, azs[i]))},
		}, parent)
		if err != nil {
			return nil, err
		}
		nat, err := ec2.NewNatGateway(ctx, fmt.Sprintf("%s-%d", name, i), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(),
			SubnetId:     subnets["public"][i].ID(),
			Tags:         pulumi.StringMap{"Name": pulumi.String(fmt.Sprintf("%s-%s", name, azs[i]))},
		}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return nil, err
		}
		nats = append(nats, nat)
	}

	// instance: one NAT instance behind a fixed network interface in the first public subnet.
	var natEni pulumi.IDOutput
	if a.NatStrategy == NatInstance {
		if natEni, err = natInstance(ctx, name, a, network.ID(), subnets["public"][0], parent,
			pulumi.DependsOn([]pulumi.Resource{igw})); err != nil {
			return nil, err
		}
	}

	// Private route tables, one per AZ, each to its AZ's NAT (or the single one, or the NAT instance's
	// interface; none: no default route).
	var endpointRts pulumi.StringArray
	for i := range azs {
		rt, err := ec2.NewRouteTable(ctx, fmt.Sprintf("%s-private-%d", name, i), &ec2.RouteTableArgs{
			VpcId: network.ID(),
			Tags:  pulumi.StringMap{"Name": pulumi.String(fmt.Sprintf("%s-private-%s", name, azs[i]))},
		}, parent)
		if err != nil {
			return nil, err
		}
		if len(nats) > 0 || a.NatStrategy == NatInstance {
			route := &ec2.RouteArgs{RouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0")}
			if a.NatStrategy == NatInstance {
				route.NetworkInterfaceId = natEni
			} else {
				route.NatGatewayId = nats[i%len(nats)].ID()
			}
			if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-private-%d-default", name, i), route, parent); err != nil {
				return nil, err
			}
		}
		if err := associate(ctx, fmt.Sprintf("%s-private-%d", name, i), rt, subnets["private"][i:i+1], parent); err != nil {
			return nil, err
		}
		endpointRts = append(endpointRts, rt.ID())
	}

	// Isolated route table: local routes only. The data stores live here.
	isolatedRt, err := ec2.NewRouteTable(ctx, name+"-isolated", &ec2.RouteTableArgs{
		VpcId: network.ID(),
		Tags:  pulumi.StringMap{"Name": pulumi.String(name + "-isolated")},
	}, parent)
	if err != nil {
		return nil, err
	}
	if err := associate(ctx, name+"-isolated", isolatedRt, subnets["isolated"], parent); err != nil {
		return nil, err
	}
	endpointRts = append(endpointRts, isolatedRt.ID())

	region, err := aws.GetRegion(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("network: region: %w", err)
	}
	// S3 gateway endpoint, always: free, and ECR image layers are served from S3.
	if _, err := ec2.NewVpcEndpoint(ctx, name+"-s3", &ec2.VpcEndpointArgs{
		VpcId:           network.ID(),
		ServiceName:     pulumi.Sprintf("com.amazonaws.%s.s3", region.Name),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   endpointRts,
		Tags:            pulumi.StringMap{"Name": pulumi.String(name + "-s3")},
	}, parent); err != nil {
		return nil, err
	}

	endpointSgId := pulumi.StringPtr("").ToStringPtrOutput()
	if a.InterfaceEndpoints {
		// Interface endpoints admit HTTPS from inside the VPC only.
		sg, err := ec2.NewSecurityGroup(ctx, name+"-endpoints", &ec2.SecurityGroupArgs{
			VpcId:       network.ID(),
			Description: pulumi.String("VPC interface endpoints: HTTPS from the VPC"),
			Tags:        pulumi.StringMap{"Name": pulumi.String(name + "-endpoints")},
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-endpoints-https", &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: sg.ID(),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(443),
			ToPort:          pulumi.Int(443),
			CidrIpv4:        pulumi.String(a.Cidr),
			Description:     pulumi.String("HTTPS from the VPC"),
		}, parent); err != nil {
			return nil, err
		}
		var privateIds pulumi.StringArray
		for _, s := range subnets["private"] {
			privateIds = append(privateIds, s.ID())
		}
		for _, svc := range InterfaceEndpointServices {
			if _, err := ec2.NewVpcEndpoint(ctx, name+"-"+svc, &ec2.VpcEndpointArgs{
				VpcId:             network.ID(),
				ServiceName:       pulumi.Sprintf("com.amazonaws.%s.%s", region.Name, svc),
				VpcEndpointType:   pulumi.String("Interface"),
				PrivateDnsEnabled: pulumi.Bool(true),
				SubnetIds:         privateIds,
				SecurityGroupIds:  pulumi.StringArray{sg.ID()},
				Tags:              pulumi.StringMap{"Name": pulumi.String(name + "-" + svc)},
			}, parent); err != nil {
				return nil, err
			}
		}
		endpointSgId = sg.ID().ToStringOutput().ToStringPtrOutput()
	}

	// The workload security group the ECS tasks run in. It starts with no ingress: the edge admits the ALB
	// and the data tier admits nothing but this group. Egress is HTTPS (AWS APIs, through endpoints or NAT,
	// and the app's own calls); the data tier adds egress to its own groups.
	serviceSg, err := ec2.NewSecurityGroup(ctx, name+"-service", &ec2.SecurityGroupArgs{
		VpcId:       network.ID(),
		Description: pulumi.String("ECS tasks of " + name),
		Tags:        pulumi.StringMap{"Name": pulumi.String(name + "-service")},
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-service-https-out", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: serviceSg.ID(),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(443),
		ToPort:          pulumi.Int(443),
		CidrIpv4:        pulumi.String("0.0.0.0/0"),
		Description:     pulumi.String("HTTPS to AWS APIs and the app's external services"),
	}, parent); err != nil {
		return nil, err
	}

	flowLogArn, err := flowLogs(ctx, name, a, network, parent)
	if err != nil {
		return nil, err
	}

	ids := func(tier string) pulumi.StringArrayOutput {
		var out pulumi.StringArray
		for _, s := range subnets[tier] {
			out = append(out, s.ID())
		}
		return out.ToStringArrayOutput()
	}
	n.VpcId = network.ID().ToStringOutput()
	n.VpcCidr = network.CidrBlock
	n.PublicSubnetIds = ids("public")
	n.PrivateSubnetIds = ids("private")
	n.IsolatedSubnetIds = ids("isolated")
	n.EndpointSecurityGroupId = endpointSgId
	n.FlowLogGroupArn = flowLogArn
	n.ServiceSecurityGroupId = serviceSg.ID().ToStringOutput()
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId": n.VpcId, "vpcCidr": n.VpcCidr, "publicSubnetIds": n.PublicSubnetIds,
		"privateSubnetIds": n.PrivateSubnetIds, "isolatedSubnetIds": n.IsolatedSubnetIds,
		"endpointSecurityGroupId": n.EndpointSecurityGroupId, "flowLogGroupArn": n.FlowLogGroupArn,
		"serviceSecurityGroupId": n.ServiceSecurityGroupId,
	})
}

func associate(ctx *pulumi.Context, name string, rt *ec2.RouteTable, subnets []*ec2.Subnet, opts ...pulumi.ResourceOption) error {
	for i, s := range subnets {
		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-%d", name, i), &ec2.RouteTableAssociationArgs{
			RouteTableId: rt.ID(),
			SubnetId:     s.ID(),
		}, opts...); err != nil {
			return err
		}
	}
	return nil
}

// flowLogs sends every accepted and rejected flow to a KMS-encrypted log group, through a role that may
// write to that group only, and that only the flow logs service of this account can assume.
func flowLogs(ctx *pulumi.Context, name string, a Args, network *ec2.Vpc, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	group, err := cloudwatch.NewLogGroup(ctx, name+"-flow-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(a.LogGroupPrefix + "/vpc-flow-logs"),
		RetentionInDays: pulumi.Int(a.FlowLogRetentionDays),
		KmsKeyId:        a.KmsKeyArn,
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("network: caller identity: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("network: region: %w", err)
	}
	trust := iampolicy.New(iampolicy.Statement{
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Service: []string{"vpc-flow-logs.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iampolicy.Condition{
			"StringEquals": {"aws:SourceAccount": {caller.AccountId}},
			"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-flow-log/*", region.Name, caller.AccountId)}},
		},
	})
	role, err := iam.NewRole(ctx, name+"-flow-logs", &iam.RoleArgs{
		PermissionsBoundary: iampolicy.Boundary(a.PermissionsBoundaryArn),
		AssumeRolePolicy:    pulumi.String(trust.JSON()),
		Description:         pulumi.String("VPC flow logs delivery to " + a.LogGroupPrefix + "/vpc-flow-logs"),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-flow-logs", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			groupArn := v[0].(string)
			return iampolicy.New(iampolicy.Allow("WriteFlowLogs",
				[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
				groupArn, groupArn+":*"))
		}, group.Arn),
	}, parent); err != nil {
		return pulumi.StringOutput{}, err
	}
	if _, err := ec2.NewFlowLog(ctx, name, &ec2.FlowLogArgs{
		VpcId:                  network.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         group.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(60),
	}, parent); err != nil {
		return pulumi.StringOutput{}, err
	}
	return group.Arn, nil
}

// SubnetCidrs lays the subnets out: the VPC splits into four equal AZ blocks (room for a fourth AZ);
// in each, the private subnet takes half and the public and isolated subnets an eighth each, never
// smaller than the /28 AWS allows.
func SubnetCidrs(cidr string, azCount int) (map[string][]string, error) {
	block, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	azBits := block.Bits() + 2
	sizes := map[string]int{"private": azBits + 1, "public": min(azBits+3, 28), "isolated": min(azBits+3, 28)}
	out := map[string][]string{}
	base := addrToUint(block.Masked().Addr())
	azSize := uint32(1) << (32 - azBits)
	for i := 0; i < azCount; i++ {
		next := base + uint32(i)*azSize
		for _, tier := range []string{"private", "public", "isolated"} {
			size := uint32(1) << (32 - sizes[tier])
			next = (next + size - 1) / size * size // align
			out[tier] = append(out[tier], netip.PrefixFrom(uintToAddr(next), sizes[tier]).String())
			next += size
		}
		if next > base+uint32(i+1)*azSize {
			return nil, fmt.Errorf("network: %s is too small for %d AZs of subnets", cidr, azCount)
		}
	}
	return out, nil
}

func addrToUint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func uintToAddr(u uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
}
