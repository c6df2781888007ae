package check

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Builders of recorded data: each test below starts from a right answer
// and changes one thing, as a faulty bank would.

func rec(seq int64, method, url string, status int, req, resp string) Record {
	return Record{Seq: seq, Kind: KindHTTP, HTTP: &HTTP{Method: method, URL: url, Status: status,
		RequestBody: []byte(req), ResponseBody: []byte(resp),
		ResponseHeaders: map[string][]string{"X-Request-Id": {"req-" + fmt.Sprint(seq)}}}}
}

func get(seq int64, url string, status int, resp string) Record {
	return rec(seq, "GET", url, status, "", resp)
}

func withHeader(r Record, k, v string) Record {
	if r.HTTP.RequestHeaders == nil {
		r.HTTP.RequestHeaders = map[string][]string{}
	}
	r.HTTP.RequestHeaders[k] = []string{v}
	return r
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// jwt builds a compact JWS whose signature is what redaction leaves.
func jwt(claims map[string]any) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(js(claims))) + ".[redacted:0123456789abcdef]"
}

type entryT struct {
	id             string
	amount, before int64
	after          *int64 // nil → before + amount
	op             string
	opAmount, fee  int64
	at             time.Time
}

func entries(es ...entryT) []map[string]any {
	var out []map[string]any
	for _, e := range es {
		after := e.before + e.amount
		if e.after != nil {
			after = *e.after
		}
		out = append(out, map[string]any{"id": e.id, "amount": e.amount, "balance_before": e.before, "balance_after": after,
			"operation_id": e.op, "operation_amount": e.opAmount, "fee_amount": e.fee, "created_at": e.at.Format(time.RFC3339)})
	}
	return out
}

func stmtPage(seq int64, account, after, next string, es []map[string]any) Record {
	url := "https://api.example/api/v1/accounts/" + account + "/statement?limit=2"
	if after != "" {
		url += "&after=" + after
	}
	var cur any
	if next != "" {
		cur = next
	}
	return get(seq, url, 200, js(map[string]any{"cursor": map[string]any{"after": cur, "limit": 2}, "data": es}))
}

func ptr(n int64) *int64 { return &n }

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// threePages is a right statement walk: newest first, chained, balanced.
func threePages() []Record {
	return []Record{
		stmtPage(1, "acc", "", "c1", entries(
			entryT{id: "e5", amount: -100, before: 1400, op: "op5", opAmount: 100, at: t0.Add(5 * time.Minute)},
			entryT{id: "e4", amount: 400, before: 1000, op: "op4", opAmount: 400, at: t0.Add(4 * time.Minute)})),
		stmtPage(2, "acc", "c1", "c2", entries(
			entryT{id: "e3", amount: -200, before: 1200, op: "op3", opAmount: 200, at: t0.Add(3 * time.Minute)},
			entryT{id: "e2", amount: 200, before: 1000, op: "op2", opAmount: 200, at: t0.Add(2 * time.Minute)})),
		stmtPage(3, "acc", "c2", "", entries(
			entryT{id: "e1", amount: 1000, before: 0, op: "op1", opAmount: 1000, at: t0.Add(1 * time.Minute)})),
	}
}

type checkCase struct {
	name   string
	check  string
	params Params
	in     Inputs
	fault  string // "" → must pass; else the message must contain it
}

func runCases(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.check+"/"+c.name, func(t *testing.T) {
			res := Run(c.check, c.params, c.in)
			if c.fault == "" {
				if !res.OK {
					t.Fatalf("want the check to hold, it failed: %s", res.Message)
				}
				return
			}
			if res.OK {
				t.Fatalf("want the check to fail naming %q, it held", c.fault)
			}
			if !strings.Contains(res.Message, c.fault) {
				t.Fatalf("the failure does not name the fault %q: %s", c.fault, res.Message)
			}
		})
	}
}

func TestUnknownCheckFails(t *testing.T) {
	res := Run("no_such_check", nil, nil)
	if res.OK || !strings.Contains(res.Message, "unknown check") {
		t.Fatalf("an unknown check must fail: %+v", res)
	}
}

func TestEveryNamedCheckExists(t *testing.T) {
	for _, n := range names() {
		if _, ok := Lookup(n); !ok {
			t.Errorf("check %q is named but has no function", n)
		}
	}
}

func TestRunRecordsInputsAndParams(t *testing.T) {
	res := Run(Refused, Params{"status": "403"}, Inputs{"response": {get(7, "https://x/api/v1/accounts/a", 403, `{"type":"srn:error:unauthorized"}`)}})
	if !res.OK || res.Inputs["response"][0] != 7 || res.Params["status"] != "403" {
		t.Fatalf("result does not say what it checked: %+v", res)
	}
}

