// Package topup is Stone's top-ups (recargas, stone-api-families.md §3):
// mobile, games, digital content, TV and transport — providers and their
// values, the dry run (202), and the execution (200 with a receipt, and a
// PIN code for the products redeemed on the provider's site), which Stone
// guards with the account owner's PIN: a first call answers 403
// challenge_required, and the same request sent again with
// x-stone-challenge-solution, a JWE of {"challenge_id", "pin"} encrypted to
// Stone's enc key, is executed (§3.6). The money leaves the account at
// once (§3: debited right after confirmation).
//
// Every response shape lives in shapes.go.
package topup

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

//go:embed providers.json
var providersJSON []byte

// ChallengeHeader carries the solution of a challenge (§1.5, §3.6).
const ChallengeHeader = "X-Stone-Challenge-Solution"

// challengeTTL is how long a challenge can be answered [I: not documented].
const challengeTTL = 5 * time.Minute

var (
	cellphoneRE = regexp.MustCompile(`^\d{10,11}$`)
	digitsRE    = regexp.MustCompile(`^\d+$`)
)

// Products are the five documented products, as path segments.
func Products() []string { return []string{"mobile", "games", "digital-content", "tv", "transport"} }

// provider is one provider of providers.json: fixed values, or a range.
type provider struct {
	Name        string  `json:"name"`
	ID          int     `json:"id"`
	Values      []int64 `json:"values"`
	Min         int64   `json:"min"`
	Max         int64   `json:"max"`
	ProductName string  `json:"product_name"`
}

func (p provider) accepts(amount int64) bool {
	if len(p.Values) > 0 {
		return slices.Contains(p.Values, amount)
	}
	return amount >= p.Min && amount <= p.Max
}

// Decrypter opens a JWE sent to Stone's enc key (the webhooks package's).
type Decrypter func(compact string) ([]byte, error)

// Options wires the family. PIN is the account owner's PIN every
// challenge expects ("" → DefaultPIN).
type Options struct {
	Book        *ledger.Book
	Idempotency *api.Idempotency
	Decrypt     Decrypter
	// ErrUnrecognizedKey is what Decrypt wraps for a kid that is not the
	// enc key's, answered as srn:error:unrecognized_key.
	ErrUnrecognizedKey error
	PIN                string
}

// DefaultPIN is the simulated owners' PIN unless Options.PIN says otherwise.
const DefaultPIN = "1234"

// TopUps serves the family. Its state is guarded by the book's lock.
type TopUps struct {
	book       *ledger.Book
	idem       *api.Idempotency
	decrypt    Decrypter
	badKid     error
	pin        string
	providers  map[string][]provider
	challenges map[string]*challenge
}

type challenge struct {
	clientID string
	expires  time.Time
	used     bool
}

// New reads the providers seed.
func New(opts Options) (*TopUps, error) {
	t := &TopUps{book: opts.Book, idem: opts.Idempotency, decrypt: opts.Decrypt, badKid: opts.ErrUnrecognizedKey, pin: opts.PIN,
		challenges: map[string]*challenge{}}
	if t.pin == "" {
		t.pin = DefaultPIN
	}
	if err := json.Unmarshal(providersJSON, &t.providers); err != nil {
		return nil, fmt.Errorf("simulator: top-up providers: %w", err)
	}
	for _, p := range Products() {
		if len(t.providers[p]) == 0 {
			return nil, fmt.Errorf("simulator: top-up providers: none for %s", p)
		}
	}
	return t, nil
}

// Routes registers the top-up API (§3.1).
//
//	GET  /api/v1/topups/mobile/providers/{cellphone}             → 200 {possible_provider, other_providers}
//	GET  /api/v1/topups/{product}/providers                      → 200 {providers}
//	GET  /api/v1/topups/mobile/values/{provider_id}/{cellphone}  → 200 {product}
//	GET  /api/v1/topups/{product}/values/{provider_id}           → 200 {product}
//	POST /api/v1/topups/{product}/dry-run                        → 202 the request echoed
//	POST /api/v1/topups/{product}                                → 403 challenge_required, then 200 {id, receipt, transaction_id, pin?}
func (t *TopUps) Routes(m *api.Mux) {
	m.HandleAuth("GET /api/v1/topups/mobile/providers/{cellphone}", t.handleMobileProviders)
	m.HandleAuth("GET /api/v1/topups/{product}/providers", t.handleProviders)
	m.HandleAuth("GET /api/v1/topups/mobile/values/{provider_id}/{cellphone}", t.handleValues)
	m.HandleAuth("GET /api/v1/topups/{product}/values/{provider_id}", t.handleValues)
	m.HandleAuth("POST /api/v1/topups/{product}/dry-run", t.idem.Wrap(t.handle(true)))
	m.HandleAuth("POST /api/v1/topups/{product}", t.idem.Wrap(t.handle(false)))
}

