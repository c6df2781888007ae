package ted

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/institutions"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

const maxAmount = 999_999_999_999_999_999

var (
	accountRE = regexp.MustCompile(`^[1-9]\d{1,19}$`)
	branchRE  = regexp.MustCompile(`^\d{1,4}$`)
)

// accountTypes are the target account types of a TED (§5.2); CI appears in
// the object documentation only, and is accepted too.
func accountTypes() []string { return []string{"CC", "CD", "CG", "CI", "PG", "PP"} }

// target is the target of an external transfer as Stone returns it.
type target struct {
	Account struct {
		AccountCode           string  `json:"account_code"`
		AccountType           string  `json:"account_type"`
		BranchCode            *string `json:"branch_code"`
		InstitutionCode       string  `json:"institution_code"`
		InstitutionISPB       string  `json:"institution_ispb"`
		InstitutionName       string  `json:"institution_name"`
		InstitutionNumberCode string  `json:"institution_number_code"`
	} `json:"account"`
	Entity struct {
		CPF          string `json:"cpf,omitempty"`
		CNPJ         string `json:"cnpj,omitempty"`
		Document     string `json:"document"`
		DocumentType string `json:"document_type"`
		Name         string `json:"name"`
	} `json:"entity"`
}

type request struct {
	amount      int64
	accountID   string
	scheduledTo *string
	target      target
	instCode    string
}

// decodeRequest validates and normalises an external transfer body the way
// Stone documents it (§5.2): leading zeros of account_code are dropped before
// the ^[1-9]\d{1,19}$ check, account_type decides whether the branch is kept,
// and the document may come as document (+document_type, either case) or as
// the older "cpf"/"cnpj" keys. "instituition_code", the reference page's
// typo, is read like institution_code.
func decodeRequest(r *http.Request) (request, api.Reply, bool) {
	var req request
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		return req, rp, false
	}
	req.amount, _ = f.Amount("amount", true, maxAmount)
	req.accountID = f.Str("account_id", true)
	req.scheduledTo = f.ScheduledTo()
	if t, ok := f.Object("target", true); ok {
		if acc, ok := t.Object("account", true); ok {
			readAccount(acc, &req)
		}
		if ent, ok := t.Object("entity", true); ok {
			readEntity(ent, &req.target)
		}
	}
	rp, ok = f.Result()
	return req, rp, ok
}

func readAccount(acc api.Fields, req *request) {
	a := &req.target.Account
	code := acc.Str("account_code", true)
	if code != "" {
		trimmed := strings.TrimLeft(code, "0")
		if !api.Digits.MatchString(code) || !accountRE.MatchString(trimmed) {
			acc.Add(`has invalid format (^[1-9]\d{1,19}$)`, "account_code")
		}
		a.AccountCode = trimmed
	}
	branch := acc.Str("branch_code", false)
	if branch != "" && !branchRE.MatchString(branch) {
		acc.Add(`has invalid format (^\d{1,4}$)`, "branch_code")
	}
	name := "institution_code"
	if !acc.Has(name) && acc.Has("instituition_code") {
		name = "instituition_code"
	}
	req.instCode = acc.Str(name, true)
	if req.instCode != "" && !institutions.ValidCode(req.instCode) {
		acc.Add(`has invalid format (^(\d{8}|\d{3})$)`, name)
	}
	typ := strings.ToUpper(acc.Str("account_type", false))
	if typ != "" && !slices.Contains(accountTypes(), typ) {
		acc.Add("must be one of CC, CD, CG, CI, PG, PP", "account_type")
	}
	// Stone's rules: PG drops the branch; CC or none with more than 13
	// digits, or without a branch, becomes PG; none otherwise is CC.
	switch {
	case typ == "PG":
		branch = ""
	case (typ == "CC" || typ == "") && len(a.AccountCode) > 13:
		typ, branch = "PG", ""
	case (typ == "CC" || typ == "") && branch == "":
		typ = "PG"
	case typ == "":
		typ = "CC"
	}
	a.AccountType = typ
	if branch != "" {
		a.BranchCode = &branch
	}
}

