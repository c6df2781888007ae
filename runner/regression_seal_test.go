package runner

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/features"
)

func copyFeatures(t *testing.T) string {
	dir := t.TempDir()
	for _, n := range []string{"01-authenticate.feature", "02-read-account.feature"} {
		b, err := features.FS.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A feature file removed while the run is going changes nothing: the run
// uses the script it read at the start, and its bundle verifies.
func TestFeatureDeletedMidRunStillVerifies(t *testing.T) {
	keyPath, pub := partnerKey(t)
	fdir := copyFeatures(t)
	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Client.PrivateKeyFile = keyPath
	cfg.Features.Dir = fdir
	var once sync.Once
	opts := Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: &syncBuffer{}, Lookup: noEnv}, Version: "test",
		Transport: faultTransport{func(r *http.Request) {
			if filepath.Base(r.URL.Path) == "balance" {
				once.Do(func() { os.Remove(filepath.Join(fdir, "02-read-account.feature")) })
			}
		}}}
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := evidence.Verify(res.Bundle, pub)
	t.Logf("exit %d, verify ok=%v, output:\n%s", res.ExitCode, v.OK(), opts.Env.Stdout.(*syncBuffer).String())
	if !v.OK() && res.ExitCode == ExitPassed {
		t.Errorf("bundle does not verify (%+v) but exit code is 0", v.Checks)
	}
}

// A feature file edited during the run: the manifest records the hash of
// the script that ran, not of the edited file.
func TestFeatureHashesAreOfTheScriptThatRan(t *testing.T) {
	keyPath, _ := partnerKey(t)
	fdir := copyFeatures(t)
	orig, _ := os.ReadFile(filepath.Join(fdir, "02-read-account.feature"))
	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Client.PrivateKeyFile = keyPath
	cfg.Features.Dir = fdir
	var once sync.Once
	opts := Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: &syncBuffer{}, Lookup: noEnv}, Version: "test",
		Transport: faultTransport{func(r *http.Request) {
			if filepath.Base(r.URL.Path) == "balance" {
				once.Do(func() {
					os.WriteFile(filepath.Join(fdir, "02-read-account.feature"), append(orig, []byte("\n# edited\n")...), 0o644)
				})
			}
		}}}
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var m evidence.Manifest
	b, _ := os.ReadFile(filepath.Join(res.Bundle, evidence.ManifestFile))
	json.Unmarshal(b, &m)
	for _, f := range m.Features {
		if f.Path == "02-read-account.feature" && f.SHA256 != evidence.SHA256(orig) {
			t.Errorf("manifest hashes the feature as edited after the run started (%s), not the script that ran (%s)", f.SHA256[:12], evidence.SHA256(orig)[:12])
		}
	}
}

// TestSealFailureIsIncomplete: when the bundle cannot be finished (here a
// folder squats on report.json's name), the run cannot claim to have
// passed: exit 3 and a message, whatever the scenarios did.
func TestSealFailureIsIncomplete(t *testing.T) {
	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Tags = "@stage-1"
	var once sync.Once
	fault := func(*http.Request) {
		once.Do(func() {
			bundles, _ := filepath.Glob(filepath.Join(cfg.Out, "*"))
			for _, b := range bundles {
				_ = os.Mkdir(filepath.Join(b, "report.json"), 0o755)
			}
		})
	}
	out := &syncBuffer{}
	res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: out, Lookup: noEnv}, Transport: faultTransport{fault}})
	require.NoError(t, err)
	assert.Equal(t, ExitIncomplete, res.ExitCode)
	assert.Contains(t, out.String(), "the bundle is incomplete")
}
