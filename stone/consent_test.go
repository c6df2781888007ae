package stone

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// checkConsentJWT verifies the signature, the header and every claim.
func checkConsentJWT(t *testing.T, fs *fakeStone, token, redirect string, meta map[string]any, ttl time.Duration) string {
	t.Helper()
	tok, err := jwt.Parse(token, func(*jwt.Token) (any, error) { return &fs.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(fs.clock.Now), jwt.WithJSONNumber(),
		jwt.WithExpirationRequired())
	if err != nil {
		t.Fatalf("parse consent JWT: %v", err)
	}
	if !reflect.DeepEqual(tok.Header, map[string]any{"alg": "RS256", "typ": "JWT"}) {
		t.Errorf("header %v", tok.Header)
	}
	claims := tok.Claims.(jwt.MapClaims)
	wantKeys := []string{"aud", "client_id", "exp", "iat", "iss", "jti", "nbf", "redirect_uri", "session_metadata", "type"}
	if got := sortedKeys(claims); !reflect.DeepEqual(got, wantKeys) {
		t.Errorf("claims %v, want exactly %v", got, wantKeys)
	}
	for k, want := range map[string]string{
		"type": "consent", "client_id": testClientID, "iss": testClientID, "redirect_uri": redirect,
		"aud": "accounts-hubid@openbank.stone.com.br",
	} {
		if got, ok := claims[k].(string); !ok || got != want {
			t.Errorf("claim %s = %#v, want %q", k, claims[k], want)
		}
	}
	if got := claims["session_metadata"]; !reflect.DeepEqual(got, meta) {
		t.Errorf("session_metadata = %#v, want %#v", got, meta)
	}
	now := fs.clock.Now().Unix()
	iat, nbf, exp := num(t, claims, "iat"), num(t, claims, "nbf"), num(t, claims, "exp")
	if iat != now || nbf != now || exp-iat != int64(ttl/time.Second) || exp-iat > 2*60*60 {
		t.Errorf("iat=%d nbf=%d exp=%d, want iat=nbf=%d and exp-iat=%v", iat, nbf, exp, now, ttl)
	}
	jti, _ := claims["jti"].(string)
	if jti == "" {
		t.Error("jti is empty")
	}
	return jti
}

func TestConsentToken(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	meta := map[string]any{"user_session": "s-42"}
	tests := []struct {
		name    string
		ttl     time.Duration
		wantTTL time.Duration
	}{
		{"default one hour", 0, time.Hour},
		{"two hours", 2 * time.Hour, 2 * time.Hour},
		{"fifteen minutes", 15 * time.Minute, 15 * time.Minute},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := c.ConsentToken(ConsentRequest{RedirectURI: "https://partner.example/cb", SessionMetadata: meta, TTL: tt.ttl})
			if err != nil {
				t.Fatal(err)
			}
			jti := checkConsentJWT(t, fs, tok, "https://partner.example/cb", meta, tt.wantTTL)
			if seen[jti] {
				t.Errorf("jti %q repeated", jti)
			}
			seen[jti] = true
		})
	}
	if fs.fetches()+len(fs.requests()) != 0 {
		t.Error("building a consent token sent a request")
	}
}

