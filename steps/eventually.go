package steps

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/stone"
)

// final reports statuses that never change again (but see isFinalFor):
// waiting for another status past them is pointless.
func final(status string) bool {
	switch status {
	case "FINISHED", "FAILED", "REJECTED", "CANCELLED", "EXPIRED", "SETTLED", "REFUNDED":
		return true
	}
	return false
}

// eventually polls get until it reports status want, failing early when a
// final status other than want is reached and after the session's Wait.
// get returns the status and a reason to show if it ends elsewhere.
func (s *Session) eventually(ctx context.Context, what, want string, get func(context.Context) (status, reason string, err error)) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Wait)
	defer cancel()
	t := time.NewTicker(s.cfg.Poll)
	defer t.Stop()
	last, lastErr := "unknown", error(nil)
	for {
		status, reason, err := get(ctx)
		lastErr = err
		if err == nil {
			last = status
			if status == want {
				return nil
			}
			if final(status) && isFinalFor(status, want) {
				if reason != "" {
					reason = " (" + reason + ")"
				}
				return fmt.Errorf("%s ended %s%s, want %s", what, status, reason, want)
			}
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return fmt.Errorf("%s: still %s after %s, want %s: %w", what, last, s.cfg.Wait, want, lastErr)
			}
			return fmt.Errorf("%s: still %s after %s, want %s", what, last, s.cfg.Wait, want)
		case <-t.C:
		}
	}
}

// isFinalFor reports whether reaching status rules out ever reaching want.
// SETTLED can still become REFUNDED (PIX), FINISHED can become REFUNDED
// (TED), so those pairs keep waiting.
func isFinalFor(status, want string) bool {
	if want == "REFUNDED" && (status == "SETTLED" || status == "FINISHED") {
		return false
	}
	return true
}

// oneDebit checks that the statement of accountID shows operation opID as
// exactly one debit of amount (plus its fee), with consistent balances.
func (s *Session) oneDebit(ctx context.Context, accountID, opID string, amount int64) error {
	var found []stone.StatementEntry
	for e, err := range s.cfg.Client.StatementEntries(ctx, accountID, stone.StatementParams{Limit: 100, Operation: "debit"}) {
		if err != nil {
			return err
		}
		if e.OperationID == opID {
			found = append(found, e)
		}
	}
	switch {
	case len(found) == 0:
		return fmt.Errorf("no statement entry for operation %s", opID)
	case len(found) > 1:
		ids := make([]string, len(found))
		for i, e := range found {
			ids[i] = e.ID
		}
		return fmt.Errorf("operation %s appears %d times in the statement (%s): it was paid more than once", opID, len(found), strings.Join(ids, ", "))
	}
	e := found[0]
	if e.Amount != -(amount+e.FeeAmount) || e.OperationAmount != amount {
		return fmt.Errorf("entry %s: amount %d, operation_amount %d, fee %d; want a debit of %d", e.ID, e.Amount, e.OperationAmount, e.FeeAmount, amount)
	}
	if e.BalanceAfter != e.BalanceBefore+e.Amount {
		return fmt.Errorf("entry %s: balance_after %d != balance_before %d + amount %d", e.ID, e.BalanceAfter, e.BalanceBefore, e.Amount)
	}
	return nil
}

// nextBusinessDay is the first business day after today (Brasília time)
// that the scheduling calendar allows for opType.
func (s *Session) nextBusinessDay(ctx context.Context, opType string) (string, error) {
	cal, err := s.cfg.Client.SchedulingCalendar(ctx, stone.CalendarParams{OperationType: opType})
	if err != nil {
		return "", err
	}
	closed := map[string]bool{}
	for _, d := range cal.NonBusinessDays {
		closed[d.Date] = true
	}
	brt := time.FixedZone("BRT", -3*60*60)
	day := s.cfg.Now().In(brt).AddDate(0, 0, 1)
	for range 30 {
		date := day.Format(time.DateOnly)
		if !closed[date] && date >= cal.NextAvailableExecutionDate && (cal.ExecutionLimitDate == "" || date <= cal.ExecutionLimitDate) {
			return date, nil
		}
		day = day.AddDate(0, 0, 1)
	}
	return "", fmt.Errorf("the %s calendar offers no business day in the next 30 days (next available %s)", opType, cal.NextAvailableExecutionDate)
}
