// Package barcode reads and writes the barcodes and writable lines of
// boletos and concessionária bills (stone-api.md §5.4) with their check
// digits, and describes the simulator's family of test documents.
package barcode

import (
	"errors"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/institutions"
)

// Barcodes (§5.4). The simulator reads any structurally valid barcode (44
// digits) or writable line (47 for boletos, 48 for concessionárias) with
// correct check digits. What the document says about itself comes from its
// digits:
//
// Test family. A boleto whose free field (barcode positions 20–44) starts
// with 16501555 and a concessionária whose company field and free field
// start with 16501555 are test documents; the two digits after the marker
// choose the behaviour:
//
//	01 payable      pays the face value, FINISHED
//	02 paid         details status "paid": a payment is refused (422 barcode_already_paid)
//	03 unpayable    details status "unpayable": refused (422 unpayable_barcode)
//	04 divergent    accepts any amount between min_value (face/2) and max_value (face×3/2): "amount" is required
//	05 refunded     pays, FINISHED, then the issuer returns it: REFUNDED, refund_reason_code "68"
//	06 overdue      past its due date but payable until 30 days after it, with a 2% fine on top
//
// Any other valid boleto is payable at its face value (unpayable when it has
// none). Boletos the simulator issued (bank 197, barcode_payment_invoices)
// are payable while REGISTERED, and paying one settles it for its
// beneficiary. GET /_sim/fixtures/barcodes lists one of each, valid on the
// simulator's clock; Fixtures.Barcodes has the same family as of seeding.

const testMarker = "16501555"

var (
	errBarcodeFormat = errors.New("must be a barcode (44 digits) or a writable line (47 or 48 digits)")
	errBarcodeDigits = errors.New("has a wrong check digit")
)

// barcodeKinds maps family codes to their names.
func barcodeKinds() map[string]string {
	return map[string]string{"01": "payable", "02": "paid", "03": "unpayable", "04": "divergent", "05": "refunded", "06": "overdue"}
}

// Fixture is one test document.
type Fixture struct {
	Kind           string `json:"kind"`
	DocumentType   string `json:"document_type"` // boleto | concessionaria
	Status         string `json:"status"`        // payable | paid | unpayable (as the dry run's details say)
	Barcode        string `json:"barcode"`
	WritableLine   string `json:"writable_line"`
	FaceValue      int64  `json:"face_value"`
	MinValue       int64  `json:"min_value,omitempty"`
	MaxValue       int64  `json:"max_value,omitempty"`
	ExpirationDate string `json:"expiration_date,omitempty"`
}

type Info struct {
	Barcode, Line string
	DocType       string // boleto | concessionaria
	BankCode      string
	Face          int64
	Expiration    time.Time // zero when the document has none
	Kind          string    // test family name, "" otherwise
}

func mod10(s string) byte {
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		p := int(s[i]-'0') * w
		sum += p/10 + p%10
		w = 3 - w
	}
	return byte('0' + (10-sum%10)%10)
}

// mod11 is the boleto general check digit (weights 2–9 from the right; 0, 10
// and 11 become 1).
func mod11(s string) byte {
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		sum += int(s[i]-'0') * w
		if w++; w > 9 {
			w = 2
		}
	}
	dv := 11 - sum%11
	if dv >= 10 {
		return '1'
	}
	return byte('0' + dv)
}

// dueBase is day 0 of the boleto due factor; the factor ran out at 9999 on
// 2025-02-21 and restarted at 1000 on 2025-02-22 (FEBRABAN).
func dueBase() time.Time { return time.Date(1997, 10, 7, 0, 0, 0, 0, calendar.Brasilia()) }

func dueFactor(day time.Time) string {
	days := int(calendar.DayOf(day).Sub(dueBase()).Hours()/24 + 0.5)
	if days > 9999 {
		days = (days-10000)%9000 + 1000
	}
	return padLeft(api.Itoa(int64(days)), 4)
}

