package stone

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func tedRequest() ExternalTransferRequest {
	return ExternalTransferRequest{
		AccountID: "acc-1", Amount: 3000,
		Target: ExternalTransferTargetRequest{
			Account: ExternalTransferAccountRequest{AccountCode: "654321", BranchCode: "1234", InstitutionCode: "260", AccountType: "CC"},
			Entity:  ExternalTransferEntityRequest{Name: "Nome do destinatário", Document: "05971627007", DocumentType: "cpf"},
		},
	}
}

const tedBody = `{"account_id":"acc-1","amount":3000,"target":{
	"account":{"account_code":"654321","branch_code":"1234","institution_code":"260","account_type":"CC"},
	"entity":{"name":"Nome do destinatário","document":"05971627007","document_type":"cpf"}}}`

func TestExternalTransferRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	scheduled := tedRequest()
	scheduled.ScheduledTo = "2026-12-01"
	scheduled.Target.Account = ExternalTransferAccountRequest{AccountCode: "10023395", InstitutionCode: "90400888"}
	scheduled.Target.Entity.DocumentType = ""
	runWire(t, fs, c, []wire{
		{
			name: "create", method: "POST", path: "/api/v1/external_transfers", body: tedBody, key: "ted-1",
			call: func(c *Client) error { _, err := c.CreateExternalTransfer(ctx(t), tedRequest(), "ted-1"); return err },
		},
		{
			name: "create scheduled, optional fields left out, key generated", method: "POST", path: "/api/v1/external_transfers",
			body: `{"account_id":"acc-1","amount":3000,"scheduled_to":"2026-12-01","target":{
				"account":{"account_code":"10023395","institution_code":"90400888"},
				"entity":{"name":"Nome do destinatário","document":"05971627007"}}}`,
			key:  generated,
			call: func(c *Client) error { _, err := c.CreateExternalTransfer(ctx(t), scheduled, ""); return err },
		},
		{
			name: "dry run", method: "POST", path: "/api/v1/dry_run/external_transfers", body: tedBody, key: "dr-1",
			call: func(c *Client) error { _, err := c.DryRunExternalTransfer(ctx(t), tedRequest(), " dr-1 "); return err },
		},
		{
			name: "get", method: "GET", path: "/api/v1/external_transfers/t%2F1",
			call: func(c *Client) error { _, err := c.ExternalTransfer(ctx(t), "t/1"); return err },
		},
		{
			name: "list", method: "GET", path: "/api/v1/external_transfers",
			query: url.Values{"account_id": {"acc-1"}, "limit": {"10"}, "after": {"a"}},
			call: func(c *Client) error {
				_, err := c.ListExternalTransfers(ctx(t), ExternalTransferListParams{AccountID: "acc-1", PageParams: PageParams{Limit: 10, After: "a"}})
				return err
			},
		},
		{
			name: "cancel is a POST", method: "POST", path: "/api/v1/external_transfers/t-1/cancel", reply: reply(http.StatusNoContent, ""),
			call: func(c *Client) error { return c.CancelExternalTransfer(ctx(t), "t-1") },
		},
		{
			name: "approve", method: "POST", path: "/api/v1/external_transfers/t-1/approve", reply: reply(http.StatusNoContent, ""),
			call: func(c *Client) error { return c.ApproveExternalTransfer(ctx(t), "t-1") },
		},
		{
			name: "reject", method: "POST", path: "/api/v1/external_transfers/t-1/reject", reply: reply(http.StatusNoContent, ""),
			call: func(c *Client) error { return c.RejectExternalTransfer(ctx(t), "t-1") },
		},
		{
			name: "calendar", method: "GET", path: "/api/v1/schedulings/calendar",
			query: url.Values{"operation_type": {"external_transfer"}, "start": {"2026-11-28"}, "end": {"2026-12-31"}},
			call: func(c *Client) error {
				_, err := c.SchedulingCalendar(ctx(t), CalendarParams{OperationType: CalendarExternalTransfer, Start: "2026-11-28", End: "2026-12-31"})
				return err
			},
		},
		{
			name: "calendar with If-None-Match", method: "GET", path: "/api/v1/schedulings/calendar",
			query: url.Values{"operation_type": {"payment"}}, headers: map[string]string{"If-None-Match": `"v1"`},
			reply: reply(http.StatusNotModified, ""),
			call: func(c *Client) error {
				_, err := c.SchedulingCalendar(ctx(t), CalendarParams{OperationType: CalendarPayment, IfNoneMatch: `"v1"`})
				return err
			},
		},
	})
}

