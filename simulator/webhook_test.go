package simulator

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestDiscoveryKeysJWKS(t *testing.T) {
	e := newEnv(t)
	for _, hdr := range []map[string]string{nil, {"Authorization": "Bearer " + e.token(), "User-Agent": "t"}, {"Authorization": "Bearer junk"}} {
		rec := e.do(http.MethodGet, "/api/v1/discovery/keys", nil, hdr)
		wantStatus(t, rec, http.StatusOK)
		var raw struct {
			Keys []map[string]any `json:"keys"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil || len(raw.Keys) != 2 {
			t.Fatalf("JWKS %s (%v): want two keys", rec.Body.String(), err)
		}
		for i, want := range []map[string]string{{"use": "sig", "alg": "RS256"}, {"use": "enc", "alg": "RSA-OAEP-256"}} {
			k := raw.Keys[i]
			for _, m := range []string{"kid", "n", "e"} {
				if s, _ := k[m].(string); s == "" {
					t.Errorf("key %d: %q missing in %v", i, m, k)
				}
			}
			if k["kty"] != "RSA" || k["use"] != want["use"] || k["alg"] != want["alg"] || k["d"] != nil {
				t.Errorf("key %d = %v, want kty RSA %v and no private part", i, k, want)
			}
		}
	}
	keys := e.jwks()
	sig, enc := keys.Keys[0], keys.Keys[1]
	if sig.KeyID != e.sim.keycloak.Kid() || !sig.Key.(*rsa.PublicKey).Equal(&e.sim.key.PublicKey) {
		t.Errorf("sig key is not the simulator's signing key (kid %q, want %q)", sig.KeyID, e.sim.keycloak.Kid())
	}
	if pub := enc.Key.(*rsa.PublicKey); pub.N.BitLen() != 2048 || pub.Equal(&e.sim.key.PublicKey) || enc.KeyID == sig.KeyID {
		t.Errorf("enc key: %d bits, kid %q: want a distinct RSA 2048 key", pub.N.BitLen(), enc.KeyID)
	}
}

func TestWebhookDeliveredAndVerifiable(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, always(http.StatusNoContent))
	e.setWebhookURL(rcv.srv.URL + "/hooks")
	e.emit(transferEvent(e, "tr-1"))
	sum := e.flush()
	if sum.Statuses[whDelivered] != 1 || sum.Statuses[whPending] != 0 {
		t.Fatalf("flush = %+v, want one delivered", sum)
	}
	reqs := rcv.requests()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(reqs))
	}
	h := reqs[0].header
	for name, want := range map[string]string{
		"Content-Type": "application/json", "User-Agent": webhookUserAgent,
		"X-Stone-Webhook-Event-Type": "cash_out_internal_transfer_finished",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	w := openWebhook(t, reqs[0].body, e.key, e.jwks())
	if w.jweHeader.ExtraHeaders["enc"] != "A256GCM" || w.jweHeader.Algorithm != "RSA-OAEP-256" || w.jweHeader.ExtraHeaders["cty"] != "JWT" {
		t.Errorf("JWE header = %+v", w.jweHeader)
	}
	if w.jwsKid != e.sim.keycloak.Kid() {
		t.Errorf("JWS kid = %q, want %q", w.jwsKid, e.sim.keycloak.Kid())
	}
	// Times are the event's (fan-out may run at any moment; the payload must
	// not depend on when), so all four agree.
	c, at := w.claims, e.clock.Now().Add(-time.Second)
	want := map[string]any{
		"env": "sandbox", "event_type": "cash_out_internal_transfer_finished", "target_type": "internal_transfer_finished",
		"target_id": "tr-1", "target_detail_uri": "http://" + testHost + "/api/v1/internal_transfers/tr-1",
		"target_statement_uri": nil, "event_happened_at": ts(at), "event_notified_at": ts(at),
		"iat": float64(at.Unix()), "nbf": float64(at.Unix()), "id": h.Get("X-Stone-Webhook-Event-Id"),
	}
	for k, v := range want {
		if got, ok := c[k]; !ok || got != v {
			t.Errorf("claim %s = %#v (present %v), want %#v", k, got, ok, v)
		}
	}
	if id, _ := c["id"].(string); len(id) != 36 {
		t.Errorf("id = %q, want a UUID", id)
	}
	if jti, _ := c["jti"].(string); jti == "" || jti == c["id"] {
		t.Errorf("jti = %q: want its own unique id", jti)
	}
	data, _ := c["target_data"].(map[string]any)
	if data["account_id"] != e.fx.OwnAccountID || data["amount"] != float64(4000) {
		t.Errorf("target_data = %v", data)
	}
	if meta, _ := c["session_metadata"].(map[string]any); meta["k"] != "v" {
		t.Errorf("event.Extra not merged into the claims: %v", c)
	}

	// A second event gets its own ids, and the statement URI when it has one.
	ev := transferEvent(e, "")
	ev.DetailPath, ev.StatementRef = "", "entry-9"
	e.emit(ev)
	e.flush()
	if reqs = rcv.requests(); len(reqs) != 2 {
		t.Fatalf("receiver got %d requests, want 2", len(reqs))
	}
	c2 := openWebhook(t, reqs[1].body, e.key, e.jwks()).claims
	if c2["id"] == c["id"] || c2["jti"] == c["jti"] || c2["target_id"] != nil || c2["target_detail_uri"] != nil ||
		c2["target_statement_uri"] != "http://"+testHost+"/api/v1/statement/entries/entry-9" {
		t.Errorf("second webhook claims = %v", c2)
	}
}

func TestWebhookRecipients(t *testing.T) {
	e := newEnv(t)
	other := e.second()
	third := transferEvent(e, "tr-3p")
	third.AccountID = e.fx.ThirdPartyAccountID
	e.emit(transferEvent(e, "tr-own")) // e's own account: e only
	e.emit(third)                      // not shared yet: nobody
	// Recipients are decided when events are fanned out (next kick, flush
	// or listing), so fan out before the consent changes who may see them.
	e.flush()
	e.consent("approve")
	e.emit(third) // shared with e now
	otherEv := transferEvent(other, "tr-other")
	e.emit(otherEv)
	e.emit(&event{Type: "ghost", AccountID: "no-such-account"})
	e.flush()
	got := func(c *env) (ids []string) {
		for _, n := range c.simWebhooks(c.clientID) {
			var d struct {
				TargetID string `json:"target_id"`
			}
			if err := json.Unmarshal(n.Data, &d); err != nil {
				t.Fatal(err)
			}
			if n.EventType == "cash_out_internal_transfer_finished" { // consent has events of its own
				ids = append(ids, d.TargetID)
			}
		}
		return ids
	}
	if ids := strings.Join(got(e), ","); ids != "tr-3p,tr-own" {
		t.Errorf("first client got %s, want tr-3p,tr-own (newest first)", ids)
	}
	if ids := strings.Join(got(other), ","); ids != "tr-other" {
		t.Errorf("second client got %s, want tr-other", ids)
	}
}

func TestWebhookNoURLStillListed(t *testing.T) {
	e := newEnv(t)
	e.emit(transferEvent(e, "tr-1"))
	if sum := e.flush(); sum.Attempted != 0 || sum.Statuses[whNoURL] != 1 {
		t.Fatalf("flush = %+v, want nothing attempted, one no_webhook_url", sum)
	}
	list := decode[listResponse[webhookView]](t, e.api(http.MethodGet, "/api/v1/applications/application:"+testClientID+"/webhooks", ""))
	if len(list.Data) != 1 || list.Data[0].Status != whNoURL || list.Data[0].Attempts != 0 || list.Data[0].DeliveredAt != nil {
		t.Fatalf("inspection = %+v", list.Data)
	}
	// A URL set later does not resurrect it: Stone had nowhere to send it.
	rcv := newReceiver(t, always(http.StatusOK))
	e.setWebhookURL(rcv.srv.URL)
	e.flush()
	if rcv.count() != 0 {
		t.Fatalf("a notification made without a URL was delivered later")
	}
}

func TestWebhookInspectionEndpoint(t *testing.T) {
	e := newEnv(t)
	other := e.second()
	rcv := newReceiver(t, always(http.StatusOK))
	e.setWebhookURL(rcv.srv.URL)
	for _, id := range []string{"a", "b", "c"} {
		e.emit(transferEvent(e, id))
	}
	e.emit(transferEvent(other, "z"))
	e.flush()
	path := "/api/v1/applications/application:" + testClientID + "/webhooks"
	var seen []string
	next := path + "?limit=2"
	for next != "" {
		page := decode[listResponse[webhookView]](t, e.api(http.MethodGet, next, ""))
		for _, v := range page.Data {
			var d struct {
				TargetID string `json:"target_id"`
				ID       string `json:"id"`
			}
			if err := json.Unmarshal(v.Data, &d); err != nil || d.ID == "" {
				t.Fatalf("data %s: %v", v.Data, err)
			}
			if v.ClientID != "application:"+testClientID || v.CreatedAt != ts(e.clock.Now().Add(-time.Second)) || v.Status != whDelivered ||
				v.Attempts != 1 || v.LastStatus == nil || *v.LastStatus != 200 || v.DeliveredAt == nil {
				t.Errorf("item = %+v", v)
			}
			seen = append(seen, d.TargetID)
		}
		next = ""
		if page.Cursor.After != nil {
			next = path + "?limit=2&after=" + *page.Cursor.After
		}
	}
	if got := strings.Join(seen, ","); got != "c,b,a" {
		t.Fatalf("listed %s, want c,b,a (own only, newest first)", got)
	}
	// The bare client id is accepted; the other client's list is not the caller's.
	wantStatus(t, e.api(http.MethodGet, "/api/v1/applications/"+testClientID+"/webhooks", ""), http.StatusOK)
	wantError(t, e.api(http.MethodGet, "/api/v1/applications/application:"+other.clientID+"/webhooks", ""), http.StatusForbidden, "unauthorized")
	if list := decode[listResponse[webhookView]](t, other.api(http.MethodGet, "/api/v1/applications/application:"+other.clientID+"/webhooks", "")); len(list.Data) != 1 {
		t.Errorf("second client lists %d webhooks, want 1", len(list.Data))
	}
	wantError(t, e.do(http.MethodGet, path, nil, map[string]string{"User-Agent": "t"}), http.StatusUnauthorized, "unauthenticated")
	wantError(t, e.api(http.MethodGet, path+"?after=bogus", ""), http.StatusBadRequest, "invalid_cursor")
}

func TestSetWebhookURL(t *testing.T) {
	e := newEnv(t)
	url := func(st *book) string { return st.Client(testClientID).WebhookURL }
	tests := []struct {
		name, id, body string
		status         int
		typ, want      string
	}{
		{"set", testClientID, `{"url":"https://partner.example/hooks"}`, 200, "", "https://partner.example/hooks"},
		{"relative", testClientID, `{"url":"/hooks"}`, 400, "validation", "https://partner.example/hooks"},
		{"ftp", testClientID, `{"url":"ftp://x.example/"}`, 400, "validation", "https://partner.example/hooks"},
		{"no url member", testClientID, `{}`, 400, "bad_request", "https://partner.example/hooks"},
		{"unknown member", testClientID, `{"url":"","x":1}`, 400, "bad_request", "https://partner.example/hooks"},
		{"unknown client", "nobody", `{"url":"https://x.example"}`, 404, "not_found", "https://partner.example/hooks"},
		{"clear", testClientID, `{"url":""}`, 200, "", ""},
	}
	for _, tt := range tests {
		rec := e.do(http.MethodPut, "/_sim/clients/"+tt.id+"/webhook_url", strings.NewReader(tt.body), nil)
		if tt.typ != "" {
			wantError(t, rec, tt.status, tt.typ)
		} else {
			wantStatus(t, rec, tt.status)
		}
		var got string
		e.store(func(st *book) { got = url(st) })
		if got != tt.want {
			t.Errorf("%s: WebhookURL = %q, want %q", tt.name, got, tt.want)
		}
	}
}
