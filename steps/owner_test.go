package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openbank-homolog/homolog/check"
)

// tapeEvidence keeps the person events for the test to read.
type tapeEvidence struct {
	mu     sync.Mutex
	events []check.Person
}

func (e *tapeEvidence) Check(context.Context, check.Result) {}
func (e *tapeEvidence) Person(ctx context.Context, p check.Person) check.Record {
	e.mu.Lock()
	e.events = append(e.events, p)
	e.mu.Unlock()
	return Discard{}.Person(ctx, p)
}

func (e *tapeEvidence) outcomes() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, p := range e.events {
		if p.Outcome != "" {
			out = append(out, p.Outcome)
		}
	}
	return out
}

const redirect = "https://partner.example/cb"

var ask = ConsentAsk{Link: "https://sandbox.conta.stone.com.br/consentimento?client_id=c&jwt=j", Decision: ConsentApprove,
	RedirectURI: redirect, Metadata: map[string]any{"homolog_session": "s1"}, Scenario: "The owner approves the consent request"}

func TestPersonOwnerConsent(t *testing.T) {
	good := redirect + "?consent_result=approved&resource_id=acc-1&homolog_session=s1"
	tests := []struct {
		name, input string
		want        string   // consent result, or "" for an error
		errPart     string   // the error, when want is ""
		said        []string // what the person is told after a bad answer
		outcomes    []string
	}{
		{"pasted redirect", "\n" + good + "\n", "approved", "", nil, []string{"answered"}},
		{"a bad paste, then a good one", "hello\n" + good + "\n", "approved", "", []string{"✗ that is not an address"}, []string{"rejected_answer", "answered"}},
		{"another page", "https://elsewhere.example/cb?consent_result=approved\n" + good + "\n", "approved", "", []string{"is not on the registered redirect URI https://partner.example/cb"}, []string{"rejected_answer", "answered"}},
		{"no consent_result", redirect + "?code=1\n" + good + "\n", "approved", "", []string{"carries no consent_result"}, []string{"rejected_answer", "answered"}},
		{"another request's redirect", redirect + "?consent_result=approved&homolog_session=s0\n" + good + "\n", "approved", "", []string{"belongs to another consent request"}, []string{"rejected_answer", "answered"}},
		{"skip", "hello\nskip\n", "", "skipped by the operator", nil, []string{"rejected_answer", "skipped"}},
		{"input ends", "", "", "input ended", nil, []string{"input_ended"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			ev := &tapeEvidence{}
			o := NewPersonOwner(PersonOptions{Out: &out, In: strings.NewReader(tt.input), Interactive: true, Actions: 4, Poll: time.Millisecond, Wait: 5 * time.Second, Evidence: ev})
			defer o.Close()
			res, err := o.DecideConsent(context.Background(), ask)
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("err = %v, want one saying %q", err, tt.errPart)
				}
			} else if err != nil || res.Result != tt.want || res.ResourceID != "acc-1" {
				t.Fatalf("res = %+v, err = %v", res, err)
			}
			for _, s := range append([]string{ask.Link, `owner action 1 of 4 · scenario "The owner approves the consent request"`, `press "Permitir"`, "/consent/1"}, tt.said...) {
				if !strings.Contains(out.String(), s) {
					t.Errorf("the person was not shown %q:\n%s", s, out.String())
				}
			}
			if got := strings.Join(ev.outcomes(), " "); got != strings.Join(tt.outcomes, " ") {
				t.Errorf("person outcomes %q, want %q", got, strings.Join(tt.outcomes, " "))
			}
		})
	}
}

// TestPersonOwnerSkip: skip gives the step up with a SkippedError.
func TestPersonOwnerSkip(t *testing.T) {
	o := NewPersonOwner(PersonOptions{In: strings.NewReader("skip\n"), Interactive: true, Poll: time.Millisecond, Wait: time.Second})
	_, err := o.DecideConsent(context.Background(), ask)
	var skipped *SkippedError
	if !errors.As(err, &skipped) {
		t.Fatalf("err = %v, want a SkippedError", err)
	}
}

