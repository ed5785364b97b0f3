// Package s3guard closes an S3 bucket to the public the one way every bucket of this project is closed:
// all four public access blocks on, and ACLs disabled so the bucket owner owns every object whoever wrote
// it. Components and the bootstrap program call it right after creating a bucket.
package s3guard

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Close registers the public access block and the ownership controls of bucket under the logical name
// name, and returns them for writers (bucket policies, log delivery) to wait on.
func Close(ctx *pulumi.Context, name string, bucket pulumi.IDOutput, opts ...pulumi.ResourceOption) ([]pulumi.Resource, error) {
	// No public ACL or policy can ever apply (Security Hub S3.8).
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return nil, err
	}
	// ACLs off (Security Hub S3.12): the bucket owner owns every object.
	own, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, opts...)
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{pab, own}, nil
}
