package simulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func pixByKey(accountID, key string, amount int64) string {
	return fmt.Sprintf(`{"account_id":%q,"key":%q,"amount":%d,"description":"homolog"}`, accountID, key, amount)
}

func (e *env) createPix(body string) obj {
	e.t.Helper()
	return e.call(http.MethodPost, "/api/v1/pix/outbound_pix_payments", body, http.StatusCreated, idemHeader, "pix-"+itoa(int64(len(e.eventTypes(""))))+body[len(body)-8:])
}

func (e *env) confirmPix(id, body string) *int {
	e.t.Helper()
	rec := e.api(http.MethodPost, "/api/v1/pix/outbound_pix_payments/"+id+"/actions/confirm", body, idemHeader, "confirm-"+id)
	return &rec.Code
}

func TestPixByKeySettles(t *testing.T) {
	e := newEnv(t)
	luna := e.fx.PixKeys[0]
	p := e.createPix(pixByKey(e.fx.OwnAccountID, luna.Key, 1_000))
	tgt := p.sub("target")
	if p.str("status") != "CREATED" || !regexp.MustCompile(`^E16501555202611281300[0-9a-z]{11}$`).MatchString(p.str("end_to_end_id")) ||
		!regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(p.str("request_id")) || tgt.sub("entity").str("document") != "***525450**" ||
		tgt["account"] != nil || tgt.sub("institution").str("ispb") != "90400888" || p.str("key") != luna.Key ||
		p.sub("source").sub("institution").str("ispb") != "16501555" {
		t.Fatalf("created = %v", p)
	}
	// A draft never expires.
	e.clock.Advance(30 * 24 * time.Hour)
	id := p.str("id")
	if g := e.call(http.MethodGet, "/api/v1/pix/outbound_pix_payments/"+id, "", 200); g.str("status") != "CREATED" {
		t.Fatalf("draft after a month: %v", g)
	}
	if code := e.confirmPix(id, ""); *code != http.StatusNoContent {
		t.Fatalf("confirm = %d", *code)
	}
	g := e.call(http.MethodGet, "/api/v1/pix/"+id, "", 200)
	if g.str("status") != "CONFIRMED" || g.str("confirmed_by") != "application:"+testClientID || g.str("approved_by") != "application:"+testClientID {
		t.Fatalf("confirmed = %v", g)
	}
	e.clock.Advance(100 * time.Millisecond)
	if g := e.call(http.MethodGet, "/api/v1/outbound_pix_payments/"+id, "", 200); g.str("status") != "MONEY_RESERVED" || g.str("money_reserved_at") == "" {
		t.Fatalf("one step later = %v", g)
	}
	e.clock.Advance(100 * time.Millisecond)
	if g := e.call(http.MethodGet, "/api/v1/pix/outbound_pix_payments/"+id, "", 200); g.str("status") != "SETTLED" || g.str("settled_at") == "" {
		t.Fatalf("two steps later = %v", g)
	}
	en := e.entries(e.fx.OwnAccountID)[0]
	if en.str("type") != "outbound_pix_payment" || en.num("amount") != -1_000 || en.str("operation_id") != id {
		t.Fatalf("entry = %v", en)
	}
	containsAll(t, e.eventTypes(e.fx.OwnAccountID), "pix_outbound_payment_created", "pix_outbound_payment_money_reserved", "pix_outbound_payment_settled")
	if ev := e.lastEvent("pix_outbound_payment_created"); eventData(t, ev).str("status") != "CONFIRMED" || ev.TargetType != "payment_created" ||
		ev.DetailPath != "/api/v1/outbound_pix_payments/"+id {
		t.Fatalf("created event = %+v", ev)
	}
	// Confirming twice is a conflict; a confirm without a key is a validation error.
	wantError(t, e.api(http.MethodPost, "/api/v1/pix/outbound_pix_payments/"+id+"/actions/confirm", "", idemHeader, "again"), 409, "conflict")
	got := wantError(t, e.api(http.MethodPost, "/api/v1/pix/outbound_pix_payments/"+id+"/actions/confirm", ""), 400, "validation")
	if string(got.Reason) != `[{"error":"can't be blank","path":["idempotency_key"]}]` {
		t.Fatalf("missing key reason = %s", got.Reason)
	}
}

