package simulator

import (
	"net/http"
	"time"
)

// extTransfer is Stone's external transfer (TED) object (§5.2).
type extTransfer struct {
	lifecycle
	DelayedToNextBusinessDay bool      `json:"delayed_to_next_business_day"`
	RefundReasonCode         *string   `json:"refund_reason_code"`
	RefundReasonDescription  *string   `json:"refund_reason_description"`
	RefundedAt               *string   `json:"refunded_at"`
	ScheduledToEffective     *string   `json:"scheduled_to_effective"`
	ScheduledToRequested     *string   `json:"scheduled_to_requested"`
	Target                   extTarget `json:"target"`

	refundWith string // the receiving bank returns it with this code after it finishes
}

func extTransferStatuses() []string {
	return []string{"CREATED", "REJECTED", "EXPIRED", "APPROVED", "SCHEDULED", "DELAYED_TO_NEXT_BUSINESS_DAY",
		"FAILED", "FINISHED", "CANCELLED", "REFUNDED"}
}

func (t *extTransfer) spec() *opKind { return kindExternal() }

// plan applies the sandbox TED window (06:30–17:23 every day, Brasília): a
// future scheduled_to runs on that day, moved to the next business day when
// it is not one; inside the window it runs now; outside it is
// DELAYED_TO_NEXT_BUSINESS_DAY and runs when the window next opens on a
// business day.
func (t *extTransfer) plan(st *store, now time.Time) (string, time.Time) {
	today := dayOf(now)
	if t.ScheduledToRequested != nil {
		if day, err := parseDay(*t.ScheduledToRequested); err == nil && day.After(today) {
			eff := nextBusinessDay(day)
			t.ScheduledToEffective = strPtr(dateString(eff))
			return "SCHEDULED", eff.Add(tedOpens)
		}
	}
	if c := clockOf(now); c >= tedOpens && c < tedCloses {
		return "APPROVED", now.Add(st.step)
	}
	from := today
	if clockOf(now) >= tedOpens {
		from = today.AddDate(0, 0, 1)
	}
	eff := nextBusinessDay(from)
	t.DelayedToNextBusinessDay, t.ScheduledToEffective = true, strPtr(dateString(eff))
	return "DELAYED_TO_NEXT_BUSINESS_DAY", eff.Add(tedOpens)
}

func (t *extTransfer) counterParty() counterParty {
	var cp counterParty
	a := t.Target.Account
	cp.Account.AccountCode, cp.Account.Institution, cp.Account.InstitutionName = a.AccountCode, a.InstitutionISPB, a.InstitutionName
	if a.BranchCode != nil {
		cp.Account.BranchCode = *a.BranchCode
	}
	cp.Entity.Name, cp.Entity.Document, cp.Entity.DocumentType = t.Target.Entity.Name, t.Target.Entity.Document, t.Target.Entity.DocumentType
	return cp
}

func (t *extTransfer) entryExtra() map[string]any {
	return map[string]any{
		"delayed_to_next_business_day": t.DelayedToNextBusinessDay, "refund_reason_code": t.RefundReasonCode,
		"refund_reason_description": t.RefundReasonDescription, "scheduled_to_effective": t.ScheduledToEffective,
		"scheduled_to_requested": t.ScheduledToRequested,
	}
}

// run debits amount + fee and hands the TED to the other bank
// (execution_started); it finishes one step later, and a bank that returns
// it refunds it one step after that.
func (t *extTransfer) run(st *store, at time.Time) {
	src := st.accounts[t.AccountID]
	if src.balance < t.Amount+t.Fee {
		st.failOp(t, at, "1", tedFailure("1"))
		return
	}
	t.Status = "APPROVED" // running: no longer cancellable
	st.postEntry(src, posting{amount: -t.Amount, fee: t.Fee, cp: t.counterParty(), typ: "external", opID: t.ID, extra: t.entryExtra()}, at)
	st.opEvent(t, "execution_started", at)
	st.at(at.Add(st.step), func(at time.Time) {
		if t.Status != "APPROVED" {
			return
		}
		t.Status, t.FinishedAt, t.SettledAt = "FINISHED", tsPtr(at), tsPtr(at)
		st.opEvent(t, "finished", at)
		if t.refundWith != "" {
			st.at(at.Add(st.step), func(at time.Time) { st.refundTED(t, t.refundWith, at) })
		}
	})
}

// refundTED is the receiving bank returning a finished TED: the amount comes
// back (the fee does not) as an external_refund entry.
func (st *store) refundTED(t *extTransfer, code string, at time.Time) {
	if t.Status != "FINISHED" {
		return
	}
	desc := tedRefunds()[code]
	t.Status, t.RefundedAt = "REFUNDED", tsPtr(at)
	t.RefundReasonCode, t.RefundReasonDescription = strPtr(code), strPtr(desc)
	credit := st.postEntry(st.accounts[t.AccountID], posting{amount: t.Amount, cp: t.counterParty(), typ: "external_refund",
		desc: desc, opID: t.ID, extra: t.entryExtra()}, at)
	st.emit(&event{Type: "cash_in_external_transfer_refund", TargetType: "external_transfer_refund", TargetID: t.ID,
		AccountID: t.AccountID, Data: snapshot(t), DetailPath: kindExternal().detailPath + t.ID, StatementRef: credit.ID, At: at})
}

// handleCreateExternalTransfer accepts a TED (202) after validating the body,
// the institution (not Stone) and the schedule.
func (s *Simulator) handleCreateExternalTransfer(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.externalTransfer(w, r, rc, false)
}

// handleDryRunExternalTransfer answers 200 with the TED as it would be.
func (s *Simulator) handleDryRunExternalTransfer(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.externalTransfer(w, r, rc, true)
}

func (s *Simulator) externalTransfer(w http.ResponseWriter, r *http.Request, rc *reqCtx, dry bool) {
	req, rp, ok := decodeTEDRequest(r)
	if !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		src, ok := st.accessible(rc.client, req.accountID)
		if !ok {
			return unauthorized()
		}
		if rp, ok := req.resolveInstitution(); !ok {
			return rp
		}
		if rp, ok := st.checkScheduleLimit(req.scheduledTo, rc.now); !ok {
			return rp
		}
		now := st.stamp(rc.now)
		t := &extTransfer{Target: req.target, ScheduledToRequested: req.scheduledTo, refundWith: returnedWith(req.target)}
		t.AccountID, t.Amount, t.CreatedAt, t.CreatedBy = src.ID, req.amount, ts(now), rc.client.subjectID()
		t.Fee = st.fee(src.ID, "external_transfer")
		if dry {
			return dryRunReply(st, t, src, rc.client, now)
		}
		t.ID = st.newID()
		st.addOp(t)
		st.submit(t, rc.client, now)
		return jsonReply(http.StatusAccepted, t)
	})
}

func (s *Simulator) handleGetExternalTransfer(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.getOp(w, r, rc, kindExternal())
}

func (s *Simulator) handleListExternalTransfers(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.listOps(w, r, rc, kindExternal(), extTransferStatuses())
}
