package simulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Real documents from Stone's docs: both forms of each must read.
func TestBarcodeCheckDigitsOfStoneExamples(t *testing.T) {
	now := newClock().Now()
	pairs := [][3]string{
		{"89670000000010003137498189637166095077491613", "896700000004010003137493818963716605950774916130", "concessionaria"},
		{"84680000000737300480011025546608407195190810", "846800000008737300480016102554660849071951908103", "concessionaria"},
		{"19797845600000021000000063139072468215929006", "19790000056313907246482159290061784560000002100", "boleto"},
		{"19794872800000020000000094115964310939349831", "19790000059411596431709393498317487280000002000", "boleto"},
	}
	for _, p := range pairs {
		for _, in := range []string{p[0], p[1], strings.Join(strings.Split(p[1], ""), " ")} {
			b, err := parseBarcode(in, now)
			if err != nil || b.Barcode != p[0] || b.Line != p[1] || b.DocType != p[2] {
				t.Fatalf("%s: %+v, %v", in, b, err)
			}
		}
	}
	if b, _ := parseBarcode(pairs[2][0], now); b.Face != 2100 || dateString(b.Expiration) != "2020-12-01" || b.BankCode != "197" {
		t.Fatalf("boleto fields = %+v", b)
	}
	for _, bad := range []string{"", "123", "19797845600000021000000063139072468215929007", "19790000056313907246482159290061784560000002101",
		"896700000004010003137493818963716605950774916131", strings.Repeat("x", 44)} {
		if _, err := parseBarcode(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestBarcodeFixturesAreValidAndServed(t *testing.T) {
	e := newEnv(t)
	fx := decode[[]BarcodeFixture](t, e.do(http.MethodGet, "/_sim/fixtures/barcodes", nil, nil))
	if len(fx) != 8 || fmt.Sprint(fx) != fmt.Sprint(e.fx.Barcodes) {
		t.Fatalf("served %+v, fixtures %+v", fx, e.fx.Barcodes)
	}
	for _, f := range fx {
		for _, in := range []string{f.Barcode, f.WritableLine} {
			b, err := parseBarcode(in, e.clock.Now())
			if err != nil || b.Kind != f.Kind || b.Face != f.FaceValue {
				t.Fatalf("%+v: %+v, %v", f, b, err)
			}
		}
	}
}

func (e *env) barcode(kind, docType string) BarcodeFixture {
	e.t.Helper()
	for _, f := range e.fx.Barcodes {
		if f.Kind == kind && f.DocumentType == docType {
			return f
		}
	}
	e.t.Fatalf("no %s %s fixture", kind, docType)
	return BarcodeFixture{}
}

func payBody(accountID, code, extra string) string {
	return fmt.Sprintf(`{"account_id":%q,"barcode":%q%s}`, accountID, code, extra)
}

func TestDryRunPaymentDetails(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct{ kind, doc, status string }{
		{"payable", "boleto", "payable"}, {"paid", "boleto", "paid"}, {"unpayable", "boleto", "unpayable"},
		{"divergent", "boleto", "payable"}, {"overdue", "boleto", "payable"}, {"payable", "concessionaria", "payable"},
	} {
		f := e.barcode(tt.kind, tt.doc)
		got := e.call(http.MethodPost, "/api/v1/dry_run/payments", payBody(e.fx.OwnAccountID, f.WritableLine, ""), 200)
		d := got.sub("details")
		if !got.isNull("id") || got.str("barcode") != f.Barcode || d.str("status") != tt.status || d.str("document_type") != tt.doc ||
			got["payment_being_processed?"] != false || got.sub("barcode_details").num("face_value") != f.FaceValue {
			t.Fatalf("%s %s dry run = %v", tt.kind, tt.doc, got)
		}
		if tt.kind == "divergent" && (d.num("min_value") != 7_500 || d.num("max_value") != 22_500) {
			t.Fatalf("divergent limits = %v", d)
		}
		if tt.kind == "overdue" && (d.num("value") != 15_300 || d.num("fine_value") != 300) {
			t.Fatalf("overdue value = %v", d)
		}
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/dry_run/payments", payBody(e.fx.OwnAccountID, "123", "")), 400, "validation")
}

func TestPaymentLifecycle(t *testing.T) {
	e := newEnv(t)
	f := e.barcode("payable", "boleto")
	key := []string{idemHeader, "pay-1"}
	got := wantError(t, e.api(http.MethodPost, "/api/v1/payments", payBody(e.fx.OwnAccountID, f.Barcode, "")), 400, "validation")
	if string(got.Reason) != `[{"error":"can't be blank","path":["idempotency_key"]}]` {
		t.Fatalf("no key = %s", got.Reason)
	}
	p := e.call(http.MethodPost, "/api/v1/payments", payBody(e.fx.OwnAccountID, f.Barcode,
		`,"effective_payer":{"legal_name":"Loja","document":"11444777000161","document_type":"CNPJ"}`), 202, key...)
	if p.str("status") != "APPROVED" || p.num("amount") != 15_000 || p.str("writable_line") != f.WritableLine || p.str("idempotency_key") != "pay-1" ||
		p.sub("effective_payer").str("document_type") != "cnpj" || p.sub("details").str("status") != "payable" {
		t.Fatalf("payment = %v", p)
	}
	e.clock.Advance(100 * time.Millisecond)
	if g := e.call(http.MethodGet, "/api/v1/payments/"+p.str("id"), "", 200); g.str("status") != "MONEY_RESERVED" {
		t.Fatalf("one step = %v", g)
	}
	e.clock.Advance(time.Second)
	if g := e.call(http.MethodGet, "/api/v1/payments/"+p.str("id"), "", 200); g.str("status") != "FINISHED" || g.str("finished_at") == "" {
		t.Fatalf("finished = %v", g)
	}
	en := e.entries(e.fx.OwnAccountID)[0]
	if en.str("type") != "payment" || en.num("amount") != -15_000 || en.str("barcode") != f.Barcode || en.str("writable_line") != f.WritableLine {
		t.Fatalf("entry = %v", en)
	}
	containsAll(t, e.eventTypes(e.fx.OwnAccountID), "cash_out_payment", "cash_out_payment_approved", "cash_out_payment_execution_started", "cash_out_payment_finished")
	if ev := e.lastEvent("cash_out_payment_approved"); ev.TargetType != "payment_approved" || ev.DetailPath != "/api/v1/payments/"+p.str("id") {
		t.Fatalf("approved event = %+v", ev)
	}
	dry := e.call(http.MethodPost, "/api/v1/dry_run/payments", payBody(e.fx.OwnAccountID, f.Barcode, ""), 200)
	if dry["payment_being_processed?"] != false {
		t.Fatalf("a finished payment is not being processed: %v", dry)
	}
	list := e.call(http.MethodGet, "/api/v1/payments?account_id="+e.fx.OwnAccountID, "", 200)
	if len(list["data"].([]any)) != 1 {
		t.Fatalf("list = %v", list)
	}
}

func TestPaymentRefusalsAndAmounts(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	post := func(body, k string) obj { return e.call(http.MethodPost, "/api/v1/payments", body, 202, idemHeader, k) }
	wantError(t, e.api(http.MethodPost, "/api/v1/payments", payBody(own, e.barcode("paid", "boleto").Barcode, ""), idemHeader, "a"), 422, "barcode_already_paid")
	wantError(t, e.api(http.MethodPost, "/api/v1/payments", payBody(own, e.barcode("unpayable", "boleto").Barcode, ""), idemHeader, "b"), 422, "unpayable_barcode")
	div := e.barcode("divergent", "boleto").Barcode
	wantError(t, e.api(http.MethodPost, "/api/v1/payments", payBody(own, div, ""), idemHeader, "c"), 400, "validation")
	wantError(t, e.api(http.MethodPost, "/api/v1/payments", payBody(own, div, `,"amount":7499`), idemHeader, "d"), 400, "validation")
	if p := post(payBody(own, div, `,"amount":20000`), "e"); p.num("amount") != 20_000 {
		t.Fatalf("divergent = %v", p)
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/payments", payBody(own, e.barcode("payable", "boleto").Barcode, `,"amount":14999`), idemHeader, "f"), 400, "validation")
	// schedule_to (Postman's spelling) schedules too, and cancel works with DELETE.
	s := post(payBody(own, e.barcode("payable", "concessionaria").Barcode, `,"schedule_to":"2026-12-03"`), "g")
	if s.str("status") != "SCHEDULED" || s.str("scheduled_to") != "2026-12-03" {
		t.Fatalf("scheduled = %v", s)
	}
	e.call(http.MethodDelete, "/api/v1/payments/"+s.str("id")+"/cancel", "", 204)
	// The refunded family comes back.
	r := post(payBody(own, e.barcode("refunded", "boleto").Barcode, ""), "h")
	e.clock.Advance(time.Second)
	if g := e.call(http.MethodGet, "/api/v1/payments/"+r.str("id"), "", 200); g.str("status") != "REFUNDED" || g.str("refund_reason_code") != "68" {
		t.Fatalf("refunded = %v", g)
	}
	if en := e.entries(own)[0]; en.str("type") != "payment_refund" || en.num("amount") != 15_000 {
		t.Fatalf("refund entry = %v", en)
	}
	containsAll(t, e.eventTypes(own), "cash_in_payment_refund", "cash_out_payment_scheduled", "cash_out_payment_cancelled")
}

func TestPaymentOfAnIssuedBoletoSettlesIt(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	bo := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(e.fx.OwnAccountID, "deposit", ""), 201)
	dry := e.call(http.MethodPost, "/api/v1/dry_run/payments", payBody(e.fx.ThirdPartyAccountID, bo.str("barcode"), ""), 200)
	if dry.sub("details").str("status") != "unpayable" {
		t.Fatalf("not registered yet = %v", dry)
	}
	e.clock.Advance(time.Second)
	p := e.call(http.MethodPost, "/api/v1/payments", payBody(e.fx.ThirdPartyAccountID, bo.str("writable_line"), ""), 202, idemHeader, "bo")
	if p.str("status") != "CREATED" || p.sub("details").str("recipient_name") != "Loja do Parceiro Ltda" {
		t.Fatalf("consented payment = %v", p)
	}
	wantStatus(t, e.do(http.MethodPost, "/_sim/owner/payments/"+p.str("id")+"/approve", nil, nil), 204)
	before := e.balance(e.fx.OwnAccountID)
	e.clock.Advance(time.Second)
	if g := e.call(http.MethodGet, "/api/v1/barcode_payment_invoices/"+bo.str("id"), "", 200); g.str("status") != "SETTLED" || e.balance(e.fx.OwnAccountID) != before+2_100 {
		t.Fatalf("boleto after payment = %v", g)
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/payments", payBody(e.fx.ThirdPartyAccountID, bo.str("barcode"), ""), idemHeader, "again"), 422, "barcode_already_paid")
}
