package evidence

import (
	"time"

	"github.com/openbank-homolog/homolog/check"
)

// ReportSchema versions report.json. Bump it on any incompatible change so
// tools reading old bundles can tell.
const ReportSchema = "homolog.report/v1"

// Statuses of scenarios and steps as they appear in every output.
const (
	StatusPassed    = "passed"
	StatusFailed    = "failed"
	StatusBlocked   = "blocked"   // a prerequisite built by an earlier scenario failed
	StatusSkipped   = "skipped"   // not run because an earlier step of the scenario did not pass
	StatusUndefined = "undefined" // no step definition matches the text
	StatusPending   = "pending"
	StatusNotRun    = "not_run" // the run ended (interrupt, deadline) before reaching it
)

// Report is the whole run, machine-readable: it is report.json. A
// recording renders every report from its journal a scenario at a time
// (Run); a Report held in memory is a Run too.
type Report struct {
	Schema           string      `json:"schema"`
	RunID            string      `json:"run_id"`
	Tool             Tool        `json:"tool"`
	Target           Target      `json:"target"`
	ClientID         string      `json:"client_id"`
	Lang             string      `json:"lang,omitempty"` // the language of the script and of the reports for people ("" is English)
	Operator         string      `json:"operator,omitempty"`
	Signoff          *Signoff    `json:"signoff,omitempty"`
	StartedAt        time.Time   `json:"started_at"`
	FinishedAt       time.Time   `json:"finished_at"`
	Status           string      `json:"status"` // passed | failed | incomplete
	Complete         bool        `json:"complete"`
	IncompleteReason string      `json:"incomplete_reason,omitempty"`
	ExitCode         int         `json:"exit_code"`
	Summary          Summary     `json:"summary"`
	Coverage         *Coverage   `json:"coverage,omitempty"` // what the run covered, for its verdict
	Features         []*Feature  `json:"features"`
	Setup            []*Exchange `json:"setup_exchanges,omitempty"` // HTTP made outside any step (fixtures discovery)
	Webhooks         []*Webhook  `json:"webhooks,omitempty"`        // webhooks received during the run, in arrival order

	drift []DriftFinding // a recording's findings, set by Close on the header it returns
}

// Webhook is one webhook delivery received during the run, after
// decryption and signature check, redacted like every exchange.
type Webhook struct {
	Seq        int64               `json:"seq"`
	ReceivedAt time.Time           `json:"received_at"`
	EventID    string              `json:"event_id"`
	EventType  string              `json:"event_type"`
	TargetType string              `json:"target_type,omitempty"`
	TargetID   string              `json:"target_id,omitempty"`
	Outcome    string              `json:"outcome"` // accepted | duplicate | rejected
	Error      string              `json:"error,omitempty"`
	Status     int                 `json:"status"` // what the receiver answered
	Headers    map[string][]string `json:"headers,omitempty"`
	Payload    string              `json:"payload,omitempty"` // the verified claims, redacted
}

// Tool identifies the program that produced the bundle.
type Tool struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	GoVersion string `json:"go_version"`
}

// Target names what the run talked to; bundles from the simulator say so.
type Target struct {
	Name    string `json:"name"` // simulator | sandbox | production
	AuthURL string `json:"auth_url"`
	APIURL  string `json:"api_url"`
	SiteURL string `json:"site_url"`
}

// Summary counts outcomes.
type Summary struct {
	Scenarios Counts `json:"scenarios"`
	Steps     Counts `json:"steps"`
	Exchanges int    `json:"exchanges"`
	Drift     int    `json:"drift,omitempty"` // exchanges whose response departed from Stone's documented shape
}

// Counts tallies statuses.
type Counts struct {
	Total     int `json:"total"`
	Passed    int `json:"passed"`
	Failed    int `json:"failed"`
	Blocked   int `json:"blocked"`
	Skipped   int `json:"skipped"`
	Undefined int `json:"undefined"`
	Pending   int `json:"pending"`
	NotRun    int `json:"not_run"`
}

func (c *Counts) add(status string) {
	c.Total++
	switch status {
	case StatusPassed:
		c.Passed++
	case StatusFailed:
		c.Failed++
	case StatusBlocked:
		c.Blocked++
	case StatusSkipped:
		c.Skipped++
	case StatusUndefined:
		c.Undefined++
	case StatusPending:
		c.Pending++
	default:
		c.NotRun++
	}
}

