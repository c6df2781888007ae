package partnerhook

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/stone"
)

func genKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// staticKeys resolves the test Stone key the way a receiver reading
// homolog's JWKS would.
type staticKeys map[string]*rsa.PublicKey

func (k staticKeys) SigningKey(_ context.Context, kid string) (*rsa.PublicKey, error) {
	if pub, ok := k[kid]; ok {
		return pub, nil
	}
	return nil, fmt.Errorf("%w %q", stone.ErrUnknownKeyID, kid)
}

type seen struct {
	mu       sync.Mutex
	answered map[string]int // event id → status
	headers  []http.Header
}

// TestDeliveriesAsStoneMakesThem sends each delivery of an event to
// homolog's own Stone webhook receiver (package stone), keyed with the
// partner's key and the test Stone key's JWKS: the one Stone makes is
// accepted, twice; the three it never makes are refused, each for its
// own reason.
func TestDeliveriesAsStoneMakesThem(t *testing.T) {
	partner, stoneKey := genKey(t), genKey(t)
	jwks, err := JWKS(&stoneKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	var set stone.JSONWebKeySet
	if err := json.Unmarshal(jwks, &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("JWKS %s: %v", jwks, err)
	}
	pub, err := set.Keys[0].RSAPublicKey()
	if err != nil || set.Keys[0].Use != "sig" || set.Keys[0].Algorithm != "RS256" {
		t.Fatalf("the JWKS key is not a usable sig key: %+v %v", set.Keys[0], err)
	}
	kid, _ := evidence.KeyID(&stoneKey.PublicKey)
	if set.Keys[0].KeyID != kid {
		t.Fatalf("kid %q is not the RFC 7638 thumbprint %q", set.Keys[0].KeyID, kid)
	}

	var got []stone.Webhook
	var reasons []string
	recv, err := stone.NewWebhookReceiver(stone.WebhookReceiverOptions{
		PrivateKey: partner, Keys: staticKeys{kid: pub},
		Handle:   func(_ context.Context, w stone.Webhook) error { got = append(got, w); return nil },
		OnReject: func(_ *http.Request, _ int, err error) { reasons = append(reasons, err.Error()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &seen{answered: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: 200}
		recv.ServeHTTP(sw, r)
		s.mu.Lock()
		s.answered[r.Header.Get(EventIDHeader)] = sw.status
		s.headers = append(s.headers, r.Header.Clone())
		s.mu.Unlock()
	}))
	defer srv.Close()

	sender, err := NewSender(SenderOptions{URL: srv.URL, PartnerKey: &partner.PublicKey, StoneKey: stoneKey})
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := Lookup("cash_out_internal_transfer_finished")
	at := time.Now().UTC().Truncate(time.Second)
	deliveries, err := sender.Prepare(ev.Type, func(id string) map[string]any {
		return ev.Claims(Facts{EventID: id, JTI: "jti-" + id, TargetID: "tr-1", AccountID: "acc-1", ClientID: "cli", At: at})
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, d := range []Delivery{deliveries.Valid, deliveries.Valid, deliveries.Forged, deliveries.WrongKey, deliveries.Garbage} {
		if err := sender.Send(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]bool{}
	for _, d := range []Delivery{deliveries.Valid, deliveries.Forged, deliveries.WrongKey, deliveries.Garbage} {
		if ids[d.EventID] {
			t.Errorf("event id %s is used by two deliveries", d.EventID)
		}
		ids[d.EventID] = true
	}
	if len(got) != 1 || got[0].EventType != ev.Type || got[0].TargetID != "tr-1" || got[0].EventID != deliveries.Valid.EventID {
		t.Fatalf("the receiver processed %+v; want the valid delivery once (its retry deduplicated)", got)
	}
	if s.answered[deliveries.Valid.EventID] != 200 {
		t.Errorf("the valid delivery was answered %d", s.answered[deliveries.Valid.EventID])
	}
	for _, c := range []struct {
		d    Delivery
		want string
	}{{deliveries.Forged, "signature"}, {deliveries.WrongKey, "decrypt"}, {deliveries.Garbage, "not JSON"}} {
		if st := s.answered[c.d.EventID]; st/100 == 2 {
			t.Errorf("the %s delivery was accepted (%d)", c.d.Kind, st)
		}
	}
	joined := strings.Join(reasons, "\n")
	for _, want := range []string{"signature", "decrypt", "not JSON"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no delivery was refused for %q; reasons:\n%s", want, joined)
		}
	}
	for _, h := range s.headers {
		if h.Get(EventTypeHeader) != ev.Type || h.Get(EventIDHeader) == "" || h.Get("Content-Type") != "application/json" {
			t.Errorf("headers %v", h)
		}
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// TestRedirectsAreNotFollowed: Stone counts a 3xx as a failed delivery, so
// the answer judged is the redirect itself, whatever the caller's client
// would do.
func TestRedirectsAreNotFollowed(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.URL.Path == "/moved" {
			w.WriteHeader(200)
			return
		}
		http.Redirect(w, r, "/moved", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	var status int
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil {
			status = resp.StatusCode
		}
		return resp, err
	})}
	s, err := NewSender(SenderOptions{URL: srv.URL, PartnerKey: &genKey(t).PublicKey, StoneKey: genKey(t), HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), Delivery{EventID: "e", EventType: "order_paid", Body: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	if hits != 1 || status != http.StatusTemporaryRedirect {
		t.Errorf("%d requests, last status %d: the redirect was followed", hits, status)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewSenderNeedsItsKeys(t *testing.T) {
	k := genKey(t)
	for _, c := range []struct {
		opts SenderOptions
		want string
	}{
		{SenderOptions{PartnerKey: &k.PublicKey, StoneKey: k}, "URL"},
		{SenderOptions{URL: "http://x", StoneKey: k}, "partner's public key"},
		{SenderOptions{URL: "http://x", PartnerKey: &k.PublicKey}, "test Stone key"},
	} {
		if _, err := NewSender(c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error naming %s", c.opts, err, c.want)
		}
	}
}

func TestEnsureStoneKey(t *testing.T) {
	dir := t.TempDir()
	path := StoneKeyPath(dir)
	if !strings.HasPrefix(path, filepath.Join(dir, "homolog")+string(filepath.Separator)) {
		t.Fatalf("the key is kept in homolog's own folder: %s", path)
	}
	k1, created, err := EnsureStoneKey(path)
	if err != nil || !created {
		t.Fatalf("first use creates the key: %v %v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the key file is %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	k2, created, err := EnsureStoneKey(path)
	if err != nil || created || !k1.Equal(k2) {
		t.Fatalf("the next use reads the same key: created %v, same %v, %v", created, k1.Equal(k2), err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left beside the key: %v", entries)
	}

	for _, bad := range []struct{ pem, want string }{
		{"not a key", "not a PEM file"},
		{"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", `"PUBLIC KEY" is not an RSA private key`},
	} {
		p := filepath.Join(dir, "bad.pem")
		_ = os.WriteFile(p, []byte(bad.pem), 0o600)
		if _, _, err := EnsureStoneKey(p); err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: %v, want an error naming the file and %q", bad.pem, err, bad.want)
		}
	}
}

func TestKeyIDIsEvidenceKeyID(t *testing.T) {
	k := genKey(t)
	a, _ := KeyID(&k.PublicKey)
	b, _ := evidence.KeyID(&k.PublicKey)
	if a != b {
		t.Fatalf("partnerhook.KeyID %q, evidence.KeyID %q: the kid of one key must be one", a, b)
	}
}

// The body homolog sends is exactly {"encrypted_body": compact JWE}.
func TestSealedBody(t *testing.T) {
	k := genKey(t)
	body, err := sealBody([]byte(`{"event_type":"x"}`), k, "kid", &k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]string
	if err := json.Unmarshal(body, &env); err != nil || len(env) != 1 || strings.Count(env["encrypted_body"], ".") != 4 {
		t.Fatalf("body %s", body)
	}
}
