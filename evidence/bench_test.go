package evidence

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
