package plan

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRulesRunOverEveryPlanAndFailIt: the command hands the recorded plan to Rules, prints each
// violation on its own line and exits 1; no violation, exit 0.
func TestRulesRunOverEveryPlanAndFailIt(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: proj\nruntime: go\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config:\n  aws:region: ap-southeast-2\n"), 0o644))
	program := func(ctx *pulumi.Context) error {
		_, err := s3.NewBucketV2(ctx, "logs", &s3.BucketV2Args{Bucket: pulumi.String("Not_A_Bucket")})
		return err
	}
	tests := []struct {
		name       string
		violations []error
		want       int
	}{
		{"a violation", []error{errors.New("rule name.s3-bucket: urn: bucket = \"Not_A_Bucket\": ...")}, 1},
		{"none", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen []string
			var stderr bytes.Buffer
			c := Command{Dir: dir, Program: program, Stdout: &bytes.Buffer{}, Stderr: &stderr,
				Rules: func(rec *Recorder, sc StackConfig) []error {
					for _, r := range rec.Resources() {
						seen = append(seen, r.Name)
					}
					assert.Equal(t, "dev", sc.Stack)
					return tt.violations
				}}
			assert.Equal(t, tt.want, c.Run([]string{"--stack", "dev", "--quiet", "--out", filepath.Join(t.TempDir(), "p.json")}), stderr.String())
			assert.Equal(t, []string{"logs"}, seen)
			for _, v := range tt.violations {
				assert.Contains(t, stderr.String(), v.Error()+"\n")
			}
			if tt.want == 1 {
				assert.Contains(t, stderr.String(), "plan: stack dev: 1 plan-time rule violation(s)")
			}
		})
	}
}
