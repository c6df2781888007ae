package stone

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Salary portability (stone-api-families.md §5.3): an account asks that
// the salary its holder's employer pays at another institution be sent on
// to it. Stone documents the request and the list; neither a read by id,
// a cancellation nor an idempotency key.

// Salary portability statuses (§5.3).
const (
	PortabilityCreated  = "CREATED" // the payroll institution is still processing it
	PortabilityEnabled  = "ENABLED"
	PortabilityDisabled = "DISABLED"
)

// SalaryPortabilityRequest is the body of POST /salary_portabilities:
// the account, the employer's CNPJ (and name), and the institution that
// pays the salary today (an ISPB or a bank number).
type SalaryPortabilityRequest struct {
	AccountID              string `json:"account_id"`
	EmployerDocument       string `json:"employer_document"`
	EmployerName           string `json:"employer_name,omitempty"`
	PayrollInstitutionCode string `json:"payroll_institution_code"`
}

// SalaryPortability is a request as Stone answers it.
type SalaryPortability struct {
	ID                           string `json:"id"`
	AccountID                    string `json:"account_id"`
	Status                       string `json:"status"`
	CreatedAt                    string `json:"created_at"`
	CreatedBy                    string `json:"created_by"`
	EnabledAt                    string `json:"enabled_at"`
	DisabledAt                   string `json:"disabled_at"`
	EmployerDocument             string `json:"employer_document"`
	EmployerName                 string `json:"employer_name"`
	PayrollInstitutionISPB       string `json:"payroll_institution_ispb"`
	PayrollInstitutionNumberCode string `json:"payroll_institution_number_code"`
	PayrollInstitutionName       string `json:"payroll_institution_name"`
}

// SalaryPortabilityPage is one page of an account's requests.
type SalaryPortabilityPage struct {
	Cursor Cursor              `json:"cursor"`
	Data   []SalaryPortability `json:"data"`
}

// RequestSalaryPortability asks for a portability; Stone answers 201.
func (c *Client) RequestSalaryPortability(ctx context.Context, req SalaryPortabilityRequest) (*SalaryPortability, error) {
	const op = "request salary portability"
	if err := checkRequired(op, "account_id", req.AccountID); err != nil {
		return nil, err
	}
	if err := checkDocument(op, "employer_document", req.EmployerDocument, "cnpj"); err != nil {
		return nil, err
	}
	if !reInstitutionCode.MatchString(req.PayrollInstitutionCode) {
		return nil, fmt.Errorf("stone: %s: payroll_institution_code must be an ISPB (8 digits) or a bank number (3 digits), got %q", op, req.PayrollInstitutionCode)
	}
	var v SalaryPortability
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/salary_portabilities", body: req}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// SalaryPortabilities lists an account's requests (account_id is
// required), of one status when status is not "".
func (c *Client) SalaryPortabilities(ctx context.Context, accountID, status string, page PageParams) (*SalaryPortabilityPage, error) {
	const op = "list salary portabilities"
	if err := checkRequired(op, "account_id", accountID); err != nil {
		return nil, err
	}
	if err := checkOneOf(op, "status", status, PortabilityCreated, PortabilityEnabled, PortabilityDisabled); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("account_id", accountID)
	setIf(q, "status", status)
	return list[SalaryPortabilityPage](ctx, c, op, "/salary_portabilities", q, page)
}
