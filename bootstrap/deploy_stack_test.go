package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The deploy's own shell steps, run as GitHub runs them (bash -eo pipefail) against a fake `pulumi` and a
// fake `aws` (fakecli_test.go), answering from a world the test describes. What the steps
// run and roll must come from the stack outputs alone, so the worlds use names today's stacks do not have.

// fakeWorld is what the fake CLIs answer (fakecli_test.go).
type fakeWorld struct {
	// Outputs is `pulumi stack output --json`; `pulumi stack output <key>` fails for a key it lacks.
	Outputs map[string]any `json:"outputs"`
	// Definitions are the registered task definitions by ARN.
	Definitions map[string]fakeDefinition `json:"definitions"`
	// Latest is each family's latest ACTIVE revision.
	Latest map[string]string `json:"latest"`
	// Running is, per service name, the task definition of its PRIMARY deployment.
	Running map[string]string `json:"running"`
	// State is `pulumi stack export`; Config the stack's config (`pulumi config get`).
	State  json.RawMessage   `json:"state"`
	Config map[string]string `json:"config"`
}

// fakeDefinition is a task definition's one container and the exit code its task ends with (nil: none).
type fakeDefinition struct {
	Container string `json:"container"`
	Image     string `json:"image"`
	ExitCode  *int   `json:"exitCode"`
	// Unplaceable makes RunTask start nothing (a failure such as RESOURCE:ENI).
	Unplaceable bool `json:"unplaceable"`
}

// fakeCLIDir holds the fake `pulumi` and `aws`, built once for the package's tests.
var fakeCLIDir string

func TestMain(m *testing.M) {
	// Called as `pulumi` or `aws` by a step under test: this binary is the fake CLI.
	if name := filepath.Base(os.Args[0]); name == "pulumi" || name == "aws" {
		os.Exit(fakeCLI(append([]string{name}, os.Args[1:]...)))
	}
	code := m.Run()
	if fakeCLIDir != "" {
		os.RemoveAll(fakeCLIDir)
	}
	os.Exit(code)
}

// fakeCLIs links this test binary as `pulumi` and `aws` (TestMain plays them) and returns their directory.
func fakeCLIs(t *testing.T) string {
	t.Helper()
	if fakeCLIDir != "" {
		return fakeCLIDir
	}
	self, err := os.Executable()
	require.NoError(t, err)
	dir, err := os.MkdirTemp("", "fakecli")
	require.NoError(t, err)
	for _, name := range []string{"pulumi", "aws"} {
		require.NoError(t, os.Symlink(self, filepath.Join(dir, name)))
	}
	fakeCLIDir = dir
	return dir
}

// stepRun is what running one step of deploy-stack.yml produced.
type stepRun struct {
	exit    int
	out     string   // stdout and stderr
	calls   []string // pulumi and aws calls, in order
	summary string
	output  string // what the step wrote to $GITHUB_OUTPUT
}

// runStep runs the named step of deploy-stack.yml's job against a world. env gives the step's own env
// entries their values (they are expressions in the file); each must be given.
func runStep(t *testing.T, name string, w fakeWorld, env map[string]string) stepRun {
	t.Helper()
	return runStepWith(t, name, w, env)
}

