package steps

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/partnerhook"
	"github.com/openbank-homolog/homolog/stone"
)

// Prerequisites are what one scenario builds and later scenarios rely on.
// Their names appear in "blocked" reports, so they read as plain English.
const (
	PrereqToken      = "an access token"
	PrereqOwnAccount = "the application's own account"
	PrereqConsent    = "the owner's consent to share an account"
	PrereqWebhooks   = "a webhook receiver"
)

// Fixtures are what the target already holds for the application. The
// simulator reports its own; against Stone's sandbox they come from
// scenarios.yaml. Empty fields are discovered where possible.
type Fixtures struct {
	OwnAccountID       string   // the application's own account ("" → the only account listed)
	ConsentedAccountID string   // an account already shared with the application, if any
	TransferTargets    []string // account codes of other Stone accounts for internal transfers
	RedirectURI        string   // the redirect URI registered for the application

	TEDTarget      *TEDTarget // a bank account at another institution that accepts TEDs
	PixKey         string     // someone else's PIX key to pay
	StaticBRCode   string     // a static BR Code to read and pay
	PayableBarcode string     // a boleto that can be paid
	PaidBarcode    string     // a boleto that was already paid
	// PIN is the account owner's PIN that top-up challenges ask for. It
	// is a secret: read from the environment variable fixtures.pin_env
	// names (or the simulator's setting), never written anywhere.
	PIN   string
	NoPIN string // why there is no PIN, for the blocked report
}

// TEDTarget is a bank account at another institution.
type TEDTarget struct {
	InstitutionCode string // ISPB (8 digits) or bank number (3 digits)
	BranchCode      string
	AccountCode     string
	AccountType     string // CC, CD, CG, PG, PP
	Name            string
	Document        string
	DocumentType    string // cpf | cnpj
}

// Config is what a run hands to the steps.
type Config struct {
	Client     *stone.Client
	Owner      Owner
	Fixtures   Fixtures
	RunID      string
	NewID      func() string                   // idempotency keys and session metadata
	NewKey     func() (*rsa.PrivateKey, error) // a stranger's key, for the forged-assertion scenario
	HTTPClient *http.Client                    // the recorded client, for the stranger's Stone client
	Poll       time.Duration                   // how often "eventually" steps look again
	Wait       time.Duration                   // how long they look before failing
	Now        func() time.Time                // nil → time.Now; dates for scheduling and due dates
	Inbox      Inbox                           // webhooks received during the run; nil when none can be
	NoInbox    string                          // why there is no Inbox, for the blocked report
	Plan       []PlannedScenario               // the run's scenarios in order, to know who builds what
	Evidence   Evidence                        // where checks and the owner's actions are recorded; nil → discarded
	Partner    *partnerhook.Sender             // delivers to the partner's own receiver (webhooks.partner_url); nil when none
	NoPartner  string                          // why there is no Partner, for the blocked report
	Lang       string                          // the run's language (package locale), for what the owner is shown
}

// Evidence is where steps write what is not an HTTP exchange: each check's
// inputs and outcome, and the account owner's part (prompts, answers,
// waits). The runner writes both to the bundle's journal under the step
// found in ctx.
type Evidence interface {
	Check(ctx context.Context, res check.Result)
	// Person records an event of the owner's part and returns its journal
	// record, which it also puts on the tape of ctx.
	Person(ctx context.Context, p check.Person) check.Record
}

// Discard is Evidence that keeps nothing but hands the owner's events to
// the tape, for callers with no bundle (tests, tools).
type Discard struct{}

// Check implements Evidence.
func (Discard) Check(context.Context, check.Result) {}

// Person implements Evidence.
func (Discard) Person(ctx context.Context, p check.Person) check.Record {
	r := check.Record{Kind: check.KindPerson, Time: time.Now().UTC(), Person: &p}
	check.TapeFrom(ctx).Add(r)
	return r
}

// Session is shared by every scenario of one run. It holds what the ordered
// script builds (a token, the own account, a consent) so that a later
// scenario can use it, or build it itself when it runs alone.
type Session struct {
	cfg Config

	mu    sync.Mutex
	facts map[string]*fact

	owed  map[string]PlannedScenario // prerequisite → the scenario that builds it (set once, read-only after)
	order map[string]int             // scenario id → position in the plan

	ended ended // the scenarios that have finished (earlier.go)
}

type fact struct {
	mu    sync.Mutex // held while the fact is being built: concurrent scenarios build it once
	done  bool
	value any
	err   error
	by    string        // scenario that built or failed it
	ready chan struct{} // closed once done
}

// settle marks f done; f.mu is held.
func (f *fact) settle(value any, err error, by string) {
	f.value, f.err, f.by = value, err, by
	if !f.done {
		f.done = true
		close(f.ready)
	}
}

// NewSession checks cfg and returns a session.
func NewSession(cfg Config) (*Session, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("steps: session needs a stone client")
	case cfg.Owner == nil:
		return nil, errors.New("steps: session needs an account owner")
	case cfg.NewID == nil:
		return nil, errors.New("steps: session needs an id source")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Evidence == nil {
		cfg.Evidence = Discard{}
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 100 * time.Millisecond
	}
	if cfg.Wait <= 0 {
		cfg.Wait = 30 * time.Second
	}
	s := &Session{cfg: cfg, facts: map[string]*fact{}, owed: map[string]PlannedScenario{}, order: map[string]int{}}
	s.owe(cfg.Plan)
	// What owe kept is all the session needs of the plan: a large plan's
	// step texts are not held for the whole run.
	s.cfg.Plan = nil
	return s, nil
}

