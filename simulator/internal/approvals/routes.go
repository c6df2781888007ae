package approvals

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
)

const maxBatchOperations = 1000

// action is approve, reject or cancel on one operation.
type action string

const (
	actApprove action = "approve"
	actReject  action = "reject"
	actCancel  action = "cancel"
)

// Routes registers the approval routes:
//
//	POST /api/v1/{kind}/{id}/approve|reject|cancel (and DELETE …/cancel)
//	GET  /api/v1/accounts/{id}/operations[/{operation_id}], POST …/operations/actions/approve|cancel
//	GET  /api/v1/accounts/{id}/schedulings
//	POST /_sim/owner/{kind}/{id}/approve|reject  → 204 (CREATED → APPROVED/SCHEDULED/CONFIRMED; PIX rejected → CANCELLED), 404, 409
//	     kind: internal_transfers | external_transfers | payments | pix_payments
//
// Cancel answers DELETE as well as POST because Stone's Go SDK cancels with
// DELETE (§5.1).
func (g *Registry) Routes(m *api.Mux) {
	for _, k := range g.kinds {
		if !k.Actions {
			continue
		}
		base := "/api/v1/" + k.Name + "/{id}/"
		m.HandleAuth("POST "+base+"approve", g.actionHandler(k, actApprove))
		m.HandleAuth("POST "+base+"reject", g.actionHandler(k, actReject))
		m.HandleAuth("POST "+base+"cancel", g.actionHandler(k, actCancel))
		m.HandleAuth("DELETE "+base+"cancel", g.actionHandler(k, actCancel))
	}
	m.HandleAuth("GET /api/v1/accounts/{id}/schedulings", g.handleSchedulings)
	m.HandleAuth("GET /api/v1/accounts/{id}/operations", g.handleListOperations)
	m.HandleAuth("POST /api/v1/accounts/{id}/operations/actions/approve", g.handleBatchApprove)
	m.HandleAuth("POST /api/v1/accounts/{id}/operations/actions/cancel", g.handleBatchCancel)
	m.HandleAuth("GET /api/v1/accounts/{id}/operations/{operation_id}", g.handleGetOperation)
	m.Handle("POST /_sim/owner/{kind}/{id}/{action}", g.handleOwnerDecision)
}

// decide applies act to op on behalf of the account owner and says why not
// when the state forbids it.
func (g *Registry) decide(op CashOut, act action, now time.Time) (api.Reply, bool) {
	l, k := op.Base(), op.Kind()
	owner := g.book.Account(l.AccountID).OwnerID
	switch act {
	case actApprove, actReject:
		if !PendingApproval(op) {
			return api.Conflict(k.Label + " is " + l.Status + ", only CREATED operations awaiting the owner can be approved or rejected"), false
		}
		if act == actApprove {
			g.Approve(op, owner, now)
		} else {
			g.reject(op, owner, now)
		}
	case actCancel:
		if !cancellable(op) {
			return api.Conflict(k.Label + " is " + l.Status + ", only CREATED or SCHEDULED operations can be cancelled"), false
		}
		g.cancel(op, now)
	}
	return api.NoContent(), true
}

// actionHandler serves Stone's per-operation routes: 204, 404 unknown, 403
// not accessible, 409 when the state forbids it. Stone meant approve/reject
// for the owner's own app; the simulator lets the application call them and
// records the owner as the one who decided, because that is who the call
// stands for.
func (g *Registry) actionHandler(k *Kind, act action) api.Handler {
	return func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		g.book.Reply(w, func() api.Reply {
			op, ok := g.Of(k, r.PathValue("id"))
			if !ok {
				return api.NotFound()
			}
			if _, ok := g.book.Accessible(c.ClientID, op.Base().AccountID); !ok {
				return api.Unauthorized()
			}
			rp, _ := g.decide(op, act, g.book.Stamp(c.Now))
			return rp
		})
	}
}

