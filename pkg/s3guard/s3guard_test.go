package s3guard

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

func TestCloseBlocksPublicAccessAndDisablesACLs(t *testing.T) {
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error {
		b, err := s3.NewBucketV2(ctx, "logs", &s3.BucketV2Args{Bucket: pulumi.String("logs-bucket")})
		if err != nil {
			return err
		}
		got, err := Close(ctx, "logs", b.ID())
		assert.Len(t, got, 2)
		return err
	}, rec.RunOptions(nil, nil)...))

	pab := rec.Find("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs")
	require.NotNil(t, pab)
	assert.Equal(t, "logs-bucket", pab.Str("bucket"))
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.Equal(t, true, pab.In(k), k)
	}
	own := rec.Find("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "logs")
	require.NotNil(t, own)
	assert.Equal(t, "BucketOwnerEnforced", own.Str("rule.objectOwnership"))
}
