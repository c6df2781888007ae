package evidence

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
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

// normKey folds a JSON or form key for matching: accessToken,
// access_token and ACCESS-TOKEN are the same field.
func normKey(k string) string {
	return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(k))
}

// secretField reports keys (normalised) whose whole value is a secret.
func secretField(k string) bool {
	switch k {
	case "accesstoken", "refreshtoken", "idtoken", "clientsecret", "password", "privatekey",
		"clientassertion", "assertion", "jwt", "token", "encryptedbody", "xstonechallengesolution":
		return true
	}
	return false
}

// documentField reports keys (normalised) that carry a CPF or CNPJ:
// document, owner_document, cpf, recipient_cpf_cnpj..., but not their
// document_type.
func documentField(k string) bool {
	if strings.HasSuffix(k, "type") {
		return false
	}
	return strings.Contains(k, "document") || strings.Contains(k, "cpf") || strings.Contains(k, "cnpj")
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
		ck := http.CanonicalHeaderKey(k)
		// Keys differing only in case (set directly on the map) are one
		// header: keep every value, not the last key's.
		for _, v := range h[k] {
			out[ck] = append(out[ck], r.Header(k, v))
		}
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
	if bytes.HasPrefix(body, []byte("%PDF-")) {
		// A document (a receipt, a boleto) is evidence only while it still
		// opens: its cross-reference table counts bytes, so documents are
		// masked in place, keeping every length (see maskInPlace).
		return maskInPlace(body)
	}
	if json.Valid(body) {
		// UseNumber keeps amounts and ids above 2^53 exactly as sent:
		// redaction must not alter the evidence it leaves.
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			v = r.value(v, nil)
			for _, p := range r.paths {
				v = r.path(v, p)
			}
			if out, err := json.Marshal(v); err == nil {
				return out
			}
		}
	}
	if form, ok := parseForm(body); ok {
		return []byte(r.form(form))
	}
	return []byte(r.String(string(body)))
}

// parseForm reads an application/x-www-form-urlencoded body (the token
// request is one). Text with spaces or markup is not a form.
func parseForm(body []byte) (url.Values, bool) {
	s := string(body)
	if !strings.Contains(s, "=") || strings.ContainsAny(s, " \t\r\n<>{}\"") {
		return nil, false
	}
	v, err := url.ParseQuery(s)
	return v, err == nil && len(v) > 0
}

// form redacts a form field by field, like a JSON object: decoded values,
// so that URL encoding hides nothing.
func (r *Redactor) form(v url.Values) string {
	out := url.Values{}
	for k, vals := range v {
		name := r.String(k)
		for _, val := range vals {
			red, _ := r.value(val, &k).(string)
			out[name] = append(out[name], red)
		}
	}
	// Keep the stand-ins readable ("[redacted:…]", not "%5Bredacted%3A…"),
	// so a fingerprint can be searched for across the bundle.
	unescape := strings.NewReplacer("%5Bredacted%3A", "[redacted:", "%5D", "]", "%5Bprivate+key+", "[private key ", "%5Bjwe%5D", "[jwe]")
	return unescape.Replace(out.Encode())
}

func (r *Redactor) value(v any, key *string) any {
	switch t := v.(type) {
	case map[string]any:
		// A PIX key of type cpf or cnpj is the owner's document.
		if kt, _ := t["key_type"].(string); kt == "cpf" || kt == "cnpj" {
			if k, ok := t["key"].(string); ok {
				t["key"] = maskFound(k)
			}
		}
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
			switch nk := normKey(*key); {
			case secretField(nk):
				if jwtPattern.MatchString(t) {
					return r.String(t)
				}
				return r.Fingerprint(t)
			case documentField(nk):
				return maskFound(t)
			}
		}
		return r.String(t)
	case json.Number:
		if key != nil && documentField(normKey(*key)) {
			return maskFound(t.String())
		}
		return t
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
