package steps

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func salaryPortabilitySteps() []Definition {
	return []Definition{
		step(kindAction, `^the application requests the portability of a salary paid at institution "([^"]*)" to its own account$`, func(w *World) any { return w.requestsPortability }).
			pt(`^a aplicação pede a portabilidade de um salário pago na instituição "([^"]*)" para a própria conta$`),
		step(kindCheck, `^the salary portability is requested with status "([^"]*)" and its payroll institution named$`, func(w *World) any { return w.portabilityRequested }).
			pt(`^a portabilidade de salário é pedida com status "([^"]*)" e o nome da sua instituição pagadora$`),
		step(kindCheck, `^the salary portability is listed among the account's with status "([^"]*)"$`, func(w *World) any { return w.portabilityListed }).
			pt(`^a portabilidade de salário aparece entre as da conta com status "([^"]*)"$`),
		step(kindAction, `^the payroll institution (enables|disables) the salary portability$`, func(w *World) any { return w.payrollInstitutionAnswers }).
			pt(`^a instituição pagadora (habilita|desabilita) a portabilidade de salário$`),
	}
}

var errNoPortability = errors.New("no salary portability: the request failed or was not made")

// companyDocument is a valid CNPJ drawn from seed, so each run names an
// employer of its own.
func companyDocument(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	d := make([]int, 14)
	for i := range 8 {
		d[i] = int(sum[i]) % 10
	}
	d[8], d[9], d[10], d[11] = 0, 0, 0, 1 // the head office, as most CNPJs
	weights := []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}
	for k := 12; k <= 13; k++ {
		s := 0
		for i := range k {
			s += d[i] * weights[len(weights)-k+i]
		}
		if r := s % 11; r >= 2 {
			d[k] = 11 - r
		}
	}
	out := ""
	for _, x := range d {
		out += fmt.Sprint(x)
	}
	return out
}

func (w *World) requestsPortability(ctx context.Context, institution string) error {
	if w.accountID == "" {
		return errNoAccount
	}
	req := stone.SalaryPortabilityRequest{AccountID: w.accountID, EmployerDocument: companyDocument(w.s.cfg.RunID + w.s.cfg.NewID()),
		EmployerName: "Empregador de Homologação", PayrollInstitutionCode: institution}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.portability, err = w.s.cfg.Client.RequestSalaryPortability(ctx, req)
		return err
	})
	w.portabilityRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) portabilityRequested(ctx context.Context, status string) error {
	return w.verify(ctx, check.SalaryPortabilityRequested, params("status", status), check.Inputs{"response": w.portabilityRecs})
}

// portabilityListed lists the account's requests of that status (the
// list is paged, and other scenarios add their own) and finds this one.
func (w *World) portabilityListed(ctx context.Context, status string) error {
	if w.portability == nil {
		return errNoPortability
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.SalaryPortabilities(ctx, w.accountID, status, stone.PageParams{Limit: 100})
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.SalaryPortabilityListed, params("status", status), check.Inputs{"portability": w.portabilityRecs, "list": recs})
}

func (w *World) payrollInstitutionAnswers(ctx context.Context, how string) error {
	if w.portability == nil {
		return errNoPortability
	}
	cp, err := w.counterparts()
	if err != nil {
		return err
	}
	status := stone.PortabilityEnabled
	if how == "disables" {
		status = stone.PortabilityDisabled
	}
	return cp.AnswerPortability(ctx, w.portability.ID, status)
}