func TestPixToStoneKeyCreditsTheAccount(t *testing.T) {
	e := newEnv(t)
	stone := e.fx.PixKeys[len(e.fx.PixKeys)-1]
	before, _ := e.counterpart(e.fx.TransferTargets[0])
	p := e.createPix(pixByKey(e.fx.OwnAccountID, stone.Key, 0))
	if *e.confirmPix(p.str("id"), `{"amount":2500,"description":"ajuste","add_target_to_contacts":false}`) != 204 {
		t.Fatal("confirm with amount")
	}
	e.clock.Advance(time.Second)
	e.call(http.MethodGet, "/api/v1/pix/"+p.str("id"), "", 200) // transitions apply at the next request
	after, credit := e.counterpart(e.fx.TransferTargets[0])
	if after != before+2_500 || credit.Type != "pix_payment" {
		t.Fatalf("stone target %d → %d, %+v", before, after, credit)
	}
	containsAll(t, e.eventTypes(""), "pix_inbound_payment_received")
	wantError(t, e.api(http.MethodPost, "/api/v1/pix/outbound_pix_payments", pixByKey(e.fx.OwnAccountID, e.fx.OwnPixKey, 1), idemHeader, "own"), 422, "cannot_transfer_to_source_account")
}

func TestPixErrors(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	post := func(body string) *httptest.ResponseRecorder {
		return e.api(http.MethodPost, "/api/v1/pix/outbound_pix_payments", body, idemHeader, "k"+body[len(body)-40:])
	}
	wantError(t, post(pixByKey(own, "nobody@nowhere.example", 1)), 422, "key_not_found")
	wantError(t, post(pixByKey(own, "not a key", 1)), 422, "invalid_key")
	wantError(t, post(`{"account_id":"`+own+`","key":"+5561912345678","transaction_id":"bad id!"}`), 400, "validation")
	wantError(t, post(`{"account_id":"`+own+`","transaction_id":"abc"}`), 400, "validation")
	wantError(t, post(`{"account_id":"`+own+`","amount":1,"target":{"entity":{"name":"x","document":"52998224725"},"account":{"account_type":"CC","account_code":"123","branch_code":"0001"},"institution":{"ispb":"99999999"}}}`), 422, "target_institution_not_found")
	// BNDES is in the STR, not the SPI: no PIX reaches it (§4).
	wantError(t, post(`{"account_id":"`+own+`","amount":1,"target":{"entity":{"name":"x","document":"52998224725"},"account":{"account_type":"CC","account_code":"123","branch_code":"0001"},"institution":{"ispb":"33657248"}}}`), 422, "target_institution_not_found")
	wantError(t, post(`{"account_id":"`+own+`","amount":1,"target":{"entity":{"name":"x","document":"52998224725"},"account":{"account_type":"PG","account_code":"999999","branch_code":"0001"},"institution":{"ispb":"16501555"}}}`), 422, "target_account_not_found")
	wantError(t, e.api(http.MethodPost, "/api/v1/pix/outbound_pix_payments", pixByKey(own, e.fx.PixKeys[0].Key, 1)), 400, "validation")
	// By account data: target.account is shown.
	p := e.createPix(`{"account_id":"` + own + `","amount":300,"target":{"entity":{"name":"Bia","document":"52998224725"},"account":{"account_type":"CC","account_code":"4455","branch_code":"0001"},"institution":{"ispb":"60746948"}}}`)
	if p.sub("target").sub("account").str("account_code") != "4455" || p.sub("target").sub("entity").str("document") != "***982247**" {
		t.Fatalf("by account = %v", p)
	}
	// No balance: FAILED after confirmation.
	big := e.createPix(pixByKey(own, e.fx.PixKeys[1].Key, 2_000_000))
	e.confirmPix(big.str("id"), "")
	e.clock.Advance(time.Second)
	if g := e.call(http.MethodGet, "/api/v1/pix/"+big.str("id"), "", 200); g.str("status") != "FAILED" || g.str("failure_reason_code") != "1" {
		t.Fatalf("no balance = %v", g)
	}
	containsAll(t, e.eventTypes(own), "pix_outbound_payment_failed")
}

