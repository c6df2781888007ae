package simulator

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
)

// handleExportBoleto is GET /api/v1/exports/barcode_payment_invoices/{id}:
// the boleto as a small, valid PDF (one page of text: beneficiary, payer,
// amount, dates, writable line and barcode digits).
func (s *Simulator) handleExportBoleto(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var pdf []byte
	var rp reply
	s.locked(func() {
		bo, fail, ok := s.boletoFor(s.st, rc, r.PathValue("id"))
		if !ok {
			rp = fail
			return
		}
		lines := []string{
			"Stone Pagamentos S.A. | 197-9",
			"Boleto " + bo.InvoiceType + " - " + bo.Status,
			"Beneficiario: " + bo.Beneficiary.LegalName + " (" + bo.Beneficiary.Document + ")",
		}
		if bo.Customer != nil {
			lines = append(lines, "Pagador: "+bo.Customer.LegalName+" ("+bo.Customer.Document+")")
		}
		lines = append(lines,
			fmt.Sprintf("Valor: R$ %d,%02d", bo.Amount/100, bo.Amount%100),
			"Vencimento: "+bo.ExpirationDate+"  Data limite: "+bo.LimitDate,
			"Nosso numero: "+bo.OurNumber,
			"Linha digitavel: "+bo.WritableLine,
			"Codigo de barras: "+bo.Barcode,
		)
		pdf = textPDF(lines)
	})
	if pdf == nil {
		rp.write(w)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="boleto-`+r.PathValue("id")+`.pdf"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(pdf)
}

// textPDF writes a one-page PDF 1.4 of lines in Helvetica, with a correct
// cross-reference table so that strict readers open it.
func textPDF(lines []string) []byte {
	esc := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
	var content bytes.Buffer
	content.WriteString("BT /F1 11 Tf 50 780 Td 16 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", esc.Replace(emvText(l, 120)))
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
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
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}
