package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openbank-homolog/homolog/stone"
)

func (s *Session) authSteps(add func(string, any)) {
	add(`^the application is authenticated$`, on(func(ctx context.Context, w *World) error {
		return s.ensureToken(ctx, w.scenario)
	}))
	add(`^the application requests an access token with a signed client assertion$`, on(func(ctx context.Context, w *World) error {
		w.token, w.err = s.cfg.Client.Authenticate(ctx)
		s.record(PrereqToken, w.scenario, w.token, w.err)
		return nil // the Then steps judge the outcome
	}))
	add(`^it receives a bearer access token valid for (\d+) seconds$`, onInt(func(_ context.Context, w *World, secs int64) error {
		tok, err := need(w.token, "access token", w.err)
		if err != nil {
			return err
		}
		if !strings.EqualFold(tok.TokenType, "bearer") {
			return fmt.Errorf("token_type is %q, want bearer", tok.TokenType)
		}
		if int64(tok.ExpiresIn) != secs {
			return fmt.Errorf("expires_in is %d seconds, want %d", tok.ExpiresIn, secs)
		}
		return nil
	}))
	add(`^the access token is reused for the next API calls$`, on(func(ctx context.Context, w *World) error {
		tok, err := need(w.token, "access token", w.err)
		if err != nil {
			return err
		}
		if _, err := s.cfg.Client.ListAccounts(ctx, stone.ListAccountsParams{}); err != nil {
			return fmt.Errorf("list accounts with the token: %w", err)
		}
		again, err := s.cfg.Client.Token(ctx)
		if err != nil {
			return err
		}
		// Compare fingerprints, never print tokens: equal means no new
		// token was requested for the call.
		if again.AccessToken != tok.AccessToken {
			return errors.New("a new access token was requested although the first one was still valid")
		}
		return nil
	}))
	add(`^the application requests an access token with an assertion signed by another key$`, on(func(ctx context.Context, w *World) error {
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
		w.token, w.err = stranger.Authenticate(ctx)
		return nil
	}))
	add(`^the token request is refused with status (\d+)$`, onInt(func(_ context.Context, w *World, status int64) error {
		se, err := w.apiError()
		if err != nil {
			return err
		}
		if int64(se.Status) != status {
			return fmt.Errorf("token request got status %d (%s), want %d", se.Status, se.Type, status)
		}
		return nil
	}))
}
