package simulator

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// encKey reads Stone's enc key from the discovery endpoint, as a client does.
func (e *env) encKey() (*rsa.PublicKey, string) {
	e.t.Helper()
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(e.do(http.MethodGet, "/api/v1/discovery/keys", nil, nil).Body.Bytes(), &set); err != nil {
		e.t.Fatal(err)
	}
	for _, k := range set.Keys {
		if k.Use == "enc" {
			return k.Key.(*rsa.PublicKey), k.KeyID
		}
	}
	e.t.Fatal("no enc key")
	return nil, ""
}

// seal is the docs' Python example: a compact JWE, RSA-OAEP-256 and
// A256GCM, with the enc key's kid.
func (e *env) seal(plain string) string {
	e.t.Helper()
	pub, kid := e.encKey()
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: pub, KeyID: kid}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	obj, err := enc.Encrypt([]byte(plain))
	if err != nil {
		e.t.Fatal(err)
	}
	s, _ := obj.CompactSerialize()
	return s
}

func TestTopUpReads(t *testing.T) {
	e := newEnv(t)
	mob := e.call(http.MethodGet, "/api/v1/topups/mobile/providers/21971592768", "", 200)
	if mob.sub("possible_provider").str("name") == "" || len(mob["other_providers"].([]any)) != 9 || len(mob.sub("possible_provider")["products"].([]any)) == 0 {
		t.Fatalf("mobile providers = %v", mob)
	}
	games := e.call(http.MethodGet, "/api/v1/topups/games/providers", "", 200)
	if first := games["providers"].([]any)[0].(map[string]any); first["id"] != float64(2151) {
		t.Fatalf("games providers = %v, want the docs' ids as numbers", games)
	}
	vals := e.call(http.MethodGet, "/api/v1/topups/games/values/2147", "", 200)
	if p := vals["product"].([]any)[0].(map[string]any); p["value"] != float64(3000) || p["product_name"] == nil {
		t.Fatalf("values = %v", vals)
	}
	e.call(http.MethodGet, "/api/v1/topups/mobile/values/2088/21971592768", "", 200)
	wantError(t, e.api(http.MethodGet, "/api/v1/topups/mobile/providers/21-9715", ""), 400, "invalid_params")
	wantError(t, e.api(http.MethodGet, "/api/v1/topups/games/values/abc", ""), 400, "invalid_params")
	wantError(t, e.api(http.MethodGet, "/api/v1/topups/lottery/providers", ""), 404, "not_found")
}

