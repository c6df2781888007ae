package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSmallCLIEdges: a fractional count is an error naming the key (never
// truncated), verify of a folder that is no bundle is a usage error, and a
// Gherkin parse error is one line, file:line: message.
func TestSmallCLIEdges(t *testing.T) {
	broken := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(broken, "01-broken.feature"),
		[]byte("Feature: Not Gherkin\n  Scenario: x\n    Given the application is authenticated\n  this line is not a step\n    | unbalanced\n"), 0o644))
	empty := t.TempDir()
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		args []string
		want []string
	}{
		{name: "fractional concurrency in the plan", yaml: "concurrency: 1.5\n", args: []string{"run"}, want: []string{"scenarios.yaml", "concurrency", "line 1", "1.5", "whole number"}},
		{name: "fractional retries in the plan", yaml: "retries: 2.5\n", args: []string{"run"}, want: []string{"retries", "2.5", "whole number"}},
		{name: "fractional concurrency in the environment", env: map[string]string{"HOMOLOG_CONCURRENCY": "1.5"}, args: []string{"run"}, want: []string{"HOMOLOG_CONCURRENCY", "1.5", "whole number"}},
		{name: "fractional concurrency flag", args: []string{"run", "--concurrency", "1.5"}, want: []string{"--concurrency", "1.5"}},
		{name: "verify an empty folder", args: []string{"verify", empty}, want: []string{empty, "not a bundle"}},
		{name: "Gherkin parse error", yaml: "features:\n  dir: " + broken + "\n", args: []string{"run"},
			want: []string{filepath.Join(broken, "01-broken.feature") + ":4: ", "this line is not a step"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.yaml != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte(tt.yaml), 0o644))
			}
			code, out, errOut := cli(t, dir, tt.env, tt.args...)
			assert.Equal(t, 2, code, "stdout: %s\nstderr: %s", out, errOut)
			for _, w := range tt.want {
				assert.Contains(t, errOut, w)
			}
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "one clear line: %q", errOut)
			_, err := os.Stat(filepath.Join(dir, "reports"))
			assert.True(t, os.IsNotExist(err), "no bundle for a usage error")
		})
	}
}
