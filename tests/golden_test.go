package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// goldenPlan is what a plan holds that a change to the code must not move unnoticed: every resource by
// URN, with its inputs and dependencies. Outputs come from the mock and say nothing about the program.
type goldenPlan map[string]goldenResource

type goldenResource struct {
	Inputs       map[string]any `json:"inputs,omitempty"`
	Dependencies []string       `json:"dependencies,omitempty"`
	Protect      bool           `json:"protect,omitempty"`
}

func golden(p *plan.Recorder) goldenPlan {
	out := goldenPlan{}
	for _, r := range p.Resources() {
		deps := append([]string{}, r.Dependencies...)
		sort.Strings(deps)
		out[r.URN] = goldenResource{Inputs: r.Inputs, Dependencies: deps, Protect: r.Protect}
	}
	return out
}

// TestTheShippedStacksPlanTheirGoldenResources holds the shipped dev and prod plans to
// tests/testdata/golden/<stack>.json: the same resources, the same inputs, the same dependencies. A change
// that moves them must say so by regenerating the files (UPDATE_GOLDEN=1 go test ./tests -run Golden) in
// the same commit, where the diff shows what moved. The services model was built against these files as
// recorded before it: a stack without a `services` key plans what it planned before.
func TestTheShippedStacksPlanTheirGoldenResources(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		path := filepath.Join(root, "tests", "testdata", "golden", stack+".json")
		// Round-trip through JSON so numbers compare as the file holds them.
		b, err := json.Marshal(golden(p))
		require.NoError(t, err)
		var got goldenPlan
		require.NoError(t, json.Unmarshal(b, &got))
		if os.Getenv("UPDATE_GOLDEN") != "" {
			pretty, err := json.MarshalIndent(got, "", " ")
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, append(pretty, '\n'), 0o644))
		}
		raw, err := os.ReadFile(path)
		require.NoError(t, err, "regenerate with UPDATE_GOLDEN=1 go test ./tests -run Golden")
		var want goldenPlan
		require.NoError(t, json.Unmarshal(raw, &want))
		var missing, extra []string
		for urn := range want {
			if _, ok := got[urn]; !ok {
				missing = append(missing, urn)
			}
		}
		for urn := range got {
			if _, ok := want[urn]; !ok {
				extra = append(extra, urn)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		assert.Empty(t, missing, "resources the golden plan has and this plan lacks")
		assert.Empty(t, extra, "resources this plan has and the golden plan lacks")
		for urn, w := range want {
			if g, ok := got[urn]; ok {
				assert.Equal(t, w, g, urn)
			}
		}
	})
}

// TestTheDefaultShapeWrittenOutPlansTheSameResources: dev with its three services written out under
// `services` plans the same resources, with the same inputs, except what docs/service.md names: the
// containers take their service's name (rails → web, sidekiq → worker) and the execution role lists the
// log groups in the services' order (release tasks first).
func TestTheDefaultShapeWrittenOutPlansTheSameResources(t *testing.T) {
	dir := projectDir(t)
	dev, err := os.ReadFile(filepath.Join(root, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	written := string(dev) + `  fargate-platform:services:
    web: {role: web}
    worker: {role: worker, command: [bundle, exec, sidekiq]}
    migrate: {role: release, command: [bin/rails, db:migrate]}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte(written), 0o644))
	got, want := golden(readPlan(t, dir, "dev")), golden(plans["dev"])
	require.Equal(t, len(want), len(got))
	changed := map[string]bool{
		"fargate-platform-dev-web": true, "fargate-platform-dev-worker": true, "fargate-platform-dev-execution": true,
	}
	for urn, w := range want {
		g, ok := got[urn]
		require.True(t, ok, "%s is planned", urn)
		name := urn[strings.LastIndex(urn, "::")+2:]
		typ := urn[strings.LastIndex(urn[:strings.LastIndex(urn, "::")], "$")+1 : strings.LastIndex(urn, "::")]
		if changed[name] && (typ == "aws:ecs/taskDefinition:TaskDefinition" || typ == "aws:iam/rolePolicy:RolePolicy") {
			assert.NotEqual(t, w.Inputs, g.Inputs, "%s: the named difference is there", urn)
			continue
		}
		assert.Equal(t, w, g, urn)
	}
}
