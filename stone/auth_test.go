package stone

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestClientAssertionSentToTokenEndpoint(t *testing.T) {
	fs := newFakeStone(t)
	sandboxRealm := "https://sandbox-accounts.openbank.stone.com.br/auth/realms/stone_bank"
	tests := []struct {
		name    string
		ttl     time.Duration // Options.AssertionTTL
		wantTTL time.Duration
		aud     string // Options.Audience
	}{
		{name: "defaults", wantTTL: 5 * time.Minute},
		{name: "stone's maximum", ttl: 15 * time.Minute, wantTTL: 15 * time.Minute},
		{name: "short", ttl: time.Second, wantTTL: time.Second},
		{name: "custom audience", ttl: 2 * time.Minute, wantTTL: 2 * time.Minute, aud: sandboxRealm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs.ttl, fs.aud = tt.wantTTL, tt.aud
			before := fs.fetches()
			c := fs.client(t, func(o *Options) { o.AssertionTTL, o.Audience = tt.ttl, tt.aud })
			// Two fetches: both are checked by the server, jti must differ.
			for range 2 {
				if _, err := c.Authenticate(ctx(t)); err != nil {
					t.Fatalf("Authenticate: %v", err)
				}
			}
			if got := fs.fetches() - before; got != 2 {
				t.Fatalf("token fetches = %d, want 2", got)
			}
		})
	}
	if got := fs.jtiCount(); got != 2*len(tests) {
		t.Errorf("distinct jtis = %d, want %d", got, 2*len(tests))
	}
}

func TestClientAssertionDirect(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	a1, err := c.ClientAssertion()
	if err != nil {
		t.Fatal(err)
	}
	a2, err := c.ClientAssertion()
	if err != nil {
		t.Fatal(err)
	}
	c1, c2 := fs.checkAssertion(t, a1), fs.checkAssertion(t, a2)
	if c1["jti"] == c2["jti"] {
		t.Errorf("jti repeated: %v", c1["jti"])
	}
}

func TestTokenReuseAndRefresh(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil) // RefreshBefore defaults to 60 s; tokens live 900 s
	balance := func() {
		t.Helper()
		if _, err := c.Balance(ctx(t), "acc-1"); err != nil {
			t.Fatalf("Balance: %v", err)
		}
	}
	lastBearer := func() string {
		reqs := fs.requests()
		return reqs[len(reqs)-1].Header.Get("Authorization")
	}
	steps := []struct {
		name         string
		advance      time.Duration
		calls        int
		authenticate bool
		wantFetches  int
	}{
		{name: "first calls share one token", calls: 5, wantFetches: 1},
		{name: "just outside the refresh window", advance: 900*time.Second - 60*time.Second - time.Second, calls: 3, wantFetches: 1},
		{name: "inside the refresh window", advance: time.Second, calls: 1, wantFetches: 2},
		{name: "new token reused", calls: 4, wantFetches: 2},
		{name: "authenticate forces a fetch", authenticate: true, calls: 2, wantFetches: 3},
	}
	for _, s := range steps {
		fs.clock.Advance(s.advance)
		if s.authenticate {
			if _, err := c.Authenticate(ctx(t)); err != nil {
				t.Fatalf("%s: Authenticate: %v", s.name, err)
			}
		}
		for range s.calls {
			balance()
		}
		if got := fs.fetches(); got != s.wantFetches {
			t.Fatalf("%s: token fetches = %d, want %d", s.name, got, s.wantFetches)
		}
		issued := fs.issuedTokens()
		if want := "Bearer " + issued[len(issued)-1]; lastBearer() != want {
			t.Errorf("%s: Authorization %q, want %q", s.name, lastBearer(), want)
		}
	}
}

func TestTokenConcurrentCallersShareOneFetch(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	const n = 32
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := c.Balance(context.Background(), "acc-1"); err != nil {
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Balance: %v", err)
	}
	if got := fs.fetches(); got != 1 {
		t.Errorf("token fetches = %d, want 1", got)
	}
	reqs := fs.requests()
	if len(reqs) != n {
		t.Fatalf("API requests = %d, want %d", len(reqs), n)
	}
	for _, r := range reqs {
		if got := r.Header.Get("Authorization"); got != "Bearer "+fs.issuedTokens()[0] {
			t.Errorf("Authorization %q", got)
		}
	}
}

func TestTokenWaitHonoursContext(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	c.tokens.sem <- struct{}{} // another caller is fetching
	defer func() { <-c.tokens.sem }()
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Token(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Token = %v, want context.Canceled", err)
	}
	if fs.fetches() != 0 {
		t.Errorf("a token was fetched")
	}
}

