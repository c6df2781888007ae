package simulator

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestTokenAcceptsDocumentedAssertions(t *testing.T) {
	tests := []struct {
		name   string
		claims func(e *env) jwt.MapClaims
	}{
		{"docs python example (clientId, exp +1h)", func(e *env) jwt.MapClaims { return e.docsClaims() }},
		{"go sdk (client_id, exp +2h, uuid jti)", func(e *env) jwt.MapClaims {
			now := e.clock.Now()
			return jwt.MapClaims{
				"aud": testRealm, "exp": now.Add(2 * time.Hour).Unix(), "iat": now.Unix(), "nbf": now.Unix(),
				"jti": "5b0bd1a4-6d5e-4a47-a2cb-0e8c7b9a3a11", "iss": testClientID, "realm": "stone_bank",
				"sub": testClientID, "client_id": testClientID,
			}
		}},
		{"docs 15 min, both client id claims, no realm", func(e *env) jwt.MapClaims {
			c := e.docsClaims()
			c["exp"] = e.clock.Now().Add(15 * time.Minute).Unix()
			c["client_id"] = testClientID
			delete(c, "realm")
			return c
		}},
		{"aud is the sandbox realm", func(e *env) jwt.MapClaims {
			c := e.docsClaims()
			c["aud"] = sandboxRealmURL
			return c
		}},
		{"aud is an array holding the token endpoint", func(e *env) jwt.MapClaims {
			c := e.docsClaims()
			c["aud"] = []string{"https://elsewhere.example", testRealm + "/protocol/openid-connect/token"}
			return c
		}},
		{"iat slightly in the future (skew)", func(e *env) jwt.MapClaims {
			c := e.docsClaims()
			c["iat"] = e.clock.Now().Add(30 * time.Second).Unix()
			return c
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			rec := e.postToken(tokenForm(testClientID, sign(t, e.key, tt.claims(e))))
			wantStatus(t, rec, http.StatusOK)
			resp := decode[tokenResponse](t, rec)
			if resp.ExpiresIn != 900 || resp.TokenType != "bearer" || resp.Scope == "" || resp.SessionState == "" {
				t.Fatalf("token response = %+v", resp)
			}
			claims := jwt.MapClaims{}
			tok, err := jwt.ParseWithClaims(resp.AccessToken, claims, func(*jwt.Token) (any, error) {
				return &testKeys(t)[0].PublicKey, nil
			}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(e.clock.Now))
			if err != nil {
				t.Fatalf("access token does not verify with the simulator key: %v", err)
			}
			if kid, _ := tok.Header["kid"].(string); kid == "" {
				t.Errorf("access token has no kid")
			}
			exp, _ := claims.GetExpirationTime()
			iat, _ := claims.GetIssuedAt()
			if exp.Sub(iat.Time) != 900*time.Second {
				t.Errorf("exp - iat = %s, want 900s", exp.Sub(iat.Time))
			}
			for k, want := range map[string]string{
				"iss": testRealm, "clientId": testClientID, "azp": testClientID, "typ": "Bearer",
				"stone_subject_id": "application:" + testClientID, "scope": tokenScope,
			} {
				if got, _ := claims[k].(string); got != want {
					t.Errorf("claim %s = %q, want %q", k, got, want)
				}
			}
			e.tok = resp.AccessToken
			wantStatus(t, e.api(http.MethodGet, "/api/v1/accounts", ""), http.StatusOK)
		})
	}
}

