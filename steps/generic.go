package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/openbank-homolog/homolog/check"
)

// The generic steps: a small vocabulary, in both languages, with which a
// QA engineer calls any endpoint and checks the answer in the feature
// file itself, the way a Karate script or a Postman collection would,
// without writing Go. Calls go through the run's Stone client (token,
// User-Agent, retries, redaction, evidence) and every check is a function
// of package check, recorded in the journal, so homolog recheck
// recomputes it like any other.
//
// In paths, bodies and expected values {name} is a value saved by an
// earlier step of the scenario ("saves the response field "id" as
// "transfer_id"") or a fixture (FixtureNames). The runner refuses a plan
// that uses an unknown name before anything is sent.

// methods the generic calls accept.
const (
	anyMethod   = `(GET|POST|PUT|PATCH|DELETE)`
	bodyMethod  = `(POST|PUT|PATCH|DELETE)`
	quoted      = `"([^"]*)"`
	number      = `(-?\d+(?:\.\d+)?)`
	fieldPrefix = `^the response field "([^"]*)" `
)

func genericSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application calls `+anyMethod+` `+quoted+`$`, func(w *World) any { return w.calls }).
			pt(`^a aplicação chama ` + anyMethod + ` ` + quoted + `$`).refer(uses(1)),
		step(kindAction, `^the application calls `+bodyMethod+` `+quoted+` with the body:$`, func(w *World) any { return w.callsWithBody }).
			pt(`^a aplicação chama ` + bodyMethod + ` ` + quoted + ` com o corpo:$`).refer(uses(1)),
		step(kindAction, `^the application calls `+bodyMethod+` `+quoted+` with an idempotency key and the body:$`, func(w *World) any { return w.callsWithKey }).
			pt(`^a aplicação chama ` + bodyMethod + ` ` + quoted + ` com uma chave de idempotência e o corpo:$`).refer(uses(1)),
		step(kindCheck, `^the response status is (\d+)$`, func(w *World) any { return w.responseStatus }).
			pt(`^o status da resposta é (\d+)$`),
		step(kindCheck, fieldPrefix+`is `+quoted+`$`, func(w *World) any { return w.fieldIsString }).
			pt(`^o campo "([^"]*)" da resposta é `+quoted+`$`).refer(paths(0), uses(1)),
		step(kindCheck, fieldPrefix+`is `+number+`$`, func(w *World) any { return w.fieldIsNumber }).
			pt(`^o campo "([^"]*)" da resposta é ` + number + `$`).refer(paths(0)),
		step(kindCheck, fieldPrefix+`is (a number|a string|a boolean|an array|an object|null)$`, func(w *World) any { return w.fieldIsType }).
			pt(`^o campo "([^"]*)" da resposta é (um número|um texto|um booleano|uma lista|um objeto|nulo)$`).refer(paths(0)),
		step(kindCheck, fieldPrefix+`has at least (\d+) (?:item|items)$`, func(w *World) any { return w.fieldHasItems }).
			pt(`^o campo "([^"]*)" da resposta tem pelo menos (\d+) (?:item|itens)$`).refer(paths(0)),
		step(kindAction, `^the application saves the response field "([^"]*)" as "([^"]*)"$`, func(w *World) any { return w.savesField }).
			pt(`^a aplicação guarda o campo "([^"]*)" da resposta como "([^"]*)"$`).refer(paths(0), saves(1)),
		step(kindCheck, `^within (\d+) seconds GET `+quoted+` has the field "([^"]*)" equal to `+quoted+`$`, func(w *World) any { return w.eventuallyEqual }).
			pt(`^em até (\d+) segundos GET `+quoted+` tem o campo "([^"]*)" igual a `+quoted+`$`).refer(uses(1, 3), paths(2)),
	}
}

// refs is what a generic step refers to: the {name}s it uses, the name it
// saves a value under, and the field paths it reads.
type refs struct {
	uses  []string
	saves string
	paths []string
}

// refer says, for the runner's check before the run, what the step's
// arguments (in English order) and doc string refer to.
func (d Definition) refer(parts ...func(args []string, doc string, r *refs)) Definition {
	d.refs = func(args []string, doc string) refs {
		var r refs
		for _, p := range parts {
			p(args, doc, &r)
		}
		r.uses = append(r.uses, namesIn(doc)...)
		return r
	}
	return d
}

func uses(idx ...int) func([]string, string, *refs) {
	return func(args []string, _ string, r *refs) {
		for _, i := range idx {
			r.uses = append(r.uses, namesIn(args[i])...)
		}
	}
}

func saves(i int) func([]string, string, *refs) {
	return func(args []string, _ string, r *refs) { r.saves = args[i] }
}

func paths(i int) func([]string, string, *refs) {
	return func(args []string, _ string, r *refs) { r.paths = append(r.paths, args[i]) }
}

