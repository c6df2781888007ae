package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// docsContact is the create page's body (stone-api-families.md §5.1).
const docsContact = `{"name":"Guilherme Posse","tax_id":"16426334022","email":"guilherme.email@stone.com.br","mobile":"21 999999999"}`

func (e *env) contactsPath(account string) string { return "/api/v1/accounts/" + account + "/contacts" }

// list reads a bare-array answer.
func (e *env) list(path string) []obj {
	e.t.Helper()
	rec := e.api(http.MethodGet, path, "")
	wantStatus(e.t, rec, http.StatusOK)
	var out []obj
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		e.t.Fatalf("GET %s: %s is not a bare array: %v", path, rec.Body.String(), err)
	}
	return out
}

func ids(list []obj) []string {
	var out []string
	for _, o := range list {
		out = append(out, o.str("id"))
	}
	return out
}

func TestContactLifecycle(t *testing.T) {
	e := newEnv(t)
	base := e.contactsPath(e.fx.OwnAccountID)
	c := e.call(http.MethodPost, base, docsContact, 200, idemHeader, "contact-1")
	if c.str("name") != "Guilherme Posse" || c.str("tax_id") != "16426334022" || c.str("mobile") != "21 999999999" || c.str("id") == "" {
		t.Fatalf("contact = %v", c)
	}
	if ba, ok := c["bank_accounts"].([]any); !ok || len(ba) != 0 {
		t.Fatalf("bank_accounts = %#v, want [] (the contact object: [] when not filled)", c["bank_accounts"])
	}
	// The same key and body replays; another body under it is refused.
	if again := e.call(http.MethodPost, base, docsContact, 200, idemHeader, "contact-1"); again.str("id") != c.str("id") {
		t.Fatalf("replay made another contact: %v", again)
	}
	wantError(t, e.api(http.MethodPost, base, `{"name":"Outro"}`, idemHeader, "contact-1"), 409, "idempotency_conflict")

	// Unfilled members are null, never absent.
	bare := e.call(http.MethodPost, base, `{"name":"Mauro Frederico"}`, 200)
	for _, k := range []string{"tax_id", "email", "mobile"} {
		if !bare.isNull(k) {
			t.Errorf("%s = %#v, want null", k, bare[k])
		}
	}
	path := base + "/" + c.str("id")
	if got := e.call(http.MethodGet, path, "", 200); got.str("email") != "guilherme.email@stone.com.br" {
		t.Fatalf("get = %v", got)
	}
	if got := ids(e.list(base)); strings.Join(got, ",") != c.str("id")+","+bare.str("id") {
		t.Fatalf("list = %v", got)
	}
	if got := ids(e.list(base + "?tax_id=16426334022")); len(got) != 1 || got[0] != c.str("id") {
		t.Fatalf("list by tax_id = %v", got)
	}

	// An update is a POST that sends the contact whole: what it leaves
	// out becomes null.
	up := e.call(http.MethodPost, path, `{"name":"Guilherme Barcelos","tax_id":"16426334022"}`, 200, idemHeader, "contact-up")
	if up.str("name") != "Guilherme Barcelos" || !up.isNull("email") || !up.isNull("mobile") || up.str("id") != c.str("id") {
		t.Fatalf("updated = %v", up)
	}

	e.call(http.MethodDelete, path, "", 200)
	wantError(t, e.api(http.MethodGet, path, ""), 404, "not_found")
	wantError(t, e.api(http.MethodDelete, path, ""), 404, "not_found")
	if got := ids(e.list(base)); len(got) != 1 || got[0] != bare.str("id") {
		t.Fatalf("list after delete = %v", got)
	}
}

func TestContactDeleteAnswersNoBody(t *testing.T) {
	e := newEnv(t)
	base := e.contactsPath(e.fx.OwnAccountID)
	c := e.call(http.MethodPost, base, docsContact, 200)
	rec := e.api(http.MethodDelete, base+"/"+c.str("id"), "")
	wantStatus(t, rec, 200)
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Fatalf("delete answered %q with Content-Type %q; the page shows 200 OK alone", rec.Body.String(), rec.Header().Get("Content-Type"))
	}
}

