// Package ledger is the simulated bank's books: accounts and their balances,
// statements (stone-api.md §4), fees, the registered applications and who may
// see which account, the clock and scheduler that every state machine runs
// on, and the record of events that webhooks notify.
//
// One lock guards the ledger and the state of every family built on it (PIX
// keys, boletos, operations...): a single lock keeps every balance, statement
// and state transition atomic with respect to concurrent requests. The
// families take it through Locked and Reply; methods documented "caller holds
// the lock" expect it taken.
package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// Stone's own identifiers (§4).
const (
	StoneBranch          = "1"
	StoneISPB            = "16501555"
	StoneInstitutionName = "Stone Pagamentos S.A."
)

// Options configures a Book.
type Options struct {
	Now   func() time.Time // the simulator's clock source
	NewID func() string    // every generated id
	Step  time.Duration    // delay of each asynchronous step of every state machine
}

// Book is the bank.
type Book struct {
	opts Options
	// offset lets /_sim/clock/advance move time forward on top of Options.Now
	// for callers that only reach the simulator over HTTP.
	offset atomic.Int64
	// idMu serialises Options.NewID so that a caller-supplied counter needs no lock.
	idMu sync.Mutex

	mu   sync.Mutex
	seq  int64     // total order of everything created, used by cursors
	high time.Time // latest time the book has acted at; see Stamp

	accounts map[string]*Account
	byCode   map[string]*Account
	entries  map[string]*Entry
	clients  map[string]*Client
	jobs     jobQueue
	jobSeq   int64
	events   []*Event

	codeSeq int // account codes
	docSeq  int // CPF/CNPJ bases
}

// New returns an empty book.
func New(opts Options) *Book {
	return &Book{opts: opts, accounts: map[string]*Account{}, byCode: map[string]*Account{},
		entries: map[string]*Entry{}, clients: map[string]*Client{}}
}

// Now is the only way the simulator reads time.
func (b *Book) Now() time.Time {
	return b.opts.Now().Add(time.Duration(b.offset.Load())).UTC()
}

// Advance moves the clock forward by d (never back: the ledger is written in
// time order). Due transitions apply on the next request.
func (b *Book) Advance(d time.Duration) { b.offset.Add(int64(d)) }

// NewID draws an id from the id source.
func (b *Book) NewID() string {
	b.idMu.Lock()
	defer b.idMu.Unlock()
	return b.opts.NewID()
}

// Step is the delay of each asynchronous step.
func (b *Book) Step() time.Duration { return b.opts.Step }

// Locked runs fn holding the lock. The deferred unlock keeps a panic (a
// simulator bug) from leaving the book locked for every later request.
func (b *Book) Locked(fn func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fn()
}

// Reply runs fn under the lock and writes its reply after unlocking, so a
// slow client never holds up other requests.
func (b *Book) Reply(w http.ResponseWriter, fn func() api.Reply) {
	var rp api.Reply
	b.Locked(func() { rp = fn() })
	rp.Write(w)
}

// Next is the next number of the book's total order. Caller holds the lock.
func (b *Book) Next() int64 {
	b.seq++
	return b.seq
}

// Stamp is the time a mutation happens at: the request's clock reading, but
// never earlier than a mutation already made. Two concurrent requests read the
// clock before they take the lock, so without this a later-sequenced transfer
// could carry an earlier time and a statement would stop being newest first.
// Caller holds the lock.
func (b *Book) Stamp(now time.Time) time.Time {
	if now.After(b.high) {
		b.high = now
	}
	return b.high
}

// RequestIDOf is the request_id Stone shows on an operation, derived from its
// id so that it is stable.
func RequestIDOf(id string) string {
	sum := sha256.Sum256([]byte("request:" + id))
	return hex.EncodeToString(sum[:16])
}
