package stone

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	defaultConsentTTL = time.Hour
	maxConsentTTL     = 2 * time.Hour // Stone: a consent link is valid for at most 2 h
)

// ConsentRequest describes the consent JWT asking an account owner to share
// accounts with the application (stone-api.md §3).
type ConsentRequest struct {
	RedirectURI     string         // must equal the URI registered with Stone
	SessionMetadata map[string]any // must be non-empty; echoed back on the redirect
	TTL             time.Duration  // 0 → 1h; > 2h is an error
}

// ConsentToken signs the consent JWT (stone-api.md §3.2). Unlike the client
// assertion it carries client_id in snake_case, as documented.
func (c *Client) ConsentToken(req ConsentRequest) (string, error) {
	const op = "consent token"
	if strings.TrimSpace(req.RedirectURI) == "" {
		return "", fmt.Errorf("stone: %s: RedirectURI is required", op)
	}
	if u, err := url.Parse(req.RedirectURI); err != nil || u.Scheme == "" {
		return "", fmt.Errorf("stone: %s: RedirectURI must be an absolute URI, got %q", op, req.RedirectURI)
	}
	if len(req.SessionMetadata) == 0 {
		return "", fmt.Errorf("stone: %s: SessionMetadata must not be empty", op)
	}
	ttl := req.TTL
	switch {
	case ttl < 0:
		return "", fmt.Errorf("stone: %s: TTL must not be negative, got %s", op, ttl)
	case ttl == 0:
		ttl = defaultConsentTTL
	case ttl < time.Second:
		return "", fmt.Errorf("stone: %s: TTL must be at least 1s, got %s", op, ttl)
	case ttl > maxConsentTTL:
		return "", fmt.Errorf("stone: %s: TTL %s exceeds Stone's limit of %s", op, ttl, maxConsentTTL)
	}
	now := c.now().Unix()
	claims := jwt.MapClaims{
		"type":             "consent",
		"client_id":        c.clientID,
		"iss":              c.clientID,
		"redirect_uri":     req.RedirectURI,
		"session_metadata": req.SessionMetadata,
		"iat":              now,
		"nbf":              now,
		"exp":              now + int64(ttl/time.Second),
		"jti":              c.newID(),
		"aud":              ConsentAudience,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(c.key)
	if err != nil {
		return "", fmt.Errorf("stone: %s: sign: %w", op, err)
	}
	return s, nil
}

// ConsentLink returns the consent site URL to show the account owner:
// SiteURL + "/consentimento?client_id=<id>&jwt=<token>". The optional
// type=consent parameter is left out, as in Stone's URL template.
func (c *Client) ConsentLink(req ConsentRequest) (string, error) {
	tok, err := c.ConsentToken(req)
	if err != nil {
		return "", wrap("consent link", err)
	}
	q := url.Values{"client_id": {c.clientID}, "jwt": {tok}}
	return c.endpoints.SiteURL + "/consentimento?" + q.Encode(), nil
}

// Consent results Stone appends to the redirect URI.
const (
	ConsentApproved       = "approved"
	ConsentIgnored        = "ignored"
	ConsentAlreadyGranted = "already_granted"
)

// ConsentResult is what Stone reports on the redirect back to the partner.
type ConsentResult struct {
	Result          string            // approved|ignored|already_granted
	ResourceID      string            // the consented payment account (when approved)
	SessionMetadata map[string]string // every other query parameter
}

// ParseConsentRedirect reads the redirect URL Stone sends the owner back to.
// Stone flattens session_metadata into query parameters, so every parameter
// other than consent_result and resource_id is reported as metadata
// (including any the registered redirect URI already had).
func ParseConsentRedirect(redirect string) (ConsentResult, error) {
	const op = "parse consent redirect"
	if strings.TrimSpace(redirect) == "" {
		return ConsentResult{}, fmt.Errorf("stone: %s: redirect URL is empty", op)
	}
	u, err := url.Parse(redirect)
	if err != nil {
		return ConsentResult{}, fmt.Errorf("stone: %s: %w", op, err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return ConsentResult{}, fmt.Errorf("stone: %s: query: %w", op, err)
	}
	res := ConsentResult{Result: q.Get("consent_result"), ResourceID: q.Get("resource_id")}
	switch res.Result {
	case ConsentApproved, ConsentIgnored, ConsentAlreadyGranted:
	case "":
		return ConsentResult{}, fmt.Errorf("stone: %s: consent_result is missing", op)
	default:
		return ConsentResult{}, fmt.Errorf("stone: %s: unknown consent_result %q", op, res.Result)
	}
	for k, vs := range q {
		if k == "consent_result" || k == "resource_id" || len(vs) == 0 {
			continue
		}
		if res.SessionMetadata == nil {
			res.SessionMetadata = map[string]string{}
		}
		res.SessionMetadata[k] = vs[0]
	}
	return res, nil
}
