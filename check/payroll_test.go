package check

import "testing"

func TestPayrollChecks(t *testing.T) {
	const req = `{"account_id":"acc","salaries_id":"f1"}`
	payroll := func(mut func(map[string]any)) string {
		x := map[string]any{"id": "pr1", "account_id": "acc", "amount": 250000, "fee": 0, "status": "CREATED",
			"summary": map[string]any{"number_of_salaries": 3, "number_of_finished_salaries": 0, "number_of_failed_salaries": 0,
				"number_of_refunded_salaries": 0, "number_of_scheduled_salaries": 0}}
		if mut != nil {
			mut(x)
		}
		return js(x)
	}
	summary := func(fin, failed int) func(map[string]any) {
		return func(x map[string]any) {
			x["status"] = "FINISHED"
			x["summary"].(map[string]any)["number_of_finished_salaries"] = fin
			x["summary"].(map[string]any)["number_of_failed_salaries"] = failed
		}
	}
	created := func(status int, mut func(map[string]any)) Inputs {
		return Inputs{"response": {rec(1, "POST", "https://api.example/api/v1/payrolls", status, req, payroll(mut))}}
	}
	read := func(mut func(map[string]any)) Inputs {
		return Inputs{"reads": {get(2, "https://api.example/api/v1/payrolls/pr1", 200, payroll(mut))}}
	}
	want, paid := Params{"status": "CREATED"}, Params{"status": "FINISHED", "failed": "1"}
	runCases(t, []checkCase{
		{name: "documented", check: PayrollCreated, params: want, in: created(202, nil)},
		{name: "answered 201", check: PayrollCreated, params: want, in: created(201, nil), fault: "accepted with 202"},
		{name: "another account", check: PayrollCreated, params: want, in: created(202, func(x map[string]any) { x["account_id"] = "b" }), fault: `account "b"`},
		{name: "no amount", check: PayrollCreated, params: want, in: created(202, func(x map[string]any) { delete(x, "amount") }), fault: "no positive amount"},
		{name: "no summary", check: PayrollCreated, params: want, in: created(202, func(x map[string]any) { delete(x, "summary") }), fault: "no summary"},
		{name: "finished at once", check: PayrollCreated, params: want, in: created(202, summary(2, 1)), fault: `status "FINISHED"`},
		{name: "more outcomes than salaries", check: PayrollCreated, params: want, in: created(202, func(x map[string]any) {
			x["summary"].(map[string]any)["number_of_failed_salaries"] = 4
		}), fault: "counts 4 outcomes"},

		{name: "listed", check: PayrollListed, in: Inputs{"payroll": created(202, nil)["response"],
			"list": {get(3, "https://api.example/api/v1/payrolls?account_id=acc", 200, `{"cursor":{"limit":25},"data":[`+payroll(nil)+`]}`)}}},
		{name: "listed, no payroll of the run", check: PayrollListed, in: Inputs{
			"list": {get(3, "https://api.example/api/v1/payrolls?account_id=acc", 200, `{"cursor":{"limit":25},"data":[]}`)}}},
		{name: "not listed", check: PayrollListed, in: Inputs{"payroll": created(202, nil)["response"],
			"list": {get(3, "https://api.example/api/v1/payrolls?account_id=acc", 200, `{"cursor":{"limit":25},"data":[]}`)}}, fault: "pr1 is not among the 0 listed"},
		{name: "another account's", check: PayrollListed, in: Inputs{
			"list": {get(3, "https://api.example/api/v1/payrolls?account_id=acc", 200, `{"cursor":{"limit":25},"data":[`+payroll(func(x map[string]any) { x["account_id"] = "b" })+`]}`)}},
			fault: "of account b is listed for account acc"},
		{name: "a bare array", check: PayrollListed, in: Inputs{"list": {get(3, "https://api.example/api/v1/payrolls", 200, `[]`)}}, fault: "not the documented JSON"},
		{name: "no cursor", check: PayrollListed, in: Inputs{"list": {get(3, "https://api.example/api/v1/payrolls", 200, `{"data":[]}`)}}, fault: "not a {cursor, data} page"},
		{name: "paid", check: PayrollPaid, params: paid, in: read(summary(2, 1))},
		{name: "still created", check: PayrollPaid, params: paid, in: read(nil), fault: `status "CREATED", want "FINISHED"`},
		{name: "a salary unaccounted for", check: PayrollPaid, params: paid, in: read(summary(1, 1)), fault: "accounts for 2 of its 3 salaries"},
		{name: "none failed", check: PayrollPaid, params: paid, in: read(summary(3, 0)), fault: "0 failed salaries, want 1"},
		{name: "bad parameter", check: PayrollPaid, params: Params{"status": "FINISHED"}, in: read(summary(2, 1)), fault: `"failed" is missing`},
	})
}
