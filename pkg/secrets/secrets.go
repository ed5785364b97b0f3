// Package secrets is the stack's key and the stores of its credentials: one customer-managed KMS key that
// encrypts everything at rest, SSM Parameter Store SecureString parameters for the application's static
// settings, and a Secrets Manager secret for the Redis auth token. It hands every value to the containers
// as a container.Secret, so the task definition and the execution role's policy are built from the same
// ARNs.
//
// The database password is not here: RDS generates, stores and rotates it itself. The data component sets
// manageMasterUserPassword on the instance (with masterUserSecretKmsKeyId = KeyArn) and injects the
// password with
//
//	container.SecretJSONKey("DB_PASSWORD", instance.MasterUserSecrets.Index(pulumi.Int(0)).SecretArn().Elem(), "password")
//
// which points valueFrom at "<secretArn>:password::" and lets the execution role read exactly that secret.
// No password ever passes through the program or its state.
package secrets

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/container"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// RedisAuthTokenName is the environment variable the Redis auth token reaches the containers as.
const RedisAuthTokenName = "REDIS_PASSWORD"

// AdminActions are what KeyAdminArns may do with the key: manage it, never use it. kms:CreateGrant is left
// out (a grant is a way to give oneself Decrypt), and so is kms:DisableKeyRotation (rotation is a control
// the stack holds).
var AdminActions = []string{
	"kms:DescribeKey", "kms:GetKeyPolicy", "kms:ListKeyPolicies", "kms:PutKeyPolicy",
	"kms:GetKeyRotationStatus", "kms:ListKeyRotations", "kms:EnableKeyRotation", "kms:RotateKeyOnDemand",
	"kms:EnableKey", "kms:DisableKey", "kms:UpdateKeyDescription",
	"kms:ListResourceTags", "kms:TagResource", "kms:UntagResource",
	"kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
	"kms:ListGrants", "kms:RevokeGrant",
	"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
}

// LogsActions are what CloudWatch Logs needs to encrypt and read a log group's events with the key.
var LogsActions = []string{
	"kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
	"kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
}

// AlarmActions are what CloudWatch alarms need to publish to an SNS topic encrypted with the key.
var AlarmActions = []string{"kms:Decrypt", "kms:GenerateDataKey*"}

// Args configures the key, parameters and secrets.
type Args struct {
	// LogGroupNamePatterns are the log group names (with * wildcards) whose events CloudWatch Logs may
	// encrypt with the key, e.g. "/fargate-platform/dev/*" and "/aws/rds/instance/fargate-platform-dev-*".
	// Required; a pattern may not start with * (that would be every log group of the account).
	LogGroupNamePatterns []string
	// KeyAdminArns are IAM roles or users that administer the key (every action in AdminActions, none that
	// encrypts or decrypts). Default none: the account, through IAM, administers it.
	KeyAdminArns []string
	// ParameterPrefix is the Parameter Store path the app secrets live under, "/<project>/<stack>".
	// Required: starts with /, no trailing /, and not under the reserved /aws or /ssm.
	ParameterPrefix string
	// AppSecrets are the application's static settings, NAME -> value (from secret config). Each becomes
	// the SecureString parameter <ParameterPrefix>/<NAME> and the container environment variable NAME.
	// Names are environment variable names (A-Z, 0-9, _). Default none.
	AppSecrets map[string]pulumi.StringInput
	// RecoveryWindowDays is how long a deleted Secrets Manager secret can be restored: 7 to 30.
	// Default 30.
	RecoveryWindowDays int
	// RedisAuthTokenVersion generates a new Redis auth token each time it changes. Default 1.
	RedisAuthTokenVersion int
	// Protect guards the key and the secret against deletion by Pulumi. Default false.
	Protect bool
}

