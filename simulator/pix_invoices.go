package simulator

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"slices"
	"time"
)

const (
	maxInvoiceAmount  = 999_999_999_999
	defaultExpiration = 86400
)

var invoiceTxidRE = regexp.MustCompile(`^[a-zA-Z0-9-]{1,36}$`)

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type invoiceCustomer struct {
	Name         string `json:"name"`
	Document     string `json:"document"`
	DocumentType string `json:"document_type,omitempty"`
}

// pixInvoice is a PIX charge with a dynamic QR code (pix_payment_invoice).
// ACTIVE → PAID (an inbound PIX paid it) | CANCELLED (DELETE) | EXPIRED.
type pixInvoice struct {
	ID                 string           `json:"id"`
	AccountID          string           `json:"account_id"`
	RequestID          string           `json:"request_id"`
	Key                string           `json:"key"`
	KeyType            string           `json:"key_type"`
	TransactionID      string           `json:"transaction_id"`
	Amount             int64            `json:"amount"`
	RequestForPayer    *string          `json:"request_for_payer"`
	Expiration         int64            `json:"expiration"`
	CreatedAt          string           `json:"created_at"`
	CreatedBy          string           `json:"created_by"`
	UpdatedAt          string           `json:"updated_at"`
	Revision           int              `json:"revision"`
	Location           string           `json:"location"`
	Status             string           `json:"status"`
	Customer           *invoiceCustomer `json:"customer"`
	AdditionalData     []nameValue      `json:"additional_data"`
	PaidAt             *string          `json:"paid_at"`
	CancelledAt        *string          `json:"cancelled_at"`
	QRCodeContent      string           `json:"qr_code_content"`
	QRCodeImage        *string          `json:"qr_code_image"` // null: the simulator renders no images
	InboundPixPayments []*inboundPix    `json:"inbound_pix_payments"`

	seq     int64
	created time.Time
}

// inboundPix is a PIX received by a Stone account.
type inboundPix struct {
	ID            string   `json:"id"`
	AccountID     string   `json:"account_id"`
	Amount        int64    `json:"amount"`
	CreatedAt     string   `json:"created_at"`
	EndToEndID    string   `json:"end_to_end_id"`
	InvoiceID     *string  `json:"invoice_id"`
	Source        pixParty `json:"source"`
	Status        string   `json:"status"`
	TransactionID *string  `json:"transaction_id"`
}

func (st *store) invoiceEvent(inv *pixInvoice, typ string, at time.Time) {
	st.emit(&event{Type: typ, TargetType: "pix_payment_invoice", TargetID: inv.ID, AccountID: inv.AccountID,
		Data: snapshot(inv), DetailPath: "/api/v1/pix_payment_invoices/" + inv.ID, At: at})
}

func (st *store) invoiceByTxid(key, txid string) *pixInvoice {
	for i := len(st.pixInvOrder) - 1; i >= 0; i-- {
		if inv := st.pixInvOrder[i]; inv.Key == key && inv.TransactionID == txid {
			return inv
		}
	}
	return nil
}

// checkInvoice says why a PIX cannot pay a charge of the simulator's own.
func (st *store) checkInvoice(id string, amount int64, _ bool) (reply, bool) {
	inv, ok := st.pixInvoices[id]
	if !ok {
		return reply{}, true
	}
	switch {
	case inv.Status == "PAID":
		return unprocessable("invoice_paid", "the charge is already paid"), false
	case inv.Status != "ACTIVE":
		return unprocessable("invoice_expired", "the charge is "+inv.Status), false
	case amount != inv.Amount:
		return unprocessable("invoice_amount_differs", "the charge is of "+itoa(inv.Amount)+" centavos"), false
	}
	return reply{}, true
}

