package partnerhook

import (
	"strings"
	"time"
)

// SandboxAPI is where Stone's target URIs point in a sandbox payload.
const SandboxAPI = "https://sandbox-api.openbank.stone.com.br"

// Facts are the values a payload is made of: ids, the account, the time.
type Facts struct {
	EventID   string    // x-stone-webhook-event-id and the payload's id
	JTI       string    // the JWS's jti
	TargetID  string    // the resource the event is about
	AccountID string    // the account it happened on
	ClientID  string    // the application (sign-ups name it)
	At        time.Time // event_happened_at = event_notified_at = iat = nbf
	APIURL    string    // base of target URIs; "" → SandboxAPI
}

// Claims is the event's payload, the JWS claims, shaped as stone-api.md §7
// shows it: the envelope (env, event_type, id, event_happened_at,
// event_notified_at, target_type, target_id, target_data, target URIs)
// plus iat, nbf and jti.
func (e Event) Claims(f Facts) map[string]any {
	base := f.APIURL
	if base == "" {
		base = SandboxAPI
	}
	at := f.At.UTC()
	if e.shape.id != nil {
		f.TargetID = e.shape.id(f)
	}
	claims := map[string]any{}
	if e.shape.extra != nil {
		for k, v := range e.shape.extra(f) {
			claims[k] = v
		}
	}
	var detail, statement, target any
	if p := e.shape.detail; p != "" {
		detail = base + strings.NewReplacer("{id}", f.TargetID, "{account_id}", f.AccountID, "{client_id}", f.ClientID).Replace(p)
	}
	if e.shape.statement {
		statement = base + "/api/v1/statement/entries/" + entryID(f)
	}
	if !e.shape.noTarget {
		target = f.TargetID
	}
	for k, v := range map[string]any{
		"env": "sandbox", "event_type": e.Type, "id": f.EventID,
		"event_happened_at": stamp(at), "event_notified_at": stamp(at),
		"target_type": e.TargetType, "target_id": target, "target_data": e.shape.data(f),
		"target_detail_uri": detail, "target_statement_uri": statement,
		"iat": at.Unix(), "nbf": at.Unix(), "jti": f.JTI,
	} {
		claims[k] = v
	}
	if e.shape.omitStmt {
		delete(claims, "target_statement_uri")
	}
	return claims
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// entryID is the statement entry of an event that moved money: derived
// from the target so that it is stable for one event.
func entryID(f Facts) string { return "e" + strings.TrimPrefix(f.TargetID, "e") }

// The target_data builders below follow the objects stone-api.md §4–§5
// and stone-api-families.md §1, §4 show. Documents are masked the way
// Stone masks them; nothing here is a real person.

const (
	maskedCPF = "***093657**"
	stoneISPB = "16501555"
)

func counterParty(name string) map[string]any {
	return map[string]any{
		"account": map[string]any{"account_code": "58859", "branch_code": "1", "institution": stoneISPB, "institution_name": "Stone Pagamentos S.A."},
		"entity":  map[string]any{"name": name},
	}
}

// creditEntry is a cash-in: a statement entry with its account_id (§7's
// cash_in_internal_transfer example).
func creditEntry(kind string) func(Facts) any {
	return func(f Facts) any {
		return map[string]any{
			"account_id": f.AccountID, "amount": 1500, "balance_after": nil, "balance_before": nil,
			"counter_party": counterParty("Loja Da Maria"), "created_at": stamp(f.At), "description": "",
			"id": entryID(f), "operation": "credit", "status": "FINISHED", "type": kind,
		}
	}
}

// cashOutBase is what every cash-out object carries (§5.1, §5.2, §5.4).
func cashOutBase(f Facts, status string) map[string]any {
	at := stamp(f.At)
	m := map[string]any{
		"id": f.TargetID, "account_id": f.AccountID, "amount": 1500, "fee": 0, "status": status, "description": "",
		"created_at": at, "created_by": "application:" + f.ClientID,
		"approved_at": nil, "approved_by": nil, "approval_expired_at": nil, "cancelled_at": nil,
		"failed_at": nil, "failure_reason_code": nil, "failure_reason_description": nil,
		"finished_at": nil, "rejected_at": nil, "rejected_by": nil, "scheduled_to": nil, "settled_at": nil,
	}
	switch status {
	case "APPROVED", "FINISHED":
		m["approved_at"], m["approved_by"] = at, "application:"+f.ClientID
	case "FAILED":
		m["failed_at"], m["failure_reason_code"], m["failure_reason_description"] = at, "1", "Saldo insuficiente."
	case "SCHEDULED":
		m["scheduled_to"] = f.At.AddDate(0, 0, 1).Format(time.DateOnly)
	case "CANCELLED":
		m["cancelled_at"] = at
	case "REJECTED":
		m["rejected_at"], m["rejected_by"] = at, "user:"+f.AccountID
	case "EXPIRED":
		m["approval_expired_at"] = at
	}
	if status == "FINISHED" {
		m["finished_at"], m["settled_at"] = at, at
	}
	return m
}

func internalTransfer(status string) func(Facts) any {
	return func(f Facts) any {
		m := cashOutBase(f, status)
		m["target"] = map[string]any{"account": map[string]any{"account_code": "58859"}, "entity": map[string]any{"name": "Fernando Antonio"}}
		m["target_account_code"], m["target_account_owner_name"] = "58859", "Fernando Antonio"
		return m
	}
}

func externalTransfer(status string) func(Facts) any {
	return func(f Facts) any {
		m := cashOutBase(f, status)
		m["fee"] = 400
		m["delayed_to_next_business_day"] = false
		m["scheduled_to_effective"], m["scheduled_to_requested"] = nil, nil
		m["refund_reason_code"], m["refund_reason_description"], m["refunded_at"] = nil, nil, nil
		if status == "REFUNDED" {
			m["refund_reason_code"], m["refund_reason_description"], m["refunded_at"] = "1", "Conta destinatária inexistente.", stamp(f.At)
		}
		m["target"] = map[string]any{
			"account": map[string]any{"account_code": "10023395", "branch_code": "4104", "account_type": "CC",
				"institution_code": "90400888", "institution_ispb": "90400888", "institution_name": "Banco Santander (Brasil) S. A.", "institution_number_code": "033"},
			"entity": map[string]any{"document": maskedCPF, "document_type": "cpf", "name": "Luna"},
		}
		return m
	}
}

func barcodePayment(status string) func(Facts) any {
	return func(f Facts) any {
		m := cashOutBase(f, status)
		m["barcode"] = "89670000000010003137498189637166095077491613"
		m["writable_line"] = "896700000004010003137493818963716605950774916130"
		m["details"], m["refunded_at"] = nil, nil
		if status == "REFUNDED" {
			m["refunded_at"] = stamp(f.At)
		}
		return m
	}
}

func boletoInvoice(status string) func(Facts) any {
	return func(f Facts) any {
		return map[string]any{
			"id": f.TargetID, "account_id": f.AccountID, "amount": 2000, "status": status, "invoice_type": "deposit",
			"barcode": "19791000000000020000000000000000000000000000", "writable_line": "19790000050000000000000000000000100000000002000",
			"our_number": "1000001", "expiration_date": f.At.AddDate(0, 0, 7).Format(time.DateOnly),
			"created_at": stamp(f.At), "beneficiary": map[string]any{"legal_name": "Loja Da Maria", "document": maskedCPF, "document_type": "cpf"},
		}
	}
}

func inboundBarcodePayment(status string) func(Facts) any {
	return func(f Facts) any {
		return map[string]any{
			"id": f.TargetID, "account_id": f.AccountID, "amount": 2000, "status": status,
			"barcode": "19791000000000020000000000000000000000000000", "created_at": stamp(f.At),
		}
	}
}

func pixEntry(status string) func(Facts) any {
	return func(f Facts) any {
		return map[string]any{
			"id": f.TargetID, "account_id": f.AccountID, "key": "8e5c1a2b-6f0d-4c3e-9a7b-1d2e3f4a5b6c", "key_type": "random_key",
			"participant_ispb": stoneISPB, "status": status, "created_at": stamp(f.At),
		}
	}
}

func pixInvoice(status string) func(Facts) any {
	return func(f Facts) any {
		return map[string]any{
			"id": f.TargetID, "account_id": f.AccountID, "amount": 1500, "status": status,
			"transaction_id": "homologpartnerwebhook0000001", "key": "8e5c1a2b-6f0d-4c3e-9a7b-1d2e3f4a5b6c",
			"created_at": stamp(f.At), "expiration": 86400,
		}
	}
}

func inboundPix(f Facts) any {
	return map[string]any{
		"id": f.TargetID, "account_id": f.AccountID, "amount": 1500, "status": "SETTLED",
		"end_to_end_id": "E16501555202603021200homologwh01", "created_at": stamp(f.At),
		"source": map[string]any{"entity": map[string]any{"name": "Luna", "document": maskedCPF, "document_type": "cpf"},
			"institution": map[string]any{"ispb": "90400888", "name": "BANCO SANTANDER (BRASIL) S.A."}},
	}
}

func pixRefund(status string) func(Facts) any {
	return func(f Facts) any {
		return map[string]any{
			"id": f.TargetID, "account_id": f.AccountID, "amount": 500, "status": status, "reason": "beneficiary_request",
			"inbound_pix_payment_id": "b5c2354c-91a0-4837-bb15-7f88fcd9d4c5", "created_at": stamp(f.At),
		}
	}
}

// outboundPix follows stone-api.md §5.5's outbound PIX object.
func outboundPix(status string) func(Facts) any {
	return func(f Facts) any {
		at := stamp(f.At)
		return map[string]any{
			"id": f.TargetID, "account_id": f.AccountID, "amount": 1000, "status": status, "fee": 0, "description": "",
			"created_at": at, "created_by": "application:" + f.ClientID, "approved_at": at, "approved_by": "application:" + f.ClientID,
			"confirmed_at": at, "confirmed_by": "application:" + f.ClientID, "end_to_end_id": "E16501555202603021200homologwh02",
			"failed_at": nil, "failure_reason_code": nil, "failure_reason_description": nil, "key": nil, "money_reserved_at": nil,
			"refunded_amount": 0, "request_id": "661c820e7d3a6bc9f9a1c8c8be62559f", "settled_at": nil, "scheduled_to": nil, "transaction_id": nil,
			"source": map[string]any{"account": map[string]any{"account_code": "88266374", "account_type": "PG", "branch_code": "0001"},
				"entity":      map[string]any{"document": maskedCPF, "document_type": "cpf", "name": "Hermione Granger"},
				"institution": map[string]any{"ispb": stoneISPB, "name": "Stone Pagamentos S.A."}},
			"target": map[string]any{"account": map[string]any{"account_code": "10023395", "account_type": "CC", "branch_code": "4104"},
				"entity":      map[string]any{"document": maskedCPF, "document_type": "cpf", "name": "Luna"},
				"institution": map[string]any{"ispb": "90400888", "name": "BANCO SANTANDER (BRASIL) S.A."}},
		}
	}
}

// consentedAccount is the account a consent shares (§4's Account).
func consentedAccount(f Facts) any {
	return map[string]any{
		"id": f.AccountID, "account_code": "403881", "branch_code": "1", "owner_document": maskedCPF,
		"owner_id": "user:" + f.TargetID, "owner_name": "Nome da Usuária", "created_at": stamp(f.At),
	}
}

// sessionMetadata: consent_requested carries the consent link's
// session_metadata back (§3.3).
func sessionMetadata(f Facts) map[string]any {
	return map[string]any{"session_metadata": map[string]any{"homolog": "partner webhook test", "event": f.EventID}}
}

// paymentLinkOrder is a Mundipagg order as the payment-link webhooks
// carry it: booleans as strings, timestamps without Z, no account_id
// (stone-api-families.md §1.7).
func paymentLinkOrder(status string) func(Facts) any {
	return func(f Facts) any {
		at := f.At.UTC().Format("2006-01-02T15:04:05")
		closed, checkout := "false", "open"
		var closedAt any
		if status == "paid" {
			closed, checkout, closedAt = "true", "closed", at
		}
		order := map[string]any{
			"id": f.TargetID, "code": "HOMOLOG001", "amount": 3000, "currency": "BRL", "status": status,
			"closed": closed, "closed_at": closedAt, "created_at": at, "updated_at": at,
			"customer": map[string]any{"id": "cus_homologwebhook01", "name": "Tony Stark", "delinquent": "false", "created_at": at, "updated_at": at},
			"items": []any{map[string]any{"id": "oi_homologwebhook01", "amount": 3000, "description": "Chaveiro do Tesseract", "quantity": 1,
				"status": "active", "type": "product", "created_at": at, "updated_at": at}},
			"checkouts": []any{map[string]any{"id": "chk_homologwebhook01", "amount": 3000, "currency": "BRL", "status": checkout,
				"payment_url": "https://stgapi.mundipagg.com/checkout/v1/orders/chk_homologwebhook01", "created_at": at, "updated_at": at}},
		}
		if status == "paid" {
			order["charges"] = []any{map[string]any{"id": "ch_homologwebhook01", "code": "HOMOLOG001", "amount": 3000, "paid_amount": 3000,
				"paid_at": at, "status": "paid", "payment_method": "credit_card", "currency": "BRL", "created_at": at, "updated_at": at}}
		}
		return order
	}
}

// signUp is an account-opening request as its webhooks carry it:
// event_happened_at in microseconds without Z, subject_id the
// application (stone-api-families.md §4.3).
func signUp(eventType, status, reason string) func(Facts) any {
	return func(f Facts) any {
		var why any
		if reason != "" {
			why = reason
		}
		details := map[string]any{}
		if reason == "user_email_verified" {
			details["user_email_verified"] = "true"
		}
		return map[string]any{
			"id": f.TargetID, "event_type": eventType, "event_happened_at": f.At.UTC().Format("2006-01-02T15:04:05.000000"),
			"status": status, "update_reason": why, "error": nil, "owner_document": maskedCPF, "owner_id": "user:" + f.AccountID,
			"owner_type": "user", "request_id": f.JTI, "resource_type": "srn:resource:paymentaccount",
			"resource_details": details, "subject_id": "application:" + f.ClientID,
		}
	}
}

// orderID is a payment-link order id: Mundipagg's "or_" prefix.
func orderID(f Facts) string { return "or_" + strings.ReplaceAll(f.TargetID, "-", "") }
