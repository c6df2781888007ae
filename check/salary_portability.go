package check

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
)

var ispbPattern = regexp.MustCompile(`^\d{8}$`)

// portabilityT is what the salary portability checks read of a request
// (stone-api-families.md §5.3).
type portabilityT struct {
	ID                     string  `json:"id"`
	AccountID              string  `json:"account_id"`
	Status                 string  `json:"status"`
	EmployerDocument       string  `json:"employer_document"`
	PayrollInstitutionISPB string  `json:"payroll_institution_ispb"`
	PayrollInstitutionCode *string `json:"payroll_institution_number_code"`
	PayrollInstitutionName string  `json:"payroll_institution_name"`
}

// salaryPortabilityRequested: the request (role "response") was answered
// 201, as the create page shows, for the account and employer sent, with
// status param "status", and names the payroll institution the code sent
// designates (its ISPB, or its bank number, and a name).
func salaryPortabilityRequested(p Params, in Inputs) error {
	var x portabilityT
	r, err := in.answer("response", &x)
	if err != nil {
		return err
	}
	if r.HTTP.Status != 201 {
		return fmt.Errorf("%s answered %d; a salary portability request is answered 201 (§5.3)", where(r), r.HTTP.Status)
	}
	var sent struct {
		AccountID string `json:"account_id"`
		Employer  string `json:"employer_document"`
		Code      string `json:"payroll_institution_code"`
	}
	_ = json.Unmarshal(r.HTTP.RequestBody, &sent)
	switch {
	case x.ID == "":
		return fmt.Errorf("%s: the salary portability has no id", where(r))
	case x.AccountID != sent.AccountID:
		return fmt.Errorf("%s: salary portability %s is for account %q, the request named %q", where(r), x.ID, x.AccountID, sent.AccountID)
	case x.Status != p["status"]:
		return fmt.Errorf("%s: salary portability %s has status %q, want %q", where(r), x.ID, x.Status, p["status"])
	case shown(x.EmployerDocument) != shown(sent.Employer):
		return fmt.Errorf("%s: salary portability %s names employer %q, the request sent %q", where(r), x.ID, x.EmployerDocument, sent.Employer)
	case !ispbPattern.MatchString(x.PayrollInstitutionISPB) || x.PayrollInstitutionName == "":
		return fmt.Errorf("%s: salary portability %s does not name its payroll institution (ISPB %q, name %q)", where(r), x.ID, x.PayrollInstitutionISPB, x.PayrollInstitutionName)
	case sent.Code != x.PayrollInstitutionISPB && (x.PayrollInstitutionCode == nil || *x.PayrollInstitutionCode != sent.Code):
		return fmt.Errorf("%s: salary portability %s names institution %s (%s), not the %s the request sent", where(r), x.ID,
			x.PayrollInstitutionISPB, nullable(x.PayrollInstitutionCode), sent.Code)
	}
	return nil
}

// salaryPortabilityListed: the account's requests (role "list", a
// {cursor, data} page) are all of the account the list asked for, and of
// its status when it asked for one, and include the request (role
// "portability") with status param "status".
func salaryPortabilityListed(p Params, in Inputs) error {
	var x portabilityT
	if _, err := in.answer("portability", &x); err != nil {
		return err
	}
	var page struct {
		Cursor *json.RawMessage `json:"cursor"`
		Data   []portabilityT   `json:"data"`
	}
	l, err := in.answer("list", &page)
	if err != nil {
		return err
	}
	if page.Cursor == nil {
		return fmt.Errorf("%s: the list has no cursor (§4.1: {cursor, data})", where(l))
	}
	var q url.Values
	if u, err := url.Parse(l.HTTP.URL); err == nil {
		q = u.Query()
	}
	found := false
	for _, y := range page.Data {
		switch {
		case y.AccountID != q.Get("account_id"):
			return fmt.Errorf("%s: salary portability %s of account %s is listed for account %s", where(l), y.ID, y.AccountID, q.Get("account_id"))
		case q.Get("status") != "" && y.Status != q.Get("status"):
			return fmt.Errorf("%s: salary portability %s is %s but the list asked for %s", where(l), y.ID, y.Status, q.Get("status"))
		}
		if y.ID == x.ID {
			found = true
			if y.Status != p["status"] {
				return fmt.Errorf("%s: salary portability %s is listed with status %q, want %q", where(l), y.ID, y.Status, p["status"])
			}
		}
	}
	if !found {
		return fmt.Errorf("%s: salary portability %s is not among the %d listed", where(l), x.ID, len(page.Data))
	}
	return nil
}
