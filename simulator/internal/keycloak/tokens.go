package keycloak

import (
	"sync"
	"sync/atomic"
	"time"
)

// maxCachedTokens bounds the cache whatever the traffic: past it, expired
// tokens are swept and, if that frees too little, the cache starts afresh.
// A token missing from the cache is only verified again, never refused.
const maxCachedTokens = 4096

// tokenCache maps a verified bearer token to the client it names, until
// the token expires on the simulator's clock.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]cachedToken
	// sweepAt is the size at which the next put sweeps expired entries, so
	// that sweeping costs O(1) per put on average.
	sweepAt int
	// verifications counts RSA verifications, for tests.
	verifications atomic.Int64
}

type cachedToken struct {
	clientID string
	exp      time.Time
}

// get returns the client of a token verified earlier that is still valid
// at now. An expired one is forgotten at once.
func (tc *tokenCache) get(raw string, now time.Time) (string, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	e, ok := tc.entries[raw]
	if !ok {
		return "", false
	}
	if !now.Before(e.exp) {
		delete(tc.entries, raw)
		return "", false
	}
	return e.clientID, true
}

// put remembers a token whose signature and claims just verified.
func (tc *tokenCache) put(raw, clientID string, exp, now time.Time) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.entries == nil {
		tc.entries = map[string]cachedToken{}
	}
	if len(tc.entries) >= min(max(tc.sweepAt, 64), maxCachedTokens) {
		for k, e := range tc.entries {
			if !now.Before(e.exp) {
				delete(tc.entries, k)
			}
		}
		if len(tc.entries) >= maxCachedTokens {
			clear(tc.entries)
		}
		tc.sweepAt = 2 * len(tc.entries)
	}
	tc.entries[raw] = cachedToken{clientID: clientID, exp: exp}
}

// size is how many tokens are remembered.
func (tc *tokenCache) size() int {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return len(tc.entries)
}
