package runner

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/openbank-homolog/homolog/evidence"
)

// retryTransport retries what is safe to retry: a 429 or 503 answer
// (after its Retry-After, capped) and a dropped connection, for requests
// that cannot pay twice — reads, and writes that carry an idempotency key,
// which Stone answers with the original response. It sits above the
// evidence recorder, so every attempt is in the journal, numbered.
type retryTransport struct {
	next     http.RoundTripper
	attempts int           // total attempts, ≥ 1
	maxWait  time.Duration // cap on one wait
	sleep    func(context.Context, time.Duration) error
}

func newRetryTransport(next http.RoundTripper, retries int) *retryTransport {
	return &retryTransport{next: next, attempts: retries + 1, maxWait: 5 * time.Second, sleep: sleepCtx}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	safe := req.Method == http.MethodGet || req.Method == http.MethodHead || req.Header.Get("x-stone-idempotency-key") != ""
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	ctx := evidence.WithAttempts(req.Context())
	for attempt := 1; ; attempt++ {
		r := req.Clone(ctx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		resp, err := t.next.RoundTrip(r)
		if !safe || attempt >= t.attempts {
			return resp, err
		}
		wait, retry := t.retryable(resp, err, attempt)
		if !retry {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
		}
		if serr := t.sleep(req.Context(), wait); serr != nil {
			return nil, serr
		}
	}
}

// retryable says whether an outcome is worth another attempt and after how
// long: Retry-After when the server gives one, else 200 ms doubling.
func (t *retryTransport) retryable(resp *http.Response, err error, attempt int) (time.Duration, bool) {
	backoff := 200 * time.Millisecond << (attempt - 1)
	if err != nil {
		return min(backoff, t.maxWait), true
	}
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, false
	}
	if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && s >= 0 {
		backoff = time.Duration(s) * time.Second
	}
	return min(backoff, t.maxWait), true
}
