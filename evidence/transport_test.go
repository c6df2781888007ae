package evidence

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/check"
)

// droppingServer answers the first request on each connection and drops
// every later one on a reused keep-alive connection after reading it: the
// bank received the request, the client got no answer. Go's HTTP
// transport then sends a GET again on a new connection by itself.
func droppingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var received atomic.Int64
	var mu sync.Mutex
	served := map[string]int{} // remote address → requests answered on that connection
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		mu.Lock()
		n := served[r.RemoteAddr]
		served[r.RemoteAddr] = n + 1
		mu.Unlock()
		if n > 0 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("x-request-id", "req")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &received
}

// TestEveryAttemptTheBankReceivedIsInTheJournal: the requests the server
// received and the attempts in the journal are equal, including the ones
// Go's transport re-sent silently, and each attempt is numbered.
func TestEveryAttemptTheBankReceivedIsInTheJournal(t *testing.T) {
	srv, received := droppingServer(t)
	dir := t.TempDir()
	rec, err := NewRecorder(RecorderOptions{Dir: dir, Redactor: NewRedactor([]byte("k"), RedactOptions{})})
	require.NoError(t, err)
	require.NoError(t, rec.Start(&Report{RunID: "r"}))
	base := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(base.CloseIdleConnections)
	hc := &http.Client{Transport: rec.Transport(base)}

	var taped []check.Record
	for range 6 {
		ctx, tape := check.WithTape(WithAttempts(context.Background()))
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/accounts", nil)
		require.NoError(t, err)
		resp, err := hc.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		taped = append(taped, tape.Records()...)
	}
	_, err = rec.Finish(Outcome{Status: "passed", Complete: true})
	require.NoError(t, err)

	attempts := journalKinds(t, dir)[EventHTTP]
	require.Greater(t, received.Load(), int64(6), "the server dropped no connection: the test proves nothing")
	assert.Equal(t, received.Load(), int64(attempts), "requests the server received vs attempts in the journal")
	assert.Len(t, taped, attempts, "every attempt also reaches the step's tape")

	journal, err := os.ReadFile(filepath.Join(dir, JournalFile))
	require.NoError(t, err)
	assert.Contains(t, string(journal), `"attempt":2`)
	assert.Contains(t, string(journal), "Go's HTTP transport sent the request again")
}

// journalKinds counts the journal's lines by kind.
func journalKinds(t *testing.T, dir string) map[string]int {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, JournalFile))
	require.NoError(t, err)
	defer f.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		i := strings.Index(line, `"kind":"`)
		if i < 0 {
			continue
		}
		k := line[i+len(`"kind":"`):]
		out[k[:strings.IndexByte(k, '"')]]++
	}
	return out
}