// dueDate reads a factor as the matching date closest to ref.
func dueDate(factor string, ref time.Time) time.Time {
	f := int(atoi(factor))
	if f == 0 {
		return time.Time{}
	}
	best := dueBase().AddDate(0, 0, f)
	if f >= 1000 {
		for k := range 3 {
			c := dueBase().AddDate(0, 0, 10000+f-1000+k*9000)
			if absDur(c.Sub(ref)) < absDur(best.Sub(ref)) {
				best = c
			}
		}
	}
	return best
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func padLeft(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s[len(s)-n:]
}

func atoi(s string) int64 {
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	return n
}

// boletoBarcode builds a boleto barcode: bank, currency 9, check digit, due
// factor, value (10 digits) and a 25-digit free field.
func BoletoBarcode(bank string, due time.Time, value int64, free string) string {
	rest := dueFactor(due) + padLeft(api.Itoa(value), 10) + free
	return bank + "9" + string(mod11(bank+"9"+rest)) + rest
}

func BoletoLine(bc string) string {
	f1 := bc[0:4] + bc[19:24]
	f2, f3 := bc[24:34], bc[34:44]
	return f1 + string(mod10(f1)) + f2 + string(mod10(f2)) + f3 + string(mod10(f3)) + bc[4:5] + bc[5:19]
}

// concBarcode builds a concessionária barcode (segment 3, value in reais
// with check digits in module 10).
func concBarcode(value int64, company, free string) string {
	body := "836" + padLeft(api.Itoa(value), 11) + company + free
	return body[:3] + string(mod10(body)) + body[3:]
}

func concLine(bc string) string {
	var sb strings.Builder
	for i := range 4 {
		blk := bc[i*11 : (i+1)*11]
		sb.WriteString(blk + string(concDV(bc[2], blk)))
	}
	return sb.String()
}

// concDV is module 10 for value identifiers 6/7, module 11 for 8/9.
func concDV(valueID byte, s string) byte {
	if valueID == '6' || valueID == '7' {
		return mod10(s)
	}
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		sum += int(s[i]-'0') * w
		if w++; w > 9 {
			w = 2
		}
	}
	switch r := sum % 11; r {
	case 0, 1:
		return '0'
	case 10:
		return '1'
	default:
		return byte('0' + 11 - r)
	}
}

// parseBarcode reads a barcode or writable line (dots, spaces and hyphens
// ignored) and checks every check digit.
func Parse(input string, ref time.Time) (Info, error) {
	s := strings.NewReplacer(".", "", " ", "", "-", "").Replace(strings.TrimSpace(input))
	var b Info
	if !api.Digits.MatchString(s) {
		return b, errBarcodeFormat
	}
	switch {
	case len(s) == 48 && s[0] == '8':
		var bc strings.Builder
		for i := range 4 {
			blk := s[i*12 : i*12+11]
			if concDV(s[2], blk) != s[i*12+11] {
				return b, errBarcodeDigits
			}
			bc.WriteString(blk)
		}
		s = bc.String()
	case len(s) == 47:
		for _, f := range [][2]int{{0, 9}, {10, 20}, {21, 31}} {
			if mod10(s[f[0]:f[1]]) != s[f[1]] {
				return b, errBarcodeDigits
			}
		}
		s = s[0:4] + s[32:33] + s[33:47] + s[4:9] + s[10:20] + s[21:31]
	case len(s) != 44:
		return b, errBarcodeFormat
	}
	b.Barcode = s
	if s[0] == '8' {
		if s[1] == '0' || s[2] < '6' || s[2] > '9' || concDV(s[2], s[:3]+s[4:]) != s[3] {
			return b, errBarcodeDigits
		}
		b.Line, b.DocType, b.Face = concLine(s), "concessionaria", atoi(s[4:15])
		if s[15:19]+s[19:23] == testMarker {
			b.Kind = barcodeKinds()[s[23:25]]
		}
		return b, nil
	}
	if mod11(s[:4]+s[5:]) != s[4] {
		return b, errBarcodeDigits
	}
	b.Line, b.DocType, b.BankCode = BoletoLine(s), "boleto", s[:3]
	b.Face, b.Expiration = atoi(s[9:19]), dueDate(s[5:9], ref)
	if strings.HasPrefix(s[19:], testMarker) {
		b.Kind = barcodeKinds()[s[27:29]]
	}
	return b, nil
}

// barcodeFixtures is the test family as of now: boletos due in 30 days (the
// overdue one 5 days ago) and two concessionárias.
func Fixtures(now time.Time, dir *institutions.Directory) []Fixture {
	var out []Fixture
	serial := "000000000000042"
	for _, code := range []string{"01", "02", "03", "04", "05", "06"} {
		due, face := calendar.DayOf(now).AddDate(0, 0, 30), int64(15_000)
		if code == "06" {
			due = calendar.DayOf(now).AddDate(0, 0, -5)
		}
		bc := BoletoBarcode("341", due, face, testMarker+code+serial)
		info, _ := Parse(bc, now)
		d := Describe(info, now, dir)
		out = append(out, Fixture{Kind: info.Kind, DocumentType: "boleto", Status: d.Status, Barcode: bc,
			WritableLine: info.Line, FaceValue: face, MinValue: deref(d.MinValue), MaxValue: deref(d.MaxValue),
			ExpirationDate: calendar.DateString(due)})
	}
	for _, code := range []string{"01", "03"} {
		bc := concBarcode(8_731, "1650", "1555"+code+"0000000000000000042")
		info, _ := Parse(bc, now)
		out = append(out, Fixture{Kind: info.Kind, DocumentType: "concessionaria", Status: Describe(info, now, dir).Status,
			Barcode: bc, WritableLine: info.Line, FaceValue: 8_731})
	}
	return out
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
