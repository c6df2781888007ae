package runner

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/partnerhook"
)

// partnerCase is one delivery of an event and the step that judges it.
type partnerCase struct {
	kind string
	text func(eventType string, within time.Duration) string
}

func partnerCases() []partnerCase {
	return []partnerCase{
		{check.DeliveryValid, func(t string, d time.Duration) string {
			return fmt.Sprintf("Stone's delivery of %s is answered 2xx within %s", t, d)
		}},
		{check.DeliveryAgain, func(t string, d time.Duration) string {
			return fmt.Sprintf("the same %s event delivered again is answered 2xx within %s", t, d)
		}},
		{check.DeliveryForged, func(string, time.Duration) string {
			return "a delivery signed by a key that is not Stone's is refused"
		}},
		{check.DeliveryWrongKey, func(string, time.Duration) string {
			return "a delivery encrypted for another key than the partner's is refused"
		}},
		{check.DeliveryGarbage, func(string, time.Duration) string {
			return "a body that is not a Stone delivery is refused"
		}},
	}
}

// partnerFeature is the plan of a webhooks send bundle: one scenario per
// event type, one step per delivery.
func partnerFeature(target, stoneKid, partnerKid string, within time.Duration, events []partnerhook.Event) *evidence.Feature {
	f := &evidence.Feature{
		URI:  "homolog webhooks send",
		Name: "Partner webhook receiver",
		Description: fmt.Sprintf("homolog acted as Stone towards the partner's webhook receiver at %s. "+
			"Stone's go-live rule (stone-api.md §7): the application receives and correctly handles every webhook of the features it implements. "+
			"For each event type: the delivery Stone makes (POST {\"encrypted_body\": JWE RSA-OAEP-256/A256GCM for the partner's key %s} "+
			"of a JWS RS256 signed by homolog's test Stone key %s, with x-stone-webhook-event-id and x-stone-webhook-event-type), "+
			"which must be answered 2xx within %s or Stone retries it; the same event again, which must be answered 2xx too; "+
			"and three deliveries Stone never makes (signed by another key under Stone's kid, encrypted for another key, a body that is not a delivery), "+
			"which must not be answered 2xx. Each JWE's header (alg, enc, the kid of the key it was encrypted for) stays readable in the evidence; "+
			"the rest is redacted to a fingerprint, the same for the same delivery.",
			target, partnerKid, stoneKid, within),
	}
	for i, ev := range events {
		sc := &evidence.Scenario{ID: "webhook-" + strconv.Itoa(i+1), Name: ev.Type, Tags: []string{"@" + ev.Family}}
		for _, pc := range partnerCases() {
			sc.Steps = append(sc.Steps, &evidence.Step{ID: sc.ID + "-" + pc.kind, Keyword: "Then", Text: pc.text(ev.Type, within)})
		}
		f.Scenarios = append(f.Scenarios, sc)
	}
	return f
}

// partnerDeliveries records the deliveries of each event.
type partnerDeliveries struct {
	rec      *evidence.Recorder
	sender   *partnerhook.Sender
	within   time.Duration
	clientID string
	now      func() time.Time
	out      io.Writer
	red      *evidence.Redactor
}

// event delivers the five deliveries of ev, each judged by its check,
// and records the scenario's outcome: every fault on its own step, all of
// them in the scenario's error.
func (d *partnerDeliveries) event(ctx context.Context, sc *evidence.Scenario, ev partnerhook.Event) {
	_ = d.rec.ScenarioStarted(sc.ID)
	targetID, accountID := d.sender.NewID(), d.sender.NewID()
	at := d.now().UTC().Truncate(time.Second)
	set, perr := d.sender.Prepare(ev.Type, func(id string) map[string]any {
		return ev.Claims(partnerhook.Facts{EventID: id, JTI: d.sender.NewID(), TargetID: targetID, AccountID: accountID, ClientID: d.clientID, At: at})
	})
	var faults []string
	var first []check.Record
	for i, pc := range partnerCases() {
		st := sc.Steps[i]
		_ = d.rec.StepStarted(sc.ID, st.ID)
		res, sendErr := d.deliver(ctx, sc.ID, st.ID, pc.kind, ev.Type, set, perr, &first)
		status, msg := evidence.StatusPassed, ""
		if !res.OK {
			status, msg = evidence.StatusFailed, res.Message
			if sendErr != nil && !strings.Contains(msg, sendErr.Error()) {
				msg += " (" + sendErr.Error() + ")"
			}
			faults = append(faults, msg)
		}
		_ = d.rec.StepFinished(sc.ID, st.ID, status, msg)
	}
	status, mark := evidence.StatusPassed, "ok  "
	if len(faults) > 0 {
		status, mark = evidence.StatusFailed, "FAIL"
	}
	_ = d.rec.ScenarioFinished(sc.ID, status, "", strings.Join(faults, "\n"))
	fmt.Fprintf(d.out, "  %s %s\n", mark, ev.Type)
	for _, f := range faults {
		fmt.Fprintf(d.out, "          %s\n", d.red.String(f))
	}
}

// deliver sends one delivery under its step's scope and judges it.
func (d *partnerDeliveries) deliver(ctx context.Context, scenario, step, kind, eventType string, set partnerhook.Set, prepErr error, first *[]check.Record) (check.Result, error) {
	within := strconv.FormatInt(d.within.Milliseconds(), 10)
	var del partnerhook.Delivery
	var name string
	p := check.Params{"event_type": eventType}
	switch kind {
	case check.DeliveryValid:
		del, name, p["within_ms"] = set.Valid, check.PartnerWebhookAccepted, within
	case check.DeliveryAgain:
		del, name, p["within_ms"] = set.Valid, check.PartnerWebhookAgain, within
	case check.DeliveryForged:
		del, name, p["kind"] = set.Forged, check.PartnerWebhookRefused, kind
	case check.DeliveryWrongKey:
		del, name, p["kind"] = set.WrongKey, check.PartnerWebhookRefused, kind
	default:
		del, name, p["kind"] = set.Garbage, check.PartnerWebhookRefused, kind
	}
	var recs []check.Record
	sendErr := prepErr
	if prepErr == nil {
		sctx, tape := check.WithTape(evidence.WithScope(ctx, evidence.Scope{Scenario: scenario, Step: step}))
		sendErr = d.sender.Send(sctx, del)
		recs = tape.Records()
	}
	in := check.Inputs{"delivery": recs}
	switch kind {
	case check.DeliveryValid:
		*first = recs
	case check.DeliveryAgain:
		in = check.Inputs{"first": *first, "again": recs}
	}
	res := check.Run(name, p, in)
	_ = d.rec.Check(scenario, step, res)
	return res, sendErr
}
