package stone

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// maxBatchOperations is Stone's limit of operations per batch action.
const maxBatchOperations = 1000

// Operation types of the batch approval API (stone-api.md §5.6).
const (
	OperationExternalTransfer    = "external_transfer"
	OperationInternalTransfer    = "internal_transfer"
	OperationBarcodePayment      = "barcode_payment"
	OperationPixPayment          = "pix_payment"
	OperationRefundForPixPayment = "refund_for_pix_payment"
)

// Batch actions.
const (
	ApproveOnly      = "approve_only"
	ApproveAllExcept = "approve_all_except"
	CancelOnly       = "cancel_only"
	CancelAllExcept  = "cancel_all_except"
)

// Operation statuses accepted by Operations.
const (
	OperationsScheduled       = "SCHEDULED"
	OperationsPendingApproval = "PENDING_APPROVAL"
)

// Operation is one pending operation. Stone documents only the endpoint (the
// API is marked draft), so the common fields are decoded leniently and the
// whole object is kept in Raw.
type Operation struct {
	ID     string          `json:"id"`
	Type   string          `json:"type"`
	Status string          `json:"status"`
	Amount FlexInt         `json:"amount"`
	Raw    json.RawMessage `json:"-"`
}

// UnmarshalJSON keeps the raw object and tolerates unexpected field types.
func (o *Operation) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("operation: %w", err)
	}
	*o = Operation{ID: jsonText(m["id"]), Type: jsonText(m["type"]), Status: jsonText(m["status"]), Raw: compact(b)}
	_ = o.Amount.UnmarshalJSON(m["amount"]) // a malformed amount leaves 0; Raw has it
	return nil
}

// OperationPage is GET /accounts/{id}/operations.
type OperationPage struct {
	Cursor Cursor      `json:"cursor"`
	Data   []Operation `json:"data"`
}

// OperationRef names one operation of a batch action.
type OperationRef struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// Operations lists an account's operations waiting for approval or
// scheduled; status "" sends no filter.
func (c *Client) Operations(ctx context.Context, accountID, status string) (*OperationPage, error) {
	const op = "list operations"
	esc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	if err := checkOneOf(op, "status", status, OperationsScheduled, OperationsPendingApproval); err != nil {
		return nil, err
	}
	q := url.Values{}
	setIf(q, "status", status)
	var page OperationPage
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/accounts/" + esc + "/operations", query: q}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// Operation fetches one operation: GET /accounts/{id}/operations/{op_id}?type=….
func (c *Client) Operation(ctx context.Context, accountID, id, opType string) (*Operation, error) {
	const op = "get operation"
	acc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	esc, err := escapeID(op, "operation id", id)
	if err != nil {
		return nil, err
	}
	if err := checkOperationType(op, "type", opType); err != nil {
		return nil, err
	}
	var o Operation
	q := url.Values{"type": {opType}}
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/accounts/" + acc + "/operations/" + esc, query: q}, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

func checkOperationType(op, field, t string) error {
	if err := checkRequired(op, field, t); err != nil {
		return err
	}
	return checkOneOf(op, field, t, OperationExternalTransfer, OperationInternalTransfer,
		OperationBarcodePayment, OperationPixPayment, OperationRefundForPixPayment)
}

// batchBody is the documented body of both batch actions.
type batchBody struct {
	Action     string         `json:"action"`
	Operations []OperationRef `json:"operations"`
}

// ApproveOperations approves a batch: POST /accounts/{id}/operations/actions/approve
// → 202 {"number_of_approvals": n}. action is approve_only (exactly ops) or
// approve_all_except (everything pending but ops); at most 1000 ops.
func (c *Client) ApproveOperations(ctx context.Context, accountID, action string, ops []OperationRef) (int, error) {
	var out struct {
		N int `json:"number_of_approvals"`
	}
	err := c.batch(ctx, "approve operations", accountID, "approve", action, ops, []string{ApproveOnly, ApproveAllExcept}, &out)
	return out.N, err
}

// CancelOperations cancels a batch: POST …/operations/actions/cancel → 202
// {"number_of_cancellations": n}; action is cancel_only or cancel_all_except.
func (c *Client) CancelOperations(ctx context.Context, accountID, action string, ops []OperationRef) (int, error) {
	var out struct {
		N int `json:"number_of_cancellations"`
	}
	err := c.batch(ctx, "cancel operations", accountID, "cancel", action, ops, []string{CancelOnly, CancelAllExcept}, &out)
	return out.N, err
}

func (c *Client) batch(ctx context.Context, op, accountID, verb, action string, ops []OperationRef, actions []string, out any) error {
	esc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return err
	}
	if err := checkRequired(op, "action", action); err != nil {
		return err
	}
	if err := checkOneOf(op, "action", action, actions...); err != nil {
		return err
	}
	switch {
	case len(ops) > maxBatchOperations:
		return fmt.Errorf("stone: %s: operations has %d entries, at most %d allowed", op, len(ops), maxBatchOperations)
	case len(ops) == 0 && action == actions[0]:
		// "only" with nothing is a no-op request; almost certainly a bug.
		return fmt.Errorf("stone: %s: operations must not be empty for %s", op, action)
	}
	seen := make(map[OperationRef]bool, len(ops))
	for i, o := range ops {
		field := fmt.Sprintf("operations[%d]", i)
		if err := checkRequired(op, field+".id", o.ID); err != nil {
			return err
		}
		if err := checkOperationType(op, field+".type", o.Type); err != nil {
			return err
		}
		if seen[o] {
			return fmt.Errorf("stone: %s: %s repeats %s %s", op, field, o.Type, o.ID)
		}
		seen[o] = true
	}
	if ops == nil {
		ops = []OperationRef{} // sent as [], not null
	}
	body := batchBody{Action: action, Operations: ops}
	path := "/accounts/" + esc + "/operations/actions/" + verb
	return c.do(ctx, call{op: op, method: http.MethodPost, path: path, body: body}, out)
}
