// Package contact is Stone's payment-account contacts (contatos,
// stone-api-families.md §5.1): the people and companies an account pays,
// with their bank accounts and PIX keys. Contacts belong to an account,
// so an application reaches them as it reaches the account's other
// resources: its own account, or one whose owner consented.
//
// What the reference leaves open, and what the simulator chose:
//   - Required fields are not marked at HEAD; the pages' earlier export
//     (D-hist) marked name* on a contact and account_code*,
//     institution_code* on a bank account, and the contact object
//     documents null for every member but name. A bank account is
//     therefore either an account (account_code and institution_code) or
//     a PIX key alone, as the list example's PIX-key-only entry shows.
//   - An update (POST, not PUT) sends "the same fields": what it sends is
//     what the contact or bank account becomes; a member left out becomes
//     null, as the update example answers email and mobile null.
//   - No error is documented: a missing contact or bank account answers
//     404 srn:error:not_found, a bad field 400 srn:error:validation with
//     {error, path}, an account the application may not see 403
//     srn:error:unauthorized, as everywhere else (stone-api.md §6).
//   - Deletions answer 200 with no body, as both pages show.
//
// Every response shape lives in shapes.go.
package contact

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/institutions"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

var (
	emailRE   = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	mobileRE  = regexp.MustCompile(`^\+?[0-9 ()-]{8,20}$`)
	accountRE = regexp.MustCompile(`^\d{1,20}$`)
	branchRE  = regexp.MustCompile(`^\d{1,5}$`) // "00001" in the list example
)

// accountTypes are the account types stone-api.md §5.2 lists for a bank
// account (PG in every contact example; CI in the object doc).
func accountTypes() []string { return []string{"CC", "CD", "CG", "CI", "PG", "PP"} }

// Options wires the family.
type Options struct {
	Book         *ledger.Book
	Idempotency  *api.Idempotency
	Institutions *institutions.Directory
}

// Contacts serves the family. Its state is guarded by the book's lock.
type Contacts struct {
	book *ledger.Book
	idem *api.Idempotency
	dir  *institutions.Directory
	byID map[string]*contact
	all  []*contact // creation order
}

// New returns the family with no contact.
func New(opts Options) *Contacts {
	return &Contacts{book: opts.Book, idem: opts.Idempotency, dir: opts.Institutions, byID: map[string]*contact{}}
}

// Routes registers the contacts API, under /api/v1/accounts/{account_id}/contacts:
//
//	POST   …/contacts                                        {name, tax_id, email, mobile} → 200 Contact
//	GET    …/contacts?tax_id&account_code&institution_code&pix_key → 200 [Contact] (a bare array)
//	GET    …/contacts/{contact_id}                           → 200 Contact (bank accounts with their institution)
//	POST   …/contacts/{contact_id}                           {name, tax_id, email, mobile} → 200 Contact (update)
//	DELETE …/contacts/{contact_id}                           → 200
//	POST   …/contacts/{contact_id}/bank_accounts             {account_code, account_type, branch_code, institution_code, pix_key} → 200 BankAccount
//	POST   …/contacts/{contact_id}/bank_accounts/{bank_account_id} → 200 BankAccount (update)
//	DELETE …/contacts/{contact_id}/bank_accounts/{bank_account_id} → 200
//
// Every write carries the documented x-stone-idempotency-key.
func (s *Contacts) Routes(m *api.Mux) {
	const base = "/api/v1/accounts/{account_id}/contacts"
	m.HandleAuth("POST "+base, s.idem.Wrap(s.handleCreate))
	m.HandleAuth("GET "+base, s.handleList)
	m.HandleAuth("GET "+base+"/{contact_id}", s.handleGet)
	m.HandleAuth("POST "+base+"/{contact_id}", s.idem.Wrap(s.handleUpdate))
	m.HandleAuth("DELETE "+base+"/{contact_id}", s.handleDelete)
	m.HandleAuth("POST "+base+"/{contact_id}/bank_accounts", s.idem.Wrap(s.handleAddBankAccount))
	m.HandleAuth("POST "+base+"/{contact_id}/bank_accounts/{bank_account_id}", s.idem.Wrap(s.handleUpdateBankAccount))
	m.HandleAuth("DELETE "+base+"/{contact_id}/bank_accounts/{bank_account_id}", s.handleDeleteBankAccount)
}

