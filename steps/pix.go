package steps

import (
	"context"
	"errors"
	"strings"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func pixSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application creates a PIX payment of (\d+) centavos to the PIX key in the fixtures$`, func(w *World) any { return w.paysPixKey }).
			pt(`^a aplicação cria um pagamento PIX de (\d+) centavos para a chave PIX das fixtures$`),
		step(kindAction, `^the application creates a PIX payment of more than its balance to the PIX key in the fixtures$`, func(w *World) any { return w.paysPixMoreThanBalance }).
			pt(`^a aplicação cria um pagamento PIX de mais que seu saldo para a chave PIX das fixtures$`),
		step(kindAction, `^the application reads the static BR Code in the fixtures$`, func(w *World) any { return w.readsBRCode }).
			pt(`^a aplicação lê o BR Code estático das fixtures$`),
		step(kindCheck, `^the BR Code is static and names a PIX key$`, func(w *World) any { return w.brcodeStatic }).
			pt(`^o BR Code é estático e indica uma chave PIX$`),
		step(kindAction, `^the application creates a PIX payment of (\d+) centavos for the BR Code$`, func(w *World) any { return w.paysBRCode }).
			pt(`^a aplicação cria um pagamento PIX de (\d+) centavos para o BR Code$`),
		step(kindCheck, `^the PIX payment is created with status "([^"]*)" and an end-to-end id$`, func(w *World) any { return w.pixCreated }).
			pt(`^o pagamento PIX é criado com status "([^"]*)" e um identificador fim a fim$`),
		step(kindCheck, `^the PIX payment's target document is masked$`, func(w *World) any { return w.pixDocumentMasked }).
			pt(`^o documento do destinatário do pagamento PIX está mascarado$`),
		step(kindAction, `^the application confirms the PIX payment$`, func(w *World) any { return w.confirmsPix }).
			pt(`^a aplicação confirma o pagamento PIX$`),
		step(kindCheck, `^the PIX payment eventually has status "([^"]*)"$`, func(w *World) any { return w.pixEventually }).
			pt(`^o pagamento PIX passa a ter status "([^"]*)"$`),
		step(kindCheck, `^the statement shows the PIX payment as one debit of (\d+) centavos$`, func(w *World) any { return w.pixOneDebit }).
			pt(`^o extrato mostra o pagamento PIX como um débito de (\d+) centavos$`),
		step(kindAction, `^the application registers a random PIX key for its own account$`, func(w *World) any { return w.registersPixKey }).
			pt(`^a aplicação registra uma chave PIX aleatória para sua própria conta$`),
		step(kindCheck, `^the PIX key is listed for the account$`, func(w *World) any { return w.pixKeyListed }).
			pt(`^a chave PIX aparece na lista da conta$`),
		step(kindAction, `^the application deletes the PIX key$`, func(w *World) any { return w.deletesPixKey }).
			pt(`^a aplicação exclui a chave PIX$`),
		step(kindCheck, `^the PIX key is no longer listed for the account$`, func(w *World) any { return w.pixKeyGone }).
			pt(`^a chave PIX não aparece mais na lista da conta$`),
	}
}

func (w *World) paysPixKey(ctx context.Context, amount int64) error {
	return w.createPix(ctx, amount, w.s.cfg.Fixtures.PixKey, "")
}

func (w *World) paysPixMoreThanBalance(ctx context.Context) error {
	if w.accountID == "" {
		return errNoAccount
	}
	b, err := w.s.cfg.Client.Balance(ctx, w.accountID)
	if err != nil {
		return err
	}
	return w.createPix(ctx, b.Balance+b.BlockedBalance+1, w.s.cfg.Fixtures.PixKey, "")
}

func (w *World) readsBRCode(ctx context.Context) error {
	code := w.s.cfg.Fixtures.StaticBRCode
	if code == "" {
		return errors.New("no BR Code: set fixtures.static_brcode in scenarios.yaml")
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.brcode, err = w.s.cfg.Client.ReadBRCode(ctx, stone.BRCodeRequest{BRCode: code})
		return err
	})
	w.brRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) brcodeStatic(ctx context.Context) error {
	return w.verify(ctx, check.BRCodeStatic, nil, check.Inputs{"response": w.brRecs})
}

func (w *World) paysBRCode(ctx context.Context, amount int64) error {
	bc, err := need(w.brcode, "BR Code", w.err)
	if err != nil {
		return err
	}
	if bc.Static == nil {
		return errors.New("the BR Code is not static")
	}
	if bc.Static.Amount > 0 {
		amount = bc.Static.Amount // a code with an amount is paid for that amount
	}
	return w.createPix(ctx, amount, bc.Static.Key, bc.Static.TransactionID)
}

