package steps

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

// Consent decisions an owner can take.
const (
	ConsentApprove = "approve"
	ConsentIgnore  = "ignore"
)

// Owner is the account owner: the person who approves a consent request or
// a cash-out made on their account. Against the simulator this is
// automated; against Stone's sandbox a real person does it while the run
// waits. Steps see only this interface and never the simulator.
//
// Whatever the owner is shown and answers is evidence: implementations
// record each prompt, answer and wait as a person event.
type Owner interface {
	// DecideConsent opens the consent link, takes the decision and returns
	// what the redirect back to the application carried.
	DecideConsent(ctx context.Context, link, decision string) (*stone.ConsentResult, error)
	// DecideOperation approves or rejects a cash-out waiting on the owner.
	DecideOperation(ctx context.Context, op Operation, approve bool) error
}

// Kinds of operations an owner approves, named as in Stone's paths.
const (
	KindInternalTransfer = "internal_transfers"
	KindExternalTransfer = "external_transfers"
	KindPayment          = "payments"
	KindPixPayment       = "pix_payments"
)

// Operation is a cash-out waiting for the owner's decision.
type Operation struct {
	Kind   string
	ID     string
	Status func(context.Context) (string, error) // reads its current status
}

// Actors of person events.
const (
	actorPerson    = "person"
	actorSimulator = "simulator"
)

// SimulatorOwner acts as the owner through the simulator's /_sim/ controls,
// over HTTP, so the exchanges are recorded like any other evidence; its
// decisions are recorded as person events of the simulator.
type SimulatorOwner struct {
	BaseURL  string
	HTTP     *http.Client
	Evidence Evidence // nil → Discard
}

func (o SimulatorOwner) ev() Evidence {
	if o.Evidence == nil {
		return Discard{}
	}
	return o.Evidence
}

// DecideConsent implements Owner.
func (o SimulatorOwner) DecideConsent(ctx context.Context, link, decision string) (*stone.ConsentResult, error) {
	o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonPrompt, Subject: "consent", Decision: decision, Link: link,
		Text: "the simulator's owner control opens the consent link and chooses " + decision})
	var out struct {
		Redirect string `json:"redirect"`
	}
	if err := o.post(ctx, "/_sim/owner/consent", map[string]string{"link": link, "decision": decision}, &out); err != nil {
		o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonOutcome, Subject: "consent", Outcome: "failed", Detail: err.Error()})
		return nil, fmt.Errorf("owner: consent: %w", err)
	}
	o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonAnswer, Subject: "consent", Answer: out.Redirect, Outcome: "answered"})
	res, err := stone.ParseConsentRedirect(out.Redirect)
	if err != nil {
		return nil, fmt.Errorf("owner: consent: %w", err)
	}
	return &res, nil
}

// DecideOperation implements Owner.
func (o SimulatorOwner) DecideOperation(ctx context.Context, op Operation, approve bool) error {
	action := "reject"
	if approve {
		action = "approve"
	}
	o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonPrompt, Subject: op.Kind, ID: op.ID, Decision: action,
		Text: "the simulator's owner control decides: " + action})
	if err := o.post(ctx, "/_sim/owner/"+op.Kind+"/"+url.PathEscape(op.ID)+"/"+action, nil, nil); err != nil {
		o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonOutcome, Subject: op.Kind, ID: op.ID, Outcome: "failed", Detail: err.Error()})
		return fmt.Errorf("owner: %s %s: %w", action, op.Kind, err)
	}
	o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonOutcome, Subject: op.Kind, ID: op.ID, Decision: action, Outcome: "decided"})
	return nil
}

func (o SimulatorOwner) post(ctx context.Context, path string, in, out any) error {
	var body io.Reader = http.NoBody
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(o.BaseURL, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := o.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %d: %s", path, resp.StatusCode, bytes.TrimSpace(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("POST %s: decode: %w", path, err)
		}
	}
	return nil
}

// PersonOptions configure a PersonOwner.
type PersonOptions struct {
	Out      io.Writer     // where prompts are printed
	In       io.Reader     // what the person types; nil → no input
	Poll     time.Duration // how often a cash-out's status is read while waiting
	Wait     time.Duration // how long to wait for the person
	Evidence Evidence      // nil → Discard
}

// PersonOwner asks a person to act in Stone's sandbox: it prints what to do
// and waits. For a consent the person pastes the address the consent page
// sent them back to; for a cash-out the run polls until its status leaves
// CREATED. Build it with NewPersonOwner.
type PersonOwner struct {
	out  io.Writer
	poll time.Duration
	wait time.Duration
	ev   Evidence

	turn  chan struct{} // one question at a time: answers are matched to prompts
	lines chan string   // every line typed, read by one goroutine for the run
}

