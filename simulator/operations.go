package simulator

import (
	"slices"
	"time"
)

// lifecycle is what every cash-out (internal and external transfers, barcode
// payments, outbound PIX) shares: Stone's common fields, which are its JSON,
// and the approval state machine around them (§3.5, §5.6):
//
//	created by the application on its own account → APPROVED by application:<id>
//	created on a consented account → CREATED, waiting for the owner:
//	    approve → APPROVED (or SCHEDULED) · reject → REJECTED · no decision in time → EXPIRED
//	CREATED / SCHEDULED (/ DELAYED_TO_NEXT_BUSINESS_DAY) → cancel → CANCELLED
//	APPROVED / SCHEDULED → when due, the kind's own run (FINISHED, FAILED, ...)
type lifecycle struct {
	AccountID                string  `json:"account_id"`
	Amount                   int64   `json:"amount"`
	ApprovalExpiredAt        *string `json:"approval_expired_at"`
	ApprovedAt               *string `json:"approved_at"`
	ApprovedBy               *string `json:"approved_by"`
	CancelledAt              *string `json:"cancelled_at"`
	CreatedAt                string  `json:"created_at"`
	CreatedBy                string  `json:"created_by"`
	FailedAt                 *string `json:"failed_at"`
	FailureReasonCode        *string `json:"failure_reason_code"`
	FailureReasonDescription *string `json:"failure_reason_description"`
	Fee                      int64   `json:"fee"`
	FinishedAt               *string `json:"finished_at"`
	ID                       string  `json:"id"`
	RejectedAt               *string `json:"rejected_at"`
	RejectedBy               *string `json:"rejected_by"`
	SettledAt                *string `json:"settled_at"`
	Status                   string  `json:"status"`

	seq           int64
	awaitingOwner bool // CREATED on a consented account: only the owner can move it
	wasScheduled  bool // decides cash_out_*_scheduled_failed over *_failed
	created       time.Time
}

func (l *lifecycle) base() *lifecycle { return l }

// cashOut is one operation kind on top of lifecycle.
type cashOut interface {
	base() *lifecycle
	spec() *opKind
	// plan decides, when the operation is approved at now, its status and
	// when its execution starts.
	plan(st *store, now time.Time) (status string, runAt time.Time)
	// run executes it when runAt comes (with the status plan chose).
	run(st *store, at time.Time)
}

// opKind names one kind everywhere it shows: routes, batch types, events.
type opKind struct {
	name           string // route segment: internal_transfers, external_transfers, payments, pix_payments
	batchType      string // type in /operations: internal_transfer, external_transfer, barcode_payment, pix_payment
	label          string // for error reasons
	eventPrefix    string // cash_out_internal_transfer, ..., pix_outbound_payment
	targetNoun     string // target_type stem: internal_transfer, external_transfer, payment
	detailPath     string // target_detail_uri path prefix
	createEvent    bool   // creation emits the bare eventPrefix (cash_out_*)
	approvedEvent  string // suffix emitted on approval
	scheduledEvent string // suffix emitted when approval schedules it ("" → none)
	expires        bool   // an unapproved CREATED operation expires
}

func kindInternal() *opKind {
	return &opKind{name: "internal_transfers", batchType: "internal_transfer", label: "internal transfer",
		eventPrefix: "cash_out_internal_transfer", targetNoun: "internal_transfer", detailPath: "/api/v1/internal_transfers/",
		createEvent: true, approvedEvent: "approved", scheduledEvent: "scheduled", expires: true}
}

func kindExternal() *opKind {
	return &opKind{name: "external_transfers", batchType: "external_transfer", label: "external transfer",
		eventPrefix: "cash_out_external_transfer", targetNoun: "external_transfer", detailPath: "/api/v1/external_transfers/",
		createEvent: true, approvedEvent: "approved", scheduledEvent: "scheduled", expires: true}
}

func kindPayment() *opKind {
	return &opKind{name: "payments", batchType: "barcode_payment", label: "payment",
		eventPrefix: "cash_out_payment", targetNoun: "payment", detailPath: "/api/v1/payments/",
		createEvent: true, approvedEvent: "approved", scheduledEvent: "scheduled", expires: true}
}

// kindPix: Stone documents pix_outbound_payment_created as carrying status
// CONFIRMED, so "created" is emitted when the payment is confirmed and
// approved, not when the draft is created; an unconfirmed PIX never expires.
func kindPix() *opKind {
	return &opKind{name: "pix_payments", batchType: "pix_payment", label: "PIX payment",
		eventPrefix: "pix_outbound_payment", targetNoun: "payment", detailPath: "/api/v1/outbound_pix_payments/",
		approvedEvent: "created"}
}

// opKinds lists every kind, for owner controls and batch approvals.
func opKinds() []*opKind { return []*opKind{kindInternal(), kindExternal(), kindPayment(), kindPix()} }

// addOp registers a new operation with the store.
func (st *store) addOp(op cashOut) {
	l := op.base()
	l.seq = st.next()
	st.ops[l.ID] = op
	st.opOrder = append(st.opOrder, op)
}

// opOf returns the operation of a kind by id.
func (st *store) opOf(k *opKind, id string) (cashOut, bool) {
	op, ok := st.ops[id]
	if !ok || op.spec().name != k.name {
		return nil, false
	}
	return op, true
}

