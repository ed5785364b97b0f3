package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/compliance"
	"github.com/fargate-platform/fargate-platform/pkg/iameval"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/permissions"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/stacks"
)

// The deploy identity, proven against the plans: the bootstrap's example stack (which hosts the shipped
// dev and prod stacks, in one account) is planned with its real program, and every call every planned
// resource's deploy makes is evaluated, with pkg/iameval, against the policies that stack's deploy role
// gets — on the concrete planned ARN, with the request context AWS evaluates.

const project = "fargate-platform"

var (
	bootstrapOnce sync.Once
	bootstrapPlan *plan.Recorder
	bootstrapErr  error
)

// bootstrapped plans bootstrap/Pulumi.example.yaml once, with the bootstrap program itself. With
// BOOTSTRAP_PLAN set it reads that plan instead (`go run ./bootstrap plan --stack <account> --out F`): the
// tests then judge a bootstrap you already run, or an older one, against today's program.
func bootstrapped(t *testing.T) *plan.Recorder {
	t.Helper()
	bootstrapOnce.Do(func() {
		if path := os.Getenv("BOOTSTRAP_PLAN"); path != "" {
			f, err := os.Open(path)
			if err != nil {
				bootstrapErr = err
				return
			}
			defer f.Close()
			bootstrapPlan, bootstrapErr = plan.ReadExport(f)
			return
		}
		dir, err := os.MkdirTemp("", "fargate-platform-bootstrap")
		if err != nil {
			bootstrapErr = err
			return
		}
		out := filepath.Join(dir, "plan-example.json")
		cmd := exec.Command("go", "run", "./bootstrap", "plan", "--stack", "example", "--out", out, "--quiet")
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			bootstrapErr = err
			t.Logf("%s", b)
			return
		}
		f, err := os.Open(out)
		if err != nil {
			bootstrapErr = err
			return
		}
		defer f.Close()
		bootstrapPlan, bootstrapErr = plan.ReadExport(f)
	})
	require.NoError(t, bootstrapErr)
	return bootstrapPlan
}

// exampleBootstrap is the bootstrap of an account hosting the example stack: bootstrap/Pulumi.example.yaml with
// prodStack: example (it runs under staging's rules, which are prod's), planned once with the bootstrap
// program from a copy of its project, so the shipped bootstrap file stays the dev and prod account's.
var (
	exampleBootstrapOnce sync.Once
	exampleBootstrapPlan *plan.Recorder
	exampleBootstrapErr  error
)

// bootstrappedFor is the bootstrap plan holding a stack's deploy, preview and boundary: the shipped
// example bootstrap for dev and prod, one with prodStack: example for the example stack.
func bootstrappedFor(t *testing.T, stack string) *plan.Recorder {
	t.Helper()
	if stack == "dev" || stack == "prod" {
		return bootstrapped(t)
	}
	require.Equal(t, "example", stack, "no bootstrap plan hosts stack %s", stack)
	exampleBootstrapOnce.Do(func() {
		exampleBootstrapPlan, exampleBootstrapErr = planBootstrap(t, map[string]string{
			"fargate-platform-bootstrap:prodStack":      "example",
			"fargate-platform-bootstrap:mainProjectDir": root,
		})
	})
	require.NoError(t, exampleBootstrapErr)
	return exampleBootstrapPlan
}

// planBootstrap plans bootstrap/Pulumi.example.yaml with some keys replaced, from a temporary copy of the
// bootstrap project (the program reads Pulumi.yaml and Pulumi.<stack>.yaml from its working directory).
func planBootstrap(t *testing.T, set map[string]string) (*plan.Recorder, error) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bootstrap-bin")
	build := exec.Command("go", "build", "-o", bin, "./bootstrap")
	build.Dir = root
	if b, err := build.CombinedOutput(); err != nil {
		t.Logf("%s", b)
		return nil, err
	}
	proj, err := os.ReadFile(filepath.Join(root, "bootstrap", "Pulumi.yaml"))
	if err != nil {
		return nil, err
	}
	stackFile, err := os.ReadFile(filepath.Join(root, "bootstrap", "Pulumi.example.yaml"))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(stackFile), "\n")
	for key, value := range set {
		found := false
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), key+":") {
				lines[i], found = "  "+key+": "+value, true
			}
		}
		if !found {
			lines = append(lines, "  "+key+": "+value)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), proj, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.example.yaml"), []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "plan.json")
	cmd := exec.Command(bin, "plan", "--stack", "example", "--out", out, "--quiet")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Logf("%s", b)
		return nil, err
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return plan.ReadExport(f)
}

