package main

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codebuild"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codepipeline"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/s3guard"
)

// CodeBuildArgs configures the AWS-native delivery path: CodePipeline pulls the repository through a
// CodeConnections connection and CodeBuild runs buildspec.yml, which runs `pulumi up` for one stack.
type CodeBuildArgs struct {
	// Account, Region and Project name and scope everything. Required.
	Account, Region, Project string
	// Repository (owner/name) and Branch are the pipeline's source. Required; Branch default main.
	Repository, Branch string
	// ConnectionArn is the CodeConnections (CodeStar) connection to GitHub. Required.
	ConnectionArn string
	// Stack is the main program's stack the build deploys. Required.
	Stack string
	// DeployPolicyArns are that stack's deploy policies (from GitHubOidc), attached to the build role so the
	// build can do exactly what the GitHub deploy role can. Required.
	DeployPolicyArns []pulumi.StringInput
	// StateBucket is the state bucket's name; StateKeyArn its key, which also encrypts the artifacts.
	// SecretsKeyAlias is the secrets-provider alias name. Required.
	StateBucket     string
	StateKeyArn     pulumi.StringInput
	SecretsKeyAlias string
	// Image is the build image. Default aws/codebuild/amazonlinux-aarch64-standard:3.0.
	Image string
	// LogRetentionDays is the build log group's retention. Default 365.
	LogRetentionDays int
	// PermissionsBoundaryArn is set on both roles. Default "": none.
	PermissionsBoundaryArn string
}

// CodeBuild is the pipeline, its build project, roles, artifact bucket and log group.
type CodeBuild struct {
	pulumi.ResourceState

	ProjectName     pulumi.StringOutput `pulumi:"projectName"`
	PipelineName    pulumi.StringOutput `pulumi:"pipelineName"`
	BuildRoleArn    pulumi.StringOutput `pulumi:"buildRoleArn"`
	PipelineRoleArn pulumi.StringOutput `pulumi:"pipelineRoleArn"`
	ArtifactBucket  pulumi.StringOutput `pulumi:"artifactBucket"`
}

func (a *CodeBuildArgs) withDefaults() (CodeBuildArgs, error) {
	out := *a
	if out.Branch == "" {
		out.Branch = "main"
	}
	if out.Image == "" {
		out.Image = "aws/codebuild/amazonlinux-aarch64-standard:3.0"
	}
	if out.LogRetentionDays == 0 {
		out.LogRetentionDays = 365
	}
	_, knownImage := CodeBuildImages[out.Image]
	switch {
	case !accountRe.MatchString(out.Account) || !regionRe.MatchString(out.Region) || !labelRe.MatchString(out.Project):
		return out, fmt.Errorf("codebuild: Account %q, Region %q, Project %q: want a 12-digit account, a region and a project name", out.Account, out.Region, out.Project)
	case !ghNameRe.MatchString(out.Repository):
		return out, fmt.Errorf("codebuild: Repository %q: want owner/name", out.Repository)
	case !connectionRe.MatchString(out.ConnectionArn):
		return out, fmt.Errorf("codebuild: ConnectionArn %q: want a CodeConnections connection ARN", out.ConnectionArn)
	case !knownImage:
		return out, fmt.Errorf("codebuild: Image %q: want one of %v", out.Image, sortedKeys(CodeBuildImages))
	case out.Stack == "" || len(out.DeployPolicyArns) == 0 || out.StateBucket == "" || out.StateKeyArn == nil || out.SecretsKeyAlias == "":
		return out, fmt.Errorf("codebuild: Stack, DeployPolicyArns, StateBucket, StateKeyArn and SecretsKeyAlias are required")
	}
	return out, nil
}

