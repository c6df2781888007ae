package simulator

import (
	"github.com/openbank-homolog/homolog/simulator/internal/brcode"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestReadBRCodeEndpoint(t *testing.T) {
	e := newEnv(t)
	const path = "/api/v1/pix/outbound_pix_payments/brcodes"
	body := `{"brcode":"` + e.fx.StaticBRCode + `"}`
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		got := e.call(method, path, body, 200)
		st := got.sub("static")
		if got.str("type") != "static" || st.str("key") != e.fx.PixKeys[0].Key || st.str("key_type") != "cpf" ||
			st.num("amount") != 1_500 || st.str("transaction_id") != "HOMOLOG0001" {
			t.Fatalf("%s static = %v", method, got)
		}
	}
	if got := e.call(http.MethodGet, path+"?brcode="+url.QueryEscape(e.fx.StaticBRCode), "", 200); got.str("type") != "static" {
		t.Fatalf("GET ?brcode = %v", got)
	}
	wantError(t, e.api(http.MethodPost, path, `{"brcode":"garbage"}`), 400, "bad_request")
	wantError(t, e.api(http.MethodPost, path, `{}`), 400, "validation")
	foreign := brcode.Code{Dynamic: true, URL: "pix.example.com/qr/v2/123", Name: "X", City: "Y"}.Encode()
	wantError(t, e.api(http.MethodPost, path, `{"brcode":"`+foreign+`"}`), 501, "brcode_not_supported")
}

