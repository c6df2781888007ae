package stone

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// The docs' inspection example has data.id == target_id (the transfer id),
// while each event of that transfer is a delivery with its own
// x-stone-webhook-event-id: a receiver that required them equal would
// answer 400 to every such delivery, and lose it after Stone's retries.
func TestWebhookPayloadIDMayDifferFromTheEventID(t *testing.T) {
	e := newWebhookEnv(t)
	msg := e.seal(finishedClaims(testEventID), seal{}) // id == target_id, as in stone-api.md §7
	w := e.deliver(msg, "0d1f4f7e-9d55-4a0b-9f0e-2b3c4d5e6f70", testEvent)
	if w.Code != http.StatusOK {
		t.Errorf("delivery with header event id != payload id answered %d: %s", w.Code, w.Body)
	}
}

// failure_reason_code may come as a number (the docs list the codes as
// numbers, §5.2); it must not fail the whole transfer's decoding.
func TestInternalTransferNumericFailureCode(t *testing.T) {
	var it InternalTransfer
	if err := json.Unmarshal([]byte(`{"id":"x","status":"FAILED","failure_reason_code":1,"created_at":"2019-08-02T18:00:27Z"}`), &it); err != nil {
		t.Errorf("decode internal transfer with numeric failure_reason_code: %v", err)
	}
	var et ExternalTransfer
	if err := json.Unmarshal([]byte(`{"id":"x","status":"FAILED","failure_reason_code":1,"created_at":"2019-08-02T18:00:27Z"}`), &et); err != nil {
		t.Errorf("external: %v", err)
	}
}

func TestContentTypeOnBodylessActions(t *testing.T) {
	fs := newFakeStone(t)
	fs.api = func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(http.StatusNoContent) }
	c := fs.client(t, nil)
	if err := c.ApproveInternalTransfer(ctx(t), "t1"); err != nil {
		t.Fatal(err)
	}
	reqs := fs.requests()
	r := reqs[len(reqs)-1]
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("POST %s sent Content-Type %q", r.Path, ct)
	}
}

// Statement entries of TEDs and barcode payments carry documented extra
// fields (§4) that must not be dropped.
func TestStatementEntryExtraFields(t *testing.T) {
	var e StatementEntry
	err := json.Unmarshal([]byte(`{"id":"e1","type":"external_refund","refund_reason_code":1,"refund_reason_description":"Conta inexistente",
		"delayed_to_next_business_day":true,"scheduled_to_effective":"2026-12-01","scheduled_to_requested":"2026-11-29",
		"barcode":"836","writable_line":"8365","details":{"status":"payable"}}`), &e)
	if err != nil {
		t.Fatal(err)
	}
	if e.RefundReasonCode != "1" || !e.DelayedToNextBusinessDay || e.ScheduledToEffective != "2026-12-01" ||
		e.ScheduledToRequested != "2026-11-29" || e.Barcode != "836" || e.WritableLine != "8365" || string(e.Details) != `{"status":"payable"}` {
		t.Fatalf("decoded %+v", e)
	}
}
