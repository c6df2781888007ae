package pix

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/brcode"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
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
	QRCodeImage        string           `json:"qr_code_image"` // a PNG of QRCodeContent (brcode.Image)
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

func (x *Pix) invoiceEvent(inv *pixInvoice, typ string, at time.Time) {
	x.book.Emit(&ledger.Event{Type: typ, TargetType: "pix_payment_invoice", TargetID: inv.ID, AccountID: inv.AccountID,
		Data: api.Snapshot(inv), DetailPath: "/api/v1/pix_payment_invoices/" + inv.ID, At: at})
}

func (x *Pix) invoiceByTxid(key, txid string) *pixInvoice {
	for i := len(x.invOrder) - 1; i >= 0; i-- {
		if inv := x.invOrder[i]; inv.Key == key && inv.TransactionID == txid {
			return inv
		}
	}
	return nil
}

// checkInvoice says why a PIX cannot pay a charge of the simulator's own.
func (x *Pix) checkInvoice(id string, amount int64, _ bool) (api.Reply, bool) {
	inv, ok := x.invoices[id]
	if !ok {
		return api.Reply{}, true
	}
	switch {
	case inv.Status == "PAID":
		return api.Unprocessable("invoice_paid", "the charge is already paid"), false
	case inv.Status != "ACTIVE":
		return api.Unprocessable("invoice_expired", "the charge is "+inv.Status), false
	case amount != inv.Amount:
		return api.Unprocessable("invoice_amount_differs", "the charge is of "+api.Itoa(inv.Amount)+" centavos"), false
	}
	return api.Reply{}, true
}

// receivePix credits a Stone account with an inbound PIX, paying a charge
// when it is one.
func (x *Pix) receivePix(dst *ledger.Account, amount int64, payer pixParty, e2e, invoiceID string, at time.Time) *inboundPix {
	var cp ledger.CounterParty
	if payer.Account != nil {
		cp.Account.AccountCode, cp.Account.BranchCode = payer.Account.AccountCode, payer.Account.BranchCode
	}
	cp.Account.Institution, cp.Account.InstitutionName = payer.Institution.ISPB, payer.Institution.Name
	cp.Entity.Name, cp.Entity.Document, cp.Entity.DocumentType = payer.Entity.Name, payer.Entity.Document, payer.Entity.DocumentType
	in := &inboundPix{ID: x.book.NewID(), AccountID: dst.ID, Amount: amount, CreatedAt: api.TS(at), EndToEndID: e2e, Source: payer, Status: "SETTLED"}
	credit := x.book.Post(dst, ledger.Posting{Amount: amount, CP: cp, Type: "pix_payment", Desc: "Pix recebido", OpID: in.ID,
		Extra: map[string]any{"end_to_end_id": e2e}}, at)
	x.inbound[in.ID] = in
	inv, paid := x.invoices[invoiceID]
	if paid = paid && inv.Status == "ACTIVE"; paid {
		in.InvoiceID, in.TransactionID = api.StrPtr(inv.ID), api.StrPtr(inv.TransactionID)
		inv.Status, inv.PaidAt, inv.UpdatedAt = "PAID", api.TSPtr(at), api.TS(at)
		inv.InboundPixPayments = append(inv.InboundPixPayments, in)
	}
	x.book.Emit(&ledger.Event{Type: "pix_inbound_payment_received", TargetType: "inbound_pix_payment", TargetID: in.ID, AccountID: dst.ID,
		Data: api.Snapshot(in), DetailPath: "/api/v1/inbound_pix_payments/" + in.ID, StatementRef: credit.ID, At: at})
	if paid {
		x.invoiceEvent(inv, "pix_invoice_payment_paid", at)
	}
	return in
}

