package stone

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// generated marks an idempotency key that must be a fresh NewID.
const generated = "<generated>"

// wire is what one call must put on the wire.
type wire struct {
	name    string
	call    func(*Client) error
	method  string
	path    string            // escaped, as received
	query   url.Values        // nil → none
	body    string            // expected JSON; "" → no body
	key     string            // idempotency key; "" → header absent; generated → a fresh NewID
	headers map[string]string // further headers that must be present
	accept  string            // "" → application/json
	reply   func(http.ResponseWriter, *http.Request, []byte)
}

// runWire calls each case against a fresh-reset fake and checks the one
// request it sent, header by header and body field by field.
func runWire(t *testing.T, fs *fakeStone, c *Client, cases []wire) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			fs.reset()
			fs.api = tt.reply
			if fs.api == nil {
				fs.api = reply(http.StatusOK, "{}")
			}
			if err := tt.call(c); err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := fs.requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d, want 1", len(reqs))
			}
			checkWire(t, fs, reqs[0], tt)
		})
	}
}

func checkWire(t *testing.T, fs *fakeStone, r apiRequest, w wire) {
	t.Helper()
	if r.Method != w.method || r.Path != w.path {
		t.Errorf("sent %s %s, want %s %s", r.Method, r.Path, w.method, w.path)
	}
	wantQuery := w.query
	if wantQuery == nil {
		wantQuery = url.Values{}
	}
	if !reflect.DeepEqual(r.Query, wantQuery) {
		t.Errorf("query %v, want %v", r.Query, wantQuery)
	}
	accept := w.accept
	if accept == "" {
		accept = "application/json"
	}
	tokens := fs.issuedTokens()
	want := map[string]string{
		"Authorization": "Bearer " + tokens[len(tokens)-1],
		"User-Agent":    testUserAgent,
		"Accept":        accept,
		"Content-Type":  "",
	}
	if w.body != "" || r.Method != http.MethodGet {
		// §1.5: application/json on every call, bodyless POSTs included.
		want["Content-Type"] = "application/json"
	}
	for k, v := range w.headers {
		want[k] = v
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	keys := r.Header.Values(IdempotencyHeader)
	switch {
	case w.key == "" && len(keys) != 0:
		t.Errorf("%s = %q, want none (not documented here)", IdempotencyHeader, keys)
	case w.key == generated && (len(keys) != 1 || !slices.Contains(fs.ids.All(), keys[0]) || fs.jtiSeen(keys[0])):
		t.Errorf("%s = %q, want one fresh NewID (ids %v)", IdempotencyHeader, keys, fs.ids.All())
	case w.key != "" && w.key != generated && (len(keys) != 1 || keys[0] != w.key):
		t.Errorf("%s = %q, want [%q]", IdempotencyHeader, keys, w.key)
	}
	if w.body == "" {
		if len(r.Body) != 0 {
			t.Errorf("unexpected body %s", r.Body)
		}
		return
	}
	jsonEqual(t, r.Body, w.body)
}

// invalid is a call that must fail validation, naming field, before
// anything is sent.
type invalid struct {
	name  string
	call  func(*Client) error
	field string
}

func runInvalid(t *testing.T, fs *fakeStone, c *Client, op string, cases []invalid) {
	t.Helper()
	before := len(fs.requests())
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(c)
			var apiErr *Error
			switch {
			case err == nil:
				t.Fatalf("no error, want one naming %s", tt.field)
			case errors.As(err, &apiErr):
				t.Fatalf("err = %v: sent to Stone instead of rejected", err)
			case !strings.HasPrefix(err.Error(), "stone: "+op+": ") || !strings.Contains(err.Error(), tt.field):
				t.Errorf("err = %q, want prefix %q naming %s", err, "stone: "+op+": ", tt.field)
			}
		})
	}
	if n := len(fs.requests()) - before; n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

// apiError asserts err is an *Error with the given status and type.
func apiError(t *testing.T, err error, status int, typ string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error", err)
	}
	if e.Status != status || e.Type != typ || e.RequestID != "req-123" {
		t.Errorf("got %+v, want status %d type %q request id req-123", e, status, typ)
	}
	return e
}
