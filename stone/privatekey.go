package stone

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// MinKeyBits is the smallest RSA key that signs for Stone: RS256 with a
// shorter key is refused by Stone's Keycloak, by webhook receivers
// (minStoneKeyBits) and cannot be trusted to sign evidence.
const MinKeyBits = minStoneKeyBits

// ParsePrivateKey reads an RSA private key from PEM (PKCS#1 "RSA PRIVATE
// KEY", as openssl genrsa writes, or PKCS#8 "PRIVATE KEY") and checks that
// it can sign for Stone: RSA, at least MinKeyBits, not encrypted. The
// partner's key and homolog's test Stone key are both read with it.
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New(`not a PEM file: expected an "RSA PRIVATE KEY" block (openssl genrsa) or a "PRIVATE KEY" block (PKCS#8)`)
	}
	if block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
		// homolog runs unattended and never asks for a passphrase.
		return nil, errors.New("the private key is passphrase-protected: homolog cannot ask for the passphrase; write a decrypted copy with `openssl pkey -in KEY.pem -out plain.pem` and keep it mode 0600")
	}
	var key *rsa.PrivateKey
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("invalid RSA private key: %w", err)
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("invalid PKCS#8 private key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("the key is %T, Stone needs an RSA key (RS256)", k)
		}
		key = rk
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return nil, fmt.Errorf("PEM block %q is not an RSA private key: this is a public key, and homolog signs with the private one (keep the public one for whoever verifies)", block.Type)
	default:
		return nil, fmt.Errorf("PEM block %q is not an RSA private key", block.Type)
	}
	if bits := key.N.BitLen(); bits < MinKeyBits {
		return nil, fmt.Errorf("RSA key of %d bits: Stone and homolog need at least %d (homolog keys generate makes a 4096-bit pair)", bits, MinKeyBits)
	}
	return key, nil
}
