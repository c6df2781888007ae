package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runBundle runs the script in dir with the given plan and returns the
// bundle path.
func runBundle(t *testing.T, dir, plan string, wantCode int) string {
	t.Helper()
	if plan != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte(plan), 0o644))
	}
	code, out, errOut := cli(t, dir, nil, "run")
	require.Equal(t, wantCode, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return filepath.Join(dir, lines[len(lines)-1])
}

// TestRunThenVerify is what Stone does with a bundle: verify it with the
// public key it holds from registration.
func TestRunThenVerify(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	code, _, errOut := cli(t, dir, nil, "keys", "generate", "--out", keys)
	require.Equal(t, 0, code, errOut)
	bundle := runBundle(t, dir, "client:\n  private_key_file: keys/private.pem\nsignoff: {operator: Ana Souza, approver: Bruno Lima, role: QA lead, environment: simulator}\n", 0)

	code, out, errOut := cli(t, "", nil, "verify", bundle, "--public-key", filepath.Join(keys, "public.pem"))
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "intact")
	assert.Contains(t, out, "--public-key")

	manifest, err := os.ReadFile(filepath.Join(bundle, "manifest.json"))
	require.NoError(t, err)
	assert.Contains(t, string(manifest), `"approver": "Bruno Lima"`, "the sign-off is part of what is signed")
	html, err := os.ReadFile(filepath.Join(bundle, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "Bruno Lima", "and of the report header")

	// Another key (someone else's) must not verify it.
	other := writePublicKey(t)
	code, out, _ = cli(t, "", nil, "verify", bundle, "--public-key", other)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "FAIL  signature")

	// Tampering with the report is caught and named.
	report := filepath.Join(bundle, "report.json")
	data, err := os.ReadFile(report)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(report, []byte(strings.Replace(string(data), `"passed"`, `"failed"`, 1)), 0o644))
	code, out, errOut = cli(t, "", nil, "verify", bundle)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "FAIL  file report.json")
	assert.Contains(t, errOut, "does not verify")
}

func TestVerifyUsage(t *testing.T) {
	code, _, errOut := cli(t, "", nil, "verify", filepath.Join(t.TempDir(), "nope"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "not a bundle folder")
	code, _, _ = cli(t, "", nil, "verify")
	assert.Equal(t, 2, code)
	code, _, errOut = cli(t, "", nil, "verify", t.TempDir(), "--public-key", "/nonexistent.pem")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "/nonexistent.pem")
}

func TestDiff(t *testing.T) {
	dir := t.TempDir()
	a := runBundle(t, dir, "", 0)
	b := runBundle(t, dir, "fixtures:\n  transfer_targets: [\"99999999\"]\n", 1)

	code, out, _ := cli(t, "", nil, "diff", a, a)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "no differences")

	code, out, _ = cli(t, "", nil, "diff", a, b)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "status   run: passed → failed")
	assert.Contains(t, out, "Transact / Internal transfer from the own account finishes: passed → failed")

	code, _, errOut := cli(t, "", nil, "diff", a, filepath.Join(dir, "nope"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "not a bundle folder")
}

func TestConsentLink(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := cli(t, dir, nil, "keys", "generate", "--out", "keys")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("target: sandbox\nclient: {id: my-client, private_key_file: keys/private.pem, redirect_uri: \"https://partner.example/cb\"}\n"), 0o644))
	code, out, errOut := cli(t, dir, nil, "consent-link")
	require.Equal(t, 0, code, errOut)
	u, err := url.Parse(strings.TrimSpace(out))
	require.NoError(t, err)
	assert.Equal(t, "sandbox.conta.stone.com.br", u.Host)
	assert.Equal(t, "/consentimento", u.Path)
	assert.Equal(t, "my-client", u.Query().Get("client_id"))
	assert.Regexp(t, `^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$`, u.Query().Get("jwt"))

	// The plan's endpoints key is honoured: a sandbox stand-in's consent
	// page, not Stone's.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("target: sandbox\nclient: {id: my-client, private_key_file: keys/private.pem, redirect_uri: \"https://partner.example/cb\"}\nendpoints: {site_url: \"http://127.0.0.1:8080\"}\n"), 0o644))
	code, out, errOut = cli(t, dir, nil, "consent-link")
	require.Equal(t, 0, code, errOut)
	assert.True(t, strings.HasPrefix(out, "http://127.0.0.1:8080/consentimento?"), out)

	code, _, errOut = cli(t, dir, nil, "consent-link", "--ttl", "3h")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--ttl")
	code, _, errOut = cli(t, dir, nil, "consent-link", "--target", "simulator")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "consent-link needs target sandbox or production")
}
