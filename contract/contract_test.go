package contract

import (
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newContract(t *testing.T) *Contract {
	t.Helper()
	c, err := New()
	require.NoError(t, err)
	return c
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u
}

func documented(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "documented", name))
	require.NoError(t, err)
	return data
}

// TestDocumentedExamplesHold feeds each schema the JSON stone-api.md shows
// for it, copied verbatim into testdata/documented: a schema that refused
// the documents' own example would flag drift where there is none.
func TestDocumentedExamplesHold(t *testing.T) {
	c := newContract(t)
	tests := []struct {
		method, url, file string
		status            int
	}{
		{"POST", "https://sandbox-accounts.openbank.stone.com.br/auth/realms/stone_bank/protocol/openid-connect/token", "token.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts?paginate=true", "accounts.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/balance", "balance.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/statement?limit=25", "statement.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/internal_transfers", "internal_transfer.json", 202},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/internal_transfers/c97de6a6", "internal_transfer.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/external_transfers", "external_transfer.json", 202},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/payments", "payment.json", 202},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/pix/outbound_pix_payments/b5c2354c", "outbound_pix_payment.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/pix/outbound_pix_payments", "outbound_pix_payment.json", 201},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/schedulings/calendar?operation_type=payment", "calendar.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/institutions?context=all", "institutions.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/fees/internal_transfer", "fee.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/barcode_payment_invoices/limits/8cbeb3d2", "boleto_limits.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/operations/actions/approve", "operations_approved.json", 202},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/operations/actions/cancel", "operations_cancelled.json", 202},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/barcode_payment_invoices", "error_product_not_enabled.json", 422},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/statement?limit=x", "error_invalid_cursor.json", 400},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/pix/outbound_pix_payments", "error_validation.json", 400},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/topups/mobile/transactions", "error_challenge_required.json", 403},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/payment_links/436df6e1/config", "payment_link_config.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/payment_links/orders", "payment_link_order_created.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/payment_links/436df6e1/orders", "payment_link_orders.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/payment_links/436df6e1/orders/or_ob546qyfOtw6RZnr", "payment_link_order_paid.json", 200},
		{"PATCH", "https://sandbox-api.openbank.stone.com.br/api/v1/payment_links/orders/or_ALbmn7RhjAfyzdW7/closed", "payment_link_order_canceled.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/topups/mobile/providers/21971592768", "topup_mobile_providers.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/topups/games/providers", "topup_providers.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/topups/games/values/2096", "topup_values.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/topups/mobile/values/2086/21971592768", "topup_values_mobile.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/topups/tv/dry-run", "topup_dry_run_tv.json", 202},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/topups/games", "topup_games.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/topups/mobile", "topup_mobile.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/applications/application:065ecb08/signups", "signup_accepted.json", 202},
		// The status page's example lacks the comma after
		// user_assessment_request_id; the copy here has it, and nothing else changed.
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/applications/065ecb08/signups/ea3c66b7", "signup.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/users/ef49c647/kyc/request", "kyc_request.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/users/ef49c647/kyc/answer", "kyc_answered.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/storage/image_name.jpg", "storage_upload.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/payrolls", "payroll_created.json", 202},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/payrolls?account_id=477f8576", "payrolls.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/payrolls/4f609244", "payroll.json", 200},
		// The salary list's example is a copy of the payroll list: it holds
		// as {cursor, data}, all the contract asks of it.
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/payrolls/4f609244/salaries", "payrolls.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/salary_portabilities", "salary_portability_created.json", 201},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/salary_portabilities?account_id=477f8576", "salary_portabilities.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/salary_portabilities", "error_validation_blank.json", 400},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/salary_portabilities", "error_client_unauthorized.json", 403},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/contacts", "contact_created.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/contacts?tax_id=47647430351", "contacts.json", 200},
		{"GET", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/contacts/93305585", "contact.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/contacts/93305585", "contact_updated.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/contacts/93305585/bank_accounts", "contact_bank_account.json", 200},
		{"POST", "https://sandbox-api.openbank.stone.com.br/api/v1/accounts/31091cb9/contacts/93305585/bank_accounts/e43e3003", "contact_bank_account_updated.json", 200},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.file, func(t *testing.T) {
			if tt.status < 300 {
				// An example no row matches would hold trivially.
				require.NotEmpty(t, c.Match(tt.method, mustURL(t, tt.url)), "no endpoint of the table matches %s %s", tt.method, tt.url)
			}
			got := c.Check(tt.method, mustURL(t, tt.url), tt.status, documented(t, tt.file))
			assert.Empty(t, got, "the documents' own example departs from its schema")
		})
	}
}

// edit decodes a documented example, changes it and encodes it again.
func edit(t *testing.T, file string, change func(map[string]any)) []byte {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(documented(t, file), &v))
	change(v)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return out
}

