package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

func transferBody(accountID, code string, amount int64) string {
	return fmt.Sprintf(`{"amount":%d,"account_id":%q,"target":{"account":{"account_code":%q}},"description":"homolog"}`, amount, accountID, code)
}

func (e *env) createTransfer(body string, hdr ...string) transferView {
	e.t.Helper()
	rec := e.api(http.MethodPost, "/api/v1/internal_transfers", body, hdr...)
	wantStatus(e.t, rec, http.StatusAccepted)
	return decode[transferView](e.t, rec)
}

func (e *env) getTransfer(id string) transferView {
	e.t.Helper()
	rec := e.api(http.MethodGet, "/api/v1/internal_transfers/"+id, "")
	wantStatus(e.t, rec, http.StatusOK)
	return decode[transferView](e.t, rec)
}

func (e *env) balance(id string) int64 {
	e.t.Helper()
	return decode[balanceView](e.t, e.api(http.MethodGet, "/api/v1/accounts/"+id+"/balance", "")).Balance
}

func (e *env) owner(id, action string) int {
	e.t.Helper()
	return e.do(http.MethodPost, "/_sim/owner/internal_transfers/"+id+"/"+action, nil, nil).Code
}

// counterpart returns the target account as the bank sees it.
func (e *env) counterpart(code string) (balance int64, last ledger.Entry) {
	e.store(func(st *book) {
		a, _ := st.AccountByCode(code)
		balance, last = a.Balance(), *a.Entries()[len(a.Entries())-1]
	})
	return balance, last
}

func TestOwnAccountTransferFinishes(t *testing.T) {
	e := newEnv(t)
	target := e.fx.TransferTargets[1]
	targetBefore, _ := e.counterpart(target)
	var ownCode string
	e.store(func(st *book) { ownCode = st.Account(e.fx.OwnAccountID).AccountCode })

	tr := e.createTransfer(transferBody(e.fx.OwnAccountID, target, 12_345))
	app := "application:" + testClientID
	if tr.Status != "APPROVED" || tr.ApprovedBy == nil || *tr.ApprovedBy != app || tr.ApprovedAt == nil ||
		tr.CreatedBy != app || tr.AccountID != e.fx.OwnAccountID || tr.Amount != 12_345 || tr.Fee == nil || *tr.Fee != 0 ||
		tr.Target.Account.AccountCode != target || tr.TargetAccountCode != target || tr.Target.Entity.Name != "Fernando Antonio" ||
		tr.TargetAccountOwnerName != "Fernando Antonio" || tr.FinishedAt != nil || tr.Description != "homolog" ||
		tr.CreatedAt != "2026-11-28T13:00:00Z" {
		t.Fatalf("created transfer = %+v", tr)
	}
	if got := e.getTransfer(tr.ID); got.Status != "APPROVED" || e.balance(e.fx.OwnAccountID) != 1_000_000 {
		t.Fatalf("before FinishAfter: status %s, balance %d", got.Status, e.balance(e.fx.OwnAccountID))
	}

	e.clock.Advance(100 * time.Millisecond)
	got := e.getTransfer(tr.ID)
	if got.Status != "FINISHED" || got.FinishedAt == nil || *got.FinishedAt != "2026-11-28T13:00:00Z" {
		t.Fatalf("after FinishAfter: %+v", got)
	}
	if b := e.balance(e.fx.OwnAccountID); b != 1_000_000-12_345 {
		t.Fatalf("own balance = %d, want %d", b, 1_000_000-12_345)
	}
	st := e.statementAll(e.fx.OwnAccountID, 100)
	debit := st[0]
	if debit.Amount != -12_345 || debit.Operation != "debit" || debit.OperationID != tr.ID ||
		debit.CounterParty.Account.AccountCode != target || debit.CounterParty.Entity.Name != "Fernando Antonio" {
		t.Fatalf("debit entry = %+v", debit)
	}
	checkChain(t, st, 1_000_000-12_345)

	targetAfter, credit := e.counterpart(target)
	if targetAfter != targetBefore+12_345 || credit.Amount != 12_345 || credit.Operation != "credit" ||
		credit.OperationID != tr.ID || credit.CounterParty.Account.AccountCode != ownCode ||
		credit.BalanceAfter != targetAfter || credit.BalanceBefore != targetBefore {
		t.Fatalf("target: %d → %d, credit %+v", targetBefore, targetAfter, credit)
	}
}