func TestExternalTransferValidation(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	with := func(mut func(*ExternalTransferRequest)) func(*Client) error {
		return func(c *Client) error {
			r := tedRequest()
			mut(&r)
			_, err := c.CreateExternalTransfer(ctx(t), r, "")
			return err
		}
	}
	runInvalid(t, fs, c, "create external transfer", []invalid{
		{"zero amount", with(func(r *ExternalTransferRequest) { r.Amount = 0 }), "amount"},
		{"amount over the ceiling", with(func(r *ExternalTransferRequest) { r.Amount = maxExternalTransferAmount + 1 }), "amount"},
		{"no account", with(func(r *ExternalTransferRequest) { r.AccountID = "" }), "account_id"},
		{"account code with leading zero", with(func(r *ExternalTransferRequest) { r.Target.Account.AccountCode = "0123" }), "target.account.account_code"},
		{"account code with check digit", with(func(r *ExternalTransferRequest) { r.Target.Account.AccountCode = "65432-1" }), "target.account.account_code"},
		{"no account code", with(func(r *ExternalTransferRequest) { r.Target.Account.AccountCode = "" }), "target.account.account_code"},
		{"branch of five digits", with(func(r *ExternalTransferRequest) { r.Target.Account.BranchCode = "12345" }), "target.account.branch_code"},
		{"institution of four digits", with(func(r *ExternalTransferRequest) { r.Target.Account.InstitutionCode = "0260" }), "target.account.institution_code"},
		{"no institution", with(func(r *ExternalTransferRequest) { r.Target.Account.InstitutionCode = "" }), "target.account.institution_code"},
		{"unknown account type", with(func(r *ExternalTransferRequest) { r.Target.Account.AccountType = "XX" }), "target.account.account_type"},
		{"no name", with(func(r *ExternalTransferRequest) { r.Target.Entity.Name = " " }), "target.entity.name"},
		{"no document", with(func(r *ExternalTransferRequest) { r.Target.Entity.Document = "" }), "target.entity.document"},
		{"formatted document", with(func(r *ExternalTransferRequest) { r.Target.Entity.Document = "059.716.270-07" }), "target.entity.document"},
		{"cnpj of cpf length", with(func(r *ExternalTransferRequest) { r.Target.Entity.DocumentType = "cnpj" }), "target.entity.document"},
		{"uppercase document type", with(func(r *ExternalTransferRequest) { r.Target.Entity.DocumentType = "CPF" }), "target.entity.document_type"},
		{"bad schedule", with(func(r *ExternalTransferRequest) { r.ScheduledTo = "2026-13-01" }), "scheduled_to"},
		{"key of 73 bytes", func(c *Client) error {
			_, err := c.CreateExternalTransfer(ctx(t), tedRequest(), strings.Repeat("k", 73))
			return err
		}, "idempotency key"},
	})
	runInvalid(t, fs, c, "get scheduling calendar", []invalid{
		{"no operation type", func(c *Client) error { _, err := c.SchedulingCalendar(ctx(t), CalendarParams{}); return err }, "operation_type"},
		{"operation type typo from the docs", func(c *Client) error {
			_, err := c.SchedulingCalendar(ctx(t), CalendarParams{OperationType: "external_tranfer"})
			return err
		}, "operation_type"},
		{"end before start", func(c *Client) error {
			_, err := c.SchedulingCalendar(ctx(t), CalendarParams{OperationType: "payment", Start: "2026-02-01", End: "2026-01-01"})
			return err
		}, "before start"},
		{"bad start", func(c *Client) error {
			_, err := c.SchedulingCalendar(ctx(t), CalendarParams{OperationType: "payment", Start: "01/02/2026"})
			return err
		}, "start"},
	})
	runInvalid(t, fs, c, "cancel external transfer", []invalid{
		{"no id", func(c *Client) error { return c.CancelExternalTransfer(ctx(t), "") }, "id is required"},
	})
}

