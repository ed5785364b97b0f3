package main

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// GitHubOidcArgs configures GitHub's identity provider and the roles workflows assume through it.
type GitHubOidcArgs struct {
	// Account, Region and Project scope every policy: the main program's names are "<Project>-<stack>".
	// Required.
	Account, Region, Project string
	// StateBucket is the state bucket's name; StateKeyArn and SecretsKeyArn its key and the secrets-provider
	// key. Required.
	StateBucket   string
	StateKeyArn   pulumi.StringInput
	SecretsKeyArn pulumi.StringInput
	// Repository (owner/name) runs the deploy and preview workflows. Required.
	Repository string
	// Branch deploys the dev stack. Default main.
	Branch string
	// ProductionEnvironment is the GitHub environment prod deploys run in. Default production.
	ProductionEnvironment string
	// AppRepository (owner/name) pushes the app image. Default "": no push role.
	AppRepository string
	// DevStack and ProdStack name the main program's stacks; "" leaves that deploy role out. At least one.
	DevStack, ProdStack string
	// ExistingProviderArn reuses the account's provider. Default "": create it.
	ExistingProviderArn string
	// PermissionsBoundaryArn is set on every role. Default "": none.
	PermissionsBoundaryArn string
	// CloudTrail and GuardDuty add the trail and detector permissions to the deploy roles. Default false.
	CloudTrail, GuardDuty bool
}

// GitHubOidc is the identity provider and the deploy, preview and image-push roles.
type GitHubOidc struct {
	pulumi.ResourceState

	ProviderArn pulumi.StringOutput `pulumi:"providerArn"`
	// DeployRoleArns maps each stack to its deploy role.
	DeployRoleArns pulumi.StringMapOutput `pulumi:"deployRoleArns"`
	PreviewRoleArn pulumi.StringOutput    `pulumi:"previewRoleArn"`
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
	switch {
	case !accountRe.MatchString(out.Account) || !regionRe.MatchString(out.Region) || !labelRe.MatchString(out.Project):
		return out, fmt.Errorf("github: Account %q, Region %q, Project %q: want a 12-digit account, a region and a project name", out.Account, out.Region, out.Project)
	case !ghNameRe.MatchString(out.Repository):
		return out, fmt.Errorf("github: Repository %q: want owner/name", out.Repository)
	case out.AppRepository != "" && !ghNameRe.MatchString(out.AppRepository):
		return out, fmt.Errorf("github: AppRepository %q: want owner/name or empty", out.AppRepository)
	case out.DevStack == "" && out.ProdStack == "":
		return out, fmt.Errorf("github: DevStack and ProdStack are both empty: want at least one")
	case out.StateBucket == "" || out.StateKeyArn == nil || out.SecretsKeyArn == nil:
		return out, fmt.Errorf("github: StateBucket, StateKeyArn and SecretsKeyArn are required")
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

	base := scope{Account: a.Account, Region: a.Region, Project: a.Project, StateBucket: a.StateBucket,
		CloudTrail: a.CloudTrail, GuardDuty: a.GuardDuty}
	resolved := func(v []any) scope {
		s := base
		s.StateKeyArn, s.SecretsKeyArn = v[0].(string), v[1].(string)
		s.ProtectedKeyArns = []string{s.StateKeyArn, s.SecretsKeyArn}
		return s
	}
	var boundary pulumi.StringPtrInput
	if a.PermissionsBoundaryArn != "" {
		boundary = pulumi.String(a.PermissionsBoundaryArn)
	}
	role := func(logical, roleName, description, subject string) (*iam.Role, error) {
		return iam.NewRole(ctx, logical, &iam.RoleArgs{
			Name:        pulumi.String(roleName),
			Description: pulumi.String(description),
			AssumeRolePolicy: iampolicy.Build(func(v []any) iampolicy.Document {
				return trustDocument(v[0].(string), subject)
			}, providerArn),
			MaxSessionDuration:  pulumi.Int(SessionSeconds),
			PermissionsBoundary: boundary,
			Tags:                pulumi.StringMap{"Name": pulumi.String(roleName)},
		}, parent)
	}

	deployArns := pulumi.StringMap{}
	for _, d := range []struct{ stack, subject, why string }{
		{a.DevStack, branchSubject(a.Repository, a.Branch), "pushes to " + a.Branch},
		{a.ProdStack, environmentSubject(a.Repository, a.ProductionEnvironment), "the " + a.ProductionEnvironment + " environment"},
	} {
		if d.stack == "" {
			continue
		}
		stack := d.stack
		roleName := a.Project + "-github-deploy-" + stack
		// The stack's deploy role: assumable only from its own trigger, so prod rights never run from a branch.
		r, err := role(name+"-deploy-"+stack, roleName,
			fmt.Sprintf("Deploys %s-%s from %s (%s)", a.Project, stack, a.Repository, d.why), d.subject)
		if err != nil {
			return nil, err
		}
		var arns []pulumi.StringInput
		for i, nd := range deployDocuments(base, stack) {
			i := i
			// One managed policy per concern: together they exceed the 10,240 characters of inline policy a
			// role may hold, each stays under the 6,144 of a managed policy.
			p, err := iam.NewPolicy(ctx, name+"-deploy-"+stack+"-"+nd.Name, &iam.PolicyArgs{
				Name:        pulumi.String(roleName + "-" + nd.Name),
				Description: pulumi.String(fmt.Sprintf("Deploy %s-%s: %s", a.Project, stack, nd.Name)),
				Policy: iampolicy.Build(func(v []any) iampolicy.Document {
					return deployDocuments(resolved(v), stack)[i].Doc
				}, a.StateKeyArn, a.SecretsKeyArn),
			}, parent)
			if err != nil {
				return nil, err
			}
			// Attached to this stack's role only.
			if _, err := iam.NewRolePolicyAttachment(ctx, name+"-deploy-"+stack+"-"+nd.Name, &iam.RolePolicyAttachmentArgs{
				Role:      r.Name,
				PolicyArn: p.Arn,
			}, parent); err != nil {
				return nil, err
			}
			arns = append(arns, p.Arn)
		}
		deployArns[stack] = r.Arn
		g.DeployPolicyArns[stack] = arns
	}

	stacks := (Config{DevStack: a.DevStack, ProdStack: a.ProdStack}).Stacks()
	// Pull requests preview every stack, read-only.
	preview, err := role(name+"-preview", a.Project+"-github-preview",
		"Previews "+a.Project+" stacks from pull requests of "+a.Repository, pullRequestSubject(a.Repository))
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-preview", &iam.RolePolicyArgs{
		Role: preview.Name,
		Name: pulumi.String("preview"),
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			return previewDocument(resolved(v), stacks)
		}, a.StateKeyArn, a.SecretsKeyArn),
	}, parent); err != nil {
		return nil, err
	}

	pushArn := pulumi.String("").ToStringOutput()
	if a.AppRepository != "" {
		// The application repository's main branch pushes app images, and can do nothing else.
		push, err := role(name+"-image-push", a.Project+"-github-image-push",
			"Pushes the app image from "+a.AppRepository, branchSubject(a.AppRepository, a.Branch))
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
	g.PreviewRoleArn = preview.Arn
	g.PushRoleArn = pushArn
	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{
		"providerArn": g.ProviderArn, "deployRoleArns": g.DeployRoleArns,
		"previewRoleArn": g.PreviewRoleArn, "pushRoleArn": g.PushRoleArn,
	}); err != nil {
		return nil, err
	}
	return g, nil
}
