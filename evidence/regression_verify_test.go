package evidence

import (
	"crypto/rand"
	"crypto/rsa"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func reviewBundle(t *testing.T) (string, *rsa.PrivateKey) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	dir := filepath.Join(t.TempDir(), "b")
	os.MkdirAll(dir, 0o755)
	rec, err := NewRecorder(RecorderOptions{Dir: dir, Redactor: NewRedactor([]byte("k"), RedactOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	rec.Start(&Report{RunID: "r"})
	rep, err := rec.Finish(Outcome{Status: "passed", Complete: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteReports(dir, rep, Renderers()); err != nil {
		t.Fatal(err)
	}
	h, n := rec.JournalHead()
	if err := Seal(dir, &Manifest{RunID: "r", StartedAt: time.Now(), Journal: JournalInfo{Lines: n, Head: h}}, key); err != nil {
		t.Fatal(err)
	}
	return dir, key
}

// A bundle reached through a symlink (reports/latest) verifies.
func TestVerifyThroughSymlink(t *testing.T) {
	dir, key := reviewBundle(t)
	v, _ := Verify(dir, &key.PublicKey)
	if !v.OK() {
		t.Fatalf("bundle itself: %+v", v.Checks)
	}
	link := filepath.Join(t.TempDir(), "latest")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	v, err := Verify(link, &key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK() {
		t.Errorf("intact bundle reached through a symlink does not verify: %+v", v.Checks)
	}
}

// After a journal write error (disk full, I/O error) the journal and the
// manifest still agree on its lines, so the run's own bundle does not read
// as tampered.
func TestJournalWriteErrorBundleVerifies(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	dir := filepath.Join(t.TempDir(), "b")
	os.MkdirAll(dir, 0o755)
	rec, _ := NewRecorder(RecorderOptions{Dir: dir, Redactor: NewRedactor([]byte("k"), RedactOptions{})})
	rec.Start(&Report{RunID: "r"})
	// Simulate the failing device: the next write returns an error, 0 bytes written.
	good := rec.journal.f
	bad, _ := os.Open(os.DevNull) // read-only: Write fails
	rec.journal.f = bad
	if err := rec.ScenarioStarted("s"); err == nil {
		t.Fatal("want a write error")
	}
	rec.journal.f = good
	rep, _ := rec.Finish(Outcome{Status: "incomplete", IncompleteReason: "the journal stopped"})
	WriteReports(dir, rep, Renderers())
	h, n := rec.JournalHead()
	if err := Seal(dir, &Manifest{RunID: "r", Journal: JournalInfo{Lines: n, Head: h}}, key); err != nil {
		t.Fatal(err)
	}
	v, _ := Verify(dir, &key.PublicKey)
	if !v.OK() {
		t.Errorf("bundle of a run whose journal stopped does not verify: %+v", v.Checks)
	}
}
