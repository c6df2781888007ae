package evidence

import "time"

// Run is a run as the renderers read it: its header in memory, its
// scenarios one at a time. A recording renders from its journal this way
// (replay.go), so the memory rendering takes does not grow with the number
// of scenarios; a *Report, all in memory, is a Run too.
type Run interface {
	// Head is the run without its scenarios: every field of Report but
	// Features, Setup and Webhooks, which are nil.
	Head() *Report
	// EachFeature calls fn for each feature in run order, with the
	// feature's header (Scenarios nil), its totals, and scenarios, which
	// calls its own fn for each of the feature's scenarios, complete. A
	// scenario is valid only until the next one: a renderer keeps what it
	// needs, not the scenario. Detail says what a renderer reads of the
	// steps; a journal skips what it does not need.
	EachFeature(detail Detail, fn func(f *Feature, stats FeatureStats, scenarios func(func(*Scenario) error) error) error) error
	// EachSetup calls fn for each exchange made outside any step.
	EachSetup(fn func(*Exchange) error) error
	// EachWebhook calls fn for each webhook received, in arrival order.
	EachWebhook(fn func(*Webhook) error) error
	// Drift is each way the run's responses departed from the shapes
	// Stone documents, once, in the order first seen.
	Drift() ([]DriftFinding, error)
}

// Detail is how much of each step a renderer reads.
type Detail int

const (
	// StepsOnly is each step's status, times and error.
	StepsOnly Detail = iota
	// Everything adds each step's exchanges, checks and person events.
	Everything
)

// FeatureStats are a feature's totals, known before its scenarios are read
// (a JUnit suite states them in its opening tag).
type FeatureStats struct {
	Counts Counts
	Time   time.Duration // the sum of its scenarios' durations
	First  time.Time     // when its first scenario that started did, in plan order
}

func (s *FeatureStats) add(sc *Scenario) {
	s.Counts.add(sc.Status)
	s.Time += span(sc.StartedAt, sc.FinishedAt)
	if s.First.IsZero() {
		s.First = sc.StartedAt
	}
}

// Head implements Run.
func (r *Report) Head() *Report {
	h := *r
	h.Features, h.Setup, h.Webhooks = nil, nil, nil
	return &h
}

// EachFeature implements Run.
func (r *Report) EachFeature(_ Detail, fn func(*Feature, FeatureStats, func(func(*Scenario) error) error) error) error {
	for _, f := range r.Features {
		if f == nil {
			continue
		}
		var stats FeatureStats
		for _, sc := range f.Scenarios {
			if sc != nil {
				stats.add(sc)
			}
		}
		head := *f
		head.Scenarios = nil
		each := func(fn func(*Scenario) error) error {
			for _, sc := range f.Scenarios {
				if sc == nil {
					continue
				}
				if err := fn(sc); err != nil {
					return err
				}
			}
			return nil
		}
		if err := fn(&head, stats, each); err != nil {
			return err
		}
	}
	return nil
}

// EachSetup implements Run.
func (r *Report) EachSetup(fn func(*Exchange) error) error {
	for _, x := range r.Setup {
		if x == nil {
			continue
		}
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

// Drift implements Run.
func (r *Report) Drift() ([]DriftFinding, error) { return r.DriftFindings(), nil }

// EachWebhook implements Run.
func (r *Report) EachWebhook(fn func(*Webhook) error) error {
	for _, w := range r.Webhooks {
		if w == nil {
			continue
		}
		if err := fn(w); err != nil {
			return err
		}
	}
	return nil
}
