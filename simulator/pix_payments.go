package simulator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"time"
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
	lifecycle
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

func (p *pixPayment) spec() *opKind { return kindPix() }

func (p *pixPayment) plan(st *store, now time.Time) (string, time.Time) {
	if p.ScheduledTo != nil {
		if day, err := parseDay(*p.ScheduledTo); err == nil && day.After(now) {
			return "SCHEDULED", day
		}
	}
	return "CONFIRMED", now.Add(st.step)
}

func (p *pixPayment) counterParty() counterParty {
	var cp counterParty
	if p.Target.Account != nil {
		cp.Account.AccountCode, cp.Account.BranchCode = p.Target.Account.AccountCode, p.Target.Account.BranchCode
	}
	cp.Account.Institution, cp.Account.InstitutionName = p.Target.Institution.ISPB, p.Target.Institution.Name
	cp.Entity.Name, cp.Entity.Document, cp.Entity.DocumentType = p.Target.Entity.Name, p.Target.Entity.Document, p.Target.Entity.DocumentType
	return cp
}

// run reserves the money (debits it) and settles one step later.
func (p *pixPayment) run(st *store, at time.Time) {
	src := st.accounts[p.AccountID]
	if src.balance < p.Amount+p.Fee {
		st.failOp(p, at, "1", "Saldo insuficiente.")
		return
	}
	p.Status, p.MoneyReservedAt = "MONEY_RESERVED", tsPtr(at)
	st.postEntry(src, posting{amount: -p.Amount, fee: p.Fee, cp: p.counterParty(), typ: "outbound_pix_payment",
		desc: p.Description, opID: p.ID, extra: map[string]any{"end_to_end_id": p.EndToEndID}}, at)
	st.opEvent(p, "money_reserved", at)
	st.at(at.Add(st.step), func(at time.Time) {
		if p.Status != "MONEY_RESERVED" {
			return
		}
		if p.refund {
			st.refundPix(p, at)
			return
		}
		p.Status, p.SettledAt = "SETTLED", tsPtr(at)
		st.opEvent(p, "settled", at)
		if dst, ok := st.accounts[p.targetAccountID]; ok {
			st.receivePix(dst, p.Amount, stoneParty(src), p.EndToEndID, p.invoiceID, at)
		}
	})
}

// refundPix is the other bank returning the money.
func (st *store) refundPix(p *pixPayment, at time.Time) {
	p.Status, p.RefundedAt, p.RefundedAmount = "REFUNDED", tsPtr(at), p.Amount
	st.postEntry(st.accounts[p.AccountID], posting{amount: p.Amount, cp: p.counterParty(), typ: "refund_for_outbound_pix_payment",
		desc: "Devolução de Pix", opID: p.ID, extra: map[string]any{"end_to_end_id": p.EndToEndID}}, at)
	st.opEvent(p, "refunded", at)
}

// endToEndID is BACEN's E + payer ISPB + yyyyMMddHHmm (UTC) + 11 characters.
func endToEndID(id string, at time.Time) string {
	sum := sha256.Sum256([]byte(id))
	return "E" + stoneISPB + at.UTC().Format("200601021504") + hex.EncodeToString(sum[:])[:11]
}

func requestIDOf(id string) string {
	sum := sha256.Sum256([]byte("request:" + id))
	return hex.EncodeToString(sum[:16])
}

func (s *Simulator) handleGetPix(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.getOp(w, r, rc, kindPix())
}

// handleConfirmPix confirms a draft (204), optionally with its final amount
// and description. A draft on a consented account then waits for its owner.
func (s *Simulator) handleConfirmPix(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	f, rp, ok := optionalBody(r)
	if !ok {
		rp.write(w)
		return
	}
	amount, _ := f.int("amount", false)
	if amount < 0 || amount > maxPixAmount {
		f.add("must be between 0 and 1000000000000", "amount")
	}
	desc, hasDesc := f.str("description", false), f.has("description")
	f.maxLen("description", desc, maxPixDescription)
	if f.has("add_target_to_contacts") {
		var b bool
		if raw, _ := present(f.obj, "add_target_to_contacts"); json.Unmarshal(raw, &b) != nil {
			f.add("must be a boolean", "add_target_to_contacts")
		}
	}
	if rp, ok := f.result(); !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		op, ok := st.opOf(kindPix(), r.PathValue("id"))
		if !ok {
			return notFound()
		}
		p := op.(*pixPayment)
		if _, ok := st.accessible(rc.client, p.AccountID); !ok {
			return unauthorized()
		}
		if p.Status != "CREATED" || p.confirmed {
			return conflict("PIX payment is " + p.Status + " and already confirmed; only a CREATED draft can be confirmed")
		}
		if amount > 0 {
			p.Amount = amount
		}
		if p.Amount == 0 {
			return validationErr(fieldError{Error: "can't be blank (the payment has no amount yet)", Path: []string{"amount"}})
		}
		if rp, ok := st.checkInvoice(p.invoiceID, p.Amount, true); !ok {
			return rp
		}
		if hasDesc && desc != "" {
			p.Description = desc
		}
		now := st.stamp(rc.now)
		p.confirmed, p.ConfirmedAt, p.ConfirmedBy = true, tsPtr(now), strPtr(rc.client.subjectID())
		if st.accounts[p.AccountID].ownerClient == rc.client.ID {
			st.approveOp(p, rc.client.subjectID(), now)
		} else {
			st.awaitOwner(p, now)
		}
		return reply{status: http.StatusNoContent}
	})
}
