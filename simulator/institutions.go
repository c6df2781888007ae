package simulator

import (
	"net/http"
	"regexp"
)

var institutionCodeRE = regexp.MustCompile(`^(\d{8}|\d{3})$`)

type institution struct {
	ISPBCode       string `json:"ispb_code"`
	Name           string `json:"name"`
	NumberCode     string `json:"number_code"`
	ShortName      string `json:"short_name"`
	SPIParticipant bool   `json:"spi_participant"`
}

// institutions is a fixed slice of Brazil's payment institutions: enough for
// clients to resolve Stone and the big banks by ISPB or number code, for TED
// (STR, they all have a number code) and PIX (SPI participants).
func institutions() []institution {
	return []institution{
		{"16501555", "Stone Pagamentos S.A.", "197", "STONE PAGAMENTOS S.A.", true},
		{"00000000", "Banco do Brasil S.A.", "001", "BCO DO BRASIL S.A.", true},
		{"00360305", "Caixa Econômica Federal", "104", "CAIXA ECONOMICA FEDERAL", true},
		{"60746948", "Banco Bradesco S.A.", "237", "BCO BRADESCO S.A.", true},
		{"60701190", "Itaú Unibanco S.A.", "341", "ITAÚ UNIBANCO S.A.", true},
		{"90400888", "Banco Santander (Brasil) S.A.", "033", "BCO SANTANDER (BRASIL) S.A.", true},
		{"18236120", "Nu Pagamentos S.A.", "260", "NU PAGAMENTOS - IP", true},
		{"00416968", "Banco Inter S.A.", "077", "BANCO INTER", true},
		{"31872495", "Banco C6 S.A.", "336", "BCO C6 S.A.", true},
		{"30306294", "Banco BTG Pactual S.A.", "208", "BANCO BTG PACTUAL S.A.", true},
		{"02038232", "Banco Cooperativo Sicoob S.A.", "756", "BANCOOB", true},
		{"01181521", "Banco Cooperativo Sicredi S.A.", "748", "BCO COOPERATIVO SICREDI S.A.", true},
		{"92702067", "Banco do Estado do Rio Grande do Sul S.A.", "041", "BCO DO ESTADO DO RS S.A.", true},
		{"58160789", "Banco Safra S.A.", "422", "BCO SAFRA S.A.", true},
		{"92894922", "Banco Original S.A.", "212", "BANCO ORIGINAL", true},
		{"08561701", "PagSeguro Internet Instituição de Pagamento S.A.", "290", "PAGSEGURO INTERNET IP S.A.", true},
		{"10573521", "Mercado Pago Instituição de Pagamento Ltda.", "323", "MERCADO PAGO IP LTDA.", true},
		{"22896431", "PicPay Instituição de Pagamento S.A.", "380", "PICPAY", true},
	}
}

// findInstitution resolves an ISPB (8 digits) or a bank number (3 digits).
func findInstitution(code string) (institution, bool) {
	for _, in := range institutions() {
		if (len(code) == 8 && in.ISPBCode == code) || (len(code) == 3 && in.NumberCode == code) {
			return in, true
		}
	}
	return institution{}, false
}

// handleInstitutions needs no token, as in Stone's example. context=str (the
// default) lists TED participants (those with a bank number), spi the PIX
// participants, all every institution.
func (s *Simulator) handleInstitutions(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	ctx := r.URL.Query().Get("context")
	switch ctx {
	case "", "str", "spi", "all":
	default:
		validationErr(fieldError{Error: "must be str, spi or all", Path: []string{"context"}}).write(w)
		return
	}
	out := []institution{}
	for _, in := range institutions() {
		if ctx == "all" || (ctx == "spi" && in.SPIParticipant) || ((ctx == "" || ctx == "str") && in.NumberCode != "") {
			out = append(out, in)
		}
	}
	jsonReply(http.StatusOK, out).write(w)
}

func (s *Simulator) handleInstitution(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	code := r.PathValue("code")
	if !institutionCodeRE.MatchString(code) {
		notFound().write(w)
		return
	}
	if in, ok := findInstitution(code); ok {
		jsonReply(http.StatusOK, in).write(w)
		return
	}
	notFound().write(w)
}
