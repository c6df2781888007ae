package simulator

import (
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// boleto is an issued boleto (barcode_payment_invoice, §5.7):
//
//	CREATED → REGISTERED (one step later) → SETTLED (paid: /_sim/ control, or a
//	barcode payment of it from any Stone account) · cancel → CANCELLATION_REQUESTED
//	→ CANCELLED · not paid by the end of limit_date → EXPIRED
type boleto struct {
	AccountID      string          `json:"account_id"`
	Amount         int64           `json:"amount"`
	Barcode        string          `json:"barcode"`
	Beneficiary    boletoParty     `json:"beneficiary"`
	CancelledAt    *string         `json:"cancelled_at"`
	CreatedAt      string          `json:"created_at"`
	CreatedBy      string          `json:"created_by"`
	Customer       *boletoParty    `json:"customer"`
	Description    *string         `json:"description"`
	Discounts      []pctOn         `json:"discounts"`
	ExpirationDate string          `json:"expiration_date"`
	ExpiredAt      *string         `json:"expired_at"`
	Fee            int64           `json:"fee"`
	FeeMetadata    feeMetadata     `json:"fee_metadata"`
	Fine           *pctOn          `json:"fine"`
	ID             string          `json:"id"`
	Interest       *pctOn          `json:"interest"`
	InvoiceType    string          `json:"invoice_type"`
	IssuanceDate   string          `json:"issuance_date"`
	LimitDate      string          `json:"limit_date"`
	Metadata       json.RawMessage `json:"metadata"`
	OurNumber      string          `json:"our_number"`
	Receiver       *boletoParty    `json:"receiver"`
	RegisteredAt   *string         `json:"registered_at"`
	SettledAt      *string         `json:"settled_at"`
	Status         string          `json:"status"`
	WritableLine   string          `json:"writable_line"`

	seq int64
}

type feeMetadata struct {
	BillingExemptionParticipant bool  `json:"billing_exemption_participant"`
	Fee                         int64 `json:"fee"`
	MaxFree                     int64 `json:"max_free"`
	OriginalFee                 int64 `json:"original_fee"`
	RemainingFree               int64 `json:"remaining_free"`
}

func boletoStatuses() []string {
	return []string{"CREATED", "REGISTERED", "SETTLED", "CANCELLATION_REQUESTED", "CANCELLED", "EXPIRED", "PENDING"}
}

func (st *store) boletoEvent(bo *boleto, suffix string, at time.Time) {
	st.emit(&event{Type: "barcode_payment_invoice_" + suffix, TargetType: "barcode_payment_invoice", TargetID: bo.ID,
		AccountID: bo.AccountID, Data: snapshot(bo), DetailPath: "/api/v1/barcode_payment_invoices/" + bo.ID, At: at})
}

func (st *store) paidBoletos(accountID string) int {
	n := 0
	for _, bo := range st.boletoOrder {
		if bo.AccountID == accountID && bo.Status == "SETTLED" {
			n++
		}
	}
	return n
}

// ourNumber is 20 digits derived from the id: stable and practically unique.
func ourNumber(id string) string {
	sum := sha256.Sum256([]byte(id))
	out := make([]byte, 20)
	for i := range out {
		out[i] = '0' + sum[i]%10
	}
	return string(out)
}

func (st *store) feeMeta(accountID string) feeMetadata {
	f := st.feeOf(accountID, "barcode_payment_invoice")
	return feeMetadata{BillingExemptionParticipant: true, Fee: f.Amount, MaxFree: freeBoletos, OriginalFee: boletoFee, RemainingFree: deref(f.RemainingFree)}
}

// settleBoleto credits the beneficiary: the boleto is paid.
// settleBoleto credits a paid boleto to its account. It reports false,
// crediting nothing, when the boleto cannot be paid any more (already
// settled, cancelled, expired): the caller must then return the money.
func (st *store) settleBoleto(bo *boleto, amount int64, payerDoc string, at time.Time) bool {
	if bo.Status != "REGISTERED" {
		return false
	}
	a := st.accounts[bo.AccountID]
	fee := st.fee(a.ID, "barcode_payment_invoice")
	bo.Status, bo.SettledAt, bo.Fee = "SETTLED", tsPtr(at), fee
	bo.FeeMetadata = st.feeMeta(a.ID)
	var cp counterParty
	cp.Entity.Name, cp.Entity.Document, cp.Entity.DocumentType = "Pagador", payerDoc, documentType(payerDoc)
	if bo.Customer != nil {
		cp.Entity.Name = bo.Customer.LegalName
	}
	credit := st.postEntry(a, posting{amount: amount, fee: fee, cp: cp, typ: "payment", desc: "Depósito por boleto", opID: bo.ID,
		extra: map[string]any{"barcode": bo.Barcode, "writable_line": bo.WritableLine, "barcode_payment_invoice_id": bo.ID,
			"invoice_type": bo.InvoiceType, "title": "Depósito por boleto"}}, at)
	st.boletoEvent(bo, "settled", at)
	st.emit(&event{Type: "cash_in_barcode_payment", TargetType: "barcode_payment", AccountID: a.ID,
		Data: entrySnapshot(credit), StatementRef: credit.ID, At: at})
	return true
}

// handleCreateBoleto issues a boleto: 201 (Stone's pages show 200 and 201;
// 201 is sent) in CREATED, registered one step later.
func (s *Simulator) handleCreateBoleto(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	req, rp, ok := decodeBoletoRequest(r, rc.now)
	if !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		a, ok := st.accessible(rc.client, req.accountID)
		if !ok {
			return unauthorized()
		}
		if !slices.Contains(a.invoiceTypes, req.invoiceType) {
			return unprocessable("product_not_enabled", "barcode_payment_invoice_"+req.invoiceType+" is not enabled on this account")
		}
		now := st.stamp(rc.now)
		exp, _ := parseDay(req.expiration)
		bo := &boleto{AccountID: a.ID, Amount: req.amount, CreatedAt: ts(now), CreatedBy: rc.client.subjectID(),
			Customer: req.customer, Description: req.description, Discounts: req.discounts, ExpirationDate: req.expiration,
			Fine: req.fine, ID: st.newID(), Interest: req.interest, InvoiceType: req.invoiceType, IssuanceDate: dateString(now),
			LimitDate: req.limit, Metadata: req.metadata, Receiver: req.receiver, Status: "CREATED", seq: st.next()}
		if bo.Discounts == nil {
			bo.Discounts = []pctOn{}
		}
		bo.Beneficiary = boletoParty{AccountCode: strPtr(a.AccountCode), BranchCode: strPtr(a.BranchCode), Document: a.OwnerDocument,
			DocumentType: documentType(a.OwnerDocument), LegalName: a.OwnerName}
		if bo.InvoiceType == "deposit" {
			payer := bo.Beneficiary
			payer.AccountCode, payer.BranchCode = nil, nil
			bo.Customer = &payer
		}
		bo.OurNumber = ourNumber(bo.ID)
		bo.Barcode = boletoBarcode("197", exp, bo.Amount, "00000"+bo.OurNumber)
		bo.WritableLine = boletoLine(bo.Barcode)
		bo.FeeMetadata = st.feeMeta(a.ID)
		st.boletos[bo.ID], st.boletoCodes[bo.Barcode] = bo, bo
		st.boletoOrder = append(st.boletoOrder, bo)
		st.boletoEvent(bo, "created", now)
		st.at(now.Add(st.step), func(at time.Time) {
			if bo.Status == "CREATED" {
				bo.Status, bo.RegisteredAt = "REGISTERED", tsPtr(at)
				st.boletoEvent(bo, "registered", at)
			}
		})
		limit, _ := parseDay(bo.LimitDate)
		st.at(limit.AddDate(0, 0, 1), func(at time.Time) {
			if bo.Status == "CREATED" || bo.Status == "REGISTERED" {
				bo.Status, bo.ExpiredAt = "EXPIRED", tsPtr(at)
				st.boletoEvent(bo, "expired", at)
			}
		})
		return jsonReply(http.StatusCreated, bo)
	})
}

