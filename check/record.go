// Package check holds the homologation's checks: pure functions over what
// a run recorded. Each Then step of the script calls one of them with the
// journal records it relies on (HTTP exchanges, webhook deliveries, the
// account owner's actions) and its parameters; the verdict is the check's,
// not the step's. Because a check reads only recorded, redacted data, an
// auditor can recompute it from the bundle alone (homolog recheck) with
// the very same function.
//
// The package knows no godog, no Stone client and no bundle format: it
// decodes the JSON it needs with its own small types, so a contract bug in
// the client cannot hide on both sides.
package check

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Kinds of journal records a check can read.
const (
	KindHTTP    = "http"
	KindWebhook = "webhook"
	KindPerson  = "person"
)

// Record is one journal event as it was written to the bundle (redacted):
// exactly one of HTTP, Webhook and Person is set, as Kind says.
type Record struct {
	Seq     int64
	Time    time.Time
	Kind    string
	HTTP    *HTTP
	Webhook *Webhook
	Person  *Person
}

// HTTP is one attempt of one HTTP exchange.
type HTTP struct {
	Method          string
	URL             string
	Status          int // 0 when no response came
	RequestHeaders  map[string][]string
	RequestBody     []byte
	ResponseHeaders map[string][]string
	ResponseBody    []byte
	Error           string
	// StartedAt and FinishedAt are when the request was sent and when its
	// answer had been read, by the recording machine's clock: the partner
	// webhook checks judge Stone's 10-second rule from them.
	StartedAt  time.Time
	FinishedAt time.Time
}

// Webhook is one delivery the run's receiver answered.
type Webhook struct {
	EventID    string
	EventType  string
	TargetType string
	TargetID   string
	Outcome    string // accepted | duplicate | rejected
	Error      string
	Payload    []byte // the verified claims
}

// Person actions: what the account owner was asked, what they answered,
// and how the wait ended.
const (
	PersonPrompt  = "prompt"
	PersonAnswer  = "answer"
	PersonOutcome = "outcome"
)

// Person is one event of the account owner's part in a run: a prompt
// shown, an answer given (typed, pasted or captured), or the end of a
// wait. Against the simulator the owner is automated and Actor says so.
type Person struct {
	Actor    string `json:"actor"`              // "person" or "simulator"
	Action   string `json:"action"`             // prompt | answer | outcome
	Subject  string `json:"subject"`            // "consent" or the kind of operation (internal_transfers, ...)
	ID       string `json:"id,omitempty"`       // the operation's id
	Number   int    `json:"number,omitempty"`   // owner action n of Of
	Of       int    `json:"of,omitempty"`       // owner actions the plan asks for
	Decision string `json:"decision,omitempty"` // what the owner was asked to do
	Text     string `json:"text,omitempty"`     // the prompt as shown
	Link     string `json:"link,omitempty"`     // the consent link shown (JWT signature redacted)
	Answer   string `json:"answer,omitempty"`   // what came back: the redirect address
	Outcome  string `json:"outcome,omitempty"`  // answered, captured, timed_out, input_ended, skipped, decided, rejected_answer
	Detail   string `json:"detail,omitempty"`   // why an answer was refused, what status was seen...
	WaitedMS int64  `json:"waited_ms,omitempty"`
}

// Params are a check's parameters, written to the journal beside it.
type Params map[string]string

// Int reads an integer parameter.
func (p Params) Int(name string) (int64, error) {
	v, ok := p[name]
	if !ok {
		return 0, fmt.Errorf("parameter %q is missing", name)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parameter %q is %q, not an integer", name, v)
	}
	return n, nil
}

// Inputs are the records a check reads, by role ("response", "pages",
// "statement"...). Each check documents its roles.
type Inputs map[string][]Record

// Seqs is the journal sequence numbers of each role, as written beside the
// check's outcome.
func (in Inputs) Seqs() map[string][]int64 {
	out := make(map[string][]int64, len(in))
	for role, recs := range in {
		seqs := make([]int64, 0, len(recs))
		for _, r := range recs {
			seqs = append(seqs, r.Seq)
		}
		out[role] = seqs
	}
	return out
}

// last returns the last HTTP record of a role: the final attempt of the
// last call. A token request the client made on the way (its token had
// expired) is not the call, unless the role holds nothing else.
func (in Inputs) last(role string) (Record, error) {
	recs := in.http(role)
	if len(recs) == 0 {
		return Record{}, fmt.Errorf("no %s was recorded", role)
	}
	return recs[len(recs)-1], nil
}

