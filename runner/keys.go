package runner

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// KeyRole names one of the throwaway RSA keys a run may need. None of them
// is the partner's own key (client.private_key_file / private_key_env):
// that one is always read from where the plan says.
type KeyRole string

// The throwaway keys of a run.
const (
	// KeyClient is the partner key registered with the in-process
	// simulator when the plan names none; it also signs the bundle.
	KeyClient KeyRole = "client"
	// KeyStranger signs what a stranger sends: the client assertion the
	// forged-assertion scenario expects refused, the forged webhook
	// delivery of the partner-receiver feature.
	KeyStranger KeyRole = "stranger"
	// KeySimulatorSigning is the simulator's "Stone" RS256 key: access
	// tokens and webhooks.
	KeySimulatorSigning KeyRole = "simulator-signing"
	// KeySimulatorEncryption is the simulator's "enc" key published at
	// /api/v1/discovery/keys.
	KeySimulatorEncryption KeyRole = "simulator-encryption"
)

// keyRoles is every role, in the order a simulator run needs them.
func keyRoles() []KeyRole {
	return []KeyRole{KeyClient, KeySimulatorSigning, KeySimulatorEncryption, KeyStranger}
}

// KeySource hands a run its throwaway keys. The same role gives the same
// key for the source's life; different roles give different keys.
type KeySource interface {
	Key(role KeyRole) (*rsa.PrivateKey, error)
}

// KeyCacheOptions configures a KeyCache.
type KeyCacheOptions struct {
	// Dir keeps the keys between processes (one PEM file per role, 0600,
	// in a 0700 folder, each written to a temporary name and renamed):
	// the CLI passes a folder of os.UserCacheDir. "" keeps them in memory
	// only. A folder that cannot be read or written is not an error: the
	// keys are generated, as without one.
	Dir string
	// Bits sizes generated keys; 0 → 2048. Cached keys of another size
	// are replaced.
	Bits int
}

// KeyCache is a KeySource that makes each key at most once per process:
// RSA key generation costs a tenth of a second to a second each, which a
// run would otherwise pay up to four times before it sends anything.
// Keys are generated concurrently, in the background, from the moment
// Prepare asks for them.
type KeyCache struct {
	dir  string
	bits int
	keys map[KeyRole]func() (*rsa.PrivateKey, error)
}

// NewKeyCache returns a cache; nothing is read or generated until a key is
// asked for.
func NewKeyCache(opts KeyCacheOptions) *KeyCache {
	c := &KeyCache{dir: opts.Dir, bits: opts.Bits, keys: map[KeyRole]func() (*rsa.PrivateKey, error){}}
	if c.bits <= 0 {
		c.bits = ephemeralKeyBits
	}
	for _, role := range keyRoles() {
		c.keys[role] = sync.OnceValues(func() (*rsa.PrivateKey, error) { return c.load(role) })
	}
	return c
}

// Prepare starts reading or generating the keys of roles in the
// background, each on its own goroutine, so that they are made side by
// side and while the run does other things. Key waits for them.
func (c *KeyCache) Prepare(roles ...KeyRole) {
	for _, role := range roles {
		if get := c.keys[role]; get != nil {
			go func() { _, _ = get() }()
		}
	}
}

// Key implements KeySource.
func (c *KeyCache) Key(role KeyRole) (*rsa.PrivateKey, error) {
	get := c.keys[role]
	if get == nil {
		return nil, fmt.Errorf("runner: keys: no key role %q", role)
	}
	return get()
}

// load reads role's key from the folder, or generates it and writes it
// there for the next process.
func (c *KeyCache) load(role KeyRole) (*rsa.PrivateKey, error) {
	path := ""
	if c.dir != "" {
		path = filepath.Join(c.dir, string(role)+".pem")
		if key := readCachedKey(path, c.bits); key != nil {
			return key, nil
		}
	}
	key, err := rsa.GenerateKey(rand.Reader, c.bits)
	if err != nil {
		return nil, fmt.Errorf("runner: generate the %s key: %w", role, err)
	}
	if path != "" {
		// Best effort: a cache that cannot be written only costs the
		// next process a generation.
		_ = writeCachedKey(path, key)
	}
	return key, nil
}

// readCachedKey is the key at path when it is a private RSA key of the
// wanted size, kept private (no group or other permission bits); nil
// otherwise, and the caller makes a new one.
func readCachedKey(path string, bits int) *rsa.PrivateKey {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "RSA PRIVATE KEY" {
		return nil
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil || key.N.BitLen() != bits {
		return nil
	}
	return key
}

// writeCachedKey writes key to path atomically, readable by the user only.
func writeCachedKey(path string, key *rsa.PrivateKey) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes the file 0600 already; say so rather than rely on it.
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err = tmp.Write(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// strangerKey is the stranger's key: never one of the run's own keys, even
// when a cache folder was filled by hand with one of them (the forged
// assertion or delivery would then not be forged).
func strangerKey(keys KeySource, own ...*rsa.PrivateKey) (*rsa.PrivateKey, error) {
	key, err := keys.Key(KeyStranger)
	if err != nil {
		return nil, err
	}
	for _, o := range own {
		if o != nil && key.PublicKey.Equal(&o.PublicKey) {
			if key, err = rsa.GenerateKey(rand.Reader, ephemeralKeyBits); err != nil {
				return nil, fmt.Errorf("runner: generate the %s key: %w", KeyStranger, err)
			}
			break
		}
	}
	return key, nil
}
