package stone

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Contacts (contatos, stone-api-families.md §5.1): the people and
// companies an account pays, each with bank accounts and PIX keys, under
// /accounts/{account_id}/contacts. Updates are POSTs, not PUTs, and send
// the contact (or bank account) whole.

// Contact is a contact as Stone answers it. Members Stone leaves null
// when not filled (tax_id, email, mobile) decode as "".
type Contact struct {
	ID           string               `json:"id"`
	Name         string               `json:"name"`
	TaxID        string               `json:"tax_id"`
	Email        string               `json:"email"`
	Mobile       string               `json:"mobile"`
	BankAccounts []ContactBankAccount `json:"bank_accounts"`
}

// ContactBankAccount is one of a contact's bank accounts, or a PIX key
// alone (its account members null, read as ""). The single-contact read
// adds the institution.
type ContactBankAccount struct {
	ID              string              `json:"id"`
	AccountCode     string              `json:"account_code"`
	AccountType     string              `json:"account_type"`
	BranchCode      string              `json:"branch_code"`
	InstitutionCode string              `json:"institution_code"`
	PixKey          string              `json:"pix_key"`
	Institution     *ContactInstitution `json:"institution,omitempty"`
}

// ContactInstitution names a bank account's institution.
type ContactInstitution struct {
	Compe          string `json:"compe"`
	ISPB           string `json:"ispb"`
	Name           string `json:"name"`
	SPIParticipant bool   `json:"spi_participant"`
	STRParticipant bool   `json:"str_participant"`
}

// ContactRequest is the body of a contact's creation and of its update
// (the same fields): Name is required (the page's earlier export marked
// it so, and the object never leaves it null); TaxID is a CPF or CNPJ,
// digits only.
type ContactRequest struct {
	Name   string `json:"name"`
	TaxID  string `json:"tax_id,omitempty"`
	Email  string `json:"email,omitempty"`
	Mobile string `json:"mobile,omitempty"`
}

// ContactBankAccountRequest is a bank account to add to a contact, or its
// update: an account (AccountCode and InstitutionCode, an ISPB or a bank
// number) or a PIX key alone.
type ContactBankAccountRequest struct {
	AccountCode     string `json:"account_code,omitempty"`
	AccountType     string `json:"account_type,omitempty"`
	BranchCode      string `json:"branch_code,omitempty"`
	InstitutionCode string `json:"institution_code,omitempty"`
	PixKey          string `json:"pix_key,omitempty"`
}

// ContactFilter narrows the list (the four documented query parameters);
// zero values are not sent.
type ContactFilter struct {
	TaxID           string
	AccountCode     string
	InstitutionCode string
	PixKey          string
}

func (r ContactRequest) check(op string) error {
	if err := checkRequired(op, "name", r.Name); err != nil {
		return err
	}
	if r.TaxID != "" {
		if err := checkDocument(op, "tax_id", r.TaxID, ""); err != nil {
			return err
		}
	}
	if r.Email != "" && !reEmail.MatchString(r.Email) {
		return fmt.Errorf("stone: %s: email %q is not an address", op, r.Email)
	}
	return nil
}

func (r ContactBankAccountRequest) check(op string) error {
	account := r.AccountCode != "" || r.InstitutionCode != "" || r.BranchCode != "" || r.AccountType != ""
	switch {
	case !account && r.PixKey == "":
		return fmt.Errorf("stone: %s: account_code and institution_code, or a pix_key, are required", op)
	case !account:
		return nil
	case r.AccountCode == "" || !isDigits(r.AccountCode):
		return fmt.Errorf("stone: %s: account_code must be digits, got %q", op, r.AccountCode)
	case !reInstitutionCode.MatchString(r.InstitutionCode):
		return fmt.Errorf("stone: %s: institution_code must be an ISPB (8 digits) or a bank number (3 digits), got %q", op, r.InstitutionCode)
	case r.BranchCode != "" && !isDigits(r.BranchCode):
		return fmt.Errorf("stone: %s: branch_code must be digits, got %q", op, r.BranchCode)
	}
	return checkOneOf(op, "account_type", r.AccountType, "CC", "CD", "CG", "CI", "PG", "PP")
}

