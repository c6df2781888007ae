package steps

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/locale"
	"github.com/openbank-homolog/homolog/stone"
)

// PrereqOwner is what a person-dependent step needs, in blocked reports.
const PrereqOwner = "the account owner"

// SkippedError is a step the operator gave up by typing skip. To godog it
// is a failure (so the rest of the scenario is skipped and the scenario's
// hooks see why: godog hides a skip from them); the runner reports the
// step and its scenario as skipped, with why.
type SkippedError struct{ What string }

func (e *SkippedError) Error() string { return "skipped by the operator: " + e.What }

// PersonOptions configure a PersonOwner.
type PersonOptions struct {
	Out         io.Writer     // where prompts are printed
	In          io.Reader     // what the person types; nil → no input
	Interactive bool          // In is a terminal a person types into
	RedirectURI string        // the registered consent redirect URI; an http loopback one is caught, not pasted
	Actions     int           // owner actions the plan asks for, to number the prompts (0 → unknown)
	Poll        time.Duration // how often a cash-out's status is read while waiting
	Wait        time.Duration // how long to wait for the person
	Evidence    Evidence      // nil → Discard
	Lang        string        // the language of the prompts (package locale); "" is English
}

// PersonOwner asks a person to act in Stone's sandbox: it prints what to do
// and waits. For a consent, the browser's redirect back is caught on a
// loopback redirect URI, or the person pastes it; a bad paste is explained
// and asked again. For a cash-out the run polls until its status leaves
// CREATED. Typing skip gives the step up. Build it with NewPersonOwner and
// Close it at the end of the run.
type PersonOwner struct {
	opts  PersonOptions
	ev    Evidence
	words *locale.OwnerWords

	turn  chan struct{} // one question at a time: answers are matched to prompts
	lines chan string   // every line typed, read by one goroutine for the run

	mu     sync.Mutex
	asked  int               // prompts shown so far
	links  map[string]string // short link path → consent link
	linkLn net.Listener      // serves the short consent links, once one is asked
}

