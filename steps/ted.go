package steps

import (
	"context"
	"errors"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

// stoneISPB is Stone's own institution: a TED to it is refused.
const stoneISPB = "16501555"

func tedSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application sends a TED of (\d+) centavos from its own account to the bank account in the fixtures$`, func(w *World) any { return w.sendsTED }).
			pt(`^a aplicação envia uma TED de (\d+) centavos da sua própria conta para a conta bancária das fixtures$`),
		step(kindAction, `^the application schedules a TED of (\d+) centavos to the bank account in the fixtures for the next business day$`, func(w *World) any { return w.schedulesTED }).
			pt(`^a aplicação agenda uma TED de (\d+) centavos para a conta bancária das fixtures no próximo dia útil$`),
		step(kindAction, `^the application sends a TED of (\d+) centavos from its own account to a Stone account$`, func(w *World) any { return w.sendsTEDToStone }).
			pt(`^a aplicação envia uma TED de (\d+) centavos da sua própria conta para uma conta Stone$`),
		step(kindAction, `^the application sends a TED of (\d+) centavos from its own account to institution "([^"]*)"$`, func(w *World) any { return w.sendsTEDToInstitution }).
			pt(`^a aplicação envia uma TED de (\d+) centavos da sua própria conta para a instituição "([^"]*)"$`),
		step(kindCheck, `^the TED is accepted to run today or on the next business day$`, func(w *World) any { return w.tedAccepted }).
			pt(`^a TED é aceita para hoje ou para o próximo dia útil$`),
		step(kindCheck, `^the TED's target institution is resolved with its name$`, func(w *World) any { return w.tedInstitutionResolved }).
			pt(`^a instituição de destino da TED é identificada pelo nome$`),
		step(kindCheck, `^the TED is accepted with status "([^"]*)"$`, func(w *World) any { return w.tedAcceptedWithStatus }).
			pt(`^a TED é aceita com status "([^"]*)"$`),
		step(kindAction, `^the application cancels the TED$`, func(w *World) any { return w.cancelsTED }).
			pt(`^a aplicação cancela a TED$`),
		step(kindCheck, `^the TED has status "([^"]*)"$`, func(w *World) any { return w.tedHasStatus }).
			pt(`^a TED tem status "([^"]*)"$`),
	}
}

// createTED sends req and keeps what the creation recorded; the caller
// decides whether a refusal fails the step.
func (w *World) createTED(ctx context.Context, req stone.ExternalTransferRequest) ([]check.Record, error) {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.ted, err = w.s.cfg.Client.CreateExternalTransfer(ctx, req, w.key())
		return err
	})
	w.tedRecs = recs
	return recs, err
}

func (w *World) sendsTED(ctx context.Context, amount int64) error {
	req, err := w.tedRequest(amount, "")
	if err != nil {
		return err
	}
	recs, err := w.createTED(ctx, req)
	return w.succeeded(ctx, recs, err)
}

func (w *World) schedulesTED(ctx context.Context, amount int64) error {
	day, err := w.s.nextBusinessDay(ctx, "external_transfer")
	if err != nil {
		return err
	}
	req, err := w.tedRequest(amount, day)
	if err != nil {
		return err
	}
	recs, err := w.createTED(ctx, req)
	return w.succeeded(ctx, recs, err)
}

func (w *World) sendsTEDToStone(ctx context.Context, amount int64) error {
	req, err := w.tedRequest(amount, "")
	if err != nil {
		return err
	}
	if len(w.s.cfg.Fixtures.TransferTargets) == 0 {
		return errors.New("no Stone account: set fixtures.transfer_targets in scenarios.yaml")
	}
	req.Target.Account = stone.ExternalTransferAccountRequest{AccountCode: w.s.cfg.Fixtures.TransferTargets[0], BranchCode: "1", InstitutionCode: stoneISPB, AccountType: "PG"}
	_, _ = w.createTED(ctx, req)
	return nil // the Then step judges the refusal
}

func (w *World) sendsTEDToInstitution(ctx context.Context, amount int64, institution string) error {
	req, err := w.tedRequest(amount, "")
	if err != nil {
		return err
	}
	req.Target.Account.InstitutionCode = institution
	_, _ = w.createTED(ctx, req)
	return nil
}

// tedAccepted waits for a TED accepted to run today to finish, then judges
// the creation and the reads together.
func (w *World) tedAccepted(ctx context.Context) error {
	ted, err := need(w.ted, "TED", w.err)
	if err != nil {
		return err
	}
	var reads []check.Record
	if ted.Status == "APPROVED" {
		reads, _ = w.poll(ctx, func(ctx context.Context) bool {
			got, err := w.s.cfg.Client.ExternalTransfer(ctx, ted.ID)
			return err == nil && (got.Status == "FINISHED" || final(got.Status))
		})
	}
	return w.verify(ctx, check.TEDAccepted, nil, check.Inputs{"response": w.tedRecs, "reads": reads})
}

func (w *World) tedInstitutionResolved(ctx context.Context) error {
	return w.verify(ctx, check.TEDInstitutionResolved, nil, check.Inputs{"response": w.tedRecs})
}

func (w *World) tedAcceptedWithStatus(ctx context.Context, status string) error {
	return w.verify(ctx, check.Created, params("status", status, "what", "TED"), check.Inputs{"response": w.tedRecs})
}

func (w *World) cancelsTED(ctx context.Context) error {
	ted, err := need(w.ted, "TED", w.err)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error { return w.s.cfg.Client.CancelExternalTransfer(ctx, ted.ID) })
	return w.succeeded(ctx, recs, err)
}

func (w *World) tedHasStatus(ctx context.Context, status string) error {
	ted, err := need(w.ted, "TED", w.err)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.ExternalTransfer(ctx, ted.ID)
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.Status, params("status", status, "what", "TED "+ted.ID), check.Inputs{"reads": recs})
}

// tedRequest builds a TED from the own account to the fixtures' bank
// account.
func (w *World) tedRequest(amount int64, scheduledTo string) (stone.ExternalTransferRequest, error) {
	t := w.s.cfg.Fixtures.TEDTarget
	if t == nil {
		return stone.ExternalTransferRequest{}, errors.New("no bank account for TEDs: set fixtures.ted_target in scenarios.yaml")
	}
	if w.accountID == "" {
		return stone.ExternalTransferRequest{}, errNoAccount
	}
	return stone.ExternalTransferRequest{
		AccountID: w.accountID, Amount: amount, ScheduledTo: scheduledTo,
		Target: stone.ExternalTransferTargetRequest{
			Account: stone.ExternalTransferAccountRequest{AccountCode: t.AccountCode, BranchCode: t.BranchCode, InstitutionCode: t.InstitutionCode, AccountType: t.AccountType},
			Entity:  stone.ExternalTransferEntityRequest{Name: t.Name, Document: t.Document, DocumentType: t.DocumentType},
		},
	}, nil
}
