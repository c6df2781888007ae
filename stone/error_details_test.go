package stone

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// TestFinancialErrors checks that the idempotency and validation answers
// Stone documents reach the caller as *Error, whatever operation sent them.
func TestFinancialErrors(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	tests := []struct {
		name       string
		status     int
		body       string
		wantType   string
		wantReason string // JSON; "" → none
		wantPaths  []string
	}{
		{name: "idempotency conflict", status: 409, body: `{"type":"srn:error:idempotency_conflict"}`, wantType: ErrTypeIdempotencyConflict},
		{name: "still processing", status: 423, body: ``},
		{name: "key too long", status: 431, body: `{"type":"srn:error:bad_request"}`, wantType: ErrTypeBadRequest},
		{
			name: "422 with a string reason", status: 422, body: `{"reason":"scheduled_to is after execution_limit_date","type":"srn:error:validation"}`,
			wantType: ErrTypeValidation, wantReason: `"scheduled_to is after execution_limit_date"`,
		},
		{
			name: "400 with a reason array", status: 400,
			body: `{"reason":[{"error":"can't be blank","path":["idempotency_key"]},
				{"error":"is invalid","path":["target","account","account_code"]},{"error":"too many","path":["operations",3,"id"]}],
				"type":"srn:error:validation"}`,
			wantType:   ErrTypeValidation,
			wantReason: `[{"error":"can't be blank","path":["idempotency_key"]},{"error":"is invalid","path":["target","account","account_code"]},{"error":"too many","path":["operations",3,"id"]}]`,
			wantPaths:  []string{"idempotency_key", "target.account.account_code", "operations.3.id"},
		},
		{
			// The simulator's 431 and its bad_request for a body that is not
			// JSON at all: details under errors (stone-api.md §6), the path
			// empty when the whole body is at fault.
			name: "431 bad_request naming the header", status: 431,
			body:     `{"errors":[{"error":"longer than 72 characters","path":["x-stone-idempotency-key"]}],"type":"srn:error:bad_request"}`,
			wantType: ErrTypeBadRequest, wantReason: `[{"error":"longer than 72 characters","path":["x-stone-idempotency-key"]}]`,
			wantPaths: []string{"x-stone-idempotency-key"},
		},
		{
			name: "400 bad_request for the whole body", status: 400,
			body:     `{"errors":[{"error":"request body is not a valid JSON object","path":[]}],"type":"srn:error:bad_request"}`,
			wantType: ErrTypeBadRequest, wantReason: `[{"error":"request body is not a valid JSON object","path":[]}]`,
			wantPaths: []string{""},
		},
		{
			name: "400 bad_request errors array", status: 400,
			body:     `{"type":"srn:error:bad_request","errors":[{"error":"is invalid","path":["amount"]}]}`,
			wantType: ErrTypeBadRequest, wantReason: `[{"error":"is invalid","path":["amount"]}]`, wantPaths: []string{"amount"},
		},
	}
	calls := map[string]func() error{
		"ted": func() error { _, err := c.CreateExternalTransfer(ctx(t), tedRequest(), "k"); return err },
		"pix": func() error {
			_, err := c.CreatePixPayment(ctx(t), PixPaymentRequest{AccountID: "a", Key: "a@b.c"}, "k")
			return err
		},
		"payment": func() error {
			_, err := c.CreatePayment(ctx(t), PaymentRequest{AccountID: "a", Barcode: testBarcode}, "k")
			return err
		},
		"boleto": func() error { _, err := c.CreateBarcodePaymentInvoice(ctx(t), billRequest(), "k"); return err },
	}
	for _, tt := range tests {
		for name, call := range calls {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				fs.api = reply(tt.status, tt.body)
				e := apiError(t, call(), tt.status, tt.wantType)
				if tt.wantReason == "" {
					if e.Reason != nil {
						t.Errorf("reason = %s, want none", e.Reason)
					}
				} else {
					jsonEqual(t, e.Reason, tt.wantReason)
				}
				if got := e.Paths(); !reflect.DeepEqual(got, tt.wantPaths) {
					t.Errorf("Paths() = %q, want %q", got, tt.wantPaths)
				}
				if _, ok := e.RetryAfter(); ok {
					t.Errorf("RetryAfter on a %d", tt.status)
				}
			})
		}
	}
}

