package evidence

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzVerify feeds arbitrary manifests, signatures and journals to Verify:
// whatever a bundle holds, Verify answers with checks (never a panic), and
// garbage never verifies.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"schema":"homolog.manifest/v1","files":{}}`), []byte("eyJhbGciOiJSUzI1NiJ9..c2ln"), []byte(`{"seq":1,"prev":"`+GenesisHash+`"}`+"\n"))
	f.Add([]byte(`{}`), []byte(""), []byte("\n\n"))
	f.Add([]byte(`{"schema":"homolog.manifest/v1","journal":{"lines":1}}`), []byte("a.b.c"), []byte(`{"seq":1}`))
	key := testKey(f)
	f.Fuzz(func(t *testing.T, manifest, sig, journal []byte) {
		dir := t.TempDir()
		for name, data := range map[string][]byte{ManifestFile: manifest, SignatureFile: sig, JournalFile: journal} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		v, err := Verify(dir, &key.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		if v.OK() {
			t.Fatalf("an unsigned, made-up bundle verified: %+v", v.Checks)
		}
	})
}
