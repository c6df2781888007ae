package simulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestConsentedAccountTransferWaitsForOwner(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	tpBefore := e.balance(e.fx.ThirdPartyAccountID)
	tr := e.createTransfer(transferBody(e.fx.ThirdPartyAccountID, e.fx.TransferTargets[0], 1_000))
	if tr.Status != "CREATED" || tr.ApprovedAt != nil || tr.ApprovedBy != nil || tr.CreatedBy != "application:"+testClientID {
		t.Fatalf("created = %+v", tr)
	}
	e.clock.Advance(time.Hour)
	if got := e.getTransfer(tr.ID); got.Status != "CREATED" {
		t.Fatalf("without the owner: %s", got.Status)
	}

	if code := e.owner(tr.ID, "approve"); code != http.StatusNoContent {
		t.Fatalf("owner approve = %d", code)
	}
	var ownerID string
	e.store(func(st *book) { ownerID = st.Account(e.fx.ThirdPartyAccountID).OwnerID })
	got := e.getTransfer(tr.ID)
	if got.Status != "APPROVED" || got.ApprovedBy == nil || *got.ApprovedBy != ownerID || *got.ApprovedAt != "2026-11-28T14:00:00Z" {
		t.Fatalf("after approve: %+v", got)
	}
	wantError(t, e.do(http.MethodPost, "/_sim/owner/internal_transfers/"+tr.ID+"/approve", nil, nil), http.StatusConflict, "conflict")

	e.clock.Advance(time.Second)
	if got := e.getTransfer(tr.ID); got.Status != "FINISHED" {
		t.Fatalf("after FinishAfter: %s", got.Status)
	}
	if b := e.balance(e.fx.ThirdPartyAccountID); b != tpBefore-1_000 {
		t.Fatalf("third-party balance %d, want %d", b, tpBefore-1_000)
	}
	checkChain(t, e.statementAll(e.fx.ThirdPartyAccountID, 3), tpBefore-1_000)
}

func TestConsentedAccountTransferRejected(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	tr := e.createTransfer(transferBody(e.fx.ThirdPartyAccountID, e.fx.TransferTargets[0], 1_000))
	if code := e.owner(tr.ID, "reject"); code != http.StatusNoContent {
		t.Fatalf("owner reject = %d", code)
	}
	e.clock.Advance(time.Hour)
	got := e.getTransfer(tr.ID)
	if got.Status != "REJECTED" || got.RejectedAt == nil || got.RejectedBy == nil || !strings.HasPrefix(*got.RejectedBy, "user:") ||
		got.ApprovedAt != nil || got.FinishedAt != nil {
		t.Fatalf("rejected = %+v", got)
	}
	for _, action := range []string{"approve", "reject"} {
		wantError(t, e.do(http.MethodPost, "/_sim/owner/internal_transfers/"+tr.ID+"/"+action, nil, nil), http.StatusConflict, "conflict")
	}
	wantError(t, e.do(http.MethodPost, "/_sim/owner/internal_transfers/unknown/approve", nil, nil), http.StatusNotFound, "not_found")
	// Own-account transfers never wait for an owner.
	own := e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 1))
	wantError(t, e.do(http.MethodPost, "/_sim/owner/internal_transfers/"+own.ID+"/approve", nil, nil), http.StatusConflict, "conflict")
}

func TestScheduledTransfer(t *testing.T) {
	e := newEnv(t)
	body := `{"amount":700,"account_id":"` + e.fx.OwnAccountID + `","target":{"account":{"account_code":"` +
		e.fx.TransferTargets[0] + `"}},"scheduled_to":"2026-12-01"}`
	tr := e.createTransfer(body)
	if tr.Status != "SCHEDULED" || tr.ScheduledTo == nil || *tr.ScheduledTo != "2026-12-01" {
		t.Fatalf("scheduled = %+v", tr)
	}
	if bal := decode[balanceView](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/balance", "")); bal.ScheduledBalance != 700 || bal.Balance != 1_000_000 {
		t.Fatalf("balance while scheduled = %+v", bal)
	}
	e.clock.Advance(24 * time.Hour)
	if got := e.getTransfer(tr.ID); got.Status != "SCHEDULED" {
		t.Fatalf("a day early: %s", got.Status)
	}
	e.clock.Advance(3 * 24 * time.Hour)
	got := e.getTransfer(tr.ID)
	if got.Status != "FINISHED" || *got.FinishedAt != "2026-12-01T03:00:00Z" || e.balance(e.fx.OwnAccountID) != 1_000_000-700 {
		t.Fatalf("on the day: %+v", got)
	}
	// A date in the past runs now.
	past := strings.Replace(body, "2026-12-01", "2020-01-01", 1)
	if tr := e.createTransfer(past); tr.Status != "APPROVED" {
		t.Fatalf("past scheduled_to: %s", tr.Status)
	}
}
