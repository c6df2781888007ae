package evidence

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/openbank-homolog/homolog/locale"
)

// Coverage is what a run covered. The verdict names it everywhere it
// appears, because a reviewer reads one word: a bare PASSED is earned only
// by the whole built-in script (for the target and the families the
// application is authorised for) on the target's documented hosts. A
// partial run, an edited script or a sandbox target pointed elsewhere
// passes with the words partial, custom or not Stone's hosts beside it.
// A family the application is not authorised for is not part of its
// script: leaving it out is neither a failure nor partial, and the
// families in scope are stated beside the verdict, not in it.
type Coverage struct {
	Target    string `json:"target"`
	Scenarios int    `json:"scenarios"` // scenarios the run planned
	Of        int    `json:"of"`        // scenarios its script holds for the target and the authorised families
	// Families are the authorised families of actions in scope (null in
	// bundles made before homolog knew of them); NotAuthorised the ones
	// homolog knows that the plan left out.
	Families      []string `json:"families"`
	NotAuthorised []string `json:"not_authorised,omitempty"`
	Filters       []string `json:"filters,omitempty"`    // what left scenarios out: "tags @stage-1", "fail-fast"...
	Custom        []string `json:"custom,omitempty"`     // how the features differ from the built-in script
	OffTarget     []string `json:"off_target,omitempty"` // the target's hosts that Stone does not document for it
	// Subject names what the bundle tests when it is not a run of the
	// homologation script (homolog webhooks send tests the partner's
	// webhook receiver alone); "" for a run of the script.
	Subject string `json:"subject,omitempty"`
}

// FamiliesWords states which families of actions were in scope, for the
// report's header and summary: "internal_transfers, pix (not authorised:
// payments)". "" when the bundle does not record them.
func (s *Coverage) FamiliesWords() string { return s.FamiliesIn(locale.For(locale.English)) }

// FamiliesIn is FamiliesWords in a catalogue's language; the families are
// named as scenarios.yaml names them, in any language.
func (s *Coverage) FamiliesIn(w *locale.Catalogue) string {
	if s == nil || s.Families == nil {
		return ""
	}
	f := strings.Join(s.Families, ", ")
	if len(s.Families) == 0 {
		f = w.FamiliesNone
	}
	if len(s.NotAuthorised) > 0 {
		f += fmt.Sprintf(w.NotAuthorised, strings.Join(s.NotAuthorised, ", "))
	}
	return f
}

// Partial reports whether filters left some of the script's scenarios out.
func (s *Coverage) Partial() bool { return s != nil && s.Scenarios < s.Of }

// Words are the scope's qualifiers, joined; "" for a complete run of the
// built-in script on the documented hosts. They are English, as verify,
// diff and every bundle compare them; WordsIn says them to a person in
// the run's language.
func (s *Coverage) Words() string { return s.WordsIn(locale.For(locale.English)) }

// WordsIn is Words in a catalogue's language: "parcial", "roteiro
// próprio", "fora dos hosts da Stone".
func (s *Coverage) WordsIn(w *locale.Catalogue) string {
	if s == nil {
		return ""
	}
	var parts []string
	if s.Subject != "" {
		parts = append(parts, s.Subject)
	}
	if s.Partial() {
		p := fmt.Sprintf(w.Partial, s.Scenarios, s.Of)
		if len(s.Filters) > 0 {
			fs := make([]string, len(s.Filters))
			for i, f := range s.Filters {
				fs[i] = filterWords(f, w)
			}
			p += " (" + strings.Join(fs, ", ") + ")"
		}
		parts = append(parts, p)
	}
	if len(s.Custom) > 0 {
		parts = append(parts, fmt.Sprintf(w.CustomScript, customWords(s.Custom, w)))
	}
	if len(s.OffTarget) > 0 {
		parts = append(parts, fmt.Sprintf(w.OffTarget, s.Target, strings.Join(s.OffTarget, ", ")))
	}
	return strings.Join(parts, "; ")
}

// filterWords says a filter ("lines features/05-ted.feature:14") in the
// catalogue's language: its first word translated, what follows as the
// user wrote it.
func filterWords(f string, w *locale.Catalogue) string {
	word, rest, _ := strings.Cut(f, " ")
	if t, ok := w.Filters[word]; ok {
		word = t
	}
	if rest == "" {
		return word
	}
	return word + " " + rest
}

func customWords(diffs []string, w *locale.Catalogue) string {
	n := 0
	for _, d := range diffs {
		if d != reordered {
			n++
		}
	}
	switch {
	case n == 0:
		return w.CustomOrder
	case n == 1:
		return w.CustomOne
	default:
		return fmt.Sprintf(w.CustomMany, n)
	}
}

// Verdict is a marker (PASSED, FAILED, INCOMPLETE) with the scope's words.
func Verdict(marker string, s *Coverage) string {
	if w := s.Words(); w != "" {
		return marker + " — " + w
	}
	return marker
}

// LocalVerdict is a report's verdict with its scope in the report's
// language ("APROVADA — parcial: …" in Portuguese), as summary.md,
// report.html, junit.xml and homolog run's last lines state it.
func LocalVerdict(r *Report) string {
	w := r.words()
	v := w.Marker(r.Status, r.Complete)
	if s := r.Coverage.WordsIn(w); s != "" {
		v += " — " + s
	}
	return v
}

// words is the catalogue of the report's language.
func (r *Report) words() *locale.Catalogue { return locale.For(r.Lang) }

const reordered = "the files run in another order"

// CustomDiff says how the features a run used differ from the built-in
// script, both in run order: each file changed, added or missing, and
// whether the order differs. Nil means the built-in script, unchanged.
func CustomDiff(run, builtin []HashedFile) []string {
	want := map[string]string{}
	for _, f := range builtin {
		want[f.Path] = f.SHA256
	}
	got := map[string]string{}
	var out []string
	for _, f := range run {
		got[f.Path] = f.SHA256
		switch h, ok := want[f.Path]; {
		case !ok:
			out = append(out, f.Path+" added")
		case h != f.SHA256:
			out = append(out, f.Path+" changed")
		}
	}
	for _, f := range builtin {
		if _, ok := got[f.Path]; !ok {
			out = append(out, f.Path+" missing")
		}
	}
	if len(out) == 0 && !slices.EqualFunc(run, builtin, func(a, b HashedFile) bool { return a.Path == b.Path }) {
		out = append(out, reordered)
	}
	return out
}

// OffTargetHosts lists the hosts of t that are not the ones documented
// for its target (each of auth, API and consent site compared with its
// own documented host), in order, without repeats.
func OffTargetHosts(t, documented Target) []string {
	var out []string
	for _, pair := range [][2]string{{t.AuthURL, documented.AuthURL}, {t.APIURL, documented.APIURL}, {t.SiteURL, documented.SiteURL}} {
		got, want := hostOf(pair[0]), hostOf(pair[1])
		if got != want && !slices.Contains(out, got) {
			out = append(out, got)
		}
	}
	return out
}

// hostOf is a URL's host[:port] and, when not https, its scheme: an
// http:// URL on Stone's host name is not Stone either.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	if u.Scheme != "https" {
		return u.Scheme + "://" + u.Host
	}
	return u.Host
}
