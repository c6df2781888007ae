package stone

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Payment links (stone-api-families.md §1): Mundipagg orders with a
// checkout page the payer opens.

// Order statuses (§1.5). Expired and cancelled orders are both canceled;
// Closed tells them apart (cancelled: true, expired: false).
const (
	OrderPending  = "pending"
	OrderPaid     = "paid"
	OrderCanceled = "canceled"
)

// PaymentLinkConfig is GET /payment_links/{account_id}/config (§1.3).
type PaymentLinkConfig struct {
	AcceptedMultiPaymentMethods []string `json:"accepted_multi_payment_methods"`
	BillingAddressEditable      bool     `json:"billing_address_editable"`
	CustomerEditable            bool     `json:"customer_editable"`
	Closed                      bool     `json:"closed"`
	SkipCheckoutSuccessPage     bool     `json:"skip_checkout_success_page"`
	CreditCard                  struct {
		Capture         bool `json:"capture"`
		Enabled         bool `json:"enabled"`
		MaxInstallments int  `json:"max_installments"`
	} `json:"credit_card"`
	MaxAmount      int64  `json:"max_amount"`
	MinAmount      int64  `json:"min_amount"`
	PaymentMethod  string `json:"payment_method"`
	PaymentURLHost string `json:"payment_url_host"`
	SuccessURL     string `json:"success_url"`
}

// OrderRequest is the body of POST /payment_links/orders (§1.2). No field
// is marked required; the account and at least one item are checked here.
type OrderRequest struct {
	AccountID string                `json:"account_id"`
	Items     []OrderItemRequest    `json:"items"`
	Customer  *OrderCustomerRequest `json:"customer,omitempty"`
	Payments  []OrderPaymentRequest `json:"payments,omitempty"`
}

// OrderItemRequest is one item sold, in centavos.
type OrderItemRequest struct {
	Amount      int64  `json:"amount"`
	Description string `json:"description,omitempty"`
	Quantity    int64  `json:"quantity"`
}

// OrderCustomerRequest names the payer; the checkout collects the rest.
type OrderCustomerRequest struct {
	Name string `json:"name"`
}

// OrderPaymentRequest is the checkout to open (payment_method "checkout",
// the only value documented).
type OrderPaymentRequest struct {
	Amount        int64            `json:"amount,omitempty"`
	PaymentMethod string           `json:"payment_method"`
	Checkout      *CheckoutRequest `json:"checkout,omitempty"`
}

// CheckoutRequest configures the checkout page. ExpiresIn is in minutes
// (10080 in the examples, seven days); accepted payment methods are sent
// as arrays, as the examples do (the schema says string).
type CheckoutRequest struct {
	ExpiresIn                   int64                   `json:"expires_in,omitempty"`
	SkipCheckoutSuccessPage     bool                    `json:"skip_checkout_success_page"`
	BillingAddressEditable      bool                    `json:"billing_address_editable"`
	CustomerEditable            bool                    `json:"customer_editable"`
	AcceptedPaymentMethods      []string                `json:"accepted_payment_methods"`
	AcceptedMultiPaymentMethods []string                `json:"accepted_multi_payment_methods"`
	SuccessURL                  string                  `json:"success_url,omitempty"`
	CreditCard                  *CheckoutCreditCardTerm `json:"credit_card,omitempty"`
}

// CheckoutCreditCardTerm is the card capture and installment plan.
type CheckoutCreditCardTerm struct {
	Capture      bool                 `json:"capture"`
	Installments []CheckoutInstalment `json:"installments,omitempty"`
}

// CheckoutInstalment is one installment option.
type CheckoutInstalment struct {
	Number int   `json:"number"`
	Total  int64 `json:"total"`
}