func TestHTTPChecks(t *testing.T) {
	refusal := func(status int, typ string) Inputs {
		return Inputs{"response": {rec(3, "POST", "https://x/api/v1/internal_transfers", status, `{"amount":1}`, js(map[string]string{"type": typ}))}}
	}
	runCases(t, []checkCase{
		{"right status and type", Refused, Params{"status": "409", "type": "srn:error:idempotency_conflict"}, refusal(409, "srn:error:idempotency_conflict"), ""},
		{"wrong srn:error type", Refused, Params{"status": "409", "type": "srn:error:idempotency_conflict"}, refusal(409, "srn:error:conflict"), "refused with 409 srn:error:conflict"},
		{"wrong status", Refused, Params{"status": "422"}, refusal(400, "srn:error:validation"), "want 422"},
		{"accepted instead", Refused, Params{"status": "403"}, refusal(202, ""), "was accepted with 202"},
		{"no response", Refused, Params{"status": "403"}, Inputs{"response": {{Seq: 2, Kind: KindHTTP, HTTP: &HTTP{Method: "GET", URL: "https://x/a", Error: "connection reset"}}}}, "got no response"},
		{"nothing recorded", Refused, Params{"status": "403"}, Inputs{}, "no response was recorded"},
		{"succeeded", Succeeded, nil, refusal(202, ""), ""},
		{"failed with 500", Succeeded, nil, refusal(500, "srn:error:internal"), "answered 500 srn:error:internal"},
	})
}

func TestTokenChecks(t *testing.T) {
	token := func(expiresIn, lifetime int64, typ string) Record {
		tok := jwt(map[string]any{"iat": 1000, "exp": 1000 + lifetime, "clientId": "c"})
		return rec(1, "POST", "https://auth/auth/realms/stone_bank/protocol/openid-connect/token", 200, "grant_type=client_credentials",
			js(map[string]any{"access_token": tok, "expires_in": expiresIn, "token_type": typ}))
	}
	good := token(900, 900, "bearer")
	var tok tokenResponse
	_ = json.Unmarshal(good.HTTP.ResponseBody, &tok)
	call := withHeader(get(2, "https://api/api/v1/accounts", 200, `{"data":[]}`), "Authorization", "Bearer "+tok.AccessToken)
	otherTok := withHeader(get(2, "https://api/api/v1/accounts", 200, `{"data":[]}`), "Authorization", "Bearer "+jwt(map[string]any{"iat": 1}))
	again := token(900, 900, "bearer")
	again.Seq = 2
	runCases(t, []checkCase{
		{"900 s bearer", TokenIssued, Params{"seconds": "900"}, Inputs{"token": {good}}, ""},
		{"not valid for 900 s", TokenIssued, Params{"seconds": "900"}, Inputs{"token": {token(300, 300, "bearer")}}, "not valid for 900 s"},
		{"claims disagree", TokenIssued, Params{"seconds": "900"}, Inputs{"token": {token(900, 300, "bearer")}}, "exp - iat = 300"},
		{"not bearer", TokenIssued, Params{"seconds": "900"}, Inputs{"token": {token(900, 900, "mac")}}, `token_type is "mac"`},
		{"refused token", TokenIssued, Params{"seconds": "900"}, Inputs{"token": {rec(1, "POST", "https://auth/x/protocol/openid-connect/token", 401, "", `{"error":"invalid_client"}`)}}, "answered 401"},
		{"reused", TokenReused, nil, Inputs{"token": {good}, "calls": {call}}, ""},
		{"another token sent", TokenReused, nil, Inputs{"token": {good}, "calls": {otherTok}}, "was not sent with the access token issued at #1"},
		{"new token requested", TokenReused, nil, Inputs{"token": {good}, "calls": {again, call}}, "a new access token was requested"},
		{"no call", TokenReused, nil, Inputs{"token": {good}}, "no API call was recorded"},
	})
}

