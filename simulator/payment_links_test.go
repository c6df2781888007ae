package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// docsOrder is the create page's example (stone-api-families.md §1.2),
// closed:true and arrays of payment methods included.
func docsOrder(account string) string {
	return `{"account_id":"` + account + `","items":[{"amount":3000,"description":"Camiseta","quantity":1}],
		"customer":{"name":"Maria"},"closed":true,
		"payments":[{"amount":3000,"payment_method":"checkout","checkout":{"expires_in":10080,"skip_checkout_success_page":false,
		"billing_address_editable":false,"customer_editable":true,"accepted_payment_methods":["credit_card"],
		"accepted_multi_payment_methods":[],"success_url":"https://sandbox-link.openbank.stone.com.br/sucesso",
		"credit_card":{"capture":true,"installments":[{"number":1,"total":1000}]}}}]}`
}

func TestPaymentLinkLifecycle(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	cfg := e.call(http.MethodGet, "/api/v1/payment_links/"+own+"/config", "", 200)
	if cfg.num("min_amount") != 100 || cfg.num("max_amount") != 5000000 || cfg.str("payment_method") != "checkout" {
		t.Fatalf("config = %v", cfg)
	}
	o := e.call(http.MethodPost, "/api/v1/payment_links/orders", docsOrder(own), 200)
	chk := o["checkouts"].([]any)[0].(map[string]any)
	switch {
	case !strings.HasPrefix(o.str("id"), "or_") || len(o.str("code")) != 10 || o.str("status") != "pending" || o["closed"] != false:
		t.Fatalf("order = %v", o)
	case o.num("amount") != 3000 || o.str("currency") != "BRL" || !strings.HasPrefix(o.sub("customer").str("id"), "cus_"):
		t.Fatalf("order = %v", o)
	case !strings.HasPrefix(chk["payment_url"].(string), "https://stgapi.mundipagg.com/checkout/v1/orders/chk_") || chk["status"] != "open":
		t.Fatalf("checkout = %v", chk)
	case chk["expires_at"] != time.Date(2026, 12, 5, 13, 0, 0, 0, time.UTC).Format(time.RFC3339):
		t.Fatalf("expires_at = %v, want created + 10080 minutes", chk["expires_at"])
	}
	id := o.str("id")

	list := e.call(http.MethodGet, "/api/v1/payment_links/"+own+"/orders", "", 200)
	data := list["data"].([]any)
	if len(data) != 1 || list.sub("paging").num("total") != 1 || data[0].(map[string]any)["checkouts"] != nil {
		t.Fatalf("list = %v", list)
	}
	e.call(http.MethodGet, "/api/v1/payment_links/"+own+"/orders/"+id, "", 200)
	wantError(t, e.api(http.MethodGet, "/api/v1/payment_links/"+own+"/orders/or_nope", ""), 404, "not_found")
	wantError(t, e.api(http.MethodGet, "/api/v1/payment_links/"+e.fx.ThirdPartyAccountID+"/orders", ""), 403, "unauthorized")

	// The Go SDK's rule: the body names the account and status canceled.
	wantError(t, e.api(http.MethodPatch, "/api/v1/payment_links/orders/"+id+"/closed", `{"account_id":"`+own+`","status":"closed"}`), 400, "validation")
	c := e.call(http.MethodPatch, "/api/v1/payment_links/orders/"+id+"/closed", `{"account_id":"`+own+`","status":"canceled"}`, 200)
	if c.str("status") != "canceled" || c["closed"] != true || c.str("closed_at") == "" {
		t.Fatalf("cancelled = %v", c)
	}
	wantError(t, e.api(http.MethodPatch, "/api/v1/payment_links/orders/"+id+"/closed", `{"account_id":"`+own+`","status":"canceled"}`), 409, "conflict")
	wantError(t, e.api(http.MethodPost, "/_sim/payment_links/orders/"+id+"/pay", ""), 409, "conflict")

	// Expiry: canceled, but not closed (§1.5).
	x := e.call(http.MethodPost, "/api/v1/payment_links/orders", `{"account_id":"`+own+`","items":[{"amount":500,"quantity":2}],
		"payments":[{"payment_method":"checkout","checkout":{"expires_in":"60","accepted_payment_methods":"credit_card"}}]}`, 200)
	if x.num("amount") != 1000 {
		t.Fatalf("amount = %d, want the items' 2 × 500", x.num("amount"))
	}
	e.clock.Advance(61 * time.Minute)
	got := e.call(http.MethodGet, "/api/v1/payment_links/"+own+"/orders/"+x.str("id"), "", 200)
	if got.str("status") != "canceled" || got["closed"] != false {
		t.Fatalf("expired = %v, want canceled and not closed", got)
	}
}

func TestPaymentLinkPaidAndWebhooks(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	o := e.call(http.MethodPost, "/api/v1/payment_links/orders", docsOrder(own), 200)
	paid := e.call(http.MethodPost, "/_sim/payment_links/orders/"+o.str("id")+"/pay", `{"installments":2}`, 200)
	if paid.str("status") != "paid" || paid["closed"] != true || len(paid["charges"].([]any)) != 1 {
		t.Fatalf("paid = %v", paid)
	}
	var types []string
	for i, n := range e.simWebhooks(e.clientID) {
		types = append([]string{n.EventType}, types...) // the list is newest first
		var p map[string]any
		if err := json.Unmarshal(n.Data, &p); err != nil {
			t.Fatal(err)
		}
		td := p["target_data"].(map[string]any)
		if p["target_type"] != "payment_links" || p["target_id"] != o.str("id") || p["target_statement_uri"] != nil ||
			!strings.HasSuffix(p["target_detail_uri"].(string), "/api/v1/payment_links/"+own+"/orders/"+o.str("id")) {
			t.Fatalf("notification %d envelope = %v", i, p)
		}
		if _, has := td["account_id"]; has {
			t.Errorf("target_data has account_id; the payment-link examples have none (§1.7)")
		}
		if c, ok := td["closed"].(string); !ok || (c != "true" && c != "false") || strings.HasSuffix(td["created_at"].(string), "Z") {
			t.Errorf("target_data closed %#v, created_at %v: want string booleans and timestamps without Z", td["closed"], td["created_at"])
		}
	}
	if strings.Join(types, ",") != "order_created,order_created,order_paid,order_closed" {
		t.Fatalf("events = %v, want order_created twice, order_paid, order_closed (§1.7)", types)
	}
}

func TestPaymentLinkValidation(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	for _, tc := range []struct{ name, body, path string }{
		{"no items", `{"account_id":"` + own + `"}`, "items"},
		{"below the minimum", `{"account_id":"` + own + `","items":[{"amount":99}]}`, "items"},
		{"above the maximum", `{"account_id":"` + own + `","items":[{"amount":5000001}]}`, "items"},
		{"amount as text", `{"account_id":"` + own + `","items":[{"amount":"10"}]}`, "items.0.amount"},
		{"no account", `{"items":[{"amount":1000}]}`, "account_id"},
		{"expires_in words", `{"account_id":"` + own + `","items":[{"amount":1000}],"payments":[{"checkout":{"expires_in":"soon"}}]}`, "payments.0.checkout.expires_in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			er := wantError(t, e.api(http.MethodPost, "/api/v1/payment_links/orders", tc.body), 400, "validation")
			if !strings.Contains(string(er.Reason), strings.Join(quoted(strings.Split(tc.path, ".")), ",")) {
				t.Fatalf("reason %s does not name %s", er.Reason, tc.path)
			}
		})
	}
}

func quoted(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = `"` + p + `"`
	}
	return out
}
