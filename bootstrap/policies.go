package main

import (
	"fmt"
	"sort"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/permissions"
	"github.com/fargate-platform/fargate-platform/stacks"
)

// IAM limits the documents are checked against (characters, whitespace excluded; the documents are
// compact JSON). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
const (
	ManagedPolicyMaxChars  = 6144
	ManagedPoliciesPerRole = 10
)

// Session lengths. A deploy job may run for 120 minutes (deploy-stack.yml timeout-minutes: a prod first
// deploy waits for a Multi-AZ database, the cache, an image build, the release tasks and steady state), so
// its session lasts as long; a preview job stops at 30 minutes. A test holds these to the workflows.
const (
	DeploySessionSeconds  = 7200
	PreviewSessionSeconds = 3600
)

// scope is what the policies are written for: the account, region, main project, and the bootstrap's own
// state bucket and keys.
type scope struct {
	Account, Region, Project string
	StateBucket              string
	StateKeyArn              string
	// SecretsKeyArns are each stack's secrets-provider key.
	SecretsKeyArns map[string]string
	// Main are the main program's stacks.
	Main map[string]MainStack
}

// namedDocument is one customer managed policy: a name suffix and its document.
type namedDocument struct {
	Name string
	Doc  iampolicy.Document
}

func (s scope) inRegion(st iampolicy.Statement) iampolicy.Statement {
	if st.Condition == nil {
		st.Condition = iampolicy.Condition{}
	}
	eq := st.Condition["StringEquals"]
	if eq == nil {
		eq = map[string][]string{}
	}
	eq["aws:RequestedRegion"] = []string{s.Region}
	st.Condition["StringEquals"] = eq
	return st
}

func (s scope) arn(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, s.Region, s.Account, resource)
}

func (s scope) iamArn(resource string) string {
	return fmt.Sprintf("arn:aws:iam::%s:%s", s.Account, resource)
}

// stack is the permissions.Scope of one main stack.
func (s scope) stack(stack string) permissions.Scope {
	return permissions.Scope{Account: s.Account, Region: s.Region, Project: s.Project, Stack: stack,
		BoundaryArn:    permissions.BoundaryArn(s.Account, s.Project, stack),
		AppBucketArn:   s.Main[stack].Config.Service.AppBucketArn,
		Volumes:        permissions.HasVolumes(s.Main[stack].Config),
		ScheduledTasks: permissions.HasRole(s.Main[stack].Config, stacks.RoleScheduled)}
}

// MetaKey is the object the S3 backend reads first; the bootstrap writes it, so no deploy role needs to.
const MetaKey = ".pulumi/meta.yaml"

// stateObjects are the S3 backend keys of one stack in Pulumi's project-scoped layout (meta.yaml version
// 1): its checkpoint `.json` (or `.json.gz`), the `.json.bak` copy, the `.pulumi-tags` file, history,
// backups and locks (`locks/organization/<project>/<stack>/<uuid>.json`). Source: pulumi/pulumi
// pkg/backend/diy (store.go stackPath, historyDirectory, backupDirectory, lock.go lockDir), read at v3.200.0.
// The backend calls ListObjectsV2, HeadObject and GetObject (s3:GetObject), CopyObject (GetObject on the
// source, PutObject on the copy), PutObject and DeleteObject, and sends no encryption header.
func (s scope) stateObjects(stack string) []string {
	b := "arn:aws:s3:::" + s.StateBucket + "/.pulumi/"
	p := s.Project + "/" + stack
	return []string{b + "stacks/" + p + ".*", b + "history/" + p + "/*", b + "backups/" + p + "/*",
		b + "locks/organization/" + p + "/*"}
}

// stateStatements let a role read and write its own stack's state and nothing else of the backend but the
// object listing and meta.yaml, and use its own stack's secrets key. write is false for a preview, which
// takes no lock and writes nothing (diy backend: preview does not lock).
func (s scope) stateStatements(stack string, write bool) []iampolicy.Statement {
	bucket := "arn:aws:s3:::" + s.StateBucket
	objects := s.stateObjects(stack)
	// gocloud's awskms: Encrypt of the stack's data key at `pulumi stack init`, Decrypt on every run.
	secretsKey := []string{"kms:Encrypt", "kms:Decrypt"}
	if !write {
		secretsKey = []string{"kms:Decrypt"}
	}
	out := []iampolicy.Statement{
		// Listing is needed even to read: without s3:ListBucket S3 answers a missing object with 403, not 404.
		s.inRegion(iampolicy.Allow("StateList", []string{"s3:ListBucket"}, bucket)),
		s.inRegion(iampolicy.Allow("StateRead", []string{"s3:GetObject"}, append([]string{bucket + "/" + MetaKey}, objects...)...)),
	}
	if write {
		out = append(out, s.inRegion(iampolicy.Allow("StateWrite", []string{"s3:PutObject", "s3:DeleteObject"}, objects...)))
	}
	return append(out,
		// The state key through S3 only.
		viaService(s.inRegion(iampolicy.Allow("StateKey", []string{"kms:Decrypt", "kms:GenerateDataKey"}, s.StateKeyArn)),
			"s3."+s.Region+".amazonaws.com"),
		// `secretsprovider: awskms://alias/<secretsKeyAlias>-<stack>`: the stack's own key, never another's.
		s.inRegion(iampolicy.Allow("SecretsProviderKey", secretsKey, s.SecretsKeyArns[stack])),
	)
}

func viaService(st iampolicy.Statement, service string) iampolicy.Statement {
	st.Condition["StringEquals"]["kms:ViaService"] = []string{service}
	return st
}

