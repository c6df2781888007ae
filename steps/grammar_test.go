package steps

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// humanForm renders a step expression the way steps/doc.go and the README
// list it: N for a number, "X" for a quoted value.
func humanForm(expr string) string {
	s := strings.TrimSuffix(strings.TrimPrefix(expr, "^"), "$")
	s = strings.ReplaceAll(s, `(\d+)`, "N")
	s = strings.ReplaceAll(s, `"([^"]*)"`, `"X"`)
	return s
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
	for _, d := range Definitions() {
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