func TestPixRefunded(t *testing.T) {
	e := newEnv(t)
	var refunding PixKeyFixture
	for _, k := range e.fx.PixKeys {
		if k.Refunds {
			refunding = k
		}
	}
	p := e.createPix(pixByKey(e.fx.OwnAccountID, refunding.Key, 4_000))
	e.confirmPix(p.str("id"), "")
	e.clock.Advance(time.Second)
	g := e.call(http.MethodGet, "/api/v1/pix/"+p.str("id"), "", 200)
	if g.str("status") != "REFUNDED" || g.num("refunded_amount") != 4_000 || e.balance(e.fx.OwnAccountID) != 1_000_000 {
		t.Fatalf("refunding key = %v, balance %d", g, e.balance(e.fx.OwnAccountID))
	}
	if en := e.entries(e.fx.OwnAccountID)[0]; en.str("type") != "refund_for_outbound_pix_payment" || en.num("amount") != 4_000 {
		t.Fatalf("refund entry = %v", en)
	}
	containsAll(t, e.eventTypes(e.fx.OwnAccountID), "pix_outbound_payment_refunded")
	// The control returns a settled PIX to another bank.
	q := e.createPix(pixByKey(e.fx.OwnAccountID, e.fx.PixKeys[0].Key, 500))
	e.confirmPix(q.str("id"), "")
	e.clock.Advance(time.Second)
	wantStatus(t, e.ctl(http.MethodPost, "/_sim/pix_payments/"+q.str("id")+"/refund", ""), 200)
	if g := e.call(http.MethodGet, "/api/v1/pix/"+q.str("id"), "", 200); g.str("status") != "REFUNDED" {
		t.Fatalf("control refund = %v", g)
	}
}

func TestPixOnConsentedAccountWaitsForOwner(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	p := e.createPix(pixByKey(e.fx.ThirdPartyAccountID, e.fx.PixKeys[0].Key, 100))
	e.confirmPix(p.str("id"), "")
	e.clock.Advance(time.Hour)
	g := e.call(http.MethodGet, "/api/v1/pix/"+p.str("id"), "", 200)
	if g.str("status") != "CREATED" || g.str("confirmed_at") == "" || !g.isNull("approved_at") {
		t.Fatalf("waiting = %v", g)
	}
	ops := e.call(http.MethodGet, "/api/v1/accounts/"+e.fx.ThirdPartyAccountID+"/operations?status=PENDING_APPROVAL", "", 200)
	if d := ops["data"].([]any); len(d) != 1 || obj(d[0].(map[string]any)).str("type") != "pix_payment" {
		t.Fatalf("pending operations = %v", ops)
	}
	wantStatus(t, e.do(http.MethodPost, "/_sim/owner/pix_payments/"+p.str("id")+"/approve", nil, nil), 204)
	e.clock.Advance(time.Second)
	if g := e.call(http.MethodGet, "/api/v1/pix/"+p.str("id"), "", 200); g.str("status") != "SETTLED" || !strings.HasPrefix(g.str("approved_by"), "user:") {
		t.Fatalf("after the owner = %v", g)
	}
	r := e.createPix(pixByKey(e.fx.ThirdPartyAccountID, e.fx.PixKeys[0].Key, 100))
	e.confirmPix(r.str("id"), "")
	wantStatus(t, e.do(http.MethodPost, "/_sim/owner/pix_payments/"+r.str("id")+"/reject", nil, nil), 204)
	if g := e.call(http.MethodGet, "/api/v1/pix/"+r.str("id"), "", 200); g.str("status") != "CANCELLED" || g.str("rejected_by") == "" {
		t.Fatalf("rejected PIX = %v", g)
	}
}
