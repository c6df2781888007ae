package check

import "testing"

// contactRec is a contact saved: the request the application sent and the
// answer, each changed by the test to be what a faulty bank answers.
func contactRec(seq int64, req string, mut func(map[string]any)) Record {
	c := map[string]any{"id": "ct-1", "name": "Guilherme Posse", "tax_id": "[masked:***263340**]", "email": "g@stone.com.br",
		"mobile": "21 999999999", "bank_accounts": []any{}}
	if mut != nil {
		mut(c)
	}
	return rec(seq, "POST", "https://api.example/api/v1/accounts/acc/contacts", 200, req, js(c))
}

const contactReq = `{"name":"Guilherme Posse","tax_id":"[masked:***263340**]","email":"g@stone.com.br","mobile":"21 999999999"}`

func TestContactSaved(t *testing.T) {
	in := func(req string, mut func(map[string]any)) Inputs {
		return Inputs{"response": {contactRec(1, req, mut)}}
	}
	runCases(t, []checkCase{
		{name: "as sent", check: ContactSaved, in: in(contactReq, nil)},
		{name: "Stone masks the document itself", check: ContactSaved, in: in(contactReq, func(c map[string]any) { c["tax_id"] = "***263340**" })},
		{name: "left out, answered null", check: ContactSaved, in: in(`{"name":"Guilherme Posse"}`, func(c map[string]any) {
			c["tax_id"], c["email"], c["mobile"] = nil, nil, nil
		})},
		{name: "no id", check: ContactSaved, in: in(contactReq, func(c map[string]any) { delete(c, "id") }), fault: "has no id"},
		{name: "bank_accounts null", check: ContactSaved, in: in(contactReq, func(c map[string]any) { c["bank_accounts"] = nil }), fault: "bank_accounts null, want a list"},
		{name: "bank_accounts absent", check: ContactSaved, in: in(contactReq, func(c map[string]any) { delete(c, "bank_accounts") }), fault: "bank_accounts absent"},
		{name: "another name", check: ContactSaved, in: in(contactReq, func(c map[string]any) { c["name"] = "Guilherme" }), fault: `name was sent as "Guilherme Posse" and answered "Guilherme"`},
		{name: "the e-mail lost", check: ContactSaved, in: in(contactReq, func(c map[string]any) { c["email"] = nil }), fault: "email was sent as"},
		{name: "another document", check: ContactSaved, in: in(contactReq, func(c map[string]any) { c["tax_id"] = "***111111**" }), fault: "tax_id was sent as"},
		{name: "an update that kept what it left out", check: ContactSaved, in: in(`{"name":"Guilherme Posse"}`, func(c map[string]any) { c["tax_id"], c["mobile"] = nil, nil }),
			fault: `email was not sent but answered "g@stone.com.br"`},
		{name: "refused", check: ContactSaved, in: Inputs{"response": {rec(1, "POST", "https://api.example/api/v1/accounts/acc/contacts", 403, contactReq, `{"type":"srn:error:unauthorized"}`)}},
			fault: "403 srn:error:unauthorized"},
	})
}

func TestContactListed(t *testing.T) {
	in := func(query, list string) Inputs {
		return Inputs{"contact": {contactRec(1, contactReq, nil)}, "list": {get(2, "https://api.example/api/v1/accounts/acc/contacts"+query, 200, list)}}
	}
	listed, gone := Params{"listed": "true"}, Params{"listed": "false"}
	withBank := `[{"id":"ct-0","tax_id":null,"bank_accounts":[]},{"id":"ct-1","tax_id":"***263340**","bank_accounts":[{"id":"b1","account_code":"4567864","pix_key":null}]}]`
	runCases(t, []checkCase{
		{name: "listed", check: ContactListed, params: listed, in: in("", withBank)},
		{name: "by its document", check: ContactListed, params: listed, in: in("?tax_id=16426334022", `[{"id":"ct-1","tax_id":"[masked:***263340**]","bank_accounts":[]}]`)},
		{name: "by its account code", check: ContactListed, params: listed, in: in("?account_code=4567864", `[{"id":"ct-1","bank_accounts":[{"id":"b1","account_code":"4567864"}]}]`)},
		{name: "deleted, not listed", check: ContactListed, params: gone, in: in("", `[{"id":"ct-0","bank_accounts":[]}]`)},
		{name: "missing", check: ContactListed, params: listed, in: in("", `[{"id":"ct-0","bank_accounts":[]}]`), fault: "ct-1 is not among the 1 contacts"},
		{name: "still listed after delete", check: ContactListed, params: gone, in: in("", withBank), fault: "still listed after it was deleted"},
		{name: "a page, not an array", check: ContactListed, params: listed, in: in("", `{"cursor":{},"data":[{"id":"ct-1"}]}`), fault: "not a bare array"},
		{name: "the filter ignored", check: ContactListed, params: listed, in: in("?tax_id=16426334022", withBank), fault: "ct-0 is listed for tax_id"},
		{name: "the account filter ignored", check: ContactListed, params: listed, in: in("?account_code=4567864", withBank), fault: "ct-0 is listed for account_code 4567864"},
		{name: "bad parameter", check: ContactListed, params: Params{"listed": "yes"}, in: in("", withBank), fault: `"listed" is "yes"`},
	})
}

