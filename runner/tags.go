package runner

import (
	"fmt"
	"regexp"
	"strings"
)

// godog's tag filter (v0.16) is a list of alternatives separated by ",",
// each a conjunction of terms separated by "&&", a term being @tag or ~@tag
// (not). It has no parentheses and no "or"/"and" words, and it panics on
// an empty term, so the plan's expression is checked here first.
var tagTerm = regexp.MustCompile(`^~?@?[A-Za-z0-9_.:-]+$`)

// checkTags validates a godog tag expression.
func checkTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, alt := range strings.Split(expr, ",") {
		for _, term := range strings.Split(alt, "&&") {
			term = strings.TrimSpace(term)
			if !tagTerm.MatchString(term) {
				return fmt.Errorf("%q is not a tag term in %q: write @tag or ~@tag (not), join with && (and) and , (or), e.g. \"@stage-1,@stage-2\" or \"@stage-4&&~@slow\"", term, expr)
			}
		}
	}
	return nil
}

// requireTag narrows expr so that every alternative also has term (e.g.
// "@read-only" or "~@simulator-only"): (a,b) && t = (a&&t),(b&&t).
func requireTag(expr, term string) string {
	if strings.TrimSpace(expr) == "" {
		return term
	}
	alts := strings.Split(expr, ",")
	for i, a := range alts {
		alts[i] = strings.TrimSpace(a) + "&&" + term
	}
	return strings.Join(alts, ",")
}
