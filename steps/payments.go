package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/stone"
)

func (s *Session) paymentSteps(add func(string, any)) {
	add(`^the application checks the (payable|paid) boleto in the fixtures$`, onStr(func(ctx context.Context, w *World, which string) error {
		w.barcode = s.cfg.Fixtures.PayableBarcode
		if which == "paid" {
			w.barcode = s.cfg.Fixtures.PaidBarcode
		}
		if w.barcode == "" {
			return fmt.Errorf("no %s boleto: set fixtures.barcodes.%s in scenarios.yaml", which, which)
		}
		w.check, w.err = s.cfg.Client.DryRunPayment(ctx, stone.PaymentRequest{AccountID: w.accountID, Barcode: w.barcode}, w.key())
		return w.err
	}))
	add(`^the check says the boleto is "([^"]*)" with its amount$`, onStr(func(_ context.Context, w *World, status string) error {
		c, err := need(w.check, "boleto check", w.err)
		if err != nil {
			return err
		}
		if c.Details == nil {
			return errors.New("the dry run has no details about the boleto")
		}
		if c.Details.Status != status {
			return fmt.Errorf("the dry run says the boleto is %q, want %q", c.Details.Status, status)
		}
		if boletoAmount(c) <= 0 {
			return errors.New("the dry run gives no amount for the boleto")
		}
		return nil
	}))
	add(`^the application pays the boleto$`, on(func(ctx context.Context, w *World) error {
		if w.barcode == "" {
			return errors.New("no boleto was checked in this scenario")
		}
		w.payment, w.err = s.cfg.Client.CreatePayment(ctx, stone.PaymentRequest{AccountID: w.accountID, Barcode: w.barcode}, w.key())
		return w.err
	}))
	add(`^the payment eventually has status "([^"]*)"$`, onStr(func(ctx context.Context, w *World, status string) error {
		p, err := need(w.payment, "payment", w.err)
		if err != nil {
			return err
		}
		return s.eventually(ctx, "payment "+p.ID, status, func(ctx context.Context) (string, string, error) {
			got, err := s.cfg.Client.Payment(ctx, p.ID)
			if err != nil {
				return "", "", err
			}
			w.payment = got
			return got.Status, got.FailureReasonDescription, nil
		})
	}))
	add(`^the statement shows the payment as one debit of the boleto's amount$`, on(func(ctx context.Context, w *World) error {
		p, err := need(w.payment, "payment", w.err)
		if err != nil {
			return err
		}
		amount := p.Amount
		if w.check != nil && boletoAmount(w.check) != amount {
			return fmt.Errorf("payment %s is for %d centavos, the check said %d", p.ID, amount, boletoAmount(w.check))
		}
		return s.oneDebit(ctx, p.AccountID, p.ID, amount)
	}))
}

// boletoAmount is what a checked boleto costs today: the dry run's value
// when given, else its face value.
func boletoAmount(c *stone.PaymentDryRun) int64 {
	switch {
	case c.Details != nil && c.Details.Value != nil:
		return *c.Details.Value
	case c.Amount > 0:
		return c.Amount
	case c.BarcodeDetails != nil:
		return c.BarcodeDetails.FaceValue
	}
	return 0
}
