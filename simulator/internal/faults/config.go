// Package faults injects failures into the simulated API before a request
// is routed — latency, 500s, 429 with Retry-After, 503, dropped connections —
// drawn from a seed so that a failing run repeats, and serves GET/PUT
// /_sim/faults.
package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/keycloak"
)

// Config configures failures injected before a request is routed, so that a
// client's retries, timeouts and backoff can be exercised. The zero value
// injects nothing.
//
// A faulted request is answered before the simulator processes it: it
// changed nothing, so retrying it is always safe. (A real outage can also
// strike after processing; that case is not simulated.)
//
// Each matching request draws one number from a PCG seeded with Seed, under a
// mutex, in the order requests reach the simulator, and the rates split [0,1)
// in the order ErrorRate, RateLimitRate, UnavailableRate, DropRate. The same
// Seed and the same sequence of matching requests therefore give the same
// faults, so a failing run can be repeated; requests sent concurrently may
// reach the mutex in a different order and so draw differently.
type Config struct {
	Seed            int64         // seeds the draws; PUT /_sim/faults restarts the sequence
	Latency         time.Duration // added before answering every matching request, faulted or not; cancelled with the request
	ErrorRate       float64       // fraction answered 500 {"type":"srn:error:internal"}
	RateLimitRate   float64       // fraction answered 429 {"type":"srn:error:rate_limited"} with Retry-After
	UnavailableRate float64       // fraction answered 503 {"type":"srn:error:service_unavailable"}
	// DropRate is the fraction whose connection is closed without any answer.
	// Where the connection cannot be hijacked (httptest.ResponseRecorder,
	// HTTP/2) the request is answered 502 {"type":"srn:error:bad_gateway"}
	// instead, the closest a handler can come to "no answer".
	DropRate   float64
	RetryAfter time.Duration // Retry-After of the 429s, rounded up to whole seconds; 0 → 1 s
	// Paths are the path prefixes faults apply to; empty → every /api/v1/
	// path and the token endpoint. /_sim/ is never faulted: the controls
	// that turn faults off must keep working.
	Paths []string
}

const defaultRetryAfter = time.Second

func defaultFaultPaths() []string { return []string{"/api/v1/", keycloak.TokenPath} }

// Error names the field that is wrong, in Go (Field) and JSON (JSON).
type Error struct {
	Field, JSON, Msg string
}

func (e *Error) Error() string { return "simulator: faults: " + e.Field + ": " + e.Msg }

// Validate says which field is wrong, if any.
func (f Config) Validate() error {
	rates := []struct {
		field, json string
		v           float64
	}{
		{"ErrorRate", "error_rate", f.ErrorRate},
		{"RateLimitRate", "rate_limit_rate", f.RateLimitRate},
		{"UnavailableRate", "unavailable_rate", f.UnavailableRate},
		{"DropRate", "drop_rate", f.DropRate},
	}
	sum := 0.0
	for _, r := range rates {
		if math.IsNaN(r.v) || r.v < 0 || r.v > 1 {
			return &Error{r.field, r.json, fmt.Sprintf("must be between 0 and 1, got %v", r.v)}
		}
		sum += r.v
	}
	// The tolerance lets 0.1+0.2+0.3+0.4 (which sums a hair above 1) pass.
	if sum > 1+1e-9 {
		return &Error{"ErrorRate+RateLimitRate+UnavailableRate+DropRate", "rates",
			fmt.Sprintf("rates add up to %v, must be at most 1", sum)}
	}
	if f.Latency < 0 {
		return &Error{"Latency", "latency", fmt.Sprintf("must not be negative, got %s", f.Latency)}
	}
	if f.RetryAfter < 0 {
		return &Error{"RetryAfter", "retry_after", fmt.Sprintf("must not be negative, got %s", f.RetryAfter)}
	}
	for i, p := range f.Paths {
		switch {
		case !strings.HasPrefix(p, "/"):
			return &Error{fmt.Sprintf("Paths[%d]", i), "paths", fmt.Sprintf("%q must start with /", p)}
		case p == "/_sim" || strings.HasPrefix(p, "/_sim/"):
			return &Error{fmt.Sprintf("Paths[%d]", i), "paths", fmt.Sprintf("%q: /_sim/ is never faulted", p)}
		}
	}
	return nil
}

// faultsJSON is Config on the wire (/_sim/faults): snake_case names and
// durations as Go duration strings ("250ms").
type faultsJSON struct {
	Seed            int64    `json:"seed"`
	Latency         string   `json:"latency"`
	ErrorRate       float64  `json:"error_rate"`
	RateLimitRate   float64  `json:"rate_limit_rate"`
	UnavailableRate float64  `json:"unavailable_rate"`
	DropRate        float64  `json:"drop_rate"`
	RetryAfter      string   `json:"retry_after"`
	Paths           []string `json:"paths"`
}

// MarshalJSON writes durations as strings such as "250ms".
func (f Config) MarshalJSON() ([]byte, error) {
	paths := f.Paths
	if paths == nil {
		paths = []string{}
	}
	return json.Marshal(faultsJSON{Seed: f.Seed, Latency: f.Latency.String(), ErrorRate: f.ErrorRate,
		RateLimitRate: f.RateLimitRate, UnavailableRate: f.UnavailableRate, DropRate: f.DropRate,
		RetryAfter: f.RetryAfter.String(), Paths: paths})
}

// UnmarshalJSON reads what MarshalJSON writes. Absent members are zero;
// unknown members are an error, so a misspelt rate is not silently ignored.
// It does not validate: New and PUT /_sim/faults do.
func (f *Config) UnmarshalJSON(b []byte) error {
	var w faultsJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("simulator: faults: %w", err)
	}
	out := Config{Seed: w.Seed, ErrorRate: w.ErrorRate, RateLimitRate: w.RateLimitRate,
		UnavailableRate: w.UnavailableRate, DropRate: w.DropRate, Paths: w.Paths}
	for _, d := range []struct {
		field, json, v string
		dst            *time.Duration
	}{{"Latency", "latency", w.Latency, &out.Latency}, {"RetryAfter", "retry_after", w.RetryAfter, &out.RetryAfter}} {
		if d.v == "" {
			continue
		}
		v, err := time.ParseDuration(d.v)
		if err != nil {
			return &Error{d.field, d.json, fmt.Sprintf("%q is not a duration such as \"250ms\" or \"1s\"", d.v)}
		}
		*d.dst = v
	}
	*f = out
	return nil
}
