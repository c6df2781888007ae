// Package pix is Stone's PIX (stone-api.md §5.5): the DICT of keys (other
// people's, seeded from dict.json, and each account's own, registered through
// the API), outbound payments in two steps (create, confirm) through
// CREATED → CONFIRMED → MONEY_RESERVED → SETTLED, BR Codes read and made,
// charges with a dynamic QR code, inbound payments and their refunds, and
// the /_sim/ controls of the other banks and payers.
package pix

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/approvals"
	"github.com/openbank-homolog/homolog/simulator/internal/institutions"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

//go:embed dict.json
var dictJSON []byte

// Kind is the outbound PIX in the approval lifecycle. Stone documents
// pix_outbound_payment_created as carrying status CONFIRMED, so "created" is
// emitted when the payment is confirmed and approved, not when the draft is
// created; an unconfirmed PIX never expires; PIX has no REJECTED status and
// documents no event for a cancellation.
func Kind() *approvals.Kind {
	return &approvals.Kind{Name: "pix_payments", BatchType: "pix_payment", Label: "PIX payment",
		EventPrefix: "pix_outbound_payment", TargetNoun: "payment", DetailPath: "/api/v1/outbound_pix_payments/",
		ApprovedEvent: "created", RejectCancels: true, Silent: true}
}

// Options wires the family.
type Options struct {
	Book         *ledger.Book
	Ops          *approvals.Registry
	Idempotency  *api.Idempotency
	Institutions *institutions.Directory
}

// Pix serves the family. Its state is guarded by the book's lock.
type Pix struct {
	book *ledger.Book
	ops  *approvals.Registry
	idem *api.Idempotency
	dir  *institutions.Directory
	kind *approvals.Kind

	seeds      []dictEntry           // other people's keys, from dict.json
	dict       map[string]*dictEntry // PIX keys of every bank, by key
	entries    map[string]*pixEntry  // keys registered through the API, by id
	entryOrder []*pixEntry
	invoices   map[string]*pixInvoice
	invOrder   []*pixInvoice
	inbound    map[string]*inboundPix
	refunds    []*pixRefund // returns of inbound PIX
}

// New reads the DICT seed and registers the kind.
func New(opts Options) (*Pix, error) {
	x := &Pix{book: opts.Book, ops: opts.Ops, idem: opts.Idempotency, dir: opts.Institutions, kind: Kind(),
		dict: map[string]*dictEntry{}, entries: map[string]*pixEntry{}, invoices: map[string]*pixInvoice{}, inbound: map[string]*inboundPix{}}
	if err := json.Unmarshal(dictJSON, &x.seeds); err != nil {
		return nil, fmt.Errorf("simulator: pix dict seed: %w", err)
	}
	for i := range x.seeds {
		e := x.seeds[i]
		x.dict[e.Key] = &e
	}
	x.ops.AddKind(x.kind)
	return x, nil
}

// Routes registers the PIX API and its /_sim/ controls:
//
//	POST /_sim/pix_payments/{id}/refund          → 200 PIX (REFUNDED now, or instead of settling)
//	POST /_sim/pix_payment_invoices/{id}/pay     {"amount"?,"payer"?} → 200 invoice (ACTIVE → PAID, inbound PIX credit)
//
// GET /api/v1/pix/{id} (a payment, documented) and the key routes
// /api/v1/pix/{account_id}/entries share their first segments: ServeMux
// refuses two patterns that match the same path with neither more specific
// (/api/v1/pix/outbound_pix_payments/entries would match both), so the
// payment by id under /api/v1/pix/outbound_pix_payments/{id} is served by
// the entries pattern's handler when the account segment is that literal.
func (x *Pix) Routes(m *api.Mux) {
	get := x.ops.Get(x.kind)
	key := x.idem.Required
	m.HandleAuth("POST /api/v1/pix/outbound_pix_payments/brcodes", x.handleReadBRCode)
	m.HandleAuth("GET /api/v1/pix/outbound_pix_payments/brcodes", x.handleReadBRCode)
	m.HandleAuth("POST /api/v1/pix/outbound_pix_payments", key(x.handleCreatePix))
	m.HandleAuth("POST /api/v1/pix/outbound_pix_payments/{id}/actions/confirm", key(x.handleConfirmPix))
	m.HandleAuth("GET /api/v1/outbound_pix_payments/{id}", get)
	m.HandleAuth("GET /api/v1/pix/{id}", get)

	m.HandleAuth("POST /api/v1/pix/{account_id}/entries", x.idem.Wrap(x.handleCreatePixEntry))
	m.HandleAuth("GET /api/v1/pix/{account_id}/{entries}", func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		switch {
		case r.PathValue("account_id") == "outbound_pix_payments":
			r.SetPathValue("id", r.PathValue("entries"))
			get(w, r, c)
		case r.PathValue("entries") == "entries":
			x.handleListPixEntries(w, r, c)
		default:
			api.NotFound().Write(w)
		}
	})
	m.HandleAuth("GET /api/v1/pix/{account_id}/entries/{id}", x.handleGetPixEntry)
	m.HandleAuth("DELETE /api/v1/pix/{account_id}/entries/{id}", x.handleDeletePixEntry)
	m.HandleAuth("DELETE /api/v1/pix_entries/key/{id}", x.handleDeletePixEntry)

	m.HandleAuth("POST /api/v1/pix_payment_invoices", x.idem.Wrap(x.handleCreatePixInvoice))
	m.HandleAuth("GET /api/v1/pix_payment_invoices", x.handleListPixInvoices)
	m.HandleAuth("GET /api/v1/pix_payment_invoices/{id}", x.handleGetPixInvoice)
	m.HandleAuth("DELETE /api/v1/pix_payment_invoices/{id}", x.handleCancelPixInvoice)
	m.HandleAuth("GET /api/v1/inbound_pix_payments/{id}", x.handleGetInboundPix)
	m.HandleAuth("POST /api/v1/refunds_for_inbound_pix_payments", x.idem.Wrap(x.handleRefundInboundPix))

	m.Handle("POST /_sim/pix_payments/{id}/refund", x.handleRefundControl)
	m.Handle("POST /_sim/pix_payment_invoices/{id}/pay", x.handlePayInvoice)
}

