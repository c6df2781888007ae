package topup

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// The documented response shapes of the family, in one place
// (stone-api-families.md §3.1, §3.3, §3.5, §3.6).

type providerRef struct {
	Name string `json:"name"`
	ID   int    `json:"id"` // an int in lists, a string in request bodies (§3.2)
}

type value struct {
	Value       int64  `json:"value"`
	ProductName string `json:"product_name,omitempty"`
}

type possibleProvider struct {
	Name     string  `json:"name"`
	ID       int     `json:"id"`
	Products []value `json:"products"`
}

type mobileProviders struct {
	PossibleProvider possibleProvider `json:"possible_provider"`
	OtherProviders   []providerRef    `json:"other_providers"`
}

type providerList struct {
	Providers []providerRef `json:"providers"`
}

type valueList struct {
	Product []value `json:"product"`
}

// executed is the execution's 200 answer (§3.3); pin is absent for
// mobile, "" for tv.
type executed struct {
	ID            string  `json:"id"`
	Receipt       string  `json:"receipt"`
	TransactionID string  `json:"transaction_id"`
	PIN           *string `json:"pin,omitempty"`
}

// challengeBody is the 403 of §3.6.
type challengeBody struct {
	ID        int    `json:"id"`
	Type      string `json:"type"`
	Challenge struct {
		ID            string   `json:"id"`
		RequiredTypes []string `json:"required_types"`
	} `json:"challenge"`
}

// topUpRequest is a request body (§3.2), echoed by the dry run.
type topUpRequest struct {
	AccountID    string `json:"account_id"`
	Amount       int64  `json:"amount"`
	ProviderID   string `json:"provider_id"`
	Cellphone    string `json:"cellphone,omitempty"`
	ClientCode   string `json:"client_code,omitempty"`
	ProductCode  *int64 `json:"product_code,omitempty"`
	ProductQuota *int64 `json:"product_quota,omitempty"`
}

// decode reads a request body of product. A bad format is invalid_params,
// an amount ≤ 0 invalid_amount with Stone's title (§3.5); provider_id is
// accepted as a string (the docs) or a number (the lists' type). A TV dry
// run may send amount 0 and gets the plan's value back (§3.2).
func (t *TopUps) decode(r *http.Request, product string, dry bool) (topUpRequest, api.Reply, bool) {
	var req topUpRequest
	obj, err := api.DecodeObject(r.Body)
	if err != nil {
		return req, invalidParams(err.Error()), false
	}
	str := func(name string) (string, bool) {
		raw, ok := api.Present(obj, name)
		if !ok {
			return "", false
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s, true
		}
		if _, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			return string(raw), true
		}
		return "", false
	}
	var ok bool
	if req.AccountID, ok = str("account_id"); !ok || req.AccountID == "" {
		return req, invalidParams("account_id is required"), false
	}
	if req.ProviderID, ok = str("provider_id"); !ok || !digitsRE.MatchString(req.ProviderID) {
		return req, invalidParams("provider_id must be a provider's id, digits only"), false
	}
	pr, found := t.provider(product, req.ProviderID)
	if !found {
		return req, invalidParams("provider_id is not a " + product + " provider"), false
	}
	raw, given := api.Present(obj, "amount")
	if given {
		if req.Amount, err = strconv.ParseInt(string(raw), 10, 64); err != nil {
			return req, invalidParams("amount must be an integer number of centavos"), false
		}
	}
	switch {
	case product == "tv" && dry && req.Amount == 0:
		req.Amount = pr.Values[0]
	case req.Amount <= 0:
		return req, errorBody(http.StatusBadRequest, "invalid_amount", "Given amount is less than or equal to zero"), false
	case !pr.accepts(req.Amount):
		return req, invalidParams("amount is not among the provider's values"), false
	}
	switch product {
	case "mobile":
		if req.Cellphone, ok = str("cellphone"); !ok || !cellphoneRE.MatchString(req.Cellphone) {
			return req, invalidParams("cellphone must be the area code and number, digits only (21971592768)"), false
		}
	case "tv", "transport":
		if req.ClientCode, ok = str("client_code"); !ok || req.ClientCode == "" {
			return req, invalidParams("client_code is required"), false
		}
	}
	if product == "transport" {
		for name, dst := range map[string]**int64{"product_code": &req.ProductCode, "product_quota": &req.ProductQuota} {
			raw, ok := api.Present(obj, name)
			if !ok {
				continue
			}
			n, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil {
				return req, invalidParams(name + " must be an integer"), false
			}
			*dst = &n
		}
	}
	return req, api.Reply{}, true
}
