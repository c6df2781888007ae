package signup

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// The documented shapes of the family, in one place
// (stone-api-families.md §4.1, §4.2, §4.3).

// person is the plaintext's user or organization (§4.1).
type person struct {
	Document     string         `json:"document"`
	DocumentType string         `json:"document_type"`
	FullName     string         `json:"full_name"`
	Email        string         `json:"email"`
	Metadata     map[string]any `json:"metadata,omitempty"`
}

type request struct {
	user         person
	organization *person
}

// decodeRequest checks the decrypted request: user{document*,
// document_type* "cpf", full_name*, email*}, organization optional (the
// schema marks it required, the examples leave it out for a person,
// §4.1 [X]: the examples are followed) with document*, document_type*
// "cnpj".
func decodeRequest(f api.Fields) (request, api.Reply, bool) {
	var req request
	read := func(o api.Fields, docType string, all bool) person {
		p := person{Document: o.Str("document", true), DocumentType: o.Str("document_type", true),
			FullName: o.Str("full_name", all), Email: o.Str("email", all)}
		if p.DocumentType != "" && p.DocumentType != docType {
			o.Add(`must be "`+docType+`"`, "document_type")
		}
		want := map[string]int{"cpf": 11, "cnpj": 14}[docType]
		if p.Document != "" && (!api.Digits.MatchString(p.Document) || len(p.Document) != want) {
			o.Add("must be "+api.Itoa(int64(want))+" digits", "document")
		}
		if p.Email != "" && !emailRE.MatchString(p.Email) {
			o.Add("has invalid format", "email")
		}
		return p
	}
	if u, ok := f.Object("user", true); ok {
		req.user = read(u, "cpf", true)
	}
	if o, ok := f.Object("organization", false); ok {
		org := read(o, "cnpj", false)
		if raw, ok := api.Present(o.Obj, "metadata"); ok {
			_ = jsonUnmarshal(raw, &org.Metadata)
		}
		req.organization = &org
	}
	rp, ok := f.Result()
	return req, rp, ok
}

// signUp is the request as GET …/signups/{id} shows it (§4.2); timestamps
// without Z, as the example writes them.
type signUp struct {
	ID                              string          `json:"id"`
	Status                          string          `json:"status"`
	DetailedStatus                  string          `json:"detailed_status"`
	DetailedStatusDescription       string          `json:"detailed_status_description"`
	Error                           *string         `json:"error,omitempty"`
	OwnerID                         string          `json:"owner_id"`
	OwnerType                       string          `json:"owner_type"`
	OwnerDocument                   string          `json:"owner_document"`
	UserID                          string          `json:"user_id"`
	UserAssessmentRequestID         *string         `json:"user_assessment_request_id"`
	OrganizationID                  *string         `json:"organization_id"`
	OrganizationAssessmentRequestID *string         `json:"organization_assessment_request_id"`
	RequestID                       string          `json:"request_id"`
	SubjectID                       string          `json:"subject_id"`
	Metadata                        map[string]any  `json:"metadata"`
	RequestMetadata                 requestMetadata `json:"request_metadata"`
	MarketingData                   map[string]any  `json:"marketing_data"`
	ResourceType                    string          `json:"resource_type"`
	ResourceDetails                 map[string]any  `json:"resource_details"`
	User                            struct {
		ID             string `json:"id"`
		ApprovalStatus string `json:"approval_status"`
	} `json:"user"`
	Organization map[string]any `json:"organization"`
	InsertedAt   string         `json:"inserted_at"`
	UpdatedAt    string         `json:"updated_at"`

	clientID string
}

type requestMetadata struct {
	RemoteIP       string `json:"remote_ip"`
	UserAgent      string `json:"user_agent"`
	IdempotencyKey string `json:"idempotency_key"`
}

// stamp is a sign-up timestamp: no Z, as the example shows (§4.2).
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

// microStamp is a webhook's event_happened_at: microseconds, no Z (§4.3).
func microStamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }

// detailed is each status's detailed_status and its description.
func detailed(status string) (string, string) {
	switch status {
	case StatusKYCAnalysis:
		return "status_2", "Dados em análise"
	case StatusFinished:
		return "status_3", "Conta criada"
	case StatusFailed:
		return "status_4", "Pedido recusado na análise"
	}
	return "status_1", "Pedido recebido"
}

