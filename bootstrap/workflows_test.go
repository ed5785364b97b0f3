package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// The workflows this program's roles are made for, checked against the trust and permissions the roles
// assume. actionlint checks their syntax in .ci/run; these tests check their intent.

type workflow struct {
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Jobs        map[string]job    `yaml:"jobs"`
}

type job struct {
	If string `yaml:"if"`
	// Uses, With and Secrets are a job that calls a reusable workflow.
	Uses        string         `yaml:"uses"`
	With        map[string]any `yaml:"with"`
	Secrets     any            `yaml:"secrets"`
	Environment any            `yaml:"environment"`
	Concurrency map[string]any `yaml:"concurrency"`
	Permissions any            `yaml:"permissions"`
	Strategy    map[string]any `yaml:"strategy"`
	// TimeoutMinutes is the job's timeout-minutes.
	TimeoutMinutes int `yaml:"timeout-minutes"`
	Env            map[string]string
	Steps          []step `yaml:"steps"`
}

type step struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]any    `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

var workflowFiles = map[string]string{
	"ci":           "../.github/workflows/ci.yml",
	"preview":      "../.github/workflows/preview.yml",
	"deploy":       "../.github/workflows/deploy.yml",
	"deploy-stack": "../.github/workflows/deploy-stack.yml",
	"build-image":  "../examples/app-repo/.github/workflows/build-image.yml",
}

func readWorkflow(t *testing.T, name string) (workflow, string) {
	t.Helper()
	b, err := os.ReadFile(workflowFiles[name])
	require.NoError(t, err)
	var w workflow
	require.NoError(t, yaml.Unmarshal(b, &w), name)
	require.NotEmpty(t, w.Jobs, name)
	return w, string(b)
}

// index returns the position of the first step a predicate accepts, or -1.
func index(steps []step, ok func(step) bool) int {
	for i, s := range steps {
		if ok(s) {
			return i
		}
	}
	return -1
}

func TestWorkflowPermissionsAreExactlyWhatEachNeeds(t *testing.T) {
	tests := []struct {
		name string
		want map[string]string
	}{
		{"ci", map[string]string{"contents": "read"}},
		{"preview", map[string]string{"id-token": "write", "contents": "read", "pull-requests": "write"}},
		{"deploy", map[string]string{"id-token": "write", "contents": "read"}},
		// A called workflow can only keep or narrow its caller's rights; it states the same.
		{"deploy-stack", map[string]string{"id-token": "write", "contents": "read"}},
		{"build-image", map[string]string{"id-token": "write", "contents": "read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := readWorkflow(t, tt.name)
			assert.Equal(t, tt.want, w.Permissions)
		})
	}
}

func TestEveryActionIsPinnedToAVersion(t *testing.T) {
	pinned := regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$`)
	// A reusable workflow of this repository, called by path, runs at the caller's own commit.
	local := regexp.MustCompile(`^\./\.github/workflows/[A-Za-z0-9_-]+\.yml$`)
	for name := range workflowFiles {
		t.Run(name, func(t *testing.T) {
			w, _ := readWorkflow(t, name)
			uses := 0
			for jobName, j := range w.Jobs {
				if j.Uses != "" {
					uses++
					assert.True(t, local.MatchString(j.Uses) || pinned.MatchString(j.Uses), "%s: %s", jobName, j.Uses)
					_, err := os.Stat(filepath.Join("..", j.Uses))
					assert.NoError(t, err, "%s calls a workflow that exists", jobName)
				}
				for _, s := range j.Steps {
					if s.Uses == "" {
						continue
					}
					uses++
					assert.Regexp(t, pinned, s.Uses, "%s: %s", jobName, s.Uses)
					assert.NotRegexp(t, `@(main|master|latest)$`, s.Uses)
				}
			}
			assert.Positive(t, uses)
		})
	}
}

// deployStackInputs are deploy-stack.yml's declared inputs with their defaults.
func deployStackInputs(t *testing.T) map[string]any {
	t.Helper()
	w, _ := readWorkflow(t, "deploy-stack")
	call, ok := w.On["workflow_call"].(map[string]any)
	require.True(t, ok, "deploy-stack.yml is on: workflow_call")
	declared := call["inputs"].(map[string]any)
	out := map[string]any{}
	for name, spec := range declared {
		out[name] = spec.(map[string]any)["default"]
	}
	return out
}

