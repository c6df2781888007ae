package simulator

import (
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// hookReceiver is a partner's webhook endpoint: it records every request and
// answers with answer(n) for the n-th (1-based).
type hookReceiver struct {
	srv    *httptest.Server
	answer func(n int) int
	got    chan struct{} // one value per request, never blocks the handler

	mu   sync.Mutex
	reqs []hookRequest
}

type hookRequest struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, answer func(n int) int) *hookReceiver {
	t.Helper()
	h := &hookReceiver{answer: answer, got: make(chan struct{}, 1000)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.reqs = append(h.reqs, hookRequest{header: r.Header.Clone(), body: b})
		n := len(h.reqs)
		h.mu.Unlock()
		h.got <- struct{}{}
		w.WriteHeader(h.answer(n))
		_, _ = io.WriteString(w, "ack")
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func always(code int) func(int) int { return func(int) int { return code } }

func (h *hookReceiver) requests() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.reqs...)
}

func (h *hookReceiver) count() int { return len(h.requests()) }

func (e *env) setWebhookURL(u string) {
	e.t.Helper()
	wantStatus(e.t, e.do(http.MethodPut, "/_sim/clients/"+e.clientID+"/webhook_url", strings.NewReader(mustJSON(e.t, map[string]string{"url": u})), nil), http.StatusOK)
}

// emit records an event as the state machines do, without a request.
func (e *env) emit(ev *event) {
	e.sim.book.Locked(func() { e.sim.book.Emit(ev) })
}

func (e *env) flush() flushSummary {
	e.t.Helper()
	rec := e.do(http.MethodPost, "/_sim/webhooks/flush", nil, nil)
	wantStatus(e.t, rec, http.StatusOK)
	return decode[flushSummary](e.t, rec)
}

func (e *env) simWebhooks(clientID string) []simWebhookView {
	e.t.Helper()
	rec := e.do(http.MethodGet, "/_sim/webhooks?client_id="+clientID, nil, nil)
	wantStatus(e.t, rec, http.StatusOK)
	return decode[struct{ Data []simWebhookView }](e.t, rec).Data
}

// second registers another application on the same simulator.
func (e *env) second() *env {
	e.t.Helper()
	const id = "de4d224b-3f79-4b4d-8ff5-c1bc475830e5"
	key := testKeys(e.t)[2]
	fx, err := e.sim.Register(Client{ID: id, PublicKey: &key.PublicKey})
	if err != nil {
		e.t.Fatalf("Register second: %v", err)
	}
	return &env{t: e.t, clientID: id, sim: e.sim, clock: e.clock, key: key, fx: fx}
}

func transferEvent(e *env, targetID string) *event {
	return &event{
		Type: "cash_out_internal_transfer_finished", TargetType: "internal_transfer_finished", TargetID: targetID,
		AccountID: e.fx.OwnAccountID, DetailPath: "/api/v1/internal_transfers/" + targetID,
		Data:  map[string]any{"account_id": e.fx.OwnAccountID, "amount": 4000, "status": "FINISHED", "id": targetID},
		At:    e.clock.Now().Add(-time.Second),
		Extra: map[string]any{"session_metadata": map[string]any{"k": "v"}, "env": "production"},
	}
}

func (e *env) jwks() jose.JSONWebKeySet {
	e.t.Helper()
	rec := e.do(http.MethodGet, "/api/v1/discovery/keys", nil, nil)
	wantStatus(e.t, rec, http.StatusOK)
	return decode[jose.JSONWebKeySet](e.t, rec)
}

// openedWebhook is what a partner learns from one delivery, the way Stone's
// SDKs read it: decrypt with the private key, then verify by kid.
type openedWebhook struct {
	jweHeader jose.Header
	jwsKid    string
	claims    map[string]any
}

func openWebhook(t *testing.T, body []byte, key *rsa.PrivateKey, keys jose.JSONWebKeySet) openedWebhook {
	t.Helper()
	var in struct {
		EncryptedBody string `json:"encrypted_body"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.EncryptedBody == "" {
		t.Fatalf("body %s: want {\"encrypted_body\":...} (%v)", body, err)
	}
	jwe, err := jose.ParseEncrypted(in.EncryptedBody, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		t.Fatalf("parse JWE: %v", err)
	}
	inner, err := jwe.Decrypt(key)
	if err != nil {
		t.Fatalf("decrypt JWE with the client's key: %v", err)
	}
	jws, err := jose.ParseSigned(string(inner), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("JWE plaintext is not a compact RS256 JWS: %v", err)
	}
	kid := jws.Signatures[0].Header.KeyID
	found := keys.Key(kid)
	if len(found) != 1 || found[0].Use != "sig" {
		t.Fatalf("JWS kid %q: %d keys with use sig in the JWKS", kid, len(found))
	}
	payload, err := jws.Verify(found[0].Key)
	if err != nil {
		t.Fatalf("verify JWS with the JWKS sig key: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("claims %s: %v", payload, err)
	}
	return openedWebhook{jweHeader: jwe.Header, jwsKid: kid, claims: claims}
}
