package simulator

import (
	"net/http"
	"net/url"
	"slices"
	"time"
)

const (
	statementDefaultLimit = 25
	statementMaxLimit     = 100
)

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

func parseStatementFilter(q url.Values) (statementFilter, []fieldError) {
	var f statementFilter
	var errs []fieldError
	for _, name := range []string{"start_datetime", "end_datetime"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, fieldError{Error: "must be an ISO 8601 datetime (YYYY-MM-DDThh:mm:ssZ)", Path: []string{name}})
			continue
		}
		if name == "start_datetime" {
			f.start = &t
		} else {
			f.end = &t
		}
	}
	if f.start != nil && f.end != nil && f.end.Before(*f.start) {
		errs = append(errs, fieldError{Error: "must not be before start_datetime", Path: []string{"end_datetime"}})
	}
	switch op := q.Get("operation"); op {
	case "", "credit", "debit":
		f.operation = op
	default:
		errs = append(errs, fieldError{Error: "must be credit or debit", Path: []string{"operation"}})
	}
	known := entryTypes()
	for _, name := range []string{"type[]", "type"} {
		for _, t := range q[name] {
			if !slices.Contains(known, t) {
				errs = append(errs, fieldError{Error: "is not a statement entry type", Path: []string{name}})
				continue
			}
			f.types = append(f.types, t)
		}
	}
	return f, errs
}

func (f statementFilter) match(e *entry) bool {
	return (f.start == nil || !e.at.Before(*f.start)) &&
		(f.end == nil || !e.at.After(*f.end)) &&
		(f.operation == "" || e.Operation == f.operation) &&
		(len(f.types) == 0 || slices.Contains(f.types, e.Type))
}

// handleStatement lists an account's entries, newest first, with cursors.
func (s *Simulator) handleStatement(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := r.PathValue("id")
	q := r.URL.Query()
	s.withStore(w, func(st *store) reply {
		// Access first: a cursor or filter error must not reveal that an
		// inaccessible account exists.
		a, ok := st.accessible(rc.client, id)
		if !ok {
			return unauthorized()
		}
		scope := "statement|" + a.ID
		p, rp, ok := parsePage(q, scope, statementDefaultLimit, statementMaxLimit)
		if !ok {
			return rp
		}
		f, errs := parseStatementFilter(q)
		if len(errs) > 0 {
			return validationErr(errs...)
		}
		var list []*entry
		for i := len(a.entries) - 1; i >= 0; i-- {
			if e := a.entries[i]; f.match(e) {
				list = append(list, e)
			}
		}
		data, cur := paginate(list, func(e *entry) int64 { return e.seq }, true, p, scope)
		out := listResponse[*entry]{Cursor: cur, Data: append([]*entry{}, data...)}
		return jsonReply(http.StatusOK, out)
	})
}

func (s *Simulator) handleEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.entry(w, rc, "", r.PathValue("entry"))
}

// handleAccountEntry serves the path Stone's Postman collection uses.
func (s *Simulator) handleAccountEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.entry(w, rc, r.PathValue("id"), r.PathValue("entry"))
}

func (s *Simulator) entry(w http.ResponseWriter, rc *reqCtx, accountID, entryID string) {
	s.withStore(w, func(st *store) reply {
		e, ok := st.entries[entryID]
		if !ok || (accountID != "" && e.accountID != accountID) {
			return unauthorized()
		}
		if _, ok := st.accessible(rc.client, e.accountID); !ok {
			return unauthorized()
		}
		return jsonReply(http.StatusOK, e)
	})
}
