package evidence

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openbank-homolog/homolog/check"
)

// BenchmarkRedactBody measures redaction of a typical token response and a
// statement page: it runs on every exchange, before anything is written.
// statement-page-floor is encoding/json decoding the same page into a
// generic value and encoding it back, measured in the same run: the
// redaction is reported as a ratio to it (BENCHMARKS.md).
func BenchmarkRedactBody(b *testing.B) {
	r := NewRedactor([]byte("bench"), RedactOptions{JSONPaths: []string{"data.*.counter_party.entity.name"}})
	token := []byte(`{"access_token":"` + testJWT + `","expires_in":900,"token_type":"bearer","scope":"a b c"}`)
	entry := `{"amount":-1600,"balance_after":9998300,"balance_before":9999900,"counter_party":{"account":{"account_code":"58859","branch_code":"1","institution":"16501555"},"entity":{"name":"João","document":"12345678901"}},"id":"5357781a-c318-41aa-80eb-269df1b65ba3","operation":"debit","status":"FINISHED","type":"internal"}`
	page := []byte(`{"cursor":{"after":"x","before":null,"limit":25},"data":[` + strings.Repeat(entry+",", 24) + entry + `]}`)
	b.Run("token", func(b *testing.B) {
		b.SetBytes(int64(len(token)))
		for b.Loop() {
			r.Body(token)
		}
	})
	b.Run("statement-page", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			r.Body(page)
		}
	})
	b.Run("statement-page-floor", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(page, &v); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	h := http.Header{"Authorization": {"Bearer " + testJWT}, "Content-Type": {"application/json"}, "X-Request-Id": {"abc"}}
	b.Run("headers", func(b *testing.B) {
		for b.Loop() {
			r.Headers(h)
		}
	})
}

