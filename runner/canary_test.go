package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// canaryTransport plants secrets where a careless recorder would write
// them (a private key and a cookie in API responses) and captures the real
// secrets of the run (access token, client assertion, consent JWT) as they
// cross the wire, so the test can look for every one of them in the bundle.
type canaryTransport struct {
	plantedKey string
	mu         sync.Mutex
	secrets    []string
}

var signaturePart = regexp.MustCompile(`^[^.]+\.[^.]+\.([A-Za-z0-9_-]+)$`)

func (c *canaryTransport) keep(s ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range s {
		if v != "" {
			c.secrets = append(c.secrets, v)
		}
	}
}

// keepJWT keeps a JWT and its signature, the part that makes it usable.
func (c *canaryTransport) keepJWT(tok string) {
	c.keep(tok)
	if m := signaturePart.FindStringSubmatch(tok); m != nil {
		c.keep(m[1])
	}
}

func (c *canaryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("client_assertion") != "" {
			c.keepJWT(form.Get("client_assertion"))
		}
		var link struct{ Link string }
		if json.Unmarshal(body, &link) == nil && link.Link != "" {
			if u, err := url.Parse(link.Link); err == nil {
				c.keepJWT(u.Query().Get("jwt"))
			}
		}
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &tok) == nil && tok.AccessToken != "" {
		c.keepJWT(tok.AccessToken)
	}
	if strings.HasSuffix(r.URL.Path, "/balance") {
		// A server that leaks a key in a response must not make homolog
		// leak it too.
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			m["private_key"] = c.plantedKey
			m["debug"] = "key follows " + c.plantedKey
			body, _ = json.Marshal(m)
		}
		resp.Header.Set("Set-Cookie", "session=canary-cookie-9f8e7d6c5b4a; HttpOnly")
		c.keep("canary-cookie-9f8e7d6c5b4a")
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// needles are what must never be found: each secret whole and every long
// alphanumeric run in it, so an escaped copy (HTML entities, JSON \u
// escapes, line-wrapped base64) is caught as well.
func needles(secrets []string) []string {
	runs := regexp.MustCompile(`[A-Za-z0-9]{20,}`)
	var out []string
	for _, s := range secrets {
		out = append(out, s)
		for _, r := range runs.FindAllString(s, -1) {
			// Skip the JWT header and claims: they are meant to stay
			// readable; the captured signatures are checked on their own.
			if strings.HasPrefix(r, "eyJ") {
				continue
			}
			out = append(out, r)
		}
	}
	return out
}

// TestCanary runs the whole script with secrets planted and captured, then
// reads every byte of every file of the bundle, and the console output,
// looking for them: there must be none.
func TestCanary(t *testing.T) {
	keyPath, _ := partnerKey(t)
	pemBytes, err := os.ReadFile(keyPath)
	require.NoError(t, err)
	ct := &canaryTransport{plantedKey: string(pemBytes)}
	ct.keep(string(pemBytes))

	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Client.PrivateKeyFile = keyPath
	out := &syncBuffer{}
	res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: out, Lookup: noEnv}, Transport: ct})
	require.NoError(t, err)
	require.Equal(t, ExitPassed, res.ExitCode, out.String())

	ct.mu.Lock()
	secrets := append([]string(nil), ct.secrets...)
	ct.mu.Unlock()
	var kinds int
	for _, s := range secrets {
		if strings.HasPrefix(s, "eyJ") {
			kinds++
		}
	}
	require.GreaterOrEqual(t, kinds, 3, "captured at least an access token, an assertion and a consent JWT")

	// The private key's PEM shares the modulus with the public key, which
	// the bundle carries on purpose; runs that are public are not leaks.
	pubPEM, err := os.ReadFile(filepath.Join(res.Bundle, "public-key.pem"))
	require.NoError(t, err)
	var ns []string
	for _, n := range needles(secrets) {
		if !strings.Contains(string(pubPEM), n) {
			ns = append(ns, n)
		}
	}
	files := 0
	require.NoError(t, filepath.WalkDir(res.Bundle, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, text := range []string{string(data), html.UnescapeString(string(data))} {
			for _, n := range ns {
				if strings.Contains(text, n) {
					t.Errorf("%s contains a secret (%.12s…)", filepath.Base(p), n)
					return nil
				}
			}
		}
		return nil
	}))
	assert.GreaterOrEqual(t, files, 10, "every file of the bundle was read, bodies included")
	for _, n := range ns {
		assert.NotContains(t, out.String(), n, "console output")
	}
	// The evidence is still there, just without the secrets.
	data, err := os.ReadFile(filepath.Join(res.Bundle, "journal.ndjson"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "[private key [redacted:")
	assert.Contains(t, string(data), `"idempotency_key":"homolog-`)
}
