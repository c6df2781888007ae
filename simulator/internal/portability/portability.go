// Package portability is Stone's salary portability (portabilidade de
// salário, stone-api-families.md §5.3): an account asks that the salary
// its holder's employer pays at another institution be sent on to it.
// The reference documents two calls, and the simulator serves those:
//
//	POST /api/v1/salary_portabilities  {account_id*, employer_document* (CNPJ), employer_name, payroll_institution_code* (ISPB or number)} → 201
//	GET  /api/v1/salary_portabilities?account_id*&status&limit&after&before → 200 {cursor, data}
//
// and a /_sim/ control that plays the payroll institution answering the
// request (CREATED, "still being processed by the origin institution",
// → ENABLED or DISABLED):
//
//	POST /_sim/salary_portabilities/{id}/status {"status":"ENABLED|DISABLED"} → 200 the request
//
// What the reference leaves open, and what the simulator chose:
//   - An account the application may not see answers 403
//     srn:error:client_unauthorized in the shape the create page shows
//     ({challenge: null, details: {error}, id, type}), its id being the
//     account's, as in the example.
//   - A payroll institution that is not in the institutions directory is
//     a validation error on payroll_institution_code: the answer names
//     its ISPB, bank number and name, which only a known one has.
//   - No get-by-id, cancel, idempotency key or webhook is documented;
//     none is offered (an idempotency key sent anyway is honoured).
//   - Nothing moves money: the salaries a portability redirects arrive
//     from the payroll institution, which no scenario plays.
package portability

