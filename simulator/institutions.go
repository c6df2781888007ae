package simulator

import "net/http"

type institution struct {
	ISPBCode       string `json:"ispb_code"`
	Name           string `json:"name"`
	NumberCode     string `json:"number_code"`
	ShortName      string `json:"short_name"`
	SPIParticipant bool   `json:"spi_participant"`
}

// institutions is a small, fixed slice of Brazil's payment institutions: enough
// for clients to resolve Stone and the big banks by ISPB or number code.
func institutions() []institution {
	return []institution{
		{"16501555", "Stone Pagamentos S.A.", "197", "STONE PAGAMENTOS S.A.", true},
		{"00000000", "Banco do Brasil S.A.", "001", "BCO DO BRASIL S.A.", true},
		{"00360305", "Caixa Econômica Federal", "104", "CAIXA ECONOMICA FEDERAL", true},
		{"60746948", "Banco Bradesco S.A.", "237", "BCO BRADESCO S.A.", true},
		{"60701190", "Itaú Unibanco S.A.", "341", "ITAÚ UNIBANCO S.A.", true},
		{"90400888", "Banco Santander (Brasil) S.A.", "033", "BCO SANTANDER (BRASIL) S.A.", true},
		{"18236120", "Nu Pagamentos S.A.", "260", "NU PAGAMENTOS - IP", true},
	}
}

// handleInstitutions needs no token, as in Stone's example.
func (s *Simulator) handleInstitutions(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	switch r.URL.Query().Get("context") {
	case "", "str", "spi", "all":
	default:
		validationErr(fieldError{Error: "must be str, spi or all", Path: []string{"context"}}).write(w)
		return
	}
	jsonReply(http.StatusOK, institutions()).write(w)
}

func (s *Simulator) handleInstitution(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	code := r.PathValue("code")
	for _, in := range institutions() {
		if in.ISPBCode == code || in.NumberCode == code {
			jsonReply(http.StatusOK, in).write(w)
			return
		}
	}
	notFound().write(w)
}