// decodeContact reads a contact's fields: name required, tax_id a CPF or
// CNPJ (11 or 14 digits; the list example's "11111111111" shows Stone
// does not check the digits), email an address, mobile a phone number
// as the examples write it ("21 999999999", "2124759861").
func decodeContact(r *http.Request) (fields, api.Reply, bool) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		return fields{}, rp, false
	}
	in := fields{Name: f.Str("name", true), TaxID: optional(f, "tax_id"), Email: optional(f, "email"), Mobile: optional(f, "mobile")}
	f.MaxLen("name", in.Name, 200)
	if d := api.Deref(in.TaxID); d != "" && (!api.Digits.MatchString(d) || (len(d) != 11 && len(d) != 14)) {
		f.Add("must be a CPF (11 digits) or a CNPJ (14 digits)", "tax_id")
	}
	if e := api.Deref(in.Email); e != "" && !emailRE.MatchString(e) {
		f.Add("has invalid format", "email")
	}
	if m := api.Deref(in.Mobile); m != "" && !mobileRE.MatchString(m) {
		f.Add("has invalid format", "mobile")
	}
	rp, ok = f.Result()
	return in, rp, ok
}

// decodeBankAccount reads a bank account: an account at an institution
// (account_code and institution_code, ISPB or bank number), or a PIX key
// alone, whose account members stay null (§5.1).
func decodeBankAccount(r *http.Request) (bankFields, api.Reply, bool) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		return bankFields{}, rp, false
	}
	in := bankFields{AccountCode: optional(f, "account_code"), AccountType: optional(f, "account_type"), BranchCode: optional(f, "branch_code"),
		InstitutionCode: optional(f, "institution_code"), PixKey: optional(f, "pix_key")}
	account := in.AccountCode != nil || in.InstitutionCode != nil || in.BranchCode != nil || in.AccountType != nil
	switch {
	case !account && in.PixKey == nil:
		f.Add("can't be blank", "account_code")
		f.Add("can't be blank", "institution_code")
	case account:
		if in.AccountCode == nil {
			f.Add("can't be blank", "account_code")
		} else if !accountRE.MatchString(*in.AccountCode) {
			f.Add("must be digits", "account_code")
		}
		if in.InstitutionCode == nil {
			f.Add("can't be blank", "institution_code")
		} else if !institutions.ValidCode(*in.InstitutionCode) {
			f.Add("must be an ISPB (8 digits) or a bank number (3 digits)", "institution_code")
		}
		if b := in.BranchCode; b != nil && !branchRE.MatchString(*b) {
			f.Add("must be digits", "branch_code")
		}
		if t := in.AccountType; t != nil && !oneOf(*t, accountTypes()) {
			f.Add("must be one of "+strings.Join(accountTypes(), ", "), "account_type")
		}
		if in.AccountType == nil {
			in.AccountType = api.StrPtr("PG") // every example's type
		}
	}
	if k := in.PixKey; k != nil {
		f.MaxLen("pix_key", *k, 77) // a DICT key's longest form (stone-api.md §5.5)
	}
	rp, ok = f.Result()
	return in, rp, ok
}

