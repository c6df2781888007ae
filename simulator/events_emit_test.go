package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestEventsAreSnapshots runs one flow of every kind and checks every event:
// its data is the resource frozen at the change (a *_finished event shows
// FINISHED even though the resource moved on), it names its account, and its
// detail path is the resource's GET path.
func TestEventsAreSnapshots(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	e.createTransfer(transferBody(e.fx.OwnAccountID, e.fx.TransferTargets[0], 10))
	e.call(http.MethodPost, "/api/v1/external_transfers", tedBody(e.fx.OwnAccountID, santander, 10), 202)
	e.call(http.MethodPost, "/api/v1/payments", payBody(e.fx.OwnAccountID, e.barcode("refunded", "boleto").Barcode, ""), 202, idemHeader, "ev")
	p := e.createPix(pixByKey(e.fx.OwnAccountID, e.fx.PixKeys[0].Key, 10))
	e.confirmPix(p.str("id"), "")
	bo := e.call(http.MethodPost, "/api/v1/barcode_payment_invoices", boletoBody(e.fx.OwnAccountID, "deposit", ""), 201)
	e.call(http.MethodPost, "/api/v1/pix/"+e.fx.OwnAccountID+"/entries", `{"key_type":"random_key"}`, 202)
	e.clock.Advance(time.Second)
	wantStatus(t, e.ctl(http.MethodPost, "/_sim/barcode_payment_invoices/"+bo.str("id")+"/pay", ""), 200)

	status := map[string]string{"finished": "FINISHED", "approved": "APPROVED", "money_reserved": "MONEY_RESERVED",
		"settled": "SETTLED", "registered": "REGISTERED", "refunded": "REFUNDED", "created": ""}
	var types []string
	e.store(func(st *book) {
		for _, ev := range st.Events() {
			types = append(types, ev.Type)
			raw, ok := ev.Data.(json.RawMessage)
			var data map[string]any
			if !ok || json.Unmarshal(raw, &data) != nil || ev.AccountID == "" || ev.TargetType == "" || ev.At.IsZero() {
				t.Fatalf("event %+v", ev)
			}
			if ev.DetailPath != "" && (!strings.HasPrefix(ev.DetailPath, "/api/v1/") || !strings.HasSuffix(ev.DetailPath, ev.TargetID)) {
				t.Fatalf("event %s detail path %q for target %q", ev.Type, ev.DetailPath, ev.TargetID)
			}
			for suffix, want := range status {
				if want != "" && strings.HasSuffix(ev.Type, "_"+suffix) && strings.HasPrefix(ev.Type, "cash_out") && data["status"] != want {
					t.Fatalf("event %s shows status %v", ev.Type, data["status"])
				}
			}
		}
	})
	containsAll(t, types, "consent_requested", "cash_out_internal_transfer_finished", "cash_in_internal_transfer",
		"cash_out_external_transfer_finished", "cash_out_payment_finished", "cash_in_payment_refund",
		"pix_outbound_payment_settled", "barcode_payment_invoice_settled", "cash_in_barcode_payment", "pix_entries_status_key_created")
}
