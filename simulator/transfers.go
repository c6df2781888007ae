package simulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

const (
	transfersDefaultLimit = 25
	transfersMaxLimit     = 100
)

// transfer is Stone's internal transfer object (§5.1); exported fields are its JSON.
type transfer struct {
	lifecycle
	Description            string         `json:"description"`
	ScheduledTo            *string        `json:"scheduled_to"`
	Target                 transferTarget `json:"target"`
	TargetAccountCode      string         `json:"target_account_code"`
	TargetAccountOwnerName string         `json:"target_account_owner_name"`

	targetID string
}

type transferTarget struct {
	Account struct {
		AccountCode string `json:"account_code"`
	} `json:"account"`
	Entity struct {
		Name string `json:"name"`
	} `json:"entity"`
}

func (t *transfer) spec() *opKind { return kindInternal() }

// plan: a scheduled_to day still to come waits for the start of that day in
// Brasília; today or a past day executes now, as Stone does.
func (t *transfer) plan(st *store, now time.Time) (string, time.Time) {
	if t.ScheduledTo != nil {
		if day, err := parseDay(*t.ScheduledTo); err == nil && day.After(now) {
			return "SCHEDULED", day
		}
	}
	return "APPROVED", now.Add(st.step)
}

// run settles the transfer. Lack of funds is an outcome, not an HTTP error:
// the transfer was accepted long before it ran.
func (t *transfer) run(st *store, at time.Time) {
	src, dst := st.accounts[t.AccountID], st.accounts[t.targetID]
	if src.balance < t.Amount+t.Fee {
		st.failOp(t, at, "1", "Saldo insuficiente.")
		return
	}
	_, credit := st.move(src, dst, t.Amount, at, t.Description, t.ID)
	t.Status, t.FinishedAt, t.SettledAt = "FINISHED", tsPtr(at), tsPtr(at)
	st.opEvent(t, "finished", at)
	st.emit(&event{Type: "cash_in_internal_transfer", TargetType: "internal_transfer", AccountID: dst.ID,
		Data: entrySnapshot(credit), StatementRef: credit.ID, At: at})
}

func transferStatuses() []string {
	return []string{"CREATED", "REJECTED", "EXPIRED", "APPROVED", "SCHEDULED", "FAILED", "FINISHED", "CANCELLED"}
}

// handleCreateTransfer accepts an internal transfer. Execution is asynchronous,
// as at Stone: 202 means accepted, and the outcome (FINISHED or FAILED for lack
// of funds) is read later.
func (s *Simulator) handleCreateTransfer(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.internalTransfer(w, r, rc, false)
}

// handleDryRunTransfer validates like a creation and answers 200 with the
// transfer as it would be, storing and moving nothing.
func (s *Simulator) handleDryRunTransfer(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.internalTransfer(w, r, rc, true)
}

func (s *Simulator) internalTransfer(w http.ResponseWriter, r *http.Request, rc *reqCtx, dry bool) {
	req, rp, ok := decodeTransferRequest(r)
	if !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		src, ok := st.accessible(rc.client, req.accountID)
		if !ok {
			return unauthorized()
		}
		dst, ok := st.accountsByCode[strings.TrimLeft(req.targetCode, "0")]
		if !ok {
			return srnErr(http.StatusUnprocessableEntity, "target_account_not_found")
		}
		if dst.ID == src.ID {
			return srnErr(http.StatusUnprocessableEntity, "cannot_transfer_to_source_account")
		}
		if rp, ok := st.checkScheduleLimit(req.scheduledTo, rc.now); !ok {
			return rp
		}
		now := st.stamp(rc.now)
		t := &transfer{
			Description:            req.description,
			ScheduledTo:            req.scheduledTo,
			TargetAccountCode:      dst.AccountCode,
			TargetAccountOwnerName: dst.OwnerName,
			targetID:               dst.ID,
		}
		t.AccountID, t.Amount, t.CreatedAt, t.CreatedBy = src.ID, req.amount, ts(now), rc.client.subjectID()
		t.Fee = st.fee(src.ID, "internal_transfer")
		t.Target.Account.AccountCode = dst.AccountCode
		t.Target.Entity.Name = dst.OwnerName
		if dry {
			return dryRunReply(st, t, src, rc.client, now)
		}
		t.ID = st.newID()
		st.addOp(t)
		st.submit(t, rc.client, now)
		return jsonReply(http.StatusAccepted, t)
	})
}

