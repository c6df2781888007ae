package stone

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestCallSends: a generic call sends what the feature file wrote, through
// the same client as every documented call: bearer token, User-Agent,
// Content-Type on writes, the idempotency key when asked, the body as
// written, the path with or without /api/v1.
func TestCallSends(t *testing.T) {
	tests := []struct {
		name, method, path, body, key string
		wantPath, wantQuery           string
	}{
		{"get with the prefix", "GET", "/api/v1/accounts/acc-1", "", "", "/api/v1/accounts/acc-1", ""},
		{"get without the prefix, with a query", "GET", "/accounts?limit=5", "", "", "/api/v1/accounts", "limit=5"},
		{"post with a body", "POST", "/api/v1/internal_transfers", `{"amount": 100}`, "", "/api/v1/internal_transfers", ""},
		{"post with a key", "POST", "/api/v1/pix/outbound_pix_payments", `{"amount":1}`, "k-1", "/api/v1/pix/outbound_pix_payments", ""},
		{"delete", "DELETE", "/api/v1/pix_keys/x", "", "", "/api/v1/pix_keys/x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeStone(t)
			c := fs.client(t, nil)
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			res, err := c.Call(context.Background(), tt.method, tt.path, body, tt.key)
			if err != nil {
				t.Fatalf("Call: %v", err)
			}
			if res.Status != 200 || string(res.Body) != "{}" {
				t.Errorf("response = %d %q, want 200 {}", res.Status, res.Body)
			}
			reqs := fs.requests()
			if len(reqs) != 1 {
				t.Fatalf("sent %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.method || r.Path != tt.wantPath || r.Raw != tt.wantQuery {
				t.Errorf("sent %s %s?%s, want %s %s?%s", r.Method, r.Path, r.Raw, tt.method, tt.wantPath, tt.wantQuery)
			}
			if got := r.Header.Get("Authorization"); !strings.HasPrefix(got, "Bearer ") {
				t.Errorf("Authorization = %q, want a bearer token", got)
			}
			if got := r.Header.Get("User-Agent"); got != testUserAgent {
				t.Errorf("User-Agent = %q, want %q", got, testUserAgent)
			}
			if string(r.Body) != tt.body {
				t.Errorf("body = %q, want it sent as written: %q", r.Body, tt.body)
			}
			if got := r.Header.Get(IdempotencyHeader); got != tt.key {
				t.Errorf("%s = %q, want %q", IdempotencyHeader, got, tt.key)
			}
			if ct := r.Header.Get("Content-Type"); (tt.method != "GET") != (ct == "application/json") {
				t.Errorf("Content-Type = %q on a %s", ct, tt.method)
			}
		})
	}
}

// TestCallAnswersEveryStatus: a refusal is an answer for a check to judge,
// not an error.
func TestCallAnswersEveryStatus(t *testing.T) {
	fs := newFakeStone(t)
	fs.api = reply(http.StatusUnprocessableEntity, `{"type":"srn:error:validation"}`)
	res, err := fs.client(t, nil).Call(context.Background(), "POST", "/api/v1/internal_transfers", []byte(`{}`), "")
	if err != nil {
		t.Fatalf("Call: %v", err)
	}
	if res.Status != 422 || !strings.Contains(string(res.Body), "srn:error:validation") || res.Header.Get("x-request-id") != "req-123" {
		t.Errorf("response = %d %q %v, want the 422 as Stone sent it", res.Status, res.Body, res.Header)
	}
}

func TestCallRefusesBadInput(t *testing.T) {
	tests := []struct{ name, method, path, key, want string }{
		{"unknown method", "FETCH", "/api/v1/accounts", "", "method must be"},
		{"relative path", "GET", "api/v1/accounts", "", "must start with /"},
		{"space in the path", "GET", "/api/v1/accounts/a b", "", "white space"},
		{"key too long", "POST", "/api/v1/x", strings.Repeat("k", 73), "at most 72"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeStone(t)
			_, err := fs.client(t, nil).Call(context.Background(), tt.method, tt.path, nil, tt.key)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "stone: call ") {
				t.Fatalf("err = %v, want one saying %q", err, tt.want)
			}
			if n := len(fs.requests()); n != 0 {
				t.Errorf("sent %d requests for bad input", n)
			}
		})
	}
}
