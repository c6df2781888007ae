package steps

import (
	"context"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// humanForm renders a step expression the way steps/doc.go, docs/steps.md
// and the README list it: N for a number, "X" for a quoted value.
func humanForm(expr string) string {
	s := strings.TrimSuffix(strings.TrimPrefix(expr, "^"), "$")
	s = strings.ReplaceAll(s, number, "N")
	s = strings.ReplaceAll(s, `(\d+)`, "N")
	s = strings.ReplaceAll(s, `"([^"]*)"`, `"X"`)
	s = optionalWords.ReplaceAllString(s, "[$1] ")
	s = strings.ReplaceAll(s, `(?:`, `(`)
	return s
}

// optionalWords is a phrase's optional opening ("(?:que )?"), shown as
// "[que] ".
var optionalWords = regexp.MustCompile(`\(\?:([^)|]*?) \)\?`)

// english is the English phrase of every step.
func english() []Definition {
	var out []Definition
	for _, d := range Definitions() {
		if d.Lang == LangEnglish {
			out = append(out, d)
		}
	}
	return out
}

// TestGrammarDocumented keeps the step grammar in doc.go in step with the
// definitions: every step is listed, and nothing listed is gone.
func TestGrammarDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // step → kind
	row := regexp.MustCompile(`(?m)^//\t(\S.*?)\s{2,}(\S+.*)$`)
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		rows[m[1]] = m[2]
	}
	for _, d := range english() {
		h := humanForm(d.Expr.String())
		kind, ok := rows[h]
		if !ok {
			t.Errorf("step %q is not in the grammar table of steps/doc.go", h)
		}
		if ok && !strings.HasPrefix(kind, d.Kind) {
			t.Errorf("steps/doc.go says %q is a %q step; its definition says %q", h, kind, d.Kind)
		}
		delete(rows, h)
	}
	delete(rows, "Step")
	for r := range rows {
		t.Errorf("steps/doc.go lists %q, which no definition matches", r)
	}
}

// TestDefinitionsAnchored: every expression is anchored at both ends, so
// one step never matches inside another.
func TestDefinitionsAnchored(t *testing.T) {
	for _, d := range Definitions() {
		e := d.Expr.String()
		if !strings.HasPrefix(e, "^") || !strings.HasSuffix(e, "$") {
			t.Errorf("%q is not anchored", e)
		}
	}
}

// TestEveryStepInPortuguese: every step of the grammar has a Portuguese
// phrase, which captures the same arguments in the same order (a choice of
// words offering as many words as the English one), and no phrase of one
// step reads like another's.
func TestEveryStepInPortuguese(t *testing.T) {
	pt := map[string]int{}
	for _, d := range Definitions() {
		if d.Lang == LangPortuguese {
			pt[d.Step]++
			for _, p := range d.problems {
				t.Errorf("Portuguese phrase %q of %q: %s", d.Expr, d.Step, p)
			}
		}
	}
	for _, d := range english() {
		if pt[d.Step] == 0 {
			t.Errorf("step %q has no Portuguese phrase: give it one with .pt(...) beside the English one", humanForm(d.Step))
		}
	}
	// Each phrase, written out with sample arguments, matches itself only.
	for _, d := range Definitions() {
		text := sample(d.Expr.String())
		if got, _, ok := Resolve(text); !ok || got.Expr.String() != d.Expr.String() {
			t.Errorf("%q (from %q) does not resolve to its own phrase alone", text, d.Expr)
		}
	}
}

// sample writes a phrase out as a step text: a number, a quoted value and
// the first word of each choice.
func sample(expr string) string {
	s := strings.TrimSuffix(strings.TrimPrefix(expr, "^"), "$")
	s = strings.ReplaceAll(s, number, "12")
	s = strings.ReplaceAll(s, `(\d+)`, "7")
	s = strings.ReplaceAll(s, `"([^"]*)"`, `"x"`)
	s = regexp.MustCompile(`\(\?:[^)]*\)\?`).ReplaceAllString(s, "")
	s = regexp.MustCompile(`\(\?:([^|)]*)[^)]*\)`).ReplaceAllString(s, "$1")
	return regexp.MustCompile(`\(([^|)]*)[^)]*\)`).ReplaceAllString(s, "$1")
}

// TestPortugueseWords: a Portuguese choice of words reaches the method as
// the English word it stands for, through Resolve and through the handler
// godog calls.
func TestPortugueseWords(t *testing.T) {
	tests := []struct {
		text string
		step string
		args []string
	}{
		{"o titular da conta aprova o pedido de consentimento", consentDecisionStep, []string{"approves"}},
		{"o titular da conta ignora o pedido de consentimento", consentDecisionStep, []string{"ignores"}},
		{"a aplicação transfere 900 centavos da conta consentida para outra conta Stone", `^the application transfers (\d+) centavos from (its own|the consented) account to another Stone account$`, []string{"900", "the consented"}},
		{"o campo \"data\" da resposta é uma lista", fieldPrefix + `is (a number|a string|a boolean|an array|an object|null)$`, []string{"data", "an array"}},
		{"the account owner rejects the transfer", `^the account owner (approves|rejects) the transfer$`, []string{"rejects"}},
	}
	for _, tt := range tests {
		d, args, ok := Resolve(tt.text)
		if !ok || d.Step != tt.step || !reflect.DeepEqual(args, tt.args) {
			t.Errorf("Resolve(%q) = %q %v %v; want %q %v", tt.text, d.Step, args, ok, tt.step, tt.args)
		}
	}

	var got []any
	d := step(kindAction, `^x (approves|rejects) (\d+) "([^"]*)"$`, func(*World) any {
		return func(_ context.Context, decision string, n int64, quoted string) error {
			got = []any{decision, n, quoted}
			return nil
		}
	})
	pt := d.translated(`^y (aprova|recusa) (\d+) "([^"]*)"$`)
	h := reflect.ValueOf(pt.handler(&World{}))
	out := h.Call([]reflect.Value{reflect.ValueOf(context.Background()), reflect.ValueOf("recusa"), reflect.ValueOf(int64(3)), reflect.ValueOf("recusa")})
	if !out[0].IsNil() || !reflect.DeepEqual(got, []any{"rejects", int64(3), "recusa"}) {
		t.Errorf("handler got %v, want the choice translated and the quoted value as written", got)
	}

	for expr, want := range map[string]string{
		`^y (aprova|recusa|talvez) (\d+) "([^"]*)"$`: "argument 1 offers 3 words, the English phrase 2",
		`^y (aprova|recusa) (\d+)$`:                  "it captures 2 arguments, the English phrase 3",
		`^y ([^"]*) (\d+) "([^"]*)"$`:                "argument 1 is a choice of words in one language only",
	} {
		if bad := d.translated(expr); len(bad.problems) != 1 || bad.problems[0] != want {
			t.Errorf("%s: problems %q, want %q", expr, bad.problems, want)
		}
	}
}
