package evidence

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"github.com/openbank-homolog/homolog/check"
)

// Patterns for secrets in free text: error messages, URLs, form and HTML
// bodies, anything that is not JSON.
var (
	// jwtPattern matches compact JWS/JWT (header.payload.signature) and
	// compact JWE (five parts). A header is base64url JSON: "eyJ" for {",
	// "ewo"/"eyAi" when it starts with whitespace. A line break after a dot
	// (a token wrapped in a log line) does not hide the signature.
	jwtPattern = regexp.MustCompile(`\b(?:eyJ|ewo|eyAi)[A-Za-z0-9_-]{4,}\.(?:[ \t]*\r?\n[ \t]*)?[A-Za-z0-9_-]*\.(?:[ \t]*\r?\n[ \t]*)?[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?`)
	// pemPattern matches any PEM block with a private or secret key,
	// including JSON-escaped newlines ("\n" as two characters).
	pemPattern = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]*(?:PRIVATE|SECRET) KEY)-----[\s\S]*?-----END [A-Z0-9 ]*(?:PRIVATE|SECRET) KEY-----`)
	// pemStartPattern catches a truncated private key block with no END line.
	pemStartPattern = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*(?:PRIVATE|SECRET) KEY-----[\s\S]*`)
	// credentialPattern matches "Bearer x" and "Basic x" credentials.
	credentialPattern = regexp.MustCompile(`(?i)\b(bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})`)
	// cookiePattern matches a Cookie or Set-Cookie header written as text.
	cookiePattern = regexp.MustCompile(`(?i)\b((?:set-)?cookie)\s*:\s*([^\r\n]+)`)
	// secretParamPattern matches secret parameters of a URL query or form.
	secretParamPattern = regexp.MustCompile(`(?i)([?&]|^)(access_token|refresh_token|id_token|client_secret|client_assertion|assertion|password|token|jwt|private_key)=([^&\s#"']+)`)
	// documentPattern matches CPF and CNPJ numbers, bare or punctuated;
	// only those whose check digits are valid are masked.
	// Letters count as part of a word: digits inside a hash or a hex
	// x-request-id are not a document, and masking them would alter
	// evidence.
	documentPattern = regexp.MustCompile(`(^|[^0-9A-Za-z])(\d{3}\.\d{3}\.\d{3}-\d{2}|\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}|\d{14}|\d{11})([^0-9A-Za-z]|$)`)
	docPunct        = regexp.MustCompile(`[.\-/ ]`)
)

// String redacts every secret found in free text: private keys, JWTs (the
// signature; header and claims stay readable), Bearer and Basic
// credentials, cookies, secret URL parameters and CPF/CNPJ numbers. Text
// that is URL-encoded is looked at decoded too, so %20 does not hide a key.
func (r *Redactor) String(s string) string {
	out := r.text(s)
	if strings.Contains(s, "%") {
		if dec, err := url.QueryUnescape(s); err == nil && dec != s {
			if red := r.text(dec); red != dec {
				// A secret only shows once decoded: keep the decoded,
				// redacted text; the encoding is not evidence.
				return red
			}
		}
	}
	return out
}

func (r *Redactor) text(s string) string {
	// Each pattern runs only when its marker is present: most strings (ids,
	// names, amounts) have none, and this runs on every string of every body.
	if strings.Contains(s, "-----BEGIN") {
		s = pemPattern.ReplaceAllStringFunc(s, r.pem)
		s = pemStartPattern.ReplaceAllStringFunc(s, r.pem)
	}
	if strings.Contains(s, "ey") || strings.Contains(s, "ew") {
		s = jwtPattern.ReplaceAllStringFunc(s, r.jwt)
	}
	if strings.Contains(s, "=") {
		s = secretParamPattern.ReplaceAllStringFunc(s, func(m string) string {
			p := secretParamPattern.FindStringSubmatch(m)
			if strings.Contains(p[3], "[redacted:") {
				return m
			}
			return p[1] + p[2] + "=" + r.Fingerprint(p[3])
		})
	}
	if containsFold(s, "bearer") || containsFold(s, "basic") {
		s = credentialPattern.ReplaceAllStringFunc(s, func(m string) string {
			p := credentialPattern.FindStringSubmatch(m)
			if strings.HasPrefix(p[2], "[redacted:") || jwtPattern.MatchString(p[2]) {
				return m // a JWT was already handled
			}
			return p[1] + " " + r.Fingerprint(p[2])
		})
	}
	if containsFold(s, "cookie") {
		s = cookiePattern.ReplaceAllStringFunc(s, func(m string) string {
			p := cookiePattern.FindStringSubmatch(m)
			return p[1] + ": " + r.Fingerprint(p[2])
		})
	}
	return maskDocumentsIn(s)
}