func readEntity(ent api.Fields, t *target) {
	e := &t.Entity
	e.Name = ent.Str("name", true)
	ent.MaxLen("name", e.Name, 200)
	docName := "document"
	switch {
	case ent.Has("document"):
	case ent.Has("cpf"):
		docName, e.DocumentType = "cpf", "cpf"
	case ent.Has("cnpj"):
		docName, e.DocumentType = "cnpj", "cnpj"
	}
	e.Document = ent.Str(docName, true)
	if dt := strings.ToLower(ent.Str("document_type", false)); dt != "" {
		if dt != "cpf" && dt != "cnpj" {
			ent.Add("must be cpf or cnpj", "document_type")
		}
		e.DocumentType = dt
	}
	if e.Document == "" {
		return
	}
	if !api.Digits.MatchString(e.Document) {
		ent.Add("must contain digits only", docName)
		return
	}
	if e.DocumentType == "" {
		e.DocumentType = api.DocumentType(e.Document)
	}
	switch {
	case e.DocumentType == "":
		ent.Add("must have 11 (CPF) or 14 (CNPJ) digits", docName)
	case api.DocumentType(e.Document) != e.DocumentType:
		ent.Add("must have "+map[string]string{"cpf": "11", "cnpj": "14"}[e.DocumentType]+" digits for document_type "+e.DocumentType, docName)
	case e.DocumentType == "cpf":
		e.CPF = e.Document
	default:
		e.CNPJ = e.Document
	}
}

// resolveInstitution completes the target with the institution's data, or
// says why a TED cannot go there.
func (req *request) resolveInstitution(dir *institutions.Directory) (api.Reply, bool) {
	in, ok := dir.Find(req.instCode)
	if !ok {
		return api.Unprocessable("target_institution_not_found", "no institution has ISPB or bank number "+req.instCode), false
	}
	if !in.STRParticipant {
		// A TED travels through the STR: an SPI-only institution (§4,
		// context=str leaves it out) can only be paid by PIX.
		return api.Unprocessable("target_institution_not_found", "institution "+req.instCode+" is not an STR participant: pay it by PIX"), false
	}
	if in.ISPBCode == ledger.StoneISPB {
		return api.Unprocessable("target_institution_not_allowed",
			"a TED from a Stone account to a Stone account is not allowed: use POST /api/v1/internal_transfers"), false
	}
	a := &req.target.Account
	a.InstitutionCode, a.InstitutionISPB, a.InstitutionName, a.InstitutionNumberCode = req.instCode, in.ISPBCode, in.Name, in.Number()
	return api.Reply{}, true
}

// failure and refunds are Stone's failure_reason_code and refund_reason_code
// tables for external transfers (§5.2).
func failure(code string) string {
	return map[string]string{
		"0": "Ocorreu um erro. Por favor, tente novamente.",
		"1": "Saldo insuficiente.",
		"2": "Restrição na conta.",
	}[code]
}

func refunds() map[string]string {
	return map[string]string{
		"0":  "Erro de processamento na instituição de origem.",
		"1":  "Conta destinatária inexistente.",
		"2":  "Agência ou conta destinatária inexistente.",
		"3":  "CPF/CNPJ do destinatário incorreto.",
		"4":  "Conta destinatária inválida para o tipo de transação.",
		"5":  "Erro de processamento.",
		"6":  "Valor acima do limite ou inválido para o tipo de transação.",
		"7":  "Não conformidade no pagamento.",
		"8":  "Dados incorretos.",
		"9":  "CPF/CNPJ irregular.",
		"10": "Instituição inválida.",
		"11": "Conta com mais de 13 dígitos.",
		"12": "Devolvido a pedido do recebedor.",
		"13": "Ordem bancária devolvida.",
		"14": "Beneficiário não identificado.",
	}
}
