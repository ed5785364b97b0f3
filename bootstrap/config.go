package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// GitHub's OIDC issuer and the audience aws-actions/configure-aws-credentials asks for.
const (
	GitHubIssuerHost = "token.actions.githubusercontent.com"
	GitHubAudience   = "sts.amazonaws.com"
)

// Config is every value of a bootstrap stack, typed and validated. loadConfig fills it; nothing else in the
// program reads config.
type Config struct {
	// Region is where the state bucket, keys and the main program's stacks live (key `aws:region`).
	Region string
	// AccountId, when set, must be the account the credentials belong to (key `accountId`; default "": not
	// checked). It stops an administrator from bootstrapping the wrong account.
	AccountId string
	// Repository is the GitHub repository holding this program, owner/name (key `repository`, required).
	Repository string
	// AppRepository is the application's repository, owner/name, whose workflow pushes the app image
	// (key `appRepository`; default "": no push role).
	AppRepository string
	// Branch is the branch that deploys the dev stack (key `branch`; default main).
	Branch string
	// ProductionEnvironment is the GitHub environment prod deploys run in (key `productionEnvironment`;
	// default production).
	ProductionEnvironment string
	// Project is the main program's Pulumi project name, the first part of every name it creates
	// (key `project`; default fargate-platform).
	Project string
	// DevStack and ProdStack are the main program's stacks this account hosts (keys `devStack`, `prodStack`;
	// default dev and prod; "" leaves that role out). At least one is required.
	DevStack  string
	ProdStack string
	// StateBucketName is the S3 bucket of the Pulumi state (key `stateBucketName`, required: S3 names are
	// global).
	StateBucketName string
	// SecretsKeyAlias is the alias name of the secrets-provider key, without "alias/" (key
	// `secretsKeyAlias`; default <project>-pulumi-secrets).
	SecretsKeyAlias string
	// NoncurrentVersionDays is how long replaced state versions are kept (key `stateNoncurrentVersionDays`;
	// default 90).
	NoncurrentVersionDays int
	// KeyAdminArns administer the bootstrap keys (key `keyAdminArns`; default none: the account through IAM).
	KeyAdminArns []string
	// PermissionsBoundaryArn is set on every role this program creates (key `permissionsBoundaryArn`;
	// default "": none).
	PermissionsBoundaryArn string
	// ExistingOidcProviderArn reuses an account's GitHub OIDC provider instead of creating one (key
	// `existingOidcProviderArn`; default "": create it). An account holds one provider per issuer.
	ExistingOidcProviderArn string
	// MainProjectDir is where the main program's Pulumi.yaml and stack files are, relative to this
	// program's directory (key `mainProjectDir`; default ".."). Each deploy role is written from its stack's
	// file: the resource types that stack plans, its features, its app bucket.
	MainProjectDir string
	// PreviewEnvironment is the GitHub environment the prod preview job runs in (key
	// `prodPreviewEnvironment`; default "<productionEnvironment>-preview"). A preview decrypts the stack's
	// secrets, so prod's preview role trusts only that environment (give it required reviewers), never a
	// bare pull request; dev's trusts pull requests.
	PreviewEnvironment string
	// Main are the main program's stacks this account hosts, read from MainProjectDir.
	Main map[string]MainStack
	// CodeBuild adds the CodeBuild project and CodePipeline (key `codebuild`; default false).
	CodeBuild bool
	// ConnectionArn is the CodeStar (CodeConnections) connection to GitHub the pipeline's source uses
	// (key `codestarConnectionArn`; required when codebuild is on).
	ConnectionArn string
	// CodeBuildImage is the build image (key `codebuildImage`; default
	// aws/codebuild/amazonlinux-aarch64-standard:3.0, an ARM image).
	CodeBuildImage string
	// CodeBuildStack is the main program's stack the pipeline deploys (key `codebuildStack`; default the
	// dev stack).
	CodeBuildStack string
}

