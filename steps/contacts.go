package steps

import (
	"context"
	"errors"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func contactSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application creates a contact$`, func(w *World) any { return w.createsContact }).
			pt(`^a aplicação cria um contato$`),
		step(kindCheck, `^the contact is saved as sent$`, func(w *World) any { return w.contactSaved }).
			pt(`^o contato é salvo como enviado$`),
		step(kindCheck, `^the contact is (listed|no longer listed) among the account's contacts$`, func(w *World) any { return w.contactListed }).
			pt(`^o contato (aparece|não aparece mais) entre os contatos da conta$`),
		step(kindCheck, `^the contact is found by its (tax id|account code|PIX key)$`, func(w *World) any { return w.contactFound }).
			pt(`^o contato é encontrado (pelo seu documento|pelo seu código de conta|pela sua chave PIX)$`),
		step(kindAction, `^the application changes the contact's e-mail$`, func(w *World) any { return w.updatesContact }).
			pt(`^a aplicação altera o e-mail do contato$`),
		step(kindAction, `^the application deletes the contact$`, func(w *World) any { return w.deletesContact }).
			pt(`^a aplicação exclui o contato$`),
		step(kindAction, `^the application adds (the bank account|the PIX key) in the fixtures to the contact$`, func(w *World) any { return w.addsBankAccount }).
			pt(`^a aplicação adiciona (a conta bancária|a chave PIX) das fixtures ao contato$`),
		step(kindAction, `^the application changes the contact's bank account to the PIX key in the fixtures$`, func(w *World) any { return w.updatesBankAccount }).
			pt(`^a aplicação troca a conta bancária do contato pela chave PIX das fixtures$`),
		step(kindAction, `^the application deletes the contact's bank account$`, func(w *World) any { return w.deletesBankAccount }).
			pt(`^a aplicação exclui a conta bancária do contato$`),
		step(kindCheck, `^the bank account is saved as sent$`, func(w *World) any { return w.bankAccountSaved }).
			pt(`^a conta bancária é salva como enviada$`),
		step(kindCheck, `^the contact (shows|no longer shows) the bank account$`, func(w *World) any { return w.contactShowsBankAccount }).
			pt(`^o contato (mostra|não mostra mais) a conta bancária$`),
	}
}

var errNoContact = errors.New("no contact: add \"When the application creates a contact\" before this step, or it failed")

// saveContact creates (id "") or updates the scenario's contact with req.
func (w *World) saveContact(ctx context.Context, id string, req stone.ContactRequest) error {
	if w.accountID == "" {
		return errNoAccount
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var ct *stone.Contact
		var err error
		if id == "" {
			ct, err = w.s.cfg.Client.CreateContact(ctx, w.accountID, req, w.key())
		} else {
			ct, err = w.s.cfg.Client.UpdateContact(ctx, w.accountID, id, req, w.key())
		}
		if err == nil {
			w.contact, w.contactReq = ct, req
		}
		return err
	})
	w.contactRecs = recs
	return w.succeeded(ctx, recs, err)
}

// createsContact adds a person with a CPF of its own to the account's
// contacts, so scenarios running at once never find each other's.
func (w *World) createsContact(ctx context.Context) error {
	return w.saveContact(ctx, "", stone.ContactRequest{Name: "Contato de Homologação", TaxID: personDocument(w.s.cfg.RunID + w.s.cfg.NewID()),
		Email: "contato+" + w.s.cfg.RunID + "@example.com", Mobile: "21 999999999"})
}

// updatesContact sends the contact whole, as an update does, with
// another e-mail.
func (w *World) updatesContact(ctx context.Context) error {
	if w.contact == nil {
		return errNoContact
	}
	req := w.contactReq
	req.Email = "contato+" + w.s.cfg.NewID() + "@example.com"
	return w.saveContact(ctx, w.contact.ID, req)
}

func (w *World) contactSaved(ctx context.Context) error {
	return w.verify(ctx, check.ContactSaved, nil, check.Inputs{"response": w.contactRecs})
}

func (w *World) deletesContact(ctx context.Context) error {
	if w.contact == nil {
		return errNoContact
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		return w.s.cfg.Client.DeleteContact(ctx, w.accountID, w.contact.ID)
	})
	return w.succeeded(ctx, recs, err)
}