// identity is one role of the bootstrap plan with its policies.
type identity struct {
	arn      string
	policies []iameval.Named
}

// deployRole gathers a stack's deploy role and the managed policies attached to it.
func deployRole(t *testing.T, b *plan.Recorder, stack string) identity {
	t.Helper()
	name := project + "-github-deploy-" + stack
	id := identity{arn: "arn:aws:iam::" + plan.Account + ":role/" + name}
	for _, p := range b.ByType("aws:iam/policy:Policy") {
		if strings.HasPrefix(p.Str("name"), name+"-") {
			id.policies = append(id.policies, iameval.Named{Name: p.Str("name"), Doc: policy(t, p, "policy")})
		}
	}
	require.NotEmpty(t, id.policies, "no managed policy of %s", name)
	return id
}

// previewRole is a stack's preview role and its inline policy.
func previewRole(t *testing.T, b *plan.Recorder, stack string) identity {
	t.Helper()
	name := project + "-github-preview-" + stack
	for _, p := range b.ByType("aws:iam/rolePolicy:RolePolicy") {
		if p.Str("role") == name {
			return identity{arn: "arn:aws:iam::" + plan.Account + ":role/" + name,
				policies: []iameval.Named{{Name: name + "/" + p.Str("name"), Doc: policy(t, p, "policy")}}}
		}
	}
	t.Fatalf("no inline policy on %s", name)
	return identity{}
}

// deployRequests are every authorisation a deploy of the plan needs: each resource's row and the deploy
// workflow's own calls.
func deployRequests(t *testing.T, stack string, p *plan.Recorder) []permissions.Request {
	t.Helper()
	resources := append([]*plan.Resource{
		{URN: "workflow", Type: permissions.WorkflowType, Custom: true, Inputs: map[string]any{}, Outputs: map[string]any{}},
		{URN: "data sources", Type: permissions.DataSourceType, Custom: true, Inputs: map[string]any{}, Outputs: map[string]any{}},
	}, p.Resources()...)
	var out []permissions.Request
	for _, r := range resources {
		if !r.Custom || permissions.Free[r.Type] {
			continue
		}
		reqs, err := permissions.Requests(permissions.Planned{Resource: r, Scope: scopeOf(stack), Plan: p}, nil)
		require.NoError(t, err)
		out = append(out, reqs...)
	}
	return out
}

func scopeOf(stack string) permissions.Scope {
	return permissions.Scope{Account: plan.Account, Region: "ap-southeast-2", Project: project, Stack: stack,
		BoundaryArn: permissions.BoundaryArn(plan.Account, project, stack)}
}

// keyPolicies maps every KMS key ARN of a plan to its key policy: a key policy must allow, or delegate to
// the account, for IAM policies to count.
func keyPolicies(t *testing.T, recs ...*plan.Recorder) map[string]iameval.Named {
	out := map[string]iameval.Named{}
	for _, rec := range recs {
		for _, k := range rec.ByType("aws:kms/key:Key") {
			out[k.Outputs["arn"].(string)] = iameval.Named{Name: "key policy of " + k.URN, Doc: policy(t, k, "policy")}
		}
	}
	return out
}

func evaluate(id identity, boundary []iameval.Named, keys map[string]iameval.Named, action, resource string,
	ctx map[string][]string) iameval.Decision {
	p := iameval.Policies{Identity: id.policies, Boundary: boundary}
	if k, ok := keys[resource]; ok {
		p.Resource, p.ResourcePolicyRequired = &k, true
	}
	return iameval.Evaluate(p, iameval.Request{Principal: id.arn, Action: action, Resource: resource, Context: ctx})
}

func stackConfig(t *testing.T, stack string) stacks.Config {
	t.Helper()
	sc, err := plan.LoadStackConfig(root, stack)
	require.NoError(t, err)
	cfg, err := stacks.Load(sc.Project, stack, stacks.Input{Values: sc.Values, SecretKeys: sc.SecretKeys})
	require.NoError(t, err)
	return cfg
}

func TestEveryPlannedTypeHasARowAndTheDeployRoleIsWrittenForExactlyThem(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		types, missing := permissions.Types(p)
		assert.Empty(t, missing, "resource types with no row in pkg/permissions/table.go")
		// What the bootstrap derives from the stack file is exactly what the plan holds: every permission the
		// deploy needs, none for a shape this stack does not have.
		assert.Equal(t, types, permissions.TypesFor(stackConfig(t, stack)))
	})
}

