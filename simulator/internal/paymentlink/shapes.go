package paymentlink

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// The documented response shapes of the family, in one place
// (stone-api-families.md §1.3, §1.4, §1.7).

// Config is GET …/config (§1.3), as embedded in config.json.
type Config struct {
	AcceptedMultiPaymentMethods []string `json:"accepted_multi_payment_methods"`
	BankSlip                    slipConf `json:"bank_slip"`
	Boleto                      slipConf `json:"boleto"`
	BillingAddressEditable      bool     `json:"billing_address_editable"`
	CustomerEditable            bool     `json:"customer_editable"`
	Closed                      bool     `json:"closed"`
	SkipCheckoutSuccessPage     bool     `json:"skip_checkout_success_page"`
	CreditCard                  cardConf `json:"credit_card"`
	MaxAmount                   int64    `json:"max_amount"`
	MinAmount                   int64    `json:"min_amount"`
	PaymentMethod               string   `json:"payment_method"`
	PaymentURLHost              string   `json:"payment_url_host"`
	SuccessURL                  string   `json:"success_url"`
}

type slipConf struct {
	Bank         string `json:"bank"`
	Enabled      bool   `json:"enabled"`
	ExpiresIn    int    `json:"expires_in"`
	Instructions string `json:"instructions"`
}

type cardConf struct {
	Capture         bool `json:"capture"`
	Enabled         bool `json:"enabled"`
	MaxInstallments int  `json:"max_installments"`
}

// order is the Mundipagg order Stone answers with (§1.4).
type order struct {
	ID        string     `json:"id"`
	Code      string     `json:"code"`
	Amount    int64      `json:"amount"`
	Currency  string     `json:"currency"`
	Closed    bool       `json:"closed"`
	ClosedAt  *string    `json:"closed_at"`
	Status    string     `json:"status"`
	SessionID *string    `json:"session_id"`
	CreatedAt string     `json:"created_at"`
	UpdatedAt string     `json:"updated_at"`
	Customer  customer   `json:"customer"`
	Items     []item     `json:"items"`
	Checkouts []checkout `json:"checkouts"`
	Charges   []charge   `json:"charges,omitempty"` // after payment (§1.7)

	accountID string
	expiresIn int64 // minutes
}

type customer struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Delinquent bool           `json:"delinquent"`
	Phones     map[string]any `json:"phones"`
	CreatedAt  string         `json:"created_at"`
	UpdatedAt  string         `json:"updated_at"`
}

