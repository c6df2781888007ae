package steps

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

// PrereqPIN is what a top-up needs, in blocked reports.
const PrereqPIN = "the account owner's PIN (fixtures.pin_env)"

// The phone number and TV/transport subscriber code of the docs' examples
// (stone-api-families.md §3.2).
const (
	topUpPhone      = "21971592768"
	topUpClientCode = "123456"
)

func topUpSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application lists the (games|digital-content|tv|transport) top-up providers$`, func(w *World) any { return w.listsTopUpProviders }).
			pt(`^a aplicação lista os fornecedores de recarga de (jogos|conteúdo digital|TV|transporte)$`),
		step(kindAction, `^the application looks up the mobile operator of the phone number in the docs$`, func(w *World) any { return w.looksUpOperator }).
			pt(`^a aplicação consulta a operadora do número de celular da documentação$`),
		step(kindCheck, `^the providers are listed with numeric ids$`, func(w *World) any { return w.providersListed }).
			pt(`^os fornecedores aparecem com ids numéricos$`),
		step(kindAction, `^the application dry-runs a (mobile|games|digital-content|tv|transport) top-up from provider "([^"]*)"$`, func(w *World) any { return w.dryRunsTopUp }).
			pt(`^a aplicação simula uma recarga de (celular|jogos|conteúdo digital|TV|transporte) do fornecedor "([^"]*)"$`),
		step(kindCheck, `^the top-up dry run is accepted, echoing the request$`, func(w *World) any { return w.topUpDryRunEchoes }).
			pt(`^a simulação da recarga é aceita, repetindo o pedido$`),
		step(kindAction, `^the application tops up (mobile|games|digital-content|tv|transport) from provider "([^"]*)" answering the owner's PIN challenge$`, func(w *World) any { return w.topsUp }).
			pt(`^a aplicação faz uma recarga de (celular|jogos|conteúdo digital|TV|transporte) do fornecedor "([^"]*)" respondendo ao desafio de PIN do titular$`),
		step(kindAction, `^the application tops up games from provider "([^"]*)" answering the challenge with a wrong PIN$`, func(w *World) any { return w.topsUpWrongPIN }).
			pt(`^a aplicação faz uma recarga de jogos do fornecedor "([^"]*)" respondendo ao desafio com um PIN errado$`),
		step(kindCheck, `^Stone asked for the owner's PIN before executing it$`, func(w *World) any { return w.topUpChallenged }).
			pt(`^a Stone pediu o PIN do titular antes de executá-la$`),
		step(kindCheck, `^the top-up is executed with a receipt and (a PIN code|an empty PIN code|no PIN code)$`, func(w *World) any { return w.topUpExecuted }).
			pt(`^a recarga é executada com um comprovante e (um código PIN|um código PIN vazio|sem código PIN)$`),
	}
}

func (w *World) listsTopUpProviders(ctx context.Context, product string) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.TopUpProviders(ctx, product)
		return err
	})
	w.topUpRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) looksUpOperator(ctx context.Context) error {
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.MobileTopUpProviders(ctx, topUpPhone)
		return err
	})
	w.topUpRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) providersListed(ctx context.Context) error {
	return w.verify(ctx, check.TopUpProviders, nil, check.Inputs{"response": w.topUpRecs})
}

// topUpRequest reads the provider's values and builds a request for the
// first one, with the docs' phone number or subscriber code.
func (w *World) topUpRequest(ctx context.Context, product, provider string) (stone.TopUpRequest, error) {
	if w.accountID == "" {
		return stone.TopUpRequest{}, errNoAccount
	}
	req := stone.TopUpRequest{AccountID: w.accountID, ProviderID: provider}
	switch product {
	case stone.TopUpMobile:
		req.Cellphone = topUpPhone
	case stone.TopUpTV, stone.TopUpTransport:
		req.ClientCode = topUpClientCode
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		vals, err := w.s.cfg.Client.TopUpValues(ctx, product, provider, req.Cellphone)
		if err == nil && len(vals) == 0 {
			err = fmt.Errorf("provider %s sells no %s value", provider, product)
		}
		if err == nil {
			req.Amount = vals[0].Value
		}
		return err
	})
	return req, w.succeeded(ctx, recs, err)
}

func (w *World) dryRunsTopUp(ctx context.Context, product, provider string) error {
	req, err := w.topUpRequest(ctx, product, provider)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.DryRunTopUp(ctx, product, req, w.key())
		return err
	})
	w.topUpRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) topUpDryRunEchoes(ctx context.Context) error {
	return w.verify(ctx, check.TopUpDryRun, nil, check.Inputs{"response": w.topUpRecs})
}

func (w *World) pin() (string, error) {
	if w.s.cfg.Fixtures.PIN == "" {
		why := w.s.cfg.Fixtures.NoPIN
		if why == "" {
			why = "no PIN is configured"
		}
		return "", &BlockedError{Prereq: PrereqPIN, Cause: errors.New(why + ": set fixtures.pin_env to the name of an environment variable holding the sandbox owner's PIN")}
	}
	return w.s.cfg.Fixtures.PIN, nil
}

func (w *World) topsUp(ctx context.Context, product, provider string) error {
	pin, err := w.pin()
	if err != nil {
		return err
	}
	return w.topUpWith(ctx, product, provider, pin, true)
}

func (w *World) topsUpWrongPIN(ctx context.Context, provider string) error {
	pin, err := w.pin()
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(pin)
	wrong := fmt.Sprintf("%0*d", len(pin), (n+1)%pow10(len(pin)))
	return w.topUpWith(ctx, stone.TopUpGames, provider, wrong, false)
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// topUpWith executes a top-up through Stone's challenge; a refusal is the
// scenario's to judge when expectOK is false.
func (w *World) topUpWith(ctx context.Context, product, provider, pin string, expectOK bool) error {
	req, err := w.topUpRequest(ctx, product, provider)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.TopUpWithPIN(ctx, product, req, w.key(), pin)
		return err
	})
	w.topUpRecs = recs
	if !expectOK {
		return nil
	}
	return w.succeeded(ctx, recs, err)
}

func (w *World) topUpChallenged(ctx context.Context) error {
	return w.verify(ctx, check.TopUpChallenged, nil, check.Inputs{"response": w.topUpRecs})
}

func (w *World) topUpExecuted(ctx context.Context, pin string) error {
	want := map[string]string{"a PIN code": "present", "an empty PIN code": "empty", "no PIN code": "absent"}[pin]
	return w.verify(ctx, check.TopUpExecuted, params("pin", want), check.Inputs{"response": w.topUpRecs})
}