// TestTheDeployRoleMayMakeEveryCallOfTheDeploy walks every resource of both plans and every call of its row
// (create, read, update, delete, tagging, implicit defaults, PassRole), and the deploy workflow's own calls.
func TestTheDeployRoleMayMakeEveryCallOfTheDeploy(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		b := bootstrappedFor(t, stack)
		role := deployRole(t, b, stack)
		keys := keyPolicies(t, p, b)
		checked := 0
		for _, q := range deployRequests(t, stack, p) {
			checked++
			d := evaluate(role, nil, keys, q.Action, q.Resource, q.Context)
			assert.True(t, d.Allowed, "%s: %s %s on %s (target %s): %s", q.URN, q.Op, q.Action, q.Resource, q.Target, d)
		}
		assert.Greater(t, checked, 500, "requests evaluated")
	})
}

// TestStateAndSecretsOfAStackAreItsOwn: a first deploy writes its checkpoint, lock and history through the
// bucket policy, and decrypts with its own secrets key; another stack's are out of reach.
func TestStateAndSecretsOfAStackAreItsOwn(t *testing.T) {
	b := bootstrapped(t)
	bucket := b.ByType("aws:s3/bucketV2:BucketV2")[0].Str("bucket")
	var bucketPolicy iameval.Named
	for _, bp := range b.ByType("aws:s3/bucketPolicy:BucketPolicy") {
		if bp.Str("bucket") == bucket {
			bucketPolicy = iameval.Named{Name: "state bucket policy", Doc: policy(t, bp, "policy")}
		}
	}
	require.NotEmpty(t, bucketPolicy.Doc.Statement)
	secretsKey := map[string]string{}
	for _, k := range b.ByType("aws:kms/alias:Alias") {
		if s, ok := strings.CutPrefix(k.Str("name"), "alias/acme-shop-pulumi-secrets-"); ok {
			secretsKey[s] = "arn:aws:kms:ap-southeast-2:" + plan.Account + ":key/" + k.Str("targetKeyId")
		}
	}
	require.Len(t, secretsKey, 2, "one secrets key per stack")
	require.NotEqual(t, secretsKey["dev"], secretsKey["prod"])
	keys := keyPolicies(t, b)
	obj := func(key string) string { return "arn:aws:s3:::" + bucket + "/.pulumi/" + key }
	// What AWS puts in every such request: its region, TLS, and (KMS) the caller's account.
	region := map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"}, "aws:SecureTransport": {"true"},
		"kms:CallerAccount": {plan.Account}}

	tests := []struct {
		name, stack, action, resource string
		want                          bool
	}{
		{"reads meta.yaml", "dev", "s3:GetObject", obj("meta.yaml"), true},
		{"writes its checkpoint (no encryption header)", "dev", "s3:PutObject", obj("stacks/fargate-platform/dev.json"), true},
		{"writes its .bak copy", "dev", "s3:PutObject", obj("stacks/fargate-platform/dev.json.bak"), true},
		{"takes its lock", "dev", "s3:PutObject", obj("locks/organization/fargate-platform/dev/6d1c1e0a.json"), true},
		{"releases its lock", "dev", "s3:DeleteObject", obj("locks/organization/fargate-platform/dev/6d1c1e0a.json"), true},
		{"writes its history", "prod", "s3:PutObject", obj("history/fargate-platform/prod/prod-1.history.json"), true},
		{"reads its tags file", "prod", "s3:GetObject", obj("stacks/fargate-platform/prod.pulumi-tags"), true},
		{"decrypts its secrets", "dev", "kms:Decrypt", secretsKey["dev"], true},
		{"encrypts its data key at stack init", "prod", "kms:Encrypt", secretsKey["prod"], true},
		{"dev cannot read prod's state", "dev", "s3:GetObject", obj("stacks/fargate-platform/prod.json"), false},
		{"dev cannot read prod's history", "dev", "s3:GetObject", obj("history/fargate-platform/prod/prod-1.history.json"), false},
		{"dev cannot overwrite prod's state", "dev", "s3:PutObject", obj("stacks/fargate-platform/prod.json"), false},
		{"dev cannot break prod's lock", "dev", "s3:DeleteObject", obj("locks/organization/fargate-platform/prod/6d1c1e0a.json"), false},
		{"dev cannot decrypt prod's secrets", "dev", "kms:Decrypt", secretsKey["prod"], false},
		{"prod cannot decrypt dev's secrets", "prod", "kms:Decrypt", secretsKey["dev"], false},
		{"nobody deletes state versions", "prod", "s3:DeleteObjectVersion", obj("stacks/fargate-platform/prod.json"), false},
	}
	// The bucket refuses an object that names another key than the state key (and takes one that names it).
	stateKey := b.Find("aws:kms/key:Key", "fargate-platform-bootstrap-state").Outputs["arn"].(string)
	for _, kt := range []struct {
		name, key string
		want      bool
	}{
		{"writes its checkpoint naming the state key", stateKey, true},
		{"cannot write state under another key", "arn:aws:kms:ap-southeast-2:" + plan.Account + ":key/00000000-0000-0000-0000-000000000001", false},
	} {
		t.Run(kt.name, func(t *testing.T) {
			role := deployRole(t, b, "dev")
			ctx := map[string][]string{"s3:x-amz-server-side-encryption-aws-kms-key-id": {kt.key}}
			for k, v := range region {
				ctx[k] = v
			}
			d := iameval.Evaluate(iameval.Policies{Identity: role.policies, Resource: &bucketPolicy},
				iameval.Request{Principal: role.arn, Action: "s3:PutObject", Resource: obj("stacks/fargate-platform/dev.json"), Context: ctx})
			require.NoError(t, d.Err, d.String())
			assert.Equal(t, kt.want, d.Allowed, d.String())
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			role := deployRole(t, b, tt.stack)
			p := iameval.Policies{Identity: role.policies}
			if k, ok := keys[tt.resource]; ok {
				p.Resource, p.ResourcePolicyRequired = &k, true
			} else {
				p.Resource = &bucketPolicy
			}
			d := iameval.Evaluate(p, iameval.Request{Principal: role.arn, Action: tt.action, Resource: tt.resource, Context: region})
			require.NoError(t, d.Err, d.String())
			assert.Equal(t, tt.want, d.Allowed, d.String())
		})
	}
}

