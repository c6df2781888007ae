package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outsider is a client written from stone-api.md alone, as a partner's
// curl session or Postman collection would be: raw HTTP, no homolog code.
type outsider struct {
	t        *testing.T
	base     string
	clientID string
	key      *rsa.PrivateKey
	token    string
}

func (o *outsider) assertion(claims jwt.MapClaims) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(o.key)
	require.NoError(o.t, err)
	return s
}

func (o *outsider) postToken(assertion string) (int, map[string]any) {
	form := url.Values{"client_id": {o.clientID}, "grant_type": {"client_credentials"}, "client_assertion": {assertion},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}}
	req, _ := http.NewRequest(http.MethodPost, o.base+"/auth/realms/stone_bank/protocol/openid-connect/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "outsider-test")
	return o.send(req)
}

func (o *outsider) call(method, path, body string, headers ...string) (int, map[string]any) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, o.base+path, r)
	req.Header.Set("authorization", "Bearer "+o.token)
	req.Header.Set("User-Agent", "outsider-test")
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return o.send(req)
}

func (o *outsider) send(req *http.Request) (int, map[string]any) {
	resp, err := http.DefaultClient.Do(req)
	require.NoError(o.t, err)
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	assert.NotEmpty(o.t, resp.Header.Get("x-request-id"), "%s %s: every answer carries x-request-id", req.Method, req.URL.Path)
	var out map[string]any
	if resp.Header.Get("Content-Type") == "application/pdf" {
		// A document (receipt, boleto): what a partner would save to a file.
		return resp.StatusCode, map[string]any{"pdf": string(data)}
	}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			var arr []any
			if json.Unmarshal(data, &arr) == nil {
				return resp.StatusCode, map[string]any{"array": arr}
			}
			o.t.Errorf("%s %s: answer is not JSON: %.200s", req.Method, req.URL.Path, data)
		}
	}
	return resp.StatusCode, out
}