// called is deploy-stack.yml's one job as a caller of it runs it: every ${{ inputs.X }} and
// vars[inputs.X] resolved with the caller's `with` over the inputs' defaults. An input left unresolved
// fails the test.
type called struct {
	job
	inputs map[string]any
}

var (
	inputExpr = regexp.MustCompile(`\$\{\{\s*inputs\.([a-z_]+)\s*\}\}`)
	varByName = regexp.MustCompile(`vars\[inputs\.([a-z_]+)\]`)
)

func (c called) expand(t *testing.T, v any) string {
	t.Helper()
	s, _ := v.(string)
	value := func(name string) string {
		val, ok := c.inputs[name]
		require.True(t, ok, "input %s is declared", name)
		if val == nil {
			return ""
		}
		return fmt.Sprint(val)
	}
	s = varByName.ReplaceAllStringFunc(s, func(m string) string { return "vars." + value(varByName.FindStringSubmatch(m)[1]) })
	s = inputExpr.ReplaceAllStringFunc(s, func(m string) string { return value(inputExpr.FindStringSubmatch(m)[1]) })
	require.NotContains(t, s, "inputs.", "unresolved input in %q", v)
	return s
}

func callDeployStack(t *testing.T, caller job) called {
	t.Helper()
	require.Equal(t, "./.github/workflows/deploy-stack.yml", caller.Uses)
	w, _ := readWorkflow(t, "deploy-stack")
	require.Len(t, w.Jobs, 1, "one job, whatever the stack")
	inputs := deployStackInputs(t)
	for k, v := range caller.With {
		_, declared := inputs[k]
		require.True(t, declared, "the caller passes %s, which deploy-stack.yml declares", k)
		inputs[k] = v
	}
	for _, j := range w.Jobs {
		return called{job: j, inputs: inputs}
	}
	return called{}
}

