package stone

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Cursor is Stone's pagination cursor (stone-api.md §4.1); After is nil on
// the last page.
type Cursor struct {
	After  *string `json:"after"`
	Before *string `json:"before"`
	Limit  int     `json:"limit"`
}

// Account is a payment account the application can access, its own or one
// consented by its owner.
type Account struct {
	ID                 string    `json:"id"`
	AccountCode        string    `json:"account_code"`
	BranchCode         string    `json:"branch_code"`
	OwnerDocument      string    `json:"owner_document"`
	OwnerID            string    `json:"owner_id"` // "user:<uuid>" or "organization:<uuid>"
	OwnerName          string    `json:"owner_name"`
	CreatedAt          time.Time `json:"created_at"`
	RestrictedFeatures bool      `json:"restricted_features"`
}

// AccountPage is one page of GET /accounts.
type AccountPage struct {
	Cursor Cursor    `json:"cursor"`
	Data   []Account `json:"data"`
}

// Balance amounts are in centavos. Balance is the free balance; the total is
// Balance + BlockedBalance.
type Balance struct {
	Balance          int64 `json:"balance"`
	BlockedBalance   int64 `json:"blocked_balance"`
	ScheduledBalance int64 `json:"scheduled_balance"`
}

// ListAccountsParams selects the accounts page.
type ListAccountsParams struct {
	All    bool // false → ?paginate=true (what SDKs send, max 50); true → ?paginate=false
	After  string
	Before string
}

// ListAccounts lists the accounts the application can access (own and
// consented); this is how account ids are discovered after consent.
func (c *Client) ListAccounts(ctx context.Context, p ListAccountsParams) (*AccountPage, error) {
	q := url.Values{}
	if p.All {
		q.Set("paginate", "false")
	} else {
		q.Set("paginate", "true")
	}
	setIf(q, "after", p.After)
	setIf(q, "before", p.Before)
	var page AccountPage
	if err := c.do(ctx, call{op: "list accounts", method: http.MethodGet, path: "/accounts", query: q}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// Account fetches one account. Stone answers 403 srn:error:unauthorized for
// both unknown and unconsented ids.
func (c *Client) Account(ctx context.Context, id string) (*Account, error) {
	return getByID[Account](ctx, c, "get account", "account id", "/accounts/", id)
}

// Balance fetches an account's balance.
func (c *Client) Balance(ctx context.Context, accountID string) (*Balance, error) {
	const op = "get balance"
	esc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	var b Balance
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/accounts/" + esc + "/balance"}, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// setIf adds key=value only when value is set: Stone treats an empty cursor
// as a bad cursor, not as "no cursor".
func setIf(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}
