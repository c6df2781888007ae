package simulator

import (
	"crypto/rsa"
	"encoding/json"
	"time"
)

const (
	stoneBranch          = "1"
	stoneISPB            = "16501555"
	stoneInstitutionName = "Stone Pagamentos S.A."
)

// store is the simulated bank. Every method expects Simulator.mu to be held.
type store struct {
	newID func() string
	seq   int64     // total order of everything created, used by cursors
	high  time.Time // latest time the store has acted at; see stamp

	accounts       map[string]*account
	accountsByCode map[string]*account
	entries        map[string]*entry
	ops            map[string]cashOut // every cash-out by id (transfers, payments, PIX)
	opOrder        []cashOut          // creation order, for lists and cursors
	jobs           jobQueue           // timed transitions of every state machine (scheduler.go)
	jobSeq         int64
	clients        map[string]*clientRec
	idem           map[string]*idemEntry
	events         []*event // every webhook-worthy state change, in order (events.go)

	dict          map[string]*dictEntry // PIX keys of every bank, by key (dict.go)
	pixEntries    map[string]*pixEntry  // keys registered through the API, by id
	pixEntryOrder []*pixEntry
	pixInvoices   map[string]*pixInvoice
	pixInvOrder   []*pixInvoice
	inbound       map[string]*inboundPix
	pixRefunds    []*pixRefund       // returns of inbound PIX (pix_refunds.go)
	boletos       map[string]*boleto // issued boletos, by id and by barcode
	boletoCodes   map[string]*boleto
	boletoOrder   []*boleto

	step           time.Duration // delay of each asynchronous step (Options.FinishAfter)
	approvalExpiry time.Duration // how long a CREATED cash-out waits for its owner

	codeSeq int // account codes
	docSeq  int // CPF/CNPJ bases
}

type clientRec struct {
	Client
	fixtures  Fixtures
	subject   string          // sub of its access tokens (Keycloak's service-account user)
	consented map[string]bool // account ids its owners consented to share
	jtis      map[string]time.Time
}

func (c *clientRec) subjectID() string { return "application:" + c.ID }

func newStore(newID func() string, step, approvalExpiry time.Duration) *store {
	st := &store{
		newID:          newID,
		accounts:       map[string]*account{},
		accountsByCode: map[string]*account{},
		entries:        map[string]*entry{},
		ops:            map[string]cashOut{},
		clients:        map[string]*clientRec{},
		idem:           map[string]*idemEntry{},
		dict:           map[string]*dictEntry{},
		pixEntries:     map[string]*pixEntry{},
		pixInvoices:    map[string]*pixInvoice{},
		inbound:        map[string]*inboundPix{},
		boletos:        map[string]*boleto{},
		boletoCodes:    map[string]*boleto{},
		step:           step,
		approvalExpiry: approvalExpiry,
	}
	st.seedDict()
	return st
}

// stamp is the time a mutation happens at: the request's clock reading, but
// never earlier than a mutation already made. Two concurrent requests read the
// clock before they take the lock, so without this a later-sequenced transfer
// could carry an earlier time and a statement would stop being newest first.
func (st *store) stamp(now time.Time) time.Time {
	if now.After(st.high) {
		st.high = now
	}
	return st.high
}

func (st *store) next() int64 {
	st.seq++
	return st.seq
}

// account is Stone's Account object; exported fields are its JSON.
type account struct {
	AccountCode   string `json:"account_code"`
	BranchCode    string `json:"branch_code"`
	CreatedAt     string `json:"created_at"`
	ID            string `json:"id"`
	OwnerDocument string `json:"owner_document"`
	OwnerID       string `json:"owner_id"`
	OwnerName     string `json:"owner_name"`

	seq          int64
	balance      int64
	ownerClient  string   // client id for an application's own account, "" otherwise
	entries      []*entry // oldest first
	invoiceTypes []string // boleto invoice types enabled for issuance (invoices.go)
}

// person reports whether the account belongs to a person (CPF) rather than
// an organization, which decides limits such as PIX keys per account.
func (a *account) person() bool { return len(a.OwnerDocument) == 11 }

// entry is a statement entry; exported fields are exactly Stone's JSON.
type entry struct {
	Amount          int64        `json:"amount"`
	BalanceAfter    int64        `json:"balance_after"`
	BalanceBefore   int64        `json:"balance_before"`
	CounterParty    counterParty `json:"counter_party"`
	CreatedAt       string       `json:"created_at"`
	Description     string       `json:"description"`
	FeeAmount       int64        `json:"fee_amount"`
	ID              string       `json:"id"`
	Operation       string       `json:"operation"`
	OperationAmount int64        `json:"operation_amount"`
	OperationID     string       `json:"operation_id"`
	ScheduledAt     *string      `json:"scheduled_at"`
	ScheduledTo     *string      `json:"scheduled_to"`
	Status          string       `json:"status"`
	Type            string       `json:"type"`

	seq       int64
	at        time.Time
	accountID string
	extra     map[string]any // members only some entry types have (barcode, refund_reason_code, ...)
}

