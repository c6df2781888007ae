// Package pdf writes the simulator's documents — boletos, receipts — as
// small, valid PDF 1.4 files: one page of Helvetica text per 48 lines, a
// cross-reference table with exact offsets and a trailer naming the
// catalog and the document's title, so that strict readers open them.
package pdf

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

const linesPerPage = 48

// Text is a PDF of lines, titled title, in Helvetica 11 pt. Text is kept
// to printable ASCII (accents folded), what the base-14 font can show.
func Text(title string, lines []string) []byte {
	esc := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
	var pages [][]string
	for len(lines) > linesPerPage {
		pages, lines = append(pages, lines[:linesPerPage]), lines[linesPerPage:]
	}
	pages = append(pages, lines)

	// Objects: 1 catalog, 2 pages, 3 font, 4 info, then a page and its
	// content stream for each page.
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 5+2*i)
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Title (%s) /Producer (homolog simulator) >>", esc.Replace(api.ASCII(title, 120))),
	}
	for i, page := range pages {
		var content bytes.Buffer
		content.WriteString("BT /F1 11 Tf 50 780 Td 16 TL\n")
		for _, l := range page {
			fmt.Fprintf(&content, "(%s) Tj T*\n", esc.Replace(api.ASCII(l, 120)))
		}
		content.WriteString("ET\n")
		objects = append(objects,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>", 6+2*i),
			fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()))
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}
