// Package boleto is Stone's boleto issuance (barcode_payment_invoices,
// stone-api.md §5.7): validation of the issuance body, the lifecycle
// CREATED → REGISTERED → SETTLED | CANCELLED | EXPIRED, the account's
// products and limits, the boleto PDF, and the /_sim/ control of someone
// paying a boleto at any bank.
package boleto

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/barcode"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
	simpdf "github.com/openbank-homolog/homolog/simulator/internal/pdf"
)

// Boleto issuance limits (§5.7; GET /api/v1/barcode_payment_invoices/limits/{account_id}).
const (
	minBoletoAmount = 2_000
	// MaxAmount is the largest boleto an account may issue.
	MaxAmount    = 1_000_000
	maxDiscounts = 3
)

// Boleto is an issued boleto (barcode_payment_invoice, §5.7):
//
//	CREATED → REGISTERED (one step later) → SETTLED (paid: /_sim/ control, or a
//	barcode payment of it from any Stone account) · cancel → CANCELLATION_REQUESTED
//	→ CANCELLED · not paid by the end of limit_date → EXPIRED
type Boleto struct {
	AccountID      string          `json:"account_id"`
	Amount         int64           `json:"amount"`
	Barcode        string          `json:"barcode"`
	Beneficiary    Party           `json:"beneficiary"`
	CancelledAt    *string         `json:"cancelled_at"`
	CreatedAt      string          `json:"created_at"`
	CreatedBy      string          `json:"created_by"`
	Customer       *Party          `json:"customer"`
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
	Receiver       *Party          `json:"receiver"`
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

func statuses() []string {
	return []string{"CREATED", "REGISTERED", "SETTLED", "CANCELLATION_REQUESTED", "CANCELLED", "EXPIRED", "PENDING"}
}

// Options wires the family.
type Options struct {
	Book        *ledger.Book
	Idempotency *api.Idempotency
}

// Issuer issues boletos. Its state is guarded by the book's lock.
type Issuer struct {
	book     *ledger.Book
	idem     *api.Idempotency
	byID     map[string]*Boleto
	byCode   map[string]*Boleto
	order    []*Boleto
	products map[string][]string // invoice types each account may issue
}

// New returns an issuer with nothing issued.
func New(opts Options) *Issuer {
	return &Issuer{book: opts.Book, idem: opts.Idempotency, byID: map[string]*Boleto{}, byCode: map[string]*Boleto{},
		products: map[string][]string{}}
}

// InvoiceTypes are every invoice type Stone documents.
func InvoiceTypes() []string { return invoiceTypes() }

// Enable lets an account issue the given invoice types; the others answer
// 422 product_not_enabled. Caller holds the lock.
func (is *Issuer) Enable(accountID string, types []string) {
	is.products[accountID] = append([]string(nil), types...)
}

// ByBarcode is the boleto issued with barcode, nil if none. Caller holds the lock.
func (is *Issuer) ByBarcode(code string) *Boleto { return is.byCode[code] }

// Get is the boleto id, nil if none. Caller holds the lock.
func (is *Issuer) Get(id string) *Boleto { return is.byID[id] }

// Routes registers the issuance API and its /_sim/ control:
//
//	POST /_sim/barcode_payment_invoices/{id}/pay {"amount"?} → 200 boleto (REGISTERED → SETTLED, credit on the account)
func (is *Issuer) Routes(m *api.Mux) {
	m.HandleAuth("POST /api/v1/barcode_payment_invoices", is.idem.Wrap(is.handleCreate))
	m.HandleAuth("GET /api/v1/barcode_payment_invoices", is.handleList)
	m.HandleAuth("GET /api/v1/barcode_payment_invoices/limits/{account_id}", is.handleLimits)
	m.HandleAuth("GET /api/v1/barcode_payment_invoices/{id}", is.handleGet)
	m.HandleAuth("POST /api/v1/barcode_payment_invoices/{id}/cancel", is.idem.Wrap(is.handleCancel))
	m.HandleAuth("GET /api/v1/exports/barcode_payment_invoices/{id}", is.handleExport)
	m.Handle("POST /_sim/barcode_payment_invoices/{id}/pay", is.handlePay)
}

func (is *Issuer) event(bo *Boleto, suffix string, at time.Time) {
	is.book.Emit(&ledger.Event{Type: "barcode_payment_invoice_" + suffix, TargetType: "barcode_payment_invoice", TargetID: bo.ID,
		AccountID: bo.AccountID, Data: api.Snapshot(bo), DetailPath: "/api/v1/barcode_payment_invoices/" + bo.ID, At: at})
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

func (is *Issuer) feeMeta(accountID string) feeMetadata {
	f := is.book.FeeOf(accountID, "barcode_payment_invoice")
	return feeMetadata{BillingExemptionParticipant: true, Fee: f.Amount, MaxFree: ledger.FreeBoletos, OriginalFee: ledger.BoletoFee,
		RemainingFree: api.Deref(f.RemainingFree)}
}

// Settle credits a paid boleto to its account. It reports false, crediting
// nothing, when the boleto cannot be paid any more (already settled,
// cancelled, expired): the caller must then return the money. Caller holds
// the lock.
func (is *Issuer) Settle(bo *Boleto, amount int64, payerDoc string, at time.Time) bool {
	if bo.Status != "REGISTERED" {
		return false
	}
	a := is.book.Account(bo.AccountID)
	fee := is.book.FeeAmount(a.ID, "barcode_payment_invoice")
	bo.Status, bo.SettledAt, bo.Fee = "SETTLED", api.TSPtr(at), fee
	is.book.NoteInvoicePaid(a.ID)
	bo.FeeMetadata = is.feeMeta(a.ID)
	var cp ledger.CounterParty
	cp.Entity.Name, cp.Entity.Document, cp.Entity.DocumentType = "Pagador", payerDoc, api.DocumentType(payerDoc)
	if bo.Customer != nil {
		cp.Entity.Name = bo.Customer.LegalName
	}
	credit := is.book.Post(a, ledger.Posting{Amount: amount, Fee: fee, CP: cp, Type: "payment", Desc: "Depósito por boleto", OpID: bo.ID,
		Extra: map[string]any{"barcode": bo.Barcode, "writable_line": bo.WritableLine, "barcode_payment_invoice_id": bo.ID,
			"invoice_type": bo.InvoiceType, "title": "Depósito por boleto"}}, at)
	is.event(bo, "settled", at)
	is.book.Emit(&ledger.Event{Type: "cash_in_barcode_payment", TargetType: "barcode_payment", AccountID: a.ID,
		Data: ledger.EntrySnapshot(credit), StatementRef: credit.ID, At: at})
	return true
}

// handleCreate issues a boleto: 201 (Stone's pages show 200 and 201; 201 is
// sent) in CREATED, registered one step later.
func (is *Issuer) handleCreate(w http.ResponseWriter, r *http.Request, c *api.Call) {
	req, rp, ok := decodeBoletoRequest(r, c.Now)
	if !ok {
		rp.Write(w)
		return
	}
	is.book.Reply(w, func() api.Reply {
		a, ok := is.book.Accessible(c.ClientID, req.accountID)
		if !ok {
			return api.Unauthorized()
		}
		if !slices.Contains(is.products[a.ID], req.invoiceType) {
			return api.Unprocessable("product_not_enabled", "barcode_payment_invoice_"+req.invoiceType+" is not enabled on this account")
		}
		now := is.book.Stamp(c.Now)
		exp, _ := calendar.ParseDay(req.expiration)
		bo := &Boleto{AccountID: a.ID, Amount: req.amount, CreatedAt: api.TS(now), CreatedBy: c.SubjectID(),
			Customer: req.customer, Description: req.description, Discounts: req.discounts, ExpirationDate: req.expiration,
			Fine: req.fine, ID: is.book.NewID(), Interest: req.interest, InvoiceType: req.invoiceType, IssuanceDate: calendar.DateString(now),
			LimitDate: req.limit, Metadata: req.metadata, Receiver: req.receiver, Status: "CREATED", seq: is.book.Next()}
		if bo.Discounts == nil {
			bo.Discounts = []pctOn{}
		}
		bo.Beneficiary = Party{AccountCode: api.StrPtr(a.AccountCode), BranchCode: api.StrPtr(a.BranchCode), Document: a.OwnerDocument,
			DocumentType: api.DocumentType(a.OwnerDocument), LegalName: a.OwnerName}
		if bo.InvoiceType == "deposit" {
			payer := bo.Beneficiary
			payer.AccountCode, payer.BranchCode = nil, nil
			bo.Customer = &payer
		}
		bo.OurNumber = ourNumber(bo.ID)
		bo.Barcode = barcode.BoletoBarcode("197", exp, bo.Amount, "00000"+bo.OurNumber)
		bo.WritableLine = barcode.BoletoLine(bo.Barcode)
		bo.FeeMetadata = is.feeMeta(a.ID)
		is.byID[bo.ID], is.byCode[bo.Barcode] = bo, bo
		is.order = append(is.order, bo)
		is.event(bo, "created", now)
		is.book.At(now.Add(is.book.Step()), func(at time.Time) {
			if bo.Status == "CREATED" {
				bo.Status, bo.RegisteredAt = "REGISTERED", api.TSPtr(at)
				is.event(bo, "registered", at)
			}
		})
		limit, _ := calendar.ParseDay(bo.LimitDate)
		is.book.At(limit.AddDate(0, 0, 1), func(at time.Time) {
			if bo.Status == "CREATED" || bo.Status == "REGISTERED" {
				bo.Status, bo.ExpiredAt = "EXPIRED", api.TSPtr(at)
				is.event(bo, "expired", at)
			}
		})
		return api.JSON(http.StatusCreated, bo)
	})
}

func (is *Issuer) boletoFor(c *api.Call, id string) (*Boleto, api.Reply, bool) {
	bo, ok := is.byID[id]
	if !ok {
		return nil, api.NotFound(), false
	}
	if _, ok := is.book.Accessible(c.ClientID, bo.AccountID); !ok {
		return nil, api.Unauthorized(), false
	}
	return bo, api.Reply{}, true
}

func (is *Issuer) handleGet(w http.ResponseWriter, r *http.Request, c *api.Call) {
	is.book.Reply(w, func() api.Reply {
		bo, rp, ok := is.boletoFor(c, r.PathValue("id"))
		if !ok {
			return rp
		}
		return api.JSON(http.StatusOK, bo)
	})
}

// handleCancel asks for the cancellation ("baixa") of an unpaid boleto:
// 200 {} and CANCELLATION_REQUESTED, CANCELLED one step later.
func (is *Issuer) handleCancel(w http.ResponseWriter, r *http.Request, c *api.Call) {
	is.book.Reply(w, func() api.Reply {
		bo, rp, ok := is.boletoFor(c, r.PathValue("id"))
		if !ok {
			return rp
		}
		if bo.Status != "CREATED" && bo.Status != "REGISTERED" {
			return api.Conflict("boleto is " + bo.Status + ", only CREATED or REGISTERED boletos can be cancelled")
		}
		now := is.book.Stamp(c.Now)
		bo.Status = "CANCELLATION_REQUESTED"
		is.book.At(now.Add(is.book.Step()), func(at time.Time) {
			if bo.Status == "CANCELLATION_REQUESTED" {
				bo.Status, bo.CancelledAt = "CANCELLED", api.TSPtr(at)
				is.event(bo, "cancelled", at)
			}
		})
		return api.JSON(http.StatusOK, struct{}{})
	})
}

// handleList lists issued boletos newest first: account_id (all accessible
// accounts without it), status (PENDING = CREATED or REGISTERED) and
// invoice_type, with cursors.
func (is *Issuer) handleList(w http.ResponseWriter, r *http.Request, c *api.Call) {
	q := r.URL.Query()
	accountID, status, typ := q.Get("account_id"), q.Get("status"), q.Get("invoice_type")
	var errs []api.FieldError
	if status != "" && !slices.Contains(statuses(), status) {
		errs = append(errs, api.FieldError{Error: "is not a boleto status", Path: []string{"status"}})
	}
	if typ != "" && !slices.Contains(invoiceTypes(), typ) {
		errs = append(errs, api.FieldError{Error: "is not an invoice type", Path: []string{"invoice_type"}})
	}
	if len(errs) > 0 {
		api.Validation(errs...).Write(w)
		return
	}
	is.book.Reply(w, func() api.Reply {
		if accountID != "" {
			if _, ok := is.book.Accessible(c.ClientID, accountID); !ok {
				return api.Unauthorized()
			}
		}
		scope := "barcode_payment_invoices|" + accountID
		p, rp, ok := api.ParsePage(q, scope, api.DefaultLimit, api.MaxLimit)
		if !ok {
			return rp
		}
		var list []*Boleto
		for i := len(is.order) - 1; i >= 0; i-- {
			bo := is.order[i]
			if _, ok := is.book.Accessible(c.ClientID, bo.AccountID); !ok || (accountID != "" && bo.AccountID != accountID) {
				continue
			}
			pending := bo.Status == "CREATED" || bo.Status == "REGISTERED"
			if (status == "" || bo.Status == status || (status == "PENDING" && pending)) && (typ == "" || bo.InvoiceType == typ) {
				list = append(list, bo)
			}
		}
		return api.JSON(http.StatusOK, api.PageOf(list, func(bo *Boleto) int64 { return bo.seq }, p, scope))
	})
}

type limits struct {
	AccountID     string `json:"account_id"`
	MaximumAmount int64  `json:"maximum_amount"`
	MinimumAmount int64  `json:"minimum_amount"`
}

func (is *Issuer) handleLimits(w http.ResponseWriter, r *http.Request, c *api.Call) {
	is.book.Reply(w, func() api.Reply {
		a, ok := is.book.Accessible(c.ClientID, r.PathValue("account_id"))
		if !ok {
			return api.Unauthorized()
		}
		return api.JSON(http.StatusOK, limits{AccountID: a.ID, MaximumAmount: MaxAmount, MinimumAmount: minBoletoAmount})
	})
}

// handlePay is somebody paying an issued boleto at any bank: the
// beneficiary is credited at once (amount defaults to the boleto's).
func (is *Issuer) handlePay(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.OptionalBody(r)
	if !ok {
		rp.Write(w)
		return
	}
	amount, _ := f.Amount("amount", false, MaxAmount*10)
	payer := f.Str("payer_document", false)
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	is.book.Reply(w, func() api.Reply {
		bo, ok := is.byID[r.PathValue("id")]
		if !ok {
			return api.NotFound()
		}
		if bo.Status != "REGISTERED" {
			return api.Conflict("boleto is " + bo.Status + ", only a REGISTERED boleto can be paid")
		}
		if amount == 0 {
			amount = bo.Amount
		}
		if payer == "" {
			payer = "52998224725"
		}
		is.Settle(bo, amount, payer, is.book.Stamp(c.Now))
		return api.JSON(http.StatusOK, bo)
	})
}

// handleExport is GET /api/v1/exports/barcode_payment_invoices/{id}: the
// boleto as a small, valid PDF (one page of text: beneficiary, payer,
// amount, dates, writable line and barcode digits).
//
// stone-api-families.md §7.5: the reference page is titled "Gerar PDF
// Boleto" but shows 200 application/json with an empty {} body. The PDF of
// stone-api.md §5.7 is kept: the page's own title and path say PDF, its {}
// is a placeholder that carries nothing a client could use, and Stone's
// other export (the Pix receipt) was changed from JSON to application/pdf in
// 2021 (stone-api-families.md §2), which is the most recent word on exports.
func (is *Issuer) handleExport(w http.ResponseWriter, r *http.Request, c *api.Call) {
	var pdf []byte
	var rp api.Reply
	is.book.Locked(func() {
		bo, fail, ok := is.boletoFor(c, r.PathValue("id"))
		if !ok {
			rp = fail
			return
		}
		lines := []string{
			"Stone Pagamentos S.A. | 197-9",
			"Boleto " + bo.InvoiceType + " - " + bo.Status,
			"Beneficiario: " + bo.Beneficiary.LegalName + " (" + bo.Beneficiary.Document + ")",
		}
		if bo.Customer != nil {
			lines = append(lines, "Pagador: "+bo.Customer.LegalName+" ("+bo.Customer.Document+")")
		}
		lines = append(lines,
			fmt.Sprintf("Valor: R$ %d,%02d", bo.Amount/100, bo.Amount%100),
			"Vencimento: "+bo.ExpirationDate+"  Data limite: "+bo.LimitDate,
			"Nosso numero: "+bo.OurNumber,
			"Linha digitavel: "+bo.WritableLine,
			"Codigo de barras: "+bo.Barcode,
		)
		pdf = simpdf.Text("Boleto "+bo.ID, lines)
	})
	if pdf == nil {
		rp.Write(w)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="boleto-`+r.PathValue("id")+`.pdf"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(pdf)
}
