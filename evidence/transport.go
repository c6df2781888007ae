package evidence

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxCapture bounds how much of a body is kept in memory for the evidence;
// the caller still receives the whole body.
const maxCapture = 8 << 20

// Transport returns a RoundTripper that records every exchange made through
// base (nil → http.DefaultTransport), redacted, in the journal and under the
// step found in the request's context.
func (r *Recorder) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &recordingTransport{rec: r, base: base}
}

type recordingTransport struct {
	rec  *Recorder
	base http.RoundTripper
}

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := t.rec
	if rec.isFinished() {
		// The bundle is sealed: nothing may be added to it (not even a
		// body under bodies/), so late requests pass through unrecorded.
		return t.base.RoundTrip(req)
	}
	ex := &Exchange{StartedAt: rec.now().UTC(), Method: req.Method, URL: rec.red.String(req.URL.String())}
	ex.IdempotencyKey = req.Header.Get("x-stone-idempotency-key")
	if n, ok := req.Context().Value(attemptKey{}).(int); ok {
		ex.Attempt = n
	}
	ex.Request.Headers = rec.red.Headers(req.Header)

	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("evidence: read request body: %w", err)
		}
		// A RoundTripper must not modify the caller's request; the body
		// has been consumed, so the base transport gets a copy with a
		// fresh reader over the same bytes.
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		ex.Request = rec.message(ex.Request.Headers, body)
	}

	resp, err := t.base.RoundTrip(req)
	ex.FinishedAt = rec.now().UTC()
	if err != nil {
		ex.Error = rec.red.String(err.Error())
		rec.exchange(req, ex)
		return nil, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxCapture))
	rest := resp.Body
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), rest), rest}
	ex.Status = resp.StatusCode
	ex.RequestID = resp.Header.Get("x-request-id")
	ex.ServerDate = resp.Header.Get("Date")
	msg := rec.message(rec.red.Headers(resp.Header), body)
	if rerr != nil {
		ex.Error = rec.red.String("reading response body: " + rerr.Error())
	}
	ex.Response = &msg
	ex.FinishedAt = rec.now().UTC()
	rec.exchange(req, ex)
	return resp, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// message redacts a body and decides whether it is stored inline or under
// bodies/.
func (r *Recorder) message(headers map[string][]string, body []byte) Message {
	m := Message{Headers: headers, BodySize: len(body)}
	if len(body) == 0 {
		return m
	}
	red := r.red.Body(body)
	if len(red) > r.limit || !isText(red) {
		ref, err := storeBody(r.dir, red)
		if err == nil {
			m.BodyRef = ref
			return m
		}
		// Storing failed (disk full?): keep the evidence inline rather
		// than lose it.
	}
	m.Body = string(red)
	return m
}

func isText(b []byte) bool {
	return !bytes.ContainsRune(b, 0) && strings.ToValidUTF8(string(b), "\uFFFD") == string(b)
}

// exchange attaches ex to its step (or to the run's setup exchanges) and
// journals it.
func (r *Recorder) exchange(req *http.Request, ex *Exchange) {
	scope, _ := ScopeFrom(req.Context())
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return
	}
	if st := r.steps[scope]; st != nil {
		st.Exchanges = append(st.Exchanges, ex)
	} else if r.report != nil {
		r.report.Setup = append(r.report.Setup, ex)
	}
	r.mu.Unlock()
	seq, err := r.journal.Append(EventHTTP, scope.Scenario, scope.Step, ex)
	if err == nil {
		r.mu.Lock()
		ex.Seq = seq
		r.mu.Unlock()
	}
}