// TestOutsideClient plays an outside client against `homolog simulate`,
// sending the request examples of stone-api.md verbatim where it gives
// them: every documented request gets a documented answer.
func TestOutsideClient(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	dir := t.TempDir()
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pub := filepath.Join(dir, "mykey.pub")
	require.NoError(t, os.WriteFile(pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644))
	o := &outsider{t: t, clientID: uuid.NewString(), key: key}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lineBuffer{lines: make(chan string, 8)}
	done := make(chan int, 1)
	go func() {
		done <- execute(ctx, []string{"simulate", "--addr", "127.0.0.1:0", "--client", o.clientID + "=" + pub},
			streams{keys: sharedKeys, in: strings.NewReader(""), out: out, err: io.Discard, lookup: func(string) (string, bool) { return "", false }})
	}()
	select {
	case o.base = <-out.lines:
	case code := <-done:
		t.Fatalf("simulate exited with %d", code)
	}
	defer func() { cancel(); <-done }()

	now := time.Now()
	// §1.2: the Python example from Stone's zip (exp +3600, jti from time, clientId).
	status, tok := o.postToken(o.assertion(jwt.MapClaims{"exp": now.Unix() + 3600, "nbf": now.Unix(),
		"aud": "https://sandbox-accounts.openbank.stone.com.br/auth/realms/stone_bank", "realm": "stone_bank",
		"sub": o.clientID, "clientId": o.clientID, "jti": fmt.Sprint(float64(now.UnixNano()) / 1e9), "iat": now.Unix(), "iss": o.clientID}))
	require.Equal(t, 200, status, "%v", tok)
	assert.EqualValues(t, 900, tok["expires_in"])
	assert.Equal(t, "bearer", strings.ToLower(fmt.Sprint(tok["token_type"])))
	// Stone's Go SDK: client_id instead of clientId, exp +2h.
	status, _ = o.postToken(o.assertion(jwt.MapClaims{"exp": now.Add(2 * time.Hour).Unix(), "nbf": now.Unix(), "iat": now.Unix(),
		"aud": o.base + "/auth/realms/stone_bank", "realm": "stone_bank", "sub": o.clientID, "iss": o.clientID,
		"client_id": o.clientID, "jti": uuid.NewString()}))
	require.Equal(t, 200, status)
	o.token = tok["access_token"].(string)

	status, fx := o.call(http.MethodGet, "/_sim/clients/"+o.clientID+"/fixtures", "")
	require.Equal(t, 200, status)
	own := fx["own_account_id"].(string)
	target := fx["transfer_targets"].([]any)[0].(string)

	tests := []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		check                    func(t *testing.T, body map[string]any)
	}{
		{"§4 list accounts", "GET", "/api/v1/accounts?paginate=true", "", nil, 200, func(t *testing.T, b map[string]any) {
			assert.Contains(t, b, "cursor")
			assert.Len(t, b["data"], 1)
		}},
		{"§4 balance", "GET", "/api/v1/accounts/" + own + "/balance", "", nil, 200, func(t *testing.T, b map[string]any) {
			assert.Contains(t, b, "blocked_balance")
			assert.Contains(t, b, "scheduled_balance")
		}},
		{"§4 statement", "GET", "/api/v1/accounts/" + own + "/statement?limit=10", "", nil, 200, func(t *testing.T, b map[string]any) {
			assert.Len(t, b["data"], 10)
		}},
		{"§4.1 bad cursor", "GET", "/api/v1/accounts/" + own + "/statement?after=nonsense", "", nil, 400, func(t *testing.T, b map[string]any) {
			assert.Equal(t, "srn:error:invalid_cursor", b["type"])
		}},
		{"§4 unshared account", "GET", "/api/v1/accounts/" + uuid.NewString(), "", nil, 403, func(t *testing.T, b map[string]any) {
			assert.Equal(t, "srn:error:unauthorized", b["type"])
		}},
		{"§5.1 internal transfer", "POST", "/api/v1/internal_transfers",
			`{"amount":100,"account_id":"` + own + `","target":{"account":{"account_code":"` + target + `"}}}`,
			[]string{"x-stone-idempotency-key", "outsider-1"}, 202, func(t *testing.T, b map[string]any) {
				assert.Equal(t, "APPROVED", b["status"])
			}},
		{"§5.10 same key, other body", "POST", "/api/v1/internal_transfers",
			`{"amount":101,"account_id":"` + own + `","target":{"account":{"account_code":"` + target + `"}}}`,
			[]string{"x-stone-idempotency-key", "outsider-1"}, 409, func(t *testing.T, b map[string]any) {
				assert.Equal(t, "srn:error:idempotency_conflict", b["type"])
			}},
		{"§5.10 key over 72", "POST", "/api/v1/internal_transfers", `{}`, []string{"x-stone-idempotency-key", strings.Repeat("k", 73)}, 431, nil},
		{"§5.2 TED, docs example with the old cpf key", "POST", "/api/v1/external_transfers",
			`{"amount":3000,"target":{"account":{"account_code":"654321","branch_code":"1234","institution_code":"260"},"entity":{"cpf":"05971627007","name":"Nome do destinatário"}},"account_id":"` + own + `"}`,
			[]string{"x-stone-idempotency-key", "outsider-2"}, 202, func(t *testing.T, b map[string]any) {
				assert.Contains(t, []any{"APPROVED", "DELAYED_TO_NEXT_BUSINESS_DAY", "FINISHED"}, b["status"])
			}},
		{"§5.3 calendar", "GET", "/api/v1/schedulings/calendar?operation_type=external_transfer", "", nil, 200, func(t *testing.T, b map[string]any) {
			assert.Contains(t, b, "next_available_execution_date")
			assert.Contains(t, b, "non_business_days")
		}},
		{"§5.5 PIX to a key", "POST", "/api/v1/pix/outbound_pix_payments",
			`{"account_id":"` + own + `","amount":1000,"key":"` + fx["pix_keys"].([]any)[0].(map[string]any)["key"].(string) + `","description":"Teste Pix"}`,
			[]string{"x-stone-idempotency-key", "outsider-3"}, 201, func(t *testing.T, b map[string]any) {
				assert.Equal(t, "CREATED", b["status"])
				assert.Regexp(t, `^E16501555`, b["end_to_end_id"])
			}},
		{"§5.5 PIX without an idempotency key", "POST", "/api/v1/pix/outbound_pix_payments", `{"account_id":"` + own + `","amount":1}`, nil, 400, func(t *testing.T, b map[string]any) {
			assert.Equal(t, "srn:error:validation", b["type"])
		}},
		{"§5.5 BR Code by GET with a body (Go SDK)", "GET", "/api/v1/pix/outbound_pix_payments/brcodes", `{"brcode":"` + fx["static_brcode"].(string) + `"}`, nil, 200, func(t *testing.T, b map[string]any) {
			assert.Equal(t, "static", b["type"])
		}},
		{"§5.7 boleto with payer (Go SDK)", "POST", "/api/v1/barcode_payment_invoices",
			`{"account_id":"` + own + `","amount":2500,"expiration_date":"` + now.AddDate(0, 0, 10).Format("2006-01-02") + `","invoice_type":"proposal","payer":{"document":"52998224725","legal_name":"Pereira da Silva"}}`,
			[]string{"x-stone-idempotency-key", "outsider-4"}, 201, func(t *testing.T, b map[string]any) {
				assert.Equal(t, "CREATED", b["status"])
			}},
		{"§7 discovery keys", "GET", "/api/v1/discovery/keys", "", nil, 200, func(t *testing.T, b map[string]any) {
			assert.Len(t, b["keys"], 2)
		}},
		{"§5.4 payment dry run, the docs' barcode", "POST", "/api/v1/dry_run/payments",
			`{"barcode":"89670000000010003137498189637166095077491613","account_id":"` + own + `"}`, []string{"x-stone-idempotency-key", "outsider-6"}, 200, func(t *testing.T, b map[string]any) {
				assert.Contains(t, b, "details")
			}},
		{"§5.5 random PIX key, the docs' body", "POST", "/api/v1/pix/" + own + "/entries",
			`{"key":"","key_type":"random_key","participant_ispb":"16501555"}`, []string{"x-stone-idempotency-key", "outsider-7"}, 202, func(t *testing.T, b map[string]any) {
				assert.NotEmpty(t, b["id"])
			}},
		{"§4 fees", "GET", "/api/v1/accounts/" + own + "/fees/internal_transfer", "", nil, 200, func(t *testing.T, b map[string]any) {
			assert.Equal(t, "internal_transfer", b["fee_type"])
		}},
		{"§4 institutions, no token needed", "GET", "/api/v1/institutions/197", "", []string{"authorization", ""}, 200, func(t *testing.T, b map[string]any) {
			assert.Equal(t, "16501555", b["ispb_code"])
		}},
		{"§5.6 batch approval of nothing pending", "POST", "/api/v1/accounts/" + own + "/operations/actions/approve",
			`{"action":"approve_only","operations":[]}`, nil, 202, func(t *testing.T, b map[string]any) {
				assert.EqualValues(t, 0, b["number_of_approvals"])
			}},
		{"§7 webhooks sent to the application", "GET", "/api/v1/applications/application:" + o.clientID + "/webhooks", "", nil, 200, func(t *testing.T, b map[string]any) {
			assert.Contains(t, b, "data")
		}},
		{"§6 malformed JSON", "POST", "/api/v1/internal_transfers", `{"amount":`, []string{"x-stone-idempotency-key", "outsider-5"}, 400, func(t *testing.T, b map[string]any) {
			assert.Regexp(t, `^srn:error:`, b["type"])
		}},
		{"§6 unknown route", "GET", "/api/v1/nope", "", nil, 404, nil},
		{"families §1.3 payment link config", "GET", "/api/v1/payment_links/" + own + "/config", "", nil, 200, func(t *testing.T, b map[string]any) {
			assert.EqualValues(t, 100, b["min_amount"])
			assert.Equal(t, "checkout", b["payment_method"])
		}},
		{"families §1.2 payment link, the page's body", "POST", "/api/v1/payment_links/orders",
			`{"account_id":"` + own + `","items":[{"amount":3000,"description":"Camiseta","quantity":1}],"customer":{"name":"Maria"},"closed":true,
			"payments":[{"amount":3000,"payment_method":"checkout","checkout":{"expires_in":10080,"accepted_payment_methods":["credit_card"],
			"accepted_multi_payment_methods":[],"success_url":"https://sandbox-link.openbank.stone.com.br/sucesso",
			"credit_card":{"capture":true,"installments":[{"number":1,"total":1000}]}}}]}`, nil, 200, func(t *testing.T, b map[string]any) {
				assert.Equal(t, "pending", b["status"])
				assert.Equal(t, false, b["closed"])
				assert.Regexp(t, `^or_`, b["id"])
				assert.Regexp(t, `^https://.*/chk_`, b["checkouts"].([]any)[0].(map[string]any)["payment_url"])
			}},
		{"families §2 statement receipt, a PDF", "POST", "/api/v1/receipts",
			`{"resource_type":"statement","resource_id":"` + own + `"}`, []string{"x-stone-idempotency-key", "outsider-8"}, 200, func(t *testing.T, b map[string]any) {
				assert.Regexp(t, `^%PDF-1\.\d`, b["pdf"])
				assert.Regexp(t, `startxref\s+\d+\s+%%EOF\s*$`, b["pdf"])
			}},
		{"families §2 a receipt for nothing", "POST", "/api/v1/exports/receipts",
			`{"resource_type":"pix_payment","resource_id":"` + uuid.NewString() + `"}`, []string{"x-stone-idempotency-key", "outsider-9"}, 404, func(t *testing.T, b map[string]any) {
				assert.Equal(t, "srn:error:not_found", b["type"])
			}},
		{"families §3.1 games providers", "GET", "/api/v1/topups/games/providers", "", []string{"x-stone-idempotency-key", "outsider-10"}, 200, func(t *testing.T, b map[string]any) {
			assert.NotEmpty(t, b["providers"])
		}},
		{"families §3.2 tv dry run, amount 0", "POST", "/api/v1/topups/tv/dry-run",
			`{"account_id":"` + own + `","amount":0,"client_code":"123456","provider_id":"2126"}`, nil, 202, func(t *testing.T, b map[string]any) {
				assert.EqualValues(t, 10900, b["amount"])
			}},
		{"families §3.5 amount ≤ 0", "POST", "/api/v1/topups/games/dry-run", `{"account_id":"` + own + `","amount":0,"provider_id":"2151"}`, nil, 400, func(t *testing.T, b map[string]any) {
			assert.Equal(t, "srn:error:invalid_amount", b["type"])
			assert.Equal(t, "Given amount is less than or equal to zero", b["title"])
		}},
		{"families §1.1 payment links list", "GET", "/api/v1/payment_links/" + own + "/orders", "", nil, 200, func(t *testing.T, b map[string]any) {
			assert.EqualValues(t, 1, b["paging"].(map[string]any)["total"])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o.t = t
			status, body := o.call(tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, status, "%v", body)
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
	t.Run("families §3.6 the PIN challenge, as the fluxo-challenge page tells it", func(t *testing.T) {
		o.t = t
		body := `{"account_id":"` + own + `","amount":3000,"provider_id":"2147"}`
		status, ch := o.call("POST", "/api/v1/topups/games", body, "x-stone-idempotency-key", "outsider-11")
		require.Equal(t, 403, status, "%v", ch)
		require.Equal(t, "srn:error:challenge_required", ch["type"])
		challenge := ch["challenge"].(map[string]any)
		assert.Equal(t, []any{"pin"}, challenge["required_types"])
		solution := o.sealToStone(map[string]any{"challenge_id": challenge["id"], "pin": "1234"})
		status, done := o.call("POST", "/api/v1/topups/games", body, "x-stone-idempotency-key", "outsider-11", "x-stone-challenge-solution", solution)
		require.Equal(t, 200, status, "%v", done)
		assert.NotEmpty(t, done["receipt"])
		assert.NotEmpty(t, done["pin"])
	})
	t.Run("families §4 account opening, the signup.py way", func(t *testing.T) {
		o.t = t
		jwe := o.sealToStone(map[string]any{"user": map[string]any{"document": "52998224725", "document_type": "cpf",
			"full_name": "Maria da Silva", "email": "maria@example.com"}})
		status, created := o.call("POST", "/api/v1/applications/application:"+o.clientID+"/signups", `{"jwe":"`+jwe+`"}`,
			"x-stone-idempotency-key", "outsider-12")
		require.Equal(t, 202, status, "%v", created)
		status, got := o.call("GET", "/api/v1/applications/"+o.clientID+"/signups/"+created["id"].(string), "")
		require.Equal(t, 200, status, "%v", got)
		assert.Equal(t, "created", got["status"])
	})
	t.Run("families §5.1 contacts, as the contatos pages tell it", func(t *testing.T) {
		o.t = t
		base := "/api/v1/accounts/" + own + "/contacts"
		status, ct := o.call("POST", base, `{"name":"Guilherme Posse","tax_id":"16426334022","email":"guilherme.email@stone.com.br","mobile":"21 999999999"}`,
			"x-stone-idempotency-key", "outsider-13")
		require.Equal(t, 200, status, "%v", ct)
		assert.Equal(t, []any{}, ct["bank_accounts"])
		assert.Equal(t, "16426334022", ct["tax_id"])
		id := ct["id"].(string)
		status, ba := o.call("POST", base+"/"+id+"/bank_accounts", `{"account_code":"106497993","account_type":"PG","branch_code":"0001","institution_code":"16501555"}`,
			"x-stone-idempotency-key", "outsider-14")
		require.Equal(t, 200, status, "%v", ba)
		assert.Nil(t, ba["pix_key"])
		status, got := o.call("GET", base+"/"+id, "")
		require.Equal(t, 200, status, "%v", got)
		inst := got["bank_accounts"].([]any)[0].(map[string]any)["institution"].(map[string]any)
		assert.Equal(t, "197", inst["compe"])
		status, list := o.call("GET", base+"?tax_id=16426334022", "")
		require.Equal(t, 200, status)
		assert.Len(t, list["array"], 1, "a bare array")
		status, up := o.call("POST", base+"/"+id, `{"name":"Guilherme Barcelos","tax_id":"16426334022"}`, "x-stone-idempotency-key", "outsider-15")
		require.Equal(t, 200, status, "%v", up)
		assert.Equal(t, "Guilherme Barcelos", up["name"])
		assert.Nil(t, up["email"])
		status, _ = o.call("DELETE", base+"/"+id+"/bank_accounts/"+ba["id"].(string), "")
		require.Equal(t, 200, status)
		status, gone := o.call("DELETE", base+"/"+id, "")
		require.Equal(t, 200, status)
		assert.Nil(t, gone, "200 OK with no body")
		status, _ = o.call("GET", base+"/"+id, "")
		assert.Equal(t, 404, status)
	})
	t.Run("families §5.3 salary portability, the page's body", func(t *testing.T) {
		o.t = t
		status, p := o.call("POST", "/api/v1/salary_portabilities",
			`{"account_id":"`+own+`","employer_document":"81662119000121","employer_name":"Some employer","payroll_institution_code":"00000000"}`)
		require.Equal(t, 201, status, "%v", p)
		assert.Equal(t, "CREATED", p["status"])
		assert.Equal(t, "001", p["payroll_institution_number_code"])
		assert.Nil(t, p["enabled_at"])
		status, list := o.call("GET", "/api/v1/salary_portabilities?account_id="+own, "")
		require.Equal(t, 200, status, "%v", list)
		assert.Contains(t, list, "cursor")
		assert.Len(t, list["data"], 1)
		status, blank := o.call("POST", "/api/v1/salary_portabilities", `{}`)
		require.Equal(t, 400, status)
		assert.Equal(t, "srn:error:validation", blank["type"])
		assert.Len(t, blank["reason"], 3, "every blank field named, as the page's 400 does")
		third := fx["third_party_account_id"].(string)
		status, denied := o.call("POST", "/api/v1/salary_portabilities",
			`{"account_id":"`+third+`","employer_document":"81662119000121","payroll_institution_code":"341"}`)
		require.Equal(t, 403, status)
		assert.Equal(t, "srn:error:client_unauthorized", denied["type"])
		assert.Equal(t, third, denied["id"])
		assert.Equal(t, map[string]any{"error": "client_unauthorized"}, denied["details"])
	})
	t.Run("families §5.2 payroll: the documented calls, the upload played by /_sim/", func(t *testing.T) {
		o.t = t
		status, up := o.call("POST", "/_sim/payroll/upload", `{"salaries":[{"name":"Ana","cpf":"52998224725","account_code":"`+target+`","amount":100}]}`)
		require.Equal(t, 201, status, "%v", up)
		status, p := o.call("POST", "/api/v1/payrolls", `{"account_id":"`+own+`","salaries_id":"`+up["id"].(string)+`"}`)
		require.Equal(t, 202, status, "%v", p)
		assert.Equal(t, "CREATED", p["status"])
		assert.EqualValues(t, 1, p["summary"].(map[string]any)["number_of_salaries"])
		status, got := o.call("GET", "/api/v1/payrolls/"+p["id"].(string), "")
		require.Equal(t, 200, status, "%v", got)
		assert.Contains(t, []any{"CREATED", "FINISHED"}, got["status"])
		status, list := o.call("GET", "/api/v1/payrolls?account_id="+own, "")
		require.Equal(t, 200, status)
		assert.Contains(t, list, "cursor")
		status, sal := o.call("GET", "/api/v1/payrolls/"+p["id"].(string)+"/salaries", "")
		require.Equal(t, 200, status)
		assert.Len(t, sal["data"], 1)
		status, blank := o.call("POST", "/api/v1/payrolls", `{}`)
		require.Equal(t, 400, status)
		assert.Equal(t, "srn:error:validation", blank["type"])
	})
	t.Run("families §5.4 KYC, the four steps of the pages", func(t *testing.T) {
		o.t = t
		jwe := o.sealToStone(map[string]any{"user": map[string]any{"document": "11144477735", "document_type": "cpf",
			"full_name": "Pedro Alves", "email": "pedro@example.com"}})
		status, created := o.call("POST", "/api/v1/applications/application:"+o.clientID+"/signups", `{"jwe":"`+jwe+`"}`)
		require.Equal(t, 202, status, "%v", created)
		_, su := o.call("GET", "/api/v1/applications/"+o.clientID+"/signups/"+created["id"].(string), "")
		user := su["user_id"].(string)
		status, q := o.call("GET", "/api/v1/users/"+user+"/kyc/request", "")
		require.Equal(t, 200, status, "%v", q)
		assert.Equal(t, "requested", q["status"])
		// Step 2 and 3: where the photo goes, then the photo itself.
		status, up := o.call("POST", "/api/v1/storage/doc_cnh_front.jpg", "", "Content-Type", "image/jpeg")
		require.Equal(t, 200, status, "%v", up)
		info := up["upload_info"].(map[string]any)
		assert.Equal(t, map[string]any{"content-type": "image/jpeg", "x-goog-acl": "public-read"}, info["headers"])
		req, _ := http.NewRequest(http.MethodPut, info["url"].(string), strings.NewReader("\xff\xd8\xff a photo"))
		req.Header.Set("Content-Type", "image/jpeg")
		req.Header.Set("x-goog-acl", "public-read")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		photo := up["public_url"].(string)
		// Step 4: the answers, as the page writes them.
		values := map[string]string{"birthdate": `"2000-10-10"`, "phone_number": `"21971697123"`,
			"address":        `{"street":"Rua Buarque de Macedo","city":"Rio de Janeiro","country":"Brasil","extra":"","postal_code":"22220030","street_number":"38","neighborhood":"Flamengo","state":"RJ","reference_point":""}`,
			"document_photo": `{"type":"CNH","front":"` + photo + `","back":"` + photo + `"}`, "document_selfies": `["` + photo + `"]`,
			"total_income_range": `{"upper_bounds":500000}`}
		var answers []string
		for _, c := range q["checks"].([]any) {
			ch := c.(map[string]any)
			answers = append(answers, `{"check_id":"`+ch["id"].(string)+`","value":`+values[ch["field_type"].(string)]+`}`)
		}
		status, done := o.call("POST", "/api/v1/users/"+user+"/kyc/answer", `{"answers":[`+strings.Join(answers, ",")+`]}`)
		require.Equal(t, 200, status, "%v", done)
		assert.Equal(t, "answered", done["status"])
	})
}

// sealToStone encrypts v to the "enc" key of /api/v1/discovery/keys the
// way Stone's Python example does (RSA-OAEP-256, A256GCM, kid).
func (o *outsider) sealToStone(v any) string {
	_, keys := o.call("GET", "/api/v1/discovery/keys", "")
	raw, _ := json.Marshal(keys)
	var set jose.JSONWebKeySet
	require.NoError(o.t, json.Unmarshal(raw, &set))
	for _, k := range set.Keys {
		if k.Use != "enc" {
			continue
		}
		enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: k.Key, KeyID: k.KeyID}, nil)
		require.NoError(o.t, err)
		plain, _ := json.Marshal(v)
		obj, err := enc.Encrypt(plain)
		require.NoError(o.t, err)
		out, err := obj.CompactSerialize()
		require.NoError(o.t, err)
		return out
	}
	o.t.Fatal("no enc key at /api/v1/discovery/keys")
	return ""
}

