package stone

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// minStoneKeyBits rejects keys too weak to trust for RS256.
const minStoneKeyBits = 2048

const (
	defaultRetryInterval    = time.Second
	defaultMaxRetryInterval = time.Minute
	defaultKeysMaxAge       = time.Hour
)

// ErrUnknownKeyID reports a JWS kid that Stone's JWKS does not hold as a
// signing key, even after the refetch WebhookKeys allows.
var ErrUnknownKeyID = errors.New("stone: unknown signing key id")

// JSONWebKey is one key of Stone's JWKS, decoded leniently; Raw is the key
// as sent.
type JSONWebKey struct {
	KeyID     string          `json:"kid"`
	Use       string          `json:"use"` // sig|enc
	KeyType   string          `json:"kty"`
	Algorithm string          `json:"alg"`
	Raw       json.RawMessage `json:"-"`
}

// UnmarshalJSON keeps the raw key and tolerates unexpected member types,
// so one odd key cannot hide the others.
func (k *JSONWebKey) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("jwk: %w", err)
	}
	*k = JSONWebKey{KeyID: jsonText(m["kid"]), Use: jsonText(m["use"]), KeyType: jsonText(m["kty"]),
		Algorithm: jsonText(m["alg"]), Raw: compact(b)}
	return nil
}

// RSAPublicKey parses an RSA public key of at least 2048 bits; a key that
// carries private material is refused (a JWKS must never publish one).
func (k JSONWebKey) RSAPublicKey() (*rsa.PublicKey, error) {
	var jk jose.JSONWebKey
	if err := jk.UnmarshalJSON(k.Raw); err != nil {
		return nil, fmt.Errorf("stone: jwk %q: %w", k.KeyID, err)
	}
	pub, ok := jk.Key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("stone: jwk %q: not an RSA public key (%T)", k.KeyID, jk.Key)
	}
	if pub.N.BitLen() < minStoneKeyBits {
		return nil, fmt.Errorf("stone: jwk %q: RSA key of %d bits, want at least %d", k.KeyID, pub.N.BitLen(), minStoneKeyBits)
	}
	return pub, nil
}

// JSONWebKeySet is Stone's JWKS: one "sig" key that signs webhooks and one
// "enc" key partners encrypt to.
type JSONWebKeySet struct {
	Keys []JSONWebKey `json:"keys"`
}

// DiscoveryKeys fetches Stone's JWKS: GET /api/v1/discovery/keys. It goes
// through the authenticated client (Stone does not document the endpoint
// as public; a bearer token does no harm on a public one).
func (c *Client) DiscoveryKeys(ctx context.Context) (*JSONWebKeySet, error) {
	const op = "get discovery keys"
	var set JSONWebKeySet
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/discovery/keys"}, &set); err != nil {
		return nil, err
	}
	return &set, nil
}

// WebhookKeySource resolves the key that signed a webhook.
type WebhookKeySource interface {
	// SigningKey returns the RSA key for kid; an unknown kid wraps
	// ErrUnknownKeyID, any other error means the keys could not be had.
	SigningKey(ctx context.Context, kid string) (*rsa.PublicKey, error)
}

// WebhookKeysOptions tunes the cache of Stone's signing keys.
type WebhookKeysOptions struct {
	// RetryInterval is the wait before the next fetch after a fetch that
	// failed, or that did not hold an unknown kid. It doubles with each
	// such fetch, up to MaxRetryInterval, and a fetch that serves resets
	// it: one failed fetch delays webhooks by a second, not by a minute
	// (Stone retries a rejected webhook after 1 s, 2 s, 4 s…). 0 → 1 s.
	RetryInterval time.Duration
	// MaxRetryInterval caps the wait, so a flood of forged kids or an
	// outage of Stone's keys endpoint cannot make the receiver hammer
	// Stone, and a recovery is seen within it. 0 → 1 min.
	MaxRetryInterval time.Duration
	// MaxAge refetches a set older than this on next use, so a key Stone
	// withdrew stops being trusted. 0 → 1 h.
	MaxAge time.Duration
}

