package runner

import (
	"testing"

	"github.com/openbank-homolog/homolog/evidence"
)

// The scenario that tries to build a prerequisite through an ensure step
// and fails is the failure; only the scenarios after it are blocked (never
// a scenario blocked by itself, and never a run with no failure at all).
func TestBuilderOfAPrerequisiteFailsOthersAreBlocked(t *testing.T) {
	cfg := Defaults()
	cfg.Tags = "@stage-4"
	cfg.Fixtures.OwnAccountID = "not-an-account-of-this-application"
	res, out := runPlan(t, cfg)
	failed := 0
	for _, sc := range reportOf(t, res).Scenarios() {
		if sc.Status == evidence.StatusFailed {
			failed++
		}
		if sc.Status == evidence.StatusBlocked && containsName(sc.BlockedBy, sc.Name) {
			t.Errorf("%q is reported blocked by itself: %s", sc.Name, sc.BlockedBy)
		}
	}
	if failed == 0 {
		t.Errorf("no scenario failed although the own account could not be found:\n%s", out)
	}
}

func containsName(s, name string) bool {
	return len(name) > 0 && len(s) >= len(name) && (s == name || indexOf(s, `"`+name+`"`) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
