// Package consent is Stone's consent site (stone-api.md §3): the
// /consentimento page where an account owner shares an account with an
// application, the redirect back to the partner, the consent_requested
// webhook, and the /_sim/owner/consent control that plays the owner.
package consent

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/keycloak"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// A consent link is valid for at most 2 h (§3.1).
const maxConsentLifetime = 2 * time.Hour

// pagesHTML is the consent site. It is one self-contained document (no
// external assets) because it is opened from whatever browser or test tool the
// partner uses, often offline.
//
//go:embed pages.html
var pagesHTML string

// consentAudiences: Stone's docs and Go SDK use accounts-hubid, the Elixir SDK
// switched to abc_web when the site moved to conta.stone; both are accepted.
func consentAudiences() []string {
	return []string{"accounts-hubid@openbank.stone.com.br", "abc_web@openbank.stone.com.br"}
}

// Options configures the site.
type Options struct {
	Book *ledger.Book
	Logf func(format string, args ...any)
}

// Site is the consent site.
type Site struct {
	book   *ledger.Book
	logf   func(format string, args ...any)
	pages  *template.Template
	offers map[string]string // client id → the account its owner is asked to share; guarded by the book's lock
}

// New parses the pages.
func New(opts Options) (*Site, error) {
	t, err := template.New("pages").Parse(pagesHTML)
	if err != nil {
		return nil, fmt.Errorf("simulator: parse consent pages: %w", err)
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &Site{book: opts.Book, logf: logf, pages: t, offers: map[string]string{}}, nil
}

// Offer makes accountID the account whose owner answers clientID's consent
// links. Caller holds the book's lock.
func (s *Site) Offer(clientID, accountID string) { s.offers[clientID] = accountID }

// Routes registers the site and its owner control.
func (s *Site) Routes(m *api.Mux) {
	m.Handle("GET /consentimento", s.handlePage)
	m.Handle("POST /consentimento", s.handleForm)
	m.Handle("POST /_sim/owner/consent", s.handleOwnerConsent)
}

type request struct {
	client   ledger.Client // a copy, for use outside the lock
	jwt      string
	metadata map[string]any
	account  ledger.Account // a copy, for rendering outside the lock
	granted  bool           // the owner already shared this account with the client
}

// checkLink validates a consent link's parameters and JWT as Stone's
// consent site does; the error says exactly what is wrong, for the page.
func (s *Site) checkLink(q url.Values, now time.Time) (request, error) {
	clientID, token := strings.TrimSpace(q.Get("client_id")), strings.TrimSpace(q.Get("jwt"))
	switch {
	case clientID == "":
		return request{}, errors.New("the link has no client_id parameter")
	case token == "":
		return request{}, errors.New("the link has no jwt parameter")
	case q.Has("type") && q.Get("type") != "consent":
		return request{}, fmt.Errorf("parameter type is %q, must be \"consent\"", q.Get("type"))
	}
	var req request
	found := false
	s.book.Locked(func() {
		c := s.book.Client(clientID)
		acc := s.book.Account(s.offers[clientID])
		if c == nil || acc == nil {
			return
		}
		found = true
		req = request{client: *c, jwt: token, account: *acc, granted: c.Consented(acc.ID)}
	})
	if !found {
		return request{}, fmt.Errorf("unknown client_id %q", clientID)
	}
	claims, err := keycloak.VerifyClientJWT(token, req.client.PublicKey)
	if err == nil {
		err = checkClaims(claims, &req.client, now)
	}
	if err != nil {
		return request{}, fmt.Errorf("consent jwt: %w", err)
	}
	req.metadata, _ = claims["session_metadata"].(map[string]any)
	return req, nil
}

func checkClaims(claims jwt.MapClaims, c *ledger.Client, now time.Time) error {
	checks := [][2]string{{"type", "consent"}, {"client_id", c.ID}, {"iss", c.ID}}
	for _, kv := range checks {
		if err := keycloak.RequireEqual(claims, kv[0], kv[1]); err != nil {
			return err
		}
	}
	if uri, _, _ := keycloak.ClaimString(claims, "redirect_uri"); uri != c.RedirectURI {
		return fmt.Errorf("claim \"redirect_uri\" is %q, must be the redirect URI registered for the application (%q)", uri, c.RedirectURI)
	}
	if meta, ok := claims["session_metadata"].(map[string]any); !ok || len(meta) == 0 {
		return errors.New(`claim "session_metadata" must be a non-empty JSON object`)
	}
	if err := keycloak.AudienceIn(claims, consentAudiences()); err != nil {
		return err
	}
	if jti, _, err := keycloak.ClaimString(claims, "jti"); err != nil || jti == "" {
		return errors.New(`claim "jti" is required (a unique string)`)
	}
	return keycloak.TimeWindow(claims, now, maxConsentLifetime, true)
}

// Outcome is the owner's decision as the partner learns it.
type Outcome struct {
	ConsentResult string `json:"consent_result"`
	ResourceID    string `json:"resource_id,omitempty"`
	Redirect      string `json:"redirect"`
}

// decide applies the owner's decision and builds the redirect back to the
// partner: session_metadata flattened into the query (strings as they are,
// anything else as JSON), then consent_result and resource_id.
func (s *Site) decide(req request, decision string, now time.Time) (Outcome, error) {
	var out Outcome
	switch decision {
	case "approve":
		out.ConsentResult, out.ResourceID = "approved", req.account.ID
		s.book.Locked(func() {
			c := s.book.Client(req.client.ID)
			if c.Consented(req.account.ID) {
				out.ConsentResult = "already_granted"
				return
			}
			c.Consent(req.account.ID)
			if acc := s.book.Account(req.account.ID); acc != nil {
				// Stone notifies the application of a new consent (§3.3), with
				// the link's session_metadata, so it can match the redirect.
				// The event is consent_requested as in the docs' example payload
				// (stone-api.md §3.4); the event table of the webhooks page says
				// consent_request (stone-api-families.md §7.7), but the example
				// is what a receiver is written against, and stone-api.md keeps it.
				s.book.Emit(&ledger.Event{Type: "consent_requested", TargetType: "paymentaccount", TargetID: acc.ID, AccountID: acc.ID,
					Data: api.Snapshot(acc), DetailPath: "/api/v1/accounts/" + acc.ID, At: s.book.Stamp(now),
					Extra: map[string]any{"session_metadata": req.metadata}})
			}
		})
	case "ignore":
		out.ConsentResult = "ignored"
	default:
		return out, fmt.Errorf("decision is %q, must be approve or ignore", decision)
	}
	u, err := url.Parse(req.client.RedirectURI)
	if err != nil {
		return out, fmt.Errorf("registered redirect URI: %w", err)
	}
	q := u.Query()
	for k, v := range req.metadata {
		if str, ok := v.(string); ok {
			q.Set(k, str)
			continue
		}
		b, _ := json.Marshal(v) // decoded from JSON, so it re-encodes
		q.Set(k, string(b))
	}
	q.Set("consent_result", out.ConsentResult)
	if out.ResourceID != "" {
		q.Set("resource_id", out.ResourceID)
	}
	u.RawQuery = q.Encode()
	out.Redirect = u.String()
	return out, nil
}

// handleForm is the owner pressing "Permitir" or "Ignorar".
func (s *Site) handleForm(w http.ResponseWriter, r *http.Request, c *api.Call) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, fmt.Errorf("the form could not be read: %w", err))
		return
	}
	req, err := s.checkLink(r.PostForm, c.Now)
	if err != nil {
		s.renderError(w, err)
		return
	}
	out, err := s.decide(req, r.PostForm.Get("decision"), c.Now)
	if err != nil {
		s.renderError(w, err)
		return
	}
	w.Header().Set("Location", out.Redirect)
	w.WriteHeader(http.StatusFound)
}

