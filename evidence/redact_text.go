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
	secretParamPattern = regexp.MustCompile(`(?i)([?&]|^)(access_token|refresh_token|id_token|client_secret|client_assertion|assertion|password|token|jwt|private_key|signature|x-goog-signature)=([^&\s#"']+)`)
	// documentPattern matches CPF and CNPJ numbers, bare or punctuated;
	// only those whose check digits are valid are masked.
	// Letters count as part of a word: digits inside a hash or a hex
	// x-request-id are not a document, and masking them would alter
	// evidence.
	// documentParamPattern matches a URL query or form parameter whose
	// name says it holds a CPF or CNPJ (document, owner_document, cpf…).
	documentParamPattern = regexp.MustCompile(`(?i)([?&;]|^)([A-Za-z_-]*(?:document|cpf|cnpj)[A-Za-z_-]*)=([^&\s#"']+)`)
	// pixKeyFieldPattern finds the key field of a PIX merchant account in
	// a BR Code that does not parse (cut, edited, URL-encoded): a CPF (11)
	// or CNPJ (14) glued to the digits around it.
	pixKeyFieldPattern = regexp.MustCompile(`(?i)(br\.gov\.bcb\.pix01(?:11|14))([0-9]+)`)
	documentPattern    = regexp.MustCompile(`(^|[^0-9A-Za-z])(\d{3}\.\d{3}\.\d{3}-\d{2}|\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}|\d{14}|\d{11})([^0-9A-Za-z]|$)`)
)

// String redacts every secret found in free text: private keys, JWTs (the
// signature; header and claims stay readable), Bearer and Basic
// credentials, cookies, secret URL parameters and CPF/CNPJ numbers. Text
// that is URL-encoded is looked at decoded too, so %20 does not hide a key.
func (r *Redactor) String(s string) string {
	if !needsWork(s) {
		return s
	}
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
	if strings.Contains(s, "eyJ") || strings.Contains(s, "ewo") || strings.Contains(s, "eyAi") {
		s = jwtPattern.ReplaceAllStringFunc(s, r.jwt)
	}
	if containsFold(s, "br.gov.bcb.pix") {
		s = maskBRCodes(s)
	}
	if strings.Contains(s, "=") && (containsFold(s, "document") || containsFold(s, "cpf") || containsFold(s, "cnpj")) {
		s = documentParamPattern.ReplaceAllStringFunc(s, func(m string) string {
			p := documentParamPattern.FindStringSubmatch(m)
			if classifyKey(p[2]) != keyDocument || strings.Contains(p[3], "*") || strings.Contains(p[3], "[redacted:") {
				return m
			}
			v, err := url.QueryUnescape(p[3])
			if err != nil {
				v = p[3]
			}
			return p[1] + p[2] + "=" + maskFound(v)
		})
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
	if !mayHoldDocument(s) {
		return s
	}
	return documentPattern.ReplaceAllStringFunc(s, func(m string) string {
		p := documentPattern.FindStringSubmatch(m)
		if !validDocument(stripDocPunct(p[2])) {
			return m
		}
		return p[1] + maskFound(p[2]) + p[3]
	})
}

// mayHoldDocument says whether s has a run of digits and the punctuation
// of documents (". / -") holding 11 digits or more, which every match of
// documentPattern is: most strings with digits (dates, ids, amounts,
// header values) have none, and the pattern need not run over them.
func mayHoldDocument(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n++; n >= 11 {
				return true
			}
		case c == '.' || c == '/' || c == '-':
		default:
			n = 0
		}
	}
	return false
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
		if !validDocument(stripDocPunct(string(out[start:end]))) {
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
	d := stripDocPunct(doc)
	if len(d) < 6 {
		return strings.Repeat("*", len(d))
	}
	return "***" + d[3:len(d)-2] + "**"
}

// stripDocPunct drops the punctuation of a written document
// ("123.456.789-09", "11.444.777/0001-61").
func stripDocPunct(doc string) string {
	if !strings.ContainsAny(doc, ".-/ ") {
		return doc
	}
	b := make([]byte, 0, len(doc))
	for i := 0; i < len(doc); i++ {
		switch c := doc[i]; c {
		case '.', '-', '/', ' ':
		default:
			b = append(b, c)
		}
	}
	return string(b)
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

// needsWork is a quick look for anything text redaction could change:
// the markers of a PEM block, a JWT, a credential, a cookie, a URL or form
// parameter, URL encoding, a BR Code, JSON written as a string, or a run of
// at least 11 digits (perhaps punctuated: a CPF or CNPJ). Most strings of a
// body have none, and are then copied without running a pattern.
func needsWork[T string | []byte](s T) bool {
	// The bytes that can start a marker or belong to a document, as two
	// bitmaps (bytes 0–63 and 64–127): everything else is skipped at once.
	const (
		low  = 1<<'%' | 1<<'-' | 1<<'.' | 1<<'/' | 0x3FF<<'0' | 1<<'='
		high = 1<<('{'-64) | 1<<('['-64) | 1<<('e'-64) | 1<<('b'-64) | 1<<('c'-64) | 1<<('B'-64) | 1<<('C'-64)
	)
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 64 && uint64(low)>>c&1 == 0) || (c >= 64 && (c >= 128 || uint64(high)>>(c-64)&1 == 0)) {
			digits = 0
			continue
		}
		switch {
		case c >= '0' && c <= '9':
			digits++
			if digits >= 11 {
				return true
			}
			continue
		case c == '.' || c == '/':
			continue // inside a punctuated document
		case c == '-':
			if hasPrefixFold(s[i:], "-----begin") {
				return true
			}
			continue
		}
		digits = 0
		switch c {
		case '=', '%':
			return true
		case '{', '[':
			if i == 0 || onlySpaceBefore(s[:i]) {
				return true
			}
		case 'e':
			if i+2 < len(s) && (s[i+1] == 'y' && (s[i+2] == 'J' || s[i+2] == 'A') || s[i+1] == 'w' && s[i+2] == 'o') {
				return true
			}
		case 'b', 'B':
			if hasPrefixFold(s[i:], "bearer") || hasPrefixFold(s[i:], "basic") || hasPrefixFold(s[i:], "br.gov.bcb.pix") {
				return true
			}
		case 'c', 'C':
			if hasPrefixFold(s[i:], "cookie") {
				return true
			}
		}
	}
	return false
}

