package stone

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// PixInvoiceRequest creates a dynamic (immediate) PIX QR code to receive a
// payment: POST /pix_payment_invoices (stone-api.md §5.5, receive side).
type PixInvoiceRequest struct {
	AccountID       string            `json:"account_id"`
	Key             string            `json:"key"`            // a key of AccountID
	TransactionID   string            `json:"transaction_id"` // ^[a-zA-Z0-9]{26,35}$
	Amount          int64             `json:"amount,omitempty"`
	Customer        *PixInvoicePayer  `json:"customer,omitempty"`
	AdditionalData  []PixInvoiceField `json:"additional_data,omitempty"`
	Metadata        map[string]any    `json:"metadata,omitempty"`   // the partner's own data
	Expiration      int64             `json:"expiration,omitempty"` // seconds; 0 → Stone's default of 24 h
	RequestForPayer string            `json:"request_for_payer,omitempty"`
}

// PixInvoicePayer is who is expected to pay.
type PixInvoicePayer struct {
	Name     string `json:"name"`
	Document string `json:"document"`
}

// PixInvoiceField is one additional_data entry (name ≤ 50, value ≤ 200).
type PixInvoiceField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (r PixInvoiceRequest) validate(op string) error {
	for _, err := range []error{
		checkRequired(op, "account_id", r.AccountID),
		checkRequired(op, "key", r.Key),
		checkRequired(op, "transaction_id", r.TransactionID),
		checkMatch(op, "transaction_id", r.TransactionID, rePixInvoiceTxID),
	} {
		if err != nil {
			return err
		}
	}
	if r.Amount < 0 || r.Amount > maxPixAmount {
		return fmt.Errorf("stone: %s: amount must be between 0 and %d centavos, got %d", op, int64(maxPixAmount), r.Amount)
	}
	if r.Expiration < 0 {
		return fmt.Errorf("stone: %s: expiration must not be negative, got %d", op, r.Expiration)
	}
	if r.Customer != nil && r.Customer.Document != "" {
		if err := checkDocument(op, "customer.document", r.Customer.Document, ""); err != nil {
			return err
		}
	}
	for i, f := range r.AdditionalData {
		if n := utf8.RuneCountInString(f.Name); n < 1 || n > 50 {
			return fmt.Errorf("stone: %s: additional_data[%d].name must have 1 to 50 characters, got %d", op, i, n)
		}
		if n := utf8.RuneCountInString(f.Value); n < 1 || n > 200 {
			return fmt.Errorf("stone: %s: additional_data[%d].value must have 1 to 200 characters, got %d", op, i, n)
		}
	}
	return nil
}

// PixInvoice is a dynamic QR code. QRCodeContent is the "copia e cola"
// text; QRCodeImage is what Stone returns for display. Stone documents this
// answer only as a template ("amount": "<integer>"), so amounts accept
// strings and times stay text.
type PixInvoice struct {
	ID              string          `json:"id"`
	AccountID       string          `json:"account_id"`
	ParticipantISPB string          `json:"participant_ispb"`
	Key             string          `json:"key"`
	KeyType         string          `json:"key_type"`
	TransactionID   string          `json:"transaction_id"`
	Amount          FlexInt         `json:"amount"`
	AdditionalData  json.RawMessage `json:"additional_data"`
	Metadata        json.RawMessage `json:"metadata"`
	Location        string          `json:"location"`
	RequestForPayer string          `json:"request_for_payer"`
	Expiration      FlexInt         `json:"expiration"`
	Status          string          `json:"status"`
	RequestID       string          `json:"request_id"`
	CreatedBy       string          `json:"created_by"`
	LastUpdatedBy   string          `json:"last_updated_by"`
	QRCodeContent   string          `json:"qr_code_content"`
	QRCodeImage     string          `json:"qr_code_image"`
	CreatedAt       string          `json:"created_at"`
	UpdatedAt       string          `json:"updated_at"`
	PaidAt          string          `json:"paid_at"`
	CancelledAt     string          `json:"cancelled_at"`
}

// CreatePixInvoice creates a dynamic QR code → 201. Stone requires the
// idempotency key; "" uses NewID().
func (c *Client) CreatePixInvoice(ctx context.Context, req PixInvoiceRequest, idempotencyKey string) (*PixInvoice, error) {
	const op = "create pix invoice"
	if err := req.validate(op); err != nil {
		return nil, err
	}
	return postIdempotent[PixInvoice](ctx, c, op, "/pix_payment_invoices", req, idempotencyKey)
}

// CancelPixInvoice cancels an unpaid dynamic QR code: DELETE
// /pix_payment_invoices/{id}. Its answer body is not documented, so any
// 2xx is success and the body is ignored.
func (c *Client) CancelPixInvoice(ctx context.Context, id string) error {
	const op = "cancel pix invoice"
	esc, err := escapeID(op, "pix invoice id", id)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: "/pix_payment_invoices/" + esc}, nil)
}
