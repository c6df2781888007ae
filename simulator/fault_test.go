package simulator

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func withFaults(f Faults) func(*Options) { return func(o *Options) { o.Faults = f } }

func TestFaultsValidation(t *testing.T) {
	tests := []struct {
		name  string
		f     Faults
		field string // "" → valid
	}{
		{"zero", Faults{}, ""},
		{"all rates summing to one", Faults{ErrorRate: .1, RateLimitRate: .2, UnavailableRate: .3, DropRate: .4}, ""},
		{"negative rate", Faults{ErrorRate: -0.1}, "ErrorRate"},
		{"rate above one", Faults{RateLimitRate: 1.5}, "RateLimitRate"},
		{"NaN", Faults{UnavailableRate: math.NaN()}, "UnavailableRate"},
		{"drop", Faults{DropRate: 2}, "DropRate"},
		{"sum above one", Faults{ErrorRate: .6, DropRate: .6}, "ErrorRate+RateLimitRate+UnavailableRate+DropRate"},
		{"negative latency", Faults{Latency: -time.Millisecond}, "Latency"},
		{"negative retry after", Faults{RetryAfter: -time.Second}, "RetryAfter"},
		{"relative path", Faults{Paths: []string{"api/v1"}}, "Paths[0]"},
		{"sim path", Faults{Paths: []string{"/api/v1/", "/_sim/clock"}}, "Paths[1]"},
	}
	for _, tt := range tests {
		_, err := New(Options{SigningKey: testKeys(t)[0], Faults: tt.f})
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.field != "" && (err == nil || !strings.HasPrefix(err.Error(), "simulator: faults: "+tt.field+": ")):
			t.Errorf("%s: err = %v, want one naming %s", tt.name, err, tt.field)
		}
	}
}

// pattern sends n unauthenticated requests and returns their statuses.
func pattern(e *env, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = e.do(http.MethodGet, "/api/v1/institutions", nil, nil).Code
	}
	return out
}

func TestFaultsSameSeedSamePattern(t *testing.T) {
	f := Faults{Seed: 42, ErrorRate: .1, RateLimitRate: .1, UnavailableRate: .1, DropRate: .1}
	a, b := pattern(newEnv(t, withFaults(f)), 300), pattern(newEnv(t, withFaults(f)), 300)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	seen := map[int]int{}
	for _, c := range a {
		seen[c]++
	}
	for _, code := range []int{200, 500, 429, 503, 502} {
		if seen[code] < 10 { // each rate is 10% of 300: far more than 10 in practice
			t.Errorf("status %d seen %d times in %v", code, seen[code], seen)
		}
	}
	f.Seed = 43
	if c := pattern(newEnv(t, withFaults(f)), 300); reflect.DeepEqual(a, c) {
		t.Fatal("a different seed gave the same 300 faults")
	}
}

func TestFaultKinds(t *testing.T) {
	tests := []struct {
		name       string
		f          Faults
		status     int
		typ        string
		retryAfter string
	}{
		{"internal", Faults{ErrorRate: 1}, 500, "internal", ""},
		{"rate limited", Faults{RateLimitRate: 1}, 429, "rate_limited", "1"},
		{"rate limited, custom retry", Faults{RateLimitRate: 1, RetryAfter: 2500 * time.Millisecond}, 429, "rate_limited", "3"},
		{"unavailable", Faults{UnavailableRate: 1}, 503, "service_unavailable", ""},
		{"drop without hijack", Faults{DropRate: 1}, 502, "bad_gateway", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, withFaults(tt.f))
			for _, path := range []string{"/api/v1/institutions", "/api/v1/accounts", tokenPath} {
				rec := e.do(http.MethodGet, path, nil, nil)
				wantError(t, rec, tt.status, tt.typ)
				if got := rec.Header().Get("Retry-After"); got != tt.retryAfter {
					t.Errorf("%s: Retry-After = %q, want %q", path, got, tt.retryAfter)
				}
			}
			if n := e.faultsState().Counters; n.Matched != 3 {
				t.Errorf("counters = %+v, want 3 matched", n)
			}
		})
	}
}

