package steps

import (
	"context"

	"github.com/openbank-homolog/homolog/check"
)

func accountExtraSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application reads the account's fees$`, func(w *World) any { return w.readsFees }).
			pt(`^a aplicação lê as tarifas da conta$`),
		step(kindCheck, `^the fee for "([^"]*)" is given in centavos$`, func(w *World) any { return w.feeGiven }).
			pt(`^a tarifa de "([^"]*)" é dada em centavos$`),
		step(kindAction, `^the application lists the institutions$`, func(w *World) any { return w.listsInstitutions }).
			pt(`^a aplicação lista as instituições$`),
		step(kindCheck, `^Stone is among them with ISPB "([^"]*)" and bank number "([^"]*)"$`, func(w *World) any { return w.stoneListed }).
			pt(`^a Stone está entre elas com ISPB "([^"]*)" e número de banco "([^"]*)"$`),
		step(kindCheck, `^the transfer is listed among the operations waiting for the owner's approval$`, func(w *World) any { return w.transferPendingApproval }).
			pt(`^a transferência aparece entre as operações que aguardam a aprovação do titular$`),
	}
}

func (w *World) readsFees(ctx context.Context) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Fees(ctx, w.accountID)
		return err
	})
	w.feesRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) feeGiven(ctx context.Context, feeType string) error {
	return w.verify(ctx, check.FeeListed, params("fee_type", feeType), check.Inputs{"fees": w.feesRecs})
}

func (w *World) listsInstitutions(ctx context.Context) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Institutions(ctx, "")
		return err
	})
	w.institutionsRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) stoneListed(ctx context.Context, ispb, number string) error {
	return w.verify(ctx, check.InstitutionListed, params("ispb", ispb, "number", number), check.Inputs{"institutions": w.institutionsRecs})
}

func (w *World) transferPendingApproval(ctx context.Context) error {
	tr, err := need(w.transfer, "transfer", w.err)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Operations(ctx, tr.AccountID, "PENDING_APPROVAL")
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.PendingApproval, params("what", "transfer"), check.Inputs{"operation": w.transferRecs, "pending": recs})
}
