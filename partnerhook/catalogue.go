// Package partnerhook acts as Stone towards the partner's own webhook
// receiver: it builds deliveries the way Stone makes them (stone-api.md
// §7: POST {"encrypted_body": JWE RSA-OAEP-256/A256GCM for the partner's
// key} of a JWS RS256 signed by Stone's key, with the event id and type
// headers), and the ones Stone never makes (signed by another key,
// encrypted for another key, garbage), for every documented event type
// of the families homolog covers. What the receiver answered is judged by
// the partner_webhook_* checks of package check, over the exchanges the
// caller's recording HTTP client journals.
//
// It shares no Go type with the simulator, and knows no evidence format.
package partnerhook

import (
	"fmt"
	"slices"
	"strings"
)

// Families homolog covers, as --events and a plan name them.
const (
	FamilyInternalTransfer = "internal_transfer"
	FamilyExternalTransfer = "external_transfer"
	FamilyBarcodePayment   = "barcode_payment"
	FamilyBoletoIssuance   = "boleto_issuance"
	FamilyPix              = "pix"
	FamilyConsent          = "consent"
	FamilyPaymentLinks     = "payment_links"
	FamilySignUps          = "sign_ups"
)

// Families lists every family of the catalogue, in catalogue order.
func Families() []string {
	return []string{FamilyInternalTransfer, FamilyExternalTransfer, FamilyBarcodePayment, FamilyBoletoIssuance,
		FamilyPix, FamilyConsent, FamilyPaymentLinks, FamilySignUps}
}

// Event is one documented webhook event type and the shape of its
// payload.
type Event struct {
	Type       string // event_type
	Family     string
	TargetType string // target_type
	// Note says where Stone's documents disagree about this event (a
	// second spelling, a name on one page only): homolog sends every
	// spelling, so a receiver is tested against each one Stone may use.
	Note string

	shape shape
}

// shape is how an event's payload is built (payload.go).
type shape struct {
	data      func(f Facts) any // target_data
	detail    string            // target_detail_uri path ("{id}", "{account_id}", "{client_id}" filled in); "" → null
	statement bool              // target_statement_uri points at a statement entry
	noTarget  bool              // target_id null (cash-ins name a statement entry instead)
	omitStmt  bool              // no target_statement_uri key at all (sign-ups)
	extra     func(f Facts) map[string]any
	id        func(f Facts) string // the target's id as Stone spells it; nil → Facts.TargetID
}

