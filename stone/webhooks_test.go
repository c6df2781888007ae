package stone

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// sentExample is the inspection endpoint's documented answer.
const sentExample = `{"client_id":"application:de4d224b-3f79-4b4d-8ff5-c1bc475830e5","created_at":"2021-06-02T19:40:24Z",
 "data":{"env":"sandbox","event_happened_at":"2021-06-02T19:40:23Z","event_notified_at":"2021-06-02T19:40:24Z",
  "event_type":"cash_out_internal_transfer_finished","id":"7919b78a-630e-4ad4-bb12-91eec729175d",
  "target_data":{"account_id":"6745bdf0-7647-40cd-8666-d78bb15fbd38","amount":4000,"status":"FINISHED"},
  "target_detail_uri":"https://sandbox-api.openbank.stone.com.br/api/v1/internal_transfers/7919b78a-630e-4ad4-bb12-91eec729175d",
  "target_id":"7919b78a-630e-4ad4-bb12-91eec729175d","target_statement_uri":null,"target_type":"internal_transfer_finished"}}`

func TestApplicationWebhooks(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	runWire(t, fs, c, []wire{{
		name: "path names the application", method: "GET", path: "/api/v1/applications/application:" + testClientID + "/webhooks",
		reply: reply(http.StatusOK, sentExample),
		call:  func(c *Client) error { _, err := c.ApplicationWebhooks(ctx(t)); return err },
	}})
	bodies := map[string]struct {
		body       string
		n          int
		withCursor bool
	}{
		"documented single object": {sentExample, 1, false},
		"array":                    {"[" + sentExample + "," + sentExample + "]", 2, false},
		"page":                     {`{"cursor":{"after":"c2","before":null,"limit":2},"data":[` + sentExample + `,42]}`, 1, true},
		"entries that are events":  {`[{"event_type":"consent_requested","id":"x"}]`, 1, false},
	}
	for name, tt := range bodies {
		fs.api = reply(http.StatusOK, tt.body)
		got, err := c.ApplicationWebhooks(ctx(t))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got.Data) != tt.n || (got.Cursor != nil) != tt.withCursor {
			t.Fatalf("%s: %d entries cursor %v", name, len(got.Data), got.Cursor)
		}
		w := got.Data[0]
		if name == "entries that are events" {
			if w.Webhook.EventType != "consent_requested" || w.Webhook.ID != "x" {
				t.Errorf("%s: %+v", name, w)
			}
			continue
		}
		if w.ClientID != "application:de4d224b-3f79-4b4d-8ff5-c1bc475830e5" || !w.CreatedAt.Equal(time.Date(2021, 6, 2, 19, 40, 24, 0, time.UTC)) ||
			w.Webhook.ID != "7919b78a-630e-4ad4-bb12-91eec729175d" || w.Webhook.EventType != "cash_out_internal_transfer_finished" ||
			w.Webhook.TargetStatementURI != "" || len(w.Raw) == 0 {
			t.Errorf("%s: %+v", name, w)
		}
		jsonEqual(t, w.Webhook.TargetData, `{"account_id":"6745bdf0-7647-40cd-8666-d78bb15fbd38","amount":4000,"status":"FINISHED"}`)
	}
	for _, body := range []string{"", `"x"`, "<html>"} {
		fs.api = reply(http.StatusOK, body)
		if _, err := c.ApplicationWebhooks(ctx(t)); err == nil || !strings.HasPrefix(err.Error(), "stone: list application webhooks: ") {
			t.Errorf("body %q: err = %v", body, err)
		}
	}
}

func TestDecodeWebhookTolerance(t *testing.T) {
	// Stone's consent example, verbatim: a malformed event_happened_at and
	// trailing spaces in target ids.
	w, err := DecodeWebhook([]byte(`{"env":"sandbox","event_happened_at":"2021-04-1T12:23:45Z","event_notified_at":"2021-04-01T12:23:45Z",
		"event_type":"consent_requested","iat":1617279825,"id":"d743298b-2589-4882-b7e9-caaa3e6299e3","jti":"2powrdbup2e6grh8802dq803",
		"nbf":1617279825,"session_metadata":{"sid":"Stone Banking - SDB"},
		"target_data":{"account_code":"16466419","branch_code":"1","closed_at":null,"id":"c133caf8"},
		"target_detail_uri":"https://sandbox-api.openbank.stone.com.br/api/v1/accounts/c133caf8 ","target_id":"c133caf8 ",
		"target_statement_uri":null,"target_type":"paymentaccount"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !w.EventHappenedAt.IsZero() || w.EventNotifiedAt.IsZero() || w.SessionMetadata["sid"] != "Stone Banking - SDB" ||
		w.TargetType != "paymentaccount" || w.TargetID != "c133caf8 " || string(w.Raw["event_happened_at"]) != `"2021-04-1T12:23:45Z"` {
		t.Errorf("consent = %+v", w)
	}
	w, err = DecodeWebhook([]byte(`{"id":12,"event_type":["x"],"session_metadata":"s","target_data":null,"env":null}`))
	if err != nil || w.ID != "" || w.EventType != "" || w.SessionMetadata != nil || w.TargetData != nil {
		t.Errorf("mistyped = %+v, %v", w, err)
	}
	for _, bad := range []string{"null", "[]", "", "{"} {
		if _, err := DecodeWebhook([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

// FuzzDecodeWebhook: webhook payloads and inspection answers come from
// outside; decoding must never panic, and a decoded payload keeps Raw.
func FuzzDecodeWebhook(f *testing.F) {
	for _, s := range []string{sentExample, `{"id":null}`, `[{"data":1}]`, `{"data":[null,{}]}`, `{"event_happened_at":5}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if w, err := DecodeWebhook(b); err == nil && w.Raw == nil {
			t.Error("decoded without Raw")
		}
		_, _ = decodeSentWebhooks(b)
	})
}

type staticKeys struct{ pub *rsa.PublicKey }

func (s staticKeys) SigningKey(_ context.Context, kid string) (*rsa.PublicKey, error) {
	if kid != stoneKid {
		return nil, ErrUnknownKeyID
	}
	return s.pub, nil
}

// FuzzWebhookReceiver: whatever is posted, the receiver answers 4xx and
// never calls Handle unless the message is genuine.
func FuzzWebhookReceiver(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	called := false
	recv, err := NewWebhookReceiver(WebhookReceiverOptions{PrivateKey: key, Keys: staticKeys{&key.PublicKey},
		Handle: func(context.Context, Webhook) error { called = true; return nil }})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{`{"encrypted_body":"a.b.c.d.e"}`, `{"encrypted_body":"eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0....."}`, `{}`, `[]`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set(WebhookEventIDHeader, "id")
		r.Header.Set(WebhookEventTypeHeader, "t")
		w := httptest.NewRecorder()
		recv.ServeHTTP(w, r)
		if w.Code < 400 || w.Code > 499 || called {
			t.Errorf("status %d called %v for %q", w.Code, called, body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Errorf("answer is not JSON: %q", w.Body)
		}
	})
}
