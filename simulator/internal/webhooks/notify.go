package webhooks

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/keycloak"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// notification is one event addressed to one application. Every field is
// guarded by the book's lock.
type notification struct {
	seq         int64  // order of creation, for cursors
	id          string // the webhook event id: payload "id" and x-stone-webhook-event-id
	clientID    string
	eventType   string
	createdAt   time.Time       // the event's time: event_happened_at = event_notified_at = iat = nbf
	payload     json.RawMessage // the JWS claims, fixed when the notification is created
	status      string
	nextAt      time.Time // when the next attempt is due (status pending)
	deliveredAt time.Time
	attempts    []webhookAttempt
	body        []byte // the last request body sent; retries resend it unchanged
}

type webhookAttempt struct {
	At       string `json:"at"`
	URL      string `json:"url"`
	Status   int    `json:"status"`             // 0: no HTTP answer (see error)
	Error    string `json:"error,omitempty"`    // transport or encryption error
	Response string `json:"response,omitempty"` // start of the receiver's answer
}

// fanout turns the events emitted since the last call into notifications.
// Caller holds the book's lock. Payloads are marshalled here, under the lock,
// because event.Data may point at store objects that keep changing.
func (h *Hooks) fanout(now time.Time) {
	for h.fanned < len(h.book.Events()) {
		ev, idx := h.book.Events()[h.fanned], h.fanned
		h.fanned++
		for _, c := range h.recipients(ev) {
			h.notes = append(h.notes, h.notify(c, ev, idx, now))
		}
	}
}

// recipients are the applications ev goes to: the one it names, or every
// one that can see its account. Caller holds the book's lock.
func (h *Hooks) recipients(ev *ledger.Event) []*ledger.Client {
	if ev.ClientID != "" {
		if c := h.book.Client(ev.ClientID); c != nil {
			return []*ledger.Client{c}
		}
		return nil
	}
	return h.book.Recipients(ev.AccountID)
}

// notify addresses ev to c. Its times come from the event, not from the
// moment of fan-out, and its ids are derived rather than drawn from the id
// source: fan-out runs whenever a delivery round happens to run, and neither
// the payload nor the ids the rest of the world gets may depend on that.
func (h *Hooks) notify(c *ledger.Client, ev *ledger.Event, idx int, now time.Time) *notification {
	at := ev.At
	if at.IsZero() {
		at = now
	}
	h.seq++
	n := &notification{
		seq: h.seq, id: derivedID("id", ev, idx, c.ID), clientID: c.ID, eventType: ev.Type,
		createdAt: at, status: StatusPending, nextAt: at,
	}
	if c.WebhookURL == "" {
		n.status = StatusNoURL
	}
	n.payload = h.payload(ev, n, derivedID("jti", ev, idx, c.ID))
	return n
}

// derivedID is a UUID (v5) unique per event, recipient and purpose. The
// account id comes from the id source, so ids differ between runs unless the
// id source is a deterministic test one, which then gives stable ids.
func derivedID(purpose string, ev *ledger.Event, idx int, clientID string) string {
	name := strings.Join([]string{"homolog-simulator-webhook", purpose, ev.AccountID, ev.TargetID, ev.Type, strconv.Itoa(idx), clientID}, "|")
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(name)).String()
}

// payload is the webhook's claims (stone-api.md §7). Extra members come
// first so they can never overwrite an envelope member.
func (h *Hooks) payload(ev *ledger.Event, n *notification, jti string) json.RawMessage {
	base := h.baseURL()
	claims := map[string]any{}
	for k, v := range ev.Extra {
		claims[k] = v
	}
	envelope := map[string]any{
		"env":                  "sandbox",
		"event_type":           ev.Type,
		"id":                   n.id,
		"event_happened_at":    api.TS(n.createdAt),
		"event_notified_at":    api.TS(n.createdAt),
		"target_data":          ev.Data,
		"target_detail_uri":    nullable(ev.DetailPath, base+ev.DetailPath),
		"target_id":            nullable(ev.TargetID, ev.TargetID),
		"target_statement_uri": nullable(ev.StatementRef, base+"/api/v1/statement/entries/"+ev.StatementRef),
		"target_type":          ev.TargetType,
		"iat":                  n.createdAt.Unix(),
		"nbf":                  n.createdAt.Unix(),
		"jti":                  jti,
	}
	for _, k := range ev.Omit {
		delete(envelope, k)
	}
	for k, v := range envelope {
		claims[k] = v
	}
	b, err := json.Marshal(claims)
	if err != nil {
		// An emitter put something unmarshallable in Data or Extra (a
		// simulator bug): still notify, with the envelope alone.
		h.logf("simulator: webhook %s (%s): payload: %v", n.id, ev.Type, err)
		envelope["target_data"] = nil
		b, _ = json.Marshal(envelope) // strings, numbers and nil only
	}
	return b
}

// nullable is nil (JSON null) when key is empty, v otherwise.
func nullable(key, v string) any {
	if key == "" {
		return nil
	}
	return v
}

// baseURL prefixes target_detail_uri and target_statement_uri:
//   - Started on a concrete address: that address (what URL() returns and
//     what `homolog simulate` prints), independent of timing;
//   - otherwise (not Started, as under httptest, or listening on 0.0.0.0 or
//     [::], which no client can follow): the scheme and host callers last
//     used for a /_sim/ control (the simulator observes every one) or the
//     discovery and inspection endpoints (setting a webhook URL, inspecting,
//     flushing: what a client expecting webhooks has done);
//   - before any such call: http://localhost.
//
// It never calls Simulator.URL: rounds run it under the book's lock, and
// Close, holding the server lock, waits for rounds (Stop).
func (h *Hooks) baseURL() string {
	if u := h.started.Load(); u != nil {
		if host, _, err := net.SplitHostPort(strings.TrimPrefix(*u, "http://")); err == nil {
			if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
				return *u
			}
		}
	}
	if b := h.base.Load(); b != nil {
		return *b
	}
	return "http://localhost"
}

// Observe remembers the base URL r was addressed to, for baseURL.
func (h *Hooks) Observe(r *http.Request) {
	b := strings.TrimSuffix(keycloak.RealmURL(r), keycloak.RealmPath)
	h.base.Store(&b)
}
