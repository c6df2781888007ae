package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/locale"
	"github.com/openbank-homolog/homolog/stone"
)

func transferSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application transfers (\d+) centavos from (its own|the consented) account to another Stone account$`, func(w *World) any { return w.transfers }).
			pt(`^a aplicação transfere (\d+) centavos da (sua própria conta|conta consentida) para outra conta Stone$`),
		step(kindAction, `^the application transfers more than its balance from its own account to another Stone account$`, func(w *World) any { return w.transfersMoreThanBalance }).
			pt(`^a aplicação transfere mais que seu saldo da sua própria conta para outra conta Stone$`),
		step(kindAction, `^the application schedules a transfer of (\d+) centavos from its own account to another Stone account for the next business day$`, func(w *World) any { return w.schedulesTransfer }).
			pt(`^a aplicação agenda uma transferência de (\d+) centavos da sua própria conta para outra conta Stone no próximo dia útil$`),
		step(kindAction, `^the application dry-runs a transfer of (\d+) centavos from its own account to another Stone account$`, func(w *World) any { return w.dryRunsTransfer }).
			pt(`^a aplicação simula uma transferência de (\d+) centavos da sua própria conta para outra conta Stone$`),
		step(kindCheck, `^the dry run describes a transfer of (\d+) centavos$`, func(w *World) any { return w.dryRunDescribes }).
			pt(`^a simulação descreve uma transferência de (\d+) centavos$`),
		step(kindAction, `^the application cancels the transfer$`, func(w *World) any { return w.cancelsTransfer }).
			pt(`^a aplicação cancela a transferência$`),
		step(kindCheck, `^the transfer has status "([^"]*)"$`, func(w *World) any { return w.transferHasStatus }).
			pt(`^a transferência tem status "([^"]*)"$`),
		step(kindCheck, `^the transfer is accepted with status "([^"]*)"$`, func(w *World) any { return w.transferAccepted }).
			pt(`^a transferência é aceita com status "([^"]*)"$`),
		step(kindCheck, `^the transfer eventually has status "([^"]*)"$`, func(w *World) any { return w.transferEventually }).
			pt(`^a transferência passa a ter status "([^"]*)"$`),
		step(kindCheck, `^the transfer eventually has status "([^"]*)" with failure reason code "([^"]*)"$`, func(w *World) any { return w.transferEventuallyFails }).
			pt(`^a transferência passa a ter status "([^"]*)" com código de motivo de falha "([^"]*)"$`),
		step(kindOwner, `^the account owner (approves|rejects) the transfer$`, func(w *World) any { return w.ownerDecidesTransfer }).
			pt(`^o titular da conta (aprova|recusa) a transferência$`),
		step(kindCheck, `^the statement shows the transfer as one debit of (\d+) centavos$`, func(w *World) any { return w.transferOneDebit }).
			pt(`^o extrato mostra a transferência como um débito de (\d+) centavos$`),
		step(kindCheck, `^the account balance agrees with its statement$`, func(w *World) any { return w.balanceAgrees }).
			pt(`^o saldo da conta confere com o extrato$`),
		step(kindAction, `^the application sends the same transfer again with the same idempotency key$`, func(w *World) any { return w.replaysTransfer }).
			pt(`^a aplicação envia a mesma transferência de novo com a mesma chave de idempotência$`),
		step(kindAction, `^the application sends a different transfer with the same idempotency key$`, func(w *World) any { return w.reusesKey }).
			pt(`^a aplicação envia uma transferência diferente com a mesma chave de idempotência$`),
		step(kindCheck, `^both responses describe the same transfer$`, func(w *World) any { return w.sameTransfer }).
			pt(`^as duas respostas descrevem a mesma transferência$`),
	}
}

// createTransfer sends the scenario's transfer request and keeps what the
// creation recorded.
func (w *World) createTransfer(ctx context.Context) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.transfer, err = w.s.cfg.Client.CreateInternalTransfer(ctx, w.transferReq, w.idemKey)
		return err
	})
	w.transferRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) transfers(ctx context.Context, amount int64, which string) error {
	if err := w.prepareTransfer(ctx, amount, which); err != nil {
		return err
	}
	return w.createTransfer(ctx)
}

func (w *World) transfersMoreThanBalance(ctx context.Context) error {
	if err := w.prepareTransfer(ctx, 1, "its own"); err != nil {
		return err
	}
	b, err := w.s.cfg.Client.Balance(ctx, w.accountID)
	if err != nil {
		return err
	}
	w.transferReq.Amount = b.Balance + b.BlockedBalance + 1
	return w.createTransfer(ctx)
}

func (w *World) schedulesTransfer(ctx context.Context, amount int64) error {
	if err := w.prepareTransfer(ctx, amount, "its own"); err != nil {
		return err
	}
	day, err := w.s.nextBusinessDay(ctx, "internal_transfer")
	if err != nil {
		return err
	}
	w.transferReq.ScheduledTo = day
	return w.createTransfer(ctx)
}

