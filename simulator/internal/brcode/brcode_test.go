package brcode

import (
	"errors"
	"strings"
	"testing"
)

func TestCRC16MatchesBACEN(t *testing.T) {
	// CRC-16/CCITT-FALSE check value, and a BR Code from BACEN's manual.
	if got := CRC16("123456789"); got != "29B1" {
		t.Fatalf("CRC16(123456789) = %s, want 29B1", got)
	}
	manual := "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
	b, err := Parse(manual)
	if err != nil || b.Dynamic || b.Key != "123e4567-e12b-12d1-a456-426655440000" || b.TxID != "" || b.Amount != 0 || b.Name != "Fulano de Tal" {
		t.Fatalf("manual example = %+v, %v", b, err)
	}
}

func TestBRCodeRoundTripAndErrors(t *testing.T) {
	in := Code{Key: "+5561912345678", Amount: 12_345, Name: "Pedro Álves", City: "Brasília", TxID: "PEDIDO42", Info: "camisa"}
	out, err := Parse(in.Encode())
	if err != nil || out.Key != in.Key || out.Amount != 12_345 || out.TxID != "PEDIDO42" || out.Name != "Pedro Alves" || out.City != "Brasilia" || out.Info != "camisa" {
		t.Fatalf("round trip = %+v, %v", out, err)
	}
	dyn, err := Parse(Code{Dynamic: true, URL: "sim.test/pix/abc", Amount: 100, Name: "X", City: "Y"}.Encode())
	if err != nil || !dyn.Dynamic || dyn.URL != "sim.test/pix/abc" {
		t.Fatalf("dynamic = %+v, %v", dyn, err)
	}
	good := in.Encode()
	notPix := strings.Replace(good, "br.gov.bcb.pix", "br.gov.bcb.xyz", 1)
	notPix = notPix[:len(notPix)-4] + CRC16(notPix[:len(notPix)-4])
	for name, tt := range map[string]struct {
		code string
		want error
	}{
		"empty":        {"", ErrGarbage},
		"text":         {"hello world", ErrGarbage},
		"bad crc":      {good[:len(good)-4] + "0000", ErrGarbage},
		"truncated":    {good[:30], ErrGarbage},
		"bad length":   {"000201269", ErrGarbage},
		"not pix":      {notPix, ErrUnsupported},
		"lowercase ok": {good[:len(good)-4] + strings.ToLower(good[len(good)-4:]), nil},
	} {
		if _, err := Parse(tt.code); !errors.Is(err, tt.want) {
			t.Errorf("%s: err %v, want %v", name, err, tt.want)
		}
	}
}
