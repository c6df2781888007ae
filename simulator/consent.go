package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// A consent link is valid for at most 2 h (§3.1).
const maxConsentLifetime = 2 * time.Hour

// consentAudiences: Stone's docs and Go SDK use accounts-hubid, the Elixir SDK
// switched to abc_web when the site moved to conta.stone; both are accepted.
func consentAudiences() []string {
	return []string{"accounts-hubid@openbank.stone.com.br", "abc_web@openbank.stone.com.br"}
}

type consentRequest struct {
	client   *clientRec
	jwt      string
	metadata map[string]any
	account  account // a copy, for rendering outside the lock
	granted  bool    // the owner already shared this account with the client
}

// checkConsentLink validates a consent link's parameters and JWT as Stone's
// consent site does; the error says exactly what is wrong, for the page.
func (s *Simulator) checkConsentLink(q url.Values, now time.Time) (consentRequest, error) {
	clientID, token := strings.TrimSpace(q.Get("client_id")), strings.TrimSpace(q.Get("jwt"))
	switch {
	case clientID == "":
		return consentRequest{}, errors.New("the link has no client_id parameter")
	case token == "":
		return consentRequest{}, errors.New("the link has no jwt parameter")
	case q.Has("type") && q.Get("type") != "consent":
		return consentRequest{}, fmt.Errorf("parameter type is %q, must be \"consent\"", q.Get("type"))
	}
	c := s.lookupClient(clientID)
	if c == nil {
		return consentRequest{}, fmt.Errorf("unknown client_id %q", clientID)
	}
	claims, err := parseClientJWT(token, c.PublicKey)
	if err == nil {
		err = checkConsentClaims(claims, c, now)
	}
	if err != nil {
		return consentRequest{}, fmt.Errorf("consent jwt: %w", err)
	}
	meta, _ := claims["session_metadata"].(map[string]any)
	s.mu.Lock()
	defer s.mu.Unlock()
	acc := s.st.accounts[c.fixtures.ThirdPartyAccountID]
	return consentRequest{client: c, jwt: token, metadata: meta, account: *acc, granted: c.consented[acc.ID]}, nil
}

func checkConsentClaims(claims jwt.MapClaims, c *clientRec, now time.Time) error {
	checks := [][2]string{{"type", "consent"}, {"client_id", c.ID}, {"iss", c.ID}}
	for _, kv := range checks {
		if err := requireEqual(claims, kv[0], kv[1]); err != nil {
			return err
		}
	}
	if uri, _, _ := claimString(claims, "redirect_uri"); uri != c.RedirectURI {
		return fmt.Errorf("claim \"redirect_uri\" is %q, must be the redirect URI registered for the application (%q)", uri, c.RedirectURI)
	}
	if meta, ok := claims["session_metadata"].(map[string]any); !ok || len(meta) == 0 {
		return errors.New(`claim "session_metadata" must be a non-empty JSON object`)
	}
	if err := audienceIn(claims, consentAudiences()); err != nil {
		return err
	}
	if jti, _, err := claimString(claims, "jti"); err != nil || jti == "" {
		return errors.New(`claim "jti" is required (a unique string)`)
	}
	return timeWindow(claims, now, maxConsentLifetime, true)
}

type consentOutcome struct {
	ConsentResult string `json:"consent_result"`
	ResourceID    string `json:"resource_id,omitempty"`
	Redirect      string `json:"redirect"`
}

// decideConsent applies the owner's decision and builds the redirect back to
// the partner: session_metadata flattened into the query (strings as they
// are, anything else as JSON), then consent_result and resource_id.
func (s *Simulator) decideConsent(req consentRequest, decision string, now time.Time) (consentOutcome, error) {
	var out consentOutcome
	switch decision {
	case "approve":
		s.mu.Lock()
		out.ConsentResult, out.ResourceID = "approved", req.account.ID
		if req.client.consented[req.account.ID] {
			out.ConsentResult = "already_granted"
		} else if acc, ok := s.st.accounts[req.account.ID]; ok {
			// Stone notifies the application of a new consent (§3.3), with
			// the link's session_metadata, so it can match the redirect.
			s.st.emit(&event{Type: "consent_requested", TargetType: "paymentaccount", TargetID: acc.ID, AccountID: acc.ID,
				Data: snapshot(acc), DetailPath: "/api/v1/accounts/" + acc.ID, At: s.st.stamp(now),
				Extra: map[string]any{"session_metadata": req.metadata}})
		}
		req.client.consented[req.account.ID] = true
		s.mu.Unlock()
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

// handleConsentForm is the owner pressing "Permitir" or "Ignorar".
func (s *Simulator) handleConsentForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if err := r.ParseForm(); err != nil {
		s.renderConsentError(w, fmt.Errorf("the form could not be read: %w", err))
		return
	}
	req, err := s.checkConsentLink(r.PostForm, rc.now)
	if err != nil {
		s.renderConsentError(w, err)
		return
	}
	out, err := s.decideConsent(req, r.PostForm.Get("decision"), rc.now)
	if err != nil {
		s.renderConsentError(w, err)
		return
	}
	w.Header().Set("Location", out.Redirect)
	w.WriteHeader(http.StatusFound)
}

// handleOwnerConsent automates the owner for test runners: the same checks and
// decision as the page, answered in JSON.
func (s *Simulator) handleOwnerConsent(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in struct {
		Link     string `json:"link"`
		Decision string `json:"decision"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		badRequest("body must be a JSON object {\"link\",\"decision\"}: " + err.Error()).write(w)
		return
	}
	var errs []fieldError
	if in.Link == "" {
		errs = append(errs, fieldError{Error: "can't be blank", Path: []string{"link"}})
	}
	if in.Decision != "approve" && in.Decision != "ignore" {
		errs = append(errs, fieldError{Error: "must be approve or ignore", Path: []string{"decision"}})
	}
	if len(errs) > 0 {
		validationErr(errs...).write(w)
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
		badRequest("consent link is not a URL: " + err.Error()).write(w)
		return
	}
	q := u.Query()
	// Pre-2021 links carry their query in the fragment (#/consent?...).
	if _, frag, ok := strings.Cut(u.Fragment, "?"); ok && !q.Has("jwt") {
		q, _ = url.ParseQuery(frag)
	}
	req, err := s.checkConsentLink(q, rc.now)
	if err == nil {
		var out consentOutcome
		if out, err = s.decideConsent(req, in.Decision, rc.now); err == nil {
			jsonReply(http.StatusOK, out).write(w)
			return
		}
	}
	badRequest("consent link: " + err.Error()).write(w)
}
