package faults

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// faultStream is the PCG stream constant; with Seed it fixes the draws.
const faultStream = 0xfa17

type faultKind int

const (
	faultNone faultKind = iota
	faultError
	faultRateLimit
	faultUnavailable
	faultDrop
)

// Counters count what was injected since the faults were last set.
type Counters struct {
	Matched     int64 `json:"matched"` // requests the faults applied to (one draw each when a rate is set)
	Delayed     int64 `json:"delayed"`
	Internal    int64 `json:"internal"`
	RateLimited int64 `json:"rate_limited"`
	Unavailable int64 `json:"service_unavailable"`
	Dropped     int64 `json:"dropped"`
}

// Injector decides, before routing, whether a request is answered with an
// injected failure.
type Injector struct {
	mu  sync.Mutex
	cfg Config
	rng *rand.Rand
	n   Counters

	// wait delays a response by Latency, returning early with the context's
	// error. A field rather than a call so tests can observe latency
	// without measuring time; set it before serving requests.
	wait func(ctx context.Context, d time.Duration) error
}

// New validates f and returns an injector applying it.
func New(f Config) (*Injector, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	fi := &Injector{wait: sleepCtx}
	fi.set(f)
	return fi, nil
}

// set replaces the faults and restarts the draws and counters. Caller holds
// fi.mu or owns fi exclusively.
func (fi *Injector) set(f Config) {
	f.Paths = append([]string(nil), f.Paths...) // the caller's slice may change later
	fi.cfg, fi.n = f, Counters{}
	fi.rng = rand.New(rand.NewPCG(uint64(f.Seed), faultStream))
}

func (fi *Injector) snapshot() (Config, Counters) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	f := fi.cfg
	f.Paths = append([]string(nil), f.Paths...)
	return f, fi.n
}

// SetWait replaces how latency is waited for, so tests can observe it
// without measuring time. Call it before serving requests.
func (fi *Injector) SetWait(wait func(ctx context.Context, d time.Duration) error) { fi.wait = wait }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (f Config) rates() bool {
	return f.ErrorRate > 0 || f.RateLimitRate > 0 || f.UnavailableRate > 0 || f.DropRate > 0
}

func (f Config) applies(path string) bool {
	if path == "/_sim" || strings.HasPrefix(path, "/_sim/") {
		return false
	}
	prefixes := f.Paths
	if len(prefixes) == 0 {
		prefixes = defaultFaultPaths()
	}
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// pick maps one draw u in [0,1) to a fault.
func (f Config) pick(u float64) faultKind {
	for _, c := range []struct {
		rate float64
		kind faultKind
	}{{f.ErrorRate, faultError}, {f.RateLimitRate, faultRateLimit}, {f.UnavailableRate, faultUnavailable}, {f.DropRate, faultDrop}} {
		if u < c.rate {
			return c.kind
		}
		u -= c.rate
	}
	return faultNone
}

// draw decides r's fault under the mutex, so draws follow request order.
func (fi *Injector) draw(path string) (Config, faultKind, bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	cfg := fi.cfg
	if (cfg.Latency == 0 && !cfg.rates()) || !cfg.applies(path) {
		return cfg, faultNone, false
	}
	kind := faultNone
	if cfg.rates() {
		kind = cfg.pick(fi.rng.Float64())
	}
	fi.n.Matched++
	if cfg.Latency > 0 {
		fi.n.Delayed++
	}
	switch kind {
	case faultError:
		fi.n.Internal++
	case faultRateLimit:
		fi.n.RateLimited++
	case faultUnavailable:
		fi.n.Unavailable++
	case faultDrop:
		fi.n.Dropped++
	}
	return cfg, kind, true
}

// Inject answers r with a failure when the dice say so, and reports whether
// it did. A request whose latency was cancelled counts as answered: its
// client is gone.
func (fi *Injector) Inject(w http.ResponseWriter, r *http.Request) bool {
	cfg, kind, ok := fi.draw(r.URL.Path)
	if !ok {
		return false
	}
	if cfg.Latency > 0 {
		if err := fi.wait(r.Context(), cfg.Latency); err != nil {
			return true
		}
	}
	switch kind {
	case faultError:
		api.Err(http.StatusInternalServerError, "internal").Write(w)
	case faultRateLimit:
		w.Header().Set("Retry-After", retryAfterSeconds(cfg.RetryAfter))
		api.Err(http.StatusTooManyRequests, "rate_limited").Write(w)
	case faultUnavailable:
		api.Err(http.StatusServiceUnavailable, "service_unavailable").Write(w)
	case faultDrop:
		drop(w)
	default:
		return false
	}
	return true
}

func retryAfterSeconds(d time.Duration) string {
	if d <= 0 {
		d = defaultRetryAfter
	}
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// drop closes the connection without writing anything; the response
// controller finds the Hijacker under wrapping writers that have Unwrap. A
// RST (linger 0) rather than a FIN makes it look like a network failure
// rather than a polite close.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		api.JSON(http.StatusBadGateway, api.Error{Type: "srn:error:bad_gateway",
			Reason: "injected connection drop (this connection cannot be hijacked)"}).Write(w)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// Routes registers the fault controls:
//
//	GET /_sim/faults            → 200 {"faults": Config, "counters": {...}}
//	PUT /_sim/faults  Config    → 200 same shape; restarts draws and counters; 400 naming the bad field
func (fi *Injector) Routes(m *api.Mux) {
	m.Handle("GET /_sim/faults", fi.handleGet)
	m.Handle("PUT /_sim/faults", fi.handlePut)
}

// State is GET /_sim/faults.
type State struct {
	Faults   Config   `json:"faults"`
	Counters Counters `json:"counters"`
}

func (fi *Injector) handleGet(w http.ResponseWriter, _ *http.Request, _ *api.Call) {
	f, n := fi.snapshot()
	api.JSON(http.StatusOK, State{f, n}).Write(w)
}

func (fi *Injector) handlePut(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	var f Config
	err := json.NewDecoder(r.Body).Decode(&f)
	if err == nil {
		err = f.Validate()
	}
	var fe *Error
	switch {
	case errors.As(err, &fe):
		api.Validation(api.FieldError{Error: fe.Msg, Path: []string{fe.JSON}}).Write(w)
		return
	case err != nil:
		api.BadRequest(`body must be a JSON object such as {"seed":1,"error_rate":0.1,"latency":"250ms"}: ` + err.Error()).Write(w)
		return
	}
	fi.mu.Lock()
	fi.set(f)
	fi.mu.Unlock()
	got, n := fi.snapshot()
	api.JSON(http.StatusOK, State{got, n}).Write(w)
}
