package stone

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// BarcodePaymentInvoice is an issued boleto. Stone's 201 example names the
// payer "payer", its 200 example "customer": both are decoded.
type BarcodePaymentInvoice struct {
	ID             string              `json:"id"`
	AccountID      string              `json:"account_id"`
	Amount         int64               `json:"amount"`
	Fee            int64               `json:"fee"`
	Status         string              `json:"status"` // CREATED, REGISTERED, SETTLED, CANCELLATION_REQUESTED, CANCELLED, EXPIRED
	InvoiceType    string              `json:"invoice_type"`
	Barcode        string              `json:"barcode"`
	WritableLine   string              `json:"writable_line"`
	OurNumber      string              `json:"our_number"`
	IssuanceDate   string              `json:"issuance_date"`
	ExpirationDate string              `json:"expiration_date"`
	LimitDate      string              `json:"limit_date"`
	CreatedBy      string              `json:"created_by"`
	CreatedAt      time.Time           `json:"created_at"`
	RegisteredAt   *time.Time          `json:"registered_at"`
	SettledAt      *time.Time          `json:"settled_at"`
	Beneficiary    *InvoiceBeneficiary `json:"beneficiary"`
	Customer       *InvoiceParty       `json:"customer"`
	Payer          *InvoiceParty       `json:"payer"`
	Receiver       *InvoiceReceiver    `json:"receiver"`
	Discounts      []InvoiceRate       `json:"discounts"`
	Fine           *InvoiceRate        `json:"fine"`
	Interest       *InvoiceRate        `json:"interest"`
	FeeMetadata    *FeeMetadata        `json:"fee_metadata"`
	PaymentInvoice *InvoiceDescription `json:"payment_invoice"`
	Metadata       json.RawMessage     `json:"metadata"`
}

// InvoiceParty is a payer as Stone reports it.
type InvoiceParty struct {
	Document     string `json:"document"`
	DocumentType string `json:"document_type"`
	LegalName    string `json:"legal_name"`
	TradeName    string `json:"trade_name"`
}

// InvoiceBeneficiary is the issuing account's owner.
type InvoiceBeneficiary struct {
	InvoiceParty
	AccountCode string          `json:"account_code"`
	BranchCode  string          `json:"branch_code"`
	Address     *InvoiceAddress `json:"address"`
}

// FeeMetadata explains the fee charged, with the free quota.
type FeeMetadata struct {
	BillingExemptionParticipant bool  `json:"billing_exemption_participant"`
	Fee                         int64 `json:"fee"`
	OriginalFee                 int64 `json:"original_fee"`
	MaxFree                     int   `json:"max_free"`
	RemainingFree               int   `json:"remaining_free"`
}

// BarcodePaymentInvoice fetches one boleto.
func (c *Client) BarcodePaymentInvoice(ctx context.Context, id string) (*BarcodePaymentInvoice, error) {
	return getByID[BarcodePaymentInvoice](ctx, c, "get barcode payment invoice", "invoice id", "/barcode_payment_invoices/", id)
}

// CancelBarcodePaymentInvoice cancels a boleto: POST …/{id}/cancel → 200 {}
// (status becomes CANCELLATION_REQUESTED, then CANCELLED).
func (c *Client) CancelBarcodePaymentInvoice(ctx context.Context, id string) error {
	return c.action(ctx, "cancel barcode payment invoice", "barcode_payment_invoices", id, "cancel")
}

// InvoiceLimits are the amounts an account may issue boletos for.
type InvoiceLimits struct {
	AccountID     string `json:"account_id"`
	MinimumAmount int64  `json:"minimum_amount"`
	MaximumAmount int64  `json:"maximum_amount"`
}

// InvoiceLimits fetches GET /barcode_payment_invoices/limits/{account_id}.
func (c *Client) InvoiceLimits(ctx context.Context, accountID string) (*InvoiceLimits, error) {
	return getByID[InvoiceLimits](ctx, c, "get invoice limits", "account id", "/barcode_payment_invoices/limits/", accountID)
}