// NewCodeBuild creates the pipeline and its build.
func NewCodeBuild(ctx *pulumi.Context, name string, args *CodeBuildArgs, opts ...pulumi.ResourceOption) (*CodeBuild, error) {
	if args == nil {
		args = &CodeBuildArgs{}
	}
	a, err := args.withDefaults()
	if err != nil {
		return nil, err
	}
	cb := &CodeBuild{}
	if err := ctx.RegisterComponentResource("fargate-platform:bootstrap:CodeBuild", name, cb, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(cb)
	s := scope{Account: a.Account, Region: a.Region, Project: a.Project}
	physical := a.Project + "-pipeline-" + a.Stack
	projectArn := s.arn("codebuild", "project/"+physical)
	pipelineArn := s.arn("codepipeline", physical)
	logGroupName := "/" + a.Project + "/pipeline/" + a.Stack
	s3Via := "s3." + a.Region + ".amazonaws.com"
	var boundary pulumi.StringPtrInput
	if a.PermissionsBoundaryArn != "" {
		boundary = pulumi.String(a.PermissionsBoundaryArn)
	}

	// Artifacts: the source zip of each run, hardened like the state bucket and encrypted with its key.
	artifacts, err := s3.NewBucketV2(ctx, name+"-artifacts", &s3.BucketV2Args{
		BucketPrefix: pulumi.String(physical + "-artifacts-"),
		ForceDestroy: pulumi.Bool(true),
		Tags:         pulumi.StringMap{"Name": pulumi.String(physical + "-artifacts")},
	}, parent)
	if err != nil {
		return nil, err
	}
	closed, err := s3guard.Close(ctx, name+"-artifacts", artifacts.ID(), parent)
	if err != nil {
		return nil, err
	}
	ver, err := s3.NewBucketVersioningV2(ctx, name+"-artifacts", &s3.BucketVersioningV2Args{
		Bucket:                  artifacts.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return nil, err
	}
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-artifacts", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: artifacts.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: a.StateKeyArn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, parent)
	if err != nil {
		return nil, err
	}
	// Source zips are only needed while a run lasts: 30 days, then gone with their old versions.
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-artifacts", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: artifacts.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:                             pulumi.String("expire-artifacts"),
			Status:                         pulumi.String("Enabled"),
			Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			Expiration:                     &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(30)},
			NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(7)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(7)},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{ver})); err != nil {
		return nil, err
	}
	// Plain HTTP refused.
	if _, err := s3.NewBucketPolicy(ctx, name+"-artifacts", &s3.BucketPolicyArgs{
		Bucket: artifacts.ID(),
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			arn := v[0].(string)
			tls := iampolicy.DenyInsecureTransport(arn)
			return iampolicy.New(tls)
		}, artifacts.Arn),
	}, parent, pulumi.DependsOn(append(closed, sse))); err != nil {
		return nil, err
	}

	// Build logs, kept a year (deploy logs are audit evidence).
	logs, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(logGroupName),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
	}, parent)
	if err != nil {
		return nil, err
	}

	trust := func(service, sourceArn string) string {
		st := iampolicy.Allow("Service", []string{"sts:AssumeRole"})
		st.Principal = &iampolicy.Principal{Service: []string{service}}
		st.Condition = iampolicy.Condition{
			"StringEquals": {"aws:SourceAccount": {a.Account}},
			"ArnLike":      {"aws:SourceArn": {sourceArn}},
		}
		return iampolicy.New(st).JSON()
	}

	// The build's role: the stack's deploy policies, plus its own logs and the artifacts it reads.
	buildRole, err := iam.NewRole(ctx, name+"-build", &iam.RoleArgs{
		Name:                pulumi.String(physical + "-build"),
		Description:         pulumi.String("CodeBuild: pulumi up for " + a.Project + "-" + a.Stack),
		AssumeRolePolicy:    pulumi.String(trust("codebuild.amazonaws.com", projectArn)),
		MaxSessionDuration:  pulumi.Int(DeploySessionSeconds),
		PermissionsBoundary: boundary,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-build", &iam.RolePolicyArgs{
		Role: buildRole.Name,
		Name: pulumi.String("build"),
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			bucketArn, keyArn := v[0].(string), v[1].(string)
			return buildDocument(s, logGroupName, bucketArn, keyArn, s3Via)
		}, artifacts.Arn, a.StateKeyArn),
	}, parent); err != nil {
		return nil, err
	}
	// Same rights as the GitHub deploy role of the stack.
	for i, arn := range a.DeployPolicyArns {
		if _, err := iam.NewRolePolicyAttachment(ctx, fmt.Sprintf("%s-build-deploy-%d", name, i), &iam.RolePolicyAttachmentArgs{
			Role:      buildRole.Name,
			PolicyArn: arn,
		}, parent); err != nil {
			return nil, err
		}
	}

	project, err := codebuild.NewProject(ctx, name, &codebuild.ProjectArgs{
		Name:          pulumi.String(physical),
		Description:   pulumi.String("pulumi up --yes for " + a.Project + "-" + a.Stack + " (buildspec.yml)"),
		ServiceRole:   buildRole.Arn,
		BuildTimeout:  pulumi.Int(60),
		EncryptionKey: a.StateKeyArn,
		Source: &codebuild.ProjectSourceArgs{
			Type:      pulumi.String("CODEPIPELINE"),
			Buildspec: pulumi.String("buildspec.yml"),
		},
		Artifacts: &codebuild.ProjectArtifactsArgs{Type: pulumi.String("CODEPIPELINE")},
		Environment: &codebuild.ProjectEnvironmentArgs{
			ComputeType:              pulumi.String("BUILD_GENERAL1_SMALL"),
			Image:                    pulumi.String(a.Image),
			Type:                     pulumi.String(CodeBuildImages[a.Image]),
			ImagePullCredentialsType: pulumi.String("CODEBUILD"),
			// No Docker daemon: the build only runs Pulumi (images are built by GitHub Actions).
			PrivilegedMode: pulumi.Bool(false),
			EnvironmentVariables: codebuild.ProjectEnvironmentEnvironmentVariableArray{
				codebuild.ProjectEnvironmentEnvironmentVariableArgs{Name: pulumi.String("STACK"), Value: pulumi.String(a.Stack)},
				codebuild.ProjectEnvironmentEnvironmentVariableArgs{Name: pulumi.String("STATE_BUCKET"), Value: pulumi.String(a.StateBucket)},
				codebuild.ProjectEnvironmentEnvironmentVariableArgs{Name: pulumi.String("SECRETS_KEY_ALIAS"), Value: pulumi.String(a.SecretsKeyAlias)},
				// A SecureString the administrator creates; the deploy policy reads /<project>/<stack>/*.
				codebuild.ProjectEnvironmentEnvironmentVariableArgs{Name: pulumi.String("CLOUDFLARE_TOKEN_PARAMETER"),
					Value: pulumi.String("/" + a.Project + "/" + a.Stack + "/deploy/cloudflare-api-token")},
			},
		},
		LogsConfig: &codebuild.ProjectLogsConfigArgs{
			CloudwatchLogs: &codebuild.ProjectLogsConfigCloudwatchLogsArgs{
				GroupName: logs.Name, Status: pulumi.String("ENABLED"),
			},
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	// The pipeline's role: fetch the source through the connection, store artifacts, start the build.
	pipelineRole, err := iam.NewRole(ctx, name+"-pipeline", &iam.RoleArgs{
		Name:                pulumi.String(physical + "-pipeline"),
		Description:         pulumi.String("CodePipeline: source and build for " + a.Project + "-" + a.Stack),
		AssumeRolePolicy:    pulumi.String(trust("codepipeline.amazonaws.com", pipelineArn)),
		MaxSessionDuration:  pulumi.Int(DeploySessionSeconds),
		PermissionsBoundary: boundary,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-pipeline", &iam.RolePolicyArgs{
		Role: pipelineRole.Name,
		Name: pulumi.String("pipeline"),
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			bucketArn, keyArn := v[0].(string), v[1].(string)
			return pipelineDocument(s, a.ConnectionArn, projectArn, bucketArn, keyArn, s3Via)
		}, artifacts.Arn, a.StateKeyArn),
	}, parent); err != nil {
		return nil, err
	}

	// Source on every push to the branch, then one build that deploys the stack.
	pipeline, err := codepipeline.NewPipeline(ctx, name, &codepipeline.PipelineArgs{
		Name:          pulumi.String(physical),
		PipelineType:  pulumi.String("V2"),
		ExecutionMode: pulumi.String("QUEUED"),
		RoleArn:       pipelineRole.Arn,
		ArtifactStores: codepipeline.PipelineArtifactStoreArray{codepipeline.PipelineArtifactStoreArgs{
			Location:      artifacts.Bucket,
			Type:          pulumi.String("S3"),
			EncryptionKey: &codepipeline.PipelineArtifactStoreEncryptionKeyArgs{Id: a.StateKeyArn, Type: pulumi.String("KMS")},
		}},
		Stages: codepipeline.PipelineStageArray{
			codepipeline.PipelineStageArgs{
				Name: pulumi.String("Source"),
				Actions: codepipeline.PipelineStageActionArray{codepipeline.PipelineStageActionArgs{
					Name: pulumi.String("GitHub"), Category: pulumi.String("Source"), Owner: pulumi.String("AWS"),
					Provider: pulumi.String("CodeStarSourceConnection"), Version: pulumi.String("1"),
					OutputArtifacts: pulumi.StringArray{pulumi.String("source")},
					Configuration: pulumi.StringMap{
						"ConnectionArn":        pulumi.String(a.ConnectionArn),
						"FullRepositoryId":     pulumi.String(a.Repository),
						"BranchName":           pulumi.String(a.Branch),
						"OutputArtifactFormat": pulumi.String("CODE_ZIP"),
					},
				}},
			},
			codepipeline.PipelineStageArgs{
				Name: pulumi.String("Deploy"),
				Actions: codepipeline.PipelineStageActionArray{codepipeline.PipelineStageActionArgs{
					Name: pulumi.String("PulumiUp"), Category: pulumi.String("Build"), Owner: pulumi.String("AWS"),
					Provider: pulumi.String("CodeBuild"), Version: pulumi.String("1"),
					InputArtifacts: pulumi.StringArray{pulumi.String("source")},
					Configuration:  pulumi.StringMap{"ProjectName": project.Name},
				}},
			},
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	cb.ProjectName = project.Name
	cb.PipelineName = pipeline.Name
	cb.BuildRoleArn = buildRole.Arn
	cb.PipelineRoleArn = pipelineRole.Arn
	cb.ArtifactBucket = artifacts.Bucket
	if err := ctx.RegisterResourceOutputs(cb, pulumi.Map{
		"projectName": cb.ProjectName, "pipelineName": cb.PipelineName, "buildRoleArn": cb.BuildRoleArn,
		"pipelineRoleArn": cb.PipelineRoleArn, "artifactBucket": cb.ArtifactBucket,
	}); err != nil {
		return nil, err
	}
	return cb, nil
}

// buildDocument is the build role's own policy: write its log group, read the artifacts.
func buildDocument(s scope, logGroup, bucketArn, keyArn, s3Via string) iampolicy.Document {
	return iampolicy.New(
		s.inRegion(iampolicy.Allow("BuildLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			s.arn("logs", "log-group:"+logGroup), s.arn("logs", "log-group:"+logGroup+":log-stream:*"))),
		s.inRegion(iampolicy.Allow("ReadArtifacts", []string{"s3:GetObject", "s3:GetObjectVersion"}, bucketArn+"/*")),
		s.inRegion(iampolicy.Allow("ArtifactBucket", []string{"s3:GetBucketLocation", "s3:GetBucketAcl"}, bucketArn)),
		viaService(s.inRegion(iampolicy.Allow("ArtifactKey", []string{"kms:Decrypt", "kms:GenerateDataKey"}, keyArn)), s3Via),
	)
}

// pipelineDocument is the pipeline role's policy: use the connection, write and read artifacts, run the
// one build project.
func pipelineDocument(s scope, connectionArn, projectArn, bucketArn, keyArn, s3Via string) iampolicy.Document {
	return iampolicy.New(
		s.inRegion(iampolicy.Allow("UseConnection", []string{"codestar-connections:UseConnection", "codeconnections:UseConnection"}, connectionArn)),
		s.inRegion(iampolicy.Allow("Artifacts", []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, bucketArn+"/*")),
		s.inRegion(iampolicy.Allow("ArtifactBucket", []string{"s3:GetBucketLocation", "s3:GetBucketVersioning"}, bucketArn)),
		viaService(s.inRegion(iampolicy.Allow("ArtifactKey", []string{"kms:Decrypt", "kms:GenerateDataKey"}, keyArn)), s3Via),
		s.inRegion(iampolicy.Allow("RunBuild", []string{"codebuild:StartBuild", "codebuild:BatchGetBuilds"}, projectArn)),
	)
}
