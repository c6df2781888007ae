package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// payment is Stone's barcode payment (§5.4): CREATED (consented account) →
// APPROVED | SCHEDULED → MONEY_RESERVED (debited, execution_started) →
// FINISHED → (issuer returns it) REFUNDED; FAILED without balance.
type payment struct {
	lifecycle
	Barcode                 string             `json:"barcode"`
	BarcodeDetails          barcodeDetailsView `json:"barcode_details"`
	CancelledBy             *string            `json:"cancelled_by"`
	Details                 *paymentDetails    `json:"details"`
	EffectivePayer          *effectivePayer    `json:"effective_payer"`
	IdempotencyKey          *string            `json:"idempotency_key"`
	RefundReasonCode        *string            `json:"refund_reason_code"`
	RefundReasonDescription *string            `json:"refund_reason_description"`
	RefundedAt              *string            `json:"refunded_at"`
	RequestID               string             `json:"request_id"`
	ScheduledTo             *string            `json:"scheduled_to"`
	WritableLine            string             `json:"writable_line"`

	boletoID   string // a boleto this simulator issued: paying it settles it
	refundWith string // the issuer returns it with this code after it finishes
}

type effectivePayer struct {
	LegalName    string `json:"legal_name"`
	Document     string `json:"document"`
	DocumentType string `json:"document_type"`
}

func paymentStatuses() []string {
	return []string{"CREATED", "MONEY_RESERVED", "REJECTED", "EXPIRED", "APPROVED", "SCHEDULED", "FAILED", "FINISHED", "CANCELLED", "REFUNDED"}
}

// paymentRefunds are Stone's refund_reason_code values for payments.
func paymentRefunds() map[string]string {
	return map[string]string{
		"40": "Código de moeda inválido.", "51": "Boleto de pagamento liquidado com valor maior ou menor do que o permitido.",
		"52": "Boleto vencido sem os juros/multa devidos.", "53": "Código de barras não pertence ao banco emissor do boleto.",
		"63": "Código de barras inválido.", "68": "Boleto pago em duplicidade", "69": "Boleto pago em duplicidade.",
		"70": "Por solicitação do cliente do banco recebedor do boleto.", "71": "Valor inválido.",
		"73": "Beneficiário não cadastrado no banco emissor.", "74": "Beneficiário com CPF/CNPJ divergente do cadastro no banco emissor.",
		"75": "Pagador com CPF/CNPJ divergente do cadastro no banco emissor.", "76": "Cópia não encaminhada pelo banco recebedor no prazo previsto.",
	}
}

func (p *payment) spec() *opKind { return kindPayment() }

func (p *payment) plan(st *store, now time.Time) (string, time.Time) {
	if p.ScheduledTo != nil {
		if day, err := parseDay(*p.ScheduledTo); err == nil && day.After(now) {
			return "SCHEDULED", day
		}
	}
	return "APPROVED", now.Add(st.step)
}

func (p *payment) counterParty() counterParty {
	var cp counterParty
	if p.Details != nil && p.Details.RecipientName != nil {
		cp.Entity.Name = *p.Details.RecipientName
	}
	if p.BarcodeDetails.BankCode != nil {
		cp.Account.Institution = *p.BarcodeDetails.BankCode
	}
	if p.BarcodeDetails.BankName != nil {
		cp.Account.InstitutionName = *p.BarcodeDetails.BankName
	}
	return cp
}

func (p *payment) entryExtra() map[string]any {
	return map[string]any{"barcode": p.Barcode, "writable_line": p.WritableLine, "details": p.Details}
}