func TestTokenRejects(t *testing.T) {
	type tc struct {
		name     string
		form     func(e *env) map[string]string // overrides of the form
		claims   func(e *env, c jwt.MapClaims)  // edits of the docs claims
		signer   func(e *env, c jwt.MapClaims) string
		status   int
		code     string
		descPart string
	}
	pubDER := func(e *env) []byte {
		b, err := x509.MarshalPKIXPublicKey(&e.key.PublicKey)
		if err != nil {
			e.t.Fatal(err)
		}
		return b
	}
	tests := []tc{
		{name: "alg HS256 keyed with the public key", status: 401, code: "invalid_client", descPart: `alg "HS256"`,
			signer: func(e *env, c jwt.MapClaims) string {
				s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(pubDER(e))
				return s
			}},
		{name: "alg none", status: 401, code: "invalid_client", descPart: `alg "none"`,
			signer: func(e *env, c jwt.MapClaims) string {
				s, _ := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
				return s
			}},
		{name: "alg PS256", status: 401, code: "invalid_client", descPart: `alg "PS256"`,
			signer: func(e *env, c jwt.MapClaims) string {
				s, _ := jwt.NewWithClaims(jwt.SigningMethodPS256, c).SignedString(e.key)
				return s
			}},
		{name: "signed by another key", status: 401, code: "invalid_client", descPart: "signature",
			signer: func(e *env, c jwt.MapClaims) string { return sign(e.t, testKeys(e.t)[2], c) }},
		{name: "not a jwt", status: 401, code: "invalid_client", descPart: "compact JWT",
			signer: func(*env, jwt.MapClaims) string { return "not-a-jwt" }},
		{name: "wrong aud", status: 401, code: "invalid_client", descPart: `"aud"`,
			claims: func(e *env, c jwt.MapClaims) {
				c["aud"] = "https://accounts.openbank.stone.com.br/auth/realms/stone_bank"
			}},
		{name: "missing aud", status: 401, code: "invalid_client", descPart: `"aud" is required`,
			claims: func(e *env, c jwt.MapClaims) { delete(c, "aud") }},
		{name: "sub is not the client", status: 401, code: "invalid_client", descPart: `"sub"`,
			claims: func(e *env, c jwt.MapClaims) { c["sub"] = "someone-else" }},
		{name: "iss is not the client", status: 401, code: "invalid_client", descPart: `"iss"`,
			claims: func(e *env, c jwt.MapClaims) { c["iss"] = "someone-else" }},
		{name: "clientId is not the client", status: 401, code: "invalid_client", descPart: `"clientId"`,
			claims: func(e *env, c jwt.MapClaims) { c["clientId"] = "someone-else" }},
		{name: "client_id disagrees with clientId", status: 401, code: "invalid_client", descPart: `"client_id"`,
			claims: func(e *env, c jwt.MapClaims) { c["client_id"] = "someone-else" }},
		{name: "no client id claim", status: 401, code: "invalid_client", descPart: `"clientId" (or "client_id") is required`,
			claims: func(e *env, c jwt.MapClaims) { delete(c, "clientId") }},
		{name: "wrong realm", status: 401, code: "invalid_client", descPart: `"realm"`,
			claims: func(e *env, c jwt.MapClaims) { c["realm"] = "master" }},
		{name: "expired", status: 401, code: "invalid_client", descPart: `"exp"`,
			claims: func(e *env, c jwt.MapClaims) { c["exp"] = e.clock.Now().Add(-time.Second).Unix() }},
		{name: "exp more than 2h ahead", status: 401, code: "invalid_client", descPart: "more than 2h0m0s",
			claims: func(e *env, c jwt.MapClaims) { c["exp"] = e.clock.Now().Add(2*time.Hour + 5*time.Minute).Unix() }},
		{name: "missing exp", status: 401, code: "invalid_client", descPart: `"exp" is required`,
			claims: func(e *env, c jwt.MapClaims) { delete(c, "exp") }},
		{name: "nbf in the future", status: 401, code: "invalid_client", descPart: `"nbf"`,
			claims: func(e *env, c jwt.MapClaims) { c["nbf"] = e.clock.Now().Add(5 * time.Minute).Unix() }},
		{name: "missing jti", status: 401, code: "invalid_client", descPart: `"jti"`,
			claims: func(e *env, c jwt.MapClaims) { delete(c, "jti") }},
		{name: "wrong grant_type", status: 400, code: "unsupported_grant_type", descPart: "password",
			form: func(*env) map[string]string { return map[string]string{"grant_type": "password"} }},
		{name: "missing client_assertion", status: 400, code: "invalid_request", descPart: "client_assertion",
			form: func(*env) map[string]string { return map[string]string{"client_assertion": ""} }},
		{name: "wrong client_assertion_type", status: 400, code: "invalid_request", descPart: "client_assertion_type",
			form: func(*env) map[string]string { return map[string]string{"client_assertion_type": "basic"} }},
		{name: "unknown client", status: 401, code: "invalid_client", descPart: "unknown client_id",
			form: func(*env) map[string]string {
				return map[string]string{"client_id": "de4d224b-3f79-4b4d-8ff5-c1bc475830e5"}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.docsClaims()
			if tt.claims != nil {
				tt.claims(e, c)
			}
			assertion := sign(t, e.key, c)
			if tt.signer != nil {
				assertion = tt.signer(e, c)
			}
			form := tokenForm(testClientID, assertion)
			if tt.form != nil {
				for k, v := range tt.form(e) {
					form.Set(k, v)
				}
			}
			rec := e.postToken(form)
			wantStatus(t, rec, tt.status)
			got := decode[keycloakError](t, rec)
			if got.Error != tt.code || !strings.Contains(got.Description, tt.descPart) {
				t.Fatalf("error = %+v, want %s mentioning %q", got, tt.code, tt.descPart)
			}
		})
	}
}

