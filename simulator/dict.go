package simulator

import (
	"regexp"
	"strings"
)

// The DICT is BACEN's directory of PIX keys. The simulator's holds a few
// keys of people at other banks (the same for every client, listed in
// Fixtures.PixKeys), a key of one of each client's Stone counterparties
// (paying it credits that Stone account) and every key registered through
// /api/v1/pix/{account_id}/entries.

var (
	uuidRE  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	phoneRE = regexp.MustCompile(`^\+[1-9]\d{9,13}$`)
	emailRE = regexp.MustCompile(`^[a-zA-Z0-9.!#$%&'*+/=?^_{|}~-]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+$`)
)

const maxPixKeyLen = 77

type dictEntry struct {
	key, keyType                 string
	name, document, documentType string
	ispb, branch, accountCode    string
	accountType                  string
	accountID                    string // the Stone account behind the key, "" at other banks
	refunds                      bool   // the receiving bank returns every PIX sent to it
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

func dictSeeds() []dictEntry {
	return []dictEntry{
		{key: "62752545053", keyType: "cpf", name: "Luna Santos", document: "62752545053", documentType: "cpf",
			ispb: "90400888", branch: "4104", accountCode: "10023395", accountType: "CC"},
		{key: "financeiro@fornecedor.com.br", keyType: "email", name: "Fornecedor Exemplo Ltda", document: "11444777000161",
			documentType: "cnpj", ispb: "60701190", branch: "1500", accountCode: "45210", accountType: "CC"},
		{key: "+5561912345678", keyType: "phone", name: "Pedro Alves", document: "52998224725", documentType: "cpf",
			ispb: "18236120", branch: "0001", accountCode: "88223344", accountType: "PG"},
		{key: "6f1b0a52-3c1e-4e8a-9d2b-5a7c0e9f4b21", keyType: "random_key", name: "Mercado Central ME",
			document: "34028316000103", documentType: "cnpj", ispb: "60746948", branch: "2020", accountCode: "776655", accountType: "CC"},
		{key: "devolve@exemplo.com.br", keyType: "email", name: "Conta Devolvida", document: "15350946056", documentType: "cpf",
			ispb: "00416968", branch: "0001", accountCode: "1234567", accountType: "CC", refunds: true},
	}
}

func (st *store) seedDict() {
	for _, e := range dictSeeds() {
		st.dict[e.key] = &e
	}
}

// pixKeyFixtures are the seeded keys of other banks, then the client's
// Stone counterparty key.
func pixKeyFixtures(extra ...*dictEntry) []PixKeyFixture {
	var out []PixKeyFixture
	var all []*dictEntry
	seeds := dictSeeds()
	for i := range seeds {
		all = append(all, &seeds[i])
	}
	for _, e := range append(all, extra...) {
		out = append(out, PixKeyFixture{Key: e.key, KeyType: e.keyType, Name: e.name, InstitutionISPB: e.ispb, Refunds: e.refunds})
	}
	return out
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
	case len(key) == 11 && digitsRE.MatchString(key):
		return "cpf"
	case len(key) == 14 && digitsRE.MatchString(key):
		return "cnpj"
	}
	return ""
}

// dictOfAccount registers a Stone account's key in the DICT.
func (st *store) dictOfAccount(a *account, key, keyType string) *dictEntry {
	e := &dictEntry{key: key, keyType: keyType, name: a.OwnerName, document: a.OwnerDocument,
		documentType: documentType(a.OwnerDocument), ispb: stoneISPB, branch: "0001", accountCode: a.AccountCode,
		accountType: "PG", accountID: a.ID}
	st.dict[key] = e
	return e
}

func (e *dictEntry) institutionName() string {
	if in, ok := findInstitution(e.ispb); ok {
		return in.Name
	}
	return ""
}
