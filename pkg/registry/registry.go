// Package registry is the stack's container image registry: one private ECR repository per image the
// platform runs (the application image, shared by Rails and Sidekiq, and the nginx image). Tags are
// immutable, so a tag names one image forever and a deploy is exactly reproducible; every push is
// scanned; images are encrypted with the stack key; a lifecycle policy bounds what is kept.
package registry

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// PullActions are the only actions another account is given: enough to pull an image, nothing to list,
// push or delete. The pulling account also needs ecr:GetAuthorizationToken in its own IAM policies.
var PullActions = []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}

// Args configures the repositories.
type Args struct {
	// AppRepositoryName is the application image's repository ("<project>-<stack>/app"). Required.
	AppRepositoryName string
	// NginxRepositoryName is the nginx image's repository ("<project>-<stack>/nginx"). Required.
	NginxRepositoryName string
	// QueueLatencyRepositoryName is the queue-latency sidecar's repository (queuelatency/Dockerfile),
	// for a stack with a worker that scales on queue latency. Default "": none.
	QueueLatencyRepositoryName string
	// KmsKeyArn encrypts the images. Required.
	KmsKeyArn pulumi.StringInput
	// KeepTaggedImages is how many tagged images each repository keeps: 1 to 1000. Default 30.
	KeepTaggedImages int
	// UntaggedExpiryDays expires untagged images (build cache layers, superseded manifest lists) this many
	// days after push: 1 or more. Default 7.
	UntaggedExpiryDays int
	// ForceDelete lets Pulumi delete a repository that still holds images. Default false; set it only
	// outside prod.
	ForceDelete bool
	// PullAccountIds are other AWS accounts (12 digits) whose principals may pull. Default none: no
	// repository policy at all.
	PullAccountIds []string
	// Protect guards the repositories against deletion by Pulumi. Default false.
	Protect bool
}

// Registry is the component.
type Registry struct {
	pulumi.ResourceState

	AppRepositoryUrl   pulumi.StringOutput `pulumi:"appRepositoryUrl"`
	AppRepositoryArn   pulumi.StringOutput `pulumi:"appRepositoryArn"`
	NginxRepositoryUrl pulumi.StringOutput `pulumi:"nginxRepositoryUrl"`
	NginxRepositoryArn pulumi.StringOutput `pulumi:"nginxRepositoryArn"`
	// QueueLatencyRepositoryUrl is the sidecar's repository, when there is one.
	QueueLatencyRepositoryUrl pulumi.StringOutput `pulumi:"queueLatencyRepositoryUrl"`
	// RepositoryArns are the repositories' ARNs (app, nginx, then the sidecar's), for the roles that pull
	// or push.
	RepositoryArns pulumi.StringArrayOutput `pulumi:"repositoryArns"`
}

// LifecyclePolicy is an ECR lifecycle policy document, as ECR reads it.
type LifecyclePolicy struct {
	Rules []LifecycleRule `json:"rules"`
}

// LifecycleRule is one rule. ECR applies rules from the lowest rulePriority up; an image is handled by
// the first rule whose tag selection matches it.
type LifecycleRule struct {
	RulePriority int                `json:"rulePriority"`
	Description  string             `json:"description,omitempty"`
	Selection    LifecycleSelection `json:"selection"`
	Action       LifecycleAction    `json:"action"`
}

// LifecycleSelection picks the images a rule expires.
type LifecycleSelection struct {
	TagStatus      string   `json:"tagStatus"`
	TagPatternList []string `json:"tagPatternList,omitempty"`
	TagPrefixList  []string `json:"tagPrefixList,omitempty"`
	CountType      string   `json:"countType"`
	CountUnit      string   `json:"countUnit,omitempty"`
	CountNumber    int      `json:"countNumber"`
}

// LifecycleAction is what happens to the selected images.
type LifecycleAction struct {
	Type string `json:"type"`
}