// handleOwnerDecision is the owner in Stone's app ("Aprovar transações").
func (g *Registry) handleOwnerDecision(w http.ResponseWriter, r *http.Request, c *api.Call) {
	act := action(r.PathValue("action"))
	if act != actApprove && act != actReject {
		api.NotFound().Write(w)
		return
	}
	i := slices.IndexFunc(g.kinds, func(k *Kind) bool { return k.Name == r.PathValue("kind") })
	if i < 0 {
		api.NotFound().Write(w)
		return
	}
	g.book.Reply(w, func() api.Reply {
		op, ok := g.Of(g.kinds[i], r.PathValue("id"))
		if !ok {
			return api.NotFound()
		}
		rp, _ := g.decide(op, act, g.book.Stamp(c.Now))
		return rp
	})
}

// typed is an operation as the batch endpoints show it: its own JSON plus
// the batch "type".
func typed(op CashOut) json.RawMessage {
	b := api.Snapshot(op)
	if len(b) < 2 || b[0] != '{' {
		return b
	}
	head := `{"type":` + string(api.Snapshot(op.Kind().BatchType))
	if len(b) > 2 {
		head += ","
	}
	return json.RawMessage(head + string(b[1:]))
}

func batchTypes() []string {
	return []string{"external_transfer", "internal_transfer", "barcode_payment", "pix_payment", "refund_for_pix_payment"}
}

func scheduled(op CashOut) bool {
	s := op.Base().Status
	return s == "SCHEDULED" || s == "DELAYED_TO_NEXT_BUSINESS_DAY"
}

// handleListOperations lists an account's operations that are SCHEDULED or
// PENDING_APPROVAL (both when status is omitted), newest first.
func (g *Registry) handleListOperations(w http.ResponseWriter, r *http.Request, c *api.Call) {
	status := r.URL.Query().Get("status")
	if status != "" && status != "SCHEDULED" && status != "PENDING_APPROVAL" {
		api.Validation(api.FieldError{Error: "must be SCHEDULED or PENDING_APPROVAL", Path: []string{"status"}}).Write(w)
		return
	}
	g.listAccountOps(w, r, c, "operations", func(op CashOut) bool {
		return (status != "PENDING_APPROVAL" && scheduled(op)) || (status != "SCHEDULED" && PendingApproval(op))
	})
}

// handleSchedulings lists an account's scheduled operations not yet run.
func (g *Registry) handleSchedulings(w http.ResponseWriter, r *http.Request, c *api.Call) {
	g.listAccountOps(w, r, c, "schedulings", scheduled)
}

func (g *Registry) listAccountOps(w http.ResponseWriter, r *http.Request, c *api.Call, name string, keep func(CashOut) bool) {
	id := r.PathValue("id")
	g.book.Reply(w, func() api.Reply {
		if _, ok := g.book.Accessible(c.ClientID, id); !ok {
			return api.Unauthorized()
		}
		scope := name + "|" + id
		p, rp, ok := api.ParsePage(r.URL.Query(), scope, api.DefaultLimit, api.MaxLimit)
		if !ok {
			return rp
		}
		var list []CashOut
		for i := len(g.order) - 1; i >= 0; i-- {
			if op := g.order[i]; op.Base().AccountID == id && keep(op) {
				list = append(list, op)
			}
		}
		data, cur := api.Paginate(list, func(op CashOut) int64 { return op.Base().seq }, true, p, scope)
		out := api.List[json.RawMessage]{Cursor: cur, Data: []json.RawMessage{}}
		for _, op := range data {
			out.Data = append(out.Data, typed(op))
		}
		return api.JSON(http.StatusOK, out)
	})
}

