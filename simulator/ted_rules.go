package simulator

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
)

const maxTEDAmount = 999_999_999_999_999_999

var (
	tedAccountRE = regexp.MustCompile(`^[1-9]\d{1,19}$`)
	tedBranchRE  = regexp.MustCompile(`^\d{1,4}$`)
)

// accountTypes are the target account types of a TED (§5.2); CI appears in
// the object documentation only, and is accepted too.
func accountTypes() []string { return []string{"CC", "CD", "CG", "CI", "PG", "PP"} }

// extTarget is the target of an external transfer as Stone returns it.
type extTarget struct {
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

type tedRequest struct {
	amount      int64
	accountID   string
	scheduledTo *string
	target      extTarget
	instCode    string
}

// decodeTEDRequest validates and normalises an external transfer body the way
// Stone documents it: leading zeros of account_code are dropped before the
// ^[1-9]\d{1,19}$ check, account_type decides whether the branch is kept, and
// the document may come as document (+document_type, either case) or as the
// older "cpf"/"cnpj" keys. "instituition_code", the reference page's typo, is
// read like institution_code.
func decodeTEDRequest(r *http.Request) (tedRequest, reply, bool) {
	var req tedRequest
	f, rp, ok := decodeFields(r)
	if !ok {
		return req, rp, false
	}
	req.amount, _ = f.amount("amount", true, maxTEDAmount)
	req.accountID = f.str("account_id", true)
	req.scheduledTo = f.scheduledTo()
	if t, ok := f.object("target", true); ok {
		if acc, ok := t.object("account", true); ok {
			readTEDAccount(acc, &req)
		}
		if ent, ok := t.object("entity", true); ok {
			readTEDEntity(ent, &req.target)
		}
	}
	rp, ok = f.result()
	return req, rp, ok
}

func readTEDAccount(acc fields, req *tedRequest) {
	a := &req.target.Account
	code := acc.str("account_code", true)
	if code != "" {
		trimmed := strings.TrimLeft(code, "0")
		if !digitsRE.MatchString(code) || !tedAccountRE.MatchString(trimmed) {
			acc.add(`has invalid format (^[1-9]\d{1,19}$)`, "account_code")
		}
		a.AccountCode = trimmed
	}
	branch := acc.str("branch_code", false)
	if branch != "" && !tedBranchRE.MatchString(branch) {
		acc.add(`has invalid format (^\d{1,4}$)`, "branch_code")
	}
	name := "institution_code"
	if !acc.has(name) && acc.has("instituition_code") {
		name = "instituition_code"
	}
	req.instCode = acc.str(name, true)
	if req.instCode != "" && !institutionCodeRE.MatchString(req.instCode) {
		acc.add(`has invalid format (^(\d{8}|\d{3})$)`, name)
	}
	typ := strings.ToUpper(acc.str("account_type", false))
	if typ != "" && !slices.Contains(accountTypes(), typ) {
		acc.add("must be one of CC, CD, CG, CI, PG, PP", "account_type")
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

func readTEDEntity(ent fields, t *extTarget) {
	e := &t.Entity
	e.Name = ent.str("name", true)
	ent.maxLen("name", e.Name, 200)
	docName := "document"
	switch {
	case ent.has("document"):
	case ent.has("cpf"):
		docName, e.DocumentType = "cpf", "cpf"
	case ent.has("cnpj"):
		docName, e.DocumentType = "cnpj", "cnpj"
	}
	e.Document = ent.str(docName, true)
	if dt := strings.ToLower(ent.str("document_type", false)); dt != "" {
		if dt != "cpf" && dt != "cnpj" {
			ent.add("must be cpf or cnpj", "document_type")
		}
		e.DocumentType = dt
	}
	if e.Document == "" {
		return
	}
	if !digitsRE.MatchString(e.Document) {
		ent.add("must contain digits only", docName)
		return
	}
	if e.DocumentType == "" {
		e.DocumentType = documentType(e.Document)
	}
	switch {
	case e.DocumentType == "":
		ent.add("must have 11 (CPF) or 14 (CNPJ) digits", docName)
	case documentType(e.Document) != e.DocumentType:
		ent.add("must have "+map[string]string{"cpf": "11", "cnpj": "14"}[e.DocumentType]+" digits for document_type "+e.DocumentType, docName)
	case e.DocumentType == "cpf":
		e.CPF = e.Document
	default:
		e.CNPJ = e.Document
	}
}

// resolveInstitution completes the target with the institution's data, or
// says why a TED cannot go there.
func (req *tedRequest) resolveInstitution() (reply, bool) {
	in, ok := findInstitution(req.instCode)
	if !ok {
		return unprocessable("target_institution_not_found", "no institution has ISPB or bank number "+req.instCode), false
	}
	if in.ISPBCode == stoneISPB {
		return unprocessable("target_institution_not_allowed",
			"a TED from a Stone account to a Stone account is not allowed: use POST /api/v1/internal_transfers"), false
	}
	a := &req.target.Account
	a.InstitutionCode, a.InstitutionISPB, a.InstitutionName, a.InstitutionNumberCode = req.instCode, in.ISPBCode, in.Name, in.NumberCode
	return reply{}, true
}

// tedFailure and tedRefund are Stone's failure_reason_code and
// refund_reason_code tables for external transfers (§5.2).
func tedFailure(code string) string {
	return map[string]string{
		"0": "Ocorreu um erro. Por favor, tente novamente.",
		"1": "Saldo insuficiente.",
		"2": "Restrição na conta.",
	}[code]
}

func tedRefunds() map[string]string {
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

// tedTargets are the same for every client: other banks' accounts exist
// only as far as the simulator says so.
func tedTargets() []TEDTarget {
	return []TEDTarget{
		{"033", "4104", "10023395", "CC", "Octacilio Impoluto", "62752545053", "cpf", ""},
		{"341", "1500", "45210", "CC", "Comercial Horizonte Ltda", "11444777000161", "cnpj", ""},
		{"18236120", "", "88223344", "PG", "Beatriz Nogueira", "52998224725", "cpf", ""},
		{"237", "2020", "9988776", "CC", "Conta Encerrada da Silva", "15350946056", "cpf", "1"},
	}
}

// returnedWith is the refund code the target's bank returns TEDs with.
func returnedWith(t extTarget) string {
	for _, ft := range tedTargets() {
		in, _ := findInstitution(ft.InstitutionCode)
		if in.ISPBCode == t.Account.InstitutionISPB && ft.AccountCode == t.Account.AccountCode {
			return ft.ReturnedWith
		}
	}
	return ""
}
