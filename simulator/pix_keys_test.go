package simulator

import (
	"fmt"
	"net/http"
	"testing"
)

func TestPixKeysLifecycle(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	base := "/api/v1/pix/" + own + "/entries"
	verify := []string{"x-stone-verification-id", "v-1", "x-stone-verification-code", "123456"}

	created := e.call(http.MethodPost, base, `{"key":"+5511988887777","key_type":"phone","participant_ispb":"16501555"}`, http.StatusAccepted, verify...)
	id := created.str("id")
	got := e.call(http.MethodGet, base+"/"+id, "", 200)
	if got.str("status") != "active" || got.str("key_type") != "phone" || got.str("account_id") != own || got.sub("beneficiary_entity").str("document_type") != "cnpj" {
		t.Fatalf("entry = %v", got)
	}
	if ev := e.lastEvent("pix_entries_status_key_created"); eventData(t, ev).str("key") != "+5511988887777" || ev.DetailPath != base+"/"+id {
		t.Fatalf("created event = %+v", ev)
	}
	// The new key is in the DICT: another account can pay it.
	e.consent("approve")
	p := e.createPix(pixByKey(e.fx.ThirdPartyAccountID, "+5511988887777", 100))
	if p.sub("target").sub("entity").str("name") != "Loja do Parceiro Ltda" {
		t.Fatalf("paying the new key = %v", p)
	}

	// Email and phone keys need the verification (header or body).
	got1 := wantError(t, e.api(http.MethodPost, base, `{"key":"loja@parceiro.com.br","key_type":"email"}`), 400, "validation")
	if got := reasonPaths(t, obj{"reason": decodeAny(t, got1.Reason)}); len(got) != 2 || got[0] != "verification_id" {
		t.Fatalf("missing verification paths = %v", got)
	}
	e.call(http.MethodPost, base, `{"key":"Loja@Parceiro.com.br","key_type":"email","verification_id":"v","verification_code":"c"}`, 202)
	wantError(t, e.api(http.MethodPost, base, `{"key":"loja@parceiro.com.br","key_type":"email"}`, verify...), 422, "already_exists")
	wantError(t, e.api(http.MethodPost, base, `{"key":"financeiro@fornecedor.com.br","key_type":"email"}`, verify...), 422, "already_exists")
	wantError(t, e.api(http.MethodPost, base, `{"key":"5511988887777","key_type":"phone"}`, verify...), 422, "invalid_key")
	wantError(t, e.api(http.MethodPost, base, `{"key":"52998224725","key_type":"cpf"}`), 422, "invalid_key")
	wantError(t, e.api(http.MethodPost, base, `{"key":"x","key_type":"random_key"}`), 422, "invalid_key")
	wantError(t, e.api(http.MethodPost, base, `{"key_type":"iban"}`), 400, "validation")
	cnpj := e.call(http.MethodPost, base, `{"key_type":"cnpj"}`, 202)
	if g := e.call(http.MethodGet, base+"/"+cnpj.str("id"), "", 200); g.str("key") == "" || len(g.str("key")) != 14 {
		t.Fatalf("cnpj key defaults to the owner's = %v", g)
	}

	// Delete, through either documented path.
	del := e.call(http.MethodDelete, base+"/"+id, "", http.StatusAccepted)
	if del.str("id") == "" || e.call(http.MethodGet, base+"/"+id, "", 200).str("status") != "deleted" {
		t.Fatalf("delete = %v", del)
	}
	wantError(t, e.api(http.MethodDelete, base+"/"+id, ""), 409, "conflict")
	e.call(http.MethodDelete, "/api/v1/pix_entries/key/"+cnpj.str("id"), `{"account_id":"`+own+`","reason":"user_requested"}`, 202)
	containsAll(t, e.eventTypes(own), "pix_entries_status_key_deleted")
	wantError(t, e.api(http.MethodPost, "/api/v1/pix/outbound_pix_payments", pixByKey(e.fx.ThirdPartyAccountID, "+5511988887777", 1), idemHeader, "gone"), 422, "key_not_found")

	active := e.call(http.MethodGet, base+"?status=active", "", 200)
	if n := len(active["data"].([]any)); n != 2 { // the seeded random key and the e-mail
		t.Fatalf("active keys = %d: %v", n, active)
	}
	wantError(t, e.api(http.MethodGet, "/api/v1/pix/no-such-account/entries", ""), 403, "unauthorized")
}

func TestPixKeyLimits(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	person := "/api/v1/pix/" + e.fx.ThirdPartyAccountID + "/entries"
	for i := range 5 {
		e.call(http.MethodPost, person, `{"key_type":"random_key"}`, 202, idemHeader, fmt.Sprint("p", i))
	}
	wantError(t, e.api(http.MethodPost, person, `{"key_type":"random_key"}`), 422, "entries_limit_reached")
	company := "/api/v1/pix/" + e.fx.OwnAccountID + "/entries"
	for range 19 { // the own account already has one
		e.call(http.MethodPost, company, `{"key_type":"random_key"}`, 202)
	}
	wantError(t, e.api(http.MethodPost, company, `{"key_type":"random_key"}`), 422, "entries_limit_reached")
}
