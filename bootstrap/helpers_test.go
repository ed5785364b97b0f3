package main

import (
	"bufio"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const (
	project = "fargate-platform-bootstrap"
	region  = "ap-southeast-2"
	account = plan.Account
)

// example is the config of Pulumi.example.yaml, fully qualified.
func example(overrides map[string]string) map[string]string {
	cfg := map[string]string{
		"aws:region":                 region,
		project + ":accountId":       account,
		project + ":repository":      "acme/shop-platform",
		project + ":appRepository":   "acme/shop",
		project + ":stateBucketName": "acme-shop-pulumi-state-123456789012",
		project + ":secretsKeyAlias": "acme-shop-pulumi-secrets",
		project + ":devStack":        "dev",
		project + ":prodStack":       "prod",
	}
	for k, v := range overrides {
		if v == "<unset>" {
			delete(cfg, k)
			continue
		}
		cfg[k] = v
	}
	return cfg
}

// planWith runs the program under the recording mock with a config.
func planWith(t *testing.T, cfg map[string]string) (*plan.Recorder, error) {
	t.Helper()
	rec := plan.NewRecorder(project, "test", region)
	err := pulumi.RunErr(program, rec.RunOptions(cfg, nil)...)
	return rec, err
}

// mustPlan plans a config that must succeed.
func mustPlan(t *testing.T, overrides map[string]string) *plan.Recorder {
	t.Helper()
	rec, err := planWith(t, example(overrides))
	require.NoError(t, err)
	return rec
}

// doc decodes the policy document input of a resource.
func doc(t *testing.T, r *plan.Resource, input string) iampolicy.Document {
	t.Helper()
	require.NotNil(t, r)
	d, err := iampolicy.Parse(r.Str(input))
	require.NoError(t, err, "%s %s", r.Name, input)
	return d
}

// identityPolicies are every identity policy of a plan: managed policies and inline role policies.
func identityPolicies(t *testing.T, rec *plan.Recorder) map[string]iampolicy.Document {
	t.Helper()
	out := map[string]iampolicy.Document{}
	for _, r := range rec.ByType("aws:iam/policy:Policy") {
		out[r.Name] = doc(t, r, "policy")
	}
	for _, r := range rec.ByType("aws:iam/rolePolicy:RolePolicy") {
		out[r.Name] = doc(t, r, "policy")
	}
	return out
}

// statement returns the statement with a Sid, failing the test when there is none.
func statement(t *testing.T, d iampolicy.Document, sid string) iampolicy.Statement {
	t.Helper()
	for _, s := range d.Statement {
		if s.Sid == sid {
			return s
		}
	}
	t.Fatalf("no statement %s", sid)
	return iampolicy.Statement{}
}

// action is one row of testdata/iam-actions.tsv.
type action struct {
	Name      string
	Level     string
	Resources string // "*" when the action has no resource-level permissions
}

// loadActions reads the IAM facts the tests need (copied from the Service Authorization Reference data).
func loadActions(t *testing.T) []action {
	t.Helper()
	f, err := os.Open("testdata/iam-actions.tsv")
	require.NoError(t, err)
	defer f.Close()
	var out []action
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		require.Len(t, cols, 3, line)
		out = append(out, action{Name: cols[0], Level: cols[1], Resources: cols[2]})
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out)
	return out
}

// matching returns the actions a policy action (possibly with * wildcards) names.
func matching(actions []action, pattern string) []action {
	var out []action
	for _, a := range actions {
		if ok, _ := path.Match(strings.ToLower(pattern), strings.ToLower(a.Name)); ok {
			out = append(out, a)
		}
	}
	return out
}

type planResource = plan.Resource

const connection = "arn:aws:codeconnections:ap-southeast-2:123456789012:connection/0f0e0d0c-0000-4000-8000-000000000001"