func TestDeployJobsAreSerialisedAndProdNeedsTheProductionEnvironment(t *testing.T) {
	w, _ := readWorkflow(t, "deploy")
	require.Len(t, w.Jobs, 2)
	tests := []struct {
		job, wantStack, wantGroup, wantRoleVar string
		// wantEnvironment is the GitHub environment the deploy runs in; "" is none.
		wantEnvironment string
	}{
		// Dev runs without an environment: a job in one gets an environment subject, not the branch's.
		{"dev", "dev", "deploy-dev", "${{ vars.AWS_DEV_DEPLOY_ROLE_ARN }}", ""},
		{"prod", "prod", "deploy-prod", "${{ vars.AWS_PROD_DEPLOY_ROLE_ARN }}", "production"},
	}
	for _, tt := range tests {
		t.Run(tt.job, func(t *testing.T) {
			caller, ok := w.Jobs[tt.job]
			require.True(t, ok)
			assert.Empty(t, caller.Steps, "the deploy itself is written once, in deploy-stack.yml")
			assert.Nil(t, caller.Permissions, "the caller keeps the workflow's permissions")
			assert.Nil(t, caller.Concurrency, "the group lives in the called job: the same group on both deadlocks")
			assert.Equal(t, map[string]any{"CLOUDFLARE_API_TOKEN": "${{ secrets.CLOUDFLARE_API_TOKEN }}"}, caller.Secrets,
				"the token passed by name: the environment's own secret wins inside it")
			j := callDeployStack(t, caller)
			assert.Equal(t, tt.wantStack, j.expand(t, "${{ inputs.stack }}"))
			assert.Equal(t, tt.wantGroup, j.expand(t, j.Concurrency["group"]))
			assert.Equal(t, false, j.Concurrency["cancel-in-progress"])
			env, ok := j.Environment.(map[string]any)
			require.True(t, ok, "environment with a name and url")
			assert.Equal(t, tt.wantEnvironment, j.expand(t, env["name"]))
			assert.Equal(t, "${{ steps.rollout.outputs.url }}", env["url"])
			creds := j.Steps[index(j.Steps, func(s step) bool { return strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") })]
			assert.Equal(t, tt.wantRoleVar, j.expand(t, creds.With["role-to-assume"]),
				"the role is read inside the job, where the environment's variables apply")
			assert.Equal(t, "${{ vars.AWS_SESSION_POLICY }}", creds.With["inline-session-policy"])
			assert.Equal(t, DeploySessionSeconds, creds.With["role-duration-seconds"])
			assert.Equal(t, "${{ inputs.image_tag }}", caller.With["image_tag"], "the dispatch's image tag reaches the deploy")
		})
	}
	assert.Contains(t, w.Jobs["prod"].If, "github.event_name == 'release'")
	assert.NotContains(t, w.Jobs["dev"].If, "release")
	assert.Contains(t, w.On, "workflow_dispatch")
	inputs := w.On["workflow_dispatch"].(map[string]any)["inputs"].(map[string]any)
	assert.Contains(t, inputs, "image_tag")
	assert.Contains(t, inputs, "environment")
	assert.Equal(t, "", deployStackInputs(t)["environment"], "a caller that names no environment gets none")
}

func TestDeployRollsOutInOrderAndReleasesBeforeTheServices(t *testing.T) {
	w, _ := readWorkflow(t, "deploy-stack")
	steps := w.Jobs["deploy"].Steps
	tags := index(steps, func(s step) bool {
		return strings.Contains(s.Run, "pulumi config set appImageTag") && strings.Contains(s.Run, "pulumi config set nginxImageTag")
	})
	build := index(steps, func(s step) bool { return strings.HasPrefix(s.Uses, "docker/build-push-action@") })
	register := index(steps, func(s step) bool {
		return strings.Contains(s.Run, `aws:ecs/taskDefinition:TaskDefinition`) && strings.Contains(s.Run, "--target")
	})
	release := index(steps, func(s step) bool { return strings.Contains(s.Run, "aws ecs run-task") })
	rollout := index(steps, func(s step) bool {
		return strings.Contains(s.Run, "pulumi up --yes\n") && !strings.Contains(s.Run, "--target")
	})
	verify := index(steps, func(s step) bool { return strings.Contains(s.Run, "aws ecs describe-services") })
	for what, i := range map[string]int{"tags": tags, "build": build, "register": register, "release": release, "rollout": rollout, "verify": verify} {
		require.GreaterOrEqual(t, i, 0, "no %s step", what)
	}
	assert.Less(t, tags, build)
	assert.Less(t, build, register)
	assert.Less(t, register, release)
	assert.Less(t, release, rollout, "the release tasks run before the services roll")
	assert.Less(t, rollout, verify)
	assert.Equal(t, 1, strings.Count(strings.Join(runs(steps), "\n"), "aws ecs run-task"), "one step runs tasks")

	r := steps[release]
	for _, want := range []string{"pulumi stack output releaseTasks --json", "taskDefinitionArn", "family", "container",
		"logGroup", "logStreamPrefix", "clusterName", "privateSubnetIds", "serviceSecurityGroupId", "assignPublicIp=DISABLED",
		"aws ecs wait tasks-stopped", "aws ecs stop-task", "aws ecs describe-tasks", ".exitCode", "exit 1"} {
		assert.Contains(t, r.Run, want)
	}
	assert.Empty(t, r.If, "the release tasks are never skipped")
	assert.Empty(t, steps[rollout].If)
	assert.Empty(t, steps[verify].If)
	assert.Contains(t, steps[verify].Run, ".services")

	b := steps[build].With
	assert.Equal(t, "linux/amd64,linux/arm64", b["platforms"])
	assert.Equal(t, "./nginx", b["context"])
	assert.Equal(t, "${{ steps.repos.outputs.nginx }}:${{ github.sha }}", b["tags"])
	assert.Positive(t, index(steps, func(s step) bool { return strings.HasPrefix(s.Uses, "docker/setup-buildx-action@") }))
	assert.Positive(t, index(steps, func(s step) bool { return strings.HasPrefix(s.Uses, "docker/setup-qemu-action@") }))
	goSetup := steps[index(steps, func(s step) bool { return strings.HasPrefix(s.Uses, "actions/setup-go@") })]
	assert.Equal(t, true, goSetup.With["cache"], "Go module and build cache")
}

// TestDeployStackNamesNoStackTaskOrService: what a stack runs and rolls comes from its outputs, so the
// one deploy serves every stack and any set of services. A name here would tie it to today's shape.
func TestDeployStackNamesNoStackTaskOrService(t *testing.T) {
	_, text := readWorkflow(t, "deploy-stack")
	text = strings.ReplaceAll(text, "/dev/null", "")
	stackFiles, err := filepath.Glob(filepath.Join("..", "Pulumi.*.yaml"))
	require.NoError(t, err)
	var forbidden []string
	for _, f := range stackFiles {
		forbidden = append(forbidden, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	require.Contains(t, forbidden, "dev", "the stack files are found")
	forbidden = append(forbidden, "production", "migrate", "migration", "web", "worker", "sidekiq", "rails", "puma",
		"AWS_DEV_DEPLOY_ROLE_ARN", "AWS_PROD_DEPLOY_ROLE_ARN", "migrateTaskDefinitionArn", "migrateTaskFamily",
		"webServiceName", "workerServiceName")
	for _, name := range forbidden {
		assert.NotRegexp(t, `(?i)\b`+regexp.QuoteMeta(name)+`\b`, text, "deploy-stack.yml names %q", name)
	}
}

// TestTheWorkflowReadsOnlyOutputsTheProgramExports: deploy-stack.yml's contract with main.go. Every output
// it reads is exported there (a renamed export would otherwise surface only in a real deploy).
func TestTheWorkflowReadsOnlyOutputsTheProgramExports(t *testing.T) {
	exported := mainExports(t)
	_, text := readWorkflow(t, "deploy-stack")
	read := map[string]bool{}
	for _, m := range regexp.MustCompile(`pulumi stack output ([A-Za-z]+)`).FindAllStringSubmatch(text, -1) {
		read[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`jq (?:-[er] )*'?\.([A-Za-z]+)\b[^<]*<<<"\$outputs"`).FindAllStringSubmatch(text, -1) {
		read[m[1]] = true
	}
	for _, want := range []string{"releaseTasks", "services", "clusterName", "privateSubnetIds", "serviceSecurityGroupId", "url"} {
		assert.True(t, read[want], "deploy-stack.yml reads %s", want)
	}
	for name := range read {
		assert.True(t, exported[name], "deploy-stack.yml reads output %s, which main.go does not export", name)
	}
}

// mainExports are the names main.go passes to ctx.Export.
func mainExports(t *testing.T) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "main.go"), nil, 0)
	require.NoError(t, err)
	out := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Export" {
			if lit, ok := call.Args[0].(*ast.BasicLit); ok {
				name, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				out[name] = true
			}
		}
		return true
	})
	require.NotEmpty(t, out)
	return out
}

