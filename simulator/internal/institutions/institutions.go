// Package institutions is the simulator's directory of Brazil's payment
// institutions, seeded from institutions.json, and GET
// /api/v1/institutions[/{code}] (stone-api.md §4).
//
// The seed has three kinds of participant, so that context=str and
// context=spi give different lists, as at Stone (§4): banks in both the STR
// (TED; they have a bank number) and the SPI (PIX); STR-only ones (BNDES and
// Rabobank take TEDs but offer no PIX); and SPI-only payment institutions
// without a bank number, which only PIX reaches (number_code null). The two
// SPI-only institutions are made up for the simulator (their ISPBs belong to
// nobody real); every other entry is a real institution's public data.
package institutions

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

//go:embed institutions.json
var seedJSON []byte

var codeRE = regexp.MustCompile(`^(\d{8}|\d{3})$`)

// Institution is Stone's institution object; Stone's Go SDK type adds
// spi_participant. number_code is null for SPI-only participants, which have
// no bank number. STR is not sent: context=str is what tells it.
type Institution struct {
	ISPBCode       string  `json:"ispb_code"`
	Name           string  `json:"name"`
	NumberCode     *string `json:"number_code"`
	ShortName      string  `json:"short_name"`
	SPIParticipant bool    `json:"spi_participant"`
	STRParticipant bool    `json:"-"`
}

// seed is the JSON file's shape (it says str_participant, the API does not).
type seed struct {
	Institution
	STR bool `json:"str_participant"`
}

// Number is the bank number, "" for an SPI-only participant.
func (in Institution) Number() string { return api.Deref(in.NumberCode) }

// Directory is the seeded list, read once per simulator.
type Directory struct {
	all []Institution
}

// New reads the embedded seed.
func New() (*Directory, error) {
	var seeds []seed
	if err := json.Unmarshal(seedJSON, &seeds); err != nil {
		return nil, fmt.Errorf("simulator: institutions seed: %w", err)
	}
	d := &Directory{}
	for _, s := range seeds {
		in := s.Institution
		in.STRParticipant = s.STR
		d.all = append(d.all, in)
	}
	return d, nil
}

// ValidCode reports whether code has the shape of an ISPB (8 digits) or a
// bank number (3 digits).
func ValidCode(code string) bool { return codeRE.MatchString(code) }

// Find resolves an ISPB (8 digits) or a bank number (3 digits).
func (d *Directory) Find(code string) (Institution, bool) {
	for _, in := range d.all {
		if (len(code) == 8 && in.ISPBCode == code) || (len(code) == 3 && in.Number() == code) {
			return in, true
		}
	}
	return Institution{}, false
}

// Routes registers the institution lists; Stone's example sends no token.
func (d *Directory) Routes(m *api.Mux) {
	m.Handle("GET /api/v1/institutions", d.handleList)
	m.Handle("GET /api/v1/institutions/{code}", d.handleGet)
}

// handleList: context=str (the default) lists STR participants, which TED
// reaches; spi the PIX participants; all every institution (§4).
func (d *Directory) handleList(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	ctx := r.URL.Query().Get("context")
	switch ctx {
	case "", "str", "spi", "all":
	default:
		api.Validation(api.FieldError{Error: "must be str, spi or all", Path: []string{"context"}}).Write(w)
		return
	}
	out := []Institution{}
	for _, in := range d.all {
		if ctx == "all" || (ctx == "spi" && in.SPIParticipant) || ((ctx == "" || ctx == "str") && in.STRParticipant) {
			out = append(out, in)
		}
	}
	api.JSON(http.StatusOK, out).Write(w)
}

func (d *Directory) handleGet(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	code := r.PathValue("code")
	if !ValidCode(code) {
		api.NotFound().Write(w)
		return
	}
	if in, ok := d.Find(code); ok {
		api.JSON(http.StatusOK, in).Write(w)
		return
	}
	api.NotFound().Write(w)
}
