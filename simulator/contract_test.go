package simulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/openbank-homolog/homolog/contract"
)

// documentedShapes compiles the contract once per test binary.
var documentedShapes = sync.OnceValues(contract.New)

// holdToContract fails the test when a response of the simulator departs
// from the shape Stone documents for it (contract/schemas, written from
// stone-api.md). env.do calls it on every response, so every simulator
// test is also a contract test: the simulator is held to the documents,
// never to the client.
func holdToContract(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	c, err := documentedShapes()
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	for _, f := range c.Check(req.Method, req.URL, rec.Code, rec.Body.Bytes()) {
		t.Errorf("%s (response %s)", f, rec.Body.String())
	}
}

// TestEveryEndpointIsDriven walks every documented endpoint of the
// contract through the simulator with a request that succeeds, so each
// shape is held (by env.do) against at least one real answer, in the
// states a run sees (created, approved, finished, cancelled). A row added
// to contract.Endpoints without a request here fails this test.
func TestEveryEndpointIsDriven(t *testing.T) {
	c, err := documentedShapes()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	driven := map[string]bool{}
	call := func(method, path, body string, status int, hdr ...string) obj {
		t.Helper()
		rec := e.api(method, path, body, hdr...)
		wantStatus(t, rec, status)
		u, _ := url.Parse(path)
		driven[c.Match(method, u)] = true
		var o obj
		_ = json.Unmarshal(rec.Body.Bytes(), &o) // arrays and empty bodies stay nil
		return o
	}
	own, third := e.fx.OwnAccountID, e.fx.ThirdPartyAccountID
	e.token()
	driven["POST "+tokenPath] = true

	call("GET", "/api/v1/accounts?paginate=true", "", 200)
	call("GET", "/api/v1/accounts/"+own, "", 200)
	call("GET", "/api/v1/accounts/"+own+"/balance", "", 200)
	call("GET", "/api/v1/accounts/"+own+"/fees/external_transfer", "", 200)
	call("GET", "/api/v1/institutions?context=all", "", 200)
	call("GET", "/api/v1/institutions/033", "", 200)
	call("GET", "/api/v1/schedulings/calendar?operation_type=external_transfer", "", 200)
	call("GET", "/api/v1/discovery/keys", "", 200)

	// Internal transfers: approved at once from the own account, then
	// finished; one scheduled and cancelled in a batch; a dry run.
	tr := call("POST", "/api/v1/internal_transfers", transferBody(own, e.fx.TransferTargets[0], 1_500), 202, idemHeader, "contract-it")
	call("POST", "/api/v1/dry_run/internal_transfers", transferBody(own, e.fx.TransferTargets[0], 100), 200)
	sched := call("POST", "/api/v1/internal_transfers", scheduledBody(own, e.fx.TransferTargets[0], "2026-12-15"), 202)
	call("GET", "/api/v1/accounts/"+own+"/schedulings", "", 200)
	call("POST", "/api/v1/accounts/"+own+"/operations/actions/cancel",
		`{"action":"cancel_only","operations":[{"id":"`+sched.str("id")+`","type":"internal_transfer"}]}`, 202)
	e.consent("approve")
	pending := call("POST", "/api/v1/internal_transfers", transferBody(third, e.fx.TransferTargets[0], 700), 202)
	call("POST", "/api/v1/accounts/"+third+"/operations/actions/approve",
		`{"action":"approve_only","operations":[{"id":"`+pending.str("id")+`","type":"internal_transfer"}]}`, 202)

	// A TED, a boleto paid after its dry run, a boleto issued and
	// cancelled, a PIX paid by key and one read from a BR Code.
	ted := call("POST", "/api/v1/external_transfers", tedBody(own, santander, 3_000), 202)
	payable := e.barcode("payable", "boleto")
	call("POST", "/api/v1/dry_run/payments", payBody(own, payable.Barcode, ""), 200)
	pay := call("POST", "/api/v1/payments", payBody(own, payable.Barcode, ""), 202, idemHeader, "contract-pay")
	bo := call("POST", "/api/v1/barcode_payment_invoices", boletoBody(own, "deposit", ""), 201)
	call("GET", "/api/v1/barcode_payment_invoices/limits/"+own, "", 200)
	pix := call("POST", "/api/v1/pix/outbound_pix_payments", pixByKey(own, e.fx.PixKeys[0].Key, 1_000), 201, idemHeader, "contract-pix")
	call("POST", "/api/v1/pix/outbound_pix_payments/"+pix.str("id")+"/actions/confirm", "", 204, idemHeader, "contract-pix-confirm")
	brcode := `{"brcode":"` + e.fx.StaticBRCode + `"}`
	call("POST", "/api/v1/pix/outbound_pix_payments/brcodes", brcode, 200)
	call("GET", "/api/v1/pix/outbound_pix_payments/brcodes", brcode, 200)
	call("POST", "/api/v1/pix/"+own+"/entries", `{"key_type":"random_key"}`, 202)
	call("POST", "/api/v1/pix_payment_invoices", `{"account_id":"`+own+`","key":"`+e.fx.OwnPixKey+`","amount":700}`, 201)

	// Payment links (one cancelled, one paid by the payer), top-ups (the
	// execution through the PIN challenge) and an account opening
	// (families §1, §3, §4).
	call("GET", "/api/v1/payment_links/"+own+"/config", "", 200)
	order := call("POST", "/api/v1/payment_links/orders", docsOrder(own), 200)
	call("GET", "/api/v1/payment_links/"+own+"/orders", "", 200)
	call("PATCH", "/api/v1/payment_links/orders/"+order.str("id")+"/closed", `{"account_id":"`+own+`","status":"canceled"}`, 200)
	paid := call("POST", "/api/v1/payment_links/orders", docsOrder(own), 200)
	wantStatus(t, e.ctl(http.MethodPost, "/_sim/payment_links/orders/"+paid.str("id")+"/pay", ""), 200)
	call("GET", "/api/v1/payment_links/"+own+"/orders/"+paid.str("id"), "", 200)
	call("GET", "/api/v1/topups/mobile/providers/21971592768", "", 200)
	call("GET", "/api/v1/topups/games/providers", "", 200)
	call("GET", "/api/v1/topups/mobile/values/2086/21971592768", "", 200)
	call("GET", "/api/v1/topups/games/values/2096", "", 200)
	call("POST", "/api/v1/topups/tv/dry-run", `{"account_id":"`+own+`","amount":0,"client_code":"10036389709","provider_id":"2126"}`, 202)
	su := call("POST", "/api/v1/applications/application:"+e.clientID+"/signups", `{"jwe":"`+e.seal(docsSignUp)+`"}`, 202)
	call("GET", "/api/v1/applications/"+e.clientID+"/signups/"+su.str("id"), "", 200)

	// The KYC of the account opening's user, its photos uploaded (families §5.4).
	user := call("GET", "/api/v1/applications/"+e.clientID+"/signups/"+su.str("id"), "", 200).str("user_id")
	kq := call("GET", "/api/v1/users/"+user+"/kyc/request", "", 200)
	call("POST", "/api/v1/storage/doc.jpg", "", 200, "Content-Type", "image/jpeg")
	front, selfie := e.photo("front.jpg"), e.photo("selfie.jpg")
	call("POST", "/api/v1/users/"+user+"/kyc/answer", kycAnswers(kq, front, selfie), 200)

	// A payroll of two salaries, read when paid (families §5.2).
	file := e.upload(salaryRow("Ana", e.fx.TransferTargets[0], 1_000) + "," + salaryRow("Bia", e.fx.TransferTargets[1], 2_000))
	pr := call("POST", "/api/v1/payrolls", `{"account_id":"`+own+`","salaries_id":"`+file+`"}`, 202)
	call("GET", "/api/v1/payrolls/"+pr.str("id"), "", 200)
	call("GET", "/api/v1/payrolls/"+pr.str("id")+"/salaries", "", 200)
	call("GET", "/api/v1/payrolls?account_id="+own, "", 200)

	// Salary portability: requested, listed (families §5.3).
	call("POST", "/api/v1/salary_portabilities", docsPortability(own, "00000000"), 201)
	call("GET", "/api/v1/salary_portabilities?account_id="+own, "", 200)

	// Contacts: created, listed, read and updated, with a bank account
	// added and updated (families §5.1).
	ct := call("POST", "/api/v1/accounts/"+own+"/contacts", docsContact, 200, idemHeader, "contract-contact")
	cpath := "/api/v1/accounts/" + own + "/contacts/" + ct.str("id")
	ba := call("POST", cpath+"/bank_accounts", `{"account_code":"106497993","branch_code":"0001","institution_code":"16501555"}`, 200, idemHeader, "contract-ba")
	call("POST", cpath+"/bank_accounts/"+ba.str("id"), `{"pix_key":"dff85252-88ed-4ceb-8ced-4bdecd3f0d39"}`, 200)
	call("GET", cpath, "", 200)
	call("GET", "/api/v1/accounts/"+own+"/contacts?tax_id=16426334022", "", 200)
	call("POST", cpath, `{"name":"Guilherme Barcelos"}`, 200)

	// Everything again once the clock has moved them on.
	e.clock.Advance(time.Hour)
	call("GET", "/api/v1/internal_transfers/"+tr.str("id"), "", 200)
	call("GET", "/api/v1/internal_transfers?account_id="+own, "", 200)
	call("GET", "/api/v1/external_transfers/"+ted.str("id"), "", 200)
	call("GET", "/api/v1/external_transfers?account_id="+own, "", 200)
	call("GET", "/api/v1/payments/"+pay.str("id"), "", 200)
	call("GET", "/api/v1/payments?account_id="+own, "", 200)
	call("GET", "/api/v1/pix/outbound_pix_payments/"+pix.str("id"), "", 200)
	call("GET", "/api/v1/outbound_pix_payments/"+pix.str("id"), "", 200)
	call("GET", "/api/v1/barcode_payment_invoices/"+bo.str("id"), "", 200)
	call("POST", "/api/v1/barcode_payment_invoices/"+bo.str("id")+"/cancel", "", 200)
	call("GET", "/api/v1/barcode_payment_invoices?account_id="+own, "", 200)
	page := call("GET", "/api/v1/accounts/"+own+"/statement?limit=50", "", 200)
	entry := obj(page["data"].([]any)[0].(map[string]any)).str("id")
	call("GET", "/api/v1/statement/entries/"+entry, "", 200)
	call("GET", "/api/v1/accounts/"+own+"/statement/entries/"+entry, "", 200)

	// Last, after the statement was read: a top-up posts an entry of type
	// topup, which the statement's documented types do not list (README,
	// the simulator's limits).
	games := `{"account_id":"` + own + `","amount":3000,"provider_id":"2147"}`
	ch := call("POST", "/api/v1/topups/games", games, 403)
	call("POST", "/api/v1/topups/games", games, 200, "x-stone-challenge-solution", e.seal(`{"challenge_id":"`+ch.sub("challenge").str("id")+`","pin":"1234"}`))

	for _, ep := range contract.Endpoints() {
		if !driven[ep.Pattern] {
			t.Errorf("%s (%s) is documented in the contract but no request here drives it", ep.Pattern, ep.Schema)
		}
	}
}
