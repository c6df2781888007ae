package evidence

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKey is generated once per test binary: RSA generation is slow and the
// key's value does not matter.
func testKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return k
}

// makeBundle writes a small but complete bundle: a journal with exchanges
// (one body large enough to go to bodies/), the reports and a signed
// manifest.
func makeBundle(t *testing.T, key *rsa.PrivateKey) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-request-id", "req-1")
		if r.URL.Path == "/big" {
			_, _ = w.Write(bytes.Repeat([]byte("statement "), 1000))
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()

	dir := t.TempDir()
	rec, err := NewRecorder(RecorderOptions{Dir: dir, Redactor: NewRedactor([]byte("k"), RedactOptions{})})
	require.NoError(t, err)
	step := &Step{ID: "s1", Keyword: "When ", Text: "something happens", Line: 3}
	rep := &Report{RunID: "run1", ClientID: "client", Target: Target{Name: "simulator"},
		Features: []*Feature{{URI: "a.feature", Name: "A", Scenarios: []*Scenario{{ID: "sc1", Name: "One", Line: 2, Steps: []*Step{step}}}}}}
	require.NoError(t, rec.Start(rep))
	require.NoError(t, rec.ScenarioStarted("sc1"))
	require.NoError(t, rec.StepStarted("sc1", "s1"))
	hc := &http.Client{Transport: rec.Transport(nil)}
	ctx := WithScope(context.Background(), Scope{Scenario: "sc1", Step: "s1"})
	for _, p := range []string{"/small", "/big"} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+p, nil)
		resp, err := hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	require.NoError(t, rec.StepFinished("sc1", "s1", StatusPassed, ""))
	require.NoError(t, rec.ScenarioFinished("sc1", StatusPassed, "", ""))
	final, err := rec.Finish(Outcome{Status: "passed", Complete: true})
	require.NoError(t, err)
	require.NoError(t, WriteReports(dir, final, Renderers()))
	head, lines := rec.JournalHead()
	require.NoError(t, Seal(dir, &Manifest{RunID: "run1", Target: final.Target, Status: "passed", Complete: true,
		StartedAt: final.StartedAt, FinishedAt: final.FinishedAt, Journal: JournalInfo{Lines: lines, Head: head}}, key))
	return dir
}

func bundleFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	}))
	sort.Strings(files)
	return files
}

func failed(v *Verification) []string {
	var out []string
	for _, c := range v.Checks {
		if !c.OK {
			out = append(out, c.Name+": "+c.Detail)
		}
	}
	return out
}

func TestVerifyIntactBundle(t *testing.T) {
	key := testKey(t)
	dir := makeBundle(t, key)
	v, err := Verify(dir, &key.PublicKey)
	require.NoError(t, err)
	assert.True(t, v.OK(), "%v", failed(v))
	assert.Contains(t, v.KeySource, "--public-key")
	assert.Contains(t, bundleFiles(t, dir), "bodies/"+SHA256(bytes.Repeat([]byte("statement "), 1000)), "large bodies go to bodies/<sha256>")
	for _, f := range bundleFiles(t, dir) {
		assert.NotContains(t, f, ".tmp-", "no temporary file is left behind")
	}
}

// TestVerifyCatchesEveryByteFlip flips one byte in each file of the bundle
// in turn; every flip must be caught and the message must name the file.
func TestVerifyCatchesEveryByteFlip(t *testing.T) {
	key := testKey(t)
	dir := makeBundle(t, key)
	files := bundleFiles(t, dir)
	require.GreaterOrEqual(t, len(files), 10)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			path := filepath.Join(dir, f)
			orig, err := os.ReadFile(path)
			require.NoError(t, err)
			defer os.WriteFile(path, orig, 0o644)
			flipped := append([]byte(nil), orig...)
			flipped[len(flipped)/2] ^= 0x01
			require.NoError(t, os.WriteFile(path, flipped, 0o644))

			v, err := Verify(dir, &key.PublicKey)
			require.NoError(t, err)
			require.False(t, v.OK(), "flipping a byte of %s went unnoticed", f)
			problems := strings.Join(failed(v), "\n")
			switch f {
			case ManifestFile, SignatureFile:
				assert.Contains(t, problems, "signature")
			default:
				assert.Contains(t, problems, f)
			}
		})
	}
}

func rewriteJournal(t *testing.T, dir string, edit func(lines []string) []string) {
	t.Helper()
	path := filepath.Join(dir, JournalFile)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	lines = edit(lines)
	out := strings.Join(lines, "\n")
	if len(lines) > 0 {
		out += "\n"
	}
	require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
}

