package stone

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Fee is what an operation type costs an account (stone-api.md §4). The
// free-quota fields appear only for some types, hence the pointers; Stone
// names them *_transfers for transfers and plain max_free/remaining_free
// for boletos.
type Fee struct {
	FeeType                     string `json:"fee_type"`
	Amount                      int64  `json:"amount"`
	OriginalFee                 *int64 `json:"original_fee"`
	BillingExemptionParticipant *bool  `json:"billing_exemption_participant"`
	MaxFreeTransfers            *int   `json:"max_free_transfers"`
	RemainingFreeTransfers      *int   `json:"remaining_free_transfers"`
	MaxFree                     *int   `json:"max_free"`
	RemainingFree               *int   `json:"remaining_free"`
}

// FeePage is GET /accounts/{id}/fees.
type FeePage struct {
	Cursor Cursor `json:"cursor"`
	Data   []Fee  `json:"data"`
}

// Fees lists an account's fees.
func (c *Client) Fees(ctx context.Context, accountID string) (*FeePage, error) {
	const op = "get fees"
	esc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	var page FeePage
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/accounts/" + esc + "/fees"}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// Fee fetches one fee type (internal_transfer, external_transfer,
// barcode_payment, barcode_payment_invoice, ...). The type is passed
// through: Stone's own list shows types its reference omits.
func (c *Client) Fee(ctx context.Context, accountID, feeType string) (*Fee, error) {
	const op = "get fee"
	esc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	ft, err := escapeID(op, "fee_type", feeType)
	if err != nil {
		return nil, err
	}
	var f Fee
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/accounts/" + esc + "/fees/" + ft}, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Institution contexts for Institutions.
const (
	InstitutionsSTR = "str" // TED participants (Stone's default)
	InstitutionsSPI = "spi" // PIX participants
	InstitutionsAll = "all"
)

// Institution is a bank or payment institution.
type Institution struct {
	ISPBCode       string `json:"ispb_code"`
	Name           string `json:"name"`
	NumberCode     string `json:"number_code"` // null for institutions outside STR
	ShortName      string `json:"short_name"`
	SPIParticipant *bool  `json:"spi_participant"`
}

// Institutions lists institutions: GET /institutions?context=str|spi|all;
// "" sends no context (Stone defaults to str). Stone documents a bare
// array; a {cursor, data} page is accepted too.
func (c *Client) Institutions(ctx context.Context, scope string) ([]Institution, error) {
	const op = "list institutions"
	if err := checkOneOf(op, "context", scope, InstitutionsSTR, InstitutionsSPI, InstitutionsAll); err != nil {
		return nil, err
	}
	q := url.Values{}
	setIf(q, "context", scope)
	resp, err := c.exchange(ctx, call{op: op, method: http.MethodGet, path: "/institutions", query: q})
	if err != nil {
		return nil, err
	}
	body := bytes.TrimSpace(resp.body)
	var list []Institution
	if len(body) > 0 && body[0] == '{' {
		var page struct {
			Data []Institution `json:"data"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, fmt.Errorf("stone: %s: decode response: %w", op, err)
		}
		return page.Data, nil
	}
	if err := decodeBody(op, resp, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// Institution fetches one institution by bank number (3 digits) or ISPB
// (8 digits).
func (c *Client) Institution(ctx context.Context, code string) (*Institution, error) {
	const op = "get institution"
	if err := checkRequired(op, "code", code); err != nil {
		return nil, err
	}
	if err := checkMatch(op, "code", code, reInstitutionCode); err != nil {
		return nil, err
	}
	var inst Institution
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/institutions/" + code}, &inst); err != nil {
		return nil, err
	}
	return &inst, nil
}

// StatementEntry fetches one statement entry: GET /statement/entries/{id}
// (the reference page; Postman nests it under /accounts/{id}/statement).
func (c *Client) StatementEntry(ctx context.Context, entryID string) (*StatementEntry, error) {
	return getByID[StatementEntry](ctx, c, "get statement entry", "entry id", "/statement/entries/", entryID)
}

// SchedulingPage is GET /accounts/{id}/schedulings: scheduled operations
// not yet settled, as statement-like entries (no balances).
type SchedulingPage struct {
	Cursor Cursor           `json:"cursor"`
	Data   []StatementEntry `json:"data"`
}

// Schedulings lists an account's pending scheduled operations.
func (c *Client) Schedulings(ctx context.Context, accountID string, p PageParams) (*SchedulingPage, error) {
	const op = "get schedulings"
	esc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if err := p.set(op, q); err != nil {
		return nil, err
	}
	var page SchedulingPage
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/accounts/" + esc + "/schedulings", query: q}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}
