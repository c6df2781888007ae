package runner

import (
	"fmt"
	"io"
	"net/url"

	"github.com/openbank-homolog/homolog/contract"
	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/locale"
)

// driftCheck flags the responses of a run that depart from the shapes
// Stone documents (package contract), against Stone's sandbox and
// production only: the simulator's own tests hold it to the same shapes,
// and a run against it reports no drift.
func driftCheck(target string) (evidence.DriftCheck, error) {
	if target == TargetSimulator {
		return nil, nil
	}
	c, err := contract.New()
	if err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	return func(method string, u *url.URL, status int, body []byte) []evidence.Drift {
		var out []evidence.Drift
		for _, f := range c.Check(method, u, status, body) {
			out = append(out, evidence.Drift{Endpoint: f.Endpoint, Problem: f.Problem})
		}
		return out
	}, nil
}

// printDrift tells the person at the terminal that responses departed
// from the documented shapes; the bundle's summary.md and report.html list
// each one.
func printDrift(out io.Writer, r *evidence.Report, words *locale.Catalogue) {
	findings := r.DriftFindings()
	if len(findings) == 0 {
		return
	}
	fmt.Fprintf(out, words.DriftHead+"\n", r.Summary.Drift)
	for i, f := range findings {
		if i == 5 {
			fmt.Fprintf(out, words.DriftMore+"\n", len(findings)-i)
			break
		}
		fmt.Fprintf(out, "  %s\n", f)
	}
}
