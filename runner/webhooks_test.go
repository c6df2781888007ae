package runner

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/steps"
	"github.com/openbank-homolog/homolog/stone"
)

// TestWebhookDeliveriesRecorded: every delivery reaches the evidence with
// its outcome — accepted (verified, new), duplicate (an id already
// processed) or rejected (and why) — and no encrypted body is written.
func TestWebhookDeliveriesRecorded(t *testing.T) {
	dir := t.TempDir()
	rec, err := evidence.NewRecorder(evidence.RecorderOptions{Dir: dir, Redactor: evidence.NewRedactor([]byte("k"), evidence.RedactOptions{})})
	require.NoError(t, err)
	require.NoError(t, rec.Start(&evidence.Report{}))

	seen := map[string]bool{}
	// receiver stands in for stone.WebhookReceiver: it verifies nothing but
	// reports to the recorder through the same context hooks.
	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := r.Context().Value(deliveryKey{}).(*delivery)
		id := r.Header.Get("x-stone-webhook-event-id")
		switch {
		case strings.Contains(id, "forged"):
			d.err = errors.New("signature does not verify")
			w.WriteHeader(http.StatusBadRequest)
		case seen[id]:
			w.WriteHeader(http.StatusOK)
		default:
			seen[id] = true
			d.verified = &stone.Webhook{ID: id, EventType: "cash_out_internal_transfer_finished", TargetType: "internal_transfer_finished", TargetID: "tr-1",
				Raw: map[string]json.RawMessage{"id": json.RawMessage(`"` + id + `"`)}}
		}
	})
	inbox := steps.NewWebhookInbox()
	h := record(receiver, rec, inbox)
	for _, id := range []string{"ev-1", "ev-1", "forged-2"} {
		req := httptest.NewRequest(http.MethodPost, webhookPath, strings.NewReader(`{"encrypted_body":"eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.a.b.c.d"}`))
		req.Header.Set("x-stone-webhook-event-id", id)
		req.Header.Set("x-stone-webhook-event-type", "cash_out_internal_transfer_finished")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	// Only the accepted delivery reaches the steps, with its journal record.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	d, err := inbox.Await(ctx, "cash_out_internal_transfer_finished", "tr-1")
	require.NoError(t, err)
	assert.Equal(t, "ev-1", d.Record.Webhook.EventID)
	assert.NotZero(t, d.Record.Seq)
	_, err = rec.Finish(evidence.Outcome{Status: "passed", Complete: true})
	require.NoError(t, err)
	rep, err := evidence.ReplayJournal(dir)
	require.NoError(t, err)
	require.Len(t, rep.Webhooks, 3)
	assert.Equal(t, "accepted", rep.Webhooks[0].Outcome)
	assert.Equal(t, "tr-1", rep.Webhooks[0].TargetID)
	assert.Contains(t, rep.Webhooks[0].Payload, "ev-1")
	assert.Equal(t, "duplicate", rep.Webhooks[1].Outcome)
	assert.Equal(t, "rejected", rep.Webhooks[2].Outcome)
	assert.Equal(t, 400, rep.Webhooks[2].Status)
	assert.Contains(t, rep.Webhooks[2].Error, "signature does not verify")
	journal, err := os.ReadFile(filepath.Join(dir, evidence.JournalFile))
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(journal), `"kind":"webhook"`))
	assert.NotContains(t, string(journal), "eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.a.b", "the encrypted body is not evidence")
}

func TestSafeHook(t *testing.T) {
	hook := func() (err error) {
		defer safe(&err)
		var m map[string]int
		m["boom"]++ // a nil-map write panics
		return nil
	}
	err := hook()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "hook panicked")
}

// failFirstKeysFetch answers the first GET of Stone's webhook keys with a
// 500 and passes everything else on.
type failFirstKeysFetch struct {
	mu     sync.Mutex
	failed bool
}

func (f *failFirstKeysFetch) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/discovery/keys") {
		f.mu.Lock()
		first := !f.failed
		f.failed = true
		f.mu.Unlock()
		if first {
			return &http.Response{StatusCode: http.StatusInternalServerError, Status: "500 Internal Server Error", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`{"type":"srn:error:internal"}`)), Request: r}, nil
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestWebhooksSurviveAFailedKeysFetch: one 500 from Stone's keys endpoint
// rejects the webhook that asked for them, but the next delivery (Stone
// retries after a second) fetches again, so the webhook scenarios pass
// within their wait instead of being blocked for a minute.
func TestWebhooksSurviveAFailedKeysFetch(t *testing.T) {
	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Tags = "@webhooks"
	ft := &failFirstKeysFetch{}
	out := &syncBuffer{}
	res, err := Run(context.Background(), Options{Config: cfg, Env: Env{Stdout: out, Lookup: noEnv}, Transport: ft})
	require.NoError(t, err)
	require.True(t, ft.failed, "the keys were fetched")
	require.Equal(t, ExitPassed, res.ExitCode, out.String())
	rejected := 0
	for _, w := range reportOf(t, res).Webhooks {
		if w.Outcome == "rejected" && w.Status == http.StatusInternalServerError {
			rejected++
		}
	}
	assert.Positive(t, rejected, "a webhook was rejected while the keys could not be had")
}