// handleRefundControl makes the receiving bank return a PIX.
func (x *Pix) handleRefundControl(w http.ResponseWriter, r *http.Request, c *api.Call) {
	if _, rp, ok := api.OptionalBody(r); !ok {
		rp.Write(w)
		return
	}
	x.book.Reply(w, func() api.Reply {
		op, ok := x.ops.Of(x.kind, r.PathValue("id"))
		if !ok {
			return api.NotFound()
		}
		p := op.(*pixPayment)
		switch {
		case p.Status == "SETTLED" && p.targetAccountID == "":
			x.refundPix(p, x.book.Stamp(c.Now))
		case p.Status == "SETTLED" || approvals.Terminal(p.Status):
			return api.Conflict("PIX payment is " + p.Status + " (a PIX settled into a Stone account cannot be returned)")
		default:
			p.refund = true
		}
		return api.JSON(http.StatusOK, p)
	})
}

// handlePayInvoice is an inbound PIX from another bank paying a charge.
func (x *Pix) handlePayInvoice(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.OptionalBody(r)
	if !ok {
		rp.Write(w)
		return
	}
	amount, _ := f.Amount("amount", false, maxInvoiceAmount)
	var payer pixParty
	payer.Entity.Name, payer.Entity.Document, payer.Entity.DocumentType = "Pedro Alves", "52998224725", "cpf"
	payer.Institution.ISPB, payer.Institution.Name = "18236120", "Nu Pagamentos S.A."
	if p, ok := f.Object("payer", false); ok {
		if n := p.Str("name", false); n != "" {
			payer.Entity.Name = n
		}
		if d := p.Str("document", false); d != "" {
			payer.Entity.Document, payer.Entity.DocumentType = d, api.DocumentType(d)
		}
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	x.book.Reply(w, func() api.Reply {
		inv, ok := x.invoices[r.PathValue("id")]
		if !ok {
			return api.NotFound()
		}
		if amount == 0 {
			amount = inv.Amount
		}
		if rp, ok := x.checkInvoice(inv.ID, amount, true); !ok {
			return rp
		}
		now := x.book.Stamp(c.Now)
		x.receivePix(x.book.Account(inv.AccountID), amount, payer, "E"+payer.Institution.ISPB+endToEndID(inv.ID+"|in", now)[9:], inv.ID, now)
		return api.JSON(http.StatusOK, inv)
	})
}

// Receivable kinds of Resource.
const (
	ResourceInbound = "inbound" // an inbound PIX (pix_payment)
	ResourceRefund  = "refund"  // a refund of an inbound PIX (refund_for_pix_payment)
)

// Resource is a PIX received or returned, for the receipts family: its
// account, status and JSON. Caller holds the book's lock.
func (x *Pix) Resource(kind, id string) (accountID, status string, body json.RawMessage, ok bool) {
	switch kind {
	case ResourceInbound:
		if in, found := x.inbound[id]; found {
			return in.AccountID, in.Status, api.Snapshot(in), true
		}
	case ResourceRefund:
		for _, rf := range x.refunds {
			if rf.ID == id {
				return rf.AccountID, rf.Status, api.Snapshot(rf), true
			}
		}
	}
	return "", "", nil, false
}