func (s *Simulator) boletoFor(st *store, rc *reqCtx, id string) (*boleto, reply, bool) {
	bo, ok := st.boletos[id]
	if !ok {
		return nil, notFound(), false
	}
	if _, ok := st.accessible(rc.client, bo.AccountID); !ok {
		return nil, unauthorized(), false
	}
	return bo, reply{}, true
}

func (s *Simulator) handleGetBoleto(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		bo, rp, ok := s.boletoFor(st, rc, r.PathValue("id"))
		if !ok {
			return rp
		}
		return jsonReply(http.StatusOK, bo)
	})
}

// handleCancelBoleto asks for the cancellation ("baixa") of an unpaid boleto:
// 200 {} and CANCELLATION_REQUESTED, CANCELLED one step later.
func (s *Simulator) handleCancelBoleto(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		bo, rp, ok := s.boletoFor(st, rc, r.PathValue("id"))
		if !ok {
			return rp
		}
		if bo.Status != "CREATED" && bo.Status != "REGISTERED" {
			return conflict("boleto is " + bo.Status + ", only CREATED or REGISTERED boletos can be cancelled")
		}
		now := st.stamp(rc.now)
		bo.Status = "CANCELLATION_REQUESTED"
		st.at(now.Add(st.step), func(at time.Time) {
			if bo.Status == "CANCELLATION_REQUESTED" {
				bo.Status, bo.CancelledAt = "CANCELLED", tsPtr(at)
				st.boletoEvent(bo, "cancelled", at)
			}
		})
		return jsonReply(http.StatusOK, struct{}{})
	})
}

