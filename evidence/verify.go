package evidence

import (
	"bufio"
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Check is one thing verify looked at.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Verification is the outcome of Verify: every check made, in order.
type Verification struct {
	Dir      string    `json:"bundle"`
	Verdict  string    `json:"verdict,omitempty"` // the run's verdict with its scope, as recomputed from the manifest
	Checks   []Check   `json:"checks"`
	Manifest *Manifest `json:"-"`
	// KeySource says which key the signature was checked with: the one the
	// auditor passed (proof of authorship) or the one inside the bundle
	// (proof of integrity only).
	KeySource string `json:"key_source"`
}

// OK reports whether every check passed.
func (v *Verification) OK() bool {
	for _, c := range v.Checks {
		if !c.OK {
			return false
		}
	}
	return len(v.Checks) > 0
}

func (v *Verification) add(name string, ok bool, format string, args ...any) {
	v.Checks = append(v.Checks, Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
}

// ErrNotBundle means the path is not a bundle folder at all (a usage error,
// not tampering).
var ErrNotBundle = errors.New("not a bundle folder")

// VerifyOptions are what verify is given besides the bundle.
type VerifyOptions struct {
	// PublicKey is the partner's public key as Stone holds it; nil falls
	// back to the key inside the bundle, which proves the bundle is intact
	// but not who made it.
	PublicKey *rsa.PublicKey
	// Documented returns the hosts Stone documents for a target, so that
	// verify judges whether a run's hosts were Stone's by itself rather
	// than trust the manifest's word; nil leaves that to the manifest.
	Documented func(target string) (Target, bool)
}

// Verify checks a bundle offline: the signature over manifest.json, the
// hash of every file, that no file was added or removed, and the journal's
// hash chain line by line. pub is the partner's public key as Stone holds
// it; nil falls back to the key inside the bundle.
func Verify(dir string, pub *rsa.PublicKey) (*Verification, error) {
	return VerifyWith(dir, VerifyOptions{PublicKey: pub})
}

// VerifyWith is Verify with options; it also recomputes the scope of the
// run's verdict from the manifest (its feature hashes against the built-in
// script's, its hosts against Stone's) and checks the manifest says the
// same.
func VerifyWith(dir string, opts VerifyOptions) (*Verification, error) {
	pub := opts.PublicKey
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotBundle)
	}
	v := &Verification{Dir: dir}
	// A bundle reached through a link (reports/latest) is the folder it
	// points to; walking the link itself would see no files.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	manifestBytes, merr := os.ReadFile(filepath.Join(dir, ManifestFile))
	if merr != nil && errors.Is(merr, fs.ErrNotExist) {
		// Neither a manifest nor a journal: not a bundle at all (a usage
		// error), as opposed to a run killed before it sealed.
		if _, err := os.Lstat(filepath.Join(dir, JournalFile)); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w (no %s and no %s)", v.Dir, ErrNotBundle, ManifestFile, JournalFile)
		}
	}
	if merr != nil {
		v.add("manifest", false, "%s is missing: the run did not finish writing its bundle (killed?)", ManifestFile)
		v.verifyJournal(dir, nil)
		return v, nil
	}
	var m Manifest
	if err := json.Unmarshal(manifestBytes, &m); err != nil || m.Schema != ManifestSchema {
		v.add("manifest", false, "%s is not a %s manifest: %v", ManifestFile, ManifestSchema, err)
		return v, nil
	}
	v.Manifest = &m
	v.add("manifest", true, "run %s, target %s, client %s, %s", m.RunID, m.Target.Name, m.ClientID, completeness(&m))

	v.verifySignature(dir, manifestBytes, &m, pub)
	v.verifyFiles(dir, &m)
	v.verifyJournal(dir, &m)
	v.verifyCoverage(&m, opts.Documented)
	return v, nil
}

