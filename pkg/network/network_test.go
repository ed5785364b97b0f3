package network

import (
	"encoding/base64"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const keyArn = "arn:aws:kms:ap-southeast-2:123456789012:key/0f0e0d0c-0000-4000-8000-000000000001"

// run plans one Network under the recording mock.
func run(t *testing.T, args Args) *plan.Recorder {
	t.Helper()
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		args.KmsKeyArn = pulumi.String(keyArn)
		args.LogGroupPrefix = "/fargate-platform/test"
		_, err := New(ctx, "net", &args)
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	return rec
}

func TestNatStrategyDecidesGatewaysAndDefaultRoutes(t *testing.T) {
	tests := []struct {
		name          string
		give          Args
		wantNats      int
		wantEndpoints int // interface endpoints
	}{
		{"single NAT for dev", Args{Cidr: "10.10.0.0/16", AzCount: 2, NatStrategy: NatSingle}, 1, 0},
		{"one NAT per AZ for prod", Args{Cidr: "10.20.0.0/16", AzCount: 3, NatStrategy: NatOnePerAz, InterfaceEndpoints: true}, 3, 7},
		{"no NAT behind endpoints", Args{Cidr: "10.30.0.0/20", AzCount: 2, NatStrategy: NatNone, InterfaceEndpoints: true}, 0, 7},
		{"a NAT instance, no gateway", Args{Cidr: "10.10.0.0/16", AzCount: 2, NatStrategy: NatInstance}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, tt.give)
			assert.Len(t, rec.ByType("aws:ec2/natGateway:NatGateway"), tt.wantNats)
			assert.Len(t, rec.ByType("aws:ec2/subnet:Subnet"), 3*tt.give.AzCount)

			defaults := 0
			for _, r := range rec.ByType("aws:ec2/route:Route") {
				if r.Str("natGatewayId") != "" || r.Str("networkInterfaceId") != "" {
					defaults++
				}
			}
			wantPrivateDefaults := tt.give.AzCount
			if tt.give.NatStrategy == NatNone {
				wantPrivateDefaults = 0
			}
			assert.Equal(t, wantPrivateDefaults, defaults, "private default routes through NAT")

			interfaces := 0
			for _, e := range rec.ByType("aws:ec2/vpcEndpoint:VpcEndpoint") {
				switch e.Str("vpcEndpointType") {
				case "Interface":
					interfaces++
					assert.Equal(t, true, e.In("privateDnsEnabled"))
				case "Gateway":
					assert.Equal(t, "com.amazonaws.ap-southeast-2.s3", e.Str("serviceName"))
					// every private route table and the isolated one
					assert.Len(t, e.In("routeTableIds"), tt.give.AzCount+1)
				}
			}
			assert.Equal(t, tt.wantEndpoints, interfaces)
		})
	}
}

func TestSubnetsNeverAssignPublicIPs(t *testing.T) {
	rec := run(t, Args{Cidr: "10.10.0.0/16"})
	for _, s := range rec.ByType("aws:ec2/subnet:Subnet") {
		assert.Equal(t, false, s.In("mapPublicIpOnLaunch"), s.Name)
	}
}

func TestDefaultSecurityGroupHasNoRules(t *testing.T) {
	rec := run(t, Args{Cidr: "10.10.0.0/16"})
	sgs := rec.ByType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
	require.Len(t, sgs, 1)
	assert.Nil(t, sgs[0].In("ingress"))
	assert.Nil(t, sgs[0].In("egress"))
}

func TestEndpointSecurityGroupAdmitsHTTPSFromTheVpcOnly(t *testing.T) {
	rec := run(t, Args{Cidr: "10.20.0.0/16", AzCount: 3, NatStrategy: NatOnePerAz, InterfaceEndpoints: true})
	rules := rec.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
	require.Len(t, rules, 1)
	assert.Equal(t, "10.20.0.0/16", rules[0].Str("cidrIpv4"))
	assert.Equal(t, float64(443), rules[0].In("fromPort"))
	assert.Equal(t, float64(443), rules[0].In("toPort"))
}

