package steps

import (
	"context"
	"time"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func receiptSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application asks for the receipt of the transfer$`, func(w *World) any { return w.transferReceipt }).
			pt(`^a aplicação pede o comprovante da transferência$`),
		step(kindAction, `^the application asks for the receipt of the PIX payment$`, func(w *World) any { return w.pixReceipt }).
			pt(`^a aplicação pede o comprovante do pagamento PIX$`),
		step(kindAction, `^the application asks for a receipt of its account's statement for the last (\d+) days$`, func(w *World) any { return w.statementReceipt }).
			pt(`^a aplicação pede um comprovante do extrato da sua conta dos últimos (\d+) dias$`),
		step(kindAction, `^the application downloads the boleto's PDF$`, func(w *World) any { return w.boletoPDF }).
			pt(`^a aplicação baixa o PDF do boleto$`),
		step(kindCheck, `^the document is a PDF that opens and shows what it is about$`, func(w *World) any { return w.documentIsPDF }).
			pt(`^o documento é um PDF que abre e mostra do que se trata$`),
	}
}

// document runs a call that answers a document and keeps its records and
// what the document must show.
func (w *World) document(ctx context.Context, shows string, f func(ctx context.Context) error) error {
	recs, err := w.call(ctx, f)
	w.docRecs, w.docShows = recs, shows
	return w.succeeded(ctx, recs, err)
}

func (w *World) transferReceipt(ctx context.Context) error {
	tr, err := need(w.transfer, "transfer", w.err)
	if err != nil {
		return err
	}
	return w.document(ctx, tr.ID, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Receipt(ctx, stone.ReceiptRequest{ResourceType: stone.ReceiptInternalTransfer, ResourceID: tr.ID}, w.key())
		return err
	})
}

func (w *World) pixReceipt(ctx context.Context) error {
	p, err := need(w.pix, "PIX payment", w.err)
	if err != nil {
		return err
	}
	return w.document(ctx, p.ID, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.PixReceipt(ctx, stone.ReceiptRequest{ResourceType: stone.ReceiptOutboundPixPayment, ResourceID: p.ID}, w.key())
		return err
	})
}

// statementReceipt asks for the statement of the scenario's account: the
// docs do not say which id a statement receipt takes; the account's is
// the one that names a statement (stone-api-families.md §2 [I]).
func (w *World) statementReceipt(ctx context.Context, days int64) error {
	if w.accountID == "" {
		return errNoAccount
	}
	end := w.s.cfg.Now().UTC().Truncate(time.Second)
	start := end.AddDate(0, 0, -int(days))
	return w.document(ctx, "", func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Receipt(ctx, stone.ReceiptRequest{ResourceType: stone.ReceiptStatement, ResourceID: w.accountID,
			Start: &start, End: &end}, w.key())
		return err
	})
}

func (w *World) boletoPDF(ctx context.Context) error {
	inv, err := need(w.invoice, "boleto", w.err)
	if err != nil {
		return err
	}
	return w.document(ctx, inv.WritableLine, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.InvoicePDF(ctx, inv.ID)
		return err
	})
}

func (w *World) documentIsPDF(ctx context.Context) error {
	return w.verify(ctx, check.ReceiptPDF, params("contains", w.docShows), check.Inputs{"response": w.docRecs})
}
