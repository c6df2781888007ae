package simulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

const santander = `"account_code":"10023395","branch_code":"4104","institution_code":"033"`

func tedBody(accountID, account string, amount int64) string {
	return fmt.Sprintf(`{"amount":%d,"account_id":%q,"target":{"account":{%s},"entity":{"name":"Octacilio Impoluto","document":"62752545053","document_type":"cpf"}}}`,
		amount, accountID, account)
}

func TestTEDFromOwnAccountFinishesWithFee(t *testing.T) {
	e := newEnv(t)
	got := e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.OwnAccountID, santander, 3_000), http.StatusAccepted)
	acc, ent := got.sub("target").sub("account"), got.sub("target").sub("entity")
	if got.str("status") != "APPROVED" || got.num("fee") != 400 || got.str("approved_by") != "application:"+testClientID ||
		acc.str("institution_ispb") != "90400888" || acc.str("institution_number_code") != "033" || acc.str("institution_code") != "033" ||
		acc.str("institution_name") != "Banco Santander (Brasil) S.A." || acc.str("account_type") != "CC" || acc.str("branch_code") != "4104" ||
		ent.str("cpf") != "62752545053" || ent.str("document_type") != "cpf" || got["delayed_to_next_business_day"] != false ||
		!got.isNull("scheduled_to_effective") || !got.isNull("refund_reason_code") {
		t.Fatalf("TED = %v", got)
	}
	e.clock.Advance(time.Second)
	done := e.call(http.MethodGet, "/api/v1/external_transfers/"+got.str("id"), "", http.StatusOK)
	if done.str("status") != "FINISHED" || done.str("finished_at") == "" || e.balance(e.fx.OwnAccountID) != 1_000_000-3_400 {
		t.Fatalf("after a second: %v, balance %d", done, e.balance(e.fx.OwnAccountID))
	}
	en := e.entries(e.fx.OwnAccountID)[0]
	cp := en.sub("counter_party")
	if en.str("type") != "external" || en.num("amount") != -3_400 || en.num("operation_amount") != 3_000 || en.num("fee_amount") != 400 ||
		en.num("balance_after") != en.num("balance_before")-3_400 || cp.sub("account").str("institution") != "90400888" ||
		cp.sub("entity").str("document") != "62752545053" || en["delayed_to_next_business_day"] != false {
		t.Fatalf("statement entry = %v", en)
	}
	containsAll(t, e.eventTypes(e.fx.OwnAccountID), "cash_out_external_transfer", "cash_out_external_transfer_approved",
		"cash_out_external_transfer_execution_started", "cash_out_external_transfer_finished")
	list := e.call(http.MethodGet, "/api/v1/external_transfers?account_id="+e.fx.OwnAccountID+"&status=FINISHED", "", http.StatusOK)
	if n := len(list["data"].([]any)); n != 1 {
		t.Fatalf("list FINISHED = %d", n)
	}
}