func (w *World) pixCreated(ctx context.Context, status string) error {
	in := check.Inputs{"response": w.pixRecs}
	err := w.verify(ctx, check.Created, params("status", status, "what", "PIX payment"), in)
	return errors.Join(err, w.verify(ctx, check.EndToEndID, nil, in))
}

func (w *World) pixDocumentMasked(ctx context.Context) error {
	return w.verify(ctx, check.DocumentMasked, params("field", "target.entity.document"), check.Inputs{"response": w.pixRecs})
}

func (w *World) confirmsPix(ctx context.Context) error {
	p, err := need(w.pix, "PIX payment", w.err)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error { return w.s.cfg.Client.ConfirmPixPayment(ctx, p.ID, nil, w.key()) })
	return w.succeeded(ctx, recs, err)
}

func (w *World) pixEventually(ctx context.Context, status string) error {
	p, err := need(w.pix, "PIX payment", w.err)
	if err != nil {
		return err
	}
	return w.awaitStatus(ctx, "PIX payment", p.ID, status, "", func(ctx context.Context) (string, error) {
		got, err := w.s.cfg.Client.PixPayment(ctx, p.ID)
		if err != nil {
			return "", err
		}
		w.pix = got
		return got.Status, nil
	})
}

func (w *World) pixOneDebit(ctx context.Context, amount int64) error {
	p, err := need(w.pix, "PIX payment", w.err)
	if err != nil {
		return err
	}
	return w.oneDebit(ctx, w.pixRecs, p.AccountID, amount)
}

// registersPixKey creates a random key and waits for it to appear in the
// account's keys: registration is asynchronous.
func (w *World) registersPixKey(ctx context.Context) error {
	if w.accountID == "" {
		return errNoAccount
	}
	before, err := w.pixKeyIDs(ctx)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.CreatePixKey(ctx, stone.PixKeyRequest{AccountID: w.accountID, KeyType: "random_key"}, w.key())
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	w.poll(ctx, func(ctx context.Context) bool {
		now, err := w.pixKeyIDs(ctx)
		for id := range now {
			if err == nil && !before[id] {
				w.pixKeyID = id
				return true
			}
		}
		return false
	})
	if w.pixKeyID == "" {
		return errors.New("the new PIX key never appeared among the account's keys (waited " + w.s.cfg.Wait.String() + ")")
	}
	return nil
}

func (w *World) pixKeyListed(ctx context.Context) error {
	recs, err := w.call(ctx, func(ctx context.Context) error { _, err := w.pixKeyIDs(ctx); return err })
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.PixKeyListed, params("key_id", w.pixKeyID, "listed", "true"), check.Inputs{"list": recs})
}

func (w *World) deletesPixKey(ctx context.Context) error {
	if w.pixKeyID == "" {
		return errors.New("no PIX key registered in this scenario")
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.DeletePixKey(ctx, w.accountID, w.pixKeyID, w.key())
		return err
	})
	return w.succeeded(ctx, recs, err)
}

func (w *World) pixKeyGone(ctx context.Context) error {
	recs, timedOut := w.poll(ctx, func(ctx context.Context) bool {
		ids, err := w.pixKeyIDs(ctx)
		return err == nil && !ids[w.pixKeyID]
	})
	err := w.verify(ctx, check.PixKeyListed, params("key_id", w.pixKeyID, "listed", "false"), check.Inputs{"list": recs})
	if err != nil && timedOut {
		return errors.Join(err, errors.New("(waited "+w.s.cfg.Wait.String()+")"))
	}
	return err
}

func (w *World) createPix(ctx context.Context, amount int64, key, txid string) error {
	if key == "" {
		return errors.New("no PIX key to pay: set fixtures.pix_key in scenarios.yaml")
	}
	if w.accountID == "" {
		return errNoAccount
	}
	req := stone.PixPaymentRequest{AccountID: w.accountID, Amount: amount, Key: key, TransactionID: txid, Description: "homolog " + w.s.cfg.RunID}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.pix, err = w.s.cfg.Client.CreatePixPayment(ctx, req, w.key())
		return err
	})
	w.pixRecs = recs
	return w.succeeded(ctx, recs, err)
}

// pixKeyIDs lists the ids of the account's active PIX keys.
func (w *World) pixKeyIDs(ctx context.Context) (map[string]bool, error) {
	page, err := w.s.cfg.Client.ListPixKeys(ctx, w.accountID, "")
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, k := range page.Data {
		if st := strings.ToLower(k.KeyStatus + k.Status); strings.Contains(st, "delet") {
			continue // a key being deleted is on its way out
		}
		ids[k.ID] = true
	}
	return ids, nil
}