func TestExternalTransferDecoding(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	fs.api = reply(http.StatusAccepted, `{
		"amount": 100, "approval_expired_at": null, "approved_at": "2019-08-02T18:14:34Z",
		"approved_by": "user:08807157", "cancelled_at": null, "created_at": "2019-08-02T18:14:34Z",
		"created_by": "user:08807157", "delayed_to_next_business_day": true, "failed_at": null,
		"failure_reason_code": null, "failure_reason_description": null, "fee": 400, "finished_at": null,
		"id": "7458c329", "refund_reason_code": 3, "refund_reason_description": "Documento incorreto",
		"refunded_at": "2019-08-03T10:00:00Z", "rejected_at": null, "rejected_by": null,
		"scheduled_to_effective": "2019-08-05", "scheduled_to_requested": "2019-08-03", "settled_at": null,
		"status": "REFUNDED", "unknown_new_field": {"x": 1},
		"target": {
			"account": {"account_code": "58859", "branch_code": "1", "institution_code": "90400888",
				"institution_ispb": "90400888", "institution_name": "Banco Santander (Brasil) S. A.", "institution_number_code": "033"},
			"entity": {"cpf": "62752545053", "document": "62752545053", "document_type": "cpf", "name": "Octacilio Impoluto"}}}`)
	tr, err := c.CreateExternalTransfer(ctx(t), tedRequest(), "")
	if err != nil {
		t.Fatal(err)
	}
	acc, ent := tr.Target.Account, tr.Target.Entity
	switch {
	case tr.ID != "7458c329" || tr.Amount != 100 || tr.Fee != 400 || tr.Status != ExternalTransferRefunded:
		t.Errorf("identity: %+v", tr)
	case !tr.DelayedToNextBusinessDay || tr.ScheduledToEffective != "2019-08-05" || tr.ScheduledToRequested != "2019-08-03":
		t.Errorf("scheduling: %+v", tr)
	case tr.RefundReasonCode != "3" || ExternalTransferRefundReason(tr.RefundReasonCode) != "wrong document" || tr.RefundReasonDescription == "":
		t.Errorf("refund: code %q desc %q", tr.RefundReasonCode, tr.RefundReasonDescription)
	case tr.FailureReasonCode != "" || tr.RejectedBy != "" || tr.FailedAt != nil || tr.CancelledAt != nil:
		t.Errorf("nulls: %+v", tr)
	case tr.RefundedAt == nil || !tr.RefundedAt.Equal(time.Date(2019, 8, 3, 10, 0, 0, 0, time.UTC)):
		t.Errorf("refunded_at: %v", tr.RefundedAt)
	case acc.InstitutionISPB != "90400888" || acc.InstitutionNumberCode != "033" || acc.InstitutionName == "" || acc.InstitutionCode != "90400888":
		t.Errorf("institution: %+v", acc)
	case ent.Document != "62752545053" || ent.CPF != "62752545053" || ent.DocumentType != "cpf" || ent.Name != "Octacilio Impoluto":
		t.Errorf("entity: %+v", ent)
	}
	if TransferFailureReason("1") != "insufficient balance" || TransferFailureReason("99") != "" {
		t.Error("TransferFailureReason")
	}
}

func TestSchedulingCalendar(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	fs.api = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.Header.Get("If-None-Match") == `"cal-1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"cal-1"`)
		w.WriteHeader(http.StatusCreated) // as the docs show it
		_, _ = w.Write([]byte(`{"execution_limit_date": "2020-03-30", "next_available_execution_date": "2019-04-01",
			"non_business_days": [{"date": "2019-03-30", "is_weekend": true, "is_holiday": true, "holiday_description": "Feriado"},
				{"date": "2019-03-31", "is_weekend": true, "is_holiday": false, "holiday_description": null}]}`))
	}
	cal, err := c.SchedulingCalendar(ctx(t), CalendarParams{OperationType: CalendarInternalTransfer})
	if err != nil {
		t.Fatal(err)
	}
	want := []NonBusinessDay{{"2019-03-30", true, true, "Feriado"}, {"2019-03-31", true, false, ""}}
	if cal.NotModified || cal.ETag != `"cal-1"` || cal.ExecutionLimitDate != "2020-03-30" ||
		cal.NextAvailableExecutionDate != "2019-04-01" || len(cal.NonBusinessDays) != 2 ||
		cal.NonBusinessDays[0] != want[0] || cal.NonBusinessDays[1] != want[1] {
		t.Errorf("calendar = %+v", cal)
	}
	again, err := c.SchedulingCalendar(ctx(t), CalendarParams{OperationType: CalendarInternalTransfer, IfNoneMatch: cal.ETag})
	if err != nil {
		t.Fatal(err)
	}
	if !again.NotModified || again.ETag != `"cal-1"` || again.NonBusinessDays != nil {
		t.Errorf("304 = %+v, want NotModified with the ETag kept", again)
	}
	// A 304 that was not asked for is still an error: it cannot be a calendar.
	fs.api = reply(http.StatusNotModified, "")
	if _, err := c.ListExternalTransfers(ctx(t), ExternalTransferListParams{}); err == nil {
		t.Error("unrequested 304 accepted")
	}
}

// TestDryRunExternalTransferAccepts202: Stone's TED dry-run page answers 202
// (stone-api.md §5.2), not 200 like the internal transfer's; the client must
// read the simulated TED from either.
func TestDryRunExternalTransferAccepts202(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	for _, status := range []int{http.StatusOK, http.StatusAccepted} {
		fs.reset()
		fs.api = reply(status, `{"id":null,"amount":3000,"fee":400,"status":"APPROVED","target":{"account":{"account_code":"654321","institution_ispb":"18236120"},"entity":{"name":"Nome do destinatário"}}}`)
		got, err := c.DryRunExternalTransfer(ctx(t), tedRequest(), "dr-202")
		if err != nil {
			t.Fatalf("dry run answered %d: %v", status, err)
		}
		if got.Amount != 3000 || got.Fee != 400 || got.Status != "APPROVED" || got.Target.Account.InstitutionISPB != "18236120" {
			t.Fatalf("dry run answered %d read as %+v", status, got)
		}
	}
}
