package evidence

import (
	"math/rand/v2"
	"testing"
)

// TestMayHoldDocumentNeverHidesOne: the cheap test that spares most
// strings the document pattern must say yes to every string the pattern
// matches, or a CPF would go unmasked.
func TestMayHoldDocumentNeverHidesOne(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789./- aZ:"
	fixed := []string{"123.456.789-09", "12.345.678/0001-95", "cpf 12345678909.", "x12345678901234y", "2026-12-01T18:33:07Z", "a1b2"}
	for i := range 200_000 {
		s := ""
		if i < len(fixed) {
			s = fixed[i]
		} else {
			b := make([]byte, 8+rnd.IntN(24))
			for j := range b {
				// Mostly digits, so that documents are often formed.
				if rnd.IntN(4) > 0 {
					b[j] = byte('0' + rnd.IntN(10))
				} else {
					b[j] = alphabet[rnd.IntN(len(alphabet))]
				}
			}
			s = string(b)
		}
		if documentPattern.MatchString(s) && !mayHoldDocument(s) {
			t.Fatalf("%q matches the document pattern, but the pre-check says it cannot", s)
		}
	}
	for _, s := range []string{"2026-12-01T18:33:07.123Z", "3f9a1c2e-0b1d-4c2e-9a7f-5e6d7c8b9a01", "Tue, 01 Dec 2026 18:33:07 GMT", "1500"} {
		if mayHoldDocument(s) {
			t.Errorf("%q cannot hold a document, but the pre-check says it may", s)
		}
	}
}
