package observability

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/s3guard"
)

type trailOutputs struct {
	arn    pulumi.StringOutput
	bucket pulumi.StringOutput
}

// How long the trail bucket keeps CloudTrail's log files: 400 days covers a twelve-month SOC 2 Type II
// observation period and the audit that follows it; a log file replaced or deleted (a noncurrent version)
// stays recoverable for 90 days more. The CloudWatch Logs copy is kept for LogRetentionDays.
const (
	TrailLogFileDays    = 400
	TrailNoncurrentDays = 90
)

// TrailName is the trail's name for a stack name.
func TrailName(name string) string { return name + "-trail" }

// trailArn is the trail's ARN, known before the trail exists: the key and bucket policies must name it
// (aws:SourceArn) before CloudTrail will write.
func trailArn(name string, e env) string {
	return fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", e.region, e.account, TrailName(name))
}

// auditTrail creates the multi-region trail, its dedicated key, bucket and CloudWatch Logs copy.
func auditTrail(ctx *pulumi.Context, name string, a Args, e env, parent pulumi.ResourceOption) (trailOutputs, error) {
	protect := pulumi.Protect(a.Protect)
	arn := trailArn(name, e)

	// A key of the trail's own: only CloudTrail, for this trail, may encrypt with it; reading the logs is
	// granted through IAM (the account statement), so auditors get kms:Decrypt on this key alone.
	key, err := kms.NewKey(ctx, name+"-trail", &kms.KeyArgs{
		Description:          pulumi.String(name + ": CloudTrail log files"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(TrailKeyPolicy(arn, e.account).JSON()),
		Tags:                 pulumi.StringMap{"Name": pulumi.String(name + "-trail")},
	}, parent, protect)
	if err != nil {
		return trailOutputs{}, err
	}

	// The bucket: named from a prefix (S3 names are global), never force-emptied while protected.
	bucket, err := s3.NewBucketV2(ctx, name+"-trail", &s3.BucketV2Args{
		BucketPrefix: pulumi.String(name + "-cloudtrail-"),
		ForceDestroy: pulumi.Bool(!a.Protect),
		Tags:         pulumi.StringMap{"Name": pulumi.String(name + "-cloudtrail")},
	}, parent, protect)
	if err != nil {
		return trailOutputs{}, err
	}
	closed, err := s3guard.Close(ctx, name+"-trail", bucket.ID(), parent)
	if err != nil {
		return trailOutputs{}, err
	}
	// Versions keep an overwritten or deleted log file recoverable (log file validation detects it).
	ver, err := s3.NewBucketVersioningV2(ctx, name+"-trail", &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return trailOutputs{}, err
	}
	// Log files expire after TrailLogFileDays; a replaced or deleted one stays recoverable for
	// TrailNoncurrentDays more, and an abandoned upload goes after a week (Security Hub S3.13). Created
	// after versioning, as the provider's versioned-bucket example does (s3.BucketLifecycleConfigurationV2).
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-trail", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:                             pulumi.String("expire-trail-log-files"),
			Status:                         pulumi.String("Enabled"),
			Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			Expiration:                     &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(TrailLogFileDays)},
			NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(TrailNoncurrentDays)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(7)},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{ver})); err != nil {
		return trailOutputs{}, err
	}
	// Default encryption with the trail key, with an S3 bucket key to keep KMS requests (and cost) down.
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-trail", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm:   pulumi.String("aws:kms"),
				KmsMasterKeyId: key.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, parent)
	if err != nil {
		return trailOutputs{}, err
	}
	// CloudTrail (for this trail only) may check the ACL and write under AWSLogs/<account>/; nothing
	// may use plain HTTP.
	policy, err := s3.NewBucketPolicy(ctx, name+"-trail", &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			return TrailBucketPolicy(v[0].(string), arn, e.account)
		}, bucket.Arn),
	}, parent, pulumi.DependsOn(closed))
	if err != nil {
		return trailOutputs{}, err
	}

	group, role, rolePolicy, err := trailLogs(ctx, name, a, e, arn, parent)
	if err != nil {
		return trailOutputs{}, err
	}

	// Every region, global services (IAM, STS) included, with digest files that prove no log file was
	// altered or removed.
	trail, err := cloudtrail.NewTrail(ctx, name+"-trail", &cloudtrail.TrailArgs{
		Name:                       pulumi.String(TrailName(name)),
		S3BucketName:               bucket.ID(),
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		KmsKeyId:                   key.Arn,
		CloudWatchLogsGroupArn:     pulumi.Sprintf("%s:*", group.Arn),
		CloudWatchLogsRoleArn:      role.Arn,
		Tags:                       pulumi.StringMap{"Name": pulumi.String(TrailName(name))},
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy, ver, sse, rolePolicy}))
	if err != nil {
		return trailOutputs{}, err
	}
	return trailOutputs{arn: trail.Arn, bucket: bucket.Bucket}, nil
}

