// Package approvals is the lifecycle every cash-out shares — internal and
// external transfers, barcode payments, outbound PIX — and the approval
// routes around it (stone-api.md §3.5, §5.6): per-operation approve, reject
// and cancel, the batch operations of an account, its schedulings, and the
// /_sim/owner controls that play the owner in Stone's app.
//
//	created by the application on its own account → APPROVED by application:<id>
//	created on a consented account → CREATED, waiting for the owner:
//	    approve → APPROVED (or SCHEDULED) · reject → REJECTED · no decision in time → EXPIRED
//	CREATED / SCHEDULED (/ DELAYED_TO_NEXT_BUSINESS_DAY) → cancel → CANCELLED
//	APPROVED / SCHEDULED → when due, the kind's own Run (FINISHED, FAILED, ...)
package approvals

import (
	"slices"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// Lifecycle is Stone's fields common to every cash-out, which are its JSON,
// and the approval state around them.
type Lifecycle struct {
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

// Base gives the registry an operation's lifecycle.
func (l *Lifecycle) Base() *Lifecycle { return l }

// SetCreated records the creation time of an operation not submitted
// through Submit (a PIX draft).
func (l *Lifecycle) SetCreated(t time.Time) { l.created = t }

// CashOut is one operation kind on top of Lifecycle.
type CashOut interface {
	Base() *Lifecycle
	Kind() *Kind
	// Plan decides, when the operation is approved at now, its status and
	// when its execution starts.
	Plan(now time.Time) (status string, runAt time.Time)
	// Run executes it when runAt comes (with the status Plan chose).
	Run(at time.Time)
	// ScheduledDay is the requested execution day (yyyy-mm-dd), nil when none.
	ScheduledDay() *string
}

// Kind names one operation kind everywhere it shows: routes, batch types,
// events.
type Kind struct {
	Name           string // route segment: internal_transfers, external_transfers, payments, pix_payments
	BatchType      string // type in /operations: internal_transfer, external_transfer, barcode_payment, pix_payment
	Label          string // for error reasons
	EventPrefix    string // cash_out_internal_transfer, ..., pix_outbound_payment
	TargetNoun     string // target_type stem: internal_transfer, external_transfer, payment
	DetailPath     string // target_detail_uri path prefix
	CreateEvent    bool   // creation emits the bare EventPrefix (cash_out_*)
	ApprovedEvent  string // suffix emitted on approval
	ScheduledEvent string // suffix emitted when approval schedules it ("" → none)
	Expires        bool   // an unapproved CREATED operation expires
	// Actions: Stone serves POST /api/v1/{Name}/{id}/approve|reject|cancel.
	Actions bool
	// RejectCancels: the kind has no REJECTED status (PIX); a refused one is
	// CANCELLED, with rejected_at/by saying who refused it, and no event.
	RejectCancels bool
	// Silent: cancelling emits no event (PIX documents none).
	Silent bool
}

// Options configures the registry.
type Options struct {
	Book *ledger.Book
	// ApprovalExpiry is how long a cash-out created on a consented account
	// waits in CREATED for its owner before it EXPIRES.
	ApprovalExpiry time.Duration
}

// Registry holds every cash-out, of every kind, in creation order. It is
// guarded by the book's lock.
type Registry struct {
	book   *ledger.Book
	expiry time.Duration
	ops    map[string]CashOut
	order  []CashOut
	kinds  []*Kind
}

// New returns an empty registry.
func New(opts Options) *Registry {
	return &Registry{book: opts.Book, expiry: opts.ApprovalExpiry, ops: map[string]CashOut{}}
}

// AddKind makes a kind known to the owner controls and batch routes.
func (g *Registry) AddKind(k *Kind) { g.kinds = append(g.kinds, k) }

// Add registers a new operation. Caller holds the lock.
func (g *Registry) Add(op CashOut) {
	l := op.Base()
	l.seq = g.book.Next()
	g.ops[l.ID] = op
	g.order = append(g.order, op)
}

// Of returns the operation of a kind by id. Caller holds the lock.
func (g *Registry) Of(k *Kind, id string) (CashOut, bool) {
	op, ok := g.ops[id]
	if !ok || op.Kind().Name != k.Name {
		return nil, false
	}
	return op, true
}

// All lists every operation in creation order. Caller holds the lock and
// must not modify the slice.
func (g *Registry) All() []CashOut { return g.order }

// Submit starts a new operation's approval: the application's own money moves
// at once (approved by the application), a consented account's waits for its
// owner, and expires if the owner does not decide in time. Caller holds the
// lock.
func (g *Registry) Submit(op CashOut, clientID string, now time.Time) {
	l, k := op.Base(), op.Kind()
	l.created, l.Status = now, "CREATED"
	if k.CreateEvent {
		g.Event(op, "", now)
	}
	if g.book.OwnedBy(l.AccountID, clientID) {
		g.Approve(op, "application:"+clientID, now)
		return
	}
	g.AwaitOwner(op, now)
}

// AwaitOwner parks op in CREATED until its owner decides. Caller holds the lock.
func (g *Registry) AwaitOwner(op CashOut, now time.Time) {
	l := op.Base()
	l.Status, l.awaitingOwner = "CREATED", true
	if !op.Kind().Expires {
		return
	}
	deadline := now.Add(g.expiry)
	if s := op.ScheduledDay(); s != nil {
		// A scheduled operation not approved by the end of its day can no
		// longer run on it.
		if day, err := calendar.ParseDay(*s); err == nil {
			if end := day.AddDate(0, 0, 1); end.Before(deadline) {
				deadline = end
			}
		}
	}
	g.book.At(deadline, func(at time.Time) {
		if l.Status == "CREATED" && l.awaitingOwner {
			l.awaitingOwner = false
			l.Status, l.ApprovalExpiredAt = "EXPIRED", api.TSPtr(at)
			g.Event(op, "expired", at)
		}
	})
}

// Approve approves op and queues its execution as its kind plans it.
// Caller holds the lock.
func (g *Registry) Approve(op CashOut, by string, now time.Time) {
	l, k := op.Base(), op.Kind()
	l.awaitingOwner = false
	l.ApprovedAt, l.ApprovedBy = api.TSPtr(now), api.StrPtr(by)
	status, runAt := op.Plan(now)
	l.Status = status
	l.wasScheduled = status == "SCHEDULED" || status == "DELAYED_TO_NEXT_BUSINESS_DAY"
	g.Event(op, k.ApprovedEvent, now)
	if l.wasScheduled && k.ScheduledEvent != "" {
		g.Event(op, k.ScheduledEvent, now)
	}
	g.book.At(runAt, func(at time.Time) {
		if l.Status == status {
			op.Run(at)
		}
	})
}

// reject is the owner refusing op.
func (g *Registry) reject(op CashOut, by string, now time.Time) {
	l, k := op.Base(), op.Kind()
	l.awaitingOwner = false
	l.RejectedAt, l.RejectedBy = api.TSPtr(now), api.StrPtr(by)
	if k.RejectCancels {
		l.Status, l.CancelledAt = "CANCELLED", api.TSPtr(now)
		return
	}
	l.Status = "REJECTED"
	g.Event(op, "rejected", now)
}

// cancellable reports whether op may still be cancelled: not yet running.
func cancellable(op CashOut) bool {
	return slices.Contains([]string{"CREATED", "SCHEDULED", "DELAYED_TO_NEXT_BUSINESS_DAY"}, op.Base().Status)
}

func (g *Registry) cancel(op CashOut, now time.Time) {
	l := op.Base()
	l.awaitingOwner = false
	l.Status, l.CancelledAt = "CANCELLED", api.TSPtr(now)
	if !op.Kind().Silent {
		g.Event(op, "cancelled", now)
	}
}

// Fail records a failure found when op ran (for lack of funds, code "1").
// Caller holds the lock.
func (g *Registry) Fail(op CashOut, at time.Time, code, desc string) {
	l := op.Base()
	l.Status, l.FailedAt = "FAILED", api.TSPtr(at)
	l.FailureReasonCode, l.FailureReasonDescription = api.StrPtr(code), api.StrPtr(desc)
	suffix := "failed"
	if l.wasScheduled && op.Kind().ScheduledEvent != "" {
		suffix = "scheduled_failed"
	}
	g.Event(op, suffix, at)
}

// Event records event prefix_suffix for op with op's JSON as it is now.
// Caller holds the lock.
func (g *Registry) Event(op CashOut, suffix string, at time.Time) {
	l, k := op.Base(), op.Kind()
	typ, target := k.EventPrefix, k.TargetNoun
	if suffix != "" {
		typ, target = typ+"_"+suffix, target+"_"+suffix
	}
	g.book.Emit(&ledger.Event{Type: typ, TargetType: target, TargetID: l.ID, AccountID: l.AccountID,
		Data: api.Snapshot(op), DetailPath: k.DetailPath + l.ID, At: at})
}

// PendingApproval reports whether op waits for its owner's decision.
func PendingApproval(op CashOut) bool {
	l := op.Base()
	return l.Status == "CREATED" && l.awaitingOwner
}

// Terminal reports whether status is final.
func Terminal(status string) bool {
	switch status {
	case "FAILED", "FINISHED", "CANCELLED", "REJECTED", "EXPIRED", "REFUNDED", "SETTLED":
		return true
	}
	return false
}

// ScheduledFrom is the balance committed to scheduled operations of an
// account (Stone's scheduled_balance). Caller holds the lock.
func (g *Registry) ScheduledFrom(accountID string) int64 {
	var sum int64
	for _, op := range g.order {
		l := op.Base()
		if l.AccountID == accountID && (l.Status == "SCHEDULED" || l.Status == "DELAYED_TO_NEXT_BUSINESS_DAY") {
			sum += l.Amount + l.Fee
		}
	}
	return sum
}

// Lookup returns the operation id of the kind named kindName (its route
// segment: internal_transfers, external_transfers, payments,
// pix_payments). Caller holds the lock.
func (g *Registry) Lookup(kindName, id string) (CashOut, bool) {
	op, ok := g.ops[id]
	if !ok || op.Kind().Name != kindName {
		return nil, false
	}
	return op, true
}
