package simulator

import (
	"encoding/json"
	"net/http"
	"time"
)

// The /_sim/ routes are test controls outside Stone's namespace: what only the
// account owner can do in Stone's app (consent, approve a cash-out), what
// other banks and payers do (return a TED, pay a boleto or a PIX charge), and
// the simulator's clock. They need no token: the owner is not the partner.
//
//	POST /_sim/owner/consent                     {"link","decision"} → 200 {consent_result,resource_id,redirect}
//	POST /_sim/owner/{kind}/{id}/approve         → 204 (CREATED → APPROVED/SCHEDULED/CONFIRMED), 404, 409
//	POST /_sim/owner/{kind}/{id}/reject          → 204 (CREATED → REJECTED; PIX → CANCELLED), 404, 409
//	     kind: internal_transfers | external_transfers | payments | pix_payments
//	POST /_sim/external_transfers/{id}/refund    {"reason_code":"1"} → 200 TED (REFUNDED now, or when it finishes)
//	POST /_sim/payments/{id}/refund              {"reason_code":"63"} → 200 payment (likewise)
//	POST /_sim/pix_payments/{id}/refund          → 200 PIX (REFUNDED now, or instead of settling)
//	POST /_sim/barcode_payment_invoices/{id}/pay {"amount"?} → 200 boleto (REGISTERED → SETTLED, credit on the account)
//	POST /_sim/pix_payment_invoices/{id}/pay     {"amount"?,"payer"?} → 200 invoice (ACTIVE → PAID, inbound PIX credit)
//	GET  /_sim/clients/{id}/fixtures             → 200 Fixtures, 404
//	GET  /_sim/fixtures/barcodes                 → 200 [BarcodeFixture] (valid today on the simulator clock)
//	GET  /_sim/clock                             → 200 {"now"}
//	POST /_sim/clock/advance                     {"duration":"15m"} → 200 {"now"}

func (s *Simulator) controlRoutes(rt *router) {
	rt.add(http.MethodPost, "/_sim/owner/consent", false, s.handleOwnerConsent)
	rt.add(http.MethodPost, "/_sim/owner/{kind}/{id}/{action}", false, s.handleOwnerDecision)
	s.simMoneyRoutes(rt)
	rt.add(http.MethodGet, "/_sim/clients/{id}/fixtures", false, s.handleFixtures)
	rt.add(http.MethodGet, "/_sim/clock", false, s.handleClock)
	rt.add(http.MethodPost, "/_sim/clock/advance", false, s.handleClockAdvance)
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
