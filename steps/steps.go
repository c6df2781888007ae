package steps

import (
	"context"
	"regexp"
	"slices"
	"sync"

	"github.com/cucumber/godog"
)

// Definition is one step expression and the method of World that runs it.
// The runner matches every step of the plan against these before the run,
// so an undefined or ambiguous step is a configuration error naming its
// file and line, not a failure found halfway through a homologation.
type Definition struct {
	Expr *regexp.Regexp
	Kind string // ensure | action | owner | check, as steps/doc.go lists it
	bind func(w *World) any
}

// step declares a definition; bind returns the World's method, so each
// scenario registers handlers bound to its own World.
func step(kind, expr string, bind func(w *World) any) Definition {
	return Definition{Expr: regexp.MustCompile(expr), Kind: kind, bind: bind}
}

// Kinds of steps, as doc.go's table names them.
const (
	kindEnsure = "ensure"
	kindAction = "action"
	kindOwner  = "owner"
	kindCheck  = "check"
)

// grammar is the step grammar, compiled once per process: godog's
// scenario initializer runs for every scenario, and recompiling some
// ninety expressions each time is waste that grows with the plan.
var grammar = sync.OnceValue(func() []Definition {
	return slices.Concat(
		authSteps(), accountSteps(), accountExtraSteps(), consentSteps(), transferSteps(),
		tedSteps(), pixSteps(), paymentSteps(), invoiceSteps(), webhookSteps(), partnerWebhookSteps(), refusalSteps(),
		paymentLinkSteps(), receiptSteps(), topUpSteps(), signUpSteps(), contactSteps(), salaryPortabilitySteps(), payrollSteps(), kycSteps(),
	)
})

// Definitions lists every step of the grammar (see doc.go), anchored.
func Definitions() []Definition { return grammar() }

type scenarioIDKey struct{}

// WithScenarioID tells the steps the run's id of the scenario godog is
// about to run, when it is not godog's own pickle id (a runner that runs
// its plan as several godog suites numbers their pickles apart). The
// runner's Before hook, installed ahead of Register's, puts it in the
// scenario's context.
func WithScenarioID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, scenarioIDKey{}, id)
}

// Register wires the steps into one scenario's godog context, the way
// godog's own examples do: the scenario's state is built once here and
// every handler is a method bound to it. godog calls its scenario
// initializer once per scenario, so scenarios never share a World, even
// when they run concurrently.
func Register(sc *godog.ScenarioContext, s *Session) {
	w := &World{s: s}
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		w.id, w.scenario = p.Id, p.Name
		if id, ok := ctx.Value(scenarioIDKey{}).(string); ok {
			w.id = id
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
		// godog keeps every step's matched definition, and with it the
		// handler bound to this World, until the whole run ends: what the
		// scenario read (responses, records) must not stay alive with it.
		*w = World{s: w.s}
		return ctx, err
	})
	for _, d := range grammar() {
		sc.Step(d.Expr, d.bind(w))
	}
}
