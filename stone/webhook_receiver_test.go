package stone

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

func TestWebhookValidDeliveryAndReplay(t *testing.T) {
	e := newWebhookEnv(t)
	msg := e.seal(finishedClaims(testEventID), seal{})
	if w := e.deliver(msg, testEventID, testEvent); w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	_, handled := e.counts()
	if handled != 1 {
		t.Fatalf("handled %d times, want 1", handled)
	}
	got := e.handled[0]
	switch {
	case got.ID != testEventID || got.EventType != testEvent || got.Env != "sandbox" || got.JTI != "2o79sqemde14mv76eo00jsc3":
		t.Errorf("envelope = %+v", got)
	case !got.EventHappenedAt.Equal(time.Date(2021, 6, 2, 19, 40, 23, 0, time.UTC)) || !got.EventNotifiedAt.Equal(time.Date(2021, 6, 2, 19, 40, 24, 0, time.UTC)):
		t.Errorf("times = %v %v", got.EventHappenedAt, got.EventNotifiedAt)
	case got.TargetType != "internal_transfer_finished" || got.TargetID != testEventID || got.TargetStatementURI != "" ||
		got.TargetDetailURI != "https://sandbox-api.openbank.stone.com.br/api/v1/internal_transfers/"+testEventID:
		t.Errorf("target = %+v", got)
	case got.SessionMetadata != nil || string(got.Raw["iat"]) != "1622662824":
		t.Errorf("metadata %v raw iat %s", got.SessionMetadata, got.Raw["iat"])
	}
	jsonEqual(t, got.TargetData, `{"account_id":"6745bdf0","amount":4000,"status":"FINISHED"}`)

	// Stone retries until it sees a 2xx: a replay must be acknowledged,
	// not processed again.
	for range 3 {
		if w := e.deliver(msg, testEventID, testEvent); w.Code != http.StatusOK {
			t.Errorf("replay: status %d: %s", w.Code, w.Body)
		}
	}
	if _, handled := e.counts(); handled != 1 {
		t.Errorf("handled %d times after replays, want 1", handled)
	}
	// A new encryption of the same event (Stone re-sealing a retry) is a duplicate too.
	if w := e.deliver(e.seal(finishedClaims(testEventID), seal{}), testEventID, testEvent); w.Code != http.StatusOK {
		t.Errorf("re-sealed replay: %d", w.Code)
	}
	if fetches, handled := e.counts(); handled != 1 || fetches != 1 {
		t.Errorf("handled %d, fetches %d; want 1 and 1", handled, fetches)
	}
}

