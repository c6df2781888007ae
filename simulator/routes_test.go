package simulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// servedRoutes is every route the simulator registers. A route added without
// being listed here fails TestRouteTable, which is how FuzzPostRoutes (it
// fuzzes every route with a body: POST, PUT and DELETE) never misses one.
func servedRoutes() []string {
	return []string{
		"POST /auth/realms/stone_bank/protocol/openid-connect/token",
		"GET /api/v1/institutions",
		"GET /api/v1/institutions/{code}",
		"GET /api/v1/accounts",
		"GET /api/v1/accounts/{id}",
		"GET /api/v1/accounts/{id}/balance",
		"GET /api/v1/accounts/{id}/statement",
		"GET /api/v1/accounts/{id}/statement/entries/{entry}",
		"GET /api/v1/statement/entries/{entry}",
		"GET /api/v1/accounts/{id}/fees",
		"GET /api/v1/accounts/{id}/fees/{fee_type}",
		"GET /api/v1/accounts/{id}/schedulings",
		"GET /api/v1/schedulings/calendar",
		"GET /api/v1/accounts/{id}/operations",
		"POST /api/v1/accounts/{id}/operations/actions/approve",
		"POST /api/v1/accounts/{id}/operations/actions/cancel",
		"GET /api/v1/accounts/{id}/operations/{operation_id}",
		"POST /api/v1/internal_transfers",
		"GET /api/v1/internal_transfers",
		"GET /api/v1/internal_transfers/{id}",
		"POST /api/v1/dry_run/internal_transfers",
		"POST /api/v1/external_transfers",
		"GET /api/v1/external_transfers",
		"GET /api/v1/external_transfers/{id}",
		"POST /api/v1/dry_run/external_transfers",
		"POST /api/v1/pix/outbound_pix_payments/brcodes",
		"GET /api/v1/pix/outbound_pix_payments/brcodes",
		"POST /api/v1/pix/outbound_pix_payments",
		"POST /api/v1/pix/outbound_pix_payments/{id}/actions/confirm",
		"GET /api/v1/outbound_pix_payments/{id}",
		"GET /api/v1/pix/{id}",
		"POST /api/v1/pix/{account_id}/entries",
		"GET /api/v1/pix/{account_id}/{entries}", // also GET /api/v1/pix/outbound_pix_payments/{id}
		"GET /api/v1/pix/{account_id}/entries/{id}",
		"DELETE /api/v1/pix/{account_id}/entries/{id}",
		"DELETE /api/v1/pix_entries/key/{id}",
		"POST /api/v1/pix_payment_invoices",
		"GET /api/v1/pix_payment_invoices",
		"GET /api/v1/pix_payment_invoices/{id}",
		"DELETE /api/v1/pix_payment_invoices/{id}",
		"GET /api/v1/inbound_pix_payments/{id}",
		"POST /api/v1/refunds_for_inbound_pix_payments",
		"POST /api/v1/dry_run/payments",
		"POST /api/v1/payments",
		"GET /api/v1/payments",
		"GET /api/v1/payments/{id}",
		"POST /api/v1/barcode_payment_invoices",
		"GET /api/v1/barcode_payment_invoices",
		"GET /api/v1/barcode_payment_invoices/limits/{account_id}",
		"GET /api/v1/barcode_payment_invoices/{id}",
		"POST /api/v1/barcode_payment_invoices/{id}/cancel",
		"GET /api/v1/exports/barcode_payment_invoices/{id}",
		"POST /api/v1/internal_transfers/{id}/approve",
		"POST /api/v1/internal_transfers/{id}/reject",
		"POST /api/v1/internal_transfers/{id}/cancel",
		"DELETE /api/v1/internal_transfers/{id}/cancel",
		"POST /api/v1/external_transfers/{id}/approve",
		"POST /api/v1/external_transfers/{id}/reject",
		"POST /api/v1/external_transfers/{id}/cancel",
		"DELETE /api/v1/external_transfers/{id}/cancel",
		"POST /api/v1/payments/{id}/approve",
		"POST /api/v1/payments/{id}/reject",
		"POST /api/v1/payments/{id}/cancel",
		"DELETE /api/v1/payments/{id}/cancel",
		"GET /api/v1/payment_links/{account_id}/config",
		"POST /api/v1/payment_links/orders",
		"GET /api/v1/payment_links/{account_id}/orders",
		"GET /api/v1/payment_links/{account_id}/orders/{order_id}",
		"PATCH /api/v1/payment_links/orders/{order_id}/closed",
		"POST /_sim/payment_links/orders/{order_id}/pay",
		"POST /_sim/payment_links/orders/{order_id}/expire",
		"POST /api/v1/receipts",
		"POST /api/v1/exports/receipts",
		"GET /api/v1/topups/mobile/providers/{cellphone}",
		"GET /api/v1/topups/{product}/providers",
		"GET /api/v1/topups/mobile/values/{provider_id}/{cellphone}",
		"GET /api/v1/topups/{product}/values/{provider_id}",
		"POST /api/v1/topups/{product}/dry-run",
		"POST /api/v1/topups/{product}",
		"POST /api/v1/applications/{app}/signups",
		"GET /api/v1/applications/{app}/signups/{id}",
		"POST /_sim/signups/{id}/status",
		"GET /api/v1/users/{user_id}/kyc/request",
		"POST /api/v1/users/{user_id}/kyc/answer",
		"POST /api/v1/storage/{name}",
		"PUT /gcs/{bucket}/{object...}",
		"GET /gcs/{bucket}/{object...}",
		"POST /api/v1/payrolls",
		"GET /api/v1/payrolls",
		"GET /api/v1/payrolls/{payroll_id}",
		"GET /api/v1/payrolls/{payroll_id}/salaries",
		"POST /_sim/payroll/upload",
		"POST /api/v1/salary_portabilities",
		"GET /api/v1/salary_portabilities",
		"POST /_sim/salary_portabilities/{id}/status",
		"POST /api/v1/accounts/{account_id}/contacts",
		"GET /api/v1/accounts/{account_id}/contacts",
		"GET /api/v1/accounts/{account_id}/contacts/{contact_id}",
		"POST /api/v1/accounts/{account_id}/contacts/{contact_id}",
		"DELETE /api/v1/accounts/{account_id}/contacts/{contact_id}",
		"POST /api/v1/accounts/{account_id}/contacts/{contact_id}/bank_accounts",
		"POST /api/v1/accounts/{account_id}/contacts/{contact_id}/bank_accounts/{bank_account_id}",
		"DELETE /api/v1/accounts/{account_id}/contacts/{contact_id}/bank_accounts/{bank_account_id}",
		"GET /consentimento",
		"POST /consentimento",
		"POST /_sim/owner/consent",
		"POST /_sim/owner/{kind}/{id}/{action}",
		"POST /_sim/external_transfers/{id}/refund",
		"POST /_sim/payments/{id}/refund",
		"POST /_sim/pix_payments/{id}/refund",
		"POST /_sim/barcode_payment_invoices/{id}/pay",
		"POST /_sim/pix_payment_invoices/{id}/pay",
		"GET /_sim/fixtures/barcodes",
		"GET /_sim/clients/{id}/fixtures",
		"GET /_sim/clock",
		"POST /_sim/clock/advance",
		"GET /api/v1/discovery/keys",
		"GET /api/v1/applications/{app}/webhooks",
		"GET /_sim/webhooks",
		"POST /_sim/webhooks/flush",
		"PUT /_sim/clients/{id}/webhook_url",
		"GET /_sim/faults",
		"PUT /_sim/faults",
	}
}