// Lifecycle is the policy every repository gets: untagged images expire after untaggedDays (rule 1, so
// it sees them first), and of the tagged images only the keepTagged most recently pushed stay (rule 2;
// ECR requires a tag pattern for tagged rules, and "*" matches every tag). No rule uses tagStatus any,
// which ECR would require to come last.
func Lifecycle(keepTagged, untaggedDays int) LifecyclePolicy {
	return LifecyclePolicy{Rules: []LifecycleRule{
		{
			RulePriority: 1,
			Description:  fmt.Sprintf("Expire untagged images %d days after push", untaggedDays),
			Selection: LifecycleSelection{TagStatus: "untagged", CountType: "sinceImagePushed",
				CountUnit: "days", CountNumber: untaggedDays},
			Action: LifecycleAction{Type: "expire"},
		},
		{
			RulePriority: 2,
			Description:  fmt.Sprintf("Keep the last %d tagged images", keepTagged),
			Selection: LifecycleSelection{TagStatus: "tagged", TagPatternList: []string{"*"},
				CountType: "imageCountMoreThan", CountNumber: keepTagged},
			Action: LifecycleAction{Type: "expire"},
		},
	}}
}

// JSON marshals the policy. It cannot fail for these types; a failure is a programming error.
func (p LifecyclePolicy) JSON() string {
	b, err := json.Marshal(p)
	if err != nil {
		panic(fmt.Sprintf("registry: %v", err))
	}
	return string(b)
}

var (
	repoNameRe = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
	accountRe  = regexp.MustCompile(`^\d{12}$`)
)

func (a *Args) withDefaults() (Args, error) {
	out := *a
	if out.KeepTaggedImages == 0 {
		out.KeepTaggedImages = 30
	}
	if out.UntaggedExpiryDays == 0 {
		out.UntaggedExpiryDays = 7
	}
	names := [][2]string{{"AppRepositoryName", out.AppRepositoryName}, {"NginxRepositoryName", out.NginxRepositoryName}}
	if out.QueueLatencyRepositoryName != "" {
		names = append(names, [2]string{"QueueLatencyRepositoryName", out.QueueLatencyRepositoryName})
		if out.QueueLatencyRepositoryName == out.AppRepositoryName || out.QueueLatencyRepositoryName == out.NginxRepositoryName {
			return out, fmt.Errorf("registry: QueueLatencyRepositoryName %q is another repository's name: want its own", out.QueueLatencyRepositoryName)
		}
	}
	for _, f := range names {
		if !repoNameRe.MatchString(f[1]) || len(f[1]) < 2 || len(f[1]) > 256 {
			return out, fmt.Errorf("registry: %s %q: want an ECR repository name, 2 to 256 of lowercase letters, digits, ., _, - and /", f[0], f[1])
		}
	}
	if out.AppRepositoryName == out.NginxRepositoryName {
		return out, fmt.Errorf("registry: AppRepositoryName and NginxRepositoryName are both %q: want two repositories", out.AppRepositoryName)
	}
	if out.KmsKeyArn == nil {
		return out, fmt.Errorf("registry: KmsKeyArn is required")
	}
	if out.KeepTaggedImages < 1 || out.KeepTaggedImages > 1000 {
		return out, fmt.Errorf("registry: KeepTaggedImages %d: want 1 to 1000", out.KeepTaggedImages)
	}
	if out.UntaggedExpiryDays < 1 {
		return out, fmt.Errorf("registry: UntaggedExpiryDays %d: want 1 or more", out.UntaggedExpiryDays)
	}
	seen := map[string]bool{}
	for _, id := range out.PullAccountIds {
		if !accountRe.MatchString(id) || seen[id] {
			return out, fmt.Errorf("registry: PullAccountIds %q: want distinct 12-digit AWS account ids", id)
		}
		seen[id] = true
	}
	return out, nil
}

