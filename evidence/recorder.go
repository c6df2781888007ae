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
// event to the journal as it happens and keeps the report model in memory
// for the renderers. It knows nothing of godog or of the Stone client.
type Recorder struct {
	dir     string
	now     func() time.Time
	red     *Redactor
	limit   int
	journal *Journal
	drift   DriftCheck

	mu        sync.Mutex
	report    *Report
	scenarios map[string]*Scenario
	steps     map[Scope]*Step
	finished  bool
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
	return &Recorder{dir: opts.Dir, now: now, red: opts.Redactor, limit: limit, journal: j, drift: opts.Drift,
		scenarios: map[string]*Scenario{}, steps: map[Scope]*Step{}}, nil
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

// Start records the run header and its plan: every feature, scenario and
// step that is meant to run, so the report lists what never ran too.
func (r *Recorder) Start(rep *Report) error {
	r.mu.Lock()
	rep.Schema = ReportSchema
	rep.StartedAt = r.now().UTC()
	for _, f := range rep.Features {
		for _, sc := range f.Scenarios {
			sc.Status = StatusNotRun
			r.scenarios[sc.ID] = sc
			for _, st := range sc.Steps {
				st.Status = StatusNotRun
				r.steps[Scope{Scenario: sc.ID, Step: st.ID}] = st
			}
		}
	}
	r.report = rep
	r.mu.Unlock()
	_, err := r.journal.Append(EventRunStart, "", "", map[string]any{
		"run_id": rep.RunID, "tool": rep.Tool, "target": rep.Target, "client_id": rep.ClientID,
		"operator": rep.Operator, "plan": planOf(rep), "coverage": rep.Coverage,
	})
	return err
}

func planOf(rep *Report) []map[string]any {
	var plan []map[string]any
	for _, f := range rep.Features {
		for _, sc := range f.Scenarios {
			plan = append(plan, map[string]any{"feature": f.URI, "feature_name": f.Name, "scenario": sc.ID, "name": sc.Name, "line": sc.Line})
		}
	}
	return plan
}

// ScenarioStarted records the start of scenario id.
func (r *Recorder) ScenarioStarted(id string) error {
	now := r.now().UTC()
	r.mu.Lock()
	if sc := r.scenarios[id]; sc != nil {
		sc.StartedAt = now
	}
	r.mu.Unlock()
	_, err := r.journal.Append(EventScenarioStart, id, "", nil)
	return err
}

// StepStarted records the start of a step.
func (r *Recorder) StepStarted(scenarioID, stepID string) error {
	now := r.now().UTC()
	r.mu.Lock()
	if st := r.steps[Scope{scenarioID, stepID}]; st != nil {
		st.StartedAt = now
	}
	r.mu.Unlock()
	_, err := r.journal.Append(EventStepStart, scenarioID, stepID, nil)
	return err
}

// StepFinished records a step's outcome; errText is redacted here.
func (r *Recorder) StepFinished(scenarioID, stepID, status, errText string) error {
	now := r.now().UTC()
	errText = r.red.String(errText)
	r.mu.Lock()
	if st := r.steps[Scope{scenarioID, stepID}]; st != nil {
		st.FinishedAt, st.Status, st.Error = now, status, errText
	}
	r.mu.Unlock()
	_, err := r.journal.Append(EventStepEnd, scenarioID, stepID, map[string]any{"status": status, "error": errText})
	return err
}

// ScenarioFinished records a scenario's outcome.
func (r *Recorder) ScenarioFinished(id, status, blockedBy, errText string) error {
	now := r.now().UTC()
	errText = r.red.String(errText)
	r.mu.Lock()
	if sc := r.scenarios[id]; sc != nil {
		sc.FinishedAt, sc.Status, sc.BlockedBy, sc.Error = now, status, blockedBy, errText
	}
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
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return check.Record{}, nil
	}
	if r.report != nil {
		r.report.Webhooks = append(r.report.Webhooks, w)
	}
	r.mu.Unlock()
	e, err := r.journal.Append(EventWebhook, "", "", w)
	if err != nil {
		return check.Record{}, err
	}
	r.mu.Lock()
	w.Seq = e.Seq
	r.mu.Unlock()
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
	r.mu.Lock()
	if st := r.steps[Scope{scenarioID, stepID}]; st != nil {
		st.Person = append(st.Person, &PersonEvent{Seq: e.Seq, Time: e.Time, Person: p})
	}
	r.mu.Unlock()
	rec := personRecord(e, p)
	check.TapeFrom(ctx).Add(rec)
	return rec, nil
}

// Check records what a check read and what came of it, under its step.
func (r *Recorder) Check(scenarioID, stepID string, res check.Result) error {
	if r.isFinished() {
		return fmt.Errorf("evidence: check after the run was sealed")
	}
	e, err := r.journal.Append(EventCheck, scenarioID, stepID, res)
	if err != nil {
		return err
	}
	r.mu.Lock()
	if st := r.steps[Scope{scenarioID, stepID}]; st != nil {
		st.Checks = append(st.Checks, &CheckResult{Seq: e.Seq, Result: res})
	}
	r.mu.Unlock()
	return nil
}

// Outcome is how the run ended.
type Outcome struct {
	Status           string // passed | failed | incomplete
	Complete         bool
	IncompleteReason string
	ExitCode         int
}

// Finish writes the run_end event, closes the journal and returns the final
// report. Later events are refused.
func (r *Recorder) Finish(o Outcome) (*Report, error) {
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return r.report, fmt.Errorf("evidence: run already finished")
	}
	r.finished = true
	rep := r.report
	rep.FinishedAt = r.now().UTC()
	rep.Status, rep.Complete, rep.IncompleteReason, rep.ExitCode = o.Status, o.Complete, o.IncompleteReason, o.ExitCode
	rep.Summarize()
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

// Report returns the live report. Callers must not modify it while the run
// is in progress.
func (r *Recorder) Report() *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.report
}

// Err reports a journal write failure: events after it are missing, so a
// run that had one cannot be called complete.
func (r *Recorder) Err() error { return r.journal.Err() }

// JournalHead returns the hash of the journal's last line and its count.
func (r *Recorder) JournalHead() (string, int64) { return r.journal.Head() }