// WebhookKeys is a WebhookKeySource that fetches Stone's JWKS through the
// client, caches the RSA "sig" keys by kid, and refetches on an unknown kid
// or after a failed fetch with a bounded backoff. Safe for concurrent use.
type WebhookKeys struct {
	fetch     func(context.Context) (*JSONWebKeySet, error)
	now       func() time.Time
	firstWait time.Duration
	maxWait   time.Duration
	maxAge    time.Duration

	sem       chan struct{} // one fetch at a time; waiting honours ctx
	keys      map[string]*rsa.PublicKey
	fetchedAt time.Time     // last successful fetch
	attemptAt time.Time     // last fetch attempt, successful or not
	wait      time.Duration // how long after attemptAt the next fetch may be made
	lastErr   error
}

// WebhookKeys returns a key source fetching Stone's keys with this client
// and its injected clock.
func (c *Client) WebhookKeys(opts WebhookKeysOptions) (*WebhookKeys, error) {
	if opts.RetryInterval < 0 || opts.MaxRetryInterval < 0 || opts.MaxAge < 0 {
		return nil, fmt.Errorf("stone: webhook keys: RetryInterval, MaxRetryInterval and MaxAge must not be negative")
	}
	k := &WebhookKeys{fetch: c.DiscoveryKeys, now: c.now, firstWait: opts.RetryInterval, maxWait: opts.MaxRetryInterval,
		maxAge: opts.MaxAge, sem: make(chan struct{}, 1)}
	if k.firstWait == 0 {
		k.firstWait = defaultRetryInterval
	}
	if k.maxWait == 0 {
		k.maxWait = defaultMaxRetryInterval
	}
	if k.maxWait < k.firstWait {
		k.maxWait = k.firstWait
	}
	if k.maxAge == 0 {
		k.maxAge = defaultKeysMaxAge
	}
	return k, nil
}

// backOff doubles the wait after a fetch that did not serve, within bounds.
func (k *WebhookKeys) backOff() {
	k.wait = min(max(2*k.wait, k.firstWait), k.maxWait)
}

// SigningKey implements WebhookKeySource.
func (k *WebhookKeys) SigningKey(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	select {
	case k.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("stone: webhook keys: %w", ctx.Err())
	}
	defer func() { <-k.sem }()

	now := k.now()
	mayFetch := k.attemptAt.IsZero() || now.Sub(k.attemptAt) >= k.wait
	fetched := false
	if k.keys == nil || now.Sub(k.fetchedAt) >= k.maxAge {
		switch {
		case mayFetch:
			if err := k.refresh(ctx, now); err != nil && k.keys == nil {
				return nil, err
			}
			fetched = true
		case k.keys == nil:
			return nil, fmt.Errorf("stone: webhook keys: not fetched yet, last attempt failed: %w", k.lastErr)
		}
		// A stale set is still used when a refresh is not allowed or
		// failed: the keys were Stone's a moment ago.
	}
	if pub, ok := k.keys[kid]; ok {
		return pub, nil
	}
	if !fetched && mayFetch {
		if err := k.refresh(ctx, now); err != nil {
			return nil, err
		}
		if pub, ok := k.keys[kid]; ok {
			return pub, nil
		}
		k.backOff() // the fetch did not help: ask again later, and less often
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownKeyID, kid)
}

// refresh fetches the set; on success it replaces the cache.
func (k *WebhookKeys) refresh(ctx context.Context, now time.Time) error {
	k.attemptAt = now
	set, err := k.fetch(ctx)
	if err != nil {
		k.lastErr = err
		k.backOff()
		return fmt.Errorf("stone: webhook keys: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, jk := range set.Keys {
		// Only signing keys verify webhooks; alg, when given, must be RS256.
		if jk.Use != "sig" || jk.KeyID == "" || (jk.Algorithm != "" && jk.Algorithm != string(jose.RS256)) {
			continue
		}
		pub, err := jk.RSAPublicKey()
		if err != nil {
			continue // one unusable key must not hide the others
		}
		if _, dup := keys[jk.KeyID]; !dup {
			keys[jk.KeyID] = pub
		}
	}
	k.keys, k.fetchedAt, k.lastErr, k.wait = keys, now, nil, k.firstWait
	return nil
}
