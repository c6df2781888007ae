package evidence

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecorderRecordsDrift: the drift check sees the body as received
// (before redaction, which could change a value's type), and what it says
// is recorded, redacted, on the exchange in the journal.
func TestRecorderRecordsDrift(t *testing.T) {
	const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"balance":"12","access_token":"`+token+`"}`)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	var seen []byte
	check := func(method string, u *url.URL, status int, body []byte) []Drift {
		seen = body
		return []Drift{{Endpoint: method + " " + u.Path, Problem: "balance: string, documented integer; token " + token}}
	}
	rec, err := NewRecorder(RecorderOptions{Dir: dir, Redactor: NewRedactor([]byte("k"), RedactOptions{}), Drift: check})
	require.NoError(t, err)
	require.NoError(t, rec.Start(&Report{RunID: "r"}))
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/api/v1/accounts/a/balance", nil)
	require.NoError(t, err)
	resp, err := rec.Transport(nil).RoundTrip(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	_, err = rec.Finish(Outcome{Status: "passed", Complete: true})
	require.NoError(t, err)

	assert.Contains(t, string(seen), token, "the check reads the body as received")
	journal, err := os.ReadFile(filepath.Join(dir, JournalFile))
	require.NoError(t, err)
	assert.NotContains(t, string(journal), "c2lnbmF0dXJlLXNpZ25hdHVyZQ", "a finding is redacted like everything else")
	var found []Drift
	for _, line := range strings.Split(strings.TrimSpace(string(journal)), "\n") {
		var e Entry
		require.NoError(t, json.Unmarshal([]byte(line), &e))
		if e.Kind == EventHTTP {
			var x Exchange
			require.NoError(t, json.Unmarshal(e.Data, &x))
			found = append(found, x.Drift...)
		}
	}
	require.Len(t, found, 1)
	assert.Equal(t, "GET /api/v1/accounts/a/balance", found[0].Endpoint)
	assert.True(t, strings.HasPrefix(found[0].Problem, "balance: string, documented integer; token eyJ"), found[0].Problem)
	assert.Equal(t, 1, rec.Report().Summary.Drift)
}

// TestDriftFindingsGroup: the same departure on many responses is one
// finding with its count and its first exchange, in journal order.
func TestDriftFindingsGroup(t *testing.T) {
	missing := Drift{Endpoint: "GET /api/v1/accounts/{id}/balance", Problem: "blocked_balance missing"}
	enum := Drift{Endpoint: "GET /api/v1/internal_transfers/{id}", Problem: `status: unknown value "X"`}
	x := func(seq int64, ds ...Drift) *Exchange { return &Exchange{Seq: seq, Drift: ds} }
	r := &Report{
		Setup: []*Exchange{x(1, enum)},
		Features: []*Feature{{Name: "F", Scenarios: []*Scenario{{Name: "S", Steps: []*Step{
			{Keyword: "When ", Text: "it reads", Exchanges: []*Exchange{x(3, missing), x(2), x(5, missing, enum)}},
		}}}}},
	}
	r.Summarize()
	got := r.DriftFindings()
	require.Len(t, got, 2)
	assert.Equal(t, enum, got[0].Drift)
	assert.Equal(t, 2, got[0].Responses)
	assert.Equal(t, "setup", got[0].Where)
	assert.Equal(t, missing, got[1].Drift)
	assert.Equal(t, 2, got[1].Responses)
	assert.Equal(t, int64(3), got[1].First.Seq)
	assert.Equal(t, "F › S › When it reads", got[1].Where)
	assert.Equal(t, 3, r.Summary.Drift, "three responses departed")
	assert.Equal(t, "drift: GET /api/v1/accounts/{id}/balance: blocked_balance missing", got[1].String())
}
