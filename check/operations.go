package check

import (
	"encoding/json"
	"fmt"
	"strings"
)

// what names the subject of a check in messages ("transfer", "TED").
func what(p Params) string {
	if w := p["what"]; w != "" {
		return w
	}
	return "operation"
}

// created: the creation (role "response") was accepted with an id and
// status param "status"; when the request named an amount, the response
// carries the same amount.
func created(p Params, in Inputs) error {
	var op operation
	r, err := in.answer("response", &op)
	if err != nil {
		return err
	}
	if op.ID == "" {
		return fmt.Errorf("%s: the %s has no id", where(r), what(p))
	}
	if want := p["status"]; op.Status != want {
		return fmt.Errorf("%s: %s %s has status %q, want %q", where(r), what(p), op.ID, op.Status, want)
	}
	var req struct {
		Amount *int64 `json:"amount"`
	}
	if json.Unmarshal(r.HTTP.RequestBody, &req) == nil && req.Amount != nil && *req.Amount != op.Amount {
		return fmt.Errorf("%s: %s %s has amount %d, the request sent %d", where(r), what(p), op.ID, op.Amount, *req.Amount)
	}
	return nil
}

// status: the last successful read of role "reads" shows status param
// "status" (and failure_reason_code param "failure_reason_code", when
// given). Earlier reads show the way it went.
func status(p Params, in Inputs) error {
	want := p["status"]
	var seen []string
	var last *operation
	var lastRec Record
	for _, r := range in.http("reads") {
		if r.HTTP.Status/100 != 2 {
			continue
		}
		var op operation
		if err := decode(r, &op); err != nil {
			return err
		}
		if len(seen) == 0 || seen[len(seen)-1] != op.Status {
			seen = append(seen, op.Status)
		}
		last, lastRec = &op, r
	}
	if last == nil {
		if rs := in.http("reads"); len(rs) > 0 {
			return fmt.Errorf("the %s could not be read: %w", what(p), ok2xx(rs[len(rs)-1]))
		}
		return fmt.Errorf("the %s was never read", what(p))
	}
	if last.Status != want {
		reason := strings.TrimSpace(last.FailureReason + " " + last.RefundReason)
		if reason != "" {
			reason = " (" + reason + ")"
		}
		return fmt.Errorf("%s: %s %s has status %q%s after %d reads (%s), want %q",
			where(lastRec), what(p), last.ID, last.Status, reason, len(in.http("reads")), strings.Join(seen, " → "), want)
	}
	if code, ok := p["failure_reason_code"]; ok {
		if got := rawString(last.FailureReasonCode); got != code {
			return fmt.Errorf("%s: %s %s has failure_reason_code %q (%s), want %q", where(lastRec), what(p), last.ID, got, last.FailureReason, code)
		}
	}
	return nil
}

// sameOperation: the request sent again with the same idempotency key
// (role "again") answered with the operation the first one (role
// "first") created: same id, same amount (stone-api.md §5.10).
func sameOperation(p Params, in Inputs) error {
	var ops [2]operation
	var recs [2]Record
	for i, role := range []string{"first", "again"} {
		r, err := in.last(role)
		if err != nil {
			return err
		}
		if err := ok2xx(r); err != nil {
			return err
		}
		if err := decode(r, &ops[i]); err != nil {
			return err
		}
		recs[i] = r
	}
	if key0, key1 := header(recs[0].HTTP.RequestHeaders, "x-stone-idempotency-key"), header(recs[1].HTTP.RequestHeaders, "x-stone-idempotency-key"); key0 == "" || key0 != key1 {
		return fmt.Errorf("%s and %s were not sent with the same idempotency key (%q, %q)", where(recs[0]), where(recs[1]), key0, key1)
	}
	if ops[0].ID != ops[1].ID || ops[0].Amount != ops[1].Amount {
		return fmt.Errorf("the replay (%s) answered %s %s (%d), the first request (%s) %s (%d): the key did not protect against a double payment",
			where(recs[1]), what(p), ops[1].ID, ops[1].Amount, where(recs[0]), ops[0].ID, ops[0].Amount)
	}
	return nil
}

// dryRunAmount: the dry run (role "response") describes an operation of
// param "amount".
func dryRunAmount(p Params, in Inputs) error {
	want, err := p.Int("amount")
	if err != nil {
		return err
	}
	var op operation
	r, err := in.answer("response", &op)
	if err != nil {
		return err
	}
	if op.Amount != want {
		return fmt.Errorf("%s: the dry run describes %d centavos, want %d", where(r), op.Amount, want)
	}
	return nil
}

// pendingApproval: the operation (role "operation") is among the
// account's operations waiting for approval (role "pending",
// stone-api.md §5.6).
func pendingApproval(p Params, in Inputs) error {
	r, err := in.last("operation")
	if err != nil {
		return err
	}
	var op operation
	if err := decode(r, &op); err != nil {
		return err
	}
	l, err := in.last("pending")
	if err != nil {
		return err
	}
	if err := ok2xx(l); err != nil {
		return err
	}
	var page struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := decode(l, &page); err != nil {
		return err
	}
	for _, o := range page.Data {
		if o.ID == op.ID {
			return nil
		}
	}
	return fmt.Errorf("%s: %s %s is not among the %d operations waiting for approval", where(l), what(p), op.ID, len(page.Data))
}
