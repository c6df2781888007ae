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

// SimulatorOwner acts as the owner through the simulator's /_sim/ controls,
// over HTTP, so the exchanges are recorded like any other evidence.
type SimulatorOwner struct {
	BaseURL string
	HTTP    *http.Client
}

// DecideConsent implements Owner.
func (o SimulatorOwner) DecideConsent(ctx context.Context, link, decision string) (*stone.ConsentResult, error) {
	var out struct {
		Redirect string `json:"redirect"`
	}
	if err := o.post(ctx, "/_sim/owner/consent", map[string]string{"link": link, "decision": decision}, &out); err != nil {
		return nil, fmt.Errorf("owner: consent: %w", err)
	}
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
	if err := o.post(ctx, "/_sim/owner/"+op.Kind+"/"+url.PathEscape(op.ID)+"/"+action, nil, nil); err != nil {
		return fmt.Errorf("owner: %s %s: %w", action, op.Kind, err)
	}
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

// PersonOwner asks a person to act in Stone's sandbox: it prints what to do
// and waits. For a consent the person pastes the address the consent page
// sent them back to; for a cash-out the run polls until its status leaves
// CREATED. Build it with NewPersonOwner.
type PersonOwner struct {
	out  io.Writer
	poll time.Duration
	wait time.Duration

	turn  chan struct{} // one question at a time: answers are matched to prompts
	lines chan string   // every line typed, read by one goroutine for the run
}

// NewPersonOwner starts reading in, line by line: one reader for the whole
// run, so no typed line is lost between questions.
func NewPersonOwner(out io.Writer, in io.Reader, poll, wait time.Duration) *PersonOwner {
	o := &PersonOwner{out: out, poll: poll, wait: wait, lines: make(chan string), turn: make(chan struct{}, 1)}
	if in == nil {
		close(o.lines)
		return o
	}
	go func() {
		// Reading stdin cannot be cancelled; the goroutine ends with the
		// process, or at the end of the input.
		sc := bufio.NewScanner(in)
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
	fmt.Fprintf(o.out, "\n  ACTION NEEDED — account owner: open this consent link in a browser, log in to the sandbox account and choose %q:\n\n    %s\n\n  Then paste here the full address the page sent you back to, and press Enter (waiting %s).\n  > \n", decision, link, o.wait)
	ctx, cancel := context.WithTimeout(ctx, o.wait)
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("owner: no consent redirect pasted within %s", o.wait)
		case line, ok := <-o.lines:
			if !ok {
				return nil, errors.New("owner: the input ended before a consent redirect was pasted")
			}
			if line == "" {
				continue
			}
			res, err := stone.ParseConsentRedirect(line)
			if err != nil {
				return nil, fmt.Errorf("owner: the pasted address is not a consent redirect: %w", err)
			}
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
	fmt.Fprintf(o.out, "\n  ACTION NEEDED — account owner: %s %s %s in the Stone app (\"Aprovar transações\"). Waiting up to %s...\n", action, op.Kind, op.ID, o.wait)
	ctx, cancel := context.WithTimeout(ctx, o.wait)
	defer cancel()
	t := time.NewTicker(o.poll)
	defer t.Stop()
	for {
		status, err := op.Status(ctx)
		if err == nil && status != "CREATED" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("owner: %s %s still waiting for the owner after %s", op.Kind, op.ID, o.wait)
		case <-t.C:
		}
	}
}
