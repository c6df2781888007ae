package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

// unsharedAccountID is an account id no application has been given: Stone
// answers 403 for it exactly as for a real account nobody shared, since it
// never reveals whether an account exists.
const unsharedAccountID = "00000000-0000-4000-8000-000000000000"

func accountSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application lists its accounts$`, func(w *World) any { return w.listsAccounts }).
			pt(`^a aplicação lista suas contas$`),
		step(kindCheck, `^the list contains the application's own account$`, func(w *World) any { return w.listHasOwnAccount }).
			pt(`^a lista contém a conta própria da aplicação$`),
		step(kindEnsure, `^the application's own account is known$`, func(w *World) any { return w.ownAccountKnown }).
			pt(`^(?:que )?a conta própria da aplicação é conhecida$`),
		step(kindAction, `^the application reads the account$`, func(w *World) any { return w.readsAccount }).
			pt(`^a aplicação lê a conta$`),
		step(kindAction, `^the application reads the account balance$`, func(w *World) any { return w.readsBalance }).
			pt(`^a aplicação lê o saldo da conta$`),
		step(kindCheck, `^the account is the one that was listed$`, func(w *World) any { return w.accountIsListed }).
			pt(`^a conta é a que foi listada$`),
		step(kindCheck, `^the balance is a non-negative amount in centavos$`, func(w *World) any { return w.balanceNonNegative }).
			pt(`^o saldo é um valor não negativo em centavos$`),
		step(kindAction, `^the application reads the statement (\d+) entries at a time until the last page$`, func(w *World) any { return w.readsStatement }).
			pt(`^a aplicação lê o extrato (\d+) lançamentos por vez até a última página$`),
		step(kindCheck, `^the statement has more than one page$`, func(w *World) any { return w.statementPaged }).
			pt(`^o extrato tem mais de uma página$`),
		step(kindCheck, `^every statement entry appears exactly once$`, func(w *World) any { return w.entriesOnce }).
			pt(`^cada lançamento do extrato aparece exatamente uma vez$`),
		step(kindCheck, `^every statement entry has balance_after equal to balance_before plus amount$`, func(w *World) any { return w.entriesBalanced }).
			pt(`^cada lançamento do extrato tem balance_after igual a balance_before mais amount$`),
		step(kindCheck, `^every statement entry starts at the balance the entry before it ended at$`, func(w *World) any { return w.entriesChain }).
			pt(`^cada lançamento do extrato começa no saldo em que o lançamento anterior terminou$`),
		step(kindAction, `^the application reads an account that nobody shared with it$`, func(w *World) any { return w.readsUnsharedAccount }).
			pt(`^a aplicação lê uma conta que ninguém compartilhou com ela$`),
	}
}

func (w *World) listsAccounts(ctx context.Context) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.accounts, err = w.s.cfg.Client.ListAccounts(ctx, stone.ListAccountsParams{})
		return err
	})
	w.accountsRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) listHasOwnAccount(ctx context.Context) error {
	s := w.s
	if err := w.verify(ctx, check.OwnAccountListed, params("account_id", s.cfg.Fixtures.OwnAccountID), check.Inputs{"accounts": w.accountsRecs}); err != nil {
		s.record(PrereqOwnAccount, w.scenario, nil, err)
		return err
	}
	page, err := need(w.accounts, "account list", w.err)
	if err != nil {
		return err
	}
	id, err := s.pickOwnAccount(page.Data)
	s.record(PrereqOwnAccount, w.scenario, id, err)
	return err
}

func (w *World) ownAccountKnown(ctx context.Context) error {
	id, err := w.s.ensureOwnAccount(ctx, w.scenario)
	w.accountID = id
	return err
}

func (w *World) readsAccount(ctx context.Context) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.account, err = w.s.cfg.Client.Account(ctx, w.accountID)
		return err
	})
	w.accountRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) readsBalance(ctx context.Context) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.balance, err = w.s.cfg.Client.Balance(ctx, w.accountID)
		return err
	})
	w.balanceRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) accountIsListed(ctx context.Context) error {
	return w.verify(ctx, check.AccountRead, params("account_id", w.accountID), check.Inputs{"account": w.accountRecs})
}

func (w *World) balanceNonNegative(ctx context.Context) error {
	return w.verify(ctx, check.BalanceNonNegative, nil, check.Inputs{"balance": w.balanceRecs})
}

// readsStatement walks the statement page by page with the cursor Stone
// returns, keeping every page's records for the checks.
func (w *World) readsStatement(ctx context.Context, limit int64) error {
	if w.accountID == "" {
		return errNoAccount
	}
	w.pageRecs, w.pageLimit = nil, limit
	p := stone.StatementParams{Limit: int(limit)}
	for pages := 1; ; pages++ {
		var page *stone.StatementPage
		recs, err := w.call(ctx, func(ctx context.Context) error {
			var err error
			page, err = w.s.cfg.Client.Statement(ctx, w.accountID, p)
			return err
		})
		w.pageRecs = append(w.pageRecs, recs...)
		if err != nil {
			return w.succeeded(ctx, recs, err)
		}
		if page.Cursor.After == nil || *page.Cursor.After == "" {
			return nil
		}
		if pages >= 1000 {
			return errors.New("the statement did not end after 1000 pages: the cursor does not advance")
		}
		p.After = *page.Cursor.After
	}
}

func (w *World) statementPaged(ctx context.Context) error {
	return w.verify(ctx, check.StatementPages, params("limit", w.pageLimit), check.Inputs{"pages": w.pageRecs})
}

func (w *World) entriesOnce(ctx context.Context) error {
	return w.verify(ctx, check.StatementEntriesOnce, nil, check.Inputs{"pages": w.pageRecs})
}

func (w *World) entriesBalanced(ctx context.Context) error {
	return w.verify(ctx, check.StatementEntriesBalanced, nil, check.Inputs{"pages": w.pageRecs})
}

func (w *World) entriesChain(ctx context.Context) error {
	return w.verify(ctx, check.StatementChain, nil, check.Inputs{"pages": w.pageRecs})
}

func (w *World) readsUnsharedAccount(ctx context.Context) error {
	_, _ = w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Account(ctx, unsharedAccountID)
		return err
	})
	return nil // the Then step judges the refusal
}

// ensureOwnAccount returns the application's own account id, listing the
// accounts if no scenario has found it yet.
func (s *Session) ensureOwnAccount(ctx context.Context, scenario string) (string, error) {
	v, err := s.ensure(ctx, PrereqOwnAccount, scenario, func(ctx context.Context) (any, error) {
		page, err := s.cfg.Client.ListAccounts(ctx, stone.ListAccountsParams{})
		if err != nil {
			return "", err
		}
		return s.pickOwnAccount(page.Data)
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

// pickOwnAccount finds the own account in a listing: the configured one, or
// the only account when the application sees exactly one.
func (s *Session) pickOwnAccount(accounts []stone.Account) (string, error) {
	want := s.cfg.Fixtures.OwnAccountID
	if want != "" {
		for _, a := range accounts {
			if a.ID == want {
				return want, nil
			}
		}
		return "", fmt.Errorf("the configured own account %q (fixtures.own_account_id) is not among the %d accounts listed", want, len(accounts))
	}
	switch len(accounts) {
	case 0:
		return "", errors.New("the application can see no account at all")
	case 1:
		return accounts[0].ID, nil
	default:
		return "", fmt.Errorf("the application sees %d accounts; set fixtures.own_account_id in scenarios.yaml to say which is its own", len(accounts))
	}
}
