package stone

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Receipts (comprovantes, stone-api-families.md §2). Stone issues them
// only for operations in a success state: transfers and payments approved
// or scheduled, PIX finished or scheduled.

// Resource types of POST /receipts.
const (
	ReceiptExternalTransfer = "external_transfer"
	ReceiptInternalTransfer = "internal_transfer"
	ReceiptPayment          = "payment"
	ReceiptStatement        = "statement"
)

// Resource types of POST /exports/receipts (PIX).
const (
	ReceiptPixPayment                  = "pix_payment"
	ReceiptOutboundPixPayment          = "outbound_pix_payment"
	ReceiptRefundForPixPayment         = "refund_for_pix_payment"
	ReceiptRefundForOutboundPixPayment = "refund_for_outbound_pix_payment"
	ReceiptRefundReversalForPixPayment = "refund_reversal_for_pix_payment"
)

// ReceiptRequest asks for one receipt. Start and End bound a statement
// receipt (ISO-8601 UTC) and are sent for no other type.
type ReceiptRequest struct {
	ResourceType string
	ResourceID   string
	Start, End   *time.Time
}

// Document is a file Stone answered with: a receipt or a boleto. The most
// recent receipt page answers application/pdf with the PDF as the body
// (§2, [X] with the older JSON); ContentType says what came.
type Document struct {
	ContentType string
	Body        []byte
}

// Receipt asks for the receipt of a transfer, a barcode payment or a
// statement: POST /receipts, with an idempotency key (generated when key
// is ""). Stone's Postman collection sends the TED one to a production
// /admin/v1 host and the payment one form-encoded (§2 [X]); the reference
// page's JSON to /api/v1/receipts is what is sent.
func (c *Client) Receipt(ctx context.Context, req ReceiptRequest, key string) (*Document, error) {
	return c.receipt(ctx, "get receipt", "/receipts", req, key,
		[]string{ReceiptExternalTransfer, ReceiptInternalTransfer, ReceiptPayment, ReceiptStatement})
}

// PixReceipt asks for the receipt of a PIX: POST /exports/receipts.
func (c *Client) PixReceipt(ctx context.Context, req ReceiptRequest, key string) (*Document, error) {
	return c.receipt(ctx, "get pix receipt", "/exports/receipts", req, key,
		[]string{ReceiptPixPayment, ReceiptOutboundPixPayment, ReceiptRefundForPixPayment, ReceiptRefundForOutboundPixPayment, ReceiptRefundReversalForPixPayment})
}

func (c *Client) receipt(ctx context.Context, op, path string, req ReceiptRequest, key string, types []string) (*Document, error) {
	if !slices.Contains(types, req.ResourceType) {
		return nil, fmt.Errorf("stone: %s: resource_type %q: want one of %s", op, req.ResourceType, strings.Join(types, ", "))
	}
	if strings.TrimSpace(req.ResourceID) == "" {
		return nil, fmt.Errorf("stone: %s: resource_id is required", op)
	}
	body := map[string]string{"resource_type": req.ResourceType, "resource_id": req.ResourceID}
	if req.Start != nil || req.End != nil {
		if req.ResourceType != ReceiptStatement {
			return nil, fmt.Errorf("stone: %s: start_datetime and end_datetime bound a statement receipt only", op)
		}
		if req.Start != nil && req.End != nil && req.End.Before(*req.Start) {
			return nil, fmt.Errorf("stone: %s: end_datetime is before start_datetime", op)
		}
		if req.Start != nil {
			body["start_datetime"] = req.Start.UTC().Format(time.RFC3339)
		}
		if req.End != nil {
			body["end_datetime"] = req.End.UTC().Format(time.RFC3339)
		}
	}
	h, err := c.idempotencyHeader(op, key)
	if err != nil {
		return nil, err
	}
	resp, err := c.exchange(ctx, call{op: op, method: http.MethodPost, path: path, body: body, header: h, accept: "application/pdf"})
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return nil, fmt.Errorf("stone: %s: empty response body (status %d)", op, resp.status)
	}
	return &Document{ContentType: resp.header.Get("Content-Type"), Body: resp.body}, nil
}
