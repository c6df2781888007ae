package webhooks

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// testKey is generated once per test binary: RSA generation is slow under -race.
var testKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// world is a book with one application owning one account, and its hooks.
type world struct {
	book    *ledger.Book
	hooks   *Hooks
	account string
}

func newWorld(t *testing.T, webhookURL string) *world {
	t.Helper()
	key, err := testKey()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := ledger.New(ledger.Options{Now: time.Now, NewID: func() string { n++; return "id-" + string(rune('a'+n)) }})
	w := &world{book: b, hooks: New(Options{Book: b, Key: key, Kid: "kid"})}
	b.Locked(func() {
		b.AddClient(&ledger.Client{ID: "app", PublicKey: &key.PublicKey, WebhookURL: webhookURL})
		w.account = b.AddAccount("user:x", "X", "52998224725", "app", time.Now(), 0).ID
	})
	t.Cleanup(w.hooks.Stop)
	return w
}

func (w *world) emit() {
	w.book.Locked(func() {
		w.book.Emit(&ledger.Event{Type: "cash_out_internal_transfer_finished", TargetType: "internal_transfer_finished",
			TargetID: "tr-1", AccountID: w.account, Data: map[string]any{"id": "tr-1"}, At: time.Now()})
	})
}

func TestWebhookBackoffSchedule(t *testing.T) {
	tests := []struct {
		failed int
		want   time.Duration
	}{
		{0, 0}, {1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {10, 512 * time.Second},
		{11, 10 * time.Minute}, {49, 10 * time.Minute}, {1000, 10 * time.Minute},
	}
	for _, tt := range tests {
		if got := backoff(tt.failed); got != tt.want {
			t.Errorf("backoff(%d) = %s, want %s", tt.failed, got, tt.want)
		}
	}
}

func TestWebhookBackgroundDelivererStops(t *testing.T) {
	got := make(chan struct{}, 100)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { got <- struct{}{} }))
	defer rcv.Close()
	w := newWorld(t, rcv.URL)
	h := w.hooks
	h.Start("")
	h.Start("") // idempotent
	done := h.Background()
	w.emit() // no request, no flush: only the ticker can deliver it
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the background deliverer did not deliver within 10 s")
	}
	h.Stop()
	select {
	case <-done:
	default:
		t.Fatal("stop returned before the background goroutine ended")
	}
	h.Kick() // after stop: starts nothing
	h.kickMu.Lock()
	running := h.running
	h.kickMu.Unlock()
	if running {
		t.Fatal("kick after stop started a goroutine")
	}
	// Start after Close starts afresh; stopping twice is harmless.
	h.Start("")
	again := h.Background()
	if again == nil || again == done {
		t.Fatal("start after stop did not start a new deliverer")
	}
	h.Stop()
	h.Stop()
	select {
	case <-again:
	default:
		t.Fatal("second deliverer still running after stop")
	}
}