// runStepWith is runStep with extra job-level environment entries ("NAME=value").
func runStepWith(t *testing.T, name string, w fakeWorld, env map[string]string, jobEnv ...string) stepRun {
	t.Helper()
	for _, tool := range []string{"bash", "jq"} {
		_, err := exec.LookPath(tool)
		require.NoError(t, err, "the step needs %s (.ci/run installs it)", tool)
	}
	wf, _ := readWorkflow(t, "deploy-stack")
	steps := wf.Jobs["deploy"].Steps
	i := index(steps, func(s step) bool { return s.Name == name })
	require.GreaterOrEqual(t, i, 0, "no step %q", name)
	s := steps[i]
	require.NotContains(t, s.Run, "${{", "the script reads values from env, never templated into it")

	bin := fakeCLIs(t)
	dir := t.TempDir()
	world, err := json.Marshal(w)
	require.NoError(t, err)
	files := map[string]string{}
	for _, f := range []string{"world.json", "calls.log", "output", "summary", "step.sh"} {
		files[f] = filepath.Join(dir, f)
	}
	require.NoError(t, os.WriteFile(files["world.json"], world, 0o600))
	require.NoError(t, os.WriteFile(files["step.sh"], []byte(s.Run), 0o600))

	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", files["step.sh"])
	cmd.Env = append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"FAKE_CLI_WORLD="+files["world.json"], "FAKE_CLI_LOG="+files["calls.log"],
		"GITHUB_OUTPUT="+files["output"], "GITHUB_STEP_SUMMARY="+files["summary"],
		"GITHUB_RUN_ID=4242", "GITHUB_SHA=0123456789abcdef0123456789abcdef01234567",
		"STACK=world", "PULUMI_PROJECT=fp", "PULUMI_BACKEND_URL=s3://fp-world-state?region=ap-southeast-2")
	cmd.Env = append(cmd.Env, jobEnv...)
	for k := range s.Env {
		v, ok := env[k]
		require.True(t, ok, "the test gives step env %s a value", k)
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	r := stepRun{out: string(out)}
	if err != nil {
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, string(out))
		r.exit = exit.ExitCode()
	}
	if b, err := os.ReadFile(files["calls.log"]); err == nil {
		r.calls = strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	if b, err := os.ReadFile(files["summary"]); err == nil {
		r.summary = string(b)
	}
	if b, err := os.ReadFile(files["output"]); err == nil {
		r.output = string(b)
	}
	return r
}

// callsMatching are the calls a pattern matches, in order.
func callsMatching(calls []string, pattern string) []string {
	re := regexp.MustCompile(pattern)
	var out []string
	for _, c := range calls {
		if re.MatchString(c) {
			out = append(out, c)
		}
	}
	return out
}

const (
	worldRepo = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/fp-world/app"
	worldTag  = "7c0ffee"
)

func worldTaskDef(family string, revision int) string {
	return fmt.Sprintf("arn:aws:ecs:ap-southeast-2:123456789012:task-definition/%s:%d", family, revision)
}

func exitCode(n int) *int { return &n }

// releaseWorld is a stack with two release tasks, schema then seed, both on the new app image.
func releaseWorld() fakeWorld {
	task := func(name string) map[string]any {
		return map[string]any{"name": name, "family": "fp-world-" + name, "taskDefinitionArn": worldTaskDef("fp-world-"+name, 2),
			"container": name + "-c", "logGroup": "/fp/world/ecs/" + name, "logStreamPrefix": name}
	}
	return fakeWorld{
		Outputs: map[string]any{
			"clusterName": "fp-world", "privateSubnetIds": []string{"subnet-0a", "subnet-0b"}, "serviceSecurityGroupId": "sg-0world",
			"releaseTasks": []any{task("schema"), task("seed")},
		},
		Definitions: map[string]fakeDefinition{
			worldTaskDef("fp-world-schema", 2): {Container: "schema-c", Image: worldRepo + ":" + worldTag, ExitCode: exitCode(0)},
			worldTaskDef("fp-world-seed", 2):   {Container: "seed-c", Image: worldRepo + ":" + worldTag, ExitCode: exitCode(0)},
		},
		Latest: map[string]string{"fp-world-schema": worldTaskDef("fp-world-schema", 2), "fp-world-seed": worldTaskDef("fp-world-seed", 2)},
	}
}

var releaseEnv = map[string]string{"APP_REPOSITORY_URL": worldRepo, "APP_TAG": worldTag}

