package ledger

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// Account is Stone's Account object; exported fields are its JSON (§4).
type Account struct {
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
	entries      []*Entry // oldest first
	invoicesPaid int64    // issued boletos paid into it, for the boleto fee's free allowance
}

// Balance is the free balance. Caller holds the lock.
func (a *Account) Balance() int64 { return a.balance }

// OwnerClient is the application whose own account this is, "" for anyone else's.
func (a *Account) OwnerClient() string { return a.ownerClient }

// Person reports whether the account belongs to a person (CPF) rather than
// an organization, which decides limits such as PIX keys per account.
func (a *Account) Person() bool { return len(a.OwnerDocument) == 11 }

// Entries are the account's statement entries, oldest first. Caller holds
// the lock and must not modify the slice.
func (a *Account) Entries() []*Entry { return a.entries }

// Entry is a statement entry; exported fields are exactly Stone's JSON.
type Entry struct {
	Amount          int64        `json:"amount"`
	BalanceAfter    int64        `json:"balance_after"`
	BalanceBefore   int64        `json:"balance_before"`
	CounterParty    CounterParty `json:"counter_party"`
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

// AccountID is the account the entry belongs to.
func (e *Entry) AccountID() string { return e.accountID }

// MarshalJSON adds an entry type's own members to the common ones.
func (e Entry) MarshalJSON() ([]byte, error) {
	type plain Entry
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

// CounterParty is the other side of a statement entry.
type CounterParty struct {
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

// CounterPartyOf describes a Stone account as the other side of an entry.
func CounterPartyOf(a *Account) CounterParty {
	var cp CounterParty
	cp.Account.AccountCode = a.AccountCode
	cp.Account.BranchCode = a.BranchCode
	cp.Account.Institution = StoneISPB
	cp.Account.InstitutionName = StoneInstitutionName
	cp.Entity.Name = a.OwnerName
	return cp
}

// AddAccount opens an account. Caller holds the lock.
func (b *Book) AddAccount(ownerID, ownerName, document, ownerClient string, created time.Time, balance int64) *Account {
	b.codeSeq++
	a := &Account{
		AccountCode:   api.Itoa(16466400 + int64(b.codeSeq)*37),
		BranchCode:    StoneBranch,
		CreatedAt:     api.TS(created),
		ID:            b.NewID(),
		OwnerDocument: document,
		OwnerID:       ownerID,
		OwnerName:     ownerName,
		seq:           b.Next(),
		balance:       balance,
		ownerClient:   ownerClient,
	}
	b.accounts[a.ID] = a
	b.byCode[a.AccountCode] = a
	return a
}

// Account is the account id, nil if none. Caller holds the lock.
func (b *Book) Account(id string) *Account { return b.accounts[id] }

// AccountByCode finds a Stone account by its account code. Caller holds the lock.
func (b *Book) AccountByCode(code string) (*Account, bool) {
	a, ok := b.byCode[code]
	return a, ok
}

// Accounts lists every account in opening order. Caller holds the lock.
func (b *Book) Accounts() []*Account {
	out := make([]*Account, 0, len(b.accounts))
	for _, a := range b.accounts {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// Entry is the statement entry id, nil if none. Caller holds the lock.
func (b *Book) Entry(id string) *Entry { return b.entries[id] }

// Accessible reports whether the application clientID may see account id:
// its own account, or one whose owner consented. Unknown ids are simply not
// accessible. Caller holds the lock.
func (b *Book) Accessible(clientID, id string) (*Account, bool) {
	a, ok := b.accounts[id]
	c := b.clients[clientID]
	if !ok || c == nil {
		return nil, false
	}
	if a.ownerClient == c.ID || c.consented[id] {
		return a, true
	}
	return nil, false
}

// OwnedBy reports whether accountID is the own account of the application
// clientID, whose operations on it need no owner's approval. Caller holds
// the lock.
func (b *Book) OwnedBy(accountID, clientID string) bool {
	a := b.accounts[accountID]
	return a != nil && a.ownerClient == clientID
}

// Move is the one way money moves between two Stone accounts: one debit and
// one credit, both chained on their account's balance, so balance_after =
// balance_before + amount holds. Caller holds the lock.
func (b *Book) Move(from, to *Account, amount int64, at time.Time, desc, opID string) (debit, credit *Entry) {
	debit = b.Post(from, Posting{Amount: -amount, CP: CounterPartyOf(to), Type: "internal", Desc: desc, OpID: opID}, at)
	credit = b.Post(to, Posting{Amount: amount, CP: CounterPartyOf(from), Type: "internal", Desc: desc, OpID: opID}, at)
	return debit, credit
}

// Posting is one statement line to write: Amount is the operation amount,
// signed (negative for a debit); Fee is charged on top of a debit.
type Posting struct {
	Amount, Fee int64
	CP          CounterParty
	Type, Desc  string
	OpID        string
	Extra       map[string]any
}

// Post writes one entry chained on the account's balance, so that
// balance_after = balance_before + amount always holds, with amount =
// -(operation_amount + fee_amount) for a debit and operation_amount -
// fee_amount for a credit. Caller holds the lock.
func (b *Book) Post(a *Account, p Posting, at time.Time) *Entry {
	total := p.Amount - p.Fee // a fee makes a debit bigger and a credit smaller
	e := &Entry{
		Amount:          total,
		BalanceBefore:   a.balance,
		BalanceAfter:    a.balance + total,
		CounterParty:    p.CP,
		CreatedAt:       api.TS(at),
		Description:     p.Desc,
		FeeAmount:       p.Fee,
		ID:              b.NewID(),
		Operation:       "credit",
		OperationAmount: p.Amount,
		OperationID:     p.OpID,
		Status:          "FINISHED",
		Type:            p.Type,
		seq:             b.Next(),
		at:              at,
		accountID:       a.ID,
		extra:           p.Extra,
	}
	if p.Amount < 0 {
		e.Operation, e.OperationAmount = "debit", -p.Amount
	}
	a.balance = e.BalanceAfter
	a.entries = append(a.entries, e)
	b.entries[e.ID] = e
	return e
}
