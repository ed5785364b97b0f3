package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/pkg/rules"
	"github.com/fargate-platform/fargate-platform/stacks"
)

// facts are what the rules know of a stack beyond its plan, read from its config as `plan` reads it.
func facts(t *testing.T, dir, stack string) rules.Stack {
	t.Helper()
	sc, err := plan.LoadStackConfig(dir, stack)
	require.NoError(t, err)
	cfg, err := stacks.Load(sc.Project, sc.Stack, stacks.Input{Values: sc.Values, SecretKeys: sc.SecretKeys})
	require.NoError(t, err)
	return rules.Stack{Region: cfg.Region, Zone: cfg.Edge.ZoneName, AdvancedCertificates: cfg.Edge.AdvancedCertificateManager}
}

// TestShippedStacksPassEveryRule: nothing in the committed plans is what AWS or Cloudflare would refuse.
// (`plan` itself refuses them too, and the harness plans both.)
func TestShippedStacksPassEveryRule(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for _, v := range rules.Check(p, facts(t, root, stack)) {
			t.Error(v)
		}
	})
}

// TestDevAndProdDeployTogetherIntoOneAccountAndZone: the shipped stacks share one AWS account, Region
// and Cloudflare zone, so neither may claim what the other claims (a detector, a zone setting, a DNS
// name, a physical name).
func TestDevAndProdDeployTogetherIntoOneAccountAndZone(t *testing.T) {
	dev := rules.Claims(plans["dev"], facts(t, root, "dev"))
	prod := rules.Claims(plans["prod"], facts(t, root, "prod"))
	require.NotEmpty(t, dev)
	require.NotEmpty(t, prod)
	for _, v := range rules.Conflicts(dev, prod) {
		t.Error(v)
	}
}

// TestAStackSharingProdsZoneSettingsAndNameConflicts is the failing case of the test above: a dev stack
// that also manages the zone's settings and serves prod's host name claims both.
func TestAStackSharingProdsZoneSettingsAndNameConflicts(t *testing.T) {
	dir := variantDir(t, "dev", map[string]string{"domain": "app.example.com", "manageZoneSettings": "true"})
	variant := rules.Claims(readPlan(t, dir, "variant"), facts(t, dir, "variant"))
	got := map[string]bool{}
	for _, v := range rules.Conflicts(variant, rules.Claims(plans["prod"], facts(t, root, "prod"))) {
		got[v.Rule.ID] = true
		assert.Contains(t, v.Error(), "also claimed by urn:pulumi:prod::fargate-platform::")
	}
	assert.Equal(t, map[string]bool{"claim.cloudflare-zone-settings": true, "claim.cloudflare-dns": true}, got)
}

// TestPlanRefusesWhatTheEdgeCannotCertify: `plan` exits 1 and prints the rule, the URN, the value, the
// limit with its source, and the fix; the key that says the zone has Advanced Certificate Manager lifts
// it.
func TestPlanRefusesWhatTheEdgeCannotCertify(t *testing.T) {
	dir := variantDir(t, "dev", map[string]string{"domain": "dev.app.example.com"})
	res := runPlan(dir, nil, "--stack", "variant", "--out", filepath.Join(t.TempDir(), "p.json"), "--quiet")
	assert.Equal(t, 1, res.code, res.stderr)
	assert.Contains(t, res.stderr, `rule edge.universal-ssl: urn:pulumi:variant::fargate-platform::fargate-platform:edge:Edge$cloudflare:index/record:Record::fargate-platform-variant-app: `+
		`name (proxied) = "dev.app.example.com": 2 levels below the zone example.com; `)
	assert.Contains(t, res.stderr, "(source: https://developers.cloudflare.com/ssl/edge-certificates/universal-ssl/limitations/#hostname-coverage); fix: ")
	assert.Contains(t, res.stderr, "plan: stack variant: 1 plan-time rule violation(s)")

	dir = variantDir(t, "dev", map[string]string{"domain": "dev.app.example.com", "advancedCertificateManager": "true"})
	res = runPlan(dir, nil, "--stack", "variant", "--out", filepath.Join(t.TempDir(), "p.json"), "--quiet")
	assert.Equal(t, 0, res.code, res.stderr)
}

// TestLongestValidNamesPassEveryRule plans, through the real program, the longest names the validated
// config allows: "<project>-<stack>" of 24 characters (stacks.Validate), split three ways, on a prod stack
// with every optional part on. Every physical name starts with that prefix, so these are the longest
// names the program can make; the target group and trust store, auto-named from it plus 8, reach
// exactly 32.
func TestLongestValidNamesPassEveryRule(t *testing.T) {
	for _, tt := range []struct{ project, stack string }{
		{"fargate-platform", "staging"}, // the shipped project and its longest environment name
		{"a", "abcdefghijklmnopqrstuv"}, // the longest stack
		{"abcdefghijklmnopqrstuv", "a"}, // the longest project
		{"fargate-platform", "pr-1234"}, // a hyphen in the stack
	} {
		name := tt.project + "-" + tt.stack
		require.Len(t, name, 24, "not the longest name validation allows")
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			project, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
			require.NoError(t, err)
			project = []byte(strings.Replace(string(project), "name: fargate-platform\n", "name: "+tt.project+"\n", 1))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
			file := stackFile("prod", map[string]string{
				"enableCloudTrail": "true", "enableGuardDuty": "true", "authenticatedOriginPulls": "true",
			})
			file = strings.ReplaceAll(file, "fargate-platform:", tt.project+":")
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+tt.stack+".yaml"), []byte(file), 0o644))

			p := readPlan(t, dir, tt.stack) // exit 0: the rules ran inside plan and passed
			for _, v := range rules.Check(p, facts(t, dir, tt.stack)) {
				t.Error(v)
			}
			// At the limit, not under it: the auto-named target group and trust store are 24 + 8 = 32.
			assert.NotNil(t, p.Find("aws:lb/targetGroup:TargetGroup", name))
			assert.NotNil(t, p.Find("aws:lb/trustStore:TrustStore", name))
		})
	}
}