// TestTheDeployRoleCannotEscalate: each way the dev role (any push to main) could have become an
// administrator or reached prod, evaluated, and denied; beside each, its legitimate twin allowed, so a
// denial is not an accident of the request.
func TestTheDeployRoleCannotEscalate(t *testing.T) {
	b := bootstrapped(t)
	dev, prod := plans["dev"], plans["prod"]
	role := deployRole(t, b, "dev")
	keys := keyPolicies(t, dev, prod, b)
	tag := func(stack string) map[string][]string {
		return map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"},
			"aws:ResourceTag/" + permissions.StackTag: {project + "-" + stack}}
	}
	iamCtx := func(boundary string) map[string][]string {
		c := map[string][]string{"aws:RequestedRegion": {"us-east-1"}}
		if boundary != "" {
			c["iam:PermissionsBoundary"] = []string{boundary}
		}
		return c
	}
	with := func(c map[string][]string, k string, v ...string) map[string][]string {
		out := map[string][]string{}
		for a, b := range c {
			out[a] = b
		}
		out[k] = v
		return out
	}
	arnOf := func(p *plan.Recorder, typ string) string {
		rs := p.ByType(typ)
		require.NotEmpty(t, rs, typ)
		return permissions.Planned{Resource: rs[0]}.Arn()
	}
	devKey, prodKey := arnOf(dev, "aws:kms/key:Key"), arnOf(prod, "aws:kms/key:Key")
	devBoundary, prodBoundary := permissions.BoundaryArn(plan.Account, project, "dev"), permissions.BoundaryArn(plan.Account, project, "prod")
	devRole := "arn:aws:iam::" + plan.Account + ":role/" + project + "-dev-anything"
	var bootstrapKey string
	for _, k := range b.ByType("aws:kms/key:Key") {
		bootstrapKey = k.Outputs["arn"].(string)
	}
	secretsKeyDev := ""
	for _, a := range b.ByType("aws:kms/alias:Alias") {
		if strings.HasSuffix(a.Str("name"), "-dev") {
			secretsKeyDev = "arn:aws:kms:ap-southeast-2:" + plan.Account + ":key/" + a.Str("targetKeyId")
		}
	}
	sg := func(p *plan.Recorder) string { return arnOf(p, "aws:ec2/securityGroup:SecurityGroup") }

	tests := []struct {
		name             string
		action, resource string
		ctx              map[string][]string
		want             bool
	}{
		{"creates a stack role with the stack's boundary", "iam:CreateRole", devRole, iamCtx(devBoundary), true},
		{"cannot create a role without the boundary", "iam:CreateRole", devRole, iamCtx(""), false},
		{"cannot create a role with prod's boundary", "iam:CreateRole", devRole, iamCtx(prodBoundary), false},
		{"puts a policy on a bounded stack role", "iam:PutRolePolicy", devRole, iamCtx(devBoundary), true},
		{"cannot put a policy on an unbounded role", "iam:PutRolePolicy", devRole, iamCtx(""), false},
		{"cannot remove a boundary", "iam:DeleteRolePermissionsBoundary", devRole, iamCtx(devBoundary), false},
		{"cannot replace a boundary", "iam:PutRolePermissionsBoundary", devRole, iamCtx(devBoundary), false},
		{"cannot rewrite the boundary policy", "iam:CreatePolicyVersion", devBoundary, iamCtx(""), false},
		{"cannot change its own role", "iam:PutRolePolicy", role.arn, iamCtx(""), false},
		{"cannot change its own trust", "iam:UpdateAssumeRolePolicy", role.arn, iamCtx(""), false},
		{"cannot create a user", "iam:CreateUser", "arn:aws:iam::" + plan.Account + ":user/x", iamCtx(""), false},
		{"administers its stack key", "kms:PutKeyPolicy", devKey, tag("dev"), true},
		{"cannot re-policy prod's key", "kms:PutKeyPolicy", prodKey, tag("prod"), false},
		{"cannot schedule deletion of prod's key", "kms:ScheduleKeyDeletion", prodKey, tag("prod"), false},
		{"cannot re-tag prod's key as dev's", "kms:TagResource", prodKey,
			with(tag("prod"), "aws:RequestTag/"+permissions.StackTag, project+"-dev"), false},
		{"cannot re-policy the bootstrap's keys", "kms:PutKeyPolicy", bootstrapKey,
			map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"}}, false},
		{"cannot delete its own secrets key", "kms:ScheduleKeyDeletion", secretsKeyDev,
			map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"}}, false},
		{"opens its own security group", "ec2:AuthorizeSecurityGroupIngress", sg(dev), tag("dev"), true},
		{"cannot open prod's security group", "ec2:AuthorizeSecurityGroupIngress", sg(prod), tag("prod"), false},
		{"cannot delete prod's flow logs", "ec2:DeleteFlowLogs", arnOf(prod, "aws:ec2/flowLog:FlowLog"), tag("prod"), false},
		{"cannot repoint prod's target group", "elasticloadbalancing:ModifyTargetGroup", arnOf(prod, "aws:lb/targetGroup:TargetGroup"), tag("prod"), false},
		{"cannot scale prod to zero", "application-autoscaling:RegisterScalableTarget", arnOf(prod, "aws:appautoscaling/target:Target"), tag("prod"), false},
		{"cannot delete prod's certificate", "acm:DeleteCertificate", arnOf(prod, "aws:acm/certificate:Certificate"), tag("prod"), false},
		{"cannot run a task in prod's cluster", "ecs:RunTask", arnOf(prod, "aws:ecs/taskDefinition:TaskDefinition"),
			map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"}, "ecs:cluster": {arnOf(prod, "aws:ecs/cluster:Cluster")}}, false},
		{"cannot pass prod's roles", "iam:PassRole", arnOf(prod, "aws:iam/role:Role"),
			with(iamCtx(""), "iam:PassedToService", "ecs-tasks.amazonaws.com"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := evaluate(role, nil, keys, tt.action, tt.resource, tt.ctx)
			require.NoError(t, d.Err, d.String())
			assert.Equal(t, tt.want, d.Allowed, d.String())
		})
	}
}

// boundaryOf is a stack's permissions boundary as the bootstrap creates it.
func boundaryOf(t *testing.T, b *plan.Recorder, stack string) []iameval.Named {
	t.Helper()
	for _, p := range b.ByType("aws:iam/policy:Policy") {
		if p.Str("name") == permissions.BoundaryName(project, stack) {
			return []iameval.Named{{Name: p.Str("name"), Doc: policy(t, p, "policy")}}
		}
	}
	t.Fatalf("no boundary policy for %s", stack)
	return nil
}

// TestEveryRoleCarriesTheBoundaryAndFitsInIt: every role of both plans has its stack's boundary, and
// every statement of its policies is allowed inside it, so the boundary costs the app nothing.
func TestEveryRoleCarriesTheBoundaryAndFitsInIt(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		boundary := boundaryOf(t, bootstrappedFor(t, stack), stack)
		db := arnOfType(t, p, "aws:rds/instance:Instance")
		roles := map[string]string{}
		for _, r := range need(t, p, "aws:iam/role:Role") {
			assert.Equal(t, permissions.BoundaryArn(plan.Account, project, stack), r.Str("permissionsBoundary"), r.URN)
			roles[r.Outputs["name"].(string)] = r.Outputs["arn"].(string)
		}
		for _, rp := range need(t, p, "aws:iam/rolePolicy:RolePolicy") {
			doc := policy(t, rp, "policy")
			id := identity{arn: roles[rp.Str("role")], policies: []iameval.Named{{Name: rp.URN, Doc: doc}}}
			for _, st := range doc.Statement {
				for _, a := range st.Action {
					for _, res := range st.Resource {
						ctx := map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"},
							"aws:ResourceTag/" + permissions.StackTag: {project + "-" + stack},
							// RDS tags its managed secret with the instance it belongs to.
							"secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": {db}}
						for _, kv := range st.Condition {
							for k, v := range kv {
								ctx[k] = v[:1]
							}
						}
						d := iameval.Evaluate(iameval.Policies{Identity: id.policies, Boundary: boundary},
							iameval.Request{Principal: id.arn, Action: a, Resource: res, Context: ctx})
						assert.True(t, d.Allowed, "%s %s %s on %s: %s", rp.URN, st.Sid, a, res, d)
					}
				}
			}
		}
	})
}

