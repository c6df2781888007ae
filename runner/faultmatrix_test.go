package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/stone"
)

// The README's reliability figures come from
//
//	go test ./runner -run TestFaultMatrix -v -args -fault-matrix.seeds=10
//
// The default (one seed per row) runs in the ordinary test suite.
var matrixSeeds = flag.Int("fault-matrix.seeds", 1, "seeded runs per row of TestFaultMatrix")

// chaosConfig is one row of the fault matrix. Faults are drawn per request
// from a seeded generator; "after" faults let the request reach the
// simulator, which processes it, and then hide its answer from the client:
// the case where an idempotency key must keep a retry from paying twice.
type chaosConfig struct {
	Err500Before float64       // answered 500 without reaching the server
	Err500After  float64       // processed by the server, then answered 500
	DropBefore   float64       // connection reset before the request is sent
	DropAfter    float64       // processed by the server, then connection reset
	BurstRate    float64       // starts a burst of 1–3 429s (Retry-After: 0) or 503s
	MaxLatency   time.Duration // each request delayed by up to this much
}

// chaosTally is what a chaos transport saw, summed over a row's runs.
type chaosTally struct {
	requests, creations, keys, retriedKeys                int
	err500, drops, throttled, delayed, duplicateResources int
}

func (a *chaosTally) add(b chaosTally) {
	a.requests += b.requests
	a.creations += b.creations
	a.keys += b.keys
	a.retriedKeys += b.retriedKeys
	a.err500 += b.err500
	a.drops += b.drops
	a.throttled += b.throttled
	a.delayed += b.delayed
	a.duplicateResources += b.duplicateResources
}

// chaos injects the faults of a chaosConfig under the recorder (so the
// evidence shows them) and above the simulator, and watches every
// idempotent POST: which resource each answer of the server named, the
// answers it hid from the client included.
type chaos struct {
	cfg  chaosConfig
	next http.RoundTripper

	mu        sync.Mutex
	rng       *rand.Rand
	burst     int
	burstCode int
	tally     chaosTally
	attempts  map[string]int             // idempotency key → attempts sent
	resources map[string]map[string]bool // idempotency key → resource ids the server answered with
}

func newChaos(cfg chaosConfig, seed uint64) *chaos {
	return &chaos{cfg: cfg, next: http.DefaultTransport, rng: rand.New(rand.NewPCG(seed, 0xc4a05)),
		attempts: map[string]int{}, resources: map[string]map[string]bool{}}
}

