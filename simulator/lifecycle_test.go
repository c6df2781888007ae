package simulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func scheduledBody(accountID, code, day string) string {
	return `{"amount":700,"account_id":"` + accountID + `","target":{"account":{"account_code":"` + code + `"}},"scheduled_to":"` + day + `"}`
}

func TestCancelScheduledTransferPOSTAndDELETE(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			e := newEnv(t)
			tr := e.createTransfer(scheduledBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], "2026-12-01"))
			e.call(method, "/api/v1/internal_transfers/"+tr.ID+"/cancel", "", http.StatusNoContent)
			got := e.getTransfer(tr.ID)
			if got.Status != "CANCELLED" || got.CancelledAt == nil || *got.CancelledAt != "2026-11-28T13:00:00Z" {
				t.Fatalf("cancelled = %+v", got)
			}
			e.clock.Advance(5 * 24 * time.Hour)
			if got := e.getTransfer(tr.ID); got.Status != "CANCELLED" || e.balance(e.fx.OwnAccountID) != 1_000_000 {
				t.Fatalf("a cancelled transfer ran: %s, balance %d", got.Status, e.balance(e.fx.OwnAccountID))
			}
			// Twice, or on a transfer that already ran: 409.
			wantError(t, e.api(method, "/api/v1/internal_transfers/"+tr.ID+"/cancel", ""), http.StatusConflict, "conflict")
			done := e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 5))
			wantError(t, e.api(method, "/api/v1/internal_transfers/"+done.ID+"/cancel", ""), http.StatusConflict, "conflict")
			wantError(t, e.api(method, "/api/v1/internal_transfers/nope/cancel", ""), http.StatusNotFound, "not_found")
			containsAll(t, e.eventTypes(e.fx.OwnAccountID), "cash_out_internal_transfer", "cash_out_internal_transfer_approved",
				"cash_out_internal_transfer_scheduled", "cash_out_internal_transfer_cancelled")
		})
	}
}

func TestApproveRejectThroughStoneRoutes(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	var owner string
	e.store(func(st *book) { owner = st.Account(e.fx.ThirdPartyAccountID).OwnerID })
	a := e.createTransfer(transferBody(e.fx.ThirdPartyAccountID, e.fx.TransferTargets[0], 100))
	b := e.createTransfer(transferBody(e.fx.ThirdPartyAccountID, e.fx.TransferTargets[0], 200))
	e.call(http.MethodPost, "/api/v1/internal_transfers/"+a.ID+"/approve", "", http.StatusNoContent)
	e.call(http.MethodPost, "/api/v1/internal_transfers/"+b.ID+"/reject", "", http.StatusNoContent)
	e.clock.Advance(time.Second)
	ga, gb := e.getTransfer(a.ID), e.getTransfer(b.ID)
	if ga.Status != "FINISHED" || *ga.ApprovedBy != owner || gb.Status != "REJECTED" || *gb.RejectedBy != owner {
		t.Fatalf("approved %+v, rejected %+v", ga, gb)
	}
	for _, action := range []string{"approve", "reject"} {
		wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers/"+a.ID+"/"+action, ""), http.StatusConflict, "conflict")
	}
	// Another application cannot decide on this account's transfers.
	c := e.createTransfer(transferBody(e.fx.ThirdPartyAccountID, e.fx.TransferTargets[0], 300))
	other := e.stranger()
	wantError(t, other.api(http.MethodPost, "/api/v1/internal_transfers/"+c.ID+"/approve", ""), http.StatusForbidden, "unauthorized")
	containsAll(t, e.eventTypes(e.fx.ThirdPartyAccountID), "cash_out_internal_transfer_rejected", "cash_out_internal_transfer_finished")
}

func TestApprovalExpiry(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.ApprovalExpiry = time.Hour })
	e.consent("approve")
	plain := e.createTransfer(transferBody(e.fx.ThirdPartyAccountID, e.fx.TransferTargets[0], 100))
	// Scheduled for tomorrow: expires at the end of that day if the window is longer.
	e2 := newEnv(t, func(o *Options) { o.ApprovalExpiry = 72 * time.Hour })
	e2.consent("approve")
	sched := e2.createTransfer(scheduledBody(e2.fx.ThirdPartyAccountID, e2.fx.TransferTargets[0], "2026-11-29"))

	e.clock.Advance(59 * time.Minute)
	if got := e.getTransfer(plain.ID); got.Status != "CREATED" {
		t.Fatalf("before the window: %s", got.Status)
	}
	e.clock.Advance(time.Minute)
	got := e.getTransfer(plain.ID)
	if got.Status != "EXPIRED" || got.ApprovalExpiredAt == nil || *got.ApprovalExpiredAt != "2026-11-28T14:00:00Z" {
		t.Fatalf("after the window: %+v", got)
	}
	wantError(t, e.do(http.MethodPost, "/_sim/owner/internal_transfers/"+plain.ID+"/approve", nil, nil), http.StatusConflict, "conflict")
	if ev := e.lastEvent("cash_out_internal_transfer_expired"); ev.TargetID != plain.ID || ev.DetailPath != "/api/v1/internal_transfers/"+plain.ID {
		t.Fatalf("expired event = %+v", ev)
	}

	e2.setBRT("2026-11-29", 23, 59)
	if got := e2.getTransfer(sched.ID); got.Status != "CREATED" {
		t.Fatalf("scheduled one on its day: %s", got.Status)
	}
	e2.setBRT("2026-11-30", 0, 0)
	if got := e2.getTransfer(sched.ID); got.Status != "EXPIRED" || *got.ApprovalExpiredAt != "2026-11-30T03:00:00Z" {
		t.Fatalf("scheduled one after its day: %+v", got)
	}
}

