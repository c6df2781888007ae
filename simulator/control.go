package simulator

import (
	"encoding/json"
	"net/http"
	"time"
)

// The /_sim/ routes are test controls outside Stone's namespace: what only the
// account owner can do in Stone's app (consent, approve a cash-out), and the
// simulator's clock. They need no token: the owner is not the partner.
//
//	POST /_sim/owner/consent                          {"link","decision"} → 200 {consent_result,resource_id,redirect}
//	POST /_sim/owner/internal_transfers/{id}/approve  → 204 (CREATED → APPROVED/SCHEDULED), 404, 409
//	POST /_sim/owner/internal_transfers/{id}/reject   → 204 (CREATED → REJECTED), 404, 409
//	GET  /_sim/clients/{id}/fixtures                  → 200 Fixtures, 404
//	GET  /_sim/clock                                  → 200 {"now"}
//	POST /_sim/clock/advance                          {"duration":"15m"} → 200 {"now"}

func (s *Simulator) handleOwnerApprove(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.ownerDecision(w, r, rc, true)
}

func (s *Simulator) handleOwnerReject(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.ownerDecision(w, r, rc, false)
}

// handleFixtures lets a runner that only reaches the simulator over HTTP
// (homolog simulate) learn the seeded world of its client.
func (s *Simulator) handleFixtures(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	s.withStore(w, func(st *store) reply {
		c := st.client(r.PathValue("id"))
		if c == nil {
			return notFound()
		}
		return jsonReply(http.StatusOK, c.fixtures)
	})
}

type clockResponse struct {
	Now string `json:"now"`
}

func (s *Simulator) handleClock(w http.ResponseWriter, _ *http.Request, rc *reqCtx) {
	jsonReply(http.StatusOK, clockResponse{Now: ts(rc.now)}).write(w)
}

// handleClockAdvance moves the simulator's clock forward (never back: the
// ledger is written in time order). Due transitions apply on the next request.
func (s *Simulator) handleClockAdvance(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	var in struct {
		Duration string `json:"duration"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		badRequest(`body must be a JSON object {"duration":"15m"}: ` + err.Error()).write(w)
		return
	}
	d, err := time.ParseDuration(in.Duration)
	if err != nil || d < 0 {
		validationErr(fieldError{Error: "must be a non-negative Go duration such as 90s or 15m", Path: []string{"duration"}}).write(w)
		return
	}
	s.clockOffset.Add(int64(d))
	jsonReply(http.StatusOK, clockResponse{Now: ts(s.now())}).write(w)
}
