// Package simulator is an in-process simulator of Stone's Open Banking sandbox.
//
// One host serves what Stone spreads over three: the Keycloak token endpoint
// (/auth/realms/stone_bank/...), the API (/api/v1/...) and the consent site
// (/consentimento). Test controls that only the account owner could perform
// live under /_sim/, outside Stone's namespace. Each Simulator is independent:
// the package holds no mutable state, so parallel tests can each use their own.
//
// This package is the small public surface; each family of the API lives in
// its own package under internal/ and registers its own routes:
//
//	internal/api           JSON answers and srn:error bodies, request bodies, pagination, idempotency, the router
//	internal/ledger        accounts, balances, statements, fees, clients, the clock and scheduler, events
//	internal/keycloak      the token endpoint and bearer tokens
//	internal/consent       the /consentimento site and the owner's consent
//	internal/institutions  the institutions directory (institutions.json)
//	internal/calendar      business days, holidays, operation windows, the scheduling calendar
//	internal/approvals     the cash-out lifecycle, approvals, batch operations, schedulings
//	internal/transfer      internal transfers
//	internal/ted           external transfers (TED) and their seeded targets
//	internal/barcode       barcodes, writable lines and the test documents
//	internal/payment       barcode payments
//	internal/boleto        boleto issuance
//	internal/brcode        BR Codes (EMV payloads)
//	internal/pix           PIX keys, payments, charges, inbound payments and refunds
//	internal/paymentlink   payment links: checkout orders, their lifecycle and order_* webhooks
//	internal/pdf           the PDF documents (boletos, receipts)
//	internal/receipt       receipts (comprovantes) of transfers, payments, statements and PIX, as PDFs
//	internal/signup        account opening: the JWE request, its analysis and the sign_up_* webhooks
//	internal/topup         top-ups: providers, values, dry run, execution behind the PIN challenge
//	internal/contact       an account's contacts and their bank accounts
//	internal/portability   salary portability requests and the payroll institution's answer
//	internal/payroll       payrolls paying an uploaded salaries file into Stone accounts
//	internal/kyc           the KYC of an account opening's user, and the photo storage it uploads to
//	internal/webhooks      webhook sealing, delivery, retries and inspection
//	internal/faults        injected faults
//
// Passing against the simulator proves an integration is ready for Stone's
// homologation; it is not Stone's homologation.
package simulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/approvals"
	"github.com/openbank-homolog/homolog/simulator/internal/boleto"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/consent"
	"github.com/openbank-homolog/homolog/simulator/internal/contact"
	"github.com/openbank-homolog/homolog/simulator/internal/faults"
	"github.com/openbank-homolog/homolog/simulator/internal/institutions"
	"github.com/openbank-homolog/homolog/simulator/internal/keycloak"
	"github.com/openbank-homolog/homolog/simulator/internal/kyc"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
	"github.com/openbank-homolog/homolog/simulator/internal/payment"
	"github.com/openbank-homolog/homolog/simulator/internal/paymentlink"
	"github.com/openbank-homolog/homolog/simulator/internal/payroll"
	"github.com/openbank-homolog/homolog/simulator/internal/pix"
	"github.com/openbank-homolog/homolog/simulator/internal/portability"
	"github.com/openbank-homolog/homolog/simulator/internal/receipt"
	"github.com/openbank-homolog/homolog/simulator/internal/signup"
	"github.com/openbank-homolog/homolog/simulator/internal/ted"
	"github.com/openbank-homolog/homolog/simulator/internal/topup"
	"github.com/openbank-homolog/homolog/simulator/internal/transfer"
	"github.com/openbank-homolog/homolog/simulator/internal/webhooks"
)

const (
	defaultRedirectURI = "https://partner.example/consent/callback"
	defaultFinishAfter = 100 * time.Millisecond
	defaultApprovalTTL = 24 * time.Hour
)

