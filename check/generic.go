package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// The generic steps' checks: what a QA engineer writes in a feature file
// ("Then the response field "status" is "FINISHED"") judged, like every
// other check, from the recorded exchange alone. Each reads the last call
// of role "response" (or every read of role "reads"), whatever its status:
// a refusal's body is a response too ("the response field "type" is
// "srn:error:unauthorized"").

// Field types, as the steps name them.
const (
	TypeNumber  = "number"
	TypeString  = "string"
	TypeBoolean = "boolean"
	TypeArray   = "array"
	TypeObject  = "object"
	TypeNull    = "null"
)

// responseStatus: the last call of role "response" was answered with
// status (param "status").
func responseStatus(p Params, in Inputs) error {
	want, err := p.Int("status")
	if err != nil {
		return err
	}
	r, err := in.last("response")
	if err != nil {
		return err
	}
	switch {
	case r.HTTP.Status == 0:
		return fmt.Errorf("%s got no response (%s); want status %d", where(r), r.HTTP.Error, want)
	case int64(r.HTTP.Status) != want:
		return fmt.Errorf("%s answered %d%s (x-request-id %s); want status %d", where(r), r.HTTP.Status, errorType(r), requestID(r), want)
	}
	return nil
}

// fieldEquals: the field at param "path" of the last response is the
// string or the number (param "as") param "value".
func fieldEquals(p Params, in Inputs) error {
	r, v, err := responseField(in, "response", p["path"])
	if err != nil {
		return err
	}
	want := p["value"]
	switch p["as"] {
	case TypeString:
		if s, ok := v.(string); !ok || s != want {
			return fmt.Errorf("%s: field %q is %s; want the string %q", where(r), p["path"], describe(v), want)
		}
	case TypeNumber:
		w, ok := new(big.Rat).SetString(want)
		if !ok {
			return fmt.Errorf("parameter value %q is not a number", want)
		}
		n, isNum := v.(json.Number)
		got, ok := new(big.Rat), false
		if isNum {
			got, ok = got.SetString(n.String())
		}
		if !ok || got.Cmp(w) != 0 {
			return fmt.Errorf("%s: field %q is %s; want the number %s", where(r), p["path"], describe(v), want)
		}
	default:
		return fmt.Errorf("parameter as is %q: want %s or %s", p["as"], TypeString, TypeNumber)
	}
	return nil
}

// fieldType: the field at param "path" of the last response is of JSON
// type param "type" (number, string, boolean, array, object, null).
func fieldType(p Params, in Inputs) error {
	want := p["type"]
	switch want {
	case TypeNumber, TypeString, TypeBoolean, TypeArray, TypeObject, TypeNull:
	default:
		return fmt.Errorf("parameter type is %q: want number, string, boolean, array, object or null", want)
	}
	r, v, err := responseField(in, "response", p["path"])
	if err != nil {
		return err
	}
	if got := typeOf(v); got != want {
		return fmt.Errorf("%s: field %q is %s; want %s %s", where(r), p["path"], describe(v), article(want), want)
	}
	return nil
}

// fieldMinItems: the field at param "path" of the last response is an
// array of at least param "min" items.
func fieldMinItems(p Params, in Inputs) error {
	min, err := p.Int("min")
	if err != nil {
		return err
	}
	r, v, err := responseField(in, "response", p["path"])
	if err != nil {
		return err
	}
	items, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%s: field %q is %s; want an array of at least %d items", where(r), p["path"], describe(v), min)
	}
	if int64(len(items)) < min {
		return fmt.Errorf("%s: field %q has %d items; want at least %d", where(r), p["path"], len(items), min)
	}
	return nil
}

// fieldSaved: the field at param "path" of the last response exists and
// reads as param "value", the value the step saved (under param "name").
func fieldSaved(p Params, in Inputs) error {
	r, v, err := responseField(in, "response", p["path"])
	if err != nil {
		return err
	}
	if got := FieldText(v); got != p["value"] {
		return fmt.Errorf("%s: field %q reads %q; the step saved %q", where(r), p["path"], got, p["value"])
	}
	return nil
}

// fieldEventually: the reads of role "reads" ended with one whose field at
// param "path" equals param "value" (a string, or the text of a number or
// boolean), read no later than param "within_ms" after the first read
// started.
func fieldEventually(p Params, in Inputs) error {
	within, err := p.Int("within_ms")
	if err != nil {
		return err
	}
	reads := in.http("reads")
	if len(reads) == 0 {
		return fmt.Errorf("no read was recorded")
	}
	first, last := reads[0], reads[len(reads)-1]
	elapsed := last.HTTP.StartedAt.Sub(first.HTTP.StartedAt)
	limit := time.Duration(within) * time.Millisecond
	_, v, ferr := responseField(Inputs{"response": {last}}, "response", p["path"])
	switch {
	case ferr != nil:
		return fmt.Errorf("after %s over %s: %w; want field %q equal to %q", plural(len(reads), "read"), elapsed.Round(time.Millisecond), ferr, p["path"], p["value"])
	case !equalText(v, p["value"]):
		return fmt.Errorf("after %s over %s, %s: field %q is %s; want %q within %s", plural(len(reads), "read"), elapsed.Round(time.Millisecond), where(last), p["path"], describe(v), p["value"], limit)
	case !first.HTTP.StartedAt.IsZero() && elapsed > limit:
		return fmt.Errorf("%s: field %q became %q only %s after the first read; want it within %s", where(last), p["path"], p["value"], elapsed.Round(time.Millisecond), limit)
	}
	return nil
}

