package check

import (
	"testing"
	"time"
)

// delivery is a recorded POST to a partner's receiver: sent at t0, answered
// after took with status (0: no answer).
func delivery(seq int64, eventType, eventID, body string, status int, took time.Duration) Record {
	t0 := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	r := rec(seq, "POST", "https://partner.example/hooks/stone", status, body, `{}`)
	r.HTTP.RequestHeaders = map[string][]string{eventTypeHeader: {eventType}, eventIDHeader: {eventID}}
	r.HTTP.StartedAt, r.HTTP.FinishedAt = t0, t0.Add(took)
	if status == 0 {
		r.HTTP.ResponseBody, r.HTTP.Error = nil, "context deadline exceeded"
	}
	return r
}

func TestPartnerWebhookChecks(t *testing.T) {
	const body = `{"encrypted_body":"[redacted:0123456789abcdef]"}`
	ok := func(seq int64) Record { return delivery(seq, "order_paid", "ev-1", body, 200, 80*time.Millisecond) }
	within := Params{"event_type": "order_paid", "within_ms": "10000"}
	noTimes := ok(4)
	noTimes.HTTP.StartedAt, noTimes.HTTP.FinishedAt = time.Time{}, time.Time{}
	refused := func(kind string) Params { return Params{"event_type": "order_paid", "kind": kind} }

	runCases(t, []checkCase{
		{"2xx in time", PartnerWebhookAccepted, within, Inputs{"delivery": {ok(1)}}, ""},
		{"204 counts", PartnerWebhookAccepted, within, Inputs{"delivery": {delivery(1, "order_paid", "ev-1", body, 204, time.Second)}}, ""},
		{"refused", PartnerWebhookAccepted, within, Inputs{"delivery": {delivery(1, "order_paid", "ev-1", body, 401, time.Second)}}, "answered #1 POST /hooks/stone, Stone's delivery of order_paid (signed by Stone's key, encrypted for the partner's), with 401"},
		{"too slow", PartnerWebhookAccepted, within, Inputs{"delivery": {delivery(1, "order_paid", "ev-1", body, 200, 12*time.Second)}}, "with 200 after 12s; Stone waits 10s"},
		{"slow under a shorter limit", PartnerWebhookAccepted, Params{"event_type": "order_paid", "within_ms": "50"}, Inputs{"delivery": {ok(1)}}, "after 80ms; Stone waits 50ms"},
		{"no answer", PartnerWebhookAccepted, within, Inputs{"delivery": {delivery(1, "order_paid", "ev-1", body, 0, 10*time.Second)}}, "did not answer #1 POST /hooks/stone, Stone's delivery of order_paid"},
		{"times not recorded", PartnerWebhookAccepted, within, Inputs{"delivery": {noTimes}}, "no recorded send and answer times"},
		{"another event type", PartnerWebhookAccepted, within, Inputs{"delivery": {delivery(1, "order_closed", "ev-1", body, 200, time.Second)}}, `is a delivery of "order_closed"`},
		{"no limit given", PartnerWebhookAccepted, Params{"event_type": "order_paid"}, Inputs{"delivery": {ok(1)}}, `parameter "within_ms" is missing`},
		{"nothing sent", PartnerWebhookAccepted, within, Inputs{}, "no delivery was recorded"},

		{"same event accepted again", PartnerWebhookAgain, within, Inputs{"first": {ok(1)}, "again": {ok(2)}}, ""},
		{"retry refused as a duplicate", PartnerWebhookAgain, within, Inputs{"first": {ok(1)}, "again": {delivery(2, "order_paid", "ev-1", body, 409, time.Second)}}, "answered #2 POST /hooks/stone, the order_paid event ev-1 delivered again (the same id and body as #1 POST /hooks/stone), with 409"},
		{"retry too slow", PartnerWebhookAgain, within, Inputs{"first": {ok(1)}, "again": {delivery(2, "order_paid", "ev-1", body, 200, 11*time.Second)}}, "after 11s"},
		{"not the same id", PartnerWebhookAgain, within, Inputs{"first": {ok(1)}, "again": {delivery(2, "order_paid", "ev-2", body, 200, time.Second)}}, "it is not the same event again"},
		{"not the same body", PartnerWebhookAgain, within, Inputs{"first": {ok(1)}, "again": {delivery(2, "order_paid", "ev-1", `{"encrypted_body":"[redacted:fedcba9876543210]"}`, 200, time.Second)}}, "it is not the same delivery again"},
		{"no first delivery", PartnerWebhookAgain, within, Inputs{"again": {ok(2)}}, "no first was recorded"},

		{"forged refused", PartnerWebhookRefused, refused(DeliveryForged), Inputs{"delivery": {delivery(3, "order_paid", "ev-3", body, 400, time.Second)}}, ""},
		{"forged refused with 500 still refused", PartnerWebhookRefused, refused(DeliveryForged), Inputs{"delivery": {delivery(3, "order_paid", "ev-3", body, 500, time.Second)}}, ""},
		{"forged accepted", PartnerWebhookRefused, refused(DeliveryForged), Inputs{"delivery": {delivery(3, "order_paid", "ev-3", body, 200, time.Second)}}, "accepted #3 POST /hooks/stone, a delivery signed by a key that is not Stone's (under Stone's kid), of order_paid, with 200"},
		{"wrong key accepted", PartnerWebhookRefused, refused(DeliveryWrongKey), Inputs{"delivery": {delivery(4, "order_paid", "ev-4", body, 202, time.Second)}}, "encrypted for another key than the partner's, of order_paid, with 202"},
		{"garbage accepted", PartnerWebhookRefused, refused(DeliveryGarbage), Inputs{"delivery": {delivery(5, "order_paid", "ev-5", "not json", 200, time.Second)}}, "not a Stone delivery (not JSON, no encrypted_body), of order_paid, with 200"},
		{"garbage not answered", PartnerWebhookRefused, refused(DeliveryGarbage), Inputs{"delivery": {delivery(5, "order_paid", "ev-5", "not json", 0, time.Second)}}, "did not answer #5"},
		{"unknown kind", PartnerWebhookRefused, refused("sideways"), Inputs{"delivery": {ok(1)}}, `kind is "sideways"`},
	})
}
