package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reportDir is a project directory with a stack "dev" for Command.Run.
func reportDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: proj\nruntime: go\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config:\n  aws:region: ap-southeast-2\n"), 0o644))
	return dir
}

// TestReportFlags: --verbose and --json reach the report through ReportOptions; the command owns the JSON
// file and the exit status.
func TestReportFlags(t *testing.T) {
	tests := []struct {
		name        string
		give        []string
		pass        bool
		err         error
		wantCode    int
		wantVerbose bool
		wantJSON    bool
		wantStderr  string
	}{
		{name: "default", give: nil, pass: true, wantCode: 0},
		{name: "verbose", give: []string{"--verbose"}, pass: true, wantCode: 0, wantVerbose: true},
		{name: "json", give: []string{"--json", "REPORT"}, pass: true, wantCode: 0, wantJSON: true},
		{name: "a failing report", give: []string{"--json", "REPORT"}, pass: false, wantCode: 1, wantJSON: true},
		{name: "a report that cannot write", give: nil, err: errors.New("disk full"), wantCode: 1, wantStderr: "plan: report check: disk full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := reportDir(t)
			jsonPath := filepath.Join(dir, "report.json")
			var got *ReportOptions
			var stdout, stderr bytes.Buffer
			cmd := Command{Dir: dir, Program: program, Stdout: &stdout, Stderr: &stderr,
				Reports: map[string]Report{"check": func(rec *Recorder, sc StackConfig, opts ReportOptions, w io.Writer) (bool, error) {
					got = &opts
					fmt.Fprintf(w, "%d resources\n", len(rec.Resources()))
					if opts.JSON != nil {
						fmt.Fprint(opts.JSON, `{"resources":3}`)
					}
					return tt.pass, tt.err
				}}}
			args := []string{"--stack", "dev", "--quiet", "--out", filepath.Join(dir, "plan.json"), "--report", "check"}
			for _, a := range tt.give {
				if a == "REPORT" {
					a = jsonPath
				}
				args = append(args, a)
			}
			assert.Equal(t, tt.wantCode, cmd.Run(args), stderr.String())
			require.NotNil(t, got, "the report ran")
			assert.Equal(t, tt.wantVerbose, got.Verbose)
			assert.Equal(t, tt.wantJSON, got.JSON != nil)
			assert.Contains(t, stdout.String(), "3 resources")
			b, err := os.ReadFile(jsonPath)
			if tt.wantJSON {
				require.NoError(t, err)
				assert.Equal(t, `{"resources":3}`, string(b))
			} else {
				assert.True(t, os.IsNotExist(err), "no --json, no file")
			}
			assert.Contains(t, stderr.String(), tt.wantStderr)
		})
	}
}

func TestReportFlagsNeedAReport(t *testing.T) {
	for _, flag := range [][]string{{"--verbose"}, {"--json", "r.json"}} {
		var stderr bytes.Buffer
		cmd := Command{Dir: reportDir(t), Program: program, Stdout: io.Discard, Stderr: &stderr}
		assert.Equal(t, 2, cmd.Run(append([]string{"--stack", "dev", "--quiet"}, flag...)), flag)
		assert.Contains(t, stderr.String(), "plan: --verbose and --json need a report", flag)
	}
}

func TestReportJSONFileThatCannotBeCreated(t *testing.T) {
	dir := reportDir(t)
	var stderr bytes.Buffer
	ran := false
	cmd := Command{Dir: dir, Program: program, Stdout: io.Discard, Stderr: &stderr,
		Reports: map[string]Report{"check": func(*Recorder, StackConfig, ReportOptions, io.Writer) (bool, error) {
			ran = true
			return true, nil
		}}}
	code := cmd.Run([]string{"--stack", "dev", "--quiet", "--out", filepath.Join(dir, "plan.json"), "--report", "check",
		"--json", filepath.Join(dir, "no-such-dir", "r.json")})
	assert.Equal(t, 1, code)
	assert.False(t, ran)
	assert.Contains(t, stderr.String(), "plan: report check: open ")
}
