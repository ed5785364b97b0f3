package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/cost"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// Every resource type the program creates has a price or an explicit Free entry: a new type without one
// would be left out of every estimate.
func TestEveryTypeTheProgramCreatesIsPricedOrFree(t *testing.T) {
	priced := map[string]bool{}
	for _, typ := range cost.PricedTypes() {
		priced[typ] = true
	}
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for typ := range p.Counts() {
			r := p.ByType(typ)[0]
			if !r.Custom {
				continue // a component: its children are priced
			}
			_, free := cost.Free[typ]
			assert.True(t, priced[typ] || free, "%s: no price row or Free entry for %s (pkg/cost/prices.go)", stack, typ)
		}
	})
}

// The shipped plans price completely in every Region the table has: no dimension is missing a row.
func TestTheShippedPlansPriceInEveryRegion(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for _, region := range cost.Regions() {
			r := cost.Estimate(p, region, cost.DefaultAssumptions())
			assert.Empty(t, r.Unpriced, "%s in %s", stack, region)
			assert.Positive(t, r.Total, "%s in %s", stack, region)
		}
	})
}

// `plan --report cost` runs for every stack, prints the total against the guide's design and writes the
// JSON the pull request's cost comment is computed from.
func TestCostReportRunsForEveryStack(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, _ *plan.Recorder) {
		out := filepath.Join(t.TempDir(), "cost.json")
		res := runPlan(root, nil, "--stack", stack, "--quiet", "--out", filepath.Join(t.TempDir(), "plan.json"),
			"--report", "cost", "--json", out)
		require.Equal(t, 0, res.code, res.stderr)
		assert.Contains(t, res.stdout, "TOTAL")
		assert.Contains(t, res.stdout, "of the guide's design")
		assert.Contains(t, res.stdout, "Unpriced: none")
		f, err := os.Open(out)
		require.NoError(t, err)
		defer f.Close()
		r, err := cost.ReadJSON(f)
		require.NoError(t, err)
		assert.Equal(t, stack, r.Stack)
		require.NotNil(t, r.Guide)
		assert.InDelta(t, r.Total/r.Guide.Total, r.Guide.Ratio, 1e-9)
	})
}