func bankRec(seq int64, req, resp string) Record {
	return rec(seq, "POST", "https://api.example/api/v1/accounts/acc/contacts/ct-1/bank_accounts", 200, req, resp)
}

func TestContactBankAccountChecks(t *testing.T) {
	req := `{"account_code":"4567864","branch_code":"1234","institution_code":"341"}`
	good := `{"id":"b1","account_code":"4567864","account_type":"PG","branch_code":"1234","institution_code":"341","pix_key":null}`
	saved := func(req, resp string) Inputs { return Inputs{"response": {bankRec(1, req, resp)}} }
	read := func(banks string) Inputs {
		return Inputs{"bank_account": {bankRec(1, req, good)}, "contact": {get(2, "https://api.example/api/v1/accounts/acc/contacts/ct-1", 200,
			`{"id":"ct-1","bank_accounts":`+banks+`}`)}}
	}
	shown, gone := Params{"shown": "true"}, Params{"shown": "false"}
	runCases(t, []checkCase{
		{name: "as sent, PG given by Stone", check: ContactBankAccountSaved, in: saved(req, good)},
		{name: "a PIX key alone", check: ContactBankAccountSaved, in: saved(`{"pix_key":"a@b.co"}`,
			`{"id":"b2","account_code":null,"account_type":null,"branch_code":null,"institution_code":null,"pix_key":"a@b.co"}`)},
		{name: "no id", check: ContactBankAccountSaved, in: saved(req, `{"account_code":"4567864","branch_code":"1234","institution_code":"341"}`), fault: "has no id"},
		{name: "another branch", check: ContactBankAccountSaved, in: saved(req, `{"id":"b1","account_code":"4567864","branch_code":"0001","institution_code":"341"}`),
			fault: `branch_code was sent as "1234" and answered "0001"`},
		{name: "a PIX key with account members", check: ContactBankAccountSaved, in: saved(`{"pix_key":"a@b.co"}`,
			`{"id":"b2","account_code":"1","institution_code":null,"pix_key":"a@b.co"}`), fault: `account_code was not sent but answered "1"`},

		{name: "shown", check: ContactShowsBankAccount, params: shown, in: read(`[` + good + `]`)},
		{name: "shown with its institution", check: ContactShowsBankAccount, params: shown, in: read(`[{"id":"b1","account_code":"4567864","institution_code":"341",
			"institution":{"compe":"341","ispb":"60701190","name":"Itaú"}}]`)},
		{name: "not shown", check: ContactShowsBankAccount, params: shown, in: read(`[]`), fault: "does not show bank account b1"},
		{name: "another account code", check: ContactShowsBankAccount, params: shown, in: read(`[{"id":"b1","account_code":"1","institution_code":"341"}]`),
			fault: `account_code "1", saved as "4567864"`},
		{name: "the wrong institution named", check: ContactShowsBankAccount, params: shown, in: read(`[{"id":"b1","account_code":"4567864","institution_code":"341",
			"institution":{"compe":"001","ispb":"00000000"}}]`), fault: "names the institution 00000000"},
		{name: "deleted", check: ContactShowsBankAccount, params: gone, in: read(`[]`)},
		{name: "deleted but still shown", check: ContactShowsBankAccount, params: gone, in: read(`[` + good + `]`), fault: "still shows bank account b1"},
	})
}
