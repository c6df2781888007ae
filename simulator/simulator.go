// Package simulator is an in-process simulator of Stone's Open Banking sandbox.
//
// One host serves what Stone spreads over three: the Keycloak token endpoint
// (/auth/realms/stone_bank/...), the API (/api/v1/...) and the consent site
// (/consentimento). Test controls that only the account owner could perform
// live under /_sim/, outside Stone's namespace. Each Simulator is independent:
// the package holds no mutable state, so parallel tests can each use their own.
//
// Passing against the simulator proves an integration is ready for Stone's
// homologation; it is not Stone's homologation.
package simulator

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

const (
	// sandboxRealmURL is accepted as an assertion audience so that code written
	// for Stone's sandbox works unchanged against the simulator.
	sandboxRealmURL    = "https://sandbox-accounts.openbank.stone.com.br/auth/realms/stone_bank"
	realmPath          = "/auth/realms/stone_bank"
	tokenSuffix        = "/protocol/openid-connect/token"
	tokenPath          = realmPath + tokenSuffix
	defaultRedirectURI = "https://partner.example/consent/callback"
	defaultFinishAfter = 100 * time.Millisecond
	defaultApprovalTTL = 24 * time.Hour
	maxBodyBytes       = 1 << 20
)

// Options configures a Simulator. The zero value is usable.
type Options struct {
	Now         func() time.Time // nil → time.Now; ALL time reads go through it (tests inject a fake clock)
	NewID       func() string    // nil → uuid.NewString; used for every generated id
	SigningKey  *rsa.PrivateKey  // signs access tokens; nil → generate RSA 2048 at New
	FinishAfter time.Duration    // delay of every asynchronous step (APPROVED→FINISHED, CONFIRMED→MONEY_RESERVED→SETTLED, boleto CREATED→REGISTERED, ...); 0 → 100ms; negative → immediately
	// ApprovalExpiry is how long a cash-out created on a consented account
	// waits in CREATED for its owner before it EXPIRES (a scheduled one also
	// expires at the end of its scheduled day); 0 → 24h.
	ApprovalExpiry time.Duration
	Logf           func(format string, args ...any)
	Faults         Faults       // injected failures; zero value = none (see faults.go)
	HTTPClient     *http.Client // delivers webhooks; nil → a client with a 10 s timeout
}

// Client is a partner application registered with the simulator, as Stone
// registers it from the integration form.
type Client struct {
	ID          string         // ClientID (UUID string in practice, any non-empty string accepted)
	PublicKey   *rsa.PublicKey // verifies client assertions and consent JWTs
	RedirectURI string         // registered consent redirect URI; "" → "https://partner.example/consent/callback"
	WebhookURL  string         // where webhooks are POSTed; "" → none are delivered (they are still listed)
}

// Fixtures tell a test runner what the seeded world looks like for one client.
type Fixtures struct {
	ClientID            string   `json:"client_id"`
	OwnAccountID        string   `json:"own_account_id"`         // the application's own account (visible without consent)
	ThirdPartyAccountID string   `json:"third_party_account_id"` // visible only after its owner consents
	TransferTargets     []string `json:"transfer_targets"`       // account_codes of other Stone accounts, valid internal transfer targets
	RedirectURI         string   `json:"redirect_uri"`

	TEDTargets   []TEDTarget      `json:"ted_targets"`   // bank accounts at other institutions; the one with ReturnedWith is always returned (REFUNDED)
	PixKeys      []PixKeyFixture  `json:"pix_keys"`      // DICT keys of other people (other banks, then a Stone account); Refunds marks the one whose bank returns every PIX
	OwnPixKey    string           `json:"own_pix_key"`   // a random key already registered on the own account
	StaticBRCode string           `json:"static_brcode"` // a static BR Code (amount 15.00) paying PixKeys[0]
	Barcodes     []BarcodeFixture `json:"barcodes"`      // test barcodes: payable, paid, unpayable, divergent, ... (barcodes.go)
	// InvoiceTypes lists, per account id, the boleto invoice types that
	// account may issue; the others answer 422 product_not_enabled.
	InvoiceTypes map[string][]string `json:"invoice_types"`
}

// ErrClientConflict is returned by Register when the client id is already
// registered with a different public key or redirect URI.
var ErrClientConflict = errors.New("client already registered with a different public key or redirect URI")

// Simulator is an http.Handler serving the simulated Stone sandbox.
type Simulator struct {
	opts        Options
	finishAfter time.Duration
	key         *rsa.PrivateKey
	kid         string
	pages       *template.Template
	routes      router

	// clockOffset lets /_sim/clock/advance move time forward on top of Options.Now
	// for callers that only reach the simulator over HTTP.
	clockOffset atomic.Int64

	// idMu serialises Options.NewID so that a caller-supplied counter needs no lock.
	idMu sync.Mutex

	// mu guards the whole store: a single lock keeps every balance, statement
	// and transfer transition atomic with respect to concurrent requests.
	mu sync.Mutex
	st *store

	srvMu sync.Mutex
	srv   *http.Server
	ln    net.Listener

	// faults decides, before routing, whether a request is answered with
	// an injected failure (faults.go).
	faults *faultInjector
	// hooks owns webhook signing keys and delivery (webhooks.go).
	hooks *webhooks
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
	s := &Simulator{opts: opts, key: opts.SigningKey, finishAfter: opts.FinishAfter}
	switch {
	case s.finishAfter == 0:
		s.finishAfter = defaultFinishAfter
	case s.finishAfter < 0:
		s.finishAfter = 0
	}
	if s.key == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("simulator: generate signing key: %w", err)
		}
		s.key = k
	}
	s.kid = thumbprint(&s.key.PublicKey)
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	expiry := opts.ApprovalExpiry
	if expiry <= 0 {
		expiry = defaultApprovalTTL
	}
	s.st = newStore(s.newID, s.finishAfter, expiry)
	if s.faults, err = newFaultInjector(opts.Faults); err != nil {
		return nil, err
	}
	if s.hooks, err = newWebhooks(s); err != nil {
		return nil, err
	}
	s.routes = s.buildRoutes()
	return s, nil
}

// now is the only way the simulator reads time.
func (s *Simulator) now() time.Time {
	return s.opts.Now().Add(time.Duration(s.clockOffset.Load())).UTC()
}

func (s *Simulator) newID() string {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	return s.opts.NewID()
}

// locked runs fn holding the store lock. The deferred unlock keeps a panic
// (a simulator bug) from leaving the store locked for every later request.
func (s *Simulator) locked(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn()
}

func (s *Simulator) lookupClient(id string) *clientRec {
	var c *clientRec
	s.locked(func() { c = s.st.client(id) })
	return c
}

func (s *Simulator) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
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
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.srv, s.ln = srv, ln
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("simulator: serve: %v", err)
		}
	}()
	// A served simulator keeps delivering due webhook retries while it waits
	// for requests (webhooks.go).
	s.hooks.start("http://" + ln.Addr().String())
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
	s.hooks.stop()
	if err != nil {
		return fmt.Errorf("simulator: close: %w", err)
	}
	return nil
}
