package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
)

// lyingBank sits between homolog and the simulator and changes one kind
// of answer, as a faulty bank would: the simulator always answers right,
// Stone's sandbox may not. It sits below the evidence recorder, so what
// the checks read is what the lie said.
type lyingBank struct {
	next http.RoundTripper
	lie  func(req *http.Request, body map[string]any) bool // true when it changed body
}

func (l lyingBank) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err != nil || !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return resp, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var body map[string]any
	if json.Unmarshal(data, &body) == nil && l.lie(req, body) {
		data, _ = json.Marshal(body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	resp.Header.Set("Content-Length", strconv.Itoa(len(data)))
	return resp, nil
}

func entriesOf(body map[string]any) []any {
	d, _ := body["data"].([]any)
	return d
}

// TestStepsFailOnWrongAnswers feeds each kind of check a wrong answer
// through the whole run — plan, steps, recorder, check — and expects the
// scenario that checks it to fail with a message naming the fault, and
// recheck to recompute that failure from the bundle.
func TestStepsFailOnWrongAnswers(t *testing.T) {
	tests := []struct {
		name, tags, scenario, fault string
		lie                         func(*http.Request, map[string]any) bool
	}{
		{"a token not valid for 900 s", "@stage-1", "Obtain an access token with a signed client assertion", "not valid for 900 s",
			func(r *http.Request, b map[string]any) bool {
				if _, ok := b["expires_in"]; ok {
					b["expires_in"] = 300
					return true
				}
				return false
			}},
		{"balance_after off by one", "@stage-2", "Read the statement page by page", "break balance_after = balance_before + amount",
			func(r *http.Request, b map[string]any) bool {
				if !strings.HasSuffix(r.URL.Path, "/statement") || r.URL.Query().Get("limit") != "10" || r.URL.Query().Get("after") == "" {
					return false
				}
				e := entriesOf(b)[0].(map[string]any)
				e["balance_after"] = e["balance_after"].(float64) + 1
				return true
			}},
		{"a statement that does not chain", "@stage-2", "Read the statement page by page", "the statement does not chain",
			func(r *http.Request, b map[string]any) bool {
				if !strings.HasSuffix(r.URL.Path, "/statement") || r.URL.Query().Get("limit") != "10" || r.URL.Query().Get("after") != "" {
					return false
				}
				es := entriesOf(b)
				b["data"] = append(es[:2:2], es[3:]...) // a movement goes missing
				return true
			}},
		{"a double debit", "@stage-4", "Internal transfer from the own account finishes", "it was paid more than once",
			func(r *http.Request, b map[string]any) bool {
				if !strings.HasSuffix(r.URL.Path, "/statement") || r.URL.Query().Get("operation") != "debit" {
					return false
				}
				es := entriesOf(b)
				if len(es) == 0 {
					return false
				}
				dup := map[string]any{}
				for k, v := range es[0].(map[string]any) {
					dup[k] = v
				}
				dup["id"] = "dup-" + dup["id"].(string)
				b["data"] = append([]any{dup}, es...)
				return true
			}},
		{"a balance that disagrees with the statement", "@stage-4", "Internal transfer from the own account finishes", "but the newest statement entry",
			func(r *http.Request, b map[string]any) bool {
				if !strings.HasSuffix(r.URL.Path, "/balance") {
					return false
				}
				b["balance"] = b["balance"].(float64) + 1
				return true
			}},
		{"the wrong srn:error type", "@stage-4", "Reusing an idempotency key for a different transfer is refused", "refused with 409 srn:error:conflict",
			func(r *http.Request, b map[string]any) bool {
				if b["type"] == "srn:error:idempotency_conflict" {
					b["type"] = "srn:error:conflict"
					return true
				}
				return false
			}},
		{"a status that is not the one asked", "@stage-4", "A scheduled internal transfer can be cancelled before it runs", `has status "SCHEDULED"`,
			func(r *http.Request, b map[string]any) bool {
				if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/internal_transfers/") && b["status"] == "CANCELLED" {
					b["status"] = "SCHEDULED"
					return true
				}
				return false
			}},
		{"missing session metadata", "@stage-3", "The owner approves the consent request", `session metadata "homolog_session" did not come back`,
			func(r *http.Request, b map[string]any) bool {
				redirect, ok := b["redirect"].(string)
				if !ok || !strings.Contains(redirect, "consent_result=approved") {
					return false
				}
				u, _ := url.Parse(redirect)
				q := u.Query()
				q.Del("homolog_session")
				u.RawQuery = q.Encode()
				b["redirect"] = u.String()
				return true
			}},
		{"an unmasked document", "@pix", "Pay a PIX key in two steps", "was sent unmasked",
			func(r *http.Request, b map[string]any) bool {
				target, ok := b["target"].(map[string]any)
				if !ok || r.Method != http.MethodPost {
					return false
				}
				entity, ok := target["entity"].(map[string]any)
				if !ok {
					return false
				}
				entity["document"] = "52998224725" // a valid CPF, in clear
				return true
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Defaults()
			cfg.Out = t.TempDir()
			cfg.Tags = tt.tags
			var out syncBuffer
			res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: &out, Lookup: noEnv},
				Transport: lyingBank{next: http.DefaultTransport, lie: tt.lie}})
			require.NoError(t, err)
			assert.Equal(t, ExitFailed, res.ExitCode, out.String())
			var found bool
			for _, sc := range reportOf(t, res).Scenarios() {
				if sc.Name != tt.scenario {
					continue
				}
				found = true
				assert.Equal(t, evidence.StatusFailed, sc.Status)
				assert.Contains(t, sc.Error, tt.fault)
			}
			require.True(t, found, "no scenario %q in the run", tt.scenario)
			assert.NotContains(t, out.String(), "52998224725", "a document in clear never reaches the output")

			rc, err := evidence.RecheckBundle(res.Bundle, evidence.VerifyOptions{})
			require.NoError(t, err)
			assert.True(t, rc.Same(), "the failure recomputes from the bundle: %+v", rc.Scenarios)
		})
	}
}
