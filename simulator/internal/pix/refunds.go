package pix

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// maxRefundAge is how long after receiving a PIX it can be returned (BACEN: 90 days).
const maxRefundAge = 90 * 24 * time.Hour

func refundReasons() []string {
	return []string{"beneficiary_request", "fraud", "institution_error", "specific_service_offered_by_creditor_agent"}
}

// pixRefund returns (part of) an inbound PIX to its payer:
// CREATED → MONEY_RESERVED (debited) → SETTLED, one step each.
type pixRefund struct {
	ID                string  `json:"id"`
	AccountID         string  `json:"account_id"`
	Amount            int64   `json:"amount"`
	CreatedAt         string  `json:"created_at"`
	CreatedBy         string  `json:"created_by"`
	EndToEndID        string  `json:"end_to_end_id"`
	InboundPixPayment string  `json:"inbound_pix_payment_id"`
	Reason            string  `json:"reason"`
	Status            string  `json:"status"`
	MoneyReservedAt   *string `json:"money_reserved_at"`
	SettledAt         *string `json:"settled_at"`
	FailedAt          *string `json:"failed_at"`
	FailureReasonCode *string `json:"failure_reason_code"`
}

func (x *Pix) refundEvent(rf *pixRefund, suffix string, at time.Time) {
	x.book.Emit(&ledger.Event{Type: "pix_inbound_payment_refund_" + suffix, TargetType: "refund_for_pix_payment", TargetID: rf.ID,
		AccountID: rf.AccountID, Data: api.Snapshot(rf), At: at})
}

// handleRefundInboundPix is POST /api/v1/refunds_for_inbound_pix_payments
// {reason, amount, inbound_pix_payment_id} → 202: partial refunds allowed,
// never more than what is left of the payment, within 90 days.
func (x *Pix) handleRefundInboundPix(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	reason := f.Str("reason", true)
	if reason != "" && !slices.Contains(refundReasons(), reason) {
		f.Add("must be beneficiary_request, fraud, institution_error or specific_service_offered_by_creditor_agent", "reason")
	}
	amount, _ := f.Amount("amount", true, maxPixAmount)
	inID := f.Str("inbound_pix_payment_id", true)
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	x.book.Reply(w, func() api.Reply {
		in, ok := x.inbound[inID]
		if !ok {
			return api.Unprocessable("inbound_pix_payment_not_found", "no inbound PIX payment "+inID)
		}
		a, ok := x.book.Accessible(c.ClientID, in.AccountID)
		if !ok {
			return api.Unauthorized()
		}
		now := x.book.Stamp(c.Now)
		received, _ := time.Parse(time.RFC3339, in.CreatedAt)
		if now.Sub(received) > maxRefundAge {
			return api.Unprocessable("refund_period_expired", "a PIX can be returned up to 90 days after it was received")
		}
		var refunded int64
		for _, rf := range x.refunds {
			if rf.InboundPixPayment == in.ID && rf.Status != "FAILED" {
				refunded += rf.Amount
			}
		}
		if amount > in.Amount-refunded {
			return api.Validation(api.FieldError{Error: "must not exceed what is left to refund (" + api.Itoa(in.Amount-refunded) + ")", Path: []string{"amount"}})
		}
		rf := &pixRefund{ID: x.book.NewID(), AccountID: a.ID, Amount: amount, CreatedAt: api.TS(now), CreatedBy: c.SubjectID(),
			InboundPixPayment: in.ID, Reason: reason, Status: "CREATED"}
		rf.EndToEndID = "D" + endToEndID(rf.ID, now)[1:]
		x.refunds = append(x.refunds, rf)
		x.refundEvent(rf, "created", now)
		x.book.At(now.Add(x.book.Step()), func(at time.Time) { x.reserveRefund(rf, in, at) })
		return api.JSON(http.StatusAccepted, rf)
	})
}

func (x *Pix) reserveRefund(rf *pixRefund, in *inboundPix, at time.Time) {
	a := x.book.Account(rf.AccountID)
	if a.Balance() < rf.Amount {
		rf.Status, rf.FailedAt, rf.FailureReasonCode = "FAILED", api.TSPtr(at), api.StrPtr("1")
		x.refundEvent(rf, "failed", at)
		return
	}
	var cp ledger.CounterParty
	cp.Account.Institution, cp.Account.InstitutionName = in.Source.Institution.ISPB, in.Source.Institution.Name
	cp.Entity.Name, cp.Entity.Document, cp.Entity.DocumentType = in.Source.Entity.Name, in.Source.Entity.Document, in.Source.Entity.DocumentType
	x.book.Post(a, ledger.Posting{Amount: -rf.Amount, CP: cp, Type: "refund_for_pix_payment", Desc: "Devolução de Pix", OpID: rf.ID,
		Extra: map[string]any{"end_to_end_id": rf.EndToEndID}}, at)
	rf.Status, rf.MoneyReservedAt = "MONEY_RESERVED", api.TSPtr(at)
	x.refundEvent(rf, "money_reserved", at)
	x.book.At(at.Add(x.book.Step()), func(at time.Time) {
		rf.Status, rf.SettledAt = "SETTLED", api.TSPtr(at)
		// Money returned to a payer at Stone lands in their account; one
		// at another bank leaves the simulated world, as it would.
		if payer := x.stonePayer(in); payer != nil {
			x.book.Post(payer, ledger.Posting{Amount: rf.Amount, CP: ledger.CounterPartyOf(a), Type: "refund_for_outbound_pix_payment",
				Desc: "Devolução de Pix", OpID: rf.ID, Extra: map[string]any{"end_to_end_id": rf.EndToEndID}}, at)
		}
		x.refundEvent(rf, "settled", at)
	})
}

// stonePayer is the Stone account an inbound PIX came from, or nil when it
// came from another bank.
func (x *Pix) stonePayer(in *inboundPix) *ledger.Account {
	if in.Source.Institution.ISPB != ledger.StoneISPB || in.Source.Account == nil {
		return nil
	}
	a, _ := x.book.AccountByCode(strings.TrimLeft(in.Source.Account.AccountCode, "0"))
	return a
}
