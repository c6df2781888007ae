package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/check"
)

// The streamed report.json is what json.Encoder makes of the whole report
// in memory, byte for byte.
func TestJSONRendererStreamsWhatEncoderWrites(t *testing.T) {
	for name, r := range map[string]*Report{
		"rich":    richReport(),
		"empty":   {RunID: "x"},
		"bare":    {RunID: "x", Features: []*Feature{{URI: "a.feature", Name: "A", Scenarios: []*Scenario{}}}},
		"setup":   {RunID: "x", Setup: []*Exchange{{Seq: 1, Method: "GET"}}},
		"webhook": {RunID: "x", Webhooks: []*Webhook{{Seq: 1, EventID: "e"}}},
	} {
		t.Run(name, func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			whole := *r
			if whole.Features == nil {
				whole.Features = []*Feature{} // the stream writes [] where there is none
			}
			require.NoError(t, enc.Encode(&whole))
			got := render(t, JSONRenderer{}, r)
			assert.Equal(t, want.String(), got)
		})
	}
}

// TestReportRebuiltFromTheJournal: a run recorded with two scenarios
// interleaved (as concurrent scenarios are in the journal) comes back in
// plan order, each exchange, check and person event under its step, what
// no step made among the setup exchanges, webhooks in arrival order.
func TestReportRebuiltFromTheJournal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-request-id", "req"+r.URL.Path)
		_, _ = io.WriteString(w, `{"path":"`+r.URL.Path+`"}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	rec, err := NewRecorder(RecorderOptions{Dir: dir, Redactor: NewRedactor([]byte("k"), RedactOptions{})})
	require.NoError(t, err)
	plan := []*Feature{
		{URI: "a.feature", Name: "A", Scenarios: []*Scenario{
			{ID: "1", Name: "first", Steps: []*Step{{ID: "11", Keyword: "Given ", Text: "one"}, {ID: "12", Keyword: "Then ", Text: "two"}}},
			{ID: "2", Name: "second", Steps: []*Step{{ID: "21", Keyword: "Given ", Text: "three"}}},
		}},
		{URI: "b.feature", Name: "B", Scenarios: []*Scenario{
			{ID: "3", Name: "never run", Steps: []*Step{{ID: "31", Keyword: "Given ", Text: "four"}}},
		}},
	}
	require.NoError(t, rec.Start(&Report{RunID: "r", Features: plan}))

	client := &http.Client{Transport: rec.Transport(nil)}
	get := func(scope Scope, path string) {
		ctx := WithScope(context.Background(), scope)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	get(Scope{}, "/setup")
	require.NoError(t, rec.ScenarioStarted("2"))
	require.NoError(t, rec.ScenarioStarted("1"))
	require.NoError(t, rec.StepStarted("2", "21"))
	require.NoError(t, rec.StepStarted("1", "11"))
	get(Scope{Scenario: "2", Step: "21"}, "/s2")
	get(Scope{Scenario: "1", Step: "11"}, "/s1a")
	_, err = rec.WebhookReceived(&Webhook{EventID: "ev", EventType: "t", Outcome: "accepted", Status: 200}, http.Header{}, []byte(`{"id":"ev"}`))
	require.NoError(t, err)
	get(Scope{Scenario: "1", Step: "11"}, "/s1b")
	get(Scope{Scenario: "1", Step: "99"}, "/orphan") // a step the plan does not hold
	require.NoError(t, rec.Check("1", "11", check.Result{Name: "succeeded", OK: true, Inputs: map[string][]int64{"call": {4}}}))
	_, err = rec.Person(context.Background(), "2", "21", check.Person{Actor: "simulator", Action: check.PersonAnswer, Answer: "yes"})
	require.NoError(t, err)
	require.NoError(t, rec.StepFinished("1", "11", StatusPassed, ""))
	require.NoError(t, rec.StepFinished("2", "21", StatusFailed, "it broke"))
	require.NoError(t, rec.ScenarioFinished("2", StatusFailed, "", "it broke"))
	require.NoError(t, rec.StepStarted("1", "12"))
	require.NoError(t, rec.StepFinished("1", "12", StatusPassed, ""))
	require.NoError(t, rec.ScenarioFinished("1", StatusPassed, "", ""))

	head, err := rec.Close(Outcome{Status: "incomplete", IncompleteReason: "1 scenarios did not run", ExitCode: 3}, testKey(t), nil)
	require.NoError(t, err)
	assert.Nil(t, head.Features, "the recorder keeps no features in memory")
	assert.Equal(t, Counts{Total: 3, Passed: 1, Failed: 1, NotRun: 1}, head.Summary.Scenarios)
	assert.Equal(t, Counts{Total: 4, Passed: 2, Failed: 1, NotRun: 1}, head.Summary.Steps)
	assert.Equal(t, 5, head.Summary.Exchanges)

	for name, load := range map[string]func(string) (*Report, error){"report.json": ReadReport, "journal": ReplayJournal} {
		t.Run(name, func(t *testing.T) {
			r, err := load(dir)
			require.NoError(t, err)
			require.Len(t, r.Features, 2)
			first, second := r.Features[0].Scenarios[0], r.Features[0].Scenarios[1]
			assert.Equal(t, StatusPassed, first.Status)
			assert.Equal(t, []string{srv.URL + "/s1a", srv.URL + "/s1b"}, urls(first.Steps[0].Exchanges))
			require.Len(t, first.Steps[0].Checks, 1)
			assert.Equal(t, "succeeded", first.Steps[0].Checks[0].Name)
			assert.Equal(t, StatusPassed, first.Steps[1].Status)
			assert.False(t, first.StartedAt.IsZero())
			assert.Equal(t, StatusFailed, second.Status)
			assert.Equal(t, "it broke", second.Steps[0].Error)
			assert.Equal(t, []string{srv.URL + "/s2"}, urls(second.Steps[0].Exchanges))
			require.Len(t, second.Steps[0].Person, 1)
			assert.Equal(t, "yes", second.Steps[0].Person[0].Answer)
			never := r.Features[1].Scenarios[0]
			assert.Equal(t, StatusNotRun, never.Status)
			assert.Equal(t, StatusNotRun, never.Steps[0].Status)
			assert.Equal(t, []string{srv.URL + "/setup", srv.URL + "/orphan"}, urls(r.Setup))
			require.Len(t, r.Webhooks, 1)
			assert.Equal(t, "ev", r.Webhooks[0].EventID)
			for _, x := range append(r.Setup, first.Steps[0].Exchanges...) {
				assert.NotZero(t, x.Seq, "each exchange keeps its journal sequence number")
			}
		})
	}
	// Every report was rendered from the journal, and the bundle verifies.
	for _, f := range []string{"report.json", "report.html", "junit.xml", "cucumber.json", "summary.md"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	assert.Empty(t, leftovers, "no temporary file is left in the bundle")
	v, err := Verify(dir, nil)
	require.NoError(t, err)
	assert.True(t, v.OK(), "%+v", v.Checks)
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "/s1b")
}

func urls(xs []*Exchange) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.URL)
	}
	return out
}

// decodeEntry reads the lines Journal.Append writes as encoding/json does,
// and decodes in full what it does not recognise.
func TestDecodeEntryAgreesWithJSON(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(filepath.Join(dir, JournalFile), func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 123456789, time.UTC) })
	require.NoError(t, err)
	for _, e := range []struct {
		kind, scenario, step string
		data                 any
	}{
		{EventRunStart, "", "", map[string]any{"run_id": "r"}},
		{EventScenarioStart, "12", "", nil},
		{EventStepStart, "12", "14", nil},
		{EventHTTP, "12", "14", &Exchange{Method: "GET", URL: `http://x/"quoted"?a=<b>&c`, Request: Message{Body: "\\\"}{,\"prev\":\""}}},
		{EventCheck, "webhook-1", "webhook-1-2", check.Result{Name: "n", OK: true}},
		{EventStepEnd, `we"ird`, `st\ep`, map[string]any{"status": "passed"}}, // escaped ids: read in full
		{EventRunEnd, "", "", map[string]any{"status": "passed"}},
	} {
		_, err := j.Append(e.kind, e.scenario, e.step, e.data)
		require.NoError(t, err)
	}
	require.NoError(t, j.Close())
	data, err := os.ReadFile(filepath.Join(dir, JournalFile))
	require.NoError(t, err)
	fast := 0
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var want Entry
		require.NoError(t, json.Unmarshal(line, &want))
		got, err := decodeEntry(line)
		require.NoError(t, err)
		assert.Equal(t, want.Seq, got.Seq)
		assert.True(t, want.Time.Equal(got.Time))
		assert.Equal(t, want.Kind, got.Kind)
		assert.Equal(t, want.Scenario, got.Scenario)
		assert.Equal(t, want.Step, got.Step)
		assert.Equal(t, want.Prev, got.Prev)
		assert.JSONEq(t, orNull(want.Data), orNull(got.Data), "line %d", want.Seq)
		if _, ok := entryHeadOf(line); ok {
			fast++
		}
	}
	assert.Equal(t, 6, fast, "every line but the one with escaped ids is read without decoding its data")
	_, ok := entryHeadOf([]byte(`{"seq":1,"time":"2026-12-01T10:00:00Z","kind":"http","data":{}}`))
	assert.False(t, ok, "a line without its prev is not one the journal writes")
}

func orNull(b []byte) string {
	if len(b) == 0 {
		return "null"
	}
	return string(b)
}
