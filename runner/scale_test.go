package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/features"
	"github.com/openbank-homolog/homolog/simulator"
	"github.com/openbank-homolog/homolog/stone"
)

// scaleFeature is the read-only feature a scale plan copies: five
// scenarios, twelve GETs (and one token request per run).
const scaleFeature = "02-read-account.feature"

// scaleFloorGETs are the requests one copy of scaleFeature makes, for the
// bare client that is the floor.
const scaleFloorGETs = 12

// writeScalePlan writes n scenarios (n/5 copies of scaleFeature, each
// its own feature) into a new folder and returns it.
func writeScalePlan(tb testing.TB, n int) string {
	tb.Helper()
	src, err := features.FS.ReadFile(scaleFeature)
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	for i := range n / 5 {
		f := bytes.Replace(src, []byte("Feature: Read the account\n"), fmt.Appendf(nil, "Feature: Read the account, copy %d\n", i+1), 1)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%05d.feature", i+1)), f, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// peakHeap samples the heap's live objects until stop is called and
// returns the largest value seen.
func peakHeap() (stop func() uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak
	}
}

// BenchmarkScale runs read-only plans of 100, 1,000 and 5,000 scenarios
// (5,000 only without -short) and, as the floor measured in the same run,
// a bare net/http keep-alive client making the same GETs against the
// simulator. It reports wall time per HTTP exchange (ns/exchange), the
// peak of the heap's live objects (peak-heap-MiB), report.html bytes per
// scenario and cpu/wall: issue 11's scale measures. Compare ns/exchange
// with floor's, and peak-heap-MiB across sizes.
func BenchmarkScale(b *testing.B) {
	b.Run("floor", benchmarkFloor)
	for _, n := range []int{100, 1000, 5000} {
		b.Run(fmt.Sprintf("scenarios=%d", n), func(b *testing.B) {
			if n > 1000 && testing.Short() {
				b.Skip("5,000 scenarios take a minute; run without -short")
			}
			cfg := Defaults()
			cfg.Features.Dir = writeScalePlan(b, n)
			var wall, cpu time.Duration
			var exchanges, peak, html int64
			for b.Loop() {
				cfg.Out = b.TempDir()
				stop := peakHeap()
				c0, t0 := processCPU(), time.Now()
				res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: io.Discard, Lookup: noEnv}})
				if err != nil || res.ExitCode != ExitPassed {
					b.Fatalf("exit %d: %v", res.ExitCode, err)
				}
				wall += time.Since(t0)
				cpu += processCPU() - c0
				peak = max(peak, int64(stop()))
				exchanges += int64(res.Report.Summary.Exchanges)
				fi, err := os.Stat(filepath.Join(res.Bundle, "report.html"))
				if err != nil {
					b.Fatal(err)
				}
				html = fi.Size()
				if got := res.Report.Summary.Scenarios.Total; got != n {
					b.Fatalf("%d scenarios run, want %d", got, n)
				}
			}
			b.ReportMetric(float64(wall.Nanoseconds())/float64(exchanges), "ns/exchange")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(html)/float64(n), "html-B/scenario")
			if cpu > 0 {
				b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cpu/wall")
			}
		})
	}
}

// benchmarkFloor makes the GETs of one copy of the scale feature — list
// the accounts, read the account and its balance, walk the statement 10
// entries a page, read fees and institutions, read an account not shared
// — with a plain keep-alive net/http client and a token obtained once,
// against a simulator served the way the run's is.
func benchmarkFloor(b *testing.B) {
	clientKey, err := sharedKeys.Key(KeyClient)
	if err != nil {
		b.Fatal(err)
	}
	simKey, err := sharedKeys.Key(KeySimulatorSigning)
	if err != nil {
		b.Fatal(err)
	}
	sim, err := simulator.New(simulator.Options{SigningKey: simKey, FinishAfter: -1})
	if err != nil {
		b.Fatal(err)
	}
	const clientID = "scale-floor"
	fx, err := sim.Register(simulator.Client{ID: clientID, PublicKey: &clientKey.PublicKey})
	if err != nil {
		b.Fatal(err)
	}
	if err := sim.Start(""); err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	sc, err := stone.New(stone.Options{Endpoints: stone.SingleHostEndpoints(sim.URL()), ClientID: clientID, PrivateKey: clientKey})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := sc.Authenticate(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{}
	defer client.CloseIdleConnections()
	get := func(path string) []byte {
		req, _ := http.NewRequest(http.MethodGet, sim.URL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set("User-Agent", "floor")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		return body
	}
	acc := "/api/v1/accounts/" + fx.OwnAccountID
	n := 0
	for b.Loop() {
		get("/api/v1/accounts?paginate=true")
		get(acc)
		get(acc + "/balance")
		next := acc + "/statement?limit=10"
		for next != "" {
			var page struct {
				Cursor struct {
					After *string `json:"after"`
				} `json:"cursor"`
			}
			if err := json.Unmarshal(get(next), &page); err != nil {
				b.Fatal(err)
			}
			n++
			next = ""
			if page.Cursor.After != nil {
				next = acc + "/statement?limit=10&after=" + *page.Cursor.After
			}
		}
		get(acc + "/fees")
		get("/api/v1/institutions")
		get("/api/v1/accounts/00000000-0000-4000-8000-000000000000")
		n += 6
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/exchange")
	if per := n / max(b.N, 1); per != scaleFloorGETs {
		b.Fatalf("the floor made %d GETs per copy of the feature, the run makes %d", per, scaleFloorGETs)
	}
}

// TestLargePlanRunsInSuites: a plan larger than one godog suite runs as
// several, one after the other, and reads as one run: every scenario once,
// under an id of its own, with its steps' exchanges, in plan order.
func TestLargePlanRunsInSuites(t *testing.T) {
	cfg := Defaults()
	cfg.Features.Dir = writeScalePlan(t, 20) // four features of five scenarios
	cfg.Out = t.TempDir()
	res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: &syncBuffer{}, Lookup: noEnv}, suiteScenarios: 6})
	require.NoError(t, err)
	require.Equal(t, ExitPassed, res.ExitCode)
	rep := reportOf(t, res)
	require.Len(t, rep.Features, 4)
	ids := map[string]bool{}
	for i, f := range rep.Features {
		assert.Equal(t, fmt.Sprintf("Read the account, copy %d", i+1), f.Name)
		require.Len(t, f.Scenarios, 5)
		for _, sc := range f.Scenarios {
			assert.Equal(t, evidence.StatusPassed, sc.Status, "%s: %s", f.Name, sc.Name)
			assert.False(t, ids[sc.ID], "scenario id %s is used twice", sc.ID)
			ids[sc.ID] = true
			for _, st := range sc.Steps {
				assert.False(t, ids[st.ID], "step id %s is used twice", st.ID)
				ids[st.ID] = true
			}
		}
		// Each copy reads the statement page by page: its exchanges are
		// under its own step, not another copy's.
		pages := f.Scenarios[2].Steps[2]
		assert.Len(t, pages.Exchanges, 6, "%s: %s", f.Name, pages.Text)
	}
	assert.Equal(t, 20, rep.Summary.Scenarios.Passed)
}
