// Package keycloak is Stone's authorization server as far as partners see it
// (stone-api.md §1): the token endpoint of realm stone_bank, which grants
// client_credentials to an RS256 client assertion, and the check of the
// bearer tokens it issues on every API call.
package keycloak

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

const (
	// SandboxRealmURL is accepted as an assertion audience so that code written
	// for Stone's sandbox works unchanged against the simulator.
	SandboxRealmURL = "https://sandbox-accounts.openbank.stone.com.br/auth/realms/stone_bank"
	// RealmPath is the realm's path on the simulator's host.
	RealmPath   = "/auth/realms/stone_bank"
	tokenSuffix = "/protocol/openid-connect/token"
	// TokenPath is the token endpoint's path.
	TokenPath = RealmPath + tokenSuffix

	grantClientCredentials = "client_credentials"
	assertionTypeJWTBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// AccessTokenTTL is the lifetime of access tokens (§1.4).
	AccessTokenTTL = 900 * time.Second
	// Stone's docs say 15 minutes, its own Go SDK signs exp = now+2h: accept both.
	maxAssertionLifetime = 2 * time.Hour
	// TokenScope is the scope of every access token, as in Stone's example (§1.4).
	TokenScope = "paymentaccount:paymentlinks:write paymentaccount:contact:write entity:write paymentaccount:read paymentaccount:transfers:internal paymentaccount:fees:read paymentaccount:instantpayment paymentaccount:payments stone_subject_id paymentaccount:contact:read signup:paymentaccount paymentaccount:boletoissuance paymentaccount:paymentlinks:read paymentaccount:payrolls:read paymentaccount:payrolls:write paymentaccount:transfers:external entity:read"
)

// Options configures the server.
type Options struct {
	Book *ledger.Book
	Key  *rsa.PrivateKey // signs access tokens
	// Realms are the simulator's own realm URLs as configured (its base URL's
	// realm), read at each request since Start learns the address late.
	// With Stone's sandbox realm they are the audiences an assertion may
	// name; the Host header a caller sends is never one of them.
	Realms func() []string
	Logf   func(format string, args ...any)
}

// Keycloak issues and checks access tokens.
type Keycloak struct {
	book   *ledger.Book
	key    *rsa.PrivateKey
	kid    string
	realms func() []string
	logf   func(format string, args ...any)

	// jtiMu guards jtis: the assertion ids each client has used, until they
	// expire (a replayed assertion is refused).
	jtiMu sync.Mutex
	jtis  map[string]map[string]time.Time

	// tokens remembers the bearer tokens whose signature verified, until
	// they expire: checking an RS256 signature was 93 % of the handler's CPU
	// on an authenticated GET (issue 11).
	tokens tokenCache
}

// New returns a server signing with opts.Key.
func New(opts Options) *Keycloak {
	realms := opts.Realms
	if realms == nil {
		realms = func() []string { return nil }
	}
	return &Keycloak{book: opts.Book, key: opts.Key, kid: Thumbprint(&opts.Key.PublicKey), realms: realms, logf: opts.Logf,
		jtis: map[string]map[string]time.Time{}}
}

// Kid is the key id of the access-token signing key.
func (k *Keycloak) Kid() string { return k.kid }

// Routes registers the token endpoint.
func (k *Keycloak) Routes(m *api.Mux) {
	m.Handle("POST "+TokenPath, k.handleToken)
}

type tokenResponse struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int    `json:"expires_in"`
	RefreshExpiresIn int    `json:"refresh_expires_in"`
	TokenType        string `json:"token_type"`
	NotBeforePolicy  int    `json:"not-before-policy"`
	SessionState     string `json:"session_state"`
	Scope            string `json:"scope"`
}

// oauthErr is the token endpoint's error body: the token endpoint is
// Keycloak, not Stone's API, and speaks OAuth2 errors.
func oauthErr(status int, code, desc string) api.Reply {
	return api.JSON(status, struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{code, desc})
}

