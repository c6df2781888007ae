package simulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// Webhook routes:
//
//	GET  /api/v1/discovery/keys                               → 200 JWKS (no token needed)
//	GET  /api/v1/applications/application:{id}/webhooks      → 200 {cursor, data} newest first (Bearer; own only)
//	GET  /_sim/webhooks[?client_id=]                          → 200 {data} every notification with its attempts
//	POST /_sim/webhooks/flush                                 → 200 flushSummary (attempts everything due, synchronously)
//	PUT  /_sim/clients/{id}/webhook_url  {"url":"..."}        → 200 {client_id, webhook_url}, 404, 400
const (
	webhooksDefaultLimit = 25
	webhooksMaxLimit     = 100
)

func (s *Simulator) webhookRoutes(rt *router) {
	rt.add(http.MethodGet, "/api/v1/discovery/keys", false, s.handleDiscoveryKeys)
	// {app} is "application:<client id>"; the bare id is accepted too, as
	// Stone's own signup status path uses it.
	rt.add(http.MethodGet, "/api/v1/applications/{app}/webhooks", true, s.handleListWebhooks)
	rt.add(http.MethodGet, "/_sim/webhooks", false, s.handleSimWebhooks)
	rt.add(http.MethodPost, "/_sim/webhooks/flush", false, s.handleFlushWebhooks)
	rt.add(http.MethodPut, "/_sim/clients/{id}/webhook_url", false, s.handleSetWebhookURL)
}

// webhookView is Stone's inspection item ({client_id, created_at, data}) plus
// the delivery state, which Stone's parsers tolerate as new fields.
type webhookView struct {
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

func viewOf(n *notification) webhookView {
	v := webhookView{ClientID: "application:" + n.clientID, CreatedAt: ts(n.createdAt), Data: n.payload,
		Status: n.status, Attempts: len(n.attempts)}
	if k := len(n.attempts); k > 0 {
		last := n.attempts[k-1]
		v.LastAttemptAt = strPtr(last.At)
		if last.Status != 0 {
			v.LastStatus = ptr(last.Status)
		}
	}
	if n.status == whPending {
		v.NextAttemptAt = tsPtr(n.nextAt)
	}
	if n.status == whDelivered {
		v.DeliveredAt = tsPtr(n.deliveredAt)
	}
	return v
}

func (s *Simulator) handleListWebhooks(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.hooks.observe(r)
	id := strings.TrimPrefix(r.PathValue("app"), "application:")
	if id != rc.client.ID {
		unauthorized().write(w) // another application's webhooks are not the caller's business
		return
	}
	scope := "webhooks|" + id
	p, rp, ok := parsePage(r.URL.Query(), scope, webhooksDefaultLimit, webhooksMaxLimit)
	if !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		s.hooks.fanout(st, rc.now)
		var mine []*notification
		for i := len(s.hooks.notes) - 1; i >= 0; i-- {
			if n := s.hooks.notes[i]; n.clientID == id {
				mine = append(mine, n)
			}
		}
		data, cur := paginate(mine, func(n *notification) int64 { return n.seq }, true, p, scope)
		views := make([]webhookView, 0, len(data))
		for _, n := range data {
			views = append(views, viewOf(n))
		}
		return jsonReply(http.StatusOK, listResponse[webhookView]{Cursor: cur, Data: views})
	})
}

// simWebhookView is everything the simulator knows about one notification.
type simWebhookView struct {
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
func (s *Simulator) handleSimWebhooks(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.hooks.observe(r)
	clientID := r.URL.Query().Get("client_id")
	s.withStore(w, func(st *store) reply {
		if clientID != "" && st.client(clientID) == nil {
			return notFound()
		}
		s.hooks.fanout(st, rc.now)
		out := []simWebhookView{}
		for i := len(s.hooks.notes) - 1; i >= 0; i-- {
			n := s.hooks.notes[i]
			if clientID != "" && n.clientID != clientID {
				continue
			}
			v := viewOf(n)
			out = append(out, simWebhookView{ID: n.id, ClientID: n.clientID, EventType: n.eventType, Status: n.status,
				CreatedAt: v.CreatedAt, NextAttemptAt: v.NextAttemptAt, DeliveredAt: v.DeliveredAt,
				Attempts: append([]webhookAttempt{}, n.attempts...), Data: n.payload})
		}
		return jsonReply(http.StatusOK, struct {
			Data []simWebhookView `json:"data"`
		}{out})
	})
}

// handleFlushWebhooks attempts every delivery due on the simulator clock and
// answers when they are done, so tests and runners need not wait or sleep.
// An attempt in flight from the background is finished first. A receiver
// must not call flush from inside its own webhook handler: the flush would
// wait for the round that waits for that handler.
func (s *Simulator) handleFlushWebhooks(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	s.hooks.observe(r)
	jsonReply(http.StatusOK, s.hooks.round(r.Context())).write(w)
}

type webhookURLBody struct {
	ClientID string `json:"client_id"`
	URL      string `json:"webhook_url"`
}

// handleSetWebhookURL (re)sets where a client's webhooks go, so a runner can
// start its receiver after registering. Pending notifications go to the new
// URL; "" stops delivery (pending ones wait for a URL again). Notifications
// created while the client had no URL stay undelivered, as at Stone.
func (s *Simulator) handleSetWebhookURL(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	s.hooks.observe(r)
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
		badRequest(msg).write(w)
		return
	}
	if *in.URL != "" {
		u, err := url.Parse(*in.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			validationErr(fieldError{Error: "must be an absolute http or https URL, or empty", Path: []string{"url"}}).write(w)
			return
		}
	}
	id := r.PathValue("id")
	s.withStore(w, func(st *store) reply {
		c := st.client(id)
		if c == nil {
			return notFound()
		}
		c.WebhookURL = *in.URL
		return jsonReply(http.StatusOK, webhookURLBody{ClientID: id, URL: c.WebhookURL})
	})
}
