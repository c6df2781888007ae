package stone

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

const (
	stoneKid    = "stone-sig-1"
	testEventID = "7919b78a-630e-4ad4-bb12-91eec729175d"
	testEvent   = "cash_out_internal_transfer_finished"
)

// webhookEnv is a test "Stone" that signs webhooks with its own key pair
// and publishes the public half at /api/v1/discovery/keys of the fake API,
// plus a receiver wired the way the runner wires it.
type webhookEnv struct {
	t        *testing.T
	fs       *fakeStone
	client   *Client
	stone    *rsa.PrivateKey // Stone's signing key
	jwks     func() string   // current JWKS body
	jwksFail bool
	fetches  int
	mu       sync.Mutex
	handled  []Webhook
	handle   func(Webhook) error // nil → accept
	rejected []int
	recv     *WebhookReceiver
}

func newWebhookEnv(t *testing.T) *webhookEnv {
	t.Helper()
	e := &webhookEnv{t: t, fs: newFakeStone(t), stone: genKey(t)}
	e.client = e.fs.client(t, nil)
	enc := genKey(t)
	e.jwks = func() string {
		return jwksJSON(t, jwkEntry{stoneKid, "sig", &e.stone.PublicKey}, jwkEntry{"stone-enc-1", "enc", &enc.PublicKey})
	}
	e.fs.api = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Path != "/api/v1/discovery/keys" || r.Method != http.MethodGet {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		e.mu.Lock()
		e.fetches++
		fail, body := e.jwksFail, e.jwks()
		e.mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, body)
	}
	keys, err := e.client.WebhookKeys(WebhookKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.recv, err = NewWebhookReceiver(WebhookReceiverOptions{
		PrivateKey: e.fs.key, // the partner key registered for auth is the one Stone encrypts to
		Keys:       keys,
		Handle: func(_ context.Context, w Webhook) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.handled = append(e.handled, w)
			if e.handle != nil {
				return e.handle(w)
			}
			return nil
		},
		OnReject: func(_ *http.Request, status int, _ error) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.rejected = append(e.rejected, status)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func genKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type jwkEntry struct {
	kid, use string
	pub      *rsa.PublicKey
}

func jwksJSON(t *testing.T, keys ...jwkEntry) string {
	t.Helper()
	var set jose.JSONWebKeySet
	for _, k := range keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: k.pub, KeyID: k.kid, Use: k.use, Algorithm: "RS256"})
	}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (e *webhookEnv) counts() (fetches, handled int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.fetches, len(e.handled)
}

// seal is how Stone builds a delivery: a JWS of the claims, encrypted as a
// JWE to the partner's public key.
type seal struct {
	sigAlg jose.SignatureAlgorithm // "" → RS256
	sigKey any                     // nil → Stone's key
	kid    string                  // "" → stoneKid; "-" → none
	keyAlg jose.KeyAlgorithm       // "" → RSA-OAEP-256
	enc    jose.ContentEncryption  // "" → A256GCM
	to     *rsa.PublicKey          // nil → the partner's key
}

func (e *webhookEnv) seal(claims any, s seal) string {
	t := e.t
	t.Helper()
	payload, ok := claims.(string)
	if !ok {
		b, err := json.Marshal(claims)
		if err != nil {
			t.Fatal(err)
		}
		payload = string(b)
	}
	if s.sigAlg == "" {
		s.sigAlg = jose.RS256
	}
	if s.sigKey == nil {
		s.sigKey = e.stone
	}
	opts := &jose.SignerOptions{}
	switch s.kid {
	case "":
		opts = opts.WithHeader("kid", stoneKid)
	case "-":
	default:
		opts = opts.WithHeader("kid", s.kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: s.sigAlg, Key: s.sigKey}, opts.WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	inner, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	if s.keyAlg == "" {
		s.keyAlg = jose.RSA_OAEP_256
	}
	if s.enc == "" {
		s.enc = jose.A256GCM
	}
	if s.to == nil {
		s.to = &e.fs.key.PublicKey
	}
	encrypter, err := jose.NewEncrypter(s.enc, jose.Recipient{Algorithm: s.keyAlg, Key: s.to}, (&jose.EncrypterOptions{}).WithContentType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := encrypter.Encrypt([]byte(inner))
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// deliver posts one delivery the way Stone does and returns the answer.
func (e *webhookEnv) deliver(encrypted, eventID, eventType string) *httptest.ResponseRecorder {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"encrypted_body": encrypted})
	return e.post(string(body), eventID, eventType)
}

func (e *webhookEnv) post(body, eventID, eventType string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/stone", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if eventID != "" {
		r.Header.Set(WebhookEventIDHeader, eventID)
	}
	if eventType != "" {
		r.Header.Set(WebhookEventTypeHeader, eventType)
	}
	w := httptest.NewRecorder()
	e.recv.ServeHTTP(w, r)
	return w
}

// finishedClaims is Stone's documented internal-transfer-finished event.
func finishedClaims(id string) map[string]any {
	return map[string]any{
		"env": "sandbox", "event_happened_at": "2021-06-02T19:40:23Z", "event_notified_at": "2021-06-02T19:40:24Z",
		"event_type": testEvent, "id": id,
		"target_data":          map[string]any{"account_id": "6745bdf0", "amount": 4000, "status": "FINISHED"},
		"target_detail_uri":    "https://sandbox-api.openbank.stone.com.br/api/v1/internal_transfers/" + id,
		"target_id":            id,
		"target_statement_uri": nil,
		"target_type":          "internal_transfer_finished",
		"iat":                  1622662824, "nbf": 1622662824, "jti": "2o79sqemde14mv76eo00jsc3",
	}
}

func mustKeys(t *testing.T, c *Client) *WebhookKeys {
	t.Helper()
	k, err := c.WebhookKeys(WebhookKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return k
}
