//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
)

// TestMain lets a test run this binary as the real command (main, with its
// signal handling and os.Exit) in a child process.
func TestMain(m *testing.M) {
	if os.Getenv("HOMOLOG_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"homolog"}, strings.Fields(os.Getenv("HOMOLOG_TEST_ARGS"))...)
		main()
		return
	}
	os.Exit(m.Run())
}

// TestSignalsEndARunLikeCtrlC: closing the terminal (SIGHUP), Ctrl-C
// (SIGINT) and a polite kill (SIGTERM) each end a run with exit 3 and a
// signed bundle marked incomplete, which verifies.
func TestSignalsEndARunLikeCtrlC(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			// Every API answer takes half a second, so the signal lands mid-run.
			require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("simulator:\n  faults:\n    latency: 500ms\n"), 0o644))
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "HOMOLOG_TEST_RUN_MAIN=1", "HOMOLOG_TEST_ARGS=run --out "+dir)
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			done := make(chan error, 1)

			lines := bufio.NewScanner(stdout)
			var last string
			signalled := false
			for lines.Scan() {
				last = lines.Text()
				// The first scenario has finished: the run is under way.
				if !signalled && strings.HasPrefix(strings.TrimSpace(last), "ok ") {
					require.NoError(t, cmd.Process.Signal(sig))
					signalled = true
				}
			}
			go func() { done <- cmd.Wait() }()
			var err2 error
			select {
			case err2 = <-done:
			case <-time.After(60 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("the run did not end after the signal")
			}
			require.True(t, signalled, "the run printed no progress; stderr: %s", stderr.String())
			var exit *exec.ExitError
			require.True(t, errors.As(err2, &exit), "want a non-zero exit, got %v; stderr: %s", err2, stderr.String())
			assert.Equal(t, 3, exit.ExitCode(), "exit code (a signal death reads -1); stderr: %s", stderr.String())

			bundle := filepath.Join(dir, filepath.Base(last))
			v, err := evidence.Verify(bundle, nil)
			require.NoError(t, err)
			assert.True(t, v.OK(), "the bundle verifies: %+v", v.Checks)
			data, err := os.ReadFile(filepath.Join(bundle, evidence.ManifestFile))
			require.NoError(t, err)
			var m struct {
				Complete bool   `json:"complete"`
				Reason   string `json:"incomplete_reason"`
			}
			require.NoError(t, json.Unmarshal(data, &m))
			assert.False(t, m.Complete)
			assert.Contains(t, m.Reason, "interrupted")
			_, err = os.Stat(filepath.Join(bundle, evidence.SignatureFile))
			assert.NoError(t, err, "signed")
		})
	}
}