func TestContactBankAccounts(t *testing.T) {
	e := newEnv(t)
	base := e.contactsPath(e.fx.OwnAccountID)
	c := e.call(http.MethodPost, base, docsContact, 200)
	path := base + "/" + c.str("id")

	// The 2021 page's body; the answer echoes it.
	ba := e.call(http.MethodPost, path+"/bank_accounts",
		`{"account_code":"106497993","account_type":"PG","branch_code":"0001","institution_code":"16501555"}`, 200, idemHeader, "ba-1")
	if ba.str("account_code") != "106497993" || ba.str("institution_code") != "16501555" || !ba.isNull("pix_key") || ba.str("id") == "" {
		t.Fatalf("bank account = %v", ba)
	}
	// The 2019 page's body: no account type (PG assumed, as every example shows) and a bank number.
	itau := e.call(http.MethodPost, path+"/bank_accounts", `{"account_code":"4567864","branch_code":"1234","institution_code":"341"}`, 200)
	if itau.str("account_type") != "PG" {
		t.Fatalf("account_type = %v, want PG", itau["account_type"])
	}
	key := e.call(http.MethodPost, path+"/bank_accounts", `{"pix_key":"dff85252-88ed-4ceb-8ced-4bdecd3f0d39"}`, 200)
	for _, k := range []string{"account_code", "account_type", "branch_code", "institution_code"} {
		if !key.isNull(k) {
			t.Errorf("PIX-key-only %s = %#v, want null", k, key[k])
		}
	}

	// The single-contact GET names each account's institution.
	got := e.call(http.MethodGet, path, "", 200)
	accounts := got["bank_accounts"].([]any)
	if len(accounts) != 3 {
		t.Fatalf("bank_accounts = %v", accounts)
	}
	stone := obj(accounts[0].(map[string]any)).sub("institution")
	if stone.str("ispb") != "16501555" || stone.str("compe") != "197" || stone["str_participant"] != true || stone["spi_participant"] != true {
		t.Fatalf("institution = %v", stone)
	}
	if _, has := accounts[2].(map[string]any)["institution"]; has {
		t.Error("a PIX-key-only entry has no institution to name")
	}
	// The list does not (its example has none), and finds the contact by
	// any of its accounts: the institution by ISPB or bank number alike.
	for _, q := range []string{"account_code=4567864", "institution_code=197", "institution_code=60701190", "pix_key=dff85252-88ed-4ceb-8ced-4bdecd3f0d39",
		"account_code=4567864&institution_code=341"} {
		l := e.list(base + "?" + q)
		if len(l) != 1 || l[0].str("id") != c.str("id") {
			t.Fatalf("?%s = %v", q, ids(l))
		}
		if _, has := l[0]["bank_accounts"].([]any)[0].(map[string]any)["institution"]; has {
			t.Errorf("?%s: the list example names no institution", q)
		}
	}
	for _, q := range []string{"account_code=106497993&institution_code=341", "tax_id=52998224725", "pix_key=nobody"} {
		if l := e.list(base + "?" + q); len(l) != 0 {
			t.Errorf("?%s = %v, want none", q, ids(l))
		}
	}

	// An update sends the bank account whole; a deleted one is gone.
	up := e.call(http.MethodPost, path+"/bank_accounts/"+itau.str("id"),
		`{"account_code":"4567864","account_type":"CC","branch_code":"4321","institution_code":"341","pix_key":null}`, 200, idemHeader, "ba-up")
	if up.str("branch_code") != "4321" || up.str("account_type") != "CC" || up.str("id") != itau.str("id") {
		t.Fatalf("updated = %v", up)
	}
	e.call(http.MethodDelete, path+"/bank_accounts/"+ba.str("id"), "", 200)
	wantError(t, e.api(http.MethodDelete, path+"/bank_accounts/"+ba.str("id"), ""), 404, "not_found")
	wantError(t, e.api(http.MethodPost, path+"/bank_accounts/"+ba.str("id"), `{"pix_key":"x@example.com"}`), 404, "not_found")
	if got := e.call(http.MethodGet, path, "", 200); len(got["bank_accounts"].([]any)) != 2 {
		t.Fatalf("after delete = %v", got["bank_accounts"])
	}
}