// NewPersonOwner starts reading opts.In, line by line: one reader for the
// whole run, so no typed line is lost between questions.
func NewPersonOwner(opts PersonOptions) *PersonOwner {
	o := &PersonOwner{opts: opts, ev: opts.Evidence, words: &locale.For(opts.Lang).Owner,
		lines: make(chan string), turn: make(chan struct{}, 1), links: map[string]string{}}
	if o.opts.Out == nil {
		o.opts.Out = io.Discard
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

// Close stops the short-link server.
func (o *PersonOwner) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.linkLn != nil {
		err := o.linkLn.Close()
		o.linkLn = nil
		return err
	}
	return nil
}

// reachable says why no person can answer, or "" when one can: with no
// terminal to type into and no loopback redirect URI to catch the consent
// on, nobody is there (a CI job).
func (o *PersonOwner) reachable() string {
	if o.opts.Interactive {
		return ""
	}
	if _, _, ok := loopbackRedirect(o.opts.RedirectURI); ok {
		return ""
	}
	return "no terminal: standard input is not a terminal, and client.redirect_uri is not an http loopback address homolog could catch the consent redirect on"
}

// header numbers a prompt and names its scenario.
func (o *PersonOwner) header(scenario string) string {
	o.mu.Lock()
	o.asked++
	n := o.asked
	o.mu.Unlock()
	of := ""
	if o.opts.Actions >= n {
		of = fmt.Sprintf(o.words.Of, o.opts.Actions)
	}
	return fmt.Sprintf(o.words.Header, n, of, scenario)
}

func (o *PersonOwner) takeTurn(ctx context.Context) (func(), error) {
	// Waiting for another question to be answered respects the run's
	// context: an interrupt does not hang on the person.
	select {
	case o.turn <- struct{}{}:
		return func() { <-o.turn }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("owner: %w", ctx.Err())
	}
}

// DecideConsent implements Owner.
func (o *PersonOwner) DecideConsent(ctx context.Context, ask ConsentAsk) (*stone.ConsentResult, error) {
	person := func(p check.Person) {
		p.Actor, p.Subject = actorPerson, "consent"
		o.ev.Person(ctx, p)
	}
	if why := o.reachable(); why != "" {
		person(check.Person{Action: check.PersonOutcome, Outcome: "unreachable", Detail: why})
		return nil, &BlockedError{Prereq: PrereqOwner, Cause: errors.New(why)}
	}
	release, err := o.takeTurn(ctx)
	if err != nil {
		return nil, err
	}
	defer release()

	// Stone's consent page is in Portuguese: its buttons are named as it
	// names them, whatever the prompt's language.
	word := map[string]string{ConsentApprove: "Permitir", ConsentIgnore: "Ignorar"}[ask.Decision]
	ow := o.words
	var b strings.Builder
	fmt.Fprintf(&b, "\n  %s\n", o.header(ask.Scenario))
	fmt.Fprintf(&b, ow.Consent+"\n\n", ow.Decisions[ask.Decision], word)
	if short := o.shortLink(ask.Link); short != "" {
		fmt.Fprintf(&b, "    %s\n\n%s\n", short, ow.ShortLink)
	}
	fmt.Fprintf(&b, "    %s\n\n", ask.Link)
	caught, stop := o.catch(ctx, ask)
	defer stop()
	switch {
	case caught != nil:
		addr, path, _ := loopbackRedirect(ask.RedirectURI)
		fmt.Fprintf(&b, ow.Listening+"\n", addr, path)
		if o.opts.Interactive {
			fmt.Fprintf(&b, ow.MayPaste+"\n", o.opts.Wait)
		} else {
			fmt.Fprintf(&b, ow.Waiting+"\n", o.opts.Wait)
		}
	default:
		fmt.Fprintf(&b, ow.Paste+"\n  > \n", ask.RedirectURI, o.opts.Wait)
	}
	fmt.Fprint(o.opts.Out, b.String())
	person(check.Person{Action: check.PersonPrompt, Decision: ask.Decision, Link: ask.Link, Text: strings.TrimSpace(b.String())})

	started := time.Now()
	waited := func() int64 { return time.Since(started).Milliseconds() }
	ctx, cancel := context.WithTimeout(ctx, o.opts.Wait)
	defer cancel()
	lines := o.lines
	for {
		select {
		case <-ctx.Done():
			person(check.Person{Action: check.PersonOutcome, Outcome: "timed_out", Detail: "no consent redirect came back", WaitedMS: waited()})
			return nil, fmt.Errorf("owner: no consent redirect came back within %s", o.opts.Wait)
		case addr := <-caught:
			res, _ := checkRedirect(addr, ask, ow) // the catcher answers only valid redirects
			person(check.Person{Action: check.PersonAnswer, Answer: addr, Outcome: "captured", WaitedMS: waited()})
			return &res, nil
		case line, ok := <-lines:
			if !ok {
				if caught != nil {
					lines = nil // no more typing; the catcher may still get it
					continue
				}
				person(check.Person{Action: check.PersonOutcome, Outcome: "input_ended", Detail: "the input ended before a consent redirect was pasted", WaitedMS: waited()})
				return nil, errors.New("owner: the input ended before a consent redirect was pasted")
			}
			if line == "" {
				continue
			}
			if o.skips(line) {
				person(check.Person{Action: check.PersonOutcome, Outcome: "skipped", Detail: "skipped by the operator", WaitedMS: waited()})
				return nil, &SkippedError{What: "the consent request"}
			}
			res, err := checkRedirect(line, ask, ow)
			if err != nil {
				person(check.Person{Action: check.PersonAnswer, Answer: line, Outcome: "rejected_answer", Detail: err.Error(), WaitedMS: waited()})
				fmt.Fprintf(o.opts.Out, ow.PasteAgain+"\n  > \n", err)
				continue
			}
			person(check.Person{Action: check.PersonAnswer, Answer: line, Outcome: "answered", WaitedMS: waited()})
			return &res, nil
		}
	}
}

// DecideOperation implements Owner: it asks the person and polls until
// the operation leaves CREATED.
func (o *PersonOwner) DecideOperation(ctx context.Context, op Operation, approve bool) error {
	person := func(ctx context.Context, p check.Person) {
		p.Actor, p.Subject, p.ID = actorPerson, op.Kind, op.ID
		o.ev.Person(ctx, p)
	}
	if why := o.reachable(); why != "" {
		person(ctx, check.Person{Action: check.PersonOutcome, Outcome: "unreachable", Detail: why})
		return &BlockedError{Prereq: PrereqOwner, Cause: errors.New(why)}
	}
	release, err := o.takeTurn(ctx)
	if err != nil {
		return err
	}
	defer release()

	ow := o.words
	// The journal records the decision in English, whatever the prompt's
	// language; the Stone app's buttons are Portuguese in both.
	verb, said, word := "refuse", ow.Refuse, "Recusar"
	if approve {
		verb, said, word = "approve", ow.Approve, "Aprovar"
	}
	what := ow.What[op.Kind]
	if what == "" {
		what = op.Kind
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n  %s\n", o.header(op.Scenario))
	fmt.Fprintf(&b, ow.Operation, said, word, what, locale.BRL(op.Amount))
	if op.Recipient != "" {
		fmt.Fprintf(&b, ow.To, op.Recipient)
	}
	if op.Account != "" {
		fmt.Fprintf(&b, ow.FromAccount, op.Account)
	}
	fmt.Fprintf(&b, ow.OperationEnd+"\n", op.ID, o.opts.Wait)
	fmt.Fprint(o.opts.Out, b.String())
	person(ctx, check.Person{Action: check.PersonPrompt, Decision: verb, Text: strings.TrimSpace(b.String())})

	started := time.Now()
	waited := func() int64 { return time.Since(started).Milliseconds() }
	ctx, cancel := context.WithTimeout(ctx, o.opts.Wait)
	defer cancel()
	t := time.NewTicker(o.opts.Poll)
	defer t.Stop()
	lines := o.lines
	for {
		status, err := op.Status(ctx)
		if err == nil && status != "CREATED" {
			person(ctx, check.Person{Action: check.PersonOutcome, Outcome: "decided", Detail: "status " + status, WaitedMS: waited()})
			return nil
		}
		select {
		case <-ctx.Done():
			person(context.WithoutCancel(ctx), check.Person{Action: check.PersonOutcome, Outcome: "timed_out", Detail: "still CREATED", WaitedMS: waited()})
			return fmt.Errorf("owner: %s %s still waiting for the owner after %s", op.Kind, op.ID, o.opts.Wait)
		case line, ok := <-lines:
			if !ok {
				lines = nil
				continue
			}
			if o.skips(line) {
				person(ctx, check.Person{Action: check.PersonOutcome, Outcome: "skipped", Detail: "skipped by the operator", WaitedMS: waited()})
				return &SkippedError{What: "the owner's decision on " + englishWhat(op.Kind) + " " + op.ID}
			}
			if line != "" {
				fmt.Fprintf(o.opts.Out, ow.NothingHere+"\n", said)
			}
		case <-t.C:
		}
	}
}

// skips reports whether a typed line gives the step up ("skip", and the
// language's own word).
func (o *PersonOwner) skips(line string) bool {
	for _, w := range o.words.SkipWords {
		if strings.EqualFold(line, w) {
			return true
		}
	}
	return false
}

// englishWhat names a kind of operation in English, for errors (which
// are evidence, in English whatever the prompts' language).
func englishWhat(kind string) string {
	if w := locale.For(locale.English).Owner.What[kind]; w != "" {
		return w
	}
	return kind
}

// checkRedirect says why an answer is not the redirect this consent
// request comes back with, in the person's language, or parses it.
func checkRedirect(answer string, ask ConsentAsk, ow *locale.OwnerWords) (stone.ConsentResult, error) {
	u, err := url.Parse(strings.TrimSpace(answer))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return stone.ConsentResult{}, errors.New(ow.NotAddress)
	}
	if ask.RedirectURI != "" {
		want, err := url.Parse(ask.RedirectURI)
		if err == nil && (!strings.EqualFold(u.Scheme, want.Scheme) || !strings.EqualFold(u.Host, want.Host) || strings.TrimSuffix(u.Path, "/") != strings.TrimSuffix(want.Path, "/")) {
			return stone.ConsentResult{}, fmt.Errorf(ow.NotRedirectURI, ask.RedirectURI)
		}
	}
	q := u.Query()
	if q.Get("consent_result") == "" {
		return stone.ConsentResult{}, errors.New(ow.NoConsentResult)
	}
	for k, v := range ask.Metadata {
		if q.Has(k) && q.Get(k) != fmt.Sprint(v) {
			return stone.ConsentResult{}, fmt.Errorf(ow.OtherRequest, k, q.Get(k), fmt.Sprint(v))
		}
	}
	return stone.ParseConsentRedirect(u.String())
}

// loopbackRedirect is where to listen for a redirect URI on this machine:
// an http URL on 127.0.0.1, [::1] or localhost with a port, the way
// command-line OAuth logins catch their redirect.
func loopbackRedirect(uri string) (addr, path string, ok bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "http" || u.Port() == "" {
		return "", "", false
	}
	switch u.Hostname() {
	case "127.0.0.1", "::1", "localhost":
		path = u.Path
		if path == "" {
			path = "/"
		}
		return u.Host, path, true
	}
	return "", "", false
}

// catch listens on a loopback redirect URI while a consent waits; the
// browser gets a short page and the run gets the address. It returns nil
// when the URI is not one, or cannot be listened on (then the person
// pastes).
func (o *PersonOwner) catch(ctx context.Context, ask ConsentAsk) (<-chan string, func()) {
	addr, path, ok := loopbackRedirect(ask.RedirectURI)
	if !ok {
		return nil, func() {}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(o.opts.Out, o.words.CannotListen+"\n", addr, err)
		return nil, func() {}
	}
	got := make(chan string, 1)
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		full := strings.TrimSuffix(ask.RedirectURI, "?")
		if i := strings.IndexByte(full, '?'); i >= 0 {
			full = full[:i]
		}
		full += "?" + r.URL.RawQuery
		res, err := checkRedirect(full, ask, o.words)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<!doctype html><title>homolog</title><p>"+o.words.CannotUse+"</p>", html.EscapeString(err.Error()))
			o.ev.Person(ctx, check.Person{Actor: actorPerson, Action: check.PersonAnswer, Subject: "consent", Answer: full, Outcome: "rejected_answer", Detail: err.Error()})
			return
		}
		fmt.Fprintf(w, "<!doctype html><title>homolog</title><p>"+o.words.Received+"</p>", html.EscapeString(res.Result))
		select {
		case got <- full:
		default: // one answer is enough
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return got, func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
}

// shortLink serves the long consent link from a short local address that
// redirects to it (a 1,300-character link is hard to copy from a
// terminal). "" when no local port can be opened.
func (o *PersonOwner) shortLink(link string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.linkLn == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return ""
		}
		o.linkLn = ln
		links := o.links
		mu := &o.mu
		srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			target, ok := links[r.URL.Path]
			mu.Unlock()
			if !ok {
				http.NotFound(w, r)
				return
			}
			http.Redirect(w, r, target, http.StatusFound)
		})}
		go func() { _ = srv.Serve(ln) }()
	}
	path := fmt.Sprintf("/consent/%d", len(o.links)+1)
	o.links[path] = link
	return "http://" + o.linkLn.Addr().String() + path
}

// BRL writes centavos the way Brazilians write money: R$ 1.234,56.
func BRL(cents int64) string { return locale.BRL(cents) }
