package stone

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// StoneISPB is Stone's ISPB, the participant of keys held at Stone.
const StoneISPB = "16501555"

// Headers carrying the possession check of a phone or e-mail key, as Stone's
// Go SDK sends them.
const (
	VerificationIDHeader   = "x-stone-verification-id"
	VerificationCodeHeader = "x-stone-verification-code"
)

// PIX key types (DICT).
const (
	PixKeyCPF    = "cpf"
	PixKeyCNPJ   = "cnpj"
	PixKeyPhone  = "phone"
	PixKeyEmail  = "email"
	PixKeyRandom = "random_key"
)

// PixKeyRequest registers a PIX key for an account (stone-api.md §5.5).
type PixKeyRequest struct {
	AccountID       string // path parameter
	Key             string // "" for random_key (Stone generates it); phone as +5561912345678
	KeyType         string // cpf|cnpj|phone|email|random_key
	ParticipantISPB string // "" → StoneISPB
	// VerificationID and VerificationCode prove possession of a phone or
	// e-mail key; sent as headers, both or neither.
	VerificationID   string
	VerificationCode string
}

// pixKeyBody is the documented body; key is sent even when empty, as in
// Stone's random_key example.
type pixKeyBody struct {
	Key             string `json:"key"`
	KeyType         string `json:"key_type"`
	ParticipantISPB string `json:"participant_ispb"`
}

func (r PixKeyRequest) validate(op string) error {
	if err := checkRequired(op, "account_id", r.AccountID); err != nil {
		return err
	}
	if err := checkRequired(op, "key_type", r.KeyType); err != nil {
		return err
	}
	if err := checkMatch(op, "participant_ispb", r.ParticipantISPB, reISPB); err != nil {
		return err
	}
	if (r.VerificationID == "") != (r.VerificationCode == "") {
		return fmt.Errorf("stone: %s: verification id and code go together: set both or neither", op)
	}
	if strings.ContainsAny(r.VerificationID+r.VerificationCode, "\r\n\x00") {
		return fmt.Errorf("stone: %s: verification id or code contains a control character", op)
	}
	switch r.KeyType {
	case PixKeyCPF, PixKeyCNPJ:
		return checkDocument(op, "key", r.Key, r.KeyType)
	case PixKeyPhone:
		if !rePhoneKey.MatchString(r.Key) {
			return fmt.Errorf("stone: %s: key must be a phone number like +5561912345678, got %q", op, r.Key)
		}
	case PixKeyEmail:
		if !strings.Contains(r.Key, "@") || len(r.Key) > maxPixKeyLen {
			return fmt.Errorf("stone: %s: key must be an e-mail address of at most %d characters, got %q", op, maxPixKeyLen, r.Key)
		}
	case PixKeyRandom:
		if r.Key != "" {
			return fmt.Errorf("stone: %s: key must be empty for random_key: Stone generates it", op)
		}
	default:
		return fmt.Errorf("stone: %s: key_type must be one of cpf|cnpj|phone|email|random_key, got %q", op, r.KeyType)
	}
	return nil
}

// PixKey is a PIX key (DICT entry) of an account.
type PixKey struct {
	ID                 string                 `json:"id"`
	Key                string                 `json:"key"`
	KeyType            string                 `json:"key_type"`
	KeyStatus          string                 `json:"key_status"`
	Status             string                 `json:"status"` // Stone's Go SDK reads this name; the docs show key_status
	AccountID          string                 `json:"account_id"`
	ParticipantISPB    string                 `json:"participant_ispb"`
	BeneficiaryAccount *PixBeneficiaryAccount `json:"beneficiary_account"`
	BeneficiaryEntity  *PixEntity             `json:"beneficiary_entity"`
	Events             []PixKeyEvent          `json:"events"`
}

// PixBeneficiaryAccount is the account a key points to.
type PixBeneficiaryAccount struct {
	BranchCode  string `json:"branch_code"`
	AccountCode string `json:"account_code"`
	AccountType string `json:"account_type"`
	CreatedAt   string `json:"created_at"`
}

