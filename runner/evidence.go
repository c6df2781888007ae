package runner

import (
	"context"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/evidence"
)

// stepEvidence writes what the steps check and what the account owner
// does to the journal, under the scenario and step the hooks put in the
// step's context.
type stepEvidence struct{ rec *evidence.Recorder }

// Check implements steps.Evidence. A journal that cannot be written marks
// the run incomplete (Recorder.Err); the step's verdict stands.
func (e stepEvidence) Check(ctx context.Context, res check.Result) {
	s, _ := evidence.ScopeFrom(ctx)
	_ = e.rec.Check(s.Scenario, s.Step, res)
}

// Person implements steps.Evidence.
func (e stepEvidence) Person(ctx context.Context, p check.Person) check.Record {
	s, _ := evidence.ScopeFrom(ctx)
	r, err := e.rec.Person(ctx, s.Scenario, s.Step, p)
	if err != nil {
		// Unrecorded (the journal failed, or the run is sealed): the
		// step still gets the event, on its tape, without a number.
		r = check.Record{Kind: check.KindPerson, Person: &p}
		check.TapeFrom(ctx).Add(r)
	}
	return r
}
