package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/openbank-homolog/homolog/stone"
)

func (s *Session) invoiceSteps(add func(string, any)) {
	add(`^the application issues a deposit boleto of (\d+) centavos due in (\d+) days$`, onIntInt(func(ctx context.Context, w *World, amount, days int64) error {
		due := s.cfg.Now().In(time.FixedZone("BRT", -3*60*60)).AddDate(0, 0, int(days)).Format(time.DateOnly)
		w.invoice, w.err = s.cfg.Client.CreateBarcodePaymentInvoice(ctx, stone.BarcodePaymentInvoiceRequest{
			AccountID: w.accountID, Amount: amount, ExpirationDate: due, InvoiceType: "deposit",
		}, w.key())
		return w.err
	}))
	add(`^the boleto is issued with status "([^"]*)", a barcode and a writable line$`, onStr(func(_ context.Context, w *World, status string) error {
		inv, err := need(w.invoice, "boleto", w.err)
		if err != nil {
			return err
		}
		if inv.Status != status {
			return fmt.Errorf("boleto %s has status %q, want %q", inv.ID, inv.Status, status)
		}
		if len(inv.Barcode) != 44 || len(inv.WritableLine) != 47 {
			return fmt.Errorf("boleto %s: barcode %q (want 44 digits), writable line %q (want 47)", inv.ID, inv.Barcode, inv.WritableLine)
		}
		return nil
	}))
	add(`^the boleto eventually has status "([^"]*)"$`, onStr(func(ctx context.Context, w *World, status string) error {
		inv, err := need(w.invoice, "boleto", w.err)
		if err != nil {
			return err
		}
		return s.eventually(ctx, "boleto "+inv.ID, status, func(ctx context.Context) (string, string, error) {
			got, err := s.cfg.Client.BarcodePaymentInvoice(ctx, inv.ID)
			if err != nil {
				return "", "", err
			}
			w.invoice = got
			return got.Status, "", nil
		})
	}))
	add(`^the application cancels the boleto$`, on(func(ctx context.Context, w *World) error {
		inv, err := need(w.invoice, "boleto", w.err)
		if err != nil {
			return err
		}
		return s.cfg.Client.CancelBarcodePaymentInvoice(ctx, inv.ID)
	}))
	add(`^the application reads its boleto limits$`, on(func(ctx context.Context, w *World) error {
		w.limits, w.err = s.cfg.Client.InvoiceLimits(ctx, w.accountID)
		return w.err
	}))
	add(`^the limits give a minimum and a maximum amount in centavos$`, on(func(_ context.Context, w *World) error {
		l, err := need(w.limits, "boleto limits", w.err)
		if err != nil {
			return err
		}
		if l.MinimumAmount <= 0 || l.MaximumAmount < l.MinimumAmount {
			return fmt.Errorf("limits minimum %d, maximum %d: want 0 < minimum ≤ maximum", l.MinimumAmount, l.MaximumAmount)
		}
		return nil
	}))
}
