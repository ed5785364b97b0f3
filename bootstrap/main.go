// Command bootstrap is the one-time, per-account Pulumi program an administrator runs before the first
// deploy from GitHub: GitHub's OIDC identity provider, one deploy role per stack (dev from the main branch,
// prod from the production environment), a read-only preview role for pull requests, a push-only role for
// the application repository, the S3 state backend with its KMS keys, and optionally a CodeBuild pipeline.
//
//	cd bootstrap && pulumi up                    create or update the bootstrap stack (real AWS)
//	go run ./bootstrap plan --stack example      the same program offline, under Pulumi's mocks: prints
//	                                             the tree and writes plan-example.json
//
// docs/delivery.md is the guide.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/compliance"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/pkg/rules"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "plan" {
		os.Exit(planCommand().Run(os.Args[2:]))
	}
	pulumi.Run(program)
}

// planCommand is `go run ./bootstrap plan`: this program under the recording mock.
func planCommand() plan.Command {
	return plan.Command{
		Dir:     projectDir(),
		Program: program,
		IsConfigError: func(err error) bool {
			var bad ConfigErrors
			return errors.As(err, &bad)
		},
		// The plan-time rules (package rules): role, policy, alias and bucket names AWS would refuse. The
		// bootstrap has no Cloudflare records, so no zone.
		Rules: func(rec *plan.Recorder, sc plan.StackConfig) []error {
			return rules.Errors(rules.Check(rec, rules.Stack{Region: sc.Values["aws:region"]}))
		},
		// The deploy, preview and push identities judged under CC6.1 and CC8.1, for the auditor.
		Reports: map[string]plan.Report{"compliance": func(rec *plan.Recorder, _ plan.StackConfig, opts plan.ReportOptions, w io.Writer) (bool, error) {
			return compliance.EvaluateDeployer(rec).Emit(opts, w)
		}},
	}
}

// projectDir finds this program's Pulumi.yaml whether the command runs from the repository root or from
// bootstrap/.
func projectDir() string {
	if _, err := os.Stat(filepath.Join("bootstrap", "Pulumi.yaml")); err == nil {
		return "bootstrap"
	}
	return "."
}

// program validates the whole config before registering anything, then composes the components.
func program(ctx *pulumi.Context) error {
	cfg, err := loadConfig(ctx)
	if err != nil {
		return err
	}
	// The main program's stack files are the one truth of what each deploy role must be able to do.
	dir := cfg.MainProjectDir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(projectDir(), dir)
	}
	if cfg.Main, err = loadMainStacks(dir, cfg); err != nil {
		return err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return fmt.Errorf("caller identity: %w", err)
	}
	if cfg.AccountId != "" && caller.AccountId != cfg.AccountId {
		return ConfigErrors{fmt.Errorf("accountId = %q: the credentials belong to account %s; bootstrap the account you configured", cfg.AccountId, caller.AccountId)}
	}
	return compose(ctx, cfg, caller.AccountId)
}

func compose(ctx *pulumi.Context, cfg Config, account string) error {
	name := cfg.Project + "-bootstrap"

	state, err := NewStateBackend(ctx, name, &StateBackendArgs{
		Account:               account,
		Region:                cfg.Region,
		BucketName:            cfg.StateBucketName,
		SecretsKeyAlias:       cfg.SecretsKeyAlias,
		Stacks:                cfg.Stacks(),
		NoncurrentVersionDays: cfg.NoncurrentVersionDays,
		KeyAdminArns:          cfg.KeyAdminArns,
	})
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}

	gh, err := NewGitHubOidc(ctx, name, &GitHubOidcArgs{
		Account:                account,
		Region:                 cfg.Region,
		Project:                cfg.Project,
		StateBucket:            cfg.StateBucketName,
		StateKeyArn:            state.StateKeyArn,
		SecretsKeyArns:         state.SecretsKeyArns,
		Repository:             cfg.Repository,
		Branch:                 cfg.Branch,
		ProductionEnvironment:  cfg.ProductionEnvironment,
		PreviewEnvironment:     cfg.PreviewEnvironment,
		AppRepository:          cfg.AppRepository,
		DevStack:               cfg.DevStack,
		ProdStack:              cfg.ProdStack,
		Main:                   cfg.Main,
		ExistingProviderArn:    cfg.ExistingOidcProviderArn,
		PermissionsBoundaryArn: cfg.PermissionsBoundaryArn,
	})
	if err != nil {
		return fmt.Errorf("github: %w", err)
	}

	if cfg.CodeBuild {
		cb, err := NewCodeBuild(ctx, name, &CodeBuildArgs{
			Account:                account,
			Region:                 cfg.Region,
			Project:                cfg.Project,
			Repository:             cfg.Repository,
			Branch:                 cfg.Branch,
			ConnectionArn:          cfg.ConnectionArn,
			Stack:                  cfg.CodeBuildStack,
			DeployPolicyArns:       gh.DeployPolicyArns[cfg.CodeBuildStack],
			StateBucket:            cfg.StateBucketName,
			StateKeyArn:            state.StateKeyArn,
			SecretsKeyAlias:        cfg.SecretsKeyAlias + "-" + cfg.CodeBuildStack,
			Image:                  cfg.CodeBuildImage,
			PermissionsBoundaryArn: cfg.PermissionsBoundaryArn,
		})
		if err != nil {
			return fmt.Errorf("codebuild: %w", err)
		}
		ctx.Export("codebuildProjectName", cb.ProjectName)
		ctx.Export("codepipelineName", cb.PipelineName)
	}

	// What the administrator copies into GitHub (docs/delivery.md) and into the main stacks' files.
	ctx.Export("oidcProviderArn", gh.ProviderArn)
	for key, stack := range map[string]string{"dev": cfg.DevStack, "prod": cfg.ProdStack} {
		if stack == "" {
			continue
		}
		ctx.Export(key+"DeployRoleArn", gh.DeployRoleArns.MapIndex(pulumi.String(stack)))
		ctx.Export(key+"PreviewRoleArn", gh.PreviewRoleArns.MapIndex(pulumi.String(stack)))
		ctx.Export(key+"SecretsProvider", pulumi.String(cfg.SecretsProvider(stack)))
	}
	if cfg.AppRepository != "" {
		ctx.Export("imagePushRoleArn", gh.PushRoleArn)
	}
	ctx.Export("stateBucketName", state.BucketName)
	ctx.Export("backendUrl", pulumi.Sprintf("s3://%s?region=%s", state.BucketName, cfg.Region))
	return nil
}
