// Package payroll is Stone's payroll (folha de pagamento,
// stone-api-families.md §5.2): an account pays its employees' salaries,
// listed in a file uploaded beforehand, into their Stone accounts.
//
//	POST /api/v1/payrolls                      {account_id*, salaries_id*} → 202 Payroll (CREATED)
//	GET  /api/v1/payrolls?account_id&limit&after&before → 200 {cursor, data}
//	GET  /api/v1/payrolls/{payroll_id}         → 200 Payroll
//	GET  /api/v1/payrolls/{payroll_id}/salaries?limit&after&before → 200 {cursor, data}
//	POST /_sim/payroll/upload                  {"salaries":[{name, cpf, account_code, amount}]} → 201 {"id"}
//
// What the reference leaves open, and what the simulator chose:
//   - salaries_id comes from uploading an .xlsx (columns Nome, CPF, Conta,
//     Salário) to another host, https://sandbox-payroll.openbank.stone.com.br/api/payroll/upload,
//     whose request and answer are not documented. The simulator does not
//     guess them: /_sim/payroll/upload takes the same four columns as JSON
//     and answers the id the payroll is then created with.
//   - A payroll is CREATED, then its salaries are paid on the simulator's
//     next step and it is FINISHED (the two statuses the examples show):
//     each salary goes to the Stone account of its Conta, from the
//     payroll's account, one debit of type payroll for what was paid and a
//     credit of type salary on each employee's account (both types the
//     statement documents); a salary to an account that does not exist, or
//     that the balance left no longer covers, fails.
//   - outside_operating_hours is true when the payroll was made on a day
//     that is not a business day (the API works on business days); the
//     salaries are paid at once all the same. Portability's 06:30–16:00
//     window is not modelled.
//   - The salary list's example is a copy of the payroll list [X]: the
//     salary shape is the simulator's own ({id, payroll_id, name, cpf
//     masked as Stone masks documents, account_code, amount, status,
//     failure_reason, created_at, finished_at}), and the contract holds
//     only its {cursor, data}.
//   - No error, webhook or idempotency key is documented: the generic §6
//     errors answer (an idempotency key sent anyway is honoured); a
//     salaries file is paid once (409 conflict the second time).
package payroll