func TestFlowLogsGoToAnEncryptedGroupThroughAScopedRole(t *testing.T) {
	rec := run(t, Args{Cidr: "10.10.0.0/16", FlowLogRetentionDays: 30})
	groups := rec.ByType("aws:cloudwatch/logGroup:LogGroup")
	require.Len(t, groups, 1)
	assert.Equal(t, "/fargate-platform/test/vpc-flow-logs", groups[0].Str("name"))
	assert.Equal(t, keyArn, groups[0].Str("kmsKeyId"))
	assert.Equal(t, float64(30), groups[0].In("retentionInDays"))
	groupArn := groups[0].Outputs["arn"].(string)

	flow := rec.ByType("aws:ec2/flowLog:FlowLog")
	require.Len(t, flow, 1)
	assert.Equal(t, "ALL", flow[0].Str("trafficType"))
	assert.Equal(t, groupArn, flow[0].Str("logDestination"))

	role := rec.ByType("aws:iam/role:Role")
	require.Len(t, role, 1)
	trust, err := iampolicy.Parse(role[0].Str("assumeRolePolicy"))
	require.NoError(t, err)
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, []string{"vpc-flow-logs.amazonaws.com"}, trust.Statement[0].Principal.Service)
	assert.Equal(t, []string{plan.Account}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])

	policy, err := iampolicy.Parse(rec.ByType("aws:iam/rolePolicy:RolePolicy")[0].Str("policy"))
	require.NoError(t, err)
	require.Len(t, policy.Statement, 1)
	assert.ElementsMatch(t, []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, policy.Statement[0].Action)
	assert.Equal(t, []string{groupArn, groupArn + ":*"}, policy.Statement[0].Resource)
}