func TestErrorDetails(t *testing.T) {
	tests := []struct {
		reason string
		want   []ErrorDetail
	}{
		{`[{"error":"x","path":["a","b"]}]`, []ErrorDetail{{Error: "x", Path: []string{"a", "b"}}}},
		{`[{"error":"x","path":"limit"}]`, []ErrorDetail{{Error: "x", Path: []string{"limit"}}}},
		{`[{"error":null,"path":null}]`, []ErrorDetail{{}}},
		{`[]`, []ErrorDetail{}},
		{`{"reason":[{"error":"r","path":["p"]}],"errors":[{"error":"e","path":["q",0]}],"path":"x"}`,
			[]ErrorDetail{{Error: "r", Path: []string{"p"}}, {Error: "e", Path: []string{"q", "0"}}}},
		{`"a string reason"`, nil},
		{`{"message":"Not Found"}`, nil},
		{``, nil},
	}
	for _, tt := range tests {
		e := &Error{Status: 400, Reason: json.RawMessage(tt.reason)}
		if got := e.Details(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Details(%s) = %#v, want %#v", tt.reason, got, tt.want)
		}
	}
	var nilErr *Error
	if nilErr.Details() != nil || nilErr.Paths() != nil {
		t.Error("nil *Error has details")
	}
}

func TestRetryAfter(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	now := fs.clock.Now()
	tests := []struct {
		name       string
		status     int
		retryAfter string
		date       string
		want       time.Duration
		ok         bool
	}{
		{name: "seconds on 429", status: 429, retryAfter: "120", want: 2 * time.Minute, ok: true},
		{name: "seconds on 503", status: 503, retryAfter: " 5 ", want: 5 * time.Second, ok: true},
		{name: "zero", status: 503, retryAfter: "0", want: 0, ok: true},
		{name: "http date against Date", status: 503, retryAfter: "Sat, 28 Nov 2026 10:20:00 GMT", date: "Sat, 28 Nov 2026 10:19:30 GMT", want: 30 * time.Second, ok: true},
		{name: "http date against the injected clock", status: 429, retryAfter: now.Add(90 * time.Second).Format(http.TimeFormat), want: 90 * time.Second, ok: true},
		{name: "date in the past", status: 429, retryAfter: now.Add(-time.Hour).Format(http.TimeFormat), want: 0, ok: true},
		{name: "not on 500", status: 500, retryAfter: "10"},
		{name: "not on 423", status: 423, retryAfter: "10"},
		{name: "absent", status: 429},
		{name: "negative", status: 429, retryAfter: "-1"},
		{name: "garbage", status: 503, retryAfter: "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs.api = func(w http.ResponseWriter, _ *http.Request, _ []byte) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				if tt.date != "" {
					w.Header()["Date"] = []string{tt.date}
				} else {
					w.Header()["Date"] = nil // net/http adds one from the real clock otherwise
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, `{"type":"srn:error:unavailable"}`)
			}
			_, err := c.Balance(ctx(t), "acc-1")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v", err)
			}
			got, ok := e.RetryAfter()
			if got != tt.want || ok != tt.ok {
				t.Errorf("RetryAfter() = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
	if n := len(fs.requests()); n != len(tests) {
		t.Errorf("%d requests for %d calls: the client must not retry", n, len(tests))
	}
}

// FuzzErrorDetails: reason bodies come from outside; Details and Paths must
// never panic.
func FuzzErrorDetails(f *testing.F) {
	for _, s := range []string{`[{"error":"x","path":["a",1]}]`, `{"reason":[{"path":[{}]}]}`, `"s"`, `[1,2]`, `[{"path":"x"}]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e := newAPIError(400, http.Header{"Retry-After": {string(body)}}, "GET", "/p", body)
		_ = e.Details()
		_ = e.Paths()
		e.Status = 429
		_, _ = e.RetryAfter()
	})
}
