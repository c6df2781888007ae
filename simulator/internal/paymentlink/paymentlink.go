// Package paymentlink is Stone's payment links (link de pagamento,
// stone-api-families.md §1): the account's checkout configuration, orders
// created with a Mundipagg checkout, listed, read and cancelled, their
// expiry, the payer's side through a /_sim/ control, and the order_*
// webhooks.
//
//	pending ──PATCH …/closed──→ canceled (closed: true)
//	pending ──expires_in minutes──→ canceled (closed: false)
//	pending ──the payer pays (/_sim/)──→ paid (closed: true)
//
// Every response shape lives in shapes.go.
package paymentlink

import (
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

//go:embed config.json
var configJSON []byte

// Statuses of an order (§1.5): there is no "closed" status, closed is a
// boolean of its own.
const (
	StatusPending  = "pending"
	StatusPaid     = "paid"
	StatusCanceled = "canceled"
)

// defaultExpiresIn is the examples' checkout.expires_in: 10080 minutes,
// seven days, which is what both examples' expires_at shows [I: minutes].
const defaultExpiresIn = 10080

// paymentURLBase is where the 2021 sandbox examples send the payer
// (§1.4): Mundipagg's staging checkout.
const paymentURLBase = "https://stgapi.mundipagg.com/checkout/v1/orders/"

// Options wires the family.
type Options struct {
	Book        *ledger.Book
	Idempotency *api.Idempotency
}

// Links serves the family. Its state is guarded by the book's lock.
type Links struct {
	book   *ledger.Book
	idem   *api.Idempotency
	config Config
	byID   map[string]*order
	order  []*order
}

// New reads the embedded configuration every account starts with.
func New(opts Options) (*Links, error) {
	l := &Links{book: opts.Book, idem: opts.Idempotency, byID: map[string]*order{}}
	if err := json.Unmarshal(configJSON, &l.config); err != nil {
		return nil, fmt.Errorf("simulator: payment links config: %w", err)
	}
	return l, nil
}

// Routes registers the payment-link API and its /_sim/ control:
//
//	GET   /api/v1/payment_links/{account_id}/config            → 200 Config
//	POST  /api/v1/payment_links/orders                         → 200 Order (pending), webhook order_created
//	GET   /api/v1/payment_links/{account_id}/orders            → 200 {data:[Order without checkouts], paging:{total}}
//	GET   /api/v1/payment_links/{account_id}/orders/{order_id} → 200 Order
//	PATCH /api/v1/payment_links/orders/{order_id}/closed       {"account_id","status":"canceled"} → 200 Order (canceled, closed)
//	POST  /_sim/payment_links/orders/{order_id}/pay            {"installments"?} → 200 Order (paid), webhooks order_created, order_paid, order_closed
//	POST  /_sim/payment_links/orders/{order_id}/expire         → 200 Order (canceled, not closed): its checkout's time ran out now
//
// The expire control acts on one order, where moving the clock
// (/_sim/clock/advance) would act on everything running beside it.
func (l *Links) Routes(m *api.Mux) {
	m.HandleAuth("GET /api/v1/payment_links/{account_id}/config", l.handleConfig)
	m.HandleAuth("POST /api/v1/payment_links/orders", l.idem.Wrap(l.handleCreate))
	m.HandleAuth("GET /api/v1/payment_links/{account_id}/orders", l.handleList)
	m.HandleAuth("GET /api/v1/payment_links/{account_id}/orders/{order_id}", l.handleGet)
	m.HandleAuth("PATCH /api/v1/payment_links/orders/{order_id}/closed", l.handleClose)
	m.Handle("POST /_sim/payment_links/orders/{order_id}/pay", l.handlePay)
	m.Handle("POST /_sim/payment_links/orders/{order_id}/expire", l.handleExpire)
}

// mundipaggID is a Mundipagg-style id: prefix and 16 base-62 characters
// derived from the id source, so an injected id source makes them stable.
func (l *Links) mundipaggID(prefix string) string { return prefix + base62(l.book.NewID(), 16) }

func base62(seed string, n int) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	sum := sha256.Sum256([]byte(seed))
	v := new(big.Int).SetBytes(sum[:])
	out := make([]byte, n)
	base := big.NewInt(62)
	mod := new(big.Int)
	for i := range out {
		v.DivMod(v, base, mod)
		out[i] = alphabet[mod.Int64()]
	}
	return string(out)
}

func (l *Links) handleConfig(w http.ResponseWriter, r *http.Request, c *api.Call) {
	l.book.Reply(w, func() api.Reply {
		if _, ok := l.book.Accessible(c.ClientID, r.PathValue("account_id")); !ok {
			return api.Unauthorized()
		}
		return api.JSON(http.StatusOK, l.config)
	})
}

// handleCreate places an order. Stone's page does not state the HTTP code
// (§1.1); Mundipagg, whose order it is, answers 200, and so does this.
func (l *Links) handleCreate(w http.ResponseWriter, r *http.Request, c *api.Call) {
	req, rp, ok := decodeOrder(r, l.config)
	if !ok {
		rp.Write(w)
		return
	}
	l.book.Reply(w, func() api.Reply {
		a, ok := l.book.Accessible(c.ClientID, req.accountID)
		if !ok {
			return api.Unauthorized()
		}
		now := l.book.Stamp(c.Now)
		o := l.newOrder(a.ID, req, now)
		l.byID[o.ID] = o
		l.order = append(l.order, o)
		l.emit(o, "order_created", now)
		l.book.At(now.Add(time.Duration(o.expiresIn)*time.Minute), func(at time.Time) { expire(o, at) })
		return api.JSON(http.StatusOK, o)
	})
}

