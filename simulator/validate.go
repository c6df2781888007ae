package simulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	digitsRE = regexp.MustCompile(`^\d+$`)
	dateRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// fields reads one JSON object of a request body and collects every problem
// with Stone's {"error","path"} shape, so a client learns all of them at once
// instead of the first JSON type error. Paths are absolute (["target",
// "account","account_code"]) however deep the object is.
type fields struct {
	obj  map[string]json.RawMessage
	path []string
	errs *[]fieldError
}

// decodeFields reads the request body as one JSON object; anything else is a
// bad_request (the body could not be understood at all).
func decodeFields(r *http.Request) (fields, reply, bool) {
	obj, err := decodeObject(r.Body)
	if err != nil {
		return fields{}, badRequest(err.Error()), false
	}
	return fields{obj: obj, errs: &[]fieldError{}}, reply{}, true
}

// emptyFields is an object with no members, for optional bodies.
func emptyFields() fields { return fields{obj: map[string]json.RawMessage{}, errs: &[]fieldError{}} }

func (f fields) at(name ...string) []string {
	return append(append([]string{}, f.path...), name...)
}

// add records a problem at the path of name below this object.
func (f fields) add(msg string, name ...string) {
	*f.errs = append(*f.errs, fieldError{Error: msg, Path: f.at(name...)})
}

func (f fields) failed() bool { return len(*f.errs) > 0 }

// result is the validation error for everything recorded, if anything was.
func (f fields) result() (reply, bool) {
	if f.failed() {
		return validationErr(*f.errs...), false
	}
	return reply{}, true
}

func (f fields) has(name string) bool {
	_, ok := present(f.obj, name)
	return ok
}

// str reads a string member. Absent or null is "" (and an error when
// required); an empty string given for a required member is blank too.
func (f fields) str(name string, required bool) string {
	raw, ok := present(f.obj, name)
	if !ok {
		if required {
			f.add("can't be blank", name)
		}
		return ""
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		f.add("must be a string", name)
		return ""
	}
	if required && strings.TrimSpace(v) == "" {
		f.add("can't be blank", name)
	}
	return v
}

// maxLen checks a string member's length in characters.
func (f fields) maxLen(name, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		f.add("should be at most "+strconv.Itoa(n)+" character(s)", name)
	}
}

// int reads an integer member (cents), rejecting fractions, strings and
// numbers beyond int64.
func (f fields) int(name string, required bool) (int64, bool) {
	raw, ok := present(f.obj, name)
	if !ok {
		if required {
			f.add("can't be blank", name)
		}
		return 0, false
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		f.add("must be an integer", name)
		return 0, false
	}
	return n, true
}

// amount reads a required positive amount in cents no greater than max.
func (f fields) amount(name string, required bool, max int64) (int64, bool) {
	n, ok := f.int(name, required)
	if !ok {
		return 0, false
	}
	switch {
	case n <= 0:
		f.add("must be greater than 0", name)
		return 0, false
	case n > max:
		f.add("must be less than or equal to "+itoa(max), name)
		return 0, false
	}
	return n, true
}

// object reads a nested object member; ok is false when it is absent or not
// an object (the latter recorded as an error).
func (f fields) object(name string, required bool) (fields, bool) {
	raw, ok := present(f.obj, name)
	if !ok {
		if required {
			f.add("can't be blank", name)
		}
		return fields{}, false
	}
	obj, err := decodeObject(bytes.NewReader(raw))
	if err != nil {
		f.add("must be an object", name)
		return fields{}, false
	}
	return fields{obj: obj, path: f.at(name), errs: f.errs}, true
}

// array reads an array of objects member.
func (f fields) array(name string) ([]fields, bool) {
	raw, ok := present(f.obj, name)
	if !ok {
		return nil, false
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		f.add("must be an array", name)
		return nil, false
	}
	out := make([]fields, 0, len(items))
	for i, it := range items {
		obj, err := decodeObject(bytes.NewReader(it))
		if err != nil {
			f.add("must be an object", name, strconv.Itoa(i))
			continue
		}
		out = append(out, fields{obj: obj, path: f.at(name, strconv.Itoa(i)), errs: f.errs})
	}
	return out, true
}

// date reads a yyyy-mm-dd member; "" when absent or invalid.
func (f fields) date(name string, required bool) string {
	v := f.str(name, required)
	if v == "" {
		return ""
	}
	if _, err := parseDay(v); err != nil {
		f.add("must be a date (yyyy-mm-dd)", name)
		return ""
	}
	return v
}

// scheduledTo reads scheduled_to, or the "schedule_to" typo of Stone's
// Postman collection; both spellings are accepted.
func (f fields) scheduledTo() *string {
	name := "scheduled_to"
	if !f.has(name) && f.has("schedule_to") {
		name = "schedule_to"
	}
	if v := f.date(name, false); v != "" {
		return &v
	}
	return nil
}

// parseDay reads a yyyy-mm-dd date as midnight in Brasília.
func parseDay(v string) (time.Time, error) {
	if !dateRE.MatchString(v) {
		return time.Time{}, errBadDate
	}
	return time.ParseInLocation(time.DateOnly, v, brasilia())
}

// idempotencyKeyRequired wraps a handler whose idempotency key Stone marks as
// required: without one the request is a validation error naming the key.
func (s *Simulator) idempotencyKeyRequired(next handler) handler {
	wrapped := s.idempotent(next)
	return func(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
		if strings.TrimSpace(r.Header.Get(idempotencyHeader)) == "" {
			validationErr(fieldError{Error: "can't be blank", Path: []string{"idempotency_key"}}).write(w)
			return
		}
		wrapped(w, r, rc)
	}
}

// documentType infers cpf/cnpj from a document's length, the way Stone
// fills document_type when it is omitted.
func documentType(doc string) string {
	switch len(doc) {
	case 11:
		return "cpf"
	case 14:
		return "cnpj"
	}
	return ""
}

// conflict is 409 with a reason saying why the state forbids the action.
func conflict(reason string) reply {
	return jsonReply(http.StatusConflict, srnError{Type: "srn:error:conflict", Reason: reason})
}

// unprocessable is 422 with a Stone error type and an explanation.
func unprocessable(code, reason string) reply {
	return jsonReply(http.StatusUnprocessableEntity, srnError{Type: "srn:error:" + code, Reason: reason})
}

// snapshot freezes a resource as JSON for an event: the event must show the
// resource as it was at the change, not as it is when delivered.
func snapshot(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`null`)
	}
	return b
}

// entrySnapshot is a statement entry as webhook target_data: the entry's
// JSON plus its account_id, which §7 says target_data always carries
// (the statement endpoint leaves it out, being scoped to one account).
func entrySnapshot(e *entry) json.RawMessage {
	var m map[string]any
	if err := json.Unmarshal(snapshot(e), &m); err != nil || m == nil {
		return snapshot(e)
	}
	m["account_id"] = e.accountID
	return snapshot(m)
}
