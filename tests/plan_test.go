package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// The components every stack composes, by type token.
var components = []string{
	"fargate-platform:secrets:Secrets", "fargate-platform:network:Network", "fargate-platform:registry:Registry",
	"fargate-platform:data:Data", "fargate-platform:edge:Edge", "fargate-platform:service:Service",
	"fargate-platform:observability:Observability",
}

// The components a stack composes only when its services call for them: volumes when a service mounts an
// EFS volume (the example stack).
var optionalComponents = []string{"fargate-platform:volumes:Volumes"}

func TestPlanHoldsEveryComponentWithItsChildren(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for _, typ := range components {
			cs := p.ByType(typ)
			require.Len(t, cs, 1, typ)
			assert.Equal(t, "fargate-platform-"+stack, cs[0].Name)
			assert.NotEmpty(t, p.Children(cs[0].URN), "%s has no children", typ)
		}
		for _, typ := range optionalComponents {
			cs := p.ByType(typ)
			if len(cs) == 0 {
				continue
			}
			require.Len(t, cs, 1, typ)
			assert.Equal(t, "fargate-platform-"+stack, cs[0].Name)
			assert.NotEmpty(t, p.Children(cs[0].URN), "%s has no children", typ)
		}
		// The volumes component is there exactly when the plan has a file system.
		assert.Equal(t, len(p.ByType("aws:efs/fileSystem:FileSystem")) > 0, len(p.ByType("fargate-platform:volumes:Volumes")) == 1)
		// Nothing floats at the top level but the components and the AWS provider they all use.
		all := append(append([]string{}, components...), optionalComponents...)
		for _, r := range p.Resources() {
			if r.Parent == "" && r.Type != "pulumi:providers:aws" {
				assert.Contains(t, all, r.Type, "%s is not parented to a component", r.URN)
			}
		}
	})
}

func TestPlanJSONHasTheShapeOfStackExport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dev.json")
	res := runPlan(root, nil, "--stack", "dev", "--out", out)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stdout, "fargate-platform:network:Network  fargate-platform-dev")
	assert.Contains(t, res.stdout, "resources by type:")

	b, err := os.ReadFile(out)
	require.NoError(t, err)
	var doc struct {
		Version    int `json:"version"`
		Deployment struct {
			Manifest  map[string]any   `json:"manifest"`
			Resources []map[string]any `json:"resources"`
		} `json:"deployment"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.Equal(t, 3, doc.Version)
	require.NotEmpty(t, doc.Deployment.Resources)
	first := doc.Deployment.Resources[0]
	assert.Equal(t, "pulumi:pulumi:Stack", first["type"])
	assert.Equal(t, "urn:pulumi:dev::fargate-platform::pulumi:pulumi:Stack::fargate-platform-dev", first["urn"])
	for _, r := range doc.Deployment.Resources[1:] {
		assert.True(t, strings.HasPrefix(r["urn"].(string), "urn:pulumi:dev::fargate-platform::"), r["urn"])
		assert.NotEmpty(t, r["type"])
		assert.NotEmpty(t, r["parent"], r["urn"])
		if r["custom"] == true {
			assert.NotEmpty(t, r["id"], r["urn"])
			assert.NotNil(t, r["outputs"], r["urn"])
		}
	}
	// Secrets from config appear only blinded.
	assert.Contains(t, string(b), `"[secret]"`)
}

func TestPlanOutputsLookLikeAWS(t *testing.T) {
	p := plans["prod"]
	for _, r := range p.Resources() {
		arn, _ := r.Outputs["arn"].(string)
		if arn == "" {
			continue
		}
		assert.Regexp(t, `^arn:aws:[a-z0-9-]+:(ap-southeast-2)?:(123456789012)?:.+`, arn, r.URN)
	}
	vpcs := need(t, p, "aws:ec2/vpc:Vpc")
	assert.Regexp(t, `^vpc-[0-9a-f]{17}$`, vpcs[0].ID)
}

func TestPlanFailsOnAnUnknownStack(t *testing.T) {
	res := runPlan(root, nil, "--stack", "nope")
	assert.Equal(t, 2, res.code)
	assert.Contains(t, res.stderr, "no stack file")
}

// BenchmarkPlanDev measures a warm `plan --stack dev`: the whole program under the mocks, tree and JSON.
func BenchmarkPlanDev(b *testing.B) {
	out := filepath.Join(b.TempDir(), "dev.json")
	for i := 0; i < b.N; i++ {
		if res := runPlan(root, nil, "--stack", "dev", "--out", out, "--quiet"); res.code != 0 {
			b.Fatal(res.stderr)
		}
	}
}