// Name is the prefix of one of the main program's stacks: "<project>-<stack>".
func (c Config) Name(stack string) string { return c.Project + "-" + stack }

// SecretsProvider is the `secretsprovider` a main stack's file must name: its own key's alias.
func (c Config) SecretsProvider(stack string) string {
	return "awskms://alias/" + c.SecretsKeyAlias + "-" + stack + "?region=" + c.Region
}

// Stacks are the configured main-program stacks, dev first.
func (c Config) Stacks() []string {
	var out []string
	for _, s := range []string{c.DevStack, c.ProdStack} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ConfigErrors is every problem of a stack config, reported together.
type ConfigErrors []error

func (e ConfigErrors) Error() string {
	lines := make([]string, len(e))
	for i, err := range e {
		lines[i] = "  - " + err.Error()
	}
	return fmt.Sprintf("bootstrap config has %d problem(s); fix them with `pulumi config set <key> <value>`:\n%s",
		len(e), strings.Join(lines, "\n"))
}

// CodeBuild images this program accepts: the current Amazon Linux ARM and x86 standard images.
var CodeBuildImages = map[string]string{
	"aws/codebuild/amazonlinux-aarch64-standard:3.0": "ARM_CONTAINER",
	"aws/codebuild/amazonlinux-x86_64-standard:5.0":  "LINUX_CONTAINER",
	"aws/codebuild/standard:7.0":                     "LINUX_CONTAINER",
}

var (
	regionRe     = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d$`)
	accountRe    = regexp.MustCompile(`^\d{12}$`)
	ghNameRe     = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$`)
	branchRe     = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,200}$`)
	envRe        = regexp.MustCompile(`^[A-Za-z0-9._-]{1,255}$`)
	labelRe      = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	bucketRe     = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	aliasRe      = regexp.MustCompile(`^[A-Za-z0-9/_-]{1,200}$`)
	principalRe  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)$`)
	policyArnRe  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:policy/[\w+=,.@/-]+$`)
	oidcArnRe    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/` + regexp.QuoteMeta(GitHubIssuerHost) + `$`)
	connectionRe = regexp.MustCompile(`^arn:aws:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection/[0-9a-f-]{36}$`)
)

// reservedStacks would make the main program's "<project>-<stack>-*" names cover this program's own roles
// ("<project>-github-...") or the pipeline's ("<project>-pipeline-...").
var reservedStacks = map[string]bool{"github": true, "pipeline": true, "bootstrap": true}

// loadConfig reads and validates every key before any resource exists: a bad stack returns ConfigErrors
// naming each key, its value and what is allowed.
func loadConfig(ctx *pulumi.Context) (Config, error) {
	return readConfig(ctx.Project(), func(key string) (string, bool) { return ctx.GetConfig(key) })
}

