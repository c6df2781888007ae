package stone

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// Payroll (folha de pagamento, stone-api-families.md §5.2): an account
// pays the salaries of a file uploaded beforehand. The upload itself goes
// to another host (https://sandbox-payroll.openbank.stone.com.br/api/payroll/upload,
// an .xlsx of Nome, CPF, Conta, Salário) whose request and answer Stone
// does not document, so the client has no call for it: the payroll is
// made from the salaries_id the upload returned.

// Payroll statuses seen in the examples (no list is documented).
const (
	PayrollCreated  = "CREATED"
	PayrollFinished = "FINISHED"
)

// Payroll is a payroll as Stone answers it.
type Payroll struct {
	ID                    string         `json:"id"`
	AccountID             string         `json:"account_id"`
	Amount                int64          `json:"amount"`
	Fee                   int64          `json:"fee"`
	CreatedAt             string         `json:"created_at"`
	CreatedBy             string         `json:"created_by"`
	OutsideOperatingHours *bool          `json:"outside_operating_hours"`
	Status                string         `json:"status"`
	Summary               PayrollSummary `json:"summary"`
}

// PayrollSummary counts a payroll's salaries by outcome.
type PayrollSummary struct {
	Salaries  int `json:"number_of_salaries"`
	Finished  int `json:"number_of_finished_salaries"`
	Failed    int `json:"number_of_failed_salaries"`
	Refunded  int `json:"number_of_refunded_salaries"`
	Scheduled int `json:"number_of_scheduled_salaries"`
}

// PayrollPage is one page of payrolls.
type PayrollPage struct {
	Cursor Cursor    `json:"cursor"`
	Data   []Payroll `json:"data"`
}

// SalaryPage is one page of a payroll's salaries. The salary's shape is
// not documented (the page's example is a copy of the payroll list), so
// each is kept as it came.
type SalaryPage struct {
	Cursor Cursor            `json:"cursor"`
	Data   []json.RawMessage `json:"data"`
}

// CreatePayroll pays the uploaded file salariesID from the account;
// Stone answers 202. No idempotency key is documented, so none is sent.
func (c *Client) CreatePayroll(ctx context.Context, accountID, salariesID string) (*Payroll, error) {
	const op = "create payroll"
	if err := checkRequired(op, "account_id", accountID); err != nil {
		return nil, err
	}
	if err := checkRequired(op, "salaries_id", salariesID); err != nil {
		return nil, err
	}
	body := struct {
		AccountID  string `json:"account_id"`
		SalariesID string `json:"salaries_id"`
	}{accountID, salariesID}
	var v Payroll
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/payrolls", body: body}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Payrolls lists payrolls, the account's when accountID is not "".
func (c *Client) Payrolls(ctx context.Context, accountID string, page PageParams) (*PayrollPage, error) {
	q := url.Values{}
	setIf(q, "account_id", accountID)
	return list[PayrollPage](ctx, c, "list payrolls", "/payrolls", q, page)
}

// Payroll reads one payroll.
func (c *Client) Payroll(ctx context.Context, id string) (*Payroll, error) {
	return getByID[Payroll](ctx, c, "get payroll", "payroll id", "/payrolls/", id)
}

// PayrollSalaries lists a payroll's salaries.
func (c *Client) PayrollSalaries(ctx context.Context, id string, page PageParams) (*SalaryPage, error) {
	const op = "list payroll salaries"
	esc, err := escapeID(op, "payroll id", id)
	if err != nil {
		return nil, err
	}
	return list[SalaryPage](ctx, c, op, "/payrolls/"+esc+"/salaries", url.Values{}, page)
}
