package stone

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

func TestTopUpRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	runWire(t, fs, c, []wire{
		{
			name: "mobile providers by phone", method: "GET", path: "/api/v1/topups/mobile/providers/21971592768",
			reply: reply(http.StatusOK, `{"possible_provider":{"name":"Vivo","id":2088,"products":[{"value":1000}]},"other_providers":[{"name":"Tim","id":2086}]}`),
			call: func(c *Client) error {
				p, err := c.MobileTopUpProviders(ctx(t), "21971592768")
				if err == nil && (p.PossibleProvider.ID != 2088 || len(p.OtherProviders) != 1 || p.PossibleProvider.Products[0].Value != 1000) {
					t.Errorf("providers = %+v", p)
				}
				return err
			},
		},
		{
			name: "games providers, ids as numbers", method: "GET", path: "/api/v1/topups/games/providers",
			reply: reply(http.StatusOK, `{"providers":[{"name":"GG Credits Free Fire","id":2151},{"name":"PSN Store","id":2147}]}`),
			call: func(c *Client) error {
				p, err := c.TopUpProviders(ctx(t), TopUpGames)
				if err == nil && (len(p) != 2 || p[1].ID != 2147) {
					t.Errorf("providers = %+v", p)
				}
				return err
			},
		},
		{
			name: "mobile values name the phone", method: "GET", path: "/api/v1/topups/mobile/values/2088/21971592768",
			reply: reply(http.StatusOK, `{"product":[{"value":1000},{"value":1500}]}`),
			call:  func(c *Client) error { _, err := c.TopUpValues(ctx(t), TopUpMobile, "2088", "21971592768"); return err },
		},
		{
			name: "digital content values", method: "GET", path: "/api/v1/topups/digital-content/values/2141",
			reply: reply(http.StatusOK, `{"product":[{"value":1790,"product_name":"Spotify Premium"}]}`),
			call:  func(c *Client) error { _, err := c.TopUpValues(ctx(t), TopUpDigitalContent, "2141", ""); return err },
		},
		{
			name: "tv dry run sends 0 and gets the plan", method: "POST", path: "/api/v1/topups/tv/dry-run", key: "dry-1",
			body:  `{"account_id":"acc-1","amount":0,"client_code":"123456","provider_id":"2126"}`,
			reply: reply(http.StatusAccepted, `{"account_id":"acc-1","amount":10900,"client_code":"123456","provider_id":"2126"}`),
			call: func(c *Client) error {
				d, err := c.DryRunTopUp(ctx(t), TopUpTV, TopUpRequest{AccountID: "acc-1", ClientCode: "123456", ProviderID: "2126"}, "dry-1")
				if err == nil && d.Amount != 10900 {
					t.Errorf("dry run = %+v", d)
				}
				return err
			},
		},
		{
			name: "execute with a solution", method: "POST", path: "/api/v1/topups/games", key: "top-1",
			headers: map[string]string{"X-Stone-Challenge-Solution": "a.b.c.d.e"},
			body:    `{"account_id":"acc-1","amount":3000,"provider_id":"2147"}`,
			reply:   reply(http.StatusOK, `{"id":"t1","receipt":"STONE\nRECARGA","transaction_id":"x1","pin":"AB12-CD34"}`),
			call: func(c *Client) error {
				r, err := c.ExecuteTopUp(ctx(t), TopUpGames, TopUpRequest{AccountID: "acc-1", Amount: 3000, ProviderID: "2147"}, "top-1", "a.b.c.d.e")
				if err == nil && (r.PIN == nil || *r.PIN != "AB12-CD34" || r.Receipt != "STONE\nRECARGA") {
					t.Errorf("top-up = %+v", r)
				}
				return err
			},
		},
	})
	runInvalid(t, fs, c, "execute top-up", []invalid{
		{"unknown product", func(c *Client) error {
			_, err := c.ExecuteTopUp(ctx(t), "lottery", TopUpRequest{AccountID: "a", Amount: 1, ProviderID: "1"}, "", "")
			return err
		}, "product"},
		{"zero amount", func(c *Client) error {
			_, err := c.ExecuteTopUp(ctx(t), TopUpGames, TopUpRequest{AccountID: "a", ProviderID: "1"}, "", "")
			return err
		}, "amount"},
		{"phone with a dash", func(c *Client) error {
			_, err := c.ExecuteTopUp(ctx(t), TopUpMobile, TopUpRequest{AccountID: "a", Amount: 1000, ProviderID: "2088", Cellphone: "21-97159"}, "", "")
			return err
		}, "cellphone"},
		{"tv without client code", func(c *Client) error {
			_, err := c.ExecuteTopUp(ctx(t), TopUpTV, TopUpRequest{AccountID: "a", Amount: 10900, ProviderID: "2126"}, "", "")
			return err
		}, "client_code"},
	})
}

