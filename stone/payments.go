package stone

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"
)

const maxPayerLegalName = 80

// PaymentRequest pays a boleto, utility bill or tax document by barcode
// (stone-api.md §5.4); the dry run takes the same body.
type PaymentRequest struct {
	AccountID      string          `json:"account_id"`
	Barcode        string          `json:"barcode"`                // 44-digit barcode or 47/48-digit writable line
	ScheduledTo    string          `json:"scheduled_to,omitempty"` // yyyy-mm-dd ("schedule_to" in Postman is a typo)
	Amount         int64           `json:"amount,omitempty"`       // only for documents whose value may differ; see the dry run's min/max
	EffectivePayer *EffectivePayer `json:"effective_payer,omitempty"`
}

// EffectivePayer is who actually pays, when not the account owner.
type EffectivePayer struct {
	LegalName    string `json:"legal_name"` // ≤ 80 characters
	Document     string `json:"document"`
	DocumentType string `json:"document_type"` // cpf|cnpj
}

func (r PaymentRequest) validate(op string) error {
	if err := checkRequired(op, "account_id", r.AccountID); err != nil {
		return err
	}
	if err := checkRequired(op, "barcode", r.Barcode); err != nil {
		return err
	}
	if n := len(r.Barcode); !isDigits(r.Barcode) || (n != 44 && n != 47 && n != 48) {
		return fmt.Errorf("stone: %s: barcode must be 44 digits (or a 47/48-digit writable line), got %q", op, r.Barcode)
	}
	if r.Amount < 0 {
		return fmt.Errorf("stone: %s: amount must not be negative, got %d", op, r.Amount)
	}
	if err := checkDate(op, "scheduled_to", r.ScheduledTo); err != nil {
		return err
	}
	if p := r.EffectivePayer; p != nil {
		if err := checkRequired(op, "effective_payer.legal_name", p.LegalName); err != nil {
			return err
		}
		if n := utf8.RuneCountInString(p.LegalName); n > maxPayerLegalName {
			return fmt.Errorf("stone: %s: effective_payer.legal_name is %d characters, at most %d allowed", op, n, maxPayerLegalName)
		}
		if err := checkRequired(op, "effective_payer.document_type", p.DocumentType); err != nil {
			return err
		}
		if err := checkOneOf(op, "effective_payer.document_type", p.DocumentType, "cpf", "cnpj"); err != nil {
			return err
		}
		if err := checkDocument(op, "effective_payer.document", p.Document, p.DocumentType); err != nil {
			return err
		}
	}
	return nil
}

// Payment is Stone's barcode payment resource.
type Payment struct {
	CashOut
	Barcode                 string          `json:"barcode"`
	WritableLine            string          `json:"writable_line"`
	ScheduledTo             string          `json:"scheduled_to"`
	CancelledBy             string          `json:"cancelled_by"`
	RefundReasonCode        Code            `json:"refund_reason_code"`
	RefundReasonDescription string          `json:"refund_reason_description"`
	IdempotencyKey          string          `json:"idempotency_key"`
	RequestID               string          `json:"request_id"`
	EffectivePayer          *EffectivePayer `json:"effective_payer"`
	Details                 *PaymentDetails `json:"details"`
	RefundedAt              *time.Time      `json:"refunded_at"`
}

// PaymentDryRun is the dry run's answer: the payment Stone would create plus
// what it learned about the document.
type PaymentDryRun struct {
	Payment
	BarcodeDetails *BarcodeDetails `json:"barcode_details"`
	// PaymentBeingProcessed is true when Stone is already paying this
	// document: do not pay it again. The "?" is part of Stone's key.
	PaymentBeingProcessed bool `json:"payment_being_processed?"`
}

// BarcodeDetails is what the barcode itself encodes.
type BarcodeDetails struct {
	BankCode       string `json:"bank_code"`
	BankName       string `json:"bank_name"`
	Barcode        string `json:"barcode"`
	ExpirationDate string `json:"expiration_date"`
	FaceValue      int64  `json:"face_value"`
	WritableLine   string `json:"writable_line"`
}

// Document statuses at the issuer (PaymentDetails.Status).
const (
	DocumentPayable   = "payable"
	DocumentPaid      = "paid"
	DocumentUnpayable = "unpayable"
)