func TestAccountChecks(t *testing.T) {
	list := func(ids ...string) Inputs {
		var data []map[string]string
		for _, id := range ids {
			data = append(data, map[string]string{"id": id, "account_code": "1", "branch_code": "1"})
		}
		return Inputs{"accounts": {get(1, "https://api/api/v1/accounts", 200, js(map[string]any{"data": data}))}}
	}
	acct := func(id, code string) Inputs {
		return Inputs{"account": {get(1, "https://api/api/v1/accounts/"+id, 200, js(map[string]string{"id": id, "account_code": code, "branch_code": "1"}))}}
	}
	bal := func(b, blocked int64) Inputs {
		return Inputs{"balance": {get(1, "https://api/api/v1/accounts/a/balance", 200, js(map[string]int64{"balance": b, "blocked_balance": blocked}))}}
	}
	runCases(t, []checkCase{
		{"configured own account listed", OwnAccountListed, Params{"account_id": "b"}, list("a", "b"), ""},
		{"configured own account missing", OwnAccountListed, Params{"account_id": "z"}, list("a", "b"), `the own account "z" is not among the 2`},
		{"the only account", OwnAccountListed, Params{}, list("a"), ""},
		{"several and none named", OwnAccountListed, Params{}, list("a", "b"), "lists 2 accounts"},
		{"none at all", OwnAccountListed, Params{}, list(), "no account at all"},
		{"account read", AccountRead, Params{"account_id": "a"}, acct("a", "123"), ""},
		{"another account", AccountRead, Params{"account_id": "b"}, acct("a", "123"), `read account "a", asked for "b"`},
		{"no account code", AccountRead, Params{"account_id": "a"}, acct("a", ""), "lacks account_code"},
		{"balance", BalanceNonNegative, nil, bal(10, 0), ""},
		{"negative balance", BalanceNonNegative, nil, bal(-1, 0), "balance -1"},
		{"no balance field", BalanceNonNegative, nil, Inputs{"balance": {get(1, "https://api/x", 200, `{"blocked_balance":0}`)}}, `has no "balance"`},
		{"fee", FeeListed, Params{"fee_type": "internal_transfer"}, Inputs{"fees": {get(1, "https://api/f", 200, `{"data":[{"fee_type":"internal_transfer","amount":0}]}`)}}, ""},
		{"fee missing", FeeListed, Params{"fee_type": "internal_transfer"}, Inputs{"fees": {get(1, "https://api/f", 200, `{"data":[{"fee_type":"external_transfer","amount":400}]}`)}}, "no internal_transfer fee"},
		{"fee negative", FeeListed, Params{"fee_type": "internal_transfer"}, Inputs{"fees": {get(1, "https://api/f", 200, `{"data":[{"fee_type":"internal_transfer","amount":-5}]}`)}}, "amount -5"},
		{"stone listed", InstitutionListed, Params{"ispb": "16501555", "number": "197"}, Inputs{"institutions": {get(1, "https://api/i", 200, `[{"ispb_code":"16501555","number_code":"197"},{"ispb_code":"1","number_code":null}]`)}}, ""},
		{"stone with another number", InstitutionListed, Params{"ispb": "16501555", "number": "197"}, Inputs{"institutions": {get(1, "https://api/i", 200, `[{"ispb_code":"16501555","number_code":"198"}]`)}}, `bank number "198"`},
		{"stone absent", InstitutionListed, Params{"ispb": "16501555", "number": "197"}, Inputs{"institutions": {get(1, "https://api/i", 200, `[{"ispb_code":"1"}]`)}}, "not among the 1 institutions"},
		{"an undocumented page shape", InstitutionListed, Params{"ispb": "16501555", "number": "197"}, Inputs{"institutions": {get(1, "https://api/i", 200, `{"data":[{"ispb_code":"16501555","number_code":"197"}]}`)}}, "not the documented JSON"},
	})
}

func TestStatementChecks(t *testing.T) {
	good := threePages()
	// balance_after off by one on one entry: it no longer equals
	// balance_before + amount, and the chain breaks there too.
	offByOne := threePages()
	offByOne[1] = stmtPage(2, "acc", "c1", "c2", entries(
		entryT{id: "e3", amount: -200, before: 1200, after: ptr(1001), op: "op3", opAmount: 200, at: t0.Add(3 * time.Minute)},
		entryT{id: "e2", amount: 200, before: 1000, op: "op2", opAmount: 200, at: t0.Add(2 * time.Minute)}))
	// Balanced entries that do not chain: the movement e2 is missing
	// between e3 (starts at 1200) and e1 (ended at 1000).
	gap := threePages()
	gap[1] = stmtPage(2, "acc", "c1", "c2", entries(
		entryT{id: "e3", amount: -200, before: 1200, op: "op3", opAmount: 200, at: t0.Add(3 * time.Minute)}))
	dup := threePages()
	dup[2] = stmtPage(3, "acc", "c2", "", entries(entryT{id: "e3", amount: -200, before: 1200, op: "op3", opAmount: 200, at: t0}))
	skipped := threePages()
	skipped[2] = stmtPage(3, "acc", "c9", "", entries(entryT{id: "e1", amount: 1000, before: 0, op: "op1", opAmount: 1000, at: t0}))
	unfinished := threePages()[:2]
	onePage := []Record{stmtPage(1, "acc", "", "", entries(entryT{id: "e1", amount: 1, before: 0, at: t0}))}
	oldestFirst := []Record{stmtPage(1, "acc", "", "", entries(
		entryT{id: "e1", amount: 1000, before: 0, at: t0.Add(time.Minute)},
		entryT{id: "e2", amount: 200, before: 1000, at: t0.Add(2 * time.Minute)}))}
	runCases(t, []checkCase{
		{"walked by cursor", StatementPages, Params{"limit": "2"}, Inputs{"pages": good}, ""},
		{"a page skipped", StatementPages, Params{"limit": "2"}, Inputs{"pages": skipped}, `asked after cursor "c9"`},
		{"not read to the end", StatementPages, Params{"limit": "2"}, Inputs{"pages": unfinished}, "not read to its end"},
		{"one page only", StatementPages, Params{"limit": "2"}, Inputs{"pages": onePage}, "pagination was not exercised"},
		{"page over the limit", StatementPages, Params{"limit": "1"}, Inputs{"pages": good}, "more than the limit 1"},
		{"each once", StatementEntriesOnce, nil, Inputs{"pages": good}, ""},
		{"an entry twice", StatementEntriesOnce, nil, Inputs{"pages": dup}, "entry e3 appears at positions 3 and 5"},
		{"balanced", StatementEntriesBalanced, nil, Inputs{"pages": good}, ""},
		{"balance_after off by one", StatementEntriesBalanced, nil, Inputs{"pages": offByOne}, "e3: 1200 + -200 != 1001"},
		{"chained", StatementChain, nil, Inputs{"pages": good}, ""},
		{"chained, oldest first", StatementChain, nil, Inputs{"pages": oldestFirst}, ""},
		{"consecutive entries do not chain", StatementChain, nil, Inputs{"pages": gap}, "entry e3 starts at balance_before 1200 but the older entry e1 ended at balance_after 1000"},
		{"off by one breaks the chain", StatementChain, nil, Inputs{"pages": offByOne}, "older entry e3 ended at balance_after 1001"},
	})
}