// TestPersonOwnerShortLink: the long consent link is served from a short
// local address that redirects to it.
func TestPersonOwnerShortLink(t *testing.T) {
	var out bytes.Buffer
	o := NewPersonOwner(PersonOptions{Out: &out, In: strings.NewReader(""), Interactive: true, Wait: time.Second})
	defer o.Close()
	_, _ = o.DecideConsent(context.Background(), ask)
	short := ""
	for _, f := range strings.Fields(out.String()) {
		if strings.Contains(f, "/consent/1") {
			short = f
		}
	}
	if short == "" {
		t.Fatalf("no short link shown:\n%s", out.String())
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(short)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != ask.Link {
		t.Fatalf("%s answered %d to %q", short, resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestPersonOwnerCatchesTheLoopbackRedirect: with a loopback redirect
// URI, the run catches the browser's redirect itself — stdin closed.
func TestPersonOwnerCatchesTheLoopbackRedirect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // free a port for the owner to listen on
	a := ask
	a.RedirectURI = "http://" + addr + "/callback"
	ev := &tapeEvidence{}
	var out bytes.Buffer
	o := NewPersonOwner(PersonOptions{Out: &out, In: nil, Interactive: false, RedirectURI: a.RedirectURI, Poll: time.Millisecond, Wait: 10 * time.Second, Evidence: ev})
	defer o.Close()
	done := make(chan error, 1)
	go func() {
		res, err := o.DecideConsent(context.Background(), a)
		if err == nil && res.ResourceID != "acc-2" {
			err = fmt.Errorf("res = %+v", res)
		}
		done <- err
	}()
	// The browser arrives: first with another request's redirect, which
	// the page refuses, then with this one's.
	for i := 0; ; i++ {
		resp, err := http.Get(a.RedirectURI + "?consent_result=approved&resource_id=acc-2&homolog_session=other")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("another request's redirect answered %d", resp.StatusCode)
			}
			break
		}
		if i > 200 {
			t.Fatalf("the owner never listened on %s: %v", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(a.RedirectURI + "?consent_result=approved&resource_id=acc-2&homolog_session=s1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, "You can close this tab") {
		t.Errorf("browser page: %q", page)
	}
	if !strings.Contains(out.String(), "will catch the page's redirect by itself") {
		t.Errorf("prompt: %s", out.String())
	}
	if got := strings.Join(ev.outcomes(), " "); got != "rejected_answer captured" {
		t.Errorf("outcomes %q", got)
	}
}

// TestPersonOwnerWithNobodyThere: no terminal and no loopback redirect
// URI: the step is blocked, naming why, at once.
func TestPersonOwnerWithNobodyThere(t *testing.T) {
	o := NewPersonOwner(PersonOptions{In: strings.NewReader(""), Interactive: false, RedirectURI: redirect, Wait: time.Hour})
	_, err := o.DecideConsent(context.Background(), ask)
	var blocked *BlockedError
	if !errors.As(err, &blocked) || blocked.Prereq != PrereqOwner || !strings.Contains(err.Error(), "no terminal") {
		t.Fatalf("consent: err = %v, want blocked: needs the account owner: no terminal", err)
	}
	err = o.DecideOperation(context.Background(), Operation{Kind: KindInternalTransfer, ID: "t1", Status: func(context.Context) (string, error) { return "CREATED", nil }}, true)
	if !errors.As(err, &blocked) {
		t.Fatalf("operation: err = %v, want blocked", err)
	}
}

// TestPersonOwnerOperation: the prompt says what to approve, where, for
// how much and to whom, in Stone's words; the run waits for the status.
func TestPersonOwnerOperation(t *testing.T) {
	var out bytes.Buffer
	calls := 0
	o := NewPersonOwner(PersonOptions{Out: &out, Interactive: true, Actions: 2, Poll: time.Millisecond, Wait: 10 * time.Second})
	err := o.DecideOperation(context.Background(), Operation{Kind: KindInternalTransfer, ID: "t1", Scenario: "Internal transfer from the consented account waits for the owner",
		Amount: 123456, Recipient: "Stone account 58859 (Fernando)", Account: "acc-9", Status: func(context.Context) (string, error) {
			calls++
			if calls < 3 {
				return "CREATED", nil
			}
			return "APPROVED", nil
		}}, true)
	if err != nil || calls != 3 {
		t.Fatalf("err = %v after %d polls, want nil after 3", err, calls)
	}
	for _, s := range []string{"owner action 1 of 2", `"Internal transfer from the consented account waits for the owner"`, `approve ("Aprovar")`,
		"internal transfer of R$ 1.234,56", "to Stone account 58859 (Fernando)", "from account acc-9", "(operation t1)"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("the prompt lacks %q:\n%s", s, out.String())
		}
	}
	r, w := io.Pipe()
	defer w.Close()
	o = NewPersonOwner(PersonOptions{Out: io.Discard, In: r, Interactive: true, Poll: time.Millisecond, Wait: 20 * time.Millisecond})
	if err := o.DecideOperation(context.Background(), Operation{Kind: KindInternalTransfer, ID: "t2", Status: func(context.Context) (string, error) { return "CREATED", nil }}, false); err == nil || !strings.Contains(err.Error(), "still waiting for the owner") {
		t.Fatalf("err = %v", err)
	}
}

func TestBRL(t *testing.T) {
	for cents, want := range map[int64]string{0: "R$ 0,00", 5: "R$ 0,05", 1500: "R$ 15,00", 123456: "R$ 1.234,56", 100000000: "R$ 1.000.000,00", -250: "-R$ 2,50"} {
		if got := BRL(cents); got != want {
			t.Errorf("BRL(%d) = %q, want %q", cents, got, want)
		}
	}
}
