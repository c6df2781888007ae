package stone

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Top-ups (recargas, stone-api-families.md §3). Executing one is guarded
// by the account owner's PIN (§3.6): see TopUpWithPIN.

// Top-up products, as their path segments.
const (
	TopUpMobile         = "mobile"
	TopUpGames          = "games"
	TopUpDigitalContent = "digital-content"
	TopUpTV             = "tv"
	TopUpTransport      = "transport"
)

var reCellphone = regexp.MustCompile(`^\d{10,11}$`)

func topUpProducts() []string {
	return []string{TopUpMobile, TopUpGames, TopUpDigitalContent, TopUpTV, TopUpTransport}
}

// TopUpProvider is a provider as the lists give it: its id is a number
// there and a string in request bodies (§3.2).
type TopUpProvider struct {
	Name string `json:"name"`
	ID   int    `json:"id"`
}

// TopUpValue is one value a provider sells, in centavos.
type TopUpValue struct {
	Value       int64  `json:"value"`
	ProductName string `json:"product_name,omitempty"`
}

// MobileProviders is GET /topups/mobile/providers/{cellphone}.
type MobileProviders struct {
	PossibleProvider struct {
		Name     string       `json:"name"`
		ID       int          `json:"id"`
		Products []TopUpValue `json:"products"`
	} `json:"possible_provider"`
	OtherProviders []TopUpProvider `json:"other_providers"`
}

// TopUpRequest is a top-up's body (§3.2): Cellphone for mobile (area code
// and number, digits), ClientCode for tv and transport, the product code
// and quota for transport.
type TopUpRequest struct {
	AccountID    string `json:"account_id"`
	Amount       int64  `json:"amount"`
	ProviderID   string `json:"provider_id"`
	Cellphone    string `json:"cellphone,omitempty"`
	ClientCode   string `json:"client_code,omitempty"`
	ProductCode  int    `json:"product_code,omitempty"`
	ProductQuota int    `json:"product_quota,omitempty"`
}

// TopUp is an executed top-up (§3.3): Receipt is a text coupon with line
// breaks; PIN, the code to redeem on the provider's site, comes for games,
// digital content and transport, empty for tv, absent (nil) for mobile.
type TopUp struct {
	ID            string  `json:"id"`
	Receipt       string  `json:"receipt"`
	TransactionID string  `json:"transaction_id"`
	PIN           *string `json:"pin"`
}

func checkProduct(op, product string) error {
	if !slices.Contains(topUpProducts(), product) {
		return fmt.Errorf("stone: %s: product %q: want one of %s", op, product, strings.Join(topUpProducts(), ", "))
	}
	return nil
}

// TopUpProviders lists the providers of a product other than mobile
// (mobile ones are looked up by phone number: MobileTopUpProviders).
func (c *Client) TopUpProviders(ctx context.Context, product string) ([]TopUpProvider, error) {
	const op = "list top-up providers"
	if err := checkProduct(op, product); err != nil {
		return nil, err
	}
	if product == TopUpMobile {
		return nil, fmt.Errorf("stone: %s: mobile providers are looked up by phone number (MobileTopUpProviders)", op)
	}
	var v struct {
		Providers []TopUpProvider `json:"providers"`
	}
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/topups/" + product + "/providers"}, &v); err != nil {
		return nil, err
	}
	return v.Providers, nil
}

// MobileTopUpProviders looks up the operator of a phone number.
func (c *Client) MobileTopUpProviders(ctx context.Context, cellphone string) (*MobileProviders, error) {
	const op = "list mobile top-up providers"
	if !reCellphone.MatchString(cellphone) {
		return nil, fmt.Errorf("stone: %s: cellphone %q must be the area code and number, digits only", op, cellphone)
	}
	var v MobileProviders
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/topups/mobile/providers/" + cellphone}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// TopUpValues lists what a provider sells; cellphone is required for
// mobile and not sent otherwise.
func (c *Client) TopUpValues(ctx context.Context, product, providerID, cellphone string) ([]TopUpValue, error) {
	const op = "list top-up values"
	if err := checkProduct(op, product); err != nil {
		return nil, err
	}
	esc, err := escapeID(op, "provider_id", providerID)
	if err != nil {
		return nil, err
	}
	path := "/topups/" + product + "/values/" + esc
	if product == TopUpMobile {
		if !reCellphone.MatchString(cellphone) {
			return nil, fmt.Errorf("stone: %s: cellphone %q must be the area code and number, digits only", op, cellphone)
		}
		path += "/" + cellphone
	}
	var v struct {
		Product []TopUpValue `json:"product"`
	}
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: path}, &v); err != nil {
		return nil, err
	}
	return v.Product, nil
}