// Catalogue is every event type homolog can deliver, by family, in the
// order stone-api.md §7 and stone-api-families.md §1.7, §4.3 list them.
// pix_entries_claims_* is left out: the documents name no event of it.
func Catalogue() []Event {
	var out []Event
	add := func(family, typ, target string, sh shape, note string) {
		out = append(out, Event{Type: typ, Family: family, TargetType: target, Note: note, shape: sh})
	}
	cashOut := func(family, prefix, noun, detail string, suffixes []string, data func(status string) func(Facts) any) {
		for _, s := range suffixes {
			typ, target := prefix, noun
			if s != "" {
				typ, target = prefix+"_"+s, noun+"_"+s
			}
			add(family, typ, target, shape{data: data(cashOutStatus(s)), detail: detail}, "")
		}
	}

	// Internal transfers (§5.1, §7).
	add(FamilyInternalTransfer, "cash_in_internal_transfer", "internal_transfer", shape{data: creditEntry("internal"), statement: true, noTarget: true}, "")
	cashOut(FamilyInternalTransfer, "cash_out_internal_transfer", "internal_transfer", "/api/v1/internal_transfers/{id}",
		[]string{"", "failed", "scheduled", "scheduled_failed", "approved", "cancelled", "rejected", "finished", "expired"}, internalTransfer)

	// External transfers, TED (§5.2, §7).
	add(FamilyExternalTransfer, "cash_in_external_transfer", "external_transfer", shape{data: creditEntry("external"), statement: true, noTarget: true}, "")
	add(FamilyExternalTransfer, "cash_in_external_transfer_refund", "external_transfer_refund",
		shape{data: externalTransfer("REFUNDED"), detail: "/api/v1/external_transfers/{id}", statement: true}, "")
	cashOut(FamilyExternalTransfer, "cash_out_external_transfer", "external_transfer", "/api/v1/external_transfers/{id}",
		[]string{"", "failed", "scheduled", "scheduled_failed", "approved", "execution_started", "cancelled", "rejected", "finished", "expired"}, externalTransfer)

	// Barcode payments (§5.4, §7: target_type payment, payment_approved...).
	add(FamilyBarcodePayment, "cash_in_payment_refund", "payment_refund",
		shape{data: barcodePayment("REFUNDED"), detail: "/api/v1/payments/{id}", statement: true}, "")
	cashOut(FamilyBarcodePayment, "cash_out_payment", "payment", "/api/v1/payments/{id}",
		[]string{"", "failed", "scheduled", "scheduled_failed", "approved", "execution_started", "cancelled", "rejected", "finished", "expired"}, barcodePayment)

	// Boleto issuance (§5.7, §7).
	for _, s := range []struct{ suffix, status string }{
		{"created", "CREATED"}, {"registered", "REGISTERED"}, {"payment_promissed", "REGISTERED"},
		{"settled", "SETTLED"}, {"expired", "EXPIRED"}, {"cancelled", "CANCELLED"},
	} {
		add(FamilyBoletoIssuance, "barcode_payment_invoice_"+s.suffix, "barcode_payment_invoice",
			shape{data: boletoInvoice(s.status), detail: "/api/v1/barcode_payment_invoices/{id}"}, "")
	}
	add(FamilyBoletoIssuance, "inbound_barcode_payment_validated", "inbound_barcode_payment", shape{data: inboundBarcodePayment("VALIDATED")}, "")
	add(FamilyBoletoIssuance, "inbound_barcode_payment_refunded", "inbound_barcode_payment", shape{data: inboundBarcodePayment("REFUNDED")}, "")
	add(FamilyBoletoIssuance, "cash_in_barcode_payment", "barcode_payment", shape{data: creditEntry("barcode_payment"), statement: true, noTarget: true}, "")

	// PIX (§5.5, §7).
	const renamed = "renamed in October 2023 from pix_entries_key_*; both names are documented (stone-api.md §7 [X])"
	const keyPage = "named only on the PIX key page, beside pix_entries_status_key_* (stone-api.md §7 [X])"
	for _, e := range []struct{ typ, status, note string }{
		{"pix_entries_status_key_created", "ACTIVE", renamed}, {"pix_entries_status_key_deleted", "DELETED", renamed},
		{"pix_entries_status_key_failed", "FAILED", renamed},
		{"pix_entries_key_created", "ACTIVE", renamed}, {"pix_entries_key_deleted", "DELETED", renamed},
		{"pix_entries_key_failed", "FAILED", renamed},
		{"pix_entries_delete_requested", "DELETE_REQUESTED", keyPage}, {"pix_entries_deleted", "DELETED", keyPage},
		{"pix_entries_deletion_failed", "ACTIVE", keyPage},
	} {
		add(FamilyPix, e.typ, "pix_entry", shape{data: pixEntry(e.status), detail: "/api/v1/pix/{account_id}/entries/{id}"}, e.note)
	}
	add(FamilyPix, "pix_payment_invoice", "pix_payment_invoice", shape{data: pixInvoice("ACTIVE"), detail: "/api/v1/pix_payment_invoices/{id}"}, "")
	add(FamilyPix, "pix_payment_invoice_with_due_date", "pix_payment_invoice_with_due_date", shape{data: pixInvoice("ACTIVE")}, "")
	for _, s := range []struct{ suffix, status string }{{"created", "ACTIVE"}, {"cancelled", "CANCELLED"}, {"paid", "PAID"}} {
		add(FamilyPix, "pix_invoice_payment_"+s.suffix, "pix_payment_invoice", shape{data: pixInvoice(s.status), detail: "/api/v1/pix_payment_invoices/{id}"}, "")
	}
	add(FamilyPix, "inbound_pix_payment", "inbound_pix_payment", shape{data: inboundPix, detail: "/api/v1/inbound_pix_payments/{id}", statement: true}, "")
	add(FamilyPix, "pix_inbound_payment_received", "inbound_pix_payment", shape{data: inboundPix, detail: "/api/v1/inbound_pix_payments/{id}", statement: true}, "")
	add(FamilyPix, "pix_refund_payment", "refund_for_pix_payment", shape{data: pixRefund("SETTLED")}, "")
	for _, s := range []struct{ suffix, status string }{
		{"created", "CREATED"}, {"failed", "FAILED"}, {"money_reserved", "MONEY_RESERVED"}, {"settled", "SETTLED"}, {"reversed", "REVERSED"},
	} {
		add(FamilyPix, "pix_inbound_payment_refund_"+s.suffix, "refund_for_pix_payment", shape{data: pixRefund(s.status)}, "")
	}
	// §7: pix_outbound_payment_created carries status CONFIRMED; target_type
	// payment_created, payment_money_reserved...
	for _, s := range []struct{ suffix, status string }{
		{"created", "CONFIRMED"}, {"money_reserved", "MONEY_RESERVED"}, {"failed", "FAILED"}, {"settled", "SETTLED"}, {"refunded", "REFUNDED"},
	} {
		add(FamilyPix, "pix_outbound_payment_"+s.suffix, "payment_"+s.suffix, shape{data: outboundPix(s.status), detail: "/api/v1/outbound_pix_payments/{id}"}, "")
	}

	// Consent (§3, §7); stone-api-families.md §7.7: the webhooks page's
	// table spells it consent_request.
	consent := shape{data: consentedAccount, detail: "/api/v1/accounts/{account_id}", extra: sessionMetadata}
	add(FamilyConsent, "consent_requested", "paymentaccount", consent, "")
	add(FamilyConsent, "consent_request", "paymentaccount", consent, "the webhooks page's event table spells consent_requested this way (stone-api-families.md §7 [X])")

	// Payment links (stone-api-families.md §1.7): target_type
	// payment_links, target_data the order without account_id.
	for _, e := range []struct{ typ, status string }{{"order_created", "pending"}, {"order_paid", "paid"}, {"order_closed", "paid"}} {
		add(FamilyPaymentLinks, e.typ, "payment_links", shape{data: paymentLinkOrder(e.status), detail: "/api/v1/payment_links/{account_id}/orders/{id}", id: orderID}, "")
	}

	// Account opening (stone-api-families.md §4.3): target_type
	// sign_up_request, no target_statement_uri key, no account_id.
	for _, e := range []struct{ typ, status, reason string }{
		{"sign_up_created", "created", ""}, {"sign_up_status_updated", "kyc_analysis", ""},
		{"sign_up_resource_details_updated", "kyc_analysis", "user_email_verified"},
	} {
		add(FamilySignUps, e.typ, "sign_up_request", shape{data: signUp(e.typ, e.status, e.reason),
			detail: "/api/v1/applications/application:{client_id}/signups/{id}", omitStmt: true}, "")
	}
	return out
}