func (s *Simulator) handleGetTransfer(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.getOp(w, r, rc, kindInternal())
}

// handleListTransfers lists transfers newest first, from one account_id or,
// without it, from every account the application can access.
func (s *Simulator) handleListTransfers(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.listOps(w, r, rc, kindInternal(), transferStatuses())
}

// getOp serves GET /api/v1/{kind}/{id}: unknown ids are 404, operations of
// accounts the application cannot see are 403 as everywhere else.
func (s *Simulator) getOp(w http.ResponseWriter, r *http.Request, rc *reqCtx, k *opKind) {
	s.withStore(w, func(st *store) reply {
		op, ok := st.opOf(k, r.PathValue("id"))
		if !ok {
			return notFound()
		}
		if _, ok := st.accessible(rc.client, op.base().AccountID); !ok {
			return unauthorized()
		}
		return jsonReply(http.StatusOK, op)
	})
}

// listOps lists operations of one kind newest first, filtered by account_id,
// status and a created_at window (start_datetime/end_datetime), with cursors.
func (s *Simulator) listOps(w http.ResponseWriter, r *http.Request, rc *reqCtx, k *opKind, statuses []string) {
	q := r.URL.Query()
	accountID, status := q.Get("account_id"), q.Get("status")
	if status != "" && !slices.Contains(statuses, status) {
		validationErr(fieldError{Error: "is not a " + k.label + " status", Path: []string{"status"}}).write(w)
		return
	}
	win, errs := parseWindow(q)
	if len(errs) > 0 {
		validationErr(errs...).write(w)
		return
	}
	scope := k.name + "|" + accountID
	p, rp, ok := parsePage(q, scope, transfersDefaultLimit, transfersMaxLimit)
	if !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		if accountID != "" {
			if _, ok := st.accessible(rc.client, accountID); !ok {
				return unauthorized()
			}
		}
		var list []cashOut
		for i := len(st.opOrder) - 1; i >= 0; i-- {
			op := st.opOrder[i]
			l := op.base()
			if op.spec().name != k.name {
				continue
			}
			if _, ok := st.accessible(rc.client, l.AccountID); !ok {
				continue
			}
			if (accountID == "" || l.AccountID == accountID) && (status == "" || l.Status == status) && win.contains(l.created) {
				list = append(list, op)
			}
		}
		data, cur := paginate(list, func(op cashOut) int64 { return op.base().seq }, true, p, scope)
		return jsonReply(http.StatusOK, listResponse[cashOut]{Cursor: cur, Data: append([]cashOut{}, data...)})
	})
}

// window is an optional [start, end] time filter.
type window struct{ start, end *time.Time }

func (w window) contains(t time.Time) bool {
	return (w.start == nil || !t.Before(*w.start)) && (w.end == nil || !t.After(*w.end))
}

// parseWindow reads start_datetime/end_datetime (ISO 8601) or, as dates,
// start_date/end_date (whole days in Brasília).
func parseWindow(q url.Values) (window, []fieldError) {
	var w window
	var errs []fieldError
	for _, name := range []string{"start_datetime", "end_datetime", "start_date", "end_date"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		var t time.Time
		var err error
		if strings.HasSuffix(name, "_date") {
			t, err = parseDay(v)
			if strings.HasPrefix(name, "end") {
				t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
			}
		} else {
			t, err = time.Parse(time.RFC3339, v)
		}
		if err != nil {
			errs = append(errs, fieldError{Error: "has invalid format", Path: []string{name}})
			continue
		}
		if strings.HasPrefix(name, "start") {
			w.start = &t
		} else {
			w.end = &t
		}
	}
	if w.start != nil && w.end != nil && w.end.Before(*w.start) {
		errs = append(errs, fieldError{Error: "must not be before the start", Path: []string{"end_datetime"}})
	}
	return w, errs
}