// Secrets is the component.
type Secrets struct {
	pulumi.ResourceState

	// KeyArn is the stack key, for every KmsKeyId of the stack and for the roles' kms:Decrypt statements.
	KeyArn pulumi.StringOutput `pulumi:"keyArn"`
	// KeyId is the key's id (the uuid).
	KeyId pulumi.StringOutput `pulumi:"keyId"`
	// KeyAliasName is "alias/<name>".
	KeyAliasName pulumi.StringOutput `pulumi:"keyAliasName"`
	// RedisAuthSecretArn is the Secrets Manager secret holding the Redis auth token.
	RedisAuthSecretArn pulumi.StringOutput `pulumi:"redisAuthSecretArn"`
	// ParameterArns are the app secret parameters' ARNs, sorted by name.
	ParameterArns pulumi.StringArrayOutput `pulumi:"parameterArns"`

	// AppSecrets injects each app secret: one container.Parameter per NAME, sorted by name.
	AppSecrets []container.Secret
	// RedisAuthToken injects the token as REDIS_PASSWORD (the whole secret string).
	RedisAuthToken container.Secret
	// RedisAuthTokenValue is the token itself, secret, for the replication group's authToken. It is not a
	// registered output, so it is stored nowhere but where it is used.
	RedisAuthTokenValue pulumi.StringOutput
}