func TestInsufficientFundsFails(t *testing.T) {
	e := newEnv(t)
	entriesBefore := len(e.statementAll(e.fx.OwnAccountID, 100))
	tr := e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 1_000_001))
	if tr.Status != "APPROVED" {
		t.Fatalf("insufficient funds must be accepted first: %+v", tr)
	}
	e.clock.Advance(time.Second)
	got := e.getTransfer(tr.ID)
	if got.Status != "FAILED" || got.FailedAt == nil || got.FailureReasonCode == nil || *got.FailureReasonCode != "1" ||
		got.FailureReasonDescription == nil || *got.FailureReasonDescription != "Saldo insuficiente." || got.FinishedAt != nil {
		t.Fatalf("failed transfer = %+v", got)
	}
	if b, n := e.balance(e.fx.OwnAccountID), len(e.statementAll(e.fx.OwnAccountID, 100)); b != 1_000_000 || n != entriesBefore {
		t.Fatalf("balance %d with %d entries, want untouched 1000000 with %d", b, n, entriesBefore)
	}
	// Exactly the balance is fine.
	exact := e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 1_000_000))
	e.clock.Advance(time.Second)
	if got := e.getTransfer(exact.ID); got.Status != "FINISHED" || e.balance(e.fx.OwnAccountID) != 0 {
		t.Fatalf("whole-balance transfer: %s, balance %d", got.Status, e.balance(e.fx.OwnAccountID))
	}
}

func TestTransferValidation(t *testing.T) {
	e := newEnv(t)
	own, code := e.fx.OwnAccountID, e.fx.TransferTargets[0]
	tests := []struct {
		name, body string
		paths      []string // expected reason paths, joined with "."
	}{
		{"empty object", `{}`, []string{"amount", "account_id", "target"}},
		{"zero amount", transferBody(own, code, 0), []string{"amount"}},
		{"negative amount", transferBody(own, code, -5), []string{"amount"}},
		{"amount as string", `{"amount":"10","account_id":"` + own + `","target":{"account":{"account_code":"` + code + `"}}}`, []string{"amount"}},
		{"fractional amount", `{"amount":1.5,"account_id":"` + own + `","target":{"account":{"account_code":"` + code + `"}}}`, []string{"amount"}},
		{"blank account_code", `{"amount":1,"account_id":"` + own + `","target":{"account":{}}}`, []string{"target.account.account_code"}},
		{"non-numeric account_code", transferBody(own, "12a4", 1), []string{"target.account.account_code"}},
		{"target not an object", `{"amount":1,"account_id":"` + own + `","target":"x"}`, []string{"target"}},
		{"blank account_id", `{"amount":1,"account_id":"","target":{"account":{"account_code":"` + code + `"}}}`, []string{"account_id"}},
		{"description too long", `{"amount":1,"account_id":"` + own + `","target":{"account":{"account_code":"` + code + `"}},"description":"` + strings.Repeat("á", 201) + `"}`, []string{"description"}},
		{"bad scheduled_to", `{"amount":1,"account_id":"` + own + `","target":{"account":{"account_code":"` + code + `"}},"scheduled_to":"28/11/2026"}`, []string{"scheduled_to"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.api(http.MethodPost, "/api/v1/internal_transfers", tt.body)
			got := wantError(t, rec, http.StatusBadRequest, "validation")
			reasons := decodeReasons(t, got)
			if len(reasons) != len(tt.paths) {
				t.Fatalf("reasons = %+v, want paths %v", reasons, tt.paths)
			}
			for i, r := range reasons {
				if strings.Join(r.Path, ".") != tt.paths[i] || r.Error == "" {
					t.Fatalf("reason %d = %+v, want path %s", i, r, tt.paths[i])
				}
			}
		})
	}
	blank := decodeReasons(t, wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers",
		`{"amount":1,"account_id":"`+own+`","target":{"account":{"account_code":null}}}`), 400, "validation"))
	if blank[0].Error != "can't be blank" {
		t.Fatalf("blank account_code error = %q", blank[0].Error)
	}
	for _, body := range []string{`{"amount":`, `[1,2]`, ``, `{"amount":1} trailing`} {
		wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers", body), http.StatusBadRequest, "bad_request")
	}
}

