package steps

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func (s *Session) webhookSteps(add func(string, any)) {
	add(`^the application receives webhooks$`, on(func(_ context.Context, _ *World) error {
		if s.cfg.Inbox == nil {
			why := s.cfg.NoInbox
			if why == "" {
				why = "no webhook receiver is configured"
			}
			return &BlockedError{Prereq: PrereqWebhooks, Cause: errors.New(why)}
		}
		return nil
	}))
	add(`^a webhook "([^"]*)" arrives for the (transfer|TED|PIX payment|payment|boleto|consented account)$`, onStrStr(func(ctx context.Context, w *World, eventType, what string) error {
		id, err := w.subjectID(what)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, s.cfg.Wait)
		defer cancel()
		wh, err := s.cfg.Inbox.Await(ctx, eventType, id)
		if err != nil {
			return err
		}
		if wh.ID == "" {
			return fmt.Errorf("the %s webhook has no event id", eventType)
		}
		if wh.EventHappenedAt.IsZero() || wh.EventHappenedAt.After(s.cfg.Now().Add(time.Hour)) {
			return fmt.Errorf("the %s webhook has no plausible event_happened_at", eventType)
		}
		w.webhookID = wh.ID
		return nil
	}))
	add(`^Stone lists the webhook among those sent to the application$`, on(func(ctx context.Context, w *World) error {
		if w.webhookID == "" {
			return errors.New("no webhook was received in this scenario")
		}
		sent, err := s.cfg.Client.ApplicationWebhooks(ctx)
		if err != nil {
			return err
		}
		for _, x := range sent.Data {
			if x.Webhook.ID == w.webhookID {
				return nil
			}
		}
		return fmt.Errorf("webhook %s is not among the %d Stone lists as sent", w.webhookID, len(sent.Data))
	}))
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
	}
	if id == "" {
		return "", fmt.Errorf("no %s in this scenario to expect a webhook for", what)
	}
	return id, nil
}