// optional reads a string member that may be absent or null (nil), never
// blank.
func optional(f api.Fields, name string) *string {
	if !f.Has(name) {
		return nil
	}
	v := strings.TrimSpace(f.Str(name, false))
	if v == "" {
		return nil
	}
	return &v
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// account checks the caller may see the path's account. Caller holds the lock.
func (s *Contacts) account(r *http.Request, c *api.Call) (string, bool) {
	id := r.PathValue("account_id")
	_, ok := s.book.Accessible(c.ClientID, id)
	return id, ok
}

// contactOf finds the path's contact of the path's account. Caller holds the lock.
func (s *Contacts) contactOf(r *http.Request, c *api.Call) (*contact, api.Reply, bool) {
	accountID, ok := s.account(r, c)
	if !ok {
		return nil, api.Unauthorized(), false
	}
	ct, ok := s.byID[r.PathValue("contact_id")]
	if !ok || ct.accountID != accountID || ct.deleted {
		return nil, api.NotFound(), false
	}
	return ct, api.Reply{}, true
}

func (s *Contacts) handleCreate(w http.ResponseWriter, r *http.Request, c *api.Call) {
	in, rp, ok := decodeContact(r)
	if !ok {
		rp.Write(w)
		return
	}
	s.book.Reply(w, func() api.Reply {
		accountID, ok := s.account(r, c)
		if !ok {
			return api.Unauthorized()
		}
		ct := &contact{fields: in, ID: s.book.NewID(), accountID: accountID}
		s.byID[ct.ID] = ct
		s.all = append(s.all, ct)
		return api.JSON(http.StatusOK, ct.view(nil))
	})
}

func (s *Contacts) handleGet(w http.ResponseWriter, r *http.Request, c *api.Call) {
	s.book.Reply(w, func() api.Reply {
		ct, rp, ok := s.contactOf(r, c)
		if !ok {
			return rp
		}
		return api.JSON(http.StatusOK, ct.view(s.dir))
	})
}

// handleList lists the account's contacts in the order they were made,
// as a bare array (§5.1: no cursor), narrowed by each filter given: the
// document, or any of a contact's bank accounts matching the account
// code, the institution (by ISPB or bank number alike) or the PIX key.
func (s *Contacts) handleList(w http.ResponseWriter, r *http.Request, c *api.Call) {
	q := r.URL.Query()
	s.book.Reply(w, func() api.Reply {
		accountID, ok := s.account(r, c)
		if !ok {
			return api.Unauthorized()
		}
		out := []view{}
		for _, ct := range s.all {
			if ct.accountID == accountID && !ct.deleted && s.matches(ct, q.Get("tax_id"), q.Get("account_code"), q.Get("institution_code"), q.Get("pix_key")) {
				out = append(out, ct.view(nil))
			}
		}
		return api.JSON(http.StatusOK, out)
	})
}

func (s *Contacts) matches(ct *contact, taxID, accountCode, institution, pixKey string) bool {
	if taxID != "" && api.Deref(ct.TaxID) != taxID {
		return false
	}
	if accountCode == "" && institution == "" && pixKey == "" {
		return true
	}
	for _, b := range ct.banks {
		if (accountCode == "" || api.Deref(b.AccountCode) == accountCode) &&
			(institution == "" || s.sameInstitution(api.Deref(b.InstitutionCode), institution)) &&
			(pixKey == "" || api.Deref(b.PixKey) == pixKey) {
			return true
		}
	}
	return false
}

// sameInstitution: "197" and "16501555" are the same institution.
func (s *Contacts) sameInstitution(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	x, okA := s.dir.Find(a)
	y, okB := s.dir.Find(b)
	return okA && okB && x.ISPBCode == y.ISPBCode
}

func (s *Contacts) handleUpdate(w http.ResponseWriter, r *http.Request, c *api.Call) {
	in, rp, ok := decodeContact(r)
	if !ok {
		rp.Write(w)
		return
	}
	s.book.Reply(w, func() api.Reply {
		ct, rp, ok := s.contactOf(r, c)
		if !ok {
			return rp
		}
		ct.fields = in
		return api.JSON(http.StatusOK, ct.view(nil))
	})
}

func (s *Contacts) handleDelete(w http.ResponseWriter, r *http.Request, c *api.Call) {
	s.book.Reply(w, func() api.Reply {
		ct, rp, ok := s.contactOf(r, c)
		if !ok {
			return rp
		}
		ct.deleted = true
		return api.OK()
	})
}

func (s *Contacts) handleAddBankAccount(w http.ResponseWriter, r *http.Request, c *api.Call) {
	in, rp, ok := decodeBankAccount(r)
	if !ok {
		rp.Write(w)
		return
	}
	s.book.Reply(w, func() api.Reply {
		ct, rp, ok := s.contactOf(r, c)
		if !ok {
			return rp
		}
		b := &bankAccount{bankFields: in, ID: s.book.NewID()}
		ct.banks = append(ct.banks, b)
		return api.JSON(http.StatusOK, b.view(nil))
	})
}

// bankOf finds the path's bank account of the path's contact. Caller holds the lock.
func (s *Contacts) bankOf(r *http.Request, c *api.Call) (*contact, int, api.Reply, bool) {
	ct, rp, ok := s.contactOf(r, c)
	if !ok {
		return nil, 0, rp, false
	}
	for i, b := range ct.banks {
		if b.ID == r.PathValue("bank_account_id") {
			return ct, i, api.Reply{}, true
		}
	}
	return nil, 0, api.NotFound(), false
}

func (s *Contacts) handleUpdateBankAccount(w http.ResponseWriter, r *http.Request, c *api.Call) {
	in, rp, ok := decodeBankAccount(r)
	if !ok {
		rp.Write(w)
		return
	}
	s.book.Reply(w, func() api.Reply {
		ct, i, rp, ok := s.bankOf(r, c)
		if !ok {
			return rp
		}
		ct.banks[i].bankFields = in
		return api.JSON(http.StatusOK, ct.banks[i].view(nil))
	})
}

func (s *Contacts) handleDeleteBankAccount(w http.ResponseWriter, r *http.Request, c *api.Call) {
	s.book.Reply(w, func() api.Reply {
		ct, i, rp, ok := s.bankOf(r, c)
		if !ok {
			return rp
		}
		ct.banks = append(ct.banks[:i:i], ct.banks[i+1:]...)
		return api.OK()
	})
}
