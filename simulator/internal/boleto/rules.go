package boleto

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
)

func invoiceTypes() []string {
	return []string{"deposit", "proposal", "bill_of_exchange", "tuition_payment"}
}

// cobranca reports whether an invoice type is "cobrança": the types that take
// fine, interest and discounts and need the payer.
func cobranca(typ string) bool { return typ == "bill_of_exchange" || typ == "tuition_payment" }

// Party is a boleto's beneficiary, payer (customer) or receiver.
type Party struct {
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
	customer, receiver     *Party
	discounts              []pctOn
	fine, interest         *pctOn
	description            *string
	metadata               json.RawMessage
}

// decodeBoletoRequest validates an issuance body. The payer comes as
// "customer" (Stone's docs) or "payer" (Stone's Go SDK); it is required
// except for deposits, whose payer is always the beneficiary.
func decodeBoletoRequest(r *http.Request, now time.Time) (boletoRequest, api.Reply, bool) {
	var req boletoRequest
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		return req, rp, false
	}
	req.accountID = f.Str("account_id", true)
	if n, ok := f.Int("amount", true); ok {
		if n < minBoletoAmount || n > MaxAmount {
			f.Add("must be between "+api.Itoa(minBoletoAmount)+" and "+api.Itoa(MaxAmount), "amount")
		}
		req.amount = n
	}
	req.invoiceType = f.Str("invoice_type", true)
	if req.invoiceType != "" && !slices.Contains(invoiceTypes(), req.invoiceType) {
		f.Add("must be one of deposit, proposal, bill_of_exchange, tuition_payment", "invoice_type")
	}
	today := calendar.DayOf(now)
	req.expiration = f.Date("expiration_date", true)
	exp, expErr := calendar.ParseDay(req.expiration)
	if expErr == nil && exp.Before(today) {
		f.Add("must be today or later", "expiration_date")
	}
	req.limit = f.Date("limit_date", false)
	if lim, err := calendar.ParseDay(req.limit); err == nil && expErr == nil {
		switch {
		case lim.Before(exp):
			f.Add("must be on or after expiration_date", "limit_date")
		case req.invoiceType == "deposit" && !lim.Equal(exp):
			f.Add("must be equal to expiration_date for a deposit", "limit_date")
		}
	}
	if req.limit == "" || req.invoiceType == "proposal" {
		req.limit = req.expiration // a proposal is valid only until its due date
	}
	if req.invoiceType == "deposit" && expErr == nil && exp.After(today.AddDate(0, 0, 365)) {
		f.Add("must be at most 365 days after today for a deposit", "expiration_date")
	}
	payerName := "customer"
	if !f.Has(payerName) && f.Has("payer") {
		payerName = "payer"
	}
	if c, ok := f.Object(payerName, req.invoiceType != "deposit" && req.invoiceType != ""); ok && req.invoiceType != "deposit" {
		req.customer = readBoletoParty(c, true)
	}
	if c, ok := f.Object("receiver", false); ok {
		req.receiver = readBoletoParty(c, false)
	}
	lim, _ := calendar.ParseDay(req.limit)
	if items, ok := f.Array("discounts"); ok && len(items) > 0 {
		if !cobranca(req.invoiceType) {
			f.Add("is only accepted for bill_of_exchange and tuition_payment", "discounts")
		}
		if len(items) > maxDiscounts {
			f.Add("should have at most 3 item(s)", "discounts")
		}
		for _, it := range items {
			d := readPct(it, 90, true)
			if day, err := calendar.ParseDay(api.Deref(d.Date)); err == nil && expErr == nil && (day.After(exp) || day.Before(today)) {
				it.Add("must be between today and expiration_date", "date")
			}
			req.discounts = append(req.discounts, d)
		}
	}
	for _, name := range []string{"fine", "interest"} {
		o, ok := f.Object(name, false)
		if !ok {
			continue
		}
		if !cobranca(req.invoiceType) {
			f.Add("is only accepted for bill_of_exchange and tuition_payment", name)
		}
		p := readPct(o, map[string]float64{"fine": 2, "interest": 1}[name], false)
		if day, err := calendar.ParseDay(api.Deref(p.Date)); err == nil && expErr == nil && (!day.After(exp) || day.After(lim)) {
			o.Add("must be after expiration_date and not after limit_date", "date")
		}
		if name == "fine" {
			req.fine = &p
		} else {
			req.interest = &p
		}
	}
	if f.Has("description") {
		d := f.Str("description", false)
		f.MaxLen("description", d, 200)
		req.description = &d
	}
	// The reference page nests the description as payment_invoice.description;
	// the summary in stone-api.md puts it at the top level. Both are accepted.
	if pi, ok := f.Object("payment_invoice", false); ok && pi.Has("description") {
		d := pi.Str("description", false)
		pi.MaxLen("description", d, 200)
		req.description = &d
	}
	req.metadata, _ = api.Present(f.Obj, "metadata")
	rp, ok = f.Result()
	return req, rp, ok
}

func readBoletoParty(c api.Fields, payer bool) *Party {
	p := &Party{LegalName: c.Str("legal_name", payer), Document: c.Str("document", payer)}
	if p.Document != "" {
		if !api.Digits.MatchString(p.Document) || api.DocumentType(p.Document) == "" {
			c.Add("must be a CPF (11 digits) or a CNPJ (14 digits)", "document")
		}
		p.DocumentType = api.DocumentType(p.Document)
	}
	if dt := strings.ToLower(c.Str("document_type", false)); dt != "" && dt != p.DocumentType {
		c.Add("does not match the document", "document_type")
	}
	// trade_name is optional for every payer, a company's too: §5.7 marks
	// no customer field with *, and a company without a trade name exists.
	if tn := c.Str("trade_name", false); tn != "" {
		p.TradeName = &tn
	}
	if c.Has("address") {
		c.Object("address", false)
	}
	return p
}

// readPct reads {"date","value"} with value a decimal percentage (a string
// such as "2.0" as documented; a JSON number is accepted too) in (0, max].
func readPct(o api.Fields, max float64, dateRequired bool) pctOn {
	var p pctOn
	if d := o.Date("date", dateRequired); d != "" {
		p.Date = &d
	}
	raw, ok := api.Present(o.Obj, "value")
	if !ok {
		o.Add("can't be blank", "value")
		return p
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil:
		o.Add(`must be a decimal such as "1.0"`, "value")
	case !(v > 0 && v <= max): // also refuses NaN
		o.Add("must be greater than 0.0 and at most "+strconv.FormatFloat(max, 'f', 1, 64), "value")
	}
	p.Value = s
	return p
}
