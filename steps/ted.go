package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/stone"
)

// stoneISPB is Stone's own institution: a TED to it is refused.
const stoneISPB = "16501555"

func (s *Session) tedSteps(add func(string, any)) {
	add(`^the application sends a TED of (\d+) centavos from its own account to the bank account in the fixtures$`, onInt(func(ctx context.Context, w *World, amount int64) error {
		req, err := w.tedRequest(amount, "")
		if err != nil {
			return err
		}
		w.ted, w.err = s.cfg.Client.CreateExternalTransfer(ctx, req, w.key())
		return w.err
	}))
	add(`^the application schedules a TED of (\d+) centavos to the bank account in the fixtures for the next business day$`, onInt(func(ctx context.Context, w *World, amount int64) error {
		day, err := s.nextBusinessDay(ctx, "external_transfer")
		if err != nil {
			return err
		}
		req, err := w.tedRequest(amount, day)
		if err != nil {
			return err
		}
		w.ted, w.err = s.cfg.Client.CreateExternalTransfer(ctx, req, w.key())
		return w.err
	}))
	add(`^the application sends a TED of (\d+) centavos from its own account to a Stone account$`, onInt(func(ctx context.Context, w *World, amount int64) error {
		req, err := w.tedRequest(amount, "")
		if err != nil {
			return err
		}
		if len(s.cfg.Fixtures.TransferTargets) == 0 {
			return errors.New("no Stone account: set fixtures.transfer_targets in scenarios.yaml")
		}
		req.Target.Account = stone.ExternalTransferAccountRequest{AccountCode: s.cfg.Fixtures.TransferTargets[0], BranchCode: "1", InstitutionCode: stoneISPB, AccountType: "PG"}
		w.ted, w.err = s.cfg.Client.CreateExternalTransfer(ctx, req, w.key())
		return nil // the Then step judges the refusal
	}))
	add(`^the application sends a TED of (\d+) centavos from its own account to institution "([^"]*)"$`, onIntStr(func(ctx context.Context, w *World, amount int64, institution string) error {
		req, err := w.tedRequest(amount, "")
		if err != nil {
			return err
		}
		req.Target.Account.InstitutionCode = institution
		w.ted, w.err = s.cfg.Client.CreateExternalTransfer(ctx, req, w.key())
		return nil
	}))
	add(`^the TED is accepted to run today or on the next business day$`, on(func(ctx context.Context, w *World) error {
		ted, err := need(w.ted, "TED", w.err)
		if err != nil {
			return err
		}
		switch ted.Status {
		case "DELAYED_TO_NEXT_BUSINESS_DAY":
			// Outside the TED window Stone moves it to the next business day.
			if !ted.DelayedToNextBusinessDay || ted.ScheduledToEffective == "" {
				return fmt.Errorf("TED %s is DELAYED_TO_NEXT_BUSINESS_DAY but delayed_to_next_business_day=%v, scheduled_to_effective=%q", ted.ID, ted.DelayedToNextBusinessDay, ted.ScheduledToEffective)
			}
			return nil
		case "APPROVED", "FINISHED":
			return w.awaitTED(ctx, "FINISHED")
		default:
			return fmt.Errorf("TED %s has status %q, want APPROVED (then FINISHED) or DELAYED_TO_NEXT_BUSINESS_DAY", ted.ID, ted.Status)
		}
	}))
	add(`^the TED's target institution is resolved with its name$`, on(func(_ context.Context, w *World) error {
		ted, err := need(w.ted, "TED", w.err)
		if err != nil {
			return err
		}
		if a := ted.Target.Account; a.InstitutionName == "" || a.InstitutionISPB == "" {
			return fmt.Errorf("TED %s: target institution not resolved (ispb %q, name %q)", ted.ID, a.InstitutionISPB, a.InstitutionName)
		}
		return nil
	}))
	add(`^the TED is accepted with status "([^"]*)"$`, onStr(func(_ context.Context, w *World, status string) error {
		ted, err := need(w.ted, "TED", w.err)
		if err != nil {
			return err
		}
		if ted.Status != status {
			return fmt.Errorf("TED %s has status %q, want %q", ted.ID, ted.Status, status)
		}
		return nil
	}))
	add(`^the application cancels the TED$`, on(func(ctx context.Context, w *World) error {
		ted, err := need(w.ted, "TED", w.err)
		if err != nil {
			return err
		}
		return s.cfg.Client.CancelExternalTransfer(ctx, ted.ID)
	}))
	add(`^the TED has status "([^"]*)"$`, onStr(func(ctx context.Context, w *World, status string) error {
		ted, err := need(w.ted, "TED", w.err)
		if err != nil {
			return err
		}
		got, err := s.cfg.Client.ExternalTransfer(ctx, ted.ID)
		if err != nil {
			return err
		}
		w.ted = got
		if got.Status != status {
			return fmt.Errorf("TED %s has status %q, want %q", got.ID, got.Status, status)
		}
		return nil
	}))
}

// tedRequest builds a TED from the own account to the fixtures' bank
// account.
func (w *World) tedRequest(amount int64, scheduledTo string) (stone.ExternalTransferRequest, error) {
	t := w.s.cfg.Fixtures.TEDTarget
	if t == nil {
		return stone.ExternalTransferRequest{}, errors.New("no bank account for TEDs: set fixtures.ted_target in scenarios.yaml")
	}
	if w.accountID == "" {
		return stone.ExternalTransferRequest{}, errors.New("no source account: add \"Given the application's own account is known\"")
	}
	return stone.ExternalTransferRequest{
		AccountID: w.accountID, Amount: amount, ScheduledTo: scheduledTo,
		Target: stone.ExternalTransferTargetRequest{
			Account: stone.ExternalTransferAccountRequest{AccountCode: t.AccountCode, BranchCode: t.BranchCode, InstitutionCode: t.InstitutionCode, AccountType: t.AccountType},
			Entity:  stone.ExternalTransferEntityRequest{Name: t.Name, Document: t.Document, DocumentType: t.DocumentType},
		},
	}, nil
}

func (w *World) awaitTED(ctx context.Context, want string) error {
	ted := w.ted
	return w.s.eventually(ctx, "TED "+ted.ID, want, func(ctx context.Context) (string, string, error) {
		got, err := w.s.cfg.Client.ExternalTransfer(ctx, ted.ID)
		if err != nil {
			return "", "", err
		}
		w.ted = got
		return got.Status, got.FailureReasonDescription + got.RefundReasonDescription, nil
	})
}