// Order is a payment-link order as Stone answers it (§1.4).
type Order struct {
	ID        string          `json:"id"`
	Code      string          `json:"code"`
	Amount    int64           `json:"amount"`
	Currency  string          `json:"currency"`
	Closed    bool            `json:"closed"`
	ClosedAt  *time.Time      `json:"closed_at"`
	Status    string          `json:"status"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Customer  *OrderCustomer  `json:"customer"`
	Items     []OrderItem     `json:"items"`
	Checkouts []OrderCheckout `json:"checkouts"`
	Charges   json.RawMessage `json:"charges,omitempty"`
}

// OrderCustomer is the order's customer.
type OrderCustomer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// OrderItem is one item of an order.
type OrderItem struct {
	ID          string `json:"id"`
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	Status      string `json:"status"`
}

// OrderCheckout is the checkout page: PaymentURL is what the payer opens.
type OrderCheckout struct {
	ID         string     `json:"id"`
	Amount     int64      `json:"amount"`
	Status     string     `json:"status"` // open | closed
	PaymentURL string     `json:"payment_url"`
	ExpiresAt  *time.Time `json:"expires_at"`
	ClosedAt   *time.Time `json:"closed_at"`
}

// OrderPage is GET /payment_links/{account_id}/orders: the orders without
// their checkouts and a total, not a cursor (§1.1).
type OrderPage struct {
	Data   []Order `json:"data"`
	Paging struct {
		Total int `json:"total"`
	} `json:"paging"`
}

// PaymentLinkConfig reads the account's checkout configuration; the docs
// ask to read it before creating an order (limits come from it).
func (c *Client) PaymentLinkConfig(ctx context.Context, accountID string) (*PaymentLinkConfig, error) {
	const op = "get payment link config"
	esc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	var v PaymentLinkConfig
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/payment_links/" + esc + "/config"}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// CreateOrder creates a payment link: POST /payment_links/orders. No
// idempotency key is documented for it (§1.1), so none is sent.
func (c *Client) CreateOrder(ctx context.Context, req OrderRequest) (*Order, error) {
	const op = "create payment link order"
	if req.AccountID == "" {
		return nil, fmt.Errorf("stone: %s: account_id is required", op)
	}
	if len(req.Items) == 0 {
		return nil, fmt.Errorf("stone: %s: items: at least one item is required", op)
	}
	for i, it := range req.Items {
		if it.Amount <= 0 {
			return nil, fmt.Errorf("stone: %s: items.%d.amount must be positive centavos, got %d", op, i, it.Amount)
		}
		if it.Quantity <= 0 {
			return nil, fmt.Errorf("stone: %s: items.%d.quantity must be positive, got %d", op, i, it.Quantity)
		}
	}
	for i, p := range req.Payments {
		if p.PaymentMethod != "checkout" {
			return nil, fmt.Errorf("stone: %s: payments.%d.payment_method must be \"checkout\", got %q", op, i, p.PaymentMethod)
		}
	}
	var v Order
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/payment_links/orders", body: req}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Orders lists the account's payment-link orders.
func (c *Client) Orders(ctx context.Context, accountID string) (*OrderPage, error) {
	const op = "list payment link orders"
	esc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	var v OrderPage
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/payment_links/" + esc + "/orders"}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Order reads one order of the account.
func (c *Client) Order(ctx context.Context, accountID, orderID string) (*Order, error) {
	const op = "get payment link order"
	acc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	return getByID[Order](ctx, c, op, "order id", "/payment_links/"+acc+"/orders/", orderID)
}

// CancelOrder cancels a pending order: PATCH /payment_links/orders/{id}/closed
// with {"account_id", "status":"canceled"}, the only body documented.
func (c *Client) CancelOrder(ctx context.Context, accountID, orderID string) (*Order, error) {
	const op = "cancel payment link order"
	if accountID == "" {
		return nil, fmt.Errorf("stone: %s: account_id is required", op)
	}
	esc, err := escapeID(op, "order id", orderID)
	if err != nil {
		return nil, err
	}
	body := struct {
		AccountID string `json:"account_id"`
		Status    string `json:"status"`
	}{accountID, OrderCanceled}
	var v Order
	if err := c.do(ctx, call{op: op, method: http.MethodPatch, path: "/payment_links/orders/" + esc + "/closed", body: body}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