// nameRef is a {name} in a path, body or expected value. JSON's own
// braces never match: an object's first member starts with a quote.
var nameRef = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// validName is what a saved value may be called.
var validName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func namesIn(s string) []string {
	var out []string
	for _, m := range nameRef.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// FixtureNames are the {name}s every scenario may use: what the target
// holds for the application (fixtures in scenarios.yaml, or the
// simulator's own). transfer_target is the first of
// fixtures.transfer_targets.
func FixtureNames() []string {
	return []string{"own_account_id", "consented_account_id", "pix_key", "static_brcode", "transfer_target"}
}

// StepText is one step of a scenario as the plan holds it: its text and
// its doc string ("" when it has none).
type StepText struct{ Text, Doc string }

// Problem is what is wrong with the step at Index of a scenario.
type Problem struct {
	Index int
	Msg   string
}

// CheckScenario checks, before the run, what a scenario's generic steps
// refer to, in order: every {name} used is a fixture or was saved by an
// earlier step of the scenario (its background's included), every saved
// name is a name and not a fixture's, and every field path reads.
func CheckScenario(steps []StepText) []Problem {
	fixtures := FixtureNames()
	known := map[string]bool{}
	for _, n := range fixtures {
		known[n] = true
	}
	var out []Problem
	for i, st := range steps {
		d, args, ok := Resolve(st.Text)
		if !ok || d.refs == nil {
			continue
		}
		r := d.refs(args, st.Doc)
		for _, p := range r.paths {
			if err := check.CheckFieldPath(p); err != nil {
				out = append(out, Problem{i, err.Error()})
			}
		}
		for _, n := range r.uses {
			if !known[n] {
				out = append(out, Problem{i, fmt.Sprintf("{%s} is neither a fixture (%s) nor saved by an earlier step of the scenario (\"the application saves the response field ... as \\\"%s\\\"\")", n, strings.Join(fixtures, ", "), n)})
				known[n] = true // said once per scenario
			}
		}
		if r.saves != "" {
			switch {
			case !validName.MatchString(r.saves):
				out = append(out, Problem{i, fmt.Sprintf("%q is not a name to save a value under: use letters, digits and _ (e.g. transfer_id)", r.saves)})
			case slices.Contains(fixtures, r.saves):
				out = append(out, Problem{i, fmt.Sprintf("%q is a fixture's name: save the value under another name", r.saves)})
			}
			known[r.saves] = true
		}
	}
	return out
}

// calls sends a request without a body.
func (w *World) calls(ctx context.Context, method, path string) error {
	return w.send(ctx, method, path, nil, false)
}

func (w *World) callsWithBody(ctx context.Context, method, path string, doc *godog.DocString) error {
	return w.send(ctx, method, path, doc, false)
}

func (w *World) callsWithKey(ctx context.Context, method, path string, doc *godog.DocString) error {
	return w.send(ctx, method, path, doc, true)
}

// send expands the {name}s of the path and body and calls the API. Any
// answer is the step's result, for the Then steps to judge; only a call
// that got no answer fails here.
func (w *World) send(ctx context.Context, method, path string, doc *godog.DocString, withKey bool) error {
	p, err := w.expandPath(ctx, path)
	if err != nil {
		return err
	}
	var body []byte
	if doc != nil {
		b, err := w.expand(ctx, doc.Content, jsonText)
		if err != nil {
			return err
		}
		body = []byte(b)
	}
	key := ""
	if withKey {
		key = w.key()
	}
	_, err = w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Call(ctx, method, p, body, key)
		return err
	})
	return err
}

func (w *World) responseStatus(ctx context.Context, status int64) error {
	return w.verify(ctx, check.ResponseStatus, params("status", status), check.Inputs{"response": w.last})
}

func (w *World) fieldIsString(ctx context.Context, path, value string) error {
	v, err := w.expand(ctx, value, same)
	if err != nil {
		return err
	}
	return w.verify(ctx, check.FieldEquals, params("path", path, "value", v, "as", check.TypeString), check.Inputs{"response": w.last})
}

func (w *World) fieldIsNumber(ctx context.Context, path, value string) error {
	return w.verify(ctx, check.FieldEquals, params("path", path, "value", value, "as", check.TypeNumber), check.Inputs{"response": w.last})
}

func (w *World) fieldIsType(ctx context.Context, path, typ string) error {
	t := map[string]string{"a number": check.TypeNumber, "a string": check.TypeString, "a boolean": check.TypeBoolean,
		"an array": check.TypeArray, "an object": check.TypeObject, "null": check.TypeNull}[typ]
	return w.verify(ctx, check.FieldType, params("path", path, "type", t), check.Inputs{"response": w.last})
}

