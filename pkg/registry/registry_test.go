package registry

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const keyArn = "arn:aws:kms:ap-southeast-2:123456789012:key/0f0e0d0c-0000-4000-8000-000000000001"

const (
	repoType      = "aws:ecr/repository:Repository"
	lifecycleType = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	policyType    = "aws:ecr/repositoryPolicy:RepositoryPolicy"
)

func baseArgs() Args {
	return Args{AppRepositoryName: "fargate-platform-test/app", NginxRepositoryName: "fargate-platform-test/nginx"}
}

// run plans one Registry under the recording mock.
func run(t *testing.T, args Args) (*plan.Recorder, *Registry) {
	t.Helper()
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	var reg *Registry
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		args.KmsKeyArn = pulumi.String(keyArn)
		var err error
		reg, err = New(ctx, "fp-test", &args)
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	return rec, reg
}

func TestRepositoriesAreImmutableScannedAndEncryptedWithTheStackKey(t *testing.T) {
	rec, _ := run(t, baseArgs())
	repos := rec.ByType(repoType)
	require.Len(t, repos, 2)
	assert.Equal(t, "fargate-platform-test/app", rec.Find(repoType, "fp-test-app").Str("name"))
	assert.Equal(t, "fargate-platform-test/nginx", rec.Find(repoType, "fp-test-nginx").Str("name"))
	for _, r := range repos {
		assert.Equal(t, "IMMUTABLE", r.Str("imageTagMutability"), r.Name)
		assert.Equal(t, true, r.In("imageScanningConfiguration.scanOnPush"), r.Name)
		require.Len(t, r.In("encryptionConfigurations"), 1, r.Name)
		assert.Equal(t, "KMS", r.Str("encryptionConfigurations.0.encryptionType"), r.Name)
		assert.Equal(t, keyArn, r.Str("encryptionConfigurations.0.kmsKey"), r.Name)
	}
}

func TestLifecyclePolicyExpiresUntaggedFirstAndKeepsTheLastTagged(t *testing.T) {
	tests := []struct {
		name          string
		give          Args
		wantKeep      int
		wantUntagDays int
	}{
		{"defaults", Args{}, 30, 7},
		{"configured", Args{KeepTaggedImages: 50, UntaggedExpiryDays: 3}, 50, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			args.KeepTaggedImages, args.UntaggedExpiryDays = tt.give.KeepTaggedImages, tt.give.UntaggedExpiryDays
			rec, _ := run(t, args)
			policies := rec.ByType(lifecycleType)
			require.Len(t, policies, 2, "one per repository")
			repoNames := []string{}
			for _, p := range policies {
				repoNames = append(repoNames, p.Str("repository"))
				var got LifecyclePolicy
				require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &got))
				require.Len(t, got.Rules, 2)

				untagged, tagged := got.Rules[0], got.Rules[1]
				assert.Equal(t, 1, untagged.RulePriority)
				assert.Equal(t, "untagged", untagged.Selection.TagStatus)
				assert.Equal(t, "sinceImagePushed", untagged.Selection.CountType)
				assert.Equal(t, "days", untagged.Selection.CountUnit)
				assert.Equal(t, tt.wantUntagDays, untagged.Selection.CountNumber)
				assert.Empty(t, untagged.Selection.TagPatternList, "ECR refuses tag lists on untagged rules")
				assert.Empty(t, untagged.Selection.TagPrefixList)
				assert.Equal(t, "expire", untagged.Action.Type)

				assert.Equal(t, 2, tagged.RulePriority)
				assert.Equal(t, "tagged", tagged.Selection.TagStatus)
				assert.Equal(t, []string{"*"}, tagged.Selection.TagPatternList, "ECR requires a tag list on tagged rules")
				assert.Equal(t, "imageCountMoreThan", tagged.Selection.CountType)
				assert.Empty(t, tagged.Selection.CountUnit, "ECR refuses countUnit with imageCountMoreThan")
				assert.Equal(t, tt.wantKeep, tagged.Selection.CountNumber)
				assert.Equal(t, "expire", tagged.Action.Type)

				// Raw JSON: only the keys ECR knows (a typo would be refused by PutLifecyclePolicy).
				var raw map[string][]map[string]any
				require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &raw))
				for _, rule := range raw["rules"] {
					for k := range rule {
						assert.Contains(t, []string{"rulePriority", "description", "selection", "action"}, k)
					}
				}
			}
			assert.ElementsMatch(t, []string{"fargate-platform-test/app", "fargate-platform-test/nginx"}, repoNames)
		})
	}
}