func TestTEDValidationAndNormalisation(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	ok := []struct {
		name, account, entity string
		check                 func(o obj) bool
	}{
		{"leading zeros stripped", `"account_code":"0010023395","branch_code":"4104","institution_code":"90400888"`, "",
			func(o obj) bool { return o.sub("target").sub("account").str("account_code") == "10023395" }},
		{"instituition_code typo", `"account_code":"123456","branch_code":"1","instituition_code":"341"`, "",
			func(o obj) bool { return o.sub("target").sub("account").str("institution_ispb") == "60701190" }},
		{"PG drops branch", `"account_code":"123456","branch_code":"1","institution_code":"260","account_type":"PG"`, "",
			func(o obj) bool { return o.sub("target").sub("account").isNull("branch_code") }},
		{"no branch is PG", `"account_code":"123456","institution_code":"260"`, "",
			func(o obj) bool { return o.sub("target").sub("account").str("account_type") == "PG" }},
		{"14 digits is PG", `"account_code":"12345678901234","branch_code":"1","institution_code":"077","account_type":"CC"`, "",
			func(o obj) bool {
				a := o.sub("target").sub("account")
				return a.str("account_type") == "PG" && a.isNull("branch_code")
			}},
		{"CI accepted", `"account_code":"123456","branch_code":"1","institution_code":"104","account_type":"ci"`, "",
			func(o obj) bool { return o.sub("target").sub("account").str("account_type") == "CI" }},
		{"cpf key", santander, `{"name":"Ana","cpf":"52998224725"}`,
			func(o obj) bool { return o.sub("target").sub("entity").str("document") == "52998224725" }},
		{"CNPJ upper case", santander, `{"name":"Loja","document":"11444777000161","document_type":"CNPJ"}`,
			func(o obj) bool { return o.sub("target").sub("entity").str("cnpj") == "11444777000161" }},
	}
	for _, tt := range ok {
		body := tedBody(own, tt.account, 100)
		if tt.entity != "" {
			body = fmt.Sprintf(`{"amount":100,"account_id":%q,"target":{"account":{%s},"entity":%s}}`, own, tt.account, tt.entity)
		}
		if got := e.call(http.MethodPost, "/api/v1/dry_run/external_transfers", body, http.StatusAccepted); !tt.check(got) {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
	bad := []struct{ name, body, path string }{
		{"account_code one digit", tedBody(own, `"account_code":"5","branch_code":"1","institution_code":"033"`, 1), "target.account.account_code"},
		{"account_code letters", tedBody(own, `"account_code":"12a4","branch_code":"1","institution_code":"033"`, 1), "target.account.account_code"},
		{"branch five digits", tedBody(own, `"account_code":"1234","branch_code":"12345","institution_code":"033"`, 1), "target.account.branch_code"},
		{"institution 5 digits", tedBody(own, `"account_code":"1234","institution_code":"12345"`, 1), "target.account.institution_code"},
		{"account_type XX", tedBody(own, santander+`,"account_type":"XX"`, 1), "target.account.account_type"},
		{"amount too big", tedBody(own, santander, 0)[:10] + `1000000000000000000` + tedBody(own, santander, 0)[11:], "amount"},
		{"document letters", fmt.Sprintf(`{"amount":1,"account_id":%q,"target":{"account":{%s},"entity":{"name":"x","document":"abc"}}}`, own, santander), "target.entity.document"},
		{"cpf with 14 digits", fmt.Sprintf(`{"amount":1,"account_id":%q,"target":{"account":{%s},"entity":{"name":"x","document":"11444777000161","document_type":"cpf"}}}`, own, santander), "target.entity.document"},
		{"no entity", fmt.Sprintf(`{"amount":1,"account_id":%q,"target":{"account":{%s}}}`, own, santander), "target.entity"},
	}
	for _, tt := range bad {
		got := wantError(t, e.api(http.MethodPost, "/api/v1/external_transfers", tt.body), 400, "validation")
		if !strings.Contains(string(got.Reason), `"path":["`+strings.ReplaceAll(tt.path, ".", `","`)+`"]`) {
			t.Errorf("%s: reason %s lacks path %s", tt.name, got.Reason, tt.path)
		}
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/external_transfers", tedBody(own, `"account_code":"1234","institution_code":"999"`, 1)), 422, "target_institution_not_found")
	// An SPI-only institution (no bank number, not in context=str) takes no TED.
	wantError(t, e.api(http.MethodPost, "/api/v1/external_transfers", tedBody(own, `"account_code":"1234","branch_code":"1","institution_code":"39876100"`, 1)), 422, "target_institution_not_found")
	wantError(t, e.api(http.MethodPost, "/api/v1/external_transfers", tedBody(own, `"account_code":"1234","institution_code":"197"`, 1)), 422, "target_institution_not_allowed")
	wantError(t, e.api(http.MethodPost, "/api/v1/external_transfers", tedBody(own, `"account_code":"1234","institution_code":"16501555"`, 1)), 422, "target_institution_not_allowed")
	wantError(t, e.api(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.ThirdPartyAccountID, santander, 1)), 403, "unauthorized")
}

func TestTEDOutsideHoursIsDelayed(t *testing.T) {
	e := newEnv(t)
	e.setBRT("2026-12-04", 18, 0) // a Friday evening
	got := e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.OwnAccountID, santander, 100), http.StatusAccepted)
	if got.str("status") != "DELAYED_TO_NEXT_BUSINESS_DAY" || got["delayed_to_next_business_day"] != true || got.str("scheduled_to_effective") != "2026-12-07" {
		t.Fatalf("after hours = %v", got)
	}
	if b := decode[balanceView](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/balance", "")); b.ScheduledBalance != 500 {
		t.Fatalf("scheduled balance = %d, want amount + fee", b.ScheduledBalance)
	}
	e.setBRT("2026-12-07", 6, 29)
	if s := e.call(http.MethodGet, "/api/v1/external_transfers/"+got.str("id"), "", 200).str("status"); s != "DELAYED_TO_NEXT_BUSINESS_DAY" {
		t.Fatalf("before the window opens: %s", s)
	}
	e.setBRT("2026-12-07", 6, 31)
	if s := e.call(http.MethodGet, "/api/v1/external_transfers/"+got.str("id"), "", 200).str("status"); s != "FINISHED" {
		t.Fatalf("after the window opens: %s", s)
	}
	// Before 06:30 on a business day it waits for that morning.
	e.setBRT("2026-12-08", 5, 0)
	early := e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.OwnAccountID, santander, 100), http.StatusAccepted)
	if early.str("scheduled_to_effective") != "2026-12-08" {
		t.Fatalf("early morning = %v", early)
	}
}

