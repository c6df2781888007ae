package api

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
)

// Default and largest page sizes of the operation lists.
const (
	DefaultLimit = 25
	MaxLimit     = 100
)

// Cursor is Stone's pagination object (§4.1): after points to the next page
// in list order (older items for newest-first lists), before to the
// previous one.
type Cursor struct {
	After  *string `json:"after"`
	Before *string `json:"before"`
	Limit  int     `json:"limit"`
}

// List is Stone's {cursor, data} list body.
type List[T any] struct {
	Cursor Cursor `json:"cursor"`
	Data   []T    `json:"data"`
}

// Page is a parsed page request.
type Page struct {
	Limit  int
	after  int64
	before int64
	dir    int // 0 first page, 1 after, -1 before
}

// ParsePage reads limit/after/before. Cursors are opaque to the client but
// bound to scope (a list and, for statements, an account) so a cursor from one
// list is rejected by another instead of silently returning wrong rows.
func ParsePage(q url.Values, scope string, def, maxLimit int) (Page, Reply, bool) {
	p := Page{Limit: def}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return p, InvalidCursor("limit"), false
		}
		p.Limit = n
	}
	for _, name := range []string{"after", "before"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		k, ok := decodeCursor(scope, v)
		if !ok || p.dir != 0 { // both directions at once is ambiguous
			return p, InvalidCursor(name), false
		}
		if name == "after" {
			p.after, p.dir = k, 1
		} else {
			p.before, p.dir = k, -1
		}
	}
	return p, Reply{}, true
}

func encodeCursor(scope string, seq int64) *string {
	v := base64.RawURLEncoding.EncodeToString([]byte("v1|" + scope + "|" + Itoa(seq)))
	return &v
}

func decodeCursor(scope, v string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), "v1|"+scope+"|")
	if !ok {
		return 0, false
	}
	k, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || k < 0 {
		return 0, false
	}
	return k, true
}

// Paginate cuts one page out of items, which are in list order and strictly
// ordered by key (descending when desc). Cursors name the boundary item's key,
// so walking "after" visits every item exactly once even if newer items are
// added meanwhile.
func Paginate[T any](items []T, key func(T) int64, desc bool, p Page, scope string) ([]T, Cursor) {
	follows := func(k, bound int64) bool { return (desc && k < bound) || (!desc && k > bound) }
	lo, hi := 0, len(items)
	switch p.dir {
	case 1:
		for lo < len(items) && !follows(key(items[lo]), p.after) {
			lo++
		}
		hi = min(lo+p.Limit, len(items))
	case -1:
		for hi > 0 && !follows(p.before, key(items[hi-1])) {
			hi--
		}
		lo = max(hi-p.Limit, 0)
	default:
		hi = min(p.Limit, len(items))
	}
	out := items[lo:hi]
	c := Cursor{Limit: p.Limit}
	if len(out) > 0 {
		if hi < len(items) {
			c.After = encodeCursor(scope, key(out[len(out)-1]))
		}
		if lo > 0 {
			c.Before = encodeCursor(scope, key(out[0]))
		}
	}
	return out, c
}

// PageOf is Paginate into a List body, copying the page so the reply does not
// alias the caller's slice.
func PageOf[T any](items []T, key func(T) int64, p Page, scope string) List[T] {
	data, cur := Paginate(items, key, true, p, scope)
	return List[T]{Cursor: cur, Data: append([]T{}, data...)}
}
