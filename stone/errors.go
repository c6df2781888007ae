package stone

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error is a non-2xx answer from Stone (API or token endpoint). Read it with
// errors.As; Type is the stable part to branch on ("srn:error:unauthorized",
// or Keycloak's "invalid_client" for the token endpoint).
type Error struct {
	Status    int             // HTTP status
	Type      string          // "srn:error:unauthorized", or Keycloak's "invalid_client" for the token endpoint
	Reason    json.RawMessage // the raw reason/errors/path detail if any (string, array of {error,path}, ...)
	RequestID string          // x-request-id response header
	Method    string          // what was called
	Path      string          // path without query

	// challenge is the body's challenge member, when Stone asks for one
	// (srn:error:challenge_required); see Challenge.
	challenge json.RawMessage

	// What RetryAfter needs: the raw Retry-After and Date headers, and the
	// injected clock's time when the answer arrived.
	retryAfter string
	date       string
	received   time.Time
}

const (
	maxSnippet      = 256 // bytes of a non-JSON body kept in Reason
	maxReasonInText = 200 // bytes of Reason shown by Error()
	maxRawReason    = 1024
)

// Error reads "stone: POST /api/v1/internal_transfers: 409
// srn:error:idempotency_conflict (x-request-id abc): <short reason>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("stone: ")
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.Status))
	if e.Type != "" {
		b.WriteString(" " + e.Type)
	}
	if e.RequestID != "" {
		b.WriteString(" (x-request-id " + e.RequestID + ")")
	}
	if r := shortReason(e.Reason); r != "" {
		b.WriteString(": " + r)
	}
	return b.String()
}

// newAPIError decodes an API error body leniently: Stone's bodies vary by
// endpoint and a proxy in between may answer with HTML.
func newAPIError(status int, h http.Header, method, path string, body []byte) *Error {
	e := &Error{Status: status, RequestID: h.Get("x-request-id"), Method: method, Path: path,
		retryAfter: h.Get("Retry-After"), date: h.Get("Date")}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		e.Reason = snippetJSON(body)
		return e
	}
	if raw, ok := obj["type"]; ok {
		_ = json.Unmarshal(raw, &e.Type) // a non-string type is left empty
	}
	if raw, ok := obj["challenge"]; ok && !isNull(raw) {
		e.challenge = compact(raw)
	}
	details := map[string]json.RawMessage{}
	var only json.RawMessage
	// The members Stone uses for error details (stone-api.md §6).
	for _, k := range []string{"reason", "errors", "validation_errors", "path"} {
		if raw, ok := obj[k]; ok && !isNull(raw) {
			details[k] = raw
			only = raw
		}
	}
	switch {
	case len(details) == 1:
		// The usual case: keep the member as sent (string, array, ...).
		e.Reason = compact(only)
	case len(details) > 1:
		// Several members: keep them all, keyed as Stone named them.
		b, _ := json.Marshal(details)
		e.Reason = b
	case e.Type == "":
		// JSON, but not Stone's shape: keep it so the cause is visible.
		e.Reason = rawOrSnippet(body)
	}
	return e
}

// newTokenError decodes a Keycloak error {"error","error_description"}. A body
// that carries an access_token is never echoed, whatever its status.
func newTokenError(status int, h http.Header, method, path string, body []byte) *Error {
	e := &Error{Status: status, RequestID: h.Get("x-request-id"), Method: method, Path: path,
		retryAfter: h.Get("Retry-After"), date: h.Get("Date")}
	var kc struct {
		Error       string          `json:"error"`
		Description json.RawMessage `json:"error_description"`
	}
	if json.Unmarshal(body, &kc) == nil && kc.Error != "" {
		e.Type = kc.Error
		if !isNull(kc.Description) {
			e.Reason = compact(kc.Description)
		}
		return e
	}
	if bytes.Contains(body, []byte("access_token")) {
		e.Reason = json.RawMessage(`"[body withheld: it contained an access_token]"`)
		return e
	}
	return newAPIError(status, h, method, path, body)
}

// opError prefixes an error with the operation that failed. It drops the
// wrapped message's own "stone: " so chains read "stone: create internal
// transfer: POST /api/v1/...: 409 ..." instead of repeating the package.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	return "stone: " + e.op + ": " + strings.TrimPrefix(e.err.Error(), "stone: ")
}

func (e *opError) Unwrap() error { return e.err }

func wrap(op string, err error) error { return &opError{op: op, err: err} }

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return snippetJSON(raw)
	}
	return b.Bytes()
}

func rawOrSnippet(body []byte) json.RawMessage {
	c := compact(body)
	if len(c) <= maxRawReason {
		return c
	}
	return snippetJSON(body)
}

// snippetJSON keeps the start of a body as a JSON string; Reason must stay
// valid JSON even when the body is HTML or binary.
func snippetJSON(body []byte) json.RawMessage {
	s := truncate(strings.TrimSpace(string(body)), maxSnippet)
	if s == "" {
		return nil
	}
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.ToValidUTF8(s[:cut], "\uFFFD") + "…"
}

// shortReason renders Reason for Error(): strings unquoted, anything else
// as compact JSON, both cut short so messages stay one line.
func shortReason(raw json.RawMessage) string {
	if isNull(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return truncate(strings.Join(strings.Fields(s), " "), maxReasonInText)
	}
	return truncate(string(compact(raw)), maxReasonInText)
}
