package simulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestBatchOperations(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	acc := e.fx.ThirdPartyAccountID
	base := "/api/v1/accounts/" + acc + "/operations"
	a := e.createTransfer(transferBody(acc, e.fx.TransferTargets[0], 100))
	b := e.createTransfer(transferBody(acc, e.fx.TransferTargets[0], 200))
	ted := e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(acc, santander, 300), 202)
	sched := e.createTransfer(scheduledBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], "2026-12-05"))

	pending := e.call(http.MethodGet, base+"?status=PENDING_APPROVAL", "", 200)["data"].([]any)
	if len(pending) != 3 || obj(pending[0].(map[string]any)).str("type") != "external_transfer" {
		t.Fatalf("pending = %v", pending)
	}
	one := e.call(http.MethodGet, base+"/"+a.ID+"?type=internal_transfer", "", 200)
	if one.str("id") != a.ID || one.str("type") != "internal_transfer" || one.str("status") != "CREATED" {
		t.Fatalf("one operation = %v", one)
	}
	wantError(t, e.api(http.MethodGet, base+"/"+a.ID+"?type=barcode_payment", ""), 404, "not_found")

	n := e.call(http.MethodPost, base+"/actions/approve", `{"action":"approve_only","operations":[{"id":"`+a.ID+`","type":"internal_transfer"},{"id":"`+b.ID+`","type":"barcode_payment"}]}`, 202)
	if n.num("number_of_approvals") != 1 {
		t.Fatalf("approve_only = %v", n)
	}
	n = e.call(http.MethodPost, base+"/actions/approve", `{"action":"approve_all_except","operations":[{"id":"`+b.ID+`","type":"internal_transfer"}]}`, 202)
	if n.num("number_of_approvals") != 1 || e.call(http.MethodGet, "/api/v1/external_transfers/"+ted.str("id"), "", 200).str("status") == "CREATED" {
		t.Fatalf("approve_all_except = %v", n)
	}
	n = e.call(http.MethodPost, base+"/actions/cancel", `{"action":"cancel_all_except","operations":[]}`, 202)
	if n.num("number_of_cancellations") != 1 || e.getTransfer(b.ID).Status != "CANCELLED" {
		t.Fatalf("cancel_all_except = %v", n)
	}
	own := "/api/v1/accounts/" + e.fx.OwnAccountID + "/operations"
	if s := e.call(http.MethodGet, own+"?status=SCHEDULED", "", 200)["data"].([]any); len(s) != 1 {
		t.Fatalf("scheduled = %v", s)
	}
	if s := e.call(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/schedulings", "", 200)["data"].([]any); len(s) != 1 ||
		obj(s[0].(map[string]any)).str("id") != sched.ID {
		t.Fatalf("schedulings = %v", s)
	}
	n = e.call(http.MethodPost, own+"/actions/cancel", `{"action":"cancel_only","operations":[{"id":"`+sched.ID+`","type":"internal_transfer"}]}`, 202)
	if n.num("number_of_cancellations") != 1 || e.getTransfer(sched.ID).Status != "CANCELLED" {
		t.Fatalf("cancel_only = %v", n)
	}
	e.clock.Advance(time.Second)
	if e.getTransfer(a.ID).Status != "FINISHED" {
		t.Fatal("batch-approved transfer did not run")
	}

	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf(`{"id":"%d","type":"pix_payment"}`, i)
	}
	for _, body := range []string{`{}`, `{"action":"approve"}`, `{"action":"approve_only"}`,
		`{"action":"approve_only","operations":[{"id":"x","type":"wire"}]}`,
		`{"action":"approve_only","operations":[` + strings.Join(many, ",") + `]}`} {
		wantError(t, e.api(http.MethodPost, base+"/actions/approve", body), 400, "validation")
	}
	wantError(t, e.api(http.MethodGet, base+"?status=DONE", ""), 400, "validation")
	wantError(t, e.api(http.MethodGet, "/api/v1/accounts/nope/operations", ""), 403, "unauthorized")
	wantError(t, e.stranger().api(http.MethodPost, base+"/actions/approve", `{"action":"approve_all_except"}`), 403, "unauthorized")
}

func TestOwnerControlsForEveryKind(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	acc := e.fx.ThirdPartyAccountID
	pay := e.call(http.MethodPost, "/api/v1/payments", payBody(acc, e.barcode("payable", "concessionaria").Barcode, ""), 202, idemHeader, "p")
	ted := e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(acc, santander, 300), 202)
	for _, c := range []struct{ kind, id, action string }{{"payments", pay.str("id"), "reject"}, {"external_transfers", ted.str("id"), "approve"}} {
		wantStatus(t, e.do(http.MethodPost, "/_sim/owner/"+c.kind+"/"+c.id+"/"+c.action, nil, nil), 204)
		wantError(t, e.do(http.MethodPost, "/_sim/owner/"+c.kind+"/"+c.id+"/"+c.action, nil, nil), 409, "conflict")
	}
	if g := e.call(http.MethodGet, "/api/v1/payments/"+pay.str("id"), "", 200); g.str("status") != "REJECTED" {
		t.Fatalf("rejected payment = %v", g)
	}
	wantError(t, e.do(http.MethodPost, "/_sim/owner/wires/x/approve", nil, nil), 404, "not_found")
	wantError(t, e.do(http.MethodPost, "/_sim/owner/payments/"+pay.str("id")+"/shrug", nil, nil), 404, "not_found")
	// An id of another kind is not found under this one.
	wantError(t, e.do(http.MethodPost, "/_sim/owner/payments/"+ted.str("id")+"/approve", nil, nil), 404, "not_found")
	containsAll(t, e.eventTypes(acc), "cash_out_payment_rejected", "cash_out_external_transfer_approved")
}
