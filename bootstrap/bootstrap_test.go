package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

const (
	providerArn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	roleType    = "aws:iam/role:Role"
)

func TestBadConfigFailsWithEveryProblemAndRegistersNothing(t *testing.T) {
	tests := []struct {
		name string
		give map[string]string
		want []string
	}{
		{"repository not owner/name", map[string]string{project + ":repository": "shop-platform"},
			[]string{`repository = "shop-platform"`, "owner/name"}},
		{"account id not 12 digits", map[string]string{project + ":accountId": "12345"},
			[]string{`accountId = "12345"`, "12-digit"}},
		{"credentials of another account", map[string]string{project + ":accountId": "210987654321"},
			[]string{`accountId = "210987654321"`, "account 123456789012"}},
		{"missing region and bucket", map[string]string{"aws:region": "<unset>", project + ":stateBucketName": "<unset>"},
			[]string{`aws:region = ""`, `stateBucketName = ""`}},
		{"bucket under the deploy roles' prefix", map[string]string{project + ":stateBucketName": "fargate-platform-state"},
			[]string{"must not start with"}},
		{"no stack at all", map[string]string{project + ":devStack": "", project + ":prodStack": ""},
			[]string{"set devStack or prodStack"}},
		{"reserved stack name", map[string]string{project + ":prodStack": "github"},
			[]string{`prodStack = "github"`, "reserved"}},
		{"stack name too long", map[string]string{project + ":devStack": "development-environment"},
			[]string{`devStack = "development-environment"`, "at most 24"}},
		{"wildcard branch", map[string]string{project + ":branch": "release/*"},
			[]string{`branch = "release/*"`, "without wildcards"}},
		{"codebuild without a connection", map[string]string{project + ":codebuild": "true"},
			[]string{`codestarConnectionArn = ""`}},
		{"codebuild with an unknown image", map[string]string{project + ":codebuild": "true",
			project + ":codestarConnectionArn": "arn:aws:codeconnections:ap-southeast-2:123456789012:connection/0f0e0d0c-0000-4000-8000-000000000001",
			project + ":codebuildImage":        "aws/codebuild/standard:5.0"},
			[]string{`codebuildImage = "aws/codebuild/standard:5.0"`}},
		{"not a number", map[string]string{project + ":stateNoncurrentVersionDays": "ninety"},
			[]string{`stateNoncurrentVersionDays = "ninety"`, "whole number"}},
		{"boundary not a policy", map[string]string{project + ":permissionsBoundaryArn": "arn:aws:iam::123456789012:role/x"},
			[]string{"permissionsBoundaryArn", "IAM policy ARN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := planWith(t, example(tt.give))
			require.Error(t, err)
			var bad ConfigErrors
			assert.ErrorAs(t, err, &bad)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Empty(t, rec.Resources())
		})
	}
}

func TestTrustPinsAudienceAndSubjectPerRole(t *testing.T) {
	tests := []struct {
		name     string
		give     map[string]string
		role     string
		wantSub  string
		wantFed  string
		wantRole int
	}{
		{"dev deploys from main", nil, "fargate-platform-github-deploy-dev",
			"repo:acme/shop-platform:ref:refs/heads/main", providerArn, 5},
		{"prod deploys from the production environment only", nil, "fargate-platform-github-deploy-prod",
			"repo:acme/shop-platform:environment:production", providerArn, 5},
		{"dev previews from pull requests", nil, "fargate-platform-github-preview-dev",
			"repo:acme/shop-platform:pull_request", providerArn, 5},
		{"prod previews only from its preview environment: a preview decrypts prod's secrets", nil,
			"fargate-platform-github-preview-prod", "repo:acme/shop-platform:environment:production-preview", providerArn, 5},
		{"the app repository pushes from main", nil, "fargate-platform-github-image-push",
			"repo:acme/shop:ref:refs/heads/main", providerArn, 5},
		{"another branch and environment", map[string]string{project + ":branch": "trunk", project + ":productionEnvironment": "live"},
			"fargate-platform-github-deploy-prod", "repo:acme/shop-platform:environment:live", providerArn, 5},
		{"another preview environment", map[string]string{project + ":prodPreviewEnvironment": "prod-plan"},
			"fargate-platform-github-preview-prod", "repo:acme/shop-platform:environment:prod-plan", providerArn, 5},
		{"an existing provider is reused", map[string]string{project + ":existingOidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
			"fargate-platform-github-deploy-dev", "repo:acme/shop-platform:ref:refs/heads/main", providerArn, 5},
		{"no app repository, no push role", map[string]string{project + ":appRepository": "<unset>"},
			"fargate-platform-github-preview-dev", "repo:acme/shop-platform:pull_request", providerArn, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mustPlan(t, tt.give)
			assert.Len(t, rec.ByType(roleType), tt.wantRole)
			var r = findRole(rec.ByType(roleType), tt.role)
			require.NotNil(t, r, tt.role)
			wantSession := float64(PreviewSessionSeconds)
			if strings.Contains(tt.role, "-deploy-") {
				wantSession = DeploySessionSeconds
			}
			assert.Equal(t, wantSession, r.In("maxSessionDuration"))
			d := doc(t, r, "assumeRolePolicy")
			require.Len(t, d.Statement, 1)
			s := d.Statement[0]
			assert.Equal(t, "Allow", s.Effect)
			assert.Equal(t, []string{"sts:AssumeRoleWithWebIdentity"}, s.Action)
			assert.Equal(t, &iampolicy.Principal{Federated: []string{tt.wantFed}}, s.Principal)
			assert.Equal(t, iampolicy.Condition{"StringEquals": {
				"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"},
				"token.actions.githubusercontent.com:sub": {tt.wantSub},
			}}, s.Condition)
		})
	}
}

