package main

import (
	"os"
	"path/filepath"
	"regexp"
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
	If          string         `yaml:"if"`
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
	"ci":          "../.github/workflows/ci.yml",
	"preview":     "../.github/workflows/preview.yml",
	"deploy":      "../.github/workflows/deploy.yml",
	"build-image": "../examples/app-repo/.github/workflows/build-image.yml",
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
	for name := range workflowFiles {
		t.Run(name, func(t *testing.T) {
			w, _ := readWorkflow(t, name)
			uses := 0
			for jobName, j := range w.Jobs {
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

func TestDeployJobsAreSerialisedAndProdNeedsTheProductionEnvironment(t *testing.T) {
	w, _ := readWorkflow(t, "deploy")
	require.Len(t, w.Jobs, 2)
	tests := []struct {
		job, wantGroup, wantRoleVar string
		wantEnvironment             any
	}{
		// Dev runs without an environment: a job in one gets an environment subject, not the branch's.
		{"dev", "deploy-dev", "${{ vars.AWS_DEV_DEPLOY_ROLE_ARN }}", nil},
		{"prod", "deploy-prod", "${{ vars.AWS_PROD_DEPLOY_ROLE_ARN }}", "production"},
	}
	for _, tt := range tests {
		t.Run(tt.job, func(t *testing.T) {
			j, ok := w.Jobs[tt.job]
			require.True(t, ok)
			assert.Equal(t, tt.wantGroup, j.Concurrency["group"])
			assert.Equal(t, false, j.Concurrency["cancel-in-progress"])
			if tt.wantEnvironment == nil {
				assert.Nil(t, j.Environment)
			} else {
				env, ok := j.Environment.(map[string]any)
				require.True(t, ok, "environment with a name and url")
				assert.Equal(t, tt.wantEnvironment, env["name"])
			}
			creds := j.Steps[index(j.Steps, func(s step) bool { return strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") })]
			assert.Equal(t, tt.wantRoleVar, creds.With["role-to-assume"])
			assert.Equal(t, "${{ vars.AWS_SESSION_POLICY }}", creds.With["inline-session-policy"])
			assert.Equal(t, DeploySessionSeconds, creds.With["role-duration-seconds"])
		})
	}
	assert.Contains(t, w.Jobs["prod"].If, "github.event_name == 'release'")
	assert.NotContains(t, w.Jobs["dev"].If, "release")
	assert.Contains(t, w.On, "workflow_dispatch")
	inputs := w.On["workflow_dispatch"].(map[string]any)["inputs"].(map[string]any)
	assert.Contains(t, inputs, "image_tag")
	assert.Contains(t, inputs, "environment")
}

func TestDeployRollsOutInOrderAndMigratesBeforeTheServices(t *testing.T) {
	w, _ := readWorkflow(t, "deploy")
	for _, name := range []string{"dev", "prod"} {
		t.Run(name, func(t *testing.T) {
			steps := w.Jobs[name].Steps
			tags := index(steps, func(s step) bool {
				return strings.Contains(s.Run, "pulumi config set appImageTag") && strings.Contains(s.Run, "pulumi config set nginxImageTag")
			})
			build := index(steps, func(s step) bool { return strings.HasPrefix(s.Uses, "docker/build-push-action@") })
			register := index(steps, func(s step) bool {
				return strings.Contains(s.Run, `aws:ecs/taskDefinition:TaskDefinition`) && strings.Contains(s.Run, "--target")
			})
			migrate := index(steps, func(s step) bool { return strings.Contains(s.Run, "aws ecs run-task") })
			rollout := index(steps, func(s step) bool {
				return strings.Contains(s.Run, "pulumi up --yes\n") && !strings.Contains(s.Run, "--target")
			})
			for what, i := range map[string]int{"tags": tags, "build": build, "register": register, "migrate": migrate, "rollout": rollout} {
				require.GreaterOrEqual(t, i, 0, "no %s step", what)
			}
			assert.Less(t, tags, build)
			assert.Less(t, build, register)
			assert.Less(t, register, migrate)
			assert.Less(t, migrate, rollout, "the migration runs before the services roll")

			m := steps[migrate]
			for _, want := range []string{"clusterName", "migrateTaskDefinitionArn", "privateSubnetIds", "serviceSecurityGroupId",
				"aws ecs wait tasks-stopped", "aws ecs describe-tasks", ".exitCode", "exit 1"} {
				assert.Contains(t, m.Run, want)
			}
			assert.Empty(t, m.If, "the migration is never skipped")
			assert.Empty(t, steps[rollout].If)

			b := steps[build].With
			assert.Equal(t, "linux/amd64,linux/arm64", b["platforms"])
			assert.Equal(t, "./nginx", b["context"])
			assert.Equal(t, "${{ steps.repos.outputs.nginx }}:${{ github.sha }}", b["tags"])
			assert.Positive(t, index(steps, func(s step) bool { return strings.HasPrefix(s.Uses, "docker/setup-buildx-action@") }))
			assert.Positive(t, index(steps, func(s step) bool { return strings.HasPrefix(s.Uses, "docker/setup-qemu-action@") }))
			goSetup := steps[index(steps, func(s step) bool { return strings.HasPrefix(s.Uses, "actions/setup-go@") })]
			assert.Equal(t, true, goSetup.With["cache"], "Go module and build cache")
		})
	}
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
	for _, name := range []string{"preview", "deploy"} {
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
// (a prod first deploy waits for Multi-AZ RDS, the cache, an image build, the migration and steady state).
func TestSessionsOutlastTheJobs(t *testing.T) {
	for _, tt := range []struct {
		workflow string
		max      int
	}{{"deploy", DeploySessionSeconds}, {"preview", PreviewSessionSeconds}} {
		w, _ := readWorkflow(t, tt.workflow)
		for name, j := range w.Jobs {
			i := index(j.Steps, func(s step) bool { return strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") })
			if i < 0 {
				continue
			}
			asked, ok := j.Steps[i].With["role-duration-seconds"].(int)
			require.True(t, ok, "%s/%s asks no session length", tt.workflow, name)
			assert.GreaterOrEqual(t, asked, j.TimeoutMinutes*60, "%s/%s: session shorter than the job", tt.workflow, name)
			assert.LessOrEqual(t, asked, tt.max, "%s/%s: more than the role's MaxSessionDuration", tt.workflow, name)
		}
	}
}
