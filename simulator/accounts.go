package simulator

import (
	"net/http"
	"sort"
)

const accountsPageLimit = 50

type listResponse[T any] struct {
	Cursor cursor `json:"cursor"`
	Data   []T    `json:"data"`
}

type balanceResponse struct {
	Balance          int64 `json:"balance"`
	BlockedBalance   int64 `json:"blocked_balance"`
	ScheduledBalance int64 `json:"scheduled_balance"`
}

// handleListAccounts lists what the application may operate: its own account
// and every account whose owner consented (this is how partners discover ids).
func (s *Simulator) handleListAccounts(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := r.URL.Query()
	paginated := false
	switch q.Get("paginate") {
	case "", "false":
	case "true":
		paginated = true
	default:
		validationErr(fieldError{Error: "must be true or false", Path: []string{"paginate"}}).write(w)
		return
	}
	scope := "accounts"
	p := page{limit: accountsPageLimit}
	if paginated {
		var rp reply
		var ok bool
		if p, rp, ok = parsePage(q, scope, accountsPageLimit, accountsPageLimit); !ok {
			rp.write(w)
			return
		}
	}
	s.withStore(w, func(st *store) reply {
		var accs []*account
		for _, a := range st.accounts {
			if _, ok := st.accessible(rc.client, a.ID); ok {
				accs = append(accs, a)
			}
		}
		sort.Slice(accs, func(i, j int) bool { return accs[i].seq < accs[j].seq })
		out := listResponse[account]{Cursor: cursor{Limit: accountsPageLimit}, Data: []account{}}
		if paginated {
			var pageAccs []*account
			pageAccs, out.Cursor = paginate(accs, func(a *account) int64 { return a.seq }, false, p, scope)
			accs = pageAccs
		}
		for _, a := range accs {
			out.Data = append(out.Data, *a)
		}
		return jsonReply(http.StatusOK, out)
	})
}

func (s *Simulator) handleGetAccount(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		a, ok := st.accessible(rc.client, r.PathValue("id"))
		if !ok {
			return unauthorized()
		}
		return jsonReply(http.StatusOK, a)
	})
}

func (s *Simulator) handleBalance(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		a, ok := st.accessible(rc.client, r.PathValue("id"))
		if !ok {
			return unauthorized()
		}
		return jsonReply(http.StatusOK, balanceResponse{Balance: a.balance, ScheduledBalance: st.scheduledFrom(a.ID)})
	})
}

// withStore runs fn under the store lock and writes its reply after unlocking,
// so a slow client never holds up other requests.
func (s *Simulator) withStore(w http.ResponseWriter, fn func(st *store) reply) {
	var rp reply
	s.locked(func() { rp = fn(s.st) })
	rp.write(w)
}
