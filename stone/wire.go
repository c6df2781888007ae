package stone

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Formats Stone documents for request fields (stone-api.md §5). Compiled
// once: they are constants in all but syntax.
var (
	reExternalAccountCode = regexp.MustCompile(`^[1-9]\d{1,19}$`)
	reBranchCode          = regexp.MustCompile(`^\d{1,4}$`)
	rePixBranchCode       = regexp.MustCompile(`^\d{4}$`)
	reInstitutionCode     = regexp.MustCompile(`^(\d{8}|\d{3})$`)
	reISPB                = regexp.MustCompile(`^\d{8}$`)
	rePixTransactionID    = regexp.MustCompile(`^[a-zA-Z0-9]{1,25}$|^[a-zA-Z0-9]{26,35}$`)
	rePixInvoiceTxID      = regexp.MustCompile(`^[a-zA-Z0-9]{26,35}$`)
	rePhoneKey            = regexp.MustCompile(`^\+[1-9]\d{1,14}$`)
	reDecimal             = regexp.MustCompile(`^\d+(\.\d+)?$`)
)

// PageParams are Stone's cursor parameters (stone-api.md §4.1); zero values
// are not sent.
type PageParams struct {
	Limit  int
	After  string
	Before string
}

func (p PageParams) set(op string, q url.Values) error {
	if p.Limit < 0 {
		return fmt.Errorf("stone: %s: limit must not be negative, got %d", op, p.Limit)
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	setIf(q, "after", p.After)
	setIf(q, "before", p.Before)
	return nil
}

// Code is a reason code (failure_reason_code, refund_reason_code, ...).
// Stone's examples show these as strings ("1") and its docs list them as
// numbers; Code accepts both, and null, so one inconsistent field cannot
// fail a whole response.
type Code string

// UnmarshalJSON accepts a JSON string, number or null.
func (c *Code) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if isNull(b) {
		*c = ""
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		*c = Code(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("code: want a string or a number, got %s", truncate(string(b), 40))
	}
	*c = Code(n.String())
	return nil
}

// FlexInt is an integer Stone sometimes sends as a string ("amount":
// "100" in the PIX invoice example); null decodes as 0.
type FlexInt int64

// UnmarshalJSON accepts a JSON number, a string holding an integer, or null.
func (n *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if isNull(b) {
		*n = 0
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		b = []byte(strings.TrimSpace(s))
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("integer: got %s", truncate(string(b), 40))
	}
	*n = FlexInt(v)
	return nil
}

// idempotencyHeader builds the header for a financial POST.
func (c *Client) idempotencyHeader(op, key string) (http.Header, error) {
	k, err := c.idempotencyKey(op, key)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set(IdempotencyHeader, k)
	return h, nil
}

// action POSTs to /<collection>/<id>/<verb> with no body: Stone's approve,
// reject and cancel endpoints, which answer 204 (stone-api.md §5.6). None of
// them documents an idempotency key, so none is sent.
func (c *Client) action(ctx context.Context, op, collection, id, verb string) error {
	esc, err := escapeID(op, "id", id)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodPost, path: "/" + collection + "/" + esc + "/" + verb}, nil)
}

// checkDate checks a yyyy-mm-dd field (optional when empty).
func checkDate(op, field, v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return fmt.Errorf("stone: %s: %s must be yyyy-mm-dd, got %q", op, field, v)
	}
	return nil
}

// checkRequired rejects an empty or blank field.
func checkRequired(op, field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("stone: %s: %s is required", op, field)
	}
	return nil
}

// checkMatch checks v against a documented pattern (optional when empty).
func checkMatch(op, field, v string, re *regexp.Regexp) error {
	if v != "" && !re.MatchString(v) {
		return fmt.Errorf("stone: %s: %s must match %s, got %q", op, field, re, v)
	}
	return nil
}

// checkOneOf checks v against the documented values (optional when empty).
func checkOneOf(op, field, v string, allowed ...string) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("stone: %s: %s must be one of %s, got %q", op, field, strings.Join(allowed, "|"), v)
}

// checkDocument checks a CPF/CNPJ: digits only, 11 digits for cpf and 14 for
// cnpj; with no type either length is accepted.
func checkDocument(op, field, doc, docType string) error {
	if err := checkRequired(op, field, doc); err != nil {
		return err
	}
	if !isDigits(doc) {
		return fmt.Errorf("stone: %s: %s must contain digits only, got %q", op, field, doc)
	}
	switch {
	case docType == "cpf" && len(doc) != 11:
		return fmt.Errorf("stone: %s: %s is a cpf and must have 11 digits, got %d", op, field, len(doc))
	case docType == "cnpj" && len(doc) != 14:
		return fmt.Errorf("stone: %s: %s is a cnpj and must have 14 digits, got %d", op, field, len(doc))
	case docType == "" && len(doc) != 11 && len(doc) != 14:
		return fmt.Errorf("stone: %s: %s must have 11 (cpf) or 14 (cnpj) digits, got %d", op, field, len(doc))
	}
	return nil
}

// CashOut is what every cash-out (internal transfer, TED, barcode payment)
// shares: one approval lifecycle (stone-api.md §3.5, §5.6), CREATED until
// the owner decides on a consented account, then APPROVED or SCHEDULED and
// FINISHED or FAILED, or REJECTED, CANCELLED, EXPIRED. Embedded, its
// fields read and decode as the resource's own.
type CashOut struct {
	ID                       string     `json:"id"`
	AccountID                string     `json:"account_id"`
	Amount                   int64      `json:"amount"`
	Fee                      int64      `json:"fee"`
	Status                   string     `json:"status"`
	CreatedBy                string     `json:"created_by"`
	ApprovedBy               string     `json:"approved_by"`
	RejectedBy               string     `json:"rejected_by"`
	FailureReasonCode        Code       `json:"failure_reason_code"` // "1" for lack of funds; a string or a number on the wire
	FailureReasonDescription string     `json:"failure_reason_description"`
	CreatedAt                time.Time  `json:"created_at"`
	ApprovedAt               *time.Time `json:"approved_at"`
	FinishedAt               *time.Time `json:"finished_at"`
	FailedAt                 *time.Time `json:"failed_at"`
	RejectedAt               *time.Time `json:"rejected_at"`
	CancelledAt              *time.Time `json:"cancelled_at"`
	ApprovalExpiredAt        *time.Time `json:"approval_expired_at"`
}
