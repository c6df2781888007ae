// Package payment is Stone's barcode payments (stone-api.md §5.4): paying
// boletos and concessionária bills from a Stone account, the dry run that
// describes a document, refunds by the issuer, and the family of test
// barcodes (GET /_sim/fixtures/barcodes). Paying a boleto this simulator
// issued settles it for its beneficiary.
package payment

import (
	"net/http"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/approvals"
	"github.com/openbank-homolog/homolog/simulator/internal/barcode"
	"github.com/openbank-homolog/homolog/simulator/internal/boleto"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/institutions"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// Kind is the barcode payment in the approval lifecycle.
func Kind() *approvals.Kind {
	return &approvals.Kind{Name: "payments", BatchType: "barcode_payment", Label: "payment",
		EventPrefix: "cash_out_payment", TargetNoun: "payment", DetailPath: "/api/v1/payments/",
		CreateEvent: true, ApprovedEvent: "approved", ScheduledEvent: "scheduled", Expires: true, Actions: true}
}

func statuses() []string {
	return []string{"CREATED", "MONEY_RESERVED", "REJECTED", "EXPIRED", "APPROVED", "SCHEDULED", "FAILED", "FINISHED", "CANCELLED", "REFUNDED"}
}

// refunds are Stone's refund_reason_code values for payments.
func refunds() map[string]string {
	return map[string]string{
		"40": "Código de moeda inválido.", "51": "Boleto de pagamento liquidado com valor maior ou menor do que o permitido.",
		"52": "Boleto vencido sem os juros/multa devidos.", "53": "Código de barras não pertence ao banco emissor do boleto.",
		"63": "Código de barras inválido.", "68": "Boleto pago em duplicidade", "69": "Boleto pago em duplicidade.",
		"70": "Por solicitação do cliente do banco recebedor do boleto.", "71": "Valor inválido.",
		"73": "Beneficiário não cadastrado no banco emissor.", "74": "Beneficiário com CPF/CNPJ divergente do cadastro no banco emissor.",
		"75": "Pagador com CPF/CNPJ divergente do cadastro no banco emissor.", "76": "Cópia não encaminhada pelo banco recebedor no prazo previsto.",
	}
}

// Options wires the family.
type Options struct {
	Book         *ledger.Book
	Ops          *approvals.Registry
	Idempotency  *api.Idempotency
	Institutions *institutions.Directory
	Boletos      *boleto.Issuer
}

// Payments serves the family.
type Payments struct {
	book    *ledger.Book
	ops     *approvals.Registry
	idem    *api.Idempotency
	dir     *institutions.Directory
	boletos *boleto.Issuer
	kind    *approvals.Kind
}

// New registers the kind.
func New(opts Options) *Payments {
	p := &Payments{book: opts.Book, ops: opts.Ops, idem: opts.Idempotency, dir: opts.Institutions, boletos: opts.Boletos, kind: Kind()}
	p.ops.AddKind(p.kind)
	return p
}

// Fixtures is the family of test barcodes valid at now.
func (p *Payments) Fixtures(now time.Time) []barcode.Fixture { return barcode.Fixtures(now, p.dir) }

// Routes registers the payments API and its /_sim/ controls:
//
//	POST /_sim/payments/{id}/refund   {"reason_code":"63"} → 200 payment (REFUNDED now, or when it finishes)
//	GET  /_sim/fixtures/barcodes      → 200 [Fixture] (valid today on the simulator clock)
func (p *Payments) Routes(m *api.Mux) {
	m.HandleAuth("POST /api/v1/dry_run/payments", p.idem.Wrap(p.handle(true)))
	m.HandleAuth("POST /api/v1/payments", p.idem.Required(p.handle(false)))
	m.HandleAuth("GET /api/v1/payments", p.ops.List(p.kind, statuses()))
	m.HandleAuth("GET /api/v1/payments/{id}", p.ops.Get(p.kind))
	m.Handle("POST /_sim/payments/{id}/refund", p.handleRefund)
	m.Handle("GET /_sim/fixtures/barcodes", func(w http.ResponseWriter, _ *http.Request, c *api.Call) {
		api.JSON(http.StatusOK, p.Fixtures(c.Now)).Write(w)
	})
}

// payment is Stone's barcode payment (§5.4): CREATED (consented account) →
// APPROVED | SCHEDULED → MONEY_RESERVED (debited, execution_started) →
// FINISHED → (issuer returns it) REFUNDED; FAILED without balance.
type payment struct {
	approvals.Lifecycle
	Barcode                 string           `json:"barcode"`
	BarcodeDetails          barcode.View     `json:"barcode_details"`
	CancelledBy             *string          `json:"cancelled_by"`
	Details                 *barcode.Details `json:"details"`
	EffectivePayer          *effectivePayer  `json:"effective_payer"`
	IdempotencyKey          *string          `json:"idempotency_key"`
	RefundReasonCode        *string          `json:"refund_reason_code"`
	RefundReasonDescription *string          `json:"refund_reason_description"`
	RefundedAt              *string          `json:"refunded_at"`
	RequestID               string           `json:"request_id"`
	ScheduledTo             *string          `json:"scheduled_to"`
	WritableLine            string           `json:"writable_line"`

	boletoID   string // a boleto this simulator issued: paying it settles it
	refundWith string // the issuer returns it with this code after it finishes
	fam        *Payments
}

type effectivePayer struct {
	LegalName    string `json:"legal_name"`
	Document     string `json:"document"`
	DocumentType string `json:"document_type"`
}

func (pm *payment) Kind() *approvals.Kind { return pm.fam.kind }

func (pm *payment) ScheduledDay() *string { return pm.ScheduledTo }

func (pm *payment) Plan(now time.Time) (string, time.Time) {
	if pm.ScheduledTo != nil {
		if day, err := calendar.ParseDay(*pm.ScheduledTo); err == nil && day.After(now) {
			return "SCHEDULED", day
		}
	}
	return "APPROVED", now.Add(pm.fam.book.Step())
}

func (pm *payment) counterParty() ledger.CounterParty {
	var cp ledger.CounterParty
	if pm.Details != nil && pm.Details.RecipientName != nil {
		cp.Entity.Name = *pm.Details.RecipientName
	}
	if pm.BarcodeDetails.BankCode != nil {
		cp.Account.Institution = *pm.BarcodeDetails.BankCode
	}
	if pm.BarcodeDetails.BankName != nil {
		cp.Account.InstitutionName = *pm.BarcodeDetails.BankName
	}
	return cp
}

func (pm *payment) entryExtra() map[string]any {
	return map[string]any{"barcode": pm.Barcode, "writable_line": pm.WritableLine, "details": pm.Details}
}

func (pm *payment) Run(at time.Time) {
	p, b := pm.fam, pm.fam.book
	src := b.Account(pm.AccountID)
	if bo := p.boletos.Get(pm.boletoID); bo != nil && bo.Status != "REGISTERED" {
		p.ops.Fail(pm, at, "0", "Ocorreu um erro durante o pagamento. Por favor, tente novamente.")
		return
	}
	if src.Balance() < pm.Amount+pm.Fee {
		p.ops.Fail(pm, at, "1", "Saldo insuficiente.")
		return
	}
	pm.Status = "MONEY_RESERVED"
	b.Post(src, ledger.Posting{Amount: -pm.Amount, Fee: pm.Fee, CP: pm.counterParty(), Type: "payment", OpID: pm.ID, Extra: pm.entryExtra()}, at)
	p.ops.Event(pm, "execution_started", at)
	b.At(at.Add(b.Step()), func(at time.Time) {
		if pm.Status != "MONEY_RESERVED" {
			return
		}
		pm.Status, pm.FinishedAt, pm.SettledAt = "FINISHED", api.TSPtr(at), api.TSPtr(at)
		p.ops.Event(pm, "finished", at)
		if bo := p.boletos.Get(pm.boletoID); bo != nil && !p.boletos.Settle(bo, pm.Amount, src.OwnerDocument, at) {
			// The boleto was settled by another payment, or cancelled,
			// while this one held the money: the issuer returns it, as a
			// real one does ("pago em duplicidade"), so no money is lost.
			code := "68"
			if bo.Status != "SETTLED" {
				code = "63"
			}
			pm.refundWith = code
		}
		if pm.refundWith != "" {
			b.At(at.Add(b.Step()), func(at time.Time) { p.refund(pm, pm.refundWith, at) })
		}
	})
}

// refund is the issuer returning a finished payment.
func (p *Payments) refund(pm *payment, code string, at time.Time) {
	if pm.Status != "FINISHED" {
		return
	}
	desc := refunds()[code]
	pm.Status, pm.RefundedAt, pm.RefundReasonCode, pm.RefundReasonDescription = "REFUNDED", api.TSPtr(at), api.StrPtr(code), api.StrPtr(desc)
	credit := p.book.Post(p.book.Account(pm.AccountID), ledger.Posting{Amount: pm.Amount, CP: pm.counterParty(), Type: "payment_refund",
		Desc: desc, OpID: pm.ID, Extra: pm.entryExtra()}, at)
	p.book.Emit(&ledger.Event{Type: "cash_in_payment_refund", TargetType: "payment_refund", TargetID: pm.ID, AccountID: pm.AccountID,
		Data: api.Snapshot(pm), DetailPath: p.kind.DetailPath + pm.ID, StatementRef: credit.ID, At: at})
}

type request struct {
	accountID   string
	info        barcode.Info
	amount      *int64
	scheduledTo *string
	payer       *effectivePayer
}

func decodeRequest(r *http.Request, now time.Time) (request, api.Reply, bool) {
	var req request
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		return req, rp, false
	}
	req.accountID = f.Str("account_id", true)
	if code := f.Str("barcode", true); code != "" {
		info, err := barcode.Parse(code, now)
		if err != nil {
			f.Add(err.Error(), "barcode")
		}
		req.info = info
	}
	if n, ok := f.Int("amount", false); ok {
		if n <= 0 {
			f.Add("must be greater than 0", "amount")
		}
		req.amount = &n
	}
	req.scheduledTo = f.ScheduledTo()
	if ep, ok := f.Object("effective_payer", false); ok {
		p := &effectivePayer{LegalName: ep.Str("legal_name", true), Document: ep.Str("document", true),
			DocumentType: strings.ToLower(ep.Str("document_type", true))}
		ep.MaxLen("legal_name", p.LegalName, 80)
		if p.Document != "" && (!api.Digits.MatchString(p.Document) || api.DocumentType(p.Document) == "") {
			ep.Add("must be a CPF (11 digits) or a CNPJ (14 digits)", "document")
		}
		if p.DocumentType != "" && p.DocumentType != "cpf" && p.DocumentType != "cnpj" {
			ep.Add("must be cpf or cnpj", "document_type")
		}
		req.payer = p
	}
	rp, ok = f.Result()
	return req, rp, ok
}