func TestReleaseTasksComeFromTheStackOutputsAndRunInOrder(t *testing.T) {
	tests := []struct {
		name  string
		world func(w *fakeWorld)
		// wantRuns are the task definitions started, in order.
		wantRuns []string
		wantFail string // "" succeeds; else the step fails with this in its output
	}{
		{"every task, in the order of the output", func(*fakeWorld) {},
			[]string{worldTaskDef("fp-world-schema", 2), worldTaskDef("fp-world-seed", 2)}, ""},
		{"a non-zero exit stops the deploy before the next task", func(w *fakeWorld) {
			w.Definitions[worldTaskDef("fp-world-schema", 2)] = fakeDefinition{Container: "schema-c", Image: worldRepo + ":" + worldTag, ExitCode: exitCode(1)}
		}, []string{worldTaskDef("fp-world-schema", 2)}, "::error::release task schema exited with 1"},
		{"a task without an exit code fails", func(w *fakeWorld) {
			w.Definitions[worldTaskDef("fp-world-seed", 2)] = fakeDefinition{Container: "seed-c", Image: worldRepo + ":" + worldTag}
		}, []string{worldTaskDef("fp-world-schema", 2), worldTaskDef("fp-world-seed", 2)}, "::error::release task seed exited with none"},
		{"a stale revision falls back to the family's latest", func(w *fakeWorld) {
			w.Definitions[worldTaskDef("fp-world-schema", 1)] = fakeDefinition{Container: "schema-c", Image: worldRepo + ":0ld", ExitCode: exitCode(0)}
			w.Outputs["releaseTasks"].([]any)[0].(map[string]any)["taskDefinitionArn"] = worldTaskDef("fp-world-schema", 1)
		}, []string{worldTaskDef("fp-world-schema", 2), worldTaskDef("fp-world-seed", 2)}, ""},
		{"no revision on the new app image runs nothing", func(w *fakeWorld) {
			w.Definitions[worldTaskDef("fp-world-schema", 2)] = fakeDefinition{Container: "schema-c", Image: worldRepo + ":0ld", ExitCode: exitCode(0)}
		}, nil, "::error::no task definition of release task schema runs app image " + worldTag},
		{"a task on another image runs as registered", func(w *fakeWorld) {
			w.Definitions[worldTaskDef("fp-world-seed", 2)] = fakeDefinition{Container: "seed-c", Image: "public.ecr.aws/acme/seeder:3", ExitCode: exitCode(0)}
		}, []string{worldTaskDef("fp-world-schema", 2), worldTaskDef("fp-world-seed", 2)}, ""},
		{"a task that does not start fails", func(w *fakeWorld) {
			w.Definitions[worldTaskDef("fp-world-seed", 2)] = fakeDefinition{Container: "seed-c", Image: worldRepo + ":" + worldTag, Unplaceable: true}
		}, []string{worldTaskDef("fp-world-schema", 2), worldTaskDef("fp-world-seed", 2)}, `::error::release task seed did not start: [{"arn"`},
		{"a task definition that cannot be read fails", func(w *fakeWorld) {
			w.Outputs["releaseTasks"].([]any)[1].(map[string]any)["taskDefinitionArn"] = worldTaskDef("fp-world-gone", 1)
		}, []string{worldTaskDef("fp-world-schema", 2)}, "::error::release task seed: task definition " + worldTaskDef("fp-world-gone", 1) + " cannot be read"},
		{"a stack with no release tasks runs none", func(w *fakeWorld) { w.Outputs["releaseTasks"] = []any{} }, nil, ""},
		{"a stack without the output stops rather than roll unreleased", func(w *fakeWorld) { delete(w.Outputs, "releaseTasks") },
			nil, "::error::stack world has no releaseTasks output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := releaseWorld()
			tt.world(&w)
			r := runStep(t, "Run the release tasks", w, releaseEnv)
			var runs []string
			for _, c := range callsMatching(r.calls, `^aws ecs run-task `) {
				runs = append(runs, regexp.MustCompile(`--task-definition (\S+)`).FindStringSubmatch(c)[1])
			}
			assert.Equal(t, tt.wantRuns, runs, r.out)
			for _, c := range callsMatching(r.calls, `^aws ecs run-task `) {
				assert.Contains(t, c, "--cluster fp-world --task-definition")
				assert.Contains(t, c, "awsvpcConfiguration={subnets=[subnet-0a,subnet-0b],securityGroups=[sg-0world],assignPublicIp=DISABLED}")
				assert.Contains(t, c, "--launch-type FARGATE --count 1")
			}
			assert.Empty(t, callsMatching(r.calls, `^pulumi up`), "the release step never rolls the services")
			if tt.wantFail == "" {
				assert.Equal(t, 0, r.exit, r.out)
				assert.Len(t, callsMatching(r.calls, `^aws ecs describe-tasks `), len(tt.wantRuns), "every exit code is read")
				return
			}
			assert.NotEqual(t, 0, r.exit, r.out)
			assert.Contains(t, r.out, tt.wantFail)
			assert.Contains(t, r.out, "the services were not touched")
		})
	}
}

