package simulator

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	grantClientCredentials = "client_credentials"
	assertionTypeJWTBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	accessTokenTTL         = 900 * time.Second
	// Stone's docs say 15 minutes, its own Go SDK signs exp = now+2h: accept both.
	maxAssertionLifetime = 2 * time.Hour
	tokenScope           = "paymentaccount:paymentlinks:write paymentaccount:contact:write entity:write paymentaccount:read paymentaccount:transfers:internal paymentaccount:fees:read paymentaccount:instantpayment paymentaccount:payments stone_subject_id paymentaccount:contact:read signup:paymentaccount paymentaccount:boletoissuance paymentaccount:paymentlinks:read paymentaccount:payrolls:read paymentaccount:payrolls:write paymentaccount:transfers:external entity:read"
)

type tokenResponse struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int    `json:"expires_in"`
	RefreshExpiresIn int    `json:"refresh_expires_in"`
	TokenType        string `json:"token_type"`
	NotBeforePolicy  int    `json:"not-before-policy"`
	SessionState     string `json:"session_state"`
	Scope            string `json:"scope"`
}

// handleToken is Keycloak's client_credentials grant with private_key_jwt
// client authentication.
func (s *Simulator) handleToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if err := r.ParseForm(); err != nil {
		oauthErr(http.StatusBadRequest, "invalid_request", "body must be application/x-www-form-urlencoded: "+err.Error()).write(w)
		return
	}
	f := r.PostForm
	for _, name := range []string{"grant_type", "client_id", "client_assertion_type", "client_assertion"} {
		if strings.TrimSpace(f.Get(name)) == "" {
			oauthErr(http.StatusBadRequest, "invalid_request", "missing form parameter: "+name).write(w)
			return
		}
	}
	if g := f.Get("grant_type"); g != grantClientCredentials {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported, use %s", g, grantClientCredentials)).write(w)
		return
	}
	if t := f.Get("client_assertion_type"); t != assertionTypeJWTBearer {
		oauthErr(http.StatusBadRequest, "invalid_request", fmt.Sprintf("client_assertion_type %q is not supported, use %s", t, assertionTypeJWTBearer)).write(w)
		return
	}
	clientID := f.Get("client_id")
	c := s.lookupClient(clientID)
	if c == nil {
		oauthErr(http.StatusUnauthorized, "invalid_client", fmt.Sprintf("unknown client_id %q", clientID)).write(w)
		return
	}
	claims, err := parseClientJWT(f.Get("client_assertion"), c.PublicKey)
	if err == nil {
		err = checkAssertion(claims, c.ID, rc)
	}
	if err != nil {
		oauthErr(http.StatusUnauthorized, "invalid_client", "client_assertion: "+err.Error()).write(w)
		return
	}
	s.issueToken(w, r, rc, c, claims)
}

// checkAssertion applies Keycloak's checks plus the documented Stone claims.
func checkAssertion(c jwt.MapClaims, clientID string, rc *reqCtx) error {
	for _, name := range []string{"iss", "sub"} {
		if err := requireEqual(c, name, clientID); err != nil {
			return err
		}
	}
	// Stone's docs send clientId, its Go SDK client_id: one is enough, and
	// every one present must name the client.
	found := false
	for _, name := range []string{"clientId", "client_id"} {
		if _, present := c[name]; present {
			found = true
			if err := requireEqual(c, name, clientID); err != nil {
				return err
			}
		}
	}
	if !found {
		return errors.New(`claim "clientId" (or "client_id") is required`)
	}
	if _, present := c["realm"]; present {
		if err := requireEqual(c, "realm", "stone_bank"); err != nil {
			return err
		}
	}
	accepted := []string{rc.realm, sandboxRealmURL, rc.realm + tokenSuffix, sandboxRealmURL + tokenSuffix}
	if err := audienceIn(c, accepted); err != nil {
		return err
	}
	if err := timeWindow(c, rc.now, maxAssertionLifetime, false); err != nil {
		return err
	}
	if jti, _, err := claimString(c, "jti"); err != nil || jti == "" {
		return errors.New(`claim "jti" is required (a unique string)`)
	}
	return nil
}

func (s *Simulator) issueToken(w http.ResponseWriter, r *http.Request, rc *reqCtx, c *clientRec, assertion jwt.MapClaims) {
	jti, _, _ := claimString(assertion, "jti")
	exp, _ := assertion.GetExpirationTime()
	s.mu.Lock()
	// Forget assertions that expired: their exp check already refuses them,
	// so the replay set stays bounded.
	for k, until := range c.jtis {
		if !until.After(rc.now) {
			delete(c.jtis, k)
		}
	}
	_, replay := c.jtis[jti]
	if !replay {
		c.jtis[jti] = exp.Time
	}
	s.mu.Unlock()
	if replay {
		oauthErr(http.StatusUnauthorized, "invalid_client", fmt.Sprintf("client_assertion: jti %q already used", jti)).write(w)
		return
	}

	session := s.newID()
	iat := rc.now.Truncate(time.Second)
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"jti":              s.newID(),
		"exp":              iat.Add(accessTokenTTL).Unix(),
		"nbf":              0,
		"iat":              iat.Unix(),
		"iss":              rc.realm,
		"sub":              c.subject,
		"typ":              "Bearer",
		"azp":              c.ID,
		"auth_time":        0,
		"session_state":    session,
		"acr":              "1",
		"scope":            tokenScope,
		"clientId":         c.ID,
		"clientHost":       host,
		"clientAddress":    host,
		"stone_subject_id": c.subjectID(),
	})
	tok.Header["kid"] = s.kid
	signed, err := tok.SignedString(s.key)
	if err != nil {
		s.logf("simulator: sign access token: %v", err)
		oauthErr(http.StatusInternalServerError, "server_error", "could not sign the access token").write(w)
		return
	}
	jsonReply(http.StatusOK, tokenResponse{
		AccessToken: signed, ExpiresIn: int(accessTokenTTL / time.Second), TokenType: "bearer",
		SessionState: session, Scope: tokenScope,
	}).write(w)
}

// authenticate checks an API call's bearer token and User-Agent; on success it
// sets rc.client.
func (s *Simulator) authenticate(r *http.Request, rc *reqCtx) (reply, bool) {
	unauth := srnErr(http.StatusUnauthorized, "unauthenticated")
	scheme, raw, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	raw = strings.TrimSpace(raw)
	if !ok || !strings.EqualFold(scheme, "bearer") || raw == "" {
		return unauth, false
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return &s.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return rc.now }))
	if err != nil {
		return unauth, false
	}
	id, _, _ := claimString(claims, "clientId")
	rc.client = s.lookupClient(id)
	if rc.client == nil {
		return unauth, false
	}
	if strings.TrimSpace(r.Header.Get("User-Agent")) == "" {
		return badRequest("User-Agent header is required"), false
	}
	return reply{}, true
}
