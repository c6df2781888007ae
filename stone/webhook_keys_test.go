package stone

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWebhookKeysCaching(t *testing.T) {
	e := newWebhookEnv(t)
	for i := range 10 {
		id := testEventID + "-" + string(rune('a'+i))
		if w := e.deliver(e.seal(finishedClaims(id), seal{}), id, testEvent); w.Code != 200 {
			t.Fatalf("delivery %d: %d %s", i, w.Code, w.Body)
		}
	}
	if fetches, handled := e.counts(); fetches != 1 || handled != 10 {
		t.Errorf("fetches %d handled %d, want one JWKS fetch for ten webhooks", fetches, handled)
	}
	// Past MaxAge (1 h) the set is refetched once, then cached again.
	e.fs.clock.Advance(time.Hour)
	for _, id := range []string{"late-1", "late-2"} {
		if w := e.deliver(e.seal(finishedClaims(id), seal{}), id, testEvent); w.Code != 200 {
			t.Fatalf("%s: %d", id, w.Code)
		}
	}
	if fetches, _ := e.counts(); fetches != 2 {
		t.Errorf("fetches %d after MaxAge, want 2", fetches)
	}
	reqs := e.fs.requests()
	if r := reqs[0]; r.Method != "GET" || r.Path != "/api/v1/discovery/keys" || r.Header.Get("Authorization") == "" || r.Header.Get("User-Agent") != testUserAgent {
		t.Errorf("JWKS request %s %s headers %v", r.Method, r.Path, r.Header)
	}
}

func TestWebhookUnknownKidRefetchesOnceThenRejects(t *testing.T) {
	e := newWebhookEnv(t)
	if w := e.deliver(e.seal(finishedClaims("ok-1"), seal{}), "ok-1", testEvent); w.Code != 200 {
		t.Fatalf("first: %d", w.Code)
	}
	// A minute later a webhook signed by a key Stone never published: one
	// refetch (maybe Stone rotated), then 400.
	e.fs.clock.Advance(time.Minute)
	rogue := e.seal(finishedClaims("rogue-1"), seal{sigKey: genKey(t), kid: "rogue"})
	if w := e.deliver(rogue, "rogue-1", testEvent); w.Code != 400 || !strings.Contains(w.Body.String(), "unknown signing key id") {
		t.Errorf("unknown kid: %d %s", w.Code, w.Body)
	}
	if fetches, _ := e.counts(); fetches != 2 {
		t.Errorf("fetches %d, want 2 (initial + one refetch)", fetches)
	}
	// More forged kids right away must not make us hammer Stone.
	for range 5 {
		if w := e.deliver(rogue, "rogue-1", testEvent); w.Code != 400 {
			t.Errorf("repeat unknown kid: %d", w.Code)
		}
	}
	if fetches, handled := e.counts(); fetches != 2 || handled != 1 {
		t.Errorf("fetches %d handled %d, want 2 and 1: refetch is rate-limited", fetches, handled)
	}
}

func TestWebhookKeyRotation(t *testing.T) {
	e := newWebhookEnv(t)
	if w := e.deliver(e.seal(finishedClaims("a"), seal{}), "a", testEvent); w.Code != 200 {
		t.Fatalf("first: %d", w.Code)
	}
	// Stone rotates: the new key signs, both are published.
	next := genKey(t)
	old := e.stone
	e.mu.Lock()
	e.jwks = func() string {
		return jwksJSON(t, jwkEntry{stoneKid, "sig", &old.PublicKey}, jwkEntry{"stone-sig-2", "sig", &next.PublicKey})
	}
	e.mu.Unlock()
	msg := e.seal(finishedClaims("b"), seal{sigKey: next, kid: "stone-sig-2"})
	if w := e.deliver(msg, "b", testEvent); w.Code != 400 {
		t.Errorf("within the refetch interval the new kid is unknown: %d", w.Code)
	}
	e.fs.clock.Advance(time.Minute)
	if w := e.deliver(msg, "b", testEvent); w.Code != 200 {
		t.Errorf("after the interval the new kid is fetched: %d %s", w.Code, w.Body)
	}
	if fetches, handled := e.counts(); fetches != 2 || handled != 2 {
		t.Errorf("fetches %d handled %d, want 2 and 2", fetches, handled)
	}
}

