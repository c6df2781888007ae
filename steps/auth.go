package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func authSteps() []Definition {
	return []Definition{
		step(kindEnsure, `^the application is authenticated$`, func(w *World) any { return w.isAuthenticated }).
			pt(`^(?:que )?a aplicação está autenticada$`),
		step(kindAction, `^the application requests an access token with a signed client assertion$`, func(w *World) any { return w.requestsToken }).
			pt(`^a aplicação solicita um token de acesso com uma asserção de cliente assinada$`),
		step(kindCheck, `^it receives a bearer access token valid for (\d+) seconds$`, func(w *World) any { return w.receivesToken }).
			pt(`^ela recebe um token de acesso bearer válido por (\d+) segundos$`),
		step(kindCheck, `^the access token is reused for the next API calls$`, func(w *World) any { return w.tokenReused }).
			pt(`^o token de acesso é reutilizado nas próximas chamadas à API$`),
		step(kindAction, `^the application requests an access token with an assertion signed by another key$`, func(w *World) any { return w.requestsTokenAsStranger }).
			pt(`^a aplicação solicita um token de acesso com uma asserção assinada por outra chave$`),
		step(kindCheck, `^the token request is refused with status (\d+)$`, func(w *World) any { return w.tokenRefused }).
			pt(`^o pedido de token é recusado com status (\d+)$`),
	}
}

func (w *World) isAuthenticated(ctx context.Context) error {
	return w.s.ensureToken(ctx, w.scenario)
}

func (w *World) requestsToken(ctx context.Context) error {
	w.tokenRecs, _ = w.call(ctx, func(ctx context.Context) error {
		var err error
		w.token, err = w.s.cfg.Client.Authenticate(ctx)
		return err
	})
	w.s.record(PrereqToken, w.scenario, w.token, w.err)
	return nil // the Then steps judge the outcome
}

func (w *World) receivesToken(ctx context.Context, secs int64) error {
	return w.verify(ctx, check.TokenIssued, params("seconds", secs), check.Inputs{"token": w.tokenRecs})
}

// tokenReused makes an API call and checks, from what was sent, that it
// carried the token issued before and that no new token was requested.
func (w *World) tokenReused(ctx context.Context) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.ListAccounts(ctx, stone.ListAccountsParams{})
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return fmt.Errorf("list accounts with the token: %w", err)
	}
	return w.verify(ctx, check.TokenReused, nil, check.Inputs{"token": w.tokenRecs, "calls": recs})
}

func (w *World) requestsTokenAsStranger(ctx context.Context) error {
	s := w.s
	if s.cfg.NewKey == nil {
		return errors.New("steps: no key generator configured for the forged-assertion scenario")
	}
	key, err := s.cfg.NewKey()
	if err != nil {
		return fmt.Errorf("generate a stranger's key: %w", err)
	}
	stranger, err := stone.New(stone.Options{
		Endpoints:  s.cfg.Client.Endpoints(),
		ClientID:   s.cfg.Client.ClientID(),
		PrivateKey: key,
		HTTPClient: s.cfg.HTTPClient,
	})
	if err != nil {
		return err
	}
	w.tokenRecs, _ = w.call(ctx, func(ctx context.Context) error {
		var err error
		w.token, err = stranger.Authenticate(ctx)
		return err
	})
	return nil
}

func (w *World) tokenRefused(ctx context.Context, status int64) error {
	return w.verify(ctx, check.Refused, params("status", status), check.Inputs{"response": w.tokenRecs})
}
