package check

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

var (
	startxrefPattern = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	objPattern       = regexp.MustCompile(`^(\d+) (\d+) obj\b`)
	streamPattern    = regexp.MustCompile(`(?s)<<((?:[^<>]|<<[^<>]*>>)*)>>\s*stream\r?\n(.*?)\r?\n?endstream`)
	textOpPattern    = regexp.MustCompile(`\((?:[^()\\]|\\.)*\)\s*Tj`)
	textArrayPattern = regexp.MustCompile(`\[((?:[^\]\\]|\\.)*)\]\s*TJ`)
	literalPattern   = regexp.MustCompile(`\((?:[^()\\]|\\.)*\)`)
	pagePattern      = regexp.MustCompile(`/Type\s*/Page\b`)
)

// receiptPDF: the answer (role "response") is a PDF a reader opens —
// stone-api-families.md §2 (the most recent page answers
// application/pdf): content type application/pdf; a %PDF- header; a
// startxref pointing at a cross-reference table whose every entry points
// at its object (or at a cross-reference stream), and a trailer naming a
// /Root; at least one page; and text drawn on it. Streams compressed with
// FlateDecode are inflated to find the text. When param "contains" is
// given, the text shown includes it (the operation's id, say).
func receiptPDF(p Params, in Inputs) error {
	r, err := in.last("response")
	if err != nil {
		return err
	}
	if err := ok2xx(r); err != nil {
		return err
	}
	ct := header(r.HTTP.ResponseHeaders, "content-type")
	if !strings.HasPrefix(strings.ToLower(ct), "application/pdf") {
		return fmt.Errorf("%s answered content type %q, want application/pdf", where(r), ct)
	}
	if err := pdfStructure(r.HTTP.ResponseBody); err != nil {
		return fmt.Errorf("%s: the receipt is not a PDF a reader opens: %w", where(r), err)
	}
	text := pdfText(r.HTTP.ResponseBody)
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("%s: the receipt's pages show no text", where(r))
	}
	if want := p["contains"]; want != "" && !strings.Contains(text, want) {
		return fmt.Errorf("%s: the receipt does not show %q", where(r), want)
	}
	return nil
}

// pdfStructure checks what a strict reader needs to open a PDF.
func pdfStructure(b []byte) error {
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) && !bytes.HasPrefix(b, []byte("%PDF-2.")) {
		n := min(len(b), 16)
		return fmt.Errorf("it starts with %q, not a %%PDF- header", b[:n])
	}
	m := startxrefPattern.FindSubmatch(b)
	if m == nil {
		return fmt.Errorf("it does not end with startxref and %%%%EOF")
	}
	at, err := strconv.Atoi(string(m[1]))
	if err != nil || at <= 0 || at >= len(b) {
		return fmt.Errorf("startxref %s is outside the file (%d bytes)", m[1], len(b))
	}
	rest := b[at:]
	switch {
	case bytes.HasPrefix(rest, []byte("xref")):
		if err := xrefTable(b, rest); err != nil {
			return err
		}
	case objPattern.Match(rest) && bytes.Contains(rest[:min(len(rest), 512)], []byte("/XRef")):
		// A cross-reference stream (PDF 1.5+): its dictionary holds /Root.
		if !bytes.Contains(rest[:min(len(rest), 1024)], []byte("/Root")) {
			return fmt.Errorf("the cross-reference stream at %d names no /Root", at)
		}
	default:
		return fmt.Errorf("startxref %d points at %q, not a cross-reference table", at, rest[:min(len(rest), 12)])
	}
	if !pagePattern.Match(b) {
		return fmt.Errorf("it has no page")
	}
	return nil
}

// xrefTable checks a classic cross-reference table: each in-use entry
// points at "N G obj" for its own object number, and the trailer names
// the catalog.
func xrefTable(b, table []byte) error {
	lines := strings.Split(strings.ReplaceAll(string(table), "\r\n", "\n"), "\n")
	i := 1
	for i < len(lines) && !strings.HasPrefix(lines[i], "trailer") {
		var first, count int
		if _, err := fmt.Sscanf(lines[i], "%d %d", &first, &count); err != nil {
			return fmt.Errorf("cross-reference subsection header %q", lines[i])
		}
		for k := 0; k < count; k++ {
			i++
			if i >= len(lines) {
				return fmt.Errorf("the cross-reference table ends early")
			}
			var off, gen int
			var kind string
			if _, err := fmt.Sscanf(lines[i], "%d %d %s", &off, &gen, &kind); err != nil {
				return fmt.Errorf("cross-reference entry %q", lines[i])
			}
			if kind != "n" {
				continue
			}
			want := fmt.Sprintf("%d %d obj", first+k, gen)
			if off <= 0 || off >= len(b) || !bytes.HasPrefix(b[off:], []byte(want)) {
				got := b[min(off, len(b)):min(off+12, len(b))]
				return fmt.Errorf("cross-reference entry of object %d points at byte %d, which holds %q, not %q", first+k, off, got, want)
			}
		}
		i++
	}
	if i >= len(lines) {
		return fmt.Errorf("the cross-reference table has no trailer")
	}
	if !strings.Contains(strings.Join(lines[i:], "\n"), "/Root") {
		return fmt.Errorf("the trailer names no /Root")
	}
	return nil
}

// pdfText is the strings the PDF's content streams draw (Tj, TJ),
// inflating FlateDecode streams; enough to see what a receipt says.
func pdfText(b []byte) string {
	var out strings.Builder
	for _, m := range streamPattern.FindAllSubmatch(b, -1) {
		data := m[2]
		if bytes.Contains(m[1], []byte("/FlateDecode")) {
			zr, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				continue
			}
			inflated, err := io.ReadAll(io.LimitReader(zr, 8<<20))
			if err != nil && len(inflated) == 0 {
				continue
			}
			data = inflated
		}
		for _, op := range textOpPattern.FindAll(data, -1) {
			out.Write(unescapePDF(op))
			out.WriteByte('\n')
		}
		// TJ arrays: take the strings inside them.
		for _, arr := range textArrayPattern.FindAllSubmatch(data, -1) {
			for _, s := range literalPattern.FindAll(arr[1], -1) {
				out.Write(unescapePDF(s))
			}
			out.WriteByte('\n')
		}
	}
	return out.String()
}

// unescapePDF reads the literal string of a text operator "(…) Tj".
func unescapePDF(op []byte) []byte {
	start, end := bytes.IndexByte(op, '('), bytes.LastIndexByte(op, ')')
	if start < 0 || end <= start {
		return nil
	}
	s := op[start+1 : end]
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		out = append(out, s[i])
	}
	return out
}
