package pix

import (
	"regexp"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/brcode"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// The DICT is BACEN's directory of PIX keys. The simulator's holds a few
// keys of people at other banks (dict.json, the same for every client), a
// key of one of each client's Stone counterparties (paying it credits that
// Stone account) and every key registered through
// /api/v1/pix/{account_id}/entries.

var (
	uuidRE  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	phoneRE = regexp.MustCompile(`^\+[1-9]\d{9,13}$`)
	emailRE = regexp.MustCompile(`^[a-zA-Z0-9.!#$%&'*+/=?^_{|}~-]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+$`)
)

const maxPixKeyLen = 77

type dictEntry struct {
	Key          string `json:"key"`
	KeyType      string `json:"key_type"`
	Name         string `json:"name"`
	Document     string `json:"document"`
	DocumentType string `json:"document_type"`
	ISPB         string `json:"ispb"`
	Branch       string `json:"branch_code"`
	AccountCode  string `json:"account_code"`
	AccountType  string `json:"account_type"`
	Refunds      bool   `json:"refunds"` // the receiving bank returns every PIX sent to it

	accountID string // the Stone account behind the key, "" at other banks
}

// KeyFixture is a DICT key of somebody else that a test runner can pay.
// Refunds marks the key whose bank returns every PIX (status REFUNDED).
type KeyFixture struct {
	Key             string
	KeyType         string
	Name            string
	InstitutionISPB string
	Refunds         bool
}

// keyTypeOf infers a key's type from its shape ("" when it has none).
func keyTypeOf(key string) string {
	switch {
	case uuidRE.MatchString(key):
		return "random_key"
	case phoneRE.MatchString(key):
		return "phone"
	case strings.Contains(key, "@") && emailRE.MatchString(key):
		return "email"
	case len(key) == 11 && api.Digits.MatchString(key):
		return "cpf"
	case len(key) == 14 && api.Digits.MatchString(key):
		return "cnpj"
	}
	return ""
}

// SeedClient gives one client's world its PIX keys: a random key on its own
// account (returned) and one on a Stone counterparty, listed after the other
// banks' keys in the fixtures. Caller holds the lock.
func (x *Pix) SeedClient(own, counterparty *ledger.Account, now time.Time) (ownKey string, keys []KeyFixture) {
	ownKey = x.addEntry(own, x.book.NewID(), "random_key", now).Key
	stone := x.dictOfAccount(counterparty, x.book.NewID(), "random_key")
	for i := range x.seeds {
		keys = append(keys, fixtureOf(&x.seeds[i]))
	}
	return ownKey, append(keys, fixtureOf(stone))
}

func fixtureOf(e *dictEntry) KeyFixture {
	return KeyFixture{Key: e.Key, KeyType: e.KeyType, Name: e.Name, InstitutionISPB: e.ISPB, Refunds: e.Refunds}
}

// StaticBRCode is a static BR Code paying the first seeded key.
func (x *Pix) StaticBRCode(amount int64) string {
	first := x.seeds[0]
	return brcode.Code{Key: first.Key, Amount: amount, Name: first.Name, City: "SAO PAULO", TxID: "HOMOLOG0001"}.Encode()
}

// dictOfAccount registers a Stone account's key in the DICT.
func (x *Pix) dictOfAccount(a *ledger.Account, key, keyType string) *dictEntry {
	e := &dictEntry{Key: key, KeyType: keyType, Name: a.OwnerName, Document: a.OwnerDocument,
		DocumentType: api.DocumentType(a.OwnerDocument), ISPB: ledger.StoneISPB, Branch: "0001", AccountCode: a.AccountCode,
		AccountType: "PG", accountID: a.ID}
	x.dict[key] = e
	return e
}

func (x *Pix) institutionName(e *dictEntry) string {
	if in, ok := x.dir.Find(e.ISPB); ok {
		return in.Name
	}
	return ""
}
