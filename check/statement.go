package check

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

type entry struct {
	ID              string    `json:"id"`
	Amount          int64     `json:"amount"`
	BalanceBefore   int64     `json:"balance_before"`
	BalanceAfter    int64     `json:"balance_after"`
	OperationID     string    `json:"operation_id"`
	OperationAmount int64     `json:"operation_amount"`
	FeeAmount       int64     `json:"fee_amount"`
	CreatedAt       time.Time `json:"created_at"`
}

type statementPage struct {
	Cursor struct {
		After *string `json:"after"`
	} `json:"cursor"`
	Data []entry `json:"data"`
}

// page is one statement page as read: the record, what was asked and what
// came back.
type page struct {
	rec   Record
	after string // the cursor the request sent
	limit string
	body  statementPage
}

// pages reads every successful statement page of a role, in order. A
// failed call fails the check: its entries are unknown.
func pages(in Inputs, role string) ([]page, error) {
	recs := in.http(role)
	if len(recs) == 0 {
		return nil, fmt.Errorf("no statement page was recorded")
	}
	var out []page
	for i, r := range recs {
		if r.HTTP.Status/100 != 2 {
			if i == len(recs)-1 || r.HTTP.Status != 429 && r.HTTP.Status != 503 && r.HTTP.Status != 0 {
				return nil, ok2xx(r)
			}
			continue // an attempt that was retried
		}
		pg := page{rec: r}
		if u, err := url.Parse(r.HTTP.URL); err == nil {
			pg.after, pg.limit = u.Query().Get("after"), u.Query().Get("limit")
		}
		if err := decode(r, &pg.body); err != nil {
			return nil, err
		}
		out = append(out, pg)
	}
	return out, nil
}

func entriesOf(ps []page) []entry {
	var out []entry
	for _, p := range ps {
		out = append(out, p.body.Data...)
	}
	return out
}

// statementPages: the statement (role "pages") was walked by its cursor,
// param "limit" entries at a time, over more than one page, to its end
// (stone-api.md §4.1): each request sends the cursor the page before it
// returned, no page holds more than the limit, the last has no cursor.
func statementPages(p Params, in Inputs) error {
	limit, err := p.Int("limit")
	if err != nil {
		return err
	}
	ps, err := pages(in, "pages")
	if err != nil {
		return err
	}
	prev := ""
	for i, pg := range ps {
		if pg.after != prev {
			if i == 0 {
				return fmt.Errorf("%s: the first page was asked after cursor %q; the walk must start at the newest entry", where(pg.rec), pg.after)
			}
			return fmt.Errorf("%s: asked after cursor %q, but the page before returned %q: the walk skipped or repeated a page", where(pg.rec), pg.after, prev)
		}
		if n := len(pg.body.Data); int64(n) > limit {
			return fmt.Errorf("%s: page %d has %d entries, more than the limit %d", where(pg.rec), i+1, n, limit)
		}
		if pg.body.Cursor.After != nil {
			prev = *pg.body.Cursor.After
		} else {
			prev = ""
		}
	}
	if prev != "" {
		return fmt.Errorf("%s: the last page read still has a cursor (%q): the statement was not read to its end", where(ps[len(ps)-1].rec), prev)
	}
	if len(ps) < 2 {
		return fmt.Errorf("the statement had %d page(s) of %d entries: pagination was not exercised", len(ps), len(entriesOf(ps)))
	}
	return nil
}

// statementEntriesOnce: no entry appears twice across the pages (role
// "pages"), and the statement is not empty.
func statementEntriesOnce(_ Params, in Inputs) error {
	ps, err := pages(in, "pages")
	if err != nil {
		return err
	}
	seen := map[string]int{}
	for i, e := range entriesOf(ps) {
		if j, dup := seen[e.ID]; dup {
			return fmt.Errorf("entry %s appears at positions %d and %d of the statement", e.ID, j+1, i+1)
		}
		seen[e.ID] = i
	}
	if len(seen) == 0 {
		return fmt.Errorf("the statement is empty")
	}
	return nil
}

