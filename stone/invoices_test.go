package stone

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func billRequest() BarcodePaymentInvoiceRequest {
	return BarcodePaymentInvoiceRequest{
		AccountID: "acc-1", Amount: 2100, ExpirationDate: "2026-12-01", LimitDate: "2027-01-01", InvoiceType: InvoiceBillOfExchange,
		Customer: &InvoiceCustomer{Document: "11121744590", DocumentType: "cpf", LegalName: "Pereira da Silva",
			Address: &InvoiceAddress{Street: "Rua do Passeio", StreetNumber: "38", Neighborhood: "Centro", City: "Rio de Janeiro",
				State: "RJ", PostalCode: "20021-290", Country: "Brasil"}},
		Discounts:      []InvoiceRate{{Date: "2026-11-20", Value: "0.1"}},
		Fine:           &InvoiceRate{Date: "2026-12-02", Value: "2.0"},
		Interest:       &InvoiceRate{Date: "2026-12-02", Value: "1.0"},
		Receiver:       &InvoiceReceiver{LegalName: "Avalista SA", Document: "50443756000183"},
		PaymentInvoice: &InvoiceDescription{Description: "Descrição do pagamento."},
		Metadata:       map[string]any{"order": "42"},
	}
}

func TestInvoiceRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	pdf := []byte("%PDF-1.4\n\x00\x01binary")
	runWire(t, fs, c, []wire{
		{
			name: "bill of exchange with everything; payer sent as customer", method: "POST", path: "/api/v1/barcode_payment_invoices",
			key: "boleto-1", reply: reply(http.StatusCreated, `{"id":"b1","status":"CREATED"}`),
			body: `{"account_id":"acc-1","amount":2100,"expiration_date":"2026-12-01","limit_date":"2027-01-01","invoice_type":"bill_of_exchange",
				"customer":{"document":"11121744590","document_type":"cpf","legal_name":"Pereira da Silva",
					"address":{"street":"Rua do Passeio","street_number":"38","neighborhood":"Centro","city":"Rio de Janeiro","state":"RJ","postal_code":"20021-290","country":"Brasil"}},
				"discounts":[{"date":"2026-11-20","value":"0.1"}],"fine":{"date":"2026-12-02","value":"2.0"},
				"interest":{"date":"2026-12-02","value":"1.0"},"receiver":{"legal_name":"Avalista SA","document":"50443756000183"},
				"payment_invoice":{"description":"Descrição do pagamento."},"metadata":{"order":"42"}}`,
			call: func(c *Client) error {
				_, err := c.CreateBarcodePaymentInvoice(ctx(t), billRequest(), "boleto-1")
				return err
			},
		},
		{
			name: "deposit needs no customer, answered 200", method: "POST", path: "/api/v1/barcode_payment_invoices", key: generated,
			body: `{"account_id":"acc-1","amount":2000,"expiration_date":"2026-12-01","invoice_type":"deposit"}`,
			call: func(c *Client) error {
				_, err := c.CreateBarcodePaymentInvoice(ctx(t), BarcodePaymentInvoiceRequest{AccountID: "acc-1", Amount: 2000,
					ExpirationDate: "2026-12-01", InvoiceType: InvoiceDeposit}, "")
				return err
			},
		},
		{
			name: "get", method: "GET", path: "/api/v1/barcode_payment_invoices/b1",
			call: func(c *Client) error { _, err := c.BarcodePaymentInvoice(ctx(t), "b1"); return err },
		},
		{
			name: "list with filters", method: "GET", path: "/api/v1/barcode_payment_invoices",
			query: url.Values{"account_id": {"acc-1"}, "invoice_type": {"proposal"}, "status": {"PENDING"}, "amount_gt": {"1999"},
				"start_expiration_date": {"2026-01-01"}, "end_expiration_date": {"2026-12-31"}, "barcode": {"123"}, "limit": {"5"}},
			call: func(c *Client) error {
				_, err := c.ListBarcodePaymentInvoices(ctx(t), BarcodePaymentInvoiceListParams{AccountID: "acc-1", InvoiceType: InvoiceProposal,
					Status: "PENDING", AmountGreaterThan: 1999, StartExpirationDate: "2026-01-01", EndExpirationDate: "2026-12-31",
					Barcode: "123", PageParams: PageParams{Limit: 5}})
				return err
			},
		},
		{
			name: "cancel is a POST answered 200 {}", method: "POST", path: "/api/v1/barcode_payment_invoices/b1/cancel",
			call: func(c *Client) error { return c.CancelBarcodePaymentInvoice(ctx(t), "b1") },
		},
		{
			name: "limits", method: "GET", path: "/api/v1/barcode_payment_invoices/limits/acc-1",
			call: func(c *Client) error { _, err := c.InvoiceLimits(ctx(t), "acc-1"); return err },
		},
		{
			name: "pdf", method: "GET", path: "/api/v1/exports/barcode_payment_invoices/b1", accept: "application/pdf",
			reply: func(w http.ResponseWriter, _ *http.Request, _ []byte) {
				w.Header().Set("Content-Type", "application/pdf")
				_, _ = w.Write(pdf)
			},
			call: func(c *Client) error {
				got, err := c.InvoicePDF(ctx(t), "b1")
				if err == nil && !bytes.Equal(got, pdf) {
					t.Errorf("pdf = %q, want %q", got, pdf)
				}
				return err
			},
		},
	})

	with := func(mut func(*BarcodePaymentInvoiceRequest)) func(*Client) error {
		return func(c *Client) error {
			r := billRequest()
			cu := *r.Customer
			r.Customer = &cu
			mut(&r)
			_, err := c.CreateBarcodePaymentInvoice(ctx(t), r, "")
			return err
		}
	}
	runInvalid(t, fs, c, "create barcode payment invoice", []invalid{
		{"zero amount", with(func(r *BarcodePaymentInvoiceRequest) { r.Amount = 0 }), "amount"},
		{"no account", with(func(r *BarcodePaymentInvoiceRequest) { r.AccountID = "" }), "account_id"},
		{"no expiration", with(func(r *BarcodePaymentInvoiceRequest) { r.ExpirationDate = "" }), "expiration_date"},
		{"unknown type", with(func(r *BarcodePaymentInvoiceRequest) { r.InvoiceType = "boleto" }), "invoice_type"},
		{"limit before expiration", with(func(r *BarcodePaymentInvoiceRequest) { r.LimitDate = "2026-11-01" }), "limit_date"},
		{"proposal limit differs", with(func(r *BarcodePaymentInvoiceRequest) {
			r.InvoiceType, r.Fine, r.Interest = InvoiceProposal, nil, nil
		}), "limit_date"},
		{"proposal without customer", with(func(r *BarcodePaymentInvoiceRequest) {
			r.InvoiceType, r.LimitDate, r.Customer = InvoiceProposal, "", nil
		}), "customer"},
		{"customer without name", with(func(r *BarcodePaymentInvoiceRequest) { r.Customer.LegalName = "" }), "customer.legal_name"},
		{"customer cnpj typed cpf", with(func(r *BarcodePaymentInvoiceRequest) { r.Customer.Document = "50443756000183" }), "customer.document"},
		{"customer address without city", with(func(r *BarcodePaymentInvoiceRequest) {
			a := *r.Customer.Address
			a.City = ""
			r.Customer.Address = &a
		}), "customer.address.city"},
		{"fine over 2", with(func(r *BarcodePaymentInvoiceRequest) { r.Fine = &InvoiceRate{Date: "2026-12-02", Value: "2.5"} }), "fine.value"},
		{"interest as a number with comma", with(func(r *BarcodePaymentInvoiceRequest) { r.Interest = &InvoiceRate{Date: "2026-12-02", Value: "1,0"} }), "interest.value"},
		{"discount of zero", with(func(r *BarcodePaymentInvoiceRequest) { r.Discounts = []InvoiceRate{{Date: "2026-11-20", Value: "0"}} }), "discounts[0].value"},
		{"discount without date", with(func(r *BarcodePaymentInvoiceRequest) { r.Discounts = []InvoiceRate{{Value: "5"}} }), "discounts[0].date"},
		{"fine on a deposit", with(func(r *BarcodePaymentInvoiceRequest) {
			r.InvoiceType, r.LimitDate, r.Discounts, r.Interest = InvoiceDeposit, "", nil, nil
		}), "deposit"},
		{"receiver without document", with(func(r *BarcodePaymentInvoiceRequest) { r.Receiver = &InvoiceReceiver{LegalName: "x"} }), "receiver.document"},
		{"beneficiary address without street", with(func(r *BarcodePaymentInvoiceRequest) { r.Address = &InvoiceAddress{City: "x"} }), "address.street"},
	})
	runInvalid(t, fs, c, "list barcode payment invoices", []invalid{
		{"bad status", func(c *Client) error {
			_, err := c.ListBarcodePaymentInvoices(ctx(t), BarcodePaymentInvoiceListParams{Status: "PAID"})
			return err
		}, "status"},
		{"bad date", func(c *Client) error {
			_, err := c.ListBarcodePaymentInvoices(ctx(t), BarcodePaymentInvoiceListParams{EndSettledDate: "2026"})
			return err
		}, "end_settled_date"},
		{"negative amount_lt", func(c *Client) error {
			_, err := c.ListBarcodePaymentInvoices(ctx(t), BarcodePaymentInvoiceListParams{AmountLessThan: -1})
			return err
		}, "amount_lt"},
	})
}

