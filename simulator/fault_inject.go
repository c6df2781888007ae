package simulator

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

// faultCounters count what was injected since the faults were last set.
type faultCounters struct {
	Matched     int64 `json:"matched"` // requests the faults applied to (one draw each when a rate is set)
	Delayed     int64 `json:"delayed"`
	Internal    int64 `json:"internal"`
	RateLimited int64 `json:"rate_limited"`
	Unavailable int64 `json:"service_unavailable"`
	Dropped     int64 `json:"dropped"`
}

type faultInjector struct {
	mu  sync.Mutex
	cfg Faults
	rng *rand.Rand
	n   faultCounters

	// wait delays a response by Latency, returning early with the context's
	// error. A field rather than a call so tests can observe latency
	// without measuring time; set it before serving requests.
	wait func(ctx context.Context, d time.Duration) error
}

func newFaultInjector(f Faults) (*faultInjector, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	fi := &faultInjector{wait: sleepCtx}
	fi.set(f)
	return fi, nil
}

// set replaces the faults and restarts the draws and counters. Caller holds
// fi.mu or owns fi exclusively.
func (fi *faultInjector) set(f Faults) {
	f.Paths = append([]string(nil), f.Paths...) // the caller's slice may change later
	fi.cfg, fi.n = f, faultCounters{}
	fi.rng = rand.New(rand.NewPCG(uint64(f.Seed), faultStream))
}

func (fi *faultInjector) snapshot() (Faults, faultCounters) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	f := fi.cfg
	f.Paths = append([]string(nil), f.Paths...)
	return f, fi.n
}

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

func (f Faults) rates() bool {
	return f.ErrorRate > 0 || f.RateLimitRate > 0 || f.UnavailableRate > 0 || f.DropRate > 0
}

func (f Faults) applies(path string) bool {
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
func (f Faults) pick(u float64) faultKind {
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
func (fi *faultInjector) draw(path string) (Faults, faultKind, bool) {
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

// inject answers r with a failure when the dice say so, and reports whether
// it did. A request whose latency was cancelled counts as answered: its
// client is gone.
func (fi *faultInjector) inject(w http.ResponseWriter, r *http.Request) bool {
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
		srnErr(http.StatusInternalServerError, "internal").write(w)
	case faultRateLimit:
		w.Header().Set("Retry-After", retryAfterSeconds(cfg.RetryAfter))
		srnErr(http.StatusTooManyRequests, "rate_limited").write(w)
	case faultUnavailable:
		srnErr(http.StatusServiceUnavailable, "service_unavailable").write(w)
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

// drop closes the connection without writing anything. ServeHTTP hands us
// its statusWriter, which hides the Hijacker, so the writer underneath is
// used. A RST (linger 0) rather than a FIN makes it look like a network
// failure rather than a polite close.
func drop(w http.ResponseWriter) {
	under := w
	if sw, ok := w.(*statusWriter); ok {
		under = sw.ResponseWriter
	}
	conn, _, err := http.NewResponseController(under).Hijack()
	if err != nil {
		jsonReply(http.StatusBadGateway, srnError{Type: "srn:error:bad_gateway",
			Reason: "injected connection drop (this connection cannot be hijacked)"}).write(w)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// Fault controls:
//
//	GET /_sim/faults            → 200 {"faults": Faults, "counters": {...}}
//	PUT /_sim/faults  Faults    → 200 same shape; restarts draws and counters; 400 naming the bad field
func (s *Simulator) faultRoutes(rt *router) {
	rt.add(http.MethodGet, "/_sim/faults", false, s.handleGetFaults)
	rt.add(http.MethodPut, "/_sim/faults", false, s.handlePutFaults)
}

type faultsState struct {
	Faults   Faults        `json:"faults"`
	Counters faultCounters `json:"counters"`
}

func (s *Simulator) handleGetFaults(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	s.hooks.observe(r)
	f, n := s.faults.snapshot()
	jsonReply(http.StatusOK, faultsState{f, n}).write(w)
}

func (s *Simulator) handlePutFaults(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	s.hooks.observe(r)
	var f Faults
	err := json.NewDecoder(r.Body).Decode(&f)
	if err == nil {
		err = f.validate()
	}
	var fe *faultsError
	switch {
	case errors.As(err, &fe):
		validationErr(fieldError{Error: fe.Msg, Path: []string{fe.JSON}}).write(w)
		return
	case err != nil:
		badRequest(`body must be a JSON object such as {"seed":1,"error_rate":0.1,"latency":"250ms"}: ` + err.Error()).write(w)
		return
	}
	s.faults.mu.Lock()
	s.faults.set(f)
	s.faults.mu.Unlock()
	got, n := s.faults.snapshot()
	jsonReply(http.StatusOK, faultsState{got, n}).write(w)
}