func TestPixInvoiceDynamicQRPaidFromAnotherAccount(t *testing.T) {
	e := newEnv(t)
	inv := e.call(http.MethodPost, "/api/v1/pix_payment_invoices",
		`{"account_id":"`+e.fx.OwnAccountID+`","key":"`+e.fx.OwnPixKey+`","amount":2500,"expiration":3600,"request_for_payer":"pedido 42",
		"customer":{"name":"Fulano","document":"52998224725"},"additional_data":[{"name":"Cor","value":"Azul"}]}`, http.StatusCreated)
	if inv.str("status") != "ACTIVE" || inv.str("key_type") != "random_key" || !strings.HasPrefix(inv.str("location"), testHost+"/pix/") ||
		!strings.HasPrefix(inv.str("qr_code_content"), "000201010212") || len(inv.str("transaction_id")) != 32 {
		t.Fatalf("invoice = %v", inv)
	}
	// qr_code_image is the QR code of qr_code_content (§5.5); that Image
	// draws a readable QR code of its content is internal/brcode's test.
	if img, err := brcode.Image(inv.str("qr_code_content")); err != nil || inv.str("qr_code_image") != img {
		t.Fatalf("qr_code_image %.60q is not the QR code of qr_code_content (%v)", inv.str("qr_code_image"), err)
	}
	dyn := e.call(http.MethodPost, "/api/v1/pix/outbound_pix_payments/brcodes", `{"brcode":"`+inv.str("qr_code_content")+`"}`, 200)
	d := dyn.sub("dynamic")
	if dyn.str("type") != "dynamic" || d.str("key") != e.fx.OwnPixKey || d.num("amount") != 2_500 || d.str("transaction_id") != inv.str("transaction_id") ||
		d.str("status") != "ACTIVE" || d.sub("customer").str("name") != "Fulano" {
		t.Fatalf("dynamic = %v", dyn)
	}
	// The consented account pays it with the data read from the QR code.
	e.consent("approve")
	pay := func(amount string) string {
		return `{"account_id":"` + e.fx.ThirdPartyAccountID + `","key":"` + d.str("key") + `","transaction_id":"` + d.str("transaction_id") + `"` + amount + `}`
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/pix/outbound_pix_payments", pay(`,"amount":2499`), idemHeader, "differs"), 422, "invoice_amount_differs")
	p := e.createPix(pay(""))
	if p.num("amount") != 2_500 {
		t.Fatalf("amount taken from the charge: %v", p)
	}
	e.confirmPix(p.str("id"), "")
	wantStatus(t, e.do(http.MethodPost, "/_sim/owner/pix_payments/"+p.str("id")+"/approve", nil, nil), 204)
	before := e.balance(e.fx.OwnAccountID)
	e.clock.Advance(time.Second)
	got := e.call(http.MethodGet, "/api/v1/pix_payment_invoices/"+inv.str("id"), "", 200)
	if got.str("status") != "PAID" || e.balance(e.fx.OwnAccountID) != before+2_500 {
		t.Fatalf("paid invoice = %v, balance %d → %d", got, before, e.balance(e.fx.OwnAccountID))
	}
	containsAll(t, e.eventTypes(e.fx.OwnAccountID), "pix_invoice_payment_created", "pix_inbound_payment_received", "pix_invoice_payment_paid")
	wantError(t, e.api(http.MethodPost, "/api/v1/pix/outbound_pix_payments", pay(""), idemHeader, "again"), 422, "invoice_paid")
	wantError(t, e.api(http.MethodDelete, "/api/v1/pix_payment_invoices/"+inv.str("id"), ""), 422, "already_paid")
	in := got["inbound_pix_payments"].([]any)[0].(map[string]any)
	if g := e.call(http.MethodGet, "/api/v1/inbound_pix_payments/"+in["id"].(string), "", 200); g.num("amount") != 2_500 {
		t.Fatalf("inbound = %v", g)
	}
}

func TestPixInvoiceCancelExpireAndControl(t *testing.T) {
	e := newEnv(t)
	mk := func(extra string) obj {
		return e.call(http.MethodPost, "/api/v1/pix_payment_invoices", `{"account_id":"`+e.fx.OwnAccountID+`","key":"`+e.fx.OwnPixKey+`","amount":700`+extra+`}`, 201)
	}
	a, b, c := mk(""), mk(`,"expiration":60`), mk(`,"transaction_id":"PEDIDO-42"`)
	e.call(http.MethodDelete, "/api/v1/pix_payment_invoices/"+a.str("id"), "", http.StatusNoContent)
	wantError(t, e.api(http.MethodDelete, "/api/v1/pix_payment_invoices/"+a.str("id"), ""), 409, "conflict")
	e.clock.Advance(time.Minute)
	if g := e.call(http.MethodGet, "/api/v1/pix_payment_invoices/"+b.str("id"), "", 200); g.str("status") != "EXPIRED" {
		t.Fatalf("expired = %v", g)
	}
	wantError(t, e.ctl(http.MethodPost, "/_sim/pix_payment_invoices/"+b.str("id")+"/pay", ""), 422, "invoice_expired")
	wantError(t, e.ctl(http.MethodPost, "/_sim/pix_payment_invoices/"+c.str("id")+"/pay", `{"amount":1}`), 422, "invoice_amount_differs")
	wantStatus(t, e.ctl(http.MethodPost, "/_sim/pix_payment_invoices/"+c.str("id")+"/pay", `{"payer":{"name":"Bia","document":"52998224725"}}`), 200)
	if en := e.entries(e.fx.OwnAccountID)[0]; en.str("type") != "pix_payment" || en.num("amount") != 700 || en.sub("counter_party").sub("entity").str("name") != "Bia" {
		t.Fatalf("inbound entry = %v", en)
	}
	list := e.call(http.MethodGet, "/api/v1/pix_payment_invoices?account_id="+e.fx.OwnAccountID+"&status=PAID", "", 200)
	if d := list["data"].([]any); len(d) != 1 {
		t.Fatalf("PAID list = %v", list)
	}
	e.call(http.MethodGet, "/api/v1/pix_payment_invoices/", "", 200, "x-stone-account-id", e.fx.OwnAccountID)
	wantError(t, e.api(http.MethodPost, "/api/v1/pix_payment_invoices", `{"account_id":"`+e.fx.OwnAccountID+`","key":"+5561912345678","amount":700}`), 422, "key_not_found")
	wantError(t, e.api(http.MethodPost, "/api/v1/pix_payment_invoices", `{"account_id":"`+e.fx.OwnAccountID+`","key":"`+e.fx.OwnPixKey+`","amount":0,"transaction_id":"bad id"}`), 400, "validation")
}

func TestRefundInboundPix(t *testing.T) {
	e := newEnv(t)
	inv := e.call(http.MethodPost, "/api/v1/pix_payment_invoices", `{"account_id":"`+e.fx.OwnAccountID+`","key":"`+e.fx.OwnPixKey+`","amount":900}`, 201)
	paid := decode[pixInvoice](t, e.ctl(http.MethodPost, "/_sim/pix_payment_invoices/"+inv.str("id")+"/pay", ""))
	in := paid.InboundPixPayments[0].ID
	body := func(amount int) string {
		return `{"reason":"beneficiary_request","amount":` + itoa(int64(amount)) + `,"inbound_pix_payment_id":"` + in + `"}`
	}
	rf := e.call(http.MethodPost, "/api/v1/refunds_for_inbound_pix_payments", body(400), 202, idemHeader, "rf-1")
	if rf.str("status") != "CREATED" || !strings.HasPrefix(rf.str("end_to_end_id"), "D16501555") {
		t.Fatalf("refund = %v", rf)
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/refunds_for_inbound_pix_payments", body(501)), 400, "validation")
	e.call(http.MethodPost, "/api/v1/refunds_for_inbound_pix_payments", body(500), 202)
	before := e.balance(e.fx.OwnAccountID)
	e.clock.Advance(time.Second)
	if b := e.balance(e.fx.OwnAccountID); b != before-900 {
		t.Fatalf("balance %d → %d", before, b)
	}
	if en := e.entries(e.fx.OwnAccountID)[0]; en.str("type") != "refund_for_pix_payment" {
		t.Fatalf("entry = %v", en)
	}
	containsAll(t, e.eventTypes(e.fx.OwnAccountID), "pix_inbound_payment_refund_created", "pix_inbound_payment_refund_money_reserved", "pix_inbound_payment_refund_settled")
	wantError(t, e.api(http.MethodPost, "/api/v1/refunds_for_inbound_pix_payments", `{"reason":"whim","amount":1,"inbound_pix_payment_id":"x"}`), 400, "validation")
	wantError(t, e.api(http.MethodPost, "/api/v1/refunds_for_inbound_pix_payments", `{"reason":"fraud","amount":1,"inbound_pix_payment_id":"x"}`), 422, "inbound_pix_payment_not_found")
}
