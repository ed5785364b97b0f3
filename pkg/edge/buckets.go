package edge

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/s3guard"
)

// LogDeliveryService is the principal that writes ALB access logs in regions opened in August 2022 or later.
const LogDeliveryService = "logdelivery.elasticloadbalancing.amazonaws.com"

// legacyLogDeliveryRegions are the regions available before August 2022, where ALB access logs are written
// by a regional Elastic Load Balancing account that the bucket policy must name (AWS: "Enable access logs
// for your Application Load Balancer", step 2). The list is closed: every newer region uses
// LogDeliveryService.
var legacyLogDeliveryRegions = map[string]bool{
	"us-east-1": true, "us-east-2": true, "us-west-1": true, "us-west-2": true, "af-south-1": true,
	"ap-east-1": true, "ap-southeast-3": true, "ap-south-1": true, "ap-northeast-3": true, "ap-northeast-2": true,
	"ap-southeast-1": true, "ap-southeast-2": true, "ap-northeast-1": true, "ca-central-1": true,
	"eu-central-1": true, "eu-west-1": true, "eu-west-2": true, "eu-south-1": true, "eu-west-3": true,
	"eu-north-1": true, "me-south-1": true, "sa-east-1": true, "us-gov-west-1": true, "us-gov-east-1": true,
	"cn-north-1": true, "cn-northwest-1": true,
}

type logBucket struct {
	bucket *s3.BucketV2
	// ready is what the ALB must wait for before it enables access logs.
	ready []pulumi.Resource
}

// accessLogBucket creates the ALB's log bucket: private, owner-enforced, SSE-S3 (the only encryption ALB
// log delivery supports: it cannot use a KMS key), expiring, versioned in prod, and writable only by the
// region's ELB log delivery under <prefix>/AWSLogs/<account>/.
func accessLogBucket(ctx *pulumi.Context, name string, a Args, region, account string, parent pulumi.ResourceOrInvokeOption) (logBucket, error) {
	bucket, ready, err := privateBucket(ctx, name+"-alb-logs", a.ForceDestroy, a.Versioning, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return logBucket{}, err
	}

	// Logs expire after the retention; in a versioned bucket the expired copies go 30 days later, and
	// abandoned multipart uploads after 7.
	rule := s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:                             pulumi.String("expire-access-logs"),
		Status:                         pulumi.String("Enabled"),
		Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
		Expiration:                     &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(a.AccessLogRetentionDays)},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(7)},
	}
	if a.Versioning {
		rule.NoncurrentVersionExpiration = &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(30)}
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-alb-logs", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  s3.BucketLifecycleConfigurationV2RuleArray{rule},
	}, parent, pulumi.DependsOn(ready)); err != nil {
		return logBucket{}, err
	}

	// Who delivers the logs depends on when the region opened.
	principal := &iampolicy.Principal{Service: []string{LogDeliveryService}}
	if legacyLogDeliveryRegions[region] {
		elbAccount, err := elb.GetServiceAccount(ctx, &elb.GetServiceAccountArgs{Region: &region}, parent)
		if err != nil {
			return logBucket{}, fmt.Errorf("edge: ELB log delivery account: %w", err)
		}
		principal = &iampolicy.Principal{AWS: []string{elbAccount.Arn}}
	}
	policy, err := s3.NewBucketPolicy(ctx, name+"-alb-logs", &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			arn := v[0].(string)
			write := iampolicy.Allow("ElbAccessLogDelivery", []string{"s3:PutObject"},
				fmt.Sprintf("%s/%s/AWSLogs/%s/*", arn, AccessLogPrefix, account))
			write.Principal = principal
			return iampolicy.New(write, iampolicy.DenyInsecureTransport(arn))
		}, bucket.Arn),
	}, parent, pulumi.DependsOn(ready))
	if err != nil {
		return logBucket{}, err
	}
	return logBucket{bucket: bucket, ready: append(ready, policy)}, nil
}

// caBundle stores Cloudflare's origin-pull CA for the ALB trust store in a small bucket of its own. The
// bucket is always versioned (the trust store pins the object version) and always force-destroyable: it
// holds only a public certificate this program rewrites, and turning Authenticated Origin Pulls off must be
// able to delete it. For the same reason it is not protected. The trust store reads the object with the
// deployer's credentials, so no principal is granted here.
func caBundle(ctx *pulumi.Context, name string, parent pulumi.ResourceOrInvokeOption) (*s3.BucketObjectv2, error) {
	bucket, ready, err := privateBucket(ctx, name+"-aop-ca", true, true, parent)
	if err != nil {
		return nil, err
	}
	// Nothing reads this bucket but the deployer through the trust store API; plain HTTP is refused.
	policy, err := s3.NewBucketPolicy(ctx, name+"-aop-ca", &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			return iampolicy.New(iampolicy.DenyInsecureTransport(v[0].(string)))
		}, bucket.Arn),
	}, parent, pulumi.DependsOn(ready))
	if err != nil {
		return nil, err
	}
	// The CA bundle, written after the bucket's encryption and policy are in place.
	return s3.NewBucketObjectv2(ctx, name+"-aop-ca", &s3.BucketObjectv2Args{
		Bucket:               bucket.ID(),
		Key:                  pulumi.String("cloudflare/origin-pull-ca.pem"),
		Content:              pulumi.String(originPullCA),
		ContentType:          pulumi.String("application/x-pem-file"),
		ServerSideEncryption: pulumi.String("AES256"),
	}, parent, pulumi.DependsOn(append(ready, policy)))
}

// privateBucket creates a bucket with every public access block on, ACLs disabled, SSE-S3 default
// encryption and, when asked, versioning. It returns the bucket and the configuration resources that later
// writers should wait for.
func privateBucket(ctx *pulumi.Context, logical string, forceDestroy, versioning bool, parent pulumi.ResourceOrInvokeOption, opts ...pulumi.ResourceOption) (*s3.BucketV2, []pulumi.Resource, error) {
	// Named from a prefix (S3 names are global); force-destroy only where the caller says so.
	bucket, err := s3.NewBucketV2(ctx, logical, &s3.BucketV2Args{
		BucketPrefix: pulumi.String(strings.ToLower(logical) + "-"),
		ForceDestroy: pulumi.Bool(forceDestroy),
		Tags:         pulumi.StringMap{"Name": pulumi.String(logical)},
	}, append([]pulumi.ResourceOption{parent}, opts...)...)
	if err != nil {
		return nil, nil, err
	}
	closed, err := s3guard.Close(ctx, logical, bucket.ID(), parent)
	if err != nil {
		return nil, nil, err
	}
	// SSE-S3: the encryption every writer here supports (ALB log delivery takes nothing else).
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, logical, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}},
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	ready := append(closed, sse)
	if versioning {
		// Versions keep overwritten or deleted objects recoverable.
		ver, err := s3.NewBucketVersioningV2(ctx, logical, &s3.BucketVersioningV2Args{
			Bucket:                  bucket.ID(),
			VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
		}, parent)
		if err != nil {
			return nil, nil, err
		}
		ready = append(ready, ver)
	}
	return bucket, ready, nil
}
