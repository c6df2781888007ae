// Package api holds what every family of the simulated Stone API shares:
// the JSON answers and srn:error bodies (§6), reading request bodies field
// by field, cursor pagination (§4.1), idempotency (§5.10) and the router
// that answers unknown routes and wrong methods in JSON.
package api

import (
	"encoding/json"
	"net/http"
)

// Reply is a response computed while the simulator's lock is held and
// written after it is released: the body is marshalled at once, so that no
// shared value is read outside the lock.
type Reply struct {
	Status int
	Body   []byte
	// ContentType is the body's media type; "" is application/json. A
	// document (a receipt, a boleto) is application/pdf, shown inline
	// under Filename.
	ContentType string
	Filename    string
}

// JSON marshals v as the body of a reply with status.
func JSON(status int, v any) Reply {
	b, err := json.Marshal(v)
	if err != nil {
		// Only simulator-built values reach here; this is a simulator bug, but
		// it still answers JSON rather than breaking the connection.
		return Reply{Status: http.StatusInternalServerError, Body: []byte(`{"type":"srn:error:internal"}`)}
	}
	return Reply{Status: status, Body: b}
}

// Document is a 200 answer carrying a file, such as a PDF, shown inline
// under filename.
func Document(contentType, filename string, body []byte) Reply {
	return Reply{Status: http.StatusOK, Body: body, ContentType: contentType, Filename: filename}
}

// NoContent is 204 without a body.
func NoContent() Reply { return Reply{Status: http.StatusNoContent} }

// OK is 200 without a body, as Stone documents its deletions ("200 OK"
// and nothing after it: stone-api-families.md §5.1).
func OK() Reply { return Reply{Status: http.StatusOK} }

// Write sends the reply. A reply without a body says nothing of a content
// type it does not have.
func (rp Reply) Write(w http.ResponseWriter) {
	if rp.Status == http.StatusNoContent || len(rp.Body) == 0 {
		w.WriteHeader(rp.Status)
		return
	}
	ct := rp.ContentType
	if ct == "" {
		ct = "application/json"
	}
	if rp.Filename != "" {
		w.Header().Set("Content-Disposition", `inline; filename="`+rp.Filename+`"`)
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(rp.Status)
	_, _ = w.Write(rp.Body)
}

// Error is Stone's error body (stone-api.md §6): {"type":"srn:error:<code>"}
// plus, by type, errors:[{error,path}] (bad_request), reason (a list of
// FieldError for validation, a string elsewhere) or path (invalid_cursor).
type Error struct {
	Errors []FieldError `json:"errors,omitempty"`
	Path   string       `json:"path,omitempty"`
	Reason any          `json:"reason,omitempty"`
	Type   string       `json:"type"`
}

// FieldError is one {"error","path"} detail.
type FieldError struct {
	Error string   `json:"error"`
	Path  []string `json:"path"`
}

// Err is status with the bare error type srn:error:code.
func Err(status int, code string) Reply {
	return JSON(status, Error{Type: "srn:error:" + code})
}

// BadRequest is 400 srn:error:bad_request for a request that could not be
// understood at all. Its detail goes under errors:[{error,path}], where
// stone-api.md §6 puts bad_request details; path names the part of the
// request at fault (none for the body as a whole).
func BadRequest(msg string, path ...string) Reply {
	if path == nil {
		path = []string{}
	}
	return JSON(http.StatusBadRequest, Error{Type: "srn:error:bad_request", Errors: []FieldError{{Error: msg, Path: path}}})
}

// Validation is 400 srn:error:validation with every problem found.
func Validation(errs ...FieldError) Reply {
	return JSON(http.StatusBadRequest, Error{Type: "srn:error:validation", Reason: errs})
}

// InvalidCursor is 400 srn:error:invalid_cursor naming the query parameter.
func InvalidCursor(path string) Reply {
	return JSON(http.StatusBadRequest, Error{Type: "srn:error:invalid_cursor", Path: path})
}

// Unauthorized: Stone never says whether an account exists; unknown and
// unconsented ids both answer 403 unauthorized.
func Unauthorized() Reply { return Err(http.StatusForbidden, "unauthorized") }

// NotFound is 404 srn:error:not_found.
func NotFound() Reply { return Err(http.StatusNotFound, "not_found") }

// Conflict is 409 with a reason saying why the state forbids the action.
func Conflict(reason string) Reply {
	return JSON(http.StatusConflict, Error{Type: "srn:error:conflict", Reason: reason})
}

// Unprocessable is 422 with a Stone error type and an explanation.
func Unprocessable(code, reason string) Reply {
	return JSON(http.StatusUnprocessableEntity, Error{Type: "srn:error:" + code, Reason: reason})
}

// Snapshot freezes a resource as JSON, for an event: the event must show the
// resource as it was at the change, not as it is when delivered.
func Snapshot(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`null`)
	}
	return b
}