func registered(s *Simulator) []string {
	return s.mux.Patterns()
}

func TestRouteTable(t *testing.T) {
	e := newEnv(t)
	got, want := registered(e.sim), servedRoutes()
	for _, r := range got {
		if !slices.Contains(want, r) {
			t.Errorf("route %s is served but not listed in servedRoutes (so not fuzzed)", r)
		}
	}
	for _, r := range want {
		if !slices.Contains(got, r) {
			t.Errorf("route %s is listed but not served", r)
		}
	}
}

// fuzzWorld builds, in a fresh simulator, one resource of every kind so that
// the routes on {id} reach their handlers' real work.
func fuzzWorld(e *env) map[string]string {
	e.consent("approve")
	third, own := e.fx.ThirdPartyAccountID, e.fx.OwnAccountID
	ids := map[string]string{
		"own": own, "third": third,
		"internal": e.createTransfer(transferBody(third, e.fx.TransferTargets[0], 100)).ID,
		"external": e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(third, santander, 100), 202).str("id"),
		"payments": e.call(http.MethodPost, "/api/v1/payments", payBody(third, e.fx.Barcodes[0].Barcode, ""), 202, idemHeader, "fz").str("id"),
		"pix":      e.createPix(pixByKey(own, e.fx.PixKeys[0].Key, 100)).str("id"),
		"boletos":  e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(own, "deposit", ""), 201).str("id"),
		"pix_invoices": e.call(http.MethodPost, "/api/v1/pix_payment_invoices",
			`{"account_id":"`+own+`","key":"`+e.fx.OwnPixKey+`","amount":500}`, 201).str("id"),
	}
	ids["signup"] = e.signUp(docsSignUp)
	ids["order"] = e.call(http.MethodPost, "/api/v1/payment_links/orders", docsOrder(own), 200).str("id")
	ids["contact"] = e.call(http.MethodPost, e.contactsPath(own), docsContact, 200).str("id")
	ids["bank_account"] = e.call(http.MethodPost, e.contactsPath(own)+"/"+ids["contact"]+"/bank_accounts", `{"pix_key":"maria@example.com"}`, 200).str("id")
	ids["portability"] = e.call(http.MethodPost, "/api/v1/salary_portabilities", docsPortability(own, "341"), 201).str("id")
	ids["user"] = e.call(http.MethodGet, "/api/v1/applications/"+e.clientID+"/signups/"+ids["signup"], "", 200).str("user_id")
	ids["entry"] = e.call(http.MethodGet, "/api/v1/pix/"+own+"/entries", "", http.StatusOK)["data"].([]any)[0].(map[string]any)["id"].(string)
	return ids
}

