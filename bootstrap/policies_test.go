package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// everything turns on every optional feature, so the invariants cover every policy the program can write.
var everything = map[string]string{
	project + ":allowCloudTrail":       "true",
	project + ":allowGuardDuty":        "true",
	project + ":codebuild":             "true",
	project + ":codestarConnectionArn": connection,
}

const (
	stateKeyName   = "fargate-platform-bootstrap-state"
	secretsKeyName = "fargate-platform-bootstrap-secrets"
)

func TestNoStatementGrantsAWholeServiceOrEverything(t *testing.T) {
	rec := mustPlan(t, everything)
	policies := identityPolicies(t, rec)
	require.Len(t, policies, 2*5+2+2, "5 managed per deploy role, preview, push, build, pipeline")
	for name, d := range policies {
		for _, s := range d.Statement {
			if s.Effect != "Allow" {
				continue
			}
			for _, a := range s.Action {
				assert.NotEqual(t, "*", a, "%s %s", name, s.Sid)
				service, verb, _ := strings.Cut(a, ":")
				assert.NotEqual(t, "*", verb, "%s %s grants %s", name, s.Sid, a)
				assert.NotEqual(t, "*", service, "%s %s grants %s", name, s.Sid, a)
				if service == "iam" {
					assert.NotContains(t, s.Resource, "*", "%s %s: %s on *", name, s.Sid, a)
				}
			}
		}
	}
}

func TestEveryAllowIsRegionPinnedOrArnScoped(t *testing.T) {
	rec := mustPlan(t, everything)
	for name, d := range identityPolicies(t, rec) {
		for _, s := range d.Statement {
			if s.Effect != "Allow" {
				continue
			}
			require.NotEmpty(t, s.Resource, "%s %s", name, s.Sid)
			global := true
			for _, a := range s.Action {
				if !strings.HasPrefix(a, "iam:") {
					global = false
				}
			}
			if global {
				// IAM is global (its requests carry us-east-1): scoped by ARN in this account instead.
				for _, r := range s.Resource {
					assert.True(t, strings.HasPrefix(r, "arn:aws:iam::"+account+":role/"), "%s %s: %s", name, s.Sid, r)
				}
				continue
			}
			assert.Equal(t, []string{region}, s.Condition["StringEquals"]["aws:RequestedRegion"], "%s %s", name, s.Sid)
		}
	}
}

func TestActionsExistAndResourceScopesAreHonoured(t *testing.T) {
	actions := loadActions(t)
	rec := mustPlan(t, everything)
	for name, d := range identityPolicies(t, rec) {
		for _, s := range d.Statement {
			star := len(s.Resource) == 1 && s.Resource[0] == "*"
			for _, a := range s.Action {
				m := matching(actions, a)
				require.NotEmpty(t, m, "%s %s: %s is not an IAM action", name, s.Sid, a)
				if star || s.Effect == "Deny" {
					continue
				}
				// An action without resource-level permissions under an ARN would be silently denied.
				for _, x := range m {
					assert.NotEqual(t, "*", x.Resources, "%s %s: %s supports no resource ARNs", name, s.Sid, x.Name)
				}
			}
		}
	}
}

func TestPassRoleOnlyForStackRolesToItsServices(t *testing.T) {
	base := []string{"ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com", "monitoring.rds.amazonaws.com"}
	tests := []struct {
		name string
		give map[string]string
		want []string
	}{
		{"tasks, flow logs and RDS monitoring", nil, base},
		{"and CloudTrail's log delivery when the trail is on", map[string]string{project + ":allowCloudTrail": "true"},
			append(append([]string{}, base...), "cloudtrail.amazonaws.com")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mustPlan(t, tt.give)
			for _, stack := range []string{"dev", "prod"} {
				d := doc(t, rec.Find("aws:iam/policy:Policy", "fargate-platform-bootstrap-deploy-"+stack+"-network"), "policy")
				s := statement(t, d, "PassStackRoles")
				assert.Equal(t, []string{"iam:PassRole"}, s.Action)
				assert.Equal(t, []string{"arn:aws:iam::123456789012:role/fargate-platform-" + stack + "-*"}, s.Resource)
				assert.Equal(t, iampolicy.Condition{"StringEquals": {"iam:PassedToService": tt.want}}, s.Condition)
			}
		})
	}
	rec := mustPlan(t, everything)
	// No other statement anywhere passes roles.
	for name, d := range identityPolicies(t, rec) {
		for _, s := range d.Statement {
			if s.Sid == "PassStackRoles" {
				continue
			}
			for _, a := range s.Action {
				assert.NotEqual(t, "iam:PassRole", a, "%s %s", name, s.Sid)
			}
		}
	}
}