// RealmURL is derived from the request so the simulator works under any
// address (httptest, Start, a proxy) without being told its own URL.
func RealmURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		p, _, _ = strings.Cut(p, ",")
		if p = strings.ToLower(strings.TrimSpace(p)); p == "http" || p == "https" {
			scheme = p
		}
	}
	return fmt.Sprintf("%s://%s%s", scheme, r.Host, RealmPath)
}

// handleToken is Keycloak's client_credentials grant with private_key_jwt
// client authentication.
func (k *Keycloak) handleToken(w http.ResponseWriter, r *http.Request, c *api.Call) {
	if err := r.ParseForm(); err != nil {
		oauthErr(http.StatusBadRequest, "invalid_request", "body must be application/x-www-form-urlencoded: "+err.Error()).Write(w)
		return
	}
	f := r.PostForm
	for _, name := range []string{"grant_type", "client_id", "client_assertion_type", "client_assertion"} {
		if strings.TrimSpace(f.Get(name)) == "" {
			oauthErr(http.StatusBadRequest, "invalid_request", "missing form parameter: "+name).Write(w)
			return
		}
	}
	if g := f.Get("grant_type"); g != grantClientCredentials {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported, use %s", g, grantClientCredentials)).Write(w)
		return
	}
	if t := f.Get("client_assertion_type"); t != assertionTypeJWTBearer {
		oauthErr(http.StatusBadRequest, "invalid_request", fmt.Sprintf("client_assertion_type %q is not supported, use %s", t, assertionTypeJWTBearer)).Write(w)
		return
	}
	clientID := f.Get("client_id")
	var pub *rsa.PublicKey
	var subject string
	k.book.Locked(func() {
		if cl := k.book.Client(clientID); cl != nil {
			pub, subject = cl.PublicKey, cl.Subject
		}
	})
	if pub == nil {
		oauthErr(http.StatusUnauthorized, "invalid_client", fmt.Sprintf("unknown client_id %q", clientID)).Write(w)
		return
	}
	own := k.realms()
	claims, err := VerifyClientJWT(f.Get("client_assertion"), pub)
	if err == nil {
		err = checkAssertion(claims, clientID, own, c.Now)
	}
	if err != nil {
		oauthErr(http.StatusUnauthorized, "invalid_client", "client_assertion: "+err.Error()).Write(w)
		return
	}
	// The issuer is the simulator's own realm; before any is configured (a
	// bare handler under httptest) the one the caller addressed, which
	// names nothing the caller could not already choose.
	iss := RealmURL(r)
	if len(own) > 0 {
		iss = own[0]
	}
	k.issueToken(w, r, c, clientID, subject, iss, claims)
}

// checkAssertion applies Keycloak's checks plus the documented Stone claims.
// The audience is a configured realm (or its token endpoint): Stone's
// sandbox realm, or one of the simulator's own.
func checkAssertion(c jwt.MapClaims, clientID string, own []string, now time.Time) error {
	for _, name := range []string{"iss", "sub"} {
		if err := RequireEqual(c, name, clientID); err != nil {
			return err
		}
	}
	// Stone's docs send clientId, its Go SDK client_id: one is enough, and
	// every one present must name the client.
	found := false
	for _, name := range []string{"clientId", "client_id"} {
		if _, present := c[name]; present {
			found = true
			if err := RequireEqual(c, name, clientID); err != nil {
				return err
			}
		}
	}
	if !found {
		return errors.New(`claim "clientId" (or "client_id") is required`)
	}
	if _, present := c["realm"]; present {
		if err := RequireEqual(c, "realm", "stone_bank"); err != nil {
			return err
		}
	}
	var accepted []string
	for _, realm := range append(own, SandboxRealmURL) {
		accepted = append(accepted, realm, realm+tokenSuffix)
	}
	if err := AudienceIn(c, accepted); err != nil {
		return err
	}
	if err := TimeWindow(c, now, maxAssertionLifetime, false); err != nil {
		return err
	}
	if jti, _, err := ClaimString(c, "jti"); err != nil || jti == "" {
		return errors.New(`claim "jti" is required (a unique string)`)
	}
	return nil
}