// LastField reads path in the body of the last call of recs (a step's
// records), as the generic checks read it: for a step that keeps the
// value (the check that follows records what it kept).
func LastField(recs []Record, path string) (any, error) {
	_, v, err := responseField(Inputs{"response": recs}, "response", path)
	return v, err
}

// responseField decodes the last call of role as JSON and reads path in it.
func responseField(in Inputs, role, path string) (Record, any, error) {
	r, err := in.last(role)
	if err != nil {
		return r, nil, err
	}
	if r.HTTP.Status == 0 {
		return r, nil, fmt.Errorf("%s got no response: %s", where(r), r.HTTP.Error)
	}
	dec := json.NewDecoder(bytes.NewReader(r.HTTP.ResponseBody))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return r, nil, fmt.Errorf("%s answered %d with a body that is not JSON: %v", where(r), r.HTTP.Status, err)
	}
	v, err := Field(doc, path)
	if err != nil {
		return r, nil, fmt.Errorf("%s (answered %d): %w", where(r), r.HTTP.Status, err)
	}
	return r, v, nil
}

// Field reads a path of dots and indexes ("data[0].id", "[2]", "a.b") in
// a JSON document decoded with UseNumber. The error names the part of
// the path that is not there.
func Field(doc any, path string) (any, error) {
	segs, err := parseFieldPath(path)
	if err != nil {
		return nil, err
	}
	v := doc
	for i, s := range segs {
		at := fieldPathText(segs[:i])
		if s.index < 0 {
			obj, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("no field %q: %s is %s, not an object", path, orBody(at), describe(v))
			}
			next, ok := obj[s.name]
			if !ok {
				return nil, fmt.Errorf("no field %q: %s has no member %q", path, orBody(at), s.name)
			}
			v = next
			continue
		}
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("no field %q: %s is %s, not an array", path, orBody(at), describe(v))
		}
		if s.index >= len(arr) {
			return nil, fmt.Errorf("no field %q: %s has %s", path, orBody(at), plural(len(arr), "item"))
		}
		v = arr[s.index]
	}
	return v, nil
}

// fieldSeg is one step of a field path: a member name, or (index ≥ 0) an
// array index.
type fieldSeg struct {
	name  string
	index int
}

// CheckFieldPath says what is wrong with a field path, or nil: the runner
// refuses a bad one before the run, naming its file and line.
func CheckFieldPath(path string) error {
	_, err := parseFieldPath(path)
	return err
}

// parseFieldPath reads "data[0].id" into its steps; it refuses an empty
// path, an empty member name and an index that is not a whole number.
func parseFieldPath(path string) ([]fieldSeg, error) {
	if path == "" {
		return nil, fmt.Errorf("the field path is empty (write e.g. data[0].id)")
	}
	var out []fieldSeg
	for i, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name == "" && (i > 0 || rest == "" && !strings.HasPrefix(part, "[")) {
			return nil, fmt.Errorf("field path %q has an empty member name (two dots, or a dot at an end)", path)
		}
		if name != "" {
			out = append(out, fieldSeg{name: name, index: -1})
		}
		if !strings.HasPrefix(part[len(name):], "[") {
			continue
		}
		for idx := part[len(name):]; idx != ""; {
			end := strings.IndexByte(idx, ']')
			if !strings.HasPrefix(idx, "[") || end < 0 {
				return nil, fmt.Errorf("field path %q: %q is not an index like [0]", path, idx)
			}
			n, err := strconv.Atoi(idx[1:end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("field path %q: [%s] is not an index like [0]", path, idx[1:end])
			}
			out = append(out, fieldSeg{index: n})
			idx = idx[end+1:]
		}
	}
	return out, nil
}

func fieldPathText(segs []fieldSeg) string {
	var b strings.Builder
	for _, s := range segs {
		if s.index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
	}
	return b.String()
}

func orBody(at string) string {
	if at == "" {
		return "the body"
	}
	return fmt.Sprintf("%q", at)
}

// typeOf names a decoded JSON value's type.
func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return TypeNull
	case string:
		return TypeString
	case json.Number, float64:
		return TypeNumber
	case bool:
		return TypeBoolean
	case []any:
		return TypeArray
	default:
		return TypeObject
	}
}

func article(typ string) string {
	switch typ {
	case TypeNull:
		return ""
	case TypeArray, TypeObject:
		return "an"
	}
	return "a"
}

// describe names a value for messages: `the string "x"`, `the number 5`,
// `an array of 2 items`.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + x.String()
	case bool:
		return fmt.Sprintf("the boolean %t", x)
	case []any:
		return "an array of " + plural(len(x), "item")
	default:
		return "an object"
	}
}

// FieldText is a field's value as text, the way a saved value is
// substituted into a path or a body: a string as it is, a number or
// boolean as written, null as null, an object or array as compact JSON.
func FieldText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// equalText compares a field with an expected text: a string must be it,
// a number or boolean must be written as it ("equal to "5"" holds for 5).
func equalText(v any, want string) bool {
	switch x := v.(type) {
	case string:
		return x == want
	case json.Number:
		a, ok1 := new(big.Rat).SetString(x.String())
		b, ok2 := new(big.Rat).SetString(want)
		return ok1 && ok2 && a.Cmp(b) == 0
	case bool:
		return strconv.FormatBool(x) == want
	}
	return false
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
