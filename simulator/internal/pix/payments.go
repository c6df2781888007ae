package pix

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/approvals"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

const (
	maxPixAmount      = 1_000_000_000_000
	maxPixDescription = 140
)

var (
	pixTxidRE    = regexp.MustCompile(`^[a-zA-Z0-9]{1,35}$`)
	pixBranchRE  = regexp.MustCompile(`^\d{4}$`)
	pixAccountRE = regexp.MustCompile(`^[1-9]\d{1,19}$`)
)

// pixPayment is Stone's outbound PIX payment (§5.5). Its flow:
//
//	POST → CREATED (a draft: it never expires) → confirm →
//	  own account: CONFIRMED (approved by the application) · consented: CREATED until the owner approves
//	CONFIRMED → MONEY_RESERVED (debited; FAILED without balance) → SETTLED (or REFUNDED by the other bank)
type pixPayment struct {
	approvals.Lifecycle
	ConfirmedAt     *string  `json:"confirmed_at"`
	ConfirmedBy     *string  `json:"confirmed_by"`
	Description     string   `json:"description"`
	EndToEndID      string   `json:"end_to_end_id"`
	Key             *string  `json:"key"`
	MoneyReservedAt *string  `json:"money_reserved_at"`
	RefundedAmount  int64    `json:"refunded_amount"`
	RefundedAt      *string  `json:"refunded_at"`
	RequestID       string   `json:"request_id"`
	ScheduledTo     *string  `json:"scheduled_to"`
	Source          pixParty `json:"source"`
	Target          pixParty `json:"target"`
	TransactionID   *string  `json:"transaction_id"`

	targetAccountID string // a Stone account credited when it settles
	refund          bool   // the receiving bank returns it instead of settling
	invoiceID       string // the simulator's own charge it pays
	confirmed       bool
	fam             *Pix
}

type pixParty struct {
	Account *pixAccount `json:"account,omitempty"` // omitted for payments to a key
	Entity  struct {
		Document     string `json:"document"`
		DocumentType string `json:"document_type"`
		Name         string `json:"name"`
	} `json:"entity"`
	Institution struct {
		ISPB string `json:"ispb"`
		Name string `json:"name"`
	} `json:"institution"`
}

type pixAccount struct {
	AccountCode string `json:"account_code"`
	AccountType string `json:"account_type"`
	BranchCode  string `json:"branch_code"`
}

func (p *pixPayment) Kind() *approvals.Kind { return p.fam.kind }

func (p *pixPayment) ScheduledDay() *string { return p.ScheduledTo }

func (p *pixPayment) Plan(now time.Time) (string, time.Time) {
	x := p.fam
	if p.ScheduledTo != nil {
		if day, err := calendar.ParseDay(*p.ScheduledTo); err == nil && day.After(now) {
			return "SCHEDULED", day
		}
	}
	return "CONFIRMED", now.Add(x.book.Step())
}

func (p *pixPayment) counterParty() ledger.CounterParty {
	var cp ledger.CounterParty
	if p.Target.Account != nil {
		cp.Account.AccountCode, cp.Account.BranchCode = p.Target.Account.AccountCode, p.Target.Account.BranchCode
	}
	cp.Account.Institution, cp.Account.InstitutionName = p.Target.Institution.ISPB, p.Target.Institution.Name
	cp.Entity.Name, cp.Entity.Document, cp.Entity.DocumentType = p.Target.Entity.Name, p.Target.Entity.Document, p.Target.Entity.DocumentType
	return cp
}