func TestTokenIsACopy(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	tok, err := c.Token(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := fs.clock.Now().Add(900 * time.Second)
	if !tok.Expiry.Equal(want) || tok.ExpiresIn != 900 || tok.TokenType != "bearer" || tok.Scope == "" {
		t.Errorf("token = %v, want expiry %v", tok, want)
	}
	tok.AccessToken = "tampered"
	again, err := c.Token(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if again.AccessToken != fs.issuedTokens()[0] {
		t.Errorf("cached token was changed through a returned copy")
	}
}

func TestAuthTransportDoesNotMutateRequest(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	req, err := http.NewRequest(http.MethodGet, fs.srv.URL+"/api/v1/accounts/acc-1/balance", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.api.Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := req.Header.Get("Authorization"); got != "" {
		t.Errorf("caller's request was mutated: Authorization %q", got)
	}
	if got := fs.requests()[0].Header.Get("Authorization"); got != "Bearer "+fs.issuedTokens()[0] {
		t.Errorf("server got Authorization %q", got)
	}
}

func TestAuthTransportKeepsTokenOnAPIOrigin(t *testing.T) {
	fs := newFakeStone(t)
	elsewhere := make(chan http.Header, 1)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere <- r.Header.Clone()
		_, _ = io.WriteString(w, `{"balance":1}`)
	}))
	defer other.Close()
	fs.api = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		http.Redirect(w, r, other.URL+"/balance", http.StatusFound)
	}
	c := fs.client(t, func(o *Options) { o.HTTPClient = &http.Client{} })
	b, err := c.Balance(ctx(t), "acc-1")
	if err != nil {
		t.Fatalf("Balance: %v", err)
	}
	if b.Balance != 1 {
		t.Errorf("balance = %d, want 1 (from the redirect target)", b.Balance)
	}
	if got := fs.requests()[0].Header.Get("Authorization"); !strings.HasPrefix(got, "Bearer ") {
		t.Errorf("API origin got Authorization %q", got)
	}
	if got := (<-elsewhere).Get("Authorization"); got != "" {
		t.Errorf("bearer token leaked to another origin: %q", got)
	}
}

func TestTokenRedaction(t *testing.T) {
	const secret = "eyJhbGciOiJSUzI1NiJ9.payload.s1gnatur3"
	tok := Token{AccessToken: secret, TokenType: "bearer", Scope: "paymentaccount:read", ExpiresIn: 900,
		Expiry: time.Date(2026, 11, 28, 10, 30, 0, 0, time.UTC)}
	type holder struct {
		T  Token
		P  *Token
		Ts []Token
	}
	h := holder{T: tok, P: &tok, Ts: []Token{tok}}
	outputs := map[string]string{
		"String":      tok.String(),
		"GoString":    tok.GoString(),
		"Sprint":      fmt.Sprint(tok),
		"Sprint ptr":  fmt.Sprint(&tok),
		"%v":          fmt.Sprintf("%v", tok),
		"%+v":         fmt.Sprintf("%+v", tok),
		"%#v":         fmt.Sprintf("%#v", tok),
		"%s":          fmt.Sprintf("%s", tok),
		"%q":          fmt.Sprintf("%q", tok),
		"%x":          fmt.Sprintf("%x", tok),
		"%v ptr":      fmt.Sprintf("%v", &tok),
		"%+v ptr":     fmt.Sprintf("%+v", &tok),
		"%#v ptr":     fmt.Sprintf("%#v", &tok),
		"%+v nested":  fmt.Sprintf("%+v", h),
		"%#v nested":  fmt.Sprintf("%#v", h),
		"%v map":      fmt.Sprintf("%v", map[string]Token{"k": tok}),
		"Errorf wrap": fmt.Errorf("got %v", tok).Error(),
	}
	for name, out := range outputs {
		if strings.Contains(out, secret) || strings.Contains(out, "s1gnatur3") {
			t.Errorf("%s leaks the access token: %s", name, out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("%s = %s, want the redacted marker", name, out)
		}
	}
	if !strings.Contains(tok.String(), "bearer") || !strings.Contains(tok.String(), "2026-11-28T10:30:00Z") {
		t.Errorf("String() = %s, want the non-secret fields", tok.String())
	}
}

func TestTokenValid(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		tok    *Token
		margin time.Duration
		want   bool
	}{
		{"nil", nil, 0, false},
		{"empty access token", &Token{Expiry: now.Add(time.Hour)}, 0, false},
		{"expired", &Token{AccessToken: "a", Expiry: now.Add(-time.Second)}, 0, false},
		{"expires now", &Token{AccessToken: "a", Expiry: now}, 0, false},
		{"within margin", &Token{AccessToken: "a", Expiry: now.Add(59 * time.Second)}, time.Minute, false},
		{"at margin", &Token{AccessToken: "a", Expiry: now.Add(time.Minute)}, time.Minute, false},
		{"beyond margin", &Token{AccessToken: "a", Expiry: now.Add(61 * time.Second)}, time.Minute, true},
	}
	for _, tt := range tests {
		if got := tt.tok.Valid(now, tt.margin); got != tt.want {
			t.Errorf("%s: Valid = %v, want %v", tt.name, got, tt.want)
		}
	}
}
