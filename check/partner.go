package check

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// The partner's own webhook receiver is judged by what it answered when
// homolog delivered to it as Stone does (homolog webhooks send, and the
// @webhooks-partner feature). stone-api.md §7: a delivery is a POST of
// {"encrypted_body": JWE} with x-stone-webhook-event-id and
// x-stone-webhook-event-type; any 2xx is success, anything else (or no
// answer in time) makes Stone retry, up to 50 times; the event id is the
// idempotency key receivers dedupe on.

// Kinds of delivery homolog makes to the partner's receiver, as the
// partner_webhook_refused check's "kind" parameter names them.
const (
	DeliveryValid    = "valid"     // signed by Stone's key, encrypted for the partner's
	DeliveryAgain    = "again"     // the same event (same id, same body) once more
	DeliveryForged   = "forged"    // signed by another key under Stone's kid
	DeliveryWrongKey = "wrong_key" // signed by Stone, encrypted for another key
	DeliveryGarbage  = "garbage"   // not JSON, no encrypted_body
)

// Header names of a Stone delivery, as the recorder writes them.
const (
	eventIDHeader   = "X-Stone-Webhook-Event-Id"
	eventTypeHeader = "X-Stone-Webhook-Event-Type"
)

// partnerWebhookAccepted: the partner's receiver answered the delivery
// (role "delivery") of event type param "event_type" with a 2xx within
// param "within_ms" milliseconds (Stone waits 10 s).
func partnerWebhookAccepted(p Params, in Inputs) error {
	r, err := partnerDelivery(p, in, "delivery")
	if err != nil {
		return err
	}
	return answeredInTime(p, r, fmt.Sprintf("%s, Stone's delivery of %s (signed by Stone's key, encrypted for the partner's),", where(r), p["event_type"]),
		"Stone retries a delivery that gets no 2xx")
}

// partnerWebhookAgainAccepted: the receiver answered 2xx, within param
// "within_ms", to the same event delivered again (role "again": the same
// x-stone-webhook-event-id and body as role "first"): receivers must
// tolerate Stone's retries. Whether it processed the event twice cannot
// be seen from outside; that it did not refuse the retry can.
func partnerWebhookAgainAccepted(p Params, in Inputs) error {
	first, err := partnerDelivery(p, in, "first")
	if err != nil {
		return err
	}
	again, err := partnerDelivery(p, in, "again")
	if err != nil {
		return err
	}
	id := header(first.HTTP.RequestHeaders, eventIDHeader)
	switch {
	case id == "":
		return fmt.Errorf("%s carries no %s: it cannot be delivered again", where(first), eventIDHeader)
	case header(again.HTTP.RequestHeaders, eventIDHeader) != id:
		return fmt.Errorf("%s carries event id %q, %s carries %q: it is not the same event again", where(again), header(again.HTTP.RequestHeaders, eventIDHeader), where(first), id)
	case !bytes.Equal(again.HTTP.RequestBody, first.HTTP.RequestBody):
		return fmt.Errorf("%s does not carry the body of %s: it is not the same delivery again", where(again), where(first))
	}
	return answeredInTime(p, again, fmt.Sprintf("%s, the %s event %s delivered again (the same id and body as %s),", where(again), p["event_type"], id, where(first)),
		"Stone re-sends an event until it gets a 2xx, so a receiver answers 2xx to one it already has (without processing it twice)")
}

// partnerWebhookRefused: the receiver did not accept (no 2xx) a delivery
// Stone did not make (role "delivery"), of the kind param "kind" says.
// Any answer other than a 2xx is a refusal; no answer at all is not
// one: the delivery was neither refused nor accepted.
func partnerWebhookRefused(p Params, in Inputs) error {
	what, ok := refusedKinds()[p["kind"]]
	if !ok {
		return fmt.Errorf("parameter kind is %q, not one of %s", p["kind"], strings.Join(refusedKindNames(), ", "))
	}
	r, err := partnerDelivery(p, in, "delivery")
	if err != nil {
		return err
	}
	h := r.HTTP
	switch {
	case h.Status == 0:
		return fmt.Errorf("the partner's receiver did not answer %s, %s, of %s: %s; it must refuse it with a 4xx", where(r), what.text, p["event_type"], h.Error)
	case h.Status/100 == 2:
		return fmt.Errorf("the partner's receiver accepted %s, %s, of %s, with %d: %s", where(r), what.text, p["event_type"], h.Status, what.fault)
	}
	return nil
}

type refusedKind struct{ text, fault string }

func refusedKinds() map[string]refusedKind {
	return map[string]refusedKind{
		DeliveryForged: {"a delivery signed by a key that is not Stone's (under Stone's kid)",
			"it must verify the JWS with the key Stone's JWKS holds for that kid, and refuse a signature that does not verify"},
		DeliveryWrongKey: {"a delivery encrypted for another key than the partner's",
			"it cannot have decrypted it with the partner's key, so it accepted what it could not read"},
		DeliveryGarbage: {"a body that is not a Stone delivery (not JSON, no encrypted_body)",
			"it must refuse a body it cannot decrypt and verify, whatever its headers say"},
	}
}

func refusedKindNames() []string { return []string{DeliveryForged, DeliveryWrongKey, DeliveryGarbage} }

// partnerDelivery is the last HTTP record of role, checked to be a POST
// delivery of the event type the check is about.
func partnerDelivery(p Params, in Inputs, role string) (Record, error) {
	r, err := in.last(role)
	if err != nil {
		return Record{}, err
	}
	if r.HTTP.Method != "POST" {
		return Record{}, fmt.Errorf("%s is not a POST: it is not a webhook delivery", where(r))
	}
	if want := p["event_type"]; want != "" {
		if got := header(r.HTTP.RequestHeaders, eventTypeHeader); got != want {
			return Record{}, fmt.Errorf("%s is a delivery of %q (%s), not of %q", where(r), got, eventTypeHeader, want)
		}
	}
	return r, nil
}

// answeredInTime fails unless r got a 2xx within param within_ms of being
// sent. what names the delivery, why says what Stone does otherwise.
func answeredInTime(p Params, r Record, what, why string) error {
	within, err := p.Int("within_ms")
	if err != nil {
		return err
	}
	limit := time.Duration(within) * time.Millisecond
	h := r.HTTP
	took := h.FinishedAt.Sub(h.StartedAt)
	known := !h.StartedAt.IsZero() && !h.FinishedAt.IsZero() && took >= 0
	switch {
	case h.Status == 0:
		return fmt.Errorf("the partner's receiver did not answer %s: %s; %s", strings.TrimSuffix(what, ","), h.Error, why)
	case h.Status/100 != 2:
		return fmt.Errorf("the partner's receiver answered %s with %d%s; %s", what, h.Status, answerText(r), why)
	case !known:
		return fmt.Errorf("%s has no recorded send and answer times: whether it was answered within %s cannot be told", where(r), limit)
	case took > limit:
		return fmt.Errorf("the partner's receiver answered %s with %d after %s; Stone waits %s and retries a delivery answered later", what, h.Status, took.Round(time.Millisecond), limit)
	}
	return nil
}

// answerText quotes the start of a response body, for messages.
func answerText(r Record) string {
	b := strings.TrimSpace(string(r.HTTP.ResponseBody))
	if b == "" {
		return ""
	}
	if len(b) > 120 {
		b = b[:120] + "…"
	}
	return " (" + b + ")"
}
