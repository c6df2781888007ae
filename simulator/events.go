package simulator

import "time"

// event is one state change that Stone notifies by webhook. The state
// machines record it with store.emit at the moment it happens; webhooks.go
// turns each into deliveries to every application that can see the
// account (its own account or one shared by consent) and lists them at the
// inspection endpoint.
type event struct {
	Type         string         // event_type, e.g. "cash_out_internal_transfer_finished"
	TargetType   string         // target_type, e.g. "internal_transfer_finished"
	TargetID     string         // target_id ("" → null)
	AccountID    string         // the account the event is about (decides who receives it)
	Data         any            // target_data: the resource as it is after the change
	DetailPath   string         // e.g. "/api/v1/internal_transfers/{id}" ("" → null target_detail_uri)
	StatementRef string         // statement entry id for target_statement_uri ("" → null)
	At           time.Time      // event_happened_at
	Extra        map[string]any // extra top-level members (session_metadata for consent_requested)
}

// emit records ev. Callers hold Simulator.mu, like every store method.
func (st *store) emit(ev *event) {
	st.events = append(st.events, ev)
}
