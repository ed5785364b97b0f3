package tests

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// loadIAMActions maps each lower-cased IAM action to whether it supports resource-level permissions.
func loadIAMActions(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open("testdata/iam-actions.tsv")
	require.NoError(t, err)
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		require.Len(t, cols, 3, line)
		out[strings.ToLower(cols[0])] = cols[2] != "*"
	}
	require.NoError(t, sc.Err())
	require.Greater(t, len(out), 1000)
	return out
}
