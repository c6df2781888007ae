package evidence

import (
	"cmp"
	"net/url"
	"slices"
)

// Drift is one way a response departed from the shape Stone documents for
// it: a field missing, a value of another type, a value outside a
// documented enum. It is recorded on its exchange, so it is part of the
// journal and of the signed bundle, and shown in summary.md and
// report.html. It never fails a scenario: the partner learns of an API
// change from its own run, and Stone of where its docs and its API
// disagree.
type Drift struct {
	Endpoint string `json:"endpoint"` // the documented endpoint's pattern: "GET /api/v1/accounts/{id}/balance"
	Problem  string `json:"problem"`  // "blocked_balance missing"
}

func (d Drift) String() string { return "drift: " + d.Endpoint + ": " + d.Problem }

// DriftCheck says how a response departs from its documented shape, given
// the raw (unredacted) body; nil when it does not. The runner passes one
// for Stone's sandbox and production; against the simulator there is
// none, since the simulator's own tests hold it to the same shapes.
type DriftCheck func(method string, u *url.URL, status int, body []byte) []Drift

// DriftFinding is one kind of drift of a run: how many responses departed
// that way, and the first exchange that did.
type DriftFinding struct {
	Drift
	Responses int
	First     *Exchange
	Where     string // "setup" or "Feature › Scenario › Step" of the first
}

// DriftFindings groups a run's drift by endpoint and problem, in the order
// each was first seen (journal sequence). The header a recording returns
// (Recorder.Close) holds its findings without its features.
func (r *Report) DriftFindings() []DriftFinding {
	if r.drift != nil {
		return r.drift
	}
	var out []DriftFinding
	at := map[Drift]int{}
	add := func(x *Exchange, where string) {
		if x == nil {
			return
		}
		for _, d := range x.Drift {
			i, ok := at[d]
			if !ok {
				at[d] = len(out)
				out = append(out, DriftFinding{Drift: d, First: x, Where: where})
				continue
			}
			out[i].Responses++
			if x.Seq < out[i].First.Seq {
				out[i].First, out[i].Where = x, where
			}
		}
	}
	for _, x := range r.Setup {
		add(x, "setup")
	}
	for _, f := range r.Features {
		if f == nil {
			continue
		}
		for _, sc := range f.Scenarios {
			if sc == nil {
				continue
			}
			for _, st := range sc.Steps {
				if st == nil {
					continue
				}
				for _, x := range st.Exchanges {
					add(x, f.Name+" › "+sc.Name+" › "+stepTitle(st))
				}
			}
		}
	}
	for i := range out {
		out[i].Responses++ // the first
	}
	slices.SortStableFunc(out, func(a, b DriftFinding) int { return cmp.Compare(a.First.Seq, b.First.Seq) })
	return out
}
