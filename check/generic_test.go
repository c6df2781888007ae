package check

import (
	"strings"
	"testing"
	"time"
)

// TestGenericChecks: each generic check holds on a right answer and fails
// on a wrong one with a message naming the fault.
func TestGenericChecks(t *testing.T) {
	body := `{"id":"tr-1","status":"FINISHED","amount":1500,"fee":0.5,"ok":true,"note":null,"data":[{"id":"a"},{"id":"b"}],"meta":{"n":"1"}}`
	resp := func(status int, b string) Inputs {
		return Inputs{"response": {rec(3, "GET", "https://x/api/v1/things/1", status, "", b)}}
	}
	ok := resp(200, body)
	tests := []struct {
		name   string
		check  string
		params Params
		in     Inputs
		want   string // "" = holds; else a part of the message
	}{
		{"status holds", ResponseStatus, Params{"status": "200"}, ok, ""},
		{"status differs", ResponseStatus, Params{"status": "202"}, ok, "answered 200"},
		{"status of a refusal", ResponseStatus, Params{"status": "202"}, resp(422, `{"type":"srn:error:validation"}`), "422 srn:error:validation"},
		{"no response", ResponseStatus, Params{"status": "200"}, Inputs{"response": {{Seq: 1, Kind: KindHTTP, HTTP: &HTTP{Method: "GET", URL: "https://x/y", Error: "connection reset"}}}}, "got no response"},
		{"string equals", FieldEquals, Params{"path": "status", "value": "FINISHED", "as": "string"}, ok, ""},
		{"string differs", FieldEquals, Params{"path": "status", "value": "CREATED", "as": "string"}, ok, `field "status" is the string "FINISHED"; want the string "CREATED"`},
		{"string wanted, number found", FieldEquals, Params{"path": "amount", "value": "1500", "as": "string"}, ok, "is the number 1500"},
		{"number equals", FieldEquals, Params{"path": "amount", "value": "1500", "as": "number"}, ok, ""},
		{"number equals written otherwise", FieldEquals, Params{"path": "fee", "value": "0.50", "as": "number"}, ok, ""},
		{"number differs", FieldEquals, Params{"path": "amount", "value": "1501", "as": "number"}, ok, "want the number 1501"},
		{"number wanted, string found", FieldEquals, Params{"path": "meta.n", "value": "1", "as": "number"}, ok, `is the string "1"`},
		{"indexed path", FieldEquals, Params{"path": "data[1].id", "value": "b", "as": "string"}, ok, ""},
		{"index past the end", FieldEquals, Params{"path": "data[2].id", "value": "b", "as": "string"}, ok, `"data" has 2 items`},
		{"missing member", FieldEquals, Params{"path": "meta.m", "value": "1", "as": "string"}, ok, `"meta" has no member "m"`},
		{"index into an object", FieldEquals, Params{"path": "meta[0]", "value": "1", "as": "string"}, ok, "not an array"},
		{"body not JSON", FieldEquals, Params{"path": "id", "value": "1", "as": "string"}, resp(200, "<html>"), "not JSON"},
		{"type number", FieldType, Params{"path": "amount", "type": "number"}, ok, ""},
		{"type string", FieldType, Params{"path": "id", "type": "string"}, ok, ""},
		{"type boolean", FieldType, Params{"path": "ok", "type": "boolean"}, ok, ""},
		{"type array", FieldType, Params{"path": "data", "type": "array"}, ok, ""},
		{"type object", FieldType, Params{"path": "meta", "type": "object"}, ok, ""},
		{"type null", FieldType, Params{"path": "note", "type": "null"}, ok, ""},
		{"type differs", FieldType, Params{"path": "id", "type": "number"}, ok, `field "id" is the string "tr-1"; want a number`},
		{"type unknown", FieldType, Params{"path": "id", "type": "date"}, ok, "parameter type"},
		{"at least holds", FieldMinItems, Params{"path": "data", "min": "2"}, ok, ""},
		{"at least fails", FieldMinItems, Params{"path": "data", "min": "3"}, ok, "has 2 items; want at least 3"},
		{"at least of a non-array", FieldMinItems, Params{"path": "meta", "min": "1"}, ok, "is an object; want an array"},
		{"saved holds", FieldSaved, Params{"path": "amount", "name": "a", "value": "1500"}, ok, ""},
		{"saved differs", FieldSaved, Params{"path": "id", "name": "a", "value": "tr-2"}, ok, `reads "tr-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Run(tt.check, tt.params, tt.in)
			if tt.want == "" {
				if !res.OK {
					t.Fatalf("want it to hold, got %q", res.Message)
				}
				return
			}
			if res.OK || !strings.Contains(res.Message, tt.want) {
				t.Fatalf("want a failure saying %q, got ok=%v %q", tt.want, res.OK, res.Message)
			}
		})
	}
}

func TestFieldEventually(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	read := func(seq int64, after time.Duration, status string) Record {
		r := get(seq, "https://x/api/v1/internal_transfers/tr-1", 200, `{"status":"`+status+`","n":5}`)
		r.HTTP.StartedAt = t0.Add(after)
		return r
	}
	p := Params{"path": "status", "value": "FINISHED", "within_ms": "30000"}
	tests := []struct {
		name  string
		p     Params
		reads []Record
		want  string
	}{
		{"reached in time", p, []Record{read(1, 0, "CREATED"), read(2, time.Second, "FINISHED")}, ""},
		{"never reached", p, []Record{read(1, 0, "CREATED"), read(2, 31*time.Second, "CREATED")}, `after 2 reads over 31s`},
		{"reached too late", p, []Record{read(1, 0, "CREATED"), read(2, 40*time.Second, "FINISHED")}, "only 40s after the first read"},
		{"a number written as text", Params{"path": "n", "value": "5", "within_ms": "1000"}, []Record{read(1, 0, "X")}, ""},
		{"missing field", Params{"path": "nope", "value": "5", "within_ms": "1000"}, []Record{read(1, 0, "X")}, `has no member "nope"`},
		{"nothing read", p, nil, "no read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Run(FieldEventually, tt.p, Inputs{"reads": tt.reads})
			if tt.want == "" {
				if !res.OK {
					t.Fatalf("want it to hold, got %q", res.Message)
				}
				return
			}
			if res.OK || !strings.Contains(res.Message, tt.want) {
				t.Fatalf("want a failure saying %q, got ok=%v %q", tt.want, res.OK, res.Message)
			}
		})
	}
}

func TestCheckFieldPath(t *testing.T) {
	for _, good := range []string{"id", "data[0].id", "[0]", "a.b.c", "m[1][2]"} {
		if err := CheckFieldPath(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	for _, bad := range []string{"", "a..b", ".a", "a.", "a[x]", "a[-1]", "a[0"} {
		if err := CheckFieldPath(bad); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}
