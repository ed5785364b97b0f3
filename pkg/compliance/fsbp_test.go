package compliance

import (
	goflag "flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = goflag.Bool("update", false, "rewrite the Security Hub table in docs/SOC2.md from the Go table")

// checks returns every check of the report by id.
func checks() map[string]Check {
	out := map[string]Check{}
	for _, c := range Controls() {
		for _, ch := range c.Checks {
			out[ch.ID] = ch
		}
	}
	return out
}

// TestEveryControlSaysHowTheReportCoversIt: a checked control names checks that exist and evaluate
// something; any other says why it is not checked.
func TestEveryControlSaysHowTheReportCoversIt(t *testing.T) {
	all := checks()
	seen := map[string]bool{}
	for _, c := range SecurityHub {
		t.Run(c.ID, func(t *testing.T) {
			assert.False(t, seen[c.ID], "listed twice")
			seen[c.ID] = true
			assert.Regexp(t, `^[A-Z][A-Za-z0-9]*\.\d+$`, c.ID)
			assert.NotEmpty(t, c.Title)
			assert.Regexp(t, `^AWS::`, c.Resource)
			assert.Contains(t, []Coverage{Checked, NotAdopted, Runtime, Account, NotApplicable}, c.Coverage)
			if c.Coverage != Checked {
				assert.NotEmpty(t, c.Why, "say why the report does not check it")
				assert.Empty(t, c.Checks)
				return
			}
			require.NotEmpty(t, c.Checks, "a checked control names the checks that decide it")
			for _, id := range c.Checks {
				ch, ok := all[id]
				require.True(t, ok, "no check %s in Controls()", id)
				assert.NotNil(t, ch.Each, id)
				assert.NotEmpty(t, ch.Types, id)
			}
		})
	}
}

// securityHubID is a check id part named after a Security Hub control ("RDS.3", not "RDS.TLS").
var securityHubID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*\.\d+$`)

// TestEveryCheckNamedAfterASecurityHubControlIsInTheTable: the report and the table cannot drift apart: a
// check "EC2.18/EC2.19" must be listed as a check of both controls.
func TestEveryCheckNamedAfterASecurityHubControlIsInTheTable(t *testing.T) {
	for id := range checks() {
		for _, part := range strings.Split(id, "/") {
			if !securityHubID.MatchString(part) {
				continue
			}
			i := slices.IndexFunc(SecurityHub, func(c SecurityHubControl) bool { return c.ID == part })
			if !assert.GreaterOrEqual(t, i, 0, "check %s names %s, which the table lacks", id, part) {
				continue
			}
			assert.Contains(t, SecurityHub[i].Checks, id, "%s does not list the check %s", part, id)
		}
	}
}

// TestNotApplicableControlsConcernTypesTheProgramDoesNotCreate: a control is not applicable only while the
// program creates nothing it evaluates; the whole-stack test (tests/soc2_test.go) holds the plans to it.
func TestNotApplicableControlsConcernTypesTheProgramDoesNotCreate(t *testing.T) {
	created := map[string]bool{}
	for _, p := range PlanTypes {
		assert.False(t, created[p.Token], "%s listed twice", p.Token)
		created[p.Token] = true
	}
	for _, c := range SecurityHub {
		if c.Coverage == NotApplicable {
			for _, typ := range c.Types {
				assert.False(t, created[typ], "%s is not applicable, yet the program creates %s", c.ID, typ)
			}
			continue
		}
		// Any other concerns something the program creates (a check may also read types it does not, such as
		// customer-managed policies beside the inline ones).
		if len(c.Types) > 0 {
			assert.True(t, slices.ContainsFunc(c.Types, func(typ string) bool { return created[typ] }),
				"%s concerns %v, none of which PlanTypes lists", c.ID, c.Types)
		}
	}
}

// TestPlanTypesPartsPointAtWholes: a type evaluated as part of another names a listed type that Security
// Hub sees itself.
func TestPlanTypesPartsPointAtWholes(t *testing.T) {
	byToken := map[string]PlanType{}
	for _, p := range PlanTypes {
		byToken[p.Token] = p
	}
	for _, p := range PlanTypes {
		if p.Of == "" {
			assert.Regexp(t, `^AWS::`, p.AWS, p.Token)
			continue
		}
		assert.Empty(t, p.AWS, p.Token)
		whole, ok := byToken[p.Of]
		require.True(t, ok, "%s is part of %s, which is not listed", p.Token, p.Of)
		assert.Empty(t, whole.Of, "%s: a part of a part", p.Token)
	}
}

func TestSourceLinksToTheControlsDefinition(t *testing.T) {
	tests := []struct{ give, want string }{
		{"S3.13", "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-13"},
		{"ElastiCache.7", "https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html#elasticache-7"},
		{"GuardDuty.10", "https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-10"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, SecurityHubControl{ID: tt.give}.Source())
	}
}

const (
	docsPath   = "../../docs/SOC2.md"
	tableBegin = "<!-- security-hub-table: generated from pkg/compliance/fsbp.go; go test ./pkg/compliance -update -->\n"
	tableEnd   = "<!-- end of security-hub-table -->\n"
)

// TestDocsShowTheTable: docs/SOC2.md shows SecurityHubMarkdown() verbatim, so the document cannot drift
// from the data (go test ./pkg/compliance -update rewrites it).
func TestDocsShowTheTable(t *testing.T) {
	b, err := os.ReadFile(docsPath)
	require.NoError(t, err)
	doc := string(b)
	begin, end := strings.Index(doc, tableBegin), strings.Index(doc, tableEnd)
	require.True(t, begin >= 0 && end > begin, "docs/SOC2.md lacks the table markers")
	want := SecurityHubMarkdown()
	if *update {
		doc = doc[:begin+len(tableBegin)] + want + doc[end:]
		require.NoError(t, os.WriteFile(docsPath, []byte(doc), 0o644))
		return
	}
	assert.Equal(t, want, doc[begin+len(tableBegin):end], "docs/SOC2.md is stale: go test ./pkg/compliance -update")
}

func TestMarkdownSaysHowEachControlIsCovered(t *testing.T) {
	md := SecurityHubMarkdown()
	assert.Contains(t, md, "| [S3.13](https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-13) | yes | "+
		"S3 general purpose buckets should have Lifecycle configurations | `AWS::S3::Bucket` | checked: `S3.13` |\n")
	assert.Contains(t, md, "checked: `EC2.55/EC2.56/EC2.57` (prod only)")
	assert.Contains(t, md, "| **not adopted**: no task calls the EC2 API")
	assert.Equal(t, len(SecurityHub)+2, strings.Count(md, "\n|"), "a row per control under the header")
}