// answer reads the last call of a role as a successful response and
// decodes its JSON body into v: what most checks start with.
func (in Inputs) answer(role string, v any) (Record, error) {
	r, err := in.last(role)
	if err != nil {
		return r, err
	}
	if err := ok2xx(r); err != nil {
		return r, err
	}
	return r, decode(r, v)
}

// http returns the HTTP records of a role, in order, leaving out token
// requests the client made on the way to an API call (a role made only of
// token requests keeps them: the token is then the subject).
func (in Inputs) http(role string) []Record {
	var all, api []Record
	for _, r := range in[role] {
		if r.HTTP == nil {
			continue
		}
		all = append(all, r)
		if !isTokenRequest(r) {
			api = append(api, r)
		}
	}
	if len(api) > 0 {
		return api
	}
	return all
}

// Result is a check's outcome as the journal keeps it: what was checked,
// with what, and what came of it.
type Result struct {
	Name    string             `json:"name"`
	Params  Params             `json:"params,omitempty"`
	Inputs  map[string][]int64 `json:"inputs"`
	OK      bool               `json:"ok"`
	Message string             `json:"message,omitempty"`
}

// Err is the result as a step's error: nil when the check held.
func (r Result) Err() error {
	if r.OK {
		return nil
	}
	return &Failure{Result: r}
}

// Failure is a check that did not hold; the step fails with it.
type Failure struct{ Result Result }

func (f *Failure) Error() string { return f.Result.Message }

// where names a record for messages: "#12 POST /api/v1/internal_transfers".
func where(r Record) string {
	if r.HTTP == nil {
		return fmt.Sprintf("#%d", r.Seq)
	}
	path := r.HTTP.URL
	if u, err := url.Parse(r.HTTP.URL); err == nil {
		path = u.Path
		if path == "" {
			path = "/"
		}
	}
	return fmt.Sprintf("#%d %s %s", r.Seq, r.HTTP.Method, path)
}

// decode reads a record's response body as JSON into v.
func decode(r Record, v any) error {
	if r.HTTP == nil {
		return fmt.Errorf("%s is not an HTTP exchange", where(r))
	}
	if r.HTTP.Status == 0 {
		return fmt.Errorf("%s got no response: %s", where(r), r.HTTP.Error)
	}
	if len(r.HTTP.ResponseBody) == 0 {
		return fmt.Errorf("%s answered %d with an empty body", where(r), r.HTTP.Status)
	}
	if err := json.Unmarshal(r.HTTP.ResponseBody, v); err != nil {
		return fmt.Errorf("%s answered %d with a body that is not the documented JSON: %v", where(r), r.HTTP.Status, err)
	}
	return nil
}

// ok2xx fails unless a record is a 2xx response.
func ok2xx(r Record) error {
	switch {
	case r.HTTP == nil:
		return fmt.Errorf("%s is not an HTTP exchange", where(r))
	case r.HTTP.Status == 0:
		return fmt.Errorf("%s got no response: %s", where(r), r.HTTP.Error)
	case r.HTTP.Status/100 != 2:
		return fmt.Errorf("%s answered %d%s", where(r), r.HTTP.Status, errorType(r))
	}
	return nil
}

// errorType is " srn:error:x" when a response body names one.
func errorType(r Record) string {
	var e struct {
		Type string `json:"type"`
	}
	if r.HTTP != nil && json.Unmarshal(r.HTTP.ResponseBody, &e) == nil && e.Type != "" {
		return " " + e.Type
	}
	return ""
}

// Tape collects the records made while it is in a context: a step puts
// one in the context of a call and reads back the exchanges the call made,
// to hand them to a check. A tape inside another also feeds the outer one.
type Tape struct {
	mu     sync.Mutex
	recs   []Record
	parent *Tape
}

type tapeKey struct{}

// WithTape returns ctx carrying a new tape.
func WithTape(ctx context.Context) (context.Context, *Tape) {
	t := &Tape{parent: TapeFrom(ctx)}
	return context.WithValue(ctx, tapeKey{}, t), t
}

// TapeFrom returns the innermost tape of ctx, or nil.
func TapeFrom(ctx context.Context) *Tape {
	t, _ := ctx.Value(tapeKey{}).(*Tape)
	return t
}

// Add appends a record to the tape and to the tapes around it.
func (t *Tape) Add(r Record) {
	for ; t != nil; t = t.parent {
		t.mu.Lock()
		t.recs = append(t.recs, r)
		t.mu.Unlock()
	}
}

// Records returns what the tape holds, in order.
func (t *Tape) Records() []Record {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Record(nil), t.recs...)
}