// expire is a pending order's checkout running out of time: canceled, but
// not closed (§1.5). No event is documented for it (§1.7). Caller holds
// the lock.
func expire(o *order, at time.Time) bool {
	if o.Status != StatusPending {
		return false
	}
	o.Status, o.UpdatedAt = StatusCanceled, api.TS(at)
	for i := range o.Checkouts {
		o.Checkouts[i].Status, o.Checkouts[i].UpdatedAt = "closed", api.TS(at)
	}
	return true
}

func (l *Links) handleExpire(w http.ResponseWriter, r *http.Request, c *api.Call) {
	if _, rp, ok := api.OptionalBody(r); !ok {
		rp.Write(w)
		return
	}
	l.book.Reply(w, func() api.Reply {
		o, ok := l.byID[r.PathValue("order_id")]
		if !ok {
			return api.NotFound()
		}
		if !expire(o, l.book.Stamp(c.Now)) {
			return api.Conflict("order is " + o.Status + "; only a pending order can expire")
		}
		return api.JSON(http.StatusOK, o)
	})
}

func (l *Links) orderFor(c *api.Call, id string) (*order, api.Reply, bool) {
	o, ok := l.byID[id]
	if !ok {
		return nil, api.NotFound(), false
	}
	if _, ok := l.book.Accessible(c.ClientID, o.accountID); !ok {
		return nil, api.Unauthorized(), false
	}
	return o, api.Reply{}, true
}

func (l *Links) handleGet(w http.ResponseWriter, r *http.Request, c *api.Call) {
	l.book.Reply(w, func() api.Reply {
		if _, ok := l.book.Accessible(c.ClientID, r.PathValue("account_id")); !ok {
			return api.Unauthorized()
		}
		o, rp, ok := l.orderFor(c, r.PathValue("order_id"))
		if !ok {
			return rp
		}
		if o.accountID != r.PathValue("account_id") {
			return api.NotFound()
		}
		return api.JSON(http.StatusOK, o)
	})
}

// handleList lists the account's orders, newest first, without their
// checkouts: no query parameter is documented and the page is
// {data, paging:{total}}, not a cursor (§1.1).
func (l *Links) handleList(w http.ResponseWriter, r *http.Request, c *api.Call) {
	l.book.Reply(w, func() api.Reply {
		accountID := r.PathValue("account_id")
		if _, ok := l.book.Accessible(c.ClientID, accountID); !ok {
			return api.Unauthorized()
		}
		out := orderList{Data: []listedOrder{}}
		for i := len(l.order) - 1; i >= 0; i-- {
			if o := l.order[i]; o.accountID == accountID {
				out.Data = append(out.Data, o.listed())
			}
		}
		out.Paging.Total = len(out.Data)
		return api.JSON(http.StatusOK, out)
	})
}

// handleClose cancels an order: the body must name its account and the
// status canceled, as Stone's Go SDK requires (§1.1); only an order still
// pending (unpaid and unexpired) can be cancelled (§1.5).
func (l *Links) handleClose(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	accountID := f.Str("account_id", true)
	if st := f.Str("status", true); st != "" && st != StatusCanceled {
		f.Add(`must be "canceled"`, "status")
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	l.book.Reply(w, func() api.Reply {
		o, rp, ok := l.orderFor(c, r.PathValue("order_id"))
		if !ok {
			return rp
		}
		if o.accountID != accountID {
			return api.Validation(api.FieldError{Error: "is not the order's account", Path: []string{"account_id"}})
		}
		if o.Status != StatusPending {
			return api.Conflict("order is " + o.Status + (map[bool]string{true: " and closed", false: " (expired)"})[o.Closed] +
				"; only a pending order can be cancelled")
		}
		now := l.book.Stamp(c.Now)
		o.Status, o.Closed, o.ClosedAt, o.UpdatedAt = StatusCanceled, true, api.TSPtr(now), api.TS(now)
		for i := range o.Checkouts {
			co := &o.Checkouts[i]
			co.Status, co.ClosedAt, co.UpdatedAt = "closed", api.TSPtr(now), api.TS(now)
		}
		// No cancel or expiry event is documented (§1.7): none is sent.
		return api.JSON(http.StatusOK, o)
	})
}

// handlePay is the payer completing the checkout with a test card. The
// docs re-send order_created when the payer pays (§1.7), then order_paid
// and order_closed with the same content. Where the money goes next (card
// receivables, settled later) is not documented, so the ledger is left
// alone.
func (l *Links) handlePay(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.OptionalBody(r)
	if !ok {
		rp.Write(w)
		return
	}
	inst, given := f.Int("installments", false)
	if !given {
		inst = 1
	}
	if inst < 1 || inst > 12 {
		f.Add("must be between 1 and 12", "installments")
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	l.book.Reply(w, func() api.Reply {
		o, ok := l.byID[r.PathValue("order_id")]
		if !ok {
			return api.NotFound()
		}
		if o.Status != StatusPending {
			return api.Conflict("order is " + o.Status + "; only a pending order can be paid")
		}
		now := l.book.Stamp(c.Now)
		l.emit(o, "order_created", now)
		l.pay(o, inst, now)
		l.emit(o, "order_paid", now)
		l.emit(o, "order_closed", now)
		return api.JSON(http.StatusOK, o)
	})
}

// emit records an order_* event (§1.7): target_type payment_links, the
// order as target_data in the webhook's own spelling, and no account_id
// in it; the account decides who is notified.
func (l *Links) emit(o *order, typ string, at time.Time) {
	l.book.Emit(&ledger.Event{Type: typ, TargetType: "payment_links", TargetID: o.ID, AccountID: o.accountID,
		Data: webhookData(o), DetailPath: "/api/v1/payment_links/" + o.accountID + "/orders/" + o.ID, At: at})
}
