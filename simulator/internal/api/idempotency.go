package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"
)

const (
	// IdempotencyHeader is Stone's idempotency key header (§5.10).
	IdempotencyHeader    = "X-Stone-Idempotency-Key"
	maxIdempotencyKeyLen = 72
)

// Idempotency remembers keys and the answers given to them, per client,
// method and path. Its lock is its own: a key's bookkeeping never needs the
// ledger.
type Idempotency struct {
	mu      sync.Mutex
	entries map[string]*idemEntry
}

// idemEntry remembers one idempotency key: the body it came with and, once
// the first request finished, the response to replay.
type idemEntry struct {
	fingerprint string
	inFlight    bool
	status      int
	body        []byte
	contentType string
	filename    string
}

// NewIdempotency returns an empty key store.
func NewIdempotency() *Idempotency { return &Idempotency{entries: map[string]*idemEntry{}} }

// Wrap applies Stone's x-stone-idempotency-key rules (§5.10) to a POST:
//   - no key: the request runs as is;
//   - key over 72 characters: 431;
//   - new key: runs, and a 2xx response is remembered;
//   - same key, same body (compared as canonical JSON): the remembered
//     status and body are replayed and nothing runs again;
//   - same key, different body: 409 idempotency_conflict;
//   - same key while the first request is still running: 423 locked.
//
// Only 2xx responses are remembered: a rejected request changed nothing, so
// the client may fix it and retry under the same key.
func (id *Idempotency) Wrap(next Handler) Handler {
	return func(w http.ResponseWriter, r *http.Request, c *Call) {
		key := strings.TrimSpace(r.Header.Get(IdempotencyHeader))
		if key == "" {
			next(w, r, c)
			return
		}
		if utf8.RuneCountInString(key) > maxIdempotencyKeyLen {
			// Stone documents the 431 without a body; it is answered as a
			// bad_request, whose details go under errors (§6).
			JSON(http.StatusRequestHeaderFieldsTooLarge, Error{Type: "srn:error:bad_request",
				Errors: []FieldError{{Error: "longer than 72 characters", Path: []string{"x-stone-idempotency-key"}}}}).Write(w)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			BadRequest("could not read request body: " + err.Error()).Write(w)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		fp := fingerprint(body)
		scope := strings.Join([]string{c.ClientID, r.Method, r.URL.Path, key}, "\x00")

		id.mu.Lock()
		e, seen := id.entries[scope]
		var early *Reply
		switch {
		case !seen:
			e = &idemEntry{fingerprint: fp, inFlight: true}
			id.entries[scope] = e
		case e.fingerprint != fp:
			early = Ptr(Err(http.StatusConflict, "idempotency_conflict"))
		case e.inFlight:
			early = Ptr(Err(http.StatusLocked, "locked"))
		default:
			early = &Reply{Status: e.status, Body: e.body, ContentType: e.contentType, Filename: e.filename}
		}
		id.mu.Unlock()
		if early != nil {
			early.Write(w)
			return
		}

		rec := &recorder{header: http.Header{}}
		completed := false
		defer func() {
			// Even if the handler panics, the key must not stay locked forever.
			id.mu.Lock()
			if completed && rec.status/100 == 2 {
				e.inFlight, e.status, e.body = false, rec.status, rec.body.Bytes()
				// A document replays as the document it was, not as JSON.
				e.contentType = rec.header.Get("Content-Type")
				if _, file, ok := strings.Cut(rec.header.Get("Content-Disposition"), `filename="`); ok {
					e.filename = strings.TrimSuffix(file, `"`)
				}
			} else {
				delete(id.entries, scope)
			}
			id.mu.Unlock()
		}()
		next(rec, r, c)
		completed = true
		rec.copyTo(w)
	}
}

// Required wraps a handler whose idempotency key Stone marks as required:
// without one the request is a validation error naming the key.
func (id *Idempotency) Required(next Handler) Handler {
	wrapped := id.Wrap(next)
	return func(w http.ResponseWriter, r *http.Request, c *Call) {
		if strings.TrimSpace(r.Header.Get(IdempotencyHeader)) == "" {
			Validation(FieldError{Error: "can't be blank", Path: []string{"idempotency_key"}}).Write(w)
			return
		}
		wrapped(w, r, c)
	}
}

// fingerprint compares bodies by meaning: key order and whitespace do not
// make a different request. Non-JSON bodies compare byte for byte.
func fingerprint(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	canon := append([]byte("raw:"), body...)
	if err := dec.Decode(&v); err == nil && !dec.More() {
		if b, err := json.Marshal(v); err == nil {
			canon = append([]byte("json:"), b...)
		}
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// recorder captures a handler's response so it can be remembered and replayed.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (r *recorder) copyTo(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if r.status == 0 {
		r.status = http.StatusOK
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body.Bytes())
}
