package evidence

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openbank-homolog/homolog/check"
)

// JournalFile is the journal's name inside a bundle.
const JournalFile = "journal.ndjson"

// scopeKey carries which scenario and step an HTTP request belongs to. The
// runner puts it in the context godog hands to each step; the step passes the
// context to the API client, and the recorder's transport reads it back. That
// is how exchanges land under the right step even with concurrent scenarios.
type scopeKey struct{}

// Scope identifies the scenario and step a request is made from.
type Scope struct {
	Scenario string
	Step     string
}

// WithScope returns ctx tagged with s.
func WithScope(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

type attemptKey struct{}

type attempts struct{ n atomic.Int64 }

// WithAttempts numbers the attempts of one request: every attempt the
// recorder sees under the returned context gets the next number (1 for the
// first), whether the retry transport made it or Go's HTTP transport
// re-sent the request by itself on a dropped keep-alive connection.
func WithAttempts(ctx context.Context) context.Context {
	return context.WithValue(ctx, attemptKey{}, &attempts{})
}

// nextAttempt is the number of the attempt about to be recorded, 0 when
// the request is not numbered.
func nextAttempt(ctx context.Context) int {
	a, ok := ctx.Value(attemptKey{}).(*attempts)
	if !ok {
		return 0
	}
	return int(a.n.Add(1))
}

// ScopeFrom returns the scope of ctx, if any.
func ScopeFrom(ctx context.Context) (Scope, bool) {
	s, ok := ctx.Value(scopeKey{}).(Scope)
	return s, ok
}

// RecorderOptions configures a Recorder.
type RecorderOptions struct {
	Dir             string           // the bundle directory; it must exist and be empty
	Now             func() time.Time // nil → time.Now
	Redactor        *Redactor        // required
	InlineBodyLimit int              // bodies larger than this go to bodies/; 0 → 4096
	// Drift, when set, flags each response that departs from the shape
	// Stone documents; the finding is recorded on the exchange.
	Drift DriftCheck
}

// Recorder turns what happens during a run into evidence: it appends each
// event to the journal as it happens, and keeps in memory only the run's
// header and its totals. Everything else — the plan's features, every
// exchange, check and person event — is in the journal, and the reports are
// rendered from there (Close), so a run of any size records in flat memory.
// It knows nothing of godog or of the Stone client.
type Recorder struct {
	dir     string
	now     func() time.Time
	red     *Redactor
	limit   int
	journal *Journal
	drift   DriftCheck

	mu       sync.Mutex
	report   *Report // the header: Features, Setup and Webhooks stay nil
	finished bool
	// Totals, for the summary and the run's outcome before anything is
	// rendered: what is planned, and what has ended with which status.
	planned    Counts      // scenarios planned (Total only)
	plannedSt  Counts      // steps planned (Total only)
	scenarios  Counts      // scenarios that ended, by status
	steps      Counts      // steps that ended, by status
	exchanges  int         // HTTP exchanges recorded
	dateOffset []int64     // server Date minus local time, per response that had one (ClockOffset)
	drifted    int         // exchanges with contract drift
	drifts     []driftSeen // each kind of drift, in the order first seen
}

// driftSeen is one kind of drift as the run records it: a finding whose
// first exchange is known by its journal number and scope (the renderers
// name the step).
type driftSeen struct {
	finding DriftFinding
	scope   Scope
}

// NewRecorder opens the journal in opts.Dir.
func NewRecorder(opts RecorderOptions) (*Recorder, error) {
	if opts.Redactor == nil {
		return nil, fmt.Errorf("evidence: recorder needs a redactor")
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	limit := opts.InlineBodyLimit
	if limit <= 0 {
		limit = 4096
	}
	j, err := OpenJournal(filepath.Join(opts.Dir, JournalFile), now)
	if err != nil {
		return nil, err
	}
	return &Recorder{dir: opts.Dir, now: now, red: opts.Redactor, limit: limit, journal: j, drift: opts.Drift}, nil
}

func (r *Recorder) isFinished() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.finished
}

// Redactor returns the recorder's redactor, for text the runner prints.
func (r *Recorder) Redactor() *Redactor { return r.red }

// Dir is the bundle directory.
func (r *Recorder) Dir() string { return r.dir }

// PlanSource yields the features of a run's plan in run order, each with
// its scenarios and steps. Start reads it twice; a runner that does not
// hold its whole plan in memory parses it again each time.
type PlanSource func(yield func(*Feature) error) error

// FeaturesOf is the PlanSource of features held in memory.
func FeaturesOf(features []*Feature) PlanSource {
	return func(yield func(*Feature) error) error {
		for _, f := range features {
			if f == nil {
				continue
			}
			if err := yield(f); err != nil {
				return err
			}
		}
		return nil
	}
}

// Start records the run header and its plan, rep.Features: every feature,
// scenario and step that is meant to run, so the report lists what never
// ran too. The recorder keeps a copy of the header, not the features.
func (r *Recorder) Start(rep *Report) error {
	return r.StartPlan(rep, FeaturesOf(rep.Features))
}

// StartPlan is Start with the plan read from plan instead of rep.Features:
// the run_start event lists every scenario, then one feature event per
// feature holds its scenarios and steps, for the renderers.
func (r *Recorder) StartPlan(rep *Report, plan PlanSource) error {
	head := rep.Head()
	head.Schema = ReportSchema
	head.StartedAt = r.now().UTC()
	var entries []planEntry
	var planned, plannedSt Counts
	err := plan(func(f *Feature) error {
		for _, sc := range f.Scenarios {
			planned.Total++
			plannedSt.Total += len(sc.Steps)
			entries = append(entries, planEntry{Feature: f.URI, FeatureName: f.Name, Scenario: sc.ID, Name: sc.Name, Line: sc.Line})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("evidence: plan: %w", err)
	}
	r.mu.Lock()
	r.report, r.planned, r.plannedSt = head, planned, plannedSt
	r.mu.Unlock()
	if _, err := r.journal.Append(EventRunStart, "", "", map[string]any{
		"run_id": head.RunID, "tool": head.Tool, "target": head.Target, "client_id": head.ClientID,
		"operator": head.Operator, "plan": entries, "coverage": head.Coverage,
	}); err != nil {
		return err
	}
	entries = nil
	return plan(func(f *Feature) error {
		// Statuses as they stand before anything ran: the renderers start
		// from these and apply what the journal says happened.
		out := *f
		out.Scenarios = make([]*Scenario, len(f.Scenarios))
		for i, sc := range f.Scenarios {
			s := *sc
			s.Status, s.BlockedBy, s.Error, s.StartedAt, s.FinishedAt = StatusNotRun, "", "", time.Time{}, time.Time{}
			s.Steps = make([]*Step, len(sc.Steps))
			for j, st := range sc.Steps {
				s.Steps[j] = &Step{ID: st.ID, Keyword: st.Keyword, Text: st.Text, Line: st.Line, Status: StatusNotRun}
			}
			out.Scenarios[i] = &s
		}
		_, err := r.journal.Append(EventFeature, "", "", &out)
		return err
	})
}

// ScenarioStarted records the start of scenario id.
func (r *Recorder) ScenarioStarted(id string) error {
	_, err := r.journal.Append(EventScenarioStart, id, "", nil)
	return err
}

// StepStarted records the start of a step.
func (r *Recorder) StepStarted(scenarioID, stepID string) error {
	_, err := r.journal.Append(EventStepStart, scenarioID, stepID, nil)
	return err
}

// StepFinished records a step's outcome; errText is redacted here.
func (r *Recorder) StepFinished(scenarioID, stepID, status, errText string) error {
	errText = r.red.String(errText)
	r.mu.Lock()
	r.steps.add(status)
	r.mu.Unlock()
	_, err := r.journal.Append(EventStepEnd, scenarioID, stepID, map[string]any{"status": status, "error": errText})
	return err
}

// ScenarioFinished records a scenario's outcome.
func (r *Recorder) ScenarioFinished(id, status, blockedBy, errText string) error {
	errText = r.red.String(errText)
	r.mu.Lock()
	r.scenarios.add(status) // the runner ends each scenario once
	r.mu.Unlock()
	_, err := r.journal.Append(EventScenarioEnd, id, "", map[string]any{"status": status, "blocked_by": blockedBy, "error": errText})
	return err
}

// WebhookReceived records a webhook delivery as it arrives: headers,
// outcome and the verified payload, redacted. Webhooks arrive on their own
// schedule, so they belong to the run, not to a step; the journal's order
// places them among the steps. It returns the record a check reads.
func (r *Recorder) WebhookReceived(w *Webhook, headers http.Header, payload []byte) (check.Record, error) {
	w.ReceivedAt = r.now().UTC()
	w.Headers = r.red.Headers(headers)
	if len(payload) > 0 {
		w.Payload = string(r.red.Body(payload))
	}
	w.Error = r.red.String(w.Error)
	if r.isFinished() {
		return check.Record{}, nil
	}
	e, err := r.journal.Append(EventWebhook, "", "", w)
	if err != nil {
		return check.Record{}, err
	}
	w.Seq = e.Seq
	return webhookRecord(e, w), nil
}

// Person records one event of the account owner's part in a step — a
// prompt, an answer, the end of a wait — redacted (a consent link keeps
// its JWT's claims, not its signature), and returns the record a check
// reads. The record is also put on the tape of ctx, if any.
func (r *Recorder) Person(ctx context.Context, scenarioID, stepID string, p check.Person) (check.Record, error) {
	p.Text, p.Link, p.Answer, p.Detail = r.red.String(p.Text), r.red.String(p.Link), r.red.String(p.Answer), r.red.String(p.Detail)
	if r.isFinished() {
		return check.Record{}, fmt.Errorf("evidence: person event after the run was sealed")
	}
	e, err := r.journal.Append(EventPerson, scenarioID, stepID, p)
	if err != nil {
		return check.Record{}, err
	}
	rec := personRecord(e, p)
	check.TapeFrom(ctx).Add(rec)
	return rec, nil
}

// Check records what a check read and what came of it, under its step.
func (r *Recorder) Check(scenarioID, stepID string, res check.Result) error {
	if r.isFinished() {
		return fmt.Errorf("evidence: check after the run was sealed")
	}
	_, err := r.journal.Append(EventCheck, scenarioID, stepID, res)
	return err
}

// Outcome is how the run ended.
type Outcome struct {
	Status           string // passed | failed | incomplete
	Complete         bool
	IncompleteReason string
	ExitCode         int
}

// summary is the run's totals so far; r.mu is held. What has not ended
// counts as not run.
func (r *Recorder) summary() Summary {
	s := Summary{Scenarios: r.scenarios, Steps: r.steps, Exchanges: r.exchanges, Drift: r.drifted}
	s.Scenarios.Total, s.Scenarios.NotRun = r.planned.Total, r.scenarios.NotRun+max(0, r.planned.Total-r.scenarios.Total)
	s.Steps.Total, s.Steps.NotRun = r.plannedSt.Total, r.steps.NotRun+max(0, r.plannedSt.Total-r.steps.Total)
	return s
}

// Finish writes the run_end event, closes the journal and returns the final
// header (Features, Setup and Webhooks are in the journal: Close renders
// them). Later events are refused.
func (r *Recorder) Finish(o Outcome) (*Report, error) {
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return r.report, fmt.Errorf("evidence: run already finished")
	}
	r.finished = true
	rep := r.report
	if rep == nil {
		// Never started: an empty run, still a bundle.
		rep = &Report{Schema: ReportSchema}
		r.report = rep
	}
	rep.FinishedAt = r.now().UTC()
	rep.Status, rep.Complete, rep.IncompleteReason, rep.ExitCode = o.Status, o.Complete, o.IncompleteReason, o.ExitCode
	rep.Summary = r.summary()
	r.mu.Unlock()
	_, aerr := r.journal.Append(EventRunEnd, "", "", map[string]any{
		"status": o.Status, "complete": o.Complete, "incomplete_reason": o.IncompleteReason,
		"exit_code": o.ExitCode, "summary": rep.Summary,
	})
	cerr := r.journal.Close()
	if aerr != nil {
		return rep, aerr
	}
	return rep, cerr
}

// Report returns the run's header with its totals so far (its Features
// are not kept: the journal has them). The caller may adjust its coverage
// before Finish; it must not change anything else while the run goes on.
func (r *Recorder) Report() *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.report != nil {
		r.report.Summary = r.summary()
	}
	return r.report
}

// Err reports a journal write failure: events after it are missing, so a
// run that had one cannot be called complete.
func (r *Recorder) Err() error { return r.journal.Err() }

// JournalHead returns the hash of the journal's last line and its count.
func (r *Recorder) JournalHead() (string, int64) { return r.journal.Head() }