func findRole(roles []*planResource, name string) *planResource {
	for _, r := range roles {
		if r.Str("name") == name {
			return r
		}
	}
	return nil
}

func TestOidcProviderIsGitHubsWithTheStsAudience(t *testing.T) {
	rec := mustPlan(t, nil)
	providers := rec.ByType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
	require.Len(t, providers, 1)
	assert.Equal(t, "https://token.actions.githubusercontent.com", providers[0].Str("url"))
	assert.Equal(t, []any{"sts.amazonaws.com"}, providers[0].In("clientIdLists"))
	assert.Nil(t, providers[0].In("thumbprintLists"), "IAM no longer needs a thumbprint for GitHub")

	reused := mustPlan(t, map[string]string{project + ":existingOidcProviderArn": providerArn})
	assert.Len(t, reused.ByType("aws:iam/openIdConnectProvider:OpenIdConnectProvider"), 0)
}

func TestPermissionsBoundaryOnEveryRoleWhenSet(t *testing.T) {
	boundary := "arn:aws:iam::123456789012:policy/platform-boundary"
	tests := []struct {
		name string
		give map[string]string
		want any
	}{
		{"none by default", nil, nil},
		{"set from config", map[string]string{project + ":permissionsBoundaryArn": boundary,
			project + ":codebuild": "true", project + ":codestarConnectionArn": connection}, boundary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mustPlan(t, tt.give)
			for _, r := range rec.ByType(roleType) {
				assert.Equal(t, tt.want, r.In("permissionsBoundary"), r.Name)
			}
		})
	}
}

func TestStateBucketIsHardened(t *testing.T) {
	tests := []struct {
		name           string
		give           map[string]string
		wantNoncurrent float64
	}{
		{"default retention", nil, 90},
		{"configured retention", map[string]string{project + ":stateNoncurrentVersionDays": "30"}, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mustPlan(t, tt.give)
			buckets := rec.ByType("aws:s3/bucketV2:BucketV2")
			require.Len(t, buckets, 1)
			b := buckets[0]
			assert.Equal(t, "acme-shop-pulumi-state-123456789012", b.Str("bucket"))
			assert.True(t, b.Protect, "the state bucket is protected")
			assert.Equal(t, false, b.In("forceDestroy"))

			ver := rec.ByType("aws:s3/bucketVersioningV2:BucketVersioningV2")
			require.Len(t, ver, 1)
			assert.Equal(t, "Enabled", ver[0].Str("versioningConfiguration.status"))

			stateKey := rec.Find("aws:kms/key:Key", "fargate-platform-bootstrap-state")
			require.NotNil(t, stateKey)
			sse := rec.ByType("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
			require.Len(t, sse, 1)
			assert.Equal(t, "aws:kms", sse[0].Str("rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"))
			assert.Equal(t, stateKey.Outputs["arn"], sse[0].Str("rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId"))
			assert.Equal(t, true, sse[0].In("rules.0.bucketKeyEnabled"))

			pab := rec.ByType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
			require.Len(t, pab, 1)
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				assert.Equal(t, true, pab[0].In(k), k)
			}
			own := rec.ByType("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
			require.Len(t, own, 1)
			assert.Equal(t, "BucketOwnerEnforced", own[0].Str("rule.objectOwnership"))

			lc := rec.ByType("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
			require.Len(t, lc, 1)
			assert.Equal(t, "Enabled", lc[0].Str("rules.0.status"))
			assert.Equal(t, tt.wantNoncurrent, lc[0].In("rules.0.noncurrentVersionExpiration.noncurrentDays"))
			assert.Nil(t, lc[0].In("rules.0.expiration"), "current state versions never expire")

			pol := doc(t, rec.ByType("aws:s3/bucketPolicy:BucketPolicy")[0], "policy")
			tls := statement(t, pol, "DenyInsecureTransport")
			arn := "arn:aws:s3:::acme-shop-pulumi-state-123456789012"
			assert.Equal(t, "Deny", tls.Effect)
			assert.Equal(t, []string{"s3:*"}, tls.Action)
			assert.Equal(t, []string{arn, arn + "/*"}, tls.Resource)
			assert.Equal(t, iampolicy.Condition{"Bool": {"aws:SecureTransport": {"false"}}}, tls.Condition)
			other := statement(t, pol, "DenyOtherKeys")
			assert.Equal(t, "Deny", other.Effect)
			// Only a header naming another key is refused: the S3 backend sends none (IfExists would deny it).
			assert.Equal(t, iampolicy.Condition{
				"Null":            {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"false"}},
				"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {stateKey.Outputs["arn"].(string)}},
			}, other.Condition)
			meta := rec.ByType("aws:s3/bucketObjectv2:BucketObjectv2")
			require.Len(t, meta, 1, "the backend's meta.yaml, so no deploy role needs to write it")
			assert.Equal(t, ".pulumi/meta.yaml", meta[0].Str("key"))
			assert.Equal(t, "version: 1\n", meta[0].Str("content"))
		})
	}
}