// PaymentDetails is the document's state at its issuer. Every value may be
// null, hence the pointers: "no minimum" and "minimum 0" differ.
type PaymentDetails struct {
	Status                     string `json:"status"`        // payable|paid|unpayable
	DocumentType               string `json:"document_type"` // boleto|concessionaria
	Value                      *int64 `json:"value"`
	MinValue                   *int64 `json:"min_value"`
	MaxValue                   *int64 `json:"max_value"`
	FaceValue                  *int64 `json:"face_value"`
	DiscountValue              *int64 `json:"discount_value"`
	FineValue                  *int64 `json:"fine_value"`
	InterestValue              *int64 `json:"interest_value"`
	TotalAddedValue            *int64 `json:"total_added_value"`
	TotalDiscountedValue       *int64 `json:"total_discounted_value"`
	UpdatableValue             *bool  `json:"updatable_value"`
	DocumentPaymentType        *int   `json:"document_payment_type"`
	BankCode                   string `json:"bank_code"`
	BankISPB                   string `json:"bank_ispb"`
	BankName                   string `json:"bank_name"`
	Barcode                    string `json:"barcode"`
	WritableLine               string `json:"writable_line"`
	ExpirationDate             string `json:"expiration_date"`
	PaymentLimitDate           string `json:"payment_limit_date"`
	PaymentStartTime           string `json:"payment_start_time"`
	PaymentEndTime             string `json:"payment_end_time"`
	SettlementDate             string `json:"settlement_date"`
	PayerCPFCNPJ               string `json:"payer_cpf_cnpj"`
	PayerLegalName             string `json:"payer_legal_name"`
	PayerTradeName             string `json:"payer_trade_name"`
	RecipientCPFCNPJ           string `json:"recipient_cpf_cnpj"`
	RecipientName              string `json:"recipient_name"`
	UnpayableReasonCode        Code   `json:"unpayable_reason_code"`
	UnpayableReasonDescription string `json:"unpayable_reason_description"`
}

// PaymentCursor is the payments list cursor, which also counts.
type PaymentCursor struct {
	Cursor
	TotalCount            *int  `json:"total_count"`
	TotalCountCapExceeded *bool `json:"total_count_cap_exceeded"`
}

// PaymentPage is one page of barcode payments.
type PaymentPage struct {
	Cursor PaymentCursor `json:"cursor"`
	Data   []Payment     `json:"data"`
}

// PaymentListParams filters GET /payments.
type PaymentListParams struct {
	AccountID string
	PageParams
}

// DryRunPayment asks Stone about a document before paying it: POST
// /dry_run/payments → 200. The reference page marks the idempotency key
// required here too; "" uses NewID().
func (c *Client) DryRunPayment(ctx context.Context, req PaymentRequest, idempotencyKey string) (*PaymentDryRun, error) {
	const op = "dry run payment"
	var out PaymentDryRun
	if err := c.postPayment(ctx, op, "/dry_run/payments", req, idempotencyKey, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreatePayment pays a document: POST /payments → 202. Stone requires the
// idempotency key; "" uses NewID().
func (c *Client) CreatePayment(ctx context.Context, req PaymentRequest, idempotencyKey string) (*Payment, error) {
	const op = "create payment"
	var out Payment
	if err := c.postPayment(ctx, op, "/payments", req, idempotencyKey, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) postPayment(ctx context.Context, op, path string, req PaymentRequest, key string, out any) error {
	if err := req.validate(op); err != nil {
		return err
	}
	h, err := c.idempotencyHeader(op, key)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodPost, path: path, body: req, header: h}, out)
}

// Payment fetches one barcode payment.
func (c *Client) Payment(ctx context.Context, id string) (*Payment, error) {
	return getByID[Payment](ctx, c, "get payment", "payment id", "/payments/", id)
}

// ListPayments lists barcode payments; empty filters are not sent.
func (c *Client) ListPayments(ctx context.Context, p PaymentListParams) (*PaymentPage, error) {
	q := url.Values{}
	setIf(q, "account_id", p.AccountID)
	return list[PaymentPage](ctx, c, "list payments", "/payments", q, p.PageParams)
}

// CancelPayment cancels a scheduled payment: POST …/cancel → 204.
func (c *Client) CancelPayment(ctx context.Context, id string) error {
	return c.action(ctx, "cancel payment", "payments", id, "cancel")
}

// ApprovePayment approves a payment waiting in CREATED → 204.
func (c *Client) ApprovePayment(ctx context.Context, id string) error {
	return c.action(ctx, "approve payment", "payments", id, "approve")
}

// RejectPayment rejects a payment waiting in CREATED → 204.
func (c *Client) RejectPayment(ctx context.Context, id string) error {
	return c.action(ctx, "reject payment", "payments", id, "reject")
}
