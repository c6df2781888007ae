package contact

import "github.com/openbank-homolog/homolog/simulator/internal/institutions"

// The documented shapes of the family, in one place (stone-api-families.md
// §5.1; the RA/contatos pages' examples): every member is always present,
// null when not filled, and bank_accounts [] rather than null.

// fields are a contact's own members, as sent and as answered.
type fields struct {
	Name   string  `json:"name"`
	TaxID  *string `json:"tax_id"`
	Email  *string `json:"email"`
	Mobile *string `json:"mobile"`
}

type contact struct {
	fields
	ID        string
	accountID string
	banks     []*bankAccount
	deleted   bool
}

// view is a contact as the API answers it.
type view struct {
	BankAccounts []bankView `json:"bank_accounts"`
	fields
	ID string `json:"id"`
}

// view renders the contact; with a directory (the single-contact GET),
// each bank account also names its institution, as that page's example
// does.
func (c *contact) view(dir *institutions.Directory) view {
	v := view{BankAccounts: []bankView{}, fields: c.fields, ID: c.ID}
	for _, b := range c.banks {
		v.BankAccounts = append(v.BankAccounts, b.view(dir))
	}
	return v
}

// bankFields are a bank account's members; a PIX-key-only entry has
// every account member null.
type bankFields struct {
	AccountCode     *string `json:"account_code"`
	AccountType     *string `json:"account_type"`
	BranchCode      *string `json:"branch_code"`
	InstitutionCode *string `json:"institution_code"`
	PixKey          *string `json:"pix_key"`
}

type bankAccount struct {
	bankFields
	ID string
}

type bankView struct {
	bankFields
	ID          string           `json:"id"`
	Institution *institutionView `json:"institution,omitempty"`
}

// institutionView is the institution the single-contact GET adds to a
// bank account: {compe, ispb, name, spi_participant, str_participant}.
type institutionView struct {
	Compe          *string `json:"compe"`
	ISPB           string  `json:"ispb"`
	Name           string  `json:"name"`
	SPIParticipant bool    `json:"spi_participant"`
	STRParticipant bool    `json:"str_participant"`
}

func (b *bankAccount) view(dir *institutions.Directory) bankView {
	v := bankView{bankFields: b.bankFields, ID: b.ID}
	if dir == nil || b.InstitutionCode == nil {
		return v
	}
	if in, ok := dir.Find(*b.InstitutionCode); ok {
		v.Institution = &institutionView{Compe: in.NumberCode, ISPB: in.ISPBCode, Name: in.Name,
			SPIParticipant: in.SPIParticipant, STRParticipant: in.STRParticipant}
	}
	return v
}
