package check

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
)

// testPDF writes a one-page PDF whose content stream draws lines, its
// cross-reference table computed (or, with shift, deliberately off).
func testPDF(lines []string, flate bool, shift int) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 11 Tf 50 780 Td 16 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("[(Total) -250 (pago)] TJ\nET\n")
	stream, filter := content.Bytes(), ""
	if flate {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(stream)
		w.Close()
		stream, filter = z.Bytes(), " /Filter /FlateDecode"
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d%s >>\nstream\n%s\nendstream", len(stream), filter, stream),
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	offs := []int{}
	for i, o := range objs {
		offs = append(offs, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&out, "%010d 00000 n \n", o+shift)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return out.Bytes()
}

func pdfRec(ct string, body []byte) Record {
	r := rec(1, "POST", "https://api.example/api/v1/receipts", 200, `{"resource_type":"internal_transfer","resource_id":"op-1"}`, string(body))
	r.HTTP.ResponseHeaders["Content-Type"] = []string{ct}
	return r
}

func TestReceiptPDF(t *testing.T) {
	good := testPDF([]string{"Comprovante", "Operacao: op-1"}, false, 0)
	in := func(ct string, body []byte) Inputs { return Inputs{"response": {pdfRec(ct, body)}} }
	op := Params{"contains": "op-1"}
	noPage := bytes.Replace(good, []byte("/Type /Page "), []byte("/Type /Leaf "), 1)
	runCases(t, []checkCase{
		{name: "a receipt that opens", check: ReceiptPDF, params: op, in: in("application/pdf", good)},
		{name: "compressed content", check: ReceiptPDF, params: op, in: in("application/pdf", testPDF([]string{"Operacao: op-1"}, true, 0))},
		{name: "TJ arrays are read", check: ReceiptPDF, params: Params{"contains": "Totalpago"}, in: in("application/pdf", good)},
		{name: "the JSON {} of the boleto page", check: ReceiptPDF, in: in("application/json", []byte(`{}`)), fault: `content type "application/json"`},
		{name: "labelled PDF, JSON inside", check: ReceiptPDF, in: in("application/pdf", []byte(`{"pdf":"JVBERi0x"}`)), fault: "not a %PDF- header"},
		{name: "cut short", check: ReceiptPDF, in: in("application/pdf", good[:len(good)-20]), fault: "does not end with startxref"},
		{name: "offsets one byte off", check: ReceiptPDF, in: in("application/pdf", testPDF([]string{"x"}, false, 1)), fault: "cross-reference entry of object 1 points at byte"},
		{name: "no page", check: ReceiptPDF, in: in("application/pdf", noPage), fault: "has no page"},
		{name: "blank page", check: ReceiptPDF, in: in("application/pdf", bytes.ReplaceAll(bytes.ReplaceAll(good, []byte("Tj"), []byte("Tz")), []byte("TJ"), []byte("Tz"))), fault: "show no text"},
		{name: "another operation's receipt", check: ReceiptPDF, params: Params{"contains": "op-2"}, in: in("application/pdf", good), fault: `does not show "op-2"`},
		{name: "refused", check: ReceiptPDF, in: Inputs{"response": {rec(1, "POST", "https://api.example/api/v1/receipts", 422, "", `{"type":"srn:error:invalid_resource_status"}`)}}, fault: "422"},
	})
	if !strings.Contains(string(good), "startxref") {
		t.Fatal("the fixture must be a PDF")
	}
}
