package stone

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Headers Stone sends with every webhook delivery (stone-api.md §7).
const (
	WebhookEventIDHeader   = "x-stone-webhook-event-id"   // the event id: dedupe on it
	WebhookEventTypeHeader = "x-stone-webhook-event-type" // equals the payload's event_type
)

// Webhook is a webhook event: the claims of the JWS Stone signs. Decoding
// is lenient, because Stone adds fields and its own examples carry nulls
// and malformed times: a missing, null or mistyped member leaves its field
// zero, and Raw keeps every member as sent.
type Webhook struct {
	ID                 string // payload id; the delivery's header id when the payload's is null
	EventID            string // x-stone-webhook-event-id of the delivery: the key deliveries are de-duplicated by
	EventType          string
	Env                string    // sandbox|production (schemas also list homolog, test, development)
	EventHappenedAt    time.Time // zero when absent or not RFC 3339
	EventNotifiedAt    time.Time
	TargetType         string
	TargetID           string
	TargetDetailURI    string
	TargetStatementURI string
	TargetData         json.RawMessage // the resource (transfer, payment, account...); nil when null
	SessionMetadata    map[string]any  // consent events only
	JTI                string
	Raw                map[string]json.RawMessage
}

// DecodeWebhook decodes webhook claims; only a payload that is not a JSON
// object is an error.
func DecodeWebhook(payload []byte) (Webhook, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil || m == nil {
		if err == nil {
			err = fmt.Errorf("payload is null")
		}
		return Webhook{}, fmt.Errorf("stone: decode webhook: %w", err)
	}
	w := Webhook{
		ID:                 jsonString(m["id"]),
		EventType:          jsonString(m["event_type"]),
		Env:                jsonString(m["env"]),
		EventHappenedAt:    jsonTime(m["event_happened_at"]),
		EventNotifiedAt:    jsonTime(m["event_notified_at"]),
		TargetType:         jsonString(m["target_type"]),
		TargetID:           jsonString(m["target_id"]),
		TargetDetailURI:    jsonString(m["target_detail_uri"]),
		TargetStatementURI: jsonString(m["target_statement_uri"]),
		JTI:                jsonString(m["jti"]),
		Raw:                m,
	}
	if td := m["target_data"]; !isNull(td) {
		w.TargetData = compact(td)
	}
	var meta map[string]any
	if json.Unmarshal(m["session_metadata"], &meta) == nil {
		w.SessionMetadata = meta
	}
	return w, nil
}

// jsonString decodes a JSON string; anything else (null, a number) is "".
func jsonString(raw json.RawMessage) string {
	var s string
	if isNull(raw) || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// jsonTime decodes an RFC 3339 string; anything else is the zero time.
func jsonTime(raw json.RawMessage) time.Time {
	t, err := time.Parse(time.RFC3339, jsonString(raw))
	if err != nil {
		return time.Time{}
	}
	return t
}

// SentWebhook is one entry of the inspection endpoint: a webhook Stone
// already sent to the application.
type SentWebhook struct {
	ClientID  string
	CreatedAt time.Time // zero when absent or not RFC 3339
	Webhook   Webhook   // decoded from "data"
	Raw       json.RawMessage
}

// SentWebhooks is what ApplicationWebhooks read; Cursor is set when Stone
// answered with a {cursor, data} page.
type SentWebhooks struct {
	Cursor *Cursor
	Data   []SentWebhook
}

// ApplicationWebhooks lists the webhooks Stone sent to this application:
// GET /applications/application:{client_id}/webhooks. Stone documents one
// example object and no list shape, so a bare array, a {cursor, data} page
// and a single {client_id, created_at, data} object are all accepted.
func (c *Client) ApplicationWebhooks(ctx context.Context) (*SentWebhooks, error) {
	const op = "list application webhooks"
	path := "/applications/application:" + url.PathEscape(c.clientID) + "/webhooks"
	resp, err := c.exchange(ctx, call{op: op, method: http.MethodGet, path: path})
	if err != nil {
		return nil, err
	}
	out, err := decodeSentWebhooks(resp.body)
	if err != nil {
		return nil, fmt.Errorf("stone: %s: %w", op, err)
	}
	return out, nil
}

func decodeSentWebhooks(body []byte) (*SentWebhooks, error) {
	body = bytes.TrimSpace(body)
	var items []json.RawMessage
	out := &SentWebhooks{}
	switch {
	case len(body) == 0:
		return nil, fmt.Errorf("empty response body")
	case body[0] == '[':
		if err := json.Unmarshal(body, &items); err != nil {
			return nil, fmt.Errorf("decode response: %w", err)
		}
	case body[0] == '{':
		var page struct {
			Cursor *Cursor         `json:"cursor"`
			Data   json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, fmt.Errorf("decode response: %w", err)
		}
		data := bytes.TrimSpace(page.Data)
		if len(data) > 0 && data[0] == '[' {
			out.Cursor = page.Cursor
			if err := json.Unmarshal(data, &items); err != nil {
				return nil, fmt.Errorf("decode response: %w", err)
			}
		} else {
			items = []json.RawMessage{body} // the documented single object
		}
	default:
		return nil, fmt.Errorf("decode response: want a JSON array or object, got %s", truncate(string(body), 40))
	}
	for _, it := range items {
		var m map[string]json.RawMessage
		if json.Unmarshal(it, &m) != nil || m == nil {
			continue // not an object: nothing to report
		}
		sw := SentWebhook{ClientID: jsonString(m["client_id"]), CreatedAt: jsonTime(m["created_at"]), Raw: compact(it)}
		payload := m["data"]
		if isNull(payload) && !isNull(m["event_type"]) {
			payload = it // an entry that is the event itself
		}
		if w, err := DecodeWebhook(payload); err == nil {
			sw.Webhook = w
		}
		out.Data = append(out.Data, sw)
	}
	return out, nil
}