// handleGetOperation is GET /api/v1/accounts/{id}/operations/{operation_id}?type=.
func (g *Registry) handleGetOperation(w http.ResponseWriter, r *http.Request, c *api.Call) {
	typ := r.URL.Query().Get("type")
	if typ != "" && !slices.Contains(batchTypes(), typ) {
		api.Validation(api.FieldError{Error: "is not an operation type", Path: []string{"type"}}).Write(w)
		return
	}
	g.book.Reply(w, func() api.Reply {
		if _, ok := g.book.Accessible(c.ClientID, r.PathValue("id")); !ok {
			return api.Unauthorized()
		}
		op, ok := g.ops[r.PathValue("operation_id")]
		if !ok || op.Base().AccountID != r.PathValue("id") || (typ != "" && op.Kind().BatchType != typ) {
			return api.NotFound()
		}
		return api.JSON(http.StatusOK, typed(op))
	})
}

type batchRef struct{ id, typ string }

// decodeBatch reads {"action","operations":[{"id","type"}]}.
func decodeBatch(r *http.Request, verb string) (act string, refs []batchRef, rp api.Reply, ok bool) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		return "", nil, rp, false
	}
	act = f.Str("action", true)
	if act != "" && act != verb+"_only" && act != verb+"_all_except" {
		f.Add("must be "+verb+"_only or "+verb+"_all_except", "action")
	}
	items, present := f.Array("operations")
	if !present && act == verb+"_only" {
		f.Add("can't be blank", "operations")
	}
	if len(items) > maxBatchOperations {
		f.Add("should have at most 1000 item(s)", "operations")
	}
	for _, it := range items {
		ref := batchRef{id: it.Str("id", true), typ: it.Str("type", true)}
		if ref.typ != "" && !slices.Contains(batchTypes(), ref.typ) {
			it.Add("is not an operation type", "type")
		}
		refs = append(refs, ref)
	}
	rp, ok = f.Result()
	return act, refs, rp, ok
}

// handleBatchApprove approves many operations awaiting the owner at once
// (approve_only the listed ones, or approve_all_except them) → 202
// {"number_of_approvals":N}.
func (g *Registry) handleBatchApprove(w http.ResponseWriter, r *http.Request, c *api.Call) {
	g.batch(w, r, c, "approve", "number_of_approvals", PendingApproval, actApprove)
}

// handleBatchCancel cancels many scheduled or pending operations at once →
// 202 {"number_of_cancellations":N}. The batch acts on what it lists,
// operations pending approval or scheduled, never on a PIX draft nobody has
// confirmed.
func (g *Registry) handleBatchCancel(w http.ResponseWriter, r *http.Request, c *api.Call) {
	g.batch(w, r, c, "cancel", "number_of_cancellations", func(op CashOut) bool {
		return PendingApproval(op) || scheduled(op)
	}, actCancel)
}

func (g *Registry) batch(w http.ResponseWriter, r *http.Request, c *api.Call, verb, counter string, eligible func(CashOut) bool, act action) {
	kind, refs, rp, ok := decodeBatch(r, verb)
	if !ok {
		rp.Write(w)
		return
	}
	only := kind == verb+"_only"
	listed := func(op CashOut) bool {
		return slices.ContainsFunc(refs, func(ref batchRef) bool {
			return ref.id == op.Base().ID && ref.typ == op.Kind().BatchType
		})
	}
	id := r.PathValue("id")
	g.book.Reply(w, func() api.Reply {
		if _, ok := g.book.Accessible(c.ClientID, id); !ok {
			return api.Unauthorized()
		}
		now := g.book.Stamp(c.Now)
		n := 0
		for _, op := range append([]CashOut{}, g.order...) {
			if op.Base().AccountID != id || !eligible(op) || listed(op) != only {
				continue
			}
			if _, ok := g.decide(op, act, now); ok {
				n++
			}
		}
		return api.JSON(http.StatusAccepted, map[string]int{counter: n})
	})
}

