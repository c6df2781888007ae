package webhooks

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// Webhook routes:
//
//	GET  /api/v1/discovery/keys                               → 200 JWKS (no token needed)
//	GET  /api/v1/applications/application:{id}/webhooks      → 200 {cursor, data} newest first (Bearer; own only)
//	GET  /_sim/webhooks[?client_id=]                          → 200 {data} every notification with its attempts
//	POST /_sim/webhooks/flush                                 → 200 FlushSummary (attempts everything due, synchronously)
//	PUT  /_sim/clients/{id}/webhook_url  {"url":"..."}        → 200 {client_id, webhook_url}, 404, 400
const (
	webhooksDefaultLimit = 25
	webhooksMaxLimit     = 100
)

// Routes registers the webhook routes.
func (h *Hooks) Routes(m *api.Mux) {
	m.Handle("GET /api/v1/discovery/keys", h.handleDiscoveryKeys)
	// {app} is "application:<client id>"; the bare id is accepted too, as
	// Stone's own signup status path uses it.
	m.HandleAuth("GET /api/v1/applications/{app}/webhooks", h.handleListWebhooks)
	m.Handle("GET /_sim/webhooks", h.handleSimWebhooks)
	m.Handle("POST /_sim/webhooks/flush", h.handleFlushWebhooks)
	m.Handle("PUT /_sim/clients/{id}/webhook_url", h.handleSetWebhookURL)
}

// View is Stone's inspection item ({client_id, created_at, data}) plus
// the delivery state, which Stone's parsers tolerate as new fields.
type View struct {
	ClientID      string          `json:"client_id"`
	CreatedAt     string          `json:"created_at"`
	Data          json.RawMessage `json:"data"`
	Status        string          `json:"status"`
	Attempts      int             `json:"attempts"`
	LastStatus    *int            `json:"last_status"` // HTTP status of the last attempt; null before one or on a transport error
	LastAttemptAt *string         `json:"last_attempt_at"`
	NextAttemptAt *string         `json:"next_attempt_at"` // set while pending
	DeliveredAt   *string         `json:"delivered_at"`
}

func viewOf(n *notification) View {
	v := View{ClientID: "application:" + n.clientID, CreatedAt: api.TS(n.createdAt), Data: n.payload,
		Status: n.status, Attempts: len(n.attempts)}
	if k := len(n.attempts); k > 0 {
		last := n.attempts[k-1]
		v.LastAttemptAt = api.StrPtr(last.At)
		if last.Status != 0 {
			v.LastStatus = api.Ptr(last.Status)
		}
	}
	if n.status == StatusPending {
		v.NextAttemptAt = api.TSPtr(n.nextAt)
	}
	if n.status == StatusDelivered {
		v.DeliveredAt = api.TSPtr(n.deliveredAt)
	}
	return v
}

func (h *Hooks) handleListWebhooks(w http.ResponseWriter, r *http.Request, c *api.Call) {
	h.Observe(r)
	id := strings.TrimPrefix(r.PathValue("app"), "application:")
	if id != c.ClientID {
		api.Unauthorized().Write(w) // another application's webhooks are not the caller's business
		return
	}
	scope := "webhooks|" + id
	p, rp, ok := api.ParsePage(r.URL.Query(), scope, webhooksDefaultLimit, webhooksMaxLimit)
	if !ok {
		rp.Write(w)
		return
	}
	h.book.Reply(w, func() api.Reply {
		h.fanout(c.Now)
		var mine []*notification
		for i := len(h.notes) - 1; i >= 0; i-- {
			if n := h.notes[i]; n.clientID == id {
				mine = append(mine, n)
			}
		}
		data, cur := api.Paginate(mine, func(n *notification) int64 { return n.seq }, true, p, scope)
		views := make([]View, 0, len(data))
		for _, n := range data {
			views = append(views, viewOf(n))
		}
		return api.JSON(http.StatusOK, api.List[View]{Cursor: cur, Data: views})
	})
}

// SimView is everything the simulator knows about one notification.
type SimView struct {
	ID            string           `json:"id"`
	ClientID      string           `json:"client_id"`
	EventType     string           `json:"event_type"`
	Status        string           `json:"status"`
	CreatedAt     string           `json:"created_at"`
	NextAttemptAt *string          `json:"next_attempt_at"`
	DeliveredAt   *string          `json:"delivered_at"`
	Attempts      []webhookAttempt `json:"attempts"`
	Data          json.RawMessage  `json:"data"`
}

// handleSimWebhooks lists every notification, newest first, optionally for
// one client (404 for an unknown one, so a typo is not an empty list).
func (h *Hooks) handleSimWebhooks(w http.ResponseWriter, r *http.Request, c *api.Call) {
	h.Observe(r)
	clientID := r.URL.Query().Get("client_id")
	h.book.Reply(w, func() api.Reply {
		if clientID != "" && h.book.Client(clientID) == nil {
			return api.NotFound()
		}
		h.fanout(c.Now)
		out := []SimView{}
		for i := len(h.notes) - 1; i >= 0; i-- {
			n := h.notes[i]
			if clientID != "" && n.clientID != clientID {
				continue
			}
			v := viewOf(n)
			out = append(out, SimView{ID: n.id, ClientID: n.clientID, EventType: n.eventType, Status: n.status,
				CreatedAt: v.CreatedAt, NextAttemptAt: v.NextAttemptAt, DeliveredAt: v.DeliveredAt,
				Attempts: append([]webhookAttempt{}, n.attempts...), Data: n.payload})
		}
		return api.JSON(http.StatusOK, struct {
			Data []SimView `json:"data"`
		}{out})
	})
}

// handleFlushWebhooks attempts every delivery due on the simulator clock and
// answers when they are done, so tests and runners need not wait or sleep.
// An attempt in flight from the background is finished first. A receiver
// must not call flush from inside its own webhook handler: the flush would
// wait for the round that waits for that handler.
func (h *Hooks) handleFlushWebhooks(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	h.Observe(r)
	api.JSON(http.StatusOK, h.round(r.Context())).Write(w)
}

type webhookURLBody struct {
	ClientID string `json:"client_id"`
	URL      string `json:"webhook_url"`
}

// handleSetWebhookURL (re)sets where a client's webhooks go, so a runner can
// start its receiver after registering. Pending notifications go to the new
// URL; "" stops delivery (pending ones wait for a URL again). Notifications
// created while the client had no URL stay undelivered, as at Stone.
func (h *Hooks) handleSetWebhookURL(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	h.Observe(r)
	var in struct {
		URL *string `json:"url"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || in.URL == nil {
		msg := `body must be a JSON object {"url":"https://..."} ("" removes the URL)`
		if err != nil {
			msg += ": " + err.Error()
		}
		api.BadRequest(msg).Write(w)
		return
	}
	if *in.URL != "" {
		u, err := url.Parse(*in.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			api.Validation(api.FieldError{Error: "must be an absolute http or https URL, or empty", Path: []string{"url"}}).Write(w)
			return
		}
	}
	id := r.PathValue("id")
	h.book.Reply(w, func() api.Reply {
		c := h.book.Client(id)
		if c == nil {
			return api.NotFound()
		}
		c.WebhookURL = *in.URL
		return api.JSON(http.StatusOK, webhookURLBody{ClientID: id, URL: c.WebhookURL})
	})
}
