package steps

import (
	"context"
	"time"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func invoiceSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application issues a deposit boleto of (\d+) centavos due in (\d+) days$`, func(w *World) any { return w.issuesBoleto }).
			pt(`^a aplicação emite um boleto de depósito de (\d+) centavos com vencimento em (\d+) dias$`),
		step(kindCheck, `^the boleto is issued with status "([^"]*)", a barcode and a writable line$`, func(w *World) any { return w.boletoIssued }).
			pt(`^o boleto é emitido com status "([^"]*)", código de barras e linha digitável$`),
		step(kindCheck, `^the boleto eventually has status "([^"]*)"$`, func(w *World) any { return w.boletoEventually }).
			pt(`^o boleto passa a ter status "([^"]*)"$`),
		step(kindAction, `^the application cancels the boleto$`, func(w *World) any { return w.cancelsBoleto }).
			pt(`^a aplicação cancela o boleto$`),
		step(kindAction, `^the application reads its boleto limits$`, func(w *World) any { return w.readsLimits }).
			pt(`^a aplicação lê seus limites de boleto$`),
		step(kindCheck, `^the limits give a minimum and a maximum amount in centavos$`, func(w *World) any { return w.limitsValid }).
			pt(`^os limites dão um valor mínimo e um máximo em centavos$`),
	}
}

func (w *World) issuesBoleto(ctx context.Context, amount, days int64) error {
	due := w.s.cfg.Now().In(time.FixedZone("BRT", -3*60*60)).AddDate(0, 0, int(days)).Format(time.DateOnly)
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.invoice, err = w.s.cfg.Client.CreateBarcodePaymentInvoice(ctx, stone.BarcodePaymentInvoiceRequest{
			AccountID: w.accountID, Amount: amount, ExpirationDate: due, InvoiceType: "deposit",
		}, w.key())
		return err
	})
	w.invoiceRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) boletoIssued(ctx context.Context, status string) error {
	return w.verify(ctx, check.BoletoIssued, params("status", status), check.Inputs{"response": w.invoiceRecs})
}

func (w *World) boletoEventually(ctx context.Context, status string) error {
	inv, err := need(w.invoice, "boleto", w.err)
	if err != nil {
		return err
	}
	return w.awaitStatus(ctx, "boleto", inv.ID, status, "", func(ctx context.Context) (string, error) {
		got, err := w.s.cfg.Client.BarcodePaymentInvoice(ctx, inv.ID)
		if err != nil {
			return "", err
		}
		w.invoice = got
		return got.Status, nil
	})
}

func (w *World) cancelsBoleto(ctx context.Context) error {
	inv, err := need(w.invoice, "boleto", w.err)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error { return w.s.cfg.Client.CancelBarcodePaymentInvoice(ctx, inv.ID) })
	return w.succeeded(ctx, recs, err)
}

func (w *World) readsLimits(ctx context.Context) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.InvoiceLimits(ctx, w.accountID)
		return err
	})
	w.limitsRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) limitsValid(ctx context.Context) error {
	return w.verify(ctx, check.LimitsValid, nil, check.Inputs{"response": w.limitsRecs})
}