func TestOneDebit(t *testing.T) {
	op := rec(10, "POST", "https://api/api/v1/internal_transfers", 202, `{"amount":1500}`, `{"id":"op7","account_id":"acc","amount":1500,"status":"APPROVED"}`)
	debit := func(es ...entryT) []Record {
		return []Record{stmtPage(11, "acc", "", "", entries(es...))}
	}
	one := debit(entryT{id: "d1", amount: -1500, before: 5000, op: "op7", opAmount: 1500, at: t0})
	withFee := debit(entryT{id: "d1", amount: -1630, before: 5000, op: "op7", opAmount: 1500, fee: 130, at: t0})
	twice := debit(entryT{id: "d1", amount: -1500, before: 5000, op: "op7", opAmount: 1500, at: t0},
		entryT{id: "d2", amount: -1500, before: 6500, op: "op7", opAmount: 1500, at: t0})
	wrongAmount := debit(entryT{id: "d1", amount: -1400, before: 5000, op: "op7", opAmount: 1400, at: t0})
	unbalanced := debit(entryT{id: "d1", amount: -1500, before: 5000, after: ptr(3501), op: "op7", opAmount: 1500, at: t0})
	otherAccount := []Record{stmtPage(11, "other", "", "", entries(entryT{id: "d1", amount: -1500, before: 5000, op: "op7", opAmount: 1500, at: t0}))}
	p := Params{"amount": "1500"}
	runCases(t, []checkCase{
		{"one debit", OneDebit, p, Inputs{"operation": {op}, "statement": one}, ""},
		{"one debit plus its fee", OneDebit, p, Inputs{"operation": {op}, "statement": withFee}, ""},
		{"a double debit", OneDebit, p, Inputs{"operation": {op}, "statement": twice}, "appears 2 times in the statement (d1, d2): it was paid more than once"},
		{"no debit", OneDebit, p, Inputs{"operation": {op}, "statement": debit()}, "no statement entry for operation op7"},
		{"another amount", OneDebit, p, Inputs{"operation": {op}, "statement": wrongAmount}, "amount -1400, operation_amount 1400"},
		{"balance_after off by one", OneDebit, p, Inputs{"operation": {op}, "statement": unbalanced}, "balance_after 3501 != balance_before 5000 + amount -1500"},
		{"another account's statement", OneDebit, p, Inputs{"operation": {op}, "statement": otherAccount}, "is not the statement of account acc"},
	})
}

