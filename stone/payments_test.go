package stone

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const testBarcode = "89670000000010003137498189637166095077491613"

func TestPaymentRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	full := PaymentRequest{AccountID: "acc-1", Barcode: testBarcode, ScheduledTo: "2026-12-01", Amount: 1500,
		EffectivePayer: &EffectivePayer{LegalName: "Caio Moraes", Document: "28985135040", DocumentType: "cpf"}}
	runWire(t, fs, c, []wire{
		{
			name: "dry run with only the required fields", method: "POST", path: "/api/v1/dry_run/payments", key: generated,
			body: `{"account_id":"acc-1","barcode":"` + testBarcode + `"}`,
			call: func(c *Client) error {
				_, err := c.DryRunPayment(ctx(t), PaymentRequest{AccountID: "acc-1", Barcode: testBarcode}, "")
				return err
			},
		},
		{
			name: "create with every field", method: "POST", path: "/api/v1/payments", key: "pay-1",
			body: `{"account_id":"acc-1","barcode":"` + testBarcode + `","scheduled_to":"2026-12-01","amount":1500,
				"effective_payer":{"legal_name":"Caio Moraes","document":"28985135040","document_type":"cpf"}}`,
			call: func(c *Client) error { _, err := c.CreatePayment(ctx(t), full, "pay-1"); return err },
		},
		{
			name: "create generates the required key", method: "POST", path: "/api/v1/payments", key: generated,
			body: `{"account_id":"acc-1","barcode":"` + testBarcode + `"}`,
			call: func(c *Client) error {
				_, err := c.CreatePayment(ctx(t), PaymentRequest{AccountID: "acc-1", Barcode: testBarcode}, "  ")
				return err
			},
		},
		{
			name: "get", method: "GET", path: "/api/v1/payments/p-1",
			call: func(c *Client) error { _, err := c.Payment(ctx(t), "p-1"); return err },
		},
		{
			name: "list", method: "GET", path: "/api/v1/payments", query: url.Values{"account_id": {"acc-1"}, "before": {"b"}},
			call: func(c *Client) error {
				_, err := c.ListPayments(ctx(t), PaymentListParams{AccountID: "acc-1", PageParams: PageParams{Before: "b"}})
				return err
			},
		},
		{
			name: "cancel", method: "POST", path: "/api/v1/payments/p-1/cancel", reply: reply(http.StatusNoContent, ""),
			call: func(c *Client) error { return c.CancelPayment(ctx(t), "p-1") },
		},
		{
			name: "approve", method: "POST", path: "/api/v1/payments/p-1/approve", reply: reply(http.StatusNoContent, ""),
			call: func(c *Client) error { return c.ApprovePayment(ctx(t), "p-1") },
		},
		{
			name: "reject", method: "POST", path: "/api/v1/payments/p-1/reject", reply: reply(http.StatusNoContent, ""),
			call: func(c *Client) error { return c.RejectPayment(ctx(t), "p-1") },
		},
	})

	with := func(mut func(*PaymentRequest)) func(*Client) error {
		return func(c *Client) error {
			r := full
			p := *full.EffectivePayer
			r.EffectivePayer = &p
			mut(&r)
			_, err := c.CreatePayment(ctx(t), r, "")
			return err
		}
	}
	runInvalid(t, fs, c, "create payment", []invalid{
		{"no account", with(func(r *PaymentRequest) { r.AccountID = "" }), "account_id"},
		{"no barcode", with(func(r *PaymentRequest) { r.Barcode = "" }), "barcode"},
		{"short barcode", with(func(r *PaymentRequest) { r.Barcode = "8967" }), "barcode"},
		{"barcode with spaces", with(func(r *PaymentRequest) { r.Barcode = "89670000000 10003137498189637166095077491613" }), "barcode"},
		{"negative amount", with(func(r *PaymentRequest) { r.Amount = -1 }), "amount"},
		{"bad schedule", with(func(r *PaymentRequest) { r.ScheduledTo = "tomorrow" }), "scheduled_to"},
		{"payer without name", with(func(r *PaymentRequest) { r.EffectivePayer.LegalName = "" }), "effective_payer.legal_name"},
		{"payer name over 80", with(func(r *PaymentRequest) { r.EffectivePayer.LegalName = strings.Repeat("n", 81) }), "effective_payer.legal_name"},
		{"payer without type", with(func(r *PaymentRequest) { r.EffectivePayer.DocumentType = "" }), "effective_payer.document_type"},
		{"payer cnpj too short", with(func(r *PaymentRequest) { r.EffectivePayer.DocumentType = "cnpj" }), "effective_payer.document"},
	})
	runInvalid(t, fs, c, "list payments", []invalid{
		{"negative limit", func(c *Client) error {
			_, err := c.ListPayments(ctx(t), PaymentListParams{PageParams: PageParams{Limit: -1}})
			return err
		}, "limit"},
	})
}