func (w *World) fieldHasItems(ctx context.Context, path string, min int64) error {
	return w.verify(ctx, check.FieldMinItems, params("path", path, "min", min), check.Inputs{"response": w.last})
}

// savesField keeps a field of the last response under a name, for the
// steps after it; the check records what was saved.
func (w *World) savesField(ctx context.Context, path, name string) error {
	value := ""
	if v, err := check.LastField(w.last, path); err == nil {
		value = check.FieldText(v)
	}
	if err := w.verify(ctx, check.FieldSaved, params("path", path, "name", name, "value", value), check.Inputs{"response": w.last}); err != nil {
		return err
	}
	if w.saved == nil {
		w.saved = map[string]string{}
	}
	w.saved[name] = value
	return nil
}

// eventuallyEqual reads path until its field equals value or the seconds
// pass; the check judges every read, the time included.
func (w *World) eventuallyEqual(ctx context.Context, secs int64, path, field, value string) error {
	p, err := w.expandPath(ctx, path)
	if err != nil {
		return err
	}
	if value, err = w.expand(ctx, value, same); err != nil {
		return err
	}
	within := time.Duration(secs) * time.Second
	prm := params("path", field, "value", value, "within_ms", within.Milliseconds())
	var reads []check.Record
	start := time.Now()
	for {
		recs, err := w.call(ctx, func(ctx context.Context) error {
			_, err := w.s.cfg.Client.Call(ctx, "GET", p, nil, "")
			return err
		})
		reads = append(reads, recs...)
		if err != nil && !hasHTTP(recs) {
			return err
		}
		if check.Run(check.FieldEventually, prm, check.Inputs{"reads": reads}).OK || time.Since(start) >= within || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(min(w.s.cfg.Poll, within-time.Since(start)))
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	w.last = reads
	return w.verify(ctx, check.FieldEventually, prm, check.Inputs{"reads": reads})
}

// expand replaces each {name} of s with its value, escaped for where it
// goes.
func (w *World) expand(ctx context.Context, s string, esc func(string) string) (string, error) {
	var err error
	out := nameRef.ReplaceAllStringFunc(s, func(m string) string {
		if err != nil {
			return m
		}
		v, verr := w.value(ctx, m[1:len(m)-1])
		if verr != nil {
			err = verr
			return m
		}
		return esc(v)
	})
	return out, err
}

// expandPath expands a path's {name}s, escaped as a path segment before
// the query and as a query value after it.
func (w *World) expandPath(ctx context.Context, path string) (string, error) {
	p, q, hasQuery := strings.Cut(path, "?")
	p, err := w.expand(ctx, p, pathEscape)
	if err != nil || !hasQuery {
		return p, err
	}
	q, err = w.expand(ctx, q, queryEscape)
	return p + "?" + q, err
}

// value is what {name} stands for: a saved value, else a fixture.
func (w *World) value(ctx context.Context, name string) (string, error) {
	if v, ok := w.saved[name]; ok {
		return v, nil
	}
	fx := w.s.cfg.Fixtures
	switch name {
	case "own_account_id":
		return w.s.ensureOwnAccount(ctx, w.scenario)
	case "consented_account_id":
		if fx.ConsentedAccountID != "" {
			return fx.ConsentedAccountID, nil
		}
		if v, ok := w.s.built(PrereqConsent); ok {
			if id, _ := v.(string); id != "" {
				return id, nil
			}
		}
		return "", errors.New("{consented_account_id}: no account is shared with the application yet: add \"Given the owner has consented to share an account\" before this step, or set fixtures.consented_account_id")
	case "pix_key":
		return fixture(fx.PixKey, name, "fixtures.pix_key")
	case "static_brcode":
		return fixture(fx.StaticBRCode, name, "fixtures.static_brcode")
	case "transfer_target":
		if len(fx.TransferTargets) == 0 {
			return "", errors.New("{transfer_target}: set fixtures.transfer_targets in scenarios.yaml to other Stone account codes")
		}
		return fx.TransferTargets[0], nil
	}
	return "", fmt.Errorf("{%s} is neither a fixture (%s) nor saved by an earlier step of this scenario", name, strings.Join(FixtureNames(), ", "))
}

func fixture(v, name, key string) (string, error) {
	if v == "" {
		return "", fmt.Errorf("{%s}: set %s in scenarios.yaml", name, key)
	}
	return v, nil
}

func same(s string) string { return s }

// jsonText escapes a value for the inside of a JSON string: a body writes
// "account_id": "{own_account_id}" and gets valid JSON whatever the value.
func jsonText(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	q := strings.TrimSpace(b.String())
	return q[1 : len(q)-1]
}

func pathEscape(s string) string  { return url.PathEscape(s) }
func queryEscape(s string) string { return url.QueryEscape(s) }
