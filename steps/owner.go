package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

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
	DecideConsent(ctx context.Context, ask ConsentAsk) (*stone.ConsentResult, error)
	// DecideOperation approves or rejects a cash-out waiting on the owner.
	DecideOperation(ctx context.Context, op Operation, approve bool) error
}

// ConsentAsk is a consent request put to the owner: the link, what to
// choose, and what the redirect back must look like.
type ConsentAsk struct {
	Link        string
	Decision    string         // ConsentApprove or ConsentIgnore
	RedirectURI string         // where the consent page sends the owner back
	Metadata    map[string]any // the link's session metadata, which the redirect carries back
	Scenario    string         // the scenario that asks, for the prompt
}

// Kinds of operations an owner approves, named as in Stone's paths.
const (
	KindInternalTransfer = "internal_transfers"
	KindExternalTransfer = "external_transfers"
	KindPayment          = "payments"
	KindPixPayment       = "pix_payments"
)

// Operation is a cash-out waiting for the owner's decision, described
// the way the owner will find it in the Stone app.
type Operation struct {
	Kind      string
	ID        string
	Scenario  string                                // the scenario that asks, for the prompt
	Amount    int64                                 // centavos
	Recipient string                                // who receives it, in words
	Account   string                                // the account it leaves from
	Status    func(context.Context) (string, error) // reads its current status
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
func (o SimulatorOwner) DecideConsent(ctx context.Context, ask ConsentAsk) (*stone.ConsentResult, error) {
	link, decision := ask.Link, ask.Decision
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
