package runner

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
)

// TestScriptSurvivesTransientFaults: with the simulator answering some
// requests 429 or 503, or dropping them, the runner's retries carry the
// script through, and the evidence shows the extra attempts.
func TestScriptSurvivesTransientFaults(t *testing.T) {
	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Retries = 6
	// Only paths whose requests the runner may retry (reads, and writes with
	// an idempotency key) and that only the steps call, in order: the draws
	// then repeat exactly, run after run. (The token request is not
	// retried: resending an assertion replays its jti.)
	// Contacts live under /api/v1/accounts/ too, and are deleted by a
	// DELETE that carries no idempotency key (none is documented), which
	// the runner rightly does not retry: the plan leaves that family out.
	for _, f := range families() {
		if f.name != "contacts" {
			cfg.Authorisations = append(cfg.Authorisations, f.name)
		}
	}
	cfg.Simulator.Faults = FaultsConfig{Seed: 7, RateLimitRate: 0.01, UnavailableRate: 0.06, DropRate: 0.03,
		Paths: []string{"/api/v1/accounts/", "/api/v1/internal_transfers", "/api/v1/pix/"}}
	res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: &syncBuffer{}, Lookup: noEnv}})
	require.NoError(t, err)
	require.Equal(t, ExitPassed, res.ExitCode)

	retried, faulted := 0, 0
	for _, sc := range reportOf(t, res).Scenarios() {
		for _, st := range sc.Steps {
			for _, ex := range st.Exchanges {
				if ex.Attempt > 1 {
					retried++
				}
				if ex.Status == 429 || ex.Status == 503 || ex.Error != "" {
					faulted++
				}
			}
		}
	}
	assert.Positive(t, faulted, "the faults were injected and recorded")
	assert.Positive(t, retried, "and retried, each attempt numbered")

	v, err := evidence.Verify(res.Bundle, nil)
	require.NoError(t, err)
	assert.True(t, v.OK())
}

// TestScriptFailsOnServerErrors: a 500 is not retried (the request may have
// been processed), so the run fails and says where.
func TestScriptFailsOnServerErrors(t *testing.T) {
	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Simulator.Faults = FaultsConfig{Seed: 3, ErrorRate: 0.2, Paths: []string{"/api/v1/accounts/"}}
	res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: &syncBuffer{}, Lookup: noEnv}})
	require.NoError(t, err)
	assert.Equal(t, ExitFailed, res.ExitCode)
	assert.Positive(t, res.Report.Summary.Scenarios.Failed+res.Report.Summary.Scenarios.Blocked)
}

func TestFaultsConfigErrors(t *testing.T) {
	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Simulator.Faults.ErrorRate = 1.5
	_, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Lookup: noEnv}})
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "ErrorRate")
}
