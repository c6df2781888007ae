package stone

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

func TestAccountExtrasRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	runWire(t, fs, c, []wire{
		{
			name: "fees", method: "GET", path: "/api/v1/accounts/acc-1/fees",
			call: func(c *Client) error { _, err := c.Fees(ctx(t), "acc-1"); return err },
		},
		{
			name: "fee", method: "GET", path: "/api/v1/accounts/acc-1/fees/external_transfer",
			call: func(c *Client) error { _, err := c.Fee(ctx(t), "acc-1", "external_transfer"); return err },
		},
		{
			name: "institutions default context", method: "GET", path: "/api/v1/institutions", reply: reply(http.StatusOK, "[]"),
			call: func(c *Client) error { _, err := c.Institutions(ctx(t), ""); return err },
		},
		{
			name: "institutions spi", method: "GET", path: "/api/v1/institutions", query: url.Values{"context": {"spi"}}, reply: reply(http.StatusOK, "[]"),
			call: func(c *Client) error { _, err := c.Institutions(ctx(t), InstitutionsSPI); return err },
		},
		{
			name: "institution by ISPB", method: "GET", path: "/api/v1/institutions/16501555",
			call: func(c *Client) error { _, err := c.Institution(ctx(t), "16501555"); return err },
		},
		{
			name: "statement entry", method: "GET", path: "/api/v1/statement/entries/e-1",
			call: func(c *Client) error { _, err := c.StatementEntry(ctx(t), "e-1"); return err },
		},
		{
			name: "schedulings", method: "GET", path: "/api/v1/accounts/acc-1/schedulings", query: url.Values{"limit": {"25"}},
			call: func(c *Client) error { _, err := c.Schedulings(ctx(t), "acc-1", PageParams{Limit: 25}); return err },
		},
	})
	runInvalid(t, fs, c, "list institutions", []invalid{
		{"unknown context", func(c *Client) error { _, err := c.Institutions(ctx(t), "pix"); return err }, "context"},
	})
	runInvalid(t, fs, c, "get institution", []invalid{
		{"no code", func(c *Client) error { _, err := c.Institution(ctx(t), ""); return err }, "code"},
		{"five digits", func(c *Client) error { _, err := c.Institution(ctx(t), "16501"); return err }, "code"},
	})
	runInvalid(t, fs, c, "get fee", []invalid{
		{"no fee type", func(c *Client) error { _, err := c.Fee(ctx(t), "acc-1", ""); return err }, "fee_type"},
	})
	runInvalid(t, fs, c, "get schedulings", []invalid{
		{"no account", func(c *Client) error { _, err := c.Schedulings(ctx(t), "", PageParams{}); return err }, "account id"},
	})
}