func TestReleaseTaskLogsAreReadFromTheirOwnStream(t *testing.T) {
	r := runStep(t, "Run the release tasks", releaseWorld(), releaseEnv)
	require.Equal(t, 0, r.exit, r.out)
	tails := callsMatching(r.calls, `^aws logs tail `)
	require.Len(t, tails, 2)
	for i, name := range []string{"schema", "seed"} {
		id := hex.EncodeToString([]byte(worldTaskDef("fp-world-"+name, 2)))
		assert.Equal(t, fmt.Sprintf("aws logs tail /fp/world/ecs/%s --log-stream-name-prefix %s/%s-c/%s --since 3h", name, name, name, id), tails[i])
	}
}

func TestTheDeployFailsWhenAServiceWasRolledBack(t *testing.T) {
	world := func(running map[string]string) fakeWorld {
		return fakeWorld{
			Outputs: map[string]any{"clusterName": "fp-world", "services": []any{
				map[string]any{"name": "api", "serviceName": "fp-world-api-1a2b3c4", "taskDefinitionArn": worldTaskDef("fp-world-api", 5)},
				map[string]any{"name": "jobs", "serviceName": "fp-world-jobs-5d6e7f8", "taskDefinitionArn": worldTaskDef("fp-world-jobs", 3)},
			}},
			Running: running,
		}
	}
	tests := []struct {
		name     string
		running  map[string]string
		wantFail string
	}{
		{"every service on its new revision", map[string]string{
			"fp-world-api-1a2b3c4": worldTaskDef("fp-world-api", 5), "fp-world-jobs-5d6e7f8": worldTaskDef("fp-world-jobs", 3)}, ""},
		{"a circuit-breaker rollback fails the deploy", map[string]string{
			"fp-world-api-1a2b3c4": worldTaskDef("fp-world-api", 5), "fp-world-jobs-5d6e7f8": worldTaskDef("fp-world-jobs", 2)},
			"::error::jobs (fp-world-jobs-5d6e7f8) runs fp-world-jobs:2, not fp-world-jobs:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runStep(t, "Check every service runs its new revision", world(tt.running), nil)
			assert.Len(t, callsMatching(r.calls, `^aws ecs describe-services --cluster fp-world --services `), 2, "each service of the output")
			assert.Contains(t, r.summary, "| api | fp-world-api:5 | COMPLETED |")
			if tt.wantFail == "" {
				assert.Equal(t, 0, r.exit, r.out)
				return
			}
			assert.NotEqual(t, 0, r.exit, r.out)
			assert.Contains(t, r.out, tt.wantFail)
		})
	}
	r := runStep(t, "Check every service runs its new revision", fakeWorld{Outputs: map[string]any{"clusterName": "fp-world"}}, nil)
	assert.NotEqual(t, 0, r.exit, "a stack without the services output is not checked as fine")
	assert.Contains(t, r.out, "::error::stack world has no services output")
}

