package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes data to a temporary file in the same directory and
// renames it over path, so a reader (or a crash) never sees a half-written
// file.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("evidence: write %s: %w", base, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("evidence: write %s: %w", base, err)
	}
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("evidence: write %s: %w", base, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("evidence: write %s: %w", base, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("evidence: write %s: %w", base, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("evidence: write %s: %w", base, err)
	}
	return nil
}

// BodiesDir is where large bodies go, named by the SHA-256 of their
// (redacted) content.
const BodiesDir = "bodies"

// storeBody writes a redacted body under bodies/ and returns its reference.
// Content addressing makes repeated bodies free and the reference itself a
// hash the manifest can check.
func storeBody(bundleDir string, body []byte) (string, error) {
	sum := sha256.Sum256(body)
	name := hex.EncodeToString(sum[:])
	rel := BodiesDir + "/" + name
	dir := filepath.Join(bundleDir, BodiesDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("evidence: store body: %w", err)
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return rel, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("evidence: store body: %w", err)
	}
	if err := WriteFileAtomic(path, body, 0o644); err != nil {
		return "", err
	}
	return rel, nil
}