func TestVerifyCatchesTampering(t *testing.T) {
	partner := testKey(t)
	other := testKey(t)
	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		want   []string // each must appear in the failures
	}{
		{"delete a journal line", func(t *testing.T, dir string) {
			rewriteJournal(t, dir, func(l []string) []string { return append(l[:3:3], l[4:]...) })
		}, []string{"journal.ndjson line 4", "journal: "}},
		{"edit a journal line in place", func(t *testing.T, dir string) {
			rewriteJournal(t, dir, func(l []string) []string {
				l[2] = strings.Replace(l[2], `"kind":"`, `"kind":"x`, 1)
				return l
			})
		}, []string{"journal.ndjson line 4", "chain is broken"}},
		{"swap two journal lines", func(t *testing.T, dir string) {
			rewriteJournal(t, dir, func(l []string) []string { l[2], l[3] = l[3], l[2]; return l })
		}, []string{"journal.ndjson line 3"}},
		{"truncate the journal", func(t *testing.T, dir string) {
			path := filepath.Join(dir, JournalFile)
			data, _ := os.ReadFile(path)
			require.NoError(t, os.WriteFile(path, data[:len(data)-40], 0o644))
		}, []string{"journal.ndjson", "truncated"}},
		{"drop the journal's last lines", func(t *testing.T, dir string) {
			rewriteJournal(t, dir, func(l []string) []string { return l[:len(l)-2] })
		}, []string{"the manifest says"}},
		{"replace the signature with another key's", func(t *testing.T, dir string) {
			m, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
			sig, err := SignDetached(m, other)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, SignatureFile), []byte(sig), 0o644))
		}, []string{"signature"}},
		{"garbage signature", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, SignatureFile), []byte("not-a-jws"), 0o644))
		}, []string{"signature", "not a detached RS256 JWS"}},
		{"re-signed whole with another key", func(t *testing.T, dir string) {
			var m Manifest
			data, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
			require.NoError(t, jsonUnmarshal(data, &m))
			require.NoError(t, os.Remove(filepath.Join(dir, PublicKeyFile)))
			require.NoError(t, Seal(dir, &m, other))
		}, []string{"signature"}},
		{"remove a file", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "summary.md")))
		}, []string{"file summary.md", "missing"}},
		{"add a file", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.txt"), []byte("hi"), 0o644))
		}, []string{"file extra.txt", "added"}},
		{"remove the signature", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, SignatureFile)))
		}, []string{"unsigned"}},
		{"remove the manifest", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, ManifestFile)))
		}, []string{"manifest.json is missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := makeBundle(t, partner)
			tt.tamper(t, dir)
			v, err := Verify(dir, &partner.PublicKey)
			require.NoError(t, err)
			require.False(t, v.OK(), "tampering went unnoticed")
			problems := strings.Join(failed(v), "\n")
			for _, w := range tt.want {
				assert.Contains(t, problems, w)
			}
		})
	}
}

// TestVerifyWithoutKeyProvesIntegrityOnly: a bundle re-signed by someone
// else verifies against the key it carries, which is why auditors pass the
// key Stone holds.
func TestVerifyWithoutKeyProvesIntegrityOnly(t *testing.T) {
	partner, other := testKey(t), testKey(t)
	dir := makeBundle(t, partner)
	var m Manifest
	data, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	require.NoError(t, jsonUnmarshal(data, &m))
	require.NoError(t, os.Remove(filepath.Join(dir, PublicKeyFile)))
	require.NoError(t, Seal(dir, &m, other))

	v, err := Verify(dir, nil)
	require.NoError(t, err)
	assert.True(t, v.OK())
	assert.Contains(t, v.KeySource, "integrity only")

	v, err = Verify(dir, &partner.PublicKey)
	require.NoError(t, err)
	assert.False(t, v.OK())
}

func TestVerifyNotABundle(t *testing.T) {
	_, err := Verify(filepath.Join(t.TempDir(), "nope"), nil)
	assert.ErrorIs(t, err, ErrNotBundle)
}

func TestClockOffset(t *testing.T) {
	local := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	ex := func(server time.Time) *Exchange {
		return &Exchange{StartedAt: local, FinishedAt: local.Add(200 * time.Millisecond), ServerDate: server.Format(http.TimeFormat)}
	}
	r := &Report{Setup: []*Exchange{ex(local.Add(3 * time.Second)), ex(local.Add(3 * time.Second)), ex(local.Add(-time.Hour)), {ServerDate: "garbage"}}}
	off := ClockOffsetOf(r)
	require.NotNil(t, off)
	assert.Equal(t, 3, off.Samples)
	assert.InDelta(t, 3400, off.ServerMinusLocalMS, 1, "median of the samples, not the outlier")
	assert.Nil(t, ClockOffsetOf(&Report{}))
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// Seal hashes the bundle (and makes it durable) several files at a time:
// it must pin exactly what HashBundle, which verify uses, finds.
func TestHashDurableIsHashBundle(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, BodiesDir), 0o755))
	for i := range 20 {
		name := filepath.Join(dir, BodiesDir, fmt.Sprintf("%064x", i))
		require.NoError(t, os.WriteFile(name, []byte(strings.Repeat("x", i*100)), 0o644))
	}
	for _, f := range []string{JournalFile, "report.json", ManifestFile, SignatureFile} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte(f), 0o644))
	}
	want, err := HashBundle(dir)
	require.NoError(t, err)
	got, err := hashDurable(dir)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.NotContains(t, got, ManifestFile)

	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "link")))
	_, err = hashDurable(dir)
	assert.ErrorContains(t, err, "link is not a regular file")
}
