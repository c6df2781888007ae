package check

import (
	"strings"
	"testing"
)

const orderReq = `{"account_id":"acc","items":[{"amount":1500,"quantity":2}]}`

func orderJSON(mut func(map[string]any)) string {
	o := map[string]any{"id": "or_1", "amount": 3000, "status": "pending", "closed": false,
		"checkouts": []any{map[string]any{"id": "chk_1", "status": "open", "payment_url": "https://stgapi.mundipagg.com/checkout/v1/orders/chk_1"}}}
	if mut != nil {
		mut(o)
	}
	return js(o)
}

func orderRec(seq int64, mut func(map[string]any)) Record {
	return rec(seq, "POST", "https://api.example/api/v1/payment_links/orders", 200, orderReq, orderJSON(mut))
}

func TestPaymentLinkChecks(t *testing.T) {
	cfg := func(body string) Inputs {
		return Inputs{"response": {get(1, "https://api.example/api/v1/payment_links/acc/config", 200, body)}}
	}
	pending := Params{"status": "pending"}
	list := func(body string) Inputs {
		return Inputs{"order": {orderRec(1, nil)}, "list": {get(2, "https://api.example/api/v1/payment_links/acc/orders", 200, body)}}
	}
	read := func(status string, closed bool) Record {
		return get(3, "https://api.example/api/v1/payment_links/acc/orders/or_1", 200, orderJSON(func(o map[string]any) {
			o["status"], o["closed"] = status, closed
		}))
	}
	runCases(t, []checkCase{
		{name: "documented config", check: PaymentLinkConfig, in: cfg(`{"min_amount":100,"max_amount":5000000,"payment_method":"checkout"}`)},
		{name: "no limits", check: PaymentLinkConfig, in: cfg(`{"payment_method":"checkout"}`), fault: "no min_amount"},
		{name: "limits upside down", check: PaymentLinkConfig, in: cfg(`{"min_amount":500,"max_amount":100,"payment_method":"checkout"}`), fault: "want 0 < min ≤ max"},
		{name: "another method", check: PaymentLinkConfig, in: cfg(`{"min_amount":1,"max_amount":2,"payment_method":"boleto"}`), fault: `payment_method "boleto"`},

		{name: "pending with a checkout", check: OrderCreated, params: pending, in: Inputs{"response": {orderRec(1, nil)}}},
		{name: "created paid", check: OrderCreated, params: pending, in: Inputs{"response": {orderRec(1, func(o map[string]any) { o["status"] = "paid" })}}, fault: `status "paid"`},
		{name: "created closed", check: OrderCreated, params: pending, in: Inputs{"response": {orderRec(1, func(o map[string]any) { o["closed"] = true })}}, fault: "closed as soon as it is created"},
		{name: "amount not the items'", check: OrderCreated, params: pending, in: Inputs{"response": {orderRec(1, func(o map[string]any) { o["amount"] = 1500 })}}, fault: "add up to 3000"},
		{name: "no checkout", check: OrderCreated, params: pending, in: Inputs{"response": {orderRec(1, func(o map[string]any) { o["checkouts"] = []any{} })}}, fault: "no checkout"},
		{name: "relative payment_url", check: OrderCreated, params: pending, in: Inputs{"response": {orderRec(1, func(o map[string]any) {
			o["checkouts"] = []any{map[string]any{"id": "chk_1", "status": "open", "payment_url": "/t/chk_1"}}
		})}}, fault: "not an address the payer can open"},
		{name: "refused", check: OrderCreated, params: pending, in: Inputs{"response": {rec(1, "POST", "https://api.example/api/v1/payment_links/orders", 403, orderReq, `{"type":"srn:error:unauthorized"}`)}}, fault: "403 srn:error:unauthorized"},

		{name: "listed", check: OrderListed, in: list(`{"data":[{"id":"or_0"},{"id":"or_1"}],"paging":{"total":2}}`)},
		{name: "missing from the list", check: OrderListed, in: list(`{"data":[{"id":"or_0"}],"paging":{"total":1}}`), fault: "or_1 is not among the 1 orders"},
		{name: "no paging", check: OrderListed, in: list(`{"data":[{"id":"or_1"}]}`), fault: "no paging.total"},
		{name: "total short", check: OrderListed, in: list(`{"data":[{"id":"or_0"},{"id":"or_1"}],"paging":{"total":1}}`), fault: "paging.total is 1 but 2"},

		{name: "cancelled", check: OrderState, params: Params{"status": "canceled", "closed": "true"}, in: Inputs{"reads": {read("canceled", true)}}},
		{name: "expired read as cancelled", check: OrderState, params: Params{"status": "canceled", "closed": "true"}, in: Inputs{"reads": {read("canceled", false)}}, fault: "closed=false"},
		{name: "still pending", check: OrderState, params: Params{"status": "paid", "closed": "true"}, in: Inputs{"reads": {read("pending", false)}}, fault: "is pending closed=false"},
		{name: "bad parameter", check: OrderState, params: Params{"status": "paid", "closed": "maybe"}, in: Inputs{"reads": {read("paid", true)}}, fault: `"closed" is "maybe"`},
		{name: "never read", check: OrderState, params: Params{"status": "paid", "closed": "true"}, in: Inputs{}, fault: "never read"},
	})
	if !strings.Contains(orderReq, "quantity") {
		t.Fatal("the request must exercise quantity")
	}
}