// listContacts reads the account's contacts with filter f and judges the
// scenario's contact listed (or not).
func (w *World) listContacts(ctx context.Context, f stone.ContactFilter, listed bool) error {
	if w.contact == nil {
		return errNoContact
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Contacts(ctx, w.accountID, f)
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.ContactListed, params("listed", listed), check.Inputs{"contact": w.contactRecs, "list": recs})
}

func (w *World) contactListed(ctx context.Context, how string) error {
	return w.listContacts(ctx, stone.ContactFilter{}, how == "listed")
}

func (w *World) contactFound(ctx context.Context, by string) error {
	var f stone.ContactFilter
	switch by {
	case "tax id":
		f.TaxID = w.contactReq.TaxID
	case "account code", "PIX key":
		if w.bankAccount == nil {
			return errors.New("no bank account: add one to the contact before this step")
		}
		f.AccountCode, f.PixKey = w.bankAccount.AccountCode, w.bankAccount.PixKey
		if by == "account code" {
			f.PixKey = ""
		} else {
			f.AccountCode = ""
		}
	}
	return w.listContacts(ctx, f, true)
}

// fixtureBankAccount is the fixtures' bank account at another
// institution, or their PIX key alone.
func (w *World) fixtureBankAccount(what string) (stone.ContactBankAccountRequest, error) {
	if what == "the PIX key" {
		if w.s.cfg.Fixtures.PixKey == "" {
			return stone.ContactBankAccountRequest{}, errors.New("no PIX key: set fixtures.pix_key in scenarios.yaml")
		}
		return stone.ContactBankAccountRequest{PixKey: w.s.cfg.Fixtures.PixKey}, nil
	}
	t := w.s.cfg.Fixtures.TEDTarget
	if t == nil {
		return stone.ContactBankAccountRequest{}, errors.New("no bank account at another institution: set fixtures.ted_target in scenarios.yaml")
	}
	return stone.ContactBankAccountRequest{AccountCode: t.AccountCode, AccountType: t.AccountType, BranchCode: t.BranchCode, InstitutionCode: t.InstitutionCode}, nil
}

// saveBankAccount adds (id "") or updates one of the contact's bank accounts.
func (w *World) saveBankAccount(ctx context.Context, id, what string) error {
	if w.contact == nil {
		return errNoContact
	}
	req, err := w.fixtureBankAccount(what)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var b *stone.ContactBankAccount
		var err error
		if id == "" {
			b, err = w.s.cfg.Client.AddContactBankAccount(ctx, w.accountID, w.contact.ID, req, w.key())
		} else {
			b, err = w.s.cfg.Client.UpdateContactBankAccount(ctx, w.accountID, w.contact.ID, id, req, w.key())
		}
		if err == nil {
			w.bankAccount = b
		}
		return err
	})
	w.bankRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) addsBankAccount(ctx context.Context, what string) error {
	return w.saveBankAccount(ctx, "", what)
}

func (w *World) updatesBankAccount(ctx context.Context) error {
	if w.bankAccount == nil {
		return errors.New("no bank account: add one to the contact before this step")
	}
	return w.saveBankAccount(ctx, w.bankAccount.ID, "the PIX key")
}

func (w *World) deletesBankAccount(ctx context.Context) error {
	if w.contact == nil || w.bankAccount == nil {
		return errors.New("no bank account: add one to the contact before this step")
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		return w.s.cfg.Client.DeleteContactBankAccount(ctx, w.accountID, w.contact.ID, w.bankAccount.ID)
	})
	return w.succeeded(ctx, recs, err)
}

func (w *World) bankAccountSaved(ctx context.Context) error {
	return w.verify(ctx, check.ContactBankAccountSaved, nil, check.Inputs{"response": w.bankRecs})
}

// contactShowsBankAccount reads the contact and judges whether it shows
// the bank account last saved.
func (w *World) contactShowsBankAccount(ctx context.Context, how string) error {
	if w.contact == nil {
		return errNoContact
	}
	if w.bankAccount == nil {
		return errors.New("no bank account: add one to the contact before this step")
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Contact(ctx, w.accountID, w.contact.ID)
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.ContactShowsBankAccount, params("shown", how == "shows"), check.Inputs{"bank_account": w.bankRecs, "contact": recs})
}