func TestDeployRolesReachOnlyTheirOwnStack(t *testing.T) {
	tests := []struct {
		name      string
		stack     string
		wantNames []string
		forbidden []string
	}{
		{"dev", "dev", []string{"fargate-platform-dev"}, []string{"fargate-platform-prod", "/fargate-platform/prod", "/prod"}},
		{"prod", "prod", []string{"fargate-platform-prod"}, []string{"fargate-platform-dev", "/fargate-platform/dev", "/dev"}},
	}
	rec := mustPlan(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			attached := 0
			for _, att := range rec.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
				if att.Str("role") == "fargate-platform-github-deploy-"+tt.stack {
					attached++
					assert.Contains(t, att.Str("policyArn"), "policy/fargate-platform-github-deploy-"+tt.stack+"-")
				}
			}
			assert.Equal(t, 5, attached)
			for _, part := range []string{"network", "compute", "edge", "data", "identity"} {
				d := doc(t, rec.Find("aws:iam/policy:Policy", "fargate-platform-bootstrap-deploy-"+tt.stack+"-"+part), "policy")
				for _, s := range d.Statement {
					for _, r := range s.Resource {
						for _, f := range tt.forbidden {
							assert.NotContains(t, r, f, "%s %s", part, s.Sid)
						}
					}
				}
			}
			identity := doc(t, rec.Find("aws:iam/policy:Policy", "fargate-platform-bootstrap-deploy-"+tt.stack+"-identity"), "policy")
			objects := "arn:aws:s3:::acme-shop-pulumi-state-123456789012/.pulumi/"
			assert.Equal(t, []string{
				objects + "stacks/fargate-platform/" + tt.stack + ".json*",
				objects + "history/fargate-platform/" + tt.stack + "/*",
				objects + "backups/fargate-platform/" + tt.stack + "/*",
				objects + "locks/*",
			}, statement(t, identity, "StateWrite").Resource)
			assert.Equal(t, []string{"s3:PutObject", "s3:DeleteObject"}, statement(t, identity, "StateWrite").Action)
			assert.Equal(t, []string{"arn:aws:iam::123456789012:role/fargate-platform-" + tt.stack + "-*"},
				statement(t, identity, "StackRoles").Resource)
		})
	}
}

func TestDeployRolesUseTheBootstrapKeysButCannotManageThem(t *testing.T) {
	rec := mustPlan(t, nil)
	stateKey := rec.Find("aws:kms/key:Key", stateKeyName).Outputs["arn"].(string)
	secretsKey := rec.Find("aws:kms/key:Key", secretsKeyName).Outputs["arn"].(string)

	identity := doc(t, rec.Find("aws:iam/policy:Policy", "fargate-platform-bootstrap-deploy-prod-identity"), "policy")
	sp := statement(t, identity, "SecretsProviderKey")
	assert.Equal(t, []string{secretsKey}, sp.Resource)
	assert.Equal(t, []string{"kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"}, sp.Action)
	sk := statement(t, identity, "StateKey")
	assert.Equal(t, []string{stateKey}, sk.Resource)
	assert.Equal(t, []string{"s3.ap-southeast-2.amazonaws.com"}, sk.Condition["StringEquals"]["kms:ViaService"])
	keep := statement(t, identity, "KeepStateBucket")
	assert.Equal(t, "Deny", keep.Effect)
	assert.Contains(t, keep.Action, "s3:DeleteBucket")
	assert.Contains(t, keep.Action, "s3:PutBucketPolicy")
	assert.Contains(t, keep.Action, "s3:DeleteObjectVersion")

	data := doc(t, rec.Find("aws:iam/policy:Policy", "fargate-platform-bootstrap-deploy-prod-data"), "policy")
	deny := statement(t, data, "KeepBootstrapKeys")
	assert.Equal(t, "Deny", deny.Effect)
	assert.Equal(t, []string{stateKey, secretsKey}, deny.Resource)
	for _, a := range []string{"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant", "kms:UpdateAlias"} {
		assert.Contains(t, deny.Action, a)
	}
	grants := statement(t, data, "StackKeyGrants")
	assert.Equal(t, []string{"true"}, grants.Condition["Bool"]["kms:GrantIsForAWSResource"])
}