func TestWebhookRejections(t *testing.T) {
	e := newWebhookEnv(t)
	good := e.seal(finishedClaims(testEventID), seal{})
	parts := strings.Split(good, ".")
	flip := func(s string) string {
		b := []byte(s)
		if b[5] == 'A' {
			b[5] = 'B'
		} else {
			b[5] = 'A'
		}
		return string(b)
	}
	tampered := strings.Join([]string{parts[0], parts[1], parts[2], flip(parts[3]), parts[4]}, ".")
	tamperedTag := strings.Join([]string{parts[0], parts[1], parts[2], parts[3], flip(parts[4])}, ".")
	forger := genKey(t)
	tests := []struct {
		name       string
		body       string // raw POST body; "" → {"encrypted_body": msg}
		msg        string
		id, typ    string
		wantStatus int
	}{
		{name: "tampered ciphertext", msg: tampered, wantStatus: 400},
		{name: "tampered tag", msg: tamperedTag, wantStatus: 400},
		{name: "JWS HS256", msg: e.seal(finishedClaims(testEventID), seal{sigAlg: jose.HS256, sigKey: []byte(strings.Repeat("s", 32))}), wantStatus: 400},
		{name: "JWS PS256", msg: e.seal(finishedClaims(testEventID), seal{sigAlg: jose.PS256}), wantStatus: 400},
		{name: "JWE RSA1_5", msg: e.seal(finishedClaims(testEventID), seal{keyAlg: jose.RSA1_5}), wantStatus: 400},
		{name: "JWE RSA-OAEP (SHA-1)", msg: e.seal(finishedClaims(testEventID), seal{keyAlg: jose.RSA_OAEP}), wantStatus: 400},
		{name: "JWE A128GCM", msg: e.seal(finishedClaims(testEventID), seal{enc: jose.A128GCM}), wantStatus: 400},
		{name: "encrypted to another partner", msg: e.seal(finishedClaims(testEventID), seal{to: &genKey(t).PublicKey}), wantStatus: 400},
		{name: "forged with Stone's kid", msg: e.seal(finishedClaims(testEventID), seal{sigKey: forger}), wantStatus: 400},
		{name: "no kid", msg: e.seal(finishedClaims(testEventID), seal{kid: "-"}), wantStatus: 400},
		{name: "kid of Stone's enc key", msg: e.seal(finishedClaims(testEventID), seal{kid: "stone-enc-1"}), wantStatus: 400},
		{name: "header type differs from event_type", msg: good, typ: "cash_in_internal_transfer", wantStatus: 400},
		{name: "payload without event_type", msg: e.seal(map[string]any{"id": testEventID}, seal{}), wantStatus: 400},
		{name: "payload not an object", msg: e.seal(`["x"]`, seal{}), wantStatus: 400},
		{name: "plaintext not a JWS", msg: sealRaw(t, e, "not a jws"), wantStatus: 400},
		{name: "JWE in JSON serialization", msg: `{"protected":"x"}`, wantStatus: 400},
		{name: "not JSON", body: "encrypted_body=abc", wantStatus: 400},
		{name: "no encrypted_body", body: `{"encryptedBody":"x"}`, wantStatus: 400},
		{name: "encrypted_body not a string", body: `{"encrypted_body":42}`, wantStatus: 400},
		{name: "missing event id header", msg: good, id: "-", wantStatus: 400},
		{name: "missing event type header", msg: good, typ: "-", wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, typ := testEventID, testEvent
			if tt.id != "" {
				id = strings.TrimPrefix(tt.id, "-")
			}
			if tt.typ != "" {
				typ = strings.TrimPrefix(tt.typ, "-")
			}
			var w *httptest.ResponseRecorder
			if tt.body == "" {
				w = e.deliver(tt.msg, id, typ)
			} else {
				w = e.post(tt.body, id, typ)
			}
			if w.Code != tt.wantStatus || !strings.Contains(w.Body.String(), `"error":"stone: webhook`) {
				t.Errorf("status %d body %s, want %d with an error", w.Code, w.Body, tt.wantStatus)
			}
		})
	}
	if _, handled := e.counts(); handled != 0 {
		t.Errorf("Handle called %d times for rejected deliveries", handled)
	}
	if len(e.rejected) != len(tests) {
		t.Errorf("OnReject called %d times, want %d", len(e.rejected), len(tests))
	}
	// After all that, the genuine delivery still goes through once.
	if w := e.deliver(good, testEventID, testEvent); w.Code != 200 {
		t.Errorf("genuine delivery: %d %s", w.Code, w.Body)
	}
}

// sealRaw encrypts arbitrary plaintext to the partner, skipping the JWS.
func sealRaw(t *testing.T, e *webhookEnv, plain string) string {
	t.Helper()
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: &e.fs.key.PublicKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := enc.Encrypt([]byte(plain))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := obj.CompactSerialize()
	return s
}

