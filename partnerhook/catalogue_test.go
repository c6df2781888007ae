package partnerhook

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// documented lists, family by family, every event type stone-api.md §7
// names for the families homolog covers, and stone-api-families.md §1.7
// and §4.3 for payment links and sign-ups, transcribed as written there
// ("..._failed" expanded on its prefix). pix_entries_claims_* names no
// event and card receivables (cash_in_card_payment, old docs only) are no
// family of homolog's.
func documented() map[string][]string {
	expand := func(prefix string, suffixes ...string) []string {
		var out []string
		for _, s := range suffixes {
			out = append(out, prefix+s)
		}
		return out
	}
	return map[string][]string{
		FamilyInternalTransfer: append([]string{"cash_in_internal_transfer", "cash_out_internal_transfer"},
			expand("cash_out_internal_transfer_", "failed", "scheduled", "scheduled_failed", "approved", "cancelled", "rejected", "finished", "expired")...),
		FamilyExternalTransfer: append([]string{"cash_in_external_transfer", "cash_in_external_transfer_refund", "cash_out_external_transfer"},
			expand("cash_out_external_transfer_", "failed", "scheduled", "scheduled_failed", "approved", "execution_started", "cancelled", "rejected", "finished", "expired")...),
		FamilyBarcodePayment: append([]string{"cash_in_payment_refund", "cash_out_payment"},
			expand("cash_out_payment_", "failed", "scheduled", "scheduled_failed", "approved", "execution_started", "cancelled", "rejected", "finished", "expired")...),
		FamilyBoletoIssuance: append(expand("barcode_payment_invoice_", "created", "registered", "payment_promissed", "settled", "expired", "cancelled"),
			"inbound_barcode_payment_validated", "inbound_barcode_payment_refunded", "cash_in_barcode_payment"),
		FamilyPix: slices.Concat(
			expand("pix_entries_status_key_", "created", "deleted", "failed"),
			expand("pix_entries_key_", "created", "deleted", "failed"),
			[]string{"pix_entries_delete_requested", "pix_entries_deleted", "pix_entries_deletion_failed",
				"pix_payment_invoice", "pix_payment_invoice_with_due_date"},
			expand("pix_invoice_payment_", "created", "cancelled", "paid"),
			[]string{"inbound_pix_payment", "pix_inbound_payment_received", "pix_refund_payment"},
			expand("pix_inbound_payment_refund_", "created", "failed", "money_reserved", "settled", "reversed"),
			expand("pix_outbound_payment_", "created", "money_reserved", "failed", "settled", "refunded")),
		FamilyConsent:      {"consent_requested", "consent_request"},
		FamilyPaymentLinks: {"order_created", "order_paid", "order_closed"},
		FamilySignUps:      {"sign_up_created", "sign_up_status_updated", "sign_up_resource_details_updated"},
	}
}

func TestCatalogueHoldsEveryDocumentedEventType(t *testing.T) {
	cat := map[string]Event{}
	for _, e := range Catalogue() {
		if _, dup := cat[e.Type]; dup {
			t.Errorf("%s is catalogued twice", e.Type)
		}
		cat[e.Type] = e
	}
	n := 0
	for family, types := range documented() {
		for _, typ := range types {
			n++
			e, ok := cat[typ]
			switch {
			case !ok:
				t.Errorf("%s (%s) is documented but not in the catalogue", typ, family)
			case e.Family != family:
				t.Errorf("%s is in family %s, the documents put it in %s", typ, e.Family, family)
			}
		}
	}
	if len(cat) != n {
		t.Errorf("the catalogue has %d event types, the documents %d: one is catalogued that Stone does not document", len(cat), n)
	}
	for _, f := range Families() {
		if len(documented()[f]) == 0 {
			t.Errorf("family %s has no documented event", f)
		}
	}
}

// TestPayloadsAreShapedAsDocumented: every payload carries §7's envelope,
// its own event type and target type, and the account id where §7 says
// target_data always has one (not consent; not payment links or sign-ups,
// whose examples have none).
func TestPayloadsAreShapedAsDocumented(t *testing.T) {
	f := Facts{EventID: "ev-1", JTI: "jti-1", TargetID: "tgt-1", AccountID: "acc-1", ClientID: "cli-1",
		At: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}
	envelope := []string{"env", "event_type", "id", "event_happened_at", "event_notified_at", "target_type", "target_id",
		"target_data", "target_detail_uri", "iat", "nbf", "jti"}
	for _, e := range Catalogue() {
		t.Run(e.Type, func(t *testing.T) {
			b, err := json.Marshal(e.Claims(f))
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			for _, k := range envelope {
				if _, ok := got[k]; !ok {
					t.Errorf("no %q in %s", k, b)
				}
			}
			_, stmt := got["target_statement_uri"]
			if stmt == (e.Family == FamilySignUps) {
				t.Errorf("target_statement_uri present=%v; sign-ups have no such key, every other event has one", stmt)
			}
			if got["event_type"] != e.Type || got["target_type"] != e.TargetType || got["id"] != "ev-1" || got["jti"] != "jti-1" {
				t.Errorf("envelope: %s", b)
			}
			if got["event_happened_at"] != "2026-03-02T12:00:00Z" || got["iat"] != float64(f.At.Unix()) {
				t.Errorf("times: %s", b)
			}
			data, _ := got["target_data"].(map[string]any)
			if data == nil {
				t.Fatalf("target_data is not an object: %s", b)
			}
			_, hasAccount := data["account_id"]
			wantAccount := e.Family != FamilyConsent && e.Family != FamilyPaymentLinks && e.Family != FamilySignUps
			if hasAccount != wantAccount {
				t.Errorf("target_data has account_id=%v, want %v: %s", hasAccount, wantAccount, b)
			}
			if uri, ok := got["target_detail_uri"].(string); ok && (!strings.HasPrefix(uri, SandboxAPI+"/api/v1/") || strings.Contains(uri, "{")) {
				t.Errorf("target_detail_uri %q is not a filled-in sandbox URI", uri)
			}
			if strings.Contains(string(b), "62752545053") {
				t.Errorf("a document in clear: %s", b)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	all, err := Select("", nil)
	if err != nil || len(all) != len(Catalogue()) {
		t.Fatalf("the default is every event type: %d, %v", len(all), err)
	}
	links, err := Select("", []string{FamilyPaymentLinks})
	if err != nil || len(links) != 3 || links[0].Type != "order_created" {
		t.Fatalf("a family list selects its events: %+v, %v", links, err)
	}
	mixed, err := Select(" order_paid, sign_ups ,order_paid", nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range mixed {
		names = append(names, e.Type)
	}
	if want := []string{"order_paid", "sign_up_created", "sign_up_status_updated", "sign_up_resource_details_updated"}; !slices.Equal(names, want) {
		t.Errorf("got %v, want %v (each once, in the order asked)", names, want)
	}
	for _, bad := range []struct{ list, want string }{
		{"order_payed", `"order_payed" is neither an event type`},
		{" , ", "names no event type"},
	} {
		if _, err := Select(bad.list, nil); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Select(%q) = %v, want an error naming %q", bad.list, err, bad.want)
		}
	}
	if _, err := Select("", []string{"top_ups"}); err == nil || !strings.Contains(err.Error(), `unknown family "top_ups"`) {
		t.Errorf("an unknown family: %v", err)
	}
}
