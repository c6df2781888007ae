package check

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// topUpRecords are the role's exchanges with a top-up endpoint, leaving
// out the discovery-keys read made on the way to a challenge solution.
func topUpRecords(in Inputs, role string) []Record {
	var out []Record
	for _, r := range in.http(role) {
		if u, err := url.Parse(r.HTTP.URL); err == nil && strings.Contains(u.Path, "/topups/") {
			out = append(out, r)
		}
	}
	return out
}

// topUpProviders: the providers (role "response") are listed with numeric
// ids (stone-api-families.md §3.1: {providers[{name, id int}]}, or for a
// phone number {possible_provider{name, id, products}, other_providers}).
func topUpProviders(_ Params, in Inputs) error {
	r, err := in.last("response")
	if err != nil {
		return err
	}
	if err := ok2xx(r); err != nil {
		return err
	}
	type prov struct {
		Name string          `json:"name"`
		ID   json.RawMessage `json:"id"`
	}
	var body struct {
		Providers []prov `json:"providers"`
		Possible  *prov  `json:"possible_provider"`
		Others    []prov `json:"other_providers"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	all := body.Providers
	if body.Possible != nil {
		all = append(append(all, *body.Possible), body.Others...)
	}
	if len(all) == 0 {
		return fmt.Errorf("%s: no provider is listed", where(r))
	}
	for _, p := range all {
		var n int64
		if json.Unmarshal(p.ID, &n) != nil || n <= 0 || p.Name == "" {
			return fmt.Errorf("%s: provider %q has id %s: want a name and a numeric id (§3.1)", where(r), p.Name, p.ID)
		}
	}
	return nil
}

// topUpDryRun: the dry run (role "response") was accepted with 202 and
// echoes the request's account_id and provider_id, and its amount unless
// the request sent 0 (a TV dry run, answered with the plan's value, §3.2).
func topUpDryRun(_ Params, in Inputs) error {
	recs := topUpRecords(in, "response")
	if len(recs) == 0 {
		return fmt.Errorf("no top-up dry run was recorded")
	}
	r := recs[len(recs)-1]
	if err := ok2xx(r); err != nil {
		return err
	}
	if r.HTTP.Status != 202 {
		return fmt.Errorf("%s answered %d; a top-up dry run answers 202 (§3.1)", where(r), r.HTTP.Status)
	}
	type echo struct {
		AccountID  string          `json:"account_id"`
		Amount     int64           `json:"amount"`
		ProviderID json.RawMessage `json:"provider_id"`
	}
	var sent, got echo
	if err := json.Unmarshal(r.HTTP.RequestBody, &sent); err != nil {
		return fmt.Errorf("%s: the request body is not JSON: %v", where(r), err)
	}
	if err := decode(r, &got); err != nil {
		return err
	}
	switch {
	case got.AccountID != sent.AccountID:
		return fmt.Errorf("%s: the dry run echoes account %q, the request named %q", where(r), got.AccountID, sent.AccountID)
	case strings.Trim(string(got.ProviderID), `"`) != strings.Trim(string(sent.ProviderID), `"`):
		return fmt.Errorf("%s: the dry run echoes provider %s, the request named %s", where(r), got.ProviderID, sent.ProviderID)
	case sent.Amount != 0 && got.Amount != sent.Amount:
		return fmt.Errorf("%s: the dry run echoes %d centavos, the request sent %d", where(r), got.Amount, sent.Amount)
	case got.Amount <= 0:
		return fmt.Errorf("%s: the dry run gives no amount", where(r))
	}
	return nil
}

// topUpChallenged: the first execution of the top-up (role "response")
// was answered 403 srn:error:challenge_required with a challenge id and
// "pin" among its required types (§3.6), and the request sent again
// carried x-stone-challenge-solution under the same idempotency key with
// the same body.
func topUpChallenged(_ Params, in Inputs) error {
	recs := topUpRecords(in, "response")
	if len(recs) == 0 {
		return fmt.Errorf("no top-up execution was recorded")
	}
	first := recs[0]
	var body struct {
		Type      string `json:"type"`
		Challenge *struct {
			ID            json.RawMessage `json:"id"`
			RequiredTypes []string        `json:"required_types"`
		} `json:"challenge"`
	}
	if first.HTTP.Status != 403 || json.Unmarshal(first.HTTP.ResponseBody, &body) != nil || body.Type != "srn:error:challenge_required" {
		return fmt.Errorf("%s answered %d%s; want 403 srn:error:challenge_required before the owner's PIN is given", where(first), first.HTTP.Status, errorType(first))
	}
	if body.Challenge == nil || len(body.Challenge.ID) == 0 || string(body.Challenge.ID) == "null" {
		return fmt.Errorf("%s: the challenge has no id to answer", where(first))
	}
	if !slices.Contains(body.Challenge.RequiredTypes, "pin") {
		return fmt.Errorf("%s: the challenge asks for %v, not the pin", where(first), body.Challenge.RequiredTypes)
	}
	if len(recs) < 2 {
		return fmt.Errorf("%s: the challenge was never answered", where(first))
	}
	again := recs[1]
	switch {
	case header(again.HTTP.RequestHeaders, "x-stone-challenge-solution") == "":
		return fmt.Errorf("%s was sent again without x-stone-challenge-solution", where(again))
	case header(again.HTTP.RequestHeaders, "x-stone-idempotency-key") != header(first.HTTP.RequestHeaders, "x-stone-idempotency-key"):
		return fmt.Errorf("%s was sent again under another idempotency key than %s", where(again), where(first))
	case string(again.HTTP.RequestBody) != string(first.HTTP.RequestBody):
		return fmt.Errorf("%s was sent again with another body: the solution answers the same request (§3.6)", where(again))
	}
	return nil
}

// topUpExecuted: the last execution (role "response") answered 200 with an
// id, a transaction_id and a text receipt, and a pin as param "pin" says
// (§3.3): "present" (games, digital content, transport), "empty" (tv) or
// "absent" (mobile).
func topUpExecuted(p Params, in Inputs) error {
	recs := topUpRecords(in, "response")
	if len(recs) == 0 {
		return fmt.Errorf("no top-up execution was recorded")
	}
	r := recs[len(recs)-1]
	if err := ok2xx(r); err != nil {
		return err
	}
	if r.HTTP.Status != 200 {
		return fmt.Errorf("%s answered %d; an executed top-up answers 200 (§3.1)", where(r), r.HTTP.Status)
	}
	var t struct {
		ID            string  `json:"id"`
		Receipt       string  `json:"receipt"`
		TransactionID string  `json:"transaction_id"`
		PIN           *string `json:"pin"`
	}
	if err := decode(r, &t); err != nil {
		return err
	}
	switch {
	case t.ID == "" || t.TransactionID == "":
		return fmt.Errorf("%s: the top-up has no id or transaction_id", where(r))
	case strings.TrimSpace(t.Receipt) == "":
		return fmt.Errorf("%s: top-up %s has no receipt", where(r), t.ID)
	}
	switch want := p["pin"]; {
	case want == "present" && (t.PIN == nil || *t.PIN == ""):
		return fmt.Errorf("%s: top-up %s has no pin code to redeem", where(r), t.ID)
	case want == "empty" && (t.PIN == nil || *t.PIN != ""):
		return fmt.Errorf("%s: top-up %s: pin %v, want \"\" (a TV top-up, §3.3)", where(r), t.ID, t.PIN)
	case want == "absent" && t.PIN != nil:
		return fmt.Errorf("%s: top-up %s has a pin; a mobile top-up has none (§3.3)", where(r), t.ID)
	}
	return nil
}
