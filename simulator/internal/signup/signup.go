// Package signup is Stone's account opening (stone-api-families.md §4):
// POST /api/v1/applications/application:<ClientID>/signups with the
// request encrypted as a JWE to Stone's enc key, 202 {"id"}, the status
// read through created → kyc_analysis → finished | failed, driven by a
// /_sim/ control that plays Stone's analysis, and the sign_up_* webhooks.
//
// Every response shape lives in shapes.go.
package signup

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// Statuses (§4.2).
const (
	StatusCreated     = "created"
	StatusKYCAnalysis = "kyc_analysis"
	StatusFinished    = "finished"
	StatusFailed      = "failed"
)

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// Decrypter opens a JWE sent to Stone's enc key.
type Decrypter func(compact string) ([]byte, error)

// Options wires the family.
type Options struct {
	Book        *ledger.Book
	Idempotency *api.Idempotency
	Decrypt     Decrypter
	// ErrUnrecognizedKey is what Decrypt wraps for a kid that is not the
	// enc key's.
	ErrUnrecognizedKey error
}

// SignUps serves the family. Its state is guarded by the book's lock.
type SignUps struct {
	book    *ledger.Book
	idem    *api.Idempotency
	decrypt Decrypter
	badKid  error
	byID    map[string]*signUp
}

// New returns the family with no request.
func New(opts Options) *SignUps {
	return &SignUps{book: opts.Book, idem: opts.Idempotency, decrypt: opts.Decrypt, badKid: opts.ErrUnrecognizedKey, byID: map[string]*signUp{}}
}

// Routes registers the account-opening API and its /_sim/ control.
//
//	POST /api/v1/applications/{app}/signups       {"jwe"} → 202 {"id"}, webhook sign_up_created
//	GET  /api/v1/applications/{app}/signups/{id}  → 200 the request
//	POST /_sim/signups/{id}/status                {"status":"kyc_analysis|finished|failed"} → 200 the request, webhooks
//
// {app} is "application:<ClientID>" (the create page and the webhooks) or
// the bare ClientID (the status page and Postman; §4.2 [X]): both are
// accepted, and only the caller's own.
func (s *SignUps) Routes(m *api.Mux) {
	m.HandleAuth("POST /api/v1/applications/{app}/signups", s.idem.Wrap(s.handleCreate))
	m.HandleAuth("GET /api/v1/applications/{app}/signups/{id}", s.handleGet)
	m.Handle("POST /_sim/signups/{id}/status", s.handleAdvance)
}

func own(r *http.Request, c *api.Call) bool {
	return strings.TrimPrefix(r.PathValue("app"), "application:") == c.ClientID
}

// handleCreate opens the request. The JWE is decrypted before the lock is
// taken (RSA is slow); its plaintext is checked field by field, paths
// naming the plaintext's members.
func (s *SignUps) handleCreate(w http.ResponseWriter, r *http.Request, c *api.Call) {
	if !own(r, c) {
		api.Unauthorized().Write(w)
		return
	}
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	compact := f.Str("jwe", true)
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	plain, err := s.decrypt(compact)
	if err != nil {
		code := "bad_jwe_token"
		if s.badKid != nil && errors.Is(err, s.badKid) {
			code = "unrecognized_key"
		}
		api.JSON(http.StatusBadRequest, api.Error{Type: "srn:error:" + code, Reason: "the jwe must be a compact JWE (RSA-OAEP-256, A256GCM) to the enc key of /api/v1/discovery/keys"}).Write(w)
		return
	}
	obj, err := api.DecodeObject(strings.NewReader(string(plain)))
	if err != nil {
		api.BadRequest("the decrypted jwe is not a JSON object: "+err.Error(), "jwe").Write(w)
		return
	}
	req, rp, ok := decodeRequest(api.FieldsOf(obj))
	if !ok {
		rp.Write(w)
		return
	}
	s.book.Reply(w, func() api.Reply {
		now := s.book.Stamp(c.Now)
		su := s.open(c, r, req, now)
		s.byID[su.ID] = su
		s.emit(su, "sign_up_created", "", now)
		return api.JSON(http.StatusAccepted, struct {
			ID string `json:"id"`
		}{su.ID})
	})
}

func (s *SignUps) handleGet(w http.ResponseWriter, r *http.Request, c *api.Call) {
	if !own(r, c) {
		api.Unauthorized().Write(w)
		return
	}
	s.book.Reply(w, func() api.Reply {
		su, ok := s.byID[r.PathValue("id")]
		if !ok || su.clientID != c.ClientID {
			return api.NotFound()
		}
		return api.JSON(http.StatusOK, su)
	})
}

// handleAdvance is Stone's analysis: created → kyc_analysis (the e-mail
// verified, the checks requested) → finished (the account created) or
// failed. Each step notifies as the docs' examples do (§4.3).
func (s *SignUps) handleAdvance(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	to := f.Str("status", true)
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	s.book.Reply(w, func() api.Reply {
		su, ok := s.byID[r.PathValue("id")]
		if !ok {
			return api.NotFound()
		}
		allowed := map[string][]string{StatusCreated: {StatusKYCAnalysis, StatusFailed}, StatusKYCAnalysis: {StatusFinished, StatusFailed}}
		okMove := false
		for _, n := range allowed[su.Status] {
			okMove = okMove || n == to
		}
		if !okMove {
			return api.Conflict("the account opening is " + su.Status + "; it cannot move to " + to)
		}
		now := s.book.Stamp(c.Now)
		s.advance(su, to, now)
		return api.JSON(http.StatusOK, su)
	})
}

// emit records a sign_up_* event: addressed to the application that
// asked, without target_statement_uri (§4.3).
func (s *SignUps) emit(su *signUp, typ, reason string, at time.Time) {
	s.book.Emit(&ledger.Event{Type: typ, TargetType: "sign_up_request", TargetID: su.ID, ClientID: su.clientID,
		Data: webhookData(su, typ, reason, at), DetailPath: "/api/v1/applications/application:" + su.clientID + "/signups/" + su.ID, At: at,
		Omit: []string{"target_statement_uri"}})
}

// snapshot is v as JSON, for webhook data.
func snapshot(v any) json.RawMessage { return api.Snapshot(v) }

// User reports whether userID is the user of an account opening, and
// whether the application clientID asked for it (KYC's users,
// stone-api-families.md §5.4 [I]). Caller holds the lock.
func (s *SignUps) User(clientID, userID string) (known, own bool) {
	for _, su := range s.byID {
		if su.UserID == userID {
			known = true
			if su.clientID == clientID {
				return true, true
			}
		}
	}
	return known, false
}

// KYCAnswered notes that the user of an account opening answered every
// KYC check: user_input_assessment_status becomes answered, notified as
// §4.3's sign_up_resource_details_updated with update_reason
// user_input_assessment_status_updated. Caller holds the lock.
func (s *SignUps) KYCAnswered(userID string, at time.Time) {
	for _, su := range s.byID {
		if su.UserID != userID {
			continue
		}
		su.ResourceDetails["user_input_assessment_status"] = "answered"
		su.ResourceDetails["user_input_assessment_status_changed_at"] = stamp(at)
		su.UpdatedAt = stamp(at)
		s.emit(su, "sign_up_resource_details_updated", "user_input_assessment_status_updated", at)
	}
}