// merge adds o's tallies to c's.
func (c *Counts) merge(o Counts) {
	c.Total += o.Total
	c.Passed += o.Passed
	c.Failed += o.Failed
	c.Blocked += o.Blocked
	c.Skipped += o.Skipped
	c.Undefined += o.Undefined
	c.Pending += o.Pending
	c.NotRun += o.NotRun
}

// Feature is one .feature file of the plan, in run order.
type Feature struct {
	URI         string      `json:"uri"`
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	Tags        []string    `json:"tags,omitempty"`
	Scenarios   []*Scenario `json:"scenarios"`
}

// Scenario is one pickle (a scenario or an outline example row).
type Scenario struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Line       int       `json:"line"`
	Tags       []string  `json:"tags,omitempty"`
	Status     string    `json:"status"`
	BlockedBy  string    `json:"blocked_by,omitempty"`
	Error      string    `json:"error,omitempty"`
	StartedAt  time.Time `json:"started_at,omitzero"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Steps      []*Step   `json:"steps"`
}

// Step is one step of a scenario with the HTTP exchanges it caused.
type Step struct {
	ID         string      `json:"id"`
	Keyword    string      `json:"keyword"`
	Text       string      `json:"text"`
	Line       int         `json:"line"`
	Status     string      `json:"status"`
	Error      string      `json:"error,omitempty"`
	StartedAt  time.Time   `json:"started_at,omitzero"`
	FinishedAt time.Time   `json:"finished_at,omitzero"`
	Exchanges  []*Exchange `json:"exchanges,omitempty"`
	// Checks are what the step checked, over which journal records, with
	// what outcome: the step's verdict, recomputable by homolog recheck.
	Checks []*CheckResult `json:"checks,omitempty"`
	// Person are the account owner's part in the step: prompts shown,
	// answers given, waits and how they ended.
	Person []*PersonEvent `json:"person,omitempty"`
}

// CheckResult is one check a step made, as the journal holds it.
type CheckResult struct {
	Seq int64 `json:"seq"`
	check.Result
}

// PersonEvent is one event of the account owner's part, as the journal
// holds it (redacted).
type PersonEvent struct {
	Seq  int64     `json:"seq"`
	Time time.Time `json:"time"`
	check.Person
}

// Exchange is one HTTP request and its response (or transport error),
// already redacted.
type Exchange struct {
	Seq            int64     `json:"seq"`
	StartedAt      time.Time `json:"started_at"`
	FinishedAt     time.Time `json:"finished_at"`
	Method         string    `json:"method"`
	URL            string    `json:"url"`
	Status         int       `json:"status,omitempty"`
	RequestID      string    `json:"x_request_id,omitempty"`
	IdempotencyKey string    `json:"idempotency_key,omitempty"`
	Attempt        int       `json:"attempt,omitempty"` // 1, 2, ... when the runner retried the request
	ServerDate     string    `json:"server_date,omitempty"`
	Request        Message   `json:"request"`
	Response       *Message  `json:"response,omitempty"`
	Error          string    `json:"error,omitempty"`
	// Drift is how the response departed from the shape Stone documents
	// (sandbox and production runs only); it never fails the scenario.
	Drift []Drift `json:"drift,omitempty"`
}

// Message is a redacted header set and body. Bodies larger than the inline
// limit live in bodies/<sha256> and are referenced by BodyRef.
type Message struct {
	Headers  map[string][]string `json:"headers,omitempty"`
	Body     string              `json:"body,omitempty"`
	BodyRef  string              `json:"body_ref,omitempty"`
	BodySize int                 `json:"body_size"`
}

// Scenarios iterates every scenario of the report in order.
func (r *Report) Scenarios() []*Scenario {
	var out []*Scenario
	for _, f := range r.Features {
		out = append(out, f.Scenarios...)
	}
	return out
}

// Summarize recomputes the counts from the scenarios and steps.
func (r *Report) Summarize() {
	var s Summary
	s.Exchanges = len(r.Setup)
	drifted := func(xs []*Exchange) {
		for _, x := range xs {
			if x != nil && len(x.Drift) > 0 {
				s.Drift++
			}
		}
	}
	drifted(r.Setup)
	for _, sc := range r.Scenarios() {
		s.Scenarios.add(sc.Status)
		for _, st := range sc.Steps {
			s.Steps.add(st.Status)
			s.Exchanges += len(st.Exchanges)
			drifted(st.Exchanges)
		}
	}
	r.Summary = s
}
