package simulator

import (
	"crypto/rsa"
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
	transfers      map[string]*transfer
	transferOrder  []*transfer
	pending        []*transfer // APPROVED or SCHEDULED, waiting for their due time
	clients        map[string]*clientRec
	idem           map[string]*idemEntry
	events         []*event // every webhook-worthy state change, in order (events.go)

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

func newStore(newID func() string) *store {
	return &store{
		newID:          newID,
		accounts:       map[string]*account{},
		accountsByCode: map[string]*account{},
		entries:        map[string]*entry{},
		transfers:      map[string]*transfer{},
		clients:        map[string]*clientRec{},
		idem:           map[string]*idemEntry{},
	}
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

	seq         int64
	balance     int64
	ownerClient string   // client id for an application's own account, "" otherwise
	entries     []*entry // oldest first
}

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
}

type counterParty struct {
	Account struct {
		AccountCode     string `json:"account_code"`
		BranchCode      string `json:"branch_code"`
		Institution     string `json:"institution"`
		InstitutionName string `json:"institution_name"`
	} `json:"account"`
	Entity struct {
		Name string `json:"name"`
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
func (st *store) move(from, to *account, amount int64, at time.Time, desc, opID string) {
	st.post(from, -amount, to, at, desc, opID)
	st.post(to, amount, from, at, desc, opID)
}

func (st *store) post(a *account, amount int64, other *account, at time.Time, desc, opID string) *entry {
	e := &entry{
		Amount:          amount,
		BalanceBefore:   a.balance,
		BalanceAfter:    a.balance + amount,
		CounterParty:    counterPartyOf(other),
		CreatedAt:       ts(at),
		Description:     desc,
		ID:              st.newID(),
		Operation:       "credit",
		OperationAmount: amount,
		OperationID:     opID,
		Status:          "FINISHED",
		Type:            "internal",
		seq:             st.next(),
		at:              at,
		accountID:       a.ID,
	}
	if amount < 0 {
		e.Operation, e.OperationAmount = "debit", -amount
	}
	a.balance = e.BalanceAfter
	a.entries = append(a.entries, e)
	st.entries[e.ID] = e
	return e
}

func (st *store) client(id string) *clientRec { return st.clients[id] }

func sameKey(a, b *rsa.PublicKey) bool { return a != nil && b != nil && a.Equal(b) }