import (
	"net/http"
	"slices"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/institutions"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// Statuses (§5.3).
const (
	StatusCreated  = "CREATED"
	StatusEnabled  = "ENABLED"
	StatusDisabled = "DISABLED"
)

func statuses() []string { return []string{StatusCreated, StatusEnabled, StatusDisabled} }

// Options wires the family.
type Options struct {
	Book         *ledger.Book
	Idempotency  *api.Idempotency
	Institutions *institutions.Directory
}

// Portabilities serves the family. Its state is guarded by the book's lock.
type Portabilities struct {
	book *ledger.Book
	idem *api.Idempotency
	dir  *institutions.Directory
	byID map[string]*portability
	all  []*portability // creation order
}

// New returns the family with no request.
func New(opts Options) *Portabilities {
	return &Portabilities{book: opts.Book, idem: opts.Idempotency, dir: opts.Institutions, byID: map[string]*portability{}}
}

// Routes registers the two documented calls and the control.
func (p *Portabilities) Routes(m *api.Mux) {
	m.HandleAuth("POST /api/v1/salary_portabilities", p.idem.Wrap(p.handleCreate))
	m.HandleAuth("GET /api/v1/salary_portabilities", p.handleList)
	m.Handle("POST /_sim/salary_portabilities/{id}/status", p.handleAnswer)
}

// portability is a request as the API answers it (§5.3); every member is
// always present.
type portability struct {
	ID                           string  `json:"id"`
	AccountID                    string  `json:"account_id"`
	Status                       string  `json:"status"`
	CreatedAt                    string  `json:"created_at"`
	CreatedBy                    string  `json:"created_by"`
	EnabledAt                    *string `json:"enabled_at"`
	DisabledAt                   *string `json:"disabled_at"`
	EmployerDocument             string  `json:"employer_document"`
	EmployerName                 *string `json:"employer_name"`
	PayrollInstitutionISPB       string  `json:"payroll_institution_ispb"`
	PayrollInstitutionNumberCode *string `json:"payroll_institution_number_code"`
	PayrollInstitutionName       string  `json:"payroll_institution_name"`

	seq int64
}

// clientUnauthorized is the create page's 403, naming the account.
func clientUnauthorized(accountID string) api.Reply {
	return api.JSON(http.StatusForbidden, struct {
		Challenge any               `json:"challenge"`
		Details   map[string]string `json:"details"`
		ID        string            `json:"id"`
		Type      string            `json:"type"`
	}{nil, map[string]string{"error": "client_unauthorized"}, accountID, "srn:error:client_unauthorized"})
}

func (p *Portabilities) handleCreate(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	accountID := f.Str("account_id", true)
	doc := f.Str("employer_document", true)
	name := f.Str("employer_name", false)
	code := f.Str("payroll_institution_code", true)
	if doc != "" && (len(doc) != 14 || !api.Digits.MatchString(doc)) {
		f.Add("must be a CNPJ (14 digits)", "employer_document")
	}
	f.MaxLen("employer_name", name, 200)
	in, found := institutions.Institution{}, false
	if code != "" {
		if in, found = p.dir.Find(code); !found {
			f.Add("is not a known institution (an ISPB of 8 digits or a bank number of 3)", "payroll_institution_code")
		}
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	p.book.Reply(w, func() api.Reply {
		if _, ok := p.book.Accessible(c.ClientID, accountID); !ok {
			return clientUnauthorized(accountID)
		}
		now := p.book.Stamp(c.Now)
		x := &portability{ID: p.book.NewID(), AccountID: accountID, Status: StatusCreated, CreatedAt: api.TS(now), CreatedBy: c.SubjectID(),
			EmployerDocument: doc, PayrollInstitutionISPB: in.ISPBCode, PayrollInstitutionNumberCode: in.NumberCode,
			PayrollInstitutionName: in.Name, seq: p.book.Next()}
		if name != "" {
			x.EmployerName = api.StrPtr(name)
		}
		p.byID[x.ID] = x
		p.all = append(p.all, x)
		return api.JSON(http.StatusCreated, x)
	})
}

// handleList lists an account's requests, newest first, by cursor (§4.1);
// account_id is required (the list page says so), status narrows them.
func (p *Portabilities) handleList(w http.ResponseWriter, r *http.Request, c *api.Call) {
	q := r.URL.Query()
	accountID, status := q.Get("account_id"), q.Get("status")
	var errs []api.FieldError
	if accountID == "" {
		errs = append(errs, api.FieldError{Error: "can't be blank", Path: []string{"account_id"}})
	}
	if status != "" && !slices.Contains(statuses(), status) {
		errs = append(errs, api.FieldError{Error: "must be one of CREATED, ENABLED, DISABLED", Path: []string{"status"}})
	}
	if len(errs) > 0 {
		api.Validation(errs...).Write(w)
		return
	}
	page, rp, ok := api.ParsePage(q, "salary_portabilities|"+accountID, api.DefaultLimit, api.MaxLimit)
	if !ok {
		rp.Write(w)
		return
	}
	p.book.Reply(w, func() api.Reply {
		if _, ok := p.book.Accessible(c.ClientID, accountID); !ok {
			return clientUnauthorized(accountID)
		}
		var items []*portability
		for i := len(p.all) - 1; i >= 0; i-- {
			if x := p.all[i]; x.AccountID == accountID && (status == "" || x.Status == status) {
				items = append(items, x)
			}
		}
		return api.JSON(http.StatusOK, api.PageOf(items, func(x *portability) int64 { return x.seq }, page, "salary_portabilities|"+accountID))
	})
}

// handleAnswer is the payroll institution's answer: a CREATED request is
// ENABLED or DISABLED, an ENABLED one DISABLED (the holder or the
// employer ends it); each keeps the moment it happened.
func (p *Portabilities) handleAnswer(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	to := f.Str("status", true)
	if to != "" && to != StatusEnabled && to != StatusDisabled {
		f.Add("must be ENABLED or DISABLED", "status")
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	p.book.Reply(w, func() api.Reply {
		x, ok := p.byID[r.PathValue("id")]
		if !ok {
			return api.NotFound()
		}
		if x.Status == StatusDisabled || x.Status == to {
			return api.Conflict("the salary portability is " + x.Status + "; it cannot become " + to)
		}
		at := api.TS(p.book.Stamp(c.Now))
		x.Status = to
		if to == StatusEnabled {
			x.EnabledAt = &at
		} else {
			x.DisabledAt = &at
		}
		return api.JSON(http.StatusOK, x)
	})
}
