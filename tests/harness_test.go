// Package tests holds the whole-stack tests: they build the program once, plan the dev and prod stacks
// through `plan` exactly as a user runs it, and assert over every resource of the plans.
package tests

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// The stacks every whole-stack test runs over.
var stackNames = []string{"dev", "prod", "example"}

var (
	binary string                        // the program, built once
	plans  = map[string]*plan.Recorder{} // stack -> its plan, read back from the JSON the binary wrote
	root   string                        // the repository
)

func TestMain(m *testing.M) {
	code, err := setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tests:", err)
		os.Exit(1)
	}
	os.Exit(code(m))
}

func setup() (func(*testing.M) int, error) {
	var err error
	root, err = filepath.Abs("..")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "fargate-platform-tests")
	if err != nil {
		return nil, err
	}
	binary = filepath.Join(dir, "fargate-platform")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	for _, stack := range stackNames {
		out := filepath.Join(dir, "plan-"+stack+".json")
		res := runPlan(root, nil, "--stack", stack, "--out", out, "--quiet")
		if res.code != 0 {
			return nil, fmt.Errorf("plan %s exited %d:\n%s", stack, res.code, res.stderr)
		}
		f, err := os.Open(out)
		if err != nil {
			return nil, err
		}
		rec, err := plan.ReadExport(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		plans[stack] = rec
	}
	return func(m *testing.M) int {
		defer os.RemoveAll(dir)
		return m.Run()
	}, nil
}

type result struct {
	code           int
	stdout, stderr string
}

// runPlan runs `fargate-platform plan args...` in dir with extra environment.
func runPlan(dir string, env []string, args ...string) result {
	cmd := exec.Command(binary, append([]string{"plan"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		code = -1
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// eachStack runs fn as a subtest per stack.
func eachStack(t *testing.T, fn func(t *testing.T, stack string, p *plan.Recorder)) {
	for _, stack := range stackNames {
		t.Run(stack, func(t *testing.T) { fn(t, stack, plans[stack]) })
	}
}

// need returns the resources of a type, failing when there are none: a control over nothing proves nothing.
func need(t *testing.T, p *plan.Recorder, typ string) []*plan.Resource {
	t.Helper()
	rs := p.ByType(typ)
	require.NotEmpty(t, rs, "the plan has no %s", typ)
	return rs
}

// policy decodes a policy document input.
func policy(t *testing.T, r *plan.Resource, input string) iampolicy.Document {
	t.Helper()
	doc, err := iampolicy.Parse(r.Str(input))
	require.NoError(t, err, "%s %s", r.URN, input)
	require.NotEmpty(t, doc.Statement, r.URN)
	return doc
}

// projectDir returns a new directory holding the project's Pulumi.yaml, for a stack file of a test's own.
func projectDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	project, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	return dir
}

// variantDir writes a stack "variant" of env with the given keys set (as stackFile writes them) beside
// Pulumi.yaml in a new directory, and returns it.
func variantDir(t *testing.T, env string, set map[string]string) string {
	t.Helper()
	dir := projectDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.variant.yaml"), []byte(stackFile(env, set)), 0o644))
	return dir
}

// readPlan plans stack in dir and reads the plan back.
func readPlan(t *testing.T, dir, stack string) *plan.Recorder {
	t.Helper()
	out := filepath.Join(t.TempDir(), "plan.json")
	res := runPlan(dir, nil, "--stack", stack, "--out", out, "--quiet")
	require.Equal(t, 0, res.code, res.stderr)
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	p, err := plan.ReadExport(f)
	require.NoError(t, err)
	return p
}

// planVariant plans a variant stack (see variantDir).
func planVariant(t *testing.T, env string, set map[string]string) *plan.Recorder {
	t.Helper()
	return readPlan(t, variantDir(t, env, set), "variant")
}
