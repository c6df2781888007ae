package stone

import (
	"context"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"
)

const (
	maxPixAmount      = 1000000000000
	maxPixDescription = 140
	maxPixKeyLen      = 77
)

// BRCodeRequest reads a PIX QR code ("copia e cola") before paying it.
type BRCodeRequest struct {
	BRCode string `json:"brcode"`
	// OwnerAccount and PaymentDate are needed for QR codes with a due date
	// (fine, interest, discount).
	OwnerAccount string `json:"owner_account,omitempty"`
	PaymentDate  string `json:"payment_date,omitempty"` // the page says YYYY/MM/DD; yyyy-mm-dd is accepted too and sent as given
}

// BRCode is a decoded QR code: Type says which of Static or Dynamic is set.
type BRCode struct {
	Type    string         `json:"type"` // static|dynamic
	Static  *BRCodeStatic  `json:"static"`
	Dynamic *BRCodeDynamic `json:"dynamic"`
}

// BRCodeStatic is a static QR code: a key and optionally a fixed amount.
type BRCodeStatic struct {
	Key           string `json:"key"`
	KeyType       string `json:"key_type"`
	TransactionID string `json:"transaction_id"`
	Amount        int64  `json:"amount"`
}

// BRCodeDynamic is a dynamic (immediate) QR code.
type BRCodeDynamic struct {
	CreatedAt       string          `json:"created_at"`
	RequestedAt     string          `json:"requested_at"`
	Expiration      int64           `json:"expiration"` // seconds
	Key             string          `json:"key"`
	Customer        PixEntity       `json:"customer"`
	AdditionalData  []BRCodeKeyData `json:"additional_data"`
	Revision        int             `json:"revision"`
	RequestForPayer string          `json:"request_for_payer"`
	Status          string          `json:"status"`
	TransactionID   string          `json:"transaction_id"`
	Amount          int64           `json:"amount"`
}