func TestMigrationTaskRunsOnlyInTheStacksCluster(t *testing.T) {
	rec := mustPlan(t, nil)
	compute := doc(t, rec.Find("aws:iam/policy:Policy", "fargate-platform-bootstrap-deploy-dev-compute"), "policy")
	run := statement(t, compute, "EcsRunMigration")
	assert.Equal(t, []string{"ecs:RunTask"}, run.Action)
	assert.Equal(t, []string{"arn:aws:ecs:ap-southeast-2:123456789012:task-definition/fargate-platform-dev-*:*"}, run.Resource)
	assert.Equal(t, []string{"arn:aws:ecs:ap-southeast-2:123456789012:cluster/fargate-platform-dev"}, run.Condition["ArnEquals"]["ecs:cluster"])
	tasks := statement(t, compute, "EcsTasks")
	assert.Equal(t, []string{"arn:aws:ecs:ap-southeast-2:123456789012:task/fargate-platform-dev/*"}, tasks.Resource)
}

func TestPreviewRoleIsReadOnly(t *testing.T) {
	actions := loadActions(t)
	rec := mustPlan(t, nil)
	d := doc(t, rec.Find("aws:iam/rolePolicy:RolePolicy", "fargate-platform-bootstrap-preview"), "policy")
	stateKey := rec.Find("aws:kms/key:Key", stateKeyName).Outputs["arn"].(string)
	secretsKey := rec.Find("aws:kms/key:Key", secretsKeyName).Outputs["arn"].(string)
	// The only writes: the lock object, and the state key's data key for writing it.
	writes := map[string]bool{"StateLock": true, "StateKey": true}
	for _, s := range d.Statement {
		assert.Equal(t, "Allow", s.Effect)
		for _, a := range s.Action {
			assert.NotContains(t, []string{"secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters", "s3:GetObject*"}, a)
			if writes[s.Sid] || s.Sid == "SecretsProviderKey" {
				continue
			}
			for _, x := range matching(actions, a) {
				assert.Contains(t, []string{"Read", "List"}, x.Level, "%s: %s", s.Sid, x.Name)
			}
		}
	}
	lock := statement(t, d, "StateLock")
	assert.Equal(t, []string{"s3:PutObject", "s3:DeleteObject"}, lock.Action)
	assert.Equal(t, []string{"arn:aws:s3:::acme-shop-pulumi-state-123456789012/.pulumi/locks/*"}, lock.Resource)
	read := statement(t, d, "StateRead")
	assert.Equal(t, []string{"arn:aws:s3:::acme-shop-pulumi-state-123456789012/.pulumi/*"}, read.Resource)
	sp := statement(t, d, "SecretsProviderKey")
	assert.Equal(t, []string{"kms:Decrypt"}, sp.Action)
	assert.Equal(t, []string{secretsKey}, sp.Resource)
	sk := statement(t, d, "StateKey")
	assert.Equal(t, []string{stateKey}, sk.Resource)
	assert.Equal(t, []string{"s3.ap-southeast-2.amazonaws.com"}, sk.Condition["StringEquals"]["kms:ViaService"])
}