func firstItem(v map[string]any) map[string]any {
	return v["data"].([]any)[0].(map[string]any)
}

// TestDriftIsNamed changes one thing in a documented answer — a field
// removed, a type changed, a value outside a documented enum — and
// expects exactly that departure, worded with the endpoint's pattern.
func TestDriftIsNamed(t *testing.T) {
	c := newContract(t)
	api := "https://sandbox-api.openbank.stone.com.br"
	tests := []struct {
		name, method, url string
		status            int
		body              []byte
		want              []string
	}{
		{"a missing field", "GET", api + "/api/v1/accounts/c133caf8/balance", 200,
			edit(t, "balance.json", func(v map[string]any) { delete(v, "blocked_balance") }),
			[]string{"drift: GET /api/v1/accounts/{id}/balance: blocked_balance missing"}},
		{"a wrong type", "GET", api + "/api/v1/accounts/c133caf8/balance", 200,
			edit(t, "balance.json", func(v map[string]any) { v["balance"] = "9998" }),
			[]string{"drift: GET /api/v1/accounts/{id}/balance: balance: string, documented integer"}},
		{"an unknown enum value", "GET", api + "/api/v1/internal_transfers/c97de6a6", 200,
			edit(t, "internal_transfer.json", func(v map[string]any) { v["status"] = "PROCESSING" }),
			[]string{`drift: GET /api/v1/internal_transfers/{id}: status: unknown value "PROCESSING"`}},
		{"a field missing from every item is one finding", "GET", api + "/api/v1/accounts/x/statement", 200,
			edit(t, "statement.json", func(v map[string]any) {
				e := firstItem(v)
				delete(e, "fee_amount")
				v["data"] = []any{e, e, e}
			}),
			[]string{"drift: GET /api/v1/accounts/{id}/statement: data[].fee_amount missing"}},
		{"a nested type", "POST", api + "/api/v1/external_transfers", 202,
			edit(t, "external_transfer.json", func(v map[string]any) {
				v["target"].(map[string]any)["account"].(map[string]any)["institution_number_code"] = 33
			}),
			[]string{"drift: POST /api/v1/external_transfers: target.account.institution_number_code: number, documented null or string"}},
		{"an order status of another API", "GET", api + "/api/v1/payment_links/acc/orders/or_1", 200,
			edit(t, "payment_link_order_paid.json", func(v map[string]any) { v["status"] = "closed"; v["closed"] = "true" }),
			[]string{
				"drift: GET /api/v1/payment_links/{account_id}/orders/{order_id}: closed: string, documented boolean",
				`drift: GET /api/v1/payment_links/{account_id}/orders/{order_id}: status: unknown value "closed"`,
			}},
		{"a top-up provider id written as text", "GET", api + "/api/v1/topups/games/providers", 200,
			edit(t, "topup_providers.json", func(v map[string]any) { v["providers"].([]any)[0].(map[string]any)["id"] = "2151" }),
			[]string{"drift: GET /api/v1/topups/{product}/providers: providers[].id: string, documented integer"}},
		{"a contact without its bank accounts list", "POST", api + "/api/v1/accounts/x/contacts/c1", 200,
			edit(t, "contact_created.json", func(v map[string]any) { v["bank_accounts"] = nil; delete(v, "mobile") }),
			[]string{
				"drift: POST /api/v1/accounts/{id}/contacts/{contact_id}: bank_accounts: null, documented array",
				"drift: POST /api/v1/accounts/{id}/contacts/{contact_id}: mobile missing",
			}},
		{"an error without its type", "GET", api + "/api/v1/accounts/nope", 403, []byte(`{"error":"forbidden"}`),
			[]string{"drift: GET /api/v1/accounts/{id} (403): type missing"}},
		{"an error on an endpoint the table does not list", "GET", api + "/api/v1/nowhere/1", 404, []byte(`{"type":"not_found"}`),
			[]string{`drift: GET /api/v1/nowhere/1 (404): type: "not_found" does not match ^srn:error:[a-z_]+$`}},
		{"a documented answer that is not JSON", "GET", api + "/api/v1/accounts/x/balance", 200, []byte(`<html>`),
			[]string{"drift: GET /api/v1/accounts/{id}/balance: the body is not JSON"}},
		{"two departures, in order", "GET", api + "/api/v1/accounts/x/balance", 200, []byte(`{"balance": 1.5}`),
			[]string{
				"drift: GET /api/v1/accounts/{id}/balance: balance: number, documented integer",
				"drift: GET /api/v1/accounts/{id}/balance: blocked_balance missing",
				"drift: GET /api/v1/accounts/{id}/balance: scheduled_balance missing",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range c.Check(tt.method, mustURL(t, tt.url), tt.status, tt.body) {
				got = append(got, f.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestNoDriftWhereNothingIsDocumented: undocumented endpoints, 204s and a
// gateway's HTML error page are not the API's documented shapes.
func TestNoDriftWhereNothingIsDocumented(t *testing.T) {
	c := newContract(t)
	tests := []struct {
		method, url string
		status      int
		body        string
	}{
		{"GET", "https://x/api/v1/accounts/1/fees", 200, `{"anything": true}`},
		{"POST", "https://x/api/v1/internal_transfers/1/cancel", 204, ``},
		{"GET", "https://x/api/v1/accounts/1", 502, `<html>Bad gateway</html>`},
		{"GET", "https://x/consentimento", 400, `{"no":"type"}`},
		{"POST", "https://x/auth/realms/stone_bank/protocol/openid-connect/token", 401, `{"error":"invalid_client"}`},
		{"GET", "https://x/api/v1/accounts/1", 304, ``},
	}
	for _, tt := range tests {
		assert.Empty(t, c.Check(tt.method, mustURL(t, tt.url), tt.status, []byte(tt.body)), "%s %s %d", tt.method, tt.url, tt.status)
	}
}

// TestFindingsAreBounded: a response that matches nothing says so in a
// bounded number of lines.
func TestFindingsAreBounded(t *testing.T) {
	c := newContract(t)
	var wrong []string
	for _, f := range c.Check("POST", mustURL(t, "https://x/api/v1/external_transfers"), 202, []byte(`{"a":1}`)) {
		wrong = append(wrong, f.Problem)
	}
	require.Len(t, wrong, maxFindings)
	assert.Regexp(t, `^and \d+ more departures$`, wrong[len(wrong)-1])
}

// TestTableAndFilesAgree: every row names a schema file that exists and a
// pattern no other row has; every schema file is used by a row or by
// another schema, so none is dead.
func TestTableAndFilesAgree(t *testing.T) {
	files, err := fs.Glob(schemaFS, "schemas/*.json")
	require.NoError(t, err)
	used := map[string]bool{"defs.json": true, errorSchema: true}
	var patterns []string
	for _, e := range Endpoints() {
		assert.True(t, slices.Contains(files, "schemas/"+e.Schema), "%s: no schemas/%s", e.Pattern, e.Schema)
		assert.NotContains(t, patterns, e.Pattern, "pattern listed twice")
		assert.NotEmpty(t, e.Source, "%s: cite the section that documents it", e.Pattern)
		patterns = append(patterns, e.Pattern)
		used[e.Schema] = true
	}
	for _, f := range files {
		data, err := fs.ReadFile(schemaFS, f)
		require.NoError(t, err)
		for _, other := range files {
			if strings.Contains(string(data), `"`+path.Base(other)) {
				used[path.Base(other)] = true
			}
		}
	}
	for _, f := range files {
		assert.True(t, used[path.Base(f)], "%s is neither in the table nor referenced", f)
	}
}

func TestMatchIsBySpecificity(t *testing.T) {
	c := newContract(t)
	tests := map[string]string{
		"GET /api/v1/pix/outbound_pix_payments/abc":                  "GET /api/v1/pix/outbound_pix_payments/{id}",
		"POST /api/v1/pix/outbound_pix_payments/brcodes":             "POST /api/v1/pix/outbound_pix_payments/brcodes",
		"POST /api/v1/pix/outbound_pix_payments":                     "POST /api/v1/pix/outbound_pix_payments",
		"GET /api/v1/barcode_payment_invoices/limits/acc":            "GET /api/v1/barcode_payment_invoices/limits/{account_id}",
		"GET /api/v1/barcode_payment_invoices/inv":                   "GET /api/v1/barcode_payment_invoices/{id}",
		"DELETE /api/v1/pix_payment_invoices/inv":                    "",
		"GET /api/v1/accounts/acc/statement/entries/e1":              "GET /api/v1/accounts/{id}/statement/entries/{entry}",
		"GET /api/v1/accounts/acc/balance/extra":                     "",
		"POST /auth/realms/stone_bank/protocol/openid-connect/token": "POST /auth/realms/stone_bank/protocol/openid-connect/token",
	}
	for req, want := range tests {
		method, p, _ := strings.Cut(req, " ")
		assert.Equal(t, want, c.Match(method, mustURL(t, "https://x"+p)), req)
	}
}

// TestCheckIsSafeForConcurrentUse: a run with concurrency > 1 checks
// responses from many goroutines at once (go test -race).
func TestCheckIsSafeForConcurrentUse(t *testing.T) {
	c := newContract(t)
	u := mustURL(t, "https://x/api/v1/accounts/a/balance")
	body := []byte(`{"balance":"1"}`)
	done := make(chan []Finding)
	for range 8 {
		go func() { done <- c.Check("GET", u, 200, body) }()
	}
	for range 8 {
		assert.Len(t, <-done, 3)
	}
}