func TestTokenRejectsReplayedJTI(t *testing.T) {
	e := newEnv(t)
	assertion := sign(t, e.key, e.docsClaims())
	wantStatus(t, e.postToken(tokenForm(testClientID, assertion)), http.StatusOK)
	rec := e.postToken(tokenForm(testClientID, assertion))
	wantStatus(t, rec, http.StatusUnauthorized)
	if got := decode[keycloakError](t, rec); got.Error != "invalid_client" || !strings.Contains(got.Description, "jti") ||
		!strings.Contains(got.Description, "already used") {
		t.Fatalf("replay error = %+v", got)
	}
	// A fresh jti is fine again.
	wantStatus(t, e.postToken(tokenForm(testClientID, sign(t, e.key, e.docsClaims()))), http.StatusOK)
}

func TestAPIAuthentication(t *testing.T) {
	e := newEnv(t)
	valid := e.token()
	forged := func() string {
		c := jwt.MapClaims{"clientId": testClientID, "exp": e.clock.Now().Add(time.Hour).Unix()}
		return sign(t, testKeys(t)[2], c)
	}()
	tests := []struct {
		name   string
		hdr    map[string]string
		status int
		typ    string
	}{
		{"no authorization", map[string]string{"User-Agent": "x"}, 401, "unauthenticated"},
		{"not bearer", map[string]string{"Authorization": "Basic " + valid, "User-Agent": "x"}, 401, "unauthenticated"},
		{"garbage token", map[string]string{"Authorization": "Bearer abc.def.ghi", "User-Agent": "x"}, 401, "unauthenticated"},
		{"forged with another key", map[string]string{"Authorization": "Bearer " + forged, "User-Agent": "x"}, 401, "unauthenticated"},
		{"no user agent", map[string]string{"Authorization": "Bearer " + valid}, 400, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// httptest.NewRequest sets no User-Agent, so absent means absent.
			rec := e.do(http.MethodGet, "/api/v1/accounts", nil, tt.hdr)
			got := wantError(t, rec, tt.status, tt.typ)
			if tt.typ == "bad_request" {
				if d := badRequestDetail(t, got); d.Error != "User-Agent header is required" || strings.Join(d.Path, ".") != "User-Agent" {
					t.Fatalf("bad_request detail = %+v", d)
				}
			}
		})
	}
	t.Run("scheme is case-insensitive", func(t *testing.T) {
		rec := e.do(http.MethodGet, "/api/v1/accounts", nil, map[string]string{"Authorization": "BEARER " + valid, "User-Agent": "x"})
		wantStatus(t, rec, http.StatusOK)
	})
	t.Run("expired after 900 s", func(t *testing.T) {
		hdr := map[string]string{"Authorization": "Bearer " + valid, "User-Agent": "x"}
		e.clock.Advance(899 * time.Second)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/accounts", nil, hdr), http.StatusOK)
		e.clock.Advance(2 * time.Second) // 901 s after issue
		wantError(t, e.do(http.MethodGet, "/api/v1/accounts", nil, hdr), 401, "unauthenticated")
	})
}