// trailLogs is the CloudWatch Logs copy of the trail (for metric filters and Logs Insights): a group
// under the stack prefix encrypted with the stack key, and a role only this trail can assume that may
// write only there.
func trailLogs(ctx *pulumi.Context, name string, a Args, e env, arn string, parent pulumi.ResourceOption) (*cloudwatch.LogGroup, *iam.Role, *iam.RolePolicy, error) {
	group, err := cloudwatch.NewLogGroup(ctx, name+"-trail", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(a.LogGroupPrefix + "/cloudtrail"),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		KmsKeyId:        a.KmsKeyArn,
	}, parent)
	if err != nil {
		return nil, nil, nil, err
	}
	trust := iampolicy.New(iampolicy.Statement{
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iampolicy.Condition{
			"StringEquals": {"aws:SourceAccount": {e.account}, "aws:SourceArn": {arn}},
		},
	})
	role, err := iam.NewRole(ctx, name+"-trail-logs", &iam.RoleArgs{
		PermissionsBoundary: iampolicy.Boundary(a.PermissionsBoundaryArn),
		AssumeRolePolicy:    pulumi.String(trust.JSON()),
		Description:         pulumi.String("CloudTrail " + TrailName(name) + " delivery to " + a.LogGroupPrefix + "/cloudtrail"),
	}, parent)
	if err != nil {
		return nil, nil, nil, err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-trail-logs", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			return iampolicy.New(iampolicy.Allow("WriteTrailEvents",
				[]string{"logs:CreateLogStream", "logs:PutLogEvents"}, v[0].(string)+":log-stream:*"))
		}, group.Arn),
	}, parent)
	if err != nil {
		return nil, nil, nil, err
	}
	return group, role, policy, nil
}