// receivePix credits a Stone account with an inbound PIX, paying a charge
// when it is one.
func (st *store) receivePix(dst *account, amount int64, payer pixParty, e2e, invoiceID string, at time.Time) *inboundPix {
	var cp counterParty
	if payer.Account != nil {
		cp.Account.AccountCode, cp.Account.BranchCode = payer.Account.AccountCode, payer.Account.BranchCode
	}
	cp.Account.Institution, cp.Account.InstitutionName = payer.Institution.ISPB, payer.Institution.Name
	cp.Entity.Name, cp.Entity.Document, cp.Entity.DocumentType = payer.Entity.Name, payer.Entity.Document, payer.Entity.DocumentType
	in := &inboundPix{ID: st.newID(), AccountID: dst.ID, Amount: amount, CreatedAt: ts(at), EndToEndID: e2e, Source: payer, Status: "SETTLED"}
	credit := st.postEntry(dst, posting{amount: amount, cp: cp, typ: "pix_payment", desc: "Pix recebido", opID: in.ID,
		extra: map[string]any{"end_to_end_id": e2e}}, at)
	st.inbound[in.ID] = in
	inv, paid := st.pixInvoices[invoiceID]
	if paid = paid && inv.Status == "ACTIVE"; paid {
		in.InvoiceID, in.TransactionID = strPtr(inv.ID), strPtr(inv.TransactionID)
		inv.Status, inv.PaidAt, inv.UpdatedAt = "PAID", tsPtr(at), ts(at)
		inv.InboundPixPayments = append(inv.InboundPixPayments, in)
	}
	st.emit(&event{Type: "pix_inbound_payment_received", TargetType: "inbound_pix_payment", TargetID: in.ID, AccountID: dst.ID,
		Data: snapshot(in), DetailPath: "/api/v1/inbound_pix_payments/" + in.ID, StatementRef: credit.ID, At: at})
	if paid {
		st.invoiceEvent(inv, "pix_invoice_payment_paid", at)
	}
	return in
}

// handleCreatePixInvoice creates a charge with a dynamic QR code (201). Its
// location is this simulator's own URL, so reading the QR code here
// resolves it.
func (s *Simulator) handleCreatePixInvoice(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	f, rp, ok := decodeFields(r)
	if !ok {
		rp.write(w)
		return
	}
	accountID, key := f.str("account_id", true), f.str("key", true)
	amount, _ := f.amount("amount", true, maxInvoiceAmount)
	txid := f.str("transaction_id", false)
	if txid != "" && !invoiceTxidRE.MatchString(txid) {
		f.add(`has invalid format (^[a-zA-Z0-9-]{1,36}$)`, "transaction_id")
	}
	var rfp *string
	if f.has("request_for_payer") {
		v := f.str("request_for_payer", false)
		f.maxLen("request_for_payer", v, 140)
		rfp = &v
	}
	expiration := int64(defaultExpiration)
	if n, ok := f.int("expiration", false); ok {
		if n <= 0 {
			f.add("must be greater than 0", "expiration")
		}
		expiration = n
	}
	var cust *invoiceCustomer
	if c, ok := f.object("customer", false); ok {
		cust = &invoiceCustomer{Name: c.str("name", true), Document: c.str("document", true)}
		c.maxLen("name", cust.Name, 200)
		c.maxLen("document", cust.Document, 200)
		cust.DocumentType = documentType(cust.Document)
	}
	extra := []nameValue{}
	items, _ := f.array("additional_data")
	if len(items) > 50 {
		f.add("should have at most 50 item(s)", "additional_data")
	}
	for _, it := range items {
		nv := nameValue{Name: it.str("name", true), Value: it.str("value", true)}
		it.maxLen("name", nv.Name, 50)
		it.maxLen("value", nv.Value, 200)
		extra = append(extra, nv)
	}
	if rp, ok := f.result(); !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		a, ok := st.accessible(rc.client, accountID)
		if !ok {
			return unauthorized()
		}
		if d, ok := st.dict[key]; !ok || d.accountID != a.ID {
			return unprocessable("key_not_found", "the key is not a PIX key of the account")
		}
		now := st.stamp(rc.now)
		inv := &pixInvoice{ID: st.newID(), AccountID: a.ID, Key: key, KeyType: st.dict[key].keyType, TransactionID: txid,
			Amount: amount, RequestForPayer: rfp, Expiration: expiration, CreatedAt: ts(now), CreatedBy: rc.client.subjectID(),
			UpdatedAt: ts(now), Status: "ACTIVE", Customer: cust, AdditionalData: extra, InboundPixPayments: []*inboundPix{},
			seq: st.next(), created: now}
		inv.RequestID = inv.ID
		if inv.TransactionID == "" {
			sum := sha256.Sum256([]byte("txid:" + inv.ID))
			inv.TransactionID = hex.EncodeToString(sum[:])[:32]
		}
		if other := st.invoiceByTxid(key, inv.TransactionID); other != nil && other.Status == "ACTIVE" {
			return unprocessable("already_exists", "an active charge of this key already has transaction_id "+inv.TransactionID)
		}
		inv.Location = r.Host + "/pix/" + inv.ID
		inv.QRCodeContent = brCode{dynamic: true, url: inv.Location, amount: amount, name: a.OwnerName, city: "SAO PAULO"}.encode()
		st.pixInvoices[inv.ID] = inv
		st.pixInvOrder = append(st.pixInvOrder, inv)
		st.invoiceEvent(inv, "pix_invoice_payment_created", now)
		st.at(now.Add(time.Duration(expiration)*time.Second), func(at time.Time) {
			if inv.Status == "ACTIVE" {
				inv.Status, inv.UpdatedAt = "EXPIRED", ts(at)
			}
		})
		return jsonReply(http.StatusCreated, inv)
	})
}