// handleOwnerConsent automates the owner for test runners: the same checks and
// decision as the page, answered in JSON.
func (s *Site) handleOwnerConsent(w http.ResponseWriter, r *http.Request, c *api.Call) {
	var in struct {
		Link     string `json:"link"`
		Decision string `json:"decision"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		api.BadRequest("body must be a JSON object {\"link\",\"decision\"}: " + err.Error()).Write(w)
		return
	}
	var errs []api.FieldError
	if in.Link == "" {
		errs = append(errs, api.FieldError{Error: "can't be blank", Path: []string{"link"}})
	}
	if in.Decision != "approve" && in.Decision != "ignore" {
		errs = append(errs, api.FieldError{Error: "must be approve or ignore", Path: []string{"decision"}})
	}
	if len(errs) > 0 {
		api.Validation(errs...).Write(w)
		return
	}
	u, err := url.Parse(in.Link)
	if err != nil {
		// url.Error quotes the whole link, consent JWT and its signature
		// included: say what is wrong without echoing it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		api.BadRequest("consent link is not a URL: "+err.Error(), "link").Write(w)
		return
	}
	q := u.Query()
	// Pre-2021 links carry their query in the fragment (#/consent?...).
	if _, frag, ok := strings.Cut(u.Fragment, "?"); ok && !q.Has("jwt") {
		q, _ = url.ParseQuery(frag)
	}
	req, err := s.checkLink(q, c.Now)
	if err == nil {
		var out Outcome
		if out, err = s.decide(req, in.Decision, c.Now); err == nil {
			api.JSON(http.StatusOK, out).Write(w)
			return
		}
	}
	api.BadRequest("consent link: "+err.Error(), "link").Write(w)
}

type page struct {
	ClientID, RedirectURI, JWT               string
	OwnerName, Branch, AccountCode, Document string
	Granted                                  bool
}

// handlePage is Stone's consent site: the owner reviews what the link asks
// for. The legacy type=consent parameter is tolerated.
func (s *Site) handlePage(w http.ResponseWriter, r *http.Request, c *api.Call) {
	req, err := s.checkLink(r.URL.Query(), c.Now)
	if err != nil {
		s.renderError(w, err)
		return
	}
	s.render(w, http.StatusOK, "consent", page{
		ClientID: req.client.ID, RedirectURI: req.client.RedirectURI, JWT: req.jwt,
		OwnerName: req.account.OwnerName, Branch: req.account.BranchCode, AccountCode: req.account.AccountCode,
		Document: api.MaskDocument(req.account.OwnerDocument), Granted: req.granted,
	})
}

// renderError answers 400 with an HTML page: the consent link is opened in a
// browser, where a JSON error would help nobody.
func (s *Site) renderError(w http.ResponseWriter, err error) {
	s.render(w, http.StatusBadRequest, "error", err.Error())
}

func (s *Site) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.logf("simulator: render %s page: %v", name, err)
		api.Err(http.StatusInternalServerError, "internal").Write(w)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