func TestSubnetCidrs(t *testing.T) {
	tests := []struct {
		give    string
		azs     int
		want    map[string][]string
		wantErr bool
	}{
		{give: "10.20.0.0/16", azs: 3, want: map[string][]string{
			"private":  {"10.20.0.0/19", "10.20.64.0/19", "10.20.128.0/19"},
			"public":   {"10.20.32.0/21", "10.20.96.0/21", "10.20.160.0/21"},
			"isolated": {"10.20.40.0/21", "10.20.104.0/21", "10.20.168.0/21"},
		}},
		{give: "192.168.1.0/24", azs: 2, want: map[string][]string{
			"private":  {"192.168.1.0/27", "192.168.1.64/27"},
			"public":   {"192.168.1.32/28", "192.168.1.96/28"},
			"isolated": {"192.168.1.48/28", "192.168.1.112/28"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := SubnetCidrs(tt.give, tt.azs)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRejectsArgsItCannotBuild(t *testing.T) {
	tests := []struct {
		name string
		give Args
	}{
		{"no CIDR", Args{}},
		{"one AZ", Args{Cidr: "10.0.0.0/16", AzCount: 1}},
		{"unknown NAT", Args{Cidr: "10.0.0.0/16", NatStrategy: "two"}},
		{"no NAT and no endpoints", Args{Cidr: "10.0.0.0/16", NatStrategy: NatNone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				tt.give.KmsKeyArn = pulumi.String(keyArn)
				tt.give.LogGroupPrefix = "/p/s"
				_, err := New(ctx, "net", &tt.give)
				return err
			}, rec.RunOptions(nil, nil)...)
			require.Error(t, err)
			assert.Empty(t, rec.Resources())
		})
	}
}

// natInstancePlan plans a dev-shaped network with the NAT instance.
func natInstancePlan(t *testing.T) *plan.Recorder {
	t.Helper()
	return run(t, Args{Cidr: "10.10.0.0/16", AzCount: 2, NatStrategy: NatInstance})
}

func TestNatInstanceReplacesTheGatewaysAndEveryPrivateRouteTargetsItsInterface(t *testing.T) {
	rec := natInstancePlan(t)
	assert.Empty(t, rec.ByType("aws:ec2/natGateway:NatGateway"))
	enis := rec.ByType("aws:ec2/networkInterface:NetworkInterface")
	require.Len(t, enis, 1)
	eniId := enis[0].ID
	require.NotEmpty(t, eniId)
	assert.Equal(t, false, enis[0].In("sourceDestCheck"), "a NAT forwards packets that are not its own")
	assert.Equal(t, rec.Find("aws:ec2/subnet:Subnet", "net-public-0").ID, enis[0].Str("subnetId"))

	var targets []string
	for _, r := range rec.ByType("aws:ec2/route:Route") {
		if r.Name == "net-public-default" {
			continue
		}
		assert.Empty(t, r.Str("natGatewayId"), r.Name)
		targets = append(targets, r.Str("networkInterfaceId"))
	}
	assert.Equal(t, []string{eniId, eniId}, targets, "one default route per private route table, to the interface")

	assoc := rec.ByType("aws:ec2/eipAssociation:EipAssociation")
	require.Len(t, assoc, 1)
	assert.Equal(t, eniId, assoc[0].Str("networkInterfaceId"))
	assert.Equal(t, rec.Find("aws:ec2/eip:Eip", "net-nat-instance").ID, assoc[0].Str("allocationId"))
}

func TestNatInstanceIsOneGravitonInstanceInAGroupOfOne(t *testing.T) {
	rec := natInstancePlan(t)
	groups := rec.ByType("aws:autoscaling/group:Group")
	require.Len(t, groups, 1)
	g := groups[0]
	for _, k := range []string{"minSize", "maxSize", "desiredCapacity"} {
		assert.Equal(t, float64(1), g.In(k), k)
	}
	assert.Equal(t, float64(NatInstanceLifetimeSeconds), g.In("maxInstanceLifetime"))
	assert.Equal(t, []any{rec.Find("aws:ec2/subnet:Subnet", "net-public-0").ID}, g.In("vpcZoneIdentifiers"))

	lts := rec.ByType("aws:ec2/launchTemplate:LaunchTemplate")
	require.Len(t, lts, 1)
	lt := lts[0]
	assert.Equal(t, lt.ID, g.Str("launchTemplate.id"))
	assert.Equal(t, "1", g.Str("launchTemplate.version"))
	assert.Equal(t, "t4g.nano", lt.Str("instanceType"))
	assert.Equal(t, "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", lt.Str("imageId"))
	assert.Nil(t, lt.In("iamInstanceProfile"), "the instance needs no AWS API rights")
	assert.Nil(t, lt.In("keyName"))
}

func TestNatInstanceRequiresIMDSv2AndEncryptsItsVolume(t *testing.T) {
	lt := natInstancePlan(t).ByType("aws:ec2/launchTemplate:LaunchTemplate")[0]
	assert.Equal(t, "required", lt.Str("metadataOptions.httpTokens"))
	assert.Equal(t, float64(1), lt.In("metadataOptions.httpPutResponseHopLimit"))
	bdm := lt.In("blockDeviceMappings").([]any)
	require.Len(t, bdm, 1)
	ebs := bdm[0].(map[string]any)["ebs"].(map[string]any)
	assert.Equal(t, "true", ebs["encrypted"])

	nics := lt.In("networkInterfaces").([]any)
	require.Len(t, nics, 1)
	nic := nics[0].(map[string]any)
	assert.Equal(t, float64(0), nic["deviceIndex"])
	assert.Equal(t, "false", nic["deleteOnTermination"], "the interface outlives each instance")
	assert.Nil(t, nic["associatePublicIpAddress"])
}

func TestNatInstanceSecurityGroupAdmitsTheVpcAndLeavesOnHTTPS(t *testing.T) {
	rec := natInstancePlan(t)
	sg := rec.Find("aws:ec2/securityGroup:SecurityGroup", "net-nat-instance")
	require.NotNil(t, sg)
	assert.Equal(t, []any{sg.ID}, rec.ByType("aws:ec2/networkInterface:NetworkInterface")[0].In("securityGroups"))

	type rule struct {
		cidr       string
		from, to   float64
		proto, dir string
	}
	var got []rule
	for dir, typ := range map[string]string{"in": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
		"out": "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"} {
		for _, r := range rec.ByType(typ) {
			if r.Str("securityGroupId") == sg.ID {
				got = append(got, rule{r.Str("cidrIpv4"), r.In("fromPort").(float64), r.In("toPort").(float64), r.Str("ipProtocol"), dir})
			}
		}
	}
	assert.ElementsMatch(t, []rule{{"10.10.0.0/16", 443, 443, "tcp", "in"}, {"0.0.0.0/0", 443, 443, "tcp", "out"}}, got)
}

func TestNatInstanceUserDataForwardsAndMasqueradesOnlyTheVpc(t *testing.T) {
	lt := natInstancePlan(t).ByType("aws:ec2/launchTemplate:LaunchTemplate")[0]
	raw, err := base64.StdEncoding.DecodeString(lt.Str("userData"))
	require.NoError(t, err)
	script := string(raw)
	for _, want := range []string{
		"net.ipv4.ip_forward = 1",
		"iptables -P FORWARD DROP",
		"iptables -A FORWARD -s 10.10.0.0/16 ! -d 10.10.0.0/16 -j ACCEPT",
		"iptables -t nat -A POSTROUTING -s 10.10.0.0/16 ! -d 10.10.0.0/16 -j MASQUERADE",
		"systemctl enable --now iptables",
		"dnf -y upgrade --security",
	} {
		assert.Contains(t, script, want)
	}
}