func TestBalanceAgrees(t *testing.T) {
	bal := func(seq, b int64) Record {
		return get(seq, "https://api/api/v1/accounts/acc/balance", 200, js(map[string]int64{"balance": b, "blocked_balance": 0}))
	}
	newest := func(seq, after int64) Record {
		return stmtPage(seq, "acc", "", "", entries(entryT{id: "n1", amount: -10, before: after + 10, at: t0}))
	}
	round := func(b1, stmt, b2 int64) Inputs {
		return Inputs{"before": {bal(1, b1)}, "statement": {newest(2, stmt)}, "after": {bal(3, b2)}}
	}
	moving := Inputs{"before": {bal(1, 100), bal(4, 90)}, "statement": {newest(2, 90), newest(5, 80)}, "after": {bal(3, 90), bal(6, 80)}}
	movingThenStill := Inputs{"before": {bal(1, 100), bal(4, 90)}, "statement": {newest(2, 90), newest(5, 90)}, "after": {bal(3, 90), bal(6, 90)}}
	runCases(t, []checkCase{
		{"agrees", BalanceAgrees, nil, round(500, 500, 500), ""},
		{"statement ends elsewhere", BalanceAgrees, nil, round(500, 501, 500), "balance is 500 (#3 GET /api/v1/accounts/acc/balance) but the newest statement entry n1 ends at balance_after 501"},
		{"money kept moving", BalanceAgrees, nil, moving, "the balance changed during each of the 2 rounds"},
		{"a still round after a moving one", BalanceAgrees, nil, movingThenStill, ""},
		{"empty statement", BalanceAgrees, nil, Inputs{"before": {bal(1, 5)}, "statement": {stmtPage(2, "acc", "", "", nil)}, "after": {bal(3, 5)}}, "empty statement"},
	})
}

func TestOperationChecks(t *testing.T) {
	create := func(reqAmount, amount int64, status string) Record {
		return rec(5, "POST", "https://api/api/v1/internal_transfers", 202, js(map[string]int64{"amount": reqAmount}),
			js(map[string]any{"id": "t1", "account_id": "acc", "amount": amount, "status": status}))
	}
	read := func(seq int64, status string, code any) Record {
		body := map[string]any{"id": "t1", "amount": 1, "status": status, "failure_reason_code": code}
		if code != nil {
			body["failure_reason_description"] = "Saldo insuficiente."
		}
		return get(seq, "https://api/api/v1/internal_transfers/t1", 200, js(body))
	}
	again := func(id string, key string) Record {
		r := withHeader(rec(6, "POST", "https://api/api/v1/internal_transfers", 202, `{"amount":700}`, js(map[string]any{"id": id, "amount": 700})), "X-Stone-Idempotency-Key", key)
		return r
	}
	first := withHeader(rec(5, "POST", "https://api/api/v1/internal_transfers", 202, `{"amount":700}`, `{"id":"t1","amount":700}`), "X-Stone-Idempotency-Key", "k1")
	pending := func(ids ...string) Record {
		var data []map[string]string
		for _, id := range ids {
			data = append(data, map[string]string{"id": id})
		}
		return get(9, "https://api/api/v1/accounts/acc/operations?status=PENDING_APPROVAL", 200, js(map[string]any{"data": data}))
	}
	st := Params{"status": "FINISHED", "what": "transfer"}
	runCases(t, []checkCase{
		{"accepted", Created, Params{"status": "APPROVED"}, Inputs{"response": {create(1500, 1500, "APPROVED")}}, ""},
		{"another status", Created, Params{"status": "APPROVED"}, Inputs{"response": {create(1500, 1500, "CREATED")}}, `has status "CREATED", want "APPROVED"`},
		{"another amount", Created, Params{"status": "APPROVED"}, Inputs{"response": {create(1500, 1501, "APPROVED")}}, "has amount 1501, the request sent 1500"},
		{"finished", Status, st, Inputs{"reads": {read(1, "APPROVED", nil), read(2, "FINISHED", nil)}}, ""},
		{"stuck at APPROVED", Status, st, Inputs{"reads": {read(1, "APPROVED", nil), read(2, "APPROVED", nil)}}, `has status "APPROVED" after 2 reads (APPROVED), want "FINISHED"`},
		{"ended elsewhere", Status, st, Inputs{"reads": {read(1, "APPROVED", nil), read(2, "FAILED", "1")}}, `"FAILED" (Saldo insuficiente.) after 2 reads (APPROVED → FAILED)`},
		{"failure code as a number", Status, Params{"status": "FAILED", "failure_reason_code": "1"}, Inputs{"reads": {read(1, "FAILED", 1)}}, ""},
		{"another failure code", Status, Params{"status": "FAILED", "failure_reason_code": "1"}, Inputs{"reads": {read(1, "FAILED", "2")}}, `failure_reason_code "2"`},
		{"never read", Status, st, Inputs{"reads": {get(1, "https://api/x", 500, `{"type":"srn:error:internal"}`)}}, "could not be read"},
		{"same transfer", SameOperation, Params{"what": "transfer"}, Inputs{"first": {first}, "again": {again("t1", "k1")}}, ""},
		{"a second transfer", SameOperation, Params{"what": "transfer"}, Inputs{"first": {first}, "again": {again("t2", "k1")}}, "the key did not protect against a double payment"},
		{"another key", SameOperation, nil, Inputs{"first": {first}, "again": {again("t1", "k2")}}, "not sent with the same idempotency key"},
		{"dry run", DryRunAmount, Params{"amount": "500"}, Inputs{"response": {rec(1, "POST", "https://api/api/v1/dry_run/internal_transfers", 200, "", `{"amount":500}`)}}, ""},
		{"dry run of another amount", DryRunAmount, Params{"amount": "500"}, Inputs{"response": {rec(1, "POST", "https://api/x", 200, "", `{"amount":50}`)}}, "describes 50 centavos, want 500"},
		{"pending", PendingApproval, nil, Inputs{"operation": {create(1, 1, "CREATED")}, "pending": {pending("x", "t1")}}, ""},
		{"not pending", PendingApproval, nil, Inputs{"operation": {create(1, 1, "CREATED")}, "pending": {pending("x")}}, "t1 is not among the 1 operations waiting for approval"},
	})
}

