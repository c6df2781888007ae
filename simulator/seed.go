package simulator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"time"
)

const (
	ownTargetBalance  = 1_000_000 // R$10.000,00 after the seeded history
	historyDays       = 60
	counterOpening    = 5_000_000
	thirdPartyOpening = 180_000
)

type counterpartySeed struct {
	name string
	org  bool // organization (CNPJ) rather than a person (CPF)
}

// counterparties are the other Stone customers each client's history trades
// with; they are ordinary accounts, so transfers to them credit them for real.
func counterparties() []counterpartySeed {
	return []counterpartySeed{
		{"João Amigavel", false},
		{"Fernando Antonio", false},
		{"Distribuidora Boa Vista Ltda", true},
		{"Padaria Pão Quente ME", true},
	}
}

// Register adds a partner application and seeds its world: its own account with
// balance and ~60 days of statement, a third-party account that becomes visible
// after its owner consents, and a few other Stone accounts to transfer to.
// Registering the same id with the same key and redirect URI returns the same
// fixtures.
func (s *Simulator) Register(c Client) (Fixtures, error) {
	if c.ID == "" {
		return Fixtures{}, errors.New("simulator: register: client id is required")
	}
	if c.PublicKey == nil {
		return Fixtures{}, fmt.Errorf("simulator: register %q: public key is required", c.ID)
	}
	if c.RedirectURI == "" {
		c.RedirectURI = defaultRedirectURI
	}
	if u, err := url.Parse(c.RedirectURI); err != nil || u.Scheme == "" {
		return Fixtures{}, fmt.Errorf("simulator: register %q: redirect URI %q must be an absolute URL", c.ID, c.RedirectURI)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev := s.st.client(c.ID); prev != nil {
		if !sameKey(prev.PublicKey, c.PublicKey) || prev.RedirectURI != c.RedirectURI {
			return Fixtures{}, fmt.Errorf("simulator: register %q: %w", c.ID, ErrClientConflict)
		}
		return prev.fixtures.clone(), nil
	}
	rec := &clientRec{Client: c, subject: s.newID(), consented: map[string]bool{}, jtis: map[string]time.Time{}}
	rec.fixtures = s.st.seed(c, s.now(), len(s.st.clients))
	s.st.clients[c.ID] = rec
	return rec.fixtures.clone(), nil
}

func (f Fixtures) clone() Fixtures {
	f.TransferTargets = append([]string(nil), f.TransferTargets...)
	f.TEDTargets = append([]TEDTarget(nil), f.TEDTargets...)
	f.PixKeys = append([]PixKeyFixture(nil), f.PixKeys...)
	f.Barcodes = append([]BarcodeFixture(nil), f.Barcodes...)
	types := make(map[string][]string, len(f.InvoiceTypes))
	for k, v := range f.InvoiceTypes {
		types[k] = append([]string(nil), v...)
	}
	f.InvoiceTypes = types
	return f
}

// seed builds one client's world. It is deterministic for a given clock, id
// source and registration order, so reports and goldens stay stable.
func (st *store) seed(c Client, now time.Time, n int) Fixtures {
	rng := rand.New(rand.NewPCG(uint64(n)+1, 0x570e))
	day := 24 * time.Hour
	opened := now.Add(-400 * day).Truncate(time.Second)

	own := st.addAccount("organization:"+st.newID(), "Loja do Parceiro Ltda", st.cnpj(), c.ID, opened, 250_000)
	seeds := counterparties()
	others := make([]*account, len(seeds))
	fx := Fixtures{ClientID: c.ID, OwnAccountID: own.ID, RedirectURI: c.RedirectURI}
	for i, cp := range seeds {
		owner, doc := "user:"+st.newID(), st.cpf()
		if cp.org {
			owner, doc = "organization:"+st.newID(), st.cnpj()
		}
		others[i] = st.addAccount(owner, cp.name, doc, "", opened.Add(-time.Duration(i+1)*day), counterOpening)
		fx.TransferTargets = append(fx.TransferTargets, others[i].AccountCode)
	}
	third := st.addAccount("user:"+st.newID(), "Maria Aparecida Souza", st.cpf(), "", opened.Add(30*day), thirdPartyOpening)
	fx.ThirdPartyAccountID = third.ID

	// One operation a day between 09:00 and 17:00 in Brasília (12:00–20:00 UTC),
	// strictly increasing, the last one yesterday: all in the past.
	start := now.Add(-historyDays * day).Truncate(day)
	at := func(i int) time.Time {
		return start.Add(time.Duration(i)*day + 12*time.Hour + time.Duration(rng.IntN(8*60))*time.Minute)
	}
	for i := range historyDays - 1 {
		st.seedEntry(own, others[rng.IntN(len(others))], rng, at(i))
	}
	// The last operation lands the balance on a round, documented figure.
	if diff := int64(ownTargetBalance) - own.balance; diff != 0 {
		other := others[0]
		if diff > 0 {
			st.move(other, own, diff, at(historyDays-1), "Recebimento de vendas", st.newID())
		} else {
			st.move(own, other, -diff, at(historyDays-1), "Pagamento a fornecedor", st.newID())
		}
	}
	for i := range 5 {
		st.seedEntry(third, others[rng.IntN(len(others))], rng, start.Add(time.Duration(30+i*6)*day+14*time.Hour))
	}
	st.seedMoney(&fx, own, third, others, now)
	return fx
}

// seedMoney gives the client what money movement needs: boleto products
// (bill_of_exchange and tuition_payment only on the own account, so the
// consented one shows product_not_enabled), a PIX key on the own account
// and on one Stone counterparty, and the TED, PIX and barcode fixtures.
func (st *store) seedMoney(fx *Fixtures, own, third *account, others []*account, now time.Time) {
	own.invoiceTypes = invoiceTypes()
	third.invoiceTypes = []string{"deposit", "proposal"}
	for _, o := range others {
		o.invoiceTypes = []string{"deposit", "proposal"}
	}
	fx.InvoiceTypes = map[string][]string{own.ID: own.invoiceTypes, third.ID: third.invoiceTypes}
	fx.OwnPixKey = st.addPixEntry(own, st.newID(), "random_key", now).Key
	stoneKey := st.dictOfAccount(others[0], st.newID(), "random_key")
	fx.PixKeys = pixKeyFixtures(stoneKey)
	first := dictSeeds()[0]
	fx.StaticBRCode = brCode{key: first.key, amount: 1_500, name: first.name, city: "SAO PAULO", txid: "HOMOLOG0001"}.encode()
	fx.TEDTargets = tedTargets()
	fx.Barcodes = barcodeFixtures(now)
}

// seedEntry moves a plausible amount between a and other: mostly sales coming
// in, some supplier payments going out, never overdrawing a.
func (st *store) seedEntry(a, other *account, rng *rand.Rand, at time.Time) {
	if rng.IntN(10) < 6 || a.balance < 2_000 {
		st.move(other, a, int64(5_000+rng.IntN(55_000)), at, "Recebimento de vendas", st.newID())
		return
	}
	amount := int64(1_000 + rng.IntN(49_000))
	if amount > a.balance {
		amount = a.balance
	}
	st.move(a, other, amount, at, "Pagamento a fornecedor", st.newID())
}

// cpf and cnpj return valid (check-digit correct) documents, deterministic per
// store, so clients that validate documents accept them.
func (st *store) cpf() string {
	st.docSeq++
	base := fmt.Sprintf("%09d", (268856167+st.docSeq*1013)%1_000_000_000)
	return withCheckDigits(base, []int{10, 9, 8, 7, 6, 5, 4, 3, 2}, []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2})
}

func (st *store) cnpj() string {
	st.docSeq++
	base := fmt.Sprintf("%08d0001", (12345678+st.docSeq*7919)%100_000_000)
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

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
