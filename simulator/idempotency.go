package simulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

const (
	idempotencyHeader    = "X-Stone-Idempotency-Key"
	maxIdempotencyKeyLen = 72
)

// idemEntry remembers one idempotency key: the body it came with and, once
// the first request finished, the response to replay.
type idemEntry struct {
	fingerprint string
	inFlight    bool
	status      int
	body        []byte
}

// idempotent wraps a POST handler with Stone's x-stone-idempotency-key rules
// (§5.10), scoped per client, method and path:
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
func (s *Simulator) idempotent(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
		key := strings.TrimSpace(r.Header.Get(idempotencyHeader))
		if key == "" {
			next(w, r, rc)
			return
		}
		if utf8.RuneCountInString(key) > maxIdempotencyKeyLen {
			jsonReply(http.StatusRequestHeaderFieldsTooLarge, srnError{Type: "srn:error:bad_request",
				Reason: "x-stone-idempotency-key longer than 72 characters"}).write(w)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			badRequest("could not read request body: " + err.Error()).write(w)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		fp := fingerprint(body)
		clientID := ""
		if rc.client != nil {
			clientID = rc.client.ID
		}
		scope := strings.Join([]string{clientID, r.Method, r.URL.Path, key}, "\x00")

		s.mu.Lock()
		e, seen := s.st.idem[scope]
		var early *reply
		switch {
		case !seen:
			e = &idemEntry{fingerprint: fp, inFlight: true}
			s.st.idem[scope] = e
		case e.fingerprint != fp:
			early = ptr(srnErr(http.StatusConflict, "idempotency_conflict"))
		case e.inFlight:
			early = ptr(srnErr(http.StatusLocked, "locked"))
		default:
			early = &reply{status: e.status, body: e.body}
		}
		s.mu.Unlock()
		if early != nil {
			early.write(w)
			return
		}

		rec := &recorder{header: http.Header{}}
		completed := false
		defer func() {
			// Even if the handler panics, the key must not stay locked forever.
			s.mu.Lock()
			if completed && rec.status/100 == 2 {
				e.inFlight, e.status, e.body = false, rec.status, rec.body.Bytes()
			} else {
				delete(s.st.idem, scope)
			}
			s.mu.Unlock()
		}()
		next(rec, r, rc)
		completed = true
		rec.copyTo(w)
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

func ptr[T any](v T) *T { return &v }

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
