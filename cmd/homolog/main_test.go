package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/runner"
)

// cli runs the CLI in-process, as a user would from a shell, in dir.
func cli(t *testing.T, dir string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	if dir != "" {
		t.Chdir(dir)
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	// The user's configuration folder (homolog's test Stone key) is the
	// test's own: dir's, so calls in one dir share it, or a fresh one.
	home := dir
	if home == "" {
		home = t.TempDir()
	}
	configDir := func() (string, error) { return filepath.Join(home, "user-config"), nil }
	code = execute(context.Background(), args, streams{keys: sharedKeys, in: strings.NewReader(""), out: &out, err: &errb, lookup: lookup, configDir: configDir})
	return code, out.String(), errb.String()
}

func TestRunZeroSetUp(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, dir, nil, "run")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	bundle := lines[len(lines)-1]
	assert.True(t, strings.HasPrefix(bundle, "reports"+string(filepath.Separator)), "bundle under ./reports, got %q", bundle)

	var rep struct {
		Status   string `json:"status"`
		Features []struct {
			Name      string `json:"name"`
			Scenarios []struct {
				Status string `json:"status"`
			} `json:"scenarios"`
		} `json:"features"`
	}
	data, err := os.ReadFile(filepath.Join(dir, bundle, "report.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.Equal(t, "passed", rep.Status)
	require.Len(t, rep.Features, 17, "the four stages, every capability and webhooks")
	for _, f := range rep.Features {
		for _, sc := range f.Scenarios {
			assert.Equal(t, "passed", sc.Status, f.Name)
		}
	}
}

func TestRunBadInput(t *testing.T) {
	pub := writePublicKey(t)
	tests := []struct {
		name string
		yaml string
		args []string
		env  map[string]string
		want []string
	}{
		{name: "unknown target flag", args: []string{"--target", "staging"}, want: []string{`unknown target "staging"`}},
		{name: "unknown flag", args: []string{"--nope"}, want: []string{"unknown flag: --nope"}},
		{name: "missing explicit config", args: []string{"--config", "missing.yaml"}, want: []string{"missing.yaml", "cannot read the plan"}},
		{name: "unknown key with line", yaml: "version: 1\ntarget: simulator\nclinet:\n  id: x\n", want: []string{"scenarios.yaml", "line 3", `unknown key "clinet"`}},
		{name: "bad duration", yaml: "timeout: soon\n", want: []string{"scenarios.yaml", "line 1", `"soon" is not a duration`}},
		{name: "missing key file", yaml: "client:\n  private_key_file: nope.pem\n", want: []string{"nope.pem", "no such file"}},
		{name: "public key as private", yaml: "client:\n  private_key_file: " + pub + "\n", want: []string{"this is a public key"}},
		{name: "sandbox without id", yaml: "target: sandbox\n", want: []string{"client.id", "HOMOLOG_CLIENT_ID"}},
		{name: "env overrides file", yaml: "target: simulator\n", env: map[string]string{"HOMOLOG_TARGET": "prod"}, want: []string{`unknown target "prod"`}},
		{name: "bad concurrency env", env: map[string]string{"HOMOLOG_CONCURRENCY": "many"}, want: []string{"HOMOLOG_CONCURRENCY", `"many"`}},
		{name: "unknown language flag", args: []string{"--lang", "es"}, want: []string{"flag: --lang: unknown language \"es\" (want en or pt-BR)"}},
		{name: "unknown language env", env: map[string]string{"HOMOLOG_LANG": "fr"}, want: []string{"HOMOLOG_LANG", `"fr"`}},
		{name: "unknown language in the plan", yaml: "lang: de\n", want: []string{"scenarios.yaml: lang: unknown language"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.yaml != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte(tt.yaml), 0o644))
			}
			code, out, errOut := cli(t, dir, tt.env, append([]string{"run"}, tt.args...)...)
			assert.Equal(t, 2, code, "stdout: %s", out)
			for _, w := range tt.want {
				assert.Contains(t, errOut, w)
			}
			assert.NotContains(t, errOut, "goroutine", "no stack trace")
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "one clear line: %q", errOut)
			_, err := os.Stat(filepath.Join(dir, "reports"))
			assert.True(t, os.IsNotExist(err), "no bundle for a configuration error")
		})
	}
}

