package simulator

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// generatedKeys are generated once per test binary: RSA generation dominates the
// run time under -race otherwise. [0] signs access tokens, [1] is the client,
// [2] is a stranger's key, [3] is Stone's enc key.
var generatedKeys = sync.OnceValues(func() ([4]*rsa.PrivateKey, error) {
	var ks [4]*rsa.PrivateKey
	for i := range ks {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return ks, err
		}
		ks[i] = k
	}
	return ks, nil
})

func testKeys(t *testing.T) [4]*rsa.PrivateKey {
	t.Helper()
	ks, err := generatedKeys()
	if err != nil {
		t.Fatalf("generate test keys: %v", err)
	}
	return ks
}

const (
	testClientID = "92b5f9aa-9552-45f4-86cb-c0331c9178a2"
	testHost     = "sim.test"
	testRealm    = "http://" + testHost + "/auth/realms/stone_bank"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// counterIDs is a deterministic id source shaped like UUIDs.
func counterIDs() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n.Add(1)) }
}

type env struct {
	t        *testing.T
	clientID string
	sim      *Simulator
	clock    *fakeClock
	key      *rsa.PrivateKey
	fx       Fixtures
	tok      string
	tokAt    time.Time
	jtiSeq   int
}

func newEnv(t *testing.T, mods ...func(*Options)) *env {
	t.Helper()
	clock := newClock()
	opts := Options{Now: clock.Now, NewID: counterIDs(), SigningKey: testKeys(t)[0], EncryptionKey: testKeys(t)[3], BaseURL: "http://" + testHost}
	for _, m := range mods {
		m(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	fx, err := s.Register(Client{ID: testClientID, PublicKey: &testKeys(t)[1].PublicKey})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	return &env{t: t, clientID: testClientID, sim: s, clock: clock, key: testKeys(t)[1], fx: fx}
}

// docsClaims are the claims of Stone's Python example (D-ZIP get_token).
func (e *env) docsClaims() jwt.MapClaims {
	now := e.clock.Now().Unix()
	e.jtiSeq++
	return jwt.MapClaims{
		"exp": now + 3600, "nbf": now, "iat": now, "aud": testRealm, "realm": "stone_bank",
		"sub": e.clientID, "clientId": e.clientID, "iss": e.clientID,
		"jti": fmt.Sprintf("%d.%d", now, e.jtiSeq),
	}
}

func sign(t *testing.T, key *rsa.PrivateKey, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

func tokenForm(clientID, assertion string) url.Values {
	return url.Values{
		"client_id":             {clientID},
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion},
	}
}

func (e *env) postToken(form url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(http.MethodPost, tokenPath, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "homolog-test",
	})
}

// token returns a valid access token, fetching a new one when the last is
// near expiry on the fake clock, as a well-behaved client does.
func (e *env) token() string {
	e.t.Helper()
	if e.tok == "" || e.clock.Now().Sub(e.tokAt) > 800*time.Second {
		e.tokAt = e.clock.Now()
		rec := e.postToken(tokenForm(e.clientID, sign(e.t, e.key, e.docsClaims())))
		wantStatus(e.t, rec, http.StatusOK)
		e.tok = decode[tokenResponse](e.t, rec).AccessToken
	}
	return e.tok
}

func (e *env) do(method, path string, body io.Reader, hdr map[string]string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, "http://"+testHost+path, body)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.sim.ServeHTTP(rec, req)
	holdToContract(e.t, req, rec)
	return rec
}

// api calls the API as the partner application does.
func (e *env) api(method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	h := map[string]string{"Authorization": "Bearer " + e.token(), "User-Agent": "homolog-test", "Content-Type": "application/json"}
	for i := 0; i+1 < len(hdr); i += 2 {
		h[hdr[i]] = hdr[i+1]
	}
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	return e.do(method, path, r, h)
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T from %q: %v", v, rec.Body.String(), err)
	}
	return v
}

func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, code int) {
	t.Helper()
	if rec.Code != code {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, code, rec.Body.String())
	}
}

// apiError is what a client reads from Stone's error bodies.
type apiError struct {
	Type   string          `json:"type"`
	Path   string          `json:"path"`
	Reason json.RawMessage `json:"reason"`
	Errors []fieldError    `json:"errors"` // bad_request details (§6)
}

// badRequestDetail is the one {error, path} of a bad_request, which §6
// puts under errors, never under reason.
func badRequestDetail(t *testing.T, e apiError) fieldError {
	t.Helper()
	if len(e.Errors) != 1 || len(e.Reason) != 0 {
		t.Fatalf("bad_request errors %+v, reason %s: want one entry under errors and no reason", e.Errors, e.Reason)
	}
	return e.Errors[0]
}

func wantError(t *testing.T, rec *httptest.ResponseRecorder, code int, typ string) apiError {
	t.Helper()
	wantStatus(t, rec, code)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	e := decode[apiError](t, rec)
	if e.Type != "srn:error:"+typ {
		t.Fatalf("type = %q, want srn:error:%s; body %s", e.Type, typ, rec.Body.String())
	}
	return e
}

// withStore lets tests inspect accounts the application cannot see.
func (e *env) store(fn func(st *book)) {
	e.sim.book.Locked(func() { fn(e.sim.book) })
}

func accountIDByCode(st *book, code string) string {
	a, _ := st.AccountByCode(code)
	return a.ID
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
