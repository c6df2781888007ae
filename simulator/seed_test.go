package simulator

import (
	"regexp"
	"testing"
)

func TestSeedIsConsistent(t *testing.T) {
	e := newEnv(t)
	if _, err := e.sim.Register(Client{ID: "second", PublicKey: &testKeys(t)[2].PublicKey}); err != nil {
		t.Fatal(err)
	}
	docRE := regexp.MustCompile(`^(\d{11}|\d{14})$`)
	e.store(func(st *book) {
		codes := map[string]bool{}
		for _, a := range st.Accounts() {
			if codes[a.AccountCode] || !docRE.MatchString(a.OwnerDocument) || !validDocument(a.OwnerDocument) {
				t.Errorf("account %+v: duplicate code or bad document", *a)
			}
			codes[a.AccountCode] = true
			prev := int64(-1)
			for i, en := range a.Entries() {
				if en.BalanceAfter != en.BalanceBefore+en.Amount || en.BalanceAfter < 0 || (i > 0 && en.BalanceBefore != prev) {
					t.Fatalf("account %s entry %d breaks the chain: %+v", a.ID, i, *en)
				}
				prev = en.BalanceAfter
			}
			if len(a.Entries()) > 0 && prev != a.Balance() {
				t.Fatalf("account %s: last balance_after %d, balance %d", a.ID, prev, a.Balance())
			}
		}
	})
}

// validDocument checks CPF/CNPJ check digits independently of seed.go.
func validDocument(doc string) bool {
	check := func(digits string) byte {
		sum, w := 0, 2
		for i := len(digits) - 1; i >= 0; i-- {
			sum += int(digits[i]-'0') * w
			w++
			if len(doc) == 14 && w > 9 {
				w = 2
			}
		}
		if r := sum % 11; r >= 2 {
			return byte('0' + 11 - r)
		}
		return '0'
	}
	n := len(doc)
	return check(doc[:n-2]) == doc[n-2] && check(doc[:n-1]) == doc[n-1]
}
