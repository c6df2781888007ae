package ledger

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

const (
	accountsPageLimit     = 50
	statementDefaultLimit = 25
	statementMaxLimit     = 100
)

// Routes registers the accounts API (§4) and the clock controls:
//
//	GET  /_sim/clock                 → 200 {"now"}
//	POST /_sim/clock/advance         {"duration":"15m"} → 200 {"now"}
//
// scheduled is the balance committed to an account's scheduled operations
// (Stone's scheduled_balance), which the operations' owner knows.
func (b *Book) Routes(m *api.Mux, scheduled func(accountID string) int64) {
	m.HandleAuth("GET /api/v1/accounts", b.handleListAccounts)
	m.HandleAuth("GET /api/v1/accounts/{id}", b.handleGetAccount)
	m.HandleAuth("GET /api/v1/accounts/{id}/balance", func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		b.Reply(w, func() api.Reply {
			a, ok := b.Accessible(c.ClientID, r.PathValue("id"))
			if !ok {
				return api.Unauthorized()
			}
			return api.JSON(http.StatusOK, balanceResponse{Balance: a.balance, ScheduledBalance: scheduled(a.ID)})
		})
	})
	m.HandleAuth("GET /api/v1/accounts/{id}/statement", b.handleStatement)
	m.HandleAuth("GET /api/v1/accounts/{id}/statement/entries/{entry}", func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		// The path Stone's Postman collection uses.
		b.entry(w, c, r.PathValue("id"), r.PathValue("entry"))
	})
	m.HandleAuth("GET /api/v1/statement/entries/{entry}", func(w http.ResponseWriter, r *http.Request, c *api.Call) {
		b.entry(w, c, "", r.PathValue("entry"))
	})
	m.HandleAuth("GET /api/v1/accounts/{id}/fees", b.handleFees)
	m.HandleAuth("GET /api/v1/accounts/{id}/fees/{fee_type}", b.handleFee)
	m.Handle("GET /_sim/clock", func(w http.ResponseWriter, _ *http.Request, c *api.Call) {
		api.JSON(http.StatusOK, ClockResponse{Now: api.TS(c.Now)}).Write(w)
	})
	m.Handle("POST /_sim/clock/advance", b.handleClockAdvance)
}

type balanceResponse struct {
	Balance          int64 `json:"balance"`
	BlockedBalance   int64 `json:"blocked_balance"`
	ScheduledBalance int64 `json:"scheduled_balance"`
}

// handleListAccounts lists what the application may operate: its own account
// and every account whose owner consented (this is how partners discover ids).
func (b *Book) handleListAccounts(w http.ResponseWriter, r *http.Request, c *api.Call) {
	q := r.URL.Query()
	paginated := false
	switch q.Get("paginate") {
	case "", "false":
	case "true":
		paginated = true
	default:
		api.Validation(api.FieldError{Error: "must be true or false", Path: []string{"paginate"}}).Write(w)
		return
	}
	scope := "accounts"
	p := api.Page{Limit: accountsPageLimit}
	if paginated {
		var rp api.Reply
		var ok bool
		if p, rp, ok = api.ParsePage(q, scope, accountsPageLimit, accountsPageLimit); !ok {
			rp.Write(w)
			return
		}
	}
	b.Reply(w, func() api.Reply {
		var accs []*Account
		for _, a := range b.Accounts() {
			if _, ok := b.Accessible(c.ClientID, a.ID); ok {
				accs = append(accs, a)
			}
		}
		out := api.List[Account]{Cursor: api.Cursor{Limit: accountsPageLimit}, Data: []Account{}}
		if paginated {
			accs, out.Cursor = api.Paginate(accs, func(a *Account) int64 { return a.seq }, false, p, scope)
		}
		for _, a := range accs {
			out.Data = append(out.Data, *a)
		}
		return api.JSON(http.StatusOK, out)
	})
}

func (b *Book) handleGetAccount(w http.ResponseWriter, r *http.Request, c *api.Call) {
	b.Reply(w, func() api.Reply {
		a, ok := b.Accessible(c.ClientID, r.PathValue("id"))
		if !ok {
			return api.Unauthorized()
		}
		return api.JSON(http.StatusOK, a)
	})
}

