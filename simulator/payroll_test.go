package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// upload is the stand-in for the payroll host's .xlsx upload: the
// file's rows (Nome, CPF, Conta, Salário).
func (e *env) upload(rows string) string {
	e.t.Helper()
	rec := e.ctl(http.MethodPost, "/_sim/payroll/upload", `{"salaries":[`+rows+`]}`)
	wantStatus(e.t, rec, http.StatusCreated)
	return decode[obj](e.t, rec).str("id")
}

func salaryRow(name, account string, amount int64) string {
	return `{"name":"` + name + `","cpf":"52998224725","account_code":"` + account + `","amount":` + itoa(amount) + `}`
}

func TestPayrollPaysSalaries(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	a, b := e.fx.TransferTargets[0], e.fx.TransferTargets[1]
	var idA, idB string
	e.store(func(st *book) { idA, idB = accountIDByCode(st, a), accountIDByCode(st, b) })
	before, beforeA, beforeB := e.balance(own), e.balance2(idA), e.balance2(idB)

	file := e.upload(salaryRow("Ana", a, 150_000) + "," + salaryRow("Bia", b, 90_000) + "," + salaryRow("Ninguém", "99999999", 10_000))
	p := e.call(http.MethodPost, "/api/v1/payrolls", `{"account_id":"`+own+`","salaries_id":"`+file+`"}`, 202)
	s := p.sub("summary")
	switch {
	case p.str("status") != "CREATED" || p.num("amount") != 250_000 || p.num("fee") != 0 || p.str("created_by") != "application:"+e.clientID:
		t.Fatalf("created = %v", p)
	case s.num("number_of_salaries") != 3 || s.num("number_of_finished_salaries") != 0:
		t.Fatalf("summary = %v", s)
	case p["outside_operating_hours"] != true: // 2026-11-28 is a Saturday
		t.Fatalf("outside_operating_hours = %v on a Saturday", p["outside_operating_hours"])
	}
	// The same file is paid once.
	wantError(t, e.api(http.MethodPost, "/api/v1/payrolls", `{"account_id":"`+own+`","salaries_id":"`+file+`"}`), 409, "conflict")

	e.clock.Advance(time.Second)
	got := e.call(http.MethodGet, "/api/v1/payrolls/"+p.str("id"), "", 200)
	if gs := got.sub("summary"); got.str("status") != "FINISHED" || gs.num("number_of_finished_salaries") != 2 || gs.num("number_of_failed_salaries") != 1 {
		t.Fatalf("paid = %v", got)
	}
	if e.balance(own) != before-240_000 || e.balance2(idA) != beforeA+150_000 || e.balance2(idB) != beforeB+90_000 {
		t.Fatalf("balances %d %d %d, want the two salaries moved", e.balance(own), e.balance2(idA), e.balance2(idB))
	}
	// One debit of type payroll for what was paid, a salary credit each.
	page := e.call(http.MethodGet, "/api/v1/accounts/"+own+"/statement?limit=5", "", 200)
	first := obj(page["data"].([]any)[0].(map[string]any))
	if first.str("type") != "payroll" || first.num("amount") != -240_000 || first.str("operation_id") != p.str("id") {
		t.Fatalf("newest entry = %v", first)
	}

	sal := e.call(http.MethodGet, "/api/v1/payrolls/"+p.str("id")+"/salaries?limit=2", "", 200)
	data := sal["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["name"] != "Ana" || data[0].(map[string]any)["cpf"] != "***982247**" || sal.sub("cursor").str("after") == "" {
		t.Fatalf("salaries = %v", sal)
	}
	rest := e.call(http.MethodGet, "/api/v1/payrolls/"+p.str("id")+"/salaries?limit=2&after="+sal.sub("cursor").str("after"), "", 200)
	last := obj(rest["data"].([]any)[0].(map[string]any))
	if last.str("status") != "FAILED" || last.str("failure_reason") != "account_not_found" {
		t.Fatalf("the third salary = %v", last)
	}

	l := e.call(http.MethodGet, "/api/v1/payrolls?account_id="+own, "", 200)
	if d := l["data"].([]any); len(d) != 1 || d[0].(map[string]any)["id"] != p.str("id") {
		t.Fatalf("list = %v", l)
	}
	if all := e.call(http.MethodGet, "/api/v1/payrolls", "", 200); len(all["data"].([]any)) != 1 {
		t.Fatalf("list without account = %v", all)
	}
}

func (e *env) balance2(id string) int64 {
	var n int64
	e.store(func(st *book) { n = st.Account(id).Balance() })
	return n
}

func TestPayrollRefusals(t *testing.T) {
	e := newEnv(t)
	own, third := e.fx.OwnAccountID, e.fx.ThirdPartyAccountID
	er := wantError(t, e.api(http.MethodPost, "/api/v1/payrolls", `{}`), 400, "validation")
	for _, f := range []string{"account_id", "salaries_id"} {
		if !strings.Contains(string(er.Reason), `["`+f+`"]`) {
			t.Errorf("reason %s does not name %s", er.Reason, f)
		}
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/payrolls", `{"account_id":"`+own+`","salaries_id":"nope"}`), 400, "validation")
	file := e.upload(salaryRow("Ana", e.fx.TransferTargets[0], 100))
	wantError(t, e.api(http.MethodPost, "/api/v1/payrolls", `{"account_id":"`+third+`","salaries_id":"`+file+`"}`), 403, "unauthorized")
	wantError(t, e.api(http.MethodGet, "/api/v1/payrolls?account_id="+third, ""), 403, "unauthorized")
	wantError(t, e.api(http.MethodGet, "/api/v1/payrolls/nope", ""), 404, "not_found")

	// A salary the balance no longer covers fails; the others are paid.
	big := e.balance(own) + 1
	f2 := e.upload(salaryRow("Ana", e.fx.TransferTargets[0], big) + "," + salaryRow("Bia", e.fx.TransferTargets[1], 100))
	p := e.call(http.MethodPost, "/api/v1/payrolls", `{"account_id":"`+own+`","salaries_id":"`+f2+`"}`, 202)
	e.clock.Advance(time.Second)
	sal := e.call(http.MethodGet, "/api/v1/payrolls/"+p.str("id")+"/salaries", "", 200)["data"].([]any)
	if sal[0].(map[string]any)["failure_reason"] != "insufficient_balance" || sal[1].(map[string]any)["status"] != "FINISHED" {
		t.Fatalf("salaries = %v", sal)
	}

	// The upload's stand-in checks the file's columns.
	for _, tc := range []struct{ body, path string }{
		{`{"salaries":[]}`, `["salaries"]`},
		{`{"salaries":[{"name":"Ana","cpf":"123","account_code":"1","amount":1}]}`, `["salaries","0","cpf"]`},
		{`{"salaries":[{"name":"Ana","cpf":"52998224725","account_code":"1","amount":0}]}`, `["salaries","0","amount"]`},
		{`{"salaries":[{"cpf":"52998224725","account_code":"x1","amount":1}]}`, `["salaries","0","account_code"]`},
	} {
		rec := e.ctl(http.MethodPost, "/_sim/payroll/upload", tc.body)
		wantStatus(t, rec, 400)
		var er apiError
		_ = json.Unmarshal(rec.Body.Bytes(), &er)
		if !strings.Contains(string(er.Reason), tc.path) {
			t.Errorf("%s: reason %s does not name %s", tc.body, er.Reason, tc.path)
		}
	}
}