// verifyCoverage recomputes what the manifest says the run covered from
// the manifest's own facts, and states the verdict with that scope.
func (v *Verification) verifyCoverage(m *Manifest, documented func(string) (Target, bool)) {
	c := Coverage{Target: m.Target.Name}
	if m.Coverage != nil {
		c = *m.Coverage
	}
	c.Custom = CustomDiff(m.Features, m.BuiltinFeatures)
	if m.BuiltinFeatures == nil {
		c.Custom = nil // an older bundle: nothing to compare with
	}
	if documented != nil {
		c.OffTarget = nil
		if doc, ok := documented(m.Target.Name); ok {
			c.OffTarget = OffTargetHosts(m.Target, doc)
		}
	}
	v.Verdict = Verdict(Marker(m.Status, m.Complete), &c)
	if m.Coverage == nil {
		// A bundle from a homolog that did not record its coverage is
		// intact or not like any other; its scope just cannot be told.
		v.Verdict += " (scope unknown: this bundle does not record what its run covered)"
		v.add("coverage", true, "not recorded by the homolog that made this bundle")
		return
	}
	if !slices.Equal(c.Custom, m.Coverage.Custom) || !slices.Equal(c.OffTarget, m.Coverage.OffTarget) || c.Target != m.Target.Name {
		v.add("coverage", false, "the manifest says %q but its own feature hashes and hosts say %q", Verdict(Marker(m.Status, m.Complete), m.Coverage), v.Verdict)
		return
	}
	families := ""
	if w := c.FamiliesWords(); w != "" {
		families = " of the authorised families " + w
	}
	v.add("coverage", true, "%d of %d scenarios%s; the scope the manifest states agrees with its feature hashes and hosts", c.Scenarios, c.Of, families)
}

func completeness(m *Manifest) string {
	if m.Complete {
		return "complete, status " + m.Status
	}
	return "INCOMPLETE (" + m.IncompleteReason + "), status " + m.Status
}

func (v *Verification) verifySignature(dir string, manifest []byte, m *Manifest, pub *rsa.PublicKey) {
	sig, err := os.ReadFile(filepath.Join(dir, SignatureFile))
	if err != nil {
		v.add("signature", false, "%s is missing: the bundle is unsigned", SignatureFile)
		return
	}
	v.KeySource = "the public key given with --public-key"
	if pub == nil {
		v.KeySource = PublicKeyFile + " inside the bundle (integrity only: pass --public-key with the key Stone holds to prove authorship)"
		data, err := os.ReadFile(filepath.Join(dir, PublicKeyFile))
		if err != nil {
			v.add("signature", false, "no --public-key given and %s is missing", PublicKeyFile)
			return
		}
		if pub, err = ParsePublicKey(data); err != nil {
			v.add("signature", false, "%s: %v", PublicKeyFile, err)
			return
		}
	}
	want, err := KeyID(pub)
	if err != nil {
		v.add("signature", false, "%v", err)
		return
	}
	kid, err := VerifyDetached(string(bytes.TrimSpace(sig)), manifest, pub)
	switch {
	case err != nil:
		v.add("signature", false, "%s: %v", SignatureFile, err)
	case kid != want:
		v.add("signature", false, "%s names key %q but was checked with key %q", SignatureFile, kid, want)
	case m.KeyID != want:
		v.add("signature", false, "%s names signing key %q, the signature was made with %q", ManifestFile, m.KeyID, want)
	default:
		v.add("signature", true, "RS256 over %s by key %s (checked with %s)", ManifestFile, kid, v.KeySource)
	}
}