// TestTokenAudienceIsConfiguredNotHost: the assertion's aud must be one of
// the simulator's configured realms (its base URL's, the address Start
// listens on, Stone's sandbox realm), whatever Host header the caller sends:
// otherwise any aud at all passes by sending a matching Host.
func TestTokenAudienceIsConfiguredNotHost(t *testing.T) {
	e := newEnv(t)
	post := func(host, aud string) *httptest.ResponseRecorder {
		c := e.docsClaims()
		c["aud"] = aud
		req := httptest.NewRequest(http.MethodPost, "http://"+host+tokenPath, strings.NewReader(tokenForm(testClientID, sign(t, e.key, c)).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		rec := httptest.NewRecorder()
		e.sim.ServeHTTP(rec, req)
		return rec
	}
	rec := post("evil.example", "https://evil.example/auth/realms/stone_bank")
	wantStatus(t, rec, http.StatusUnauthorized)
	if got := decode[keycloakError](t, rec); got.Error != "invalid_client" || !strings.Contains(got.Description, `"aud"`) {
		t.Fatalf("aud taken from the Host header: %+v", got)
	}
	wantStatus(t, post("evil.example", testRealm), http.StatusOK) // the configured base URL, whatever the Host
	wantStatus(t, post("evil.example", sandboxRealmURL), http.StatusOK)

	// Served by Start, the listening address is a realm too; the access
	// token's issuer is the configured realm, not the caller's Host.
	s, err := New(Options{SigningKey: testKeys(t)[0], Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(Client{ID: testClientID, PublicKey: &e.key.PublicKey}); err != nil {
		t.Fatal(err)
	}
	e.sim = s
	wantStatus(t, post("sim.test", testRealm), http.StatusUnauthorized) // no base URL configured: sim.test is nobody's realm
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	host := strings.TrimPrefix(s.URL(), "http://")
	rec = post("evil.example", s.URL()+"/auth/realms/stone_bank")
	wantStatus(t, rec, http.StatusOK)
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(decode[tokenResponse](t, rec).AccessToken, claims); err != nil || claims["iss"] != s.URL()+"/auth/realms/stone_bank" {
		t.Fatalf("access token iss = %v (%v), want the listening address's realm, not %s", claims["iss"], err, host)
	}
	if _, err := New(Options{BaseURL: "ftp://x"}); err == nil || !strings.Contains(err.Error(), "base URL") {
		t.Fatalf("a base URL that is not http(s) was accepted: %v", err)
	}
}

// TestTokenRejectsCriticalHeader: RFC 7515 §4.1.11, a JWS whose crit names
// an extension the recipient does not process must be refused.
func TestTokenRejectsCriticalHeader(t *testing.T) {
	e := newEnv(t)
	for _, crit := range []any{[]string{"exp"}, []string{"urn:example:ext"}, []string{}} {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, e.docsClaims())
		tok.Header["crit"] = crit
		tok.Header["urn:example:ext"] = true
		signed, err := tok.SignedString(e.key)
		if err != nil {
			t.Fatal(err)
		}
		rec := e.postToken(tokenForm(testClientID, signed))
		wantStatus(t, rec, http.StatusUnauthorized)
		if got := decode[keycloakError](t, rec); got.Error != "invalid_client" || !strings.Contains(got.Description, `"crit"`) {
			t.Fatalf("crit %v: %+v", crit, got)
		}
	}
	// The same assertion without crit is fine.
	wantStatus(t, e.postToken(tokenForm(testClientID, sign(t, e.key, e.docsClaims()))), http.StatusOK)
}