func (r TopUpRequest) check(op, product string, dry bool) error {
	if err := checkProduct(op, product); err != nil {
		return err
	}
	switch {
	case r.AccountID == "":
		return fmt.Errorf("stone: %s: account_id is required", op)
	case r.ProviderID == "":
		return fmt.Errorf("stone: %s: provider_id is required", op)
	case r.Amount < 0 || (r.Amount == 0 && !(dry && product == TopUpTV)):
		// A TV dry run sends 0 and gets the plan's value back (§3.2).
		return fmt.Errorf("stone: %s: amount must be positive centavos, got %d", op, r.Amount)
	case product == TopUpMobile && !reCellphone.MatchString(r.Cellphone):
		return fmt.Errorf("stone: %s: cellphone %q must be the area code and number, digits only", op, r.Cellphone)
	case (product == TopUpTV || product == TopUpTransport) && r.ClientCode == "":
		return fmt.Errorf("stone: %s: client_code is required for %s", op, product)
	}
	return nil
}

// DryRunTopUp checks a top-up without executing it: POST
// /topups/{product}/dry-run → 202 with the request echoed.
func (c *Client) DryRunTopUp(ctx context.Context, product string, req TopUpRequest, key string) (*TopUpRequest, error) {
	const op = "dry-run top-up"
	if err := req.check(op, product, true); err != nil {
		return nil, err
	}
	return postIdempotent[TopUpRequest](ctx, c, op, "/topups/"+product+"/dry-run", req, key)
}

// ExecuteTopUp sends POST /topups/{product} once, with solution as
// x-stone-challenge-solution when it is not "". Stone first answers 403
// challenge_required (ChallengeFrom reads it); TopUpWithPIN does the
// whole exchange.
func (c *Client) ExecuteTopUp(ctx context.Context, product string, req TopUpRequest, key, solution string) (*TopUp, error) {
	const op = "execute top-up"
	if err := req.check(op, product, false); err != nil {
		return nil, err
	}
	h, err := c.idempotencyHeader(op, key)
	if err != nil {
		return nil, err
	}
	if solution != "" {
		h.Set(ChallengeSolutionHeader, solution)
	}
	var v TopUp
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/topups/" + url.PathEscape(product), body: req, header: h}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// TopUpWithPIN executes a top-up as Stone's challenge flow documents it:
// the request is sent; if Stone asks for the owner's PIN, the solution is
// built (SolveChallenge) and the same request, with the same idempotency
// key, is sent again with it. Both exchanges go on the wire, and into the
// evidence, as they happened; the PIN only ever travels inside the JWE.
func (c *Client) TopUpWithPIN(ctx context.Context, product string, req TopUpRequest, key, pin string) (*TopUp, error) {
	const op = "execute top-up"
	k, err := c.idempotencyKey(op, key)
	if err != nil {
		return nil, err
	}
	t, err := c.ExecuteTopUp(ctx, product, req, k, "")
	ch := ChallengeFrom(err)
	if ch == nil {
		return t, err
	}
	if pin == "" {
		return nil, fmt.Errorf("stone: %s: Stone asks for the owner's PIN and none was given: %w", op, err)
	}
	solution, serr := c.SolveChallenge(ctx, ch, map[string]string{ChallengePIN: pin})
	if serr != nil {
		return nil, fmt.Errorf("stone: %s: %w", op, serr)
	}
	return c.ExecuteTopUp(ctx, product, req, k, solution)
}
