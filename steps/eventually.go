package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/openbank-homolog/homolog/check"
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

// isFinalFor reports whether reaching status rules out ever reaching want.
// SETTLED can still become REFUNDED (PIX), FINISHED can become REFUNDED
// (TED), so those pairs keep waiting.
func isFinalFor(status, want string) bool {
	if want == "REFUNDED" && (status == "SETTLED" || status == "FINISHED") {
		return false
	}
	return true
}

// poll calls read until it says stop, or the session's Wait passes. It
// returns the records of every read, for the check that judges them, and
// whether the wait ran out.
func (w *World) poll(ctx context.Context, read func(context.Context) (stop bool)) ([]check.Record, bool) {
	ctx, cancel := context.WithTimeout(ctx, w.s.cfg.Wait)
	defer cancel()
	ctx, tape := check.WithTape(ctx)
	t := time.NewTicker(w.s.cfg.Poll)
	defer t.Stop()
	for {
		if read(ctx) {
			return tape.Records(), false
		}
		select {
		case <-ctx.Done():
			return tape.Records(), true
		case <-t.C:
		}
	}
}

// awaitStatus reads an operation (transfer, TED, PIX payment, payment,
// boleto) until it has status want or ends elsewhere, then judges the
// reads with the status check; code, when not "", is the failure reason
// code want requires.
func (w *World) awaitStatus(ctx context.Context, what, id, want, code string, get func(context.Context) (string, error)) error {
	recs, timedOut := w.poll(ctx, func(ctx context.Context) bool {
		status, err := get(ctx)
		return err == nil && (status == want || final(status) && isFinalFor(status, want))
	})
	w.last = recs
	p := params("status", want, "what", what+" "+id)
	if code != "" {
		p["failure_reason_code"] = code
	}
	err := w.verify(ctx, check.Status, p, check.Inputs{"reads": recs})
	if err != nil && timedOut {
		return fmt.Errorf("%w (waited %s)", err, w.s.cfg.Wait)
	}
	return err
}

// oneDebit reads the debits of the statement of the account the operation
// (its creation records) was made on, and checks that the operation
// appears there exactly once, as a debit of amount plus its fee.
func (w *World) oneDebit(ctx context.Context, opRecs []check.Record, accountID string, amount int64) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		for _, err := range w.s.cfg.Client.StatementEntries(ctx, accountID, stone.StatementParams{Limit: 100, Operation: "debit"}) {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.OneDebit, params("amount", amount), check.Inputs{"operation": opRecs, "statement": recs})
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
