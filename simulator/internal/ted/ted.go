// Package ted is Stone's external transfers (TED, stone-api.md §5.2) to
// accounts at other banks: field rules and normalisation, the sandbox TED
// window, scheduling on business days, refunds by the receiving bank, and
// the seeded bank accounts a test runner can send to (targets.json).
package ted

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/approvals"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/institutions"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

//go:embed targets.json
var targetsJSON []byte

// Target is a bank account at another institution a test runner can send a
// TED to. ReturnedWith, when set, is the refund_reason_code with which the
// receiving bank returns every TED sent there.
type Target struct {
	InstitutionCode string `json:"institution_code"`
	BranchCode      string `json:"branch_code"`
	AccountCode     string `json:"account_code"`
	AccountType     string `json:"account_type"`
	Name            string `json:"name"`
	Document        string `json:"document"`
	DocumentType    string `json:"document_type"`
	ReturnedWith    string `json:"returned_with,omitempty"`
}

// Kind is the TED in the approval lifecycle.
func Kind() *approvals.Kind {
	return &approvals.Kind{Name: "external_transfers", BatchType: "external_transfer", Label: "external transfer",
		EventPrefix: "cash_out_external_transfer", TargetNoun: "external_transfer", DetailPath: "/api/v1/external_transfers/",
		CreateEvent: true, ApprovedEvent: "approved", ScheduledEvent: "scheduled", Expires: true, Actions: true}
}

func statuses() []string {
	return []string{"CREATED", "REJECTED", "EXPIRED", "APPROVED", "SCHEDULED", "DELAYED_TO_NEXT_BUSINESS_DAY",
		"FAILED", "FINISHED", "CANCELLED", "REFUNDED"}
}

// Options wires the family.
type Options struct {
	Book         *ledger.Book
	Ops          *approvals.Registry
	Idempotency  *api.Idempotency
	Institutions *institutions.Directory
}

// TEDs serves the family.
type TEDs struct {
	book    *ledger.Book
	ops     *approvals.Registry
	idem    *api.Idempotency
	dir     *institutions.Directory
	kind    *approvals.Kind
	targets []Target
}

// New reads the seeded targets and registers the kind.
func New(opts Options) (*TEDs, error) {
	t := &TEDs{book: opts.Book, ops: opts.Ops, idem: opts.Idempotency, dir: opts.Institutions, kind: Kind()}
	if err := json.Unmarshal(targetsJSON, &t.targets); err != nil {
		return nil, fmt.Errorf("simulator: ted targets seed: %w", err)
	}
	t.ops.AddKind(t.kind)
	return t, nil
}

// Targets are the same for every client: other banks' accounts exist only
// as far as the simulator says so.
func (t *TEDs) Targets() []Target { return append([]Target(nil), t.targets...) }

// Routes registers the TED API and its /_sim/ control:
//
//	POST /_sim/external_transfers/{id}/refund {"reason_code":"1"} → 200 TED (REFUNDED now, or when it finishes)
func (t *TEDs) Routes(m *api.Mux) {
	m.HandleAuth("POST /api/v1/external_transfers", t.idem.Wrap(t.handle(false)))
	m.HandleAuth("GET /api/v1/external_transfers", t.ops.List(t.kind, statuses()))
	m.HandleAuth("GET /api/v1/external_transfers/{id}", t.ops.Get(t.kind))
	m.HandleAuth("POST /api/v1/dry_run/external_transfers", t.idem.Wrap(t.handle(true)))
	m.Handle("POST /_sim/external_transfers/{id}/refund", t.handleRefund)
}

// transfer is Stone's external transfer (TED) object (§5.2).
type transfer struct {
	approvals.Lifecycle
	DelayedToNextBusinessDay bool    `json:"delayed_to_next_business_day"`
	RefundReasonCode         *string `json:"refund_reason_code"`
	RefundReasonDescription  *string `json:"refund_reason_description"`
	RefundedAt               *string `json:"refunded_at"`
	ScheduledToEffective     *string `json:"scheduled_to_effective"`
	ScheduledToRequested     *string `json:"scheduled_to_requested"`
	Target                   target  `json:"target"`

	refundWith string // the receiving bank returns it with this code after it finishes
	fam        *TEDs
}