// entryTypes are the statement entry types Stone documents; type[] filters
// outside this list are a client mistake worth reporting, not an empty page.
func entryTypes() []string {
	return []string{"balance_blocked", "balance_unblocked", "card_payment", "external", "external_refund",
		"instant_payment", "internal", "loan_payments", "outbound_pix_payment",
		"outbound_stone_prepaid_card_payment", "outbound_stone_prepaid_card_payment_refund",
		"outbound_stone_prepaid_card_payment_chargeback", "outbound_stone_prepaid_card_withdrawal",
		"outbound_stone_prepaid_card_withdrawal_refund", "payment", "payment_refund", "payroll", "pix_payment",
		"refund_for_pix_payment", "refund_reversal_for_pix_payment", "refund_for_outbound_pix_payment", "salary",
		"salary_portability", "salary_portability_refund", "salary_portability_employer_refund"}
}

type statementFilter struct {
	start, end *time.Time
	operation  string
	types      []string
}

func parseStatementFilter(q url.Values) (statementFilter, []api.FieldError) {
	var f statementFilter
	var errs []api.FieldError
	for _, name := range []string{"start_datetime", "end_datetime"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, api.FieldError{Error: "must be an ISO 8601 datetime (YYYY-MM-DDThh:mm:ssZ)", Path: []string{name}})
			continue
		}
		if name == "start_datetime" {
			f.start = &t
		} else {
			f.end = &t
		}
	}
	if f.start != nil && f.end != nil && f.end.Before(*f.start) {
		errs = append(errs, api.FieldError{Error: "must not be before start_datetime", Path: []string{"end_datetime"}})
	}
	switch op := q.Get("operation"); op {
	case "", "credit", "debit":
		f.operation = op
	default:
		errs = append(errs, api.FieldError{Error: "must be credit or debit", Path: []string{"operation"}})
	}
	known := entryTypes()
	for _, name := range []string{"type[]", "type"} {
		for _, t := range q[name] {
			if !slices.Contains(known, t) {
				errs = append(errs, api.FieldError{Error: "is not a statement entry type", Path: []string{name}})
				continue
			}
			f.types = append(f.types, t)
		}
	}
	return f, errs
}

func (f statementFilter) match(e *Entry) bool {
	return (f.start == nil || !e.at.Before(*f.start)) &&
		(f.end == nil || !e.at.After(*f.end)) &&
		(f.operation == "" || e.Operation == f.operation) &&
		(len(f.types) == 0 || slices.Contains(f.types, e.Type))
}

// handleStatement lists an account's entries, newest first, with cursors.
func (b *Book) handleStatement(w http.ResponseWriter, r *http.Request, c *api.Call) {
	id := r.PathValue("id")
	q := r.URL.Query()
	b.Reply(w, func() api.Reply {
		// Access first: a cursor or filter error must not reveal that an
		// inaccessible account exists.
		a, ok := b.Accessible(c.ClientID, id)
		if !ok {
			return api.Unauthorized()
		}
		scope := "statement|" + a.ID
		p, rp, ok := api.ParsePage(q, scope, statementDefaultLimit, statementMaxLimit)
		if !ok {
			return rp
		}
		f, errs := parseStatementFilter(q)
		if len(errs) > 0 {
			return api.Validation(errs...)
		}
		var list []*Entry
		for i := len(a.entries) - 1; i >= 0; i-- {
			if e := a.entries[i]; f.match(e) {
				list = append(list, e)
			}
		}
		return api.JSON(http.StatusOK, api.PageOf(list, func(e *Entry) int64 { return e.seq }, p, scope))
	})
}

func (b *Book) entry(w http.ResponseWriter, c *api.Call, accountID, entryID string) {
	b.Reply(w, func() api.Reply {
		e, ok := b.entries[entryID]
		if !ok || (accountID != "" && e.accountID != accountID) {
			return api.Unauthorized()
		}
		if _, ok := b.Accessible(c.ClientID, e.accountID); !ok {
			return api.Unauthorized()
		}
		return api.JSON(http.StatusOK, e)
	})
}

// ClockResponse is the clock controls' answer.
type ClockResponse struct {
	Now string `json:"now"`
}

// handleClockAdvance moves the simulator's clock forward (never back: the
// ledger is written in time order). Due transitions apply on the next request.
func (b *Book) handleClockAdvance(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	var in struct {
		Duration string `json:"duration"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		api.BadRequest(`body must be a JSON object {"duration":"15m"}: ` + err.Error()).Write(w)
		return
	}
	d, err := time.ParseDuration(in.Duration)
	if err != nil || d < 0 {
		api.Validation(api.FieldError{Error: "must be a non-negative Go duration such as 90s or 15m", Path: []string{"duration"}}).Write(w)
		return
	}
	b.Advance(d)
	api.JSON(http.StatusOK, ClockResponse{Now: api.TS(b.Now())}).Write(w)
}
