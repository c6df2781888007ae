package stone

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// maxExternalTransferAmount is Stone's documented ceiling for a TED, in centavos.
const maxExternalTransferAmount = 999999999999999999

// ExternalTransferRequest is a TED to another bank (stone-api.md §5.2); it
// is also the dry-run body. Stone→Stone TED is refused by Stone: use an
// internal transfer.
type ExternalTransferRequest struct {
	AccountID   string                        `json:"account_id"`
	Amount      int64                         `json:"amount"` // centavos
	Target      ExternalTransferTargetRequest `json:"target"`
	ScheduledTo string                        `json:"scheduled_to,omitempty"` // yyyy-mm-dd
}

// ExternalTransferTargetRequest is the destination of a TED.
type ExternalTransferTargetRequest struct {
	Account ExternalTransferAccountRequest `json:"account"`
	Entity  ExternalTransferEntityRequest  `json:"entity"`
}

// ExternalTransferAccountRequest is the destination account.
type ExternalTransferAccountRequest struct {
	AccountCode     string `json:"account_code"`           // ^[1-9]\d{1,19}$, no check-digit separator
	BranchCode      string `json:"branch_code,omitempty"`  // ^\d{1,4}$, no check digit; Stone drops it for PG
	InstitutionCode string `json:"institution_code"`       // ISPB (8 digits) or bank number (3 digits)
	AccountType     string `json:"account_type,omitempty"` // CC|CD|CG|PG|PP|CI; empty lets Stone infer it
}

// ExternalTransferEntityRequest is the destination account's owner. The
// documented keys are document/document_type; the old "cpf" key is not sent.
type ExternalTransferEntityRequest struct {
	Name         string `json:"name"`
	Document     string `json:"document"`                // digits only
	DocumentType string `json:"document_type,omitempty"` // cpf|cnpj
}

