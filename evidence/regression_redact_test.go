package evidence

import (
	"net/http"
	"strings"
	"testing"
)

func TestRedactorClosesKnownLeaks(t *testing.T) {
	r := NewRedactor([]byte("k"), RedactOptions{})
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.SIGNATUREsignatureSIGNATURE"
	cases := []struct {
		name, secret string
		got          string
	}{
		{"form refresh_token", "opaqueRefresh123456", string(r.Body([]byte("grant_type=refresh_token&refresh_token=opaqueRefresh123456")))},
		{"form access_token", "opaqueAccess123456", string(r.Body([]byte("access_token=opaqueAccess123456&token_type=bearer")))},
		{"url query access_token", "opaqueAccess123456", r.String("https://api/x?access_token=opaqueAccess123456")},
		{"basic in error text", "dXNlcjpwYXNzd29yZA==", r.String(`Authorization: Basic dXNlcjpwYXNzd29yZA==`)},
		{"url-encoded bearer", "opaqueBearer123456", r.String("header=Authorization%3A%20Bearer%20opaqueBearer123456")},
		{"camelCase accessToken JSON", "opaqueAccess123456", string(r.Body([]byte(`{"accessToken":"opaqueAccess123456"}`)))},
		{"JSON refresh_expires token field name", "opaqueSession123456", string(r.Body([]byte(`{"session_state":"x","refreshToken":"opaqueSession123456"}`)))},
		{"url-encoded PEM in form", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ", string(r.Body([]byte("private_key=-----BEGIN%20PRIVATE%20KEY-----%0AMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ%0A-----END%20PRIVATE%20KEY-----")))},
		{"JWT header with space", "SIGNATUREsignatureSIGNATURE", r.String("jwt=ewogImFsZyI6IlJTMjU2In0.eyJzdWIiOiJ4In0.SIGNATUREsignatureSIGNATURE")},
		{"JWT split across lines", "SIGNATUREsignatureSIGNATURE", r.String("token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.\nSIGNATUREsignatureSIGNATURE")},
		{"cpf as JSON number", "12345678909", string(r.Body([]byte(`{"document":12345678909}`)))},
		{"cpf pix key", "12345678909", string(r.Body([]byte(`{"key":"12345678909","key_type":"cpf"}`)))},
		{"cnpj recipient_cpf_cnpj", "11444777000161", string(r.Body([]byte(`{"recipient_cpf_cnpj":"11444777000161"}`)))},
		{"cpf in error text", "123.456.789-09", r.String(`srn:error:validation: document 123.456.789-09 is irregular`)},
		{"cookie in free text", "sessionid=abcdef123456", r.String("Set-Cookie: sessionid=abcdef123456; Path=/")},
		{"bearer header odd scheme spacing", "opaqueTok123456", r.Header("authorization", "Bearer  opaqueTok123456")},
		{"sanity: plain jwt", "SIGNATUREsignatureSIGNATURE", r.String(jwt)},
	}
	for _, c := range cases {
		if strings.Contains(c.got, c.secret) {
			t.Errorf("%s: secret %q survives: %s", c.name, c.secret, c.got)
		}
	}
	h := http.Header{}
	h["authorization"] = []string{"Bearer a"}
	h["Authorization"] = []string{"Bearer b"}
	if got := r.Headers(h); len(got["Authorization"]) != 2 {
		t.Errorf("two header keys differing only in case: one set of values lost: %v", got)
	}
	if got := string(r.Body([]byte(`{"id":12345678901234567890}`))); !strings.Contains(got, "12345678901234567890") {
		t.Errorf("large integer changed by redaction: %s", got)
	}
}