// InvoicePDF downloads a boleto's PDF: GET /exports/barcode_payment_invoices/{id}.
// The bytes are returned as sent; an empty body is an error.
func (c *Client) InvoicePDF(ctx context.Context, id string) ([]byte, error) {
	const op = "get invoice pdf"
	esc, err := escapeID(op, "invoice id", id)
	if err != nil {
		return nil, err
	}
	resp, err := c.exchange(ctx, call{op: op, method: http.MethodGet, path: "/exports/barcode_payment_invoices/" + esc, accept: "application/pdf"})
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return nil, fmt.Errorf("stone: %s: empty response body (status %d)", op, resp.status)
	}
	return resp.body, nil
}

// BarcodePaymentInvoiceListParams filters GET /barcode_payment_invoices;
// every documented filter, dates as yyyy-mm-dd, zero values not sent.
type BarcodePaymentInvoiceListParams struct {
	AccountID           string
	InvoiceType         string
	Status              string // CREATED, SETTLED, REGISTERED, CANCELLED, EXPIRED, PENDING
	Amount              int64
	AmountLessThan      int64 // amount_lt
	AmountGreaterThan   int64 // amount_gt
	IssuanceDate        string
	ExpirationDate      string
	SettledDate         string
	StartLimitDate      string
	EndLimitDate        string
	StartExpirationDate string
	EndExpirationDate   string
	StartIssuanceDate   string
	EndIssuanceDate     string
	StartSettledDate    string
	EndSettledDate      string
	Barcode             string
	WritableLine        string
	PageParams
}

// BarcodePaymentInvoicePage is one page of boletos.
type BarcodePaymentInvoicePage struct {
	Cursor Cursor                  `json:"cursor"`
	Data   []BarcodePaymentInvoice `json:"data"`
}

// ListBarcodePaymentInvoices lists boletos.
func (c *Client) ListBarcodePaymentInvoices(ctx context.Context, p BarcodePaymentInvoiceListParams) (*BarcodePaymentInvoicePage, error) {
	const op = "list barcode payment invoices"
	q := url.Values{}
	if err := checkOneOf(op, "invoice_type", p.InvoiceType, InvoiceDeposit, InvoiceProposal, InvoiceBillOfExchange, InvoiceTuition); err != nil {
		return nil, err
	}
	if err := checkOneOf(op, "status", p.Status, "CREATED", "SETTLED", "REGISTERED", "CANCELLED", "EXPIRED", "PENDING"); err != nil {
		return nil, err
	}
	for _, f := range []struct{ key, v string }{
		{"account_id", p.AccountID}, {"invoice_type", p.InvoiceType}, {"status", p.Status},
		{"issuance_date", p.IssuanceDate}, {"expiration_date", p.ExpirationDate}, {"settled_date", p.SettledDate},
		{"start_limit_date", p.StartLimitDate}, {"end_limit_date", p.EndLimitDate},
		{"start_expiration_date", p.StartExpirationDate}, {"end_expiration_date", p.EndExpirationDate},
		{"start_issuance_date", p.StartIssuanceDate}, {"end_issuance_date", p.EndIssuanceDate},
		{"start_settled_date", p.StartSettledDate}, {"end_settled_date", p.EndSettledDate},
		{"barcode", p.Barcode}, {"writable_line", p.WritableLine},
	} {
		if strings.HasSuffix(f.key, "_date") {
			if err := checkDate(op, f.key, f.v); err != nil {
				return nil, err
			}
		}
		setIf(q, f.key, f.v)
	}
	for _, f := range []struct {
		key string
		v   int64
	}{{"amount", p.Amount}, {"amount_lt", p.AmountLessThan}, {"amount_gt", p.AmountGreaterThan}} {
		if f.v < 0 {
			return nil, fmt.Errorf("stone: %s: %s must not be negative, got %d", op, f.key, f.v)
		}
		if f.v > 0 {
			q.Set(f.key, strconv.FormatInt(f.v, 10))
		}
	}
	if err := p.PageParams.set(op, q); err != nil {
		return nil, err
	}
	var page BarcodePaymentInvoicePage
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/barcode_payment_invoices", query: q}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}
