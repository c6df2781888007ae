package check

import "testing"

func TestSalaryPortabilityChecks(t *testing.T) {
	const req = `{"account_id":"acc","employer_document":"81662119000121","payroll_institution_code":"341"}`
	portability := func(mut func(map[string]any)) map[string]any {
		x := map[string]any{"id": "sp1", "account_id": "acc", "status": "CREATED", "employer_document": "81662119000121",
			"payroll_institution_ispb": "60701190", "payroll_institution_number_code": "341", "payroll_institution_name": "Itaú Unibanco S.A."}
		if mut != nil {
			mut(x)
		}
		return x
	}
	created := func(status int, mut func(map[string]any)) Inputs {
		return Inputs{"response": {rec(1, "POST", "https://api.example/api/v1/salary_portabilities", status, req, js(portability(mut)))}}
	}
	listed := func(query string, items ...map[string]any) Inputs {
		data := []any{}
		for _, it := range items {
			data = append(data, it)
		}
		return Inputs{"portability": created(201, nil)["response"],
			"list": {get(2, "https://api.example/api/v1/salary_portabilities?account_id=acc"+query, 200, js(map[string]any{"cursor": map[string]any{"limit": 25}, "data": data}))}}
	}
	want := Params{"status": "CREATED"}
	runCases(t, []checkCase{
		{name: "documented", check: SalaryPortabilityRequested, params: want, in: created(201, nil)},
		{name: "by ISPB", check: SalaryPortabilityRequested, params: want, in: Inputs{"response": {rec(1, "POST", "https://api.example/api/v1/salary_portabilities", 201,
			`{"account_id":"acc","employer_document":"81662119000121","payroll_institution_code":"60701190"}`, js(portability(nil)))}}},
		{name: "answered 200", check: SalaryPortabilityRequested, params: want, in: created(200, nil), fault: "answered 201"},
		{name: "another account", check: SalaryPortabilityRequested, params: want, in: created(201, func(x map[string]any) { x["account_id"] = "other" }), fault: `account "other"`},
		{name: "enabled at once", check: SalaryPortabilityRequested, params: want, in: created(201, func(x map[string]any) { x["status"] = "ENABLED" }), fault: `status "ENABLED"`},
		{name: "another employer", check: SalaryPortabilityRequested, params: want, in: created(201, func(x map[string]any) { x["employer_document"] = "11444777000161" }), fault: "names employer"},
		{name: "institution unnamed", check: SalaryPortabilityRequested, params: want, in: created(201, func(x map[string]any) { x["payroll_institution_name"] = "" }), fault: "does not name its payroll institution"},
		{name: "another institution", check: SalaryPortabilityRequested, params: want, in: created(201, func(x map[string]any) {
			x["payroll_institution_ispb"], x["payroll_institution_number_code"] = "00000000", "001"
		}), fault: "not the 341 the request sent"},
		{name: "refused", check: SalaryPortabilityRequested, params: want, in: Inputs{"response": {rec(1, "POST", "https://api.example/api/v1/salary_portabilities", 403, req,
			`{"type":"srn:error:client_unauthorized"}`)}}, fault: "403 srn:error:client_unauthorized"},

		{name: "listed", check: SalaryPortabilityListed, params: want, in: listed("", portability(nil))},
		{name: "listed by status", check: SalaryPortabilityListed, params: Params{"status": "ENABLED"}, in: listed("&status=ENABLED", portability(func(x map[string]any) { x["status"] = "ENABLED" }))},
		{name: "missing", check: SalaryPortabilityListed, params: want, in: listed("", portability(func(x map[string]any) { x["id"] = "sp0" })), fault: "sp1 is not among the 1 listed"},
		{name: "another account's", check: SalaryPortabilityListed, params: want, in: listed("", portability(nil), portability(func(x map[string]any) { x["id"], x["account_id"] = "sp9", "other" })),
			fault: "sp9 of account other is listed for account acc"},
		{name: "the status filter ignored", check: SalaryPortabilityListed, params: want, in: listed("&status=CREATED", portability(nil), portability(func(x map[string]any) { x["id"], x["status"] = "sp9", "DISABLED" })),
			fault: "sp9 is DISABLED but the list asked for CREATED"},
		{name: "still created", check: SalaryPortabilityListed, params: Params{"status": "ENABLED"}, in: listed("", portability(nil)), fault: `listed with status "CREATED", want "ENABLED"`},
		{name: "no cursor", check: SalaryPortabilityListed, params: want, in: Inputs{"portability": created(201, nil)["response"],
			"list": {get(2, "https://api.example/api/v1/salary_portabilities?account_id=acc", 200, `{"data":[]}`)}}, fault: "no cursor"},
	})
}
