package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/check"
)

func webhookSteps() []Definition {
	return []Definition{
		step(kindEnsure, `^the application receives webhooks$`, func(w *World) any { return w.receivesWebhooks }).
			pt(`^(?:que )?a aplicação recebe webhooks$`),
		step(kindCheck, `^a webhook "([^"]*)" arrives for the (transfer|TED|PIX payment|payment|boleto|consented account|payment link|sign-up)$`, func(w *World) any { return w.webhookArrives }).
			pt(`^um webhook "([^"]*)" chega para (a transferência|a TED|o pagamento PIX|o pagamento|o boleto|a conta consentida|o link de pagamento|a abertura de conta)$`),
		step(kindCheck, `^Stone lists the webhook among those sent to the application$`, func(w *World) any { return w.webhookListed }).
			pt(`^a Stone lista o webhook entre os enviados à aplicação$`),
	}
}

func (w *World) receivesWebhooks(context.Context) error {
	if w.s.cfg.Inbox == nil {
		why := w.s.cfg.NoInbox
		if why == "" {
			why = "no webhook receiver is configured"
		}
		return &BlockedError{Prereq: PrereqWebhooks, Cause: errors.New(why)}
	}
	return nil
}

// webhookArrives waits for the webhook, then judges its recorded delivery:
// a delivery that never came is judged too (the check fails naming it).
func (w *World) webhookArrives(ctx context.Context, eventType, what string) error {
	id, err := w.subjectID(what)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, w.s.cfg.Wait)
	defer cancel()
	in := check.Inputs{}
	d, aerr := w.s.cfg.Inbox.Await(wctx, eventType, id)
	if aerr == nil {
		w.webhook = &d.Record
		in["webhook"] = []check.Record{d.Record}
	}
	if err := w.verify(ctx, check.WebhookReceived, params("event_type", eventType, "target_id", id), in); err != nil {
		if aerr != nil {
			return fmt.Errorf("%w: %v", err, aerr)
		}
		return err
	}
	return nil
}

func (w *World) webhookListed(ctx context.Context) error {
	if w.webhook == nil {
		return errors.New("no webhook was received in this scenario")
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.ApplicationWebhooks(ctx)
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.WebhookListed, nil, check.Inputs{"webhook": {*w.webhook}, "listing": recs})
}

// subjectID is the id of the resource a scenario is about.
func (w *World) subjectID(what string) (string, error) {
	var id string
	switch what {
	case "transfer":
		if w.transfer != nil {
			id = w.transfer.ID
		}
	case "TED":
		if w.ted != nil {
			id = w.ted.ID
		}
	case "PIX payment":
		if w.pix != nil {
			id = w.pix.ID
		}
	case "payment":
		if w.payment != nil {
			id = w.payment.ID
		}
	case "boleto":
		if w.invoice != nil {
			id = w.invoice.ID
		}
	case "consented account":
		id = w.accountID
	case "payment link":
		if w.order != nil {
			id = w.order.ID
		}
	case "sign-up":
		id = w.signUpID
	}
	if id == "" {
		return "", fmt.Errorf("no %s in this scenario to expect a webhook for", what)
	}
	return id, nil
}