func (p *payment) run(st *store, at time.Time) {
	src := st.accounts[p.AccountID]
	if bo, ok := st.boletos[p.boletoID]; ok && bo.Status != "REGISTERED" {
		st.failOp(p, at, "0", "Ocorreu um erro durante o pagamento. Por favor, tente novamente.")
		return
	}
	if src.balance < p.Amount+p.Fee {
		st.failOp(p, at, "1", "Saldo insuficiente.")
		return
	}
	p.Status = "MONEY_RESERVED"
	st.postEntry(src, posting{amount: -p.Amount, fee: p.Fee, cp: p.counterParty(), typ: "payment", opID: p.ID, extra: p.entryExtra()}, at)
	st.opEvent(p, "execution_started", at)
	st.at(at.Add(st.step), func(at time.Time) {
		if p.Status != "MONEY_RESERVED" {
			return
		}
		p.Status, p.FinishedAt, p.SettledAt = "FINISHED", tsPtr(at), tsPtr(at)
		st.opEvent(p, "finished", at)
		if bo, ok := st.boletos[p.boletoID]; ok && !st.settleBoleto(bo, p.Amount, src.OwnerDocument, at) {
			// The boleto was settled by another payment, or cancelled,
			// while this one held the money: the issuer returns it, as a
			// real one does ("pago em duplicidade"), so no money is lost.
			code := "68"
			if bo.Status != "SETTLED" {
				code = "63"
			}
			p.refundWith = code
		}
		if p.refundWith != "" {
			st.at(at.Add(st.step), func(at time.Time) { st.refundPayment(p, p.refundWith, at) })
		}
	})
}

// refundPayment is the issuer returning a finished payment.
func (st *store) refundPayment(p *payment, code string, at time.Time) {
	if p.Status != "FINISHED" {
		return
	}
	desc := paymentRefunds()[code]
	p.Status, p.RefundedAt, p.RefundReasonCode, p.RefundReasonDescription = "REFUNDED", tsPtr(at), strPtr(code), strPtr(desc)
	credit := st.postEntry(st.accounts[p.AccountID], posting{amount: p.Amount, cp: p.counterParty(), typ: "payment_refund",
		desc: desc, opID: p.ID, extra: p.entryExtra()}, at)
	st.emit(&event{Type: "cash_in_payment_refund", TargetType: "payment_refund", TargetID: p.ID, AccountID: p.AccountID,
		Data: snapshot(p), DetailPath: kindPayment().detailPath + p.ID, StatementRef: credit.ID, At: at})
}

type paymentRequest struct {
	accountID   string
	info        barcodeInfo
	amount      *int64
	scheduledTo *string
	payer       *effectivePayer
}

func decodePaymentRequest(r *http.Request, now time.Time) (paymentRequest, reply, bool) {
	var req paymentRequest
	f, rp, ok := decodeFields(r)
	if !ok {
		return req, rp, false
	}
	req.accountID = f.str("account_id", true)
	if code := f.str("barcode", true); code != "" {
		info, err := parseBarcode(code, now)
		if err != nil {
			f.add(err.Error(), "barcode")
		}
		req.info = info
	}
	if n, ok := f.int("amount", false); ok {
		if n <= 0 {
			f.add("must be greater than 0", "amount")
		}
		req.amount = &n
	}
	req.scheduledTo = f.scheduledTo()
	if ep, ok := f.object("effective_payer", false); ok {
		p := &effectivePayer{LegalName: ep.str("legal_name", true), Document: ep.str("document", true),
			DocumentType: strings.ToLower(ep.str("document_type", true))}
		ep.maxLen("legal_name", p.LegalName, 80)
		if p.Document != "" && (!digitsRE.MatchString(p.Document) || documentType(p.Document) == "") {
			ep.add("must be a CPF (11 digits) or a CNPJ (14 digits)", "document")
		}
		if p.DocumentType != "" && p.DocumentType != "cpf" && p.DocumentType != "cnpj" {
			ep.add("must be cpf or cnpj", "document_type")
		}
		req.payer = p
	}
	rp, ok = f.result()
	return req, rp, ok
}

// handleCreatePayment pays a barcode (202). The idempotency key is required.
func (s *Simulator) handleCreatePayment(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.barcodePayment(w, r, rc, false)
}

