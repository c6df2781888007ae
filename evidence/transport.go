package evidence

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openbank-homolog/homolog/check"
)

// maxCapture bounds how much of a body is kept in memory for the evidence;
// the caller still receives the whole body.
const maxCapture = 8 << 20

// Transport returns a RoundTripper that records every exchange made through
// base (nil → http.DefaultTransport), redacted, in the journal and under the
// step found in the request's context.
//
// Every attempt is recorded, including those the caller never sees: Go's
// HTTP transport re-sends an idempotent request (a GET) by itself when a
// reused keep-alive connection drops before the response, and the bank
// then received the request twice. An httptrace hook sees each connection
// the request is written to, so each of those attempts becomes its own
// numbered journal event.
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

// wireAttempts notes each connection a request was sent on.
type wireAttempts struct {
	mu       sync.Mutex
	now      func() time.Time
	attempts []wireAttempt
}

type wireAttempt struct {
	start    time.Time
	wrote    bool
	writeErr error
}

func (w *wireAttempts) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			w.mu.Lock()
			w.attempts = append(w.attempts, wireAttempt{start: w.now().UTC()})
			w.mu.Unlock()
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			w.mu.Lock()
			if n := len(w.attempts); n > 0 {
				w.attempts[n-1].wrote, w.attempts[n-1].writeErr = true, info.Err
			}
			w.mu.Unlock()
		},
	}
}

func (w *wireAttempts) list() []wireAttempt {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireAttempt(nil), w.attempts...)
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
	ex.Request.Headers = rec.red.Headers(req.Header)

	var reqBody []byte
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
		ex.Request, reqBody = rec.message(ex.Request.Headers, body)
	}

	wire := &wireAttempts{now: rec.now}
	resp, err := t.base.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), wire.trace())))
	ex.FinishedAt = rec.now().UTC()
	t.resent(req, ex, reqBody, wire.list())
	ex.Attempt = nextAttempt(req.Context())
	if err != nil {
		ex.Error = rec.red.String(err.Error())
		rec.exchange(req, ex, reqBody, nil)
		return nil, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxCapture))
	rest := resp.Body
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), rest), rest}
	ex.Status = resp.StatusCode
	ex.RequestID = resp.Header.Get("x-request-id")
	ex.ServerDate = resp.Header.Get("Date")
	msg, respBody := rec.message(rec.red.Headers(resp.Header), body)
	if rerr != nil {
		ex.Error = rec.red.String("reading response body: " + rerr.Error())
	} else if rec.drift != nil && len(body) < maxCapture {
		// Judged on the body as received: redaction may change a value's
		// type (a number at a redacted JSON path becomes a string). The
		// findings name fields and types, and are redacted all the same.
		for _, d := range rec.drift(req.Method, req.URL, resp.StatusCode, body) {
			ex.Drift = append(ex.Drift, Drift{Endpoint: rec.red.String(d.Endpoint), Problem: rec.red.String(d.Problem)})
		}
	}
	ex.Response = &msg
	ex.FinishedAt = rec.now().UTC()
	rec.exchange(req, ex, reqBody, respBody)
	return resp, nil
}

// resent records the attempts Go's transport made and abandoned before
// the one that answered: each was written to a connection that then
// closed without a response, so the bank may have received it. The last
// attempt is the exchange itself.
func (t *recordingTransport) resent(req *http.Request, ex *Exchange, reqBody []byte, wire []wireAttempt) {
	for i := 0; i+1 < len(wire); i++ {
		a := wire[i]
		if !a.wrote {
			continue // never written: the bank cannot have received it
		}
		lost := &Exchange{StartedAt: a.start, FinishedAt: wire[i+1].start, Method: ex.Method, URL: ex.URL,
			IdempotencyKey: ex.IdempotencyKey, Request: ex.Request, Attempt: nextAttempt(req.Context())}
		lost.Error = "the connection closed before a response came; Go's HTTP transport sent the request again on another connection"
		if a.writeErr != nil {
			lost.Error = t.rec.red.String("writing the request failed (" + a.writeErr.Error() + "); Go's HTTP transport sent it again on another connection")
		}
		t.rec.exchange(req, lost, reqBody, nil)
	}
}

type readCloser struct {
	io.Reader
	io.Closer
}

// message redacts a body and decides whether it is stored inline or under
// bodies/. It returns the redacted bytes too: they are what a check reads.
func (r *Recorder) message(headers map[string][]string, body []byte) (Message, []byte) {
	m := Message{Headers: headers, BodySize: len(body)}
	if len(body) == 0 {
		return m, nil
	}
	red := r.red.Body(body)
	if len(red) > r.limit || !isText(red) {
		ref, err := storeBody(r.dir, red)
		if err == nil {
			m.BodyRef = ref
			return m, red
		}
		// Storing failed (disk full?): keep the evidence inline rather
		// than lose it.
	}
	m.Body = string(red)
	return m, []byte(m.Body)
}

func isText(b []byte) bool {
	return !bytes.ContainsRune(b, 0) && strings.ToValidUTF8(string(b), "\uFFFD") == string(b)
}

// exchange journals ex under the scope of the request's context (the
// renderers put it under its step, or among the run's setup exchanges)
// and puts its check record on the tape of that context, if any.
func (r *Recorder) exchange(req *http.Request, ex *Exchange, reqBody, respBody []byte) {
	scope, _ := ScopeFrom(req.Context())
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return
	}
	r.exchanges++
	if off, ok := dateOffset(ex); ok {
		r.dateOffset = append(r.dateOffset, off)
	}
	r.mu.Unlock()
	e, err := r.journal.Append(EventHTTP, scope.Scenario, scope.Step, ex)
	if err != nil {
		return
	}
	ex.Seq = e.Seq
	if len(ex.Drift) > 0 {
		r.noteDrift(ex, scope)
	}
	check.TapeFrom(req.Context()).Add(httpRecord(e, ex, reqBody, respBody))
}

// noteDrift counts an exchange whose response drifted, and each kind of
// drift it showed, keeping the first exchange of each (its seq, method and
// URL: what the findings name).
func (r *Recorder) noteDrift(ex *Exchange, scope Scope) {
	first := &Exchange{Seq: ex.Seq, Method: ex.Method, URL: ex.URL, Status: ex.Status, RequestID: ex.RequestID}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drifted++
	for _, d := range ex.Drift {
		i := slices.IndexFunc(r.drifts, func(s driftSeen) bool { return s.finding.Drift == d })
		if i < 0 {
			r.drifts = append(r.drifts, driftSeen{finding: DriftFinding{Drift: d, Responses: 1, First: first}, scope: scope})
			continue
		}
		r.drifts[i].finding.Responses++
		if ex.Seq < r.drifts[i].finding.First.Seq {
			r.drifts[i].finding.First, r.drifts[i].scope = first, scope
		}
	}
}