// MarshalJSON adds an entry type's own members to the common ones.
func (e entry) MarshalJSON() ([]byte, error) {
	type plain entry
	b, err := json.Marshal(plain(e))
	if err != nil || len(e.extra) == 0 {
		return b, err
	}
	more, err := json.Marshal(e.extra)
	if err != nil || len(more) <= 2 {
		return b, err
	}
	return append(append(b[:len(b)-1], ','), more[1:]...), nil
}

type counterParty struct {
	Account struct {
		AccountCode     string `json:"account_code"`
		BranchCode      string `json:"branch_code"`
		Institution     string `json:"institution"`
		InstitutionName string `json:"institution_name"`
	} `json:"account"`
	Entity struct {
		Name         string `json:"name"`
		Document     string `json:"document,omitempty"`
		DocumentType string `json:"document_type,omitempty"`
	} `json:"entity"`
}

func counterPartyOf(a *account) counterParty {
	var cp counterParty
	cp.Account.AccountCode = a.AccountCode
	cp.Account.BranchCode = a.BranchCode
	cp.Account.Institution = stoneISPB
	cp.Account.InstitutionName = stoneInstitutionName
	cp.Entity.Name = a.OwnerName
	return cp
}

func (st *store) addAccount(ownerID, ownerName, document, ownerClient string, created time.Time, balance int64) *account {
	st.codeSeq++
	a := &account{
		AccountCode:   itoa(16466400 + int64(st.codeSeq)*37),
		BranchCode:    stoneBranch,
		CreatedAt:     ts(created),
		ID:            st.newID(),
		OwnerDocument: document,
		OwnerID:       ownerID,
		OwnerName:     ownerName,
		seq:           st.next(),
		balance:       balance,
		ownerClient:   ownerClient,
	}
	st.accounts[a.ID] = a
	st.accountsByCode[a.AccountCode] = a
	return a
}

// accessible reports whether the client may see account id: its own account,
// or one whose owner consented. Unknown ids are simply not accessible.
func (st *store) accessible(c *clientRec, id string) (*account, bool) {
	a, ok := st.accounts[id]
	if !ok || c == nil {
		return nil, false
	}
	if a.ownerClient == c.ID || c.consented[id] {
		return a, true
	}
	return nil, false
}

// move is the only way money moves: one debit and one credit, both chained on
// their account's balance, so balance_after = balance_before + amount holds.
func (st *store) move(from, to *account, amount int64, at time.Time, desc, opID string) (debit, credit *entry) {
	debit = st.post(from, -amount, to, at, desc, opID)
	credit = st.post(to, amount, from, at, desc, opID)
	return debit, credit
}

func (st *store) post(a *account, amount int64, other *account, at time.Time, desc, opID string) *entry {
	return st.postEntry(a, posting{amount: amount, cp: counterPartyOf(other), typ: "internal", desc: desc, opID: opID}, at)
}

// posting is one statement line to write: amount is the operation amount,
// signed (negative for a debit); fee is charged on top of a debit.
type posting struct {
	amount, fee int64
	cp          counterParty
	typ, desc   string
	opID        string
	extra       map[string]any
}

// postEntry writes one entry chained on the account's balance, so that
// balance_after = balance_before + amount always holds, with amount =
// -(operation_amount + fee_amount) for a debit and operation_amount -
// fee_amount for a credit.
func (st *store) postEntry(a *account, p posting, at time.Time) *entry {
	total := p.amount - p.fee // a fee makes a debit bigger and a credit smaller
	e := &entry{
		Amount:          total,
		BalanceBefore:   a.balance,
		BalanceAfter:    a.balance + total,
		CounterParty:    p.cp,
		CreatedAt:       ts(at),
		Description:     p.desc,
		FeeAmount:       p.fee,
		ID:              st.newID(),
		Operation:       "credit",
		OperationAmount: p.amount,
		OperationID:     p.opID,
		Status:          "FINISHED",
		Type:            p.typ,
		seq:             st.next(),
		at:              at,
		accountID:       a.ID,
		extra:           p.extra,
	}
	if p.amount < 0 {
		e.Operation, e.OperationAmount = "debit", -p.amount
	}
	a.balance = e.BalanceAfter
	a.entries = append(a.entries, e)
	st.entries[e.ID] = e
	return e
}

func (st *store) client(id string) *clientRec { return st.clients[id] }

func sameKey(a, b *rsa.PublicKey) bool { return a != nil && b != nil && a.Equal(b) }
