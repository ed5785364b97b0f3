package main

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/s3guard"
)

// KeyAdminActions are what key administrators may do: manage the key, never use it, never grant use.
var KeyAdminActions = []string{
	"kms:DescribeKey", "kms:GetKeyPolicy", "kms:ListKeyPolicies", "kms:PutKeyPolicy",
	"kms:GetKeyRotationStatus", "kms:ListKeyRotations", "kms:EnableKeyRotation", "kms:RotateKeyOnDemand",
	"kms:EnableKey", "kms:DisableKey", "kms:UpdateKeyDescription",
	"kms:ListResourceTags", "kms:TagResource", "kms:UntagResource",
	"kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
	"kms:ListGrants", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
}

// KeyUseActions are what IAM policies of the account may grant on a bootstrap key.
var KeyUseActions = []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"}

// StateBackendArgs configures the Pulumi state backend.
type StateBackendArgs struct {
	// Account and Region are where the backend lives. Required.
	Account, Region string
	// BucketName is the state bucket's (global) name. Required.
	BucketName string
	// SecretsKeyAlias is the prefix of the secrets-provider keys' aliases, without "alias/": each stack gets
	// its own key, "alias/<SecretsKeyAlias>-<stack>", so no stack's roles can decrypt another's secrets.
	// Required.
	SecretsKeyAlias string
	// Stacks are the main program's stacks, one secrets key each. Required.
	Stacks []string
	// StateKeyAlias is the state bucket key's alias name, without "alias/". Default "<BucketName>".
	StateKeyAlias string
	// NoncurrentVersionDays is how long replaced state versions are kept. Default 90.
	NoncurrentVersionDays int
	// KeyAdminArns administer both keys. Default none: the account root, so IAM administrators can.
	KeyAdminArns []string
}

// StateBackend is the S3 bucket of `pulumi login s3://...` and the key of `secretsprovider: awskms://...`.
type StateBackend struct {
	pulumi.ResourceState

	BucketName  pulumi.StringOutput `pulumi:"bucketName"`
	BucketArn   pulumi.StringOutput `pulumi:"bucketArn"`
	StateKeyArn pulumi.StringOutput `pulumi:"stateKeyArn"`
	// SecretsKeyArns and SecretsKeyAliases map each stack to its secrets-provider key and alias.
	SecretsKeyArns    pulumi.StringMapOutput `pulumi:"secretsKeyArns"`
	SecretsKeyAliases pulumi.StringMapOutput `pulumi:"secretsKeyAliases"`
}

func (a *StateBackendArgs) withDefaults() (StateBackendArgs, error) {
	out := *a
	if out.StateKeyAlias == "" {
		out.StateKeyAlias = out.BucketName
	}
	if out.NoncurrentVersionDays == 0 {
		out.NoncurrentVersionDays = 90
	}
	switch {
	case !accountRe.MatchString(out.Account) || !regionRe.MatchString(out.Region):
		return out, fmt.Errorf("state: Account %q and Region %q: want a 12-digit account and an AWS region", out.Account, out.Region)
	case !bucketRe.MatchString(out.BucketName):
		return out, fmt.Errorf("state: BucketName %q: want an S3 bucket name", out.BucketName)
	case out.SecretsKeyAlias == "" || out.SecretsKeyAlias == out.StateKeyAlias:
		return out, fmt.Errorf("state: SecretsKeyAlias %q: required, and different from StateKeyAlias", out.SecretsKeyAlias)
	case len(out.Stacks) == 0:
		return out, fmt.Errorf("state: Stacks: want at least one stack")
	case out.NoncurrentVersionDays < 1:
		return out, fmt.Errorf("state: NoncurrentVersionDays %d: want 1 or more", out.NoncurrentVersionDays)
	}
	return out, nil
}

// keyPolicy lets the admins manage the key and lets IAM policies of this account (only) use it; when
// viaService is set, only through that service.
func keyPolicy(account string, admins []string, viaService string) iampolicy.Document {
	if len(admins) == 0 {
		admins = []string{fmt.Sprintf("arn:aws:iam::%s:root", account)}
	}
	admin := iampolicy.Allow("KeyAdministration", KeyAdminActions, "*")
	admin.Principal = &iampolicy.Principal{AWS: admins}
	use := iampolicy.Allow("AccountUseThroughIam", KeyUseActions, "*")
	use.Principal = &iampolicy.Principal{AWS: []string{fmt.Sprintf("arn:aws:iam::%s:root", account)}}
	use.Condition = iampolicy.Condition{"StringEquals": {"kms:CallerAccount": {account}}}
	if viaService != "" {
		use.Condition["StringEquals"]["kms:ViaService"] = []string{viaService}
	}
	return iampolicy.New(admin, use)
}

