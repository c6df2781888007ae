package stone

import (
	"net/http"
	"net/url"
	"testing"
)

// The payroll pages' answers (stone-api-families.md §5.2).
const docsPayrollCreated = `{"account_id":"477f8576-ca82-462b-be73-dc28cc6490c3","amount":100,"created_at":"2019-09-11T10:14:08Z",
	"created_by":"user:380f9968-8946-4f88-a781-be8b7efc1f90","fee":0,"id":"7287aab0-29f9-452a-ad1f-5e101c0c76a7",
	"outside_operating_hours":true,"status":"CREATED","summary":{"number_of_failed_salaries":7,"number_of_finished_salaries":0,
	"number_of_refunded_salaries":0,"number_of_salaries":8,"number_of_scheduled_salaries":0}}`

func TestPayrollRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	runWire(t, fs, c, []wire{
		{
			name: "create, no idempotency key documented", method: "POST", path: "/api/v1/payrolls",
			body:  `{"account_id":"477f8576","salaries_id":"f1"}`,
			reply: reply(http.StatusAccepted, docsPayrollCreated),
			call: func(c *Client) error {
				p, err := c.CreatePayroll(ctx(t), "477f8576", "f1")
				if err == nil && (p.Status != PayrollCreated || p.Summary.Salaries != 8 || p.Summary.Failed != 7 || p.OutsideOperatingHours == nil || !*p.OutsideOperatingHours) {
					t.Errorf("payroll = %+v", p)
				}
				return err
			},
		},
		{
			name: "list by account", method: "GET", path: "/api/v1/payrolls", query: url.Values{"account_id": {"477f8576"}, "limit": {"5"}},
			reply: reply(http.StatusOK, `{"cursor":{"after":null,"before":null,"limit":25},"data":[`+docsPayrollCreated+`]}`),
			call: func(c *Client) error {
				p, err := c.Payrolls(ctx(t), "477f8576", PageParams{Limit: 5})
				if err == nil && len(p.Data) != 1 {
					t.Errorf("page = %+v", p)
				}
				return err
			},
		},
		{
			name: "get", method: "GET", path: "/api/v1/payrolls/4f609244", reply: reply(http.StatusOK, docsPayrollCreated),
			call: func(c *Client) error { _, err := c.Payroll(ctx(t), "4f609244"); return err },
		},
		{
			name: "salaries, by cursor", method: "GET", path: "/api/v1/payrolls/4f609244/salaries", query: url.Values{"after": {"c2"}},
			reply: reply(http.StatusOK, `{"cursor":{"after":null,"before":"c1","limit":25},"data":[{"anything":"undocumented"}]}`),
			call: func(c *Client) error {
				p, err := c.PayrollSalaries(ctx(t), "4f609244", PageParams{After: "c2"})
				if err == nil && (len(p.Data) != 1 || p.Cursor.Before == nil) {
					t.Errorf("page = %+v", p)
				}
				return err
			},
		},
	})
	runInvalid(t, fs, c, "create payroll", []invalid{
		{"no account", func(c *Client) error { _, err := c.CreatePayroll(ctx(t), "", "f1"); return err }, "account_id"},
		{"no file", func(c *Client) error { _, err := c.CreatePayroll(ctx(t), "a", " "); return err }, "salaries_id"},
	})
}