func TestPaymentDecoding(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	// The reference page's dry-run answer, nulls and all.
	fs.api = reply(http.StatusOK, `{
		"account_id": "87ec3cb5", "amount": 5000000, "approval_expired_at": null, "approved_at": "2022-06-15T14:50:28Z",
		"approved_by": "user:9d213bde", "barcode": "19792912500050000000000075096336954691269269",
		"barcode_details": {"bank_code": "197", "bank_name": "STONE IP S.A.", "barcode": "19792912500050000000000075096336954691269269",
			"expiration_date": "2022-10-01", "face_value": 5000000, "writable_line": "19790000057509633695546912692699291250005000000"},
		"cancelled_at": null, "cancelled_by": null, "created_at": "2022-06-15T14:50:28Z", "created_by": "user:9d213bde",
		"details": {"value": 4900, "min_value": null, "max_value": 5100, "unpayable_reason_description": null,
			"barcode": "19792912500050000000000075096336954691269269", "expiration_date": null, "total_added_value": null,
			"bank_ispb": "16501555", "discounts": null, "bank_code": "197", "fine_date": null, "unpayable_reason_code": 7,
			"document_payment_type": 2, "bank_name": "STONE IP S.A.", "document_type": "boleto", "updatable_value": false,
			"status": "unpayable", "writable_line": "19790000057509633695546912692699291250005000000"},
		"effective_payer": {"document": "289.851.350-40", "document_type": "cpf", "legal_name": "Caio Giovanni Ricardo Moraes"},
		"failed_at": null, "failure_reason_code": null, "failure_reason_description": null, "fee": 0, "finished_at": null,
		"id": null, "idempotency_key": null, "payment_being_processed?": true, "refund_reason_code": null,
		"refund_reason_description": null, "refunded_at": null, "rejected_at": null, "rejected_by": null,
		"request_id": "74bc3080", "scheduled_to": null, "status": "APPROVED",
		"writable_line": "19790000057509633695546912692699291250005000000"}`)
	dr, err := c.DryRunPayment(ctx(t), PaymentRequest{AccountID: "acc-1", Barcode: testBarcode}, "")
	if err != nil {
		t.Fatal(err)
	}
	d := dr.Details
	switch {
	case !dr.PaymentBeingProcessed || dr.Amount != 5000000 || dr.ID != "" || dr.RequestID != "74bc3080":
		t.Errorf("payment: %+v", dr.Payment)
	case dr.BarcodeDetails == nil || dr.BarcodeDetails.FaceValue != 5000000 || dr.BarcodeDetails.BankCode != "197":
		t.Errorf("barcode_details: %+v", dr.BarcodeDetails)
	case d == nil || d.Status != DocumentUnpayable || d.DocumentType != "boleto" || d.BankISPB != "16501555":
		t.Errorf("details: %+v", d)
	case d.MinValue != nil || d.MaxValue == nil || *d.MaxValue != 5100 || d.Value == nil || *d.Value != 4900:
		t.Errorf("details values: min %v max %v value %v", d.MinValue, d.MaxValue, d.Value)
	case d.UpdatableValue == nil || *d.UpdatableValue || d.DocumentPaymentType == nil || *d.DocumentPaymentType != 2 || d.UnpayableReasonCode != "7":
		t.Errorf("details flags: %+v", d)
	case dr.EffectivePayer == nil || dr.EffectivePayer.LegalName != "Caio Giovanni Ricardo Moraes":
		t.Errorf("effective_payer: %+v", dr.EffectivePayer)
	}

	fs.api = reply(http.StatusOK, `{"cursor":{"after":null,"before":null,"limit":25,"total_count":1,"total_count_cap_exceeded":null},
		"data":[{"id":"1879158c","status":"REFUNDED","details":null,"failure_reason_code":"3"}]}`)
	page, err := c.ListPayments(ctx(t), PaymentListParams{AccountID: "acc-1"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Cursor.TotalCount == nil || *page.Cursor.TotalCount != 1 || page.Cursor.TotalCountCapExceeded != nil ||
		page.Cursor.Limit != 25 || len(page.Data) != 1 || page.Data[0].Details != nil || page.Data[0].FailureReasonCode != "3" {
		t.Errorf("page = %+v", page)
	}
}
