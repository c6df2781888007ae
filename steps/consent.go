package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

// The consent steps the plan is read for: who asks the owner to approve
// (and builds the consent other scenarios use), who needs one.
const (
	consentDecisionStep = `^the account owner (approves|ignores) the consent request$`
	consentEnsureStep   = `^the owner has consented to share an account$`
)

func consentSteps() []Definition {
	return []Definition{
		step(kindAction, `^a consent link for the application's registered redirect URI$`, func(w *World) any { return w.consentLinkStep }).
			pt(`^(?:que existe )?um link de consentimento para a URI de redirecionamento registrada da aplicação$`),
		step(kindOwner, consentDecisionStep, func(w *World) any { return w.ownerDecidesConsent }).
			pt(`^o titular da conta (aprova|ignora) o pedido de consentimento$`),
		step(kindCheck, `^the owner is sent back with consent result "([^"]*)" and a resource id$`, func(w *World) any { return w.sentBackWithResource }).
			pt(`^o titular é redirecionado de volta com o resultado de consentimento "([^"]*)" e um id de recurso$`),
		step(kindCheck, `^the owner is sent back with consent result "([^"]*)" and no resource id$`, func(w *World) any { return w.sentBackWithoutResource }).
			pt(`^o titular é redirecionado de volta com o resultado de consentimento "([^"]*)" e sem id de recurso$`),
		step(kindCheck, `^the redirect carries the session metadata back$`, func(w *World) any { return w.metadataBack }).
			pt(`^o redirecionamento traz de volta os metadados da sessão$`),
		step(kindCheck, `^the consented account is listed among the application's accounts$`, func(w *World) any { return w.consentedAccountListed }).
			pt(`^a conta consentida aparece entre as contas da aplicação$`),
		step(kindCheck, `^the application can read the consented account's balance$`, func(w *World) any { return w.readsConsentedBalance }).
			pt(`^a aplicação consegue ler o saldo da conta consentida$`),
		step(kindEnsure, consentEnsureStep, func(w *World) any { return w.ownerHasConsented }).
			pt(`^(?:que )?o titular consentiu em compartilhar uma conta$`),
	}
}

func (w *World) consentLinkStep(context.Context) error { return w.makeConsentLink() }

func (w *World) ownerDecidesConsent(ctx context.Context, decision string) error {
	s := w.s
	d := ConsentApprove
	if decision == "ignores" {
		d = ConsentIgnore
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.consent, err = s.cfg.Owner.DecideConsent(ctx, w.consentAsk(d))
		return err
	})
	w.consentRecs = recs
	if err != nil && d == ConsentApprove {
		s.record(PrereqConsent, w.scenario, nil, err)
	}
	return err
}

// sentBackWithResource checks the first approval. On a rerun against the
// sandbox, where the plan names an account already shared
// (fixtures.consented_account_id), a consent can be given only once: Stone
// answers a second one already_granted, and that is what is expected.
func (w *World) sentBackWithResource(ctx context.Context, want string) error {
	resource, shared := "present", w.s.cfg.Fixtures.ConsentedAccountID
	if shared != "" && want == "approved" {
		want, resource = "already_granted", "any"
	}
	err := w.verify(ctx, check.ConsentRedirect, params("result", want, "resource", resource), w.redirectInputs())
	if err != nil {
		w.s.record(PrereqConsent, w.scenario, nil, err)
		return err
	}
	res, err := need(w.consent, "consent result", w.err)
	if err != nil {
		return err
	}
	w.accountID = res.ResourceID
	if w.accountID == "" {
		w.accountID = shared
	}
	return nil
}

func (w *World) sentBackWithoutResource(ctx context.Context, want string) error {
	return w.verify(ctx, check.ConsentRedirect, params("result", want, "resource", "absent"), w.redirectInputs())
}

func (w *World) metadataBack(ctx context.Context) error {
	in := w.redirectInputs()
	in["link"] = persons(w.consentRecs, check.PersonPrompt)
	return w.verify(ctx, check.ConsentMetadata, nil, in)
}

// redirectInputs are the owner's answers to the consent request: the
// address the consent page sent them back to.
func (w *World) redirectInputs() check.Inputs {
	return check.Inputs{"redirect": persons(w.consentRecs, check.PersonAnswer)}
}

func (w *World) consentedAccountListed(ctx context.Context) error {
	s := w.s
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := s.cfg.Client.ListAccounts(ctx, stone.ListAccountsParams{})
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		s.record(PrereqConsent, w.scenario, nil, err)
		return err
	}
	in := w.redirectInputs()
	in["accounts"] = recs
	if err := w.verify(ctx, check.ConsentedAccountListed, params("account_id", w.s.cfg.Fixtures.ConsentedAccountID), in); err != nil {
		s.record(PrereqConsent, w.scenario, nil, err)
		return err
	}
	// Only now is the consent proven usable by later scenarios.
	s.record(PrereqConsent, w.scenario, w.accountID, nil)
	return nil
}

func (w *World) readsConsentedBalance(ctx context.Context) error {
	return w.readsBalance(ctx)
}

func (w *World) ownerHasConsented(ctx context.Context) error {
	id, err := w.s.ensureConsent(ctx, w)
	w.accountID = id
	return err
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

// consentAsk is the scenario's consent link as a question to the owner.
func (w *World) consentAsk(decision string) ConsentAsk {
	return ConsentAsk{Link: w.consentLink, Decision: decision, RedirectURI: w.s.cfg.Fixtures.RedirectURI,
		Metadata: w.consentMetadata, Scenario: w.scenario}
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
		res, err := s.cfg.Owner.DecideConsent(ctx, w.consentAsk(ConsentApprove))
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
