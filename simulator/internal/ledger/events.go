package ledger

import (
	"encoding/json"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// Event is one state change that Stone notifies by webhook (§7). The state
// machines record it with Emit at the moment it happens; the webhooks
// package turns each into deliveries to every application that can see the
// account (its own account or one shared by consent) and lists them at the
// inspection endpoint.
type Event struct {
	Type         string         // event_type, e.g. "cash_out_internal_transfer_finished"
	TargetType   string         // target_type, e.g. "internal_transfer_finished"
	TargetID     string         // target_id ("" → null)
	AccountID    string         // the account the event is about (decides who receives it)
	Data         any            // target_data: the resource as it is after the change
	DetailPath   string         // e.g. "/api/v1/internal_transfers/{id}" ("" → null target_detail_uri)
	StatementRef string         // statement entry id for target_statement_uri ("" → null)
	At           time.Time      // event_happened_at
	Extra        map[string]any // extra top-level members (session_metadata for consent_requested)
	// ClientID, when set, addresses the event to that application alone
	// instead of to whoever can see AccountID: a sign-up belongs to the
	// application that requested it, not to an account
	// (stone-api-families.md §4.3).
	ClientID string
	// Omit names envelope members this event type leaves out: Stone's
	// sign-up examples have no target_statement_uri key at all (§4.3).
	Omit []string
}

// Emit records ev. Caller holds the lock.
func (b *Book) Emit(ev *Event) { b.events = append(b.events, ev) }

// Events are every event emitted, in order. Caller holds the lock and must
// not modify the slice.
func (b *Book) Events() []*Event { return b.events }

// EntrySnapshot is a statement entry as webhook target_data: the entry's
// JSON plus its account_id, which §7 says target_data always carries (the
// statement endpoint leaves it out, being scoped to one account). The docs
// contradict "always" only for payment-link and sign-up events
// (stone-api-families.md §7.2), families the simulator does not serve; for
// the ones it does the webhook page's rule and its examples agree, so it is
// followed. consent_requested keeps the account object of the docs' example.
func EntrySnapshot(e *Entry) json.RawMessage {
	var m map[string]any
	if err := json.Unmarshal(api.Snapshot(e), &m); err != nil || m == nil {
		return api.Snapshot(e)
	}
	m["account_id"] = e.accountID
	return api.Snapshot(m)
}