func arnOfType(t *testing.T, p *plan.Recorder, typ string) string {
	t.Helper()
	return permissions.Planned{Resource: need(t, p, typ)[0]}.Arn()
}

// TestAnAdministratorPolicyOnATaskRoleStaysInsideTheStack: the dev deploy role may put any inline policy on
// dev's roles; with the boundary, a task role holding "*:*" still reaches nothing outside dev.
func TestAnAdministratorPolicyOnATaskRoleStaysInsideTheStack(t *testing.T) {
	b := bootstrapped(t)
	boundary := boundaryOf(t, b, "dev")
	admin := iameval.Named{Name: "injected administrator policy", Doc: iampolicy.New(iampolicy.Allow("Everything", []string{"*"}, "*"))}
	taskRole := "arn:aws:iam::" + plan.Account + ":role/" + project + "-dev-migrate-task-0000000"
	prod := plans["prod"]
	prodSecret := arnOfType(t, prod, "aws:secretsmanager/secret:Secret")
	prodDb := arnOfType(t, prod, "aws:rds/instance:Instance")
	tag := func(stack string) map[string][]string {
		return map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"}, "aws:ResourceTag/" + permissions.StackTag: {project + "-" + stack}}
	}
	tests := []struct {
		name, action, resource string
		ctx                    map[string][]string
		want                   bool
	}{
		{"reads its own stack's parameter", "ssm:GetParameters", "arn:aws:ssm:ap-southeast-2:" + plan.Account + ":parameter/fargate-platform/dev/SECRET_KEY_BASE", tag("dev"), true},
		{"cannot create an IAM user", "iam:CreateUser", "arn:aws:iam::" + plan.Account + ":user/backdoor", nil, false},
		{"cannot attach a policy to itself", "iam:AttachRolePolicy", taskRole, nil, false},
		{"cannot read prod's secrets", "secretsmanager:GetSecretValue", prodSecret, tag("prod"), false},
		{"cannot read prod's database password", "secretsmanager:GetSecretValue",
			"arn:aws:secretsmanager:ap-southeast-2:" + plan.Account + ":secret:rds!db-0000",
			map[string][]string{"secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": {prodDb}}, false},
		{"cannot decrypt with prod's key", "kms:Decrypt", arnOfType(t, prod, "aws:kms/key:Key"), tag("prod"), false},
		{"cannot read the state", "s3:GetObject", "arn:aws:s3:::acme-shop-pulumi-state-123456789012/.pulumi/stacks/fargate-platform/prod.json", nil, false},
		{"cannot stop prod's services", "ecs:UpdateService", "arn:aws:ecs:ap-southeast-2:" + plan.Account + ":service/fargate-platform-prod/web", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := iameval.Evaluate(iameval.Policies{Identity: []iameval.Named{admin}, Boundary: boundary},
				iameval.Request{Principal: taskRole, Action: tt.action, Resource: tt.resource, Context: tt.ctx})
			require.NoError(t, d.Err, d.String())
			assert.Equal(t, tt.want, d.Allowed, d.String())
		})
	}
}

