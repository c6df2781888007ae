package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Fields reads one JSON object of a request body and collects every problem
// with Stone's {"error","path"} shape, so a client learns all of them at once
// instead of the first JSON type error. Paths are absolute (["target",
// "account","account_code"]) however deep the object is.
type Fields struct {
	Obj  map[string]json.RawMessage
	path []string
	errs *[]FieldError
}

// DecodeFields reads the request body as one JSON object; anything else is a
// bad_request (the body could not be understood at all).
func DecodeFields(r *http.Request) (Fields, Reply, bool) {
	obj, err := DecodeObject(r.Body)
	if err != nil {
		return Fields{}, BadRequest(err.Error()), false
	}
	return FieldsOf(obj), Reply{}, true
}

// FieldsOf wraps an already decoded object.
func FieldsOf(obj map[string]json.RawMessage) Fields {
	return Fields{Obj: obj, errs: &[]FieldError{}}
}

// OptionalBody reads a JSON object body that may be left out entirely (a
// /_sim/ control, a PIX confirmation): no body reads as {}.
func OptionalBody(r *http.Request) (Fields, Reply, bool) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return Fields{}, BadRequest("could not read request body: " + err.Error()), false
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return FieldsOf(map[string]json.RawMessage{}), Reply{}, true
	}
	obj, err := DecodeObject(bytes.NewReader(raw))
	if err != nil {
		return Fields{}, BadRequest(err.Error()), false
	}
	return FieldsOf(obj), Reply{}, true
}

func (f Fields) at(name ...string) []string {
	return append(append([]string{}, f.path...), name...)
}

// Add records a problem at the path of name below this object.
func (f Fields) Add(msg string, name ...string) {
	*f.errs = append(*f.errs, FieldError{Error: msg, Path: f.at(name...)})
}

// Failed reports whether a problem was recorded.
func (f Fields) Failed() bool { return len(*f.errs) > 0 }

// Result is the validation error for everything recorded, if anything was.
func (f Fields) Result() (Reply, bool) {
	if f.Failed() {
		return Validation(*f.errs...), false
	}
	return Reply{}, true
}

// Has reports whether member name is present and not null.
func (f Fields) Has(name string) bool {
	_, ok := Present(f.Obj, name)
	return ok
}

// Str reads a string member. Absent or null is "" (and an error when
// required); an empty string given for a required member is blank too.
func (f Fields) Str(name string, required bool) string {
	raw, ok := Present(f.Obj, name)
	if !ok {
		if required {
			f.Add("can't be blank", name)
		}
		return ""
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		f.Add("must be a string", name)
		return ""
	}
	if required && strings.TrimSpace(v) == "" {
		f.Add("can't be blank", name)
	}
	return v
}

// MaxLen checks a string member's length in characters.
func (f Fields) MaxLen(name, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		f.Add("should be at most "+strconv.Itoa(n)+" character(s)", name)
	}
}

// Int reads an integer member (cents), rejecting fractions, strings and
// numbers beyond int64.
func (f Fields) Int(name string, required bool) (int64, bool) {
	raw, ok := Present(f.Obj, name)
	if !ok {
		if required {
			f.Add("can't be blank", name)
		}
		return 0, false
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		f.Add("must be an integer", name)
		return 0, false
	}
	return n, true
}

// Amount reads a positive amount in cents no greater than max.
func (f Fields) Amount(name string, required bool, max int64) (int64, bool) {
	n, ok := f.Int(name, required)
	if !ok {
		return 0, false
	}
	switch {
	case n <= 0:
		f.Add("must be greater than 0", name)
		return 0, false
	case n > max:
		f.Add("must be less than or equal to "+Itoa(max), name)
		return 0, false
	}
	return n, true
}

// Object reads a nested object member; ok is false when it is absent or not
// an object (the latter recorded as an error).
func (f Fields) Object(name string, required bool) (Fields, bool) {
	raw, ok := Present(f.Obj, name)
	if !ok {
		if required {
			f.Add("can't be blank", name)
		}
		return Fields{}, false
	}
	obj, err := DecodeObject(bytes.NewReader(raw))
	if err != nil {
		f.Add("must be an object", name)
		return Fields{}, false
	}
	return Fields{Obj: obj, path: f.at(name), errs: f.errs}, true
}

// Array reads an array of objects member.
func (f Fields) Array(name string) ([]Fields, bool) {
	raw, ok := Present(f.Obj, name)
	if !ok {
		return nil, false
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		f.Add("must be an array", name)
		return nil, false
	}
	out := make([]Fields, 0, len(items))
	for i, it := range items {
		obj, err := DecodeObject(bytes.NewReader(it))
		if err != nil {
			f.Add("must be an object", name, strconv.Itoa(i))
			continue
		}
		out = append(out, Fields{Obj: obj, path: f.at(name, strconv.Itoa(i)), errs: f.errs})
	}
	return out, true
}

// Date reads a yyyy-mm-dd member; "" when absent or invalid.
func (f Fields) Date(name string, required bool) string {
	v := f.Str(name, required)
	if v == "" {
		return ""
	}
	if !ValidDate(v) {
		f.Add("must be a date (yyyy-mm-dd)", name)
		return ""
	}
	return v
}

// ValidDate reports whether v is a real calendar date written yyyy-mm-dd.
func ValidDate(v string) bool {
	if !dateRE.MatchString(v) {
		return false
	}
	_, err := time.Parse(time.DateOnly, v)
	return err == nil
}

// ScheduledTo reads scheduled_to, or the "schedule_to" typo of Stone's
// Postman collection (stone-api.md §5.4); both spellings are accepted.
func (f Fields) ScheduledTo() *string {
	name := "scheduled_to"
	if !f.Has(name) && f.Has("schedule_to") {
		name = "schedule_to"
	}
	if v := f.Date(name, false); v != "" {
		return &v
	}
	return nil
}

// DecodeObject reads exactly one JSON object, keeping numbers verbatim.
func DecodeObject(r io.Reader) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("request body must be a JSON object, got an empty body")
		}
		return nil, errors.New("request body is not a valid JSON object: " + err.Error())
	}
	if obj == nil {
		return nil, errors.New("request body must be a JSON object, got null")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("request body has data after the JSON object")
	}
	return obj, nil
}

// Present treats an explicit null like an absent member, as Stone's
// "can't be blank" does.
func Present(obj map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	raw, ok := obj[name]
	if !ok || string(raw) == "null" {
		return nil, false
	}
	return raw, true
}