func (r *Redactor) pem(block string) string {
	return "[private key " + r.Fingerprint(block) + "]"
}

// jwt keeps the header and claims of a JWS, so an auditor can read aud, exp
// and jti, and replaces the signature with the fingerprint of the whole
// token. Without its signature the token cannot be replayed. A JWE (five
// parts) carries ciphertext that is replaced whole.
func (r *Redactor) jwt(tok string) string {
	tok = strings.Join(strings.Fields(tok), "")
	parts := strings.Split(tok, ".")
	fp := r.Fingerprint(tok)
	if len(parts) == 3 {
		return parts[0] + "." + parts[1] + "." + fp
	}
	return parts[0] + ".[jwe]." + fp
}

// maskDocumentsIn masks every valid CPF or CNPJ in free text.
func maskDocumentsIn(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	return documentPattern.ReplaceAllStringFunc(s, func(m string) string {
		p := documentPattern.FindStringSubmatch(m)
		if !validDocument(docPunct.ReplaceAllString(p[2], "")) {
			return m
		}
		return p[1] + maskFound(p[2]) + p[3]
	})
}

// maskInPlace masks every valid CPF or CNPJ in a binary document without
// changing its length: the first three and the last two digits become *,
// punctuation stays ("123.456.789-09" → "***.456.789-**"), so the byte
// offsets a PDF's cross-reference table records still hold. It is the
// masking of maskDocumentsIn without homolog's marker, which would move
// every byte after it.
func maskInPlace(b []byte) []byte {
	if !bytes.ContainsAny(b, "0123456789") {
		return b
	}
	out := append([]byte(nil), b...)
	for _, m := range documentPattern.FindAllSubmatchIndex(out, -1) {
		start, end := m[4], m[5]
		if !validDocument(docPunct.ReplaceAllString(string(out[start:end]), "")) {
			continue
		}
		var digits []int
		for i := start; i < end; i++ {
			if out[i] >= '0' && out[i] <= '9' {
				digits = append(digits, i)
			}
		}
		for k, i := range digits {
			if k < 3 || k >= len(digits)-2 {
				out[i] = '*'
			}
		}
	}
	return out
}

// maskFound masks a document the redactor found in clear, marked as
// masked by homolog ("[masked:***093657**]"), so the bundle still shows
// that the target sent it unmasked: a check reading the bundle (the
// masked-document check, and recheck) must not mistake homolog's mask for
// Stone's. A document that came masked is left as it came.
func maskFound(doc string) string {
	if strings.Contains(doc, "*") {
		return doc
	}
	return check.MaskedByHomolog + MaskDocument(doc) + "]"
}

// MaskDocument masks a CPF or CNPJ the way Stone masks target documents in
// PIX responses ("***093657**"): the first three and the last two digits are
// hidden. Values that are already masked are returned as they are; short
// values are hidden whole.
func MaskDocument(doc string) string {
	if strings.Contains(doc, "*") {
		return doc
	}
	d := docPunct.ReplaceAllString(doc, "")
	if len(d) < 6 {
		return strings.Repeat("*", len(d))
	}
	return "***" + d[3:len(d)-2] + "**"
}

// validDocument checks the check digits of an 11-digit CPF or a 14-digit
// CNPJ, so that free-text masking leaves other numbers alone.
func validDocument(d string) bool {
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	digit := func(s string, weights []int) int {
		sum := 0
		for i, w := range weights {
			sum += int(s[i]-'0') * w
		}
		if r := sum % 11; r >= 2 {
			return 11 - r
		}
		return 0
	}
	switch len(d) {
	case 11:
		if strings.Count(d, d[:1]) == 11 {
			return false // 000.000.000-00 and the like pass the sums but are not CPFs
		}
		return digit(d, []int{10, 9, 8, 7, 6, 5, 4, 3, 2}) == int(d[9]-'0') &&
			digit(d, []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2}) == int(d[10]-'0')
	case 14:
		if strings.Count(d, d[:1]) == 14 {
			return false
		}
		return digit(d, []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}) == int(d[12]-'0') &&
			digit(d, []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}) == int(d[13]-'0')
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII word sub in
// any letter case, without allocating a lowered copy of s.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
