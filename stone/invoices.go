package stone

import (
	"context"
	"fmt"
	"strconv"
)

// Boleto (barcode payment invoice) types (stone-api.md §5.7).
const (
	InvoiceDeposit        = "deposit"
	InvoiceProposal       = "proposal"
	InvoiceBillOfExchange = "bill_of_exchange"
	InvoiceTuition        = "tuition_payment"
)

// BarcodePaymentInvoiceRequest issues a boleto. The payer goes in customer
// (the reference page; Stone's Go SDK sends payer); the description goes in
// payment_invoice.description, as the reference page documents it.
type BarcodePaymentInvoiceRequest struct {
	AccountID      string              `json:"account_id"`
	Amount         int64               `json:"amount"`               // centavos; per-account range from InvoiceLimits
	ExpirationDate string              `json:"expiration_date"`      // yyyy-mm-dd
	LimitDate      string              `json:"limit_date,omitempty"` // yyyy-mm-dd; = expiration for deposit/proposal, > it for bill_of_exchange
	InvoiceType    string              `json:"invoice_type"`         // deposit|proposal|bill_of_exchange|tuition_payment
	Customer       *InvoiceCustomer    `json:"customer,omitempty"`   // required except for deposit
	Discounts      []InvoiceRate       `json:"discounts,omitempty"`  // value "0.1" … "90.0" (%)
	Fine           *InvoiceRate        `json:"fine,omitempty"`       // value ≤ "2.0" (%)
	Interest       *InvoiceRate        `json:"interest,omitempty"`   // value ≤ "1.0" (% a month)
	Receiver       *InvoiceReceiver    `json:"receiver,omitempty"`   // sacador avalista
	Address        *InvoiceAddress     `json:"address,omitempty"`    // the beneficiary's address
	PaymentInvoice *InvoiceDescription `json:"payment_invoice,omitempty"`
	Metadata       map[string]any      `json:"metadata,omitempty"`
}

// InvoiceCustomer is the boleto's payer.
type InvoiceCustomer struct {
	Document     string          `json:"document"`                // digits
	DocumentType string          `json:"document_type,omitempty"` // cpf|cnpj
	LegalName    string          `json:"legal_name"`
	TradeName    string          `json:"trade_name,omitempty"` // required for a cnpj payer
	Address      *InvoiceAddress `json:"address,omitempty"`
}

// InvoiceAddress is a postal address.
type InvoiceAddress struct {
	Street       string `json:"street"`
	StreetNumber string `json:"street_number,omitempty"`
	Extra        string `json:"extra,omitempty"`
	Neighborhood string `json:"neighborhood"`
	City         string `json:"city"`
	State        string `json:"state"`
	PostalCode   string `json:"postal_code"`
	Country      string `json:"country"`
}

// InvoiceRate is a dated percentage, as Stone's decimal string ("2.0").
type InvoiceRate struct {
	Date  string `json:"date"` // yyyy-mm-dd
	Value string `json:"value"`
}

// InvoiceReceiver is the guarantor (sacador avalista).
type InvoiceReceiver struct {
	LegalName string `json:"legal_name"`
	Document  string `json:"document"`
}

// InvoiceDescription carries the boleto's free-text description.
type InvoiceDescription struct {
	Description string `json:"description,omitempty"`
}