// errorBody is a top-up error: Stone's invalid_amount carries a title (§3.5).
func errorBody(status int, code, title string) api.Reply {
	return api.JSON(status, struct {
		Type  string `json:"type"`
		Title string `json:"title,omitempty"`
	}{"srn:error:" + code, title})
}

func invalidParams(title string) api.Reply {
	return errorBody(http.StatusBadRequest, "invalid_params", title)
}

func (t *TopUps) product(r *http.Request) (string, bool) {
	p := r.PathValue("product")
	return p, slices.Contains(Products(), p)
}

func (t *TopUps) provider(product, id string) (provider, bool) {
	n, err := strconv.Atoi(id)
	if err != nil {
		return provider{}, false
	}
	for _, p := range t.providers[product] {
		if p.ID == n {
			return p, true
		}
	}
	return provider{}, false
}

// mobileOperator picks the operator a phone number belongs to: a stable
// function of the number among the four big operators [I: portability
// lookups are Stone's; any answer among documented providers will do].
func (t *TopUps) mobileOperator(cellphone string) provider {
	n, _ := strconv.Atoi(cellphone[len(cellphone)-2:])
	return t.providers["mobile"][n%4]
}

func (t *TopUps) handleMobileProviders(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	phone := r.PathValue("cellphone")
	if !cellphoneRE.MatchString(phone) {
		invalidParams("cellphone must be the area code and number, digits only (21971592768)").Write(w)
		return
	}
	op := t.mobileOperator(phone)
	out := mobileProviders{PossibleProvider: possibleProvider{Name: op.Name, ID: op.ID, Products: valuesOf(op, false)}, OtherProviders: []providerRef{}}
	for _, p := range t.providers["mobile"] {
		if p.ID != op.ID {
			out.OtherProviders = append(out.OtherProviders, providerRef{Name: p.Name, ID: p.ID})
		}
	}
	api.JSON(http.StatusOK, out).Write(w)
}

func (t *TopUps) handleProviders(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	p, ok := t.product(r)
	if !ok || p == "mobile" {
		api.NotFound().Write(w) // mobile providers are looked up by phone number
		return
	}
	out := providerList{Providers: []providerRef{}}
	for _, pr := range t.providers[p] {
		out.Providers = append(out.Providers, providerRef{Name: pr.Name, ID: pr.ID})
	}
	api.JSON(http.StatusOK, out).Write(w)
}

func (t *TopUps) handleValues(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	product := "mobile"
	if phone := r.PathValue("cellphone"); phone != "" {
		if !cellphoneRE.MatchString(phone) {
			invalidParams("cellphone must be the area code and number, digits only").Write(w)
			return
		}
	} else {
		var ok bool
		if product, ok = t.product(r); !ok || product == "mobile" {
			api.NotFound().Write(w)
			return
		}
	}
	pr, ok := t.provider(product, r.PathValue("provider_id"))
	if !ok {
		invalidParams("provider_id is not a " + product + " provider").Write(w)
		return
	}
	api.JSON(http.StatusOK, valueList{Product: valuesOf(pr, product != "mobile")}).Write(w)
}

// valuesOf lists a provider's values; a provider of any amount within a
// range lists its bounds.
func valuesOf(p provider, named bool) []value {
	vs := p.Values
	if len(vs) == 0 {
		vs = []int64{p.Min, p.Max}
	}
	out := make([]value, 0, len(vs))
	for _, v := range vs {
		x := value{Value: v}
		if named {
			x.ProductName = p.ProductName
		}
		out = append(out, x)
	}
	return out
}

// handle is the dry run (202, the request echoed) or the execution.
func (t *TopUps) handle(dry bool) api.Handler {
	return func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		product, ok := t.product(r)
		if !ok {
			api.NotFound().Write(w)
			return
		}
		req, rp, ok := t.decode(r, product, dry)
		if !ok {
			rp.Write(w)
			return
		}
		solution := strings.TrimSpace(r.Header.Get(ChallengeHeader))
		var plain []byte
		var decErr error
		if !dry && solution != "" {
			plain, decErr = t.decrypt(solution) // RSA outside the lock
		}
		t.book.Reply(w, func() api.Reply {
			a, ok := t.book.Accessible(c.ClientID, req.AccountID)
			if !ok {
				return errorBody(http.StatusForbidden, "forbidden", "")
			}
			if a.Balance() < req.Amount {
				return errorBody(http.StatusBadRequest, "not_enough_funds", "")
			}
			if dry {
				return api.JSON(http.StatusAccepted, req)
			}
			now := t.book.Stamp(c.Now)
			if solution == "" {
				return t.challenge(c.ClientID, now)
			}
			if rp, ok := t.solved(c.ClientID, plain, decErr, now); !ok {
				return rp
			}
			return api.JSON(http.StatusOK, t.execute(a, product, req, now))
		})
	}
}

