package simulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Boleto issuance limits (§5.7; GET /api/v1/barcode_payment_invoices/limits/{account_id}).
const (
	minBoletoAmount = 2_000
	maxBoletoAmount = 1_000_000
	maxDiscounts    = 3
)

func invoiceTypes() []string {
	return []string{"deposit", "proposal", "bill_of_exchange", "tuition_payment"}
}

// cobranca reports whether an invoice type is "cobrança": the types that take
// fine, interest and discounts and need the payer.
func cobranca(typ string) bool { return typ == "bill_of_exchange" || typ == "tuition_payment" }

type boletoParty struct {
	AccountCode  *string `json:"account_code,omitempty"`
	BranchCode   *string `json:"branch_code,omitempty"`
	Document     string  `json:"document"`
	DocumentType string  `json:"document_type"`
	LegalName    string  `json:"legal_name"`
	TradeName    *string `json:"trade_name"`
}

type pctOn struct {
	Date  *string `json:"date"`
	Value string  `json:"value"`
}

type boletoRequest struct {
	accountID, invoiceType string
	amount                 int64
	expiration, limit      string
	customer, receiver     *boletoParty
	discounts              []pctOn
	fine, interest         *pctOn
	description            *string
	metadata               json.RawMessage
}

// decodeBoletoRequest validates an issuance body. The payer comes as
// "customer" (Stone's docs) or "payer" (Stone's Go SDK); it is required
// except for deposits, whose payer is always the beneficiary.
func decodeBoletoRequest(r *http.Request, now time.Time) (boletoRequest, reply, bool) {
	var req boletoRequest
	f, rp, ok := decodeFields(r)
	if !ok {
		return req, rp, false
	}
	req.accountID = f.str("account_id", true)
	if n, ok := f.int("amount", true); ok {
		if n < minBoletoAmount || n > maxBoletoAmount {
			f.add("must be between "+itoa(minBoletoAmount)+" and "+itoa(maxBoletoAmount), "amount")
		}
		req.amount = n
	}
	req.invoiceType = f.str("invoice_type", true)
	if req.invoiceType != "" && !slices.Contains(invoiceTypes(), req.invoiceType) {
		f.add("must be one of deposit, proposal, bill_of_exchange, tuition_payment", "invoice_type")
	}
	today := dayOf(now)
	req.expiration = f.date("expiration_date", true)
	exp, expErr := parseDay(req.expiration)
	if expErr == nil && exp.Before(today) {
		f.add("must be today or later", "expiration_date")
	}
	req.limit = f.date("limit_date", false)
	if lim, err := parseDay(req.limit); err == nil && expErr == nil {
		switch {
		case lim.Before(exp):
			f.add("must be on or after expiration_date", "limit_date")
		case req.invoiceType == "deposit" && !lim.Equal(exp):
			f.add("must be equal to expiration_date for a deposit", "limit_date")
		}
	}
	if req.limit == "" || req.invoiceType == "proposal" {
		req.limit = req.expiration // a proposal is valid only until its due date
	}
	if req.invoiceType == "deposit" && expErr == nil && exp.After(today.AddDate(0, 0, 365)) {
		f.add("must be at most 365 days after today for a deposit", "expiration_date")
	}
	payerName := "customer"
	if !f.has(payerName) && f.has("payer") {
		payerName = "payer"
	}
	if c, ok := f.object(payerName, req.invoiceType != "deposit" && req.invoiceType != ""); ok && req.invoiceType != "deposit" {
		req.customer = readBoletoParty(c, true)
	}
	if c, ok := f.object("receiver", false); ok {
		req.receiver = readBoletoParty(c, false)
	}
	lim, _ := parseDay(req.limit)
	if items, ok := f.array("discounts"); ok && len(items) > 0 {
		if !cobranca(req.invoiceType) {
			f.add("is only accepted for bill_of_exchange and tuition_payment", "discounts")
		}
		if len(items) > maxDiscounts {
			f.add("should have at most 3 item(s)", "discounts")
		}
		for _, it := range items {
			d := readPct(it, 90, true)
			if day, err := parseDay(deref2(d.Date)); err == nil && expErr == nil && (day.After(exp) || day.Before(today)) {
				it.add("must be between today and expiration_date", "date")
			}
			req.discounts = append(req.discounts, d)
		}
	}
	for _, name := range []string{"fine", "interest"} {
		o, ok := f.object(name, false)
		if !ok {
			continue
		}
		if !cobranca(req.invoiceType) {
			f.add("is only accepted for bill_of_exchange and tuition_payment", name)
		}
		p := readPct(o, map[string]float64{"fine": 2, "interest": 1}[name], false)
		if day, err := parseDay(deref2(p.Date)); err == nil && expErr == nil && (!day.After(exp) || day.After(lim)) {
			o.add("must be after expiration_date and not after limit_date", "date")
		}
		if name == "fine" {
			req.fine = &p
		} else {
			req.interest = &p
		}
	}
	if f.has("description") {
		d := f.str("description", false)
		f.maxLen("description", d, 200)
		req.description = &d
	}
	// The reference page nests the description as payment_invoice.description;
	// the summary in stone-api.md puts it at the top level. Both are accepted.
	if pi, ok := f.object("payment_invoice", false); ok && pi.has("description") {
		d := pi.str("description", false)
		pi.maxLen("description", d, 200)
		req.description = &d
	}
	req.metadata, _ = present(f.obj, "metadata")
	rp, ok = f.result()
	return req, rp, ok
}

func readBoletoParty(c fields, payer bool) *boletoParty {
	p := &boletoParty{LegalName: c.str("legal_name", payer), Document: c.str("document", payer)}
	if p.Document != "" {
		if !digitsRE.MatchString(p.Document) || documentType(p.Document) == "" {
			c.add("must be a CPF (11 digits) or a CNPJ (14 digits)", "document")
		}
		p.DocumentType = documentType(p.Document)
	}
	if dt := strings.ToLower(c.str("document_type", false)); dt != "" && dt != p.DocumentType {
		c.add("does not match the document", "document_type")
	}
	if tn := c.str("trade_name", false); tn != "" {
		p.TradeName = &tn
	} else if payer && p.DocumentType == "cnpj" {
		c.add("can't be blank for a company (CNPJ) payer", "trade_name")
	}
	if c.has("address") {
		c.object("address", false)
	}
	return p
}

// readPct reads {"date","value"} with value a decimal percentage (a string
// such as "2.0" as documented; a JSON number is accepted too) in (0, max].
func readPct(o fields, max float64, dateRequired bool) pctOn {
	var p pctOn
	if d := o.date("date", dateRequired); d != "" {
		p.Date = &d
	}
	raw, ok := present(o.obj, "value")
	if !ok {
		o.add("can't be blank", "value")
		return p
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil:
		o.add(`must be a decimal such as "1.0"`, "value")
	case !(v > 0 && v <= max): // also refuses NaN
		o.add("must be greater than 0.0 and at most "+strconv.FormatFloat(max, 'f', 1, 64), "value")
	}
	p.Value = s
	return p
}
