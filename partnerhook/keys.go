package partnerhook

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-jose/go-jose/v4"

	"github.com/openbank-homolog/homolog/stone"
)

// StoneKeyBits sizes homolog's test Stone key: what Stone's own signing
// keys are checked against (stone.minStoneKeyBits) and what the simulator
// generates.
const StoneKeyBits = 2048

// StoneKeyPath is where homolog keeps its test Stone key: under homolog's
// folder of the user's configuration directory (os.UserConfigDir), so it
// stays the same across runs and a partner configures their receiver once.
func StoneKeyPath(configDir string) string {
	return filepath.Join(configDir, "homolog", "stone-test-key.pem")
}

// EnsureStoneKey reads the test Stone key at path, creating it (RSA,
// PKCS#1 PEM, mode 0600 in a 0700 folder) when there is none. created
// says it was made now. Two homologs creating it at once end up with the
// same key: the file is linked into place only if none exists, and the
// loser reads the winner's.
func EnsureStoneKey(path string) (key *rsa.PrivateKey, created bool, err error) {
	key, err = ReadStoneKey(path)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("partnerhook: test Stone key: %w", err)
	}
	key, err = rsa.GenerateKey(rand.Reader, StoneKeyBits)
	if err != nil {
		return nil, false, fmt.Errorf("partnerhook: generate the test Stone key: %w", err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := writeExclusive(path, pemBytes); err != nil {
		if errors.Is(err, fs.ErrExist) {
			key, err = ReadStoneKey(path)
			return key, false, err
		}
		return nil, false, err
	}
	return key, true, nil
}

// writeExclusive writes data to a temporary file (0600, synced) and links
// it to path, which fails if path exists: a key is never replaced.
func writeExclusive(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".stone-test-key-*")
	if err != nil {
		return fmt.Errorf("partnerhook: test Stone key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("partnerhook: test Stone key: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("partnerhook: test Stone key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("partnerhook: test Stone key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("partnerhook: test Stone key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("partnerhook: test Stone key %s: %w", path, err)
	}
	return nil
}

// ReadStoneKey reads an RSA private key from a PEM file (PKCS#1 "RSA
// PRIVATE KEY" or PKCS#8 "PRIVATE KEY").
func ReadStoneKey(path string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("partnerhook: test Stone key: %w", err)
	}
	key, err := stone.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("partnerhook: test Stone key %s: %w", path, err)
	}
	return key, nil
}

// JWKS is the public half of the test Stone key as Stone publishes its
// keys at /api/v1/discovery/keys: {"keys": [{kty RSA, use sig, alg RS256,
// kid, n, e}]}. A partner points their receiver at it.
func JWKS(pub *rsa.PublicKey) ([]byte, error) {
	kid, err := KeyID(pub)
	if err != nil {
		return nil, err
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: pub, KeyID: kid, Use: "sig", Algorithm: string(jose.RS256)}}}
	b, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("partnerhook: jwks: %w", err)
	}
	return append(b, '\n'), nil
}
