package simulator

import (
	"net/http"
	"slices"
	"strings"
	"time"
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

func (st *store) refundEvent(rf *pixRefund, suffix string, at time.Time) {
	st.emit(&event{Type: "pix_inbound_payment_refund_" + suffix, TargetType: "refund_for_pix_payment", TargetID: rf.ID,
		AccountID: rf.AccountID, Data: snapshot(rf), At: at})
}

// handleRefundInboundPix is POST /api/v1/refunds_for_inbound_pix_payments
// {reason, amount, inbound_pix_payment_id} → 202: partial refunds allowed,
// never more than what is left of the payment, within 90 days.
func (s *Simulator) handleRefundInboundPix(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	f, rp, ok := decodeFields(r)
	if !ok {
		rp.write(w)
		return
	}
	reason := f.str("reason", true)
	if reason != "" && !slices.Contains(refundReasons(), reason) {
		f.add("must be beneficiary_request, fraud, institution_error or specific_service_offered_by_creditor_agent", "reason")
	}
	amount, _ := f.amount("amount", true, maxPixAmount)
	inID := f.str("inbound_pix_payment_id", true)
	if rp, ok := f.result(); !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		in, ok := st.inbound[inID]
		if !ok {
			return unprocessable("inbound_pix_payment_not_found", "no inbound PIX payment "+inID)
		}
		a, ok := st.accessible(rc.client, in.AccountID)
		if !ok {
			return unauthorized()
		}
		now := st.stamp(rc.now)
		received, _ := time.Parse(time.RFC3339, in.CreatedAt)
		if now.Sub(received) > maxRefundAge {
			return unprocessable("refund_period_expired", "a PIX can be returned up to 90 days after it was received")
		}
		var refunded int64
		for _, rf := range st.pixRefunds {
			if rf.InboundPixPayment == in.ID && rf.Status != "FAILED" {
				refunded += rf.Amount
			}
		}
		if amount > in.Amount-refunded {
			return validationErr(fieldError{Error: "must not exceed what is left to refund (" + itoa(in.Amount-refunded) + ")", Path: []string{"amount"}})
		}
		rf := &pixRefund{ID: st.newID(), AccountID: a.ID, Amount: amount, CreatedAt: ts(now), CreatedBy: rc.client.subjectID(),
			InboundPixPayment: in.ID, Reason: reason, Status: "CREATED"}
		rf.EndToEndID = "D" + endToEndID(rf.ID, now)[1:]
		st.pixRefunds = append(st.pixRefunds, rf)
		st.refundEvent(rf, "created", now)
		st.at(now.Add(st.step), func(at time.Time) { st.reserveRefund(rf, in, at) })
		return jsonReply(http.StatusAccepted, rf)
	})
}

func (st *store) reserveRefund(rf *pixRefund, in *inboundPix, at time.Time) {
	a := st.accounts[rf.AccountID]
	if a.balance < rf.Amount {
		rf.Status, rf.FailedAt, rf.FailureReasonCode = "FAILED", tsPtr(at), strPtr("1")
		st.refundEvent(rf, "failed", at)
		return
	}
	var cp counterParty
	cp.Account.Institution, cp.Account.InstitutionName = in.Source.Institution.ISPB, in.Source.Institution.Name
	cp.Entity.Name, cp.Entity.Document, cp.Entity.DocumentType = in.Source.Entity.Name, in.Source.Entity.Document, in.Source.Entity.DocumentType
	st.postEntry(a, posting{amount: -rf.Amount, cp: cp, typ: "refund_for_pix_payment", desc: "Devolução de Pix", opID: rf.ID,
		extra: map[string]any{"end_to_end_id": rf.EndToEndID}}, at)
	rf.Status, rf.MoneyReservedAt = "MONEY_RESERVED", tsPtr(at)
	st.refundEvent(rf, "money_reserved", at)
	st.at(at.Add(st.step), func(at time.Time) {
		rf.Status, rf.SettledAt = "SETTLED", tsPtr(at)
		// Money returned to a payer at Stone lands in their account; one
		// at another bank leaves the simulated world, as it would.
		if payer := st.stonePayer(in); payer != nil {
			st.postEntry(payer, posting{amount: rf.Amount, cp: counterPartyOf(a), typ: "refund_for_outbound_pix_payment",
				desc: "Devolução de Pix", opID: rf.ID, extra: map[string]any{"end_to_end_id": rf.EndToEndID}}, at)
		}
		st.refundEvent(rf, "settled", at)
	})
}

// stonePayer is the Stone account an inbound PIX came from, or nil when it
// came from another bank.
func (st *store) stonePayer(in *inboundPix) *account {
	if in.Source.Institution.ISPB != stoneISPB || in.Source.Account == nil {
		return nil
	}
	return st.accountsByCode[strings.TrimLeft(in.Source.Account.AccountCode, "0")]
}
