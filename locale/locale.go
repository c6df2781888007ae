// Package locale holds what homolog says to people, in each language it
// speaks: one catalogue per language (english.go, portuguese.go), each a
// value built by a function, so there is no shared state to change.
//
// It covers what a person reads: homolog run's progress, summary and
// verdict lines, the account owner's prompts, summary.md, report.html and
// junit.xml's verdict. What is evidence (a check's message, a step's error,
// an incomplete run's reason) and what only a developer meets (a
// configuration error) stays English: it is compared across bundles and
// quoted in issues.
package locale

import (
	"fmt"
	"strings"
)

// Languages homolog speaks, as --lang, lang: and HOMOLOG_LANG name them.
const (
	English    = "en"
	Portuguese = "pt-BR"
)

// Languages lists them, English (the default) first.
func Languages() []string { return []string{English, Portuguese} }

// Parse reads a language as a person writes it: "en", "pt-BR", and the
// usual variants ("pt", "pt_br", "en-US"). "" is English.
func Parse(s string) (string, error) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-")) {
	case "", "en", "en-us", "en-gb", "english":
		return English, nil
	case "pt-br", "pt", "portuguese", "português", "portugues":
		return Portuguese, nil
	}
	return "", fmt.Errorf("unknown language %q (want %s)", s, strings.Join(Languages(), " or "))
}

// For is the catalogue of a language; an unknown one (a bundle from a
// newer homolog) is English.
func For(lang string) *Catalogue {
	if lang == Portuguese {
		return portuguese()
	}
	return english()
}

// Money writes centavos the way the catalogue's readers write money.
// Both languages write Brazilian reais the Brazilian way: R$ 1.234,56.
func (c *Catalogue) Money(cents int64) string { return BRL(cents) }

// BRL writes centavos the way Brazilians write money: R$ 1.234,56.
func BRL(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	reais := fmt.Sprint(cents / 100)
	var b strings.Builder
	for i, c := range reais {
		if i > 0 && (len(reais)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%sR$ %s,%02d", sign, b.String(), cents%100)
}

// Marker is a run's verdict in one word of the catalogue's language.
func (c *Catalogue) Marker(status string, complete bool) string {
	switch {
	case !complete || status == "incomplete":
		return c.Incomplete
	case status == "passed":
		return c.Passed
	default:
		return c.Failed
	}
}

// Status names a scenario or step status ("passed", "not_run"...) in the
// catalogue's language; an unknown one is shown as it is.
func (c *Catalogue) Status(s string) string {
	if w, ok := c.Statuses[s]; ok {
		return w
	}
	return s
}

// Mark is the progress line's mark for a scenario status.
func (c *Catalogue) Mark(s string) string {
	if w, ok := c.Marks[s]; ok {
		return w
	}
	return strings.ToUpper(c.Status(s))
}

// Blocked words what blocked a scenario ("the application's own account
// (failed in "List the accounts...")"): the prerequisites homolog names
// are translated, what a scenario or the API said stays as it is.
func (c *Catalogue) Blocked(by string) string {
	for en, w := range c.Prereqs {
		if rest, ok := strings.CutPrefix(by, en); ok {
			rest = strings.Replace(rest, " (failed in ", c.FailedIn, 1)
			return w + rest
		}
	}
	return by
}
