package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestStartServesOverHTTP(t *testing.T) {
	e := newEnv(t)
	if e.sim.URL() != "" {
		t.Fatalf("URL before Start = %q", e.sim.URL())
	}
	if err := e.sim.Start(""); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := e.sim.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	if err := e.sim.Start(""); err == nil {
		t.Fatal("second Start succeeded")
	}
	base := e.sim.URL()
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(base) {
		t.Fatalf("URL = %q", base)
	}
	// The assertion's audience is the realm URL at the address actually served.
	c := e.docsClaims()
	c["aud"] = base + "/auth/realms/stone_bank"
	resp, err := http.PostForm(base+tokenPath, tokenForm(testClientID, sign(t, e.key, c)))
	if err != nil {
		t.Fatal(err)
	}
	var tok tokenResponse
	readJSON(t, resp, http.StatusOK, &tok)

	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/accounts?paginate=true", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("User-Agent", "homolog-test")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if id := resp.Header.Get("x-request-id"); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Errorf("x-request-id = %q", id)
	}
	var accs list[accountView]
	readJSON(t, resp, http.StatusOK, &accs)
	if len(accs.Data) != 1 || accs.Data[0].ID != e.fx.OwnAccountID {
		t.Fatalf("accounts over HTTP = %+v", accs)
	}
}

func readJSON(t *testing.T, resp *http.Response, status int, v any) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

func TestCloseWithoutStart(t *testing.T) {
	e := newEnv(t)
	if err := e.sim.Close(); err != nil {
		t.Fatalf("Close without Start: %v", err)
	}
}

func TestNewGeneratesSigningKey(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.key == nil || s.key.N.BitLen() != 2048 || s.keycloak.Kid() == "" || s.book.Step() != defaultFinishAfter {
		t.Fatalf("defaults: key %v, kid %q, finishAfter %s", s.key != nil, s.keycloak.Kid(), s.book.Step())
	}
}

func TestRegister(t *testing.T) {
	e := newEnv(t)
	again, err := e.sim.Register(Client{ID: testClientID, PublicKey: &e.key.PublicKey, RedirectURI: defaultRedirectURI})
	if err != nil || fmt.Sprint(again) != fmt.Sprint(e.fx) {
		t.Fatalf("re-register = %+v, %v; want %+v", again, err, e.fx)
	}
	if len(e.fx.TransferTargets) < 3 || e.fx.ClientID != testClientID || e.fx.RedirectURI != defaultRedirectURI ||
		e.fx.OwnAccountID == "" || e.fx.ThirdPartyAccountID == "" {
		t.Fatalf("fixtures = %+v", e.fx)
	}
	for _, code := range e.fx.TransferTargets {
		var id string
		e.store(func(st *book) { id = accountIDByCode(st, code) })
		// Targets are real accounts, but other people's: not visible.
		wantError(t, e.api(http.MethodGet, "/api/v1/accounts/"+id, ""), http.StatusForbidden, "unauthorized")
	}
	tests := []struct {
		name     string
		c        Client
		conflict bool
	}{
		{"no id", Client{PublicKey: &e.key.PublicKey}, false},
		{"no key", Client{ID: "x"}, false},
		{"relative redirect", Client{ID: "x", PublicKey: &e.key.PublicKey, RedirectURI: "/cb"}, false},
		{"other key", Client{ID: testClientID, PublicKey: &testKeys(t)[2].PublicKey}, true},
		{"other redirect", Client{ID: testClientID, PublicKey: &e.key.PublicKey, RedirectURI: "https://x.example/cb"}, true},
	}
	for _, tt := range tests {
		_, err := e.sim.Register(tt.c)
		if err == nil || !strings.HasPrefix(err.Error(), "simulator: register") || errors.Is(err, ErrClientConflict) != tt.conflict {
			t.Errorf("%s: err = %v, conflict want %v", tt.name, err, tt.conflict)
		}
	}
}

func TestUnknownRouteAndWrongMethod(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/", "/api/v1/nothing", "/api/v2/accounts", "/_sim/nothing"} {
		rec := e.do(http.MethodGet, path, nil, nil)
		wantError(t, rec, http.StatusNotFound, "not_found")
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(rec.Header().Get("X-Request-Id")) {
			t.Fatalf("%s: x-request-id %q", path, rec.Header().Get("X-Request-Id"))
		}
	}
	rec := e.do(http.MethodDelete, "/api/v1/accounts", nil, nil)
	wantError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
	if rec.Header().Get("Allow") != "GET" {
		t.Fatalf("Allow = %q", rec.Header().Get("Allow"))
	}
	wantError(t, e.do(http.MethodGet, tokenPath, nil, nil), http.StatusMethodNotAllowed, "method_not_allowed")
	wantError(t, e.api(http.MethodGet, "/api/v1/accounts?after=%zz", ""), http.StatusBadRequest, "bad_request")
	// Unauthenticated and institutions.
	wantStatus(t, e.do(http.MethodGet, "/api/v1/institutions", nil, nil), http.StatusOK)
	if got := decode[institution](t, e.do(http.MethodGet, "/api/v1/institutions/197", nil, nil)); got.ISPBCode != "16501555" {
		t.Fatalf("institution 197 = %+v", got)
	}
}

