package main

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/features"
)

// verdictEverywhere asserts that the verdict with its scope is where a
// reader looks: the run's last lines, summary.md's first line, the
// report's header, the JUnit properties, verify and diff.
func verdictEverywhere(t *testing.T, runOut, bundle, want string) {
	t.Helper()
	assert.Contains(t, runOut, "Homologation "+want+"\n", "homolog run's last lines")
	summary, err := os.ReadFile(filepath.Join(bundle, "summary.md"))
	require.NoError(t, err)
	assert.Equal(t, "# Homologation "+want, strings.ReplaceAll(strings.SplitN(string(summary), "\n", 2)[0], `\_`, "_"), "summary.md's first line")
	html, err := os.ReadFile(filepath.Join(bundle, "report.html"))
	require.NoError(t, err)
	_, scope, _ := strings.Cut(want, " — ")
	assert.Contains(t, strings.ReplaceAll(string(html), "&#39;", "'"), `<span class="scope">— `+scope+`</span>`, "report.html's header")
	junit, err := os.ReadFile(filepath.Join(bundle, "junit.xml"))
	require.NoError(t, err)
	assert.Contains(t, strings.ReplaceAll(string(junit), "&#39;", "'"), `<property name="homolog.verdict" value="`+want+`">`, "junit.xml's properties")

	code, out, errOut := cli(t, "", nil, "verify", bundle)
	require.Equal(t, 0, code, "verify:\n%s\n%s", out, errOut)
	assert.Contains(t, out, "verdict   Homologation "+want+"\n", "homolog verify")
	code, out, _ = cli(t, "", nil, "diff", bundle, bundle)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Homologation "+want+"\n", "homolog diff")
}

func runIn(t *testing.T, dir string, args ...string) (string, string) {
	t.Helper()
	code, out, errOut := cli(t, dir, nil, append([]string{"run"}, args...)...)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return out, filepath.Join(dir, lines[len(lines)-1])
}

func TestVerdictNamesAPartialRun(t *testing.T) {
	dir := t.TempDir()
	out, bundle := runIn(t, dir, "--tags", "@stage-1")
	verdictEverywhere(t, out, bundle, "PASSED — partial: 2 of 56 scenarios (tags @stage-1)")

	// The whole script earns a bare PASSED.
	out, bundle = runIn(t, dir)
	assert.Contains(t, out, "Homologation PASSED\n")
	summary, err := os.ReadFile(filepath.Join(bundle, "summary.md"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(summary), "# Homologation PASSED\n"), string(summary[:60]))
}

// TestVerdictNamesACustomScript: an edited script, or one with a feature
// file deleted, is custom — and verify tells from the manifest alone.
func TestVerdictNamesACustomScript(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "script")
	require.NoError(t, os.MkdirAll(script, 0o755))
	names, err := fs.Glob(features.FS, "*.feature")
	require.NoError(t, err)
	for _, n := range names {
		data, err := fs.ReadFile(features.FS, n)
		require.NoError(t, err)
		switch n {
		case "02-read-account.feature":
			data = append(data, []byte("\n# edited by the partner\n")...)
		case "09-webhooks.feature":
			continue // deleted
		}
		require.NoError(t, os.WriteFile(filepath.Join(script, n), data, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("features:\n  dir: script\n"), 0o644))
	out, bundle := runIn(t, dir)
	verdictEverywhere(t, out, bundle, "PASSED — custom script: 2 feature files differ from homolog's built-in script")
}

// TestVerdictNamesHostsThatAreNotStones: a sandbox plan whose endpoints
// point at a local host (here homolog simulate) is signed with the
// partner's key and intact, and its verdict says where it ran.
func TestVerdictNamesHostsThatAreNotStones(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := cli(t, dir, nil, "keys", "generate", "--out", "keys")
	require.Equal(t, 0, code, errOut)
	clientID := uuid.NewString()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines := &lineBuffer{lines: make(chan string, 8)}
	done := make(chan int, 1)
	go func() {
		done <- execute(ctx, []string{"simulate", "--addr", "127.0.0.1:0", "--client", clientID + "=" + filepath.Join(dir, "keys", "public.pem")},
			streams{keys: sharedKeys, in: strings.NewReader(""), out: lines, err: io.Discard, lookup: func(string) (string, bool) { return "", false }})
	}()
	var base string
	select {
	case base = <-lines.lines:
	case code := <-done:
		t.Fatalf("simulate exited with %d", code)
	}
	plan := "target: sandbox\nclient: {id: " + clientID + ", private_key_file: keys/private.pem}\n" +
		"endpoints: {auth_url: \"" + base + "\", api_url: \"" + base + "\", site_url: \"" + base + "\"}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte(plan), 0o644))
	out, bundle := runIn(t, dir, "--tags", "@stage-1")
	verdictEverywhere(t, out, bundle, "PASSED — partial: 2 of 50 scenarios (tags @stage-1); not Stone's hosts: sandbox target at "+base)
	code, vout, _ := cli(t, dir, nil, "verify", bundle, "--public-key", filepath.Join(dir, "keys", "public.pem"))
	assert.Equal(t, 0, code, vout)
	cancel()
	<-done
}