// cashOutStatus is the status a cash-out carries in the event named by
// its suffix (stone-api.md §5.1, §5.2, §5.4 status lists). Stone names no
// status for execution_started; the operation is then approved and under
// way.
func cashOutStatus(suffix string) string {
	switch suffix {
	case "":
		return "CREATED"
	case "failed", "scheduled_failed":
		return "FAILED"
	case "execution_started":
		return "APPROVED"
	}
	return strings.ToUpper(suffix)
}

// Lookup returns the catalogue's event of type eventType.
func Lookup(eventType string) (Event, bool) {
	for _, e := range Catalogue() {
		if e.Type == eventType {
			return e, true
		}
	}
	return Event{}, false
}

// Select resolves an --events list: event types and family names,
// comma-separated. An empty list is every event type of families (nil:
// every family), which is how a plan's list of authorised families will
// choose them.
func Select(list string, families []string) ([]Event, error) {
	all := Catalogue()
	if strings.TrimSpace(list) == "" {
		if families == nil {
			return all, nil
		}
		for _, f := range families {
			if !slices.Contains(Families(), f) {
				return nil, fmt.Errorf("unknown family %q (homolog knows %s)", f, strings.Join(Families(), ", "))
			}
		}
		var out []Event
		for _, e := range all {
			if slices.Contains(families, e.Family) {
				out = append(out, e)
			}
		}
		return out, nil
	}
	var out []Event
	seen := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		found := false
		for _, e := range all {
			if e.Type == name || e.Family == name {
				found = true
				if !seen[e.Type] {
					seen[e.Type] = true
					out = append(out, e)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("%q is neither an event type homolog knows nor a family (%s); homolog webhooks send --help lists them", name, strings.Join(Families(), ", "))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q names no event type", list)
	}
	return out, nil
}