// handle pays a barcode (202; the idempotency key is required) or, for a dry
// run, answers 200 with the payment as it would be, plus the document's
// barcode_details, details and payment_being_processed?.
func (p *Payments) handle(dry bool) api.Handler {
	return func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		req, rp, ok := decodeRequest(r, c.Now)
		if !ok {
			rp.Write(w)
			return
		}
		p.book.Reply(w, func() api.Reply {
			src, ok := p.book.Accessible(c.ClientID, req.accountID)
			if !ok {
				return api.Unauthorized()
			}
			if rp, ok := calendar.CheckScheduleLimit(req.scheduledTo, c.Now); !ok {
				return rp
			}
			now := p.book.Stamp(c.Now)
			d := barcode.Describe(req.info, now, p.dir)
			pm := &payment{Barcode: req.info.Barcode, WritableLine: req.info.Line, BarcodeDetails: barcode.ViewOf(req.info, p.dir),
				EffectivePayer: req.payer, ScheduledTo: req.scheduledTo, fam: p}
			if bo := p.boletos.ByBarcode(req.info.Barcode); bo != nil {
				d, pm.boletoID = p.issuedDetails(bo, req.info, now), bo.ID
			}
			pm.Details = &d
			if req.info.Kind == "refunded" {
				pm.refundWith = "68"
			}
			pm.AccountID, pm.CreatedAt, pm.CreatedBy, pm.Amount = src.ID, api.TS(now), c.SubjectID(), d.Value
			pm.Fee = p.book.FeeAmount(src.ID, "barcode_payment")
			if dry {
				return p.dryRun(pm, c.ClientID, now)
			}
			switch d.Status {
			case "paid":
				return api.Unprocessable("barcode_already_paid", "the document is already paid")
			case "unpayable":
				return api.Unprocessable("unpayable_barcode", "the document cannot be paid: "+api.Deref(d.UnpayableReasonDesciption))
			}
			if rp, ok := payableAmount(pm, d, req.amount); !ok {
				return rp
			}
			pm.ID = p.book.NewID()
			pm.RequestID = ledger.RequestIDOf(pm.ID)
			if k := strings.TrimSpace(r.Header.Get(api.IdempotencyHeader)); k != "" {
				pm.IdempotencyKey = &k
			}
			p.ops.Add(pm)
			p.ops.Submit(pm, c.ClientID, now)
			return api.JSON(http.StatusAccepted, pm)
		})
	}
}