// protectedKeys are the bootstrap's keys: the state key and every stack's secrets key.
func (s scope) protectedKeys() []string {
	out := []string{s.StateKeyArn}
	for _, st := range sortedStacks(s.SecretsKeyArns) {
		out = append(out, s.SecretsKeyArns[st])
	}
	return out
}

// guards are the explicit denies every deploy role carries: nothing it is allowed elsewhere may touch the
// bootstrap's keys, the boundary, the deploy identities or the state bucket's protections.
func (s scope) guards(stack string) []iampolicy.Statement {
	return []iampolicy.Statement{
		iampolicy.Deny("KeepBootstrapKeys", []string{
			"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant",
			"kms:UpdateAlias", "kms:DeleteAlias", "kms:CreateAlias", "kms:TagResource", "kms:UntagResource",
			"kms:DisableKeyRotation",
		}, s.protectedKeys()...),
		iampolicy.Deny("KeepBoundary", []string{
			"iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary",
		}, s.iamArn("role/*")),
		iampolicy.Deny("KeepBoundaryPolicy", []string{
			"iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion",
			"iam:TagPolicy", "iam:UntagPolicy",
		}, s.iamArn("policy/"+s.Project+"-*")),
		iampolicy.Deny("KeepDeployIdentities", []string{
			"iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy",
			"iam:DetachRolePolicy", "iam:DeleteRole", "iam:UpdateRole", "iam:TagRole", "iam:UntagRole",
		}, s.iamArn("role/"+s.Project+"-github-*"), s.iamArn("role/"+s.Project+"-pipeline-*")),
		iampolicy.Deny("KeepStateBucket", []string{
			"s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketVersioning",
			"s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock",
			"s3:PutBucketOwnershipControls", "s3:DeleteObjectVersion",
		}, "arn:aws:s3:::"+s.StateBucket, "arn:aws:s3:::"+s.StateBucket+"/*"),
	}
}

// deployDocuments are the permissions of one stack's deploy role, as managed policies small enough for
// IAM: the permission table's statements for the types the stack's plan holds (pkg/permissions), its own
// state, and the guards.
func deployDocuments(s scope, stack string) ([]namedDocument, error) {
	st, err := permissions.Deploy(s.stack(stack), append(append([]string{}, s.Main[stack].Types...), permissions.WorkflowType))
	if err != nil {
		return nil, err
	}
	st = append(st, s.stateStatements(stack, true)...)
	st = append(st, s.guards(stack)...)
	return pack(st)
}

// pack fills managed policies in order, each under ManagedPolicyMaxChars.
func pack(statements []iampolicy.Statement) ([]namedDocument, error) {
	var out []namedDocument
	var cur []iampolicy.Statement
	flush := func() {
		if len(cur) > 0 {
			out = append(out, namedDocument{Name: fmt.Sprint(len(out) + 1), Doc: iampolicy.New(cur...)})
			cur = nil
		}
	}
	for _, st := range statements {
		if len(iampolicy.New(st).JSON()) > ManagedPolicyMaxChars {
			return nil, fmt.Errorf("statement %s alone is over the %d characters of a managed policy: split its target", st.Sid, ManagedPolicyMaxChars)
		}
		if len(iampolicy.New(append(append([]iampolicy.Statement{}, cur...), st)...).JSON()) > ManagedPolicyMaxChars {
			flush()
		}
		cur = append(cur, st)
	}
	flush()
	if len(out) > ManagedPoliciesPerRole-1 {
		return nil, fmt.Errorf("the deploy permissions need %d managed policies, over the %d a role may hold", len(out), ManagedPoliciesPerRole)
	}
	return out, nil
}

// previewDocument is one stack's pull-request role: the data sources the program reads, its own state
// read-only except its lock, and Decrypt on its own secrets key. It runs `pulumi preview` without
// --refresh: refreshing reads SecureString parameters and secret versions, whose values a preview role must
// never see.
func previewDocument(s scope, stack string) iampolicy.Document {
	return iampolicy.New(append(permissions.Preview(s.stack(stack)), s.stateStatements(stack, false)...)...)
}

// pushDocument is the application repository's role: log in to ECR and push to the stacks' app
// repositories, nothing else.
func pushDocument(s scope, stacks []string) iampolicy.Document {
	var repos []string
	for _, st := range stacks {
		repos = append(repos, s.arn("ecr", "repository/"+s.Project+"-"+st+"/app"))
	}
	return iampolicy.New(
		s.inRegion(iampolicy.Allow("EcrLogin", []string{"ecr:GetAuthorizationToken"}, "*")),
		s.inRegion(iampolicy.Allow("PushAppImage", []string{
			"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
			"ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
		}, repos...)),
	)
}

// trustDocument lets GitHub's OIDC tokens with our audience and exactly one subject assume a role.
func trustDocument(providerArn, subject string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "GitHubActions",
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Federated: []string{providerArn}},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: iampolicy.Condition{"StringEquals": {
			GitHubIssuerHost + ":aud": {GitHubAudience},
			GitHubIssuerHost + ":sub": {subject},
		}},
	})
}

// Subjects GitHub puts in the token: a push or dispatch on a branch, a job in an environment, a pull
// request.
func branchSubject(repo, branch string) string   { return "repo:" + repo + ":ref:refs/heads/" + branch }
func environmentSubject(repo, env string) string { return "repo:" + repo + ":environment:" + env }
func pullRequestSubject(repo string) string      { return "repo:" + repo + ":pull_request" }

func sortedStacks(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