// creation: a POST with an idempotency key that is not an action on an
// existing operation (confirm, approve, reject, cancel).
func creation(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get(stone.IdempotencyHeader) == "" {
		return false
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	for _, action := range []string{"/confirm", "/approve", "/reject", "/cancel"} {
		if strings.HasSuffix(p, action) {
			return false
		}
	}
	return !strings.Contains(p, "/actions/")
}

func (c *chaos) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
		// Stone's API only: not the owner's controls (/_sim/), and not
		// the token endpoint, whose request is never retried (it would
		// replay the assertion's jti), so one fault there blocks the
		// whole run by design and the matrix would test nothing else.
		return c.next.RoundTrip(r)
	}
	key := r.Header.Get(stone.IdempotencyHeader)
	c.mu.Lock()
	c.tally.requests++
	if creation(r) {
		c.tally.creations++
	}
	if key != "" {
		c.attempts[key]++
	}
	latency := time.Duration(0)
	if c.cfg.MaxLatency > 0 {
		latency = time.Duration(c.rng.Int64N(int64(c.cfg.MaxLatency)))
		c.tally.delayed++
	}
	kind, code := "", 0
	switch u := c.rng.Float64(); {
	case c.burst > 0:
		c.burst--
		kind, code = "throttle", c.burstCode
	case u < c.cfg.BurstRate:
		c.burst = c.rng.IntN(3)
		c.burstCode = []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}[c.rng.IntN(2)]
		kind, code = "throttle", c.burstCode
	case u < c.cfg.BurstRate+c.cfg.Err500Before:
		kind = "500-before"
	case u < c.cfg.BurstRate+c.cfg.Err500Before+c.cfg.Err500After:
		kind = "500-after"
	case u < c.cfg.BurstRate+c.cfg.Err500Before+c.cfg.Err500After+c.cfg.DropBefore:
		kind = "drop-before"
	case u < c.cfg.BurstRate+c.cfg.Err500Before+c.cfg.Err500After+c.cfg.DropBefore+c.cfg.DropAfter:
		kind = "drop-after"
	}
	switch kind {
	case "throttle":
		c.tally.throttled++
	case "500-before", "500-after":
		c.tally.err500++
	case "drop-before", "drop-after":
		c.tally.drops++
	}
	c.mu.Unlock()

	if latency > 0 {
		if err := sleepCtx(r.Context(), latency); err != nil {
			return nil, err
		}
	}
	switch kind {
	case "throttle":
		h := http.Header{"Content-Type": {"application/json"}}
		if code == http.StatusTooManyRequests {
			h.Set("Retry-After", "0")
		}
		return synthetic(r, code, h, `{"type":"srn:error:throttled"}`), nil
	case "500-before":
		return synthetic(r, http.StatusInternalServerError, http.Header{"Content-Type": {"application/json"}}, `{"type":"srn:error:internal"}`), nil
	case "drop-before":
		return nil, errors.New("read: connection reset by peer (injected before sending)")
	}
	resp, err := c.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if rerr != nil {
		return nil, rerr
	}
	c.observe(key, resp.StatusCode, body)
	switch kind {
	case "500-after":
		return synthetic(r, http.StatusInternalServerError, http.Header{"Content-Type": {"application/json"}}, `{"type":"srn:error:internal"}`), nil
	case "drop-after":
		return nil, errors.New("read: connection reset by peer (injected after the server processed the request)")
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// observe notes the resource a successful answer to an idempotent POST names.
func (c *chaos) observe(key string, status int, body []byte) {
	if key == "" || status < 200 || status > 299 {
		return
	}
	var res struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(body, &res) != nil || res.ID == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.resources[key] == nil {
		c.resources[key] = map[string]bool{}
	}
	c.resources[key][res.ID] = true
}

func synthetic(r *http.Request, code int, h http.Header, body string) *http.Response {
	return &http.Response{StatusCode: code, Status: fmt.Sprintf("%d %s", code, http.StatusText(code)), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}
}

// result closes the books of one run: keys, retried keys and every key that
// named more than one resource.
func (c *chaos) result() (chaosTally, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.tally
	var dups []string
	for key, n := range c.attempts {
		t.keys++
		if n > 1 {
			t.retriedKeys++
		}
		if ids := c.resources[key]; len(ids) > 1 {
			t.duplicateResources++
			dups = append(dups, fmt.Sprintf("%s → %d resources", key, len(ids)))
		}
	}
	sort.Strings(dups)
	return t, dups
}

// TestFaultMatrix runs the whole script under each row of faults, several
// seeds each: whatever fails, no idempotency key may name two resources on
// the server, and every bundle must verify with the partner's public key.
// The figures are logged (go test -v) for the README.
func TestFaultMatrix(t *testing.T) {
	rows := []struct {
		name        string
		cfg         chaosConfig
		concurrency int
	}{
		{"20 % 500s (half after processing)", chaosConfig{Err500Before: 0.10, Err500After: 0.10}, 1},
		{"10 % dropped connections (half after processing)", chaosConfig{DropBefore: 0.05, DropAfter: 0.05}, 1},
		{"429 and 503 bursts", chaosConfig{BurstRate: 0.05}, 1},
		{"latency up to 20 ms", chaosConfig{MaxLatency: 20 * time.Millisecond}, 1},
		{"all at once, concurrency 4", chaosConfig{Err500Before: 0.05, Err500After: 0.05, DropBefore: 0.03, DropAfter: 0.05, BurstRate: 0.03, MaxLatency: 10 * time.Millisecond}, 4},
		{"dropped after processing, concurrency 4", chaosConfig{DropAfter: 0.15}, 4},
	}
	keyPath, pub := partnerKey(t)
	var total chaosTally
	var lines []string
	runs, verified := 0, 0
	var scenarios evidence.Counts
	for _, row := range rows {
		var tally chaosTally
		var sc evidence.Counts
		for seed := 1; seed <= *matrixSeeds; seed++ {
			cfg := Defaults()
			cfg.Out = t.TempDir()
			cfg.Client.PrivateKeyFile = keyPath
			cfg.Concurrency = row.concurrency
			cfg.Retries = 4
			ch := newChaos(row.cfg, uint64(seed))
			res, err := Run(context.Background(), Options{Config: cfg, Env: Env{Stdout: io.Discard, Lookup: noEnv}, Transport: ch})
			require.NoError(t, err, "%s, seed %d", row.name, seed)
			runs++
			got, dups := ch.result()
			assert.Empty(t, dups, "%s, seed %d: an idempotency key named two resources", row.name, seed)
			v, err := evidence.Verify(res.Bundle, pub)
			require.NoError(t, err)
			if assert.True(t, v.OK(), "%s, seed %d: the bundle does not verify: %+v", row.name, seed, v.Checks) {
				verified++
			}
			assert.Contains(t, []int{ExitPassed, ExitFailed}, res.ExitCode, "%s, seed %d: the run completed", row.name, seed)
			tally.add(got)
			s := res.Report.Summary.Scenarios
			sc.Total += s.Total
			sc.Passed += s.Passed
			sc.Failed += s.Failed
			sc.Blocked += s.Blocked
		}
		total.add(tally)
		scenarios.Total += sc.Total
		scenarios.Passed += sc.Passed
		scenarios.Failed += sc.Failed
		scenarios.Blocked += sc.Blocked
		lines = append(lines, fmt.Sprintf("| %s | %d | %d | %d | %d | %d | %d | %d | %d/%d/%d | %d |", row.name, *matrixSeeds, tally.requests, tally.creations,
			tally.retriedKeys, tally.err500, tally.drops, tally.throttled, sc.Passed, sc.Failed, sc.Blocked, tally.duplicateResources))
	}
	assert.Positive(t, total.creations, "financial creation requests were made")
	assert.Positive(t, total.retriedKeys, "some idempotency keys were retried: the matrix exercised replays")
	t.Logf("fault matrix, %d seeded runs\n| row | seeds | requests | financial creations | keys sent more than once | 500s | drops | 429/503 | scenarios passed/failed/blocked | keys with two resources |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n%s\n"+
		"total: %d runs, %d requests, %d financial creation requests, %d idempotency keys (%d sent more than once), %d keys with two resources, %d/%d bundles verify with the partner's key, scenarios %d passed %d failed %d blocked of %d",
		runs, strings.Join(lines, "\n"), runs, total.requests, total.creations, total.keys, total.retriedKeys, total.duplicateResources, verified, runs,
		scenarios.Passed, scenarios.Failed, scenarios.Blocked, scenarios.Total)
}

// TestChaosCatchesADuplicate: a server that ignores idempotency keys (a
// new resource for every POST) is caught when an answer it processed is
// hidden and the retry creates a second resource.
func TestChaosCatchesADuplicate(t *testing.T) {
	n := 0
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		n++
		id := fmt.Sprintf("tr-%d", n)
		mu.Unlock()
		_, _ = io.WriteString(w, `{"id":"`+id+`"}`)
	}))
	defer srv.Close()
	c := newChaos(chaosConfig{DropAfter: 1}, 1)
	post := func() (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/internal_transfers", strings.NewReader(`{"amount":1}`))
		req.Header.Set(stone.IdempotencyHeader, "key-1")
		return c.RoundTrip(req)
	}
	_, err := post()
	require.Error(t, err, "the answer was hidden from the client")
	c.cfg = chaosConfig{}
	resp, err := post()
	require.NoError(t, err)
	resp.Body.Close()
	tally, dups := c.result()
	assert.Equal(t, 1, tally.duplicateResources)
	assert.Equal(t, []string{"key-1 → 2 resources"}, dups)
	assert.Equal(t, 2, tally.creations)
	assert.Equal(t, 1, tally.retriedKeys)
}