// issuedDetails describes a boleto this simulator issued, as its issuer.
func (p *Payments) issuedDetails(bo *boleto.Boleto, b barcode.Info, now time.Time) barcode.Details {
	d := barcode.Describe(b, now, p.dir)
	d.RecipientName, d.RecipientCPFCNPJ = api.StrPtr(bo.Beneficiary.LegalName), api.StrPtr(bo.Beneficiary.Document)
	if bo.Customer != nil {
		d.PayerCPFCNPJ, d.PayerLegalName = api.StrPtr(bo.Customer.Document), api.StrPtr(bo.Customer.LegalName)
		d.PayerTradeName = bo.Customer.TradeName
	}
	d.ExpirationDate, d.PaymentLimitDate = api.StrPtr(bo.ExpirationDate), api.StrPtr(bo.LimitDate)
	d.Value, d.MinValue, d.MaxValue, d.UnpayableReasonCode, d.UnpayableReasonDesciption = bo.Amount, api.Ptr(bo.Amount), api.Ptr(bo.Amount), nil, nil
	switch bo.Status {
	case "REGISTERED":
		d.Status = "payable"
	case "SETTLED":
		d.Status, d.SettlementDate = "paid", bo.SettledAt
	default:
		d.Status = "unpayable"
		d.UnpayableReasonCode, d.UnpayableReasonDesciption = api.StrPtr("2"), api.StrPtr("Boleto "+bo.Status+" no emissor.")
	}
	return d
}

