package evidence

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// largeBundle is a signed bundle holding a 64 MiB body and a journal of
// about 16 MiB: verify must hash and walk them without holding either.
func largeBundle(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	require.NoError(tb, os.Mkdir(filepath.Join(dir, BodiesDir), 0o755))
	f, err := os.Create(filepath.Join(dir, BodiesDir, "large"))
	require.NoError(tb, err)
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	for range 64 {
		_, err := f.Write(chunk)
		require.NoError(tb, err)
	}
	require.NoError(tb, f.Close())

	j, err := OpenJournal(filepath.Join(dir, JournalFile), func() time.Time { return time.Unix(1_800_000_000, 0) })
	require.NoError(tb, err)
	data := map[string]string{"body": string(bytes.Repeat([]byte("x"), 1000))}
	for range 16_000 {
		_, err := j.Append(EventHTTP, "sc", "st", data)
		require.NoError(tb, err)
	}
	head, lines := j.Head()
	require.NoError(tb, j.Close())
	m := &Manifest{RunID: "large", Status: "passed", Complete: true, Journal: JournalInfo{Lines: lines, Head: head}}
	require.NoError(tb, Seal(dir, m, testKey(tb)))
	return dir
}

// TestVerifyMemoryStaysFlat: verifying a bundle with a 64 MiB file and a
// 16 MiB journal allocates a small fraction of either (it used to read
// each whole).
func TestVerifyMemoryStaysFlat(t *testing.T) {
	dir := largeBundle(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v, err := Verify(dir, nil)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	checks, _ := json.Marshal(v.Checks)
	require.True(t, v.OK(), "%s", checks)
	allocated := after.TotalAlloc - before.TotalAlloc
	const bound = 1 << 20
	require.Less(t, allocated, uint64(bound), "verify allocated %d KiB for a bundle of 80 MiB", allocated>>10)
}

// FuzzJournalLink: what verify reads from a journal line without decoding
// it agrees with encoding/json.
func FuzzJournalLink(f *testing.F) {
	f.Add([]byte(`{"seq":1,"time":"2026-11-28T10:15:00Z","kind":"run_start","data":{"a":"\"x\""},"prev":"00"}`))
	f.Add([]byte(`{"seq":2,"prev":"ab","seq":3}`))
	f.Add([]byte(`{"seq":1.5,"prev":"a"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		seq, prev, ok := journalLink(line)
		if !ok {
			return
		}
		// encoding/json matches member names in any case; a journal's are
		// exact, and journalLink reads only "seq" and "prev".
		low := bytes.ToLower(line)
		for _, k := range []string{`"seq"`, `"prev"`} {
			if bytes.Count(low, []byte(k)) != bytes.Count(line, []byte(k)) {
				return
			}
		}
		var e struct {
			Seq  int64  `json:"seq"`
			Prev string `json:"prev"`
		}
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("journalLink accepted %q, encoding/json: %v", line, err)
		}
		if e.Seq != seq || e.Prev != string(prev) {
			t.Fatalf("%q: journalLink %d %q, encoding/json %d %q", line, seq, prev, e.Seq, e.Prev)
		}
	})
}

// TestVerifyEmptyFolderIsNotABundle: a folder with neither manifest nor
// journal is not a bundle (usage), while a journal without a manifest is a
// run that never sealed (a failed check).
func TestVerifyEmptyFolderIsNotABundle(t *testing.T) {
	_, err := Verify(t.TempDir(), nil)
	require.ErrorIs(t, err, ErrNotBundle)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, JournalFile), nil, 0o644))
	v, err := Verify(dir, nil)
	require.NoError(t, err)
	require.False(t, v.OK())
}