func TestContactValidation(t *testing.T) {
	e := newEnv(t)
	base := e.contactsPath(e.fx.OwnAccountID)
	c := e.call(http.MethodPost, base, docsContact, 200)
	for _, tc := range []struct{ name, path, body, field string }{
		{"no name", base, `{"tax_id":"16426334022"}`, "name"},
		{"tax id of 10 digits", base, `{"name":"X","tax_id":"1642633402"}`, "tax_id"},
		{"tax id with punctuation", base, `{"name":"X","tax_id":"164.263.340-22"}`, "tax_id"},
		{"e-mail without a domain", base, `{"name":"X","email":"guilherme"}`, "email"},
		{"mobile in words", base, `{"name":"X","mobile":"my phone"}`, "mobile"},
		{"name as a number", base, `{"name":7}`, "name"},
		{"update without a name", base + "/" + c.str("id"), `{"email":"a@b.co"}`, "name"},
		{"nothing to add", base + "/" + c.str("id") + "/bank_accounts", `{}`, "account_code"},
		{"an account without its institution", base + "/" + c.str("id") + "/bank_accounts", `{"account_code":"123"}`, "institution_code"},
		{"an institution of 5 digits", base + "/" + c.str("id") + "/bank_accounts", `{"account_code":"123","institution_code":"19700"}`, "institution_code"},
		{"an unknown account type", base + "/" + c.str("id") + "/bank_accounts", `{"account_code":"123","institution_code":"197","account_type":"XX"}`, "account_type"},
		{"a branch in words", base + "/" + c.str("id") + "/bank_accounts", `{"account_code":"123","institution_code":"197","branch_code":"centro"}`, "branch_code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			er := wantError(t, e.api(http.MethodPost, tc.path, tc.body), 400, "validation")
			if !strings.Contains(string(er.Reason), `["`+tc.field+`"]`) {
				t.Fatalf("reason %s does not name %s", er.Reason, tc.field)
			}
		})
	}
	wantError(t, e.api(http.MethodPost, base, `{"name":`), 400, "bad_request")
}

// TestContactsFollowTheAccount: contacts are the account's; an
// application reaches those of an account whose owner consented, and no
// others, and a contact is found only under its own account.
func TestContactsFollowTheAccount(t *testing.T) {
	e := newEnv(t)
	third := e.contactsPath(e.fx.ThirdPartyAccountID)
	wantError(t, e.api(http.MethodPost, third, docsContact), 403, "unauthorized")
	wantError(t, e.api(http.MethodGet, third, ""), 403, "unauthorized")
	wantError(t, e.api(http.MethodGet, e.contactsPath("00000000-0000-4000-8000-999999999999"), ""), 403, "unauthorized")

	own := e.call(http.MethodPost, e.contactsPath(e.fx.OwnAccountID), docsContact, 200)
	e.consent("approve")
	shared := e.call(http.MethodPost, third, `{"name":"Contato da conta compartilhada"}`, 200)
	if l := e.list(third); len(l) != 1 || l[0].str("id") != shared.str("id") {
		t.Fatalf("the consented account's contacts = %v", ids(l))
	}
	wantError(t, e.api(http.MethodGet, third+"/"+own.str("id"), ""), 404, "not_found")

	other := e.second()
	wantError(t, other.api(http.MethodGet, e.contactsPath(e.fx.OwnAccountID)+"/"+own.str("id"), ""), 403, "unauthorized")
	if l := other.list(other.contactsPath(other.fx.OwnAccountID)); len(l) != 0 {
		t.Fatalf("another application's account lists %v", ids(l))
	}
}
