package stone

import (
	"net/http"
	"strings"
	"testing"
)

func pixToAccount() PixPaymentRequest {
	return PixPaymentRequest{
		AccountID: "acc-1", Amount: 1000, Description: "Teste Pix",
		Target: &PixParty{
			Entity:      PixEntity{Name: "Luna", Document: "04836916313", DocumentType: "cpf"},
			Account:     PixAccount{AccountCode: "10023395", BranchCode: "4104", AccountType: "CC"},
			Institution: PixInstitution{ISPB: "90400888"},
		},
	}
}

func TestPixRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	yes := true
	runWire(t, fs, c, []wire{
		{
			name: "read brcode is a POST", method: "POST", path: "/api/v1/pix/outbound_pix_payments/brcodes",
			body: `{"brcode":"00020126580014br.gov.bcb.pix"}`,
			call: func(c *Client) error {
				_, err := c.ReadBRCode(ctx(t), BRCodeRequest{BRCode: "00020126580014br.gov.bcb.pix"})
				return err
			},
		},
		{
			name: "read brcode with due date", method: "POST", path: "/api/v1/pix/outbound_pix_payments/brcodes",
			body: `{"brcode":"000201","owner_account":"acc-1","payment_date":"2026/12/01"}`,
			call: func(c *Client) error {
				_, err := c.ReadBRCode(ctx(t), BRCodeRequest{BRCode: "000201", OwnerAccount: "acc-1", PaymentDate: "2026/12/01"})
				return err
			},
		},
		{
			name: "create to an account", method: "POST", path: "/api/v1/pix/outbound_pix_payments", key: "pix-1",
			reply: reply(http.StatusCreated, `{"id":"p1","status":"CREATED"}`),
			body: `{"account_id":"acc-1","amount":1000,"description":"Teste Pix","target":{
				"entity":{"name":"Luna","document":"04836916313","document_type":"cpf"},
				"account":{"account_code":"10023395","branch_code":"4104","account_type":"CC"},
				"institution":{"ispb":"90400888"}}}`,
			call: func(c *Client) error { _, err := c.CreatePixPayment(ctx(t), pixToAccount(), "pix-1"); return err },
		},
		{
			name: "create to a key from a QR code, amount left for confirm", method: "POST", path: "/api/v1/pix/outbound_pix_payments",
			key:  generated,
			body: `{"account_id":"acc-1","key":"+5521999999999","transaction_id":"6f4d67a374004257974facecelea4810","scheduled_to":"2026-12-01"}`,
			call: func(c *Client) error {
				_, err := c.CreatePixPayment(ctx(t), PixPaymentRequest{AccountID: "acc-1", Key: "+5521999999999",
					TransactionID: "6f4d67a374004257974facecelea4810", ScheduledTo: "2026-12-01"}, "")
				return err
			},
		},
		{
			name: "confirm with a body", method: "POST", path: "/api/v1/pix/outbound_pix_payments/p%201/actions/confirm", key: "conf-1",
			reply: reply(http.StatusNoContent, ""),
			body:  `{"amount":39511,"description":"some description","add_target_to_contacts":true}`,
			call: func(c *Client) error {
				return c.ConfirmPixPayment(ctx(t), "p 1", &PixConfirmation{Amount: 39511, Description: "some description", AddTargetToContacts: &yes}, "conf-1")
			},
		},
		{
			name: "confirm without a body sends {}", method: "POST", path: "/api/v1/pix/outbound_pix_payments/p1/actions/confirm", key: generated,
			reply: reply(http.StatusNoContent, ""), body: `{}`,
			call: func(c *Client) error { return c.ConfirmPixPayment(ctx(t), "p1", nil, "") },
		},
		{
			name: "get", method: "GET", path: "/api/v1/pix/outbound_pix_payments/p1",
			call: func(c *Client) error { _, err := c.PixPayment(ctx(t), "p1"); return err },
		},
		{
			name: "create invoice", method: "POST", path: "/api/v1/pix_payment_invoices", key: "inv-1",
			reply: reply(http.StatusCreated, `{"id":"i1"}`),
			body: `{"account_id":"acc-1","key":"92961229022","transaction_id":"1234567898745236521478edrfth4r","amount":100,
				"customer":{"name":"Maria","document":"12409265606"},"request_for_payer":"Pague","expiration":3600,
				"additional_data":[{"name":"pedido","value":"42"}],"metadata":{"order":"42"}}`,
			call: func(c *Client) error {
				_, err := c.CreatePixInvoice(ctx(t), PixInvoiceRequest{AccountID: "acc-1", Key: "92961229022",
					TransactionID: "1234567898745236521478edrfth4r", Amount: 100, Customer: &PixInvoicePayer{Name: "Maria", Document: "12409265606"},
					RequestForPayer: "Pague", Expiration: 3600, AdditionalData: []PixInvoiceField{{"pedido", "42"}},
					Metadata: map[string]any{"order": "42"}}, "inv-1")
				return err
			},
		},
		{
			name: "cancel invoice", method: "DELETE", path: "/api/v1/pix_payment_invoices/i1", reply: reply(http.StatusOK, `{"status":"CANCELLED"}`),
			call: func(c *Client) error { return c.CancelPixInvoice(ctx(t), "i1") },
		},
	})

	with := func(mut func(*PixPaymentRequest)) func(*Client) error {
		return func(c *Client) error {
			r := pixToAccount()
			tg := *r.Target
			r.Target = &tg
			mut(&r)
			_, err := c.CreatePixPayment(ctx(t), r, "")
			return err
		}
	}
	runInvalid(t, fs, c, "create pix payment", []invalid{
		{"no account", with(func(r *PixPaymentRequest) { r.AccountID = "" }), "account_id"},
		{"neither key nor target", with(func(r *PixPaymentRequest) { r.Target = nil }), "key or target"},
		{"both key and target", with(func(r *PixPaymentRequest) { r.Key = "a@b.c" }), "key and target"},
		{"transaction id without key", with(func(r *PixPaymentRequest) { r.TransactionID = "abc" }), "transaction_id"},
		{"transaction id with a dash", with(func(r *PixPaymentRequest) { r.Target, r.Key, r.TransactionID = nil, "a@b.c", "abc-1" }), "transaction_id"},
		{"key over 77", with(func(r *PixPaymentRequest) { r.Target, r.Key = nil, strings.Repeat("k", 78) }), "key"},
		{"description over 140", with(func(r *PixPaymentRequest) { r.Description = strings.Repeat("é", 141) }), "description"},
		{"amount over 1e12", with(func(r *PixPaymentRequest) { r.Amount = maxPixAmount + 1 }), "amount"},
		{"branch of three digits", with(func(r *PixPaymentRequest) { r.Target.Account.BranchCode = "001" }), "target.account.branch_code"},
		{"account type CD", with(func(r *PixPaymentRequest) { r.Target.Account.AccountType = "CD" }), "target.account.account_type"},
		{"ispb of 3 digits", with(func(r *PixPaymentRequest) { r.Target.Institution.ISPB = "260" }), "target.institution.ispb"},
		{"target without name", with(func(r *PixPaymentRequest) { r.Target.Entity.Name = "" }), "target.entity.name"},
		{"bad source branch", with(func(r *PixPaymentRequest) { r.Source = &PixParty{Account: PixAccount{BranchCode: "1"}} }), "source.account.branch_code"},
	})
	runInvalid(t, fs, c, "confirm pix payment", []invalid{
		{"no id", func(c *Client) error { return c.ConfirmPixPayment(ctx(t), "", nil, "") }, "id is required"},
		{"negative amount", func(c *Client) error { return c.ConfirmPixPayment(ctx(t), "p", &PixConfirmation{Amount: -1}, "") }, "amount"},
	})
	runInvalid(t, fs, c, "read brcode", []invalid{
		{"no brcode", func(c *Client) error { _, err := c.ReadBRCode(ctx(t), BRCodeRequest{}); return err }, "brcode"},
		{"bad payment date", func(c *Client) error {
			_, err := c.ReadBRCode(ctx(t), BRCodeRequest{BRCode: "x", PaymentDate: "01/12/2026"})
			return err
		}, "payment_date"},
	})
	runInvalid(t, fs, c, "create pix invoice", []invalid{
		{"short transaction id", func(c *Client) error {
			_, err := c.CreatePixInvoice(ctx(t), PixInvoiceRequest{AccountID: "a", Key: "k", TransactionID: "abc"}, "")
			return err
		}, "transaction_id"},
		{"no key", func(c *Client) error {
			_, err := c.CreatePixInvoice(ctx(t), PixInvoiceRequest{AccountID: "a", TransactionID: strings.Repeat("a", 26)}, "")
			return err
		}, "key"},
		{"empty additional data name", func(c *Client) error {
			_, err := c.CreatePixInvoice(ctx(t), PixInvoiceRequest{AccountID: "a", Key: "k", TransactionID: strings.Repeat("a", 26),
				AdditionalData: []PixInvoiceField{{"", "v"}}}, "")
			return err
		}, "additional_data[0].name"},
	})
}

