package paymentlink

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

type orderItem struct {
	amount, quantity int64
	description      string
}

type orderRequest struct {
	accountID        string
	customerName     string
	items            []orderItem
	expiresIn        int64
	methods          json.RawMessage
	multiMethods     json.RawMessage
	successURL       string
	capture          bool
	installments     []json.RawMessage
	billingEditable  bool
	customerEditable bool
	skipSuccess      bool
}

// decodeOrder reads an OrderInput (§1.2). No field is marked required; the
// simulator needs an account and something to sell, and holds the amount
// within the config's limits. It accepts each documented variant:
// expires_in as a number or (Stone's Go SDK) a string, the accepted
// payment methods as a string (schema) or an array (examples), and
// ignores "closed", which the example sends true and the response shows
// false (§1.2 [X]).
func decodeOrder(r *http.Request, cfg Config) (orderRequest, api.Reply, bool) {
	req := orderRequest{expiresIn: defaultExpiresIn, methods: json.RawMessage(`["credit_card"]`), multiMethods: json.RawMessage(`[]`),
		successURL: cfg.SuccessURL, capture: cfg.CreditCard.Capture, installments: []json.RawMessage{},
		billingEditable: cfg.BillingAddressEditable, customerEditable: cfg.CustomerEditable, skipSuccess: cfg.SkipCheckoutSuccessPage}
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		return req, rp, false
	}
	req.accountID = f.Str("account_id", true)
	if cu, ok := f.Object("customer", false); ok {
		req.customerName = cu.Str("name", false)
	}
	items, ok := f.Array("items")
	if !ok || len(items) == 0 {
		if !f.Has("items") || ok {
			f.Add("must have at least one item", "items")
		}
	}
	var total int64
	for _, it := range items {
		oi := orderItem{quantity: 1, description: it.Str("description", false)}
		if n, ok := it.Int("amount", true); ok {
			if n <= 0 {
				it.Add("must be greater than 0", "amount")
			}
			oi.amount = n
		}
		if q, ok := it.Int("quantity", false); ok {
			if q <= 0 {
				it.Add("must be greater than 0", "quantity")
			}
			oi.quantity = q
		}
		total += oi.amount * oi.quantity
		req.items = append(req.items, oi)
	}
	if !f.Failed() && (total < cfg.MinAmount || total > cfg.MaxAmount) {
		f.Add("the order's amount "+api.Itoa(total)+" is outside the account's limits ("+api.Itoa(cfg.MinAmount)+" to "+api.Itoa(cfg.MaxAmount)+")", "items")
	}
	if pays, ok := f.Array("payments"); ok && len(pays) > 0 {
		p := pays[0]
		if m := p.Str("payment_method", false); m != "" && m != cfg.PaymentMethod {
			p.Add(`must be "checkout"`, "payment_method")
		}
		if co, ok := p.Object("checkout", false); ok {
			readCheckout(co, &req)
		}
	}
	rp, ok = f.Result()
	return req, rp, ok
}

func readCheckout(co api.Fields, req *orderRequest) {
	if raw, ok := api.Present(co.Obj, "expires_in"); ok {
		var s string
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil && json.Unmarshal(raw, &s) == nil {
			n, err = strconv.ParseInt(s, 10, 64)
		}
		switch {
		case err != nil:
			co.Add("must be a number of minutes", "expires_in")
		case n <= 0:
			co.Add("must be greater than 0", "expires_in")
		default:
			req.expiresIn = n
		}
	}
	for name, dst := range map[string]*json.RawMessage{"accepted_payment_methods": &req.methods, "accepted_multi_payment_methods": &req.multiMethods} {
		if raw, ok := api.Present(co.Obj, name); ok {
			var s string
			var list []string
			switch {
			case json.Unmarshal(raw, &list) == nil:
				*dst = api.Snapshot(list)
			case json.Unmarshal(raw, &s) == nil:
				*dst = api.Snapshot([]string{s})
			default:
				co.Add("must be a string or an array of strings", name)
			}
		}
	}
	if v := co.Str("success_url", false); v != "" {
		req.successURL = v
	}
	for name, dst := range map[string]*bool{"billing_address_editable": &req.billingEditable, "customer_editable": &req.customerEditable,
		"skip_checkout_success_page": &req.skipSuccess} {
		if raw, ok := api.Present(co.Obj, name); ok && json.Unmarshal(raw, dst) != nil {
			co.Add("must be a boolean", name)
		}
	}
	if cc, ok := co.Object("credit_card", false); ok {
		if raw, ok := api.Present(cc.Obj, "capture"); ok && json.Unmarshal(raw, &req.capture) != nil {
			cc.Add("must be a boolean", "capture")
		}
		if inst, ok := cc.Array("installments"); ok {
			for _, i := range inst {
				req.installments = append(req.installments, api.Snapshot(i.Obj))
			}
		}
	}
}
