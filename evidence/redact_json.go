package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The JSON redactor reads a body once, front to back, and writes the
// redacted copy as it goes: no tree of maps is built, and the tables it
// consults (key classes, configured paths) were built once with the
// Redactor. Strings that carry nothing worth a second look (ids, statuses,
// amounts, names) are copied as they are; the output is the input made
// compact, members in the order they were sent.
//
// Two rules depend on an object's other members, which may come later:
// a PIX key is a document when its key_type is cpf or cnpj, and the
// private members of a JSON Web Key (one with "kty") are secrets. Their
// values are written as usual and patched when the object closes.

// maxJSONDepth is encoding/json's nesting limit: deeper input is not
// treated as JSON (it is redacted as text instead).
const maxJSONDepth = 10000

var errNotJSON = errors.New("not JSON")

// pathSeg is one level of where the scanner is: a member key, or an array
// index (which, as before "**" existed, matches any one path segment).
type pathSeg struct {
	key   []byte
	index bool
}

type jsonPass struct {
	r       *Redactor
	in      []byte
	pos     int
	out     []byte
	path    []pathSeg
	depth   int
	nest    int  // how deep inside JSON-in-a-string this pass is
	changed bool // something was redacted (beyond whitespace)
}

// redactJSON redacts in if it is one JSON value (with whitespace around);
// ok is false when it is not JSON. changed says whether anything but
// whitespace differs.
func (r *Redactor) redactJSON(in []byte, nest int) (out []byte, changed, ok bool) {
	p := jsonPass{r: r, in: in, out: make([]byte, 0, len(in)+len(in)/16), nest: nest}
	p.skipWS()
	if p.pos >= len(in) {
		return nil, false, false
	}
	if err := p.value(nil, false); err != nil {
		return nil, false, false
	}
	p.skipWS()
	if p.pos != len(in) {
		return nil, false, false
	}
	return p.out, p.changed, true
}

func (p *jsonPass) skipWS() {
	for p.pos < len(p.in) {
		switch p.in[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		default:
			return
		}
	}
}

// value redacts the value at p.pos; key is the member key it belongs to
// (array elements inherit their array's).
func (p *jsonPass) value(key []byte, hasKey bool) error {
	if p.pos >= len(p.in) {
		return errNotJSON
	}
	if len(p.r.paths) > 0 && p.r.pathMatches(p.path) {
		start := p.pos
		if err := p.skipValue(); err != nil {
			return err
		}
		p.out = p.r.appendPathStandIn(p.out, p.in[start:p.pos])
		p.changed = true
		return nil
	}
	switch c := p.in[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array(key, hasKey)
	case c == '"':
		raw, content, err := p.str()
		if err != nil {
			return err
		}
		class := keyPlain
		if hasKey {
			class = classifyKey(key)
		}
		p.appendString(class, raw, content)
		return nil
	case c == 't' || c == 'f' || c == 'n':
		start := p.pos
		if err := p.skipValue(); err != nil {
			return err
		}
		p.out = append(p.out, p.in[start:p.pos]...)
		return nil
	default:
		start := p.pos
		if err := p.number(); err != nil {
			return err
		}
		num := p.in[start:p.pos]
		if hasKey && classifyKey(key) == keyDocument {
			p.out = appendJSONString(p.out, maskFound(string(num)))
			p.changed = true
			return nil
		}
		p.out = append(p.out, num...)
		return nil
	}
}

// appendString writes a string value: as it came when there is nothing
// to redact in it, redacted and re-encoded otherwise.
func (p *jsonPass) appendString(class keyClass, raw, content []byte) {
	if class == keyPlain && !needsWork(content) {
		p.out = append(p.out, raw...)
		return
	}
	s := string(content)
	red := p.r.field(class, s, p.nest)
	if red == s {
		p.out = append(p.out, raw...)
		return
	}
	p.out = appendJSONString(p.out, red)
	p.changed = true
}

// patch is a member value to replace when its object closes.
type patch struct {
	start, end int    // its span in p.out
	with       string // the replacement JSON
}