// TestTopUpWithPIN plays Stone's challenge flow (§3.6) with the documented
// bodies: a 403 challenge_required, Stone's enc key at the discovery
// endpoint, and a second request carrying the JWE of the solution under
// the same idempotency key.
func TestTopUpWithPIN(t *testing.T) {
	encKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &encKey.PublicKey, KeyID: "enc-1", Use: "enc", Algorithm: "RSA-OAEP-256"}}})
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	var solved map[string]any
	var header jose.Header
	fs.api = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch {
		case r.URL.Path == "/api/v1/discovery/keys":
			reply(http.StatusOK, string(jwks))(w, r, nil)
		case r.Header.Get("X-Stone-Challenge-Solution") == "":
			reply(http.StatusForbidden, `{"id":0,"type":"srn:error:challenge_required","challenge":{"id":7755,"required_types":["pin"]}}`)(w, r, nil)
		default:
			obj, err := jose.ParseEncrypted(r.Header.Get("X-Stone-Challenge-Solution"), []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
			if err != nil {
				t.Errorf("solution is not the documented JWE: %v", err)
				reply(http.StatusForbidden, `{"type":"srn:error:bad_jwe_token"}`)(w, r, nil)
				return
			}
			header = obj.Header
			plain, err := obj.Decrypt(encKey)
			if err != nil || json.Unmarshal(plain, &solved) != nil {
				t.Errorf("solution does not open with the enc key: %v", err)
			}
			reply(http.StatusOK, `{"id":"t1","receipt":"STONE","transaction_id":"x1","pin":"AB12"}`)(w, r, nil)
		}
	}
	got, err := c.TopUpWithPIN(ctx(t), TopUpGames, TopUpRequest{AccountID: "acc-1", Amount: 3000, ProviderID: "2147"}, "top-9", "4321")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "t1" || solved["challenge_id"] != float64(7755) || solved["pin"] != "4321" || header.KeyID != "enc-1" {
		t.Fatalf("top-up %+v, solution %v (kid %q): want challenge 7755 answered with the PIN, to key enc-1", got, solved, header.KeyID)
	}
	var topups []apiRequest
	for _, r := range fs.requests() {
		if r.Path == "/api/v1/topups/games" {
			topups = append(topups, r)
		}
	}
	if len(topups) != 2 || topups[0].Header.Get(IdempotencyHeader) != "top-9" || topups[1].Header.Get(IdempotencyHeader) != "top-9" ||
		topups[0].Header.Get("X-Stone-Challenge-Solution") != "" || string(topups[0].Body) != string(topups[1].Body) {
		t.Fatalf("want the same request twice under one key, the second with the solution; got %d", len(topups))
	}

	// Without a PIN the challenge is the answer, not a guess.
	fs.reset()
	_, err = c.TopUpWithPIN(ctx(t), TopUpGames, TopUpRequest{AccountID: "acc-1", Amount: 3000, ProviderID: "2147"}, "", "")
	if ch := ChallengeFrom(err); ch == nil || string(ch.ID) != "7755" {
		t.Fatalf("err = %v, want the challenge", err)
	}
}

func TestChallengeBodies(t *testing.T) {
	for name, body := range map[string]string{
		"current": `{"id":0,"type":"srn:error:challenge_required","challenge":{"id":"c-1","required_types":["pin"]}}`,
		"older":   `{"challenge":{"id":"c-1","required_types":["pin"],"type":"srn:error:challenge_required","details":{"error":"challenge_required"}}}`,
	} {
		e := newAPIError(403, http.Header{}, "POST", "/api/v1/topups/games", []byte(body))
		if ch := e.Challenge(); ch == nil || string(ch.ID) != `"c-1"` || ch.RequiredTypes[0] != "pin" {
			t.Errorf("%s: challenge = %+v", name, ch)
		}
	}
	if ch := newAPIError(403, http.Header{}, "GET", "/x", []byte(`{"type":"srn:error:unauthorized"}`)).Challenge(); ch != nil {
		t.Errorf("a plain 403 has no challenge: %+v", ch)
	}
}
