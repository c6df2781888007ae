package check

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// order is what the payment-link checks read of an order
// (stone-api-families.md §1.4).
type order struct {
	ID        string `json:"id"`
	Amount    int64  `json:"amount"`
	Status    string `json:"status"`
	Closed    bool   `json:"closed"`
	Checkouts []struct {
		ID         string `json:"id"`
		Status     string `json:"status"`
		PaymentURL string `json:"payment_url"`
	} `json:"checkouts"`
}

// paymentLinkConfig: the configuration (role "response") gives an order's
// limits, 0 < min_amount ≤ max_amount in centavos, and the payment method
// "checkout" (§1.3).
func paymentLinkConfig(_ Params, in Inputs) error {
	r, err := in.last("response")
	if err != nil {
		return err
	}
	if err := ok2xx(r); err != nil {
		return err
	}
	var c struct {
		Min    *int64 `json:"min_amount"`
		Max    *int64 `json:"max_amount"`
		Method string `json:"payment_method"`
	}
	if err := decode(r, &c); err != nil {
		return err
	}
	switch {
	case c.Min == nil || c.Max == nil:
		return fmt.Errorf("%s: the configuration has no min_amount or max_amount", where(r))
	case *c.Min <= 0 || *c.Max < *c.Min:
		return fmt.Errorf("%s: min_amount %d, max_amount %d: want 0 < min ≤ max", where(r), *c.Min, *c.Max)
	case c.Method != "checkout":
		return fmt.Errorf("%s: payment_method %q, want \"checkout\"", where(r), c.Method)
	}
	return nil
}

// orderCreated: the order created (role "response") has an id, status
// param "status", is not closed, is for the sum of the items the request
// sent, and has an open checkout whose payment_url is an absolute https
// (or http) address the payer can open (§1.4).
func orderCreated(p Params, in Inputs) error {
	r, err := in.last("response")
	if err != nil {
		return err
	}
	if err := ok2xx(r); err != nil {
		return err
	}
	var o order
	if err := decode(r, &o); err != nil {
		return err
	}
	switch {
	case o.ID == "":
		return fmt.Errorf("%s: the order has no id", where(r))
	case o.Status != p["status"]:
		return fmt.Errorf("%s: order %s has status %q, want %q", where(r), o.ID, o.Status, p["status"])
	case o.Closed:
		return fmt.Errorf("%s: order %s is closed as soon as it is created", where(r), o.ID)
	}
	var req struct {
		Items []struct {
			Amount   int64  `json:"amount"`
			Quantity *int64 `json:"quantity"`
		} `json:"items"`
	}
	if json.Unmarshal(r.HTTP.RequestBody, &req) == nil && len(req.Items) > 0 {
		var sum int64
		for _, it := range req.Items {
			q := int64(1)
			if it.Quantity != nil {
				q = *it.Quantity
			}
			sum += it.Amount * q
		}
		if sum != o.Amount {
			return fmt.Errorf("%s: order %s is for %d centavos, the items sent add up to %d", where(r), o.ID, o.Amount, sum)
		}
	}
	if len(o.Checkouts) == 0 {
		return fmt.Errorf("%s: order %s has no checkout for the payer to open", where(r), o.ID)
	}
	co := o.Checkouts[0]
	u, err := url.Parse(co.PaymentURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s: order %s: checkout %s has payment_url %q, not an address the payer can open", where(r), o.ID, co.ID, co.PaymentURL)
	}
	if co.Status != "open" {
		return fmt.Errorf("%s: order %s: checkout %s is %q, want open", where(r), o.ID, co.ID, co.Status)
	}
	return nil
}

// orderListed: the account's order list (role "list") includes the order
// created (role "order"), and its paging.total counts at least what it
// lists (§1.1: {data, paging:{total}}, not a cursor).
func orderListed(_ Params, in Inputs) error {
	o, err := in.last("order")
	if err != nil {
		return err
	}
	var created order
	if err := decode(o, &created); err != nil {
		return err
	}
	l, err := in.last("list")
	if err != nil {
		return err
	}
	if err := ok2xx(l); err != nil {
		return err
	}
	var page struct {
		Data   []order `json:"data"`
		Paging *struct {
			Total *int `json:"total"`
		} `json:"paging"`
	}
	if err := decode(l, &page); err != nil {
		return err
	}
	if page.Paging == nil || page.Paging.Total == nil {
		return fmt.Errorf("%s: the order list has no paging.total", where(l))
	}
	if *page.Paging.Total < len(page.Data) {
		return fmt.Errorf("%s: paging.total is %d but %d orders are listed", where(l), *page.Paging.Total, len(page.Data))
	}
	for _, x := range page.Data {
		if x.ID == created.ID {
			return nil
		}
	}
	return fmt.Errorf("%s: order %s is not among the %d orders listed", where(l), created.ID, len(page.Data))
}

// orderState: the last successful read of the order (role "reads") shows
// status param "status" and closed param "closed" ("true"/"false"): a
// cancelled order is canceled and closed, an expired one canceled and not
// closed, a paid one paid and closed (§1.5).
func orderState(p Params, in Inputs) error {
	wantClosed, err := strconv.ParseBool(p["closed"])
	if err != nil {
		return fmt.Errorf("parameter \"closed\" is %q, not true or false", p["closed"])
	}
	var last *order
	var lastRec Record
	var seen []string
	for _, r := range in.http("reads") {
		if r.HTTP.Status/100 != 2 {
			continue
		}
		var o order
		if err := decode(r, &o); err != nil {
			return err
		}
		last, lastRec = &o, r
		seen = append(seen, fmt.Sprintf("%s/closed=%t", o.Status, o.Closed))
	}
	if last == nil {
		if rs := in.http("reads"); len(rs) > 0 {
			return fmt.Errorf("the order could not be read: %w", ok2xx(rs[len(rs)-1]))
		}
		return fmt.Errorf("the order was never read")
	}
	if last.Status != p["status"] || last.Closed != wantClosed {
		return fmt.Errorf("%s: order %s is %s closed=%t (reads: %v), want %s closed=%t", where(lastRec), last.ID, last.Status, last.Closed,
			seen, p["status"], wantClosed)
	}
	return nil
}