func (w *World) dryRunsTransfer(ctx context.Context, amount int64) error {
	if err := w.prepareTransfer(ctx, amount, "its own"); err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.DryRunInternalTransfer(ctx, w.transferReq, w.idemKey)
		return err
	})
	w.dryRunRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) dryRunDescribes(ctx context.Context, amount int64) error {
	return w.verify(ctx, check.DryRunAmount, params("amount", amount), check.Inputs{"response": w.dryRunRecs})
}

func (w *World) cancelsTransfer(ctx context.Context) error {
	tr, err := need(w.transfer, "transfer", w.err)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error { return w.s.cfg.Client.CancelInternalTransfer(ctx, tr.ID) })
	return w.succeeded(ctx, recs, err)
}

func (w *World) transferHasStatus(ctx context.Context, status string) error {
	tr, err := need(w.transfer, "transfer", w.err)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		got, err := w.s.cfg.Client.InternalTransfer(ctx, tr.ID)
		if err == nil {
			w.transfer = got
		}
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.Status, params("status", status, "what", "transfer "+tr.ID), check.Inputs{"reads": recs})
}

func (w *World) transferAccepted(ctx context.Context, status string) error {
	return w.verify(ctx, check.Created, params("status", status, "what", "transfer"), check.Inputs{"response": w.transferRecs})
}

func (w *World) transferEventually(ctx context.Context, status string) error {
	return w.awaitTransfer(ctx, status, "")
}

func (w *World) transferEventuallyFails(ctx context.Context, status, code string) error {
	return w.awaitTransfer(ctx, status, code)
}

func (w *World) ownerDecidesTransfer(ctx context.Context, decision string) error {
	tr, err := need(w.transfer, "transfer", w.err)
	if err != nil {
		return err
	}
	s := w.s
	recipient := fmt.Sprintf(locale.For(s.cfg.Lang).Owner.StoneAccount, tr.TargetAccountCode)
	if tr.TargetAccountOwnerName != "" {
		recipient += " (" + tr.TargetAccountOwnerName + ")"
	}
	return s.cfg.Owner.DecideOperation(ctx, Operation{
		Kind: KindInternalTransfer, ID: tr.ID, Scenario: w.scenario,
		Amount: tr.Amount, Recipient: recipient, Account: tr.AccountID,
		Status: func(ctx context.Context) (string, error) {
			t, err := s.cfg.Client.InternalTransfer(ctx, tr.ID)
			if err != nil {
				return "", err
			}
			return t.Status, nil
		},
	}, decision == "approves")
}

func (w *World) transferOneDebit(ctx context.Context, amount int64) error {
	tr, err := need(w.transfer, "transfer", w.err)
	if err != nil {
		return err
	}
	return w.oneDebit(ctx, w.transferRecs, tr.AccountID, amount)
}

func (w *World) replaysTransfer(ctx context.Context) error {
	if w.idemKey == "" {
		return errors.New("no earlier transfer in this scenario to replay")
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.CreateInternalTransfer(ctx, w.transferReq, w.idemKey)
		return err
	})
	w.replayRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) reusesKey(ctx context.Context) error {
	if w.idemKey == "" {
		return errors.New("no earlier transfer in this scenario to reuse the key of")
	}
	other := w.transferReq
	other.Amount++
	_, _ = w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.CreateInternalTransfer(ctx, other, w.idemKey)
		return err
	})
	return nil // the Then step judges the refusal
}

func (w *World) sameTransfer(ctx context.Context) error {
	return w.verify(ctx, check.SameOperation, params("what", "transfer"), check.Inputs{"first": w.transferRecs, "again": w.replayRecs})
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

// awaitTransfer reads the scenario's transfer until it has status want.
func (w *World) awaitTransfer(ctx context.Context, want, code string) error {
	tr, err := need(w.transfer, "transfer", w.err)
	if err != nil {
		return err
	}
	return w.awaitStatus(ctx, "transfer", tr.ID, want, code, func(ctx context.Context) (string, error) {
		got, err := w.s.cfg.Client.InternalTransfer(ctx, tr.ID)
		if err != nil {
			return "", err
		}
		w.transfer = got
		return got.Status, nil
	})
}

// balanceAgrees reads the balance, the newest statement entry and the
// balance again, up to five rounds: other operations may move money
// meanwhile, and only a round in which the balance held still counts.
func (w *World) balanceAgrees(ctx context.Context) error {
	s := w.s
	if w.accountID == "" {
		return errNoAccount
	}
	in := check.Inputs{}
	var err error
	for range 5 {
		for _, part := range []struct {
			role string
			call func(context.Context) error
		}{
			{"before", func(ctx context.Context) error { _, err := s.cfg.Client.Balance(ctx, w.accountID); return err }},
			{"statement", func(ctx context.Context) error {
				_, err := s.cfg.Client.Statement(ctx, w.accountID, stone.StatementParams{Limit: 1})
				return err
			}},
			{"after", func(ctx context.Context) error { _, err := s.cfg.Client.Balance(ctx, w.accountID); return err }},
		} {
			recs, cerr := w.call(ctx, part.call)
			if cerr != nil {
				return w.succeeded(ctx, recs, cerr)
			}
			in[part.role] = append(in[part.role], recs...)
		}
		if res := check.Run(check.BalanceAgrees, nil, in); res.OK {
			break
		}
	}
	err = w.verify(ctx, check.BalanceAgrees, nil, in)
	return err
}