// TestSimulateFaultFlags: the fault flags reach the simulator, and its
// test controls stay reachable whatever the faults.
func TestSimulateFaultFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineBuffer{lines: make(chan string, 8)}
	done := make(chan int, 1)
	go func() {
		done <- execute(ctx, []string{"simulate", "--addr", "127.0.0.1:0", "--unavailable-rate", "1", "--fault-seed", "9"},
			streams{keys: sharedKeys, in: strings.NewReader(""), out: out, err: io.Discard, lookup: func(string) (string, bool) { return "", false }})
	}()
	var base string
	select {
	case base = <-out.lines:
	case code := <-done:
		t.Fatalf("simulate exited with %d", code)
	}
	defer func() { cancel(); <-done }()
	resp, err := http.Get(base + "/api/v1/institutions")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	resp, err = http.Get(base + "/_sim/faults")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	var state struct {
		Faults struct {
			UnavailableRate float64 `json:"unavailable_rate"`
			Seed            int64   `json:"seed"`
		} `json:"faults"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&state))
	assert.Equal(t, 1.0, state.Faults.UnavailableRate)
	assert.EqualValues(t, 9, state.Faults.Seed)

	code, _, errOut := cli(t, "", nil, "simulate", "--addr", "127.0.0.1:0", "--drop-rate", "-1")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--drop-rate")
	assert.NotContains(t, errOut, "DropRate", "the error names the flag, not the Go field")
}