func TestPushRoleOnlyPushesTheAppImages(t *testing.T) {
	rec := mustPlan(t, nil)
	d := doc(t, rec.Find("aws:iam/rolePolicy:RolePolicy", "fargate-platform-bootstrap-image-push"), "policy")
	require.Len(t, d.Statement, 2)
	login := statement(t, d, "EcrLogin")
	assert.Equal(t, []string{"ecr:GetAuthorizationToken"}, login.Action)
	assert.Equal(t, []string{"*"}, login.Resource)
	push := statement(t, d, "PushAppImage")
	assert.Equal(t, []string{
		"arn:aws:ecr:ap-southeast-2:123456789012:repository/fargate-platform-dev/app",
		"arn:aws:ecr:ap-southeast-2:123456789012:repository/fargate-platform-prod/app",
	}, push.Resource)
	assert.ElementsMatch(t, []string{"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
		"ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, push.Action)
}

func TestPolicyDocumentsFitIamSizeLimits(t *testing.T) {
	tests := []struct {
		name string
		give map[string]string
	}{
		{"example", nil},
		{"longest names and every option", map[string]string{
			project + ":project":         "abcdefghij-klmnopqrs",
			project + ":devStack":        "dev",
			project + ":prodStack":       "prd",
			project + ":stateBucketName": "acme-shop-pulumi-state-123456789012-ap-southeast-2-abcdefghijkl",
			project + ":allowCloudTrail": "true", project + ":allowGuardDuty": "true",
			project + ":codebuild": "true", project + ":codestarConnectionArn": connection,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mustPlan(t, tt.give)
			for _, p := range rec.ByType("aws:iam/policy:Policy") {
				assert.LessOrEqual(t, len(p.Str("policy")), ManagedPolicyMaxChars, p.Name)
			}
			perRole := map[string]int{}
			for _, a := range rec.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
				perRole[a.Str("role")]++
			}
			for role, n := range perRole {
				assert.LessOrEqual(t, n, ManagedPoliciesPerRole, role)
			}
			inline := map[string]int{}
			for _, p := range rec.ByType("aws:iam/rolePolicy:RolePolicy") {
				inline[p.Str("role")] += len(p.Str("policy"))
			}
			for role, n := range inline {
				assert.LessOrEqual(t, n, 10240, role)
			}
			for _, r := range rec.ByType(roleType) {
				assert.LessOrEqual(t, len(r.Str("name")), 64, r.Name)
				assert.LessOrEqual(t, len(r.Str("assumeRolePolicy")), 2048, r.Name)
			}
		})
	}
}

func TestCodeBuildOnlyWhenEnabled(t *testing.T) {
	tests := []struct {
		name         string
		give         map[string]string
		wantProjects int
		wantRoles    int
	}{
		{"off by default", nil, 0, 4},
		{"on", everything, 1, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mustPlan(t, tt.give)
			assert.Len(t, rec.ByType("aws:codebuild/project:Project"), tt.wantProjects)
			assert.Len(t, rec.ByType("aws:codepipeline/pipeline:Pipeline"), tt.wantProjects)
			assert.Len(t, rec.ByType("aws:cloudwatch/logGroup:LogGroup"), tt.wantProjects)
			assert.Len(t, rec.ByType("aws:s3/bucketV2:BucketV2"), 1+tt.wantProjects)
			assert.Len(t, rec.ByType(roleType), tt.wantRoles)
		})
	}
}

