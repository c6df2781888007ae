package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/openbank-homolog/homolog/runner"
)

// stoneKeyBits is what Stone's registration asks for.
const stoneKeyBits = 4096

func newKeysCmd(s streams) *cobra.Command {
	keys := &cobra.Command{Use: "keys", Short: "Manage the application's key pair"}
	var out string
	gen := &cobra.Command{
		Use:   "generate",
		Short: "Generate an RSA 4096 key pair for Stone registration",
		Long: `Generate an RSA 4096 key pair: private.pem (mode 0600, PKCS#1, keep it secret;
it signs client assertions, consent JWTs and evidence bundles) and public.pem
(PKIX; send it to Stone in the integration form). Existing files are never
overwritten.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			priv, pub := filepath.Join(out, "private.pem"), filepath.Join(out, "public.pem")
			for _, p := range []string{priv, pub} {
				if _, err := os.Stat(p); err == nil {
					return &runner.ConfigError{File: p, Err: errors.New("already exists; move it away or choose another --out")}
				} else if !errors.Is(err, fs.ErrNotExist) {
					return &runner.ConfigError{File: p, Err: unwrapPath(err)}
				}
			}
			if err := os.MkdirAll(out, 0o700); err != nil {
				return &runner.ConfigError{File: out, Field: "--out", Err: unwrapPath(err)}
			}
			key, err := rsa.GenerateKey(rand.Reader, stoneKeyBits)
			if err != nil {
				return fmt.Errorf("generate key: %w", err)
			}
			pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
			if err != nil {
				return fmt.Errorf("encode public key: %w", err)
			}
			if err := writeNew(priv, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
				return err
			}
			if err := writeNew(pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(s.out, "private key: %s (0600, keep it secret)\npublic key:  %s (send this one to Stone)\n", priv, pub)
			return nil
		},
	}
	gen.Flags().StringVar(&out, "out", ".", "folder for private.pem and public.pem")
	keys.AddCommand(gen)
	return keys
}

// writeNew creates path exclusively (never overwriting a key) through a
// temporary file, so a crash leaves no half-written key behind.
func writeNew(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".homolog-key-*")
	if err != nil {
		return &runner.ConfigError{File: path, Err: unwrapPath(err)}
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return &runner.ConfigError{File: path, Err: err}
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return &runner.ConfigError{File: path, Err: err}
	}
	if err := tmp.Sync(); err != nil { // a crash must not leave an empty key behind
		tmp.Close()
		return &runner.ConfigError{File: path, Err: err}
	}
	if err := tmp.Close(); err != nil {
		return &runner.ConfigError{File: path, Err: err}
	}
	// Link fails if path exists, unlike Rename: no key is ever replaced.
	if err := os.Link(tmp.Name(), path); err != nil {
		return &runner.ConfigError{File: path, Err: unwrapPath(err)}
	}
	return nil
}
