package simulator

import (
	"net/http"
	"slices"
	"time"
)

// brasilia is Stone's business time zone (no daylight saving since 2019):
// a transfer scheduled_to a date runs at the start of that day there.
func brasilia() *time.Location { return time.FixedZone("BRT", -3*60*60) }

// approve moves a CREATED transfer to APPROVED (or SCHEDULED when scheduled_to
// is a future day) and queues its execution.
func (st *store) approve(t *transfer, by string, now time.Time, finishAfter time.Duration) {
	t.ApprovedAt, t.ApprovedBy = tsPtr(now), strPtr(by)
	t.Status, t.due = "APPROVED", now.Add(finishAfter)
	if t.ScheduledTo != nil {
		day, err := time.ParseInLocation(time.DateOnly, *t.ScheduledTo, brasilia())
		// A date that is today or past executes now, as Stone does.
		if err == nil && day.After(now) {
			t.Status, t.due = "SCHEDULED", day
		}
	}
	st.pending = append(st.pending, t)
}

func (st *store) reject(t *transfer, by string, now time.Time) {
	t.Status, t.RejectedAt, t.RejectedBy = "REJECTED", tsPtr(now), strPtr(by)
}

// settleDue executes every queued transfer whose time has come, oldest due
// first, stamping each with its due time rather than the time of the request
// that noticed it: the ledger then reads as if a real scheduler had run.
func (st *store) settleDue(now time.Time) {
	now = st.stamp(now)
	var due, waiting []*transfer
	for _, t := range st.pending {
		if t.due.After(now) {
			waiting = append(waiting, t)
		} else {
			due = append(due, t)
		}
	}
	if len(due) == 0 {
		return
	}
	st.pending = waiting
	slices.SortFunc(due, func(a, b *transfer) int {
		if c := a.due.Compare(b.due); c != 0 {
			return c
		}
		return int(a.seq - b.seq)
	})
	for _, t := range due {
		st.execute(t)
	}
}

// execute settles one transfer. Lack of funds is an outcome, not an HTTP
// error: the transfer was accepted long before it ran.
func (st *store) execute(t *transfer) {
	src, dst := st.accounts[t.AccountID], st.accounts[t.targetID]
	if src.balance < t.Amount {
		t.Status, t.FailedAt = "FAILED", tsPtr(t.due)
		t.FailureReasonCode, t.FailureReasonDescription = strPtr("1"), strPtr("Saldo insuficiente.")
		return
	}
	st.move(src, dst, t.Amount, t.due, t.Description, t.ID)
	t.Status, t.FinishedAt = "FINISHED", tsPtr(t.due)
}

// scheduledFrom is the balance committed to scheduled transfers of an account.
func (st *store) scheduledFrom(accountID string) int64 {
	var sum int64
	for _, t := range st.pending {
		if t.AccountID == accountID && t.Status == "SCHEDULED" {
			sum += t.Amount
		}
	}
	return sum
}

// ownerDecision is what the account owner does in Stone's app ("Aprovar
// transações"): only a CREATED transfer can be approved or rejected.
func (s *Simulator) ownerDecision(w http.ResponseWriter, r *http.Request, rc *reqCtx, approve bool) {
	s.withStore(w, func(st *store) reply {
		t, ok := st.transfers[r.PathValue("id")]
		if !ok {
			return notFound()
		}
		if t.Status != "CREATED" {
			return jsonReply(http.StatusConflict, srnError{Type: "srn:error:conflict",
				Reason: "internal transfer is " + t.Status + ", only CREATED transfers await the owner's decision"})
		}
		owner, now := st.accounts[t.AccountID].OwnerID, st.stamp(rc.now)
		if approve {
			st.approve(t, owner, now, s.finishAfter)
		} else {
			st.reject(t, owner, now)
		}
		return reply{status: http.StatusNoContent}
	})
}
