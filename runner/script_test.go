package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
)

// runPlan runs cfg in-process against a fresh simulator and returns the
// result and the progress output.
func runPlan(t *testing.T, cfg Config) (Result, string) {
	t.Helper()
	cfg.Out = t.TempDir()
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: &out, Lookup: noEnv}, Version: "test"})
	require.NoError(t, err, out.String())
	return res, out.String()
}

func noEnv(string) (string, bool) { return "", false }

// TestScript runs the whole homologation script, as `homolog run` does,
// against a fresh in-process simulator: once in order and once with
// scenarios running concurrently.
func TestScript(t *testing.T) {
	for _, conc := range []int{1, 4} {
		t.Run(map[int]string{1: "ordered", 4: "concurrent"}[conc], func(t *testing.T) {
			cfg := Defaults()
			cfg.Concurrency = conc
			res, out := runPlan(t, cfg)
			require.Equal(t, ExitPassed, res.ExitCode, out)

			lines := strings.Split(strings.TrimSpace(out), "\n")
			assert.Equal(t, res.Bundle, lines[len(lines)-1], "the bundle path is printed last")

			var rep evidence.Report
			data, err := os.ReadFile(filepath.Join(res.Bundle, "report.json"))
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &rep))
			assert.Equal(t, "passed", rep.Status)
			assert.True(t, rep.Complete)
			assert.Equal(t, "simulator", rep.Target.Name)
			var names []string
			for _, f := range rep.Features {
				names = append(names, f.Name)
				for _, sc := range f.Scenarios {
					assert.Equal(t, evidence.StatusPassed, sc.Status, "%s: %s", sc.Name, sc.Error)
					for _, st := range sc.Steps {
						assert.Equal(t, evidence.StatusPassed, st.Status, "%s / %s", sc.Name, st.Text)
						assert.NotZero(t, st.Line, "step lines come from the feature file")
						assert.NotEmpty(t, st.Keyword)
					}
				}
			}
			assert.Equal(t, []string{"Authenticate", "Read the account", "Request the account owner's consent", "Transact", "TED to other banks", "PIX", "Pay boletos", "Issue boletos", "Webhooks",
				"Payment links", "Receipts", "Top-ups", "Account opening", "Contacts", "Salary portability", "Payroll", "KYC of a new account's user"}, names)
			assert.Greater(t, rep.Summary.Exchanges, 20)

			for _, f := range []string{"report.json", "junit.xml", "report.html", "cucumber.json", "summary.md", "journal.ndjson"} {
				assert.FileExists(t, filepath.Join(res.Bundle, f))
			}
			assertExchangesRecorded(t, &rep)
		})
	}
}

// assertExchangesRecorded checks that what a reviewer needs of each
// exchange is there: status, x-request-id, and no bearer token.
func assertExchangesRecorded(t *testing.T, rep *evidence.Report) {
	t.Helper()
	var sawToken, sawTransfer bool
	for _, sc := range rep.Scenarios() {
		for _, st := range sc.Steps {
			for _, ex := range st.Exchanges {
				assert.NotZero(t, ex.Status, ex.URL)
				assert.NotEmpty(t, ex.RequestID, "x-request-id of %s %s", ex.Method, ex.URL)
				assert.False(t, ex.StartedAt.IsZero())
				for _, v := range ex.Request.Headers["Authorization"] {
					assert.Contains(t, v, "[redacted:")
				}
				if strings.HasSuffix(ex.URL, "/protocol/openid-connect/token") {
					sawToken = true
					// Claims stay readable for the auditor; the signature,
					// which would make the assertion usable, does not.
					assert.Regexp(t, `client_assertion=eyJ[\w-]+\.eyJ[\w-]+\.\[redacted:[0-9a-f]{16}\]&`, ex.Request.Body)
				}
				if strings.HasSuffix(ex.URL, "/api/v1/internal_transfers") && ex.Method == "POST" {
					sawTransfer = true
					assert.NotEmpty(t, ex.IdempotencyKey)
				}
			}
		}
	}
	assert.True(t, sawToken, "the token request is part of the evidence")
	assert.True(t, sawTransfer, "the transfer requests are part of the evidence")
}