// TestThePreviewRoleReadsOnlyItsStack: a preview reads its own state and secrets key and the data sources;
// it writes nothing, reads no secret value, and dev's preview (any pull request) cannot read prod's.
func TestThePreviewRoleReadsOnlyItsStack(t *testing.T) {
	b := bootstrapped(t)
	bucket := "arn:aws:s3:::acme-shop-pulumi-state-123456789012/.pulumi/"
	r := map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"}}
	tests := []struct {
		name, stack, action, resource string
		want                          bool
	}{
		{"reads its checkpoint", "dev", "s3:GetObject", bucket + "stacks/fargate-platform/dev.json", true},
		{"lists availability zones", "dev", "ec2:DescribeAvailabilityZones", "*", true},
		{"looks up the Region's GuardDuty detector (guardDutyDetector: adopt)", "prod", "guardduty:ListDetectors", "*", true},
		{"cannot read prod's checkpoint", "dev", "s3:GetObject", bucket + "stacks/fargate-platform/prod.json", false},
		{"writes nothing", "dev", "s3:PutObject", bucket + "stacks/fargate-platform/dev.json", false},
		{"reads no secret value", "prod", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:ap-southeast-2:" + plan.Account + ":secret:fargate-platform-prod/redis-auth-token-abc123", false},
		{"reads no parameter value", "prod", "ssm:GetParameter", "arn:aws:ssm:ap-southeast-2:" + plan.Account + ":parameter/fargate-platform/prod/SECRET_KEY_BASE", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := previewRole(t, b, tt.stack)
			d := iameval.Evaluate(iameval.Policies{Identity: id.policies}, iameval.Request{Principal: id.arn, Action: tt.action, Resource: tt.resource, Context: r})
			require.NoError(t, d.Err, d.String())
			assert.Equal(t, tt.want, d.Allowed, d.String())
		})
	}
}