func (r ExternalTransferRequest) validate(op string) error {
	if r.Amount <= 0 || r.Amount > maxExternalTransferAmount {
		return fmt.Errorf("stone: %s: amount must be between 1 and %d centavos, got %d", op, int64(maxExternalTransferAmount), r.Amount)
	}
	a, e := r.Target.Account, r.Target.Entity
	for _, err := range []error{
		checkRequired(op, "account_id", r.AccountID),
		checkRequired(op, "target.account.account_code", a.AccountCode),
		checkMatch(op, "target.account.account_code", a.AccountCode, reExternalAccountCode),
		checkMatch(op, "target.account.branch_code", a.BranchCode, reBranchCode),
		checkRequired(op, "target.account.institution_code", a.InstitutionCode),
		checkMatch(op, "target.account.institution_code", a.InstitutionCode, reInstitutionCode),
		// CI appears only in the object page; the request rules list the other five.
		checkOneOf(op, "target.account.account_type", a.AccountType, "CC", "CD", "CG", "PG", "PP", "CI"),
		checkRequired(op, "target.entity.name", e.Name),
		checkOneOf(op, "target.entity.document_type", e.DocumentType, "cpf", "cnpj"),
		checkDocument(op, "target.entity.document", e.Document, e.DocumentType),
		checkDate(op, "scheduled_to", r.ScheduledTo),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// ExternalTransfer statuses (stone-api.md §5.2).
const (
	ExternalTransferCreated                  = "CREATED"
	ExternalTransferApproved                 = "APPROVED"
	ExternalTransferScheduled                = "SCHEDULED"
	ExternalTransferDelayedToNextBusinessDay = "DELAYED_TO_NEXT_BUSINESS_DAY"
	ExternalTransferFinished                 = "FINISHED"
	ExternalTransferFailed                   = "FAILED"
	ExternalTransferRejected                 = "REJECTED"
	ExternalTransferExpired                  = "EXPIRED"
	ExternalTransferCancelled                = "CANCELLED"
	ExternalTransferRefunded                 = "REFUNDED"
)

// ExternalTransfer is Stone's external transfer (TED) resource. Nullable
// strings decode null as ""; nullable times are pointers.
type ExternalTransfer struct {
	CashOut
	RefundReasonCode         Code                   `json:"refund_reason_code"` // see ExternalTransferRefundReason
	RefundReasonDescription  string                 `json:"refund_reason_description"`
	DelayedToNextBusinessDay bool                   `json:"delayed_to_next_business_day"`
	ScheduledToRequested     string                 `json:"scheduled_to_requested"` // the date asked for
	ScheduledToEffective     string                 `json:"scheduled_to_effective"` // the business day it runs
	Target                   ExternalTransferTarget `json:"target"`
	SettledAt                *time.Time             `json:"settled_at"`
	RefundedAt               *time.Time             `json:"refunded_at"`
}

// ExternalTransferTarget is the destination as Stone reports it.
type ExternalTransferTarget struct {
	Account ExternalTransferAccount `json:"account"`
	Entity  ExternalTransferEntity  `json:"entity"`
}

// ExternalTransferAccount adds the resolved institution to what was sent.
type ExternalTransferAccount struct {
	AccountCode           string `json:"account_code"`
	BranchCode            string `json:"branch_code"`
	AccountType           string `json:"account_type"`
	InstitutionCode       string `json:"institution_code"`
	InstitutionISPB       string `json:"institution_ispb"`
	InstitutionName       string `json:"institution_name"`
	InstitutionNumberCode string `json:"institution_number_code"`
}

// ExternalTransferEntity is the destination owner; CPF is the legacy key
// Stone still returns beside document.
type ExternalTransferEntity struct {
	Name         string `json:"name"`
	Document     string `json:"document"`
	DocumentType string `json:"document_type"`
	CPF          string `json:"cpf"`
}

// ExternalTransferPage is one page of external transfers.
type ExternalTransferPage struct {
	Cursor Cursor             `json:"cursor"`
	Data   []ExternalTransfer `json:"data"`
}

// ExternalTransferListParams filters GET /external_transfers.
type ExternalTransferListParams struct {
	AccountID string
	PageParams
}

// CreateExternalTransfer requests a TED. idempotencyKey "" uses NewID().
// Stone answers 202; outside banking hours the TED is moved to the next
// business day (DelayedToNextBusinessDay, ScheduledToEffective).
func (c *Client) CreateExternalTransfer(ctx context.Context, req ExternalTransferRequest, idempotencyKey string) (*ExternalTransfer, error) {
	return c.postExternalTransfer(ctx, "create external transfer", "/external_transfers", req, idempotencyKey)
}

// DryRunExternalTransfer simulates a TED (fee, status, target resolution)
// without moving money; Stone documents the same body and key header.
func (c *Client) DryRunExternalTransfer(ctx context.Context, req ExternalTransferRequest, idempotencyKey string) (*ExternalTransfer, error) {
	return c.postExternalTransfer(ctx, "dry run external transfer", "/dry_run/external_transfers", req, idempotencyKey)
}

func (c *Client) postExternalTransfer(ctx context.Context, op, path string, req ExternalTransferRequest, key string) (*ExternalTransfer, error) {
	if err := req.validate(op); err != nil {
		return nil, err
	}
	return postIdempotent[ExternalTransfer](ctx, c, op, path, req, key)
}

// ExternalTransfer fetches one TED by id.
func (c *Client) ExternalTransfer(ctx context.Context, id string) (*ExternalTransfer, error) {
	return getByID[ExternalTransfer](ctx, c, "get external transfer", "transfer id", "/external_transfers/", id)
}

// ListExternalTransfers lists TEDs; empty filters are not sent.
func (c *Client) ListExternalTransfers(ctx context.Context, p ExternalTransferListParams) (*ExternalTransferPage, error) {
	q := url.Values{}
	setIf(q, "account_id", p.AccountID)
	return list[ExternalTransferPage](ctx, c, "list external transfers", "/external_transfers", q, p.PageParams)
}

// CancelExternalTransfer cancels a scheduled TED: POST …/cancel → 204 (the
// reference page; Stone's Go SDK uses DELETE).
func (c *Client) CancelExternalTransfer(ctx context.Context, id string) error {
	return c.action(ctx, "cancel external transfer", "external_transfers", id, "cancel")
}

// ApproveExternalTransfer approves a TED waiting in CREATED → 204. Stone
// reserves it for the account owner; a partner app usually gets 403.
func (c *Client) ApproveExternalTransfer(ctx context.Context, id string) error {
	return c.action(ctx, "approve external transfer", "external_transfers", id, "approve")
}

// RejectExternalTransfer rejects a TED waiting in CREATED → 204.
func (c *Client) RejectExternalTransfer(ctx context.Context, id string) error {
	return c.action(ctx, "reject external transfer", "external_transfers", id, "reject")
}

// TransferFailureReason describes a failure_reason_code of an internal or
// external transfer (stone-api.md §5.2); unknown codes yield "".
func TransferFailureReason(code Code) string {
	switch code {
	case "0":
		return "generic error"
	case "1":
		return "insufficient balance"
	case "2":
		return "restriction on an account"
	}
	return ""
}

// ExternalTransferRefundReason describes a refund_reason_code (TED only,
// stone-api.md §5.2); unknown codes yield "".
func ExternalTransferRefundReason(code Code) string {
	switch code {
	case "0":
		return "origin processing error"
	case "1":
		return "target account does not exist"
	case "2":
		return "account or branch does not exist"
	case "3":
		return "wrong document"
	case "4":
		return "account invalid for the transaction type"
	case "5":
		return "processing error"
	case "6":
		return "over the limit or invalid for the type"
	case "7":
		return "payment non-conformity"
	case "8":
		return "incorrect data"
	case "9":
		return "CPF/CNPJ irregular"
	case "10":
		return "invalid institution"
	case "11":
		return "account longer than 13 digits"
	case "12":
		return "receiver's request"
	case "13":
		return "bank order returned"
	case "14":
		return "beneficiary not identified"
	}
	return ""
}
