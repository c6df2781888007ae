package check

import (
	"fmt"
	"regexp"
)

var (
	barcodePattern      = regexp.MustCompile(`^\d{44}$`)
	writableLinePattern = regexp.MustCompile(`^\d{47}$`)
)

type paymentDryRun struct {
	Amount  int64 `json:"amount"`
	Details *struct {
		Status string `json:"status"`
		Value  *int64 `json:"value"`
	} `json:"details"`
	BarcodeDetails *struct {
		FaceValue int64 `json:"face_value"`
	} `json:"barcode_details"`
}

// amount is what a checked boleto costs today: the dry run's value when
// given, else its amount, else its face value (stone-api.md §5.4).
func (d paymentDryRun) amount() int64 {
	switch {
	case d.Details != nil && d.Details.Value != nil:
		return *d.Details.Value
	case d.Amount > 0:
		return d.Amount
	case d.BarcodeDetails != nil:
		return d.BarcodeDetails.FaceValue
	}
	return 0
}

// boletoDryRun: the dry run of a boleto (role "response") says it is
// param "status" (payable | paid | unpayable) and gives its amount.
func boletoDryRun(p Params, in Inputs) error {
	var d paymentDryRun
	r, err := in.answer("response", &d)
	if err != nil {
		return err
	}
	if d.Details == nil {
		return fmt.Errorf("%s: the dry run has no details about the boleto", where(r))
	}
	if want := p["status"]; d.Details.Status != want {
		return fmt.Errorf("%s: the dry run says the boleto is %q, want %q", where(r), d.Details.Status, want)
	}
	if d.amount() <= 0 {
		return fmt.Errorf("%s: the dry run gives no amount for the boleto", where(r))
	}
	return nil
}

// amountsAgree: the payment (role "payment") is for the amount its dry
// run (role "check") gave.
func amountsAgree(_ Params, in Inputs) error {
	c, err := in.last("check")
	if err != nil {
		return err
	}
	var d paymentDryRun
	if err := decode(c, &d); err != nil {
		return err
	}
	r, err := in.last("payment")
	if err != nil {
		return err
	}
	var op operation
	if err := decode(r, &op); err != nil {
		return err
	}
	if op.Amount != d.amount() {
		return fmt.Errorf("%s: payment %s is for %d centavos, the dry run (%s) said %d", where(r), op.ID, op.Amount, where(c), d.amount())
	}
	return nil
}

// boletoIssued: the issued boleto (role "response") has status param
// "status", a 44-digit barcode and a 47-digit writable line.
func boletoIssued(p Params, in Inputs) error {
	var b struct {
		ID           string `json:"id"`
		Status       string `json:"status"`
		Barcode      string `json:"barcode"`
		WritableLine string `json:"writable_line"`
	}
	r, err := in.answer("response", &b)
	if err != nil {
		return err
	}
	if want := p["status"]; b.Status != want {
		return fmt.Errorf("%s: boleto %s has status %q, want %q", where(r), b.ID, b.Status, want)
	}
	if !barcodePattern.MatchString(b.Barcode) || !writableLinePattern.MatchString(b.WritableLine) {
		return fmt.Errorf("%s: boleto %s: barcode %q (want 44 digits), writable line %q (want 47)", where(r), b.ID, b.Barcode, b.WritableLine)
	}
	return nil
}

// limitsValid: the boleto limits (role "response") give 0 < minimum ≤
// maximum, in centavos (stone-api.md §5.7).
func limitsValid(_ Params, in Inputs) error {
	var l struct {
		Min int64 `json:"minimum_amount"`
		Max int64 `json:"maximum_amount"`
	}
	r, err := in.answer("response", &l)
	if err != nil {
		return err
	}
	if l.Min <= 0 || l.Max < l.Min {
		return fmt.Errorf("%s: limits minimum %d, maximum %d: want 0 < minimum ≤ maximum", where(r), l.Min, l.Max)
	}
	return nil
}
