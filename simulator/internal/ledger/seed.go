package ledger

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

//go:embed seed.json
var seedJSON []byte

// holder is one seeded account holder.
type holder struct {
	Name           string `json:"name"`
	Organization   bool   `json:"organization"` // a company (CNPJ) rather than a person (CPF)
	OpeningBalance int64  `json:"opening_balance"`
}

// Seed is seed.json: who each client's world is made of.
type Seed struct {
	Own              holder   `json:"own"`
	ThirdParty       holder   `json:"third_party"`
	Counterparties   []holder `json:"counterparties"`
	OwnTargetBalance int64    `json:"own_target_balance"` // R$10.000,00 after the seeded history
	HistoryDays      int      `json:"history_days"`
}

// ReadSeed parses the embedded seed.
func ReadSeed() (Seed, error) {
	var s Seed
	if err := json.Unmarshal(seedJSON, &s); err != nil {
		return s, fmt.Errorf("simulator: ledger seed: %w", err)
	}
	if len(s.Counterparties) == 0 || s.HistoryDays < 2 {
		return s, fmt.Errorf("simulator: ledger seed: needs counterparties and at least 2 history days")
	}
	return s, nil
}

// World is one client's seeded accounts.
type World struct {
	Own    *Account   // the application's own account
	Third  *Account   // visible only after its owner consents
	Others []*Account // the counterparties: other Stone customers it trades with
}

// SeedWorld opens one client's accounts and writes their history: the own
// account with about 60 days of statement ending on a round balance, the
// counterparties (ordinary accounts, so transfers to them credit them for
// real) and a third-party account with a short history. It is deterministic
// for a given clock, id source and registration order n, so reports and
// goldens stay stable. Caller holds the lock.
func (b *Book) SeedWorld(s Seed, clientID string, now time.Time, n int) World {
	rng := rand.New(rand.NewPCG(uint64(n)+1, 0x570e))
	day := 24 * time.Hour
	opened := now.Add(-400 * day).Truncate(time.Second)

	open := func(h holder, owner string, at time.Time) *Account {
		if h.Organization {
			id := "organization:" + b.NewID()
			return b.AddAccount(id, h.Name, b.cnpj(), owner, at, h.OpeningBalance)
		}
		id := "user:" + b.NewID()
		return b.AddAccount(id, h.Name, b.cpf(), owner, at, h.OpeningBalance)
	}
	w := World{Own: open(s.Own, clientID, opened)}
	for i, cp := range s.Counterparties {
		w.Others = append(w.Others, open(cp, "", opened.Add(-time.Duration(i+1)*day)))
	}
	w.Third = open(s.ThirdParty, "", opened.Add(30*day))

	// One operation a day between 09:00 and 17:00 in Brasília (12:00–20:00 UTC),
	// strictly increasing, the last one yesterday: all in the past.
	start := now.Add(-time.Duration(s.HistoryDays) * day).Truncate(day)
	at := func(i int) time.Time {
		return start.Add(time.Duration(i)*day + 12*time.Hour + time.Duration(rng.IntN(8*60))*time.Minute)
	}
	for i := range s.HistoryDays - 1 {
		b.seedEntry(w.Own, w.Others[rng.IntN(len(w.Others))], rng, at(i))
	}
	// The last operation lands the balance on a round, documented figure.
	if diff := s.OwnTargetBalance - w.Own.balance; diff != 0 {
		other := w.Others[0]
		if diff > 0 {
			b.Move(other, w.Own, diff, at(s.HistoryDays-1), "Recebimento de vendas", b.NewID())
		} else {
			b.Move(w.Own, other, -diff, at(s.HistoryDays-1), "Pagamento a fornecedor", b.NewID())
		}
	}
	for i := range 5 {
		b.seedEntry(w.Third, w.Others[rng.IntN(len(w.Others))], rng, start.Add(time.Duration(30+i*6)*day+14*time.Hour))
	}
	return w
}

// seedEntry moves a plausible amount between a and other: mostly sales coming
// in, some supplier payments going out, never overdrawing a.
func (b *Book) seedEntry(a, other *Account, rng *rand.Rand, at time.Time) {
	if rng.IntN(10) < 6 || a.balance < 2_000 {
		b.Move(other, a, int64(5_000+rng.IntN(55_000)), at, "Recebimento de vendas", b.NewID())
		return
	}
	amount := int64(1_000 + rng.IntN(49_000))
	if amount > a.balance {
		amount = a.balance
	}
	b.Move(a, other, amount, at, "Pagamento a fornecedor", b.NewID())
}

// cpf and cnpj return valid (check-digit correct) documents, deterministic per
// book, so clients that validate documents accept them.
func (b *Book) cpf() string {
	b.docSeq++
	base := fmt.Sprintf("%09d", (268856167+b.docSeq*1013)%1_000_000_000)
	return withCheckDigits(base, []int{10, 9, 8, 7, 6, 5, 4, 3, 2}, []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2})
}

func (b *Book) cnpj() string {
	b.docSeq++
	base := fmt.Sprintf("%08d0001", (12345678+b.docSeq*7919)%100_000_000)
	return withCheckDigits(base, []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}, []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2})
}

// withCheckDigits appends the two mod-11 check digits shared by CPF and CNPJ.
func withCheckDigits(base string, w1, w2 []int) string {
	digit := func(s string, w []int) byte {
		sum := 0
		for i, wi := range w {
			sum += int(s[i]-'0') * wi
		}
		r := sum % 11
		if r < 2 {
			return '0'
		}
		return byte('0' + 11 - r)
	}
	s := base + string(digit(base, w1))
	return s + string(digit(s, w2))
}
