package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openbank-homolog/homolog/stone"
)

// unsharedAccountID is an account id no application has been given: Stone
// answers 403 for it exactly as for a real account nobody shared, since it
// never reveals whether an account exists.
const unsharedAccountID = "00000000-0000-4000-8000-000000000000"

func (s *Session) accountSteps(add func(string, any)) {
	add(`^the application lists its accounts$`, on(func(ctx context.Context, w *World) error {
		w.accounts, w.err = s.cfg.Client.ListAccounts(ctx, stone.ListAccountsParams{})
		return w.err
	}))
	add(`^the list contains the application's own account$`, on(func(_ context.Context, w *World) error {
		page, err := need(w.accounts, "account list", w.err)
		if err != nil {
			return err
		}
		id, err := s.pickOwnAccount(page.Data)
		s.record(PrereqOwnAccount, w.scenario, id, err)
		return err
	}))
	add(`^the application's own account is known$`, on(func(ctx context.Context, w *World) error {
		id, err := s.ensureOwnAccount(ctx, w.scenario)
		w.accountID = id
		return err
	}))
	add(`^the application reads the account$`, on(func(ctx context.Context, w *World) error {
		w.account, w.err = s.cfg.Client.Account(ctx, w.accountID)
		return w.err
	}))
	add(`^the application reads the account balance$`, on(func(ctx context.Context, w *World) error {
		w.balance, w.err = s.cfg.Client.Balance(ctx, w.accountID)
		return w.err
	}))
	add(`^the account is the one that was listed$`, on(func(_ context.Context, w *World) error {
		acc, err := need(w.account, "account", w.err)
		if err != nil {
			return err
		}
		if acc.ID != w.accountID {
			return fmt.Errorf("read account %q, asked for %q", acc.ID, w.accountID)
		}
		if acc.AccountCode == "" || acc.BranchCode == "" {
			return fmt.Errorf("account %q lacks account_code or branch_code", acc.ID)
		}
		return nil
	}))
	add(`^the balance is a non-negative amount in centavos$`, on(func(_ context.Context, w *World) error {
		b, err := need(w.balance, "balance", w.err)
		if err != nil {
			return err
		}
		if b.Balance < 0 || b.BlockedBalance < 0 {
			return fmt.Errorf("balance %d, blocked %d: want non-negative centavos", b.Balance, b.BlockedBalance)
		}
		return nil
	}))
	add(`^the application reads the statement (\d+) entries at a time until the last page$`, onInt(func(ctx context.Context, w *World, limit int64) error {
		w.entries, w.pages = nil, 0
		p := stone.StatementParams{Limit: int(limit)}
		for {
			page, err := s.cfg.Client.Statement(ctx, w.accountID, p)
			if err != nil {
				w.err = err
				return err
			}
			w.pages++
			if len(page.Data) > int(limit) {
				return fmt.Errorf("page %d has %d entries, more than the limit %d", w.pages, len(page.Data), limit)
			}
			w.entries = append(w.entries, page.Data...)
			if page.Cursor.After == nil || *page.Cursor.After == "" {
				return nil
			}
			if w.pages > 1000 {
				return errors.New("statement did not end after 1000 pages: the cursor does not advance")
			}
			p.After = *page.Cursor.After
		}
	}))
	add(`^the statement has more than one page$`, on(func(_ context.Context, w *World) error {
		if w.pages < 2 {
			return fmt.Errorf("the statement had %d page(s) of %d entries; pagination was not exercised", w.pages, len(w.entries))
		}
		return nil
	}))
	add(`^every statement entry appears exactly once$`, on(func(_ context.Context, w *World) error {
		seen := map[string]int{}
		for i, e := range w.entries {
			if j, dup := seen[e.ID]; dup {
				return fmt.Errorf("entry %s appears at positions %d and %d", e.ID, j+1, i+1)
			}
			seen[e.ID] = i
		}
		if len(seen) == 0 {
			return errors.New("the statement is empty")
		}
		return nil
	}))
	add(`^every statement entry has balance_after equal to balance_before plus amount$`, on(func(_ context.Context, w *World) error {
		var bad []string
		for _, e := range w.entries {
			if e.BalanceAfter != e.BalanceBefore+e.Amount {
				bad = append(bad, fmt.Sprintf("%s: %d + %d != %d", e.ID, e.BalanceBefore, e.Amount, e.BalanceAfter))
			}
		}
		if len(bad) > 0 {
			return fmt.Errorf("%d entries break balance_after = balance_before + amount: %s", len(bad), strings.Join(bad, "; "))
		}
		return nil
	}))
	add(`^the application reads an account that nobody shared with it$`, on(func(ctx context.Context, w *World) error {
		_, w.err = s.cfg.Client.Account(ctx, unsharedAccountID)
		return nil
	}))
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
