package simulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// authenticatedGET prepares a served simulator with one client and its
// token, and returns the request to repeat and the bytes it answers.
func authenticatedGET(b *testing.B) (*Simulator, string, string, []byte) {
	b.Helper()
	keys, err := generatedKeys()
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Options{SigningKey: keys[0]})
	if err != nil {
		b.Fatal(err)
	}
	fx, err := s.Register(Client{ID: testClientID, PublicKey: &keys[1].PublicKey})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(""); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	now := time.Now()
	assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"aud": s.URL() + "/auth/realms/stone_bank",
		"sub": testClientID, "iss": testClientID, "clientId": testClientID, "jti": "bench", "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(10 * time.Minute).Unix()}).SignedString(keys[1])
	if err != nil {
		b.Fatal(err)
	}
	resp, err := http.PostForm(s.URL()+tokenPath, tokenForm(testClientID, assertion))
	if err != nil {
		b.Fatal(err)
	}
	var tok tokenResponse
	if err := decodeJSON(resp.Body, &tok); err != nil || tok.AccessToken == "" {
		b.Fatalf("token: %v", err)
	}
	path := "/api/v1/accounts/" + fx.OwnAccountID + "/balance"
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("User-Agent", "bench")
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	return s, path, tok.AccessToken, rec.Body.Bytes()
}

// BenchmarkAuthenticatedGET measures an authenticated GET of a balance
// through the simulator against a bare handler answering the same bytes
// (the floor, measured in the same run): in process (handler) and over
// HTTP with 2 keep-alive connections (served), as issue 11 measures
// `homolog simulate`. The ratio is what counts.
func BenchmarkAuthenticatedGET(b *testing.B) {
	s, path, token, body := authenticatedGET(b)
	bare := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "0123456789abcdef0123456789abcdef")
		_, _ = w.Write(body)
	})
	request := func(base string) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("User-Agent", "bench")
		return req
	}
	for _, h := range []struct {
		name string
		h    http.Handler
	}{{"handler/simulator", s}, {"handler/bare", bare}} {
		b.Run(h.name, func(b *testing.B) {
			req := request("http://" + testHost)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body.String())
				}
			}
		})
	}
	bareSrv := httptest.NewServer(bare)
	defer bareSrv.Close()
	for _, srv := range []struct{ name, base string }{{"served/simulator", s.URL()}, {"served/bare", bareSrv.URL}} {
		b.Run(srv.name, func(b *testing.B) {
			client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 2, MaxIdleConnsPerHost: 2}}
			defer client.CloseIdleConnections()
			b.SetParallelism(1) // GOMAXPROCS goroutines: 2 on the 2-core machine, over 2 connections
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Do(request(srv.base))
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
		})
	}
}

func decodeJSON(r io.ReadCloser, v any) error {
	defer r.Close()
	return json.NewDecoder(r).Decode(v)
}