// PixKeyEvent is one step of a key's history. CreatedAt stays text: the
// docs' own example ("20200-09-18T03:00:00Z") is not a valid time.
type PixKeyEvent struct {
	ID         string `json:"id"`
	CreatedAt  string `json:"created_at"`
	Type       string `json:"type"`
	FromStatus string `json:"from_status"`
	ToStatus   string `json:"to_status"`
}

// PixKeyPage is one page of keys.
type PixKeyPage struct {
	Cursor Cursor   `json:"cursor"`
	Data   []PixKey `json:"data"`
}

// PixKeyRequestID is Stone's 202 answer to a key creation or deletion: the
// request id; the outcome arrives by webhook.
type PixKeyRequestID struct {
	ID string `json:"id"`
}

// CreatePixKey asks Stone to register a key: POST /pix/{account_id}/entries
// → 202 {id}. idempotencyKey "" uses NewID(). Stone answers 422
// already_exists or entries_limit_reached (5 keys PF, 20 PJ).
func (c *Client) CreatePixKey(ctx context.Context, req PixKeyRequest, idempotencyKey string) (*PixKeyRequestID, error) {
	const op = "create pix key"
	if err := req.validate(op); err != nil {
		return nil, err
	}
	h, err := c.idempotencyHeader(op, idempotencyKey)
	if err != nil {
		return nil, err
	}
	if req.VerificationID != "" {
		h.Set(VerificationIDHeader, req.VerificationID)
		h.Set(VerificationCodeHeader, req.VerificationCode)
	}
	body := pixKeyBody{Key: req.Key, KeyType: req.KeyType, ParticipantISPB: req.ParticipantISPB}
	if body.ParticipantISPB == "" {
		body.ParticipantISPB = StoneISPB
	}
	var out PixKeyRequestID
	path := "/pix/" + url.PathEscape(req.AccountID) + "/entries"
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: path, body: body, header: h}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListPixKeys lists an account's keys; status (key_created,
// portability_claimed, ownership_claimed, failed, deleted) filters when set.
func (c *Client) ListPixKeys(ctx context.Context, accountID, status string) (*PixKeyPage, error) {
	const op = "list pix keys"
	esc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	if err := checkOneOf(op, "status", status, "key_created", "portability_claimed", "ownership_claimed", "failed", "deleted"); err != nil {
		return nil, err
	}
	q := url.Values{}
	setIf(q, "status", status)
	var page PixKeyPage
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/pix/" + esc + "/entries", query: q}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// PixKey fetches one key with its history.
func (c *Client) PixKey(ctx context.Context, accountID, id string) (*PixKey, error) {
	const op = "get pix key"
	acc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	esc, err := escapeID(op, "key id", id)
	if err != nil {
		return nil, err
	}
	var k PixKey
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/pix/" + acc + "/entries/" + esc}, &k); err != nil {
		return nil, err
	}
	return &k, nil
}

// DeletePixKey asks Stone to delete a key: DELETE
// /pix/{account_id}/entries/{id} → 202 {id}; the outcome arrives by
// webhook. The reference page lists the idempotency key header for it;
// "" uses NewID().
func (c *Client) DeletePixKey(ctx context.Context, accountID, id, idempotencyKey string) (*PixKeyRequestID, error) {
	const op = "delete pix key"
	acc, err := escapeID(op, "account id", accountID)
	if err != nil {
		return nil, err
	}
	esc, err := escapeID(op, "key id", id)
	if err != nil {
		return nil, err
	}
	h, err := c.idempotencyHeader(op, idempotencyKey)
	if err != nil {
		return nil, err
	}
	resp, err := c.exchange(ctx, call{op: op, method: http.MethodDelete, path: "/pix/" + acc + "/entries/" + esc, header: h})
	if err != nil {
		return nil, err
	}
	var out PixKeyRequestID
	// A 204 or an empty 202 is still a success; the id is then unknown.
	if resp.status != http.StatusNoContent && len(strings.TrimSpace(string(resp.body))) > 0 {
		if err := decodeBody(op, resp, &out); err != nil {
			return nil, err
		}
	}
	return &out, nil
}