type item struct {
	ID          string `json:"id"`
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	Status      string `json:"status"`
	Type        string `json:"type"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

type checkout struct {
	ID                          string          `json:"id"`
	Amount                      int64           `json:"amount"`
	Currency                    string          `json:"currency"`
	Status                      string          `json:"status"` // open | closed
	PaymentURL                  string          `json:"payment_url"`
	ExpiresAt                   string          `json:"expires_at"`
	ExpiresIn                   int64           `json:"expires_in"`
	ClosedAt                    *string         `json:"closed_at"`
	Customer                    customer        `json:"customer"`
	Metadata                    map[string]any  `json:"metadata"`
	Shippable                   bool            `json:"shippable"`
	BillingAddress              map[string]any  `json:"billing_address"`
	BillingAddressEditable      bool            `json:"billing_address_editable"`
	CustomerEditable            bool            `json:"customer_editable"`
	SkipCheckoutSuccessPage     bool            `json:"skip_checkout_success_page"`
	AcceptedPaymentMethods      json.RawMessage `json:"accepted_payment_methods"`
	AcceptedMultiPaymentMethods json.RawMessage `json:"accepted_multi_payment_methods"`
	SuccessURL                  string          `json:"success_url"`
	CreditCard                  checkoutCard    `json:"credit_card"`
	RequiredFields              []string        `json:"required_fields"`
	CreatedAt                   string          `json:"created_at"`
	UpdatedAt                   string          `json:"updated_at"`
}

type checkoutCard struct {
	Authentication struct {
		Type         string         `json:"type"`
		ThreeDSecure map[string]any `json:"threed_secure"`
	} `json:"authentication"`
	Capture      bool              `json:"capture"`
	Installments []json.RawMessage `json:"installments"`
}

// charge is what a paid order carries in its webhooks (§1.7).
type charge struct {
	ID              string          `json:"id"`
	Code            string          `json:"code"`
	Amount          int64           `json:"amount"`
	PaidAmount      int64           `json:"paid_amount"`
	PaidAt          string          `json:"paid_at"`
	Status          string          `json:"status"`
	PaymentMethod   string          `json:"payment_method"`
	GatewayID       string          `json:"gateway_id"`
	Currency        string          `json:"currency"`
	CreatedAt       string          `json:"created_at"`
	UpdatedAt       string          `json:"updated_at"`
	CheckoutPayment checkoutPayment `json:"checkout_payment"`
	Customer        payer           `json:"customer"`
	LastTransaction transaction     `json:"last_transaction"`
}

type checkoutPayment struct {
	ID         string `json:"id"`
	Amount     int64  `json:"amount"`
	Status     string `json:"status"`
	PaymentURL string `json:"payment_url"`
}

type payer struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Email    string         `json:"email"`
	Document string         `json:"document"`
	Type     string         `json:"type"`
	Address  map[string]any `json:"address"`
	Phones   map[string]any `json:"phones"`
}

type transaction struct {
	ID                string         `json:"id"`
	Amount            int64          `json:"amount"`
	Status            string         `json:"status"`
	Success           bool           `json:"success"`
	Installments      int64          `json:"installments"`
	OperationType     string         `json:"operation_type"`
	TransactionType   string         `json:"transaction_type"`
	AcquirerName      string         `json:"acquirer_name"`
	AcquirerTID       string         `json:"acquirer_tid"`
	AcquirerNSU       string         `json:"acquirer_nsu"`
	AcquirerAuthCode  string         `json:"acquirer_auth_code"`
	AcquirerMessage   string         `json:"acquirer_message"`
	AcquirerReturn    string         `json:"acquirer_return_code"`
	GatewayResponse   map[string]any `json:"gateway_response"`
	AntifraudResponse map[string]any `json:"antifraud_response"`
	Card              map[string]any `json:"card"`
}

// listedOrder is an order as the list shows it: without its checkouts (§1.1).
type listedOrder struct {
	ID        string   `json:"id"`
	Code      string   `json:"code"`
	Amount    int64    `json:"amount"`
	Currency  string   `json:"currency"`
	Closed    bool     `json:"closed"`
	ClosedAt  *string  `json:"closed_at"`
	Status    string   `json:"status"`
	SessionID *string  `json:"session_id"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
	Customer  customer `json:"customer"`
	Items     []item   `json:"items"`
}

// orderList is GET …/orders: {data, paging:{total}}, not a cursor (§1.1).
type orderList struct {
	Data   []listedOrder `json:"data"`
	Paging struct {
		Total int `json:"total"`
	} `json:"paging"`
}

func (o *order) listed() listedOrder {
	return listedOrder{ID: o.ID, Code: o.Code, Amount: o.Amount, Currency: o.Currency, Closed: o.Closed, ClosedAt: o.ClosedAt,
		Status: o.Status, SessionID: o.SessionID, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Customer: o.Customer, Items: o.Items}
}

var stoneTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

// webhookData is the order as the order_* webhooks carry it (§1.7): the
// same members, but booleans written as strings and timestamps without
// the Z, as every example shows.
func webhookData(o *order) json.RawMessage {
	var v any
	if json.Unmarshal(api.Snapshot(o), &v) != nil {
		return api.Snapshot(o)
	}
	var walk func(any) any
	walk = func(x any) any {
		switch t := x.(type) {
		case map[string]any:
			for k, e := range t {
				t[k] = walk(e)
			}
		case []any:
			for i, e := range t {
				t[i] = walk(e)
			}
		case bool:
			if t {
				return "true"
			}
			return "false"
		case string:
			if stoneTimestamp.MatchString(t) {
				return strings.TrimSuffix(t, "Z")
			}
		}
		return x
	}
	return api.Snapshot(walk(v))
}