var (
	envNameRe    = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
	prefixRe     = regexp.MustCompile(`^(/[A-Za-z0-9_.-]+)+$`)
	logPatternRe = regexp.MustCompile(`^[A-Za-z0-9_./#-][A-Za-z0-9_./#*-]*$`)
	iamArnRe     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+$`)
	nameRe       = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

func (a *Args) withDefaults(name string) (Args, error) {
	out := *a
	if out.RecoveryWindowDays == 0 {
		out.RecoveryWindowDays = 30
	}
	if out.RedisAuthTokenVersion == 0 {
		out.RedisAuthTokenVersion = 1
	}
	if !nameRe.MatchString(name) {
		return out, fmt.Errorf("secrets: name %q: want letters, digits, _ and - (it names the key alias)", name)
	}
	if len(out.LogGroupNamePatterns) == 0 {
		return out, fmt.Errorf("secrets: LogGroupNamePatterns is required: the log groups the key encrypts")
	}
	for _, p := range out.LogGroupNamePatterns {
		if !logPatternRe.MatchString(p) || len(p) > 512 {
			return out, fmt.Errorf("secrets: LogGroupNamePatterns %q: want a log group name with * wildcards, not starting with *", p)
		}
	}
	for _, arn := range out.KeyAdminArns {
		if !iamArnRe.MatchString(arn) {
			return out, fmt.Errorf("secrets: KeyAdminArns %q: want an IAM role or user ARN", arn)
		}
	}
	lower := strings.ToLower(out.ParameterPrefix)
	if !prefixRe.MatchString(out.ParameterPrefix) || strings.HasPrefix(lower, "/aws") || strings.HasPrefix(lower, "/ssm") {
		return out, fmt.Errorf("secrets: ParameterPrefix %q: want a path such as /<project>/<stack>, not under /aws or /ssm", out.ParameterPrefix)
	}
	for n, v := range out.AppSecrets {
		if !envNameRe.MatchString(n) {
			return out, fmt.Errorf("secrets: AppSecrets name %q: want an environment variable name (A-Z, 0-9, _)", n)
		}
		if v == nil {
			return out, fmt.Errorf("secrets: AppSecrets %s: no value", n)
		}
	}
	if out.RecoveryWindowDays < 7 || out.RecoveryWindowDays > 30 {
		return out, fmt.Errorf("secrets: RecoveryWindowDays %d: want 7 to 30", out.RecoveryWindowDays)
	}
	if out.RedisAuthTokenVersion < 1 {
		return out, fmt.Errorf("secrets: RedisAuthTokenVersion %d: want 1 or more", out.RedisAuthTokenVersion)
	}
	return out, nil
}

// New creates the key, the parameters and the Redis auth token.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Secrets, error) {
	if args == nil {
		args = &Args{}
	}
	a, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	s := &Secrets{}
	if err := ctx.RegisterComponentResource("fargate-platform:secrets:Secrets", name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	protect := pulumi.Protect(a.Protect)

	caller, err := aws.GetCallerIdentity(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("secrets: caller identity: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("secrets: region: %w", err)
	}
	partition, err := aws.GetPartition(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("secrets: partition: %w", err)
	}

	// The stack key: rotated yearly by KMS, 30 days to change one's mind after deletion, and a policy that
	// names every principal outside IAM that may use it.
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:          pulumi.String(name + ": logs, parameters, secrets, images, database and cache at rest"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy: pulumi.String(KeyPolicy(KeyPolicyArgs{
			Partition: partition.Partition, Region: region.Name, AccountId: caller.AccountId,
			AdminArns: a.KeyAdminArns, LogGroupNamePatterns: a.LogGroupNamePatterns,
		}).JSON()),
		Tags: pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent, protect)
	if err != nil {
		return nil, err
	}

	// An alias, so people and the console find the key by the stack's name.
	alias, err := kms.NewAlias(ctx, name, &kms.AliasArgs{
		Name:        pulumi.String("alias/" + name),
		TargetKeyId: key.KeyId,
	}, parent)
	if err != nil {
		return nil, err
	}

	names := make([]string, 0, len(a.AppSecrets))
	for n := range a.AppSecrets {
		names = append(names, n)
	}
	sort.Strings(names)
	var paramArns pulumi.StringArray
	for _, n := range names {
		// One SecureString per setting, encrypted with the stack key; the value is marked secret here
		// too, so it stays encrypted in state whatever the caller passed.
		p, err := ssm.NewParameter(ctx, name+"-"+n, &ssm.ParameterArgs{
			Name:        pulumi.String(a.ParameterPrefix + "/" + n),
			Type:        pulumi.String("SecureString"),
			Value:       pulumi.ToSecret(a.AppSecrets[n].ToStringOutput()).(pulumi.StringOutput),
			KeyId:       key.Arn,
			Tier:        pulumi.String("Standard"),
			Description: pulumi.String(fmt.Sprintf("%s: application setting %s, injected as an ECS secret", name, n)),
		}, parent)
		if err != nil {
			return nil, err
		}
		paramArns = append(paramArns, p.Arn)
		s.AppSecrets = append(s.AppSecrets, container.Parameter(n, p.Arn))
	}

	tokenValue, tokenArn, err := redisAuthToken(ctx, name, a, key, parent, protect)
	if err != nil {
		return nil, err
	}

	s.KeyArn = key.Arn
	s.KeyId = key.KeyId
	s.KeyAliasName = alias.Name
	s.RedisAuthSecretArn = tokenArn
	s.ParameterArns = paramArns.ToStringArrayOutput()
	s.RedisAuthToken = container.WholeSecret(RedisAuthTokenName, tokenArn)
	s.RedisAuthTokenValue = tokenValue
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{
		"keyArn": s.KeyArn, "keyId": s.KeyId, "keyAliasName": s.KeyAliasName,
		"redisAuthSecretArn": s.RedisAuthSecretArn, "parameterArns": s.ParameterArns,
	})
}

// redisAuthToken generates the token and stores it in Secrets Manager. It returns the (secret) value and
// the secret's ARN, taken from the version so that whoever injects it waits until a value exists.
func redisAuthToken(ctx *pulumi.Context, name string, a Args, key *kms.Key, parent, protect pulumi.ResourceOption) (pulumi.StringOutput, pulumi.StringOutput, error) {
	// ElastiCache AUTH tokens are 16 to 128 printable characters and refuse @, " and /; letters and
	// digits alone give 64 * log2(62) ≈ 381 bits. A new version replaces the password: a new token.
	password, err := random.NewRandomPassword(ctx, name+"-redis-auth-token", &random.RandomPasswordArgs{
		Length:     pulumi.Int(64),
		Special:    pulumi.Bool(false),
		Upper:      pulumi.Bool(true),
		Lower:      pulumi.Bool(true),
		Numeric:    pulumi.Bool(true),
		MinUpper:   pulumi.Int(1),
		MinLower:   pulumi.Int(1),
		MinNumeric: pulumi.Int(1),
		Keepers:    pulumi.StringMap{"version": pulumi.String(strconv.Itoa(a.RedisAuthTokenVersion))},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, err
	}
	value := pulumi.ToSecret(password.Result).(pulumi.StringOutput)

	// The secret the containers read the token from, encrypted with the stack key; deleting it leaves
	// RecoveryWindowDays to restore it.
	secret, err := secretsmanager.NewSecret(ctx, name+"-redis-auth-token", &secretsmanager.SecretArgs{
		Name:                 pulumi.String(name + "/redis-auth-token"),
		Description:          pulumi.String(name + ": ElastiCache AUTH token, injected as " + RedisAuthTokenName),
		KmsKeyId:             key.Arn,
		RecoveryWindowInDays: pulumi.Int(a.RecoveryWindowDays),
	}, parent, protect)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, err
	}
	// The current value; a new token becomes a new AWSCURRENT version under the same ARN.
	version, err := secretsmanager.NewSecretVersion(ctx, name+"-redis-auth-token", &secretsmanager.SecretVersionArgs{
		SecretId:     secret.Arn,
		SecretString: value,
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, err
	}
	return value, version.Arn, nil
}

// KeyPolicyArgs are what the key policy is made of.
type KeyPolicyArgs struct {
	Partition, Region, AccountId string
	AdminArns                    []string
	LogGroupNamePatterns         []string
}

// KeyPolicy is the stack key's policy. The account statement is the only wide one: it delegates the key
// to IAM, so roles that decrypt (the task execution role, the deploy role) are granted kms:Decrypt on this
// key's ARN in their own policies, and the key never has to name them (which would make the key depend
// on roles that depend on the key). AWS services that act for the account are named with conditions
// tying them to this account's log groups and alarms.
func KeyPolicy(p KeyPolicyArgs) iampolicy.Document {
	root := fmt.Sprintf("arn:%s:iam::%s:root", p.Partition, p.AccountId)
	statements := []iampolicy.Statement{{
		Sid:       "AccountAdministersThroughIam",
		Effect:    "Allow",
		Principal: &iampolicy.Principal{AWS: []string{root}},
		Action:    []string{"kms:*"},
		Resource:  []string{"*"},
	}}
	if len(p.AdminArns) > 0 {
		statements = append(statements, iampolicy.Statement{
			Sid:       "KeyAdministrators",
			Effect:    "Allow",
			Principal: &iampolicy.Principal{AWS: append([]string(nil), p.AdminArns...)},
			Action:    AdminActions,
			Resource:  []string{"*"},
		})
	}
	logArns := make([]string, 0, len(p.LogGroupNamePatterns))
	for _, pattern := range p.LogGroupNamePatterns {
		logArns = append(logArns, fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", p.Partition, p.Region, p.AccountId, pattern))
	}
	statements = append(statements,
		iampolicy.Statement{
			Sid:       "CloudWatchLogsForThisStacksLogGroups",
			Effect:    "Allow",
			Principal: &iampolicy.Principal{Service: []string{fmt.Sprintf("logs.%s.amazonaws.com", p.Region)}},
			Action:    LogsActions,
			Resource:  []string{"*"},
			Condition: iampolicy.Condition{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": logArns}},
		},
		iampolicy.Statement{
			Sid:       "CloudWatchAlarmsToEncryptedTopics",
			Effect:    "Allow",
			Principal: &iampolicy.Principal{Service: []string{"cloudwatch.amazonaws.com"}},
			Action:    AlarmActions,
			Resource:  []string{"*"},
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {p.AccountId}}},
		},
	)
	doc := iampolicy.New(statements...)
	doc.Id = "fargate-platform-stack-key"
	return doc
}
