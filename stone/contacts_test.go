package stone

import (
	"net/http"
	"net/url"
	"testing"
)

// The contacts pages' answers (stone-api-families.md §5.1, RA/contatos).
const (
	docsContactCreated = `{"bank_accounts":[],"email":"guilherme.email@stone.com.br","id":"222f3745-24ed-4968-929f-a88c168ce582",
		"mobile":"21 999999999","name":"Guilherme Posse","tax_id":"16426334022"}`
	docsContactRead = `{"bank_accounts":[
		{"account_code":"4567864","account_type":"PG","branch_code":"1234","id":"9145a75a-f86b-4cc5-bcfe-64b658c610b6","institution_code":"00000000","pix_key":null},
		{"account_code":"106497993","account_type":"PG","branch_code":"0001","id":"f125f6ff-4f63-4735-92c4-f89754ed2826","institution_code":"16501555",
		 "institution":{"compe":"197","ispb":"16501555","name":"Stone Pagamentos S.A.","spi_participant":true,"str_participant":true},"pix_key":null},
		{"account_code":null,"account_type":null,"branch_code":null,"id":"acc162c9-0850-478f-98cc-cb73b834941c","institution_code":null,
		 "pix_key":"dff85252-88ed-4ceb-8ced-4bdecd3f0d39"}],
		"email":null,"id":"93305585-0576-4ca0-aeac-3a75f9cc3c18","mobile":null,"name":"Mauro Frederico","tax_id":"58515428881"}`
	docsContactList = `[{"bank_accounts":[{"account_code":"35746698","account_type":"PG","branch_code":"00001","id":"1ede2f26-28cd-462b-a7ea-429960c8480b",
		"institution_code":"197","pix_key":null}],"email":"contactemail@empresaxyz.com","id":"f0c83515-c7ea-40b8-b9c4-c85d9489c40c",
		"mobile":"21 999999999","name":"Contact name","tax_id":"47647430351"},
		{"bank_accounts":[],"email":"johndoe@hotmail.com","id":"a862d499-26cc-48df-9583-585ba604e9c8","mobile":"2124759861","name":"John Doe","tax_id":"42373740761"}]`
	docsBankAccountAdded = `{"account_code":"4567864","account_type":"PG","branch_code":"1234","id":"9145a75a-f86b-4cc5-bcfe-64b658c610b6",
		"institution_code":"00000000","pix_key":null}`
)

func TestContactRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	base := "/api/v1/accounts/acc-1/contacts"
	guilherme := ContactRequest{Name: "Guilherme Posse", TaxID: "16426334022", Email: "guilherme.email@stone.com.br", Mobile: "21 999999999"}
	runWire(t, fs, c, []wire{
		{
			name: "create, the page's body, with an idempotency key", method: "POST", path: base, key: "ct-1",
			body:  `{"name":"Guilherme Posse","tax_id":"16426334022","email":"guilherme.email@stone.com.br","mobile":"21 999999999"}`,
			reply: reply(http.StatusOK, docsContactCreated),
			call: func(c *Client) error {
				ct, err := c.CreateContact(ctx(t), "acc-1", guilherme, "ct-1")
				if err == nil && (ct.ID != "222f3745-24ed-4968-929f-a88c168ce582" || ct.BankAccounts == nil || len(ct.BankAccounts) != 0 || ct.TaxID != "16426334022") {
					t.Errorf("contact = %+v", ct)
				}
				return err
			},
		},
		{
			name: "create generates a key when none is given", method: "POST", path: base, key: generated,
			body:  `{"name":"Mauro Frederico"}`,
			reply: reply(http.StatusOK, docsContactCreated),
			call: func(c *Client) error {
				_, err := c.CreateContact(ctx(t), "acc-1", ContactRequest{Name: "Mauro Frederico"}, "")
				return err
			},
		},
		{
			name: "list with the four filters, a bare array", method: "GET", path: base,
			query: url.Values{"tax_id": {"47647430351"}, "account_code": {"35746698"}, "institution_code": {"197"}, "pix_key": {"a@b.co"}},
			reply: reply(http.StatusOK, docsContactList),
			call: func(c *Client) error {
				l, err := c.Contacts(ctx(t), "acc-1", ContactFilter{TaxID: "47647430351", AccountCode: "35746698", InstitutionCode: "197", PixKey: "a@b.co"})
				if err == nil && (len(l) != 2 || l[0].BankAccounts[0].BranchCode != "00001" || l[1].Mobile != "2124759861") {
					t.Errorf("list = %+v", l)
				}
				return err
			},
		},
		{
			name: "list without filters sends no query", method: "GET", path: base, reply: reply(http.StatusOK, `[]`),
			call: func(c *Client) error {
				l, err := c.Contacts(ctx(t), "acc-1", ContactFilter{})
				if err == nil && len(l) != 0 {
					t.Errorf("list = %+v", l)
				}
				return err
			},
		},
		{
			name: "get, bank accounts with their institution", method: "GET", path: base + "/93305585", reply: reply(http.StatusOK, docsContactRead),
			call: func(c *Client) error {
				ct, err := c.Contact(ctx(t), "acc-1", "93305585")
				if err != nil {
					return err
				}
				b := ct.BankAccounts
				if len(b) != 3 || b[0].Institution != nil || b[1].Institution == nil || b[1].Institution.Compe != "197" || !b[1].Institution.STRParticipant ||
					b[2].AccountCode != "" || b[2].PixKey != "dff85252-88ed-4ceb-8ced-4bdecd3f0d39" || ct.Email != "" {
					t.Errorf("contact = %+v", ct)
				}
				return nil
			},
		},
		{
			name: "update is a POST on the contact, sent whole", method: "POST", path: base + "/93305585", key: "ct-up",
			body:  `{"name":"Mauro Barcelos","tax_id":"58515428881"}`,
			reply: reply(http.StatusOK, `{"bank_accounts":[],"email":null,"id":"93305585","mobile":null,"name":"Mauro Barcelos","tax_id":"58515428881"}`),
			call: func(c *Client) error {
				ct, err := c.UpdateContact(ctx(t), "acc-1", "93305585", ContactRequest{Name: "Mauro Barcelos", TaxID: "58515428881"}, "ct-up")
				if err == nil && ct.Name != "Mauro Barcelos" {
					t.Errorf("contact = %+v", ct)
				}
				return err
			},
		},
		{
			name: "delete answers 200 with no body", method: "DELETE", path: base + "/93305585",
			reply: func(w http.ResponseWriter, _ *http.Request, _ []byte) { w.WriteHeader(http.StatusOK) },
			call:  func(c *Client) error { return c.DeleteContact(ctx(t), "acc-1", "93305585") },
		},
		{
			name: "add a bank account, the 2021 page's body", method: "POST", path: base + "/93305585/bank_accounts", key: "ba-1",
			body:  `{"account_code":"4567864","account_type":"PG","branch_code":"1234","institution_code":"00000000"}`,
			reply: reply(http.StatusOK, docsBankAccountAdded),
			call: func(c *Client) error {
				b, err := c.AddContactBankAccount(ctx(t), "acc-1", "93305585",
					ContactBankAccountRequest{AccountCode: "4567864", AccountType: "PG", BranchCode: "1234", InstitutionCode: "00000000"}, "ba-1")
				if err == nil && (b.ID != "9145a75a-f86b-4cc5-bcfe-64b658c610b6" || b.PixKey != "") {
					t.Errorf("bank account = %+v", b)
				}
				return err
			},
		},
		{
			name: "add a PIX key alone", method: "POST", path: base + "/93305585/bank_accounts", key: generated,
			body: `{"pix_key":"dff85252-88ed-4ceb-8ced-4bdecd3f0d39"}`,
			reply: reply(http.StatusOK, `{"account_code":null,"account_type":null,"branch_code":null,"id":"acc162c9","institution_code":null,
				"pix_key":"dff85252-88ed-4ceb-8ced-4bdecd3f0d39"}`),
			call: func(c *Client) error {
				_, err := c.AddContactBankAccount(ctx(t), "acc-1", "93305585", ContactBankAccountRequest{PixKey: "dff85252-88ed-4ceb-8ced-4bdecd3f0d39"}, "")
				return err
			},
		},
		{
			name: "update a bank account, by POST", method: "POST", path: base + "/93305585/bank_accounts/e43e3003", key: "ba-up",
			body: `{"account_code":"4567864","account_type":"PG","branch_code":"1234","institution_code":"197"}`,
			reply: reply(http.StatusOK, `{"id":"e43e3003","branch_code":"1234","institution_code":"197","account_code":"4567864",
				"account_type":"PG","pix_key":null}`),
			call: func(c *Client) error {
				_, err := c.UpdateContactBankAccount(ctx(t), "acc-1", "93305585", "e43e3003",
					ContactBankAccountRequest{AccountCode: "4567864", AccountType: "PG", BranchCode: "1234", InstitutionCode: "197"}, "ba-up")
				return err
			},
		},
		{
			name: "delete a bank account", method: "DELETE", path: base + "/93305585/bank_accounts/e43e3003",
			reply: func(w http.ResponseWriter, _ *http.Request, _ []byte) { w.WriteHeader(http.StatusOK) },
			call:  func(c *Client) error { return c.DeleteContactBankAccount(ctx(t), "acc-1", "93305585", "e43e3003") },
		},
		{
			name: "ids are escaped", method: "GET", path: "/api/v1/accounts/a%2Fb/contacts/c%20d", reply: reply(http.StatusOK, docsContactCreated),
			call: func(c *Client) error { _, err := c.Contact(ctx(t), "a/b", "c d"); return err },
		},
	})
	runInvalid(t, fs, c, "create contact", []invalid{
		{"no name", func(c *Client) error {
			_, err := c.CreateContact(ctx(t), "acc-1", ContactRequest{TaxID: "16426334022"}, "")
			return err
		}, "name"},
		{"a tax id of 10 digits", func(c *Client) error {
			_, err := c.CreateContact(ctx(t), "acc-1", ContactRequest{Name: "x", TaxID: "1642633402"}, "")
			return err
		}, "tax_id"},
		{"a formatted tax id", func(c *Client) error {
			_, err := c.CreateContact(ctx(t), "acc-1", ContactRequest{Name: "x", TaxID: "164.263.340-22"}, "")
			return err
		}, "tax_id"},
		{"an e-mail without a domain", func(c *Client) error {
			_, err := c.CreateContact(ctx(t), "acc-1", ContactRequest{Name: "x", Email: "guilherme"}, "")
			return err
		}, "email"},
		{"no account", func(c *Client) error { _, err := c.CreateContact(ctx(t), "", guilherme, ""); return err }, "account id"},
	})
	runInvalid(t, fs, c, "add contact bank account", []invalid{
		{"nothing", func(c *Client) error {
			_, err := c.AddContactBankAccount(ctx(t), "acc-1", "ct", ContactBankAccountRequest{}, "")
			return err
		}, "pix_key"},
		{"no institution", func(c *Client) error {
			_, err := c.AddContactBankAccount(ctx(t), "acc-1", "ct", ContactBankAccountRequest{AccountCode: "123"}, "")
			return err
		}, "institution_code"},
		{"an unknown account type", func(c *Client) error {
			_, err := c.AddContactBankAccount(ctx(t), "acc-1", "ct", ContactBankAccountRequest{AccountCode: "123", InstitutionCode: "197", AccountType: "savings"}, "")
			return err
		}, "account_type"},
		{"no contact", func(c *Client) error {
			_, err := c.AddContactBankAccount(ctx(t), "acc-1", "", ContactBankAccountRequest{PixKey: "a@b.co"}, "")
			return err
		}, "contact id"},
	})
	runInvalid(t, fs, c, "delete contact bank account", []invalid{
		{"no bank account", func(c *Client) error { return c.DeleteContactBankAccount(ctx(t), "acc-1", "ct", " ") }, "bank account id"},
	})
}
