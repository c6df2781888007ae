package steps

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/steps.md from the definitions")

const stepsDoc = "../docs/steps.md"

// TestDocs keeps docs/steps.md, the grammar in both languages, the one
// the code registers: go test ./steps -run TestDocs -update rewrites it.
func TestDocs(t *testing.T) {
	want := grammarDoc()
	if *update {
		if err := os.WriteFile(stepsDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(stepsDoc)
	if err != nil {
		t.Fatalf("%v (generate it: go test ./steps -run TestDocs -update)", err)
	}
	if string(got) != want {
		t.Errorf("docs/steps.md is not the grammar the code registers: run go test ./steps -run TestDocs -update")
	}
}

// grammarDoc renders the grammar, one table per capability, one row per
// step with every phrase of it.
func grammarDoc() string {
	var b strings.Builder
	b.WriteString(docIntro)
	type row struct {
		kind   string
		en, pt []string
	}
	var order []string
	byGroup := map[string][]*row{}
	byStep := map[string]*row{}
	for _, d := range Definitions() {
		r := byStep[d.Step]
		if r == nil {
			r = &row{kind: d.Kind}
			byStep[d.Step] = r
			if _, ok := byGroup[d.Group]; !ok {
				order = append(order, d.Group)
			}
			byGroup[d.Group] = append(byGroup[d.Group], r)
		}
		if d.Lang == LangEnglish {
			r.en = append(r.en, humanForm(d.Expr.String()))
		} else {
			r.pt = append(r.pt, humanForm(d.Expr.String()))
		}
	}
	for _, g := range order {
		b.WriteString("\n## " + g + "\n\n")
		if g == genericGroup {
			b.WriteString(genericIntro)
		}
		b.WriteString("| kind | English | Português |\n|---|---|---|\n")
		for _, r := range byGroup[g] {
			b.WriteString("| " + r.kind + " | " + cells(r.en) + " | " + cells(r.pt) + " |\n")
		}
	}
	return b.String()
}

func cells(phrases []string) string {
	var out []string
	for _, p := range phrases {
		out = append(out, "`"+strings.ReplaceAll(p, "|", `\|`)+"`")
	}
	return strings.Join(out, "<br>")
}

const genericGroup = "Generic API steps · Passos genéricos de API"

const docIntro = `# The step grammar · A gramática dos passos

<!-- Generated from the definitions homolog registers (steps/*.go) by
     go test ./steps -run TestDocs -update; a test fails when it differs. -->

Every step homolog knows, in English and in Brazilian Portuguese. A feature
file in Portuguese starts with ` + "`# language: pt`" + ` and uses Gherkin's
Portuguese keywords (Funcionalidade, Contexto, Cenário, Dado, Quando, Então,
E, Mas); each row below is one step, and every phrase of a row runs the same
code. The built-in script exists in both languages (` + "`features/`" + ` and
` + "`features/pt/`" + `, chosen with ` + "`--lang`" + `), scenario for scenario the same.

How to read a phrase: ` + "`N`" + ` is a whole number (in the generic steps' "is N",
a decimal one too), ` + "`\"X\"`" + ` a value in double quotes, ` + "`(a|b)`" + ` one of the
words given, ` + "`[que]`" + ` words that may be left out ("Dado que a aplicação…" or
"Dado a aplicação…"); a phrase ending in ` + "`:`" + ` takes a doc string (` + "`\"\"\"`" + `) on
the lines below it. Kinds: *ensure* reuses what an earlier scenario built or
builds it (and reports the scenario blocked when an earlier one failed to);
*action* does something; *owner* is the account owner's part (a person,
against Stone's sandbox); *check* judges recorded exchanges with a function
that ` + "`homolog recheck`" + ` runs again.
`

const genericIntro = `These call any endpoint of Stone's API through the run's client (its
token, ` + "`User-Agent`" + `, retries, redaction and evidence) and check the
answer, so a team can add a check in a feature file without Go. Paths are
written as Stone's documents write them (` + "`/api/v1/accounts`" + `; the part after
` + "`/api/v1`" + ` works too), with a query string if needed. Field paths use dots and
indexes: ` + "`data[0].id`" + `. "Then the response …" judges the scenario's last
response, whatever its status (a refusal's body too). "is N" compares
numbers as numbers (` + "`15.0`" + ` is ` + "`15`" + `); the polling step's ` + "`equal to \"5\"`" + ` also
holds for the number 5, and ` + "`equal to \"true\"`" + ` for a boolean.

In paths, bodies and expected values ` + "`{name}`" + ` is a value saved by an earlier
step of the scenario (` + "`saves the response field \"id\" as \"transfer_id\"`" + `) or
a fixture: ` + "`{own_account_id}`" + `, ` + "`{consented_account_id}`" + `, ` + "`{pix_key}`" + `,
` + "`{static_brcode}`" + `, ` + "`{transfer_target}`" + ` (the first of ` + "`fixtures.transfer_targets`" + `).
A name that is neither is a configuration error naming the file and line,
before any request is sent. Values are escaped for where they go (a path
segment, a query value, the inside of a JSON string).

`
