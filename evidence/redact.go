package evidence

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// Redaction happens before anything reaches the journal, a report or the
// bodies/ folder: the bundle is handed to people outside the partner, so a
// secret that is written even once is a secret leaked.
//
// Each secret is replaced by a keyed fingerprint, HMAC-SHA256 under a per-run
// key that is never stored. The same token used twice is visibly the same
// (same fingerprint) without being readable or guessable from the bundle.

var (
	// jwtPattern matches compact JWS/JWT (header.payload.signature) and
	// compact JWE (five parts). Headers always start with "eyJ" ({" in base64).
	jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?`)
	// pemPattern matches any PEM block with a private or secret key,
	// including JSON-escaped newlines ("\n" as two characters).
	pemPattern = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]*(?:PRIVATE|SECRET) KEY)-----[\s\S]*?-----END [A-Z0-9 ]*(?:PRIVATE|SECRET) KEY-----`)
	// pemStartPattern catches a truncated private key block with no END line.
	pemStartPattern = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*(?:PRIVATE|SECRET) KEY-----[\s\S]*`)
	// bearerPattern matches opaque bearer tokens in free text.
	bearerPattern = regexp.MustCompile(`(?i)\b(bearer)\s+([A-Za-z0-9._~+/=-]{8,})`)
	// digitsOnly identifies CPF (11) and CNPJ (14) documents after stripping punctuation.
	docPunct = regexp.MustCompile(`[.\-/ ]`)
)

// secretField reports JSON object keys (lower case) whose whole value is a
// secret.
func secretField(k string) bool {
	switch k {
	case "access_token", "refresh_token", "id_token", "client_secret", "password", "private_key",
		"client_assertion", "assertion", "jwt", "token", "encrypted_body", "x-stone-challenge-solution":
		return true
	}
	return false
}

// documentField reports JSON keys (lower case) that carry a CPF or CNPJ.
func documentField(k string) bool {
	switch k {
	case "document", "owner_document", "cpf", "cnpj", "payer_document", "receiver_document", "beneficiary_document":
		return true
	}
	return false
}

// secretHeaders are always replaced whole (lower-case names).
func secretHeaders() []string {
	return []string{"authorization", "proxy-authorization", "cookie", "set-cookie",
		"x-stone-challenge-solution", "x-stone-verification-code"}
}

// Redactor replaces secrets with keyed fingerprints. The zero value is not
// usable: build one with NewRedactor.
type Redactor struct {
	key     []byte
	headers map[string]bool
	paths   [][]string
}

// RedactOptions adds what scenarios.yaml names on top of the built-in rules.
type RedactOptions struct {
	Headers   []string // extra header names to redact whole
	JSONPaths []string // extra JSON paths, dot separated, "*" matches any key or index
}

// NewRedactor returns a redactor keyed with key (random per run, not stored).
func NewRedactor(key []byte, opts RedactOptions) *Redactor {
	r := &Redactor{key: append([]byte(nil), key...), headers: map[string]bool{}}
	for _, h := range secretHeaders() {
		r.headers[h] = true
	}
	for _, h := range opts.Headers {
		r.headers[strings.ToLower(strings.TrimSpace(h))] = true
	}
	for _, p := range opts.JSONPaths {
		p = strings.TrimPrefix(strings.TrimSpace(p), "$.")
		if p != "" {
			r.paths = append(r.paths, strings.Split(p, "."))
		}
	}
	return r
}

// Fingerprint is the stand-in written where a secret was.
func (r *Redactor) Fingerprint(secret string) string {
	m := hmac.New(sha256.New, r.key)
	m.Write([]byte(secret))
	return "[redacted:" + hex.EncodeToString(m.Sum(nil))[:16] + "]"
}

// String redacts every secret found in free text: private keys, JWTs (their
// signature part; header and claims stay readable) and bearer tokens.
func (r *Redactor) String(s string) string {
	// Each pattern runs only when its fixed marker is present: most
	// strings (ids, names, amounts) have none, and redaction runs on every
	// string of every body.
	if strings.Contains(s, "-----BEGIN") {
		s = pemPattern.ReplaceAllStringFunc(s, func(block string) string {
			return "[private key " + r.Fingerprint(block) + "]"
		})
		s = pemStartPattern.ReplaceAllStringFunc(s, func(block string) string {
			return "[private key " + r.Fingerprint(block) + "]"
		})
	}
	if strings.Contains(s, "eyJ") {
		s = jwtPattern.ReplaceAllStringFunc(s, r.jwt)
	}
	if !containsFold(s, "bearer") {
		return s
	}
	s = bearerPattern.ReplaceAllStringFunc(s, func(m string) string {
		parts := bearerPattern.FindStringSubmatch(m)
		if strings.HasPrefix(parts[2], "[redacted:") || strings.HasPrefix(parts[2], "eyJ") {
			return m // already handled as a JWT
		}
		return parts[1] + " " + r.Fingerprint(parts[2])
	})
	return s
}

// jwt keeps the header and claims of a JWS, so an auditor can read aud, exp
// and jti, and replaces the signature with the fingerprint of the whole
// token. Without its signature the token cannot be replayed. A JWE (five
// parts) carries ciphertext that is replaced whole.
func (r *Redactor) jwt(tok string) string {
	parts := strings.Split(tok, ".")
	fp := r.Fingerprint(tok)
	if len(parts) == 3 {
		return parts[0] + "." + parts[1] + "." + fp
	}
	return parts[0] + ".[jwe]." + fp
}

// Header redacts one header value given its name.
func (r *Redactor) Header(name, value string) string {
	if r.headers[strings.ToLower(name)] {
		if scheme, tok, ok := strings.Cut(value, " "); ok && strings.EqualFold(scheme, "bearer") {
			if jwtPattern.MatchString(tok) {
				return scheme + " " + r.jwt(tok)
			}
			return scheme + " " + r.Fingerprint(tok)
		}
		return r.Fingerprint(value)
	}
	return r.String(value)
}

// Headers returns a redacted copy of h with canonical, sorted keys.
func (r *Redactor) Headers(h http.Header) map[string][]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string][]string, len(h))
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		vals := make([]string, len(h[k]))
		for i, v := range h[k] {
			vals[i] = r.Header(k, v)
		}
		out[http.CanonicalHeaderKey(k)] = vals
	}
	return out
}

// Body redacts a request or response body. JSON is walked so that secret
// fields, documents and configured paths are handled by name; anything else
// (forms, HTML, text) is scanned as text.
func (r *Redactor) Body(body []byte) []byte {
	if len(body) == 0 {
		return body
	}
	var v any
	if json.Valid(body) && json.Unmarshal(body, &v) == nil {
		v = r.value(v, nil)
		for _, p := range r.paths {
			v = r.path(v, p)
		}
		out, err := json.Marshal(v)
		if err == nil {
			return out
		}
	}
	return []byte(r.String(string(body)))
}

func (r *Redactor) value(v any, key *string) any {
	switch t := v.(type) {
	case map[string]any:
		if _, isJWK := t["kty"]; isJWK {
			// The members of a JSON Web Key that hold private material
			// (RFC 7518 §6.3.2, §6.4): a private key in JWK form is a
			// private key.
			for _, m := range []string{"d", "p", "q", "dp", "dq", "qi", "k", "oth"} {
				if pv, ok := t[m]; ok {
					b, _ := json.Marshal(pv)
					t[m] = r.Fingerprint(string(b))
				}
			}
		}
		out := make(map[string]any, len(t))
		for k, vv := range t {
			// Keys are text too: a server can put anything in them.
			out[r.String(k)] = r.value(vv, &k)
		}
		return out
	case []any:
		for i, vv := range t {
			t[i] = r.value(vv, key)
		}
		return t
	case string:
		if key != nil {
			lk := strings.ToLower(*key)
			switch {
			case secretField(lk):
				if jwtPattern.MatchString(t) {
					return r.String(t)
				}
				return r.Fingerprint(t)
			case documentField(lk):
				return MaskDocument(t)
			}
		}
		return r.String(t)
	default:
		return v
	}
}

func (r *Redactor) path(v any, p []string) any {
	if len(p) == 0 {
		if s, ok := v.(string); ok {
			return r.Fingerprint(s)
		}
		if v == nil {
			return nil
		}
		b, _ := json.Marshal(v)
		return r.Fingerprint(string(b))
	}
	switch t := v.(type) {
	case map[string]any:
		for k, vv := range t {
			if p[0] == "*" || p[0] == k {
				t[k] = r.path(vv, p[1:])
			}
		}
	case []any:
		for i, vv := range t {
			t[i] = r.path(vv, p[1:]) // array levels match any segment
		}
	}
	return v
}

// MaskDocument masks a CPF or CNPJ the way Stone masks target documents in
// PIX responses ("***093657**"): the first three and the last two digits are
// hidden. Values that are already masked or are not documents are returned
// with every digit hidden but the middle, so nothing identifying survives.
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
