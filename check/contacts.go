package check

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Contacts (stone-api-families.md §5.1). An update sends the contact or
// bank account whole, so an answer shows what was sent: each member the
// request gave, and null for each it left out.

type contactT struct {
	ID           string          `json:"id"`
	Name         *string         `json:"name"`
	TaxID        *string         `json:"tax_id"`
	Email        *string         `json:"email"`
	Mobile       *string         `json:"mobile"`
	BankAccounts json.RawMessage `json:"bank_accounts"`
}

type bankAccountT struct {
	ID              string  `json:"id"`
	AccountCode     *string `json:"account_code"`
	AccountType     *string `json:"account_type"`
	BranchCode      *string `json:"branch_code"`
	InstitutionCode *string `json:"institution_code"`
	PixKey          *string `json:"pix_key"`
	Institution     *struct {
		Compe *string `json:"compe"`
		ISPB  string  `json:"ispb"`
	} `json:"institution"`
}

// shown is how a value reads in the bundle, whoever masked it: homolog's
// mark around a document it masked is dropped, and a document still in
// clear is masked the way Stone masks one, so that the value a request
// sent and the one an answer gave compare alike (a valid CPF is masked
// by the redaction on both sides; a document Stone masks itself is not
// marked).
func shown(v string) string {
	if rest, ok := strings.CutPrefix(v, MaskedByHomolog); ok {
		return strings.TrimSuffix(rest, "]")
	}
	if len(v) >= 6 && isDigitString(v) {
		return "***" + v[3:len(v)-2] + "**"
	}
	return v
}