func (v *Verification) verifyFiles(dir string, m *Manifest) {
	onDisk, err := HashBundle(dir)
	if err != nil {
		v.add("files", false, "%v", err)
		return
	}
	bad := 0
	for _, name := range sortedKeys(m.Files) {
		got, ok := onDisk[name]
		switch {
		case !ok:
			v.add("file "+name, false, "listed in the manifest but missing")
			bad++
		case got != m.Files[name]:
			v.add("file "+name, false, "SHA-256 is %s, the manifest says %s: the file was changed", got, m.Files[name])
			bad++
		}
	}
	for _, name := range sortedKeys(onDisk) {
		if _, ok := m.Files[name]; !ok {
			v.add("file "+name, false, "present in the bundle but not in the manifest: the file was added")
			bad++
		}
	}
	if bad == 0 {
		v.add("files", true, "%d files match their SHA-256 in the manifest, none added or missing", len(m.Files))
	}
}

// verifyJournal walks the hash chain: each line's prev must be the SHA-256
// of the line before, and sequence numbers must count up from 1. With a
// manifest, the line count and the last line's hash must match it too. The
// journal is read as a stream, one line at a time: its size does not
// matter, only its longest line's.
func (v *Verification) verifyJournal(dir string, m *Manifest) {
	f, err := os.Open(filepath.Join(dir, JournalFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			v.add("journal", false, "%s is missing", JournalFile)
		} else {
			v.add("journal", false, "%s: %v", JournalFile, err)
		}
		return
	}
	defer f.Close()
	prev := []byte(GenesisHash)
	var n int64
	rd := bufio.NewReaderSize(f, 64<<10)
	var line []byte
	var sum [sha256.Size]byte
	var hexSum [2 * sha256.Size]byte
	for {
		chunk, err := rd.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: gather it (bounded below).
			line = append(line, chunk...)
			if len(line) > maxJournalLine {
				v.add("journal", false, "%s line %d is longer than %d MiB: not a journal written by homolog", JournalFile, n+1, maxJournalLine>>20)
				return
			}
			continue
		}
		if len(line) > 0 {
			line = append(line, chunk...)
			chunk, line = line, line[:0]
		}
		if err != nil && !errors.Is(err, io.EOF) {
			v.add("journal", false, "%s: %v", JournalFile, err)
			return
		}
		if len(chunk) == 0 {
			break // end of file after a complete line
		}
		n++
		if chunk[len(chunk)-1] != '\n' {
			v.add("journal", false, "%s ends in the middle of line %d: truncated", JournalFile, n)
			return
		}
		body := chunk[:len(chunk)-1]
		// Only what the chain needs is read, without allocating: the
		// journal's size must not matter.
		seq, linePrev, ok := journalLink(body)
		if !ok {
			var e Entry
			err := json.Unmarshal(body, &e) // for the message only
			v.add("journal", false, "%s line %d is not a journal entry (truncated or edited): %v", JournalFile, n, err)
			return
		}
		if seq != n {
			v.add("journal", false, "%s line %d has seq %d: a line was removed, added or moved", JournalFile, n, seq)
			return
		}
		if string(linePrev) != string(prev) {
			v.add("journal", false, "%s line %d: prev %s is not the SHA-256 of line %d (%s): the chain is broken here", JournalFile, n, short(string(linePrev)), n-1, short(string(prev)))
			return
		}
		sum = sha256.Sum256(body)
		hex.Encode(hexSum[:], sum[:])
		prev = hexSum[:]
		if err != nil { // io.EOF after a final line: handled above
			break
		}
	}
	if m == nil {
		v.add("journal", true, "chain intact over %d lines (no manifest to pin its end)", n)
		return
	}
	if n != m.Journal.Lines || string(prev) != m.Journal.Head {
		v.add("journal", false, "%s has %d lines ending in %s; the manifest says %d lines ending in %s: lines were removed or added at the end", JournalFile, n, short(string(prev)), m.Journal.Lines, short(m.Journal.Head))
		return
	}
	v.add("journal", true, "hash chain intact over %d lines, head %s matches the manifest", n, short(string(prev)))
}

// maxJournalLine bounds one journal line in verify, as the scanner did:
// bodies over 4 KiB live in bodies/, so a real line is far shorter.
const maxJournalLine = 64 << 20

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
