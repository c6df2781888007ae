package stone

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestAPIErrors(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	html := "<html><body>" + strings.Repeat("Bad Gateway ", 300) + "</body></html>"
	tests := []struct {
		name       string
		status     int
		body       string
		wantType   string
		wantReason string // JSON; "" → no reason
		wantText   string // substring of Error()
	}{
		{
			name: "unauthorized", status: 403, body: `{"type":"srn:error:unauthorized"}`,
			wantType: "srn:error:unauthorized",
			wantText: "stone: get balance: GET /api/v1/accounts/acc-1/balance: 403 srn:error:unauthorized (x-request-id req-123)",
		},
		{
			name: "validation reason array", status: 422,
			body:       `{"type":"srn:error:validation","reason":[{"error":"must be greater than 0","path":["amount"]}]}`,
			wantType:   "srn:error:validation",
			wantReason: `[{"error":"must be greater than 0","path":["amount"]}]`,
			wantText:   `422 srn:error:validation (x-request-id req-123): [{"error":"must be greater than 0","path":["amount"]}]`,
		},
		{
			name: "bad request errors", status: 400,
			body:       `{"type":"srn:error:bad_request","errors":[{"error":"is invalid","path":["target","account","account_code"]}]}`,
			wantType:   "srn:error:bad_request",
			wantReason: `[{"error":"is invalid","path":["target","account","account_code"]}]`,
		},
		{
			name: "sdk validation_errors", status: 422,
			body:     `{"type":"srn:error:validation","validation_errors":[{"error":"x","path":["y"]}]}`,
			wantType: "srn:error:validation", wantReason: `[{"error":"x","path":["y"]}]`,
		},
		{
			name: "string reason", status: 403, body: `{"type":"srn:error:product_not_enabled","reason":"Pix não habilitado"}`,
			wantType: "srn:error:product_not_enabled", wantReason: `"Pix não habilitado"`, wantText: ": Pix não habilitado",
		},
		{
			name: "invalid cursor path", status: 400, body: `{"path":"limit","type":"srn:error:invalid_cursor"}`,
			wantType: "srn:error:invalid_cursor", wantReason: `"limit"`,
		},
		{
			name: "several details", status: 400, body: `{"type":"srn:error:bad_request","path":"x","reason":"y","errors":null}`,
			wantType: "srn:error:bad_request", wantReason: `{"path":"x","reason":"y"}`,
		},
		{
			name: "non-json proxy page", status: 502, body: html,
			wantText: "502 (x-request-id req-123): <html><body>Bad Gateway",
		},
		{name: "empty body", status: 500, body: "", wantText: "stone: get balance: GET /api/v1/accounts/acc-1/balance: 500 (x-request-id req-123)"},
		{
			name: "json of another shape", status: 404, body: `{"message":"Not Found"}`,
			wantReason: `{"message":"Not Found"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs.api = reply(tt.status, tt.body)
			_, err := c.Balance(ctx(t), "acc-1")
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if apiErr.Status != tt.status || apiErr.Type != tt.wantType || apiErr.RequestID != "req-123" ||
				apiErr.Method != "GET" || apiErr.Path != "/api/v1/accounts/acc-1/balance" {
				t.Errorf("got %+v", apiErr)
			}
			switch {
			case tt.name == "non-json proxy page":
				var s string
				if err := json.Unmarshal(apiErr.Reason, &s); err != nil || !strings.HasPrefix(s, "<html><body>Bad Gateway") || len(s) > maxSnippet+len("…") {
					t.Errorf("reason = %s, want a truncated JSON string snippet", apiErr.Reason)
				}
			case tt.wantReason == "":
				if apiErr.Reason != nil {
					t.Errorf("reason = %s, want none", apiErr.Reason)
				}
			default:
				jsonEqual(t, apiErr.Reason, tt.wantReason)
			}
			if !strings.Contains(err.Error(), tt.wantText) || len(apiErr.Error()) > 400 {
				t.Errorf("Error() = %q, want it to contain %q and stay short", err.Error(), tt.wantText)
			}
			assertNoSecret(t, err.Error(), fs.issuedTokens()...)
		})
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	const secret = "SECRET-ACCESS-TOKEN"
	tests := []struct {
		name      string
		status    int
		body      string
		wantAPI   bool // an *Error is expected
		wantType  string
		wantText  string
		wantNoRsn bool
	}{
		{
			name: "keycloak invalid_client", status: 401,
			body:    `{"error":"invalid_client","error_description":"Invalid client credentials"}`,
			wantAPI: true, wantType: "invalid_client",
			wantText: "stone: authenticate: POST /auth/realms/stone_bank/protocol/openid-connect/token: 401 invalid_client (x-request-id kc-1): Invalid client credentials",
		},
		{name: "keycloak without description", status: 400, body: `{"error":"invalid_grant"}`, wantAPI: true, wantType: "invalid_grant", wantNoRsn: true},
		{name: "error body carrying a token", status: 400, body: `{"access_token":"` + secret + `","x":1}`, wantAPI: true, wantText: "withheld"},
		{name: "html", status: 503, body: "<h1>down</h1>", wantAPI: true, wantText: "503 (x-request-id kc-1): <h1>down</h1>"},
		{name: "empty access token", status: 200, body: `{"access_token":"","expires_in":900}`, wantText: "no access_token"},
		{name: "zero expires_in", status: 200, body: `{"access_token":"` + secret + `","expires_in":0}`, wantText: "expires_in 0"},
		{name: "negative expires_in", status: 200, body: `{"access_token":"` + secret + `","expires_in":-5}`, wantText: "expires_in -5"},
		{name: "malformed", status: 200, body: `{"access_token":"` + secret + `","expires_in":"soon"}`, wantText: "decode token response"},
		{name: "truncated", status: 200, body: `{"access_token":"` + secret, wantText: "decode token response"},
	}
	fs := newFakeStone(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs.reset()
			fs.tokenReply = func(w http.ResponseWriter) {
				w.Header().Set("x-request-id", "kc-1")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}
			c := fs.client(t, nil)
			for _, call := range []func() error{
				func() error { _, err := c.Authenticate(ctx(t)); return err },
				func() error { _, err := c.Balance(ctx(t), "acc-1"); return err },
			} {
				err := call()
				if err == nil {
					t.Fatal("no error")
				}
				var apiErr *Error
				if got := errors.As(err, &apiErr); got != tt.wantAPI {
					t.Fatalf("errors.As(*Error) = %v, want %v (err %v)", got, tt.wantAPI, err)
				}
				if tt.wantAPI && (apiErr.Status != tt.status || apiErr.Type != tt.wantType || apiErr.RequestID != "kc-1" ||
					apiErr.Method != "POST" || apiErr.Path != tokenPath || (tt.wantNoRsn && apiErr.Reason != nil)) {
					t.Errorf("got %+v", apiErr)
				}
				if !strings.Contains(err.Error(), tt.wantText) {
					t.Errorf("Error() = %q, want it to contain %q", err, tt.wantText)
				}
				assertNoSecret(t, err.Error(), secret, fs.lastAssertion())
				if apiErr != nil {
					assertNoSecret(t, string(apiErr.Reason), secret)
				}
			}
			if n := len(fs.requests()); n != 0 {
				t.Errorf("%d API requests sent without a token", n)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Status: 401}, "stone: 401"},
		{&Error{Status: 409, Type: "srn:error:conflict", Method: "POST", Path: "/api/v1/x"}, "stone: POST /api/v1/x: 409 srn:error:conflict"},
		{&Error{Status: 400, Type: "t", Reason: json.RawMessage(`"multi\n  line   reason"`)}, "stone: 400 t: multi line reason"},
		{&Error{Status: 400, Reason: json.RawMessage(`{ "a" : [1, 2] }`)}, `stone: 400: {"a":[1,2]}`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	long := &Error{Status: 400, Reason: json.RawMessage(`"` + strings.Repeat("é", 500) + `"`)}
	if got := long.Error(); len(got) > 220 || !strings.HasSuffix(got, "…") {
		t.Errorf("long reason not cut: %d bytes", len(got))
	}
}

// FuzzNewAPIError: error bodies come from outside (Stone, proxies); any
// input must yield an *Error with valid JSON in Reason and no panic.
func FuzzNewAPIError(f *testing.F) {
	for _, s := range []string{
		`{"type":"srn:error:unauthorized"}`, `{"type":1,"reason":[{"error":"x","path":["a"]}]}`,
		`{"path":"limit","type":"srn:error:invalid_cursor"}`, `<html>`, ``, `null`, `[1,2]`, `"str"`,
		`{"error":"invalid_client","error_description":"bad"}`, "\xff\xfe{", `{"reason":"` + strings.Repeat("x", 2000) + `"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, e := range []*Error{
			newAPIError(400, http.Header{}, "GET", "/p", body),
			newTokenError(400, http.Header{}, "POST", "/t", body),
		} {
			if e == nil || e.Status != 400 {
				t.Fatalf("got %+v", e)
			}
			if e.Reason != nil && !json.Valid(e.Reason) {
				t.Errorf("Reason is not valid JSON: %q", e.Reason)
			}
			_ = e.Error()
		}
	})
}
