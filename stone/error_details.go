package stone

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error types Stone documents for idempotency and validation (stone-api.md
// §5.10, §6). 423 and 431 carry no documented type; branch on Status.
const (
	ErrTypeIdempotencyConflict = "srn:error:idempotency_conflict" // 409: same key, different body
	ErrTypeConflict            = "srn:error:conflict"             // 409 on boleto issuance
	ErrTypeValidation          = "srn:error:validation"           // 400/422 with reason[] or a reason string
	ErrTypeBadRequest          = "srn:error:bad_request"
	ErrTypeUnauthenticated     = "srn:error:unauthenticated"
	ErrTypeUnauthorized        = "srn:error:unauthorized"
	ErrTypeProductNotEnabled   = "srn:error:product_not_enabled"
)

// ErrorDetail is one {error, path} entry of a reason/errors array. Path
// elements that Stone sends as numbers (array indexes) are kept as text.
type ErrorDetail struct {
	Error string
	Path  []string
}

// Details lists the {error, path} entries of the error body: Stone puts them
// in reason (validation), errors (bad_request) or validation_errors (its Go
// SDK). A string reason or a body of another shape yields nil.
func (e *Error) Details() []ErrorDetail {
	if e == nil || isNull(e.Reason) {
		return nil
	}
	if d, ok := parseDetails(e.Reason); ok {
		return d
	}
	// Several members were kept keyed by name (see newAPIError).
	var members map[string]json.RawMessage
	if json.Unmarshal(e.Reason, &members) != nil {
		return nil
	}
	var out []ErrorDetail
	for _, k := range []string{"reason", "errors", "validation_errors"} {
		if d, ok := parseDetails(members[k]); ok {
			out = append(out, d...)
		}
	}
	return out
}

// Paths lists each detail's field path joined with dots
// ("target.account.account_code"), in the order Stone sent them, so a step
// can assert which field Stone rejected.
func (e *Error) Paths() []string {
	var out []string
	for _, d := range e.Details() {
		out = append(out, strings.Join(d.Path, "."))
	}
	return out
}

func parseDetails(raw json.RawMessage) ([]ErrorDetail, bool) {
	var items []struct {
		Error json.RawMessage `json:"error"`
		Path  json.RawMessage `json:"path"`
	}
	if isNull(raw) || json.Unmarshal(raw, &items) != nil {
		return nil, false
	}
	out := make([]ErrorDetail, 0, len(items))
	for _, it := range items {
		d := ErrorDetail{Error: jsonText(it.Error)}
		var parts []json.RawMessage
		if json.Unmarshal(it.Path, &parts) == nil {
			for _, p := range parts {
				d.Path = append(d.Path, jsonText(p))
			}
		} else if s := jsonText(it.Path); s != "" {
			d.Path = []string{s} // a bare string path, as in invalid_cursor
		}
		out = append(out, d)
	}
	return out, true
}

// jsonText renders a JSON string unquoted and anything else (numbers) as
// its compact JSON text; null becomes "".
func jsonText(raw json.RawMessage) string {
	if isNull(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(compact(raw))
}

// RetryAfter reports how long Stone asked the caller to wait, for 429 and
// 503 answers carrying Retry-After (delay-seconds or an HTTP-date). The
// client itself never retries: each attempt must appear in the evidence as
// the runner made it, so the caller decides. An HTTP-date is measured
// against the response's Date header when present (both are the server's
// clock), else against the injected clock at receipt; a date in the past
// yields 0.
func (e *Error) RetryAfter() (time.Duration, bool) {
	if e == nil || (e.Status != http.StatusTooManyRequests && e.Status != http.StatusServiceUnavailable) {
		return 0, false
	}
	v := strings.TrimSpace(e.retryAfter)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		const maxSecs = int64((1<<63 - 1) / int64(time.Second))
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	base := e.received
	if d, err := http.ParseTime(e.date); err == nil {
		base = d
	}
	if base.IsZero() {
		return 0, false
	}
	return max(at.Sub(base), 0), true
}