// Options configures a Simulator. The zero value is usable.
type Options struct {
	Now        func() time.Time // nil → time.Now; ALL time reads go through it (tests inject a fake clock)
	NewID      func() string    // nil → uuid.NewString; used for every generated id
	SigningKey *rsa.PrivateKey  // signs access tokens; nil → generate RSA 2048 at New
	// EncryptionKey is Stone's "enc" key (discovery keys; it opens top-up
	// challenge solutions and account-opening requests); nil → generated
	// on first use.
	EncryptionKey *rsa.PrivateKey
	FinishAfter   time.Duration // delay of every asynchronous step (APPROVED→FINISHED, CONFIRMED→MONEY_RESERVED→SETTLED, boleto CREATED→REGISTERED, ...); 0 → 100ms; negative → immediately
	// ApprovalExpiry is how long a cash-out created on a consented account
	// waits in CREATED for its owner before it EXPIRES (a scheduled one also
	// expires at the end of its scheduled day); 0 → 24h.
	ApprovalExpiry time.Duration
	Logf           func(format string, args ...any)
	Faults         Faults       // injected failures; zero value = none
	HTTPClient     *http.Client // delivers webhooks; nil → a client with a 10 s timeout
	// BaseURL is where clients reach the simulator ("http://sim.example:8080"),
	// when that is not the address Start listens on (a proxy, a container,
	// 0.0.0.0). Client assertions may name its realm, the realm of the
	// address Start listens on, or Stone's sandbox realm as audience; never
	// whatever Host header a caller sends.
	BaseURL string
	// NoControls leaves out the /_sim/ test controls: they answer 404.
	NoControls bool
	// ReadTimeout bounds reading one request, body included, on the server
	// Start runs, so a body that trickles in cannot hold a connection;
	// 0 → 30 s. IdleTimeout closes a keep-alive connection left idle; 0 → 2 min.
	ReadTimeout, IdleTimeout time.Duration
	// PIN is the account owners' PIN that top-up challenges expect
	// (stone-api-families.md §3.6); "" → "1234".
	PIN string
}

// DefaultPIN is the account owners' PIN when Options.PIN is "".
const DefaultPIN = topup.DefaultPIN

// Faults configures failures injected before a request is routed (see
// internal/faults for the fields); the zero value injects nothing.
type Faults = faults.Config

// FaultsError names the field of Faults that is wrong: Field as in Go, JSON
// as in /_sim/faults and scenarios.yaml.
type FaultsError = faults.Error

// Client is a partner application registered with the simulator, as Stone
// registers it from the integration form.
type Client struct {
	ID          string         // ClientID (UUID string in practice, any non-empty string accepted)
	PublicKey   *rsa.PublicKey // verifies client assertions and consent JWTs
	RedirectURI string         // registered consent redirect URI; "" → "https://partner.example/consent/callback"
	WebhookURL  string         // where webhooks are POSTed; "" → none are delivered (they are still listed)
}

// ErrClientConflict is returned by Register when the client id is already
// registered with a different public key or redirect URI.
var ErrClientConflict = errors.New("client already registered with a different public key or redirect URI")

// Simulator is an http.Handler serving the simulated Stone sandbox.
type Simulator struct {
	opts Options
	key  *rsa.PrivateKey
	seed ledger.Seed

	book      *ledger.Book
	keycloak  *keycloak.Keycloak
	dir       *institutions.Directory
	ops       *approvals.Registry
	transfers *transfer.Transfers
	teds      *ted.TEDs
	boletos   *boleto.Issuer
	payments  *payment.Payments
	pix       *pix.Pix
	links     *paymentlink.Links
	receipts  *receipt.Receipts
	topups    *topup.TopUps
	signups   *signup.SignUps
	contacts  *contact.Contacts
	salaries  *portability.Portabilities
	payrolls  *payroll.Payrolls
	kyc       *kyc.KYC
	consent   *consent.Site
	hooks     *webhooks.Hooks
	faults    *faults.Injector
	mux       *api.Mux

	fixtures map[string]Fixtures // by client id; guarded by the book's lock

	srvMu sync.Mutex
	srv   *http.Server
	ln    net.Listener
}