func (p *jsonPass) object() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return errNotJSON
	}
	p.pos++ // {
	p.out = append(p.out, '{')
	var (
		pixDoc       bool  // key_type is cpf or cnpj
		isJWK        bool  // has kty
		keyAt        patch // the span of "key", when a string
		keyRaw       string
		hasKeyMember bool
		privates     []patch
	)
	p.skipWS()
	if p.pos < len(p.in) && p.in[p.pos] == '}' {
		p.pos++
		p.out = append(p.out, '}')
		p.depth--
		return nil
	}
	for first := true; ; first = false {
		if !first {
			p.out = append(p.out, ',')
		}
		p.skipWS()
		if p.pos >= len(p.in) || p.in[p.pos] != '"' {
			return errNotJSON
		}
		rawKey, key, err := p.str()
		if err != nil {
			return err
		}
		// Keys are text too: a server can put anything in them.
		p.appendString(keyPlain, rawKey, key)
		p.skipWS()
		if p.pos >= len(p.in) || p.in[p.pos] != ':' {
			return errNotJSON
		}
		p.pos++
		p.out = append(p.out, ':')
		p.skipWS()

		valIn, valOut := p.pos, len(p.out)
		p.path = append(p.path, pathSeg{key: key})
		if err := p.value(key, true); err != nil {
			return err
		}
		p.path = p.path[:len(p.path)-1]
		val := p.in[valIn:p.pos]
		switch string(key) {
		case "key_type":
			pixDoc = string(val) == `"cpf"` || string(val) == `"cnpj"`
		case "kty":
			isJWK = true
		case "key":
			if val[0] == '"' && !bytes.HasPrefix(p.out[valOut:], []byte(`"[redacted:`)) {
				var s string
				if json.Unmarshal(val, &s) == nil {
					keyAt, keyRaw, hasKeyMember = patch{start: valOut, end: len(p.out)}, s, true
				}
			}
		case "d", "p", "q", "dp", "dq", "qi", "k", "oth":
			// The members of a JSON Web Key that hold private material
			// (RFC 7518 §6.3.2, §6.4): a private key in JWK form is a
			// private key.
			var compact bytes.Buffer
			if json.Compact(&compact, val) == nil {
				privates = append(privates, patch{start: valOut, end: len(p.out), with: p.r.Fingerprint(compact.String())})
			}
		}

		p.skipWS()
		if p.pos >= len(p.in) {
			return errNotJSON
		}
		if p.in[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.in[p.pos] != '}' {
			return errNotJSON
		}
		p.pos++
		break
	}
	var patches []patch
	if pixDoc && hasKeyMember {
		keyAt.with = maskFound(keyRaw)
		patches = append(patches, keyAt)
	}
	if isJWK {
		patches = append(patches, privates...)
	}
	p.apply(patches)
	p.out = append(p.out, '}')
	p.depth--
	return nil
}

// apply replaces spans of p.out, last first so earlier spans stay put.
func (p *jsonPass) apply(patches []patch) {
	if len(patches) == 0 {
		return
	}
	// Members are recorded in order; sort descending by start.
	for i := 1; i < len(patches); i++ {
		for j := i; j > 0 && patches[j].start > patches[j-1].start; j-- {
			patches[j], patches[j-1] = patches[j-1], patches[j]
		}
	}
	for _, pt := range patches {
		tail := append([]byte(nil), p.out[pt.end:]...)
		p.out = appendJSONString(p.out[:pt.start], pt.with)
		p.out = append(p.out, tail...)
	}
	p.changed = true
}

