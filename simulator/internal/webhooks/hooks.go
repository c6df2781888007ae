package webhooks

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/keycloak"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// Webhook delivery (stone-api.md §7).
//
// Every event the state machines emit (events.go) becomes one notification
// per registered application that can see the event's account. A notification
// is delivered by POSTing {"encrypted_body": JWE(JWS(payload))} to the
// application's WebhookURL; any non-2xx answer or transport error is retried
// on the SIMULATOR clock, at most MaxAttempts times in total:
//
//	attempt 1 as soon as a delivery round runs, then after failure n the next
//	attempt is due backoff(n) = 1s·2^(n-1), capped at 10 min, after attempt n
//	(1s, 2s, 4s … 512s, then 600s): 50 attempts span about 7 h of clock time.
//
// Delivery rounds run (a) asynchronously once a request has been handled
// (kick: what came due before it and what its own handler emitted go out
// at once), (b) every webhookTick of real time
// while the simulator is Started (start/stop), and (c) synchronously on
// POST /_sim/webhooks/flush. Rounds are serialised, and no round holds the
// store lock while it talks HTTP.
const (
	MaxAttempts       = 50
	webhookFirstDelay = time.Second
	MaxDelay          = 10 * time.Minute
	webhookTick       = 250 * time.Millisecond
	webhookTimeout    = 10 * time.Second
	UserAgent         = "homolog-simulator-webhooks/1.0"
)

// Notification statuses, as listed by the inspection endpoints.
const (
	StatusPending   = "pending"        // waiting for its next attempt
	StatusDelivered = "delivered"      // a 2xx was received
	StatusFailed    = "failed"         // gave up after MaxAttempts
	StatusNoURL     = "no_webhook_url" // the application had no WebhookURL when the event happened
)

// backoff is the wait after the failed-th failed attempt (failed ≥ 1).
func backoff(failed int) time.Duration {
	if failed < 1 {
		return 0
	}
	if failed > 10 { // 2^10 s already exceeds the cap; avoids shifting into overflow
		return MaxDelay
	}
	return min(webhookFirstDelay<<(failed-1), MaxDelay)
}

// Options configures delivery.
type Options struct {
	Book *ledger.Book
	// Key is Stone's RS256 key: it signs webhooks (and, in the simulator,
	// access tokens: both are "Stone's RS256 key", and reusing it spares a
	// key generation); Kid names it in the JWKS and the JWS header.
	Key        *rsa.PrivateKey
	Kid        string
	HTTPClient *http.Client // nil → a client with a 10 s timeout that follows no redirect
	// EncKey is Stone's "enc" key; nil → generated on first use.
	EncKey *rsa.PrivateKey
	Logf   func(format string, args ...any)
}

// Hooks turns events into notifications and delivers them.
type Hooks struct {
	book    *ledger.Book
	key     *rsa.PrivateKey
	http    *http.Client
	logf    func(format string, args ...any)
	sigKid  string
	base    atomic.Pointer[string] // last base URL callers used; see baseURL
	started atomic.Pointer[string] // the simulator's URL while Started; see baseURL
	// jwks is GET /api/v1/discovery/keys, built on first use with a fresh
	// encryption key (discovery.go). Generating that key in New made every
	// test pay an RSA key generation (4x slower under -race).
	jwks func() ([]byte, error)
	enc  func() (encKey, error) // the enc key's private half, made once (discovery.go)

	// Guarded by the book's lock, like the events they are derived from.
	fanned int             // how many of the book's events have become notifications
	notes  []*notification // in creation order
	seq    int64

	// roundMu serialises delivery rounds so a notification is never attempted
	// twice at once and flush can promise "everything due was attempted".
	roundMu sync.Mutex

	// kickMu guards the single asynchronous deliverer that Kick starts.
	kickMu  sync.Mutex
	idle    *sync.Cond // signalled (on kickMu) when the kick goroutine ends
	running bool       // a kick goroutine is running
	again   bool       // a kick arrived while it ran: run one more round
	closed  bool       // Stop was called: Kick starts nothing more

	// Background deliverer (Start/Stop), guarded by kickMu. ctx is cancelled
	// by Stop so that an attempt hanging on a slow receiver does not hold
	// Close up.
	ctx    context.Context
	cancel context.CancelFunc
	bgStop chan struct{}
	bgDone chan struct{}
}

