package runner

import (
	"fmt"
	"slices"
	"strings"
)

// family is one kind of action Stone authorises an application for: the
// name scenarios.yaml's authorisations key uses, and the tag the script's
// scenarios of that family carry. Stages 1–3 (authenticate, read the
// account, consent) carry no family tag and always run; a webhook scenario
// carries the tag of the family whose event it notifies (the finished
// transfer's webhook is @internal-transfers), so it runs exactly when that
// family does.
type family struct {
	name string
	tag  string
}

// families is the one table from authorisation names to tags, in the
// order the README lists them. A family added to the script gets a row
// here and its tag on its feature.
func families() []family {
	return []family{
		{"internal_transfers", "@internal-transfers"},
		{"external_transfers", "@ted"},
		{"pix", "@pix"},
		{"payments", "@payments"},
		{"boleto_issuance", "@boleto-issuance"},
		{"payment_links", "@payment-links"},
		{"receipts", "@receipts"},
		{"topups", "@topups"},
		{"signups", "@signups"},
		{"contacts", "@contacts"},
		{"salary_portability", "@salary-portability"},
		{"payroll", "@payroll"},
		{"kyc", "@kyc"},
	}
}

// familyNames lists every authorisation name the table accepts.
func familyNames() []string {
	var out []string
	for _, f := range families() {
		out = append(out, f.name)
	}
	return out
}

// checkAuthorisations validates the plan's authorisations: each a name of
// the table, none twice.
func (c Config) checkAuthorisations() error {
	if i, err := checkFamilies(c.Authorisations); err != nil {
		return c.fieldErr(fmt.Sprintf("authorisations[%d]", i), "%v", err)
	}
	return nil
}

// checkFamilies finds the first name of list that is not a family of the
// table, or that repeats one before it, and says which names it accepts.
func checkFamilies(list []string) (int, error) {
	names := familyNames()
	for i, a := range list {
		if !slices.Contains(names, a) {
			return i, fmt.Errorf("unknown family %q (accepted: %s)", a, strings.Join(names, ", "))
		}
		if slices.Index(list, a) < i {
			return i, fmt.Errorf("%q is listed twice", a)
		}
	}
	return 0, nil
}

// authorised is the families the run covers, in table order: those the
// plan names, or every family when it names none (nil: the key is absent).
// An empty list is a plan authorised for no family: stages 1–3 only.
func (c Config) authorised() (in, out []string) {
	for _, f := range families() {
		if c.Authorisations == nil || slices.Contains(c.Authorisations, f.name) {
			in = append(in, f.name)
		} else {
			out = append(out, f.name)
		}
	}
	return in, out
}

// familyTerms are the tag terms that leave out the scenarios of every
// family the plan is not authorised for.
func familyTerms(c Config) []string {
	_, out := c.authorised()
	var terms []string
	for _, f := range families() {
		if slices.Contains(out, f.name) {
			terms = append(terms, "~"+f.tag)
		}
	}
	return terms
}
