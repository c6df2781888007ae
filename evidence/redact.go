package evidence

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Redaction happens before anything reaches the journal, a report or the
// bodies/ folder: the bundle is handed to people outside the partner, so a
// secret that is written even once is a secret leaked.
//
// Each secret is replaced by a keyed fingerprint, HMAC-SHA256 under a per-run
// key that is never stored. The same token used twice is visibly the same
// (same fingerprint) without being readable or guessable from the bundle.

// keyClass is what a JSON or form key says about its value.
type keyClass uint8

const (
	keyPlain    keyClass = iota
	keySecret            // the whole value is a secret (access_token, password…)
	keyDocument          // a CPF or CNPJ (document, owner_document, cpf…)
)

// classifyKey folds a key (accessToken, access_token and ACCESS-TOKEN are
// the same field) and classifies it. It runs for every key of every body,
// so it folds into a stack buffer instead of allocating.
func classifyKey[T string | []byte](k T) keyClass {
	var buf [48]byte
	nk := buf[:0]
	if len(k) > len(buf) {
		nk = make([]byte, 0, len(k)) // a long name: rare, and still classified
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '_' || c == '-':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		nk = append(nk, c)
	}
	switch string(nk) {
	case "accesstoken", "refreshtoken", "idtoken", "clientsecret", "password", "privatekey",
		"clientassertion", "assertion", "jwt", "token", "encryptedbody", "xstonechallengesolution":
		return keySecret
	}
	// document, owner_document, cpf, recipient_cpf_cnpj…, but not their
	// document_type.
	if bytes.IndexByte(nk, 'c') < 0 || bytes.HasSuffix(nk, []byte("type")) {
		return keyPlain
	}
	if bytes.Contains(nk, []byte("document")) || bytes.Contains(nk, []byte("cpf")) || bytes.Contains(nk, []byte("cnpj")) {
		return keyDocument
	}
	return keyPlain
}

// secretHeaders are always replaced whole.
func secretHeaders() []string {
	return []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
		"X-Stone-Challenge-Solution", "X-Stone-Verification-Code"}
}

// Redactor replaces secrets with keyed fingerprints. Its tables are built
// once by NewRedactor; it is safe for concurrent use. The zero value is not
// usable.
type Redactor struct {
	key      []byte
	headers  map[string]bool // canonical header names
	paths    [][]string      // configured JSON paths, split into segments
	unescape *strings.Replacer
	macs     *sync.Pool // of keyed HMAC-SHA256, for Fingerprint
}

// RedactOptions adds what scenarios.yaml names on top of the built-in rules.
type RedactOptions struct {
	Headers []string // extra header names to redact whole
	// JSONPaths are extra JSON paths, dot separated: "*" matches any one key
	// or index, "**" any number of levels (zero included), so "**.name" is
	// every "name" member and "data.**.document" every "document" under data.
	JSONPaths []string
}

// NewRedactor returns a redactor keyed with key (random per run, not stored).
func NewRedactor(key []byte, opts RedactOptions) *Redactor {
	r := &Redactor{key: append([]byte(nil), key...), headers: map[string]bool{}, macs: &sync.Pool{},
		// Keep form stand-ins readable ("[redacted:…]", not
		// "%5Bredacted%3A…"), so a fingerprint can be searched for across
		// the bundle.
		unescape: strings.NewReplacer("%5Bredacted%3A", "[redacted:", "%5D", "]", "%5Bprivate+key+", "[private key ", "%5Bjwe%5D", "[jwe]", "%2A", "*")}
	for _, h := range secretHeaders() {
		r.headers[h] = true
	}
	for _, h := range opts.Headers {
		r.headers[http.CanonicalHeaderKey(strings.TrimSpace(h))] = true
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
	// A keyed HMAC is reused (Reset goes back to the keyed state): keying
	// one per value cost as much as hashing it.
	m, _ := r.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, r.key)
	}
	m.Reset()
	_, _ = io.WriteString(m, secret)
	var sum [sha256.Size]byte
	var out [len("[redacted:") + 16 + 1]byte
	copy(out[:], "[redacted:")
	hex.Encode(out[len("[redacted:"):], m.Sum(sum[:0])[:8])
	out[len(out)-1] = ']'
	r.macs.Put(m)
	return string(out[:])
}

// Header redacts one header value given its name.
func (r *Redactor) Header(name, value string) string {
	if r.headers[http.CanonicalHeaderKey(name)] {
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

// Body redacts a request or response body. JSON is rewritten in one pass,
// so that secret fields, documents and configured paths are handled by
// name; anything else (forms, HTML, text) is scanned as text.
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
	if out, _, ok := r.redactJSON(body, 0); ok {
		return out
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
		class := classifyKey(k)
		for _, val := range vals {
			out[name] = append(out[name], r.field(class, val, 0))
		}
	}
	return r.unescape.Replace(out.Encode())
}

// maxNest bounds how deep JSON written inside strings is followed.
const maxNest = 4

// field redacts one string value given what its key says: the whole value
// when the key names a secret, masked when it names a document, and
// otherwise by content — JSON written as a string is redacted as JSON, the
// rest as text (BR Codes, URLs and their queries included).
func (r *Redactor) field(class keyClass, s string, nest int) string {
	switch class {
	case keySecret:
		if jwtPattern.MatchString(s) {
			return r.String(s)
		}
		return r.Fingerprint(s)
	case keyDocument:
		return maskFound(s)
	}
	if !needsWork(s) {
		return s
	}
	if nest < maxNest && looksLikeJSON(s) {
		if out, changed, ok := r.redactJSON([]byte(s), nest+1); ok {
			if !changed {
				return s // the evidence as sent, whitespace included
			}
			return string(out)
		}
	}
	return r.String(s)
}

// looksLikeJSON: an object or array, perhaps after whitespace.
func looksLikeJSON(s string) bool {
	s = strings.TrimLeft(s, " \t\r\n")
	return s != "" && (s[0] == '{' || s[0] == '[')
}
