package contract

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCheckStatement is the cost of checking one statement page of
// 25 entries, the largest answer of a run; BenchmarkDecodeStatement, the
// floor, is decoding the same page, which the client does anyway.
func BenchmarkCheckStatement(b *testing.B) {
	c, err := New()
	if err != nil {
		b.Fatal(err)
	}
	body := statementPage(b)
	u := mustURLB(b)
	b.ResetTimer()
	for b.Loop() {
		if f := c.Check("GET", u, 200, body); len(f) != 0 {
			b.Fatal(f)
		}
	}
}

func BenchmarkDecodeStatement(b *testing.B) {
	body := statementPage(b)
	b.ResetTimer()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func statementPage(b *testing.B) []byte {
	b.Helper()
	var page map[string]any
	if err := json.Unmarshal(documentedB(b, "statement.json"), &page); err != nil {
		b.Fatal(err)
	}
	entry := page["data"].([]any)[0]
	data := make([]any, 25)
	for i := range data {
		data[i] = entry
	}
	page["data"] = data
	out, err := json.Marshal(page)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func documentedB(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "documented", name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func mustURLB(b *testing.B) *url.URL {
	b.Helper()
	u, err := url.Parse("https://sandbox-api.openbank.stone.com.br/api/v1/accounts/a/statement?limit=25")
	if err != nil {
		b.Fatal(err)
	}
	return u
}