// DryRun is a dry run's answer: the operation as creating it would return it
// now, with a null id, nothing stored and nothing moved. Caller holds the lock.
func (g *Registry) DryRun(op CashOut, clientID string, now time.Time) map[string]any {
	l := op.Base()
	l.Status = "CREATED"
	if g.book.OwnedBy(l.AccountID, clientID) {
		l.ApprovedAt, l.ApprovedBy = api.TSPtr(now), api.StrPtr("application:"+clientID)
		l.Status, _ = op.Plan(now)
	}
	var m map[string]any
	if err := json.Unmarshal(api.Snapshot(op), &m); err != nil || m == nil {
		m = map[string]any{}
	}
	m["id"] = nil
	return m
}

// Get serves GET /api/v1/{kind}/{id}: unknown ids are 404, operations of
// accounts the application cannot see are 403 as everywhere else.
func (g *Registry) Get(k *Kind) api.Handler {
	return func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		g.book.Reply(w, func() api.Reply {
			op, ok := g.Of(k, r.PathValue("id"))
			if !ok {
				return api.NotFound()
			}
			if _, ok := g.book.Accessible(c.ClientID, op.Base().AccountID); !ok {
				return api.Unauthorized()
			}
			return api.JSON(http.StatusOK, op)
		})
	}
}

// List serves GET /api/v1/{kind}: operations of one kind newest first, from
// one account_id or, without it, from every account the application can
// access, filtered by status and a created_at window, with cursors.
func (g *Registry) List(k *Kind, statuses []string) api.Handler {
	return func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		q := r.URL.Query()
		accountID, status := q.Get("account_id"), q.Get("status")
		if status != "" && !slices.Contains(statuses, status) {
			api.Validation(api.FieldError{Error: "is not a " + k.Label + " status", Path: []string{"status"}}).Write(w)
			return
		}
		win, errs := parseWindow(q)
		if len(errs) > 0 {
			api.Validation(errs...).Write(w)
			return
		}
		scope := k.Name + "|" + accountID
		p, rp, ok := api.ParsePage(q, scope, api.DefaultLimit, api.MaxLimit)
		if !ok {
			rp.Write(w)
			return
		}
		g.book.Reply(w, func() api.Reply {
			if accountID != "" {
				if _, ok := g.book.Accessible(c.ClientID, accountID); !ok {
					return api.Unauthorized()
				}
			}
			var list []CashOut
			for i := len(g.order) - 1; i >= 0; i-- {
				op := g.order[i]
				l := op.Base()
				if op.Kind().Name != k.Name {
					continue
				}
				if _, ok := g.book.Accessible(c.ClientID, l.AccountID); !ok {
					continue
				}
				if (accountID == "" || l.AccountID == accountID) && (status == "" || l.Status == status) && win.contains(l.created) {
					list = append(list, op)
				}
			}
			return api.JSON(http.StatusOK, api.PageOf(list, func(op CashOut) int64 { return op.Base().seq }, p, scope))
		})
	}
}

// window is an optional [start, end] time filter.
type window struct{ start, end *time.Time }

func (w window) contains(t time.Time) bool {
	return (w.start == nil || !t.Before(*w.start)) && (w.end == nil || !t.After(*w.end))
}

// parseWindow reads start_datetime/end_datetime (ISO 8601) or, as dates,
// start_date/end_date (whole days in Brasília).
func parseWindow(q url.Values) (window, []api.FieldError) {
	var w window
	var errs []api.FieldError
	for _, name := range []string{"start_datetime", "end_datetime", "start_date", "end_date"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		var t time.Time
		var err error
		if strings.HasSuffix(name, "_date") {
			t, err = calendar.ParseDay(v)
			if strings.HasPrefix(name, "end") {
				t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
			}
		} else {
			t, err = time.Parse(time.RFC3339, v)
		}
		if err != nil {
			errs = append(errs, api.FieldError{Error: "has invalid format", Path: []string{name}})
			continue
		}
		if strings.HasPrefix(name, "start") {
			w.start = &t
		} else {
			w.end = &t
		}
	}
	if w.start != nil && w.end != nil && w.end.Before(*w.start) {
		errs = append(errs, api.FieldError{Error: "must not be before the start", Path: []string{"end_datetime"}})
	}
	return w, errs
}
