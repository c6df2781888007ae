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
	// ApproveInternalTransfer approves a transfer waiting on the owner.
	ApproveInternalTransfer(ctx context.Context, id string) error
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

// ApproveInternalTransfer implements Owner.
func (o SimulatorOwner) ApproveInternalTransfer(ctx context.Context, id string) error {
	if err := o.post(ctx, "/_sim/owner/internal_transfers/"+url.PathEscape(id)+"/approve", nil, nil); err != nil {
		return fmt.Errorf("owner: approve internal transfer: %w", err)
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
// sent them back to; for a transfer the run polls until its status leaves
// CREATED.
type PersonOwner struct {
	Client *stone.Client
	Out    io.Writer
	In     io.Reader     // where the pasted redirect comes from (stdin)
	Poll   time.Duration // how often to look at a transfer
	Wait   time.Duration // how long to wait for the person
}

// DecideConsent implements Owner.
func (o PersonOwner) DecideConsent(ctx context.Context, link, decision string) (*stone.ConsentResult, error) {
	fmt.Fprintf(o.Out, "\n  ACTION NEEDED — account owner: open this consent link in a browser, log in to the sandbox account and choose %q:\n\n    %s\n\n  Then paste here the full address the page sent you back to, and press Enter (waiting %s).\n  > ", decision, link, o.Wait)
	if o.In == nil {
		return nil, errors.New("owner: no input to read the redirect from")
	}
	ctx, cancel := context.WithTimeout(ctx, o.Wait)
	defer cancel()
	lines := make(chan string, 1)
	go func() {
		// The reader cannot be cancelled; on timeout this goroutine ends
		// with the process.
		line, _ := bufio.NewReader(o.In).ReadString('\n')
		lines <- strings.TrimSpace(line)
	}()
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("owner: no consent redirect pasted within %s", o.Wait)
	case line := <-lines:
		res, err := stone.ParseConsentRedirect(line)
		if err != nil {
			return nil, fmt.Errorf("owner: the pasted address is not a consent redirect: %w", err)
		}
		return &res, nil
	}
}

// ApproveInternalTransfer implements Owner.
func (o PersonOwner) ApproveInternalTransfer(ctx context.Context, id string) error {
	fmt.Fprintf(o.Out, "\n  ACTION NEEDED — account owner: approve internal transfer %s in the Stone app (\"Aprovar transações\"). Waiting up to %s...\n", id, o.Wait)
	ctx, cancel := context.WithTimeout(ctx, o.Wait)
	defer cancel()
	t := time.NewTicker(o.Poll)
	defer t.Stop()
	for {
		tr, err := o.Client.InternalTransfer(ctx, id)
		if err == nil && tr.Status != "CREATED" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("owner: transfer %s still waiting for approval after %s", id, o.Wait)
		case <-t.C:
		}
	}
}