func TestRequestIDsComeFromNewID(t *testing.T) {
	e := newEnv(t)
	a, b := e.do(http.MethodGet, "/nope", nil, nil), e.do(http.MethodGet, "/nope", nil, nil)
	if a.Header().Get("X-Request-Id") == b.Header().Get("X-Request-Id") {
		t.Fatal("request ids repeat")
	}
	s, err := New(Options{SigningKey: testKeys(t)[0], NewID: func() string { return "not-hex" }})
	if err != nil {
		t.Fatal(err)
	}
	e.sim = s
	if id := e.do(http.MethodGet, "/nope", nil, nil).Header().Get("X-Request-Id"); len(id) != 32 {
		t.Fatalf("non-UUID ids still give 32 hex chars, got %q", id)
	}
}

func TestDeterministicWorld(t *testing.T) {
	a, b := newEnv(t), newEnv(t)
	path := "/api/v1/accounts/" + a.fx.OwnAccountID + "/statement?limit=100"
	if a.fx.OwnAccountID != b.fx.OwnAccountID || a.api(http.MethodGet, path, "").Body.String() != b.api(http.MethodGet, path, "").Body.String() {
		t.Fatal("same clock and id source produced different worlds")
	}
}

// TestConcurrentTransfers runs under -race: money is conserved and every
// statement chain stays intact however requests interleave.
func TestConcurrentTransfers(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	total := func() (sum int64) {
		e.store(func(st *book) {
			for _, a := range st.Accounts() {
				sum += a.Balance()
			}
		})
		return sum
	}
	before := total()
	tok := e.token()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				body := transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[(i+j)%4], int64(1+i*10+j))
				req := map[string]string{"Authorization": "Bearer " + tok, "User-Agent": "t", idemHeader: fmt.Sprintf("k-%d-%d", i, j%5)}
				e.do(http.MethodPost, "/api/v1/internal_transfers", strings.NewReader(body), req)
				e.do(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/statement?limit=5", nil, req)
				e.clock.Advance(50 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	e.clock.Advance(time.Second)
	all := decode[list[transferView]](t, e.api(http.MethodGet, "/api/v1/internal_transfers?limit=100", ""))
	if len(all.Data) == 0 {
		t.Fatal("no transfers were created")
	}
	for _, tr := range all.Data {
		if tr.Status != "FINISHED" {
			t.Fatalf("transfer %s is %s", tr.ID, tr.Status)
		}
	}
	if after := total(); after != before {
		t.Fatalf("money not conserved: %d before, %d after", before, after)
	}
	checkChain(t, e.statementAll(e.fx.OwnAccountID, 100), e.balance(e.fx.OwnAccountID))
}

func TestSimControls(t *testing.T) {
	e := newEnv(t)
	fx := decode[Fixtures](t, e.do(http.MethodGet, "/_sim/clients/"+testClientID+"/fixtures", nil, nil))
	if fmt.Sprint(fx) != fmt.Sprint(e.fx) {
		t.Fatalf("fixtures over HTTP = %+v, want %+v", fx, e.fx)
	}
	wantError(t, e.do(http.MethodGet, "/_sim/clients/nobody/fixtures", nil, nil), http.StatusNotFound, "not_found")

	valid := map[string]string{"Authorization": "Bearer " + e.token(), "User-Agent": "t"}
	tr := e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 10))
	rec := e.do(http.MethodPost, "/_sim/clock/advance", strings.NewReader(`{"duration":"901s"}`), nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[clockResponse](t, rec).Now; got != "2026-11-28T13:15:01Z" {
		t.Fatalf("clock after advance = %s", got)
	}
	// The HTTP-advanced clock expires tokens and finishes transfers like the injected one.
	wantError(t, e.do(http.MethodGet, "/api/v1/accounts", nil, valid), http.StatusUnauthorized, "unauthenticated")
	e.tok = "" // the test's own clock did not move: fetch a new token explicitly
	if got := e.getTransfer(tr.ID); got.Status != "FINISHED" {
		t.Fatalf("transfer after clock advance: %s", got.Status)
	}
	for _, body := range []string{`{"duration":"-1s"}`, `{"duration":"soon"}`} {
		wantError(t, e.do(http.MethodPost, "/_sim/clock/advance", strings.NewReader(body), nil), http.StatusBadRequest, "validation")
	}
	if got := decode[clockResponse](t, e.do(http.MethodGet, "/_sim/clock", nil, nil)).Now; got != "2026-11-28T13:15:01Z" {
		t.Fatalf("GET /_sim/clock = %s", got)
	}
}