func TestLifecycleRulesHaveDistinctPrioritiesAndNoAnyRuleBeforeOthers(t *testing.T) {
	p := Lifecycle(30, 7)
	seen := map[int]bool{}
	max := 0
	for _, r := range p.Rules {
		assert.False(t, seen[r.RulePriority], "duplicate priority %d", r.RulePriority)
		seen[r.RulePriority] = true
		max = maxInt(max, r.RulePriority)
	}
	for _, r := range p.Rules {
		if r.Selection.TagStatus == "any" {
			assert.Equal(t, max, r.RulePriority, "a tagStatus any rule must have the highest priority")
		}
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func TestForceDeleteOnlyOutsideProd(t *testing.T) {
	tests := []struct {
		name        string
		give        Args
		wantForce   bool
		wantProtect bool
	}{
		{"dev", Args{ForceDelete: true}, true, false},
		{"prod", Args{ForceDelete: false, Protect: true}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			args.ForceDelete, args.Protect = tt.give.ForceDelete, tt.give.Protect
			rec, _ := run(t, args)
			for _, r := range rec.ByType(repoType) {
				assert.Equal(t, tt.wantForce, r.In("forceDelete"), r.Name)
				assert.Equal(t, tt.wantProtect, r.Protect, r.Name)
			}
		})
	}
}

func TestNoRepositoryPolicyByDefault(t *testing.T) {
	rec, _ := run(t, baseArgs())
	assert.Len(t, rec.ByType(policyType), 0)
}

func TestCrossAccountPullGrantsExactlyThePullActionsToTheAccounts(t *testing.T) {
	args := baseArgs()
	args.PullAccountIds = []string{"111111111111", "222222222222"}
	rec, _ := run(t, args)
	policies := rec.ByType(policyType)
	require.Len(t, policies, 2, "one per repository")
	var repos []string
	for _, p := range policies {
		repos = append(repos, p.Str("repository"))
		doc, err := iampolicy.Parse(p.Str("policy"))
		require.NoError(t, err)
		require.Len(t, doc.Statement, 1)
		st := doc.Statement[0]
		assert.Equal(t, "Allow", st.Effect)
		require.NotNil(t, st.Principal)
		assert.Equal(t, []string{"arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"}, st.Principal.AWS)
		assert.Empty(t, st.Principal.Service)
		assert.ElementsMatch(t, []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}, st.Action)
		assert.Empty(t, st.Resource, "a repository policy applies to its repository")
		assert.Empty(t, st.Condition)
	}
	assert.ElementsMatch(t, []string{"fargate-platform-test/app", "fargate-platform-test/nginx"}, repos)
}

func TestOutputsAreTheRepositoriesUrlsAndArns(t *testing.T) {
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	got := map[string]any{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		args := baseArgs()
		args.KmsKeyArn = pulumi.String(keyArn)
		reg, err := New(ctx, "fp-test", &args)
		if err != nil {
			return err
		}
		pulumi.All(reg.AppRepositoryUrl, reg.AppRepositoryArn, reg.NginxRepositoryUrl, reg.NginxRepositoryArn,
			reg.RepositoryArns).ApplyT(func(v []any) error {
			got["appUrl"], got["appArn"], got["nginxUrl"], got["nginxArn"], got["arns"] = v[0], v[1], v[2], v[3], v[4]
			return nil
		})
		return nil
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	appArn := "arn:aws:ecr:ap-southeast-2:123456789012:repository/fargate-platform-test/app"
	nginxArn := "arn:aws:ecr:ap-southeast-2:123456789012:repository/fargate-platform-test/nginx"
	assert.Equal(t, "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/fargate-platform-test/app", got["appUrl"])
	assert.Equal(t, appArn, got["appArn"])
	assert.Equal(t, "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/fargate-platform-test/nginx", got["nginxUrl"])
	assert.Equal(t, nginxArn, got["nginxArn"])
	assert.Equal(t, []string{appArn, nginxArn}, got["arns"])
}

func TestChildrenAreParentedAndNamedFromTheComponent(t *testing.T) {
	args := baseArgs()
	args.PullAccountIds = []string{"111111111111"}
	rec, _ := run(t, args)
	comps := rec.ByType("fargate-platform:registry:Registry")
	require.Len(t, comps, 1)
	children := rec.Children(comps[0].URN)
	assert.Len(t, children, 6, "2 repositories, 2 lifecycle policies, 2 repository policies")
	for _, c := range children {
		assert.Contains(t, []string{"fp-test-app", "fp-test-nginx"}, c.Name)
	}
}

func TestBadArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name    string
		give    func(a *Args)
		wantErr string
	}{
		{"missing app repository", func(a *Args) { a.AppRepositoryName = "" }, "AppRepositoryName"},
		{"upper-case repository", func(a *Args) { a.NginxRepositoryName = "Nginx" }, "NginxRepositoryName"},
		{"same repository twice", func(a *Args) { a.NginxRepositoryName = a.AppRepositoryName }, "both"},
		{"no key", func(a *Args) { a.KmsKeyArn = nil }, "KmsKeyArn"},
		{"keep too many", func(a *Args) { a.KeepTaggedImages = 1001 }, "KeepTaggedImages 1001"},
		{"negative expiry", func(a *Args) { a.UntaggedExpiryDays = -1 }, "UntaggedExpiryDays -1"},
		{"bad account", func(a *Args) { a.PullAccountIds = []string{"12345"} }, "PullAccountIds \"12345\""},
		{"duplicate account", func(a *Args) { a.PullAccountIds = []string{"111111111111", "111111111111"} }, "PullAccountIds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				args := baseArgs()
				args.KmsKeyArn = pulumi.String(keyArn)
				tt.give(&args)
				_, err := New(ctx, "fp-test", &args)
				return err
			}, rec.RunOptions(nil, nil)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Len(t, rec.Resources(), 0)
		})
	}
}
