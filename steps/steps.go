package steps

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cucumber/godog"
)

// Languages of the step phrases, as Gherkin's "# language:" names them.
const (
	LangEnglish    = "en"
	LangPortuguese = "pt"
)

// Definition is one phrase of the step grammar and the method of World
// that runs it. Every step has an English phrase and a Portuguese one
// (or more), each a Definition of its own running the same method: the
// runner matches every step of the plan against them before the run, so
// an undefined or ambiguous step is a configuration error naming its file
// and line, not a failure found halfway through a homologation.
type Definition struct {
	Expr  *regexp.Regexp
	Kind  string // ensure | action | owner | check, as steps/doc.go lists it
	Lang  string // LangEnglish or LangPortuguese
	Group string // the capability it belongs to, for docs/steps.md
	// Step is the English expression: what identifies a step in every
	// language, so a Portuguese step is known as the English one it runs.
	Step string
	bind func(w *World) any
	// prefix is what every text the phrase matches starts with: most
	// phrases are ruled out by it without running the expression.
	prefix string
	// words maps, per capture group, this phrase's alternatives to the
	// English ones the method takes ("aprova" → "approves"); nil for a
	// group that is not a choice of words, and for English.
	words []map[string]string
	// refs says which {name}s a generic step uses and saves (generic.go).
	refs func(args []string, doc string) refs

	pts      []string // the Portuguese expressions, until grammar() spreads them
	problems []string // what is wrong with a Portuguese phrase (grammar_test.go reports it)
}

// step declares a step by its English phrase; bind returns the World's
// method, so each scenario registers handlers bound to its own World.
func step(kind, expr string, bind func(w *World) any) Definition {
	re := regexp.MustCompile(expr)
	prefix, _ := re.LiteralPrefix()
	return Definition{Expr: re, Kind: kind, Lang: LangEnglish, Step: expr, bind: bind, prefix: prefix}
}

// pt gives a step its Portuguese phrases. A choice of words in one
// ("(aprova|ignora)") stands for the English choice in the same place
// ("(approves|ignores)"), alternative for alternative: the method is
// handed the English word, whatever the language.
func (d Definition) pt(exprs ...string) Definition {
	d.pts = append(slices.Clone(d.pts), exprs...)
	return d
}

// Kinds of steps, as doc.go's table names them.
const (
	kindEnsure = "ensure"
	kindAction = "action"
	kindOwner  = "owner"
	kindCheck  = "check"
)

// grammar is the step grammar, every language's phrases, compiled once
// per process: godog's scenario initializer runs for every scenario, and
// recompiling some two hundred expressions each time is waste that grows
// with the plan.
var grammar = sync.OnceValue(func() []Definition {
	var out []Definition
	for _, g := range groupsOfSteps() {
		for _, d := range g.defs {
			pts := d.pts
			d.pts, d.Group = nil, g.name
			out = append(out, d)
			for _, expr := range pts {
				out = append(out, d.translated(expr))
			}
		}
	}
	return out
})

// groupsOfSteps is the grammar by capability, in the order docs/steps.md
// lists it.
func groupsOfSteps() []struct {
	name string
	defs []Definition
} {
	return []struct {
		name string
		defs []Definition
	}{
		{"Authentication · Autenticação", authSteps()},
		{"Accounts · Contas", slices.Concat(accountSteps(), accountExtraSteps())},
		{"Consent · Consentimento", consentSteps()},
		{"Internal transfers · Transferências internas", transferSteps()},
		{"TED", tedSteps()},
		{"PIX", pixSteps()},
		{"Boleto payments · Pagamento de boletos", paymentSteps()},
		{"Boleto issuance · Emissão de boletos", invoiceSteps()},
		{"Webhooks", webhookSteps()},
		{"The partner's webhook receiver · O receptor de webhooks do parceiro", partnerWebhookSteps()},
		{"Refusals · Recusas", refusalSteps()},
		{"Payment links · Links de pagamento", paymentLinkSteps()},
		{"Receipts · Comprovantes", receiptSteps()},
		{"Top-ups · Recargas", topUpSteps()},
		{"Account opening · Abertura de conta", signUpSteps()},
		{"Contacts · Contatos", contactSteps()},
		{"Salary portability · Portabilidade de salário", salaryPortabilitySteps()},
		{"Payroll · Folha de pagamento", payrollSteps()},
		{"KYC · Verificação de identidade", kycSteps()},
		{"Generic API steps · Passos genéricos de API", genericSteps()},
	}
}