// newOrder builds a pending order with one open checkout. Caller holds the lock.
func (l *Links) newOrder(accountID string, req orderRequest, now time.Time) *order {
	ts := api.TS(now)
	cus := customer{ID: l.mundipaggID("cus_"), Name: req.customerName, Phones: map[string]any{}, CreatedAt: ts, UpdatedAt: ts}
	o := &order{ID: l.mundipaggID("or_"), Code: strings.ToUpper(base62(l.book.NewID(), 10)), Currency: "BRL", Status: StatusPending,
		CreatedAt: ts, UpdatedAt: ts, Customer: cus, accountID: accountID, expiresIn: req.expiresIn}
	for _, it := range req.items {
		o.Items = append(o.Items, item{ID: l.mundipaggID("oi_"), Amount: it.amount, Description: it.description, Quantity: it.quantity,
			Status: "active", Type: "product", CreatedAt: ts, UpdatedAt: ts})
		o.Amount += it.amount * it.quantity
	}
	chkID := l.mundipaggID("chk_")
	co := checkout{ID: chkID, Amount: o.Amount, Currency: "BRL", Status: "open", PaymentURL: paymentURLBase + chkID,
		ExpiresAt: api.TS(now.Add(time.Duration(req.expiresIn) * time.Minute)), ExpiresIn: req.expiresIn, Customer: cus,
		Metadata: map[string]any{}, BillingAddress: map[string]any{}, BillingAddressEditable: req.billingEditable,
		CustomerEditable: req.customerEditable, SkipCheckoutSuccessPage: req.skipSuccess,
		AcceptedPaymentMethods: req.methods, AcceptedMultiPaymentMethods: req.multiMethods, SuccessURL: req.successURL,
		RequiredFields: []string{"customer.email", "customer.document", "customer.mobile_phone", "customer.name"},
		CreatedAt:      ts, UpdatedAt: ts}
	co.CreditCard.Authentication.Type, co.CreditCard.Authentication.ThreeDSecure = "none", map[string]any{}
	co.CreditCard.Capture, co.CreditCard.Installments = req.capture, req.installments
	o.Checkouts = []checkout{co}
	return o
}

// pay closes o as paid by a test card. Caller holds the lock.
func (l *Links) pay(o *order, installments int64, now time.Time) {
	ts := api.TS(now)
	o.Status, o.Closed, o.ClosedAt, o.UpdatedAt = StatusPaid, true, api.TSPtr(now), ts
	co := &o.Checkouts[0]
	co.Status, co.ClosedAt, co.UpdatedAt = "closed", api.TSPtr(now), ts
	o.Charges = []charge{{
		ID: l.mundipaggID("ch_"), Code: o.Code, Amount: o.Amount, PaidAmount: o.Amount, PaidAt: ts, Status: "paid",
		PaymentMethod: "credit_card", GatewayID: base62(o.ID+"gw", 12), Currency: "BRL", CreatedAt: ts, UpdatedAt: ts,
		CheckoutPayment: checkoutPayment{ID: co.ID, Amount: co.Amount, Status: "closed", PaymentURL: co.PaymentURL},
		Customer: payer{ID: o.Customer.ID, Name: "Pedro Alves", Email: "pedro.alves@example.com", Document: "52998224725", Type: "individual",
			Address: map[string]any{"street": "Rua do Passeio", "number": "38", "neighborhood": "Centro", "city": "Rio de Janeiro",
				"state": "RJ", "country": "BR", "zip_code": "20021290"},
			Phones: map[string]any{"mobile_phone": map[string]any{"country_code": "55", "area_code": "21", "number": "971592768"}}},
		LastTransaction: transaction{ID: l.mundipaggID("tran_"), Amount: o.Amount, Status: "captured", Success: true, Installments: installments,
			OperationType: "auth_and_capture", TransactionType: "credit_card", AcquirerName: "simulator",
			AcquirerTID: base62(o.ID+"tid", 12), AcquirerNSU: base62(o.ID+"nsu", 6), AcquirerAuthCode: base62(o.ID+"auth", 6),
			AcquirerMessage: "Transação capturada com sucesso", AcquirerReturn: "00",
			GatewayResponse: map[string]any{"code": "200", "errors": []any{}}, AntifraudResponse: map[string]any{},
			Card: map[string]any{"id": l.mundipaggID("card_"), "brand": "Visa", "first_six_digits": "411111", "last_four_digits": "1111",
				"exp_month": 12, "exp_year": 2030, "holder_name": "PEDRO ALVES"}},
	}}
}