// BenchmarkJournalAppend measures one hash-chained, unbuffered journal line.
func BenchmarkJournalAppend(b *testing.B) {
	j, err := OpenJournal(filepath.Join(b.TempDir(), JournalFile), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	data := map[string]any{"status": "passed", "error": ""}
	for b.Loop() {
		if _, err := j.Append(EventStepEnd, "12", "14", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyLargeBundle verifies a bundle holding a 64 MiB body and a
// 16 MiB journal; B/op is what verify allocates for it (flat: it streams).
func BenchmarkVerifyLargeBundle(b *testing.B) {
	dir := largeBundle(b)
	b.ReportAllocs()
	for b.Loop() {
		v, err := Verify(dir, nil)
		if err != nil || !v.OK() {
			b.Fatalf("verify: %v %+v", err, v)
		}
	}
}

// pipelineMix is one round of the exchanges a run makes, as the simulator
// answers them: a token, the account list, a balance, a statement page, a
// transfer with its idempotency key and its status.
func pipelineMix() []struct {
	method, url, reqBody, respBody string
	status                         int
} {
	entry := `{"amount":-1600,"balance_after":9998300,"balance_before":9999900,"counter_party":{"account":{"account_code":"58859","branch_code":"1","institution":"16501555"},"entity":{"name":"João","document":"12345678901"}},"id":"5357781a-c318-41aa-80eb-269df1b65ba3","operation":"debit","status":"FINISHED","type":"internal"}`
	api := "http://127.0.0.1:43210/api/v1"
	return []struct {
		method, url, reqBody, respBody string
		status                         int
	}{
		{"POST", "http://127.0.0.1:43210/auth/realms/stone_bank/protocol/openid-connect/token",
			"grant_type=client_credentials&client_id=c&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" + testJWT,
			`{"access_token":"` + testJWT + `","expires_in":900,"token_type":"bearer"}`, 200},
		{"GET", api + "/accounts?paginate=true", "", `{"cursor":{"after":null,"before":null,"limit":50},"data":[{"id":"77c4666c-ce28-44c2-bbd5-7fe6aa01c963","account_code":"310449","branch_code":"1","owner_document":"12345678901","owner_name":"Maria"}]}`, 200},
		{"GET", api + "/accounts/77c4666c-ce28-44c2-bbd5-7fe6aa01c963/balance", "", `{"balance":9998300,"blocked_balance":0,"scheduled_balance":0}`, 200},
		{"GET", api + "/accounts/77c4666c-ce28-44c2-bbd5-7fe6aa01c963/statement?limit=10", "", `{"cursor":{"after":"x","before":null,"limit":10},"data":[` + strings.Repeat(entry+",", 9) + entry + `]}`, 200},
		{"POST", api + "/internal_transfers", `{"account_id":"77c4666c-ce28-44c2-bbd5-7fe6aa01c963","amount":1500,"target":{"account":{"account_code":"58859"}}}`,
			`{"id":"fed8a1d9-0426-4014-8084-e5b41a9ea15e","amount":1500,"status":"APPROVED","created_at":"2026-12-01T15:00:00Z"}`, 202},
		{"GET", api + "/internal_transfers/fed8a1d9-0426-4014-8084-e5b41a9ea15e", "", `{"id":"fed8a1d9-0426-4014-8084-e5b41a9ea15e","amount":1500,"status":"FINISHED"}`, 200},
	}
}

// cannedTransport answers every request with the response of the mix
// whose URL it names, without a network.
type cannedTransport map[string]struct {
	status int
	body   string
}

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	a := c[r.Method+" "+r.URL.String()]
	return &http.Response{StatusCode: a.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: r,
		Header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"0123456789abcdef0123456789abcdef"}, "Date": {"Tue, 01 Dec 2026 15:00:00 GMT"}},
		Body:   io.NopCloser(strings.NewReader(a.body)), ContentLength: int64(len(a.body))}, nil
}

// BenchmarkEvidencePipeline is what recording costs an exchange of the
// run's mix, on one core, without a network: the recording transport
// (redaction of headers and bodies, a body over 4 KiB to bodies/, the
// journal line, the check record on the tape), and the step's lines
// around it (start, check, end). record/floor makes the same requests
// through the canned transport alone, measured in the same run.
// render is what Close then costs per exchange: the five reports
// rendered from that journal, the bundle hashed and signed.
func BenchmarkEvidencePipeline(b *testing.B) {
	mix := pipelineMix()
	canned := cannedTransport{}
	for _, m := range mix {
		canned[m.method+" "+m.url] = struct {
			status int
			body   string
		}{m.status, m.respBody}
	}
	requests := func(b *testing.B, rt http.RoundTripper, ctx func(i int) context.Context) {
		for i := 0; b.Loop(); i++ {
			m := mix[i%len(mix)]
			var body io.Reader
			if m.reqBody != "" {
				body = strings.NewReader(m.reqBody)
			}
			req, _ := http.NewRequestWithContext(ctx(i), m.method, m.url, body)
			req.Header.Set("Authorization", "Bearer "+testJWT)
			req.Header.Set("User-Agent", "homolog/bench")
			resp, err := rt.RoundTrip(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	plan := []*Feature{{URI: "bench.feature", Name: "Bench", Scenarios: []*Scenario{{ID: "1", Name: "s", Steps: []*Step{{ID: "2", Keyword: "When ", Text: "t"}}}}}}
	recorder := func(b *testing.B) *Recorder {
		rec, err := NewRecorder(RecorderOptions{Dir: b.TempDir(), Redactor: NewRedactor([]byte("bench"), RedactOptions{})})
		if err != nil {
			b.Fatal(err)
		}
		if err := rec.Start(&Report{RunID: "bench", Features: plan}); err != nil {
			b.Fatal(err)
		}
		return rec
	}
	step := func(rec *Recorder) func(int) context.Context {
		return func(int) context.Context {
			_ = rec.StepStarted("1", "2")
			ctx, _ := check.WithTape(WithScope(context.Background(), Scope{Scenario: "1", Step: "2"}))
			return ctx
		}
	}
	b.Run("record/floor", func(b *testing.B) {
		requests(b, canned, func(int) context.Context { return context.Background() })
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "exchanges/s")
	})
	b.Run("record", func(b *testing.B) {
		rec := recorder(b)
		rt := rec.Transport(canned)
		start := step(rec)
		b.ReportAllocs()
		requests(b, &stepEnds{rt: rt, rec: rec}, start)
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "exchanges/s")
	})
	b.Run("render", func(b *testing.B) {
		key := testKey(b)
		const n = 1000
		for b.Loop() {
			b.StopTimer()
			rec := recorder(b)
			rt := &stepEnds{rt: rec.Transport(canned), rec: rec}
			start := step(rec)
			for i := range n {
				m := mix[i%len(mix)]
				var body io.Reader
				if m.reqBody != "" {
					body = strings.NewReader(m.reqBody)
				}
				req, _ := http.NewRequestWithContext(start(i), m.method, m.url, body)
				resp, err := rt.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
			}
			b.StartTimer()
			if _, err := rec.Close(Outcome{Status: "passed", Complete: true}, key, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "exchanges/s")
	})
}

// stepEnds closes the step around each exchange the way a run's hooks
// and checks do: a check line and the step's end.
type stepEnds struct {
	rt  http.RoundTripper
	rec *Recorder
}

func (s *stepEnds) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.rt.RoundTrip(r)
	_ = s.rec.Check("1", "2", check.Result{Name: "succeeded", OK: true, Inputs: map[string][]int64{"call": {1}}})
	_ = s.rec.StepFinished("1", "2", StatusPassed, "")
	return resp, err
}