func (tr *transfer) Kind() *approvals.Kind { return tr.fam.kind }

func (tr *transfer) ScheduledDay() *string { return tr.ScheduledToRequested }

// Plan applies the sandbox TED window (06:30–17:23 every day, Brasília,
// §5.2): a future scheduled_to runs on that day, moved to the next business
// day when it is not one; inside the window it runs now; outside it is
// DELAYED_TO_NEXT_BUSINESS_DAY and runs when the window next opens on a
// business day.
func (tr *transfer) Plan(now time.Time) (string, time.Time) {
	today := calendar.DayOf(now)
	if tr.ScheduledToRequested != nil {
		if day, err := calendar.ParseDay(*tr.ScheduledToRequested); err == nil && day.After(today) {
			eff := calendar.NextBusinessDay(day)
			tr.ScheduledToEffective = api.StrPtr(calendar.DateString(eff))
			return "SCHEDULED", eff.Add(calendar.TEDOpens)
		}
	}
	if c := calendar.ClockOf(now); c >= calendar.TEDOpens && c < calendar.TEDCloses {
		return "APPROVED", now.Add(tr.fam.book.Step())
	}
	from := today
	if calendar.ClockOf(now) >= calendar.TEDOpens {
		from = today.AddDate(0, 0, 1)
	}
	eff := calendar.NextBusinessDay(from)
	tr.DelayedToNextBusinessDay, tr.ScheduledToEffective = true, api.StrPtr(calendar.DateString(eff))
	return "DELAYED_TO_NEXT_BUSINESS_DAY", eff.Add(calendar.TEDOpens)
}

func (tr *transfer) counterParty() ledger.CounterParty {
	var cp ledger.CounterParty
	a := tr.Target.Account
	cp.Account.AccountCode, cp.Account.Institution, cp.Account.InstitutionName = a.AccountCode, a.InstitutionISPB, a.InstitutionName
	if a.BranchCode != nil {
		cp.Account.BranchCode = *a.BranchCode
	}
	cp.Entity.Name, cp.Entity.Document, cp.Entity.DocumentType = tr.Target.Entity.Name, tr.Target.Entity.Document, tr.Target.Entity.DocumentType
	return cp
}

func (tr *transfer) entryExtra() map[string]any {
	return map[string]any{
		"delayed_to_next_business_day": tr.DelayedToNextBusinessDay, "refund_reason_code": tr.RefundReasonCode,
		"refund_reason_description": tr.RefundReasonDescription, "scheduled_to_effective": tr.ScheduledToEffective,
		"scheduled_to_requested": tr.ScheduledToRequested,
	}
}

// Run debits amount + fee and hands the TED to the other bank
// (execution_started); it finishes one step later, and a bank that returns
// it refunds it one step after that.
func (tr *transfer) Run(at time.Time) {
	b := tr.fam.book
	src := b.Account(tr.AccountID)
	if src.Balance() < tr.Amount+tr.Fee {
		tr.fam.ops.Fail(tr, at, "1", failure("1"))
		return
	}
	tr.Status = "APPROVED" // running: no longer cancellable
	b.Post(src, ledger.Posting{Amount: -tr.Amount, Fee: tr.Fee, CP: tr.counterParty(), Type: "external", OpID: tr.ID, Extra: tr.entryExtra()}, at)
	tr.fam.ops.Event(tr, "execution_started", at)
	b.At(at.Add(b.Step()), func(at time.Time) {
		if tr.Status != "APPROVED" {
			return
		}
		tr.Status, tr.FinishedAt, tr.SettledAt = "FINISHED", api.TSPtr(at), api.TSPtr(at)
		tr.fam.ops.Event(tr, "finished", at)
		if tr.refundWith != "" {
			b.At(at.Add(b.Step()), func(at time.Time) { tr.fam.refund(tr, tr.refundWith, at) })
		}
	})
}

