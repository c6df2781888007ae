package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type recheckJSON struct {
	Intact    bool `json:"intact"`
	Scenarios []struct {
		Feature     string   `json:"feature"`
		Scenario    string   `json:"scenario"`
		Recorded    string   `json:"recorded"`
		Recomputed  string   `json:"recomputed"`
		Checks      int      `json:"checks"`
		Differences []string `json:"differences"`
	} `json:"scenarios"`
}

func recheckOf(t *testing.T, bundle string) (int, recheckJSON, string) {
	t.Helper()
	code, out, errOut := cli(t, "", nil, "recheck", bundle, "--json")
	var rc recheckJSON
	require.NoError(t, json.Unmarshal([]byte(out), &rc), "recheck --json printed %q (stderr %q)", out, errOut)
	return code, rc, out
}

// TestRecheckRecomputesEveryVerdict: an auditor recomputes the verdicts of
// a bundle from its journal and bodies alone, with the same checks.
func TestRecheckRecomputesEveryVerdict(t *testing.T) {
	dir := t.TempDir()
	_, bundle := runIn(t, dir)

	code, out, _ := cli(t, "", nil, "recheck", bundle)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "56 of 56 scenarios recompute as recorded; the bundle is intact")
	assert.Contains(t, out, "same  recorded passed    recomputed passed    Read the account › Read the statement page by page (4 checks)")

	code, rc, raw := recheckOf(t, bundle)
	require.Equal(t, 0, code, raw)
	assert.True(t, rc.Intact)
	require.Len(t, rc.Scenarios, 56)
	for _, sc := range rc.Scenarios {
		assert.Equal(t, "passed", sc.Recorded, sc.Scenario)
		assert.Equal(t, "passed", sc.Recomputed, sc.Scenario)
		assert.NotZero(t, sc.Checks, "%s has no check: its verdict would be nobody's", sc.Scenario)
		assert.NotNil(t, sc.Differences)
	}

	// One balance_after + 1 on a recorded statement page: that scenario
	// recomputes as failed while its recorded verdict says passed.
	alterStatementPage(t, bundle)
	code, rc, raw = recheckOf(t, bundle)
	assert.Equal(t, 1, code, raw)
	assert.False(t, rc.Intact)
	var found bool
	for _, sc := range rc.Scenarios {
		if sc.Scenario == "Read the statement page by page" {
			found = true
			assert.Equal(t, "passed", sc.Recorded)
			assert.Equal(t, "failed", sc.Recomputed)
			assert.Contains(t, strings.Join(sc.Differences, "\n"), "check statement_entries_balanced: recorded holds, recomputed fails")
		} else {
			assert.Equal(t, sc.Recorded, sc.Recomputed, sc.Scenario)
		}
	}
	assert.True(t, found)
	code, out, _ = cli(t, "", nil, "recheck", bundle)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "DIFF  recorded passed    recomputed failed    Read the account › Read the statement page by page")
	assert.Contains(t, out, "the bundle is NOT intact")
}

// TestRecheckAFailedRun: a failure recorded by a check recomputes as the
// same failure.
func TestRecheckAFailedRun(t *testing.T) {
	dir := t.TempDir()
	bundle := runBundle(t, dir, "tags: \"@stage-2\"\nfixtures:\n  own_account_id: 00000000-0000-4000-8000-00000000abcd\n", 1)
	code, rc, raw := recheckOf(t, bundle)
	require.Equal(t, 0, code, raw)
	failed := 0
	for _, sc := range rc.Scenarios {
		assert.Equal(t, sc.Recorded, sc.Recomputed, sc.Scenario)
		if sc.Recorded == "failed" {
			failed++
		}
	}
	assert.NotZero(t, failed, "the plan names an own account that is not listed: some scenario must fail")
}

func TestRecheckUsage(t *testing.T) {
	code, _, errOut := cli(t, "", nil, "recheck", filepath.Join(t.TempDir(), "nope"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "not a bundle folder")
	code, _, _ = cli(t, "", nil, "recheck")
	assert.Equal(t, 2, code)
}

// alterStatementPage adds 1 to the first entry's balance_after on the
// first statement page read 10 at a time, wherever the page is stored
// (inline in the journal, or under bodies/).
func alterStatementPage(t *testing.T, bundle string) {
	t.Helper()
	path := filepath.Join(bundle, "journal.ndjson")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	bump := func(body []byte) []byte {
		var page map[string]any
		require.NoError(t, json.Unmarshal(body, &page))
		e := page["data"].([]any)[0].(map[string]any)
		e["balance_after"] = e["balance_after"].(float64) + 1
		out, err := json.Marshal(page)
		require.NoError(t, err)
		return out
	}
	for i, line := range lines {
		var e map[string]any
		require.NoError(t, json.Unmarshal(line, &e))
		if e["kind"] != "http" {
			continue
		}
		ex := e["data"].(map[string]any)
		if !strings.Contains(ex["url"].(string), "/statement?limit=10") {
			continue
		}
		resp := ex["response"].(map[string]any)
		if ref, ok := resp["body_ref"].(string); ok && ref != "" {
			p := filepath.Join(bundle, ref)
			body, err := os.ReadFile(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, bump(body), 0o644))
			return
		}
		resp["body"] = string(bump([]byte(resp["body"].(string))))
		out, err := json.Marshal(e)
		require.NoError(t, err)
		lines[i] = out
		require.NoError(t, os.WriteFile(path, append(bytes.Join(lines, []byte("\n")), '\n'), 0o644))
		return
	}
	t.Fatal("no statement page read 10 at a time in the journal")
}