func TestWebhookKeysUnavailable(t *testing.T) {
	e := newWebhookEnv(t)
	e.mu.Lock()
	e.jwksFail = true
	e.mu.Unlock()
	msg := e.seal(finishedClaims("a"), seal{})
	if w := e.deliver(msg, "a", testEvent); w.Code != http.StatusInternalServerError {
		t.Errorf("JWKS down: %d %s, want 500 so Stone retries", w.Code, w.Body)
	}
	if w := e.deliver(msg, "a", testEvent); w.Code != http.StatusInternalServerError {
		t.Errorf("JWKS down, again: %d", w.Code)
	}
	if fetches, _ := e.counts(); fetches != 1 {
		t.Errorf("fetches %d, want 1: failed fetches are rate-limited too", fetches)
	}
	e.mu.Lock()
	e.jwksFail = false
	e.mu.Unlock()
	e.fs.clock.Advance(time.Minute)
	if w := e.deliver(msg, "a", testEvent); w.Code != 200 {
		t.Errorf("JWKS back: %d %s", w.Code, w.Body)
	}
	// A stale set is kept when a refresh fails: keys Stone published a
	// moment ago are still Stone's.
	e.fs.clock.Advance(2 * time.Hour)
	e.mu.Lock()
	e.jwksFail = true
	e.mu.Unlock()
	if w := e.deliver(e.seal(finishedClaims("b"), seal{}), "b", testEvent); w.Code != 200 {
		t.Errorf("stale keys during an outage: %d %s", w.Code, w.Body)
	}
}

