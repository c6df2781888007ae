package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// webhookReceived: a delivery (role "webhook") of event type param
// "event_type" about param "target_id" reached the run's receiver, which
// decrypted it with the partner's key and verified Stone's signature
// (outcome accepted), with an event id and a plausible event_happened_at
// (stone-api.md §7).
func webhookReceived(p Params, in Inputs) error {
	recs := in["webhook"]
	if len(recs) == 0 {
		return fmt.Errorf("no %s webhook was recorded", p["event_type"])
	}
	r := recs[len(recs)-1]
	w := r.Webhook
	if w == nil {
		return fmt.Errorf("#%d is not a webhook delivery", r.Seq)
	}
	switch {
	case w.Outcome != "accepted":
		return fmt.Errorf("#%d: the %s webhook %s was %s: %s", r.Seq, w.EventType, w.EventID, w.Outcome, w.Error)
	case w.EventType != p["event_type"]:
		return fmt.Errorf("#%d: the webhook is a %s, want %s", r.Seq, w.EventType, p["event_type"])
	case p["target_id"] != "" && w.TargetID != p["target_id"]:
		return fmt.Errorf("#%d: the %s webhook is about %q, want %q", r.Seq, w.EventType, w.TargetID, p["target_id"])
	case w.EventID == "":
		return fmt.Errorf("#%d: the %s webhook has no event id", r.Seq, w.EventType)
	}
	var payload struct {
		ID              string `json:"id"`
		EventHappenedAt string `json:"event_happened_at"`
	}
	if err := json.Unmarshal(w.Payload, &payload); err != nil {
		return fmt.Errorf("#%d: the %s webhook's verified payload is not JSON: %v", r.Seq, w.EventType, err)
	}
	at, err := time.Parse(time.RFC3339, payload.EventHappenedAt)
	if err != nil || at.IsZero() || (!r.Time.IsZero() && at.After(r.Time.Add(time.Hour))) {
		return fmt.Errorf("#%d: the %s webhook has no plausible event_happened_at (%q, received %s)", r.Seq, w.EventType, payload.EventHappenedAt, r.Time.UTC().Format(time.RFC3339))
	}
	return nil
}

// webhookListed: Stone's inspection endpoint (role "listing") lists the
// webhook delivered (role "webhook") among those sent to the application.
// stone-api.md §7 documents one example object ({client_id, created_at,
// data}) and no list shape, so that object, a bare array of them and a
// {cursor, data: [...]} page — the list shape of every other endpoint
// (§4.1) — are all read.
func webhookListed(_ Params, in Inputs) error {
	recs := in["webhook"]
	if len(recs) == 0 || recs[len(recs)-1].Webhook == nil {
		return fmt.Errorf("no webhook was received to look for")
	}
	id := recs[len(recs)-1].Webhook.EventID
	r, err := in.last("listing")
	if err != nil {
		return err
	}
	if err := ok2xx(r); err != nil {
		return err
	}
	ids, err := sentWebhookIDs(r.HTTP.ResponseBody)
	if err != nil {
		return fmt.Errorf("%s: %v", where(r), err)
	}
	for _, x := range ids {
		if x == id {
			return nil
		}
	}
	return fmt.Errorf("%s: webhook %s is not among the %d Stone lists as sent", where(r), id, len(ids))
}

func sentWebhookIDs(body []byte) ([]string, error) {
	body = bytes.TrimSpace(body)
	var items []json.RawMessage
	switch {
	case len(body) == 0:
		return nil, fmt.Errorf("empty body")
	case body[0] == '[':
		if err := json.Unmarshal(body, &items); err != nil {
			return nil, err
		}
	default:
		var page struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, err
		}
		if d := bytes.TrimSpace(page.Data); len(d) > 0 && d[0] == '[' {
			if err := json.Unmarshal(d, &items); err != nil {
				return nil, err
			}
		} else {
			items = []json.RawMessage{body}
		}
	}
	var ids []string
	for _, it := range items {
		var e struct {
			ID        string `json:"id"`
			EventType string `json:"event_type"`
			Data      *struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		if json.Unmarshal(it, &e) != nil {
			continue
		}
		switch {
		case e.Data != nil && e.Data.ID != "":
			ids = append(ids, e.Data.ID)
		case e.EventType != "":
			ids = append(ids, e.ID)
		}
	}
	return ids, nil
}
