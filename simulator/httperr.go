package simulator

import (
	"encoding/json"
	"net/http"
	"time"
)

// reply is a response computed while the store lock is held and written after
// it is released: the body is marshalled immediately so that no store value is
// read outside the lock.
type reply struct {
	status int
	body   []byte
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		// Only simulator-built values reach here; this is a simulator bug, but it
		// still answers JSON rather than breaking the connection.
		return reply{http.StatusInternalServerError, []byte(`{"type":"srn:error:internal"}`)}
	}
	return reply{status, b}
}

func (rp reply) write(w http.ResponseWriter) {
	if rp.status == http.StatusNoContent {
		w.WriteHeader(rp.status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rp.status)
	_, _ = w.Write(rp.body)
}

// srnError is Stone's error body. Reason is either a string (bad_request) or
// a list of fieldError (validation); Path is set for invalid_cursor only.
type srnError struct {
	Path   string `json:"path,omitempty"`
	Reason any    `json:"reason,omitempty"`
	Type   string `json:"type"`
}

type fieldError struct {
	Error string   `json:"error"`
	Path  []string `json:"path"`
}

func srnErr(status int, code string) reply {
	return jsonReply(status, srnError{Type: "srn:error:" + code})
}

func badRequest(reason string) reply {
	return jsonReply(http.StatusBadRequest, srnError{Type: "srn:error:bad_request", Reason: reason})
}

func validationErr(errs ...fieldError) reply {
	return jsonReply(http.StatusBadRequest, srnError{Type: "srn:error:validation", Reason: errs})
}

func invalidCursor(path string) reply {
	return jsonReply(http.StatusBadRequest, srnError{Type: "srn:error:invalid_cursor", Path: path})
}

// Stone never says whether an account exists: unknown and unconsented ids
// both answer 403 unauthorized.
func unauthorized() reply { return srnErr(http.StatusForbidden, "unauthorized") }

func notFound() reply { return srnErr(http.StatusNotFound, "not_found") }

// keycloakError is the token endpoint's error body: the token endpoint is
// Keycloak, not Stone's API, and speaks OAuth2 errors.
type keycloakError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func oauthErr(status int, code, desc string) reply {
	return jsonReply(status, keycloakError{Error: code, Description: desc})
}

// ts formats Stone's datetimes: ISO 8601, UTC, second precision, "Z".
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func tsPtr(t time.Time) *string {
	v := ts(t)
	return &v
}

func strPtr(v string) *string { return &v }
