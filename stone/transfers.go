package stone

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// maxTransferDescription is the request limit in Stone's reference (the
// object page says 140; the request page, which is what is validated, 200).
const maxTransferDescription = 200

// InternalTransferRequest is a Stone→Stone transfer (stone-api.md §5.1).
type InternalTransferRequest struct {
	AccountID         string // source account
	Amount            int64  // centavos, > 0
	TargetAccountCode string // digits only
	Description       string // optional, ≤ 200 characters
	ScheduledTo       string // yyyy-mm-dd, optional
}

// internalTransferBody is the documented wire form of the request.
type internalTransferBody struct {
	AccountID string `json:"account_id"`
	Amount    int64  `json:"amount"`
	Target    struct {
		Account struct {
			AccountCode string `json:"account_code"`
		} `json:"account"`
	} `json:"target"`
	Description string `json:"description,omitempty"`
	ScheduledTo string `json:"scheduled_to,omitempty"`
}

// InternalTransferTargetAccount is the destination account.
type InternalTransferTargetAccount struct {
	AccountCode string `json:"account_code"`
}

// InternalTransferTargetEntity is the destination account's owner.
type InternalTransferTargetEntity struct {
	Name string `json:"name"`
}

// InternalTransferTarget is the destination of an internal transfer.
type InternalTransferTarget struct {
	Account InternalTransferTargetAccount `json:"account"`
	Entity  InternalTransferTargetEntity  `json:"entity"`
}

// InternalTransfer is Stone's internal transfer resource. Nullable strings
// decode null as ""; nullable times are pointers so "never happened" stays
// distinguishable from the zero time.
type InternalTransfer struct {
	CashOut
	Description            string                 `json:"description"`
	ScheduledTo            string                 `json:"scheduled_to"`
	TargetAccountCode      string                 `json:"target_account_code"`
	TargetAccountOwnerName string                 `json:"target_account_owner_name"`
	Target                 InternalTransferTarget `json:"target"`
	SettledAt              *time.Time             `json:"settled_at"`
}

// InternalTransferListParams filters GET /internal_transfers: every filter
// the reference page documents (account_id, status, limit, after, before).
type InternalTransferListParams struct {
	AccountID string
	Status    string // the page allows only scheduled ones ("SCHEDULE[D]"); passed through as given
	PageParams
}

// InternalTransferPage is one page of internal transfers.
type InternalTransferPage struct {
	Cursor Cursor             `json:"cursor"`
	Data   []InternalTransfer `json:"data"`
}

// validate checks what Stone would reject anyway, before anything is sent,
// so a typo in a scenario fails with the field named instead of a 400.
func (r InternalTransferRequest) validate(op string) error {
	if r.Amount <= 0 {
		return fmt.Errorf("stone: %s: amount must be positive (centavos), got %d", op, r.Amount)
	}
	if strings.TrimSpace(r.AccountID) == "" {
		return fmt.Errorf("stone: %s: account_id is required", op)
	}
	if r.TargetAccountCode == "" {
		return fmt.Errorf("stone: %s: target.account.account_code is required", op)
	}
	if !isDigits(r.TargetAccountCode) {
		return fmt.Errorf("stone: %s: target.account.account_code must contain digits only, got %q", op, r.TargetAccountCode)
	}
	if n := utf8.RuneCountInString(r.Description); n > maxTransferDescription {
		return fmt.Errorf("stone: %s: description is %d characters, at most %d allowed", op, n, maxTransferDescription)
	}
	if r.ScheduledTo != "" {
		if _, err := time.Parse(time.DateOnly, r.ScheduledTo); err != nil {
			return fmt.Errorf("stone: %s: scheduled_to must be yyyy-mm-dd, got %q", op, r.ScheduledTo)
		}
	}
	return nil
}

// isDigits mirrors Stone's ^\d+$ for account codes (ASCII digits only).
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// CreateInternalTransfer requests a transfer. idempotencyKey is trimmed; ""
// uses NewID(). Stone answers 202: the transfer may still fail later, or
// wait in CREATED for the owner's approval on a consented account.
func (c *Client) CreateInternalTransfer(ctx context.Context, req InternalTransferRequest, idempotencyKey string) (*InternalTransfer, error) {
	return c.postInternalTransfer(ctx, "create internal transfer", "/internal_transfers", req, idempotencyKey)
}

// DryRunInternalTransfer simulates a transfer (fee, target owner, status)
// without moving money: POST /dry_run/internal_transfers → 200, same body,
// same shape, and the idempotency key header Stone documents for it.
func (c *Client) DryRunInternalTransfer(ctx context.Context, req InternalTransferRequest, idempotencyKey string) (*InternalTransfer, error) {
	return c.postInternalTransfer(ctx, "dry run internal transfer", "/dry_run/internal_transfers", req, idempotencyKey)
}

func (c *Client) postInternalTransfer(ctx context.Context, op, path string, req InternalTransferRequest, idempotencyKey string) (*InternalTransfer, error) {
	if err := req.validate(op); err != nil {
		return nil, err
	}
	var body internalTransferBody
	body.AccountID = req.AccountID
	body.Amount = req.Amount
	body.Target.Account.AccountCode = req.TargetAccountCode
	body.Description = req.Description
	body.ScheduledTo = req.ScheduledTo
	return postIdempotent[InternalTransfer](ctx, c, op, path, body, idempotencyKey)
}

// CancelInternalTransfer cancels a scheduled transfer: POST …/cancel → 204
// (the reference page; Stone's Go SDK uses DELETE).
func (c *Client) CancelInternalTransfer(ctx context.Context, id string) error {
	return c.action(ctx, "cancel internal transfer", "internal_transfers", id, "cancel")
}

// ApproveInternalTransfer approves a transfer waiting in CREATED → 204.
// Stone reserves approval for the account owner; a partner app usually
// gets 403, which is itself what a homologation step may need to show.
func (c *Client) ApproveInternalTransfer(ctx context.Context, id string) error {
	return c.action(ctx, "approve internal transfer", "internal_transfers", id, "approve")
}

// RejectInternalTransfer rejects a transfer waiting in CREATED → 204.
func (c *Client) RejectInternalTransfer(ctx context.Context, id string) error {
	return c.action(ctx, "reject internal transfer", "internal_transfers", id, "reject")
}

// InternalTransfer fetches one internal transfer by id.
func (c *Client) InternalTransfer(ctx context.Context, id string) (*InternalTransfer, error) {
	return getByID[InternalTransfer](ctx, c, "get internal transfer", "transfer id", "/internal_transfers/", id)
}

// ListInternalTransfers lists internal transfers; empty filters are not sent.
func (c *Client) ListInternalTransfers(ctx context.Context, p InternalTransferListParams) (*InternalTransferPage, error) {
	q := url.Values{}
	setIf(q, "account_id", p.AccountID)
	setIf(q, "status", p.Status)
	return list[InternalTransferPage](ctx, c, "list internal transfers", "/internal_transfers", q, p.PageParams)
}