func decodeReasons(t *testing.T, e apiError) []fieldError {
	t.Helper()
	var rs []fieldError
	if err := json.Unmarshal(e.Reason, &rs); err != nil {
		t.Fatalf("reason %s: %v", e.Reason, err)
	}
	return rs
}

func TestTransferAccessAndTargets(t *testing.T) {
	e := newEnv(t)
	var ownCode string
	e.store(func(st *book) { ownCode = st.Account(e.fx.OwnAccountID).AccountCode })
	wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers", transferBody(e.fx.ThirdPartyAccountID, e.fx.TransferTargets[0], 1)), 403, "unauthorized")
	wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers", transferBody("no-such-account", e.fx.TransferTargets[0], 1)), 403, "unauthorized")
	wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers", transferBody(e.fx.OwnAccountID, "999999999", 1)), 422, "target_account_not_found")
	wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers", transferBody(e.fx.OwnAccountID, ownCode, 1)), 422, "cannot_transfer_to_source_account")
	wantError(t, e.api(http.MethodGet, "/api/v1/internal_transfers/no-such-transfer", ""), 404, "not_found")

	// Another application cannot read this one's transfers.
	tr := e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 1))
	other := &env{t: t, clientID: "other-app", sim: e.sim, clock: e.clock, key: testKeys(t)[2]}
	otherFx, err := e.sim.Register(Client{ID: other.clientID, PublicKey: &other.key.PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, other.api(http.MethodGet, "/api/v1/internal_transfers/"+tr.ID, ""), 403, "unauthorized")
	wantError(t, other.api(http.MethodGet, "/api/v1/internal_transfers?account_id="+e.fx.OwnAccountID, ""), 403, "unauthorized")
	if l := decode[list[transferView]](t, other.api(http.MethodGet, "/api/v1/internal_transfers", "")); len(l.Data) != 0 {
		t.Fatalf("other app lists %d transfers", len(l.Data))
	}
	// It can pay this application's own account, which is an ordinary Stone account.
	other.createTransfer(transferBody(otherFx.OwnAccountID, ownCode, 500))
	e.clock.Advance(time.Second)
	if b := e.balance(e.fx.OwnAccountID); b != 1_000_000-1+500 {
		t.Fatalf("own balance = %d, want %d", b, 1_000_000-1+500)
	}
	checkChain(t, e.statementAll(e.fx.OwnAccountID, 100), 1_000_000-1+500)
}

func TestListTransfers(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 5 {
		ids = append(ids, e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[i%4], int64(100+i))).ID)
	}
	e.clock.Advance(time.Second)
	ids = append(ids, e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 1)).ID)
	var walked []string
	q := "/api/v1/internal_transfers?limit=2&account_id=" + e.fx.OwnAccountID
	for next := q; ; {
		page := decode[list[transferView]](t, e.api(http.MethodGet, next, ""))
		for _, tr := range page.Data {
			walked = append(walked, tr.ID)
		}
		if page.Cursor.After == nil {
			break
		}
		next = q + "&after=" + *page.Cursor.After
	}
	if len(walked) != 6 || walked[0] != ids[5] || walked[5] != ids[0] {
		t.Fatalf("walked %v, want newest first %v", walked, ids)
	}
	finished := decode[list[transferView]](t, e.api(http.MethodGet, "/api/v1/internal_transfers?status=FINISHED", ""))
	approved := decode[list[transferView]](t, e.api(http.MethodGet, "/api/v1/internal_transfers?status=APPROVED", ""))
	if len(finished.Data) != 5 || len(approved.Data) != 1 || approved.Data[0].ID != ids[5] {
		t.Fatalf("FINISHED %d, APPROVED %d", len(finished.Data), len(approved.Data))
	}
	wantError(t, e.api(http.MethodGet, "/api/v1/internal_transfers?status=DONE", ""), 400, "validation")
	wantError(t, e.api(http.MethodGet, "/api/v1/internal_transfers?after=nope", ""), 400, "invalid_cursor")
}

func TestFinishAfterNegativeIsImmediate(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.FinishAfter = -1 })
	tr := e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 10))
	if tr.Status != "APPROVED" {
		t.Fatalf("202 body shows %s, want APPROVED (accepted, not executed)", tr.Status)
	}
	if got := e.getTransfer(tr.ID); got.Status != "FINISHED" {
		t.Fatalf("next request sees %s, want FINISHED without the clock moving", got.Status)
	}
}