func TestKeysRotateAndOnlyAdminsManageThem(t *testing.T) {
	admin := "arn:aws:iam::123456789012:role/platform-admin"
	tests := []struct {
		name       string
		give       map[string]string
		key        string
		wantAlias  string
		wantAdmins []string
		wantVia    []string
	}{
		{"state key, used only through S3", nil, "fargate-platform-bootstrap-state",
			"alias/acme-shop-pulumi-state-123456789012", []string{"arn:aws:iam::123456789012:root"},
			[]string{"s3.ap-southeast-2.amazonaws.com"}},
		{"dev's secrets-provider key, used by the CLI", nil, "fargate-platform-bootstrap-secrets-dev",
			"alias/acme-shop-pulumi-secrets-dev", []string{"arn:aws:iam::123456789012:root"}, nil},
		{"prod's own secrets-provider key", nil, "fargate-platform-bootstrap-secrets-prod",
			"alias/acme-shop-pulumi-secrets-prod", []string{"arn:aws:iam::123456789012:root"}, nil},
		{"named administrators", map[string]string{project + ":keyAdminArns": `["` + admin + `"]`},
			"fargate-platform-bootstrap-secrets-dev", "alias/acme-shop-pulumi-secrets-dev", []string{admin}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mustPlan(t, tt.give)
			key := rec.Find("aws:kms/key:Key", tt.key)
			require.NotNil(t, key)
			assert.True(t, key.Protect)
			assert.Equal(t, true, key.In("enableKeyRotation"))
			assert.Equal(t, float64(30), key.In("deletionWindowInDays"))
			alias := rec.Find("aws:kms/alias:Alias", tt.key)
			require.NotNil(t, alias)
			assert.Equal(t, tt.wantAlias, alias.Str("name"))
			assert.Equal(t, key.Outputs["keyId"], alias.Str("targetKeyId"))

			d := doc(t, key, "policy")
			require.Len(t, d.Statement, 2)
			adm := statement(t, d, "KeyAdministration")
			assert.Equal(t, tt.wantAdmins, adm.Principal.AWS)
			assert.Equal(t, KeyAdminActions, adm.Action)
			for _, a := range adm.Action {
				assert.NotContains(t, []string{"kms:Encrypt", "kms:Decrypt", "kms:CreateGrant", "kms:*"}, a, "admins manage, never use")
			}
			use := statement(t, d, "AccountUseThroughIam")
			assert.Equal(t, []string{"arn:aws:iam::123456789012:root"}, use.Principal.AWS)
			assert.Equal(t, []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"}, use.Action)
			assert.Equal(t, []string{account}, use.Condition["StringEquals"]["kms:CallerAccount"])
			assert.Equal(t, tt.wantVia, use.Condition["StringEquals"]["kms:ViaService"])
		})
	}
}

func TestPlanCommandPlansTheExampleStack(t *testing.T) {
	out := filepath.Join(t.TempDir(), "plan.json")
	var stdout, stderr bytes.Buffer
	cmd := planCommand()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.Equal(t, 0, cmd.Run([]string{"--stack", "example", "--out", out}), stderr.String())
	assert.Contains(t, stdout.String(), "fargate-platform:bootstrap:GitHubOidc")
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(b), "fargate-platform-github-deploy-prod")

	// A bad stack file exits 2 with the message, not 1.
	dir := t.TempDir()
	yaml, err := os.ReadFile("Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), yaml, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.bad.yaml"),
		[]byte("config:\n  aws:region: ap-southeast-2\n  fargate-platform-bootstrap:repository: nope\n"), 0o600))
	stderr.Reset()
	cmd.Dir = dir
	assert.Equal(t, 2, cmd.Run([]string{"--stack", "bad", "--out", "-", "--quiet"}))
	assert.Contains(t, stderr.String(), `repository = "nope"`)
	assert.Contains(t, stderr.String(), `stateBucketName = ""`)
}

func TestPulumiYamlDeclaresEveryKey(t *testing.T) {
	b, err := os.ReadFile("Pulumi.yaml")
	require.NoError(t, err)
	var keys []string
	_, _ = readConfig(project, func(k string) (string, bool) {
		keys = append(keys, k)
		return "", false
	})
	for _, k := range keys {
		if strings.HasPrefix(k, "aws:") {
			continue
		}
		assert.Contains(t, string(b), "\n  "+strings.TrimPrefix(k, project+":")+":\n", "Pulumi.yaml must declare %s", k)
	}
}
