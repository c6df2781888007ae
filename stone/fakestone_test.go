package stone

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// apiRequest is what the client sent to the API, as the server decoded it.
type apiRequest struct {
	Method string
	Path   string // escaped
	Query  url.Values
	Raw    string // raw query
	Header http.Header
	Body   []byte
}

// fakeStone is a minimal Stone: a token endpoint that checks everything the
// client sends, and an API whose answers each test chooses.
type fakeStone struct {
	t         *testing.T
	srv       *httptest.Server
	key       *rsa.PrivateKey
	clock     *fakeClock
	ids       *idSource
	userAgent string        // expected on every request
	ttl       time.Duration // expected assertion lifetime
	aud       string        // expected aud; "" → the server's realm URL
	expiresIn int

	// tokenReply, when set, answers the token request after the checks.
	tokenReply func(w http.ResponseWriter)
	// api answers API requests; nil → 200 {}.
	api func(w http.ResponseWriter, r *http.Request, body []byte)

	mu         sync.Mutex
	issued     []string
	assertions []string
	jtis       map[string]bool
	reqs       []apiRequest
}

func newFakeStone(t *testing.T) *fakeStone {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	fs := &fakeStone{
		t: t, key: key, clock: newFakeClock(), ids: &idSource{},
		userAgent: testUserAgent, ttl: 5 * time.Minute, expiresIn: 900,
		jtis: map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc(tokenPath, fs.handleToken)
	mux.HandleFunc("/api/v1/", fs.handleAPI)
	fs.srv = httptest.NewServer(mux)
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *fakeStone) options() Options {
	return Options{
		Endpoints:  SingleHostEndpoints(fs.srv.URL),
		ClientID:   testClientID,
		PrivateKey: fs.key,
		UserAgent:  fs.userAgent,
		HTTPClient: fs.srv.Client(),
		Now:        fs.clock.Now,
		NewID:      fs.ids.Next,
	}
}

func (fs *fakeStone) client(t *testing.T, mutate func(*Options)) *Client {
	t.Helper()
	o := fs.options()
	if mutate != nil {
		mutate(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func (fs *fakeStone) realmURL() string { return fs.srv.URL + "/auth/realms/stone_bank" }

func (fs *fakeStone) fetches() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.assertions)
}

func (fs *fakeStone) issuedTokens() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.issued...)
}

func (fs *fakeStone) requests() []apiRequest {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]apiRequest(nil), fs.reqs...)
}

func (fs *fakeStone) jtiSeen(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.jtis[id]
}

func (fs *fakeStone) jtiCount() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.jtis)
}

func (fs *fakeStone) lastAssertion() string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.assertions) == 0 {
		return ""
	}
	return fs.assertions[len(fs.assertions)-1]
}

func (fs *fakeStone) reset() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.reqs = nil
}

func (fs *fakeStone) handleToken(w http.ResponseWriter, r *http.Request) {
	t := fs.t
	if r.Method != http.MethodPost {
		t.Errorf("token: method %s, want POST", r.Method)
	}
	if got := r.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
		t.Errorf("token: Content-Type %q", got)
	}
	if got := r.Header.Get("User-Agent"); got != fs.userAgent {
		t.Errorf("token: User-Agent %q, want %q", got, fs.userAgent)
	}
	if got := r.Header.Get("Authorization"); got != "" {
		t.Errorf("token: request carries Authorization %q", got)
	}
	if err := r.ParseForm(); err != nil {
		t.Errorf("token: parse form: %v", err)
	}
	wantKeys := []string{"client_assertion", "client_assertion_type", "client_id", "grant_type"}
	if got := sortedKeys(r.PostForm); !reflect.DeepEqual(got, wantKeys) {
		t.Errorf("token: form fields %v, want %v", got, wantKeys)
	}
	for k, want := range map[string]string{
		"client_id":             testClientID,
		"grant_type":            "client_credentials",
		"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
	} {
		if got := r.PostForm[k]; len(got) != 1 || got[0] != want {
			t.Errorf("token: form %s = %q, want [%q]", k, got, want)
		}
	}
	assertion := r.PostForm.Get("client_assertion")
	claims := fs.checkAssertion(t, assertion)

	fs.mu.Lock()
	fs.assertions = append(fs.assertions, assertion)
	if jti, _ := claims["jti"].(string); fs.jtis[jti] {
		t.Errorf("token: jti %q reused", jti)
	} else {
		fs.jtis[jti] = true
	}
	n := len(fs.assertions)
	fs.mu.Unlock()

	if fs.tokenReply != nil {
		fs.tokenReply(w)
		return
	}
	tok := fmt.Sprintf("at-%d-s3cr3tAccessTokenValue", n)
	fs.mu.Lock()
	fs.issued = append(fs.issued, tok)
	fs.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "expires_in": fs.expiresIn, "refresh_expires_in": 1800,
		"refresh_token": "rt-should-be-ignored", "token_type": "bearer", "not-before-policy": 0,
		"scope": "paymentaccount:read stone_subject_id",
	})
}

// checkAssertion verifies the signature and every header and claim of a
// client assertion, as Keycloak (and the simulator) would.
func (fs *fakeStone) checkAssertion(t *testing.T, assertion string) jwt.MapClaims {
	t.Helper()
	aud := fs.aud
	if aud == "" {
		aud = fs.realmURL()
	}
	tok, err := jwt.Parse(assertion, func(*jwt.Token) (any, error) { return &fs.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(fs.clock.Now), jwt.WithJSONNumber(),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	if err != nil {
		t.Errorf("assertion: %v", err)
		return jwt.MapClaims{}
	}
	if !reflect.DeepEqual(tok.Header, map[string]any{"alg": "RS256", "typ": "JWT"}) {
		t.Errorf("assertion header %v", tok.Header)
	}
	claims := tok.Claims.(jwt.MapClaims)
	wantKeys := []string{"aud", "clientId", "exp", "iat", "iss", "jti", "nbf", "realm", "sub"}
	if got := sortedKeys(claims); !reflect.DeepEqual(got, wantKeys) {
		t.Errorf("assertion claims %v, want exactly %v (no client_id)", got, wantKeys)
	}
	for k, want := range map[string]string{
		"aud": aud, "realm": "stone_bank", "sub": testClientID, "iss": testClientID, "clientId": testClientID,
	} {
		if got, ok := claims[k].(string); !ok || got != want {
			t.Errorf("assertion %s = %#v, want %q", k, claims[k], want)
		}
	}
	now := fs.clock.Now().Unix()
	iat, nbf, exp := num(t, claims, "iat"), num(t, claims, "nbf"), num(t, claims, "exp")
	if iat != now || nbf != now {
		t.Errorf("assertion iat=%d nbf=%d, want both %d", iat, nbf, now)
	}
	if exp-iat != int64(fs.ttl/time.Second) || exp-iat > 15*60 {
		t.Errorf("assertion exp-iat = %d s, want %v (≤ 900)", exp-iat, fs.ttl)
	}
	if jti, _ := claims["jti"].(string); jti == "" {
		t.Errorf("assertion jti is empty")
	}
	return claims
}

func (fs *fakeStone) handleAPI(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		fs.t.Errorf("api: read body: %v", err)
	}
	fs.mu.Lock()
	fs.reqs = append(fs.reqs, apiRequest{
		Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Raw: r.URL.RawQuery, Header: r.Header.Clone(), Body: body,
	})
	fs.mu.Unlock()
	if fs.api != nil {
		fs.api(w, r, body)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, "{}")
}