// contactsPath is /accounts/{account_id}/contacts[/{contact_id}], escaped.
func contactsPath(op, accountID string, contactID ...string) (string, error) {
	acc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return "", err
	}
	p := "/accounts/" + acc + "/contacts"
	for _, id := range contactID {
		esc, err := escapeID(op, "contact id", id)
		if err != nil {
			return "", err
		}
		p += "/" + esc
	}
	return p, nil
}

// CreateContact adds a contact to the account, with an idempotency key
// (generated when key is ""), as documented.
func (c *Client) CreateContact(ctx context.Context, accountID string, req ContactRequest, key string) (*Contact, error) {
	const op = "create contact"
	if err := req.check(op); err != nil {
		return nil, err
	}
	p, err := contactsPath(op, accountID)
	if err != nil {
		return nil, err
	}
	return postIdempotent[Contact](ctx, c, op, p, req, key)
}

// Contacts lists the account's contacts: a bare array, not a page.
func (c *Client) Contacts(ctx context.Context, accountID string, f ContactFilter) ([]Contact, error) {
	const op = "list contacts"
	p, err := contactsPath(op, accountID)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	setIf(q, "tax_id", f.TaxID)
	setIf(q, "account_code", f.AccountCode)
	setIf(q, "institution_code", f.InstitutionCode)
	setIf(q, "pix_key", f.PixKey)
	var v []Contact
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: p, query: q}, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// Contact reads one contact; its bank accounts name their institution.
func (c *Client) Contact(ctx context.Context, accountID, contactID string) (*Contact, error) {
	const op = "get contact"
	p, err := contactsPath(op, accountID, contactID)
	if err != nil {
		return nil, err
	}
	var v Contact
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: p}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// UpdateContact replaces a contact's fields: POST
// /accounts/{account_id}/contacts/{contact_id} (a POST, as documented)
// with the contact whole, under an idempotency key.
func (c *Client) UpdateContact(ctx context.Context, accountID, contactID string, req ContactRequest, key string) (*Contact, error) {
	const op = "update contact"
	if err := req.check(op); err != nil {
		return nil, err
	}
	p, err := contactsPath(op, accountID, contactID)
	if err != nil {
		return nil, err
	}
	return postIdempotent[Contact](ctx, c, op, p, req, key)
}

// DeleteContact deletes a contact; Stone answers 200 with no body.
func (c *Client) DeleteContact(ctx context.Context, accountID, contactID string) error {
	const op = "delete contact"
	p, err := contactsPath(op, accountID, contactID)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: p}, nil)
}

// AddContactBankAccount adds a bank account (or a PIX key) to a contact.
func (c *Client) AddContactBankAccount(ctx context.Context, accountID, contactID string, req ContactBankAccountRequest, key string) (*ContactBankAccount, error) {
	const op = "add contact bank account"
	if err := req.check(op); err != nil {
		return nil, err
	}
	p, err := contactsPath(op, accountID, contactID)
	if err != nil {
		return nil, err
	}
	return postIdempotent[ContactBankAccount](ctx, c, op, p+"/bank_accounts", req, key)
}

// UpdateContactBankAccount replaces one of a contact's bank accounts
// (POST, with the bank account whole).
func (c *Client) UpdateContactBankAccount(ctx context.Context, accountID, contactID, bankAccountID string, req ContactBankAccountRequest, key string) (*ContactBankAccount, error) {
	const op = "update contact bank account"
	if err := req.check(op); err != nil {
		return nil, err
	}
	p, err := contactsPath(op, accountID, contactID)
	if err != nil {
		return nil, err
	}
	esc, err := escapeID(op, "bank account id", bankAccountID)
	if err != nil {
		return nil, err
	}
	return postIdempotent[ContactBankAccount](ctx, c, op, p+"/bank_accounts/"+esc, req, key)
}

// DeleteContactBankAccount removes one of a contact's bank accounts;
// Stone answers 200 with no body.
func (c *Client) DeleteContactBankAccount(ctx context.Context, accountID, contactID, bankAccountID string) error {
	const op = "delete contact bank account"
	p, err := contactsPath(op, accountID, contactID)
	if err != nil {
		return err
	}
	esc, err := escapeID(op, "bank account id", bankAccountID)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: p + "/bank_accounts/" + esc}, nil)
}
