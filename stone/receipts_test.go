package stone

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

func TestReceiptRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	pdf := []byte("%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n")
	asPDF := func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(pdf)
	}
	from, to := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 2, 59, 59, 0, time.UTC)
	runWire(t, fs, c, []wire{
		{
			name: "transfer receipt, the page's body", method: "POST", path: "/api/v1/receipts", key: "rcpt-1", accept: "application/pdf", reply: asPDF,
			body: `{"resource_type":"internal_transfer","resource_id":"c97de6a6-a35a-423d-a3df-add006a0038e"}`,
			call: func(c *Client) error {
				d, err := c.Receipt(ctx(t), ReceiptRequest{ResourceType: ReceiptInternalTransfer, ResourceID: "c97de6a6-a35a-423d-a3df-add006a0038e"}, "rcpt-1")
				if err == nil && (d.ContentType != "application/pdf" || !bytes.Equal(d.Body, pdf)) {
					t.Errorf("document = %q %q", d.ContentType, d.Body)
				}
				return err
			},
		},
		{
			name: "statement receipt with its period", method: "POST", path: "/api/v1/receipts", key: generated, accept: "application/pdf", reply: asPDF,
			body: `{"resource_type":"statement","resource_id":"acc-1","start_datetime":"2026-11-01T03:00:00Z","end_datetime":"2026-12-01T02:59:59Z"}`,
			call: func(c *Client) error {
				_, err := c.Receipt(ctx(t), ReceiptRequest{ResourceType: ReceiptStatement, ResourceID: "acc-1", Start: &from, End: &to}, "")
				return err
			},
		},
		{
			name: "pix receipt goes to exports", method: "POST", path: "/api/v1/exports/receipts", key: "rcpt-2", accept: "application/pdf", reply: asPDF,
			body: `{"resource_type":"outbound_pix_payment","resource_id":"b5c2354c"}`,
			call: func(c *Client) error {
				_, err := c.PixReceipt(ctx(t), ReceiptRequest{ResourceType: ReceiptOutboundPixPayment, ResourceID: "b5c2354c"}, "rcpt-2")
				return err
			},
		},
	})
	runInvalid(t, fs, c, "get receipt", []invalid{
		{"pix type on receipts", func(c *Client) error {
			_, err := c.Receipt(ctx(t), ReceiptRequest{ResourceType: ReceiptPixPayment, ResourceID: "x"}, "")
			return err
		}, "resource_type"},
		{"no id", func(c *Client) error {
			_, err := c.Receipt(ctx(t), ReceiptRequest{ResourceType: ReceiptPayment}, "")
			return err
		}, "resource_id"},
		{"period on a transfer", func(c *Client) error {
			_, err := c.Receipt(ctx(t), ReceiptRequest{ResourceType: ReceiptPayment, ResourceID: "x", Start: &from}, "")
			return err
		}, "start_datetime"},
		{"period upside down", func(c *Client) error {
			_, err := c.Receipt(ctx(t), ReceiptRequest{ResourceType: ReceiptStatement, ResourceID: "x", Start: &to, End: &from}, "")
			return err
		}, "end_datetime"},
	})
	runInvalid(t, fs, c, "get pix receipt", []invalid{
		{"transfer type on exports", func(c *Client) error {
			_, err := c.PixReceipt(ctx(t), ReceiptRequest{ResourceType: ReceiptInternalTransfer, ResourceID: "x"}, "")
			return err
		}, "resource_type"},
	})

	fs.api = reply(http.StatusUnprocessableEntity, `{"type":"srn:error:invalid_resource_status","reason":"not in a success state"}`)
	_, err := c.Receipt(ctx(t), ReceiptRequest{ResourceType: ReceiptPayment, ResourceID: "p1"}, "")
	apiError(t, err, http.StatusUnprocessableEntity, "srn:error:invalid_resource_status")
}