func isDigitString(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// echoes compares what a request sent (members of sent) with what the
// answer gave (got), naming the first member that differs: a member sent
// must come back equal, a member not sent must come back null, unless
// it is one of loose (a default Stone may fill in).
func echoes(sent map[string]any, got map[string]*string, loose ...string) error {
	names := make([]string, 0, len(got))
	for k := range got {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		g := got[k]
		s, given := sent[k].(string)
		switch {
		case given && s != "" && g == nil:
			return fmt.Errorf("%s was sent as %q and answered null", k, s)
		case given && s != "" && shown(*g) != shown(s):
			return fmt.Errorf("%s was sent as %q and answered %q", k, s, *g)
		case (!given || s == "") && g != nil && !slices.Contains(loose, k):
			return fmt.Errorf("%s was not sent but answered %q; an update sends the whole, so what is left out is null (§5.1)", k, *g)
		}
	}
	return nil
}

// contactSaved: the contact created or updated (role "response") has an
// id, shows the name, tax_id, email and mobile the request sent (null for
// those it left out), and bank_accounts as a list, [] when there is none
// (the contact object's own words).
func contactSaved(_ Params, in Inputs) error {
	var ct contactT
	r, err := in.answer("response", &ct)
	if err != nil {
		return err
	}
	var sent map[string]any
	if err := json.Unmarshal(r.HTTP.RequestBody, &sent); err != nil {
		return fmt.Errorf("%s: the request body is not a JSON object: %v", where(r), err)
	}
	switch {
	case ct.ID == "":
		return fmt.Errorf("%s: the contact has no id", where(r))
	case ct.Name == nil || *ct.Name == "":
		return fmt.Errorf("%s: contact %s has no name", where(r), ct.ID)
	}
	var banks []json.RawMessage
	if s := strings.TrimSpace(string(ct.BankAccounts)); s == "" || s == "null" || json.Unmarshal(ct.BankAccounts, &banks) != nil {
		return fmt.Errorf("%s: contact %s has bank_accounts %s, want a list ([] when there is none)", where(r), ct.ID, orAbsent(s))
	}
	if err := echoes(sent, map[string]*string{"name": ct.Name, "tax_id": ct.TaxID, "email": ct.Email, "mobile": ct.Mobile}); err != nil {
		return fmt.Errorf("%s: contact %s: %w", where(r), ct.ID, err)
	}
	return nil
}

func orAbsent(s string) string {
	if s == "" {
		return "absent"
	}
	return s
}

// contactListed: the account's contacts (role "list", the last answer)
// are a bare array (§5.1: no cursor); each of them answers the filters
// the request gave (tax_id, account_code, pix_key; an institution_code
// may name an institution by ISPB or by bank number, which the list does
// not resolve, so it is not judged); and the contact (role "contact")
// is among them when param "listed" is "true", or not when "false".
func contactListed(p Params, in Inputs) error {
	want, err := strconv.ParseBool(p["listed"])
	if err != nil {
		return fmt.Errorf("parameter \"listed\" is %q, not true or false", p["listed"])
	}
	var ct contactT
	if _, err := in.answer("contact", &ct); err != nil {
		return err
	}
	l, err := in.last("list")
	if err != nil {
		return err
	}
	if err := ok2xx(l); err != nil {
		return err
	}
	var raw json.RawMessage
	if err := decode(l, &raw); err != nil {
		return err
	}
	var list []struct {
		contactT
		Banks []bankAccountT `json:"bank_accounts"`
	}
	if json.Unmarshal(raw, &list) != nil {
		return fmt.Errorf("%s: the contacts are not a bare array (§5.1: a list, no cursor)", where(l))
	}
	var q url.Values
	if u, err := url.Parse(l.HTTP.URL); err == nil {
		q = u.Query()
	}
	found := false
	for _, x := range list {
		if x.TaxID != nil && q.Get("tax_id") != "" && shown(*x.TaxID) != shown(q.Get("tax_id")) || x.TaxID == nil && q.Get("tax_id") != "" {
			return fmt.Errorf("%s: contact %s is listed for tax_id %s but has tax_id %s", where(l), x.ID, q.Get("tax_id"), nullable(x.TaxID))
		}
		for _, f := range []string{"account_code", "pix_key"} {
			v := q.Get(f)
			if v == "" {
				continue
			}
			has := false
			for _, b := range x.Banks {
				got := b.AccountCode
				if f == "pix_key" {
					got = b.PixKey
				}
				has = has || (got != nil && *got == v)
			}
			if !has {
				return fmt.Errorf("%s: contact %s is listed for %s %s but none of its bank accounts has it", where(l), x.ID, f, v)
			}
		}
		found = found || x.ID == ct.ID
	}
	switch {
	case want && !found:
		return fmt.Errorf("%s: contact %s is not among the %d contacts listed", where(l), ct.ID, len(list))
	case !want && found:
		return fmt.Errorf("%s: contact %s is still listed after it was deleted", where(l), ct.ID)
	}
	return nil
}

func nullable(s *string) string {
	if s == nil {
		return "null"
	}
	return strconv.Quote(*s)
}

// contactBankAccountSaved: the bank account added or updated (role
// "response") has an id and shows the account_code, branch_code,
// institution_code and pix_key the request sent, null for those it left
// out (a PIX key alone has null account members, §5.1); account_type is
// as sent, or whatever type Stone gives one that was not sent.
func contactBankAccountSaved(_ Params, in Inputs) error {
	var b bankAccountT
	r, err := in.answer("response", &b)
	if err != nil {
		return err
	}
	var sent map[string]any
	if err := json.Unmarshal(r.HTTP.RequestBody, &sent); err != nil {
		return fmt.Errorf("%s: the request body is not a JSON object: %v", where(r), err)
	}
	if b.ID == "" {
		return fmt.Errorf("%s: the bank account has no id", where(r))
	}
	got := map[string]*string{"account_code": b.AccountCode, "account_type": b.AccountType, "branch_code": b.BranchCode,
		"institution_code": b.InstitutionCode, "pix_key": b.PixKey}
	if err := echoes(sent, got, "account_type"); err != nil {
		return fmt.Errorf("%s: bank account %s: %w", where(r), b.ID, err)
	}
	return nil
}

// contactShowsBankAccount: the contact as read (role "contact") lists the
// bank account saved (role "bank_account") with the same account_code,
// institution_code and pix_key, its institution, when named, being the
// one the code says (by ISPB or bank number), when param "shown" is
// "true"; when "false", it no longer lists it.
func contactShowsBankAccount(p Params, in Inputs) error {
	want, err := strconv.ParseBool(p["shown"])
	if err != nil {
		return fmt.Errorf("parameter \"shown\" is %q, not true or false", p["shown"])
	}
	var saved bankAccountT
	if _, err := in.answer("bank_account", &saved); err != nil {
		return err
	}
	var ct struct {
		ID    string         `json:"id"`
		Banks []bankAccountT `json:"bank_accounts"`
	}
	r, err := in.answer("contact", &ct)
	if err != nil {
		return err
	}
	for _, b := range ct.Banks {
		if b.ID != saved.ID {
			continue
		}
		if !want {
			return fmt.Errorf("%s: contact %s still shows bank account %s after it was deleted", where(r), ct.ID, b.ID)
		}
		for _, f := range []struct {
			name      string
			got, sent *string
		}{{"account_code", b.AccountCode, saved.AccountCode}, {"institution_code", b.InstitutionCode, saved.InstitutionCode}, {"pix_key", b.PixKey, saved.PixKey}} {
			if nullable(f.got) != nullable(f.sent) {
				return fmt.Errorf("%s: contact %s shows bank account %s with %s %s, saved as %s", where(r), ct.ID, b.ID, f.name, nullable(f.got), nullable(f.sent))
			}
		}
		if in := b.Institution; in != nil && b.InstitutionCode != nil {
			code := *b.InstitutionCode
			if in.ISPB != code && (in.Compe == nil || *in.Compe != code) {
				return fmt.Errorf("%s: bank account %s has institution_code %s but names the institution %s (compe %s)", where(r), b.ID, code, in.ISPB, nullable(in.Compe))
			}
		}
		return nil
	}
	if want {
		return fmt.Errorf("%s: contact %s does not show bank account %s among its %d", where(r), ct.ID, saved.ID, len(ct.Banks))
	}
	return nil
}