// worldState is a `pulumi stack export` of a stack whose services run app image tag `running` (an empty
// tag: a state with no task definitions yet).
func worldState(t *testing.T, running string) json.RawMessage {
	t.Helper()
	resources := []any{
		map[string]any{"urn": "urn:pulumi:world::fp::pulumi:pulumi:Stack::fp-world", "type": "pulumi:pulumi:Stack"},
		map[string]any{"urn": "urn:pulumi:world::fp::fargate-platform:registry:Registry$aws:ecr/repository:Repository::fp-world-app",
			"type": "aws:ecr/repository:Repository", "outputs": map[string]any{"repositoryUrl": worldRepo}},
		map[string]any{"urn": "urn:pulumi:world::fp::fargate-platform:registry:Registry$aws:ecr/repository:Repository::fp-world-nginx",
			"type": "aws:ecr/repository:Repository", "outputs": map[string]any{"repositoryUrl": worldRepo + "-nginx"}},
	}
	if running != "" {
		defs, err := json.Marshal([]map[string]string{
			{"name": "proxy", "image": worldRepo + "-nginx:aaaaaaa"}, {"name": "api", "image": worldRepo + ":" + running}})
		require.NoError(t, err)
		resources = append(resources,
			map[string]any{"urn": "urn:pulumi:world::fp::aws:ecs/taskDefinition:TaskDefinition::fp-world-api",
				"type": "aws:ecs/taskDefinition:TaskDefinition", "outputs": map[string]any{"containerDefinitions": string(defs)}},
			map[string]any{"urn": "urn:pulumi:world::fp::aws:ecs/service:Service::fp-world-api", "type": "aws:ecs/service:Service"})
	}
	b, err := json.Marshal(map[string]any{"version": 3, "deployment": map[string]any{"resources": resources}})
	require.NoError(t, err)
	return b
}

// TestTheImageTagIsTheInputOrTheOneThatRuns: with no tag given, a deploy keeps the app image the stack's
// task definitions run (found by the stack's app repository, not by a task's name), else the stack file's.
func TestTheImageTagIsTheInputOrTheOneThatRuns(t *testing.T) {
	tests := []struct {
		name, input, running, config string
		wantTag                      string // "" fails
		wantFirst                    string
	}{
		{"the input wins", "1a2b3c4", "9f8e7d6", "0000000", "1a2b3c4", "false"},
		{"no input keeps the tag that runs", "", "9f8e7d6", "0000000", "9f8e7d6", "false"},
		{"a new stack takes the stack file's", "", "", "0000000", "0000000", "true"},
		{"latest is refused", "latest", "9f8e7d6", "0000000", "", ""},
		{"a tag with a slash is refused", "a/b", "9f8e7d6", "0000000", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := fakeWorld{State: worldState(t, tt.running), Config: map[string]string{"appImageTag": tt.config}}
			r := runStepWith(t, "Select the stack and set the image tags", w, nil, "INPUT_IMAGE_TAG="+tt.input)
			if tt.wantTag == "" {
				assert.NotEqual(t, 0, r.exit, r.out)
				assert.Contains(t, r.out, "is not an immutable image tag")
				assert.Empty(t, callsMatching(r.calls, `^pulumi config set`))
				return
			}
			require.Equal(t, 0, r.exit, r.out)
			assert.Equal(t, []string{"pulumi config set appImageTag " + tt.wantTag,
				"pulumi config set nginxImageTag 0123456789abcdef0123456789abcdef01234567"}, callsMatching(r.calls, `^pulumi config set`))
			assert.Contains(t, r.output, "app="+tt.wantTag+"\n")
			assert.Contains(t, r.output, "first="+tt.wantFirst+"\n")
		})
	}
}