func TestCodeBuildProjectAndRoles(t *testing.T) {
	rec := mustPlan(t, everything)
	stateKey := rec.Find("aws:kms/key:Key", stateKeyName).Outputs["arn"].(string)
	p := rec.ByType("aws:codebuild/project:Project")[0]
	assert.Equal(t, "fargate-platform-pipeline-dev", p.Str("name"))
	assert.Equal(t, false, p.In("environment.privilegedMode"))
	assert.Equal(t, "aws/codebuild/amazonlinux-aarch64-standard:3.0", p.Str("environment.image"))
	assert.Equal(t, "ARM_CONTAINER", p.Str("environment.type"))
	assert.Equal(t, "buildspec.yml", p.Str("source.buildspec"))
	assert.Equal(t, "CODEPIPELINE", p.Str("source.type"))
	assert.Equal(t, stateKey, p.Str("encryptionKey"))
	assert.Equal(t, "/fargate-platform/pipeline/dev", p.Str("logsConfig.cloudwatchLogs.groupName"))

	pl := rec.ByType("aws:codepipeline/pipeline:Pipeline")[0]
	assert.Equal(t, connection, pl.Str("stages.0.actions.0.configuration.ConnectionArn"))
	assert.Equal(t, "acme/shop-platform", pl.Str("stages.0.actions.0.configuration.FullRepositoryId"))
	assert.Equal(t, "main", pl.Str("stages.0.actions.0.configuration.BranchName"))
	assert.Equal(t, "fargate-platform-pipeline-dev", pl.Str("stages.1.actions.0.configuration.ProjectName"))
	assert.Equal(t, stateKey, pl.Str("artifactStores.0.encryptionKey.id"))

	tests := []struct {
		role, service, sourceArn string
	}{
		{"fargate-platform-pipeline-dev-build", "codebuild.amazonaws.com", "arn:aws:codebuild:ap-southeast-2:123456789012:project/fargate-platform-pipeline-dev"},
		{"fargate-platform-pipeline-dev-pipeline", "codepipeline.amazonaws.com", "arn:aws:codepipeline:ap-southeast-2:123456789012:fargate-platform-pipeline-dev"},
	}
	for _, tt := range tests {
		r := findRole(rec.ByType(roleType), tt.role)
		require.NotNil(t, r, tt.role)
		s := doc(t, r, "assumeRolePolicy").Statement[0]
		assert.Equal(t, []string{tt.service}, s.Principal.Service)
		assert.Equal(t, []string{account}, s.Condition["StringEquals"]["aws:SourceAccount"])
		assert.Equal(t, []string{tt.sourceArn}, s.Condition["ArnLike"]["aws:SourceArn"])
	}
	// The build deploys with exactly the dev deploy role's policies.
	var buildPolicies []string
	for _, a := range rec.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if a.Str("role") == "fargate-platform-pipeline-dev-build" {
			buildPolicies = append(buildPolicies, a.Str("policyArn"))
		}
	}
	assert.Len(t, buildPolicies, 5)
	for _, arn := range buildPolicies {
		assert.Contains(t, arn, "policy/fargate-platform-github-deploy-dev-")
	}

	pipe := doc(t, rec.Find("aws:iam/rolePolicy:RolePolicy", "fargate-platform-bootstrap-pipeline"), "policy")
	use := statement(t, pipe, "UseConnection")
	assert.Equal(t, []string{connection}, use.Resource)
	runBuild := statement(t, pipe, "RunBuild")
	assert.Equal(t, []string{"arn:aws:codebuild:ap-southeast-2:123456789012:project/fargate-platform-pipeline-dev"}, runBuild.Resource)

	// The artifact bucket is hardened like the state bucket.
	var artifacts *planResource
	for _, b := range rec.ByType("aws:s3/bucketV2:BucketV2") {
		if strings.HasPrefix(b.Str("bucketPrefix"), "fargate-platform-pipeline-dev-artifacts-") {
			artifacts = b
		}
	}
	require.NotNil(t, artifacts)
	for _, typ := range []string{
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
		"aws:s3/bucketVersioningV2:BucketVersioningV2", "aws:s3/bucketPolicy:BucketPolicy",
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
		"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
	} {
		assert.NotNil(t, rec.Find(typ, "fargate-platform-bootstrap-artifacts"), typ)
	}
	sse := rec.Find("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "fargate-platform-bootstrap-artifacts")
	assert.Equal(t, stateKey, sse.Str("rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId"))
	tls := statement(t, doc(t, rec.Find("aws:s3/bucketPolicy:BucketPolicy", "fargate-platform-bootstrap-artifacts"), "policy"), "DenyInsecureTransport")
	assert.Equal(t, iampolicy.Condition{"Bool": {"aws:SecureTransport": {"false"}}}, tls.Condition)
}