// challenge asks for the owner's PIN (§3.6). Caller holds the lock.
func (t *TopUps) challenge(clientID string, now time.Time) api.Reply {
	id := t.book.NewID()
	t.challenges[id] = &challenge{clientID: clientID, expires: now.Add(challengeTTL)}
	var body challengeBody
	body.Type, body.Challenge.ID, body.Challenge.RequiredTypes = "srn:error:challenge_required", id, []string{"pin"}
	return api.JSON(http.StatusForbidden, body)
}

// solved checks a challenge solution; each way it can be wrong answers 403
// again (§3.6) with one of the types §6 lists. Caller holds the lock.
func (t *TopUps) solved(clientID string, plain []byte, decErr error, now time.Time) (api.Reply, bool) {
	forbidden := func(code, title string) (api.Reply, bool) { return errorBody(http.StatusForbidden, code, title), false }
	switch {
	case decErr != nil && t.badKid != nil && errors.Is(decErr, t.badKid):
		return forbidden("unrecognized_key", "the solution is not encrypted to Stone's enc key")
	case decErr != nil:
		return forbidden("bad_jwe_token", "the solution is not a JWE Stone's enc key opens")
	}
	var sol struct {
		ChallengeID json.RawMessage `json:"challenge_id"`
		PIN         *string         `json:"pin"`
	}
	if json.Unmarshal(plain, &sol) != nil || len(sol.ChallengeID) == 0 || sol.PIN == nil {
		return forbidden("bad_challenge_solution", `the solution must be {"challenge_id":…,"pin":"…"}`)
	}
	var id string
	if json.Unmarshal(sol.ChallengeID, &id) != nil {
		id = string(sol.ChallengeID)
	}
	ch, ok := t.challenges[id]
	if !ok || ch.used || ch.clientID != clientID || now.After(ch.expires) {
		return forbidden("challenge_not_found", "no open challenge "+id)
	}
	if *sol.PIN != t.pin {
		return forbidden("wrong_challenge_solution", "")
	}
	ch.used = true
	return api.Reply{}, true
}

// execute debits the account and issues the top-up. Caller holds the lock.
func (t *TopUps) execute(a *ledger.Account, product string, req topUpRequest, now time.Time) executed {
	id, txID := t.book.NewID(), t.book.NewID()
	pr, _ := t.provider(product, req.ProviderID)
	var cp ledger.CounterParty
	cp.Entity.Name = pr.Name
	// The statement documents no top-up entry type: "topup" is the
	// simulator's.
	t.book.Post(a, ledger.Posting{Amount: -req.Amount, CP: cp, Type: "topup", Desc: "Recarga " + pr.Name, OpID: id}, now)
	out := executed{ID: id, TransactionID: txID, Receipt: receiptText(pr, product, req, txID, now)}
	switch product {
	case "games", "digital-content", "transport":
		out.PIN = api.StrPtr(pinCode(txID))
	case "tv":
		out.PIN = api.StrPtr("") // §3.3: "" for tv, absent for mobile
	}
	return out
}

func pinCode(seed string) string {
	s := strings.ToUpper(strings.ReplaceAll(seed, "-", ""))
	return s[:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

func receiptText(p provider, product string, req topUpRequest, txID string, at time.Time) string {
	lines := []string{"STONE PAGAMENTOS S.A.", "COMPROVANTE DE RECARGA", "PRODUTO: " + strings.ToUpper(product), "OPERADORA: " + p.Name,
		fmt.Sprintf("VALOR: R$ %d,%02d", req.Amount/100, req.Amount%100)}
	if req.Cellphone != "" {
		lines = append(lines, "TELEFONE: ("+req.Cellphone[:2]+") "+req.Cellphone[2:])
	}
	if req.ClientCode != "" {
		lines = append(lines, "CODIGO DO CLIENTE: "+req.ClientCode)
	}
	return strings.Join(append(lines, "DATA: "+at.In(time.FixedZone("BRT", -3*3600)).Format("02/01/2006 15:04"), "NSU: "+txID[:8]), "\n")
}