// concrete fills a route pattern's wildcards with the world's resource of
// the kind the route is about.
func concrete(pattern string, ids map[string]string) string {
	id := ""
	for _, c := range [][2]string{
		{"pix_payment_invoices", "pix_invoices"}, {"barcode_payment_invoices", "boletos"}, {"pix_payments", "pix"},
		{"/_sim/owner/", "internal"}, {"internal_transfers", "internal"}, {"external_transfers", "external"},
		{"payments", "payments"}, {"entries", "entry"}, {"/accounts/", "third"}, {"signups", "signup"}, {"salary_portabilities", "portability"},
	} {
		if strings.Contains(pattern, c[0]) {
			id = ids[c[1]]
			break
		}
	}
	if strings.Contains(pattern, "/clients/") {
		id = testClientID
	}
	return strings.NewReplacer("{id}", id, "{order_id}", ids["order"], "{product}", "games", "{app}", "application:"+testClientID, "{account_id}", ids["own"], "{contact_id}", ids["contact"], "{bank_account_id}", ids["bank_account"], "{user_id}", ids["user"], "{name}", "photo.jpg", "{bucket}", "b", "{object...}", "o.jpg", "{kind}", "internal_transfers", "{action}", "approve").Replace(pattern)
}

func bodyRoutes() []string {
	var out []string
	for _, r := range servedRoutes() {
		if !strings.HasPrefix(r, "GET ") {
			out = append(out, r)
		}
	}
	return out
}