// statementEntriesBalanced: every entry has balance_after =
// balance_before + amount (stone-api.md §4, entry semantics).
func statementEntriesBalanced(_ Params, in Inputs) error {
	ps, err := pages(in, "pages")
	if err != nil {
		return err
	}
	var bad []string
	for _, e := range entriesOf(ps) {
		if e.BalanceAfter != e.BalanceBefore+e.Amount {
			bad = append(bad, fmt.Sprintf("%s: %d + %d != %d", e.ID, e.BalanceBefore, e.Amount, e.BalanceAfter))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d entries break balance_after = balance_before + amount: %s", len(bad), strings.Join(bad, "; "))
	}
	return nil
}

// statementChain: consecutive entries chain — each entry starts where the
// next older one ended (its balance_before is that entry's balance_after),
// so no movement is missing between them. The statement lists the newest
// first; entries listed oldest first are chained the other way.
func statementChain(_ Params, in Inputs) error {
	ps, err := pages(in, "pages")
	if err != nil {
		return err
	}
	es := entriesOf(ps)
	if len(es) < 2 {
		return fmt.Errorf("the statement has %d entries: nothing to chain", len(es))
	}
	oldestFirst := es[0].CreatedAt.Before(es[len(es)-1].CreatedAt)
	for i := 0; i+1 < len(es); i++ {
		newer, older := es[i], es[i+1]
		if oldestFirst {
			newer, older = older, newer
		}
		if newer.BalanceBefore != older.BalanceAfter {
			return fmt.Errorf("the statement does not chain: entry %s starts at balance_before %d but the older entry %s ended at balance_after %d (a movement is missing or a balance is wrong)",
				newer.ID, newer.BalanceBefore, older.ID, older.BalanceAfter)
		}
	}
	return nil
}

// operation is what checks read of any cash-out: transfer, TED, payment,
// PIX payment.
type operation struct {
	ID                string          `json:"id"`
	AccountID         string          `json:"account_id"`
	Amount            int64           `json:"amount"`
	Status            string          `json:"status"`
	FailureReasonCode json.RawMessage `json:"failure_reason_code"`
	FailureReason     string          `json:"failure_reason_description"`
	RefundReason      string          `json:"refund_reason_description"`
}

// oneDebit: the statement (role "statement", the account's debits) shows
// the operation (role "operation") exactly once, as a debit of param
// "amount" plus its fee, with consistent balances. Twice means it was
// paid twice.
func oneDebit(p Params, in Inputs) error {
	amount, err := p.Int("amount")
	if err != nil {
		return err
	}
	r, err := in.last("operation")
	if err != nil {
		return err
	}
	var op operation
	if err := decode(r, &op); err != nil {
		return err
	}
	if op.ID == "" {
		return fmt.Errorf("%s: the operation has no id", where(r))
	}
	ps, err := pages(in, "statement")
	if err != nil {
		return err
	}
	for _, pg := range ps {
		if op.AccountID != "" && !strings.Contains(pg.rec.HTTP.URL, "/accounts/"+op.AccountID+"/statement") {
			return fmt.Errorf("%s is not the statement of account %s, where operation %s was made", where(pg.rec), op.AccountID, op.ID)
		}
	}
	var found []entry
	for _, e := range entriesOf(ps) {
		if e.OperationID == op.ID {
			found = append(found, e)
		}
	}
	switch {
	case len(found) == 0:
		return fmt.Errorf("no statement entry for operation %s", op.ID)
	case len(found) > 1:
		ids := make([]string, len(found))
		for i, e := range found {
			ids[i] = e.ID
		}
		return fmt.Errorf("operation %s appears %d times in the statement (%s): it was paid more than once", op.ID, len(found), strings.Join(ids, ", "))
	}
	e := found[0]
	if e.Amount != -(amount+e.FeeAmount) || e.OperationAmount != amount {
		return fmt.Errorf("entry %s: amount %d, operation_amount %d, fee %d; want a debit of %d plus the fee", e.ID, e.Amount, e.OperationAmount, e.FeeAmount, amount)
	}
	if e.BalanceAfter != e.BalanceBefore+e.Amount {
		return fmt.Errorf("entry %s: balance_after %d != balance_before %d + amount %d", e.ID, e.BalanceAfter, e.BalanceBefore, e.Amount)
	}
	return nil
}

// balanceAgrees: the balance equals the balance_after of the newest
// statement entry. Each round reads the balance (role "before"), the
// newest entry (role "statement") and the balance again (role "after");
// only a round in which the balance did not move meanwhile counts, since
// other operations may run at the same time.
//
// It compares with "balance" alone, not balance + blocked_balance:
// stone-api.md §4 defines balance as the free balance and lists
// balance_blocked and balance_unblocked among the statement's entry types,
// so blocking money is itself a statement movement and the statement's
// running balance is the free balance.
func balanceAgrees(_ Params, in Inputs) error {
	before, stmt, after := in.http("before"), in.http("statement"), in.http("after")
	n := min(len(before), len(stmt), len(after))
	if n == 0 {
		return fmt.Errorf("no round of balance, statement and balance was recorded")
	}
	var disagree error
	for i := range n {
		var b1, b2 balance
		var pg statementPage
		for _, x := range []struct {
			r Record
			v any
		}{{before[i], &b1}, {stmt[i], &pg}, {after[i], &b2}} {
			if err := ok2xx(x.r); err != nil {
				return err
			}
			if err := decode(x.r, x.v); err != nil {
				return err
			}
		}
		if b1.Balance == nil || b2.Balance == nil {
			return fmt.Errorf("%s: the balance has no \"balance\"", where(after[i]))
		}
		if *b1.Balance != *b2.Balance {
			continue // money moved during the round
		}
		if len(pg.Data) == 0 {
			return fmt.Errorf("%s: the account has a balance of %d but an empty statement", where(stmt[i]), *b2.Balance)
		}
		newest := pg.Data[0]
		if newest.BalanceAfter == *b2.Balance {
			return nil
		}
		disagree = fmt.Errorf("balance is %d (%s) but the newest statement entry %s ends at balance_after %d (%s)",
			*b2.Balance, where(after[i]), newest.ID, newest.BalanceAfter, where(stmt[i]))
	}
	if disagree != nil {
		return disagree
	}
	return fmt.Errorf("the balance changed during each of the %d rounds in which the statement was read: no moment to compare", n)
}
