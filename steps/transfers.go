package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/stone"
)

func (s *Session) transferSteps(add func(string, any)) {
	add(`^the application transfers (\d+) centavos from (its own|the consented) account to another Stone account$`, onIntStr(func(ctx context.Context, w *World, amount int64, which string) error {
		if err := w.prepareTransfer(ctx, amount, which); err != nil {
			return err
		}
		w.transfer, w.err = s.cfg.Client.CreateInternalTransfer(ctx, w.transferReq, w.idemKey)
		return w.err
	}))
	add(`^the application transfers more than its balance from its own account to another Stone account$`, on(func(ctx context.Context, w *World) error {
		if err := w.prepareTransfer(ctx, 1, "its own"); err != nil {
			return err
		}
		b, err := s.cfg.Client.Balance(ctx, w.accountID)
		if err != nil {
			return err
		}
		w.transferReq.Amount = b.Balance + b.BlockedBalance + 1
		w.transfer, w.err = s.cfg.Client.CreateInternalTransfer(ctx, w.transferReq, w.idemKey)
		return w.err
	}))
	add(`^the application schedules a transfer of (\d+) centavos from its own account to another Stone account for the next business day$`, onInt(func(ctx context.Context, w *World, amount int64) error {
		if err := w.prepareTransfer(ctx, amount, "its own"); err != nil {
			return err
		}
		day, err := s.nextBusinessDay(ctx, "internal_transfer")
		if err != nil {
			return err
		}
		w.transferReq.ScheduledTo = day
		w.transfer, w.err = s.cfg.Client.CreateInternalTransfer(ctx, w.transferReq, w.idemKey)
		return w.err
	}))
	add(`^the application dry-runs a transfer of (\d+) centavos from its own account to another Stone account$`, onInt(func(ctx context.Context, w *World, amount int64) error {
		if err := w.prepareTransfer(ctx, amount, "its own"); err != nil {
			return err
		}
		w.dryRun, w.err = s.cfg.Client.DryRunInternalTransfer(ctx, w.transferReq, w.idemKey)
		return w.err
	}))
	add(`^the dry run describes a transfer of (\d+) centavos$`, onInt(func(_ context.Context, w *World, amount int64) error {
		dr, err := need(w.dryRun, "dry run", w.err)
		if err != nil {
			return err
		}
		if dr.Amount != amount {
			return fmt.Errorf("the dry run describes %d centavos, want %d", dr.Amount, amount)
		}
		return nil
	}))
	add(`^the application cancels the transfer$`, on(func(ctx context.Context, w *World) error {
		tr, err := need(w.transfer, "transfer", w.err)
		if err != nil {
			return err
		}
		return s.cfg.Client.CancelInternalTransfer(ctx, tr.ID)
	}))
	add(`^the transfer has status "([^"]*)"$`, onStr(func(ctx context.Context, w *World, status string) error {
		tr, err := need(w.transfer, "transfer", w.err)
		if err != nil {
			return err
		}
		got, err := s.cfg.Client.InternalTransfer(ctx, tr.ID)
		if err != nil {
			return err
		}
		w.transfer = got
		if got.Status != status {
			return fmt.Errorf("transfer %s has status %q, want %q", got.ID, got.Status, status)
		}
		return nil
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
		return w.awaitTransfer(ctx, status)
	}))
	add(`^the transfer eventually has status "([^"]*)" with failure reason code "([^"]*)"$`, onStrStr(func(ctx context.Context, w *World, status, code string) error {
		if err := w.awaitTransfer(ctx, status); err != nil {
			return err
		}
		if string(w.transfer.FailureReasonCode) != code {
			return fmt.Errorf("transfer %s failed with reason code %q (%s), want %q", w.transfer.ID, w.transfer.FailureReasonCode, w.transfer.FailureReasonDescription, code)
		}
		return nil
	}))
	add(`^the account owner (approves|rejects) the transfer$`, onStr(func(ctx context.Context, w *World, decision string) error {
		tr, err := need(w.transfer, "transfer", w.err)
		if err != nil {
			return err
		}
		return s.cfg.Owner.DecideOperation(ctx, Operation{
			Kind: KindInternalTransfer, ID: tr.ID,
			Status: func(ctx context.Context) (string, error) {
				t, err := s.cfg.Client.InternalTransfer(ctx, tr.ID)
				if err != nil {
					return "", err
				}
				return t.Status, nil
			},
		}, decision == "approves")
	}))
	add(`^the statement shows the transfer as one debit of (\d+) centavos$`, onInt(func(ctx context.Context, w *World, amount int64) error {
		tr, err := need(w.transfer, "transfer", w.err)
		if err != nil {
			return err
		}
		return s.oneDebit(ctx, tr.AccountID, tr.ID, amount)
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

// prepareTransfer fills the scenario's transfer request: the source
// account, the first transfer target of the fixtures and a fresh key.
func (w *World) prepareTransfer(ctx context.Context, amount int64, which string) error {
	s := w.s
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
	w.idemKey = w.key()
	return nil
}

// awaitTransfer polls the scenario's transfer until it has status want.
func (w *World) awaitTransfer(ctx context.Context, want string) error {
	tr, err := need(w.transfer, "transfer", w.err)
	if err != nil {
		return err
	}
	return w.s.eventually(ctx, "transfer "+tr.ID, want, func(ctx context.Context) (string, string, error) {
		got, err := w.s.cfg.Client.InternalTransfer(ctx, tr.ID)
		if err != nil {
			return "", "", err
		}
		w.transfer = got
		return got.Status, got.FailureReasonDescription, nil
	})
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
