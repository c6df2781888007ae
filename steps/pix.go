package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openbank-homolog/homolog/stone"
)

func (s *Session) pixSteps(add func(string, any)) {
	add(`^the application creates a PIX payment of (\d+) centavos to the PIX key in the fixtures$`, onInt(func(ctx context.Context, w *World, amount int64) error {
		return w.createPix(ctx, amount, s.cfg.Fixtures.PixKey, "")
	}))
	add(`^the application creates a PIX payment of more than its balance to the PIX key in the fixtures$`, on(func(ctx context.Context, w *World) error {
		b, err := s.cfg.Client.Balance(ctx, w.accountID)
		if err != nil {
			return err
		}
		return w.createPix(ctx, b.Balance+b.BlockedBalance+1, s.cfg.Fixtures.PixKey, "")
	}))
	add(`^the application reads the static BR Code in the fixtures$`, on(func(ctx context.Context, w *World) error {
		if s.cfg.Fixtures.StaticBRCode == "" {
			return errors.New("no BR Code: set fixtures.static_brcode in scenarios.yaml")
		}
		w.brcode, w.err = s.cfg.Client.ReadBRCode(ctx, stone.BRCodeRequest{BRCode: s.cfg.Fixtures.StaticBRCode})
		return w.err
	}))
	add(`^the BR Code is static and names a PIX key$`, on(func(_ context.Context, w *World) error {
		bc, err := need(w.brcode, "BR Code", w.err)
		if err != nil {
			return err
		}
		if bc.Type != "static" || bc.Static == nil || bc.Static.Key == "" {
			return fmt.Errorf("BR Code read as type %q, want a static code naming a key", bc.Type)
		}
		return nil
	}))
	add(`^the application creates a PIX payment of (\d+) centavos for the BR Code$`, onInt(func(ctx context.Context, w *World, amount int64) error {
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
	}))
	add(`^the PIX payment is created with status "([^"]*)" and an end-to-end id$`, onStr(func(_ context.Context, w *World, status string) error {
		p, err := need(w.pix, "PIX payment", w.err)
		if err != nil {
			return err
		}
		if p.Status != status {
			return fmt.Errorf("PIX payment %s has status %q, want %q", p.ID, p.Status, status)
		}
		if !strings.HasPrefix(p.EndToEndID, "E") || len(p.EndToEndID) != 32 {
			return fmt.Errorf("PIX payment %s has end_to_end_id %q, want E + ISPB + date + 11 characters (32 in all)", p.ID, p.EndToEndID)
		}
		return nil
	}))
	add(`^the PIX payment's target document is masked$`, on(func(_ context.Context, w *World) error {
		p, err := need(w.pix, "PIX payment", w.err)
		if err != nil {
			return err
		}
		if p.Target == nil || !strings.Contains(p.Target.Entity.Document, "*") {
			doc := ""
			if p.Target != nil {
				doc = p.Target.Entity.Document
			}
			return fmt.Errorf("PIX payment %s shows the target document %q unmasked", p.ID, doc)
		}
		return nil
	}))
	add(`^the application confirms the PIX payment$`, on(func(ctx context.Context, w *World) error {
		p, err := need(w.pix, "PIX payment", w.err)
		if err != nil {
			return err
		}
		w.err = s.cfg.Client.ConfirmPixPayment(ctx, p.ID, nil, w.key())
		return w.err
	}))
	add(`^the PIX payment eventually has status "([^"]*)"$`, onStr(func(ctx context.Context, w *World, status string) error {
		p, err := need(w.pix, "PIX payment", w.err)
		if err != nil {
			return err
		}
		return s.eventually(ctx, "PIX payment "+p.ID, status, func(ctx context.Context) (string, string, error) {
			got, err := s.cfg.Client.PixPayment(ctx, p.ID)
			if err != nil {
				return "", "", err
			}
			w.pix = got
			return got.Status, got.FailureReasonDescription, nil
		})
	}))
	add(`^the statement shows the PIX payment as one debit of (\d+) centavos$`, onInt(func(ctx context.Context, w *World, amount int64) error {
		p, err := need(w.pix, "PIX payment", w.err)
		if err != nil {
			return err
		}
		return s.oneDebit(ctx, p.AccountID, p.ID, amount)
	}))
	add(`^the application registers a random PIX key for its own account$`, on(func(ctx context.Context, w *World) error {
		before, err := s.pixKeyIDs(ctx, w.accountID)
		if err != nil {
			return err
		}
		if _, err := s.cfg.Client.CreatePixKey(ctx, stone.PixKeyRequest{AccountID: w.accountID, KeyType: "random_key"}, w.key()); err != nil {
			w.err = err
			return err
		}
		// Registration is asynchronous: the new key appears in the list.
		return s.eventually(ctx, "PIX key registration", "listed", func(ctx context.Context) (string, string, error) {
			now, err := s.pixKeyIDs(ctx, w.accountID)
			if err != nil {
				return "", "", err
			}
			for id := range now {
				if !before[id] {
					w.pixKeyID = id
					return "listed", "", nil
				}
			}
			return "not listed", "", nil
		})
	}))
	add(`^the PIX key is listed for the account$`, on(func(ctx context.Context, w *World) error {
		ids, err := s.pixKeyIDs(ctx, w.accountID)
		if err != nil {
			return err
		}
		if w.pixKeyID == "" || !ids[w.pixKeyID] {
			return fmt.Errorf("PIX key %q is not listed for account %s", w.pixKeyID, w.accountID)
		}
		return nil
	}))
	add(`^the application deletes the PIX key$`, on(func(ctx context.Context, w *World) error {
		if w.pixKeyID == "" {
			return errors.New("no PIX key registered in this scenario")
		}
		_, err := s.cfg.Client.DeletePixKey(ctx, w.accountID, w.pixKeyID, w.key())
		return err
	}))
	add(`^the PIX key is no longer listed for the account$`, on(func(ctx context.Context, w *World) error {
		return s.eventually(ctx, "PIX key "+w.pixKeyID+" deletion", "gone", func(ctx context.Context) (string, string, error) {
			ids, err := s.pixKeyIDs(ctx, w.accountID)
			if err != nil {
				return "", "", err
			}
			if ids[w.pixKeyID] {
				return "listed", "", nil
			}
			return "gone", "", nil
		})
	}))
}

func (w *World) createPix(ctx context.Context, amount int64, key, txid string) error {
	if key == "" {
		return errors.New("no PIX key to pay: set fixtures.pix_key in scenarios.yaml")
	}
	req := stone.PixPaymentRequest{AccountID: w.accountID, Amount: amount, Key: key, TransactionID: txid, Description: "homolog " + w.s.cfg.RunID}
	w.pix, w.err = w.s.cfg.Client.CreatePixPayment(ctx, req, w.key())
	return w.err
}

// pixKeyIDs lists the ids of an account's active PIX keys.
func (s *Session) pixKeyIDs(ctx context.Context, accountID string) (map[string]bool, error) {
	page, err := s.cfg.Client.ListPixKeys(ctx, accountID, "")
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
