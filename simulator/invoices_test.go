package simulator

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// boletoBody issues a boleto due 2026-12-10; extra is spliced in as members.
func boletoBody(accountID, typ, extra string) string {
	payer := `,"customer":{"document":"52998224725","legal_name":"Pereira da Silva"}`
	if typ == "deposit" {
		payer = ""
	}
	return fmt.Sprintf(`{"account_id":%q,"amount":2100,"expiration_date":"2026-12-10","invoice_type":%q%s%s}`, accountID, typ, payer, extra)
}

func TestBoletoLifecycleSettled(t *testing.T) {
	e := newEnv(t)
	got := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(e.fx.OwnAccountID, "bill_of_exchange",
		`,"limit_date":"2027-01-10","fine":{"date":"2026-12-11","value":"2.0"},"interest":{"value":"1.0"},"discounts":[{"date":"2026-12-01","value":"5.0"}]`), http.StatusCreated)
	if got.str("status") != "CREATED" || got.str("limit_date") != "2027-01-10" || got.str("issuance_date") != "2026-11-28" ||
		!regexp.MustCompile(`^197\d{41}$`).MatchString(got.str("barcode")) || len(got.str("writable_line")) != 47 ||
		len(got.str("our_number")) != 20 || got.sub("beneficiary").str("account_code") == "" || got.sub("fee_metadata").num("max_free") != 5 ||
		got.sub("customer").str("document_type") != "cpf" || got.sub("fine").str("value") != "2.0" {
		t.Fatalf("issued = %v", got)
	}
	info, err := parseBarcode(got.str("writable_line"), e.clock.Now())
	if err != nil || info.Barcode != got.str("barcode") || info.Face != 2100 || dateString(info.Expiration) != "2026-12-10" {
		t.Fatalf("the boleto's own digits: %+v %v", info, err)
	}
	id := got.str("id")
	wantError(t, e.ctl(http.MethodPost, "/_sim/barcode_payment_invoices/"+id+"/pay", ""), http.StatusConflict, "conflict")
	e.clock.Advance(time.Second)
	if g := e.call(http.MethodGet, "/api/v1/barcode_payment_invoices/"+id, "", 200); g.str("status") != "REGISTERED" || g.str("registered_at") == "" {
		t.Fatalf("after a step: %v", g)
	}
	before := e.balance(e.fx.OwnAccountID)
	wantStatus(t, e.ctl(http.MethodPost, "/_sim/barcode_payment_invoices/"+id+"/pay", ""), 200)
	if g := e.call(http.MethodGet, "/api/v1/barcode_payment_invoices/"+id, "", 200); g.str("status") != "SETTLED" || g.str("settled_at") == "" {
		t.Fatalf("paid: %v", g)
	}
	credit := e.entries(e.fx.OwnAccountID)[0]
	if e.balance(e.fx.OwnAccountID) != before+2100 || credit.str("type") != "payment" || credit.str("operation") != "credit" ||
		credit.str("barcode_payment_invoice_id") != id {
		t.Fatalf("credit %v, balance %d", credit, e.balance(e.fx.OwnAccountID))
	}
	containsAll(t, e.eventTypes(e.fx.OwnAccountID), "barcode_payment_invoice_created", "barcode_payment_invoice_registered",
		"barcode_payment_invoice_settled", "cash_in_barcode_payment")
	if ev := e.lastEvent("cash_in_barcode_payment"); ev.StatementRef != credit.str("id") || ev.TargetType != "barcode_payment" {
		t.Fatalf("cash-in event = %+v", ev)
	}
	if f := e.call(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/fees/barcode_payment_invoice", "", 200); f.num("remaining_free") != 4 {
		t.Fatalf("fee after one paid boleto = %v", f)
	}
}

