package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func paymentSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application checks the (payable|paid) boleto in the fixtures$`, func(w *World) any { return w.checksBoleto }).
			pt(`^a aplicação consulta o boleto (pagável|pago) das fixtures$`),
		step(kindCheck, `^the check says the boleto is "([^"]*)" with its amount$`, func(w *World) any { return w.boletoChecked }).
			pt(`^a consulta diz que o boleto está "([^"]*)" com seu valor$`),
		step(kindAction, `^the application pays the boleto$`, func(w *World) any { return w.paysBoleto }).
			pt(`^a aplicação paga o boleto$`),
		step(kindCheck, `^the payment eventually has status "([^"]*)"$`, func(w *World) any { return w.paymentEventually }).
			pt(`^o pagamento passa a ter status "([^"]*)"$`),
		step(kindCheck, `^the statement shows the payment as one debit of the boleto's amount$`, func(w *World) any { return w.paymentOneDebit }).
			pt(`^o extrato mostra o pagamento como um débito do valor do boleto$`),
	}
}

func (w *World) checksBoleto(ctx context.Context, which string) error {
	w.barcode = w.s.cfg.Fixtures.PayableBarcode
	if which == "paid" {
		w.barcode = w.s.cfg.Fixtures.PaidBarcode
	}
	if w.barcode == "" {
		return fmt.Errorf("no %s boleto: set fixtures.barcodes.%s in scenarios.yaml", which, which)
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.dryCheck, err = w.s.cfg.Client.DryRunPayment(ctx, stone.PaymentRequest{AccountID: w.accountID, Barcode: w.barcode}, w.key())
		return err
	})
	w.checkRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) boletoChecked(ctx context.Context, status string) error {
	return w.verify(ctx, check.BoletoDryRun, params("status", status), check.Inputs{"response": w.checkRecs})
}

func (w *World) paysBoleto(ctx context.Context) error {
	if w.barcode == "" {
		return errors.New("no boleto was checked in this scenario")
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.payment, err = w.s.cfg.Client.CreatePayment(ctx, stone.PaymentRequest{AccountID: w.accountID, Barcode: w.barcode}, w.key())
		return err
	})
	w.paymentRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) paymentEventually(ctx context.Context, status string) error {
	p, err := need(w.payment, "payment", w.err)
	if err != nil {
		return err
	}
	return w.awaitStatus(ctx, "payment", p.ID, status, "", func(ctx context.Context) (string, error) {
		got, err := w.s.cfg.Client.Payment(ctx, p.ID)
		if err != nil {
			return "", err
		}
		w.payment = got
		return got.Status, nil
	})
}

func (w *World) paymentOneDebit(ctx context.Context) error {
	p, err := need(w.payment, "payment", w.err)
	if err != nil {
		return err
	}
	if len(w.checkRecs) > 0 {
		if err := w.verify(ctx, check.AmountsAgree, nil, check.Inputs{"check": w.checkRecs, "payment": w.paymentRecs}); err != nil {
			return err
		}
	}
	return w.oneDebit(ctx, w.paymentRecs, p.AccountID, p.Amount)
}
