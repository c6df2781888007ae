package locale

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// verbs are the fmt verbs of a format, in order.
var verb = regexp.MustCompile(`%[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)

func verbs(s string) []string { return verb.FindAllString(s, -1) }

// TestCataloguesAgree: every sentence of English has a Portuguese one,
// none is empty, and each format takes the same verbs in the same order,
// so a caller's arguments fit either language.
func TestCataloguesAgree(t *testing.T) {
	en, pt := reflect.ValueOf(*english()), reflect.ValueOf(*portuguese())
	compare(t, "Catalogue", en, pt)
}

func compare(t *testing.T, path string, en, pt reflect.Value) {
	t.Helper()
	switch en.Kind() {
	case reflect.Struct:
		for i := range en.NumField() {
			compare(t, path+"."+en.Type().Field(i).Name, en.Field(i), pt.Field(i))
		}
	case reflect.String:
		if en.String() == "" || pt.String() == "" {
			t.Errorf("%s is empty in a language: en %q, pt %q", path, en.String(), pt.String())
		}
		if a, b := verbs(en.String()), verbs(pt.String()); !slices.Equal(a, b) {
			t.Errorf("%s: English takes %v, Portuguese %v", path, a, b)
		}
	case reflect.Map:
		if en.Len() != pt.Len() {
			t.Errorf("%s: English has %d entries, Portuguese %d", path, en.Len(), pt.Len())
		}
		for _, k := range en.MapKeys() {
			p := pt.MapIndex(k)
			if !p.IsValid() {
				t.Errorf("%s[%v] is missing in Portuguese", path, k)
				continue
			}
			compare(t, path+"["+k.String()+"]", en.MapIndex(k), p)
		}
	case reflect.Slice:
		if en.Len() == 0 || pt.Len() == 0 {
			t.Errorf("%s is empty in a language", path)
		}
	case reflect.Int:
		if en.Int() <= 0 || pt.Int() <= 0 {
			t.Errorf("%s is not set in a language", path)
		}
	default:
		t.Errorf("%s: a %s field; teach this test to compare it", path, en.Kind())
	}
}

// TestCataloguesDiffer: the Portuguese catalogue is a translation, not a
// copy: a sentence left in English is caught (the words both languages
// share are listed).
func TestCataloguesDiffer(t *testing.T) {
	same := map[string]bool{"Catalogue.Markdown.Total": true, "Catalogue.Markdown.Status": true, "Catalogue.HTML.Total": true, "Catalogue.HTML.LazyWebhooks": true}
	en, pt := reflect.ValueOf(*english()), reflect.ValueOf(*portuguese())
	var walk func(path string, a, b reflect.Value)
	walk = func(path string, a, b reflect.Value) {
		switch a.Kind() {
		case reflect.Struct:
			for i := range a.NumField() {
				walk(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		case reflect.String:
			if a.String() == b.String() && !same[path] {
				t.Errorf("%s is the same in both languages: %q", path, a.String())
			}
		}
	}
	walk("Catalogue", en, pt)
}

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"": English, "en": English, "EN-us": English, "pt-BR": Portuguese, "pt_br": Portuguese, "pt": Portuguese} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Parse("es"); err == nil || !strings.Contains(err.Error(), "en or pt-BR") {
		t.Errorf("Parse(es) = %v, want an error naming the languages", err)
	}
}

func TestBRL(t *testing.T) {
	for cents, want := range map[int64]string{0: "R$ 0,00", 1500: "R$ 15,00", 123456: "R$ 1.234,56", 100000000: "R$ 1.000.000,00", -5: "-R$ 0,05"} {
		if got := BRL(cents); got != want {
			t.Errorf("BRL(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestBlocked(t *testing.T) {
	pt := For(Portuguese)
	got := pt.Blocked(`the application's own account (failed in "List the accounts")`)
	if got != `a conta própria da aplicação (falhou em "List the accounts")` {
		t.Errorf("Blocked = %q", got)
	}
	if got := pt.Blocked("something else"); got != "something else" {
		t.Errorf("an unknown prerequisite changed: %q", got)
	}
}
