package evidence

import (
	"html"
	"reflect"
	"strings"
	"testing"

	"github.com/openbank-homolog/homolog/locale"
)

// TestHTMLPortuguese: a Portuguese run's report.html, full and compact,
// is in Portuguese: the page says so, every label of the catalogue that
// differs between the languages is left in neither page in English, and
// no label was refused by html/template (ZgotmplZ).
func TestHTMLPortuguese(t *testing.T) {
	en := locale.For(locale.English).HTML
	pt := locale.For(locale.Portuguese).HTML
	for _, rd := range []HTMLRenderer{{}, {InlineLimit: -1}} {
		r := richReport()
		r.Lang = locale.Portuguese
		out := html.UnescapeString(render(t, rd, r))
		if !strings.Contains(out, `<html lang="pt-BR">`) {
			t.Errorf("compact=%v: the page does not say it is in Portuguese", rd.InlineLimit < 0)
		}
		if strings.Contains(out, "ZgotmplZ") {
			t.Errorf("compact=%v: html/template refused a label (ZgotmplZ)", rd.InlineLimit < 0)
		}
		for _, want := range []string{"Relatório de homologação", "Cenário:", "Linha do tempo", "Id da execução", "Bloqueado por:"} {
			if !strings.Contains(out, want) {
				t.Errorf("compact=%v: page lacks %q", rd.InlineLimit < 0, want)
			}
		}
		ev, pv := reflect.ValueOf(en), reflect.ValueOf(pt)
		for i := range ev.NumField() {
			e, p := ev.Field(i).String(), pv.Field(i).String()
			// Short words ("link", "check") and formats are found in data;
			// the sentences and headings are not.
			if e == p || len(e) < 12 || strings.Contains(e, "%") {
				continue
			}
			if strings.Contains(out, e) {
				t.Errorf("compact=%v: the Portuguese page shows %s in English: %q", rd.InlineLimit < 0, ev.Type().Field(i).Name, e)
			}
		}
	}
	// A run that did not complete says so in Portuguese too.
	r := richReport()
	r.Lang, r.Status, r.Complete = locale.Portuguese, "incomplete", false
	if out := render(t, HTMLRenderer{}, r); !strings.Contains(out, ">incompleta</span>") || strings.Contains(out, ">incomplete<") {
		t.Error("an incomplete Portuguese run's status badge is not in Portuguese")
	}
	// And English stays English.
	out := render(t, HTMLRenderer{}, richReport())
	if !strings.Contains(out, `<html lang="en">`) || strings.Contains(out, "Relatório") {
		t.Error("an English run's page is not in English")
	}
}
