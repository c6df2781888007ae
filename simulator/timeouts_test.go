package simulator

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestServedConnectionsTimeOut: a client that trickles its body, or its
// headers, or leaves a keep-alive connection idle, loses the connection once
// the server's timeouts pass, instead of holding it forever (issue 12 §6).
// The timeouts are set short; the test only waits for the server to close,
// giving up (and failing) after a generous bound.
func TestServedConnectionsTimeOut(t *testing.T) {
	s, err := New(Options{SigningKey: testKeys(t)[0], ReadTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr := strings.TrimPrefix(s.URL(), "http://")

	// closedWithin reads until the server closes the connection, while
	// trickle keeps writing one byte at a time.
	closedWithin := func(t *testing.T, conn net.Conn, head string, trickle bool) {
		t.Helper()
		if _, err := io.WriteString(conn, head); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		defer close(stop)
		if trickle {
			go func() {
				tick := time.NewTicker(50 * time.Millisecond)
				defer tick.Stop()
				for range 400 { // at most 20 s, and never the whole body
					select {
					case <-stop:
						return
					case <-tick.C:
						if _, err := conn.Write([]byte("x")); err != nil {
							return
						}
					}
				}
			}()
		}
		_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
		_, err := io.Copy(io.Discard, conn)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatal("the server still held the connection after 15 s")
		}
	}
	dial := func(t *testing.T) net.Conn {
		t.Helper()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}
	t.Run("trickling body", func(t *testing.T) {
		closedWithin(t, dial(t), "POST /api/v1/internal_transfers HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", true)
	})
	t.Run("trickling headers", func(t *testing.T) {
		closedWithin(t, dial(t), "GET /api/v1/institutions HTTP/1.1\r\nX-Slow: ", true)
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		conn := dial(t)
		if _, err := io.WriteString(conn, "GET /api/v1/institutions HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("first request: %v %v", resp, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		closedWithin(t, conn, "", false)
	})
}