// New returns a deliverer with nothing to deliver.
func New(opts Options) *Hooks {
	h := &Hooks{book: opts.Book, key: opts.Key, http: opts.HTTPClient, sigKid: opts.Kid, logf: opts.Logf}
	if h.logf == nil {
		h.logf = func(string, ...any) {}
	}
	h.enc = sync.OnceValues(newEncKey)
	if k := opts.EncKey; k != nil {
		h.enc = func() (encKey, error) { return encKey{key: k, kid: keycloak.Thumbprint(&k.PublicKey)}, nil }
	}
	h.jwks = sync.OnceValues(h.buildJWKS)
	if h.http == nil {
		// Only a 2xx is a delivery, so a redirect is not followed: the 3xx
		// is recorded as a failed attempt.
		h.http = &http.Client{Timeout: webhookTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	h.idle = sync.NewCond(&h.kickMu)
	h.ctx, h.cancel = context.WithCancel(context.Background())
	return h
}

// Kick starts an asynchronous delivery round unless one is running, in which
// case that one runs once more: at most one kick goroutine exists at a time.
func (h *Hooks) Kick() {
	h.kickMu.Lock()
	defer h.kickMu.Unlock()
	if h.closed {
		return
	}
	if h.running {
		h.again = true
		return
	}
	h.running = true
	go func(ctx context.Context) {
		for {
			h.round(ctx)
			h.kickMu.Lock()
			if !h.again {
				h.running = false
				h.idle.Broadcast()
				h.kickMu.Unlock()
				return
			}
			h.again = false
			h.kickMu.Unlock()
		}
	}(h.ctx)
}

// Start runs the background deliverer: real time keeps passing while a
// standalone simulator waits, so due retries go out without a request.
// Simulator.Start calls it with its URL(); a second call is a no-op, and a
// call after stop (Start after Close) starts afresh.
func (h *Hooks) Start(url string) {
	h.kickMu.Lock()
	defer h.kickMu.Unlock()
	if h.bgStop != nil {
		return
	}
	if url != "" {
		h.started.Store(&url)
	}
	if h.closed {
		h.closed = false
		h.ctx, h.cancel = context.WithCancel(context.Background())
	}
	h.bgStop, h.bgDone = make(chan struct{}), make(chan struct{})
	go func(ctx context.Context, stop <-chan struct{}, done chan<- struct{}) {
		defer close(done)
		t := time.NewTicker(webhookTick)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				h.round(ctx)
			}
		}
	}(h.ctx, h.bgStop, h.bgDone)
}

// Stop ends background delivery, cancels attempts in flight and waits for
// every goroutine webhooks started. Simulator.Close calls it. Afterwards kick
// does nothing until start; flush still delivers synchronously.
func (h *Hooks) Stop() {
	h.kickMu.Lock()
	h.closed = true
	stop, done, cancel := h.bgStop, h.bgDone, h.cancel
	h.bgStop, h.bgDone = nil, nil
	h.kickMu.Unlock()
	h.started.Store(nil)
	cancel()
	if stop != nil {
		close(stop)
		<-done
	}
	h.Wait()
}

// Wait blocks until the kick goroutine, if any, has finished: in-process
// tests call it instead of sleeping.
func (h *Hooks) Wait() {
	h.kickMu.Lock()
	defer h.kickMu.Unlock()
	for h.running {
		h.idle.Wait()
	}
}