// readConfig is loadConfig over any lookup of fully qualified keys (tests pass a map).
func readConfig(project string, get func(string) (string, bool)) (Config, error) {
	r := &reader{ns: project, get: get}
	c := Config{
		Region:                  r.strNS("aws", "region", ""),
		AccountId:               r.str("accountId", ""),
		Repository:              r.str("repository", ""),
		AppRepository:           r.str("appRepository", ""),
		Branch:                  r.str("branch", "main"),
		ProductionEnvironment:   r.str("productionEnvironment", "production"),
		Project:                 r.str("project", "fargate-platform"),
		DevStack:                r.str("devStack", "dev"),
		ProdStack:               r.str("prodStack", "prod"),
		StateBucketName:         r.str("stateBucketName", ""),
		NoncurrentVersionDays:   r.integer("stateNoncurrentVersionDays", 90),
		KeyAdminArns:            r.list("keyAdminArns"),
		PermissionsBoundaryArn:  r.str("permissionsBoundaryArn", ""),
		ExistingOidcProviderArn: r.str("existingOidcProviderArn", ""),
		MainProjectDir:          r.str("mainProjectDir", ".."),
		CodeBuild:               r.boolean("codebuild", false),
		ConnectionArn:           r.str("codestarConnectionArn", ""),
		CodeBuildImage:          r.str("codebuildImage", "aws/codebuild/amazonlinux-aarch64-standard:3.0"),
	}
	c.SecretsKeyAlias = r.str("secretsKeyAlias", "")
	if c.SecretsKeyAlias == "" {
		c.SecretsKeyAlias = c.Project + "-pulumi-secrets"
	}
	c.PreviewEnvironment = r.str("prodPreviewEnvironment", "")
	if c.PreviewEnvironment == "" {
		c.PreviewEnvironment = c.ProductionEnvironment + "-preview"
	}
	c.CodeBuildStack = r.str("codebuildStack", "")
	if c.CodeBuildStack == "" {
		c.CodeBuildStack = c.DevStack
	}

	bad := func(key, value, want string) {
		r.errs = append(r.errs, fmt.Errorf("%s = %q: %s", key, value, want))
	}
	if !regionRe.MatchString(c.Region) {
		bad("aws:region", c.Region, "want an AWS region such as ap-southeast-2 (required)")
	}
	if c.AccountId != "" && !accountRe.MatchString(c.AccountId) {
		bad("accountId", c.AccountId, "want a 12-digit AWS account id, or leave unset")
	}
	if !ghNameRe.MatchString(c.Repository) {
		bad("repository", c.Repository, "want the GitHub repository of this program as owner/name, e.g. acme/shop-platform (required)")
	}
	if c.AppRepository != "" && !ghNameRe.MatchString(c.AppRepository) {
		bad("appRepository", c.AppRepository, "want the application's GitHub repository as owner/name, e.g. acme/shop, or leave unset")
	}
	if !branchRe.MatchString(c.Branch) || strings.Contains(c.Branch, "*") {
		bad("branch", c.Branch, "want a branch name without wildcards, e.g. main")
	}
	if !envRe.MatchString(c.ProductionEnvironment) {
		bad("productionEnvironment", c.ProductionEnvironment, "want a GitHub environment name (letters, digits, . _ -), e.g. production")
	}
	if !labelRe.MatchString(c.Project) || len(c.Project) > 20 {
		bad("project", c.Project, "want the main program's project name: lowercase letters, digits and -, at most 20 characters")
	}
	if c.DevStack == "" && c.ProdStack == "" {
		bad("devStack", "", "set devStack or prodStack (or both): the account must host a stack")
	}
	for _, s := range []struct{ key, value string }{{"devStack", c.DevStack}, {"prodStack", c.ProdStack}} {
		switch {
		case s.value == "":
		case !labelRe.MatchString(s.value) || len(c.Project)+1+len(s.value) > 24:
			bad(s.key, s.value, "want a stack name of lowercase letters, digits and - with <project>-<stack> at most 24 characters")
		case reservedStacks[s.value]:
			bad(s.key, s.value, "github, pipeline and bootstrap are reserved: this program's own roles are named <project>-github-*")
		}
	}
	if c.DevStack != "" && c.ProdStack != "" &&
		(strings.HasPrefix(c.ProdStack, c.DevStack+"-") || strings.HasPrefix(c.DevStack, c.ProdStack+"-")) {
		bad("prodStack", c.ProdStack, "must not start with devStack- (or the reverse): one stack's names <project>-<stack>-* would cover the other's")
	}
	if !envRe.MatchString(c.PreviewEnvironment) || c.PreviewEnvironment == c.ProductionEnvironment {
		bad("prodPreviewEnvironment", c.PreviewEnvironment, "want a GitHub environment name other than productionEnvironment, e.g. production-preview")
	}
	if c.DevStack != "" && c.DevStack == c.ProdStack {
		bad("prodStack", c.ProdStack, "must differ from devStack: each stack gets its own deploy role")
	}
	if !bucketRe.MatchString(c.StateBucketName) || strings.Contains(c.StateBucketName, "..") {
		bad("stateBucketName", c.StateBucketName, "want a globally unique S3 bucket name: 3-63 lowercase letters, digits, . and - (required)")
	}
	if c.StateBucketName != "" && strings.HasPrefix(c.StateBucketName, c.Project+"-") {
		bad("stateBucketName", c.StateBucketName, "must not start with \"<project>-\": the deploy roles manage buckets under that prefix")
	}
	if !aliasRe.MatchString(c.SecretsKeyAlias) || strings.HasPrefix(c.SecretsKeyAlias, "alias/") ||
		strings.HasPrefix(c.SecretsKeyAlias, "aws/") {
		bad("secretsKeyAlias", c.SecretsKeyAlias, "want an alias name without the alias/ prefix, not under aws/ (letters, digits, / _ -)")
	}
	if strings.HasPrefix(c.SecretsKeyAlias, c.Project+"-"+c.DevStack) || strings.HasPrefix(c.SecretsKeyAlias, c.Project+"-"+c.ProdStack) {
		bad("secretsKeyAlias", c.SecretsKeyAlias, "must not start with <project>-<stack>: the deploy roles manage the aliases under that prefix")
	}
	if c.NoncurrentVersionDays < 1 || c.NoncurrentVersionDays > 3650 {
		bad("stateNoncurrentVersionDays", strconv.Itoa(c.NoncurrentVersionDays), "want 1 to 3650 days")
	}
	for _, a := range c.KeyAdminArns {
		if !principalRe.MatchString(a) {
			bad("keyAdminArns", a, "want IAM role, user or root ARNs")
		}
	}
	if c.PermissionsBoundaryArn != "" && !policyArnRe.MatchString(c.PermissionsBoundaryArn) {
		bad("permissionsBoundaryArn", c.PermissionsBoundaryArn, "want an IAM policy ARN, or leave unset")
	}
	if c.ExistingOidcProviderArn != "" && !oidcArnRe.MatchString(c.ExistingOidcProviderArn) {
		bad("existingOidcProviderArn", c.ExistingOidcProviderArn, "want arn:aws:iam::<account>:oidc-provider/"+GitHubIssuerHost+", or leave unset")
	}
	if c.CodeBuild {
		if !connectionRe.MatchString(c.ConnectionArn) {
			bad("codestarConnectionArn", c.ConnectionArn, "want a CodeConnections ARN, arn:aws:codeconnections:<region>:<account>:connection/<uuid> (required with codebuild)")
		}
		if _, ok := CodeBuildImages[c.CodeBuildImage]; !ok {
			bad("codebuildImage", c.CodeBuildImage, "want one of "+strings.Join(sortedKeys(CodeBuildImages), ", "))
		}
		if c.CodeBuildStack == "" || (c.CodeBuildStack != c.DevStack && c.CodeBuildStack != c.ProdStack) {
			bad("codebuildStack", c.CodeBuildStack, "want devStack or prodStack: the pipeline deploys one of this account's stacks")
		}
	}
	if len(r.errs) > 0 {
		return c, ConfigErrors(r.errs)
	}
	return c, nil
}

// reader reads typed values and collects what does not parse.
type reader struct {
	ns   string
	get  func(string) (string, bool)
	errs []error
}

func (r *reader) strNS(ns, key, def string) string {
	if v, ok := r.get(ns + ":" + key); ok {
		return strings.TrimSpace(v)
	}
	return def
}

func (r *reader) str(key, def string) string { return r.strNS(r.ns, key, def) }

func (r *reader) integer(key string, def int) int {
	v, ok := r.get(r.ns + ":" + key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s = %q: want a whole number", key, v))
		return def
	}
	return n
}

func (r *reader) boolean(key string, def bool) bool {
	v, ok := r.get(r.ns + ":" + key)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s = %q: want true or false", key, v))
		return def
	}
	return b
}

func (r *reader) list(key string) []string {
	v, ok := r.get(r.ns + ":" + key)
	if !ok || strings.TrimSpace(v) == "" {
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s = %q: want a list of strings", key, v))
		return nil
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