func TestAccountExtrasDecoding(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	fs.api = reply(http.StatusOK, `{"cursor":{"after":null,"before":null,"limit":25},"data":[
		{"amount":0,"fee_type":"barcode_payment"},
		{"amount":0,"fee_type":"external_transfer","original_fee":200,"billing_exemption_participant":true,"max_free_transfers":20,"remaining_free_transfers":3},
		{"amount":200,"fee_type":"barcode_payment_invoice","original_fee":200,"billing_exemption_participant":true,"max_free":20,"remaining_free":3}]}`)
	fees, err := c.Fees(ctx(t), "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(fees.Data) != 3 || fees.Data[0].OriginalFee != nil || fees.Data[1].RemainingFreeTransfers == nil ||
		*fees.Data[1].RemainingFreeTransfers != 3 || fees.Data[2].MaxFree == nil || *fees.Data[2].MaxFree != 20 || fees.Data[2].Amount != 200 {
		t.Errorf("fees = %+v", fees)
	}

	inst := `{"ispb_code":"16501555","name":"Stone Pagamentos S.A.","number_code":"197","short_name":"STONE PAGAMENTOS S.A.","spi_participant":true}`
	for name, body := range map[string]string{"documented array": "[" + inst + "]", "page": `{"cursor":{},"data":[` + inst + `]}`} {
		fs.api = reply(http.StatusOK, body)
		list, err := c.Institutions(ctx(t), InstitutionsAll)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(list) != 1 || list[0].ISPBCode != "16501555" || list[0].NumberCode != "197" || list[0].SPIParticipant == nil || !*list[0].SPIParticipant {
			t.Errorf("%s: institutions = %+v", name, list)
		}
	}

	fs.api = reply(http.StatusOK, `{"cursor":{"after":null,"before":null,"limit":25},"data":[{"amount":-1,
		"counter_party":{"account":{"account_code":"5053418","branch_code":"1","institution":"16501555","institution_name":"Stone Pagamentos S.A."},
		"entity":{"name":"Gabriela Abreu de Andrade"}},"created_at":"2021-05-25T20:26:29Z","description":"","fee_amount":0,
		"operation":"debit","operation_amount":1,"operation_id":"b6b82602","scheduled_to":"2021-05-27","status":"SCHEDULED","type":"internal"}]}`)
	s, err := c.Schedulings(ctx(t), "acc-1", PageParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Data) != 1 || s.Data[0].ScheduledTo == nil || *s.Data[0].ScheduledTo != "2021-05-27" || s.Data[0].Amount != -1 ||
		s.Data[0].CounterParty == nil || s.Data[0].CounterParty.Entity.Name != "Gabriela Abreu de Andrade" {
		t.Errorf("schedulings = %+v", s)
	}

	fs.api = reply(http.StatusBadRequest, `{"path":"limit","type":"srn:error:invalid_cursor"}`)
	_, err = c.Schedulings(ctx(t), "acc-1", PageParams{After: "bad"})
	e := apiError(t, err, 400, "srn:error:invalid_cursor")
	if got := fmt.Sprint(e.Paths()); got != "[]" {
		t.Errorf("paths of a bare path string = %s, want none (not a reason array)", got)
	}
}

func TestApprovals(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	ops := []OperationRef{{ID: "p-1", Type: OperationPixPayment}, {ID: "t-1", Type: OperationExternalTransfer}}
	runWire(t, fs, c, []wire{
		{
			name: "list pending", method: "GET", path: "/api/v1/accounts/acc-1/operations", query: url.Values{"status": {"PENDING_APPROVAL"}},
			call: func(c *Client) error { _, err := c.Operations(ctx(t), "acc-1", OperationsPendingApproval); return err },
		},
		{
			name: "get with type", method: "GET", path: "/api/v1/accounts/acc-1/operations/p-1", query: url.Values{"type": {"pix_payment"}},
			call: func(c *Client) error { _, err := c.Operation(ctx(t), "acc-1", "p-1", OperationPixPayment); return err },
		},
		{
			name: "approve only", method: "POST", path: "/api/v1/accounts/acc-1/operations/actions/approve",
			reply: reply(http.StatusAccepted, `{"number_of_approvals":2}`),
			body:  `{"action":"approve_only","operations":[{"id":"p-1","type":"pix_payment"},{"id":"t-1","type":"external_transfer"}]}`,
			call: func(c *Client) error {
				n, err := c.ApproveOperations(ctx(t), "acc-1", ApproveOnly, ops)
				if err == nil && n != 2 {
					t.Errorf("number_of_approvals = %d, want 2", n)
				}
				return err
			},
		},
		{
			name: "cancel all except none sends []", method: "POST", path: "/api/v1/accounts/acc-1/operations/actions/cancel",
			reply: reply(http.StatusAccepted, `{"number_of_cancellations":7}`),
			body:  `{"action":"cancel_all_except","operations":[]}`,
			call: func(c *Client) error {
				n, err := c.CancelOperations(ctx(t), "acc-1", CancelAllExcept, nil)
				if err == nil && n != 7 {
					t.Errorf("number_of_cancellations = %d, want 7", n)
				}
				return err
			},
		},
	})
	many := make([]OperationRef, maxBatchOperations+1)
	for i := range many {
		many[i] = OperationRef{ID: fmt.Sprint("op-", i), Type: OperationBarcodePayment}
	}
	runInvalid(t, fs, c, "approve operations", []invalid{
		{"1001 operations", func(c *Client) error { _, err := c.ApproveOperations(ctx(t), "acc-1", ApproveOnly, many); return err }, "at most 1000"},
		{"cancel action on approve", func(c *Client) error { _, err := c.ApproveOperations(ctx(t), "acc-1", CancelOnly, ops); return err }, "action"},
		{"approve only nothing", func(c *Client) error { _, err := c.ApproveOperations(ctx(t), "acc-1", ApproveOnly, nil); return err }, "operations"},
		{"unknown type", func(c *Client) error {
			_, err := c.ApproveOperations(ctx(t), "acc-1", ApproveOnly, []OperationRef{{ID: "x", Type: "payment"}})
			return err
		}, "operations[0].type"},
		{"missing id", func(c *Client) error {
			_, err := c.ApproveOperations(ctx(t), "acc-1", ApproveOnly, []OperationRef{ops[0], {Type: OperationPixPayment}})
			return err
		}, "operations[1].id"},
		{"repeated", func(c *Client) error {
			_, err := c.ApproveOperations(ctx(t), "acc-1", ApproveOnly, []OperationRef{ops[0], ops[0]})
			return err
		}, "operations[1]"},
	})
	runInvalid(t, fs, c, "list operations", []invalid{
		{"unknown status", func(c *Client) error { _, err := c.Operations(ctx(t), "acc-1", "CREATED"); return err }, "status"},
	})
	runInvalid(t, fs, c, "get operation", []invalid{
		{"no type", func(c *Client) error { _, err := c.Operation(ctx(t), "acc-1", "p-1", ""); return err }, "type"},
	})
	if _, err := c.ApproveOperations(ctx(t), "acc-1", ApproveAllExcept, many[:maxBatchOperations]); err != nil {
		t.Errorf("1000 operations rejected: %v", err)
	}

	fs.api = reply(http.StatusOK, `{"cursor":{"after":null,"before":null,"limit":25},"data":[
		{"id":"p-1","type":"pix_payment","status":"PENDING_APPROVAL","amount":"1500","extra":{"a":[1]}},
		{"id":7,"type":null,"amount":{"weird":true}}]}`)
	page, err := c.Operations(ctx(t), "acc-1", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 2 || page.Data[0].Amount != 1500 || page.Data[0].Type != OperationPixPayment ||
		string(page.Data[0].Raw) != `{"id":"p-1","type":"pix_payment","status":"PENDING_APPROVAL","amount":"1500","extra":{"a":[1]}}` ||
		page.Data[1].ID != "7" || page.Data[1].Type != "" || page.Data[1].Amount != 0 {
		t.Errorf("operations = %+v", page.Data)
	}
}
