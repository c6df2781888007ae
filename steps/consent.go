package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/stone"
)

func (s *Session) consentSteps(add func(string, any)) {
	add(`^a consent link for the application's registered redirect URI$`, on(func(_ context.Context, w *World) error {
		return w.makeConsentLink()
	}))
	add(`^the account owner (approves|ignores) the consent request$`, onStr(func(ctx context.Context, w *World, decision string) error {
		if decision == "ignores" {
			w.consent, w.err = s.cfg.Owner.DecideConsent(ctx, w.consentLink, ConsentIgnore)
			return w.err
		}
		res, err := s.cfg.Owner.DecideConsent(ctx, w.consentLink, ConsentApprove)
		w.consent, w.err = res, err
		if err != nil {
			s.record(PrereqConsent, w.scenario, nil, err)
		}
		return err
	}))
	add(`^the owner is sent back with consent result "([^"]*)" and a resource id$`, onStr(func(_ context.Context, w *World, want string) error {
		res, err := need(w.consent, "consent result", w.err)
		if err != nil {
			return err
		}
		if res.Result != want {
			err := fmt.Errorf("consent_result is %q, want %q", res.Result, want)
			s.record(PrereqConsent, w.scenario, nil, err)
			return err
		}
		if res.ResourceID == "" {
			err := errors.New("the redirect carries no resource_id")
			s.record(PrereqConsent, w.scenario, nil, err)
			return err
		}
		w.accountID = res.ResourceID
		return nil
	}))
	add(`^the owner is sent back with consent result "([^"]*)" and no resource id$`, onStr(func(_ context.Context, w *World, want string) error {
		res, err := need(w.consent, "consent result", w.err)
		if err != nil {
			return err
		}
		if res.Result != want {
			return fmt.Errorf("consent_result is %q, want %q", res.Result, want)
		}
		if res.ResourceID != "" {
			return fmt.Errorf("the redirect names resource %q although the owner shared nothing", res.ResourceID)
		}
		return nil
	}))
	add(`^the redirect carries the session metadata back$`, on(func(_ context.Context, w *World) error {
		res, err := need(w.consent, "consent result", w.err)
		if err != nil {
			return err
		}
		for k, v := range w.consentMetadata {
			if got := res.SessionMetadata[k]; got != fmt.Sprint(v) {
				return fmt.Errorf("session metadata %q came back as %q, sent %q", k, got, v)
			}
		}
		return nil
	}))
	add(`^the consented account is listed among the application's accounts$`, on(func(ctx context.Context, w *World) error {
		page, err := s.cfg.Client.ListAccounts(ctx, stone.ListAccountsParams{})
		if err != nil {
			s.record(PrereqConsent, w.scenario, nil, err)
			return err
		}
		for _, a := range page.Data {
			if a.ID == w.accountID {
				// Only now is the consent proven usable by later scenarios.
				s.record(PrereqConsent, w.scenario, a.ID, nil)
				return nil
			}
		}
		err = fmt.Errorf("consented account %q is not among the %d accounts listed", w.accountID, len(page.Data))
		s.record(PrereqConsent, w.scenario, nil, err)
		return err
	}))
	add(`^the application can read the consented account's balance$`, on(func(ctx context.Context, w *World) error {
		w.balance, w.err = s.cfg.Client.Balance(ctx, w.accountID)
		return w.err
	}))
	add(`^the owner has consented to share an account$`, on(func(ctx context.Context, w *World) error {
		id, err := s.ensureConsent(ctx, w)
		w.accountID = id
		return err
	}))
}

// makeConsentLink builds a consent link whose session metadata names this
// run and scenario, so the redirect can be matched to the request.
func (w *World) makeConsentLink() error {
	cfg := w.s.cfg
	if cfg.Fixtures.RedirectURI == "" {
		return errors.New("no redirect URI: set client.redirect_uri in scenarios.yaml to the URI registered with Stone")
	}
	w.consentMetadata = map[string]any{"homolog_run": cfg.RunID, "homolog_session": cfg.NewID()}
	link, err := cfg.Client.ConsentLink(stone.ConsentRequest{RedirectURI: cfg.Fixtures.RedirectURI, SessionMetadata: w.consentMetadata})
	if err != nil {
		return err
	}
	w.consentLink = link
	return nil
}

// ensureConsent returns the id of an account shared with the application:
// the configured one, the one an earlier scenario obtained, or a new
// consent asked of the owner now.
func (s *Session) ensureConsent(ctx context.Context, w *World) (string, error) {
	if err := s.awaitBuilder(ctx, PrereqConsent, w.id); err != nil {
		return "", err
	}
	v, err := s.ensure(ctx, PrereqConsent, w.scenario, func(ctx context.Context) (any, error) {
		if id := s.cfg.Fixtures.ConsentedAccountID; id != "" {
			return id, nil
		}
		if err := w.makeConsentLink(); err != nil {
			return nil, err
		}
		res, err := s.cfg.Owner.DecideConsent(ctx, w.consentLink, ConsentApprove)
		if err != nil {
			return nil, err
		}
		if res.Result != "approved" && res.Result != "already_granted" || res.ResourceID == "" {
			return nil, fmt.Errorf("consent came back %q with resource_id %q", res.Result, res.ResourceID)
		}
		return res.ResourceID, nil
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}