// handleCreatePixInvoice creates a charge with a dynamic QR code (201). Its
// location is this simulator's own URL, so reading the QR code here
// resolves it.
func (x *Pix) handleCreatePixInvoice(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	accountID, key := f.Str("account_id", true), f.Str("key", true)
	amount, _ := f.Amount("amount", true, maxInvoiceAmount)
	txid := f.Str("transaction_id", false)
	if txid != "" && !invoiceTxidRE.MatchString(txid) {
		f.Add(`has invalid format (^[a-zA-Z0-9-]{1,36}$)`, "transaction_id")
	}
	var rfp *string
	if f.Has("request_for_payer") {
		v := f.Str("request_for_payer", false)
		f.MaxLen("request_for_payer", v, 140)
		rfp = &v
	}
	expiration := int64(defaultExpiration)
	if n, ok := f.Int("expiration", false); ok {
		if n <= 0 {
			f.Add("must be greater than 0", "expiration")
		}
		expiration = n
	}
	var cust *invoiceCustomer
	if c, ok := f.Object("customer", false); ok {
		cust = &invoiceCustomer{Name: c.Str("name", true), Document: c.Str("document", true)}
		c.MaxLen("name", cust.Name, 200)
		c.MaxLen("document", cust.Document, 200)
		cust.DocumentType = api.DocumentType(cust.Document)
	}
	extra := []nameValue{}
	items, _ := f.Array("additional_data")
	if len(items) > 50 {
		f.Add("should have at most 50 item(s)", "additional_data")
	}
	for _, it := range items {
		nv := nameValue{Name: it.Str("name", true), Value: it.Str("value", true)}
		it.MaxLen("name", nv.Name, 50)
		it.MaxLen("value", nv.Value, 200)
		extra = append(extra, nv)
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	x.book.Reply(w, func() api.Reply {
		a, ok := x.book.Accessible(c.ClientID, accountID)
		if !ok {
			return api.Unauthorized()
		}
		if d, ok := x.dict[key]; !ok || d.accountID != a.ID {
			return api.Unprocessable("key_not_found", "the key is not a PIX key of the account")
		}
		now := x.book.Stamp(c.Now)
		inv := &pixInvoice{ID: x.book.NewID(), AccountID: a.ID, Key: key, KeyType: x.dict[key].KeyType, TransactionID: txid,
			Amount: amount, RequestForPayer: rfp, Expiration: expiration, CreatedAt: api.TS(now), CreatedBy: c.SubjectID(),
			UpdatedAt: api.TS(now), Status: "ACTIVE", Customer: cust, AdditionalData: extra, InboundPixPayments: []*inboundPix{},
			seq: x.book.Next(), created: now}
		inv.RequestID = inv.ID
		if inv.TransactionID == "" {
			sum := sha256.Sum256([]byte("txid:" + inv.ID))
			inv.TransactionID = hex.EncodeToString(sum[:])[:32]
		}
		if other := x.invoiceByTxid(key, inv.TransactionID); other != nil && other.Status == "ACTIVE" {
			return api.Unprocessable("already_exists", "an active charge of this key already has transaction_id "+inv.TransactionID)
		}
		inv.Location = r.Host + "/pix/" + inv.ID
		inv.QRCodeContent = brcode.Code{Dynamic: true, URL: inv.Location, Amount: amount, Name: a.OwnerName, City: "SAO PAULO"}.Encode()
		img, err := brcode.Image(inv.QRCodeContent)
		if err != nil {
			// A BR Code is a few hundred ASCII characters at most, far
			// below a QR code's capacity: this is a simulator bug.
			return api.Err(http.StatusInternalServerError, "internal")
		}
		inv.QRCodeImage = img
		x.invoices[inv.ID] = inv
		x.invOrder = append(x.invOrder, inv)
		x.invoiceEvent(inv, "pix_invoice_payment_created", now)
		x.book.At(now.Add(time.Duration(expiration)*time.Second), func(at time.Time) {
			if inv.Status == "ACTIVE" {
				inv.Status, inv.UpdatedAt = "EXPIRED", api.TS(at)
			}
		})
		return api.JSON(http.StatusCreated, inv)
	})
}

func (x *Pix) invoiceFor(c *api.Call, id string) (*pixInvoice, api.Reply, bool) {
	inv, ok := x.invoices[id]
	if !ok {
		return nil, api.NotFound(), false
	}
	if _, ok := x.book.Accessible(c.ClientID, inv.AccountID); !ok {
		return nil, api.Unauthorized(), false
	}
	return inv, api.Reply{}, true
}

func (x *Pix) handleGetPixInvoice(w http.ResponseWriter, r *http.Request, c *api.Call) {
	x.book.Reply(w, func() api.Reply {
		inv, rp, ok := x.invoiceFor(c, r.PathValue("id"))
		if !ok {
			return rp
		}
		return api.JSON(http.StatusOK, inv)
	})
}

// handleCancelPixInvoice is DELETE: 204, or 422 already_paid.
func (x *Pix) handleCancelPixInvoice(w http.ResponseWriter, r *http.Request, c *api.Call) {
	x.book.Reply(w, func() api.Reply {
		inv, rp, ok := x.invoiceFor(c, r.PathValue("id"))
		if !ok {
			return rp
		}
		switch inv.Status {
		case "PAID":
			return api.Err(http.StatusUnprocessableEntity, "already_paid")
		case "ACTIVE":
		default:
			return api.Conflict("the charge is " + inv.Status)
		}
		now := x.book.Stamp(c.Now)
		inv.Status, inv.CancelledAt, inv.UpdatedAt = "CANCELLED", api.TSPtr(now), api.TS(now)
		x.invoiceEvent(inv, "pix_invoice_payment_cancelled", now)
		return api.NoContent()
	})
}

// handleListPixInvoices lists charges of an account (account_id, or the
// x-stone-account-id header Stone's Go SDK sends), filtered by status, key
// and transaction_id. stone-api.md §1.5 calls that header undocumented; the
// docs mark it required on the BACEN-standard Pix APIs and infraction
// reports (stone-api-families.md §7.1), which the simulator does not serve.
// On these Stone Pix APIs the reference pages do not list it, so it is read
// when sent and never required: the documented request stays valid.
func (x *Pix) handleListPixInvoices(w http.ResponseWriter, r *http.Request, c *api.Call) {
	q := r.URL.Query()
	accountID := q.Get("account_id")
	if accountID == "" {
		accountID = r.Header.Get("x-stone-account-id")
	}
	status := q.Get("status")
	if status != "" && !slices.Contains([]string{"ACTIVE", "PAID", "CANCELLED", "EXPIRED"}, status) {
		api.Validation(api.FieldError{Error: "must be ACTIVE, PAID, CANCELLED or EXPIRED", Path: []string{"status"}}).Write(w)
		return
	}
	x.book.Reply(w, func() api.Reply {
		if accountID == "" {
			return api.Validation(api.FieldError{Error: "can't be blank", Path: []string{"account_id"}})
		}
		if _, ok := x.book.Accessible(c.ClientID, accountID); !ok {
			return api.Unauthorized()
		}
		scope := "pix_payment_invoices|" + accountID
		p, rp, ok := api.ParsePage(q, scope, api.DefaultLimit, api.MaxLimit)
		if !ok {
			return rp
		}
		var list []*pixInvoice
		for i := len(x.invOrder) - 1; i >= 0; i-- {
			inv := x.invOrder[i]
			if inv.AccountID == accountID && (status == "" || inv.Status == status) &&
				(q.Get("key") == "" || inv.Key == q.Get("key")) && (q.Get("transaction_id") == "" || inv.TransactionID == q.Get("transaction_id")) {
				list = append(list, inv)
			}
		}
		data, cur := api.Paginate(list, func(inv *pixInvoice) int64 { return inv.seq }, true, p, scope)
		return api.JSON(http.StatusOK, api.List[*pixInvoice]{Cursor: cur, Data: append([]*pixInvoice{}, data...)})
	})
}

func (x *Pix) handleGetInboundPix(w http.ResponseWriter, r *http.Request, c *api.Call) {
	x.book.Reply(w, func() api.Reply {
		in, ok := x.inbound[r.PathValue("id")]
		if !ok {
			return api.NotFound()
		}
		if _, ok := x.book.Accessible(c.ClientID, in.AccountID); !ok {
			return api.Unauthorized()
		}
		return api.JSON(http.StatusOK, in)
	})
}
