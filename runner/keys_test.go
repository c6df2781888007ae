package runner

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
)

// testBits keeps these tests' own generations short; runs use 2048.
const testBits = 1024

func TestKeyCacheGivesOneKeyPerRole(t *testing.T) {
	c := NewKeyCache(KeyCacheOptions{Bits: testBits})
	c.Prepare(keyRoles()...)
	seen := map[string]KeyRole{}
	for _, role := range keyRoles() {
		k1, err := c.Key(role)
		require.NoError(t, err)
		k2, err := c.Key(role)
		require.NoError(t, err)
		assert.Same(t, k1, k2, "%s: asked twice, made twice", role)
		n := k1.N.String()
		if other, ok := seen[n]; ok {
			t.Errorf("%s and %s are the same key", role, other)
		}
		seen[n] = role
	}
	_, err := c.Key("nobody")
	assert.ErrorContains(t, err, `no key role "nobody"`)
}

func TestKeyCacheKeepsKeysBetweenProcesses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "homolog", "ephemeral-keys")
	first, err := NewKeyCache(KeyCacheOptions{Dir: dir, Bits: testBits}).Key(KeyClient)
	require.NoError(t, err)

	fi, err := os.Stat(filepath.Join(dir, "client.pem"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "a private key is the user's alone")
	di, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	assert.Empty(t, leftovers, "no temporary file is left behind")

	// The next process reads it instead of generating one.
	again, err := NewKeyCache(KeyCacheOptions{Dir: dir, Bits: testBits}).Key(KeyClient)
	require.NoError(t, err)
	assert.True(t, again.Equal(first), "the second process generated a new key instead of reading the cached one")
}

func TestKeyCacheReplacesWhatItCannotTrust(t *testing.T) {
	other := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(mustKey(t, testBits))})
	small := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(mustKey(t, 1024))})
	tests := []struct {
		name string
		data []byte
		perm os.FileMode
		bits int
	}{
		{"readable by others", other, 0o644, testBits},
		{"not PEM", []byte("garbage"), 0o600, testBits},
		{"a public key", []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), 0o600, testBits},
		{"another size", small, 0o600, 2048},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.bits == 2048 && testing.Short() {
				t.Skip("generates a 2048-bit key")
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "stranger.pem")
			require.NoError(t, os.WriteFile(path, tt.data, tt.perm))
			require.NoError(t, os.Chmod(path, tt.perm))
			key, err := NewKeyCache(KeyCacheOptions{Dir: dir, Bits: tt.bits}).Key(KeyStranger)
			require.NoError(t, err)
			assert.Equal(t, tt.bits, key.N.BitLen())
			if tt.perm == 0o644 {
				block, _ := pem.Decode(other)
				cached, _ := x509.ParsePKCS1PrivateKey(block.Bytes)
				assert.False(t, key.Equal(cached), "a key others can read was used")
			}
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the replacement is written privately")
		})
	}
}

func TestKeyCacheWithoutAUsableFolderStillGivesKeys(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(blocker, nil, 0o600))
	key, err := NewKeyCache(KeyCacheOptions{Dir: filepath.Join(blocker, "keys"), Bits: testBits}).Key(KeyClient)
	require.NoError(t, err)
	assert.Equal(t, testBits, key.N.BitLen())
}

// A cache filled by hand with the run's own key must not make the forged
// assertion (or delivery) a genuine one.
func TestStrangerKeyIsNeverTheRunsOwn(t *testing.T) {
	own := mustKey(t, testBits)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stranger.pem"),
		pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(own)}), 0o600))
	c := NewKeyCache(KeyCacheOptions{Dir: dir, Bits: testBits})
	cached, err := c.Key(KeyStranger)
	require.NoError(t, err)
	require.True(t, cached.Equal(own), "the test needs the cache to hold the run's own key")

	got, err := strangerKey(c, nil, own)
	require.NoError(t, err)
	assert.False(t, got.PublicKey.Equal(&own.PublicKey), "the stranger signed with the run's own key")
}

// countingKeys records which keys a run asked for.
type countingKeys struct {
	KeySource
	mu    sync.Mutex
	asked map[KeyRole]int
}

func (k *countingKeys) Key(role KeyRole) (*rsa.PrivateKey, error) {
	k.mu.Lock()
	k.asked[role]++
	k.mu.Unlock()
	return k.KeySource.Key(role)
}

// A simulator run takes every throwaway key from Options.Keys: the
// bundle is signed with its client key, and the simulator publishes its
// encryption key (nothing is generated behind the source's back).
func TestSimulatorRunTakesItsKeysFromTheSource(t *testing.T) {
	keys := &countingKeys{KeySource: sharedKeys, asked: map[KeyRole]int{}}
	cfg := Defaults()
	cfg.Out = t.TempDir()
	cfg.Tags = "@stage-1,@stage-5" // the forged assertion, and a webhook that needs the JWKS
	res, err := Run(t.Context(), Options{Config: cfg, Keys: keys, Env: Env{Stdout: &syncBuffer{}, Lookup: noEnv}})
	require.NoError(t, err)
	require.Equal(t, ExitPassed, res.ExitCode)
	for _, role := range []KeyRole{KeyClient, KeySimulatorSigning, KeySimulatorEncryption, KeyStranger} {
		assert.Equal(t, 1, keys.asked[role], "%s key", role)
	}

	client, err := sharedKeys.Key(KeyClient)
	require.NoError(t, err)
	v, err := evidence.Verify(res.Bundle, &client.PublicKey)
	require.NoError(t, err)
	assert.True(t, v.OK(), "the bundle is signed with the source's client key: %+v", v.Checks)

	enc, err := sharedKeys.Key(KeySimulatorEncryption)
	require.NoError(t, err)
	n := base64.RawURLEncoding.EncodeToString(enc.N.Bytes())
	assert.True(t, bundleHolds(t, res.Bundle, n), "the simulator's JWKS does not publish the source's encryption key")
}

// bundleHolds reports whether s appears in the journal or a stored body.
func bundleHolds(t *testing.T, dir, s string) bool {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, evidence.BodiesDir, "*"))
	for _, p := range append(paths, filepath.Join(dir, evidence.JournalFile)) {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		if strings.Contains(string(b), s) {
			return true
		}
	}
	return false
}

func mustKey(t *testing.T, bits int) *rsa.PrivateKey {
	t.Helper()
	k, err := NewKeyCache(KeyCacheOptions{Bits: bits}).Key(KeyStranger)
	require.NoError(t, err)
	return k
}