func (s *Simulator) invoiceFor(st *store, rc *reqCtx, id string) (*pixInvoice, reply, bool) {
	inv, ok := st.pixInvoices[id]
	if !ok {
		return nil, notFound(), false
	}
	if _, ok := st.accessible(rc.client, inv.AccountID); !ok {
		return nil, unauthorized(), false
	}
	return inv, reply{}, true
}

func (s *Simulator) handleGetPixInvoice(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		inv, rp, ok := s.invoiceFor(st, rc, r.PathValue("id"))
		if !ok {
			return rp
		}
		return jsonReply(http.StatusOK, inv)
	})
}

// handleCancelPixInvoice is DELETE: 204, or 422 already_paid.
func (s *Simulator) handleCancelPixInvoice(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		inv, rp, ok := s.invoiceFor(st, rc, r.PathValue("id"))
		if !ok {
			return rp
		}
		switch inv.Status {
		case "PAID":
			return srnErr(http.StatusUnprocessableEntity, "already_paid")
		case "ACTIVE":
		default:
			return conflict("the charge is " + inv.Status)
		}
		now := st.stamp(rc.now)
		inv.Status, inv.CancelledAt, inv.UpdatedAt = "CANCELLED", tsPtr(now), ts(now)
		st.invoiceEvent(inv, "pix_invoice_payment_cancelled", now)
		return reply{status: http.StatusNoContent}
	})
}

// handleListPixInvoices lists charges of an account (account_id, or the
// x-stone-account-id header Stone's Go SDK sends), filtered by status, key
// and transaction_id.
func (s *Simulator) handleListPixInvoices(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := r.URL.Query()
	accountID := q.Get("account_id")
	if accountID == "" {
		accountID = r.Header.Get("x-stone-account-id")
	}
	status := q.Get("status")
	if status != "" && !slices.Contains([]string{"ACTIVE", "PAID", "CANCELLED", "EXPIRED"}, status) {
		validationErr(fieldError{Error: "must be ACTIVE, PAID, CANCELLED or EXPIRED", Path: []string{"status"}}).write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		if accountID == "" {
			return validationErr(fieldError{Error: "can't be blank", Path: []string{"account_id"}})
		}
		if _, ok := st.accessible(rc.client, accountID); !ok {
			return unauthorized()
		}
		scope := "pix_payment_invoices|" + accountID
		p, rp, ok := parsePage(q, scope, transfersDefaultLimit, transfersMaxLimit)
		if !ok {
			return rp
		}
		var list []*pixInvoice
		for i := len(st.pixInvOrder) - 1; i >= 0; i-- {
			inv := st.pixInvOrder[i]
			if inv.AccountID == accountID && (status == "" || inv.Status == status) &&
				(q.Get("key") == "" || inv.Key == q.Get("key")) && (q.Get("transaction_id") == "" || inv.TransactionID == q.Get("transaction_id")) {
				list = append(list, inv)
			}
		}
		data, cur := paginate(list, func(inv *pixInvoice) int64 { return inv.seq }, true, p, scope)
		return jsonReply(http.StatusOK, listResponse[*pixInvoice]{Cursor: cur, Data: append([]*pixInvoice{}, data...)})
	})
}

func (s *Simulator) handleGetInboundPix(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		in, ok := st.inbound[r.PathValue("id")]
		if !ok {
			return notFound()
		}
		if _, ok := st.accessible(rc.client, in.AccountID); !ok {
			return unauthorized()
		}
		return jsonReply(http.StatusOK, in)
	})
}