func TestPixDecoding(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	fs.api = reply(http.StatusOK, `{"type":"static","static":{"key":"14413050762","key_type":"phone","transaction_id":"4DE4","amount":111}}`)
	b, err := c.ReadBRCode(ctx(t), BRCodeRequest{BRCode: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Type != "static" || b.Static == nil || b.Dynamic != nil || b.Static.Amount != 111 || b.Static.KeyType != "phone" {
		t.Errorf("static = %+v", b)
	}
	fs.api = reply(http.StatusOK, `{"type":"dynamic","dynamic":{"created_at":"2020-11-13T23:59:49Z","requested_at":"2020-11-28T03:15:39Z",
		"expiration":86400,"key":"14413050762","customer":{"name":"Fulano CO","document":"50443756000183","document_type":"cnpj"},
		"additional_data":[{"key":"title","value":"description"}],"revision":0,"request_for_payer":"do something",
		"status":"CANCELLED_BY_BENEFICIARY","transaction_id":"4DE4","amount":111}}`)
	if b, err = c.ReadBRCode(ctx(t), BRCodeRequest{BRCode: "x"}); err != nil {
		t.Fatal(err)
	}
	if d := b.Dynamic; b.Static != nil || d == nil || d.Expiration != 86400 || d.Customer.DocumentType != "cnpj" ||
		len(d.AdditionalData) != 1 || d.AdditionalData[0].Key != "title" || d.Status != "CANCELLED_BY_BENEFICIARY" {
		t.Errorf("dynamic = %+v", b.Dynamic)
	}
	fs.api = reply(http.StatusNotImplemented, `{"type":"srn:error:brcode_not_supported"}`)
	_, err = c.ReadBRCode(ctx(t), BRCodeRequest{BRCode: "x"})
	apiError(t, err, 501, "srn:error:brcode_not_supported")

	fs.api = reply(http.StatusCreated, `{"account_id":"7e785e98","amount":1000,"approved_at":"2021-08-25T13:23:49Z",
		"approved_by":"application:bcccb1a8","confirmed_at":null,"confirmed_by":null,"created_at":"2021-08-25T13:23:24Z",
		"description":"Teste Pix","end_to_end_id":"E16501555202108251323909dcb109d4","failed_at":null,"failure_reason_code":null,
		"fee":0,"id":"b5c2354c","key":"+5521988040465","money_reserved_at":null,"refunded_amount":0,
		"request_id":"661c820e","settled_at":null,"scheduled_to":null,"status":"CREATED","transaction_id":null,
		"source":{"account":{"account_code":"88266374","account_type":"PG","branch_code":"0001"},
			"entity":{"document":"92961229022","document_type":"cpf","name":"Hermione Granger"},
			"institution":{"ispb":"16501555","name":"Stone Pagamentos S.A."}},
		"target":{"entity":{"document":"***093657**","document_type":"cpf","name":"Luna"},
			"institution":{"ispb":"90400888","name":"BANCO SANTANDER (BRASIL) S.A."}}}`)
	p, err := c.CreatePixPayment(ctx(t), PixPaymentRequest{AccountID: "acc-1", Key: "+5521988040465"}, "")
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case p.Status != "CREATED" || p.EndToEndID != "E16501555202108251323909dcb109d4" || p.RequestID != "661c820e" || p.TransactionID != "":
		t.Errorf("payment = %+v", p)
	case p.Target == nil || p.Target.Entity.Document != "***093657**" || p.Target.Account != (PixAccount{}):
		t.Errorf("key payment target must be masked and without account: %+v", p.Target)
	case p.Source == nil || p.Source.Institution.Name != "Stone Pagamentos S.A." || p.ConfirmedAt != nil || p.ApprovedAt == nil:
		t.Errorf("source/times = %+v", p)
	}

	fs.api = reply(http.StatusCreated, `{"id":"i1","amount":"100","expiration":null,"status":"ACTIVE",
		"qr_code_content":"00020101021226","qr_code_image":"data:image/png;base64,AAA","metadata":{},"additional_data":null}`)
	inv, err := c.CreatePixInvoice(ctx(t), PixInvoiceRequest{AccountID: "a", Key: "k", TransactionID: strings.Repeat("a", 26)}, "")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Amount != 100 || inv.Expiration != 0 || inv.QRCodeContent != "00020101021226" || inv.QRCodeImage == "" || string(inv.Metadata) != "{}" {
		t.Errorf("invoice = %+v", inv)
	}
	for _, code := range []string{"srn:error:invalid_key", "srn:error:key_not_found", "srn:error:invoice_paid"} {
		fs.api = reply(http.StatusUnprocessableEntity, `{"type":"`+code+`"}`)
		_, err := c.CreatePixPayment(ctx(t), PixPaymentRequest{AccountID: "acc-1", Key: "x"}, "")
		apiError(t, err, 422, code)
	}
}