func TestConsentChecks(t *testing.T) {
	link := func(meta map[string]any) Record {
		l := "https://sandbox.conta.stone.com.br/consentimento?client_id=c&jwt=" + jwt(map[string]any{"type": "consent", "session_metadata": meta})
		return Record{Seq: 1, Kind: KindPerson, Person: &Person{Actor: "person", Action: PersonPrompt, Subject: "consent", Link: l}}
	}
	answer := func(q string) Record {
		return Record{Seq: 2, Kind: KindPerson, Person: &Person{Actor: "person", Action: PersonAnswer, Subject: "consent", Answer: "https://partner.example/cb?" + q}}
	}
	meta := map[string]any{"homolog_run": "r1", "homolog_session": "s1"}
	approved := answer("consent_result=approved&resource_id=acc9&homolog_run=r1&homolog_session=s1")
	simAnswer := rec(2, "POST", "https://sim/_sim/owner/consent", 200, "", js(map[string]string{"redirect": "https://partner.example/cb?consent_result=ignored&homolog_run=r1"}))
	accounts := get(3, "https://api/api/v1/accounts", 200, `{"data":[{"id":"own"},{"id":"acc9"}]}`)
	runCases(t, []checkCase{
		{"approved", ConsentRedirect, Params{"result": "approved", "resource": "present"}, Inputs{"redirect": {approved}}, ""},
		{"ignored through the simulator's control", ConsentRedirect, Params{"result": "ignored", "resource": "absent"}, Inputs{"redirect": {simAnswer}}, ""},
		{"another result", ConsentRedirect, Params{"result": "approved", "resource": "present"}, Inputs{"redirect": {answer("consent_result=ignored")}}, `consent_result is "ignored", want "approved"`},
		{"no resource", ConsentRedirect, Params{"result": "approved", "resource": "present"}, Inputs{"redirect": {answer("consent_result=approved")}}, "carries no resource_id"},
		{"a resource although ignored", ConsentRedirect, Params{"result": "ignored", "resource": "absent"}, Inputs{"redirect": {answer("consent_result=ignored&resource_id=x")}}, `names resource "x"`},
		{"not an address", ConsentRedirect, Params{"result": "approved", "resource": "present"}, Inputs{"redirect": {{Seq: 2, Kind: KindPerson, Person: &Person{Answer: "approved"}}}}, "is not an address"},
		{"metadata back", ConsentMetadata, nil, Inputs{"link": {link(meta)}, "redirect": {approved}}, ""},
		{"missing session metadata", ConsentMetadata, nil, Inputs{"link": {link(meta)}, "redirect": {answer("consent_result=approved&resource_id=acc9&homolog_run=r1")}}, `session metadata "homolog_session" did not come back`},
		{"altered session metadata", ConsentMetadata, nil, Inputs{"link": {link(meta)}, "redirect": {answer("consent_result=approved&homolog_run=r2&homolog_session=s1")}}, `"homolog_run" came back as "r2", sent "r1"`},
		{"no metadata sent", ConsentMetadata, nil, Inputs{"link": {link(nil)}, "redirect": {approved}}, "has no session_metadata"},
		{"listed", ConsentedAccountListed, nil, Inputs{"redirect": {approved}, "accounts": {accounts}}, ""},
		{"not listed", ConsentedAccountListed, nil, Inputs{"redirect": {approved}, "accounts": {get(3, "https://api/api/v1/accounts", 200, `{"data":[{"id":"own"}]}`)}}, `the consented account "acc9" is not among the 1 accounts`},
	})
}