func (e *env) faultsState() faultsState {
	e.t.Helper()
	rec := e.do(http.MethodGet, "/_sim/faults", nil, nil)
	wantStatus(e.t, rec, http.StatusOK)
	var st faultsState
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		e.t.Fatalf("GET /_sim/faults %s: %v", rec.Body.String(), err)
	}
	return st
}

func TestFaultPaths(t *testing.T) {
	tests := []struct {
		name    string
		paths   []string
		faulted map[string]bool
	}{
		{"default", nil, map[string]bool{
			"/api/v1/institutions": true, tokenPath: true, "/consentimento": false, "/_sim/clock": false, "/_sim/faults": false,
		}},
		{"one prefix", []string{"/api/v1/accounts"}, map[string]bool{
			"/api/v1/accounts": true, "/api/v1/accounts/x/balance": true, "/api/v1/institutions": false, tokenPath: false,
		}},
		{"everything", []string{"/"}, map[string]bool{
			"/consentimento": true, "/api/v1/institutions": true, "/_sim/clock": false, "/_sim/webhooks": false,
		}},
	}
	for _, tt := range tests {
		e := newEnv(t, withFaults(Faults{ErrorRate: 1, Paths: tt.paths}))
		for path, want := range tt.faulted {
			rec := e.do(http.MethodGet, path, nil, nil)
			if got := rec.Code == 500 && strings.Contains(rec.Body.String(), "srn:error:internal"); got != want {
				t.Errorf("%s: %s faulted = %v, want %v (%d %s)", tt.name, path, got, want, rec.Code, rec.Body.String())
			}
		}
	}
}

func TestFaultLatencyWaitsOnHook(t *testing.T) {
	e := newEnv(t, withFaults(Faults{Latency: 250 * time.Millisecond}))
	var waited []time.Duration
	e.sim.faults.SetWait(func(ctx context.Context, d time.Duration) error {
		waited = append(waited, d)
		return nil
	})
	wantStatus(t, e.do(http.MethodGet, "/api/v1/institutions", nil, nil), http.StatusOK)
	wantStatus(t, e.do(http.MethodGet, "/_sim/clock", nil, nil), http.StatusOK) // never delayed
	if !reflect.DeepEqual(waited, []time.Duration{250 * time.Millisecond}) {
		t.Fatalf("waited %v, want one 250ms wait", waited)
	}
	if n := e.faultsState().Counters; n.Delayed != 1 || n.Matched != 1 {
		t.Fatalf("counters = %+v", n)
	}
}

func TestFaultLatencyRespectsCancellation(t *testing.T) {
	e := newEnv(t, withFaults(Faults{Latency: time.Hour}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "http://"+testHost+"/api/v1/institutions", nil)
	rec := httptest.NewRecorder()
	served := make(chan struct{})
	go func() { e.sim.ServeHTTP(rec, req); close(served) }()
	select {
	case <-served:
	case <-time.After(10 * time.Second):
		t.Fatal("a cancelled request still waited for the injected latency")
	}
	if rec.Body.Len() != 0 {
		t.Fatalf("a cancelled request was answered: %s", rec.Body.String())
	}
}

func TestFaultDropClosesConnection(t *testing.T) {
	e := newEnv(t, withFaults(Faults{DropRate: 1}))
	if err := e.sim.Start(""); err != nil {
		t.Fatal(err)
	}
	defer e.sim.Close()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(e.sim.URL() + "/api/v1/institutions")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped request got a response: %s", resp.Status)
	}
	resp, err = client.Get(e.sim.URL() + "/_sim/faults")
	if err != nil {
		t.Fatalf("/_sim/ over the same server: %v", err)
	}
	var st faultsState
	readJSON(t, resp, http.StatusOK, &st)
	if st.Counters.Dropped != 1 {
		t.Fatalf("counters = %+v, want 1 dropped", st.Counters)
	}
}

