package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// ManifestSchema versions manifest.json.
const ManifestSchema = "homolog.manifest/v1"

// Bundle file names that the manifest does not list by hash: the manifest
// itself and its signature.
const (
	ManifestFile  = "manifest.json"
	SignatureFile = "manifest.jws"
	PublicKeyFile = "public-key.pem"
	PlanFile      = "plan.yaml"
)

// Manifest is manifest.json: what was run, by whom, against what, and the
// SHA-256 of every other file of the bundle. The detached signature in
// manifest.jws covers it byte for byte, so one signature covers the whole
// bundle.
type Manifest struct {
	Schema          string       `json:"schema"`
	RunID           string       `json:"run_id"`
	Tool            Tool         `json:"tool"`
	Target          Target       `json:"target"`
	ClientID        string       `json:"client_id"`
	Operator        string       `json:"operator,omitempty"`
	Signoff         *Signoff     `json:"signoff,omitempty"`
	StartedAt       time.Time    `json:"started_at"`
	FinishedAt      time.Time    `json:"finished_at"`
	ClockOffset     *ClockOffset `json:"clock_offset,omitempty"`
	Features        []HashedFile `json:"features"`
	BuiltinFeatures []HashedFile `json:"builtin_features"` // the script built into this homolog in the run's language, to tell a custom script anywhere
	// BuiltinScripts hashes the built-in script in every language this
	// homolog speaks ("en", "pt-BR"); Lang is the run's, whose script
	// BuiltinFeatures is.
	BuiltinScripts   map[string][]HashedFile `json:"builtin_scripts,omitempty"`
	Lang             string                  `json:"lang,omitempty"`
	FeaturesSource   string                  `json:"features_source"`
	FeaturesCommit   string                  `json:"features_commit,omitempty"`
	Plan             PlanInfo                `json:"plan"`
	Coverage         *Coverage               `json:"coverage"` // what the run covered: its verdict's scope
	Status           string                  `json:"status"`
	Complete         bool                    `json:"complete"`
	IncompleteReason string                  `json:"incomplete_reason,omitempty"`
	ExitCode         int                     `json:"exit_code"`
	Journal          JournalInfo             `json:"journal"`
	KeyID            string                  `json:"kid"`
	Files            map[string]string       `json:"files"` // bundle-relative path → SHA-256 hex
}

// Signoff names the people answering for the run (from scenarios.yaml).
type Signoff struct {
	Operator    string `json:"operator,omitempty" yaml:"operator"`
	Approver    string `json:"approver,omitempty" yaml:"approver"`
	Role        string `json:"role,omitempty" yaml:"role"`
	Environment string `json:"environment,omitempty" yaml:"environment"`
}

// ClockOffset is how far the server's clock (its Date headers) was from the
// local one, so an auditor can line up the journal's timestamps with Stone's
// logs.
type ClockOffset struct {
	ServerMinusLocalMS int64  `json:"server_minus_local_ms"`
	Samples            int    `json:"samples"`
	Source             string `json:"source"`
}

// HashedFile is a file outside the bundle that the run depended on.
type HashedFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// PlanInfo identifies the plan: the file read and the effective plan after
// environment and flags (written to the bundle as plan.yaml).
type PlanInfo struct {
	Source       string `json:"source"`
	SourceSHA256 string `json:"source_sha256,omitempty"`
}

// JournalInfo pins the journal: its line count and the hash of its last
// line, the head of the chain.
type JournalInfo struct {
	Lines int64  `json:"lines"`
	Head  string `json:"head"`
}

// HashBundle returns the SHA-256 of every regular file under dir except the
// manifest and its signature, keyed by slash-separated relative path.
// Temporary files of an interrupted write are hashed too: they are part of
// what is on disk, and verify reports them.
func HashBundle(dir string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() || rel == ManifestFile || rel == SignatureFile {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", rel)
		}
		sum, err := hashFile(path)
		if err != nil {
			return err
		}
		files[rel] = sum
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("evidence: hash bundle: %w", err)
	}
	return files, nil
}

// hashDurable is HashBundle for Seal: it also makes every file and
// folder of the bundle durable (fsync), several at a time, so that a run
// waits for the disk about once rather than once per file.
func hashDurable(dir string) (map[string]string, error) {
	var files, dirs []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			dirs = append(dirs, path)
		case rel == ManifestFile || rel == SignatureFile:
		case !d.Type().IsRegular():
			return fmt.Errorf("%s is not a regular file", rel)
		default:
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("evidence: hash bundle: %w", err)
	}
	sums := make([]string, len(files))
	err = parallel(len(files), func(i int) error {
		f, err := os.Open(files[i])
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		sums[i] = hex.EncodeToString(h.Sum(nil))
		return f.Sync()
	})
	if err == nil {
		err = syncPaths(nil, dirs)
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: hash bundle: %w", err)
	}
	out := make(map[string]string, len(files))
	for i, path := range files {
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = sums[i]
	}
	return out, nil
}

// syncPaths makes files and folders durable, side by side. A folder that
// cannot be synced (Windows opens none for writing) is not an error: its
// entries were renamed into place and the files themselves are synced.
func syncPaths(files, dirs []string) error {
	paths := append(append([]string(nil), files...), dirs...)
	return parallel(len(paths), func(i int) error {
		f, err := os.Open(paths[i])
		if err != nil {
			if i >= len(files) {
				return nil
			}
			return err
		}
		defer f.Close()
		if err := f.Sync(); err != nil && i < len(files) {
			return err
		}
		return nil
	})
}

// parallel runs f(0..n-1) on a few goroutines and returns the first error.
func parallel(n int, f func(i int) error) error {
	const workers = 8
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				errs[i] = f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// hashFile hashes a file as a stream: a bundle may hold bodies of any
// size, and verify's memory must not grow with them.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// SHA256 is the lowercase hex SHA-256 of data.
func SHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// MarshalManifest encodes m deterministically (sorted map keys, indented).
func MarshalManifest(m *Manifest) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("evidence: manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
