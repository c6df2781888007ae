package evidence

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// brCode builds a static BR Code (EMV TLV, CRC16-CCITT) paying key.
func brCode(key, name string) string {
	tlv := func(id, v string) string { return fmt.Sprintf("%s%02d%s", id, len(v), v) }
	body := tlv("00", "01") + tlv("26", tlv("00", "br.gov.bcb.pix")+tlv("01", key)+tlv("02", "Pedido 42")) + tlv("52", "0000") +
		tlv("53", "986") + tlv("54", "15.00") + tlv("58", "BR") + tlv("59", name) + tlv("60", "SAO PAULO") + tlv("62", tlv("05", "HOMOLOG0001")) + "6304"
	crc := uint16(0xFFFF)
	for _, b := range []byte(body) {
		crc ^= uint16(b) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return body + fmt.Sprintf("%04X", crc)
}

// Valid check digits: documents of real people and companies.
const (
	cpfA  = "62752545053"
	cpfB  = "94580730224"
	cnpjA = "40289176000120"
)

// TestRedactDocumentsInStructuredStrings: a CPF or CNPJ glued to other
// digits inside a BR Code, inside a URL query, a form or JSON written as a
// string is masked all the same; free-text masking alone cannot see it.
func TestRedactDocumentsInStructuredStrings(t *testing.T) {
	r := NewRedactor([]byte("k"), RedactOptions{})
	code := brCode(cpfA, "Luna Santos")
	tests := []struct {
		name   string
		out    string
		absent []string
		want   []string
	}{
		{"BR Code in a JSON field", string(r.Body([]byte(`{"brcode":"` + code + `"}`))), []string{cpfA}, []string{"0014br.gov.bcb.pix0120[masked:***525450**]"}},
		{"BR Code with a CNPJ key", string(r.Body([]byte(`{"brcode":"` + brCode(cnpjA, "Loja") + `"}`))), []string{cnpjA}, []string{"0123[masked:***891760001**]"}},
		{"BR Code in free text", r.String("brcode " + code + " is not payable"), []string{cpfA}, []string{"***525450**", " is not payable"}},
		{"BR Code URL-encoded in a query", r.String("https://pix.example/pay?brcode=" + url.QueryEscape(code) + "&lang=pt"), []string{cpfA}, []string{"***525450**"}},
		{"BR Code in a form", string(r.Body([]byte("brcode=" + url.QueryEscape(code) + "&amount=15"))), []string{cpfA}, []string{"***525450**"}},
		{"BR Code in JSON inside a JSON string", string(r.Body([]byte(`{"meta":` + jsonString(`{"qr":"`+code+`"}`) + `}`))), []string{cpfA}, []string{"***525450**"}},
		{"document key in a query", r.String("https://api.example/people?owner_document=12345678900&page=2"), []string{"12345678900"}, []string{"owner_document=[masked:***456789**]", "&page=2"}},
		{"document key in a query inside JSON", string(r.Body([]byte(`{"next":"/v1/x?cpf=12345678900&cursor=abc"}`))), []string{"12345678900"}, []string{"cursor=abc"}},
		{"a signed storage URL's signature (a KYC photo's upload URL)", string(r.Body([]byte(`{"upload_info":{"url":"https://storage.googleapis.com/b/o.jpg?Expires=1622485791&GoogleAccessId=a%40b.iam&Signature=Yy3xZLRyo95o%2BVQtm3Pc%3D%3D"}}`))),
			[]string{"Yy3xZLRyo95o"}, []string{"Expires=1622485791", "&Signature=[redacted:"}},
		{"secret key in JSON inside a JSON string", string(r.Body([]byte(`{"meta":` + jsonString(`{"access_token":"opaque-secret-123456"}`) + `}`))), []string{"opaque-secret-123456"}, []string{"[redacted:"}},
		{"secret key in JSON inside a form value", string(r.Body([]byte("payload=" + url.QueryEscape(`{"client_secret":"opaque-secret-123456"}`)))), []string{"opaque-secret-123456"}, []string{"[redacted:"}},
		{"document under a long key", string(r.Body([]byte(`{"beneficiary_owner_document_number_as_registered_at_the_receita_federal":"12345678900"}`))), []string{"12345678900"}, []string{"***456789**"}},
		{"document key in JSON inside a form value", string(r.Body([]byte("payload=" + url.QueryEscape(`{"document":"12345678900"}`)))), []string{"12345678900"}, []string{"***456789**"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, a := range tt.absent {
				assert.NotContains(t, tt.out, a)
			}
			for _, w := range tt.want {
				assert.Contains(t, tt.out, w)
			}
		})
	}
}

// TestRedactedBRCodeKeepsItsShape: only the document changes; the fields,
// their lengths and the original CRC stay, so the code still reads as the
// evidence it is (and, its CRC no longer matching, is no payable copy). A
// BR Code without a document is left exactly as it was.
func TestRedactedBRCodeKeepsItsShape(t *testing.T) {
	r := NewRedactor([]byte("k"), RedactOptions{})
	code := brCode(cpfB, "Ana Lima")
	out := r.String(code)
	assert.Equal(t, code[len(code)-8:], out[len(out)-8:], "the original CRC field is kept")
	assert.Contains(t, out, "0014br.gov.bcb.pix0120[masked:***807302**]0209Pedido 42")
	// Every field's length still says where the next one starts.
	for i := 0; i < len(out); {
		require.LessOrEqual(t, i+4, len(out), "field at %d: %s", i, out)
		n, err := strconv.Atoi(out[i+2 : i+4])
		require.NoError(t, err, "length of the field at %d: %s", i, out)
		if out[i:i+2] == "26" {
			assert.Equal(t, "0014br.gov.bcb.pix0120[masked:***807302**]0209Pedido 42", out[i+4:i+4+n])
		}
		i += 4 + n
		require.LessOrEqual(t, i, len(out))
	}

	for _, key := range []string{"financeiro@fornecedor.com.br", "+5561912345678", "6f1b0a52-3c1e-4e8a-9d2b-5a7c0e9f4b21"} {
		c := brCode(key, "Fornecedor")
		assert.Equal(t, c, r.String(c), "no document, no change: %s", key)
		assert.Equal(t, `{"brcode":"`+c+`"}`, string(r.Body([]byte(`{"brcode":"`+c+`"}`))))
	}
	// A code whose lengths were cut still does not carry the key out.
	cut := code[:40]
	assert.NotContains(t, r.String(cut), cpfB[:9])
}

// TestRedactAnyDepthPaths: "**" in redact.json_paths matches any number of
// levels, on statement pages and webhook payloads alike.
func TestRedactAnyDepthPaths(t *testing.T) {
	page := `{"cursor":{"after":"x"},"data":[` +
		`{"id":"e1","counter_party":{"entity":{"name":"Maria Silva","document":"***456789**"}},"name":"Recebimento"},` +
		`{"id":"e2","counter_party":{"entity":{"name":"Joao Souza"}}}]}`
	webhook := `{"event_type":"internal_transfer.finished","target_data":{"account":{"owner_name":"Carla Dias",` +
		`"counter_party":{"entity":{"name":"Maria Silva","document":"52998224725"}}}},"name":"top level"}`
	tests := []struct {
		name, path, body string
		absent, kept     []string
	}{
		{"any-depth name on a statement page", "**.name", page, []string{"Maria Silva", "Joao Souza", "Recebimento"}, []string{`"id":"e1"`, `"after":"x"`}},
		{"any-depth name on a webhook", "**.name", webhook, []string{"Maria Silva", "top level"}, []string{"Carla Dias", "internal_transfer.finished"}},
		{"any depth below a key", "target_data.**.name", webhook, []string{"Maria Silva"}, []string{"top level", "Carla Dias"}},
		{"any depth in the middle", "data.**.entity.name", page, []string{"Maria Silva", "Joao Souza"}, []string{"Recebimento"}},
		{"any depth then wildcard", "**.account.*", webhook, []string{"Carla Dias", "Maria Silva"}, []string{"top level"}},
		{"prefix kept as before", "data.*.counter_party.entity.name", page, []string{"Maria Silva", "Joao Souza"}, []string{"Recebimento"}},
		{"a document under a path is fingerprinted", "**.document", webhook, []string{"52998224725", "***982247**"}, []string{"Carla Dias"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRedactor([]byte("k"), RedactOptions{JSONPaths: []string{tt.path}})
			out := string(r.Body([]byte(tt.body)))
			for _, a := range tt.absent {
				assert.NotContains(t, out, a)
			}
			for _, k := range tt.kept {
				assert.Contains(t, out, k)
			}
			assert.Contains(t, out, "[redacted:")
		})
	}
	r := NewRedactor([]byte("k"), RedactOptions{JSONPaths: []string{"**.name"}})
	assert.Contains(t, string(r.Body([]byte(page))), `"name":"`+r.Fingerprint("Maria Silva")+`"`, "the same fingerprint as anywhere else")
}

// FuzzRedactJSON: the one-pass JSON redactor agrees with encoding/json on
// what is JSON, and what it writes for JSON is JSON.
func FuzzRedactJSON(f *testing.F) {
	f.Add([]byte(`{"a":[1,2.5e3,-0,true,false,null],"key_type":"cpf","key":"52998224725"}`))
	f.Add([]byte(`{"kty":"RSA","d":"x","n":"y"}`))
	f.Add([]byte(`["\u00e9\"\\", {"document": 12345678909}]`))
	f.Add([]byte(`{"meta":"{\"token\":\"abc\"}"}`))
	f.Add([]byte(`01`))
	f.Add([]byte(`{"a":1,}`))
	r := NewRedactor([]byte("fuzz"), RedactOptions{JSONPaths: []string{"**.name", "data.*.id"}})
	f.Fuzz(func(t *testing.T, in []byte) {
		out, _, ok := r.redactJSON(in, 0)
		if valid := json.Valid(in); ok != valid {
			t.Fatalf("json.Valid %v, redactJSON ok %v for %q", valid, ok, in)
		}
		if ok && !json.Valid(out) {
			t.Fatalf("redacted JSON is not JSON: %q → %q", in, out)
		}
	})
}
