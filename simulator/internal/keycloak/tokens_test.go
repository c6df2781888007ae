package keycloak

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

func TestBearerTokenVerifiedOnceUntilItExpires(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)
	b := ledger.New(ledger.Options{Now: func() time.Time { return start }, NewID: func() string { return "x" }})
	b.Locked(func() { b.AddClient(&ledger.Client{ID: "app", PublicKey: &key.PublicKey}) })
	k := New(Options{Book: b, Key: key})
	token := func(signer *rsa.PrivateKey, exp time.Time, jti string) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"clientId": "app", "exp": exp.Unix(), "jti": jti}).SignedString(signer)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	auth := func(tok string, now time.Time) bool {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/accounts", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("User-Agent", "t")
		c := &api.Call{Now: now}
		_, ok := k.Authenticate(req, c)
		return ok && c.ClientID == "app"
	}

	good := token(key, start.Add(AccessTokenTTL), "a")
	for i := range 50 {
		if !auth(good, start.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("request %d refused a valid token", i)
		}
	}
	if n := k.tokens.verifications.Load(); n != 1 {
		t.Fatalf("50 requests with one token: %d signature verifications, want 1", n)
	}
	// Expiry still applies to a remembered token, on the simulator's clock.
	if auth(good, start.Add(AccessTokenTTL)) {
		t.Fatal("an expired token was accepted from the cache")
	}
	// A forged token is never remembered: each use is verified, and refused.
	forger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	forged := token(forger, start.Add(AccessTokenTTL), "f")
	before := k.tokens.verifications.Load()
	if auth(forged, start) || auth(forged, start) {
		t.Fatal("a token signed by another key was accepted")
	}
	if n := k.tokens.verifications.Load() - before; n != 2 {
		t.Fatalf("a forged token was verified %d times in 2 uses, want 2 (never cached)", n)
	}
	// Memory stays bounded: expired tokens are swept as new ones come.
	for i := range 200 {
		if !auth(token(key, start.Add(time.Minute), fmt.Sprint("short-", i)), start) {
			t.Fatalf("token %d refused", i)
		}
	}
	later := start.Add(2 * time.Minute)
	for i := range 200 {
		if !auth(token(key, later.Add(time.Hour), fmt.Sprint("long-", i)), later) {
			t.Fatalf("token %d refused", i)
		}
	}
	if n := k.tokens.size(); n > 200+64 {
		t.Fatalf("%d tokens remembered after 200 expired and 200 live ones: expired ones were not swept", n)
	}
	for i := range maxCachedTokens + 10 {
		k.tokens.put(fmt.Sprint("t", i), "app", later.Add(time.Hour), later)
	}
	if n := k.tokens.size(); n > maxCachedTokens {
		t.Fatalf("%d tokens remembered, cap %d", n, maxCachedTokens)
	}
}
