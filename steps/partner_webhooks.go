package steps

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/partnerhook"
)

// PrereqReceived is what the partner-webhook scenarios need from the run:
// webhooks it received, whose event types they deliver again.
const PrereqReceived = "webhooks received by this run"

// The deliveries the partner-webhook action step makes, by the words the
// script uses for them.
func partnerKinds() map[string]string {
	return map[string]string{
		"as Stone does":                                 check.DeliveryValid,
		"signed by a key that is not Stone's":           check.DeliveryForged,
		"encrypted for a key that is not the partner's": check.DeliveryWrongKey,
		"as a body that is not a Stone delivery":        check.DeliveryGarbage,
	}
}

func partnerWebhookSteps() []Definition {
	return []Definition{
		step(kindEnsure, `^the partner's webhook receiver is configured$`, func(w *World) any { return w.partnerConfigured }).
			pt(`^(?:que )?o receptor de webhooks do parceiro está configurado$`),
		step(kindAction, `^homolog delivers one webhook of each type this run received to the partner's receiver (as Stone does|signed by a key that is not Stone's|encrypted for a key that is not the partner's|as a body that is not a Stone delivery)$`,
			func(w *World) any { return w.partnerDelivers }).
			pt(`^o homolog entrega ao receptor do parceiro um webhook de cada tipo que esta execução recebeu (como a Stone faz|assinado por uma chave que não é da Stone|cifrado para uma chave que não é a do parceiro|como um corpo que não é uma entrega da Stone)$`),
		step(kindAction, `^homolog delivers the same events again$`, func(w *World) any { return w.partnerDeliversAgain }).
			pt(`^o homolog entrega os mesmos eventos de novo$`),
		step(kindCheck, `^the partner's receiver answers each of them 2xx within (\d+) seconds$`, func(w *World) any { return w.partnerAnswered }).
			pt(`^o receptor do parceiro responde 2xx a cada um deles em até (\d+) segundos$`),
		step(kindCheck, `^the partner's receiver refuses each of them$`, func(w *World) any { return w.partnerRefused }).
			pt(`^o receptor do parceiro recusa cada um deles$`),
	}
}

// partnerSent is one delivery the scenario made and its journal records.
type partnerSent struct {
	eventType string
	kind      string
	set       partnerhook.Set
	recs      []check.Record
	first     []check.Record // for a delivery again: the records of the first one
}

func (w *World) partnerConfigured(context.Context) error {
	if w.s.cfg.Partner == nil {
		why := w.s.cfg.NoPartner
		if why == "" {
			why = "no partner webhook receiver is configured"
		}
		return &BlockedError{Prereq: "the partner's webhook receiver (webhooks.partner_url)", Cause: errors.New(why)}
	}
	return nil
}

// partnerDelivers waits for the scenarios before it (they produce the
// webhooks), then delivers, for each event type the run received, that
// event's verified payload to the partner's receiver as the kind says.
// What the receiver answered is judged by the next Then step; this step
// fails only when nothing could be sent.
func (w *World) partnerDelivers(ctx context.Context, how string) error {
	if err := w.partnerConfigured(ctx); err != nil {
		return err
	}
	if w.s.cfg.Inbox == nil {
		return &BlockedError{Prereq: PrereqWebhooks, Cause: errors.New(w.s.cfg.NoInbox)}
	}
	if err := w.s.awaitEarlier(ctx, w.id); err != nil {
		return err
	}
	received := firstOfEachType(w.s.cfg.Inbox.Received())
	if len(received) == 0 {
		return &BlockedError{Prereq: PrereqReceived, Cause: errors.New("no webhook arrived before this scenario: the partner's receiver is tested with the event types the run produced, so run it with the transact stage")}
	}
	kind := partnerKinds()[how]
	w.partner = nil
	for _, d := range received {
		claims := map[string]any{}
		for k, v := range d.Webhook.Raw {
			claims[k] = v
		}
		set, err := w.s.cfg.Partner.Prepare(d.Webhook.EventType, func(string) map[string]any { return claims })
		if err != nil {
			return err
		}
		sent := partnerSent{eventType: d.Webhook.EventType, kind: kind, set: set}
		if sent.recs, err = w.partnerSend(ctx, sent); err != nil && !hasHTTP(sent.recs) {
			return err
		}
		w.partner = append(w.partner, sent)
	}
	return nil
}