func TestInvoiceDecoding(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	// Stone's 201 example: the payer under "payer", nulls in several places.
	fs.api = reply(http.StatusCreated, `{"account_id":"ec363b21","amount":2100,"barcode":"19797845600000021000000063139072468215929006",
		"beneficiary":{"account_code":"1085737","branch_code":"1","document":"39809096038","document_type":"cpf","legal_name":"Pereira da Silva","trade_name":null},
		"created_at":"2020-07-27T18:25:38Z","created_by":"user:34a071d5","discounts":[{"date":"2020-11-20","value":"0.1"}],
		"expiration_date":"2020-12-01","fee":0,"fee_metadata":{"billing_exemption_participant":true,"fee":0,"max_free":5,"original_fee":200,"remaining_free":5},
		"fine":{"date":"2021-01-02","value":"1"},"id":"172caf21","interest":{"date":"2021-01-02","value":"1"},"invoice_type":"bill_of_exchange",
		"issuance_date":"2020-07-27","limit_date":"2021-02-01","our_number":"63139072468215929006",
		"payer":{"document":"11121740790","document_type":"cpf","legal_name":"Pereira da Silva","trade_name":null},
		"receiver":null,"registered_at":null,"settled_at":null,"status":"CREATED",
		"writable_line":"19790000056313907246482159290061784560000002100","payment_invoice":{"description":"Descrição do pagamento."},"metadata":{}}`)
	inv, err := c.CreateBarcodePaymentInvoice(ctx(t), billRequest(), "")
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case inv.ID != "172caf21" || inv.Status != "CREATED" || inv.OurNumber == "" || inv.WritableLine == "" || inv.Barcode == "":
		t.Errorf("identity = %+v", inv)
	case inv.Payer == nil || inv.Payer.Document != "11121740790" || inv.Customer != nil || inv.Receiver != nil:
		t.Errorf("parties: payer %+v customer %+v receiver %+v", inv.Payer, inv.Customer, inv.Receiver)
	case inv.Beneficiary == nil || inv.Beneficiary.AccountCode != "1085737" || inv.Beneficiary.LegalName != "Pereira da Silva":
		t.Errorf("beneficiary = %+v", inv.Beneficiary)
	case inv.FeeMetadata == nil || inv.FeeMetadata.OriginalFee != 200 || inv.FeeMetadata.RemainingFree != 5:
		t.Errorf("fee metadata = %+v", inv.FeeMetadata)
	case !inv.CreatedAt.Equal(time.Date(2020, 7, 27, 18, 25, 38, 0, time.UTC)) || inv.RegisteredAt != nil || inv.SettledAt != nil:
		t.Errorf("times: created %v registered %v settled %v", inv.CreatedAt, inv.RegisteredAt, inv.SettledAt)
	case inv.PaymentInvoice == nil || inv.PaymentInvoice.Description != "Descrição do pagamento." || len(inv.Discounts) != 1:
		t.Errorf("description/discounts = %+v", inv)
	}
	fs.api = reply(http.StatusOK, `{"account_id":"acc-1","maximum_amount":2000000,"minimum_amount":2000}`)
	l, err := c.InvoiceLimits(ctx(t), "acc-1")
	if err != nil || *l != (InvoiceLimits{AccountID: "acc-1", MaximumAmount: 2000000, MinimumAmount: 2000}) {
		t.Errorf("limits = %+v, %v", l, err)
	}
	fs.api = reply(http.StatusOK, "")
	if _, err := c.InvoicePDF(ctx(t), "b1"); err == nil {
		t.Error("empty PDF accepted")
	}
	fs.api = reply(http.StatusUnprocessableEntity, `{"reason":"barcode_payment_invoice_bill_of_exchange is not ena bled on this account","type":"srn:error:product_not_enabled"}`)
	_, err = c.CreateBarcodePaymentInvoice(ctx(t), billRequest(), "")
	e := apiError(t, err, 422, ErrTypeProductNotEnabled)
	if e.Details() != nil || string(e.Reason) != `"barcode_payment_invoice_bill_of_exchange is not ena bled on this account"` {
		t.Errorf("string reason: details %v reason %s", e.Details(), e.Reason)
	}
}