func TestBoletoCancelExpireAndList(t *testing.T) {
	e := newEnv(t)
	a := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(e.fx.OwnAccountID, "proposal", `,"limit_date":"2026-12-20"`), 201)
	if a.str("limit_date") != "2026-12-10" {
		t.Fatalf("a proposal's limit_date is its due date: %v", a)
	}
	b := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", strings.Replace(boletoBody(e.fx.OwnAccountID, "deposit", ""), "2026-12-10", "2026-11-29", 1), 201)
	if b.sub("customer").str("document") != b.sub("beneficiary").str("document") {
		t.Fatalf("a deposit's payer is the beneficiary: %v", b)
	}
	if g := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices/"+a.str("id")+"/cancel", "", 200); len(g) != 0 {
		t.Fatalf("cancel body = %v, want {}", g)
	}
	if g := e.call(http.MethodGet, "/api/v1/barcode_payment_invoices/"+a.str("id"), "", 200); g.str("status") != "CANCELLATION_REQUESTED" {
		t.Fatalf("just cancelled: %v", g)
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/barcode_payment_invoices/"+a.str("id")+"/cancel", ""), 409, "conflict")
	e.clock.Advance(time.Second)
	pending := e.call(http.MethodGet, "/api/v1/barcode_payment_invoices?account_id="+e.fx.OwnAccountID+"&status=PENDING", "", 200)
	if d := pending["data"].([]any); len(d) != 1 || obj(d[0].(map[string]any)).str("id") != b.str("id") {
		t.Fatalf("PENDING = %v", pending)
	}
	e.setBRT("2026-11-30", 0, 0)
	if g := e.call(http.MethodGet, "/api/v1/barcode_payment_invoices/"+b.str("id"), "", 200); g.str("status") != "EXPIRED" || g.str("expired_at") != "2026-11-30T03:00:00Z" {
		t.Fatalf("past its limit date: %v", g)
	}
	if g := e.call(http.MethodGet, "/api/v1/barcode_payment_invoices/"+a.str("id"), "", 200); g.str("status") != "CANCELLED" {
		t.Fatalf("cancelled: %v", g)
	}
	containsAll(t, e.eventTypes(e.fx.OwnAccountID), "barcode_payment_invoice_cancelled", "barcode_payment_invoice_expired")
	wantError(t, e.api(http.MethodGet, "/api/v1/barcode_payment_invoices?status=LOST", ""), 400, "validation")
}

func TestBoletoValidation(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	tests := []struct{ name, body, path string }{
		{"amount below minimum", strings.Replace(boletoBody(own, "deposit", ""), "2100", "1999", 1), "amount"},
		{"amount above maximum", strings.Replace(boletoBody(own, "deposit", ""), "2100", "1000001", 1), "amount"},
		{"no payer", strings.Replace(boletoBody(own, "proposal", ""), `,"customer":{"document":"52998224725","legal_name":"Pereira da Silva"}`, "", 1), "customer"},
		{"fine over 2%", boletoBody(own, "bill_of_exchange", `,"fine":{"value":"2.1"}`), "fine.value"},
		{"interest over 1%", boletoBody(own, "bill_of_exchange", `,"interest":{"value":"1.5"}`), "interest.value"},
		{"fine on a deposit", boletoBody(own, "deposit", `,"fine":{"value":"1.0"}`), "fine"},
		{"discount on a proposal", boletoBody(own, "proposal", `,"discounts":[{"date":"2026-12-01","value":"1.0"}]`), "discounts"},
		{"past due date", strings.Replace(boletoBody(own, "deposit", ""), "2026-12-10", "2026-11-27", 1), "expiration_date"},
		{"deposit limit_date", boletoBody(own, "deposit", `,"limit_date":"2026-12-11"`), "limit_date"},
		{"unknown type", boletoBody(own, "loan", ""), "invoice_type"},
	}
	for _, tt := range tests {
		got := wantError(t, e.api(http.MethodPost, "/api/v1/barcode_payment_invoices", tt.body), 400, "validation")
		if !strings.Contains(string(got.Reason), `"path":["`+strings.ReplaceAll(tt.path, ".", `","`)+`"]`) {
			t.Errorf("%s: reason %s lacks %s", tt.name, got.Reason, tt.path)
		}
	}
	// A company payer needs no trade_name: §5.7 marks no customer field with *.
	company := strings.Replace(boletoBody(own, "proposal", ""), "52998224725", "11444777000161", 1)
	if g := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", company, 201); g.sub("customer").str("document_type") != "cnpj" || !g.sub("customer").isNull("trade_name") {
		t.Fatalf("company payer without trade_name = %v", g)
	}
	// "payer" (Stone's Go SDK) works like "customer".
	payer := strings.Replace(boletoBody(own, "proposal", ""), `"customer"`, `"payer"`, 1)
	if g := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", payer, 201); g.sub("customer").str("legal_name") != "Pereira da Silva" {
		t.Fatalf("payer = %v", g)
	}
	e.consent("approve")
	got := wantError(t, e.api(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(e.fx.ThirdPartyAccountID, "bill_of_exchange", "")), 422, "product_not_enabled")
	if string(got.Reason) != `"barcode_payment_invoice_bill_of_exchange is not enabled on this account"` {
		t.Fatalf("reason = %s", got.Reason)
	}
	if e.fx.InvoiceTypes[e.fx.ThirdPartyAccountID][0] != "deposit" || len(e.fx.InvoiceTypes[own]) != 4 {
		t.Fatalf("fixtures invoice types = %v", e.fx.InvoiceTypes)
	}
	e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(e.fx.ThirdPartyAccountID, "deposit", ""), 201)
	lim := e.call(http.MethodGet, "/api/v1/barcode_payment_invoices/limits/"+own, "", 200)
	if lim.str("account_id") != own || lim.num("minimum_amount") != 2000 || lim.num("maximum_amount") != 1000000 {
		t.Fatalf("limits = %v", lim)
	}
}

