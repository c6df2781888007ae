package runner

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/openbank-homolog/homolog/simulator"
	"github.com/openbank-homolog/homolog/steps"
)

// simulatorFixtures translates what the simulator seeded into what the
// steps need.
func simulatorFixtures(fx simulator.Fixtures) steps.Fixtures {
	out := steps.Fixtures{
		OwnAccountID:    fx.OwnAccountID,
		TransferTargets: fx.TransferTargets,
		RedirectURI:     fx.RedirectURI,
		StaticBRCode:    fx.StaticBRCode,
	}
	for _, t := range fx.TEDTargets {
		if t.ReturnedWith != "" {
			continue // that bank returns every TED: not the happy path
		}
		out.TEDTarget = &steps.TEDTarget{InstitutionCode: t.InstitutionCode, BranchCode: t.BranchCode, AccountCode: t.AccountCode,
			AccountType: t.AccountType, Name: t.Name, Document: t.Document, DocumentType: t.DocumentType}
		break
	}
	for _, k := range fx.PixKeys {
		if !k.Refunds {
			out.PixKey = k.Key
			break
		}
	}
	for _, b := range fx.Barcodes {
		// The simulator names each test barcode by what it does; the
		// script pays the plain one and checks the one already paid.
		switch {
		case b.Kind == "payable" && b.DocumentType == "boleto" && out.PayableBarcode == "":
			out.PayableBarcode = b.Barcode
		case b.Kind == "paid" && out.PaidBarcode == "":
			out.PaidBarcode = b.Barcode
		}
	}
	return out
}

// FixturesYAML is a simulator client's fixtures as the fixtures: block of
// a scenarios.yaml, ready to paste into a sandbox plan pointed at
// homolog simulate (target sandbox, endpoints at the simulator).
func FixturesYAML(fx simulator.Fixtures) ([]byte, error) {
	sf := simulatorFixtures(fx)
	fc := FixturesConfig{
		OwnAccountID: sf.OwnAccountID, TransferTargets: sf.TransferTargets, PixKey: sf.PixKey, StaticBRCode: sf.StaticBRCode,
		Barcodes: BarcodesConfig{Payable: sf.PayableBarcode, Paid: sf.PaidBarcode},
		// The simulator's PIN goes in the environment, as Stone's would.
		PINEnv: "HOMOLOG_PIN",
	}
	if t := sf.TEDTarget; t != nil {
		fc.TEDTarget = &TEDTargetConfig{InstitutionCode: t.InstitutionCode, BranchCode: t.BranchCode, AccountCode: t.AccountCode,
			AccountType: t.AccountType, Name: t.Name, Document: t.Document, DocumentType: t.DocumentType}
	}
	body, err := yaml.Marshal(struct {
		Fixtures FixturesConfig `yaml:"fixtures"`
	}{fc})
	if err != nil {
		return nil, fmt.Errorf("runner: fixtures: %w", err)
	}
	return body, nil
}
