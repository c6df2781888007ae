package simulator

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Webhook delivery (stone-api.md §7).
//
// Every event the state machines emit (events.go) becomes one notification
// per registered application that can see the event's account. A notification
// is delivered by POSTing {"encrypted_body": JWE(JWS(payload))} to the
// application's WebhookURL; any non-2xx answer or transport error is retried
// on the SIMULATOR clock, at most webhookMaxAttempts times in total:
//
//	attempt 1 as soon as a delivery round runs, then after failure n the next
//	attempt is due backoff(n) = 1s·2^(n-1), capped at 10 min, after attempt n
//	(1s, 2s, 4s … 512s, then 600s): 50 attempts span about 7 h of clock time.
//
// Delivery rounds run (a) asynchronously when a request starts, after due
// transitions are settled (kick; what the request's own handler emits goes
// out with the next request or tick), (b) every webhookTick of real time
// while the simulator is Started (start/stop), and (c) synchronously on
// POST /_sim/webhooks/flush. Rounds are serialised, and no round holds the
// store lock while it talks HTTP.
const (
	webhookMaxAttempts = 50
	webhookFirstDelay  = time.Second
	webhookMaxDelay    = 10 * time.Minute
	webhookTick        = 250 * time.Millisecond
	webhookTimeout     = 10 * time.Second
	webhookUserAgent   = "homolog-simulator-webhooks/1.0"
)

// Notification statuses, as listed by the inspection endpoints.
const (
	whPending   = "pending"        // waiting for its next attempt
	whDelivered = "delivered"      // a 2xx was received
	whFailed    = "failed"         // gave up after webhookMaxAttempts
	whNoURL     = "no_webhook_url" // the application had no WebhookURL when the event happened
)

// backoff is the wait after the failed-th failed attempt (failed ≥ 1).
func backoff(failed int) time.Duration {
	if failed < 1 {
		return 0
	}
	if failed > 10 { // 2^10 s already exceeds the cap; avoids shifting into overflow
		return webhookMaxDelay
	}
	return min(webhookFirstDelay<<(failed-1), webhookMaxDelay)
}

type webhooks struct {
	s       *Simulator
	http    *http.Client
	sigKid  string
	base    atomic.Pointer[string] // last base URL callers used; see baseURL
	started atomic.Pointer[string] // URL() while Started; see baseURL
	// jwks is GET /api/v1/discovery/keys, built on first use with a fresh
	// encryption key (discovery.go). Generating that key in New made every
	// test in this package pay an RSA key generation (4x slower under -race).
	jwks func() ([]byte, error)

	// Guarded by Simulator.mu, like the store they are derived from.
	fanned int             // how many of store.events have become notifications
	notes  []*notification // in creation order
	seq    int64

	// roundMu serialises delivery rounds so a notification is never attempted
	// twice at once and flush can promise "everything due was attempted".
	roundMu sync.Mutex

	// kickMu guards the single asynchronous deliverer that kick starts.
	kickMu  sync.Mutex
	idle    *sync.Cond // signalled (on kickMu) when the kick goroutine ends
	running bool       // a kick goroutine is running
	again   bool       // a kick arrived while it ran: run one more round
	closed  bool       // stop was called: kick starts nothing more

	// Background deliverer (start/stop), guarded by kickMu. ctx is cancelled
	// by stop so that an attempt hanging on a slow receiver does not hold
	// Close up.
	ctx    context.Context
	cancel context.CancelFunc
	bgStop chan struct{}
	bgDone chan struct{}
}

func newWebhooks(s *Simulator) (*webhooks, error) {
	// The access-token key doubles as Stone's webhook signing key: both are
	// "Stone's RS256 key", and reusing it spares a key generation.
	h := &webhooks{s: s, http: s.opts.HTTPClient, sigKid: s.kid}
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
	return h, nil
}