// TrailKeyPolicy is the trail key's policy: the account delegates through IAM; CloudTrail may generate
// data keys only for trails of this account and only on behalf of this trail, and describe the key.
func TrailKeyPolicy(trailArn, account string) iampolicy.Document {
	root := fmt.Sprintf("arn:aws:iam::%s:root", account)
	cloudTrail := &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}}
	doc := iampolicy.New(
		iampolicy.Statement{Sid: "AccountAdministersThroughIam", Effect: "Allow",
			Principal: &iampolicy.Principal{AWS: []string{root}}, Action: []string{"kms:*"}, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "CloudTrailEncryptsThisTrailsLogs", Effect: "Allow", Principal: cloudTrail,
			Action: []string{"kms:GenerateDataKey*"}, Resource: []string{"*"},
			Condition: iampolicy.Condition{
				"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {fmt.Sprintf("arn:aws:cloudtrail:*:%s:trail/*", account)}},
				"StringEquals": {"aws:SourceArn": {trailArn}},
			}},
		iampolicy.Statement{Sid: "CloudTrailDescribesKey", Effect: "Allow", Principal: cloudTrail,
			Action: []string{"kms:DescribeKey"}, Resource: []string{"*"},
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceArn": {trailArn}}}},
	)
	doc.Id = "cloudtrail-key"
	return doc
}

// TrailBucketPolicy lets this trail check the bucket ACL and write its log files, and refuses plain HTTP.
func TrailBucketPolicy(bucketArn, trailArn, account string) iampolicy.Document {
	cloudTrail := &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}}
	acl := iampolicy.Allow("CloudTrailAclCheck", []string{"s3:GetBucketAcl"}, bucketArn)
	acl.Principal = cloudTrail
	acl.Condition = iampolicy.Condition{"StringEquals": {"aws:SourceArn": {trailArn}}}
	write := iampolicy.Allow("CloudTrailWrite", []string{"s3:PutObject"}, fmt.Sprintf("%s/AWSLogs/%s/*", bucketArn, account))
	write.Principal = cloudTrail
	write.Condition = iampolicy.Condition{"StringEquals": {
		"aws:SourceArn": {trailArn},
		"s3:x-amz-acl":  {"bucket-owner-full-control"},
	}}
	return iampolicy.New(acl, write, iampolicy.DenyInsecureTransport(bucketArn))
}

// GuardDutyProtectionPlans are the detector features the stack's GuardDuty turns on besides runtime
// monitoring: S3 data events, RDS login events, EKS audit logs, Lambda network logs, EBS malware scans.
var GuardDutyProtectionPlans = []string{"S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION"}

// adoptedGuardDuty looks up the detector the organisation or another stack runs in this Region and changes
// nothing about it: its features (runtime monitoring among them) are its owner's, and two stacks setting
// one detector's features would undo each other (rule claim.guardduty-feature).
func adoptedGuardDuty(ctx *pulumi.Context, _ string, parent pulumi.ResourceOrInvokeOption) (pulumi.StringOutput, error) {
	detector, err := guardduty.LookupDetector(ctx, &guardduty.LookupDetectorArgs{}, parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("observability: guardDutyDetector adopt: no GuardDuty detector in this Region to adopt (%w): "+
			"create it here with guardDutyDetector: create, or ask the organisation's GuardDuty administrator", err)
	}
	return pulumi.String(detector.Id).ToStringOutput(), nil
}

// guardDuty turns on a detector with ECS Fargate runtime monitoring, GuardDuty managing its agent.
func guardDuty(ctx *pulumi.Context, name string, parent pulumi.ResourceOrInvokeOption) (pulumi.StringOutput, error) {
	// One detector per account and region: creating it fails where an organisation already runs one.
	detector, err := guardduty.NewDetector(ctx, name, &guardduty.DetectorArgs{
		Enable:                     pulumi.Bool(true),
		FindingPublishingFrequency: pulumi.String("FIFTEEN_MINUTES"),
		Tags:                       pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	// The protection plans that read what the account already logs (Security Hub GuardDuty.5, .6, .8, .9,
	// .10): each is billed by what it analyses, so a plan for something the account does not run costs
	// nothing. The EKS and EC2 runtime agents are left off: GuardDuty would install them into clusters and
	// instances this stack does not own.
	for _, f := range GuardDutyProtectionPlans {
		if _, err := guardduty.NewDetectorFeature(ctx, name+"-"+strings.ToLower(strings.ReplaceAll(f, "_", "-")), &guardduty.DetectorFeatureArgs{
			DetectorId: detector.ID(),
			Name:       pulumi.String(f),
			Status:     pulumi.String("ENABLED"),
		}, parent); err != nil {
			return pulumi.StringOutput{}, err
		}
	}
	// Runtime monitoring of the Fargate tasks: GuardDuty adds its agent sidecar to new tasks itself.
	if _, err := guardduty.NewDetectorFeature(ctx, name+"-runtime-monitoring", &guardduty.DetectorFeatureArgs{
		DetectorId: detector.ID(),
		Name:       pulumi.String("RUNTIME_MONITORING"),
		Status:     pulumi.String("ENABLED"),
		AdditionalConfigurations: guardduty.DetectorFeatureAdditionalConfigurationArray{
			&guardduty.DetectorFeatureAdditionalConfigurationArgs{
				Name:   pulumi.String("ECS_FARGATE_AGENT_MANAGEMENT"),
				Status: pulumi.String("ENABLED"),
			},
		},
	}, parent); err != nil {
		return pulumi.StringOutput{}, err
	}
	return detector.ID().ToStringOutput(), nil
}