// New returns an independent simulator with an empty world; call Register to
// add clients and their seeded accounts.
func New(opts Options) (*Simulator, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.NewID == nil {
		opts.NewID = uuid.NewString
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	step := opts.FinishAfter
	switch {
	case step == 0:
		step = defaultFinishAfter
	case step < 0:
		step = 0
	}
	expiry := opts.ApprovalExpiry
	if expiry <= 0 {
		expiry = defaultApprovalTTL
	}
	s := &Simulator{opts: opts, key: opts.SigningKey, fixtures: map[string]Fixtures{}}
	if s.key == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("simulator: generate signing key: %w", err)
		}
		s.key = k
	}
	var err error
	if s.seed, err = ledger.ReadSeed(); err != nil {
		return nil, err
	}
	if s.faults, err = faults.New(opts.Faults); err != nil {
		return nil, err
	}
	if s.dir, err = institutions.New(); err != nil {
		return nil, err
	}
	s.book = ledger.New(ledger.Options{Now: opts.Now, NewID: opts.NewID, Step: step})
	idem := api.NewIdempotency()
	if opts.BaseURL != "" {
		u, err := url.Parse(opts.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("simulator: base URL %q must be an http(s) URL with a host and no path", opts.BaseURL)
		}
	}
	s.keycloak = keycloak.New(keycloak.Options{Book: s.book, Key: s.key, Realms: s.realms, Logf: opts.Logf})
	s.ops = approvals.New(approvals.Options{Book: s.book, ApprovalExpiry: expiry})
	s.transfers = transfer.New(transfer.Options{Book: s.book, Ops: s.ops, Idempotency: idem})
	if s.teds, err = ted.New(ted.Options{Book: s.book, Ops: s.ops, Idempotency: idem, Institutions: s.dir}); err != nil {
		return nil, err
	}
	s.boletos = boleto.New(boleto.Options{Book: s.book, Idempotency: idem})
	s.payments = payment.New(payment.Options{Book: s.book, Ops: s.ops, Idempotency: idem, Institutions: s.dir, Boletos: s.boletos})
	if s.pix, err = pix.New(pix.Options{Book: s.book, Ops: s.ops, Idempotency: idem, Institutions: s.dir}); err != nil {
		return nil, err
	}
	if s.links, err = paymentlink.New(paymentlink.Options{Book: s.book, Idempotency: idem}); err != nil {
		return nil, err
	}
	s.receipts = receipt.New(receipt.Options{Book: s.book, Idempotency: idem, Ops: s.ops, Pix: s.pix.Resource})
	if s.consent, err = consent.New(consent.Options{Book: s.book, Logf: opts.Logf}); err != nil {
		return nil, err
	}
	s.hooks = webhooks.New(webhooks.Options{Book: s.book, Key: s.key, Kid: s.keycloak.Kid(), HTTPClient: opts.HTTPClient, Logf: opts.Logf,
		EncKey: opts.EncryptionKey})
	if s.topups, err = topup.New(topup.Options{Book: s.book, Idempotency: idem, Decrypt: s.hooks.Decrypt,
		ErrUnrecognizedKey: webhooks.ErrUnrecognizedKey, PIN: opts.PIN}); err != nil {
		return nil, err
	}
	s.signups = signup.New(signup.Options{Book: s.book, Idempotency: idem, Decrypt: s.hooks.Decrypt, ErrUnrecognizedKey: webhooks.ErrUnrecognizedKey})
	s.contacts = contact.New(contact.Options{Book: s.book, Idempotency: idem, Institutions: s.dir})
	s.salaries = portability.New(portability.Options{Book: s.book, Idempotency: idem, Institutions: s.dir})
	s.payrolls = payroll.New(payroll.Options{Book: s.book, Idempotency: idem})
	s.kyc = kyc.New(kyc.Options{Book: s.book, Users: s.signups.User, Answered: s.signups.KYCAnswered, Base: s.baseOf})

	m := api.NewMux(s.keycloak.Authenticate, !opts.NoControls)
	s.keycloak.Routes(m)
	s.dir.Routes(m)
	s.book.Routes(m, s.ops.ScheduledFrom)
	calendar.Routes(m)
	s.transfers.Routes(m)
	s.teds.Routes(m)
	s.payments.Routes(m)
	s.boletos.Routes(m)
	s.pix.Routes(m)
	s.links.Routes(m)
	s.receipts.Routes(m)
	s.topups.Routes(m)
	s.signups.Routes(m)
	s.contacts.Routes(m)
	s.salaries.Routes(m)
	s.payrolls.Routes(m)
	s.kyc.Routes(m)
	s.ops.Routes(m) // after every family registered its kind
	s.consent.Routes(m)
	s.hooks.Routes(m)
	s.faults.Routes(m)
	m.Handle("GET /_sim/clients/{id}/fixtures", s.handleFixtures)
	s.mux = m
	return s, nil
}