// kick starts an asynchronous delivery round unless one is running, in which
// case that one runs once more: at most one kick goroutine exists at a time.
func (h *webhooks) kick() {
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

// start runs the background deliverer: real time keeps passing while a
// standalone simulator waits, so due retries go out without a request.
// Simulator.Start calls it with its URL(); a second call is a no-op, and a
// call after stop (Start after Close) starts afresh.
func (h *webhooks) start(url string) {
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

// stop ends background delivery, cancels attempts in flight and waits for
// every goroutine webhooks started. Simulator.Close calls it. Afterwards kick
// does nothing until start; flush still delivers synchronously.
func (h *webhooks) stop() {
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
	h.wait()
}

// wait blocks until the kick goroutine, if any, has finished: in-process
// tests call it instead of sleeping.
func (h *webhooks) wait() {
	h.kickMu.Lock()
	defer h.kickMu.Unlock()
	for h.running {
		h.idle.Wait()
	}
}

// flushSummary is the answer of POST /_sim/webhooks/flush. Attempted,
// Delivered and Failed count the flush's own attempts: the kick that every
// request (the flush request too) starts may have attempted some of them a
// moment earlier, so read Statuses, or /_sim/webhooks, for the outcome.
type flushSummary struct {
	Attempted int            `json:"attempted"`
	Delivered int            `json:"delivered"`
	Failed    int            `json:"failed"`
	Statuses  map[string]int `json:"statuses"`
}

// round attempts every notification that is due on the simulator clock.
func (h *webhooks) round(ctx context.Context) flushSummary {
	h.roundMu.Lock()
	defer h.roundMu.Unlock()
	now := h.s.now()
	var due []delivery
	h.s.locked(func() {
		h.fanout(h.s.st, now)
		due = h.collectDue(h.s.st, now)
	})
	var sum flushSummary
	for _, d := range due {
		res, ok := h.attempt(ctx, d)
		if !ok {
			continue // cancelled by stop: not the receiver's fault, not counted
		}
		sum.Attempted++
		// Stamped with the round's clock reading, not the time the answer
		// came: the schedule then depends on the clock alone.
		h.s.locked(func() { h.record(d.n, res, now) })
		if res.delivered() {
			sum.Delivered++
		} else {
			sum.Failed++
		}
	}
	h.s.locked(func() { sum.Statuses = h.statusCounts() })
	return sum
}

// delivery is what one attempt needs, copied out of the store under the lock.
type delivery struct {
	n       *notification // written only under Simulator.mu, via record
	url     string
	key     *rsa.PublicKey
	id      string
	typ     string
	payload []byte
	body    []byte // the request body of an earlier attempt, reused as is
}

func (h *webhooks) collectDue(st *store, now time.Time) []delivery {
	var due []delivery
	for _, n := range h.notes {
		if n.status != whPending || n.nextAt.After(now) {
			continue
		}
		c := st.client(n.clientID)
		if c == nil || c.WebhookURL == "" {
			continue // URL removed at runtime: wait until one is set again
		}
		due = append(due, delivery{n: n, url: c.WebhookURL, key: c.PublicKey, id: n.id, typ: n.eventType, payload: n.payload, body: n.body})
	}
	return due
}

// record stores one attempt's outcome and schedules the next. Caller holds
// Simulator.mu.
func (h *webhooks) record(n *notification, res attemptResult, at time.Time) {
	n.body = res.body
	n.attempts = append(n.attempts, webhookAttempt{At: ts(at), URL: res.url, Status: res.status, Error: res.err, Response: res.response})
	switch {
	case res.delivered():
		n.status, n.deliveredAt = whDelivered, at
	case len(n.attempts) >= webhookMaxAttempts:
		n.status = whFailed
		h.s.logf("simulator: webhook %s to %s: gave up after %d attempts", n.id, n.clientID, len(n.attempts))
	default:
		n.nextAt = at.Add(backoff(len(n.attempts)))
	}
}

func (h *webhooks) statusCounts() map[string]int {
	out := map[string]int{whPending: 0, whDelivered: 0, whFailed: 0, whNoURL: 0}
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