// TestPreviewRolesTrustOnlyTheirTrigger: dev's preview trusts pull requests; prod's, whose previews decrypt
// prod's secrets with the pull request's code, only the preview environment (which should have reviewers).
func TestPreviewRolesTrustOnlyTheirTrigger(t *testing.T) {
	b := bootstrapped(t)
	want := map[string]string{
		project + "-github-preview-dev":  "repo:acme/shop-platform:pull_request",
		project + "-github-preview-prod": "repo:acme/shop-platform:environment:production-preview",
		project + "-github-deploy-dev":   "repo:acme/shop-platform:ref:refs/heads/main",
		project + "-github-deploy-prod":  "repo:acme/shop-platform:environment:production",
	}
	var got []string
	for _, r := range b.ByType("aws:iam/role:Role") {
		sub, ok := want[r.Str("name")]
		if !ok {
			continue
		}
		got = append(got, r.Str("name"))
		doc := policy(t, r, "assumeRolePolicy")
		assert.Equal(t, []string{sub}, doc.Statement[0].Condition["StringEquals"]["token.actions.githubusercontent.com:sub"], r.Str("name"))
	}
	sort.Strings(got)
	assert.Len(t, got, len(want))
}

// TestDeliveryDocNamesEveryDeployStatement holds docs/delivery.md's table of what a deploy role may do to the
// policies the bootstrap writes: a statement the table does not name is a permission nobody documented.
func TestDeliveryDocNamesEveryDeployStatement(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(root, "docs", "delivery.md"))
	require.NoError(t, err)
	for _, stack := range stackNames {
		for _, p := range deployRole(t, bootstrappedFor(t, stack), stack).policies {
			for _, st := range p.Doc.Statement {
				assert.Contains(t, string(text), "`"+st.Sid+"`", "%s: statement %s is not in docs/delivery.md", p.Name, st.Sid)
			}
		}
	}
}

// sar is the Service Authorization Reference as data: each action's resource types (pkg/compliance's
// iam-actions.tsv) and each resource type's ARN format (testdata/iam-resource-types.tsv).
type sar struct {
	actions map[string][]string         // "ec2:CreateSubnet" -> ["subnet*", "vpc*", ...] or ["*"]
	formats map[string][]*regexp.Regexp // "ec2:subnet" -> ARN patterns
}

func loadSar(t *testing.T) sar {
	t.Helper()
	s := sar{actions: map[string][]string{}, formats: map[string][]*regexp.Regexp{}}
	read := func(path string, row func([]string)) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, line := range strings.Split(string(b), "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			row(strings.Split(line, "\t"))
		}
	}
	read(filepath.Join(root, "pkg", "compliance", "iam-actions.tsv"), func(f []string) {
		if len(f) >= 3 {
			s.actions[strings.ToLower(f[0])] = strings.Split(f[2], ",")
		}
	})
	// The data merges Elastic Load Balancing's two APIs under one prefix and keeps the classic API's
	// resource list for the tagging actions; ELBv2 tags listeners, rules, target groups and trust stores too
	// (Service Authorization Reference, "Actions defined by Elastic Load Balancing V2": AddTags, RemoveTags).
	for _, a := range []string{"elasticloadbalancing:addtags", "elasticloadbalancing:removetags"} {
		s.actions[a] = append(s.actions[a], "listener/app", "listener-rule/app", "targetgroup", "truststore")
	}
	vars := regexp.MustCompile(`\$\{[A-Za-z]+\}`)
	read(filepath.Join("testdata", "iam-resource-types.tsv"), func(f []string) {
		if len(f) < 3 {
			return
		}
		parts := vars.Split(f[2], -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		re := regexp.MustCompile("^" + strings.Join(parts, ".+") + "$")
		key := strings.ToLower(f[0] + ":" + f[1])
		s.formats[key] = append(s.formats[key], re)
	})
	return s
}