func TestConsentTokenValidation(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	meta := map[string]any{"sid": "x"}
	tests := []struct {
		name  string
		req   ConsentRequest
		field string
	}{
		{"ttl over two hours", ConsentRequest{RedirectURI: "https://p.example/cb", SessionMetadata: meta, TTL: 2*time.Hour + time.Second}, "TTL"},
		{"negative ttl", ConsentRequest{RedirectURI: "https://p.example/cb", SessionMetadata: meta, TTL: -time.Minute}, "TTL"},
		{"sub-second ttl", ConsentRequest{RedirectURI: "https://p.example/cb", SessionMetadata: meta, TTL: time.Millisecond}, "TTL"},
		{"nil metadata", ConsentRequest{RedirectURI: "https://p.example/cb"}, "SessionMetadata"},
		{"empty metadata", ConsentRequest{RedirectURI: "https://p.example/cb", SessionMetadata: map[string]any{}}, "SessionMetadata"},
		{"no redirect", ConsentRequest{SessionMetadata: meta}, "RedirectURI"},
		{"relative redirect", ConsentRequest{RedirectURI: "/cb", SessionMetadata: meta}, "RedirectURI"},
		{"unencodable metadata", ConsentRequest{RedirectURI: "https://p.example/cb", SessionMetadata: map[string]any{"f": func() {}}}, "sign"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.ConsentToken(tt.req); err == nil || !strings.Contains(err.Error(), tt.field) || !strings.HasPrefix(err.Error(), "stone: consent token: ") {
				t.Errorf("ConsentToken err = %v, want an error naming %s", err, tt.field)
			}
			if _, err := c.ConsentLink(tt.req); err == nil || !strings.HasPrefix(err.Error(), "stone: consent link: consent token: ") {
				t.Errorf("ConsentLink err = %v", err)
			}
		})
	}
}

func TestConsentLink(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, func(o *Options) { o.Endpoints.SiteURL = "https://sandbox.conta.stone.com.br/" })
	meta := map[string]any{"sid": "Stone Banking - SDB"}
	link, err := c.ConsentLink(ConsentRequest{RedirectURI: "https://partner.example/cb?x=1", SessionMetadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	prefix := "https://sandbox.conta.stone.com.br/consentimento?client_id=" + testClientID + "&jwt="
	if !strings.HasPrefix(link, prefix) {
		t.Fatalf("link %q, want prefix %q", link, prefix)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if got := sortedKeys(q); !reflect.DeepEqual(got, []string{"client_id", "jwt"}) {
		t.Errorf("query parameters %v", got)
	}
	checkConsentJWT(t, fs, q.Get("jwt"), "https://partner.example/cb?x=1", meta, time.Hour)
}

func TestParseConsentRedirect(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    ConsentResult
		wantErr string
	}{
		{
			name: "approved",
			in:   "https://partner.example/cb?consent_result=approved&resource_id=c133caf8&sid=Stone+Banking+-+SDB&user_session=s%2F1",
			want: ConsentResult{Result: "approved", ResourceID: "c133caf8", SessionMetadata: map[string]string{"sid": "Stone Banking - SDB", "user_session": "s/1"}},
		},
		{name: "ignored", in: "https://partner.example/cb?sid=a&consent_result=ignored", want: ConsentResult{Result: "ignored", SessionMetadata: map[string]string{"sid": "a"}}},
		{name: "already granted", in: "myapp://consent?consent_result=already_granted", want: ConsentResult{Result: "already_granted"}},
		{name: "missing result", in: "https://partner.example/cb?resource_id=x", wantErr: "missing"},
		{name: "unknown result", in: "https://partner.example/cb?consent_result=maybe", wantErr: "unknown consent_result"},
		{name: "empty", in: "  ", wantErr: "empty"},
		{name: "bad escape", in: "https://partner.example/cb?consent_result=approved&x=%zz", wantErr: "query"},
		{name: "bad url", in: "http://[::1/cb?consent_result=approved", wantErr: "parse consent redirect"},
		{name: "result only in fragment", in: "https://partner.example/cb#consent_result=approved", wantErr: "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConsentRedirect(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "stone: parse consent redirect: ") {
					t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// FuzzParseConsentRedirect: the redirect URL comes from outside.
func FuzzParseConsentRedirect(f *testing.F) {
	for _, s := range []string{
		"https://p.example/cb?consent_result=approved&resource_id=r&sid=x",
		"https://p.example/cb?consent_result=ignored", "?consent_result=already_granted", "", "%", "http://[::1",
		"https://p.example/cb?consent_result=approved&consent_result=ignored",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res, err := ParseConsentRedirect(s)
		if err != nil {
			return
		}
		switch res.Result {
		case ConsentApproved, ConsentIgnored, ConsentAlreadyGranted:
		default:
			t.Errorf("accepted result %q", res.Result)
		}
		if _, ok := res.SessionMetadata["consent_result"]; ok {
			t.Error("consent_result reported as metadata")
		}
	})
}
