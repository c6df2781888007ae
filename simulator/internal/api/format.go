package api

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Digits matches a non-empty string of decimal digits.
var Digits = regexp.MustCompile(`^\d+$`)

// TS formats Stone's datetimes: ISO 8601, UTC, second precision, "Z".
func TS(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// TSPtr is TS for nullable members.
func TSPtr(t time.Time) *string {
	v := TS(t)
	return &v
}

// StrPtr returns a pointer to v, for nullable members.
func StrPtr(v string) *string { return &v }

// Ptr returns a pointer to a copy of v.
func Ptr[T any](v T) *T { return &v }

// Deref is *p, or the zero value when p is nil.
func Deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// Itoa formats an integer.
func Itoa(v int64) string { return strconv.FormatInt(v, 10) }

// DocumentType infers cpf/cnpj from a document's length, the way Stone
// fills document_type when it is omitted.
func DocumentType(doc string) string {
	switch len(doc) {
	case 11:
		return "cpf"
	case 14:
		return "cnpj"
	}
	return ""
}

// MaskDocument hides a CPF the way Stone does (***093657**); other documents
// keep their first and last characters hidden likewise.
func MaskDocument(doc string) string {
	if len(doc) < 6 {
		return strings.Repeat("*", len(doc))
	}
	return "***" + doc[3:len(doc)-2] + "**"
}

// ASCII keeps only printable ASCII of s, folding Portuguese accents, cut to
// n characters: what a BR Code field or a PDF in a base-14 font can carry,
// with lengths in characters and bytes that agree.
func ASCII(s string, n int) string {
	repl := strings.NewReplacer("á", "a", "à", "a", "â", "a", "ã", "a", "é", "e", "ê", "e", "í", "i", "ó", "o", "ô", "o",
		"õ", "o", "ú", "u", "ç", "c", "Á", "A", "Â", "A", "Ã", "A", "É", "E", "Í", "I", "Ó", "O", "Ú", "U", "Ç", "C")
	s = repl.Replace(s)
	out := []rune{}
	for _, r := range s {
		if r < 128 && unicode.IsPrint(r) {
			out = append(out, r)
		}
	}
	if len(out) > n {
		out = out[:n]
	}
	return string(out)
}
