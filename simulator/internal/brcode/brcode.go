// Package brcode writes and reads BR Codes, the EMV® Merchant Presented QR
// Code payloads of BACEN's PIX manual (stone-api.md §5.5).
package brcode

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// A BR Code is the EMV® Merchant Presented QR Code payload of BACEN's PIX
// manual: a sequence of ID (2 digits), length (2 digits) and value fields,
// ending with field 63, a CRC16-CCITT of everything before it (including
// "6304"). Field 26 (or any of 26–51) with GUI br.gov.bcb.pix carries the
// PIX key (01, static) or the URL of a charge (25, dynamic).

var digitsRE = regexp.MustCompile(`^\d+$`)

// ErrGarbage is anything that is not a well-formed EMV payload with a
// correct CRC; ErrUnsupported a well-formed one without a PIX account.
var (
	ErrGarbage     = errors.New("is not a BR Code (EMV QR payload)")
	ErrUnsupported = errors.New("is not a PIX BR Code")
)

const pixGUI = "br.gov.bcb.pix"

// Code is what a BR Code says.
type Code struct {
	Dynamic bool
	Key     string // static
	URL     string // dynamic
	TxID    string // "" when "***" (none)
	Amount  int64  // cents; 0 when absent
	Name    string
	City    string
	Info    string
}

func tlv(id, value string) string { return fmt.Sprintf("%s%02d%s", id, len([]rune(value)), value) }

// CRC16 is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as BACEN specifies.
func CRC16(s string) string {
	crc := uint16(0xFFFF)
	for _, b := range []byte(s) {
		crc ^= uint16(b) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return fmt.Sprintf("%04X", crc)
}

// Encode writes the payload with its CRC.
func (b Code) Encode() string {
	var sb strings.Builder
	sb.WriteString(tlv("00", "01"))
	if b.Dynamic {
		sb.WriteString(tlv("01", "12"))
	}
	mai := tlv("00", pixGUI)
	if b.Dynamic {
		mai += tlv("25", b.URL)
	} else {
		mai += tlv("01", b.Key)
		if b.Info != "" {
			mai += tlv("02", api.ASCII(b.Info, 40))
		}
	}
	sb.WriteString(tlv("26", mai))
	sb.WriteString(tlv("52", "0000"))
	sb.WriteString(tlv("53", "986"))
	if b.Amount > 0 {
		sb.WriteString(tlv("54", fmt.Sprintf("%d.%02d", b.Amount/100, b.Amount%100)))
	}
	sb.WriteString(tlv("58", "BR"))
	sb.WriteString(tlv("59", api.ASCII(b.Name, 25)))
	sb.WriteString(tlv("60", api.ASCII(b.City, 15)))
	txid := b.TxID
	if txid == "" {
		txid = "***"
	}
	sb.WriteString(tlv("62", tlv("05", txid)))
	sb.WriteString("6304")
	return sb.String() + CRC16(sb.String())
}

// emvFields splits one level of TLV fields; lengths count characters.
func emvFields(s []rune) (map[string]string, []string, error) {
	fields, order := map[string]string{}, []string{}
	for i := 0; i < len(s); {
		if i+4 > len(s) {
			return nil, nil, ErrGarbage
		}
		id, ln := string(s[i:i+2]), string(s[i+2:i+4])
		n, err := strconv.Atoi(ln)
		if err != nil || !digitsRE.MatchString(id) || !digitsRE.MatchString(ln) || i+4+n > len(s) {
			return nil, nil, ErrGarbage
		}
		if _, dup := fields[id]; !dup {
			order = append(order, id)
		}
		fields[id] = string(s[i+4 : i+4+n])
		i += 4 + n
	}
	return fields, order, nil
}

// Parse reads a BR Code: anything that is not a well-formed EMV payload
// with a correct CRC is garbage; a well-formed one without a PIX merchant
// account is unsupported.
func Parse(raw string) (Code, error) {
	var b Code
	raw = strings.TrimSpace(raw)
	rs := []rune(raw)
	if len(rs) < 8 || !strings.HasPrefix(raw, "000201") {
		return b, ErrGarbage
	}
	top, order, err := emvFields(rs)
	if err != nil || len(order) == 0 || order[len(order)-1] != "63" || len(top["63"]) != 4 {
		return b, ErrGarbage
	}
	body := string(rs[:len(rs)-4])
	if !strings.EqualFold(CRC16(body), top["63"]) {
		return b, ErrGarbage
	}
	found := false
	for id := 26; id <= 51 && !found; id++ {
		v, ok := top[strconv.Itoa(id)]
		if !ok {
			continue
		}
		sub, _, err := emvFields([]rune(v))
		if err != nil {
			return b, ErrGarbage
		}
		if !strings.EqualFold(sub["00"], pixGUI) {
			continue
		}
		found = true
		b.Key, b.URL, b.Info = sub["01"], sub["25"], sub["02"]
	}
	if !found || (b.Key == "" && b.URL == "") {
		return b, ErrUnsupported
	}
	b.Dynamic = b.URL != ""
	b.Name, b.City = top["59"], top["60"]
	if v, ok := top["54"]; ok {
		cents, err := parseDecimalCents(v)
		if err != nil {
			return b, ErrGarbage
		}
		b.Amount = cents
	}
	if v, ok := top["62"]; ok {
		sub, _, err := emvFields([]rune(v))
		if err != nil {
			return b, ErrGarbage
		}
		if tx := sub["05"]; tx != "***" {
			b.TxID = tx
		}
	}
	return b, nil
}

// parseDecimalCents reads "10", "10.5" or "10.50" as cents.
func parseDecimalCents(v string) (int64, error) {
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "" || len(frac) > 2 || !digitsRE.MatchString(whole) || (frac != "" && !digitsRE.MatchString(frac)) || len(whole) > 13 {
		return 0, ErrGarbage
	}
	for len(frac) < 2 {
		frac += "0"
	}
	return strconv.ParseInt(whole+frac, 10, 64)
}
