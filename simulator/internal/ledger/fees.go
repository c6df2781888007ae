package ledger

import (
	"net/http"
	"slices"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// Fees of every seeded account: TED costs R$4,00, as in Stone's examples;
// internal transfers, barcode payments and PIX are free; an issued boleto
// costs R$2,00 when it is paid, but the first 5 paid each period are free.
const (
	TEDFee          = 400
	BoletoFee       = 200
	FreeBoletos     = 5
	cardWithdrawFee = 1290
)

func feeTypes() []string {
	return []string{"internal_transfer", "external_transfer", "barcode_payment",
		"outbound_stone_prepaid_card_payment", "outbound_stone_prepaid_card_withdrawal", "barcode_payment_invoice"}
}

// Fee is Stone's fee object: amount and fee_type, plus the exemption fields
// that only external_transfer and barcode_payment_invoice carry.
type Fee struct {
	Amount                      int64  `json:"amount"`
	FeeType                     string `json:"fee_type"`
	BillingExemptionParticipant *bool  `json:"billing_exemption_participant,omitempty"`
	OriginalFee                 *int64 `json:"original_fee,omitempty"`
	MaxFreeTransfers            *int64 `json:"max_free_transfers,omitempty"`
	RemainingFreeTransfers      *int64 `json:"remaining_free_transfers,omitempty"`
	MaxFree                     *int64 `json:"max_free,omitempty"`
	RemainingFree               *int64 `json:"remaining_free,omitempty"`
}

// FeeOf is what an operation of feeType costs the account now. Caller holds
// the lock.
func (b *Book) FeeOf(accountID, feeType string) Fee {
	f := Fee{FeeType: feeType}
	switch feeType {
	case "external_transfer":
		f.Amount = TEDFee
		f.BillingExemptionParticipant, f.OriginalFee = api.Ptr(false), api.Ptr(int64(TEDFee))
		f.MaxFreeTransfers, f.RemainingFreeTransfers = api.Ptr(int64(0)), api.Ptr(int64(0))
	case "outbound_stone_prepaid_card_withdrawal":
		f.Amount = cardWithdrawFee
	case "barcode_payment_invoice":
		var paid int64
		if a := b.accounts[accountID]; a != nil {
			paid = a.invoicesPaid
		}
		left := max(FreeBoletos-paid, 0)
		if left == 0 {
			f.Amount = BoletoFee
		}
		f.BillingExemptionParticipant, f.OriginalFee = api.Ptr(true), api.Ptr(int64(BoletoFee))
		f.MaxFree, f.RemainingFree = api.Ptr(int64(FreeBoletos)), api.Ptr(left)
	}
	return f
}

// FeeAmount is FeeOf's amount. Caller holds the lock.
func (b *Book) FeeAmount(accountID, feeType string) int64 { return b.FeeOf(accountID, feeType).Amount }

// NoteInvoicePaid counts one more issued boleto paid into the account, which
// uses up the free allowance. Caller holds the lock.
func (b *Book) NoteInvoicePaid(accountID string) {
	if a := b.accounts[accountID]; a != nil {
		a.invoicesPaid++
	}
}

// handleFees lists every fee of an account.
func (b *Book) handleFees(w http.ResponseWriter, r *http.Request, c *api.Call) {
	b.Reply(w, func() api.Reply {
		a, ok := b.Accessible(c.ClientID, r.PathValue("id"))
		if !ok {
			return api.Unauthorized()
		}
		out := api.List[Fee]{Cursor: api.Cursor{Limit: len(feeTypes())}, Data: []Fee{}}
		for _, t := range feeTypes() {
			out.Data = append(out.Data, b.FeeOf(a.ID, t))
		}
		return api.JSON(http.StatusOK, out)
	})
}

// handleFee is one fee_type of an account.
func (b *Book) handleFee(w http.ResponseWriter, r *http.Request, c *api.Call) {
	typ := r.PathValue("fee_type")
	b.Reply(w, func() api.Reply {
		a, ok := b.Accessible(c.ClientID, r.PathValue("id"))
		if !ok {
			return api.Unauthorized()
		}
		if !slices.Contains(feeTypes(), typ) {
			return api.Validation(api.FieldError{Error: "is not a fee type", Path: []string{"fee_type"}})
		}
		return api.JSON(http.StatusOK, b.FeeOf(a.ID, typ))
	})
}