func TestFaultControls(t *testing.T) {
	e := newEnv(t)
	if st := e.faultsState(); !reflect.DeepEqual(st.Faults, Faults{Paths: []string{}}) || st.Counters != (faultCounters{}) {
		t.Fatalf("default state = %+v", st)
	}
	put := func(body string) *httptest.ResponseRecorder {
		return e.do(http.MethodPut, "/_sim/faults", strings.NewReader(body), nil)
	}
	rec := put(`{"seed":7,"error_rate":1,"latency":"0s","retry_after":"2s","paths":["/api/v1/institutions"]}`)
	wantStatus(t, rec, http.StatusOK)
	wantError(t, e.do(http.MethodGet, "/api/v1/institutions", nil, nil), 500, "internal")
	st := e.faultsState()
	want := Faults{Seed: 7, ErrorRate: 1, RetryAfter: 2 * time.Second, Paths: []string{"/api/v1/institutions"}}
	if !reflect.DeepEqual(st.Faults, want) || st.Counters.Internal != 1 || st.Counters.Matched != 1 {
		t.Fatalf("state = %+v, want %+v with 1 internal", st, want)
	}
	wantStatus(t, put(`{}`), http.StatusOK) // PUT replaces: everything off, counters restart
	wantStatus(t, e.do(http.MethodGet, "/api/v1/institutions", nil, nil), http.StatusOK)
	if st := e.faultsState(); st.Counters != (faultCounters{}) {
		t.Fatalf("counters after PUT {} = %+v", st.Counters)
	}
	bad := []struct{ body, typ, path string }{
		{`{"error_rate":1.5}`, "validation", "error_rate"},
		{`{"latency":"soon"}`, "validation", "latency"},
		{`{"latency":"-1s"}`, "validation", "latency"},
		{`{"paths":["/_sim/"]}`, "validation", "paths"},
		{`{"errorRate":0.5}`, "bad_request", ""},
		{`[1]`, "bad_request", ""},
	}
	for _, b := range bad {
		ae := wantError(t, put(b.body), http.StatusBadRequest, b.typ)
		if b.path != "" && !strings.Contains(string(ae.Reason), `"path":["`+b.path+`"]`) {
			t.Errorf("%s: reason %s does not name %s", b.body, ae.Reason, b.path)
		}
	}
	if st := e.faultsState(); st.Faults.ErrorRate != 0 {
		t.Fatalf("a rejected PUT changed the faults: %+v", st.Faults)
	}
}

func TestFaultsJSONRoundTrip(t *testing.T) {
	f := Faults{Seed: -3, Latency: 1500 * time.Microsecond, ErrorRate: .25, RateLimitRate: .5, RetryAfter: time.Minute, Paths: []string{"/api/v1/"}}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"latency":"1.5ms"`) || !strings.Contains(string(b), `"retry_after":"1m0s"`) {
		t.Fatalf("durations not written as strings: %s", b)
	}
	var got Faults
	if err := json.Unmarshal(b, &got); err != nil || !reflect.DeepEqual(got, f) {
		t.Fatalf("round trip = %+v, %v; want %+v", got, err, f)
	}
}

// FuzzFaultsJSON: any body either fails to decode or round-trips exactly.
func FuzzFaultsJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"latency":"1h2m"}`, `{"error_rate":1e308,"paths":null}`, `{"seed":-1}`, `null`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var a Faults
		if json.Unmarshal([]byte(body), &a) != nil {
			return
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("%q decoded but does not encode: %v", body, err)
		}
		var c Faults
		if err := json.Unmarshal(b, &c); err != nil || !reflect.DeepEqual(normPaths(a), normPaths(c)) {
			t.Fatalf("%q: %+v re-decoded as %+v (%v)", body, a, c, err)
		}
	})
}

func normPaths(f Faults) Faults {
	if len(f.Paths) == 0 {
		f.Paths = nil
	}
	return f
}
