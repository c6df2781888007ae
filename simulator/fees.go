package simulator

import (
	"net/http"
	"slices"
)

// Fees of every seeded account: TED costs R$4,00, as in Stone's examples;
// internal transfers, barcode payments and PIX are free; an issued boleto
// costs R$2,00 when it is paid, but the first 5 paid each period are free.
const (
	tedFee          = 400
	boletoFee       = 200
	freeBoletos     = 5
	cardWithdrawFee = 1290
)

func feeTypes() []string {
	return []string{"internal_transfer", "external_transfer", "barcode_payment",
		"outbound_stone_prepaid_card_payment", "outbound_stone_prepaid_card_withdrawal", "barcode_payment_invoice"}
}

// feeView is Stone's fee object: amount and fee_type, plus the exemption
// fields that only external_transfer and barcode_payment_invoice carry.
type feeView struct {
	Amount                      int64  `json:"amount"`
	FeeType                     string `json:"fee_type"`
	BillingExemptionParticipant *bool  `json:"billing_exemption_participant,omitempty"`
	OriginalFee                 *int64 `json:"original_fee,omitempty"`
	MaxFreeTransfers            *int64 `json:"max_free_transfers,omitempty"`
	RemainingFreeTransfers      *int64 `json:"remaining_free_transfers,omitempty"`
	MaxFree                     *int64 `json:"max_free,omitempty"`
	RemainingFree               *int64 `json:"remaining_free,omitempty"`
}

func (st *store) feeOf(accountID, feeType string) feeView {
	f := feeView{FeeType: feeType}
	switch feeType {
	case "external_transfer":
		f.Amount = tedFee
		f.BillingExemptionParticipant, f.OriginalFee = ptr(false), ptr(int64(tedFee))
		f.MaxFreeTransfers, f.RemainingFreeTransfers = ptr(int64(0)), ptr(int64(0))
	case "outbound_stone_prepaid_card_withdrawal":
		f.Amount = cardWithdrawFee
	case "barcode_payment_invoice":
		left := max(freeBoletos-st.paidBoletos(accountID), 0)
		if left == 0 {
			f.Amount = boletoFee
		}
		f.BillingExemptionParticipant, f.OriginalFee = ptr(true), ptr(int64(boletoFee))
		f.MaxFree, f.RemainingFree = ptr(int64(freeBoletos)), ptr(int64(left))
	}
	return f
}

// fee is what an operation of feeType costs the account now.
func (st *store) fee(accountID, feeType string) int64 { return st.feeOf(accountID, feeType).Amount }

// handleFees lists every fee of an account.
func (s *Simulator) handleFees(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		a, ok := st.accessible(rc.client, r.PathValue("id"))
		if !ok {
			return unauthorized()
		}
		out := listResponse[feeView]{Cursor: cursor{Limit: len(feeTypes())}, Data: []feeView{}}
		for _, t := range feeTypes() {
			out.Data = append(out.Data, st.feeOf(a.ID, t))
		}
		return jsonReply(http.StatusOK, out)
	})
}

// handleFee is one fee_type of an account.
func (s *Simulator) handleFee(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	typ := r.PathValue("fee_type")
	s.withStore(w, func(st *store) reply {
		a, ok := st.accessible(rc.client, r.PathValue("id"))
		if !ok {
			return unauthorized()
		}
		if !slices.Contains(feeTypes(), typ) {
			return validationErr(fieldError{Error: "is not a fee type", Path: []string{"fee_type"}})
		}
		return jsonReply(http.StatusOK, st.feeOf(a.ID, typ))
	})
}