// payableAmount applies "amount": only divergent-value documents take one
// (and need it), within min_value and max_value.
func payableAmount(pm *payment, d barcode.Details, amount *int64) (api.Reply, bool) {
	lo, hi := api.Deref(d.MinValue), api.Deref(d.MaxValue)
	if amount == nil {
		if lo != hi {
			return api.Validation(api.FieldError{Error: "can't be blank: this document accepts a value between " + api.Itoa(lo) + " and " + api.Itoa(hi), Path: []string{"amount"}}), false
		}
		return api.Reply{}, true
	}
	if *amount < lo || *amount > hi {
		return api.Validation(api.FieldError{Error: "must be between " + api.Itoa(lo) + " and " + api.Itoa(hi), Path: []string{"amount"}}), false
	}
	pm.Amount = *amount
	return api.Reply{}, true
}

func (p *Payments) dryRun(pm *payment, clientID string, now time.Time) api.Reply {
	busy := false
	for _, op := range p.ops.All() {
		if q, ok := op.(*payment); ok && q.Barcode == pm.Barcode &&
			!map[string]bool{"FAILED": true, "CANCELLED": true, "REJECTED": true, "EXPIRED": true, "REFUNDED": true, "FINISHED": true}[q.Status] {
			busy = true
		}
	}
	m := p.ops.DryRun(pm, clientID, now)
	m["payment_being_processed?"] = busy
	return api.JSON(http.StatusOK, m)
}

// handleRefund makes the issuer return a barcode payment with reason_code
// (default "63"): now if it finished, else as soon as it does.
func (p *Payments) handleRefund(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.OptionalBody(r)
	if !ok {
		rp.Write(w)
		return
	}
	code := f.Str("reason_code", false)
	if code == "" {
		code = "63"
	}
	if _, known := refunds()[code]; !known {
		f.Add("is not a refund reason code of payments", "reason_code")
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	p.book.Reply(w, func() api.Reply {
		op, ok := p.ops.Of(p.kind, r.PathValue("id"))
		if !ok {
			return api.NotFound()
		}
		pm := op.(*payment)
		switch now := p.book.Stamp(c.Now); {
		case pm.Status == "FINISHED":
			p.refund(pm, code, now)
		case !approvals.Terminal(pm.Status):
			pm.refundWith = code
		default:
			return api.Conflict("payment is " + pm.Status)
		}
		return api.JSON(http.StatusOK, pm)
	})
}
