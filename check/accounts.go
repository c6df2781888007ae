package check

import (
	"bytes"
	"encoding/json"
	"fmt"
)

type account struct {
	ID          string `json:"id"`
	AccountCode string `json:"account_code"`
	BranchCode  string `json:"branch_code"`
}

type accountPage struct {
	Data []account `json:"data"`
}

// ownAccountListed: the account list (role "accounts") holds the own
// account: param "account_id" when the plan names it, else the only
// account listed (an application that sees several must say which is its
// own).
func ownAccountListed(p Params, in Inputs) error {
	var page accountPage
	r, err := in.answer("accounts", &page)
	if err != nil {
		return err
	}
	if want := p["account_id"]; want != "" {
		for _, a := range page.Data {
			if a.ID == want {
				return nil
			}
		}
		return fmt.Errorf("%s: the own account %q is not among the %d accounts listed", where(r), want, len(page.Data))
	}
	switch len(page.Data) {
	case 0:
		return fmt.Errorf("%s lists no account at all", where(r))
	case 1:
		if page.Data[0].ID == "" {
			return fmt.Errorf("%s lists an account without an id", where(r))
		}
		return nil
	default:
		return fmt.Errorf("%s lists %d accounts and the plan names none as the own account (fixtures.own_account_id)", where(r), len(page.Data))
	}
}

// accountRead: the account read (role "account") is param "account_id",
// with its account and branch codes (stone-api.md §4).
func accountRead(p Params, in Inputs) error {
	var a account
	r, err := in.answer("account", &a)
	if err != nil {
		return err
	}
	if want := p["account_id"]; a.ID != want {
		return fmt.Errorf("%s: read account %q, asked for %q", where(r), a.ID, want)
	}
	if a.AccountCode == "" || a.BranchCode == "" {
		return fmt.Errorf("%s: account %q lacks account_code or branch_code", where(r), a.ID)
	}
	return nil
}

type balance struct {
	Balance        *int64 `json:"balance"`
	BlockedBalance *int64 `json:"blocked_balance"`
}

// balanceNonNegative: the balance (role "balance") gives balance and
// blocked_balance as non-negative integers of centavos (stone-api.md §4).
func balanceNonNegative(_ Params, in Inputs) error {
	var b balance
	r, err := in.answer("balance", &b)
	if err != nil {
		return err
	}
	switch {
	case b.Balance == nil:
		return fmt.Errorf("%s: the balance has no \"balance\"", where(r))
	case *b.Balance < 0 || (b.BlockedBalance != nil && *b.BlockedBalance < 0):
		return fmt.Errorf("%s: balance %d, blocked %d: want non-negative centavos", where(r), *b.Balance, deref(b.BlockedBalance))
	}
	return nil
}

func deref(n *int64) int64 {
	if n == nil {
		return 0
	}
	return *n
}

// feeListed: the fees (role "fees") list param "fee_type" with a
// non-negative amount in centavos.
func feeListed(p Params, in Inputs) error {
	var page struct {
		Data []struct {
			FeeType string `json:"fee_type"`
			Amount  *int64 `json:"amount"`
		} `json:"data"`
	}
	r, err := in.answer("fees", &page)
	if err != nil {
		return err
	}
	want := p["fee_type"]
	for _, f := range page.Data {
		if f.FeeType != want {
			continue
		}
		if f.Amount == nil || *f.Amount < 0 {
			return fmt.Errorf("%s: fee %s has amount %d, want centavos ≥ 0", where(r), want, deref(f.Amount))
		}
		return nil
	}
	return fmt.Errorf("%s: no %s fee among the %d listed", where(r), want, len(page.Data))
}

type institution struct {
	ISPBCode   string  `json:"ispb_code"`
	Name       string  `json:"name"`
	NumberCode *string `json:"number_code"`
}

// institutionListed: the institutions (role "institutions") include
// param "ispb" with bank number param "number". stone-api.md §4 documents
// the answer as a bare array, and only that is accepted.
func institutionListed(p Params, in Inputs) error {
	var list []institution
	r, err := in.answer("institutions", &list)
	if err != nil {
		return err
	}
	ispb, number := p["ispb"], p["number"]
	for _, in := range list {
		if in.ISPBCode != ispb {
			continue
		}
		got := ""
		if in.NumberCode != nil {
			got = *in.NumberCode
		}
		if got != number {
			return fmt.Errorf("%s: institution %s has bank number %q, want %q", where(r), ispb, got, number)
		}
		return nil
	}
	return fmt.Errorf("%s: ISPB %s is not among the %d institutions listed", where(r), ispb, len(list))
}

// rawString reads a JSON string or number as text ("" for null): Stone
// sends some codes either way.
func rawString(b json.RawMessage) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	return string(b)
}
