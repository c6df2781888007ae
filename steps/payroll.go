package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func payrollSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application lists the account's payrolls$`, func(w *World) any { return w.listsPayrolls }).
			pt(`^a aplicação lista as folhas de pagamento da conta$`),
		step(kindCheck, `^the payrolls are listed by cursor$`, func(w *World) any { return w.payrollsListed }).
			pt(`^as folhas de pagamento são listadas por cursor$`),
		step(kindAction, `^a salaries file is uploaded for two employees with Stone accounts and one without$`, func(w *World) any { return w.uploadsSalaries }).
			pt(`^(?:que )?um arquivo de salários é enviado para dois funcionários com conta Stone e um sem$`),
		step(kindAction, `^the application pays the payroll of the salaries file$`, func(w *World) any { return w.paysPayroll }).
			pt(`^a aplicação paga a folha de pagamento do arquivo de salários$`),
		step(kindCheck, `^the payroll is accepted with status "([^"]*)"$`, func(w *World) any { return w.payrollAccepted }).
			pt(`^a folha de pagamento é aceita com status "([^"]*)"$`),
		step(kindCheck, `^the payroll eventually has status "([^"]*)" with (\d+) failed salar(?:y|ies)$`, func(w *World) any { return w.payrollSettled }).
			pt(`^a folha de pagamento chega ao status "([^"]*)" com (\d+) salári(?:o|os) com falha$`),
		step(kindCheck, `^the statement shows the payroll as one debit of (\d+) centavos$`, func(w *World) any { return w.payrollDebited }).
			pt(`^o extrato mostra a folha de pagamento como um único débito de (\d+) centavos$`),
	}
}

var errNoPayroll = errors.New("no payroll: the request failed or was not made")

// SalaryRow is one line of a payroll's salaries file: the .xlsx's Nome,
// CPF, Conta (a Stone account code) and Salário (centavos).
type SalaryRow struct {
	Name        string `json:"name"`
	CPF         string `json:"cpf"`
	AccountCode string `json:"account_code"`
	Amount      int64  `json:"amount"`
}

func (w *World) listsPayrolls(ctx context.Context) error {
	if w.accountID == "" {
		return errNoAccount
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Payrolls(ctx, w.accountID, stone.PageParams{Limit: 25})
		return err
	})
	w.payrollListRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) payrollsListed(ctx context.Context) error {
	return w.verify(ctx, check.PayrollListed, nil, check.Inputs{"list": w.payrollListRecs, "payroll": w.payrollRecs})
}

// uploadsSalaries uploads, through the simulator's stand-in for the
// payroll host (whose upload Stone does not document), 1500 and 2500
// centavos to two of the fixtures' Stone accounts and 1000 to an account
// code nobody has.
func (w *World) uploadsSalaries(ctx context.Context) error {
	targets := w.s.cfg.Fixtures.TransferTargets
	if len(targets) < 2 {
		return errors.New("two Stone accounts to pay salaries to are needed: set fixtures.transfer_targets in scenarios.yaml")
	}
	cp, err := w.counterparts()
	if err != nil {
		return err
	}
	rows := []SalaryRow{
		{Name: "Funcionária Um", CPF: personDocument(w.s.cfg.RunID + "1"), AccountCode: targets[0], Amount: 1500},
		{Name: "Funcionário Dois", CPF: personDocument(w.s.cfg.RunID + "2"), AccountCode: targets[1], Amount: 2500},
		{Name: "Sem Conta", CPF: personDocument(w.s.cfg.RunID + "3"), AccountCode: "99999999", Amount: 1000},
	}
	w.salariesID, err = cp.UploadSalaries(ctx, rows)
	return err
}

func (w *World) paysPayroll(ctx context.Context) error {
	if w.accountID == "" {
		return errNoAccount
	}
	if w.salariesID == "" {
		return errors.New("no salaries file: upload one before this step")
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.payroll, err = w.s.cfg.Client.CreatePayroll(ctx, w.accountID, w.salariesID)
		return err
	})
	w.payrollRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) payrollAccepted(ctx context.Context, status string) error {
	return w.verify(ctx, check.PayrollCreated, params("status", status), check.Inputs{"response": w.payrollRecs})
}

// payrollSettled reads the payroll until it has status want, then judges
// the reads.
func (w *World) payrollSettled(ctx context.Context, want string, failed int64) error {
	if w.payroll == nil {
		return errNoPayroll
	}
	recs, timedOut := w.poll(ctx, func(ctx context.Context) bool {
		p, err := w.s.cfg.Client.Payroll(ctx, w.payroll.ID)
		return err == nil && p.Status == want
	})
	w.last, w.payrollReads = recs, recs
	err := w.verify(ctx, check.PayrollPaid, params("status", want, "failed", failed), check.Inputs{"reads": recs})
	if err != nil && timedOut {
		return fmt.Errorf("%w (waited %s)", err, w.s.cfg.Wait)
	}
	return err
}

func (w *World) payrollDebited(ctx context.Context, amount int64) error {
	if w.payroll == nil {
		return errNoPayroll
	}
	op := w.payrollReads
	if len(op) == 0 {
		op = w.payrollRecs
	}
	return w.oneDebit(ctx, op, w.accountID, amount)
}
