package simulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

const maxBatchOperations = 1000

// opAction is approve, reject or cancel on one operation.
type opAction string

const (
	actApprove opAction = "approve"
	actReject  opAction = "reject"
	actCancel  opAction = "cancel"
)

// decide applies action to op on behalf of the account owner and says why
// not when the state forbids it.
func (st *store) decide(op cashOut, action opAction, now time.Time) (reply, bool) {
	l, k := op.base(), op.spec()
	owner := st.accounts[l.AccountID].OwnerID
	switch action {
	case actApprove, actReject:
		if !pendingApproval(op) {
			return conflict(k.label + " is " + l.Status + ", only CREATED operations awaiting the owner can be approved or rejected"), false
		}
		if action == actApprove {
			st.approveOp(op, owner, now)
		} else {
			st.rejectOp(op, owner, now)
		}
	case actCancel:
		if !cancellable(op) {
			return conflict(k.label + " is " + l.Status + ", only CREATED or SCHEDULED operations can be cancelled"), false
		}
		st.cancelOp(op, now)
	}
	return reply{status: http.StatusNoContent}, true
}

// opActionHandler serves Stone's per-operation routes
// POST /api/v1/{kind}/{id}/approve|reject|cancel (and DELETE .../cancel,
// which Stone's Go SDK uses): 204, 404 unknown, 403 not accessible, 409 when
// the state forbids it. Stone meant approve/reject for the owner's own app;
// the simulator lets the application call them and records the owner as
// the one who decided, because that is who the call stands for.
func (s *Simulator) opActionHandler(k *opKind, action opAction) handler {
	return func(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
		s.withStore(w, func(st *store) reply {
			op, ok := st.opOf(k, r.PathValue("id"))
			if !ok {
				return notFound()
			}
			if _, ok := st.accessible(rc.client, op.base().AccountID); !ok {
				return unauthorized()
			}
			rp, _ := st.decide(op, action, st.stamp(rc.now))
			return rp
		})
	}
}

// handleOwnerDecision is the owner in Stone's app ("Aprovar transações"):
// POST /_sim/owner/{kind}/{id}/approve|reject for internal_transfers,
// external_transfers, payments and pix_payments.
func (s *Simulator) handleOwnerDecision(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	action := opAction(r.PathValue("action"))
	if action != actApprove && action != actReject {
		notFound().write(w)
		return
	}
	var k *opKind
	for _, c := range opKinds() {
		if c.name == r.PathValue("kind") {
			k = c
		}
	}
	if k == nil {
		notFound().write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		op, ok := st.opOf(k, r.PathValue("id"))
		if !ok {
			return notFound()
		}
		rp, _ := st.decide(op, action, st.stamp(rc.now))
		return rp
	})
}

// typed is an operation as the batch endpoints show it: its own JSON plus
// the batch "type".
func typed(op cashOut) json.RawMessage {
	b := snapshot(op)
	if len(b) < 2 || b[0] != '{' {
		return b
	}
	head := `{"type":` + string(snapshot(op.spec().batchType))
	if len(b) > 2 {
		head += ","
	}
	return json.RawMessage(head + string(b[1:]))
}

func batchTypes() []string {
	return []string{"external_transfer", "internal_transfer", "barcode_payment", "pix_payment", "refund_for_pix_payment"}
}

// handleListOperations lists an account's operations that are SCHEDULED or
// PENDING_APPROVAL (both when status is omitted), newest first.
func (s *Simulator) handleListOperations(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := r.URL.Query()
	status := q.Get("status")
	if status != "" && status != "SCHEDULED" && status != "PENDING_APPROVAL" {
		validationErr(fieldError{Error: "must be SCHEDULED or PENDING_APPROVAL", Path: []string{"status"}}).write(w)
		return
	}
	s.listAccountOps(w, r, rc, "operations", func(op cashOut) bool {
		scheduled := op.base().Status == "SCHEDULED" || op.base().Status == "DELAYED_TO_NEXT_BUSINESS_DAY"
		return (status != "PENDING_APPROVAL" && scheduled) || (status != "SCHEDULED" && pendingApproval(op))
	})
}

// handleSchedulings lists an account's scheduled operations not yet run.
func (s *Simulator) handleSchedulings(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.listAccountOps(w, r, rc, "schedulings", func(op cashOut) bool {
		return op.base().Status == "SCHEDULED" || op.base().Status == "DELAYED_TO_NEXT_BUSINESS_DAY"
	})
}

func (s *Simulator) listAccountOps(w http.ResponseWriter, r *http.Request, rc *reqCtx, name string, keep func(cashOut) bool) {
	id := r.PathValue("id")
	s.withStore(w, func(st *store) reply {
		if _, ok := st.accessible(rc.client, id); !ok {
			return unauthorized()
		}
		scope := name + "|" + id
		p, rp, ok := parsePage(r.URL.Query(), scope, transfersDefaultLimit, transfersMaxLimit)
		if !ok {
			return rp
		}
		var list []cashOut
		for i := len(st.opOrder) - 1; i >= 0; i-- {
			if op := st.opOrder[i]; op.base().AccountID == id && keep(op) {
				list = append(list, op)
			}
		}
		data, cur := paginate(list, func(op cashOut) int64 { return op.base().seq }, true, p, scope)
		out := listResponse[json.RawMessage]{Cursor: cur, Data: []json.RawMessage{}}
		for _, op := range data {
			out.Data = append(out.Data, typed(op))
		}
		return jsonReply(http.StatusOK, out)
	})
}