// handleDryRunPayment answers 200 with the payment as it would be, plus the
// document's barcode_details, details and payment_being_processed?.
func (s *Simulator) handleDryRunPayment(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.barcodePayment(w, r, rc, true)
}

func (s *Simulator) barcodePayment(w http.ResponseWriter, r *http.Request, rc *reqCtx, dry bool) {
	req, rp, ok := decodePaymentRequest(r, rc.now)
	if !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		src, ok := st.accessible(rc.client, req.accountID)
		if !ok {
			return unauthorized()
		}
		if rp, ok := st.checkScheduleLimit(req.scheduledTo, rc.now); !ok {
			return rp
		}
		now := st.stamp(rc.now)
		d := barcodeDetails(req.info, now)
		p := &payment{Barcode: req.info.barcode, WritableLine: req.info.line, BarcodeDetails: barcodeDetailsOf(req.info),
			EffectivePayer: req.payer, ScheduledTo: req.scheduledTo}
		if bo, ok := st.boletoCodes[req.info.barcode]; ok {
			d, p.boletoID = issuedDetails(bo, req.info, now), bo.ID
		}
		p.Details = &d
		if req.info.kind == "refunded" {
			p.refundWith = "68"
		}
		p.AccountID, p.CreatedAt, p.CreatedBy, p.Amount = src.ID, ts(now), rc.client.subjectID(), d.Value
		p.Fee = st.fee(src.ID, "barcode_payment")
		if dry {
			return dryRunPayment(st, p, src, rc.client, now)
		}
		switch d.Status {
		case "paid":
			return unprocessable("barcode_already_paid", "the document is already paid")
		case "unpayable":
			return unprocessable("unpayable_barcode", "the document cannot be paid: "+deref2(d.UnpayableReasonDesciption))
		}
		if rp, ok := payableAmount(p, d, req.amount); !ok {
			return rp
		}
		p.ID = st.newID()
		p.RequestID = requestIDOf(p.ID)
		if k := strings.TrimSpace(r.Header.Get(idempotencyHeader)); k != "" {
			p.IdempotencyKey = &k
		}
		st.addOp(p)
		st.submit(p, rc.client, now)
		return jsonReply(http.StatusAccepted, p)
	})
}

// payableAmount applies "amount": only divergent-value documents take one
// (and need it), within min_value and max_value.
func payableAmount(p *payment, d paymentDetails, amount *int64) (reply, bool) {
	lo, hi := deref(d.MinValue), deref(d.MaxValue)
	if amount == nil {
		if lo != hi {
			return validationErr(fieldError{Error: "can't be blank: this document accepts a value between " + itoa(lo) + " and " + itoa(hi), Path: []string{"amount"}}), false
		}
		return reply{}, true
	}
	if *amount < lo || *amount > hi {
		return validationErr(fieldError{Error: "must be between " + itoa(lo) + " and " + itoa(hi), Path: []string{"amount"}}), false
	}
	p.Amount = *amount
	return reply{}, true
}

func dryRunPayment(st *store, p *payment, src *account, c *clientRec, now time.Time) reply {
	busy := false
	for _, op := range st.opOrder {
		if q, ok := op.(*payment); ok && q.Barcode == p.Barcode &&
			!map[string]bool{"FAILED": true, "CANCELLED": true, "REJECTED": true, "EXPIRED": true, "REFUNDED": true, "FINISHED": true}[q.Status] {
			busy = true
		}
	}
	rp := dryRunReply(st, p, src, c, now)
	var m map[string]any
	if json.Unmarshal(rp.body, &m) != nil {
		return rp
	}
	m["payment_being_processed?"] = busy
	return jsonReply(http.StatusOK, m)
}

func deref2(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Simulator) handleGetPayment(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.getOp(w, r, rc, kindPayment())
}

func (s *Simulator) handleListPayments(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.listOps(w, r, rc, kindPayment(), paymentStatuses())
}
