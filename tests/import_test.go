package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every imported corpus stack (pkg/compose's golden Pulumi.test.yaml) plans under the mocks, passes the
// plan-time rules and every SOC 2 control of `--report compliance`, as a user runs it.
func TestImportedCorpusPlansCompliant(t *testing.T) {
	stacksFiles, err := filepath.Glob(filepath.Join(root, "tests/testdata/compose/*/Pulumi.test.yaml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(stacksFiles), 8)
	proj, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	require.NoError(t, err)
	for _, f := range stacksFiles {
		app := filepath.Base(filepath.Dir(f))
		t.Run(app, func(t *testing.T) {
			dir := t.TempDir()
			stack, err := os.ReadFile(f)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), proj, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.test.yaml"), stack, 0o644))
			res := runPlan(dir, nil, "--stack", "test", "--out", filepath.Join(dir, "plan.json"), "--quiet", "--report", "compliance")
			require.Equal(t, 0, res.code, "plan of the imported %s stack:\n%s\n%s", app, res.stdout, res.stderr)
		})
	}
}
