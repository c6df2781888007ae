package simulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// obj is a decoded JSON object, for resources whose shape a test checks
// member by member.
type obj map[string]any

func (o obj) str(k string) string {
	v, _ := o[k].(string)
	return v
}

func (o obj) num(k string) int64 {
	v, _ := o[k].(float64)
	return int64(v)
}

func (o obj) sub(k string) obj {
	v, _ := o[k].(map[string]any)
	return obj(v)
}

func (o obj) isNull(k string) bool {
	v, ok := o[k]
	return ok && v == nil
}

// call sends an API request and checks its status, returning the body as an
// object (nil for empty bodies).
func (e *env) call(method, path, body string, status int, hdr ...string) obj {
	e.t.Helper()
	rec := e.api(method, path, body, hdr...)
	wantStatus(e.t, rec, status)
	if rec.Body.Len() == 0 {
		return nil
	}
	var o obj
	if err := json.Unmarshal(rec.Body.Bytes(), &o); err != nil {
		e.t.Fatalf("%s %s: decode %q: %v", method, path, rec.Body.String(), err)
	}
	return o
}

// ctl calls a /_sim/ control.
func (e *env) ctl(method, path, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r *strings.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	if r == nil {
		return e.do(method, path, nil, nil)
	}
	return e.do(method, path, r, map[string]string{"Content-Type": "application/json"})
}

// eventTypes lists the event types emitted so far about an account.
func (e *env) eventTypes(accountID string) []string {
	var out []string
	e.store(func(st *book) {
		for _, ev := range st.Events() {
			if accountID == "" || ev.AccountID == accountID {
				out = append(out, ev.Type)
			}
		}
	})
	return out
}

// lastEvent returns the last event of a type, failing when there is none.
func (e *env) lastEvent(typ string) *event {
	e.t.Helper()
	var found *event
	e.store(func(st *book) {
		for _, ev := range st.Events() {
			if ev.Type == typ {
				found = ev
			}
		}
	})
	if found == nil {
		e.t.Fatalf("no %s event among %v", typ, e.eventTypes(""))
	}
	return found
}

func eventData(t *testing.T, ev *event) obj {
	t.Helper()
	var o obj
	raw, ok := ev.Data.(json.RawMessage)
	if !ok {
		t.Fatalf("event %s data is %T, want a JSON snapshot", ev.Type, ev.Data)
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatal(err)
	}
	return o
}

func containsAll(t *testing.T, got []string, want ...string) {
	t.Helper()
	set := map[string]bool{}
	for _, g := range got {
		set[g] = true
	}
	for _, w := range want {
		if !set[w] {
			t.Fatalf("events %v lack %s", got, w)
		}
	}
}

// setClock moves the fake clock to a Brasília wall time on its current day
// or later (the simulator never goes back).
func (e *env) setBRT(day string, hh, mm int) {
	e.t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, brasilia())
	if err != nil {
		e.t.Fatal(err)
	}
	target := d.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	if target.Before(e.clock.Now()) {
		e.t.Fatalf("setBRT %s %02d:%02d is in the past", day, hh, mm)
	}
	e.clock.Advance(target.Sub(e.clock.Now()))
}

func (e *env) entries(accountID string) []obj {
	e.t.Helper()
	l := e.call(http.MethodGet, "/api/v1/accounts/"+accountID+"/statement?limit=100", "", http.StatusOK)
	var out []obj
	for _, d := range l["data"].([]any) {
		out = append(out, obj(d.(map[string]any)))
	}
	return out
}

func reasonPaths(t *testing.T, o obj) []string {
	t.Helper()
	rs, _ := o["reason"].([]any)
	var out []string
	for _, r := range rs {
		var p []string
		for _, s := range r.(map[string]any)["path"].([]any) {
			p = append(p, s.(string))
		}
		out = append(out, strings.Join(p, "."))
	}
	return out
}

// stranger registers another application on the same simulator.
func (e *env) stranger() *env {
	e.t.Helper()
	o := &env{t: e.t, clientID: "stranger-app", sim: e.sim, clock: e.clock, key: testKeys(e.t)[2]}
	fx, err := e.sim.Register(Client{ID: o.clientID, PublicKey: &o.key.PublicKey})
	if err != nil {
		e.t.Fatal(err)
	}
	o.fx = fx
	return o
}

func decodeAny(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
