package stone

import (
	"net/http"
	"testing"
)

// docsOrderAnswer is an order shaped as the create/get pages show it
// (stone-api-families.md §1.4): Mundipagg ids, a checkout with its
// payment_url, and the credit card block.
const docsOrderAnswer = `{"id":"or_ZJ1bX2EiEiPxRaLw","code":"6H0TVP4SBM","amount":3000,"currency":"BRL","closed":false,"closed_at":null,
	"status":"pending","session_id":null,"created_at":"2021-03-04T19:43:19Z","updated_at":"2021-03-04T19:43:19Z",
	"customer":{"id":"cus_8Ym3z6lUQhkwzPxN","name":"Maria","delinquent":false,"phones":{},"created_at":"2021-03-04T19:43:19Z","updated_at":"2021-03-04T19:43:19Z"},
	"items":[{"id":"oi_Yk8oJ3xHeTvnBRkq","amount":3000,"description":"Camiseta","quantity":1,"status":"active","type":"product",
		"created_at":"2021-03-04T19:43:19Z","updated_at":"2021-03-04T19:43:19Z"}],
	"checkouts":[{"id":"chk_7LyQ2Mk5cPsKl0BV","amount":3000,"currency":"BRL","status":"open",
		"payment_url":"https://stgapi.mundipagg.com/checkout/v1/orders/chk_7LyQ2Mk5cPsKl0BV","expires_at":"2021-03-11T19:43:19Z",
		"closed_at":null,"customer":{"id":"cus_8Ym3z6lUQhkwzPxN","name":"Maria"},"metadata":{},"shippable":false,"billing_address":{},
		"credit_card":{"authentication":{"type":"none","threed_secure":{}},"capture":true,"installments":[{"number":1,"total":3000}]},
		"required_fields":["customer.email","customer.document","customer.mobile_phone","customer.name"],
		"created_at":"2021-03-04T19:43:19Z","updated_at":"2021-03-04T19:43:19Z"}]}`

func TestPaymentLinkRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	order := OrderRequest{AccountID: "acc-1", Items: []OrderItemRequest{{Amount: 3000, Description: "Camiseta", Quantity: 1}},
		Customer: &OrderCustomerRequest{Name: "Maria"},
		Payments: []OrderPaymentRequest{{Amount: 3000, PaymentMethod: "checkout", Checkout: &CheckoutRequest{ExpiresIn: 10080,
			CustomerEditable: true, AcceptedPaymentMethods: []string{"credit_card"}, AcceptedMultiPaymentMethods: []string{},
			SuccessURL: "https://sandbox-link.openbank.stone.com.br/sucesso",
			CreditCard: &CheckoutCreditCardTerm{Capture: true, Installments: []CheckoutInstalment{{Number: 1, Total: 3000}}}}}}}
	runWire(t, fs, c, []wire{
		{
			name: "config", method: "GET", path: "/api/v1/payment_links/acc-1/config",
			call: func(c *Client) error { _, err := c.PaymentLinkConfig(ctx(t), "acc-1"); return err },
		},
		{
			name: "create, the page's body, no idempotency key documented", method: "POST", path: "/api/v1/payment_links/orders",
			reply: reply(http.StatusOK, docsOrderAnswer),
			body: `{"account_id":"acc-1","items":[{"amount":3000,"description":"Camiseta","quantity":1}],"customer":{"name":"Maria"},
				"payments":[{"amount":3000,"payment_method":"checkout","checkout":{"expires_in":10080,"skip_checkout_success_page":false,
				"billing_address_editable":false,"customer_editable":true,"accepted_payment_methods":["credit_card"],
				"accepted_multi_payment_methods":[],"success_url":"https://sandbox-link.openbank.stone.com.br/sucesso",
				"credit_card":{"capture":true,"installments":[{"number":1,"total":3000}]}}}]}`,
			call: func(c *Client) error {
				o, err := c.CreateOrder(ctx(t), order)
				if err == nil && (o.ID != "or_ZJ1bX2EiEiPxRaLw" || o.Status != OrderPending || len(o.Checkouts) != 1 ||
					o.Checkouts[0].PaymentURL != "https://stgapi.mundipagg.com/checkout/v1/orders/chk_7LyQ2Mk5cPsKl0BV" || o.Checkouts[0].ExpiresAt == nil) {
					t.Errorf("order = %+v", o)
				}
				return err
			},
		},
		{
			name: "list", method: "GET", path: "/api/v1/payment_links/acc-1/orders",
			reply: reply(http.StatusOK, `{"data":[{"id":"or_1","status":"pending","closed":false,"amount":100}],"paging":{"total":1}}`),
			call: func(c *Client) error {
				p, err := c.Orders(ctx(t), "acc-1")
				if err == nil && (p.Paging.Total != 1 || len(p.Data) != 1 || p.Data[0].ID != "or_1") {
					t.Errorf("page = %+v", p)
				}
				return err
			},
		},
		{
			name: "get", method: "GET", path: "/api/v1/payment_links/acc-1/orders/or_1",
			call: func(c *Client) error { _, err := c.Order(ctx(t), "acc-1", "or_1"); return err },
		},
		{
			name: "cancel is a PATCH on /closed naming the account", method: "PATCH", path: "/api/v1/payment_links/orders/or_1/closed",
			body:  `{"account_id":"acc-1","status":"canceled"}`,
			reply: reply(http.StatusOK, `{"id":"or_1","status":"canceled","closed":true,"closed_at":"2021-03-04T19:50:00Z"}`),
			call: func(c *Client) error {
				o, err := c.CancelOrder(ctx(t), "acc-1", "or_1")
				if err == nil && (!o.Closed || o.ClosedAt == nil || o.Status != OrderCanceled) {
					t.Errorf("cancelled = %+v", o)
				}
				return err
			},
		},
	})
	runInvalid(t, fs, c, "create payment link order", []invalid{
		{"no account", func(c *Client) error { _, err := c.CreateOrder(ctx(t), OrderRequest{Items: order.Items}); return err }, "account_id"},
		{"no items", func(c *Client) error { _, err := c.CreateOrder(ctx(t), OrderRequest{AccountID: "a"}); return err }, "items"},
		{"zero amount", func(c *Client) error {
			_, err := c.CreateOrder(ctx(t), OrderRequest{AccountID: "a", Items: []OrderItemRequest{{Quantity: 1}}})
			return err
		}, "items.0.amount"},
		{"boleto method", func(c *Client) error {
			_, err := c.CreateOrder(ctx(t), OrderRequest{AccountID: "a", Items: order.Items, Payments: []OrderPaymentRequest{{PaymentMethod: "boleto"}}})
			return err
		}, "payments.0.payment_method"},
	})
	runInvalid(t, fs, c, "cancel payment link order", []invalid{
		{"no account", func(c *Client) error { _, err := c.CancelOrder(ctx(t), "", "or_1"); return err }, "account_id"},
		{"no order", func(c *Client) error { _, err := c.CancelOrder(ctx(t), "a", ""); return err }, "order id"},
	})
}