func TestBoletoPDF(t *testing.T) {
	e := newEnv(t)
	bo := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(e.fx.OwnAccountID, "deposit", ""), 201)
	rec := e.api(http.MethodGet, "/api/v1/exports/barcode_payment_invoices/"+bo.str("id"), "")
	wantStatus(t, rec, 200)
	pdf := rec.Body.Bytes()
	if rec.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-1.4")) ||
		!bytes.HasSuffix(pdf, []byte("%%EOF\n")) || !bytes.Contains(pdf, []byte(bo.str("writable_line"))) {
		t.Fatalf("not the boleto's PDF:\n%s", pdf)
	}
	// Every xref offset points at its object.
	xref := bytes.LastIndex(pdf, []byte("startxref\n"))
	at, _ := strconv.Atoi(strings.Fields(string(pdf[xref+10:]))[0])
	lines := strings.Split(string(pdf[at:]), "\n")
	for i := 1; i <= 5; i++ {
		off, _ := strconv.Atoi(strings.Fields(lines[2+i])[0])
		if !bytes.HasPrefix(pdf[off:], []byte(strconv.Itoa(i)+" 0 obj")) {
			t.Fatalf("xref entry %d points at %q", i, pdf[off:off+10])
		}
	}
	wantError(t, e.api(http.MethodGet, "/api/v1/exports/barcode_payment_invoices/nope", ""), 404, "not_found")
}

// TestBoletoDescriptionEitherPlace: the reference page nests the
// description in payment_invoice, the summary puts it at the top level; a
// client following either is understood.
func TestBoletoDescriptionEitherPlace(t *testing.T) {
	e := newEnv(t)
	for _, extra := range []string{`,"description":"Mensalidade"`, `,"payment_invoice":{"description":"Mensalidade"}`} {
		got := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(e.fx.OwnAccountID, "deposit", extra), http.StatusCreated)
		if !strings.Contains(fmt.Sprint(got), "Mensalidade") {
			t.Errorf("%s: description lost: %v", extra, got)
		}
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(e.fx.OwnAccountID, "deposit",
		`,"payment_invoice":{"description":"`+strings.Repeat("x", 201)+`"}`)), http.StatusBadRequest, "validation")
}