// partnerDeliversAgain delivers the scenario's Stone deliveries once more:
// the same event id, the same body, as Stone's retry does.
func (w *World) partnerDeliversAgain(ctx context.Context) error {
	if len(w.partner) == 0 || w.partner[0].kind != check.DeliveryValid {
		return errors.New("no delivery made as Stone does in this scenario to deliver again")
	}
	again := make([]partnerSent, 0, len(w.partner))
	for _, p := range w.partner {
		sent := partnerSent{eventType: p.eventType, kind: check.DeliveryAgain, set: p.set, first: p.recs}
		var err error
		if sent.recs, err = w.partnerSend(ctx, sent); err != nil && !hasHTTP(sent.recs) {
			return err
		}
		again = append(again, sent)
	}
	w.partner = again
	return nil
}

// partnerSend posts one delivery and returns its journal records.
func (w *World) partnerSend(ctx context.Context, p partnerSent) ([]check.Record, error) {
	d := p.set.Valid
	switch p.kind {
	case check.DeliveryForged:
		d = p.set.Forged
	case check.DeliveryWrongKey:
		d = p.set.WrongKey
	case check.DeliveryGarbage:
		d = p.set.Garbage
	}
	ctx, tape := check.WithTape(ctx)
	err := w.s.cfg.Partner.Send(ctx, d)
	return tape.Records(), err
}

// partnerAnswered judges each delivery of the scenario's last batch: a 2xx
// within the limit, to the first delivery and to the same event again.
func (w *World) partnerAnswered(ctx context.Context, seconds int64) error {
	if len(w.partner) == 0 {
		return errors.New("no delivery to the partner's receiver in this scenario")
	}
	within := strconv.FormatInt(seconds*1000, 10)
	var errs []error
	for _, p := range w.partner {
		var err error
		switch p.kind {
		case check.DeliveryValid:
			err = w.verify(ctx, check.PartnerWebhookAccepted, params("event_type", p.eventType, "within_ms", within), check.Inputs{"delivery": p.recs})
		case check.DeliveryAgain:
			err = w.verify(ctx, check.PartnerWebhookAgain, params("event_type", p.eventType, "within_ms", within), check.Inputs{"first": p.first, "again": p.recs})
		default:
			err = fmt.Errorf("the %s delivery of %s is one Stone never makes: it must be refused, not answered 2xx", p.kind, p.eventType)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// partnerRefused judges each delivery of the last batch as one Stone never
// makes: it must not be answered 2xx.
func (w *World) partnerRefused(ctx context.Context) error {
	if len(w.partner) == 0 {
		return errors.New("no delivery to the partner's receiver in this scenario")
	}
	var errs []error
	for _, p := range w.partner {
		errs = append(errs, w.verify(ctx, check.PartnerWebhookRefused, params("event_type", p.eventType, "kind", p.kind), check.Inputs{"delivery": p.recs}))
	}
	return errors.Join(errs...)
}

// firstOfEachType keeps the first delivery of each event type, sorted by
// type so that the report reads the same whatever order they arrived in.
func firstOfEachType(all []Delivery) []Delivery {
	seen := map[string]bool{}
	var out []Delivery
	for _, d := range all {
		if t := d.Webhook.EventType; t != "" && !seen[t] && d.Webhook.Raw != nil {
			seen[t] = true
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Webhook.EventType < out[j].Webhook.EventType })
	return out
}
