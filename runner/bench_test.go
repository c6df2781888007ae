package runner

import (
	"context"
	"io"
	"testing"
)

// BenchmarkScript runs the whole homologation script against a fresh
// in-process simulator, bundle included: what `homolog run` costs on a
// fresh clone, minus compilation.
func BenchmarkScript(b *testing.B) {
	for b.Loop() {
		cfg := Defaults()
		cfg.Out = b.TempDir()
		res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: io.Discard, Lookup: noEnv}})
		if err != nil || res.ExitCode != ExitPassed {
			b.Fatalf("exit %d: %v", res.ExitCode, err)
		}
	}
}

// sharedKeys are the throwaway keys of every run in this package's tests
// and benchmarks, as the CLI keeps them across runs: made once, not four
// RSA generations per run.
var sharedKeys = NewKeyCache(KeyCacheOptions{})
