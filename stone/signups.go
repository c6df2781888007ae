package stone

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
)

// Account opening (stone-api-families.md §4): the request travels as a
// JWE to Stone's "enc" key; Stone answers 202 with an id and the request
// moves through created → kyc_analysis → finished | failed.

// Sign-up statuses (§4.2).
const (
	SignUpCreated     = "created"
	SignUpKYCAnalysis = "kyc_analysis"
	SignUpFinished    = "finished"
	SignUpFailed      = "failed"
)

var reEmail = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// SignUpPerson is the request's user (document_type "cpf") or
// organization (document_type "cnpj").
type SignUpPerson struct {
	Document     string         `json:"document"`
	DocumentType string         `json:"document_type"`
	FullName     string         `json:"full_name,omitempty"`
	Email        string         `json:"email,omitempty"`
	Metadata     map[string]any `json:"metadata,omitempty"`
}

// SignUpRequest is the plaintext of the JWE (§4.1). Organization is left
// out for a person, as the examples do (the schema marks it required, [X]).
type SignUpRequest struct {
	User         SignUpPerson  `json:"user"`
	Organization *SignUpPerson `json:"organization,omitempty"`
}

// SignUp is an account-opening request as GET …/signups/{id} shows it.
type SignUp struct {
	ID                        string         `json:"id"`
	Status                    string         `json:"status"`
	DetailedStatus            string         `json:"detailed_status"`
	DetailedStatusDescription string         `json:"detailed_status_description"`
	Error                     *string        `json:"error"`
	OwnerID                   string         `json:"owner_id"`
	OwnerType                 string         `json:"owner_type"`
	OwnerDocument             string         `json:"owner_document"`
	UserID                    string         `json:"user_id"`
	RequestID                 string         `json:"request_id"`
	SubjectID                 string         `json:"subject_id"`
	ResourceType              string         `json:"resource_type"`
	ResourceDetails           map[string]any `json:"resource_details"`
	InsertedAt                string         `json:"inserted_at"` // no Z in the example: kept as text
	UpdatedAt                 string         `json:"updated_at"`
}

func (p SignUpPerson) check(op, field, docType string, digits int, all bool) error {
	switch {
	case !reDigits(p.Document, digits):
		return fmt.Errorf("stone: %s: %s.document must be %d digits", op, field, digits)
	case p.DocumentType != docType:
		return fmt.Errorf("stone: %s: %s.document_type must be %q, got %q", op, field, docType, p.DocumentType)
	case all && p.FullName == "":
		return fmt.Errorf("stone: %s: %s.full_name is required", op, field)
	case (all || p.Email != "") && !reEmail.MatchString(p.Email):
		return fmt.Errorf("stone: %s: %s.email %q is not an address", op, field, p.Email)
	}
	return nil
}

func reDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// CreateSignUp asks Stone to open a payment account: the request is
// encrypted to Stone's "enc" key (EncryptToStone: RSA-OAEP-256, A256GCM,
// kid, as Stone's Python example does) and POSTed as {"jwe"} to
// /applications/application:{client_id}/signups with an idempotency key.
// The documents travel only inside the JWE.
func (c *Client) CreateSignUp(ctx context.Context, req SignUpRequest, key string) (string, error) {
	const op = "create sign-up"
	if err := req.User.check(op, "user", "cpf", 11, true); err != nil {
		return "", err
	}
	if o := req.Organization; o != nil {
		if err := o.check(op, "organization", "cnpj", 14, false); err != nil {
			return "", err
		}
	}
	jwe, err := c.EncryptToStone(ctx, op, req)
	if err != nil {
		return "", err
	}
	body := struct {
		JWE string `json:"jwe"`
	}{jwe}
	out, err := postIdempotent[struct {
		ID string `json:"id"`
	}](ctx, c, op, "/applications/application:"+url.PathEscape(c.clientID)+"/signups", body, key)
	if err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("stone: %s: Stone accepted the request without an id", op)
	}
	return out.ID, nil
}

// SignUp reads an account-opening request: GET
// /applications/{client_id}/signups/{id}, with the bare client id the
// status page and Stone's Postman collection use (§4.2 [X]: the webhooks'
// URIs write application:{client_id}).
func (c *Client) SignUp(ctx context.Context, id string) (*SignUp, error) {
	const op = "get sign-up"
	esc, err := escapeID(op, "sign-up id", id)
	if err != nil {
		return nil, err
	}
	var v SignUp
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/applications/" + url.PathEscape(c.clientID) + "/signups/" + esc}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