func onlySpaceBefore[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether s starts with the lower-case ASCII word
// prefix in any letter case.
func hasPrefixFold[T string | []byte](s T, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// A BR Code (BACEN's PIX QR payload) is EMV TLV: a two-digit id, a
// two-digit length, the value; templates (26–51 merchant accounts, 62
// additional data, 80–99) nest the same way; field 63 ends it with a CRC16
// of everything before. A static code's PIX key (template with GUI
// br.gov.bcb.pix, field 01) is often a CPF or CNPJ, glued to the digits
// around it where free-text masking cannot see it.

// maskBRCodes masks the documents inside every BR Code found in s. Field
// lengths are rewritten to fit; the CRC is left as it was, so a redacted
// BR Code is evidence, not a payable copy. Codes that do not parse have
// their key field masked where it can still be found.
func maskBRCodes(s string) string {
	var b strings.Builder
	rest, done := s, 0
	for {
		i := strings.Index(rest, "000201")
		if i < 0 {
			break
		}
		code, n, ok := maskBRCode(rest[i:])
		if !ok {
			b.WriteString(rest[:i+1])
			rest = rest[i+1:]
			done++
			continue
		}
		b.WriteString(rest[:i])
		b.WriteString(code)
		rest = rest[i+n:]
	}
	b.WriteString(rest)
	out := b.String()
	return pixKeyFieldPattern.ReplaceAllStringFunc(out, func(m string) string {
		p := pixKeyFieldPattern.FindStringSubmatch(m)
		n := 11
		if strings.HasSuffix(p[1], "14") {
			n = 14
		}
		if len(p[2]) < n {
			return p[1] + strings.Repeat("*", len(p[2]))
		}
		return p[1] + maskFound(p[2][:n]) + p[2][n:]
	})
}

// maskBRCode reads one BR Code at the start of s and returns it with its
// documents masked, and how many bytes of s it spans.
func maskBRCode(s string) (string, int, bool) {
	var b strings.Builder
	for i, fields := 0, 0; fields < 100; fields++ {
		id, val, next, ok := emvField(s, i)
		if !ok {
			return "", 0, false
		}
		if id == "63" {
			if len(val) != 4 {
				return "", 0, false
			}
			b.WriteString(s[i:next]) // the original CRC, unchanged
			return b.String(), next, true
		}
		val = maskEMVValue(id, val)
		b.WriteString(id)
		b.WriteString(emvLen(len(val)))
		b.WriteString(val)
		i = next
	}
	return "", 0, false
}

// maskEMVValue masks documents in one field: a template's fields one by
// one (the PIX key whole when it is all digits: a CPF or CNPJ), anything
// else as text.
func maskEMVValue(id string, val string) string {
	n := (int(id[0]-'0'))*10 + int(id[1]-'0')
	if (n >= 26 && n <= 51) || n == 62 || n >= 80 {
		var b strings.Builder
		pix := false
		for i := 0; i < len(val); {
			sid, sval, next, ok := emvField(val, i)
			if !ok {
				return maskDocumentsIn(val)
			}
			switch {
			case sid == "00":
				pix = strings.EqualFold(sval, "br.gov.bcb.pix")
			case sid == "01" && pix && (len(sval) == 11 || len(sval) == 14) && strings.Trim(sval, "0123456789") == "":
				sval = maskFound(sval)
			default:
				sval = maskDocumentsIn(sval)
			}
			b.WriteString(sid)
			b.WriteString(emvLen(len(sval)))
			b.WriteString(sval)
			i = next
		}
		return b.String()
	}
	return maskDocumentsIn(val)
}

// emvField reads the TLV field at s[i:].
func emvField(s string, i int) (id, val string, next int, ok bool) {
	if i+4 > len(s) {
		return "", "", 0, false
	}
	for _, c := range []byte(s[i : i+4]) {
		if c < '0' || c > '9' {
			return "", "", 0, false
		}
	}
	n := int(s[i+2]-'0')*10 + int(s[i+3]-'0')
	if i+4+n > len(s) {
		return "", "", 0, false
	}
	return s[i : i+2], s[i+4 : i+4+n], i + 4 + n, true
}

func emvLen(n int) string {
	if n > 99 {
		n = 99 // cannot happen: masking never lengthens a value
	}
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}
