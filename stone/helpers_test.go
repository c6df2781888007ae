package stone

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	testClientID  = "065ecb08-2439-40c0-8e13-2b43c21743e3"
	testUserAgent = "homolog-test/1.0"
	tokenPath     = "/auth/realms/stone_bank/protocol/openid-connect/token"
)

// fakeClock is the injected clock; tests move it explicitly, never sleep.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 28, 10, 15, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// idSource is the injected NewID; it remembers what it handed out.
type idSource struct {
	mu  sync.Mutex
	ids []string
}

func (s *idSource) Next() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("id-%d", len(s.ids)+1)
	s.ids = append(s.ids, id)
	return id
}

func (s *idSource) All() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ids...)
}

// reply returns an API handler answering status with body and a request id.
func reply(status int, body string) func(http.ResponseWriter, *http.Request, []byte) {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("x-request-id", "req-123")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func num(t *testing.T, claims jwt.MapClaims, k string) int64 {
	t.Helper()
	n, ok := claims[k].(json.Number)
	if !ok {
		t.Errorf("claim %s = %#v, want a number", k, claims[k])
		return 0
	}
	v, err := n.Int64()
	if err != nil {
		t.Errorf("claim %s = %s, want an integer", k, n)
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonEqual compares two JSON documents semantically.
func jsonEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("decode %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("decode want %q: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON = %s\nwant  %s", got, want)
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

func assertNoSecret(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%q leaks a secret", s)
		}
	}
}