func (r BarcodePaymentInvoiceRequest) validate(op string) error {
	if r.Amount <= 0 {
		return fmt.Errorf("stone: %s: amount must be positive (centavos), got %d", op, r.Amount)
	}
	for _, err := range []error{
		checkRequired(op, "account_id", r.AccountID),
		checkRequired(op, "expiration_date", r.ExpirationDate),
		checkDate(op, "expiration_date", r.ExpirationDate),
		checkDate(op, "limit_date", r.LimitDate),
		checkRequired(op, "invoice_type", r.InvoiceType),
		checkOneOf(op, "invoice_type", r.InvoiceType, InvoiceDeposit, InvoiceProposal, InvoiceBillOfExchange, InvoiceTuition),
	} {
		if err != nil {
			return err
		}
	}
	// yyyy-mm-dd strings compare as dates.
	switch {
	case r.LimitDate != "" && r.LimitDate < r.ExpirationDate:
		return fmt.Errorf("stone: %s: limit_date %s is before expiration_date %s", op, r.LimitDate, r.ExpirationDate)
	case r.LimitDate != "" && r.LimitDate != r.ExpirationDate && (r.InvoiceType == InvoiceDeposit || r.InvoiceType == InvoiceProposal):
		return fmt.Errorf("stone: %s: limit_date must equal expiration_date for %s, got %s", op, r.InvoiceType, r.LimitDate)
	}
	if r.InvoiceType != InvoiceDeposit && r.Customer == nil {
		return fmt.Errorf("stone: %s: customer is required for %s", op, r.InvoiceType)
	}
	if cu := r.Customer; cu != nil {
		for _, err := range []error{
			checkRequired(op, "customer.legal_name", cu.LegalName),
			checkOneOf(op, "customer.document_type", cu.DocumentType, "cpf", "cnpj"),
			checkDocument(op, "customer.document", cu.Document, cu.DocumentType),
			cu.Address.validate(op, "customer.address"),
		} {
			if err != nil {
				return err
			}
		}
	}
	if r.InvoiceType == InvoiceDeposit && (len(r.Discounts) > 0 || r.Fine != nil || r.Interest != nil) {
		return fmt.Errorf("stone: %s: discounts, fine and interest are not accepted for deposit", op)
	}
	if r.InvoiceType == InvoiceProposal && (r.Fine != nil || r.Interest != nil) {
		return fmt.Errorf("stone: %s: fine and interest are only accepted for bill_of_exchange", op)
	}
	for i, d := range r.Discounts {
		if err := d.validate(op, "discounts["+strconv.Itoa(i)+"]", 90); err != nil {
			return err
		}
	}
	if err := r.Fine.validateOpt(op, "fine", 2); err != nil {
		return err
	}
	if err := r.Interest.validateOpt(op, "interest", 1); err != nil {
		return err
	}
	if rc := r.Receiver; rc != nil {
		if err := checkRequired(op, "receiver.legal_name", rc.LegalName); err != nil {
			return err
		}
		if err := checkDocument(op, "receiver.document", rc.Document, ""); err != nil {
			return err
		}
	}
	return r.Address.validate(op, "address")
}

func (a *InvoiceAddress) validate(op, name string) error {
	if a == nil {
		return nil
	}
	for _, f := range []struct{ field, v string }{
		{"street", a.Street}, {"neighborhood", a.Neighborhood}, {"city", a.City},
		{"state", a.State}, {"postal_code", a.PostalCode}, {"country", a.Country},
	} {
		if err := checkRequired(op, name+"."+f.field, f.v); err != nil {
			return err
		}
	}
	return nil
}

func (r *InvoiceRate) validateOpt(op, name string, maxPct float64) error {
	if r == nil {
		return nil
	}
	return r.validate(op, name, maxPct)
}

func (r InvoiceRate) validate(op, name string, maxPct float64) error {
	if err := checkRequired(op, name+".date", r.Date); err != nil {
		return err
	}
	if err := checkDate(op, name+".date", r.Date); err != nil {
		return err
	}
	v, err := strconv.ParseFloat(r.Value, 64)
	if !reDecimal.MatchString(r.Value) || err != nil || v <= 0 || v > maxPct {
		return fmt.Errorf("stone: %s: %s.value must be a decimal string above 0 and at most %.1f (e.g. \"%.1f\"), got %q", op, name, maxPct, maxPct, r.Value)
	}
	return nil
}

// CreateBarcodePaymentInvoice issues a boleto → 200 or 201 (Stone shows
// both), status CREATED until registered (3 s to 15 min). idempotencyKey ""
// uses NewID().
func (c *Client) CreateBarcodePaymentInvoice(ctx context.Context, req BarcodePaymentInvoiceRequest, idempotencyKey string) (*BarcodePaymentInvoice, error) {
	const op = "create barcode payment invoice"
	if err := req.validate(op); err != nil {
		return nil, err
	}
	return postIdempotent[BarcodePaymentInvoice](ctx, c, op, "/barcode_payment_invoices", req, idempotencyKey)
}