func TestTEDScheduledOnHolidayMovesToBusinessDay(t *testing.T) {
	e := newEnv(t)
	body := strings.Replace(tedBody(e.fx.OwnAccountID, santander, 100), `{"amount"`, `{"scheduled_to":"2026-12-25","amount"`, 1)
	got := e.call(http.MethodPost, "/api/v1/external_transfers", body, http.StatusAccepted)
	if got.str("status") != "SCHEDULED" || got.str("scheduled_to_requested") != "2026-12-25" || got.str("scheduled_to_effective") != "2026-12-28" {
		t.Fatalf("Christmas = %v", got)
	}
	e.call(http.MethodDelete, "/api/v1/external_transfers/"+got.str("id")+"/cancel", "", http.StatusNoContent)
	far := strings.Replace(body, "2026-12-25", "2028-01-10", 1)
	wantError(t, e.api(http.MethodPost, "/api/v1/external_transfers", far), 422, "validation")
}

func TestTEDRefundedByTheOtherBank(t *testing.T) {
	e := newEnv(t)
	ret := e.fx.TEDTargets[3]
	if ret.ReturnedWith != "1" {
		t.Fatalf("fixture %+v", ret)
	}
	acct := fmt.Sprintf(`"account_code":%q,"branch_code":%q,"institution_code":%q`, ret.AccountCode, ret.BranchCode, ret.InstitutionCode)
	got := e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.OwnAccountID, acct, 2_000), http.StatusAccepted)
	e.clock.Advance(time.Second)
	done := e.call(http.MethodGet, "/api/v1/external_transfers/"+got.str("id"), "", 200)
	if done.str("status") != "REFUNDED" || done.str("refund_reason_code") != "1" || done.str("refund_reason_description") != "Conta destinatária inexistente." || done.str("refunded_at") == "" {
		t.Fatalf("returned TED = %v", done)
	}
	if b := e.balance(e.fx.OwnAccountID); b != 1_000_000-400 {
		t.Fatalf("balance %d: the amount comes back, the fee does not", b)
	}
	refund := e.entries(e.fx.OwnAccountID)[0]
	if refund.str("type") != "external_refund" || refund.num("amount") != 2_000 || refund.str("refund_reason_code") != "1" {
		t.Fatalf("refund entry = %v", refund)
	}
	if ev := e.lastEvent("cash_in_external_transfer_refund"); ev.StatementRef != refund.str("id") || ev.AccountID != e.fx.OwnAccountID {
		t.Fatalf("refund event = %+v", ev)
	}

	// The control returns any TED, now or when it finishes.
	other := e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.OwnAccountID, santander, 1_000), http.StatusAccepted)
	wantStatus(t, e.ctl(http.MethodPost, "/_sim/external_transfers/"+other.str("id")+"/refund", `{"reason_code":"12"}`), 200)
	e.clock.Advance(time.Second)
	if g := e.call(http.MethodGet, "/api/v1/external_transfers/"+other.str("id"), "", 200); g.str("status") != "REFUNDED" || g.str("refund_reason_code") != "12" {
		t.Fatalf("control refund = %v", g)
	}
	wantError(t, e.ctl(http.MethodPost, "/_sim/external_transfers/"+other.str("id")+"/refund", ""), http.StatusConflict, "conflict")
	wantError(t, e.ctl(http.MethodPost, "/_sim/external_transfers/x/refund", `{"reason_code":"99"}`), 400, "validation")
}

func TestTEDFailsWithoutFundsAndWaitsOnConsentedAccount(t *testing.T) {
	e := newEnv(t)
	poor := e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.OwnAccountID, santander, 999_700), http.StatusAccepted)
	e.clock.Advance(time.Second)
	if g := e.call(http.MethodGet, "/api/v1/external_transfers/"+poor.str("id"), "", 200); g.str("status") != "FAILED" || g.str("failure_reason_code") != "1" {
		t.Fatalf("no funds (fee included) = %v", g)
	}
	e.consent("approve")
	c := e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.ThirdPartyAccountID, santander, 100), http.StatusAccepted)
	if c.str("status") != "CREATED" || !c.isNull("approved_by") {
		t.Fatalf("consented = %v", c)
	}
	wantStatus(t, e.do(http.MethodPost, "/_sim/owner/external_transfers/"+c.str("id")+"/approve", nil, nil), http.StatusNoContent)
	e.clock.Advance(time.Second)
	if g := e.call(http.MethodGet, "/api/v1/external_transfers/"+c.str("id"), "", 200); g.str("status") != "FINISHED" || !strings.HasPrefix(g.str("approved_by"), "user:") {
		t.Fatalf("after the owner = %v", g)
	}
}

func TestTEDIdempotency(t *testing.T) {
	e := newEnv(t)
	body := tedBody(e.fx.OwnAccountID, santander, 100)
	a := e.api(http.MethodPost, "/api/v1/external_transfers", body, idemHeader, "ted-1")
	b := e.api(http.MethodPost, "/api/v1/external_transfers", body, idemHeader, "ted-1")
	if a.Code != 202 || b.Body.String() != a.Body.String() {
		t.Fatalf("replay %d %s vs %s", b.Code, b.Body.String(), a.Body.String())
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.OwnAccountID, santander, 101), idemHeader, "ted-1"), 409, "idempotency_conflict")
	wantError(t, e.api(http.MethodPost, "/api/v1/external_transfers", body, idemHeader, strings.Repeat("x", 73)), 431, "bad_request")
}
