package stone

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token is an access token from Stone's Keycloak. Its String, GoString and
// Format never print AccessToken, so a token in a log line or a test
// failure does not leak.
type Token struct {
	AccessToken string
	TokenType   string
	Scope       string
	ExpiresIn   int
	Expiry      time.Time // Now() at receipt + expires_in
}

// Valid reports whether t can still be used at now for at least margin.
func (t *Token) Valid(now time.Time, margin time.Duration) bool {
	return t != nil && t.AccessToken != "" && now.Add(margin).Before(t.Expiry)
}

// String prints the token with AccessToken redacted. It has a value
// receiver so that Token values, not only pointers, are redacted by fmt.
func (t Token) String() string {
	access := "<empty>"
	if t.AccessToken != "" {
		access = "[redacted]"
	}
	return fmt.Sprintf("stone.Token{AccessToken: %s, TokenType: %q, Scope: %q, ExpiresIn: %d, Expiry: %s}",
		access, t.TokenType, t.Scope, t.ExpiresIn, t.Expiry.UTC().Format(time.RFC3339))
}

// GoString makes %#v redacted too.
func (t Token) GoString() string { return t.String() }

// Format routes every verb (%v, %+v, %#v, %s, %q, ...) through String;
// without it %+v would print the struct fields, AccessToken included.
func (t Token) Format(f fmt.State, verb rune) {
	s := t.String()
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s)
}

// tokenCache holds the current token. sem is a one-slot semaphore used as a
// mutex held across the fetch, so concurrent callers share one fetch; unlike
// sync.Mutex, waiting on it gives up when the caller's context is done.
type tokenCache struct {
	sem chan struct{}
	tok *Token // guarded by sem
}

func newTokenCache() tokenCache { return tokenCache{sem: make(chan struct{}, 1)} }

// Token returns the current access token, fetching one only when there is
// none or it expires within RefreshBefore (Stone: do not request a token per
// call). The result is a copy; changing it does not affect the client.
func (c *Client) Token(ctx context.Context) (*Token, error) { return c.token(ctx, false) }

// Authenticate fetches a fresh token even if the cached one is still valid,
// and caches it. It is what the "authenticate" homologation step exercises.
func (c *Client) Authenticate(ctx context.Context) (*Token, error) { return c.token(ctx, true) }

func (c *Client) token(ctx context.Context, force bool) (*Token, error) {
	select {
	case c.tokens.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("stone: authenticate: %w", ctx.Err())
	}
	defer func() { <-c.tokens.sem }()
	if !force && c.tokens.tok.Valid(c.now(), c.refreshBefore) {
		t := *c.tokens.tok
		return &t, nil
	}
	tok, err := c.fetchToken(ctx)
	if err != nil {
		return nil, err
	}
	c.tokens.tok = tok
	t := *tok
	return &t, nil
}

// ClientAssertion returns a freshly signed private_key_jwt client assertion
// with the claims Stone documents (stone-api.md §1.2). clientId is sent in
// camelCase as documented; client_id (what Stone's Go SDK sends) is not.
func (c *Client) ClientAssertion() (string, error) {
	now := c.now().Unix()
	claims := jwt.MapClaims{
		"exp":      now + int64(c.assertionTTL/time.Second),
		"nbf":      now,
		"iat":      now,
		"aud":      c.audience,
		"realm":    Realm,
		"sub":      c.clientID,
		"iss":      c.clientID,
		"clientId": c.clientID,
		"jti":      c.newID(),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(c.key)
	if err != nil {
		return "", fmt.Errorf("stone: client assertion: sign: %w", err)
	}
	return s, nil
}

// fetchToken runs the client_credentials grant with the base client: the
// token request must not go through the auth transport (it would recurse).
func (c *Client) fetchToken(ctx context.Context) (*Token, error) {
	const op = "authenticate"
	assertion, err := c.ClientAssertion()
	if err != nil {
		return nil, wrap(op, err)
	}
	form := url.Values{
		"client_id":             {c.clientID},
		"grant_type":            {"client_credentials"},
		"client_assertion":      {assertion},
		"client_assertion_type": {ClientAssertionType},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoints.TokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("stone: %s: build request: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.base.Do(req)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("stone: %s: read response: %w", op, err)
	}
	received := c.now()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := newTokenError(resp.StatusCode, resp.Header, req.Method, req.URL.Path, data)
		e.received = received
		return nil, wrap(op, e)
	}
	var body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
		ExpiresIn   int    `json:"expires_in"`
	}
	// json's error messages name types and offsets, never values, so the
	// token cannot leak through this error.
	if err := json.Unmarshal(data, &body); err != nil {
		return nil, fmt.Errorf("stone: %s: decode token response (status %d): %w", op, resp.StatusCode, err)
	}
	if body.AccessToken == "" {
		return nil, fmt.Errorf("stone: %s: token response has no access_token (status %d, x-request-id %q)", op, resp.StatusCode, resp.Header.Get("x-request-id"))
	}
	if body.ExpiresIn <= 0 {
		return nil, fmt.Errorf("stone: %s: token response has expires_in %d, want > 0", op, body.ExpiresIn)
	}
	return &Token{
		AccessToken: body.AccessToken,
		TokenType:   body.TokenType,
		Scope:       body.Scope,
		ExpiresIn:   body.ExpiresIn,
		Expiry:      received.Add(time.Duration(body.ExpiresIn) * time.Second),
	}, nil
}

// authTransport adds "Authorization: Bearer <token>" to requests for the API
// host, modelled on golang.org/x/oauth2's Transport over a ReuseTokenSource.
// Requests to any other origin (a redirect elsewhere) pass through without
// the token, so it cannot leak to a third party.
type authTransport struct {
	client *Client
	base   http.RoundTripper // nil → http.DefaultTransport
	scheme string            // API origin
	host   string
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if !strings.EqualFold(req.URL.Scheme, t.scheme) || !strings.EqualFold(req.URL.Host, t.host) {
		return base.RoundTrip(req)
	}
	tok, err := t.client.Token(req.Context())
	if err != nil {
		// A RoundTripper must close the body even when it fails.
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	// RoundTrippers must not modify the caller's request: set the header on
	// a clone (headers are deep-copied; the body is shared, as intended).
	r2 := req.Clone(req.Context())
	r2.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return base.RoundTrip(r2)
}
