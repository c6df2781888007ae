package steps

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/openbank-homolog/homolog/stone"
)

func (s *Session) transferSteps(add func(string, any)) {
	add(`^the application transfers (\d+) centavos from (its own|the consented) account to another Stone account$`, onIntStr(func(ctx context.Context, w *World, amount int64, which string) error {
		if which == "its own" {
			id, err := s.ensureOwnAccount(ctx, w.scenario)
			if err != nil {
				return err
			}
			w.accountID = id
		} else if w.accountID == "" {
			return errors.New("no consented account: add \"Given the owner has consented to share an account\" before this step")
		}
		if len(s.cfg.Fixtures.TransferTargets) == 0 {
			return errors.New("no transfer target: set fixtures.transfer_targets in scenarios.yaml to other Stone account codes")
		}
		w.transferReq = stone.InternalTransferRequest{
			AccountID:         w.accountID,
			Amount:            amount,
			TargetAccountCode: s.cfg.Fixtures.TransferTargets[0],
			Description:       "homolog " + s.cfg.RunID,
		}
		// Keys are unique per run: the sandbox remembers keys across runs.
		w.idemKey = "homolog-" + s.cfg.RunID + "-" + s.cfg.NewID()
		w.transfer, w.err = s.cfg.Client.CreateInternalTransfer(ctx, w.transferReq, w.idemKey)
		return w.err
	}))
	add(`^the transfer is accepted with status "([^"]*)"$`, onStr(func(_ context.Context, w *World, status string) error {
		tr, err := need(w.transfer, "transfer", w.err)
		if err != nil {
			return err
		}
		if tr.ID == "" {
			return errors.New("the transfer has no id")
		}
		if tr.Status != status {
			return fmt.Errorf("transfer %s has status %q, want %q", tr.ID, tr.Status, status)
		}
		if tr.Amount != w.transferReq.Amount {
			return fmt.Errorf("transfer %s has amount %d, sent %d", tr.ID, tr.Amount, w.transferReq.Amount)
		}
		return nil
	}))
	add(`^the transfer eventually has status "([^"]*)"$`, onStr(func(ctx context.Context, w *World, status string) error {
		tr, err := need(w.transfer, "transfer", w.err)
		if err != nil {
			return err
		}
		got, err := s.waitTransfer(ctx, tr.ID, status)
		if got != nil {
			w.transfer = got
		}
		return err
	}))
	add(`^the account owner approves the transfer$`, on(func(ctx context.Context, w *World) error {
		tr, err := need(w.transfer, "transfer", w.err)
		if err != nil {
			return err
		}
		return s.cfg.Owner.ApproveInternalTransfer(ctx, tr.ID)
	}))
	add(`^the statement shows the transfer as one debit of (\d+) centavos$`, onInt(func(ctx context.Context, w *World, amount int64) error {
		tr, err := need(w.transfer, "transfer", w.err)
		if err != nil {
			return err
		}
		var found []stone.StatementEntry
		for e, err := range s.cfg.Client.StatementEntries(ctx, tr.AccountID, stone.StatementParams{Limit: 100, Operation: "debit"}) {
			if err != nil {
				return err
			}
			if e.OperationID == tr.ID {
				found = append(found, e)
			}
		}
		switch {
		case len(found) == 0:
			return fmt.Errorf("no statement entry for transfer %s", tr.ID)
		case len(found) > 1:
			return fmt.Errorf("transfer %s appears %d times in the statement: it was paid more than once", tr.ID, len(found))
		}
		e := found[0]
		if e.Amount != -(amount+e.FeeAmount) || e.OperationAmount != amount {
			return fmt.Errorf("entry %s: amount %d, operation_amount %d, fee %d; want a debit of %d", e.ID, e.Amount, e.OperationAmount, e.FeeAmount, amount)
		}
		if e.BalanceAfter != e.BalanceBefore+e.Amount {
			return fmt.Errorf("entry %s: balance_after %d != balance_before %d + amount %d", e.ID, e.BalanceAfter, e.BalanceBefore, e.Amount)
		}
		return nil
	}))
	add(`^the account balance agrees with its statement$`, on(func(ctx context.Context, w *World) error {
		return s.balanceAgrees(ctx, w.accountID)
	}))
	add(`^the application sends the same transfer again with the same idempotency key$`, on(func(ctx context.Context, w *World) error {
		if w.idemKey == "" {
			return errors.New("no earlier transfer in this scenario to replay")
		}
		w.replay, w.err = s.cfg.Client.CreateInternalTransfer(ctx, w.transferReq, w.idemKey)
		return w.err
	}))
	add(`^the application sends a different transfer with the same idempotency key$`, on(func(ctx context.Context, w *World) error {
		if w.idemKey == "" {
			return errors.New("no earlier transfer in this scenario to reuse the key of")
		}
		other := w.transferReq
		other.Amount++
		_, w.err = s.cfg.Client.CreateInternalTransfer(ctx, other, w.idemKey)
		return nil
	}))
	add(`^both responses describe the same transfer$`, on(func(_ context.Context, w *World) error {
		first, err := need(w.transfer, "first transfer", nil)
		if err != nil {
			return err
		}
		again, err := need(w.replay, "replayed transfer", w.err)
		if err != nil {
			return err
		}
		if first.ID != again.ID || first.Amount != again.Amount {
			return fmt.Errorf("replay returned transfer %s (%d), first was %s (%d): the key did not protect against a double payment", again.ID, again.Amount, first.ID, first.Amount)
		}
		return nil
	}))
}