// FuzzPostRoutes sends arbitrary bodies (JSON or not) to every route that
// takes one, with a valid token and, when withKey, an idempotency key: the
// answer is a 2xx, a 3xx (the consent form's redirect), or a 4xx with a JSON
// Stone error — never a 5xx, an HTML page from the API, or a panic.
func FuzzPostRoutes(f *testing.F) {
	seeds := []string{
		`{}`, `null`, `[]`, `"x"`, ``, "\xff\xfe{", `{"amount":1e400,"account_id":7}`,
		`{"account_id":"$OWN","amount":100,"target":{"account":{"account_code":"0","institution_code":"033"},"entity":{"name":"x","cpf":"1"}}}`,
		`{"account_id":"$OWN","barcode":"$BARCODE","amount":-1,"schedule_to":"2026-13-01"}`,
		`{"account_id":"$OWN","key":"$KEY","amount":5,"transaction_id":"x"}`,
		`{"brcode":"$BRCODE","payment_date":"x"}`,
		`{"account_id":"$OWN","amount":2000,"expiration_date":"2026-12-10","invoice_type":"bill_of_exchange","payer":{"document":"1"},"fine":{"value":"NaN"}}`,
		`{"action":"approve_only","operations":[{"id":1,"type":"internal_transfer"}]}`,
		`{"duration":"1h","key_type":"phone","key":"+5511999999999","reason_code":"1","amount":1}`,
	}
	routes := bodyRoutes()
	for i := range routes {
		for _, s := range seeds {
			f.Add(uint8(i), []byte(s), i%2 == 0)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte, withKey bool) {
		e := newEnv(t)
		world := fuzzWorld(e)
		method, pattern, _ := strings.Cut(routes[int(route)%len(routes)], " ")
		path := concrete(pattern, world)
		body = []byte(strings.NewReplacer("$OWN", e.fx.OwnAccountID, "$BARCODE", e.fx.Barcodes[0].Barcode,
			"$KEY", e.fx.PixKeys[0].Key, "$BRCODE", e.fx.StaticBRCode).Replace(string(body)))
		hdr := []string{}
		if withKey {
			hdr = append(hdr, idemHeader, "fuzz-key")
		}
		rec := e.api(method, path, string(body), hdr...)
		checkFuzzAnswer(t, method, path, body, rec)
	})
}

func checkFuzzAnswer(t *testing.T, method, path string, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body.String())
	}
	if path == "/consentimento" || rec.Code < 400 {
		return
	}
	if strings.HasPrefix(path, "/gcs/") {
		// The storage stand-in answers as Google Cloud Storage does, in
		// XML (the KYC photo page shows its ExpiredToken).
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/xml") || !strings.Contains(rec.Body.String(), "<Error><Code>") {
			t.Fatalf("%s %s %q: %d body %s is not a storage error", method, path, body, rec.Code, rec.Body.String())
		}
		return
	}
	if rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%s %s %q: %d with Content-Type %q", method, path, body, rec.Code, rec.Header().Get("Content-Type"))
	}
	var e struct {
		Type  string `json:"type"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil ||
		(!strings.HasPrefix(e.Type, "srn:error:") && !(path == tokenPath && e.Error != "")) {
		t.Fatalf("%s %s %q: %d body %s is not a Stone error", method, path, body, rec.Code, rec.Body.String())
	}
}

func TestFuzzWorldReachesHandlers(t *testing.T) {
	e := newEnv(t)
	world := fuzzWorld(e)
	for _, r := range bodyRoutes() {
		_, pattern, _ := strings.Cut(r, " ")
		if p := concrete(pattern, world); strings.Contains(p, "{") {
			t.Errorf("%s keeps a wildcard: %s", r, p)
		}
	}
}