// BRCodeKeyData is one additional_data entry of a dynamic QR code.
type BRCodeKeyData struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ReadBRCode decodes a QR code: POST /pix/outbound_pix_payments/brcodes →
// 200 (the reference page; Stone's Go SDK and Postman send a GET with a
// body). Stone answers 400 bad_request for an unreadable code and 501
// brcode_not_supported for kinds it does not handle yet.
func (c *Client) ReadBRCode(ctx context.Context, req BRCodeRequest) (*BRCode, error) {
	const op = "read brcode"
	if err := checkRequired(op, "brcode", req.BRCode); err != nil {
		return nil, err
	}
	if req.PaymentDate != "" {
		_, e1 := time.Parse(time.DateOnly, req.PaymentDate)
		_, e2 := time.Parse("2006/01/02", req.PaymentDate)
		if e1 != nil && e2 != nil {
			return nil, fmt.Errorf("stone: %s: payment_date must be YYYY/MM/DD or yyyy-mm-dd, got %q", op, req.PaymentDate)
		}
	}
	var b BRCode
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/pix/outbound_pix_payments/brcodes", body: req}, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// PixPaymentRequest creates a pending PIX (stone-api.md §5.5): to a key
// (Key, optionally TransactionID from a QR code) or to an account (Target).
type PixPaymentRequest struct {
	AccountID     string    `json:"account_id"`
	Amount        int64     `json:"amount,omitempty"` // centavos; may be left for ConfirmPixPayment
	Description   string    `json:"description,omitempty"`
	TransactionID string    `json:"transaction_id,omitempty"`
	Key           string    `json:"key,omitempty"`
	ScheduledTo   string    `json:"scheduled_to,omitempty"`
	Source        *PixParty `json:"source,omitempty"`
	Target        *PixParty `json:"target,omitempty"`
}

// PixParty is a PIX source or target: owner, account and institution.
// Empty fields are left out of requests (a partial source is Stone's to fill).
type PixParty struct {
	Entity      PixEntity      `json:"entity"`
	Account     PixAccount     `json:"account"`
	Institution PixInstitution `json:"institution"`
}

// PixEntity is an account owner. Stone masks a cpf target's document in
// answers ("***093657**").
type PixEntity struct {
	Name         string `json:"name,omitempty"`
	Document     string `json:"document,omitempty"`
	DocumentType string `json:"document_type,omitempty"`
}

// PixAccount is an account as PIX addresses it.
type PixAccount struct {
	AccountCode string `json:"account_code,omitempty"` // ^[1-9]\d{1,19}$
	BranchCode  string `json:"branch_code,omitempty"`  // ^\d{4}$
	AccountType string `json:"account_type,omitempty"` // PG|PP|CC
}

// PixInstitution is a PIX participant; Name is filled in answers only.
type PixInstitution struct {
	ISPB string `json:"ispb,omitempty"`
	Name string `json:"name,omitempty"`
}

func (r PixPaymentRequest) validate(op string) error {
	if err := checkRequired(op, "account_id", r.AccountID); err != nil {
		return err
	}
	if r.Amount < 0 || r.Amount > maxPixAmount {
		return fmt.Errorf("stone: %s: amount must be between 0 and %d centavos, got %d", op, int64(maxPixAmount), r.Amount)
	}
	if n := utf8.RuneCountInString(r.Description); n > maxPixDescription {
		return fmt.Errorf("stone: %s: description is %d characters, at most %d allowed", op, n, maxPixDescription)
	}
	if n := utf8.RuneCountInString(r.Key); n > maxPixKeyLen {
		return fmt.Errorf("stone: %s: key is %d characters, at most %d allowed", op, n, maxPixKeyLen)
	}
	switch {
	case r.Key == "" && r.Target == nil:
		return fmt.Errorf("stone: %s: key or target is required", op)
	case r.Key != "" && r.Target != nil:
		return fmt.Errorf("stone: %s: key and target are exclusive: a key payment takes its target from DICT", op)
	case r.TransactionID != "" && r.Key == "":
		return fmt.Errorf("stone: %s: transaction_id requires key", op)
	}
	if err := checkMatch(op, "transaction_id", r.TransactionID, rePixTransactionID); err != nil {
		return err
	}
	if err := checkDate(op, "scheduled_to", r.ScheduledTo); err != nil {
		return err
	}
	if r.Target != nil {
		if err := r.Target.validate(op, "target", true); err != nil {
			return err
		}
	}
	if r.Source != nil {
		return r.Source.validate(op, "source", false)
	}
	return nil
}

// validate checks a party; the source is optional field by field (Stone
// fills it from account_id), the target is not.
func (p PixParty) validate(op, name string, required bool) error {
	req := func(field, v string) error {
		if !required {
			return nil
		}
		return checkRequired(op, name+"."+field, v)
	}
	for _, err := range []error{
		req("entity.name", p.Entity.Name),
		req("entity.document", p.Entity.Document),
		req("account.account_code", p.Account.AccountCode),
		checkMatch(op, name+".account.account_code", p.Account.AccountCode, reExternalAccountCode),
		req("account.branch_code", p.Account.BranchCode),
		checkMatch(op, name+".account.branch_code", p.Account.BranchCode, rePixBranchCode),
		req("account.account_type", p.Account.AccountType),
		checkOneOf(op, name+".account.account_type", p.Account.AccountType, "PG", "PP", "CC"),
		req("institution.ispb", p.Institution.ISPB),
		checkMatch(op, name+".institution.ispb", p.Institution.ISPB, reISPB),
		checkOneOf(op, name+".entity.document_type", p.Entity.DocumentType, "cpf", "cnpj"),
	} {
		if err != nil {
			return err
		}
	}
	if p.Entity.Document != "" {
		return checkDocument(op, name+".entity.document", p.Entity.Document, p.Entity.DocumentType)
	}
	return nil
}

// OutboundPixPayment is Stone's outbound PIX resource. For a key payment
// Target.Account is omitted and a cpf document comes masked.
type OutboundPixPayment struct {
	ID                       string     `json:"id"`
	AccountID                string     `json:"account_id"`
	Amount                   int64      `json:"amount"`
	Fee                      int64      `json:"fee"`
	RefundedAmount           int64      `json:"refunded_amount"`
	Description              string     `json:"description"`
	Status                   string     `json:"status"` // CREATED, CONFIRMED, MONEY_RESERVED, SETTLED, FAILED, REFUNDED, SCHEDULED, CANCELLED
	EndToEndID               string     `json:"end_to_end_id"`
	RequestID                string     `json:"request_id"`
	TransactionID            string     `json:"transaction_id"`
	Key                      string     `json:"key"`
	ScheduledTo              string     `json:"scheduled_to"`
	CreatedBy                string     `json:"created_by"`
	ApprovedBy               string     `json:"approved_by"`
	ConfirmedBy              string     `json:"confirmed_by"`
	FailureReasonCode        Code       `json:"failure_reason_code"`
	FailureReasonDescription string     `json:"failure_reason_description"`
	Source                   *PixParty  `json:"source"`
	Target                   *PixParty  `json:"target"`
	CreatedAt                time.Time  `json:"created_at"`
	ApprovedAt               *time.Time `json:"approved_at"`
	ConfirmedAt              *time.Time `json:"confirmed_at"`
	MoneyReservedAt          *time.Time `json:"money_reserved_at"`
	SettledAt                *time.Time `json:"settled_at"`
	FailedAt                 *time.Time `json:"failed_at"`
}

// CreatePixPayment creates a pending PIX: POST /pix/outbound_pix_payments
// → 201 CREATED. It moves no money until ConfirmPixPayment; unconfirmed it
// stays CREATED forever. Stone requires the idempotency key; "" uses NewID().
func (c *Client) CreatePixPayment(ctx context.Context, req PixPaymentRequest, idempotencyKey string) (*OutboundPixPayment, error) {
	const op = "create pix payment"
	if err := req.validate(op); err != nil {
		return nil, err
	}
	return postIdempotent[OutboundPixPayment](ctx, c, op, "/pix/outbound_pix_payments", req, idempotencyKey)
}

// PixConfirmation is the optional confirm body: Amount is required here
// when the payment was created without one.
type PixConfirmation struct {
	Amount              int64  `json:"amount,omitempty"`
	Description         string `json:"description,omitempty"`
	AddTargetToContacts *bool  `json:"add_target_to_contacts,omitempty"`
}

// ConfirmPixPayment confirms a pending PIX: POST …/{id}/actions/confirm →
// 204. A nil conf sends {}. Stone requires the idempotency key; "" uses NewID().
func (c *Client) ConfirmPixPayment(ctx context.Context, id string, conf *PixConfirmation, idempotencyKey string) error {
	const op = "confirm pix payment"
	esc, err := escapeID(op, "pix payment id", id)
	if err != nil {
		return err
	}
	body := PixConfirmation{}
	if conf != nil {
		body = *conf
	}
	if body.Amount < 0 || body.Amount > maxPixAmount {
		return fmt.Errorf("stone: %s: amount must be between 0 and %d centavos, got %d", op, int64(maxPixAmount), body.Amount)
	}
	if n := utf8.RuneCountInString(body.Description); n > maxPixDescription {
		return fmt.Errorf("stone: %s: description is %d characters, at most %d allowed", op, n, maxPixDescription)
	}
	h, err := c.idempotencyHeader(op, idempotencyKey)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodPost, path: "/pix/outbound_pix_payments/" + esc + "/actions/confirm", body: body, header: h}, nil)
}

// PixPayment fetches one outbound PIX: GET /pix/outbound_pix_payments/{id}.
func (c *Client) PixPayment(ctx context.Context, id string) (*OutboundPixPayment, error) {
	return getByID[OutboundPixPayment](ctx, c, "get pix payment", "pix payment id", "/pix/outbound_pix_payments/", id)
}