// open records a new request. Caller holds the lock.
func (s *SignUps) open(c interface{ SubjectID() string }, r *http.Request, req request, now time.Time) *signUp {
	ownerType, doc := "user", req.user.Document
	userID := s.book.NewID()
	su := &signUp{ID: s.book.NewID(), Status: StatusCreated, OwnerType: ownerType, OwnerDocument: doc, UserID: userID,
		OwnerID: "user:" + userID, RequestID: s.book.NewID(), SubjectID: c.SubjectID(), Metadata: map[string]any{},
		RequestMetadata: requestMetadata{RemoteIP: remoteIP(r), UserAgent: r.UserAgent(), IdempotencyKey: r.Header.Get(api.IdempotencyHeader)},
		MarketingData:   map[string]any{}, ResourceType: "srn:resource:user",
		ResourceDetails: map[string]any{"user_email_verified": false}, InsertedAt: stamp(now), UpdatedAt: stamp(now),
		clientID: strings.TrimPrefix(c.SubjectID(), "application:")}
	su.DetailedStatus, su.DetailedStatusDescription = detailed(StatusCreated)
	su.User.ID, su.User.ApprovalStatus = userID, "pending_analysis"
	if o := req.organization; o != nil {
		orgID := s.book.NewID()
		su.OwnerType, su.OwnerDocument, su.OwnerID = "organization", o.Document, "organization:"+orgID
		su.OrganizationID, su.ResourceType = api.StrPtr(orgID), "srn:resource:organization"
		su.Organization = map[string]any{"id": orgID, "document": o.Document, "full_name": o.FullName}
	}
	return su
}

func remoteIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// advance moves su to status to, with the events of §4.3. Caller holds the lock.
func (s *SignUps) advance(su *signUp, to string, now time.Time) {
	su.UpdatedAt = stamp(now)
	switch to {
	case StatusKYCAnalysis:
		su.ResourceDetails["user_email_verified"] = true
		su.ResourceDetails["user_email_verified_changed_at"] = stamp(now)
		su.UserAssessmentRequestID = api.StrPtr(s.book.NewID())
		s.emit(su, "sign_up_resource_details_updated", "user_email_verified", now)
		su.ResourceDetails["user_automatic_checks_status"] = "requested"
		s.emit(su, "sign_up_resource_details_updated", "user_automatic_checks_status_updated", now)
	case StatusFinished:
		su.ResourceDetails["user_automatic_checks_status"] = "approved"
		su.ResourceDetails["account_status"] = "created"
		su.ResourceType = "srn:resource:paymentaccount"
		su.User.ApprovalStatus = "approved"
		s.emit(su, "sign_up_resource_details_updated", "account_created", now)
	case StatusFailed:
		su.ResourceDetails["user_automatic_checks_status"] = "rejected"
		su.User.ApprovalStatus = "partially_rejected"
		su.Error = api.StrPtr("kyc_rejected")
	}
	su.Status = to
	su.DetailedStatus, su.DetailedStatusDescription = detailed(to)
	s.emit(su, "sign_up_status_updated", "", now)
}

// webhookData is a sign_up_* event's target_data (§4.3): no account_id,
// resource_details' booleans written as strings, event_happened_at in
// microseconds without Z.
func webhookData(su *signUp, typ, reason string, at time.Time) any {
	details := map[string]any{}
	if typ != "sign_up_created" {
		for k, v := range su.ResourceDetails {
			if b, ok := v.(bool); ok {
				v = map[bool]string{true: "true", false: "false"}[b]
			}
			details[k] = v
		}
	}
	var upd any
	if reason != "" {
		upd = reason
	}
	return snapshot(map[string]any{"id": su.ID, "event_type": typ, "event_happened_at": microStamp(at), "status": su.Status,
		"update_reason": upd, "error": su.Error, "owner_document": su.OwnerDocument, "owner_id": su.OwnerID, "owner_type": su.OwnerType,
		"request_id": su.RequestID, "resource_type": su.ResourceType, "resource_details": details, "subject_id": su.SubjectID})
}

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }
