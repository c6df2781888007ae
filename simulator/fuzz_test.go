package simulator

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzCreateTransfer: no body, however malformed, gets a 5xx or a non-JSON answer.
func FuzzCreateTransfer(f *testing.F) {
	for _, seed := range []string{`{}`, `{"amount":1}`, `{"amount":1e400}`, `{"target":{"account":[]}}`, `null`, `"x"`, `{"amount":9223372036854775808}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e := newEnv(t)
		rec := e.api(http.MethodPost, "/api/v1/internal_transfers", body)
		if rec.Code >= 500 || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("body %q: %d %s", body, rec.Code, rec.Body.String())
		}
	})
}

// FuzzConsentLink: any link query answers 200 or 400, never a 5xx.
func FuzzConsentLink(f *testing.F) {
	f.Add("client_id=" + testClientID + "&jwt=a.b.c")
	f.Add("jwt=eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, query string) {
		e := newEnv(t)
		req := httptest.NewRequest(http.MethodGet, "/consentimento", nil)
		req.URL.RawQuery = query
		rec := httptest.NewRecorder()
		e.sim.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest && rec.Code != http.StatusOK {
			t.Fatalf("query %q: %d", query, rec.Code)
		}
	})
}
