package compliance

import (
	"bytes"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// natStack is a NAT instance as pkg/network builds it (a fixed interface with source/destination checking
// off and an Elastic IP, the default route to it, a launch template attaching it, a group of one), broken
// where fault says.
func natStack(fault string) func(ctx *pulumi.Context) error {
	return func(ctx *pulumi.Context) error {
		eni, err := ec2.NewNetworkInterface(ctx, "nat", &ec2.NetworkInterfaceArgs{
			SubnetId: pulumi.String("subnet-1"), SourceDestCheck: pulumi.Bool(false)})
		if err != nil {
			return err
		}
		eip, err := ec2.NewEip(ctx, "nat", &ec2.EipArgs{Domain: pulumi.String("vpc")})
		if err != nil {
			return err
		}
		if _, err := ec2.NewEipAssociation(ctx, "nat", &ec2.EipAssociationArgs{AllocationId: eip.ID(), NetworkInterfaceId: eni.ID()}); err != nil {
			return err
		}
		if fault != "not-routed" {
			if _, err := ec2.NewRoute(ctx, "private-default", &ec2.RouteArgs{RouteTableId: pulumi.String("rtb-1"),
				DestinationCidrBlock: pulumi.String("0.0.0.0/0"), NetworkInterfaceId: eni.ID()}); err != nil {
				return err
			}
		}
		tokens, encrypted, public := "required", "true", pulumi.StringPtrInput(nil)
		switch fault {
		case "imdsv1":
			tokens = "optional"
		case "unencrypted":
			encrypted = "false"
		case "template-public-ip":
			public = pulumi.String("true")
		}
		lt, err := ec2.NewLaunchTemplate(ctx, "nat", &ec2.LaunchTemplateArgs{
			InstanceType:    pulumi.String("t4g.nano"),
			MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{HttpTokens: pulumi.String(tokens)},
			BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
				DeviceName: pulumi.String("/dev/xvda"),
				Ebs:        &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{Encrypted: pulumi.String(encrypted)},
			}},
			NetworkInterfaces: ec2.LaunchTemplateNetworkInterfaceArray{&ec2.LaunchTemplateNetworkInterfaceArgs{
				DeviceIndex: pulumi.Int(0), NetworkInterfaceId: eni.ID(), AssociatePublicIpAddress: public,
			}},
		})
		if err != nil {
			return err
		}
		size := 1
		if fault == "group-of-three" {
			size = 3
		}
		group := &autoscaling.GroupArgs{
			MinSize: pulumi.Int(size), MaxSize: pulumi.Int(size), VpcZoneIdentifiers: pulumi.StringArray{pulumi.String("subnet-1")},
			HealthCheckType: pulumi.String("EC2"),
			LaunchTemplate:  &autoscaling.GroupLaunchTemplateArgs{Id: lt.ID(), Version: pulumi.String("1")},
		}
		if fault == "behind-alb" {
			group.TargetGroupArns = pulumi.StringArray{pulumi.String("arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/web/1")}
		}
		_, err = autoscaling.NewGroup(ctx, "nat", group)
		return err
	}
}

// The checks a NAT instance's resources are held to, and which of them its deviations accept.
var natChecks = []string{"EC2.25", "EC2.170", "EC2.181", "AutoScaling.1", "AutoScaling.9",
	"AutoScaling.2", "AutoScaling.6", "EC2.9", "EC2.180", "SSM.1"}