func TestKeysGenerate(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, "", nil, "keys", "generate", "--out", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "public.pem")

	st, err := os.Stat(filepath.Join(dir, "private.pem"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	data, err := os.ReadFile(filepath.Join(dir, "private.pem"))
	require.NoError(t, err)
	block, _ := pem.Decode(data)
	require.NotNil(t, block)
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	require.NoError(t, err)
	assert.Equal(t, 4096, key.N.BitLen())
	pub, err := readPublicKey(filepath.Join(dir, "public.pem"))
	require.NoError(t, err)
	assert.True(t, pub.Equal(&key.PublicKey))

	code, _, errOut = cli(t, "", nil, "keys", "generate", "--out", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "already exists")
	again, err := os.ReadFile(filepath.Join(dir, "private.pem"))
	require.NoError(t, err)
	assert.Equal(t, data, again, "an existing key is never overwritten")
}

// TestSimulateServesCurl plays an outside client: a hand-made assertion,
// posted as a form the way Stone's docs show with curl, gets a token.
func TestSimulateServesCurl(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	dir := t.TempDir()
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	pubPath := filepath.Join(dir, "app.pub")
	require.NoError(t, os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644))
	clientID := uuid.NewString()

	ctx, cancel := context.WithCancel(context.Background())
	out := &lineBuffer{lines: make(chan string, 8)}
	done := make(chan int, 1)
	go func() {
		done <- execute(ctx, []string{"simulate", "--addr", "127.0.0.1:0", "--client", clientID + "=" + pubPath},
			streams{keys: sharedKeys, in: strings.NewReader(""), out: out, err: io.Discard, lookup: func(string) (string, bool) { return "", false }})
	}()
	var base string
	select {
	case base = <-out.lines:
	case code := <-done:
		t.Fatalf("simulate exited with %d before serving", code)
	}
	require.True(t, strings.HasPrefix(base, "http://127.0.0.1:"), base)

	now := time.Now()
	assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"exp": now.Add(5 * time.Minute).Unix(), "nbf": now.Unix(), "iat": now.Unix(),
		"aud":   "https://sandbox-accounts.openbank.stone.com.br/auth/realms/stone_bank",
		"realm": "stone_bank", "sub": clientID, "iss": clientID, "clientId": clientID, "jti": uuid.NewString(),
	}).SignedString(key)
	require.NoError(t, err)
	form := url.Values{
		"client_id": {clientID}, "grant_type": {"client_credentials"}, "client_assertion": {assertion},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
	}
	resp, err := http.PostForm(base+"/auth/realms/stone_bank/protocol/openid-connect/token", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	assert.NotEmpty(t, tok.AccessToken)
	assert.Equal(t, 900, tok.ExpiresIn)

	cancel()
	assert.Equal(t, 0, <-done, "clean shutdown")
}

func TestSimulateBadClient(t *testing.T) {
	code, _, errOut := cli(t, "", nil, "simulate", "--addr", "127.0.0.1:0", "--client", "no-equals-sign")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "CLIENT_ID=PUBLIC_KEY.pem")
	code, _, errOut = cli(t, "", nil, "simulate", "--addr", "127.0.0.1:0", "--client", "abc=/nonexistent.pem")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "/nonexistent.pem")

	// A private key where the public one is asked for is a usage error
	// naming the flag, not silently used.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	priv := filepath.Join(t.TempDir(), "private.pem")
	require.NoError(t, os.WriteFile(priv, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	code, _, errOut = cli(t, "", nil, "simulate", "--addr", "127.0.0.1:0", "--client", "abc="+priv)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--client abc")
	assert.Contains(t, errOut, "PRIVATE key")

	for _, bad := range []string{"::nope", "ftp://example.com/hooks", "/relative/hooks", "http://"} {
		code, _, errOut = cli(t, "", nil, "simulate", "--addr", "127.0.0.1:0", "--webhook-url", bad)
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, errOut, "--webhook-url", bad)
	}
	code, _, errOut = cli(t, "", nil, "simulate", "--addr", "127.0.0.1:0", "--error-rate", "2")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--error-rate: must be between 0 and 1")
	assert.NotContains(t, errOut, "ErrorRate")
	code, _, errOut = cli(t, "", nil, "simulate", "--addr", "127.0.0.1:0", "--base-url", "sim.example")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--base-url")
}

// startSimulate runs `homolog simulate` in-process with args and returns its
// base URL and its stderr, stopping it when the test ends.
func startSimulate(t *testing.T, args ...string) (string, *lineBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineBuffer{lines: make(chan string, 8)}
	errb := &lineBuffer{lines: make(chan string, 64)}
	done := make(chan int, 1)
	go func() {
		done <- execute(ctx, append([]string{"simulate"}, args...),
			streams{keys: sharedKeys, in: strings.NewReader(""), out: out, err: errb, lookup: func(string) (string, bool) { return "", false }})
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case base := <-out.lines:
		return base, errb
	case code := <-done:
		done <- code
		t.Fatalf("simulate exited with %d before serving", code)
	}
	return "", nil
}

// String is every complete line written so far (Write hands each to the
// channel; String takes them back).
func (l *lineBuffer) String() string {
	var b strings.Builder
	for {
		select {
		case line := <-l.lines:
			b.WriteString(line + "\n")
		default:
			return b.String()
		}
	}
}

func TestSimulateNoControlsAndAddressWarning(t *testing.T) {
	base, errb := startSimulate(t, "--addr", "127.0.0.1:0", "--no-controls")
	resp, err := http.Get(base + "/_sim/clock")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "--no-controls leaves /_sim/ out")
	assert.Contains(t, string(body), "srn:error:not_found")
	resp, err = http.Get(base + "/api/v1/institutions")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, errb.String(), "warning", "a loopback address needs no warning")

	// Controls are on by default.
	base, _ = startSimulate(t, "--addr", "127.0.0.1:0")
	resp, err = http.Get(base + "/_sim/clock")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// Every interface: a warning on stderr. No request is sent to it.
	_, errb = startSimulate(t, "--addr", "0.0.0.0:0")
	assert.Regexp(t, `warning: listening on (0\.0\.0\.0|\[::\]):\d+, which other machines can reach`, errb.String())
}

func writePublicKey(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "public.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644))
	return path
}

// lineBuffer hands each written line to a channel, so a test can wait for
// the URL `simulate` prints.
type lineBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
}

func (l *lineBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line)
			return len(p), nil
		}
		select {
		case l.lines <- strings.TrimSpace(line):
		default:
		}
	}
}

// sharedKeys are the throwaway keys of every run these tests make, kept
// across runs as main keeps them in the user's cache folder.
var sharedKeys = runner.NewKeyCache(runner.KeyCacheOptions{})