// handleListBoletos lists issued boletos newest first: account_id (all
// accessible accounts without it), status (PENDING = CREATED or REGISTERED)
// and invoice_type, with cursors.
func (s *Simulator) handleListBoletos(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := r.URL.Query()
	accountID, status, typ := q.Get("account_id"), q.Get("status"), q.Get("invoice_type")
	var errs []fieldError
	if status != "" && !slices.Contains(boletoStatuses(), status) {
		errs = append(errs, fieldError{Error: "is not a boleto status", Path: []string{"status"}})
	}
	if typ != "" && !slices.Contains(invoiceTypes(), typ) {
		errs = append(errs, fieldError{Error: "is not an invoice type", Path: []string{"invoice_type"}})
	}
	if len(errs) > 0 {
		validationErr(errs...).write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		if accountID != "" {
			if _, ok := st.accessible(rc.client, accountID); !ok {
				return unauthorized()
			}
		}
		scope := "barcode_payment_invoices|" + accountID
		p, rp, ok := parsePage(q, scope, transfersDefaultLimit, transfersMaxLimit)
		if !ok {
			return rp
		}
		var list []*boleto
		for i := len(st.boletoOrder) - 1; i >= 0; i-- {
			bo := st.boletoOrder[i]
			if _, ok := st.accessible(rc.client, bo.AccountID); !ok || (accountID != "" && bo.AccountID != accountID) {
				continue
			}
			pending := bo.Status == "CREATED" || bo.Status == "REGISTERED"
			if (status == "" || bo.Status == status || (status == "PENDING" && pending)) && (typ == "" || bo.InvoiceType == typ) {
				list = append(list, bo)
			}
		}
		data, cur := paginate(list, func(bo *boleto) int64 { return bo.seq }, true, p, scope)
		return jsonReply(http.StatusOK, listResponse[*boleto]{Cursor: cur, Data: append([]*boleto{}, data...)})
	})
}

type boletoLimits struct {
	AccountID     string `json:"account_id"`
	MaximumAmount int64  `json:"maximum_amount"`
	MinimumAmount int64  `json:"minimum_amount"`
}

func (s *Simulator) handleBoletoLimits(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		a, ok := st.accessible(rc.client, r.PathValue("account_id"))
		if !ok {
			return unauthorized()
		}
		return jsonReply(http.StatusOK, boletoLimits{AccountID: a.ID, MaximumAmount: maxBoletoAmount, MinimumAmount: minBoletoAmount})
	})
}