// Run reserves the money (debits it) and settles one step later.
func (p *pixPayment) Run(at time.Time) {
	x := p.fam
	src := x.book.Account(p.AccountID)
	if src.Balance() < p.Amount+p.Fee {
		x.ops.Fail(p, at, "1", "Saldo insuficiente.")
		return
	}
	p.Status, p.MoneyReservedAt = "MONEY_RESERVED", api.TSPtr(at)
	x.book.Post(src, ledger.Posting{Amount: -p.Amount, Fee: p.Fee, CP: p.counterParty(), Type: "outbound_pix_payment",
		Desc: p.Description, OpID: p.ID, Extra: map[string]any{"end_to_end_id": p.EndToEndID}}, at)
	x.ops.Event(p, "money_reserved", at)
	x.book.At(at.Add(x.book.Step()), func(at time.Time) {
		if p.Status != "MONEY_RESERVED" {
			return
		}
		if p.refund {
			x.refundPix(p, at)
			return
		}
		p.Status, p.SettledAt = "SETTLED", api.TSPtr(at)
		x.ops.Event(p, "settled", at)
		if dst := x.book.Account(p.targetAccountID); dst != nil {
			x.receivePix(dst, p.Amount, stoneParty(src), p.EndToEndID, p.invoiceID, at)
		}
	})
}

// refundPix is the other bank returning the money.
func (x *Pix) refundPix(p *pixPayment, at time.Time) {
	p.Status, p.RefundedAt, p.RefundedAmount = "REFUNDED", api.TSPtr(at), p.Amount
	x.book.Post(x.book.Account(p.AccountID), ledger.Posting{Amount: p.Amount, CP: p.counterParty(), Type: "refund_for_outbound_pix_payment",
		Desc: "Devolução de Pix", OpID: p.ID, Extra: map[string]any{"end_to_end_id": p.EndToEndID}}, at)
	x.ops.Event(p, "refunded", at)
}

// endToEndID is BACEN's E + payer ISPB + yyyyMMddHHmm (UTC) + 11 characters.
func endToEndID(id string, at time.Time) string {
	sum := sha256.Sum256([]byte(id))
	return "E" + ledger.StoneISPB + at.UTC().Format("200601021504") + hex.EncodeToString(sum[:])[:11]
}

// handleConfirmPix confirms a draft (204), optionally with its final amount
// and description. A draft on a consented account then waits for its owner.
func (x *Pix) handleConfirmPix(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.OptionalBody(r)
	if !ok {
		rp.Write(w)
		return
	}
	amount, _ := f.Int("amount", false)
	if amount < 0 || amount > maxPixAmount {
		f.Add("must be between 0 and 1000000000000", "amount")
	}
	desc, hasDesc := f.Str("description", false), f.Has("description")
	f.MaxLen("description", desc, maxPixDescription)
	if f.Has("add_target_to_contacts") {
		var b bool
		if raw, _ := api.Present(f.Obj, "add_target_to_contacts"); json.Unmarshal(raw, &b) != nil {
			f.Add("must be a boolean", "add_target_to_contacts")
		}
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	x.book.Reply(w, func() api.Reply {
		op, ok := x.ops.Of(x.kind, r.PathValue("id"))
		if !ok {
			return api.NotFound()
		}
		p := op.(*pixPayment)
		if _, ok := x.book.Accessible(c.ClientID, p.AccountID); !ok {
			return api.Unauthorized()
		}
		if p.Status != "CREATED" || p.confirmed {
			return api.Conflict("PIX payment is " + p.Status + " and already confirmed; only a CREATED draft can be confirmed")
		}
		if amount > 0 {
			p.Amount = amount
		}
		if p.Amount == 0 {
			return api.Validation(api.FieldError{Error: "can't be blank (the payment has no amount yet)", Path: []string{"amount"}})
		}
		if rp, ok := x.checkInvoice(p.invoiceID, p.Amount, true); !ok {
			return rp
		}
		if hasDesc && desc != "" {
			p.Description = desc
		}
		now := x.book.Stamp(c.Now)
		p.confirmed, p.ConfirmedAt, p.ConfirmedBy = true, api.TSPtr(now), api.StrPtr(c.SubjectID())
		if x.book.OwnedBy(p.AccountID, c.ClientID) {
			x.ops.Approve(p, c.SubjectID(), now)
		} else {
			x.ops.AwaitOwner(p, now)
		}
		return api.NoContent()
	})
}
