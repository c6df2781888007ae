package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes data to a temporary file in the same directory and
// renames it over path, so a reader (or a crash) never sees a half-written
// file; it returns once the data is on disk.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	return writeFile(path, data, perm, true)
}

// WriteBundleFile writes a file of a bundle being recorded the same way,
// atomically, but does not wait for the disk: Seal makes every file of the
// bundle durable at once, side by side, before it signs. Waiting for the
// disk file by file (bodies as they are recorded, each report) left a run
// idle for a tenth of a second at a time on an ordinary disk.
func WriteBundleFile(path string, data []byte, perm fs.FileMode) error {
	return writeFile(path, data, perm, false)
}

func writeFile(path string, data []byte, perm fs.FileMode, sync bool) error {
	err := replaceFile(path, perm, sync, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("evidence: write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// replaceFile has write fill a temporary file beside path, gives it perm,
// makes it durable when sync says so, and renames it to path: a reader
// sees the old file or the whole new one, never a part, and a failure
// leaves nothing behind.
func replaceFile(path string, perm fs.FileMode, sync bool, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if sync {
		if err = tmp.Sync(); err != nil {
			return err
		}
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
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
	if err := WriteBundleFile(path, body, 0o644); err != nil {
		return "", err
	}
	return rel, nil
}