// FlushSummary is the answer of POST /_sim/webhooks/flush. Attempted,
// Delivered and Failed count the flush's own attempts: the kick that every
// request (the flush request too) starts may have attempted some of them a
// moment earlier, so read Statuses, or /_sim/webhooks, for the outcome.
type FlushSummary struct {
	Attempted int            `json:"attempted"`
	Delivered int            `json:"delivered"`
	Failed    int            `json:"failed"`
	Statuses  map[string]int `json:"statuses"`
}

// round attempts every notification that is due on the simulator clock.
func (h *Hooks) round(ctx context.Context) FlushSummary {
	h.roundMu.Lock()
	defer h.roundMu.Unlock()
	now := h.book.Now()
	var due []delivery
	h.book.Locked(func() {
		h.fanout(now)
		due = h.collectDue(now)
	})
	var sum FlushSummary
	for _, d := range due {
		res, ok := h.attempt(ctx, d)
		if !ok {
			continue // cancelled by stop: not the receiver's fault, not counted
		}
		sum.Attempted++
		// Stamped with the round's clock reading, not the time the answer
		// came: the schedule then depends on the clock alone.
		h.book.Locked(func() { h.record(d.n, res, now) })
		if res.delivered() {
			sum.Delivered++
		} else {
			sum.Failed++
		}
	}
	h.book.Locked(func() { sum.Statuses = h.statusCounts() })
	return sum
}

// delivery is what one attempt needs, copied out of the store under the lock.
type delivery struct {
	n       *notification // written only under the book's lock, via record
	url     string
	key     *rsa.PublicKey
	id      string
	typ     string
	payload []byte
	body    []byte // the request body of an earlier attempt, reused as is
}

func (h *Hooks) collectDue(now time.Time) []delivery {
	var due []delivery
	for _, n := range h.notes {
		if n.status != StatusPending || n.nextAt.After(now) {
			continue
		}
		c := h.book.Client(n.clientID)
		if c == nil || c.WebhookURL == "" {
			continue // URL removed at runtime: wait until one is set again
		}
		due = append(due, delivery{n: n, url: c.WebhookURL, key: c.PublicKey, id: n.id, typ: n.eventType, payload: n.payload, body: n.body})
	}
	return due
}

// record stores one attempt's outcome and schedules the next. Caller holds
// the book's lock.
func (h *Hooks) record(n *notification, res attemptResult, at time.Time) {
	n.body = res.body
	n.attempts = append(n.attempts, webhookAttempt{At: api.TS(at), URL: res.url, Status: res.status, Error: res.err, Response: res.response})
	switch {
	case res.delivered():
		n.status, n.deliveredAt = StatusDelivered, at
	case len(n.attempts) >= MaxAttempts:
		n.status = StatusFailed
		h.logf("simulator: webhook %s to %s: gave up after %d attempts", n.id, n.clientID, len(n.attempts))
	default:
		n.nextAt = at.Add(backoff(len(n.attempts)))
	}
}

func (h *Hooks) statusCounts() map[string]int {
	out := map[string]int{StatusPending: 0, StatusDelivered: 0, StatusFailed: 0, StatusNoURL: 0}
	for _, n := range h.notes {
		out[n.status]++
	}
	return out
}

// jsonBody is the delivered request body.
func jsonBody(jwe string) []byte {
	b, _ := json.Marshal(struct {
		EncryptedBody string `json:"encrypted_body"`
	}{jwe}) // a string always marshals
	return b
}

// BaseURL prefixes target_detail_uri and target_statement_uri (see baseURL).
func (h *Hooks) BaseURL() string { return h.baseURL() }

// Background is closed when the background deliverer started by Start ends;
// nil when none was started.
func (h *Hooks) Background() <-chan struct{} {
	h.kickMu.Lock()
	defer h.kickMu.Unlock()
	if h.bgDone == nil {
		return nil
	}
	return h.bgDone
}
