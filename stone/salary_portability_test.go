package stone

import (
	"net/http"
	"net/url"
	"testing"
)

// The portability pages' answers (stone-api-families.md §5.3).
const docsPortabilityCreated = `{"id":"51e761be-9038-4ba4-89e7-d07276b83e3f","created_by":"user:51e761be-9038-4ba4-89e7-d07276b83e3f",
	"created_at":"2018-08-14T14:45:53Z","enabled_at":"2018-09-14T14:45:53Z","disabled_at":null,"status":"ENABLED",
	"account_id":"477f8576-ca82-462b-be73-dc28cc6490c3","employer_document":"81662119000121","employer_name":"Some employer",
	"payroll_institution_ispb":"00000000","payroll_institution_number_code":"001","payroll_institution_name":"Banco do Brasil"}`

func TestSalaryPortabilityRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	runWire(t, fs, c, []wire{
		{
			name: "request, the page's body, no idempotency key documented", method: "POST", path: "/api/v1/salary_portabilities",
			body:  `{"account_id":"477f8576","employer_document":"81662119000121","employer_name":"Some employer","payroll_institution_code":"00000000"}`,
			reply: reply(http.StatusCreated, docsPortabilityCreated),
			call: func(c *Client) error {
				p, err := c.RequestSalaryPortability(ctx(t), SalaryPortabilityRequest{AccountID: "477f8576", EmployerDocument: "81662119000121",
					EmployerName: "Some employer", PayrollInstitutionCode: "00000000"})
				if err == nil && (p.Status != PortabilityEnabled || p.PayrollInstitutionNumberCode != "001" || p.DisabledAt != "") {
					t.Errorf("portability = %+v", p)
				}
				return err
			},
		},
		{
			name: "list by account and status, with a cursor", method: "GET", path: "/api/v1/salary_portabilities",
			query: url.Values{"account_id": {"477f8576"}, "status": {"DISABLED"}, "limit": {"10"}, "after": {"c1"}},
			reply: reply(http.StatusOK, `{"cursor":{"after":null,"before":null,"limit":25},"data":[`+docsPortabilityCreated+`]}`),
			call: func(c *Client) error {
				p, err := c.SalaryPortabilities(ctx(t), "477f8576", PortabilityDisabled, PageParams{Limit: 10, After: "c1"})
				if err == nil && (len(p.Data) != 1 || p.Cursor.Limit != 25) {
					t.Errorf("page = %+v", p)
				}
				return err
			},
		},
	})
	runInvalid(t, fs, c, "request salary portability", []invalid{
		{"no account", func(c *Client) error {
			_, err := c.RequestSalaryPortability(ctx(t), SalaryPortabilityRequest{EmployerDocument: "81662119000121", PayrollInstitutionCode: "001"})
			return err
		}, "account_id"},
		{"a CPF as the employer", func(c *Client) error {
			_, err := c.RequestSalaryPortability(ctx(t), SalaryPortabilityRequest{AccountID: "a", EmployerDocument: "52998224725", PayrollInstitutionCode: "001"})
			return err
		}, "employer_document"},
		{"an institution by name", func(c *Client) error {
			_, err := c.RequestSalaryPortability(ctx(t), SalaryPortabilityRequest{AccountID: "a", EmployerDocument: "81662119000121", PayrollInstitutionCode: "Itaú"})
			return err
		}, "payroll_institution_code"},
	})
	runInvalid(t, fs, c, "list salary portabilities", []invalid{
		{"no account", func(c *Client) error { _, err := c.SalaryPortabilities(ctx(t), "", "", PageParams{}); return err }, "account_id"},
		{"an unknown status", func(c *Client) error {
			_, err := c.SalaryPortabilities(ctx(t), "a", "ACTIVE", PageParams{})
			return err
		}, "status"},
	})

	// The documented 403 is read as a typed error.
	fs.api = reply(http.StatusForbidden, `{"challenge":null,"details":{"error":"client_unauthorized"},"id":"477f8576","type":"srn:error:client_unauthorized"}`)
	_, err := c.RequestSalaryPortability(ctx(t), SalaryPortabilityRequest{AccountID: "477f8576", EmployerDocument: "81662119000121", PayrollInstitutionCode: "001"})
	apiError(t, err, http.StatusForbidden, "srn:error:client_unauthorized")
}
