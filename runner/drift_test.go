package runner

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/simulator"
)

// driftingBank changes Stone's answers the way an API change would, below
// the recorder: a field gone from the balance, the token's session_state a
// number, a statement entry of a type the documents do not list. None of
// them is something the client or a check depends on, so the scenarios
// still pass; only the contract notices.
func driftingBank(next http.RoundTripper) lyingBank {
	return lyingBank{next: next, lie: func(r *http.Request, b map[string]any) bool {
		switch {
		case strings.HasSuffix(r.URL.Path, "/balance"):
			delete(b, "blocked_balance")
		case strings.HasSuffix(r.URL.Path, "/token"):
			b["session_state"] = 42
		case strings.HasSuffix(r.URL.Path, "/statement") && len(entriesOf(b)) > 0:
			entriesOf(b)[0].(map[string]any)["type"] = "cashback"
		default:
			return false
		}
		return true
	}}
}

// sandboxOnSimulator is a plan whose target is "sandbox", served by a
// simulator standing in for Stone's hosts.
func sandboxOnSimulator(t *testing.T) Config {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	keyPath := filepath.Join(t.TempDir(), "private.pem")
	require.NoError(t, os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	sim, err := simulator.New(simulator.Options{})
	require.NoError(t, err)
	clientID := uuid.NewString()
	fx, err := sim.Register(simulator.Client{ID: clientID, PublicKey: &key.PublicKey, RedirectURI: "https://partner.example/cb"})
	require.NoError(t, err)
	require.NoError(t, sim.Start(""))
	t.Cleanup(func() { _ = sim.Close() })

	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Target = TargetSandbox
	cfg.Endpoints = EndpointsConfig{AuthURL: sim.URL(), APIURL: sim.URL(), SiteURL: sim.URL()}
	cfg.Client = ClientConfig{ID: clientID, PrivateKeyFile: keyPath, RedirectURI: "https://partner.example/cb"}
	cfg.Fixtures = FixturesConfig{OwnAccountID: fx.OwnAccountID, TransferTargets: fx.TransferTargets}
	cfg.Tags = "@stage-1,@stage-2"
	return cfg
}

// TestDriftIsFlaggedNotFailed runs stages 1 and 2 against a "sandbox"
// that departs from Stone's documented shapes: every scenario still
// passes, and each departure is named in the journal (so the signed
// bundle carries it), summary.md, report.html and the run's output.
func TestDriftIsFlaggedNotFailed(t *testing.T) {
	cfg := sandboxOnSimulator(t)
	var out syncBuffer
	res, err := Run(context.Background(), Options{Config: cfg, Env: Env{Stdout: &out, Lookup: noEnv},
		Transport: driftingBank(http.DefaultTransport)})
	require.NoError(t, err)
	require.Equal(t, ExitPassed, res.ExitCode, out.String())
	for _, sc := range reportOf(t, res).Scenarios() {
		assert.Equal(t, evidence.StatusPassed, sc.Status, "%s: drift must not fail a scenario", sc.Name)
	}

	want := []string{
		"drift: POST /auth/realms/stone_bank/protocol/openid-connect/token: session_state: number, documented string",
		"drift: GET /api/v1/accounts/{id}/balance: blocked_balance missing",
		`drift: GET /api/v1/accounts/{id}/statement: data[].type: unknown value "cashback"`,
	}
	var got []string
	for _, f := range res.Report.DriftFindings() {
		got = append(got, f.String())
	}
	assert.ElementsMatch(t, want, got)
	assert.Positive(t, res.Report.Summary.Drift)

	// In the journal, on the exchange itself: part of the chain the
	// manifest's signature covers.
	journal, err := os.Open(filepath.Join(res.Bundle, evidence.JournalFile))
	require.NoError(t, err)
	defer journal.Close()
	inJournal := map[string]bool{}
	sc := bufio.NewScanner(journal)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() {
		var e evidence.Entry
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		if e.Kind != evidence.EventHTTP {
			continue
		}
		var x evidence.Exchange
		require.NoError(t, json.Unmarshal(e.Data, &x))
		for _, d := range x.Drift {
			inJournal[d.String()] = true
		}
	}
	for _, w := range want {
		assert.True(t, inJournal[w], "journal lacks %q", w)
	}
	v, err := evidence.Verify(res.Bundle, nil)
	require.NoError(t, err)
	assert.True(t, v.OK(), "%+v", v.Checks)

	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(res.Bundle, name))
		require.NoError(t, err)
		return string(data)
	}
	assert.Contains(t, read("summary.md"), "## Contract drift")
	assert.Contains(t, read("summary.md"), "- drift: GET /api/v1/accounts/{id}/balance: blocked\\_balance missing — ")
	assert.Contains(t, read("report.html"), "<code>drift: GET /api/v1/accounts/{id}/balance: blocked_balance missing</code>")
	assert.Contains(t, out.String(), "contract drift: ")
	assert.Contains(t, out.String(), "  drift: GET /api/v1/accounts/{id}/balance: blocked_balance missing\n")
}

// TestNoDriftAgainstTheSimulator: the same departures against the
// simulator target are not reported; the simulator's own tests hold it
// to the documented shapes.
func TestNoDriftAgainstTheSimulator(t *testing.T) {
	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Tags = "@stage-1,@stage-2"
	var out syncBuffer
	res, err := Run(context.Background(), Options{Config: cfg, Env: Env{Stdout: &out, Lookup: noEnv},
		Transport: driftingBank(http.DefaultTransport)})
	require.NoError(t, err)
	require.Equal(t, ExitPassed, res.ExitCode, out.String())
	assert.Empty(t, res.Report.DriftFindings())
	assert.Zero(t, res.Report.Summary.Drift)
	assert.NotContains(t, out.String(), "drift")
}

// TestNoDriftFromAFaithfulSandbox: a sandbox that answers as documented
// gives no finding, so the flag means something when it appears.
func TestNoDriftFromAFaithfulSandbox(t *testing.T) {
	cfg := sandboxOnSimulator(t)
	var out syncBuffer
	res, err := Run(context.Background(), Options{Config: cfg, Env: Env{Stdout: &out, Lookup: noEnv}})
	require.NoError(t, err)
	require.Equal(t, ExitPassed, res.ExitCode, out.String())
	assert.Empty(t, res.Report.DriftFindings())
}