// New creates the repositories.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Registry, error) {
	if args == nil {
		args = &Args{}
	}
	a, err := args.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &Registry{}
	if err := ctx.RegisterComponentResource("fargate-platform:registry:Registry", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)

	var pullPolicy string
	if len(a.PullAccountIds) > 0 {
		partition, err := aws.GetPartition(ctx, nil, parent)
		if err != nil {
			return nil, fmt.Errorf("registry: partition: %w", err)
		}
		pullPolicy = PullPolicy(partition.Partition, a.PullAccountIds).JSON()
	}

	app, err := repository(ctx, name+"-app", a.AppRepositoryName, a, pullPolicy, parent)
	if err != nil {
		return nil, err
	}
	nginx, err := repository(ctx, name+"-nginx", a.NginxRepositoryName, a, pullPolicy, parent)
	if err != nil {
		return nil, err
	}

	r.AppRepositoryUrl = app.RepositoryUrl
	r.AppRepositoryArn = app.Arn
	r.NginxRepositoryUrl = nginx.RepositoryUrl
	r.NginxRepositoryArn = nginx.Arn
	arns := pulumi.StringArray{app.Arn, nginx.Arn}
	outputs := pulumi.Map{}
	if a.QueueLatencyRepositoryName != "" {
		ql, err := repository(ctx, name+"-queue-latency", a.QueueLatencyRepositoryName, a, pullPolicy, parent)
		if err != nil {
			return nil, err
		}
		r.QueueLatencyRepositoryUrl = ql.RepositoryUrl
		arns = append(arns, ql.Arn)
		outputs["queueLatencyRepositoryUrl"] = ql.RepositoryUrl
	}
	r.RepositoryArns = arns.ToStringArrayOutput()
	outputs["repositoryArns"] = r.RepositoryArns
	outputs["appRepositoryUrl"], outputs["appRepositoryArn"] = r.AppRepositoryUrl, r.AppRepositoryArn
	outputs["nginxRepositoryUrl"], outputs["nginxRepositoryArn"] = r.NginxRepositoryUrl, r.NginxRepositoryArn
	return r, ctx.RegisterResourceOutputs(r, outputs)
}

// repository creates one repository with its lifecycle policy and, when other accounts pull, its policy.
func repository(ctx *pulumi.Context, logical, repoName string, a Args, pullPolicy string, parent pulumi.ResourceOption) (*ecr.Repository, error) {
	// Immutable tags: a deployed tag can never be re-pointed at other code. Scan on push: every image
	// gets a vulnerability report before it runs. The stack key: who may read images is in its policy.
	repo, err := ecr.NewRepository(ctx, logical, &ecr.RepositoryArgs{
		Name:               pulumi.String(repoName),
		ImageTagMutability: pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{
			ScanOnPush: pulumi.Bool(true),
		},
		EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{
			&ecr.RepositoryEncryptionConfigurationArgs{
				EncryptionType: pulumi.String("KMS"),
				KmsKey:         a.KmsKeyArn,
			},
		},
		ForceDelete: pulumi.Bool(a.ForceDelete),
		Tags:        pulumi.StringMap{"Name": pulumi.String(repoName)},
	}, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return nil, err
	}

	// Storage stays bounded: old tagged images and untagged leftovers expire.
	if _, err := ecr.NewLifecyclePolicy(ctx, logical, &ecr.LifecyclePolicyArgs{
		Repository: repo.Name,
		Policy:     pulumi.String(Lifecycle(a.KeepTaggedImages, a.UntaggedExpiryDays).JSON()),
	}, parent); err != nil {
		return nil, err
	}

	if pullPolicy != "" {
		// Cross-account pulls, only when configured: exactly the pull actions, to the named accounts.
		if _, err := ecr.NewRepositoryPolicy(ctx, logical, &ecr.RepositoryPolicyArgs{
			Repository: repo.Name,
			Policy:     pulumi.String(pullPolicy),
		}, parent); err != nil {
			return nil, err
		}
	}
	return repo, nil
}

// PullPolicy is the repository policy that lets the given accounts pull. The accounts delegate further
// through their own IAM policies; a repository policy names no Resource (it is the repository).
func PullPolicy(partition string, accountIds []string) iampolicy.Document {
	roots := make([]string, 0, len(accountIds))
	for _, id := range accountIds {
		roots = append(roots, fmt.Sprintf("arn:%s:iam::%s:root", partition, id))
	}
	return iampolicy.New(iampolicy.Statement{
		Sid:       "CrossAccountPull",
		Effect:    "Allow",
		Principal: &iampolicy.Principal{AWS: roots},
		Action:    PullActions,
	})
}
