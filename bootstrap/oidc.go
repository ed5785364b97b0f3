package main

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/permissions"
)

// GitHubOidcArgs configures GitHub's identity provider and the roles workflows assume through it.
type GitHubOidcArgs struct {
	// Account, Region and Project scope every policy: the main program's names are "<Project>-<stack>".
	// Required.
	Account, Region, Project string
	// StateBucket is the state bucket's name; StateKeyArn its key; SecretsKeyArns each stack's
	// secrets-provider key. Required.
	StateBucket    string
	StateKeyArn    pulumi.StringInput
	SecretsKeyArns pulumi.StringMapInput
	// Repository (owner/name) runs the deploy and preview workflows. Required.
	Repository string
	// Branch deploys the dev stack. Default main.
	Branch string
	// ProductionEnvironment is the GitHub environment prod deploys run in. Default production.
	ProductionEnvironment string
	// PreviewEnvironment is the environment prod previews run in. Default "<ProductionEnvironment>-preview".
	PreviewEnvironment string
	// AppRepository (owner/name) pushes the app image. Default "": no push role.
	AppRepository string
	// DevStack and ProdStack name the main program's stacks; "" leaves that stack's roles out. At least one.
	DevStack, ProdStack string
	// Main are the main program's stacks as their files declare them; each deploy role is written from
	// its stack's. Required for every stack named.
	Main map[string]MainStack
	// ExistingProviderArn reuses the account's provider. Default "": create it.
	ExistingProviderArn string
	// PermissionsBoundaryArn is set on every role this program creates. Default "": none.
	PermissionsBoundaryArn string
}

// GitHubOidc is the identity provider, each stack's deploy and preview role and boundary, and the
// image-push role.
type GitHubOidc struct {
	pulumi.ResourceState

	ProviderArn pulumi.StringOutput `pulumi:"providerArn"`
	// DeployRoleArns and PreviewRoleArns map each stack to its roles.
	DeployRoleArns  pulumi.StringMapOutput `pulumi:"deployRoleArns"`
	PreviewRoleArns pulumi.StringMapOutput `pulumi:"previewRoleArns"`
	// BoundaryArns map each stack to the permissions boundary its roles must carry.
	BoundaryArns pulumi.StringMapOutput `pulumi:"boundaryArns"`
	// PushRoleArn is "" without an AppRepository.
	PushRoleArn pulumi.StringOutput `pulumi:"pushRoleArn"`

	// DeployPolicyArns are each stack's managed policies, for a CodeBuild role that deploys the same stack.
	DeployPolicyArns map[string][]pulumi.StringInput
}

func (a *GitHubOidcArgs) withDefaults() (GitHubOidcArgs, error) {
	out := *a
	if out.Branch == "" {
		out.Branch = "main"
	}
	if out.ProductionEnvironment == "" {
		out.ProductionEnvironment = "production"
	}
	if out.PreviewEnvironment == "" {
		out.PreviewEnvironment = out.ProductionEnvironment + "-preview"
	}
	switch {
	case !accountRe.MatchString(out.Account) || !regionRe.MatchString(out.Region) || !labelRe.MatchString(out.Project):
		return out, fmt.Errorf("github: Account %q, Region %q, Project %q: want a 12-digit account, a region and a project name", out.Account, out.Region, out.Project)
	case !ghNameRe.MatchString(out.Repository):
		return out, fmt.Errorf("github: Repository %q: want owner/name", out.Repository)
	case out.AppRepository != "" && !ghNameRe.MatchString(out.AppRepository):
		return out, fmt.Errorf("github: AppRepository %q: want owner/name or empty", out.AppRepository)
	case out.DevStack == "" && out.ProdStack == "":
		return out, fmt.Errorf("github: DevStack and ProdStack are both empty: want at least one")
	case out.StateBucket == "" || out.StateKeyArn == nil || out.SecretsKeyArns == nil:
		return out, fmt.Errorf("github: StateBucket, StateKeyArn and SecretsKeyArns are required")
	}
	for _, st := range []string{out.DevStack, out.ProdStack} {
		if _, ok := out.Main[st]; st != "" && !ok {
			return out, fmt.Errorf("github: Main has no stack %q: the deploy role is written from its stack file", st)
		}
	}
	return out, nil
}