func TestJWKSParsing(t *testing.T) {
	e := newWebhookEnv(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	good := jwksJSON(t, jwkEntry{stoneKid, "sig", &e.stone.PublicKey})
	var set struct{ Keys []json.RawMessage }
	_ = json.Unmarshal([]byte(good), &set)
	weak := jwksJSON(t, jwkEntry{"weak", "sig", &small.PublicKey})
	var weakSet struct{ Keys []json.RawMessage }
	_ = json.Unmarshal([]byte(weak), &weakSet)
	// Junk around the one usable key: a key with a numeric kid, an EC
	// key, a weak key, a key without use, one with alg HS256.
	body := `{"keys":[{"kid":5,"kty":"RSA","use":"sig"},{"kid":"ec","kty":"EC","use":"sig","crv":"P-256","x":"x","y":"y"},` +
		string(weakSet.Keys[0]) + `,{"kid":"nouse","kty":"RSA","n":"AQAB","e":"AQAB"},{"kid":"hs","kty":"oct","use":"sig","alg":"HS256","k":"c2VjcmV0"},` +
		string(set.Keys[0]) + `]}`
	e.mu.Lock()
	e.jwks = func() string { return body }
	e.mu.Unlock()
	if w := e.deliver(e.seal(finishedClaims("a"), seal{}), "a", testEvent); w.Code != 200 {
		t.Errorf("good key among junk: %d %s", w.Code, w.Body)
	}
	if w := e.deliver(e.seal(finishedClaims("b"), seal{sigKey: small, kid: "weak"}), "b", testEvent); w.Code != 400 {
		t.Errorf("1024-bit key accepted: %d", w.Code)
	}

	ks, err := e.client.DiscoveryKeys(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ks.Keys) != 6 || ks.Keys[0].KeyID != "5" || ks.Keys[5].KeyID != stoneKid || ks.Keys[5].Use != "sig" || ks.Keys[5].KeyType != "RSA" {
		t.Errorf("keys = %+v", ks.Keys)
	}
	if _, err := ks.Keys[2].RSAPublicKey(); err == nil || !strings.Contains(err.Error(), "at least 2048") {
		t.Errorf("weak key: %v", err)
	}
	if pub, err := ks.Keys[5].RSAPublicKey(); err != nil || !pub.Equal(&e.stone.PublicKey) {
		t.Errorf("stone key: %v", err)
	}
	if _, err := e.client.WebhookKeys(WebhookKeysOptions{MaxAge: -1}); err == nil {
		t.Error("negative MaxAge accepted")
	}
	k := mustKeys(t, e.client)
	if _, err := k.SigningKey(ctx(t), "nope"); !errors.Is(err, ErrUnknownKeyID) {
		t.Errorf("unknown kid err = %v", err)
	}
}

// TestWebhookKeysBackoff: one failed fetch of Stone's keys must not block
// webhooks for the whole refetch interval (60 s, longer than a step waits):
// the next fetch is allowed a second later, then after 2, 4, 8… seconds,
// never more often, and never more than a minute apart.
func TestWebhookKeysBackoff(t *testing.T) {
	e := newWebhookEnv(t)
	e.mu.Lock()
	e.jwksFail = true
	e.mu.Unlock()
	msg := e.seal(finishedClaims("a"), seal{})
	if w := e.deliver(msg, "a", testEvent); w.Code != http.StatusInternalServerError {
		t.Fatalf("JWKS down: %d %s, want 500 so Stone retries", w.Code, w.Body)
	}
	e.mu.Lock()
	e.jwksFail = false
	e.mu.Unlock()
	e.fs.clock.Advance(time.Second)
	if w := e.deliver(msg, "a", testEvent); w.Code != http.StatusOK {
		t.Fatalf("JWKS back a second later: %d %s, want 200", w.Code, w.Body)
	}
	if fetches, handled := e.counts(); fetches != 2 || handled != 1 {
		t.Errorf("fetches %d handled %d, want 2 and 1", fetches, handled)
	}

	// Down for good: deliveries every second, fetches spaced 1, 2, 4… s
	// apart, capped at the refetch interval.
	d := newWebhookEnv(t)
	d.mu.Lock()
	d.jwksFail = true
	d.mu.Unlock()
	var at []int
	for s := 0; s <= 250; s++ {
		before, _ := d.counts()
		id := "down-" + strconv.Itoa(s)
		_ = d.deliver(d.seal(finishedClaims(id), seal{}), id, testEvent)
		if after, _ := d.counts(); after > before {
			at = append(at, s)
		}
		d.fs.clock.Advance(time.Second)
	}
	var gaps []int
	for i := 1; i < len(at); i++ {
		gaps = append(gaps, at[i]-at[i-1])
	}
	want := []int{1, 2, 4, 8, 16, 32, 60, 60, 60}
	if !slices.Equal(gaps, want) {
		t.Errorf("gaps between fetches %v, want %v", gaps, want)
	}
}

// TestWebhookUnknownKidBackoff: an unknown kid refetches after a second
// (Stone may just have rotated), then ever less often while it stays
// unknown; a kid found resets the wait.
func TestWebhookUnknownKidBackoff(t *testing.T) {
	e := newWebhookEnv(t)
	if w := e.deliver(e.seal(finishedClaims("ok"), seal{}), "ok", testEvent); w.Code != 200 {
		t.Fatalf("first: %d", w.Code)
	}
	next := genKey(t)
	old := e.stone
	rotated := e.seal(finishedClaims("new"), seal{sigKey: next, kid: "stone-sig-2"})
	e.fs.clock.Advance(time.Second)
	if w := e.deliver(rotated, "new", testEvent); w.Code != 400 {
		t.Fatalf("kid not yet published: %d", w.Code)
	}
	// Stone publishes the new key; 1 s later is too soon (the wait doubled
	// to 2 s after the unfruitful refetch), 2 s later it is fetched.
	e.mu.Lock()
	e.jwks = func() string {
		return jwksJSON(t, jwkEntry{stoneKid, "sig", &old.PublicKey}, jwkEntry{"stone-sig-2", "sig", &next.PublicKey})
	}
	e.mu.Unlock()
	e.fs.clock.Advance(time.Second)
	if w := e.deliver(rotated, "new", testEvent); w.Code != 400 {
		t.Errorf("within the doubled wait: %d", w.Code)
	}
	e.fs.clock.Advance(time.Second)
	if w := e.deliver(rotated, "new", testEvent); w.Code != 200 {
		t.Errorf("after the doubled wait the new kid is fetched: %d %s", w.Code, w.Body)
	}
	if fetches, handled := e.counts(); fetches != 3 || handled != 2 {
		t.Errorf("fetches %d handled %d, want 3 and 2", fetches, handled)
	}
}
