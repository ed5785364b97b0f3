package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/permissions"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// everything turns on every optional feature, so the invariants cover every policy the program can write.
var everything = map[string]string{
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
	require.GreaterOrEqual(t, len(policies), 2*2+2+1+2, "deploy policies and a boundary per stack, previews, push, build, pipeline")
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
		if strings.Contains(name, "-boundary-") {
			continue // a boundary grants nothing by itself: it caps the stack's roles, which run in the region
		}
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

// deployStatements are all statements of a stack's deploy role's managed policies, by Sid.
func deployStatements(t *testing.T, rec *plan.Recorder, stack string) map[string]iampolicy.Statement {
	t.Helper()
	out := map[string]iampolicy.Statement{}
	attached := 0
	for _, p := range rec.ByType("aws:iam/policy:Policy") {
		if !strings.HasPrefix(p.Str("name"), "fargate-platform-github-deploy-"+stack+"-") {
			continue
		}
		attached++
		for _, st := range doc(t, p, "policy").Statement {
			_, dup := out[st.Sid]
			require.False(t, dup, "two statements %s", st.Sid)
			out[st.Sid] = st
		}
	}
	require.NotZero(t, attached)
	return out
}

func TestPassRoleOnlyForStackRolesToTheServicesItsPlanUses(t *testing.T) {
	base := []string{"ecs-tasks.amazonaws.com", "monitoring.rds.amazonaws.com", "scheduler.amazonaws.com", "vpc-flow-logs.amazonaws.com"}
	tests := []struct {
		stack string
		want  []string
	}{
		{"dev", base},
		// Pulumi.prod.yaml turns CloudTrail on: its log delivery role is passed to CloudTrail.
		{"prod", []string{"cloudtrail.amazonaws.com", "ecs-tasks.amazonaws.com", "monitoring.rds.amazonaws.com", "scheduler.amazonaws.com", "vpc-flow-logs.amazonaws.com"}},
	}
	rec := mustPlan(t, nil)
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			st := deployStatements(t, rec, tt.stack)
			pass := st["PassStackRoles"]
			assert.Equal(t, []string{"iam:PassRole"}, pass.Action)
			assert.Equal(t, []string{"arn:aws:iam::123456789012:role/fargate-platform-" + tt.stack + "-*"}, pass.Resource)
			assert.Equal(t, tt.want, pass.Condition["StringEquals"]["iam:PassedToService"])
			for sid, s := range st {
				if sid != "PassStackRoles" {
					assert.NotContains(t, s.Action, "iam:PassRole", sid)
				}
			}
		})
	}
}

func TestDeployRolesNameOnlyTheirOwnStack(t *testing.T) {
	tests := []struct{ stack, other string }{{"dev", "prod"}, {"prod", "dev"}}
	rec := mustPlan(t, nil)
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			st := deployStatements(t, rec, tt.stack)
			for sid, s := range st {
				for _, r := range s.Resource {
					for _, f := range []string{"fargate-platform-" + tt.other, "/fargate-platform/" + tt.other, "/" + tt.other + "/", "/" + tt.other + "."} {
						assert.NotContains(t, r, f, sid)
					}
				}
			}
			objects := "arn:aws:s3:::acme-shop-pulumi-state-123456789012/.pulumi/"
			assert.Equal(t, []string{
				objects + "stacks/fargate-platform/" + tt.stack + ".*",
				objects + "history/fargate-platform/" + tt.stack + "/*",
				objects + "backups/fargate-platform/" + tt.stack + "/*",
				objects + "locks/organization/fargate-platform/" + tt.stack + "/*",
			}, st["StateWrite"].Resource)
			assert.Equal(t, []string{"arn:aws:iam::123456789012:role/fargate-platform-" + tt.stack + "-*"}, st["StackRoles"].Resource)
			assert.Equal(t, []string{"arn:aws:iam::123456789012:policy/fargate-platform-" + tt.stack + "-boundary"},
				st["StackRolesBounded"].Condition["StringEquals"]["iam:PermissionsBoundary"])
			assert.Equal(t, []string{"fargate-platform-" + tt.stack}, st["StackKeys"].Condition["StringEquals"]["aws:ResourceTag/fargate-platform:stack"])
		})
	}
}

func TestDeployRolesUseTheirOwnBootstrapKeysButCannotManageAny(t *testing.T) {
	rec := mustPlan(t, nil)
	stateKey := rec.Find("aws:kms/key:Key", stateKeyName).Outputs["arn"].(string)
	secrets := map[string]string{}
	for _, s := range []string{"dev", "prod"} {
		secrets[s] = rec.Find("aws:kms/key:Key", secretsKeyName+"-"+s).Outputs["arn"].(string)
	}
	st := deployStatements(t, rec, "prod")
	assert.Equal(t, []string{secrets["prod"]}, st["SecretsProviderKey"].Resource)
	assert.Equal(t, []string{"kms:Encrypt", "kms:Decrypt"}, st["SecretsProviderKey"].Action)
	assert.Equal(t, []string{stateKey}, st["StateKey"].Resource)
	assert.Equal(t, []string{"s3.ap-southeast-2.amazonaws.com"}, st["StateKey"].Condition["StringEquals"]["kms:ViaService"])
	deny := st["KeepBootstrapKeys"]
	assert.Equal(t, "Deny", deny.Effect)
	assert.ElementsMatch(t, []string{stateKey, secrets["dev"], secrets["prod"]}, deny.Resource)
	for _, a := range []string{"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant", "kms:UpdateAlias"} {
		assert.Contains(t, deny.Action, a)
	}
	assert.Equal(t, []string{"true"}, st["StackKeyGrants"].Condition["Bool"]["kms:GrantIsForAWSResource"])
	assert.Contains(t, st["KeepStateBucket"].Action, "s3:DeleteObjectVersion")
}