// NewGitHubOidc creates the provider (unless reused) and one role per trust: dev deploys from the branch,
// prod deploys from the production environment only, previews from pull requests, image pushes from the
// application repository's branch.
func NewGitHubOidc(ctx *pulumi.Context, name string, args *GitHubOidcArgs, opts ...pulumi.ResourceOption) (*GitHubOidc, error) {
	if args == nil {
		args = &GitHubOidcArgs{}
	}
	a, err := args.withDefaults()
	if err != nil {
		return nil, err
	}
	g := &GitHubOidc{DeployPolicyArns: map[string][]pulumi.StringInput{}}
	if err := ctx.RegisterComponentResource("fargate-platform:bootstrap:GitHubOidc", name, g, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(g)

	providerArn := pulumi.String(a.ExistingProviderArn).ToStringOutput()
	if a.ExistingProviderArn == "" {
		// GitHub's issuer, for tokens requested with audience sts.amazonaws.com. No thumbprint: IAM trusts
		// GitHub's certificate through its own CA library, and the provider input is optional.
		provider, err := iam.NewOpenIdConnectProvider(ctx, name, &iam.OpenIdConnectProviderArgs{
			Url:           pulumi.String("https://" + GitHubIssuerHost),
			ClientIdLists: pulumi.StringArray{pulumi.String(GitHubAudience)},
			Tags:          pulumi.StringMap{"Name": pulumi.String("github-actions")},
		}, parent)
		if err != nil {
			return nil, err
		}
		providerArn = provider.Arn
	}

	stacks := (Config{DevStack: a.DevStack, ProdStack: a.ProdStack}).Stacks()
	base := scope{Account: a.Account, Region: a.Region, Project: a.Project, StateBucket: a.StateBucket, Main: a.Main}
	// Placeholders as long as real key ARNs size the managed policies before the keys exist.
	base.StateKeyArn = base.arn("kms", "key/00000000-0000-0000-0000-000000000000")
	base.SecretsKeyArns = map[string]string{}
	for _, st := range stacks {
		base.SecretsKeyArns[st] = base.StateKeyArn
	}
	resolved := func(v []any) scope {
		s := base
		s.StateKeyArn = v[0].(string)
		s.SecretsKeyArns = map[string]string{}
		for k, arn := range v[1].(map[string]string) {
			s.SecretsKeyArns[k] = arn
		}
		return s
	}
	keys := []any{a.StateKeyArn, a.SecretsKeyArns.ToStringMapOutput()}
	var boundary pulumi.StringPtrInput
	if a.PermissionsBoundaryArn != "" {
		boundary = pulumi.String(a.PermissionsBoundaryArn)
	}
	role := func(logical, roleName, description, subject string, seconds int) (*iam.Role, error) {
		return iam.NewRole(ctx, logical, &iam.RoleArgs{
			Name:        pulumi.String(roleName),
			Description: pulumi.String(description),
			AssumeRolePolicy: iampolicy.Build(func(v []any) iampolicy.Document {
				return trustDocument(v[0].(string), subject)
			}, providerArn),
			MaxSessionDuration:  pulumi.Int(seconds),
			PermissionsBoundary: boundary,
			Tags:                pulumi.StringMap{"Name": pulumi.String(roleName)},
		}, parent)
	}

	deployArns, previewArns, boundaryArns := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	for _, d := range []struct{ stack, subject, preview, why string }{
		{a.DevStack, branchSubject(a.Repository, a.Branch), pullRequestSubject(a.Repository), "pushes to " + a.Branch},
		{a.ProdStack, environmentSubject(a.Repository, a.ProductionEnvironment),
			environmentSubject(a.Repository, a.PreviewEnvironment), "the " + a.ProductionEnvironment + " environment"},
	} {
		if d.stack == "" {
			continue
		}
		stack := d.stack
		// The ceiling of every role the stack creates: the deploy role may create roles only with it.
		bp, err := iam.NewPolicy(ctx, name+"-boundary-"+stack, &iam.PolicyArgs{
			Name:        pulumi.String(permissions.BoundaryName(a.Project, stack)),
			Description: pulumi.String(fmt.Sprintf("Permissions boundary of every role of %s-%s", a.Project, stack)),
			Policy:      pulumi.String(permissions.Boundary(base.stack(stack)).JSON()),
		}, parent)
		if err != nil {
			return nil, err
		}
		boundaryArns[stack] = bp.Arn

		roleName := a.Project + "-github-deploy-" + stack
		// The stack's deploy role: assumable only from its own trigger, so prod rights never run from a branch.
		r, err := role(name+"-deploy-"+stack, roleName,
			fmt.Sprintf("Deploys %s-%s from %s (%s)", a.Project, stack, a.Repository, d.why), d.subject, DeploySessionSeconds)
		if err != nil {
			return nil, err
		}
		docs, err := deployDocuments(base, stack)
		if err != nil {
			return nil, fmt.Errorf("github: deploy role of %s: %w", stack, err)
		}
		var arns []pulumi.StringInput
		for i := range docs {
			suffix := fmt.Sprint(i + 1)
			// As many managed policies as the table needs: a role's inline policies may hold 10,240
			// characters in all, a managed policy 6,144.
			p, err := iam.NewPolicy(ctx, name+"-deploy-"+stack+"-"+suffix, &iam.PolicyArgs{
				Name:        pulumi.String(roleName + "-" + suffix),
				Description: pulumi.String(fmt.Sprintf("Deploy %s-%s (%d of %d)", a.Project, stack, i+1, len(docs))),
				Policy: iampolicy.Build(func(v []any) iampolicy.Document {
					real, err := deployDocuments(resolved(v), stack)
					if err != nil || len(real) != len(docs) {
						panic(fmt.Sprintf("github: deploy documents of %s changed shape once the keys resolved: %v", stack, err))
					}
					return real[i].Doc
				}, keys...),
			}, parent)
			if err != nil {
				return nil, err
			}
			// Attached to this stack's role only.
			if _, err := iam.NewRolePolicyAttachment(ctx, name+"-deploy-"+stack+"-"+suffix, &iam.RolePolicyAttachmentArgs{
				Role:      r.Name,
				PolicyArn: p.Arn,
			}, parent); err != nil {
				return nil, err
			}
			arns = append(arns, p.Arn)
		}
		deployArns[stack] = r.Arn
		g.DeployPolicyArns[stack] = arns

		// The stack's preview role: dev's from pull requests; prod's only from its preview environment,
		// because a preview decrypts the stack's secrets with code the pull request brings.
		previewName := a.Project + "-github-preview-" + stack
		pr, err := role(name+"-preview-"+stack, previewName,
			"Previews "+a.Project+"-"+stack+" for pull requests of "+a.Repository, d.preview, PreviewSessionSeconds)
		if err != nil {
			return nil, err
		}
		if _, err := iam.NewRolePolicy(ctx, name+"-preview-"+stack, &iam.RolePolicyArgs{
			Role: pr.Name,
			Name: pulumi.String("preview"),
			Policy: iampolicy.Build(func(v []any) iampolicy.Document {
				return previewDocument(resolved(v), stack)
			}, keys...),
		}, parent); err != nil {
			return nil, err
		}
		previewArns[stack] = pr.Arn
	}

	pushArn := pulumi.String("").ToStringOutput()
	if a.AppRepository != "" {
		// The application repository's main branch pushes app images, and can do nothing else.
		push, err := role(name+"-image-push", a.Project+"-github-image-push",
			"Pushes the app image from "+a.AppRepository, branchSubject(a.AppRepository, a.Branch), PreviewSessionSeconds)
		if err != nil {
			return nil, err
		}
		if _, err := iam.NewRolePolicy(ctx, name+"-image-push", &iam.RolePolicyArgs{
			Role:   push.Name,
			Name:   pulumi.String("image-push"),
			Policy: pulumi.String(pushDocument(base, stacks).JSON()),
		}, parent); err != nil {
			return nil, err
		}
		pushArn = push.Arn
	}

	g.ProviderArn = providerArn
	g.DeployRoleArns = deployArns.ToStringMapOutput()
	g.PreviewRoleArns = previewArns.ToStringMapOutput()
	g.BoundaryArns = boundaryArns.ToStringMapOutput()
	g.PushRoleArn = pushArn
	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{
		"providerArn": g.ProviderArn, "deployRoleArns": g.DeployRoleArns, "previewRoleArns": g.PreviewRoleArns,
		"boundaryArns": g.BoundaryArns, "pushRoleArn": g.PushRoleArn,
	}); err != nil {
		return nil, err
	}
	return g, nil
}