func (p *jsonPass) array(key []byte, hasKey bool) error {
	p.depth++
	if p.depth > maxJSONDepth {
		return errNotJSON
	}
	p.pos++ // [
	p.out = append(p.out, '[')
	p.skipWS()
	if p.pos < len(p.in) && p.in[p.pos] == ']' {
		p.pos++
		p.out = append(p.out, ']')
		p.depth--
		return nil
	}
	p.path = append(p.path, pathSeg{index: true})
	for first := true; ; first = false {
		if !first {
			p.out = append(p.out, ',')
		}
		p.skipWS()
		if err := p.value(key, hasKey); err != nil {
			return err
		}
		p.skipWS()
		if p.pos >= len(p.in) {
			return errNotJSON
		}
		if p.in[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.in[p.pos] != ']' {
			return errNotJSON
		}
		p.pos++
		break
	}
	p.path = p.path[:len(p.path)-1]
	p.out = append(p.out, ']')
	p.depth--
	return nil
}

// str reads a string at p.pos: raw is it as written (quotes included),
// content its decoded text.
func (p *jsonPass) str() (raw, content []byte, err error) {
	raw, escaped, err := p.scanStr()
	if err != nil {
		return nil, nil, err
	}
	if !escaped {
		return raw, raw[1 : len(raw)-1], nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, nil, errNotJSON
	}
	return raw, []byte(s), nil
}

// scanStr moves past a string at p.pos, checking its escapes, without
// decoding it.
func (p *jsonPass) scanStr() (raw []byte, escaped bool, err error) {
	start := p.pos
	p.pos++ // opening quote
	for {
		if p.pos >= len(p.in) {
			return nil, false, errNotJSON
		}
		c := p.in[p.pos]
		switch {
		case c == '"':
			p.pos++
			return p.in[start:p.pos], escaped, nil
		case c == '\\':
			escaped = true
			if p.pos+1 >= len(p.in) {
				return nil, false, errNotJSON
			}
			switch p.in[p.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos += 2
			case 'u':
				if p.pos+6 > len(p.in) {
					return nil, false, errNotJSON
				}
				for _, h := range p.in[p.pos+2 : p.pos+6] {
					if !isHex(h) {
						return nil, false, errNotJSON
					}
				}
				p.pos += 6
			default:
				return nil, false, errNotJSON
			}
		case c < 0x20:
			return nil, false, errNotJSON
		default:
			p.pos++
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (p *jsonPass) literal(word string) error {
	if !bytes.HasPrefix(p.in[p.pos:], []byte(word)) {
		return errNotJSON
	}
	p.pos += len(word)
	return nil
}

// number checks JSON number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
func (p *jsonPass) number() error {
	in, i := p.in, p.pos
	digits := func() int {
		n := 0
		for i < len(in) && in[i] >= '0' && in[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(in) && in[i] == '-' {
		i++
	}
	switch {
	case i < len(in) && in[i] == '0':
		i++
	case digits() == 0:
		return errNotJSON
	}
	if i < len(in) && in[i] == '.' {
		i++
		if digits() == 0 {
			return errNotJSON
		}
	}
	if i < len(in) && (in[i] == 'e' || in[i] == 'E') {
		i++
		if i < len(in) && (in[i] == '+' || in[i] == '-') {
			i++
		}
		if digits() == 0 {
			return errNotJSON
		}
	}
	p.pos = i
	return nil
}

// skipValue moves past one value without writing it, checking its syntax.
func (p *jsonPass) skipValue() error {
	p.skipWS()
	if p.pos >= len(p.in) {
		return errNotJSON
	}
	switch c := p.in[p.pos]; c {
	case '{', '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		p.depth++
		if p.depth > maxJSONDepth {
			return errNotJSON
		}
		p.pos++
		p.skipWS()
		if p.pos < len(p.in) && p.in[p.pos] == end {
			p.pos++
			p.depth--
			return nil
		}
		for {
			if c == '{' {
				p.skipWS()
				if p.pos >= len(p.in) || p.in[p.pos] != '"' {
					return errNotJSON
				}
				if _, _, err := p.scanStr(); err != nil {
					return err
				}
				p.skipWS()
				if p.pos >= len(p.in) || p.in[p.pos] != ':' {
					return errNotJSON
				}
				p.pos++
			}
			if err := p.skipValue(); err != nil {
				return err
			}
			p.skipWS()
			if p.pos >= len(p.in) {
				return errNotJSON
			}
			if p.in[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.in[p.pos] != end {
				return errNotJSON
			}
			p.pos++
			p.depth--
			return nil
		}
	case '"':
		_, _, err := p.scanStr()
		return err
	case 't':
		return p.literal("true")
	case 'f':
		return p.literal("false")
	case 'n':
		return p.literal("null")
	default:
		return p.number()
	}
}

// appendPathStandIn writes the stand-in for a value a configured path
// names: the fingerprint of the string, or of the value's compact JSON;
// null stays null (there is nothing to hide).
func (r *Redactor) appendPathStandIn(out, raw []byte) []byte {
	switch raw[0] {
	case '"':
		if bytes.IndexByte(raw, '\\') < 0 {
			return appendJSONString(out, r.Fingerprint(string(raw[1:len(raw)-1])))
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return appendJSONString(out, r.Fingerprint(s))
		}
	case 'n':
		return append(out, "null"...)
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, raw)
	return appendJSONString(out, r.Fingerprint(compact.String()))
}

// pathMatches reports whether a configured path names the value at path.
func (r *Redactor) pathMatches(path []pathSeg) bool {
	for _, pat := range r.paths {
		if matchPath(pat, path) {
			return true
		}
	}
	return false
}

// matchPath matches segments: "*" is any one level, "**" any number of
// levels, a name is that member key, and an array level is matched by "*"
// or a number (any number: "data.0.name" walks into every element, as it
// always has). A name never matches an array level, so "**.name" is every
// member called name and never a whole array element.
func matchPath(pat []string, path []pathSeg) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(path); i++ {
				if matchPath(rest, path[i:]) {
					return true
				}
			}
			return false
		}
		if len(path) == 0 {
			return false
		}
		switch {
		case pat[0] == "*":
		case path[0].index:
			if !isIndex(pat[0]) {
				return false
			}
		case pat[0] != string(path[0].key):
			return false
		}
		pat, path = pat[1:], path[1:]
	}
	return len(path) == 0
}

func isIndex(seg string) bool {
	return seg != "" && strings.Trim(seg, "0123456789") == ""
}

// appendJSONString writes s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func appendJSONString(dst []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = string(bytes.ToValidUTF8([]byte(s), []byte("\uFFFD")))
	}
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// journalLink reads the two members of a journal line that the hash chain
// needs, seq and prev, checking that the line is one JSON object. It
// allocates nothing, so verify's memory does not grow with the journal.
func journalLink(line []byte) (seq int64, prev []byte, ok bool) {
	p := jsonPass{in: line}
	p.skipWS()
	if p.pos >= len(line) || line[p.pos] != '{' {
		return 0, nil, false
	}
	p.pos++
	for first := true; ; first = false {
		p.skipWS()
		if first && p.pos < len(line) && line[p.pos] == '}' {
			p.pos++
			break
		}
		if p.pos >= len(line) || line[p.pos] != '"' {
			return 0, nil, false
		}
		key, escaped, err := p.scanStr()
		if err != nil || escaped { // homolog writes member names plainly
			return 0, nil, false
		}
		p.skipWS()
		if p.pos >= len(line) || line[p.pos] != ':' {
			return 0, nil, false
		}
		p.pos++
		p.skipWS()
		start := p.pos
		if err := p.skipValue(); err != nil {
			return 0, nil, false
		}
		val := line[start:p.pos]
		switch string(key) {
		case `"seq"`:
			n, err := strconv.ParseInt(string(val), 10, 64)
			if err != nil {
				return 0, nil, false
			}
			seq = n
		case `"prev"`:
			if val[0] != '"' || bytes.IndexByte(val, '\\') >= 0 || !utf8.Valid(val) {
				return 0, nil, false
			}
			prev = val[1 : len(val)-1]
		}
		p.skipWS()
		if p.pos >= len(line) {
			return 0, nil, false
		}
		if line[p.pos] == ',' {
			p.pos++
			continue
		}
		if line[p.pos] != '}' {
			return 0, nil, false
		}
		p.pos++
		break
	}
	p.skipWS()
	return seq, prev, p.pos == len(line)
}
