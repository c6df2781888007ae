package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
)

// partnerReceiver is a partner's webhook endpoint, written the way Stone's
// guide asks: decrypt with the partner's key, verify the JWS with the key
// the JWKS names by kid, dedupe on x-stone-webhook-event-id, refuse the
// rest. Its faults are switched on per event type, as a partner's bug
// would be in the handler of one event.
type partnerReceiver struct {
	key  *rsa.PrivateKey
	jwks jose.JSONWebKeySet

	acceptForged   map[string]bool          // event types whose signature is not checked
	failDuplicates map[string]bool          // event types whose retry is answered 409
	slow           map[string]time.Duration // event types answered late

	mu   sync.Mutex
	seen map[string]bool
}

func (p *partnerReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	typ, id := r.Header.Get("X-Stone-Webhook-Event-Type"), r.Header.Get("X-Stone-Webhook-Event-Id")
	time.Sleep(p.slow[typ])
	body, _ := io.ReadAll(r.Body)
	var env struct {
		EncryptedBody string `json:"encrypted_body"`
	}
	if json.Unmarshal(body, &env) != nil || env.EncryptedBody == "" || id == "" {
		http.Error(w, "not a Stone delivery", http.StatusBadRequest)
		return
	}
	jwe, err := jose.ParseEncryptedCompact(env.EncryptedBody, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		http.Error(w, "bad jwe", http.StatusBadRequest)
		return
	}
	plain, err := jwe.Decrypt(p.key)
	if err != nil {
		http.Error(w, "cannot decrypt", http.StatusBadRequest)
		return
	}
	jws, err := jose.ParseSignedCompact(string(plain), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(jws.Signatures) != 1 {
		http.Error(w, "bad jws", http.StatusBadRequest)
		return
	}
	var claims []byte
	if p.acceptForged[typ] {
		claims = jws.UnsafePayloadWithoutVerification()
	} else {
		keys := p.jwks.Key(jws.Signatures[0].Header.KeyID)
		if len(keys) != 1 {
			http.Error(w, "unknown kid", http.StatusUnauthorized)
			return
		}
		if claims, err = jws.Verify(keys[0].Key); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
	}
	var payload struct {
		EventType string `json:"event_type"`
	}
	if json.Unmarshal(claims, &payload) != nil || payload.EventType != typ {
		http.Error(w, "payload and header disagree", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	dup := p.seen[id]
	p.seen[id] = true
	p.mu.Unlock()
	if dup && p.failDuplicates[typ] {
		http.Error(w, "already processed", http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// partnerSetUp writes a plan whose client key is the partner's and
// returns the key and homolog's test Stone key's JWKS, as the partner
// gets them (homolog webhooks keys).
func partnerSetUp(t *testing.T, dir string) (*rsa.PrivateKey, jose.JSONWebKeySet) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	keyPath := filepath.Join(dir, "partner.pem")
	require.NoError(t, os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("version: 1\nclient:\n  id: partner-app\n  private_key_file: partner.pem\n"), 0o644))
	code, out, errOut := cli(t, dir, nil, "webhooks", "keys")
	require.Equal(t, 0, code, errOut)
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal([]byte(out), &set), out)
	return key, set
}

type sentBundle struct {
	code     int
	out, dir string
	report   evidence.Report
}

func sendWebhooks(t *testing.T, dir, url string, args ...string) sentBundle {
	t.Helper()
	code, out, errOut := cli(t, dir, nil, append([]string{"webhooks", "send", "--url", url}, args...)...)
	require.Contains(t, []int{0, 1}, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	b := sentBundle{code: code, out: out, dir: filepath.Join(dir, lines[len(lines)-1])}
	data, err := os.ReadFile(filepath.Join(b.dir, "report.json"))
	require.NoError(t, err, out)
	require.NoError(t, json.Unmarshal(data, &b.report))
	return b
}

// failing names the event types whose scenario failed, with their errors.
func (b sentBundle) failing() map[string]string {
	out := map[string]string{}
	for _, sc := range b.report.Scenarios() {
		if sc.Status != evidence.StatusPassed {
			out[sc.Name] = sc.Error
		}
	}
	return out
}

// TestWebhooksSendWellBehavedReceiver: a receiver that does what Stone's
// guide says passes every check, and the bundle verifies and rechecks
// like a run's.
func TestWebhooksSendWellBehavedReceiver(t *testing.T) {
	dir := t.TempDir()
	key, jwks := partnerSetUp(t, dir)
	require.Len(t, jwks.Keys, 1)
	assert.Equal(t, "sig", jwks.Keys[0].Use)
	kid, _ := evidence.KeyID(jwks.Keys[0].Key.(*rsa.PublicKey))
	assert.Equal(t, kid, jwks.Keys[0].KeyID, "kid is the RFC 7638 thumbprint")
	recv := &partnerReceiver{key: key, jwks: jwks, seen: map[string]bool{}}
	srv := httptest.NewServer(recv)
	defer srv.Close()

	b := sendWebhooks(t, dir, srv.URL, "--events", "order_paid,cash_out_internal_transfer_finished,sign_up_created")
	require.Equal(t, 0, b.code, b.out)
	assert.Empty(t, b.failing())
	require.Len(t, b.report.Features, 1)
	f := b.report.Features[0]
	assert.Equal(t, "Partner webhook receiver", f.Name)
	require.Len(t, f.Scenarios, 3)
	for _, sc := range f.Scenarios {
		require.Len(t, sc.Steps, 5, sc.Name)
		for _, st := range sc.Steps {
			require.Len(t, st.Checks, 1, st.Text)
			assert.True(t, st.Checks[0].OK, "%s: %s", st.Text, st.Checks[0].Message)
			require.Len(t, st.Exchanges, 1, st.Text)
			assert.Equal(t, srv.URL, st.Exchanges[0].URL)
			if body := st.Exchanges[0].Request.Body; strings.HasPrefix(body, `{"encrypted_body"`) {
				assert.Contains(t, body, ".[jwe].[redacted:", "the JWE keeps its header (alg, enc, the recipient's kid), the rest is redacted")
			}
		}
	}
	assert.Contains(t, b.out, "PASSED — the partner's webhook receiver only, not the homologation script; partial: 3 of")
	assert.Equal(t, "partner-receiver", b.report.Target.Name)

	junit, err := os.ReadFile(filepath.Join(b.dir, "junit.xml"))
	require.NoError(t, err)
	for _, typ := range []string{"order_paid", "cash_out_internal_transfer_finished", "sign_up_created"} {
		assert.Contains(t, string(junit), `name="`+typ+`"`, "one JUnit test case per event type")
	}
	assert.Contains(t, string(junit), "check partner_webhook_refused (event_type=order_paid, kind=forged) holds")
	html, err := os.ReadFile(filepath.Join(b.dir, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "Feature: Partner webhook receiver")

	code, out, _ := cli(t, dir, nil, "verify", b.dir, "--public-key", writeKeyPub(t, dir, key))
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "verdict   Homologation PASSED — the partner's webhook receiver only")
	code, out, _ = cli(t, dir, nil, "recheck", b.dir)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "3 of 3 scenarios recompute as recorded; the bundle is intact")
}

// TestWebhooksSendBadlyBehavedReceivers: each fault is reported on the
// event type whose handler has it, and on no other; the bundle still
// verifies and rechecks as recorded.
func TestWebhooksSendBadlyBehavedReceivers(t *testing.T) {
	events := "order_paid,cash_out_internal_transfer_finished,pix_outbound_payment_settled"
	tests := []struct {
		name  string
		set   func(r *partnerReceiver)
		args  []string
		event string
		fault string
	}{
		{"accepts forgeries", func(r *partnerReceiver) { r.acceptForged = map[string]bool{"order_paid": true} }, nil,
			"order_paid", "accepted #", // the step and journal number, then the kind
		},
		{"fails duplicates", func(r *partnerReceiver) {
			r.failDuplicates = map[string]bool{"cash_out_internal_transfer_finished": true}
		}, nil,
			"cash_out_internal_transfer_finished", "delivered again",
		},
		{"too slow", func(r *partnerReceiver) {
			r.slow = map[string]time.Duration{"pix_outbound_payment_settled": 300 * time.Millisecond}
		},
			[]string{"--within", "150ms"}, "pix_outbound_payment_settled", "Stone waits 150ms and retries a delivery answered later",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			key, jwks := partnerSetUp(t, dir)
			recv := &partnerReceiver{key: key, jwks: jwks, seen: map[string]bool{}}
			tt.set(recv)
			srv := httptest.NewServer(recv)
			defer srv.Close()

			b := sendWebhooks(t, dir, srv.URL, append([]string{"--events", events}, tt.args...)...)
			assert.Equal(t, 1, b.code, b.out)
			failing := b.failing()
			require.Len(t, failing, 1, "only the faulty event type fails: %v", failing)
			assert.Contains(t, failing[tt.event], tt.fault)
			assert.Contains(t, b.out, "FAIL "+tt.event)
			assert.Contains(t, b.out, "Homologation FAILED")

			code, out, _ := cli(t, dir, nil, "verify", b.dir)
			assert.Equal(t, 0, code, out)
			code, out, _ = cli(t, dir, nil, "recheck", b.dir)
			assert.Equal(t, 0, code, "a failed bundle rechecks as recorded:\n%s", out)
			assert.Contains(t, out, "recorded failed    recomputed failed    Partner webhook receiver › "+tt.event)
		})
	}
}

// TestWebhooksSendAcceptsAnything: a receiver that checks
// nothing fails the three refusals of every event, each named; a token in
// its address is redacted wherever the bundle names it.
func TestWebhooksSendAcceptsAnything(t *testing.T) {
	dir := t.TempDir()
	partnerSetUp(t, dir)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer srv.Close()
	b := sendWebhooks(t, dir, srv.URL+"/hooks?token=s3cr3t-partner-token", "--events", "consent_requested")
	assert.Equal(t, 1, b.code)
	_ = filepath.Walk(b.dir, func(p string, fi os.FileInfo, _ error) error {
		if data, err := os.ReadFile(p); err == nil && !fi.IsDir() {
			assert.NotContains(t, string(data), "s3cr3t", "%s holds the receiver's token in clear", filepath.Base(p))
		}
		return nil
	})
	assert.NotContains(t, b.out, "s3cr3t")
	msg := b.failing()["consent_requested"]
	for _, want := range []string{"signed by a key that is not Stone's", "encrypted for another key than the partner's", "not a Stone delivery"} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "delivered again", "the valid delivery and its retry were answered 2xx")
}

func TestWebhooksSendBadInput(t *testing.T) {
	dir := t.TempDir()
	partnerSetUp(t, dir)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no url", []string{"webhooks", "send"}, "--url: required"},
		{"not a url", []string{"webhooks", "send", "--url", "partner.example/hooks"}, "is not the http(s) address"},
		{"unknown event", []string{"webhooks", "send", "--url", "http://127.0.0.1:1/h", "--events", "order_payed"}, `--events: "order_payed" is neither an event type`},
		{"longer than Stone waits", []string{"webhooks", "send", "--url", "http://127.0.0.1:1/h", "--within", "30s"}, "--within: 30s: must be positive and at most 10s"},
		{"stone key is public", []string{"webhooks", "keys", "--stone-key", writeKeyPub(t, dir, nil)}, `is not an RSA private key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, dir, nil, tt.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tt.want)
			var problems []string
			for _, l := range strings.Split(strings.TrimSpace(errOut), "\n") {
				if !strings.HasPrefix(l, "homolog: test Stone key ") && !strings.HasPrefix(l, "homolog: created the test Stone key ") {
					problems = append(problems, l)
				}
			}
			assert.Len(t, problems, 1, "one line: %s", errOut)
		})
	}

	// Without a partner key there is nothing to encrypt for.
	bare := t.TempDir()
	code, _, errOut := cli(t, bare, nil, "webhooks", "send", "--url", "http://127.0.0.1:1/h")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "client.private_key_file: no partner key")
	entries, _ := os.ReadDir(filepath.Join(bare, "reports"))
	assert.Empty(t, entries, "no bundle is started for a configuration error")
}

// TestWebhooksKeysStayTheSame: the test Stone key is created once in the
// user's configuration folder (0600) and read back on every later use;
// homolog simulate --stone-key serves the same key.
func TestWebhooksKeysStayTheSame(t *testing.T) {
	dir := t.TempDir()
	code, first, errOut := cli(t, dir, nil, "webhooks", "keys")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "created the test Stone key")
	path := filepath.Join(dir, "user-config", "homolog", "stone-test-key.pem")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	code, second, errOut := cli(t, dir, nil, "webhooks", "keys")
	require.Equal(t, 0, code)
	assert.NotContains(t, errOut, "created")
	assert.Equal(t, first, second)
	assert.NotContains(t, first, `"d"`, "no private part in the JWKS")

	code, viaFlag, _ := cli(t, dir, nil, "webhooks", "keys", "--stone-key", path)
	require.Equal(t, 0, code)
	assert.Equal(t, first, viaFlag)

	// homolog simulate --stone-key publishes it at the discovery endpoint.
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineBuffer{lines: make(chan string, 8)}
	done := make(chan int, 1)
	go func() {
		done <- execute(ctx, []string{"simulate", "--addr", "127.0.0.1:0", "--stone-key", path},
			streams{keys: sharedKeys, in: strings.NewReader(""), out: out, err: io.Discard, lookup: func(string) (string, bool) { return "", false }})
	}()
	var base string
	select {
	case base = <-out.lines:
	case code := <-done:
		t.Fatalf("simulate exited with %d before serving", code)
	}
	resp, err := http.Get(base + "/api/v1/discovery/keys")
	require.NoError(t, err)
	defer resp.Body.Close()
	var served, printed jose.JSONWebKeySet
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&served))
	require.NoError(t, json.Unmarshal([]byte(first), &printed))
	sig := served.Key(printed.Keys[0].KeyID)
	require.Len(t, sig, 1, "the simulator serves the test Stone key under its kid")
	assert.Equal(t, "sig", sig[0].Use)
	assert.True(t, sig[0].Key.(*rsa.PublicKey).Equal(printed.Keys[0].Key))
	cancel()
	assert.Equal(t, 0, <-done)
}

// writeKeyPub writes the public half of key (a fresh one when nil) as PEM.
func writeKeyPub(t *testing.T, dir string, key *rsa.PrivateKey) string {
	t.Helper()
	if key == nil {
		var err error
		key, err = rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	path := filepath.Join(dir, "partner-public.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644))
	return path
}

// TestRunWithPartnerURL: homolog run with webhooks.partner_url runs the
// @webhooks-partner feature against the partner's receiver, signing with
// the same test Stone key homolog webhooks keys printed.
func TestRunWithPartnerURL(t *testing.T) {
	dir := t.TempDir()
	key, jwks := partnerSetUp(t, dir)
	recv := &partnerReceiver{key: key, jwks: jwks, seen: map[string]bool{}}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	plan := "version: 1\nclient:\n  private_key_file: partner.pem\nwebhooks:\n  partner_url: " + srv.URL + "/webhooks/stone\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte(plan), 0o644))

	code, out, errOut := cli(t, dir, nil, "run")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "ok      The partner's webhook receiver › The partner's receiver refuses a delivery signed by another key")
	assert.Contains(t, errOut, "test Stone key "+filepath.Join(dir, "user-config", "homolog", "stone-test-key.pem"))
	recv.mu.Lock()
	defer recv.mu.Unlock()
	assert.Greater(t, len(recv.seen), 5, "the receiver got one delivery per event type the run received")
}