// check holds one request to the reference: the action exists; an action with no resource-level
// permissions is asked on "*"; any other on an ARN of one of its resource types. A request on "*" for an
// action that takes resources passes (kms:CreateKey's tags, acm:RequestCertificate) unless strict.
func (ref sar) check(t *testing.T, q permissions.Request, strict bool) {
	t.Helper()
	types, ok := ref.actions[strings.ToLower(q.Action)]
	if !assert.True(t, ok, "%s: %s is not an IAM action", q.Type, q.Action) {
		return
	}
	if len(types) == 1 && types[0] == "*" {
		assert.Equal(t, "*", q.Resource, "%s: %s supports no resource-level permissions", q.Type, q.Action)
		return
	}
	if q.Resource == "*" {
		assert.False(t, strict, "%s: %s takes resources: name them", q.Type, q.Action)
		return
	}
	service, _, _ := strings.Cut(q.Action, ":")
	for _, rt := range types {
		for _, re := range ref.formats[strings.ToLower(service+":"+strings.TrimSuffix(rt, "*"))] {
			if re.MatchString(q.Resource) {
				return
			}
		}
	}
	t.Errorf("%s: %s asked on %s, which is none of its resource types %v", q.Type, q.Action, q.Resource, types)
}

// TestEveryCallNamesAResourceTheActionIsAuthorisedAgainst holds the table to the Service Authorization
// Reference: each action exists; an action with no resource-level permissions is asked on "*"; any other is
// asked on an ARN of one of the resource types the action takes (a call on the wrong ARN would be allowed
// offline and denied by AWS, or the reverse).
func TestEveryCallNamesAResourceTheActionIsAuthorisedAgainst(t *testing.T) {
	ref := loadSar(t)
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		seen := map[string]bool{}
		for _, q := range deployRequests(t, stack, p) {
			key := q.Type + " " + q.Action + " " + q.Resource
			if seen[key] {
				continue
			}
			seen[key] = true
			ref.check(t, q, false)
		}
	})
}

// TestTheDeployIdentitiesPassTheirComplianceControls: the auditor's view of the deployer (CC6.1, CC8.1),
// over the bootstrap's real plan, every check reading at least one resource.
func TestTheDeployIdentitiesPassTheirComplianceControls(t *testing.T) {
	r := compliance.EvaluateDeployer(bootstrapped(t))
	assert.True(t, r.Passed(), "failed: %v", r.Failed())
	for _, c := range r.Controls {
		for _, ch := range c.Checks {
			assert.NotEmpty(t, ch.Resources, "%s %s read nothing", c.ID, ch.ID)
		}
	}
}

// TestTypesForFollowsTheStackShape: stack shapes other than the shipped ones plan exactly the types
// TypesFor gives their config, so their deploy roles fit them too.
func TestTypesForFollowsTheStackShape(t *testing.T) {
	tests := []struct {
		name string
		env  string
		set  map[string]string
	}{
		{"prod adopting the organisation's GuardDuty detector", "prod", map[string]string{"guardDutyDetector": "adopt"}},
		{"prod without CloudTrail or GuardDuty", "prod", map[string]string{"enableCloudTrail": "false", "enableGuardDuty": "false"}},
		{"dev without NAT and scale-to-zero", "dev", map[string]string{"natStrategy": "none", "scheduleScaleToZero": "false", "vpcEndpoints": "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := variantDir(t, tt.env, tt.set)
			p := readPlan(t, dir, "variant")
			sc, err := plan.LoadStackConfig(dir, "variant")
			require.NoError(t, err)
			cfg, err := stacks.Load(sc.Project, "variant", stacks.Input{Values: sc.Values, SecretKeys: sc.SecretKeys})
			require.NoError(t, err)
			types, missing := permissions.Types(p)
			assert.Empty(t, missing)
			assert.Equal(t, types, permissions.TypesFor(cfg))
		})
	}
}