// translated is d's phrase in Portuguese: the same step, whose choices of
// words map onto d's.
func (d Definition) translated(expr string) Definition {
	t := d
	t.Expr, t.Lang = regexp.MustCompile(expr), LangPortuguese
	t.prefix, _ = t.Expr.LiteralPrefix()
	en, pt := groups(d.Step), groups(expr)
	if len(en) != len(pt) {
		t.problems = append(t.problems, "it captures "+strconv.Itoa(len(pt))+" arguments, the English phrase "+strconv.Itoa(len(en)))
		return t
	}
	for i := range en {
		switch {
		case (en[i] == nil) != (pt[i] == nil):
			t.problems = append(t.problems, "argument "+strconv.Itoa(i+1)+" is a choice of words in one language only")
		case en[i] != nil && len(en[i]) != len(pt[i]):
			t.problems = append(t.problems, "argument "+strconv.Itoa(i+1)+" offers "+strconv.Itoa(len(pt[i]))+" words, the English phrase "+strconv.Itoa(len(en[i])))
		}
	}
	if len(t.problems) > 0 {
		return t
	}
	t.words = make([]map[string]string, len(en))
	for i := range en {
		if en[i] == nil {
			continue
		}
		t.words[i] = map[string]string{}
		for j, w := range pt[i] {
			t.words[i][w] = en[i][j]
		}
	}
	return t
}

// groups lists the capture groups of an expression in order: for a choice
// of plain words ("(approves|ignores)") its words, else nil ("(\d+)",
// "([^"]*)"). Non-capturing groups "(?:…)" are not arguments.
func groups(expr string) [][]string {
	var out [][]string
	for i := 0; i < len(expr); i++ {
		switch {
		case expr[i] == '\\':
			i++
		case expr[i] == '(' && !strings.HasPrefix(expr[i:], "(?"):
			end, depth := i+1, 1
			for ; end < len(expr) && depth > 0; end++ {
				switch expr[end] {
				case '\\':
					end++
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			body := expr[i+1 : end-1]
			if strings.ContainsAny(body, `\[]()*+?.^$`) {
				out = append(out, nil)
			} else {
				out = append(out, strings.Split(body, "|"))
			}
		}
	}
	return out
}

// Definitions lists every phrase of the grammar (see doc.go and
// docs/steps.md), in every language, anchored.
func Definitions() []Definition { return grammar() }

// Args are the arguments a step's text gives this phrase, in English: a
// choice of words is the English word it stands for; quoted values and
// numbers are as written. ok is false when the phrase does not match.
func (d Definition) Args(text string) ([]string, bool) {
	if !strings.HasPrefix(text, d.prefix) {
		return nil, false
	}
	m := d.Expr.FindStringSubmatch(text)
	if m == nil {
		return nil, false
	}
	args := m[1:]
	for i, w := range d.words {
		if w != nil && i < len(args) {
			if en, ok := w[args[i]]; ok {
				args[i] = en
			}
		}
	}
	return args, true
}

// Resolve finds the one phrase a step's text matches, in any language,
// with its arguments in English. ok is false when none or more than one
// matches (the runner refuses such a plan before the run).
func Resolve(text string) (Definition, []string, bool) {
	var found Definition
	var args []string
	n := 0
	for _, d := range grammar() {
		if a, ok := d.Args(text); ok {
			found, args = d, a
			n++
		}
	}
	return found, args, n == 1
}

// handler is d's method bound to w, taking the English words when d's
// phrase is not English.
func (d Definition) handler(w *World) any {
	h := d.bind(w)
	if !slices.ContainsFunc(d.words, func(m map[string]string) bool { return m != nil }) {
		return h
	}
	v := reflect.ValueOf(h)
	t := v.Type()
	ctxType := reflect.TypeFor[context.Context]()
	first := 0
	if t.NumIn() > 0 && t.In(0) == ctxType {
		first = 1 // godog passes the step's arguments after the context
	}
	words := d.words
	return reflect.MakeFunc(t, func(in []reflect.Value) []reflect.Value {
		for i := first; i < len(in); i++ {
			g := i - first
			if g < len(words) && words[g] != nil && in[i].Kind() == reflect.String {
				if en, ok := words[g][in[i].String()]; ok {
					in[i] = reflect.ValueOf(en).Convert(t.In(i))
				}
			}
		}
		return v.Call(in)
	}).Interface()
}

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
		sc.Step(d.Expr, d.handler(w))
	}
}
