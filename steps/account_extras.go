package steps

import (
	"context"
	"fmt"
)

func (s *Session) accountExtraSteps(add func(string, any)) {
	add(`^the application reads the account's fees$`, on(func(ctx context.Context, w *World) error {
		w.fees, w.err = s.cfg.Client.Fees(ctx, w.accountID)
		return w.err
	}))
	add(`^the fee for "([^"]*)" is given in centavos$`, onStr(func(_ context.Context, w *World, feeType string) error {
		fees, err := need(w.fees, "fees", w.err)
		if err != nil {
			return err
		}
		for _, f := range fees.Data {
			if f.FeeType == feeType {
				if f.Amount < 0 {
					return fmt.Errorf("fee %s is %d centavos", feeType, f.Amount)
				}
				return nil
			}
		}
		return fmt.Errorf("no %s fee among the %d listed", feeType, len(fees.Data))
	}))
	add(`^the application lists the institutions$`, on(func(ctx context.Context, w *World) error {
		w.institutions, w.err = s.cfg.Client.Institutions(ctx, "")
		return w.err
	}))
	add(`^Stone is among them with ISPB "([^"]*)" and bank number "([^"]*)"$`, onStrStr(func(_ context.Context, w *World, ispb, number string) error {
		if w.err != nil {
			return w.err
		}
		for _, in := range w.institutions {
			if in.ISPBCode == ispb {
				if in.NumberCode != number {
					return fmt.Errorf("institution %s has bank number %q, want %q", ispb, in.NumberCode, number)
				}
				return nil
			}
		}
		return fmt.Errorf("ISPB %s is not among the %d institutions listed", ispb, len(w.institutions))
	}))
	add(`^the transfer is listed among the operations waiting for the owner's approval$`, on(func(ctx context.Context, w *World) error {
		tr, err := need(w.transfer, "transfer", w.err)
		if err != nil {
			return err
		}
		ops, err := s.cfg.Client.Operations(ctx, tr.AccountID, "PENDING_APPROVAL")
		if err != nil {
			return err
		}
		for _, op := range ops.Data {
			if op.ID == tr.ID {
				return nil
			}
		}
		return fmt.Errorf("transfer %s is not among the %d operations waiting for approval on account %s", tr.ID, len(ops.Data), tr.AccountID)
	}))
}