// TestBlocked: when the scenario that finds the own account fails, the
// scenarios that need it are blocked, naming it, not failed.
func TestBlocked(t *testing.T) {
	cfg := Defaults()
	cfg.Fixtures.OwnAccountID = "not-an-account-of-this-application"
	res, out := runPlan(t, cfg)
	require.Equal(t, ExitFailed, res.ExitCode, out)

	byName := map[string]*evidence.Scenario{}
	for _, sc := range reportOf(t, res).Scenarios() {
		byName[sc.Name] = sc
	}
	assert.Equal(t, evidence.StatusFailed, byName["List the accounts the application can operate"].Status)
	blocked := byName["Read the own account and its balance"]
	assert.Equal(t, evidence.StatusBlocked, blocked.Status)
	assert.Contains(t, blocked.BlockedBy, "the application's own account")
	assert.Contains(t, blocked.BlockedBy, "List the accounts the application can operate")
	assert.Equal(t, evidence.StatusPassed, byName["Obtain an access token with a signed client assertion"].Status)
	assert.Contains(t, out, "BLOCKED")
	assert.Equal(t, "failed", res.Report.Status)
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"unknown target", func(c *Config) { c.Target = "staging" }, []string{"target", `unknown target "staging"`}},
		{"sandbox without client id", func(c *Config) { c.Target = TargetSandbox }, []string{"client.id", "required"}},
		{"missing key file", func(c *Config) { c.Client.PrivateKeyFile = "testdata/nope.pem" }, []string{"testdata/nope.pem", "client.private_key_file", "no such file"}},
		{"public key instead of private", func(c *Config) { c.Client.PrivateKeyFile = "testdata/public.pem" }, []string{"testdata/public.pem", "public key"}},
		{"not a PEM", func(c *Config) { c.Client.PrivateKeyFile = "testdata/undefined/01-bad.feature" }, []string{"not a PEM file"}},
		{"undefined step", func(c *Config) { c.Features.Dir = "testdata/undefined" }, []string{"01-bad.feature:5", "undefined", "When the aplication lists its accounts"}},
		{"malformed feature", func(c *Config) { c.Features.Dir = "testdata/broken" }, []string{"testdata/broken/01-broken.feature:4: found 'this line is not a step'"}},
		{"unknown feature in order", func(c *Config) { c.Features.Order = []string{"01-authenticate", "05-pix"} }, []string{"features.order[1]", "05-pix.feature"}},
		{"no scenario matches tags", func(c *Config) { c.Tags = "@no-such-tag" }, []string{"tags", "@no-such-tag"}},
		{"malformed tags", func(c *Config) { c.Tags = "@stage-1 || @stage-2" }, []string{"tags", "not a tag term"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Defaults()
			cfg.Out = t.TempDir()
			tt.edit(&cfg)
			res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Lookup: noEnv}})
			require.Error(t, err)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, ExitConfig, res.ExitCode)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			entries, _ := os.ReadDir(cfg.Out)
			assert.Empty(t, entries, "no bundle is started for a configuration error")
		})
	}
}

// reportOf is the whole report of a run's bundle, as report.json holds it:
// a run keeps only its header and totals in memory.
func reportOf(t *testing.T, res Result) *evidence.Report {
	t.Helper()
	r, err := evidence.ReadReport(res.Bundle)
	require.NoError(t, err)
	return r
}

// planFeatures is a plan's report skeleton, as the recorder reads it.
func planFeatures(t *testing.T, p *plan) []*evidence.Feature {
	t.Helper()
	var out []*evidence.Feature
	require.NoError(t, p.source(func(f *evidence.Feature) error { out = append(out, f); return nil }))
	return out
}
