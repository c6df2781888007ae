// Package transfer is Stone's internal transfers, from one Stone account to
// another (stone-api.md §5.1): creation (202), dry run (200), get, list, and
// the approval lifecycle they share with every cash-out.
package transfer

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/approvals"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

var accountCodeRE = regexp.MustCompile(`^\d+$`)

const maxDescription = 200

// Kind is the internal transfer in the approval lifecycle.
func Kind() *approvals.Kind {
	return &approvals.Kind{Name: "internal_transfers", BatchType: "internal_transfer", Label: "internal transfer",
		EventPrefix: "cash_out_internal_transfer", TargetNoun: "internal_transfer", DetailPath: "/api/v1/internal_transfers/",
		CreateEvent: true, ApprovedEvent: "approved", ScheduledEvent: "scheduled", Expires: true, Actions: true}
}

func statuses() []string {
	return []string{"CREATED", "REJECTED", "EXPIRED", "APPROVED", "SCHEDULED", "FAILED", "FINISHED", "CANCELLED"}
}

// Options wires the family to the ledger and the approval registry.
type Options struct {
	Book        *ledger.Book
	Ops         *approvals.Registry
	Idempotency *api.Idempotency
}

// Transfers serves the family.
type Transfers struct {
	book *ledger.Book
	ops  *approvals.Registry
	idem *api.Idempotency
	kind *approvals.Kind
}

// New registers the kind with the registry.
func New(opts Options) *Transfers {
	t := &Transfers{book: opts.Book, ops: opts.Ops, idem: opts.Idempotency, kind: Kind()}
	t.ops.AddKind(t.kind)
	return t
}

// Routes registers the internal transfer API.
func (t *Transfers) Routes(m *api.Mux) {
	m.HandleAuth("POST /api/v1/internal_transfers", t.idem.Wrap(t.handle(false)))
	m.HandleAuth("GET /api/v1/internal_transfers", t.ops.List(t.kind, statuses()))
	m.HandleAuth("GET /api/v1/internal_transfers/{id}", t.ops.Get(t.kind))
	m.HandleAuth("POST /api/v1/dry_run/internal_transfers", t.idem.Wrap(t.handle(true)))
}

// transfer is Stone's internal transfer object (§5.1); exported fields are its JSON.
type transfer struct {
	approvals.Lifecycle
	Description            string  `json:"description"`
	ScheduledTo            *string `json:"scheduled_to"`
	Target                 target  `json:"target"`
	TargetAccountCode      string  `json:"target_account_code"`
	TargetAccountOwnerName string  `json:"target_account_owner_name"`

	targetID string
	fam      *Transfers
}

type target struct {
	Account struct {
		AccountCode string `json:"account_code"`
	} `json:"account"`
	Entity struct {
		Name string `json:"name"`
	} `json:"entity"`
}

func (tr *transfer) Kind() *approvals.Kind { return tr.fam.kind }

func (tr *transfer) ScheduledDay() *string { return tr.ScheduledTo }

// Plan: a scheduled_to day still to come waits for the start of that day in
// Brasília; today or a past day executes now, as Stone does.
func (tr *transfer) Plan(now time.Time) (string, time.Time) {
	if tr.ScheduledTo != nil {
		if day, err := calendar.ParseDay(*tr.ScheduledTo); err == nil && day.After(now) {
			return "SCHEDULED", day
		}
	}
	return "APPROVED", now.Add(tr.fam.book.Step())
}

// Run settles the transfer. Lack of funds is an outcome, not an HTTP error:
// the transfer was accepted long before it ran.
func (tr *transfer) Run(at time.Time) {
	b := tr.fam.book
	src, dst := b.Account(tr.AccountID), b.Account(tr.targetID)
	if src.Balance() < tr.Amount+tr.Fee {
		tr.fam.ops.Fail(tr, at, "1", "Saldo insuficiente.")
		return
	}
	_, credit := b.Move(src, dst, tr.Amount, at, tr.Description, tr.ID)
	tr.Status, tr.FinishedAt, tr.SettledAt = "FINISHED", api.TSPtr(at), api.TSPtr(at)
	tr.fam.ops.Event(tr, "finished", at)
	b.Emit(&ledger.Event{Type: "cash_in_internal_transfer", TargetType: "internal_transfer", AccountID: dst.ID,
		Data: ledger.EntrySnapshot(credit), StatementRef: credit.ID, At: at})
}

// handle accepts an internal transfer (202: execution is asynchronous, as at
// Stone, and the outcome, FINISHED or FAILED for lack of funds, is read
// later) or, for a dry run, answers 200 with the transfer as it would be,
// storing and moving nothing.
func (t *Transfers) handle(dry bool) api.Handler {
	return func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		req, rp, ok := decodeRequest(r)
		if !ok {
			rp.Write(w)
			return
		}
		t.book.Reply(w, func() api.Reply {
			src, ok := t.book.Accessible(c.ClientID, req.accountID)
			if !ok {
				return api.Unauthorized()
			}
			dst, ok := t.book.AccountByCode(strings.TrimLeft(req.targetCode, "0"))
			if !ok {
				return api.Err(http.StatusUnprocessableEntity, "target_account_not_found")
			}
			if dst.ID == src.ID {
				return api.Err(http.StatusUnprocessableEntity, "cannot_transfer_to_source_account")
			}
			if rp, ok := calendar.CheckScheduleLimit(req.scheduledTo, c.Now); !ok {
				return rp
			}
			now := t.book.Stamp(c.Now)
			tr := &transfer{
				Description:            req.description,
				ScheduledTo:            req.scheduledTo,
				TargetAccountCode:      dst.AccountCode,
				TargetAccountOwnerName: dst.OwnerName,
				targetID:               dst.ID,
				fam:                    t,
			}
			tr.AccountID, tr.Amount, tr.CreatedAt, tr.CreatedBy = src.ID, req.amount, api.TS(now), c.SubjectID()
			tr.Fee = t.book.FeeAmount(src.ID, "internal_transfer")
			tr.Target.Account.AccountCode = dst.AccountCode
			tr.Target.Entity.Name = dst.OwnerName
			if dry {
				return api.JSON(http.StatusOK, t.ops.DryRun(tr, c.ClientID, now))
			}
			tr.ID = t.book.NewID()
			t.ops.Add(tr)
			t.ops.Submit(tr, c.ClientID, now)
			return api.JSON(http.StatusAccepted, tr)
		})
	}
}

type request struct {
	amount      int64
	accountID   string
	targetCode  string
	description string
	scheduledTo *string
}

// decodeRequest validates the body field by field, so a client gets every
// problem at once with Stone's {"error","path"} shape rather than the first
// JSON type error.
func decodeRequest(r *http.Request) (request, api.Reply, bool) {
	var req request
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		return req, rp, false
	}
	if n, ok := f.Int("amount", true); ok {
		if n <= 0 {
			f.Add("must be greater than 0", "amount")
		} else {
			req.amount = n
		}
	}
	req.accountID = f.Str("account_id", true)
	if tgt, ok := f.Object("target", true); ok {
		if acc, ok := tgt.Object("account", true); ok {
			code := acc.Str("account_code", true)
			if code != "" && !accountCodeRE.MatchString(code) {
				acc.Add("has invalid format", "account_code")
			}
			req.targetCode = code
		}
	}
	req.description = f.Str("description", false)
	f.MaxLen("description", req.description, maxDescription)
	req.scheduledTo = f.ScheduledTo()
	rp, ok = f.Result()
	return req, rp, ok
}