func runs(steps []step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Run)
	}
	return out
}

func TestPreviewRunsForEveryStackWithTheReadOnlyRole(t *testing.T) {
	w, text := readWorkflow(t, "preview")
	assert.Contains(t, w.On, "pull_request")
	j := w.Jobs["preview"]
	assert.Equal(t, []any{"dev", "prod"}, j.Strategy["matrix"].(map[string]any)["stack"])
	creds := j.Steps[index(j.Steps, func(s step) bool { return strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") })]
	assert.Equal(t, "${{ matrix.stack == 'prod' && vars.AWS_PROD_PREVIEW_ROLE_ARN || vars.AWS_DEV_PREVIEW_ROLE_ARN }}", creds.With["role-to-assume"])
	// prod's preview decrypts prod's secrets: only in its own environment, which its role trusts alone.
	assert.Equal(t, "${{ matrix.environment }}", j.Environment)
	assert.Contains(t, text, "environment: production-preview")
	p := j.Steps[index(j.Steps, func(s step) bool { return strings.HasPrefix(s.Uses, "pulumi/actions@") })]
	assert.Equal(t, "preview", p.With["command"])
	assert.Equal(t, true, p.With["comment-on-pr"])
	assert.Equal(t, "${{ matrix.stack }}", p.With["stack-name"])
	assert.True(t, strings.HasPrefix(p.With["cloud-url"].(string), "s3://"))
	for _, name := range []string{"preview", "deploy", "deploy-stack"} {
		_, text = readWorkflow(t, name)
		assert.NotContains(t, text, "PULUMI_CONFIG_PASSPHRASE", "%s: secrets come from awskms", name)
	}
}

// The pull request's cost change is computed offline from the plans of the base and the head, and posted
// beside the preview by a job that holds no AWS credentials and no OIDC token.
func TestPreviewPostsTheCostChangeFromTheBaseAndHeadPlans(t *testing.T) {
	w, _ := readWorkflow(t, "preview")
	j, ok := w.Jobs["cost"]
	require.True(t, ok, "preview.yml has a cost job")
	assert.Equal(t, w.Jobs["preview"].If, j.If, "forks are skipped as the preview is")
	assert.Equal(t, map[string]any{"contents": "read", "pull-requests": "write"}, j.Permissions)
	assert.Negative(t, index(j.Steps, func(s step) bool { return strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") }))
	base := index(j.Steps, func(s step) bool {
		return strings.HasPrefix(s.Uses, "actions/checkout@") && s.With["ref"] == "${{ github.event.pull_request.base.sha }}"
	})
	require.GreaterOrEqual(t, base, 0, "the base is checked out beside the head")
	assert.Equal(t, "base", j.Steps[base].With["path"])
	run := j.Steps[index(j.Steps, func(s step) bool { return strings.Contains(s.Run, "--report cost") })].Run
	assert.Contains(t, run, "for stack in dev prod")
	assert.Contains(t, run, "cd base && go run . plan --stack \"$stack\"")
	assert.Contains(t, run, "--report cost --json \"$out/head-$stack.json\"")
	assert.Contains(t, run, "go run ./internal/costdiff")
	post := j.Steps[index(j.Steps, func(s step) bool { return strings.HasPrefix(s.Uses, "actions/github-script@") })]
	assert.Contains(t, post.With["script"], "updateComment", "one comment, edited on each push")
}

func TestCiRunsTheProjectsCheckScript(t *testing.T) {
	w, _ := readWorkflow(t, "ci")
	assert.Contains(t, w.On, "push")
	assert.Contains(t, w.On, "pull_request")
	steps := w.Jobs["ci"].Steps
	assert.GreaterOrEqual(t, index(steps, func(s step) bool { return strings.TrimSpace(s.Run) == "bash .ci/run" }), 0)
	run, err := os.ReadFile(filepath.Join("..", ".ci", "run"))
	require.NoError(t, err)
	for _, want := range []string{"gofmt -l", "go vet ./...", "actionlint@v1.7.12", "go test ./..."} {
		assert.Contains(t, string(run), want)
	}
}

func TestAppRepositoryPushesMultiArchThenDispatchesTheDeploy(t *testing.T) {
	w, _ := readWorkflow(t, "build-image")
	image := w.Jobs["image"].Steps
	creds := image[index(image, func(s step) bool { return strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") })]
	assert.Equal(t, "${{ vars.AWS_IMAGE_PUSH_ROLE_ARN }}", creds.With["role-to-assume"])
	build := image[index(image, func(s step) bool { return strings.HasPrefix(s.Uses, "docker/build-push-action@") })]
	assert.Equal(t, "linux/amd64,linux/arm64", build.With["platforms"])
	assert.Equal(t, true, build.With["push"])
	dispatch := w.Jobs["deploy-dev"]
	require.Len(t, dispatch.Steps, 1)
	assert.Contains(t, dispatch.Steps[0].Run, "gh workflow run deploy.yml")
	assert.Contains(t, dispatch.Steps[0].Run, "--ref main")
	assert.Contains(t, dispatch.Steps[0].Run, `image_tag="$TAG"`)
	assert.Equal(t, map[string]any{}, dispatch.Permissions, "the dispatch job needs no GITHUB_TOKEN rights")
}

// TestSessionsOutlastTheJobs: a role session shorter than its job would expire in the middle of a deploy
// (a prod first deploy waits for Multi-AZ RDS, the cache, an image build, the release tasks and steady
// state). deploy.yml's jobs call deploy-stack.yml, whose job asks for the session.
func TestSessionsOutlastTheJobs(t *testing.T) {
	for _, tt := range []struct {
		workflow string
		max      int
	}{{"deploy-stack", DeploySessionSeconds}, {"preview", PreviewSessionSeconds}} {
		w, _ := readWorkflow(t, tt.workflow)
		checked := 0
		for name, j := range w.Jobs {
			i := index(j.Steps, func(s step) bool { return strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") })
			if i < 0 {
				continue
			}
			checked++
			asked, ok := j.Steps[i].With["role-duration-seconds"].(int)
			require.True(t, ok, "%s/%s asks no session length", tt.workflow, name)
			assert.GreaterOrEqual(t, asked, j.TimeoutMinutes*60, "%s/%s: session shorter than the job", tt.workflow, name)
			assert.LessOrEqual(t, asked, tt.max, "%s/%s: more than the role's MaxSessionDuration", tt.workflow, name)
		}
		assert.Positive(t, checked, "%s: no job assumes a role", tt.workflow)
	}
	// Every job of deploy.yml runs its session inside deploy-stack.yml.
	w, _ := readWorkflow(t, "deploy")
	for name, j := range w.Jobs {
		assert.Equal(t, "./.github/workflows/deploy-stack.yml", j.Uses, name)
	}
}
