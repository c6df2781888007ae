package steps

import (
	"context"
	"regexp"

	"github.com/cucumber/godog"
)

// Definition is one step expression and its handler. The runner matches
// every step of the plan against these before the run, so an undefined or
// ambiguous step is a configuration error naming its file and line, not a
// failure found halfway through a homologation.
type Definition struct {
	Expr    *regexp.Regexp
	Handler any
}

// Definitions lists every step of the grammar (see doc.go), anchored.
func Definitions(s *Session) []Definition {
	var defs []Definition
	add := func(expr string, h any) {
		defs = append(defs, Definition{Expr: regexp.MustCompile(expr), Handler: h})
	}
	s.authSteps(add)
	s.accountSteps(add)
	s.accountExtraSteps(add)
	s.consentSteps(add)
	s.transferSteps(add)
	s.tedSteps(add)
	s.pixSteps(add)
	s.paymentSteps(add)
	s.invoiceSteps(add)
	s.webhookSteps(add)
	checkSteps(add)
	return defs
}

// Register wires the steps into a godog scenario context: one World per
// scenario, then every definition.
func Register(sc *godog.ScenarioContext, s *Session) {
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		return withWorld(ctx, &World{s: s, id: p.Id, scenario: p.Name}), nil
	})
	for _, d := range Definitions(s) {
		sc.Step(d.Expr, d.Handler)
	}
}