func TestTopUpDryRunAndErrors(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	d := e.call(http.MethodPost, "/api/v1/topups/mobile/dry-run", `{"account_id":"`+own+`","amount":1000,"cellphone":"21971592768","provider_id":"2088"}`, 202)
	if d.str("account_id") != own || d.num("amount") != 1000 || d.str("provider_id") != "2088" || d.str("cellphone") != "21971592768" {
		t.Fatalf("dry run = %v, want the request echoed", d)
	}
	tv := e.call(http.MethodPost, "/api/v1/topups/tv/dry-run", `{"account_id":"`+own+`","amount":0,"client_code":"123456","provider_id":"2126"}`, 202)
	if tv.num("amount") != 10900 {
		t.Fatalf("tv dry run amount = %d, want the plan's 10900 (§3.2)", tv.num("amount"))
	}
	zero := wantError(t, e.api(http.MethodPost, "/api/v1/topups/games/dry-run", `{"account_id":"`+own+`","amount":0,"provider_id":"2151"}`), 400, "invalid_amount")
	_ = zero
	rec := e.api(http.MethodPost, "/api/v1/topups/games/dry-run", `{"account_id":"`+own+`","amount":-5,"provider_id":"2151"}`)
	if !strings.Contains(rec.Body.String(), `"title":"Given amount is less than or equal to zero"`) {
		t.Fatalf("invalid_amount body %s, want Stone's title", rec.Body.String())
	}
	for _, body := range []string{
		`{"account_id":"` + own + `","amount":1000,"cellphone":"2197159276a","provider_id":"2088"}`,
		`{"account_id":"` + own + `","amount":1000,"provider_id":"20x8"}`,
		`{"account_id":"` + own + `","amount":1234,"cellphone":"21971592768","provider_id":"2088"}`,
	} {
		wantError(t, e.api(http.MethodPost, "/api/v1/topups/mobile/dry-run", body), 400, "invalid_params")
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/topups/games/dry-run", `{"account_id":"`+e.fx.ThirdPartyAccountID+`","amount":500,"provider_id":"2151"}`), 403, "forbidden")
	all := e.balance(own)
	e.store(func(st *book) { st.Post(st.Account(own), postingOf(-all), e.clock.Now()) })
	wantError(t, e.api(http.MethodPost, "/api/v1/topups/games/dry-run", `{"account_id":"`+own+`","amount":500,"provider_id":"2151"}`), 400, "not_enough_funds")
}

func TestTopUpChallenge(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	before := e.balance(own)
	body := `{"account_id":"` + own + `","amount":3000,"provider_id":"2147"}`
	ch := wantError(t, e.api(http.MethodPost, "/api/v1/topups/games", body, idemHeader, "top-1"), 403, "challenge_required")
	_ = ch
	var first challengeReply
	if err := json.Unmarshal(e.api(http.MethodPost, "/api/v1/topups/games", body, idemHeader, "top-1").Body.Bytes(), &first); err != nil || first.Challenge.ID == "" ||
		len(first.Challenge.RequiredTypes) != 1 || first.Challenge.RequiredTypes[0] != "pin" || first.ID == nil || *first.ID != 0 {
		t.Fatalf("challenge = %+v (%v)", first, err)
	}
	solution := func(id, pin string) string { return e.seal(`{"challenge_id":"` + id + `","pin":"` + pin + `"}`) }
	wantError(t, e.api(http.MethodPost, "/api/v1/topups/games", body, idemHeader, "top-1", "x-stone-challenge-solution", solution(first.Challenge.ID, "0000")), 403, "wrong_challenge_solution")
	wantError(t, e.api(http.MethodPost, "/api/v1/topups/games", body, "x-stone-challenge-solution", "not-a-jwe"), 403, "bad_jwe_token")
	wantError(t, e.api(http.MethodPost, "/api/v1/topups/games", body, "x-stone-challenge-solution", solution("nope", "1234")), 403, "challenge_not_found")
	wantError(t, e.api(http.MethodPost, "/api/v1/topups/games", body, "x-stone-challenge-solution", e.seal(`{"pin":"1234"}`)), 403, "bad_challenge_solution")
	if e.balance(own) != before {
		t.Fatalf("a refused solution moved money")
	}

	ok := e.call(http.MethodPost, "/api/v1/topups/games", body, 200, idemHeader, "top-1", "x-stone-challenge-solution", solution(first.Challenge.ID, "1234"))
	if ok.str("id") == "" || ok.str("transaction_id") == "" || !strings.Contains(ok.str("receipt"), "\n") || ok.str("pin") == "" {
		t.Fatalf("executed = %v, want id, transaction_id, a receipt with line breaks and a pin", ok)
	}
	if got := e.balance(own); got != before-3000 {
		t.Fatalf("balance %d, want %d: debited right after confirmation", got, before-3000)
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/topups/games", body, "x-stone-challenge-solution", solution(first.Challenge.ID, "1234")), 403, "challenge_not_found")

	var mch challengeReply
	mbody := `{"account_id":"` + own + `","amount":1000,"cellphone":"21971592768","provider_id":"2088"}`
	_ = json.Unmarshal(e.api(http.MethodPost, "/api/v1/topups/mobile", mbody).Body.Bytes(), &mch)
	m := e.call(http.MethodPost, "/api/v1/topups/mobile", mbody, 200, "x-stone-challenge-solution", solution(mch.Challenge.ID, "1234"))
	if _, has := m["pin"]; has {
		t.Fatalf("mobile top-up = %v: no pin for mobile (§3.3)", m)
	}
}

type challengeReply struct {
	ID        *int   `json:"id"`
	Type      string `json:"type"`
	Challenge struct {
		ID            string   `json:"id"`
		RequiredTypes []string `json:"required_types"`
	} `json:"challenge"`
}

// postingOf is a bare debit or credit of amount, to set a balance up.
func postingOf(amount int64) ledger.Posting {
	return ledger.Posting{Amount: amount, Type: "internal", Desc: "test"}
}
