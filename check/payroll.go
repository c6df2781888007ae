package check

import (
	"encoding/json"
	"fmt"
	"net/url"
)

// payrollT is what the payroll checks read (stone-api-families.md §5.2).
type payrollT struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	Amount    *int64 `json:"amount"`
	Fee       *int64 `json:"fee"`
	Status    string `json:"status"`
	Summary   *struct {
		Salaries  int `json:"number_of_salaries"`
		Finished  int `json:"number_of_finished_salaries"`
		Failed    int `json:"number_of_failed_salaries"`
		Refunded  int `json:"number_of_refunded_salaries"`
		Scheduled int `json:"number_of_scheduled_salaries"`
	} `json:"summary"`
}

// summed checks a payroll's amounts and that its outcomes count no more
// salaries than it has.
func (x payrollT) summed(r Record) error {
	switch {
	case x.ID == "":
		return fmt.Errorf("%s: the payroll has no id", where(r))
	case x.Amount == nil || *x.Amount <= 0:
		return fmt.Errorf("%s: payroll %s has no positive amount in centavos", where(r), x.ID)
	case x.Fee == nil || *x.Fee < 0:
		return fmt.Errorf("%s: payroll %s has no fee (0 or more centavos)", where(r), x.ID)
	case x.Summary == nil:
		return fmt.Errorf("%s: payroll %s has no summary", where(r), x.ID)
	case x.Summary.Salaries < 1:
		return fmt.Errorf("%s: payroll %s counts %d salaries", where(r), x.ID, x.Summary.Salaries)
	}
	s := x.Summary
	if n := s.Finished + s.Failed + s.Refunded + s.Scheduled; n > s.Salaries {
		return fmt.Errorf("%s: payroll %s counts %d outcomes (finished %d, failed %d, refunded %d, scheduled %d) for %d salaries",
			where(r), x.ID, n, s.Finished, s.Failed, s.Refunded, s.Scheduled, s.Salaries)
	}
	return nil
}

// payrollCreated: the payroll (role "response") was accepted with 202, as
// the create page shows, for the account sent, with status param
// "status", an amount, a fee and a summary that adds up.
func payrollCreated(p Params, in Inputs) error {
	var x payrollT
	r, err := in.answer("response", &x)
	if err != nil {
		return err
	}
	if r.HTTP.Status != 202 {
		return fmt.Errorf("%s answered %d; a payroll is accepted with 202 (§5.2)", where(r), r.HTTP.Status)
	}
	var sent struct {
		AccountID string `json:"account_id"`
	}
	_ = json.Unmarshal(r.HTTP.RequestBody, &sent)
	if err := x.summed(r); err != nil {
		return err
	}
	switch {
	case x.AccountID != sent.AccountID:
		return fmt.Errorf("%s: payroll %s is for account %q, the request named %q", where(r), x.ID, x.AccountID, sent.AccountID)
	case x.Status != p["status"]:
		return fmt.Errorf("%s: payroll %s has status %q, want %q", where(r), x.ID, x.Status, p["status"])
	}
	return nil
}

// payrollPaid: the payroll as last read (role "reads") has status param
// "status", every salary accounted for (finished, failed, refunded or
// scheduled), and param "failed" of them failed.
func payrollPaid(p Params, in Inputs) error {
	failed, err := p.Int("failed")
	if err != nil {
		return err
	}
	var x payrollT
	r, err := in.answer("reads", &x)
	if err != nil {
		return err
	}
	if err := x.summed(r); err != nil {
		return err
	}
	s := x.Summary
	switch {
	case x.Status != p["status"]:
		return fmt.Errorf("%s: payroll %s has status %q, want %q", where(r), x.ID, x.Status, p["status"])
	case s.Finished+s.Failed+s.Refunded+s.Scheduled != s.Salaries:
		return fmt.Errorf("%s: payroll %s is %s but accounts for %d of its %d salaries", where(r), x.ID, x.Status,
			s.Finished+s.Failed+s.Refunded+s.Scheduled, s.Salaries)
	case int64(s.Failed) != failed:
		return fmt.Errorf("%s: payroll %s has %d failed salaries, want %d", where(r), x.ID, s.Failed, failed)
	}
	return nil
}

// payrollListed: the payrolls (role "list", a {cursor, data} page) are
// all of the account the list asked for, each summed as a payroll is;
// and the payroll of role "payroll", when there is one, is among them.
func payrollListed(_ Params, in Inputs) error {
	var page struct {
		Cursor *json.RawMessage `json:"cursor"`
		Data   *[]payrollT      `json:"data"`
	}
	l, err := in.answer("list", &page)
	if err != nil {
		return err
	}
	if page.Cursor == nil || page.Data == nil {
		return fmt.Errorf("%s: the payrolls are not a {cursor, data} page (§5.2, §4.1)", where(l))
	}
	account := queryOf(l).Get("account_id")
	for _, x := range *page.Data {
		if account != "" && x.AccountID != account {
			return fmt.Errorf("%s: payroll %s of account %s is listed for account %s", where(l), x.ID, x.AccountID, account)
		}
		if err := x.summed(l); err != nil {
			return err
		}
	}
	if len(in.http("payroll")) == 0 {
		return nil
	}
	var want payrollT
	if _, err := in.answer("payroll", &want); err != nil {
		return err
	}
	for _, x := range *page.Data {
		if x.ID == want.ID {
			return nil
		}
	}
	return fmt.Errorf("%s: payroll %s is not among the %d listed", where(l), want.ID, len(*page.Data))
}

// queryOf is the query of a recorded request's URL.
func queryOf(r Record) url.Values {
	if r.HTTP == nil {
		return url.Values{}
	}
	u, err := url.Parse(r.HTTP.URL)
	if err != nil {
		return url.Values{}
	}
	return u.Query()
}
