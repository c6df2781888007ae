package simulator

import (
	"net/http"
	"strings"
	"testing"
)

// docsPortability is the create page's body (stone-api-families.md §5.3),
// for account.
func docsPortability(account, institution string) string {
	return `{"account_id":"` + account + `","employer_document":"81662119000121","employer_name":"Some employer","payroll_institution_code":"` + institution + `"}`
}

func TestSalaryPortabilityLifecycle(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	p := e.call(http.MethodPost, "/api/v1/salary_portabilities", docsPortability(own, "00000000"), 201)
	switch {
	case p.str("status") != "CREATED" || !p.isNull("enabled_at") || !p.isNull("disabled_at") || p.str("account_id") != own:
		t.Fatalf("created = %v", p)
	case p.str("payroll_institution_ispb") != "00000000" || p.str("payroll_institution_number_code") != "001" || p.str("payroll_institution_name") != "Banco do Brasil S.A.":
		t.Fatalf("the payroll institution is not named: %v", p)
	case p.str("created_by") != "application:"+e.clientID:
		t.Fatalf("created_by = %v", p["created_by"])
	}
	// By bank number too; no employer name is null.
	itau := e.call(http.MethodPost, "/api/v1/salary_portabilities", `{"account_id":"`+own+`","employer_document":"81662119000121","payroll_institution_code":"341"}`, 201)
	if itau.str("payroll_institution_ispb") != "60701190" || !itau.isNull("employer_name") {
		t.Fatalf("by number = %v", itau)
	}

	list := e.call(http.MethodGet, "/api/v1/salary_portabilities?account_id="+own, "", 200)
	data := list["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["id"] != itau.str("id") {
		t.Fatalf("list = %v, want both, newest first", list)
	}
	page := e.call(http.MethodGet, "/api/v1/salary_portabilities?account_id="+own+"&limit=1", "", 200)
	if after := page.sub("cursor").str("after"); after == "" {
		t.Fatalf("a page of one has no cursor: %v", page)
	} else if next := e.call(http.MethodGet, "/api/v1/salary_portabilities?account_id="+own+"&limit=1&after="+after, "", 200); next["data"].([]any)[0].(map[string]any)["id"] != p.str("id") {
		t.Fatalf("second page = %v", next)
	}

	// The payroll institution answers.
	en := e.call(http.MethodPost, "/_sim/salary_portabilities/"+p.str("id")+"/status", `{"status":"ENABLED"}`, 200)
	if en.str("status") != "ENABLED" || en.str("enabled_at") == "" {
		t.Fatalf("enabled = %v", en)
	}
	wantError(t, e.api(http.MethodPost, "/_sim/salary_portabilities/"+p.str("id")+"/status", `{"status":"ENABLED"}`), 409, "conflict")
	e.call(http.MethodPost, "/_sim/salary_portabilities/"+itau.str("id")+"/status", `{"status":"DISABLED"}`, 200)
	for status, want := range map[string]string{"ENABLED": p.str("id"), "DISABLED": itau.str("id")} {
		l := e.call(http.MethodGet, "/api/v1/salary_portabilities?account_id="+own+"&status="+status, "", 200)["data"].([]any)
		if len(l) != 1 || l[0].(map[string]any)["id"] != want {
			t.Errorf("status=%s: %v", status, l)
		}
	}
	if l := e.call(http.MethodGet, "/api/v1/salary_portabilities?account_id="+own+"&status=CREATED", "", 200)["data"].([]any); len(l) != 0 {
		t.Errorf("status=CREATED: %v", l)
	}
}

func TestSalaryPortabilityRefusals(t *testing.T) {
	e := newEnv(t)
	own := e.fx.OwnAccountID
	// The create page's 400: every blank field named.
	er := wantError(t, e.api(http.MethodPost, "/api/v1/salary_portabilities", `{}`), 400, "validation")
	for _, f := range []string{"account_id", "employer_document", "payroll_institution_code"} {
		if !strings.Contains(string(er.Reason), `{"error":"can't be blank","path":["`+f+`"]}`) {
			t.Errorf("reason %s does not say %s can't be blank", er.Reason, f)
		}
	}
	for _, tc := range []struct{ name, body, field string }{
		{"a CPF as the employer", `{"account_id":"` + own + `","employer_document":"52998224725","payroll_institution_code":"341"}`, "employer_document"},
		{"an unknown institution", docsPortability(own, "99999999"), "payroll_institution_code"},
	} {
		er := wantError(t, e.api(http.MethodPost, "/api/v1/salary_portabilities", tc.body), 400, "validation")
		if !strings.Contains(string(er.Reason), `["`+tc.field+`"]`) {
			t.Errorf("%s: reason %s does not name %s", tc.name, er.Reason, tc.field)
		}
	}
	// The create page's 403, naming the account.
	third := e.fx.ThirdPartyAccountID
	rec := e.api(http.MethodPost, "/api/v1/salary_portabilities", docsPortability(third, "341"))
	wantError(t, rec, 403, "client_unauthorized")
	if got := decode[obj](t, rec); got.str("id") != third || got.sub("details").str("error") != "client_unauthorized" || !got.isNull("challenge") {
		t.Fatalf("403 = %v, want the documented shape", got)
	}
	wantError(t, e.api(http.MethodGet, "/api/v1/salary_portabilities?account_id="+third, ""), 403, "client_unauthorized")
	wantError(t, e.api(http.MethodGet, "/api/v1/salary_portabilities", ""), 400, "validation")
	wantError(t, e.api(http.MethodGet, "/api/v1/salary_portabilities?account_id="+own+"&status=ACTIVE", ""), 400, "validation")
	wantError(t, e.api(http.MethodGet, "/api/v1/salary_portabilities?account_id="+own+"&after=nonsense", ""), 400, "invalid_cursor")
	// Once consented, the owner's account is the application's to act on.
	e.consent("approve")
	e.call(http.MethodPost, "/api/v1/salary_portabilities", docsPortability(third, "341"), 201)
	wantError(t, e.api(http.MethodPost, "/_sim/salary_portabilities/nope/status", `{"status":"ENABLED"}`), 404, "not_found")
}