// TestNatInstanceChecks: each fault fails exactly its check, in dev as in prod; the NAT instance as built
// passes the rest, its four design deviations accepted in dev only.
func TestNatInstanceChecks(t *testing.T) {
	tests := []struct {
		give, env string
		// wantFail are the checks that fail; every other of natChecks passes.
		wantFail []string
	}{
		{give: "", env: "dev"},
		{give: "", env: "prod", wantFail: []string{"AutoScaling.2", "AutoScaling.6", "EC2.9", "EC2.180", "SSM.1"}},
		{give: "", env: "staging", wantFail: []string{"AutoScaling.2", "AutoScaling.6", "EC2.9", "EC2.180", "SSM.1"}},
		{give: "imdsv1", env: "dev", wantFail: []string{"EC2.170"}},
		{give: "unencrypted", env: "dev", wantFail: []string{"EC2.181"}},
		{give: "template-public-ip", env: "dev", wantFail: []string{"EC2.25"}},
		{give: "behind-alb", env: "dev", wantFail: []string{"AutoScaling.1"}},
		// An interface no default route targets is not a NAT's: nothing of it is accepted, nor of the
		// template attaching it, nor of the group launching that template.
		{give: "not-routed", env: "dev", wantFail: []string{"AutoScaling.2", "AutoScaling.6", "EC2.9", "EC2.180", "SSM.1"}},
		// A group of three is no NAT instance: its single AZ and type fail; the interface's and
		// template's deviations still hold.
		{give: "group-of-three", env: "dev", wantFail: []string{"AutoScaling.2", "AutoScaling.6"}},
	}
	for _, tt := range tests {
		t.Run(tt.give+"/"+tt.env, func(t *testing.T) {
			r := Evaluate(record(t, natStack(tt.give)), tt.env)
			for _, id := range natChecks {
				got := check(t, r, id)
				want := !contains(tt.wantFail, id)
				assert.Equal(t, want, got.Pass, "%s: %v", id, got.Evidence)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// TestNatDeviationKeepsTheFailingEvidenceAndSaysWhy: an accepted deviation is no PASS in disguise: the
// evidence stays FAIL, and the report names the resource and the reason.
func TestNatDeviationKeepsTheFailingEvidenceAndSaysWhy(t *testing.T) {
	r := Evaluate(record(t, natStack("")), "dev")
	tests := []struct{ give, wantProperty, wantValue, wantWhy string }{
		{"EC2.180", "sourceDestCheck", "false", "source/destination checking is off"},
		{"EC2.9", "Elastic IP associations", "[urn:pulumi:test::fargate-platform::aws:ec2/eipAssociation:EipAssociation::nat]", "public address"},
		{"SSM.1", "iamInstanceProfile", "(unset)", "replaces the instance weekly"},
		{"AutoScaling.2", "vpcZoneIdentifiers", "[subnet-1]", "one instance in one AZ"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got := check(t, r, tt.give)
			require.True(t, got.Pass)
			assert.Contains(t, got.Skipped, "deliberate deviation in dev for nat, the NAT instance: ")
			assert.Contains(t, got.Skipped, tt.wantWhy)
			pass, total := got.Passing()
			assert.Equal(t, [2]int{0, 1}, [2]int{pass, total}, "the NAT resource counts as failing")
			require.NotEmpty(t, got.Evidence)
			e := got.Evidence[0]
			assert.Equal(t, Evidence{URN: e.URN, Property: tt.wantProperty, Value: tt.wantValue, Pass: false}, e)
		})
	}
}

// TestWriteListsResourcesADeviationDoesNotCover: a check holding an accepted deviation and another failure
// fails, and the report names the other resource.
func TestWriteListsResourcesADeviationDoesNotCover(t *testing.T) {
	rec := record(t, func(ctx *pulumi.Context) error {
		if err := natStack("")(ctx); err != nil {
			return err
		}
		_, err := ec2.NewNetworkInterface(ctx, "stray", &ec2.NetworkInterfaceArgs{
			SubnetId: pulumi.String("subnet-2"), SourceDestCheck: pulumi.Bool(false)})
		return err
	})
	r := Evaluate(rec, "dev")
	got := check(t, r, "EC2.180")
	assert.False(t, got.Pass)
	assert.Contains(t, got.Skipped, "for nat,", "the NAT instance's interface is still accepted")
	var b bytes.Buffer
	r.Write(&b)
	assert.Contains(t, b.String(), "  FAIL EC2.180 network interfaces keep source/destination checking on  0/2 NetworkInterfaces")
	assert.Contains(t, b.String(), "aws:ec2/networkInterface:NetworkInterface::stray")
}
