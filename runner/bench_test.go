package runner

import (
	"context"
	"io"
	"testing"
	"time"
)

// BenchmarkScript runs the whole homologation script against a fresh
// in-process simulator, bundle included: what `homolog run` costs on a
// fresh clone, minus compilation and the key generations the CLI keeps in
// its cache (sharedKeys plays that cache here). Beside time per run it
// reports the process's CPU time over wall time (cpu/wall), the measure of
// issue 11's "no idle waiting", where the platform can tell.
func BenchmarkScript(b *testing.B) {
	cfg := Defaults()
	var wall, cpu time.Duration
	for b.Loop() {
		cfg.Out = b.TempDir()
		c0, t0 := processCPU(), time.Now()
		res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: io.Discard, Lookup: noEnv}})
		if err != nil || res.ExitCode != ExitPassed {
			b.Fatalf("exit %d: %v", res.ExitCode, err)
		}
		wall += time.Since(t0)
		cpu += processCPU() - c0
	}
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cpu/wall")
	}
}

// sharedKeys are the throwaway keys of every run in this package's tests
// and benchmarks, as the CLI keeps them across runs: made once, not four
// RSA generations per run.
var sharedKeys = NewKeyCache(KeyCacheOptions{})