func TestMigrationTaskRunsOnlyInTheStacksCluster(t *testing.T) {
	rec := mustPlan(t, nil)
	run := deployStatements(t, rec, "dev")["EcsRunTask"]
	assert.Equal(t, []string{"ecs:RunTask"}, run.Action)
	assert.Equal(t, []string{"arn:aws:ecs:ap-southeast-2:123456789012:task-definition/fargate-platform-dev-*:*"}, run.Resource)
	assert.Equal(t, []string{"arn:aws:ecs:ap-southeast-2:123456789012:cluster/fargate-platform-dev"}, run.Condition["ArnEquals"]["ecs:cluster"])
}

func TestPreviewRolesAreReadOnlyAndPerStack(t *testing.T) {
	actions := loadActions(t)
	rec := mustPlan(t, nil)
	stateKey := rec.Find("aws:kms/key:Key", stateKeyName).Outputs["arn"].(string)
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			d := doc(t, rec.Find("aws:iam/rolePolicy:RolePolicy", "fargate-platform-bootstrap-preview-"+stack), "policy")
			for _, s := range d.Statement {
				assert.Equal(t, "Allow", s.Effect)
				for _, a := range s.Action {
					if s.Sid == "StateKey" || s.Sid == "SecretsProviderKey" {
						assert.Contains(t, []string{"kms:Decrypt", "kms:GenerateDataKey"}, a)
						continue
					}
					for _, x := range matching(actions, a) {
						assert.Contains(t, []string{"Read", "List"}, x.Level, "%s: %s", s.Sid, x.Name)
					}
				}
			}
			assert.Equal(t, []string{"kms:Decrypt"}, statement(t, d, "SecretsProviderKey").Action)
			assert.Equal(t, []string{rec.Find("aws:kms/key:Key", secretsKeyName+"-"+stack).Outputs["arn"].(string)},
				statement(t, d, "SecretsProviderKey").Resource)
			assert.Equal(t, []string{stateKey}, statement(t, d, "StateKey").Resource)
		})
	}
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
			project + ":mainProjectDir":  "<long>",
			project + ":stateBucketName": "acme-shop-pulumi-state-123456789012-ap-southeast-2-abcdefghijkl",
			project + ":codebuild":       "true", project + ":codestarConnectionArn": connection,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.give[project+":mainProjectDir"] == "<long>" {
				tt.give[project+":mainProjectDir"] = renamedMainProject(t, "abcdefghij-klmnopqrs", map[string]string{"dev": "dev", "prod": "prd"})
			}
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
		{"off by default", nil, 0, 5},
		{"on", everything, 1, 7},
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
	// The build deploys dev with exactly dev's deploy policies.
	var devPolicies []string
	for _, p := range rec.ByType("aws:iam/policy:Policy") {
		if strings.HasPrefix(p.Str("name"), "fargate-platform-github-deploy-dev-") {
			devPolicies = append(devPolicies, p.Outputs["arn"].(string))
		}
	}
	assert.ElementsMatch(t, devPolicies, buildPolicies)
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

// renamedMainProject copies the main program's Pulumi.yaml and stack files into a new directory under
// another project name (and stack names), for a bootstrap of the longest names the config allows.
func renamedMainProject(t *testing.T, name string, stacks map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	y, err := os.ReadFile(filepath.Join("..", "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"),
		[]byte(strings.Replace(string(y), "name: fargate-platform", "name: "+name, 1)), 0o644))
	for from, to := range stacks {
		b, err := os.ReadFile(filepath.Join("..", "Pulumi."+from+".yaml"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+to+".yaml"),
			[]byte(strings.ReplaceAll(string(b), "fargate-platform:", name+":")), 0o644))
	}
	return dir
}

// TestEveryBootstrapTypeHasARow: the permission table covers what the bootstrap creates too (with every
// option on), so a new resource type anywhere in the project needs its calls written down.
func TestEveryBootstrapTypeHasARow(t *testing.T) {
	_, missing := permissions.Types(mustPlan(t, everything))
	assert.Empty(t, missing, "resource types with no row in pkg/permissions/table.go")
}

// TestEveryTableActionExists: each action of the permission table is one the Service Authorization
// Reference lists (a typo would be a permission nobody has).
func TestEveryTableActionExists(t *testing.T) {
	actions := loadActions(t)
	for _, row := range permissions.Table {
		for _, c := range row.Calls {
			for _, a := range c.Actions {
				assert.NotEmpty(t, matching(actions, a), "%s: %s is not an IAM action", row.Type, a)
			}
		}
	}
}