// waitTransfer polls a transfer until it has status want. It stops early
// when the transfer reaches another final status, since it will never
// change again.
func (s *Session) waitTransfer(ctx context.Context, id, want string) (*stone.InternalTransfer, error) {
	final := map[string]bool{"FINISHED": true, "FAILED": true, "REJECTED": true, "CANCELLED": true, "EXPIRED": true}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Wait)
	defer cancel()
	t := time.NewTicker(s.cfg.Poll)
	defer t.Stop()
	var last *stone.InternalTransfer
	for {
		tr, err := s.cfg.Client.InternalTransfer(ctx, id)
		if err == nil {
			last = tr
			if tr.Status == want {
				return tr, nil
			}
			if final[tr.Status] {
				reason := ""
				if tr.FailureReasonDescription != "" {
					reason = " (" + tr.FailureReasonDescription + ")"
				}
				return tr, fmt.Errorf("transfer %s ended %s%s, want %s", id, tr.Status, reason, want)
			}
		}
		select {
		case <-ctx.Done():
			status := "unknown"
			if last != nil {
				status = last.Status
			}
			if err != nil {
				return last, fmt.Errorf("transfer %s: still %s after %s: %w", id, status, s.cfg.Wait, err)
			}
			return last, fmt.Errorf("transfer %s: still %s after %s, want %s", id, status, s.cfg.Wait, want)
		case <-t.C:
		}
	}
}

// balanceAgrees checks that the balance equals the balance_after of the
// newest statement entry. Other scenarios may move money at the same time,
// so the comparison counts only when the balance did not change while the
// statement was read.
func (s *Session) balanceAgrees(ctx context.Context, accountID string) error {
	var lastErr error
	for range 5 {
		before, err := s.cfg.Client.Balance(ctx, accountID)
		if err != nil {
			return err
		}
		page, err := s.cfg.Client.Statement(ctx, accountID, stone.StatementParams{Limit: 1})
		if err != nil {
			return err
		}
		after, err := s.cfg.Client.Balance(ctx, accountID)
		if err != nil {
			return err
		}
		if before.Balance != after.Balance {
			continue // money moved meanwhile; look again
		}
		if len(page.Data) == 0 {
			return fmt.Errorf("account %s has a balance of %d but an empty statement", accountID, after.Balance)
		}
		total := after.Balance + after.BlockedBalance
		if newest := page.Data[0]; newest.BalanceAfter != total && newest.BalanceAfter != after.Balance {
			lastErr = fmt.Errorf("balance is %d (blocked %d) but the newest statement entry %s ends at %d", after.Balance, after.BlockedBalance, newest.ID, newest.BalanceAfter)
			continue
		}
		return nil
	}
	if lastErr == nil {
		lastErr = errors.New("the balance kept changing while the statement was read")
	}
	return lastErr
}