// refund is the receiving bank returning a finished TED: the amount comes
// back (the fee does not) as an external_refund entry.
func (t *TEDs) refund(tr *transfer, code string, at time.Time) {
	if tr.Status != "FINISHED" {
		return
	}
	desc := refunds()[code]
	tr.Status, tr.RefundedAt = "REFUNDED", api.TSPtr(at)
	tr.RefundReasonCode, tr.RefundReasonDescription = api.StrPtr(code), api.StrPtr(desc)
	credit := t.book.Post(t.book.Account(tr.AccountID), ledger.Posting{Amount: tr.Amount, CP: tr.counterParty(), Type: "external_refund",
		Desc: desc, OpID: tr.ID, Extra: tr.entryExtra()}, at)
	t.book.Emit(&ledger.Event{Type: "cash_in_external_transfer_refund", TargetType: "external_transfer_refund", TargetID: tr.ID,
		AccountID: tr.AccountID, Data: api.Snapshot(tr), DetailPath: t.kind.DetailPath + tr.ID, StatementRef: credit.ID, At: at})
}

// returnedWith is the refund code the target's bank returns TEDs with.
func (t *TEDs) returnedWith(tg target) string {
	for _, ft := range t.targets {
		in, _ := t.dir.Find(ft.InstitutionCode)
		if in.ISPBCode == tg.Account.InstitutionISPB && ft.AccountCode == tg.Account.AccountCode {
			return ft.ReturnedWith
		}
	}
	return ""
}

// handle accepts a TED (202) after validating the body, the institution (not
// Stone) and the schedule; a dry run answers the TED as it would be, also
// with 202: Stone's TED dry-run page says 202 (stone-api.md §5.2), unlike
// the internal transfer's, which says 200 (§5.1).
func (t *TEDs) handle(dry bool) api.Handler {
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
			if rp, ok := req.resolveInstitution(t.dir); !ok {
				return rp
			}
			if rp, ok := calendar.CheckScheduleLimit(req.scheduledTo, c.Now); !ok {
				return rp
			}
			now := t.book.Stamp(c.Now)
			tr := &transfer{Target: req.target, ScheduledToRequested: req.scheduledTo, refundWith: t.returnedWith(req.target), fam: t}
			tr.AccountID, tr.Amount, tr.CreatedAt, tr.CreatedBy = src.ID, req.amount, api.TS(now), c.SubjectID()
			tr.Fee = t.book.FeeAmount(src.ID, "external_transfer")
			if dry {
				return api.JSON(http.StatusAccepted, t.ops.DryRun(tr, c.ClientID, now))
			}
			tr.ID = t.book.NewID()
			t.ops.Add(tr)
			t.ops.Submit(tr, c.ClientID, now)
			return api.JSON(http.StatusAccepted, tr)
		})
	}
}

// handleRefund makes the receiving bank return a TED with reason_code
// (default "1"): now if it finished, else as soon as it does.
func (t *TEDs) handleRefund(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.OptionalBody(r)
	if !ok {
		rp.Write(w)
		return
	}
	code := f.Str("reason_code", false)
	if code == "" {
		code = "1"
	}
	if _, known := refunds()[code]; !known {
		f.Add("is not a refund reason code of external transfers", "reason_code")
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	t.book.Reply(w, func() api.Reply {
		op, ok := t.ops.Of(t.kind, r.PathValue("id"))
		if !ok {
			return api.NotFound()
		}
		tr := op.(*transfer)
		switch now := t.book.Stamp(c.Now); {
		case tr.Status == "FINISHED":
			t.refund(tr, code, now)
		case !approvals.Terminal(tr.Status):
			tr.refundWith = code
		default:
			return api.Conflict("external transfer is " + tr.Status)
		}
		return api.JSON(http.StatusOK, tr)
	})
}
