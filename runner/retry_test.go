package runner

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
)

// scripted answers each attempt from a list and records what it saw.
type scripted struct {
	answers []func() (*http.Response, error)
	bodies  []string
}

func (s *scripted) RoundTrip(r *http.Request) (*http.Response, error) {
	var b []byte
	if r.Body != nil {
		b, _ = io.ReadAll(r.Body)
	}
	s.bodies = append(s.bodies, string(b))
	i := len(s.bodies) - 1
	return s.answers[i]()
}

func status(code int, retryAfter string) func() (*http.Response, error) {
	return func() (*http.Response, error) {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader("{}"))}, nil
	}
}

func dropped() (*http.Response, error) { return nil, errors.New("connection reset by peer") }

func TestRetryTransport(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		idemKey string
		answers []func() (*http.Response, error)
		want    int // final status, 0 for an error
		tries   int
		waits   []time.Duration
	}{
		{"429 then ok, Retry-After honoured", "GET", "", []func() (*http.Response, error){status(429, "2"), status(200, "")}, 200, 2, []time.Duration{2 * time.Second}},
		{"503 twice then ok, backoff", "GET", "", []func() (*http.Response, error){status(503, ""), status(503, ""), status(200, "")}, 200, 3, []time.Duration{200 * time.Millisecond, 400 * time.Millisecond}},
		{"gives up after the retries", "GET", "", []func() (*http.Response, error){status(503, ""), status(503, ""), status(503, "")}, 503, 3, []time.Duration{200 * time.Millisecond, 400 * time.Millisecond}},
		{"Retry-After capped", "GET", "", []func() (*http.Response, error){status(429, "3600"), status(200, "")}, 200, 2, []time.Duration{5 * time.Second}},
		{"dropped read retried", "GET", "", []func() (*http.Response, error){dropped, status(200, "")}, 200, 2, []time.Duration{200 * time.Millisecond}},
		{"idempotent write retried with the same body", "POST", "k-1", []func() (*http.Response, error){dropped, status(202, "")}, 202, 2, []time.Duration{200 * time.Millisecond}},
		{"write without a key is never retried", "POST", "", []func() (*http.Response, error){dropped}, 0, 1, nil},
		{"500 is not retried", "GET", "", []func() (*http.Response, error){status(500, "")}, 500, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &scripted{answers: tt.answers}
			var waits []time.Duration
			rt := newRetryTransport(next, 2)
			rt.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			req, _ := http.NewRequest(tt.method, "http://stone.test/api/v1/x", strings.NewReader(`{"amount":1}`))
			if tt.idemKey != "" {
				req.Header.Set("x-stone-idempotency-key", tt.idemKey)
			}
			resp, err := rt.RoundTrip(req)
			if tt.want == 0 {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tt.want, resp.StatusCode)
			}
			assert.Len(t, next.bodies, tt.tries)
			for _, b := range next.bodies {
				assert.Equal(t, `{"amount":1}`, b, "every attempt sends the whole body")
			}
			_ = tt.method
			assert.Equal(t, tt.waits, waits)
		})
	}
}

// TestAttemptsInEvidence: each attempt of a retried request is its own,
// numbered exchange in the evidence.
func TestAttemptsInEvidence(t *testing.T) {
	dir := t.TempDir()
	rec, err := evidence.NewRecorder(evidence.RecorderOptions{Dir: dir, Redactor: evidence.NewRedactor([]byte("k"), evidence.RedactOptions{})})
	require.NoError(t, err)
	require.NoError(t, rec.Start(&evidence.Report{}))
	next := &scripted{answers: []func() (*http.Response, error){status(503, "0"), status(200, "")}}
	rt := newRetryTransport(rec.Transport(next), 2)
	req, _ := http.NewRequest("GET", "http://stone.test/api/v1/accounts", nil)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	_, err = rec.Finish(evidence.Outcome{Status: "passed", Complete: true})
	require.NoError(t, err)
	rep, err := evidence.ReplayJournal(dir)
	require.NoError(t, err)
	require.Len(t, rep.Setup, 2)
	assert.Equal(t, 1, rep.Setup[0].Attempt)
	assert.Equal(t, 503, rep.Setup[0].Status)
	assert.Equal(t, 2, rep.Setup[1].Attempt)
	assert.Equal(t, 200, rep.Setup[1].Status)
}