func TestDryRunInternalTransferMovesNothing(t *testing.T) {
	e := newEnv(t)
	got := e.call(http.MethodPost, "/api/v1/dry_run/internal_transfers", transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 500), http.StatusOK)
	if !got.isNull("id") || got.str("status") != "APPROVED" || got.num("amount") != 500 || got.sub("target").sub("account").str("account_code") != e.fx.TransferTargets[0] {
		t.Fatalf("dry run = %v", got)
	}
	e.clock.Advance(time.Hour)
	if l := decode[list[transferView]](t, e.api(http.MethodGet, "/api/v1/internal_transfers", "")); len(l.Data) != 0 || e.balance(e.fx.OwnAccountID) != 1_000_000 {
		t.Fatalf("dry run stored %d transfers, balance %d", len(l.Data), e.balance(e.fx.OwnAccountID))
	}
	if evs := e.eventTypes(""); len(evs) != 0 {
		t.Fatalf("dry run emitted %v", evs)
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/dry_run/internal_transfers", transferBody(e.fx.OwnAccountID, "999999", 5)), 422, "target_account_not_found")
	wantError(t, e.api(http.MethodPost, "/api/v1/dry_run/internal_transfers", `{}`), 400, "validation")
}

func TestScheduleToTypoAndLimit(t *testing.T) {
	e := newEnv(t)
	typo := strings.Replace(scheduledBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], "2026-12-02"), "scheduled_to", "schedule_to", 1)
	if tr := e.createTransfer(typo); tr.Status != "SCHEDULED" || tr.ScheduledTo == nil || *tr.ScheduledTo != "2026-12-02" {
		t.Fatalf("schedule_to = %+v", tr)
	}
	e.call(http.MethodPost, "/api/v1/internal_transfers", scheduledBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], "2027-11-28"), http.StatusAccepted)
	got := wantError(t, e.api(http.MethodPost, "/api/v1/internal_transfers", scheduledBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], "2027-11-29")),
		http.StatusUnprocessableEntity, "validation")
	if !strings.Contains(string(got.Reason), `"path":["scheduled_to"]`) || !strings.Contains(string(got.Reason), "2027-11-28") {
		t.Fatalf("reason = %s", got.Reason)
	}
}

func TestListTransfersByDateWindow(t *testing.T) {
	e := newEnv(t)
	first := e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 1))
	e.clock.Advance(48 * time.Hour)
	second := e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 2))
	q := func(s string) []transferView {
		return decode[list[transferView]](t, e.api(http.MethodGet, "/api/v1/internal_transfers?"+s, "")).Data
	}
	if l := q("start_datetime=2026-11-29T00:00:00Z"); len(l) != 1 || l[0].ID != second.ID {
		t.Fatalf("since the 29th: %+v", l)
	}
	if l := q("end_date=2026-11-28"); len(l) != 1 || l[0].ID != first.ID {
		t.Fatalf("until the 28th: %+v", l)
	}
	wantError(t, e.api(http.MethodGet, "/api/v1/internal_transfers?start_datetime=yesterday", ""), 400, "validation")
	wantError(t, e.api(http.MethodGet, "/api/v1/internal_transfers?start_date=2026-12-02&end_date=2026-12-01", ""), 400, "validation")
}

// TestClockDrivesEveryStateMachine queues transitions of several kinds and
// checks one clock move runs them in due order.
func TestClockDrivesEveryStateMachine(t *testing.T) {
	e := newEnv(t)
	tr := e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 10))
	ted := e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.OwnAccountID, `"account_code":"10023395","branch_code":"4104","institution_code":"033"`, 100), http.StatusAccepted)
	bo := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(e.fx.OwnAccountID, "deposit", ""), http.StatusCreated)
	e.clock.Advance(time.Second)
	if got := e.getTransfer(tr.ID); got.Status != "FINISHED" {
		t.Fatalf("transfer %s", got.Status)
	}
	if got := e.call(http.MethodGet, "/api/v1/external_transfers/"+ted.str("id"), "", 200); got.str("status") != "FINISHED" {
		t.Fatalf("TED %s", got.str("status"))
	}
	if got := e.call(http.MethodGet, "/api/v1/barcode_payment_invoices/"+bo.str("id"), "", 200); got.str("status") != "REGISTERED" {
		t.Fatalf("boleto %s", got.str("status"))
	}
}
