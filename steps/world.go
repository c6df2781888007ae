package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbank-homolog/homolog/stone"
)

// World is the state of one scenario: what its When steps produced for its
// Then steps to check. A new World is made for every scenario, so scenarios
// never see each other's responses, even when run concurrently.
type World struct {
	s        *Session
	id       string // the scenario's id in the plan
	scenario string

	err   error // the last API call's error, for "is refused" steps
	token *stone.Token

	accounts  *stone.AccountPage
	accountID string // the account the scenario is about
	account   *stone.Account
	balance   *stone.Balance
	entries   []stone.StatementEntry
	pages     int

	consentLink     string
	consentMetadata map[string]any
	consent         *stone.ConsentResult

	transferReq stone.InternalTransferRequest
	idemKey     string
	transfer    *stone.InternalTransfer
	replay      *stone.InternalTransfer
	dryRun      *stone.InternalTransfer

	ted      *stone.ExternalTransfer
	pix      *stone.OutboundPixPayment
	brcode   *stone.BRCode
	pixKeyID string
	check    *stone.PaymentDryRun
	barcode  string
	payment  *stone.Payment
	invoice  *stone.BarcodePaymentInvoice
	limits   *stone.InvoiceLimits

	fees         *stone.FeePage
	institutions []stone.Institution

	webhookID string
}

type worldKey struct{}

func withWorld(ctx context.Context, w *World) context.Context {
	return context.WithValue(ctx, worldKey{}, w)
}

var errNoWorld = errors.New("steps: no World in the context: register steps with steps.Register")

// The adapters below give each step its scenario's World (put in the
// context by Register's Before hook) and keep handler signatures in the
// shapes godog understands.

func on(f func(context.Context, *World) error) func(context.Context) error {
	return func(ctx context.Context) error {
		w, ok := ctx.Value(worldKey{}).(*World)
		if !ok {
			return errNoWorld
		}
		return f(ctx, w)
	}
}

func onInt(f func(context.Context, *World, int64) error) func(context.Context, int64) error {
	return func(ctx context.Context, n int64) error {
		w, ok := ctx.Value(worldKey{}).(*World)
		if !ok {
			return errNoWorld
		}
		return f(ctx, w, n)
	}
}

func onStr(f func(context.Context, *World, string) error) func(context.Context, string) error {
	return func(ctx context.Context, v string) error {
		w, ok := ctx.Value(worldKey{}).(*World)
		if !ok {
			return errNoWorld
		}
		return f(ctx, w, v)
	}
}

func onIntStr(f func(context.Context, *World, int64, string) error) func(context.Context, int64, string) error {
	return func(ctx context.Context, n int64, v string) error {
		w, ok := ctx.Value(worldKey{}).(*World)
		if !ok {
			return errNoWorld
		}
		return f(ctx, w, n, v)
	}
}

// apiError returns the last call's error as a *stone.Error, or explains why
// it is not one.
func (w *World) apiError() (*stone.Error, error) {
	if w.err == nil {
		return nil, errors.New("expected the request to be refused, but it succeeded")
	}
	var se *stone.Error
	if !errors.As(w.err, &se) {
		return nil, fmt.Errorf("expected an API error response, got: %w", w.err)
	}
	return se, nil
}

// need fails with a readable message when a When step did not run or failed.
func need[T any](v *T, what string, lastErr error) (*T, error) {
	if v != nil {
		return v, nil
	}
	if lastErr != nil {
		return nil, fmt.Errorf("no %s: the request failed: %w", what, lastErr)
	}
	return nil, fmt.Errorf("no %s: no step of this scenario produced one", what)
}

func onStrStr(f func(context.Context, *World, string, string) error) func(context.Context, string, string) error {
	return func(ctx context.Context, a, b string) error {
		w, ok := ctx.Value(worldKey{}).(*World)
		if !ok {
			return errNoWorld
		}
		return f(ctx, w, a, b)
	}
}

// key is a fresh idempotency key, unique per run: the sandbox remembers
// keys across runs.
func (w *World) key() string {
	return "homolog-" + w.s.cfg.RunID + "-" + w.s.cfg.NewID()
}

func onIntInt(f func(context.Context, *World, int64, int64) error) func(context.Context, int64, int64) error {
	return func(ctx context.Context, a, b int64) error {
		w, ok := ctx.Value(worldKey{}).(*World)
		if !ok {
			return errNoWorld
		}
		return f(ctx, w, a, b)
	}
}