func TestTEDChecks(t *testing.T) {
	create := func(body map[string]any) Record {
		return rec(1, "POST", "https://api/api/v1/external_transfers", 202, `{"amount":2500}`, js(body))
	}
	finished := get(2, "https://api/api/v1/external_transfers/x1", 200, `{"id":"x1","status":"FINISHED"}`)
	stuck := get(2, "https://api/api/v1/external_transfers/x1", 200, `{"id":"x1","status":"APPROVED"}`)
	runCases(t, []checkCase{
		{"runs today", TEDAccepted, nil, Inputs{"response": {create(map[string]any{"id": "x1", "status": "APPROVED"})}, "reads": {finished}}, ""},
		{"runs today but never finishes", TEDAccepted, nil, Inputs{"response": {create(map[string]any{"id": "x1", "status": "APPROVED"})}, "reads": {stuck}}, `has status "APPROVED"`},
		{"delayed", TEDAccepted, nil, Inputs{"response": {create(map[string]any{"id": "x1", "status": "DELAYED_TO_NEXT_BUSINESS_DAY", "delayed_to_next_business_day": true, "scheduled_to_effective": "2026-12-02"})}}, ""},
		{"delayed without its date", TEDAccepted, nil, Inputs{"response": {create(map[string]any{"id": "x1", "status": "DELAYED_TO_NEXT_BUSINESS_DAY", "delayed_to_next_business_day": true})}}, "scheduled_to_effective=null"},
		{"another status", TEDAccepted, nil, Inputs{"response": {create(map[string]any{"id": "x1", "status": "CREATED"})}}, `has status "CREATED"`},
		{"resolved", TEDInstitutionResolved, nil, Inputs{"response": {create(map[string]any{"id": "x1", "target": map[string]any{"account": map[string]string{"institution_ispb": "90400888", "institution_name": "Santander"}}})}}, ""},
		{"unresolved", TEDInstitutionResolved, nil, Inputs{"response": {create(map[string]any{"id": "x1", "target": map[string]any{"account": map[string]string{"institution_ispb": "90400888"}}})}}, "target institution not resolved"},
	})
}

func TestPixChecks(t *testing.T) {
	pix := func(e2e, doc string) Record {
		return rec(1, "POST", "https://api/api/v1/pix/outbound_pix_payments", 202, `{"amount":1000}`,
			js(map[string]any{"id": "p1", "end_to_end_id": e2e, "target": map[string]any{"entity": map[string]string{"document": doc}}}))
	}
	e2e := "E16501555202611301200abcdefghijk"
	keys := func(status string) Record {
		return get(3, "https://api/api/v1/pix/acc/entries", 200, js(map[string]any{"data": []map[string]string{{"id": "k1", "key_status": status}}}))
	}
	runCases(t, []checkCase{
		{"end-to-end id", EndToEndID, nil, Inputs{"response": {pix(e2e, "***093657**")}}, ""},
		{"short end-to-end id", EndToEndID, nil, Inputs{"response": {pix("E123", "***093657**")}}, `end_to_end_id "E123"`},
		{"masked by Stone", DocumentMasked, Params{"field": "target.entity.document"}, Inputs{"response": {pix(e2e, "***093657**")}}, ""},
		{"an unmasked document", DocumentMasked, Params{"field": "target.entity.document"}, Inputs{"response": {pix(e2e, "52998224725")}}, `is "52998224725", not masked`},
		{"unmasked, masked only by homolog", DocumentMasked, Params{"field": "target.entity.document"}, Inputs{"response": {pix(e2e, MaskedByHomolog+"***982247**]")}}, "was sent unmasked"},
		{"no document", DocumentMasked, Params{"field": "target.entity.document"}, Inputs{"response": {pix(e2e, "")}}, "has no document at target.entity.document"},
		{"static BR Code", BRCodeStatic, nil, Inputs{"response": {rec(1, "POST", "https://api/x", 200, "", `{"type":"static","static":{"key":"k"}}`)}}, ""},
		{"dynamic BR Code", BRCodeStatic, nil, Inputs{"response": {rec(1, "POST", "https://api/x", 200, "", `{"type":"dynamic","dynamic":{}}`)}}, `type "dynamic"`},
		{"key listed", PixKeyListed, Params{"key_id": "k1", "listed": "true"}, Inputs{"list": {keys("ACTIVE")}}, ""},
		{"key not listed", PixKeyListed, Params{"key_id": "k2", "listed": "true"}, Inputs{"list": {keys("ACTIVE")}}, "PIX key k2 is not listed"},
		{"key gone", PixKeyListed, Params{"key_id": "k1", "listed": "false"}, Inputs{"list": {keys("DELETING")}}, ""},
		{"key still there", PixKeyListed, Params{"key_id": "k1", "listed": "false"}, Inputs{"list": {keys("ACTIVE")}}, "PIX key k1 is still listed"},
	})
}