func TestWebhookHTTPShape(t *testing.T) {
	e := newWebhookEnv(t)
	r := e.post("", testEventID, testEvent)
	if r.Code != 400 {
		t.Errorf("empty body: %d", r.Code)
	}
	big := `{"encrypted_body":"` + strings.Repeat("a", defaultWebhookMaxBody) + `"}`
	if r := e.post(big, testEventID, testEvent); r.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize body: %d", r.Code)
	}
	req, _ := http.NewRequest(http.MethodGet, "/webhooks/stone", nil)
	w := httptest.NewRecorder()
	e.recv.ServeHTTP(w, req)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "POST" {
		t.Errorf("GET: %d Allow %q", w.Code, w.Header().Get("Allow"))
	}
	for name, opts := range map[string]WebhookReceiverOptions{
		"no key":    {Keys: &WebhookKeys{}, Handle: func(context.Context, Webhook) error { return nil }},
		"no keys":   {PrivateKey: e.fs.key, Handle: func(context.Context, Webhook) error { return nil }},
		"no handle": {PrivateKey: e.fs.key, Keys: &WebhookKeys{}},
	} {
		if _, err := NewWebhookReceiver(opts); err == nil || !strings.HasPrefix(err.Error(), "stone: new webhook receiver: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestWebhookHandleErrorIsRetried(t *testing.T) {
	e := newWebhookEnv(t)
	fail := true
	e.handle = func(Webhook) error {
		if fail {
			return errors.New("database down")
		}
		return nil
	}
	msg := e.seal(finishedClaims(testEventID), seal{})
	w := e.deliver(msg, testEventID, testEvent)
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "database down") {
		t.Fatalf("failing handle: %d %s, want 500", w.Code, w.Body)
	}
	e.mu.Lock()
	fail = false
	e.mu.Unlock()
	if w := e.deliver(msg, testEventID, testEvent); w.Code != 200 {
		t.Fatalf("retry: %d %s", w.Code, w.Body)
	}
	if w := e.deliver(msg, testEventID, testEvent); w.Code != 200 {
		t.Fatalf("duplicate: %d", w.Code)
	}
	if _, handled := e.counts(); handled != 2 {
		t.Errorf("handled %d times, want 2 (failed attempt, retry; not the duplicate)", handled)
	}
}

func TestWebhookNullPayloadIDUsesHeader(t *testing.T) {
	e := newWebhookEnv(t)
	// Stone's documented cash-in example: "id": null.
	claims := `{"env":"sandbox","event_type":"cash_in_internal_transfer","event_happened_at":"2020-05-13T14:58:15Z",
		"event_notified_at":"2020-05-13T14:58:15Z","iat":1589381895,"id":null,"jti":"2o79","nbf":1589381895,
		"target_data":{"account_id":"09c016b2","amount":1,"balance_after":null},"target_detail_uri":null,"target_id":null,
		"target_statement_uri":"https://sandbox-api.openbank.stone.com.br/api/v1/statement/entries/54abd61c","target_type":"internal_transfer",
		"a_field_stone_added_later":{"nested":[1,2]}}`
	msg := e.seal(claims, seal{})
	if w := e.deliver(msg, "hdr-id-1", "cash_in_internal_transfer"); w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if w := e.deliver(msg, "hdr-id-1", "cash_in_internal_transfer"); w.Code != 200 {
		t.Fatalf("replay %d", w.Code)
	}
	if _, n := e.counts(); n != 1 || e.handled[0].ID != "hdr-id-1" || e.handled[0].TargetID != "" ||
		e.handled[0].TargetStatementURI == "" || e.handled[0].Raw["a_field_stone_added_later"] == nil {
		t.Errorf("handled %d: %+v", n, e.handled)
	}
}

func TestWebhookConcurrentDuplicates(t *testing.T) {
	e := newWebhookEnv(t)
	release := make(chan struct{})
	started := make(chan struct{})
	var once sync.Once
	e.handle = func(Webhook) error {
		once.Do(func() { close(started) })
		<-release
		return nil
	}
	// Handle runs under e.mu in the env; use a receiver whose Handle does
	// not hold it, so concurrent deliveries really overlap.
	recv, err := NewWebhookReceiver(WebhookReceiverOptions{PrivateKey: e.fs.key, Keys: mustKeys(t, e.client),
		Handle: func(_ context.Context, w Webhook) error { return e.handle(w) }})
	if err != nil {
		t.Fatal(err)
	}
	e.recv = recv
	msg := e.seal(finishedClaims(testEventID), seal{})
	first := make(chan int)
	go func() { first <- e.deliver(msg, testEventID, testEvent).Code }()
	<-started
	const n = 8
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() { defer wg.Done(); codes <- e.deliver(msg, testEventID, testEvent).Code }()
	}
	wg.Wait()
	close(release)
	if c := <-first; c != 200 {
		t.Errorf("first delivery: %d", c)
	}
	close(codes)
	for c := range codes {
		if c != http.StatusConflict {
			t.Errorf("overlapping duplicate answered %d, want 409 so Stone retries it", c)
		}
	}
	if w := e.deliver(msg, testEventID, testEvent); w.Code != 200 {
		t.Errorf("after processing: %d", w.Code)
	}
}