// realms are the simulator's own realm URLs: Options.BaseURL's, then the
// address Start listens on (when it is one a client can name).
func (s *Simulator) realms() []string {
	var out []string
	if s.opts.BaseURL != "" {
		out = append(out, strings.TrimSuffix(s.opts.BaseURL, "/")+keycloak.RealmPath)
	}
	if u := s.URL(); u != "" {
		out = append(out, u+keycloak.RealmPath)
	}
	return out
}

// baseOf is the base URL a client reached the simulator at with r:
// Options.BaseURL when set, else the scheme and host r names (the photo
// upload URLs a client is handed must be ones it can reach).
func (s *Simulator) baseOf(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimSuffix(s.opts.BaseURL, "/")
	}
	return strings.TrimSuffix(keycloak.RealmURL(r), keycloak.RealmPath)
}

// Handler is the simulator as an http.Handler (the Simulator itself).
func (s *Simulator) Handler() http.Handler { return s }

// ServeHTTP serves every simulated host. Before routing it applies every state
// transition that has come due on the simulator's clock, so a fake clock moved
// forward takes effect on the next request without background goroutines.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &api.Call{Now: s.book.Now(), ID: s.requestID()}
	w.Header().Set("X-Request-Id", c.ID)
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			// A bug must still answer JSON; the log keeps the cause.
			s.opts.Logf("simulator: panic serving %s %s (request %s): %v", r.Method, r.URL.Path, c.ID, v)
			if sw.status == 0 {
				api.Err(http.StatusInternalServerError, "internal").Write(sw)
			}
		}
		s.opts.Logf("simulator: %s %s -> %d (request %s)", r.Method, r.URL.Path, sw.status, c.ID)
	}()

	if s.faults.Inject(sw, r) {
		return
	}
	s.book.SettleDue(c.Now)
	if strings.HasPrefix(r.URL.Path, "/_sim/") {
		// Webhook URIs name the host callers reach the controls at
		// (webhooks.Hooks.Observe).
		s.hooks.Observe(r)
	}
	s.mux.ServeHTTP(sw, api.WithCall(r, c))
	// Deliver what came due and what the handler itself emitted now, not
	// with the next request or background tick: a client waiting for a
	// webhook makes no request, and would sit out the tick.
	s.hooks.Kick()
}

// requestID is 32 hex characters, derived from NewID so that an injected id
// source also makes request ids reproducible.
func (s *Simulator) requestID() string {
	id := strings.ReplaceAll(s.book.NewID(), "-", "")
	if len(id) == 32 {
		if _, err := hex.DecodeString(id); err == nil {
			return strings.ToLower(id)
		}
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16])
}

// Start serves the simulator in the background on addr ("" → "127.0.0.1:0").
func (s *Simulator) Start(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.srv != nil {
		return errors.New("simulator: start: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("simulator: start: %w", err)
	}
	read, idle := s.opts.ReadTimeout, s.opts.IdleTimeout
	if read <= 0 {
		read = 30 * time.Second
	}
	if idle <= 0 {
		idle = 2 * time.Minute
	}
	// No WriteTimeout: POST /_sim/webhooks/flush legitimately waits for
	// slow receivers, and answers are small enough for any reader.
	srv := &http.Server{Handler: s, ReadHeaderTimeout: min(read, 10*time.Second), ReadTimeout: read, IdleTimeout: idle}
	s.srv, s.ln = srv, ln
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.opts.Logf("simulator: serve: %v", err)
		}
	}()
	// A served simulator keeps delivering due webhook retries while it waits
	// for requests.
	s.hooks.Start("http://" + ln.Addr().String())
	return nil
}

// URL is the base URL ("http://127.0.0.1:PORT") after Start, "" before.
func (s *Simulator) URL() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops the server started by Start; it is a no-op otherwise.
func (s *Simulator) Close() error {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	s.srv, s.ln = nil, nil
	s.hooks.Stop()
	if err != nil {
		return fmt.Errorf("simulator: close: %w", err)
	}
	return nil
}

// statusWriter remembers the status for the log and the panic handler;
// Unwrap lets http.ResponseController reach the connection beneath (the
// fault injector drops connections through it).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
