package compliance

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// deployerPlan is a bootstrap plan of one deploy policy and one role.
func deployerPlan(t *testing.T, policy iampolicy.Document, trust iampolicy.Document, session float64) *plan.Recorder {
	t.Helper()
	export := map[string]any{"version": 3, "deployment": map[string]any{"resources": []any{
		map[string]any{"urn": "urn:pulumi:example::bootstrap::pulumi:pulumi:Stack::bootstrap-example", "type": "pulumi:pulumi:Stack"},
		map[string]any{"urn": "urn:pulumi:example::bootstrap::aws:iam/policy:Policy::deploy", "type": tPolicy, "custom": true,
			"inputs": map[string]any{"policy": policy.JSON()}},
		map[string]any{"urn": "urn:pulumi:example::bootstrap::aws:iam/role:Role::deploy", "type": tRole, "custom": true,
			"inputs": map[string]any{"assumeRolePolicy": trust.JSON(), "maxSessionDuration": session}},
	}}}
	b, err := json.Marshal(export)
	require.NoError(t, err)
	rec, err := plan.ReadExport(strings.NewReader(string(b)))
	require.NoError(t, err)
	return rec
}

func TestDeployerControlsNameWhatBreaksThem(t *testing.T) {
	boundary := iampolicy.Condition{"StringEquals": {"iam:PermissionsBoundary": {"arn:aws:iam::123456789012:policy/p-dev-boundary"}}}
	good := iampolicy.New(
		iampolicy.Statement{Sid: "Roles", Effect: "Allow", Action: []string{"iam:CreateRole", "iam:PutRolePolicy"},
			Resource: []string{"arn:aws:iam::123456789012:role/p-dev-*"}, Condition: boundary},
		iampolicy.Allow("State", []string{"s3:GetObject"}, "arn:aws:s3:::state/.pulumi/stacks/p/dev.*"))
	trust := func(sub string) iampolicy.Document {
		return iampolicy.New(iampolicy.Statement{Effect: "Allow", Principal: &iampolicy.Principal{Federated: []string{"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}},
			Action: []string{"sts:AssumeRoleWithWebIdentity"}, Condition: iampolicy.Condition{"StringEquals": {
				"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"}, "token.actions.githubusercontent.com:sub": {sub}}}})
	}
	main := trust("repo:acme/platform:ref:refs/heads/main")
	tests := []struct {
		name    string
		policy  iampolicy.Document
		trust   iampolicy.Document
		session float64
		fails   string // the check that fails, "" for none
	}{
		{"the bootstrap's shape passes", good, main, 7200, ""},
		{"a service wildcard", iampolicy.New(iampolicy.Allow("All", []string{"s3:*"}, "*")), main, 7200, "Deployer.NoWildcards"},
		{"role creation without a boundary", iampolicy.New(iampolicy.Allow("Roles", []string{"iam:CreateRole"}, "arn:aws:iam::123456789012:role/p-dev-*")),
			main, 7200, "Deployer.BoundedRoles"},
		{"the whole state backend", iampolicy.New(iampolicy.Allow("State", []string{"s3:GetObject"}, "arn:aws:s3:::state/.pulumi/*")),
			main, 7200, "Deployer.OwnState"},
		{"a twelve-hour session", good, main, 43200, "Deployer.Sessions"},
		{"any branch may assume it", good, trust("repo:acme/platform:*"), 7200, "Deployer.Trust"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := EvaluateDeployer(deployerPlan(t, tt.policy, tt.trust, tt.session))
			var failed []string
			for _, c := range r.Controls {
				for _, ch := range c.Checks {
					if !ch.Pass {
						failed = append(failed, ch.ID)
					}
				}
			}
			if tt.fails == "" {
				assert.Empty(t, failed)
				assert.True(t, r.Passed())
				return
			}
			assert.Equal(t, []string{tt.fails}, failed)
			assert.False(t, r.Passed())
		})
	}
}