// submit starts a new operation's approval: the application's own money moves
// at once (approved by the application), a consented account's waits for its
// owner, and expires if the owner does not decide in time.
func (st *store) submit(op cashOut, c *clientRec, now time.Time) {
	l, k := op.base(), op.spec()
	l.created, l.Status = now, "CREATED"
	if k.createEvent {
		st.opEvent(op, "", now)
	}
	src := st.accounts[l.AccountID]
	if src.ownerClient == c.ID {
		st.approveOp(op, c.subjectID(), now)
		return
	}
	st.awaitOwner(op, now)
}

// awaitOwner parks op in CREATED until its owner decides.
func (st *store) awaitOwner(op cashOut, now time.Time) {
	l := op.base()
	l.Status, l.awaitingOwner = "CREATED", true
	if !op.spec().expires {
		return
	}
	deadline := now.Add(st.approvalExpiry)
	if day := scheduledDay(op); !day.IsZero() {
		// A scheduled operation not approved by the end of its day can no
		// longer run on it.
		if end := day.AddDate(0, 0, 1); end.Before(deadline) {
			deadline = end
		}
	}
	st.at(deadline, func(at time.Time) {
		if l.Status == "CREATED" && l.awaitingOwner {
			l.awaitingOwner = false
			l.Status, l.ApprovalExpiredAt = "EXPIRED", tsPtr(at)
			st.opEvent(op, "expired", at)
		}
	})
}

// scheduledDay is the requested execution day of op, zero when none.
func scheduledDay(op cashOut) time.Time {
	var s *string
	switch o := op.(type) {
	case *transfer:
		s = o.ScheduledTo
	case *extTransfer:
		s = o.ScheduledToRequested
	case *payment:
		s = o.ScheduledTo
	}
	if s == nil {
		return time.Time{}
	}
	d, err := parseDay(*s)
	if err != nil {
		return time.Time{}
	}
	return d
}

// approveOp approves op and queues its execution as its kind plans it.
func (st *store) approveOp(op cashOut, by string, now time.Time) {
	l, k := op.base(), op.spec()
	l.awaitingOwner = false
	l.ApprovedAt, l.ApprovedBy = tsPtr(now), strPtr(by)
	status, runAt := op.plan(st, now)
	l.Status = status
	l.wasScheduled = status == "SCHEDULED" || status == "DELAYED_TO_NEXT_BUSINESS_DAY"
	st.opEvent(op, k.approvedEvent, now)
	if l.wasScheduled && k.scheduledEvent != "" {
		st.opEvent(op, k.scheduledEvent, now)
	}
	st.at(runAt, func(at time.Time) {
		if l.Status == status {
			op.run(st, at)
		}
	})
}

// rejectOp is the owner refusing op. PIX has no REJECTED status: a refused
// PIX is CANCELLED, with rejected_at/by saying who refused it.
func (st *store) rejectOp(op cashOut, by string, now time.Time) {
	l, k := op.base(), op.spec()
	l.awaitingOwner = false
	l.RejectedAt, l.RejectedBy = tsPtr(now), strPtr(by)
	if k.name == "pix_payments" {
		l.Status, l.CancelledAt = "CANCELLED", tsPtr(now)
		return
	}
	l.Status = "REJECTED"
	st.opEvent(op, "rejected", now)
}

// cancellable reports whether op may still be cancelled: not yet running.
func cancellable(op cashOut) bool {
	return slices.Contains([]string{"CREATED", "SCHEDULED", "DELAYED_TO_NEXT_BUSINESS_DAY"}, op.base().Status)
}

func (st *store) cancelOp(op cashOut, now time.Time) {
	l := op.base()
	l.awaitingOwner = false
	l.Status, l.CancelledAt = "CANCELLED", tsPtr(now)
	if op.spec().name != "pix_payments" {
		st.opEvent(op, "cancelled", now)
	}
}

// failOp records a failure found when op ran (for lack of funds, code "1").
func (st *store) failOp(op cashOut, at time.Time, code, desc string) {
	l := op.base()
	l.Status, l.FailedAt = "FAILED", tsPtr(at)
	l.FailureReasonCode, l.FailureReasonDescription = strPtr(code), strPtr(desc)
	suffix := "failed"
	if l.wasScheduled && op.spec().scheduledEvent != "" {
		suffix = "scheduled_failed"
	}
	st.opEvent(op, suffix, at)
}

// opEvent records event prefix_suffix for op with op's JSON as it is now.
func (st *store) opEvent(op cashOut, suffix string, at time.Time) {
	l, k := op.base(), op.spec()
	typ, target := k.eventPrefix, k.targetNoun
	if suffix != "" {
		typ, target = typ+"_"+suffix, target+"_"+suffix
	}
	st.emit(&event{Type: typ, TargetType: target, TargetID: l.ID, AccountID: l.AccountID,
		Data: snapshot(op), DetailPath: k.detailPath + l.ID, At: at})
}

// pendingApproval reports whether op waits for its owner's decision.
func pendingApproval(op cashOut) bool {
	l := op.base()
	return l.Status == "CREATED" && l.awaitingOwner
}

// scheduledFrom is the balance committed to scheduled operations of an
// account (Stone's scheduled_balance).
func (st *store) scheduledFrom(accountID string) int64 {
	var sum int64
	for _, op := range st.opOrder {
		l := op.base()
		if l.AccountID == accountID && (l.Status == "SCHEDULED" || l.Status == "DELAYED_TO_NEXT_BUSINESS_DAY") {
			sum += l.Amount + l.Fee
		}
	}
	return sum
}
