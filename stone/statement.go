package stone

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// statementTimeLayout is the ISO 8601 form Stone documents for
// start_datetime/end_datetime (always UTC, "Z", no fraction).
const statementTimeLayout = "2006-01-02T15:04:05Z"

// CounterPartyAccount is the other side's account in a statement entry.
type CounterPartyAccount struct {
	AccountCode     string `json:"account_code"`
	BranchCode      string `json:"branch_code"`
	Institution     string `json:"institution"` // ISPB
	InstitutionName string `json:"institution_name"`
}

// CounterPartyEntity is the other side's owner; Document and DocumentType
// appear on external entries only.
type CounterPartyEntity struct {
	Name         string `json:"name"`
	Document     string `json:"document"`
	DocumentType string `json:"document_type"`
}

// CounterParty is the other side of a statement entry.
type CounterParty struct {
	Account CounterPartyAccount `json:"account"`
	Entity  CounterPartyEntity  `json:"entity"`
}

// StatementEntry is one statement line. Amount is signed (negative for a
// debit) and equals OperationAmount + FeeAmount; BalanceAfter =
// BalanceBefore + Amount.
type StatementEntry struct {
	ID              string        `json:"id"`
	Amount          int64         `json:"amount"`
	BalanceBefore   int64         `json:"balance_before"`
	BalanceAfter    int64         `json:"balance_after"`
	FeeAmount       int64         `json:"fee_amount"`
	OperationAmount int64         `json:"operation_amount"`
	Operation       string        `json:"operation"` // credit|debit
	Type            string        `json:"type"`
	Status          string        `json:"status"`
	Description     string        `json:"description"`
	OperationID     string        `json:"operation_id"`
	CounterParty    *CounterParty `json:"counter_party"`
	CreatedAt       time.Time     `json:"created_at"`
	ScheduledAt     *string       `json:"scheduled_at"`
	ScheduledTo     *string       `json:"scheduled_to"`

	// Entries of external transfers (§4, objetos do extrato) add these.
	DelayedToNextBusinessDay bool   `json:"delayed_to_next_business_day"`
	RefundReasonCode         Code   `json:"refund_reason_code"`
	RefundReasonDescription  string `json:"refund_reason_description"`
	ScheduledToEffective     string `json:"scheduled_to_effective"`
	ScheduledToRequested     string `json:"scheduled_to_requested"`
	// Entries of barcode payments add the document's lines and details,
	// kept raw: their shape is the dry run's details object.
	Barcode      string          `json:"barcode"`
	WritableLine string          `json:"writable_line"`
	Details      json.RawMessage `json:"details"`
}

// StatementPage is one page of an account statement.
type StatementPage struct {
	Cursor Cursor           `json:"cursor"`
	Data   []StatementEntry `json:"data"`
}

// StatementParams filters a statement; zero values are not sent.
type StatementParams struct {
	Limit     int
	After     string
	Before    string
	Start     time.Time // sent as start_datetime, UTC "2006-01-02T15:04:05Z"
	End       time.Time // sent as end_datetime
	Types     []string  // type[]=... repeated
	Operation string    // credit|debit
}

func (p StatementParams) query(op string) (url.Values, error) {
	q := url.Values{}
	if p.Limit < 0 {
		return nil, fmt.Errorf("stone: %s: limit must not be negative, got %d", op, p.Limit)
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	setIf(q, "after", p.After)
	setIf(q, "before", p.Before)
	if !p.Start.IsZero() && !p.End.IsZero() && p.End.Before(p.Start) {
		return nil, fmt.Errorf("stone: %s: end %s is before start %s", op,
			p.End.UTC().Format(statementTimeLayout), p.Start.UTC().Format(statementTimeLayout))
	}
	if !p.Start.IsZero() {
		q.Set("start_datetime", p.Start.UTC().Format(statementTimeLayout))
	}
	if !p.End.IsZero() {
		q.Set("end_datetime", p.End.UTC().Format(statementTimeLayout))
	}
	for _, t := range p.Types {
		if t == "" {
			return nil, fmt.Errorf("stone: %s: types must not contain an empty type", op)
		}
		q.Add("type[]", t)
	}
	switch p.Operation {
	case "", "credit", "debit":
		setIf(q, "operation", p.Operation)
	default:
		return nil, fmt.Errorf("stone: %s: operation must be credit or debit, got %q", op, p.Operation)
	}
	return q, nil
}

// Statement fetches one page of an account's statement.
func (c *Client) Statement(ctx context.Context, accountID string, p StatementParams) (*StatementPage, error) {
	const op = "get statement"
	esc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	q, err := p.query(op)
	if err != nil {
		return nil, err
	}
	var page StatementPage
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/accounts/" + esc + "/statement", query: q}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// StatementEntries yields every entry from p onwards, following cursor.after
// until it is null. An error is yielded once, and ends the sequence.
func (c *Client) StatementEntries(ctx context.Context, accountID string, p StatementParams) iter.Seq2[StatementEntry, error] {
	return func(yield func(StatementEntry, error) bool) {
		for {
			page, err := c.Statement(ctx, accountID, p)
			if err != nil {
				yield(StatementEntry{}, err)
				return
			}
			for _, e := range page.Data {
				if !yield(e, nil) {
					return
				}
			}
			next := page.Cursor.After
			if next == nil || *next == "" {
				return
			}
			// A server that hands back the cursor it was given would keep
			// us looping forever; treat it as an error instead.
			if *next == p.After {
				yield(StatementEntry{}, fmt.Errorf("stone: get statement: cursor %q did not advance", *next))
				return
			}
			p.After, p.Before = *next, ""
		}
	}
}
