package plan

import (
	"testing"

	awsxec2 "github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRemoteAwsxVpcGetsTheOutputsItReallyReturns: a remote component reaches the mock only as its inputs
// (no children), and an output the mock leaves out would resolve silently to empty. The recorder answers
// awsx.ec2.Vpc with ids shaped like the real ones, one subnet per AZ per tier.
func TestRemoteAwsxVpcGetsTheOutputsItReallyReturns(t *testing.T) {
	rec := NewRecorder("proj", "dev", "ap-southeast-2")
	var vpcId string
	var private []string
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error {
		vpc, err := awsxec2.NewVpc(ctx, "vpc", &awsxec2.VpcArgs{NumberOfAvailabilityZones: pulumi.IntRef(2)})
		if err != nil {
			return err
		}
		pulumi.All(vpc.VpcId, vpc.PrivateSubnetIds).ApplyT(func(v []any) error {
			vpcId, private = v[0].(string), v[1].([]string)
			return nil
		})
		return nil
	}, rec.RunOptions(nil, nil)...))
	r := rec.ByType("awsx:ec2:Vpc")
	require.Len(t, r, 1)
	assert.True(t, r[0].Remote)
	assert.False(t, r[0].Custom)
	assert.Regexp(t, `^vpc-[0-9a-f]{17}$`, vpcId)
	assert.Len(t, private, 2)
	for _, s := range private {
		assert.Regexp(t, `^subnet-[0-9a-f]{17}$`, s)
	}
}