// handleGetOperation is GET /api/v1/accounts/{id}/operations/{operation_id}?type=.
func (s *Simulator) handleGetOperation(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	typ := r.URL.Query().Get("type")
	if typ != "" && !slices.Contains(batchTypes(), typ) {
		validationErr(fieldError{Error: "is not an operation type", Path: []string{"type"}}).write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		if _, ok := st.accessible(rc.client, r.PathValue("id")); !ok {
			return unauthorized()
		}
		op, ok := st.ops[r.PathValue("operation_id")]
		if !ok || op.base().AccountID != r.PathValue("id") || (typ != "" && op.spec().batchType != typ) {
			return notFound()
		}
		return jsonReply(http.StatusOK, typed(op))
	})
}

type batchRef struct{ id, typ string }

// decodeBatch reads {"action","operations":[{"id","type"}]}.
func decodeBatch(r *http.Request, verb string) (action string, refs []batchRef, rp reply, ok bool) {
	f, rp, ok := decodeFields(r)
	if !ok {
		return "", nil, rp, false
	}
	action = f.str("action", true)
	if action != "" && action != verb+"_only" && action != verb+"_all_except" {
		f.add("must be "+verb+"_only or "+verb+"_all_except", "action")
	}
	items, present := f.array("operations")
	if !present && action == verb+"_only" {
		f.add("can't be blank", "operations")
	}
	if len(items) > maxBatchOperations {
		f.add("should have at most 1000 item(s)", "operations")
	}
	for _, it := range items {
		ref := batchRef{id: it.str("id", true), typ: it.str("type", true)}
		if ref.typ != "" && !slices.Contains(batchTypes(), ref.typ) {
			it.add("is not an operation type", "type")
		}
		refs = append(refs, ref)
	}
	rp, ok = f.result()
	return action, refs, rp, ok
}

// handleBatchApprove approves many operations awaiting the owner at once
// (approve_only the listed ones, or approve_all_except them) → 202
// {"number_of_approvals":N}.
func (s *Simulator) handleBatchApprove(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.batch(w, r, rc, "approve", "number_of_approvals", pendingApproval, actApprove)
}

// handleBatchCancel cancels many scheduled or pending operations at once →
// 202 {"number_of_cancellations":N}.
func (s *Simulator) handleBatchCancel(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.batch(w, r, rc, "cancel", "number_of_cancellations", batchCancellable, actCancel)
}

// batchCancellable: the batch acts on what it lists, operations pending
// approval or scheduled, never on a PIX draft nobody has confirmed.
func batchCancellable(op cashOut) bool {
	s := op.base().Status
	return pendingApproval(op) || s == "SCHEDULED" || s == "DELAYED_TO_NEXT_BUSINESS_DAY"
}

func (s *Simulator) batch(w http.ResponseWriter, r *http.Request, rc *reqCtx, verb, counter string, eligible func(cashOut) bool, action opAction) {
	action1, refs, rp, ok := decodeBatch(r, verb)
	if !ok {
		rp.write(w)
		return
	}
	only := action1 == verb+"_only"
	listed := func(op cashOut) bool {
		return slices.ContainsFunc(refs, func(ref batchRef) bool {
			return ref.id == op.base().ID && ref.typ == op.spec().batchType
		})
	}
	id := r.PathValue("id")
	s.withStore(w, func(st *store) reply {
		if _, ok := st.accessible(rc.client, id); !ok {
			return unauthorized()
		}
		now := st.stamp(rc.now)
		n := 0
		for _, op := range append([]cashOut{}, st.opOrder...) {
			if op.base().AccountID != id || !eligible(op) || listed(op) != only {
				continue
			}
			if _, ok := st.decide(op, action, now); ok {
				n++
			}
		}
		return jsonReply(http.StatusAccepted, map[string]int{counter: n})
	})
}

// dryRunReply answers a dry run: the operation as creating it would return
// it now, with a null id, nothing stored and nothing moved.
func dryRunReply(st *store, op cashOut, src *account, c *clientRec, now time.Time) reply {
	l := op.base()
	l.Status = "CREATED"
	if src.ownerClient == c.ID {
		l.ApprovedAt, l.ApprovedBy = tsPtr(now), strPtr(c.subjectID())
		l.Status, _ = op.plan(st, now)
	}
	var m map[string]any
	if err := json.Unmarshal(snapshot(op), &m); err != nil {
		return jsonReply(http.StatusOK, op)
	}
	m["id"] = nil
	return jsonReply(http.StatusOK, m)
}