// NewPersonOwner starts reading opts.In, line by line: one reader for the
// whole run, so no typed line is lost between questions.
func NewPersonOwner(opts PersonOptions) *PersonOwner {
	o := &PersonOwner{out: opts.Out, poll: opts.Poll, wait: opts.Wait, ev: opts.Evidence, lines: make(chan string), turn: make(chan struct{}, 1)}
	if o.out == nil {
		o.out = io.Discard
	}
	if o.ev == nil {
		o.ev = Discard{}
	}
	if opts.In == nil {
		close(o.lines)
		return o
	}
	go func() {
		// Reading stdin cannot be cancelled; the goroutine ends with the
		// process, or at the end of the input.
		sc := bufio.NewScanner(opts.In)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			o.lines <- strings.TrimSpace(sc.Text())
		}
		close(o.lines)
	}()
	return o
}

// DecideConsent implements Owner.
func (o *PersonOwner) DecideConsent(ctx context.Context, link, decision string) (*stone.ConsentResult, error) {
	// Waiting for another question to be answered respects the run's
	// context: an interrupt does not hang on the person.
	select {
	case o.turn <- struct{}{}:
		defer func() { <-o.turn }()
	case <-ctx.Done():
		return nil, fmt.Errorf("owner: %w", ctx.Err())
	}
	text := fmt.Sprintf("ACTION NEEDED — account owner: open this consent link in a browser, log in to the sandbox account and choose %q; then paste here the full address the page sent you back to, and press Enter (waiting %s).", decision, o.wait)
	fmt.Fprintf(o.out, "\n  ACTION NEEDED — account owner: open this consent link in a browser, log in to the sandbox account and choose %q:\n\n    %s\n\n  Then paste here the full address the page sent you back to, and press Enter (waiting %s).\n  > \n", decision, link, o.wait)
	o.ev.Person(ctx, check.Person{Actor: actorPerson, Action: check.PersonPrompt, Subject: "consent", Decision: decision, Link: link, Text: text})
	started := time.Now()
	outcome := func(what, detail string) {
		o.ev.Person(ctx, check.Person{Actor: actorPerson, Action: check.PersonOutcome, Subject: "consent", Outcome: what, Detail: detail, WaitedMS: time.Since(started).Milliseconds()})
	}
	ctx, cancel := context.WithTimeout(ctx, o.wait)
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			outcome("timed_out", "no consent redirect pasted")
			return nil, fmt.Errorf("owner: no consent redirect pasted within %s", o.wait)
		case line, ok := <-o.lines:
			if !ok {
				outcome("input_ended", "the input ended before a consent redirect was pasted")
				return nil, errors.New("owner: the input ended before a consent redirect was pasted")
			}
			if line == "" {
				continue
			}
			res, err := stone.ParseConsentRedirect(line)
			if err != nil {
				o.ev.Person(ctx, check.Person{Actor: actorPerson, Action: check.PersonAnswer, Subject: "consent", Answer: line,
					Outcome: "rejected_answer", Detail: err.Error(), WaitedMS: time.Since(started).Milliseconds()})
				return nil, fmt.Errorf("owner: the pasted address is not a consent redirect: %w", err)
			}
			o.ev.Person(ctx, check.Person{Actor: actorPerson, Action: check.PersonAnswer, Subject: "consent", Answer: line,
				Outcome: "answered", WaitedMS: time.Since(started).Milliseconds()})
			return &res, nil
		}
	}
}

// DecideOperation implements Owner: it asks the person and polls until
// the operation leaves CREATED.
func (o *PersonOwner) DecideOperation(ctx context.Context, op Operation, approve bool) error {
	action := "REJECT"
	if approve {
		action = "APPROVE"
	}
	text := fmt.Sprintf("ACTION NEEDED — account owner: %s %s %s in the Stone app (\"Aprovar transações\"). Waiting up to %s...", action, op.Kind, op.ID, o.wait)
	fmt.Fprintf(o.out, "\n  %s\n", text)
	o.ev.Person(ctx, check.Person{Actor: actorPerson, Action: check.PersonPrompt, Subject: op.Kind, ID: op.ID, Decision: strings.ToLower(action), Text: text})
	started := time.Now()
	ctx, cancel := context.WithTimeout(ctx, o.wait)
	defer cancel()
	t := time.NewTicker(o.poll)
	defer t.Stop()
	for {
		status, err := op.Status(ctx)
		if err == nil && status != "CREATED" {
			o.ev.Person(ctx, check.Person{Actor: actorPerson, Action: check.PersonOutcome, Subject: op.Kind, ID: op.ID, Outcome: "decided",
				Detail: "status " + status, WaitedMS: time.Since(started).Milliseconds()})
			return nil
		}
		select {
		case <-ctx.Done():
			o.ev.Person(context.WithoutCancel(ctx), check.Person{Actor: actorPerson, Action: check.PersonOutcome, Subject: op.Kind, ID: op.ID, Outcome: "timed_out",
				Detail: "still CREATED", WaitedMS: time.Since(started).Milliseconds()})
			return fmt.Errorf("owner: %s %s still waiting for the owner after %s", op.Kind, op.ID, o.wait)
		case <-t.C:
		}
	}
}