func TestBoletoChecks(t *testing.T) {
	dry := func(status string, value any) Record {
		return rec(1, "POST", "https://api/api/v1/dry_run/payments", 200, "", js(map[string]any{"details": map[string]any{"status": status, "value": value}}))
	}
	pay := func(amount int64) Record {
		return rec(2, "POST", "https://api/api/v1/payments", 202, "", js(map[string]any{"id": "pay1", "amount": amount}))
	}
	issued := func(status, barcode, line string) Record {
		return rec(1, "POST", "https://api/api/v1/barcode_payment_invoices", 200, "", js(map[string]string{"id": "b1", "status": status, "barcode": barcode, "writable_line": line}))
	}
	bc, wl := strings.Repeat("1", 44), strings.Repeat("2", 47)
	runCases(t, []checkCase{
		{"payable", BoletoDryRun, Params{"status": "payable"}, Inputs{"response": {dry("payable", 1000)}}, ""},
		{"paid instead", BoletoDryRun, Params{"status": "payable"}, Inputs{"response": {dry("paid", 1000)}}, `says the boleto is "paid"`},
		{"no amount", BoletoDryRun, Params{"status": "payable"}, Inputs{"response": {dry("payable", nil)}}, "gives no amount"},
		{"amounts agree", AmountsAgree, nil, Inputs{"check": {dry("payable", 1000)}, "payment": {pay(1000)}}, ""},
		{"paid another amount", AmountsAgree, nil, Inputs{"check": {dry("payable", 1000)}, "payment": {pay(999)}}, "is for 999 centavos, the dry run (#1 POST /api/v1/dry_run/payments) said 1000"},
		{"issued", BoletoIssued, Params{"status": "CREATED"}, Inputs{"response": {issued("CREATED", bc, wl)}}, ""},
		{"short barcode", BoletoIssued, Params{"status": "CREATED"}, Inputs{"response": {issued("CREATED", "123", wl)}}, "want 44 digits"},
		{"limits", LimitsValid, nil, Inputs{"response": {get(1, "https://api/l", 200, `{"minimum_amount":2000,"maximum_amount":2000000}`)}}, ""},
		{"limits upside down", LimitsValid, nil, Inputs{"response": {get(1, "https://api/l", 200, `{"minimum_amount":2000,"maximum_amount":20}`)}}, "want 0 < minimum ≤ maximum"},
	})
}

func TestWebhookChecks(t *testing.T) {
	hook := func(outcome, errText, happened string) Record {
		return Record{Seq: 40, Time: t0, Kind: KindWebhook, Webhook: &Webhook{EventID: "ev1", EventType: "cash_out_internal_transfer_finished",
			TargetID: "t1", Outcome: outcome, Error: errText, Payload: []byte(js(map[string]string{"id": "ev1", "event_happened_at": happened}))}}
	}
	ok := hook("accepted", "", t0.Add(-time.Second).Format(time.RFC3339))
	p := Params{"event_type": "cash_out_internal_transfer_finished", "target_id": "t1"}
	listing := func(body string) Record {
		return get(41, "https://api/api/v1/applications/application:c/webhooks", 200, body)
	}
	runCases(t, []checkCase{
		{"verified", WebhookReceived, p, Inputs{"webhook": {ok}}, ""},
		{"a signature that does not verify", WebhookReceived, p, Inputs{"webhook": {hook("rejected", "webhook: verify JWS: crypto/rsa: verification error", t0.Format(time.RFC3339))}}, "was rejected: webhook: verify JWS"},
		{"about another operation", WebhookReceived, Params{"event_type": "cash_out_internal_transfer_finished", "target_id": "t2"}, Inputs{"webhook": {ok}}, `is about "t1", want "t2"`},
		{"from the future", WebhookReceived, p, Inputs{"webhook": {hook("accepted", "", t0.Add(3*time.Hour).Format(time.RFC3339))}}, "no plausible event_happened_at"},
		{"listed in a page", WebhookListed, nil, Inputs{"webhook": {ok}, "listing": {listing(`{"cursor":{},"data":[{"client_id":"c","data":{"id":"ev1"}}]}`)}}, ""},
		{"listed as the single documented object", WebhookListed, nil, Inputs{"webhook": {ok}, "listing": {listing(`{"client_id":"c","data":{"id":"ev1","event_type":"x"}}`)}}, ""},
		{"not listed", WebhookListed, nil, Inputs{"webhook": {ok}, "listing": {listing(`[{"data":{"id":"ev0"}}]`)}}, "webhook ev1 is not among the 1"},
	})
}

func TestTape(t *testing.T) {
	ctx, outer := WithTape(t.Context())
	inner := func() []Record {
		ctx, tape := WithTape(ctx)
		TapeFrom(ctx).Add(Record{Seq: 2})
		return tape.Records()
	}
	TapeFrom(ctx).Add(Record{Seq: 1})
	got := inner()
	if len(got) != 1 || got[0].Seq != 2 {
		t.Fatalf("inner tape holds %v, want #2 only", got)
	}
	if all := outer.Records(); len(all) != 2 {
		t.Fatalf("outer tape holds %v, want #1 and #2", all)
	}
}