// useJTI records jti for clientID until exp and reports whether it was
// already used. Assertions that expired are forgotten: their exp check
// already refuses them, so the replay set stays bounded.
func (k *Keycloak) useJTI(clientID, jti string, exp, now time.Time) (replay bool) {
	k.jtiMu.Lock()
	defer k.jtiMu.Unlock()
	seen := k.jtis[clientID]
	if seen == nil {
		seen = map[string]time.Time{}
		k.jtis[clientID] = seen
	}
	for j, until := range seen {
		if !until.After(now) {
			delete(seen, j)
		}
	}
	if _, replay = seen[jti]; !replay {
		seen[jti] = exp
	}
	return replay
}

func (k *Keycloak) issueToken(w http.ResponseWriter, r *http.Request, c *api.Call, clientID, subject, realm string, assertion jwt.MapClaims) {
	jti, _, _ := ClaimString(assertion, "jti")
	exp, _ := assertion.GetExpirationTime()
	if k.useJTI(clientID, jti, exp.Time, c.Now) {
		oauthErr(http.StatusUnauthorized, "invalid_client", fmt.Sprintf("client_assertion: jti %q already used", jti)).Write(w)
		return
	}
	session := k.book.NewID()
	iat := c.Now.Truncate(time.Second)
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"jti":              k.book.NewID(),
		"exp":              iat.Add(AccessTokenTTL).Unix(),
		"nbf":              0,
		"iat":              iat.Unix(),
		"iss":              realm,
		"sub":              subject,
		"typ":              "Bearer",
		"azp":              clientID,
		"auth_time":        0,
		"session_state":    session,
		"acr":              "1",
		"scope":            TokenScope,
		"clientId":         clientID,
		"clientHost":       host,
		"clientAddress":    host,
		"stone_subject_id": "application:" + clientID,
	})
	tok.Header["kid"] = k.kid
	signed, err := tok.SignedString(k.key)
	if err != nil {
		if k.logf != nil {
			k.logf("simulator: sign access token: %v", err)
		}
		oauthErr(http.StatusInternalServerError, "server_error", "could not sign the access token").Write(w)
		return
	}
	api.JSON(http.StatusOK, tokenResponse{
		AccessToken: signed, ExpiresIn: int(AccessTokenTTL / time.Second), TokenType: "bearer",
		SessionState: session, Scope: TokenScope,
	}).Write(w)
}

// Authenticate checks an API call's bearer token and User-Agent; on success
// it sets c.ClientID. A token's signature is verified once; its claims are
// then remembered until it expires.
func (k *Keycloak) Authenticate(r *http.Request, c *api.Call) (api.Reply, bool) {
	unauth := api.Err(http.StatusUnauthorized, "unauthenticated")
	scheme, raw, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	raw = strings.TrimSpace(raw)
	if !ok || !strings.EqualFold(scheme, "bearer") || raw == "" {
		return unauth, false
	}
	id, ok := k.tokens.get(raw, c.Now)
	if !ok {
		claims := jwt.MapClaims{}
		_, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return &k.key.PublicKey, nil },
			jwt.WithValidMethods([]string{"RS256"}), jwt.WithExpirationRequired(),
			jwt.WithTimeFunc(func() time.Time { return c.Now }))
		k.tokens.verifications.Add(1)
		if err != nil {
			return unauth, false
		}
		id, _, _ = ClaimString(claims, "clientId")
		exp, _ := claims.GetExpirationTime() // required above, so present
		k.tokens.put(raw, id, exp.Time, c.Now)
	}
	if k.book.LookupClient(id) == nil {
		return unauth, false
	}
	if strings.TrimSpace(r.Header.Get("User-Agent")) == "" {
		return api.BadRequest("User-Agent header is required", "User-Agent"), false
	}
	c.ClientID = id
	return api.Reply{}, true
}
