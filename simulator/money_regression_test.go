package simulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// cash_in_internal_transfer target_data must carry account_id (§7: "target_data (always has account_id except consent)").
func TestCashInTargetDataHasAccountID(t *testing.T) {
	e := newEnv(t)
	e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 1_000))
	e.clock.Advance(time.Second)
	e.balance(e.fx.OwnAccountID) // settle
	for _, typ := range []string{"cash_in_internal_transfer"} {
		d := eventData(t, e.lastEvent(typ))
		if _, ok := d["account_id"]; !ok {
			t.Errorf("%s target_data has no account_id: %v", typ, d)
		}
	}
}

// A boleto paid twice: the second payment is returned ("pago em
// duplicidade"), not debited with nobody credited.
func TestBoletoPaidTwiceReturnsTheSecondPayment(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	bo := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(own, "deposit", ""), http.StatusCreated)
	e.clock.Advance(time.Second) // REGISTERED
	before := e.balance(own)
	p1 := e.call(http.MethodPost, "/api/v1/payments", payBody(own, bo.str("barcode"), ""), http.StatusAccepted, idemHeader, "p1")
	p2 := e.call(http.MethodPost, "/api/v1/payments", payBody(own, bo.str("barcode"), ""), http.StatusAccepted, idemHeader, "p2")
	for i := 0; i < 10; i++ {
		e.clock.Advance(time.Second)
		e.balance(own)
	}
	g1 := e.call(http.MethodGet, "/api/v1/payments/"+p1.str("id"), "", 200)
	g2 := e.call(http.MethodGet, "/api/v1/payments/"+p2.str("id"), "", 200)
	after := e.balance(own)
	t.Logf("p1=%s p2=%s boleto=%s before=%d after=%d", g1.str("status"), g2.str("status"),
		e.call(http.MethodGet, "/api/v1/barcode_payment_invoices/"+bo.str("id"), "", 200).str("status"), before, after)
	// Payer == beneficiary: the net effect of paying your own boleto must be 0 (the first 5 are fee-free).
	if after != before {
		t.Errorf("money lost: balance %d -> %d (second payment %s, never credited nor refunded)", before, after, g2.str("status"))
	}
}

// A boleto cancelled while a payment of it holds the money: the payment is
// returned.
func TestBoletoCancelledWhilePaidReturnsThePayment(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	bo := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(own, "deposit", ""), http.StatusCreated)
	e.clock.Advance(time.Second)
	before := e.balance(own)
	p := e.call(http.MethodPost, "/api/v1/payments", payBody(own, bo.str("barcode"), ""), http.StatusAccepted, idemHeader, "p1")
	e.clock.Advance(100 * time.Millisecond) // run: MONEY_RESERVED
	if g := e.call(http.MethodGet, "/api/v1/payments/"+p.str("id"), "", 200); g.str("status") != "MONEY_RESERVED" {
		t.Fatalf("status %s", g.str("status"))
	}
	e.call(http.MethodPost, "/api/v1/barcode_payment_invoices/"+bo.str("id")+"/cancel", "", 200)
	for i := 0; i < 10; i++ {
		e.clock.Advance(time.Second)
		e.balance(own)
	}
	g := e.call(http.MethodGet, "/api/v1/payments/"+p.str("id"), "", 200)
	b := e.call(http.MethodGet, "/api/v1/barcode_payment_invoices/"+bo.str("id"), "", 200)
	after := e.balance(own)
	t.Logf("payment=%s boleto=%s before=%d after=%d", g.str("status"), b.str("status"), before, after)
	if after != before {
		t.Errorf("money lost: %d -> %d, payment %s, boleto %s", before, after, g.str("status"), b.str("status"))
	}
}

// Returning an inbound PIX that came from another Stone account credits
// that account: money is neither created nor lost.
func TestPixRefundReachesTheStonePayer(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	own, tp := e.fx.OwnAccountID, e.fx.ThirdPartyAccountID
	total0 := e.balance(own) + e.balance(tp)
	p := e.createPix(pixByKey(tp, e.fx.OwnPixKey, 500))
	if c := e.confirmPix(p.str("id"), ""); *c != http.StatusNoContent {
		t.Fatalf("confirm %d", *c)
	}
	if c := e.do(http.MethodPost, "/_sim/owner/pix_payments/"+p.str("id")+"/approve", nil, nil).Code; c != 204 {
		t.Fatalf("approve %d", c)
	}
	for i := 0; i < 5; i++ {
		e.clock.Advance(time.Second)
		e.balance(own)
	}
	total1 := e.balance(own) + e.balance(tp)
	in := e.lastEvent("pix_inbound_payment_received")
	e.call(http.MethodPost, "/api/v1/refunds_for_inbound_pix_payments",
		`{"reason":"beneficiary_request","amount":500,"inbound_pix_payment_id":"`+in.TargetID+`"}`, http.StatusAccepted, idemHeader, "rf1")
	for i := 0; i < 5; i++ {
		e.clock.Advance(time.Second)
		e.balance(own)
	}
	total2 := e.balance(own) + e.balance(tp)
	t.Logf("total before=%d after pix=%d after refund=%d", total0, total1, total2)
	if total2 != total0 {
		t.Errorf("money lost: own+third-party total %d -> %d after returning a Stone->Stone PIX", total0, total2)
	}
}

// An unparsable consent link is not echoed back, JWT signature included,
// in the error body.
func TestOwnerConsentErrorDoesNotEchoTheJWT(t *testing.T) {
	e := newEnv(t)
	tok := sign(t, e.key, e.consentClaims())
	link := "https://sandbox.conta.stone.com.br/consentimento?client_id=" + testClientID + "&jwt=" + tok + "%zz\x7f"
	rec := e.do(http.MethodPost, "/_sim/owner/consent", strings.NewReader(mustJSON(t, map[string]string{"link": link, "decision": "approve"})), nil)
	sig := tok[strings.LastIndex(tok, ".")+1:]
	t.Logf("%d %.200s", rec.Code, rec.Body.String())
	if strings.Contains(rec.Body.String(), sig) {
		t.Errorf("response body carries the consent JWT signature")
	}
}