func (s *Session) fact(name string) *fact {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.facts[name]
	if f == nil {
		f = &fact{ready: make(chan struct{})}
		s.facts[name] = f
	}
	return f
}

// PlannedScenario is one scenario of the run's plan, in run order.
type PlannedScenario struct {
	ID    string
	Name  string
	Steps []string // step texts
}

// owe notes which scenario of the plan builds each stateful prerequisite
// as the thing it tests. A consent can be given once: if another scenario's
// ensure step gave it first, the scenario testing the first approval would
// see already_granted. Scenarios after the builder in plan order therefore
// wait for it rather than build the prerequisite themselves (they started
// after it, so it is running or done: no deadlock, whatever the
// concurrency).
func (s *Session) owe(plan []PlannedScenario) {
	for i, sc := range plan {
		s.order[sc.ID] = i
		if _, owed := s.owed[PrereqConsent]; owed {
			continue
		}
		for _, st := range sc.Steps {
			if d, args, ok := Resolve(st); ok && d.Step == consentDecisionStep && args[0] == "approves" {
				s.owed[PrereqConsent] = sc
				break
			}
		}
	}
}

// ScenarioFinished releases what a builder scenario owed and did not build
// (it failed earlier, or was cut short): the scenarios waiting for it are
// then blocked, naming it, instead of waiting for ever.
func (s *Session) ScenarioFinished(id string) {
	s.ended.add(id)
	for name, sc := range s.owed {
		if sc.ID != id {
			continue
		}
		f := s.fact(name)
		f.mu.Lock()
		if !f.done {
			f.settle(nil, fmt.Errorf("the scenario that requests it did not get that far"), sc.Name)
		}
		f.mu.Unlock()
	}
}

// awaitBuilder waits, when prerequisite name is owed by a scenario that
// runs before scenarioID, until that scenario has built it or given up.
func (s *Session) awaitBuilder(ctx context.Context, name, scenarioID string) error {
	b, owed := s.owed[name]
	if !owed || b.ID == scenarioID {
		return nil
	}
	mine, ok := s.order[scenarioID]
	if theirs := s.order[b.ID]; !ok || theirs > mine {
		return nil // the builder comes later (or the plan is unknown): build it here
	}
	select {
	case <-s.fact(name).ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// BlockedError says a scenario could not run because a prerequisite that
// another scenario (or this one's set-up) had to build failed. The runner
// reports such scenarios as blocked, naming the prerequisite, instead of as
// one more failure.
type BlockedError struct {
	Prereq string
	By     string // the scenario where it failed, if known
	Cause  error
}

func (e *BlockedError) Error() string {
	where := ""
	if e.By != "" {
		where = fmt.Sprintf(" (failed in %q)", e.By)
	}
	return fmt.Sprintf("blocked: needs %s%s: %v", e.Prereq, where, e.Cause)
}

func (e *BlockedError) Unwrap() error { return e.Cause }

// record stores the outcome of a scenario that builds a prerequisite itself
// (the scenario under test), so later "ensure" steps reuse it or report
// blocked.
func (s *Session) record(name, scenario string, value any, err error) {
	f := s.fact(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done && f.err == nil && err != nil {
		return // a later failure does not undo what was built
	}
	f.settle(value, err, scenario)
}

// ensure returns the prerequisite name, building it with build if no
// scenario has yet. A prerequisite that failed before, or fails now, gives
// a *BlockedError.
func (s *Session) ensure(ctx context.Context, name, scenario string, build func(context.Context) (any, error)) (any, error) {
	f := s.fact(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.done {
		v, err := build(ctx)
		if err != nil && ctx.Err() != nil {
			return nil, err // interrupted: neither built nor failed
		}
		f.settle(v, err, scenario)
		if err != nil {
			// This scenario tried to build it and failed: it is the
			// failure; later scenarios that need it are the blocked ones.
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if f.err != nil {
		return nil, &BlockedError{Prereq: name, By: f.by, Cause: f.err}
	}
	return f.value, nil
}

// ensureToken returns a valid access token, fetching one only if needed.
func (s *Session) ensureToken(ctx context.Context, scenario string) error {
	if _, err := s.ensure(ctx, PrereqToken, scenario, func(ctx context.Context) (any, error) {
		return s.cfg.Client.Token(ctx)
	}); err != nil {
		return err
	}
	// The first token may have expired since; Token refreshes only when due.
	_, err := s.cfg.Client.Token(ctx)
	return err
}

// OwnerActions counts what the plan will ask of the account owner, to
// number the prompts ("owner action 2 of 4"): every owner step, and one
// consent given on the way when scenarios need one, no scenario of the
// plan asks for it first and the plan names no account already shared.
func OwnerActions(plan []PlannedScenario, fx Fixtures) int {
	n, needed, built := 0, false, false
	for _, sc := range plan {
		for _, st := range sc.Steps {
			d, _, ok := Resolve(st)
			if !ok {
				continue
			}
			if d.Kind == kindOwner {
				n++
				if d.Step == consentDecisionStep {
					built = true
				}
			}
			if d.Step == consentEnsureStep {
				needed = true
			}
		}
	}
	if needed && !built && fx.ConsentedAccountID == "" {
		n++
	}
	return n
}

// built returns what a scenario built for prerequisite name, without
// building it: ok is false when nothing was built yet, or it failed.
func (s *Session) built(name string) (any, bool) {
	s.mu.Lock()
	f := s.facts[name]
	s.mu.Unlock()
	if f == nil {
		return nil, false
	}
	select {
	case <-f.ready:
	default:
		return nil, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.value, f.err == nil
}
