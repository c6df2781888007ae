package evidence

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// KeyID is the RFC 7638 thumbprint (SHA-256, base64url) of an RSA public
// key: the kid of manifest.jws, so a signature names the key that made it
// without trusting anything in the bundle.
func KeyID(pub *rsa.PublicKey) (string, error) {
	jwk := jose.JSONWebKey{Key: pub}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("evidence: key thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// SignDetached returns a compact JWS (RS256) over payload with the payload
// part left empty (RFC 7515 appendix F): manifest.jws sits beside
// manifest.json and covers its exact bytes.
func SignDetached(payload []byte, key *rsa.PrivateKey) (string, error) {
	kid, err := KeyID(&key.PublicKey)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithHeader("kid", kid).WithType("homolog-manifest+jws"))
	if err != nil {
		return "", fmt.Errorf("evidence: signer: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("evidence: sign manifest: %w", err)
	}
	s, err := obj.DetachedCompactSerialize()
	if err != nil {
		return "", fmt.Errorf("evidence: sign manifest: %w", err)
	}
	return s, nil
}

// VerifyDetached checks a detached compact JWS over payload with pub and
// returns the kid it names. Only RS256 is accepted.
func VerifyDetached(sig string, payload []byte, pub *rsa.PublicKey) (string, error) {
	obj, err := jose.ParseDetached(sig, payload, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return "", fmt.Errorf("not a detached RS256 JWS: %w", err)
	}
	if len(obj.Signatures) != 1 {
		return "", fmt.Errorf("want exactly one signature, found %d", len(obj.Signatures))
	}
	kid := obj.Signatures[0].Header.KeyID
	if err := obj.DetachedVerify(payload, pub); err != nil {
		return kid, errors.New("the signature does not match manifest.json with this public key")
	}
	return kid, nil
}

// EncodePublicKey returns pub as a PKIX PEM block ("PUBLIC KEY").
func EncodePublicKey(pub *rsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("evidence: encode public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePublicKey reads an RSA public key from PEM: PKIX "PUBLIC KEY" (what
// openssl rsa -pubout writes and Stone receives) or PKCS#1 "RSA PUBLIC KEY".
func ParsePublicKey(data []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("not a PEM file: expected -----BEGIN PUBLIC KEY-----")
	}
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("invalid public key: %w", err)
		}
		pub, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("the key is %T, not RSA", k)
		}
		return pub, nil
	case "RSA PUBLIC KEY":
		pub, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("invalid RSA public key: %w", err)
		}
		return pub, nil
	default:
		return nil, fmt.Errorf("PEM block %q is not a public key", block.Type)
	}
}