import (
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// Statuses of a payroll (the two the examples show) and of a salary.
const (
	StatusCreated  = "CREATED"
	StatusFinished = "FINISHED"
	SalaryFailed   = "FAILED"
)

// maxSalaries bounds one uploaded file.
const maxSalaries = 1000

var accountCodeRE = regexp.MustCompile(`^\d{1,20}$`)

// Options wires the family.
type Options struct {
	Book        *ledger.Book
	Idempotency *api.Idempotency
}

// Payrolls serves the family. Its state is guarded by the book's lock.
type Payrolls struct {
	book   *ledger.Book
	idem   *api.Idempotency
	files  map[string]*file
	byID   map[string]*payroll
	all    []*payroll // creation order
	salSeq int64
}

// New returns the family with no payroll.
func New(opts Options) *Payrolls {
	return &Payrolls{book: opts.Book, idem: opts.Idempotency, files: map[string]*file{}, byID: map[string]*payroll{}}
}

// Routes registers the documented calls and the upload's stand-in.
func (p *Payrolls) Routes(m *api.Mux) {
	m.HandleAuth("POST /api/v1/payrolls", p.idem.Wrap(p.handleCreate))
	m.HandleAuth("GET /api/v1/payrolls", p.handleList)
	m.HandleAuth("GET /api/v1/payrolls/{payroll_id}", p.handleGet)
	m.HandleAuth("GET /api/v1/payrolls/{payroll_id}/salaries", p.handleSalaries)
	m.Handle("POST /_sim/payroll/upload", p.handleUpload)
}

// file is an uploaded salaries file; paidBy is the payroll that paid it.
type file struct {
	rows   []row
	paidBy string
}

type row struct {
	name, cpf, accountCode string
	amount                 int64
}

// payroll is a payroll as the API answers it (§5.2).
type payroll struct {
	ID                    string  `json:"id"`
	AccountID             string  `json:"account_id"`
	Amount                int64   `json:"amount"`
	Fee                   int64   `json:"fee"`
	CreatedAt             string  `json:"created_at"`
	CreatedBy             string  `json:"created_by"`
	OutsideOperatingHours *bool   `json:"outside_operating_hours"`
	Status                string  `json:"status"`
	Summary               summary `json:"summary"`

	seq      int64
	salaries []*salary
}

type summary struct {
	Failed    int `json:"number_of_failed_salaries"`
	Finished  int `json:"number_of_finished_salaries"`
	Refunded  int `json:"number_of_refunded_salaries"`
	Salaries  int `json:"number_of_salaries"`
	Scheduled int `json:"number_of_scheduled_salaries"`
}

// salary is one line of a payroll, in the simulator's own shape (the
// reference's salary example is a copy of the payroll list).
type salary struct {
	ID            string  `json:"id"`
	PayrollID     string  `json:"payroll_id"`
	Name          string  `json:"name"`
	CPF           string  `json:"cpf"`
	AccountCode   string  `json:"account_code"`
	Amount        int64   `json:"amount"`
	Status        string  `json:"status"`
	FailureReason *string `json:"failure_reason"`
	CreatedAt     string  `json:"created_at"`
	FinishedAt    *string `json:"finished_at"`

	seq int64
}

// handleUpload stands in for the payroll host's upload: the file's four
// columns (Nome, CPF, Conta, Salário) as JSON rows.
func (p *Payrolls) handleUpload(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	items, ok := f.Array("salaries")
	if !ok || len(items) == 0 {
		if ok || !f.Has("salaries") {
			f.Add("must have at least one salary", "salaries")
		}
	}
	if len(items) > maxSalaries {
		f.Add("at most "+api.Itoa(maxSalaries)+" salaries in one file", "salaries")
	}
	var rows []row
	for _, it := range items {
		x := row{name: it.Str("name", true), cpf: it.Str("cpf", true), accountCode: it.Str("account_code", true)}
		if x.cpf != "" && (len(x.cpf) != 11 || !api.Digits.MatchString(x.cpf)) {
			it.Add("must be a CPF (11 digits)", "cpf")
		}
		if x.accountCode != "" && !accountCodeRE.MatchString(x.accountCode) {
			it.Add("must be digits", "account_code")
		}
		x.amount, _ = it.Amount("amount", true, 999_999_999_999)
		rows = append(rows, x)
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	p.book.Reply(w, func() api.Reply {
		id := p.book.NewID()
		p.files[id] = &file{rows: rows}
		return api.JSON(http.StatusCreated, struct {
			ID string `json:"id"`
		}{id})
	})
}

// handleCreate pays an uploaded file from the account: 202 CREATED, the
// salaries paid on the next step.
func (p *Payrolls) handleCreate(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	accountID := f.Str("account_id", true)
	filesID := f.Str("salaries_id", true)
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	p.book.Reply(w, func() api.Reply {
		if _, ok := p.book.Accessible(c.ClientID, accountID); !ok {
			return api.Unauthorized()
		}
		fl, ok := p.files[filesID]
		if !ok {
			return api.Validation(api.FieldError{Error: "is not an uploaded salaries file", Path: []string{"salaries_id"}})
		}
		if fl.paidBy != "" {
			return api.Conflict("these salaries were already paid by payroll " + fl.paidBy)
		}
		now := p.book.Stamp(c.Now)
		outside := !calendar.IsBusinessDay(calendar.DayOf(now))
		pr := &payroll{ID: p.book.NewID(), AccountID: accountID, CreatedAt: api.TS(now), CreatedBy: c.SubjectID(),
			OutsideOperatingHours: &outside, Status: StatusCreated, seq: p.book.Next()}
		for _, x := range fl.rows {
			p.salSeq++
			pr.salaries = append(pr.salaries, &salary{ID: p.book.NewID(), PayrollID: pr.ID, Name: x.name, CPF: api.MaskDocument(x.cpf),
				AccountCode: x.accountCode, Amount: x.amount, Status: StatusCreated, CreatedAt: api.TS(now), seq: p.salSeq})
			pr.Amount += x.amount
		}
		pr.Summary.Salaries = len(pr.salaries)
		fl.paidBy = pr.ID
		p.byID[pr.ID] = pr
		p.all = append(p.all, pr)
		p.book.At(now.Add(p.book.Step()), func(at time.Time) { p.pay(pr, at) })
		return api.JSON(http.StatusAccepted, pr)
	})
}

// pay pays each salary the balance still covers into the Stone account
// of its Conta, and debits the payroll's account once for all of them.
// Caller holds the lock.
func (p *Payrolls) pay(pr *payroll, at time.Time) {
	from := p.book.Account(pr.AccountID)
	balance := from.Balance()
	var paid int64
	for _, s := range pr.salaries {
		to, ok := p.book.AccountByCode(s.AccountCode)
		switch {
		case !ok || to.ID == from.ID:
			s.Status, s.FailureReason = SalaryFailed, api.StrPtr("account_not_found")
			pr.Summary.Failed++
		case s.Amount > balance-paid:
			s.Status, s.FailureReason = SalaryFailed, api.StrPtr("insufficient_balance")
			pr.Summary.Failed++
		default:
			p.book.Post(to, ledger.Posting{Amount: s.Amount, CP: ledger.CounterPartyOf(from), Type: "salary", Desc: "Salario", OpID: pr.ID}, at)
			paid += s.Amount
			s.Status, s.FinishedAt = StatusFinished, api.TSPtr(at)
			pr.Summary.Finished++
		}
	}
	if paid > 0 {
		var cp ledger.CounterParty
		cp.Entity.Name = "Folha de pagamento"
		p.book.Post(from, ledger.Posting{Amount: -paid, CP: cp, Type: "payroll", Desc: "Folha de pagamento", OpID: pr.ID}, at)
	}
	pr.Status = StatusFinished
}

func (p *Payrolls) payrollFor(r *http.Request, c *api.Call) (*payroll, api.Reply, bool) {
	pr, ok := p.byID[r.PathValue("payroll_id")]
	if !ok {
		return nil, api.NotFound(), false
	}
	if _, ok := p.book.Accessible(c.ClientID, pr.AccountID); !ok {
		return nil, api.Unauthorized(), false
	}
	return pr, api.Reply{}, true
}

func (p *Payrolls) handleGet(w http.ResponseWriter, r *http.Request, c *api.Call) {
	p.book.Reply(w, func() api.Reply {
		pr, rp, ok := p.payrollFor(r, c)
		if !ok {
			return rp
		}
		return api.JSON(http.StatusOK, pr)
	})
}

// handleList lists payrolls newest first, by cursor: the account's when
// account_id is given, else every account the application may see.
func (p *Payrolls) handleList(w http.ResponseWriter, r *http.Request, c *api.Call) {
	q := r.URL.Query()
	accountID := q.Get("account_id")
	page, rp, ok := api.ParsePage(q, "payrolls|"+accountID, api.DefaultLimit, api.MaxLimit)
	if !ok {
		rp.Write(w)
		return
	}
	p.book.Reply(w, func() api.Reply {
		if accountID != "" {
			if _, ok := p.book.Accessible(c.ClientID, accountID); !ok {
				return api.Unauthorized()
			}
		}
		var items []*payroll
		for i := len(p.all) - 1; i >= 0; i-- {
			pr := p.all[i]
			if _, ok := p.book.Accessible(c.ClientID, pr.AccountID); ok && (accountID == "" || pr.AccountID == accountID) {
				items = append(items, pr)
			}
		}
		return api.JSON(http.StatusOK, api.PageOf(items, func(x *payroll) int64 { return x.seq }, page, "payrolls|"+accountID))
	})
}

// handleSalaries lists a payroll's salaries in the file's order, by cursor.
func (p *Payrolls) handleSalaries(w http.ResponseWriter, r *http.Request, c *api.Call) {
	scope := "salaries|" + url.PathEscape(r.PathValue("payroll_id"))
	page, rp, ok := api.ParsePage(r.URL.Query(), scope, api.DefaultLimit, api.MaxLimit)
	if !ok {
		rp.Write(w)
		return
	}
	p.book.Reply(w, func() api.Reply {
		pr, rp, ok := p.payrollFor(r, c)
		if !ok {
			return rp
		}
		data, cur := api.Paginate(pr.salaries, func(s *salary) int64 { return s.seq }, false, page, scope)
		return api.JSON(http.StatusOK, api.List[*salary]{Cursor: cur, Data: append([]*salary{}, data...)})
	})
}
