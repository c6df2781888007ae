package simulator

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/boleto"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// Fixtures tell a test runner what the seeded world looks like for one client.
type Fixtures struct {
	ClientID            string   `json:"client_id"`
	OwnAccountID        string   `json:"own_account_id"`         // the application's own account (visible without consent)
	ThirdPartyAccountID string   `json:"third_party_account_id"` // visible only after its owner consents
	TransferTargets     []string `json:"transfer_targets"`       // account_codes of other Stone accounts, valid internal transfer targets
	RedirectURI         string   `json:"redirect_uri"`

	TEDTargets   []TEDTarget      `json:"ted_targets"`   // bank accounts at other institutions; the one with ReturnedWith is always returned (REFUNDED)
	PixKeys      []PixKeyFixture  `json:"pix_keys"`      // DICT keys of other people (other banks, then a Stone account); Refunds marks the one whose bank returns every PIX
	OwnPixKey    string           `json:"own_pix_key"`   // a random key already registered on the own account
	StaticBRCode string           `json:"static_brcode"` // a static BR Code (amount 15.00) paying PixKeys[0]
	Barcodes     []BarcodeFixture `json:"barcodes"`      // test barcodes: payable, paid, unpayable, divergent, ... (internal/barcode)
	// InvoiceTypes lists, per account id, the boleto invoice types that
	// account may issue; the others answer 422 product_not_enabled.
	InvoiceTypes map[string][]string `json:"invoice_types"`
}

// TEDTarget is a bank account at another institution a test runner can send
// a TED to. ReturnedWith, when set, is the refund_reason_code with which the
// receiving bank returns every TED sent there.
type TEDTarget struct {
	InstitutionCode string `json:"institution_code"`
	BranchCode      string `json:"branch_code"`
	AccountCode     string `json:"account_code"`
	AccountType     string `json:"account_type"`
	Name            string `json:"name"`
	Document        string `json:"document"`
	DocumentType    string `json:"document_type"`
	ReturnedWith    string `json:"returned_with,omitempty"`
}

// PixKeyFixture is a DICT key of somebody else that a test runner can pay.
// Refunds marks the key whose bank returns every PIX (status REFUNDED).
type PixKeyFixture struct {
	Key             string `json:"key"`
	KeyType         string `json:"key_type"`
	Name            string `json:"name"`
	InstitutionISPB string `json:"institution_ispb"`
	Refunds         bool   `json:"refunds,omitempty"`
}

// BarcodeFixture is one test document (internal/barcode describes the family).
type BarcodeFixture struct {
	Kind           string `json:"kind"`
	DocumentType   string `json:"document_type"` // boleto | concessionaria
	Status         string `json:"status"`        // payable | paid | unpayable (as the dry run's details say)
	Barcode        string `json:"barcode"`
	WritableLine   string `json:"writable_line"`
	FaceValue      int64  `json:"face_value"`
	MinValue       int64  `json:"min_value,omitempty"`
	MaxValue       int64  `json:"max_value,omitempty"`
	ExpirationDate string `json:"expiration_date,omitempty"`
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
	now := s.book.Now()
	var fx Fixtures
	var err error
	s.book.Locked(func() {
		if prev := s.book.Client(c.ID); prev != nil {
			if !prev.PublicKey.Equal(c.PublicKey) || prev.RedirectURI != c.RedirectURI {
				err = fmt.Errorf("simulator: register %q: %w", c.ID, ErrClientConflict)
				return
			}
			fx = s.fixtures[c.ID].clone()
			return
		}
		n := s.book.ClientCount()
		rec := &ledger.Client{ID: c.ID, PublicKey: c.PublicKey, RedirectURI: c.RedirectURI, WebhookURL: c.WebhookURL, Subject: s.book.NewID()}
		fx = s.seedClient(c, s.book.SeedWorld(s.seed, c.ID, now, n), now)
		s.book.AddClient(rec)
		s.fixtures[c.ID] = fx
		fx = fx.clone()
	})
	return fx, err
}

// seedClient gives the client what money movement needs: boleto products
// (bill_of_exchange and tuition_payment only on the own account, so the
// consented one shows product_not_enabled), a PIX key on the own account and
// on one Stone counterparty, the TED, PIX and barcode fixtures, and the
// account its consent links offer. Caller holds the book's lock.
func (s *Simulator) seedClient(c Client, w ledger.World, now time.Time) Fixtures {
	fx := Fixtures{ClientID: c.ID, OwnAccountID: w.Own.ID, ThirdPartyAccountID: w.Third.ID, RedirectURI: c.RedirectURI}
	for _, o := range w.Others {
		fx.TransferTargets = append(fx.TransferTargets, o.AccountCode)
	}
	basic := []string{"deposit", "proposal"}
	s.boletos.Enable(w.Own.ID, boleto.InvoiceTypes())
	s.boletos.Enable(w.Third.ID, basic)
	for _, o := range w.Others {
		s.boletos.Enable(o.ID, basic)
	}
	fx.InvoiceTypes = map[string][]string{w.Own.ID: boleto.InvoiceTypes(), w.Third.ID: basic}
	ownKey, keys := s.pix.SeedClient(w.Own, w.Others[0], now)
	fx.OwnPixKey = ownKey
	for _, k := range keys {
		fx.PixKeys = append(fx.PixKeys, PixKeyFixture{Key: k.Key, KeyType: k.KeyType, Name: k.Name, InstitutionISPB: k.InstitutionISPB, Refunds: k.Refunds})
	}
	fx.StaticBRCode = s.pix.StaticBRCode(1_500)
	for _, t := range s.teds.Targets() {
		fx.TEDTargets = append(fx.TEDTargets, TEDTarget(t))
	}
	for _, b := range s.payments.Fixtures(now) {
		fx.Barcodes = append(fx.Barcodes, BarcodeFixture(b))
	}
	s.consent.Offer(c.ID, w.Third.ID)
	return fx
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

// handleFixtures lets a runner that only reaches the simulator over HTTP
// (homolog simulate) learn the seeded world of its client:
// GET /_sim/clients/{id}/fixtures → 200 Fixtures, 404.
func (s *Simulator) handleFixtures(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	s.book.Reply(w, func() api.Reply {
		fx, ok := s.fixtures[r.PathValue("id")]
		if !ok {
			return api.NotFound()
		}
		return api.JSON(http.StatusOK, fx)
	})
}