// NewStateBackend creates the state bucket and both keys, all protected.
func NewStateBackend(ctx *pulumi.Context, name string, args *StateBackendArgs, opts ...pulumi.ResourceOption) (*StateBackend, error) {
	if args == nil {
		args = &StateBackendArgs{}
	}
	a, err := args.withDefaults()
	if err != nil {
		return nil, err
	}
	sb := &StateBackend{}
	if err := ctx.RegisterComponentResource("fargate-platform:bootstrap:StateBackend", name, sb, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(sb)
	protect := pulumi.Protect(true)

	// The bucket's own key: state holds every resource's outputs, so only S3 may use it for this account.
	stateKey, err := kms.NewKey(ctx, name+"-state", &kms.KeyArgs{
		Description:          pulumi.String("Pulumi state bucket " + a.BucketName),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(keyPolicy(a.Account, a.KeyAdminArns, "s3."+a.Region+".amazonaws.com").JSON()),
	}, parent, protect)
	if err != nil {
		return nil, err
	}
	// A readable name for the console and CLI.
	if _, err := kms.NewAlias(ctx, name+"-state", &kms.AliasArgs{
		Name:        pulumi.String("alias/" + a.StateKeyAlias),
		TargetKeyId: stateKey.KeyId,
	}, parent); err != nil {
		return nil, err
	}

	// One secrets provider key per stack: the Pulumi CLI calls KMS directly to wrap the stack's data key
	// (`secretsprovider: awskms://alias/<alias>-<stack>`), and only that stack's roles are granted it.
	secretsArns, secretsAliases := pulumi.StringMap{}, pulumi.StringMap{}
	for _, stack := range a.Stacks {
		alias := a.SecretsKeyAlias + "-" + stack
		key, err := kms.NewKey(ctx, name+"-secrets-"+stack, &kms.KeyArgs{
			Description:          pulumi.String("Pulumi secrets provider of stack " + stack + " (awskms://alias/" + alias + ")"),
			EnableKeyRotation:    pulumi.Bool(true),
			DeletionWindowInDays: pulumi.Int(30),
			Policy:               pulumi.String(keyPolicy(a.Account, a.KeyAdminArns, "").JSON()),
		}, parent, protect)
		if err != nil {
			return nil, err
		}
		// The alias the stack file names in `secretsprovider:`.
		al, err := kms.NewAlias(ctx, name+"-secrets-"+stack, &kms.AliasArgs{
			Name:        pulumi.String("alias/" + alias),
			TargetKeyId: key.KeyId,
		}, parent)
		if err != nil {
			return nil, err
		}
		secretsArns[stack] = key.Arn
		secretsAliases[stack] = al.Name
	}

	// The bucket, named by the administrator (the name goes into every `pulumi login`).
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:       pulumi.String(a.BucketName),
		ForceDestroy: pulumi.Bool(false),
		Tags:         pulumi.StringMap{"Name": pulumi.String(a.BucketName)},
	}, parent, protect)
	if err != nil {
		return nil, err
	}
	closed, err := s3guard.Close(ctx, name, bucket.ID(), parent)
	if err != nil {
		return nil, err
	}
	// Every checkpoint is kept: a bad update or a deleted stack can be rolled back from a version.
	ver, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return nil, err
	}
	// SSE-KMS with the bucket's key; the bucket key cuts KMS calls (and cost) per object.
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm:   pulumi.String("aws:kms"),
				KmsMasterKeyId: stateKey.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, parent)
	if err != nil {
		return nil, err
	}
	// Replaced checkpoints expire after the retention; abandoned uploads after 7 days.
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:                             pulumi.String("expire-noncurrent-state"),
			Status:                         pulumi.String("Enabled"),
			Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(a.NoncurrentVersionDays)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(7)},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{ver})); err != nil {
		return nil, err
	}
	// Plain HTTP is refused, and so is an object written with another key than the bucket's. The S3 backend
	// sends no encryption header (the bucket's default applies), so the deny must hold only when the header
	// is present: `Null: false` says it is, and StringNotEquals then compares it. The ...IfExists form would
	// deny every PutObject without the header, administrators' too ("IfExists condition operators": a
	// missing key evaluates to true, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists).
	policy, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			arn, key := v[0].(string), v[1].(string)
			tls := iampolicy.DenyInsecureTransport(arn)
			otherKey := iampolicy.Deny("DenyOtherKeys", []string{"s3:PutObject"}, arn+"/*")
			otherKey.Principal = &iampolicy.Principal{AWS: []string{"*"}}
			otherKey.Condition = iampolicy.Condition{
				"Null":            {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"false"}},
				"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {key}},
			}
			return iampolicy.New(tls, otherKey)
		}, bucket.Arn, stateKey.Arn),
	}, parent, pulumi.DependsOn(append(closed, sse)))
	if err != nil {
		return nil, err
	}
	// The backend's layout marker, written once here: Pulumi's S3 backend reads it before anything else and
	// writes it when it is missing, which the deploy roles (allowed only their own stack's objects) could not.
	// version 1 is the project-scoped layout the deploy roles' object scopes assume (pkg/backend/diy meta.go).
	if _, err := s3.NewBucketObjectv2(ctx, name+"-meta", &s3.BucketObjectv2Args{
		Bucket:      bucket.ID(),
		Key:         pulumi.String(MetaKey),
		Content:     pulumi.String("version: 1\n"),
		ContentType: pulumi.String("application/yaml"),
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
		return nil, err
	}

	sb.BucketName = bucket.Bucket
	sb.BucketArn = bucket.Arn
	sb.StateKeyArn = stateKey.Arn
	sb.SecretsKeyArns = secretsArns.ToStringMapOutput()
	sb.SecretsKeyAliases = secretsAliases.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(sb, pulumi.Map{
		"bucketName": sb.BucketName, "bucketArn": sb.BucketArn, "stateKeyArn": sb.StateKeyArn,
		"secretsKeyArns": sb.SecretsKeyArns, "secretsKeyAliases": sb.SecretsKeyAliases,
	}); err != nil {
		return nil, err
	}
	return sb, nil
}
