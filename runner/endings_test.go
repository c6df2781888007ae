package runner

import (
	"bytes"
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
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
)

// faultTransport calls fault for every request before passing it on; fault
// may panic, block or cancel the run to play out how a run can end.
type faultTransport struct {
	fault func(*http.Request)
}

func (f faultTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.fault(r)
	return http.DefaultTransport.RoundTrip(r)
}

// partnerKey writes a private key file for the run and returns it, so the
// bundle can be verified with the public key, as Stone would.
func partnerKey(t *testing.T) (string, *rsa.PublicKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "private.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	return path, &key.PublicKey
}

// TestEveryEnding: pass, scenario failure, a panic inside a step, an
// interrupt and the run deadline each leave a bundle that verifies with the
// partner's public key, marked complete or not, with the contract's exit
// code.
func TestEveryEnding(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(*Config)
		fault      func(cancel context.CancelFunc) func(*http.Request)
		exit       int
		complete   bool
		reason     string
		wantStatus map[string]string // scenario name → status
	}{
		{name: "pass", exit: ExitPassed, complete: true},
		{name: "scenario failure", exit: ExitFailed, complete: true,
			edit:       func(c *Config) { c.Fixtures.TransferTargets = []string{"99999999"} },
			wantStatus: map[string]string{"Internal transfer from the own account finishes": evidence.StatusFailed}},
		{name: "panic inside a step", exit: ExitFailed, complete: true,
			fault: func(context.CancelFunc) func(*http.Request) {
				return func(r *http.Request) {
					if strings.HasSuffix(r.URL.Path, "/balance") {
						panic("boom in a step")
					}
				}
			},
			wantStatus: map[string]string{"Read the own account and its balance": evidence.StatusFailed}},
		{name: "interrupted", exit: ExitIncomplete, complete: false, reason: "interrupted",
			fault: func(cancel context.CancelFunc) func(*http.Request) {
				return func(r *http.Request) {
					if r.URL.Path == "/_sim/owner/consent" {
						cancel() // as Ctrl-C does through signal.NotifyContext
					}
				}
			},
			wantStatus: map[string]string{"The owner approves the consent request": evidence.StatusNotRun, "Internal transfer from the own account finishes": evidence.StatusNotRun}},
		{name: "deadline", exit: ExitIncomplete, complete: false, reason: "deadline",
			edit: func(c *Config) { c.Timeout = Duration(2 * 1e9) },
			fault: func(context.CancelFunc) func(*http.Request) {
				return func(r *http.Request) {
					if strings.HasSuffix(r.URL.Path, "/statement") {
						<-r.Context().Done() // a hung API: only the deadline ends it
					}
				}
			},
			wantStatus: map[string]string{"Read the statement page by page": evidence.StatusNotRun, "Internal transfer from the own account finishes": evidence.StatusNotRun}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyPath, pub := partnerKey(t)
			cfg := Defaults()
			cfg.Out = t.TempDir()
			cfg.Client.PrivateKeyFile = keyPath
			if tt.edit != nil {
				tt.edit(&cfg)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opts := Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: &syncBuffer{}, Lookup: noEnv}, Version: "test"}
			if tt.fault != nil {
				opts.Transport = faultTransport{tt.fault(cancel)}
			}
			res, err := Run(ctx, opts)
			require.NoError(t, err)
			assert.Equal(t, tt.exit, res.ExitCode)

			v, err := evidence.Verify(res.Bundle, pub)
			require.NoError(t, err)
			assert.True(t, v.OK(), "the bundle of a %s run must verify: %+v", tt.name, v.Checks)

			var m evidence.Manifest
			data, err := os.ReadFile(filepath.Join(res.Bundle, evidence.ManifestFile))
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &m))
			assert.Equal(t, tt.complete, m.Complete)
			assert.Equal(t, tt.exit, m.ExitCode)
			if tt.reason != "" {
				assert.Contains(t, m.IncompleteReason, tt.reason)
			}
			byName := map[string]string{}
			for _, sc := range reportOf(t, res).Scenarios() {
				byName[sc.Name] = sc.Status
			}
			for name, status := range tt.wantStatus {
				assert.Equal(t, status, byName[name], name)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent progress writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
