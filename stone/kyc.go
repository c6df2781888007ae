package stone

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// KYC (stone-api-families.md §5.4, an alpha for special cases): the user
// an account opening made answers the checks Stone's analysis asks for.
// The photos go first to a signed storage URL (Google Cloud Storage at
// Stone), then their public URLs are answered like any other value.

// KYC statuses of a request and of its checks (§4.2's assessment statuses).
const (
	KYCRequested = "requested"
	KYCAnswered  = "answered"
)

// KYCRequest is a user's KYC request.
type KYCRequest struct {
	ID          string     `json:"id"`
	UserID      string     `json:"user_id"`
	Status      string     `json:"status"`
	Reason      string     `json:"reason"`
	InputType   string     `json:"input_type"`
	IsMandatory bool       `json:"is_mandatory"`
	CreatedAt   string     `json:"created_at"`
	UpdatedAt   string     `json:"updated_at"`
	Checks      []KYCCheck `json:"checks"`
}

// KYCCheck is one piece of information the analysis asks for; its
// FieldType says what its answer's value is.
type KYCCheck struct {
	ID             string           `json:"id"`
	FieldType      string           `json:"field_type"`
	Status         string           `json:"status"`
	Reason         string           `json:"reason"`
	DetailedReason string           `json:"detailed_reason"`
	InputType      string           `json:"input_type"`
	Context        *KYCCheckContext `json:"context"`
}

// KYCCheckContext carries the income ranges a total_income_range answer
// chooses from.
type KYCCheckContext struct {
	IncomeRanges []struct {
		Formatted string `json:"formatted"`
		Range     struct {
			LowerBounds *int64 `json:"lower_bounds"`
			UpperBounds *int64 `json:"upper_bounds"`
		} `json:"range"`
	} `json:"income_ranges"`
}

// KYCAnswer answers one check. Value is, by field type: a "YYYY-MM-DD"
// birthdate, a phone number's digits, a KYCAddress, a KYCDocumentPhoto,
// a list of selfie public URLs, or a KYCIncome.
type KYCAnswer struct {
	CheckID string `json:"check_id"`
	Value   any    `json:"value"`
}

// KYCAddress is an address answer.
type KYCAddress struct {
	Street         string `json:"street"`
	StreetNumber   string `json:"street_number"`
	Extra          string `json:"extra"`
	Neighborhood   string `json:"neighborhood"`
	City           string `json:"city"`
	State          string `json:"state"`
	Country        string `json:"country"`
	PostalCode     string `json:"postal_code"`
	ReferencePoint string `json:"reference_point"`
}

// KYCDocumentPhoto is a document_photo answer: the document's type
// ("CNH" in the example) and its sides' public URLs.
type KYCDocumentPhoto struct {
	Type  string `json:"type"`
	Front string `json:"front"`
	Back  string `json:"back"`
}

// KYCIncome is a total_income_range answer: one range's upper bound
// (nil for the open range at the top).
type KYCIncome struct {
	UpperBounds *int64 `json:"upper_bounds"`
}

// PhotoUpload is where a photo goes: PUT it to UploadInfo.URL with
// UploadInfo.Headers, then answer with PublicURL.
type PhotoUpload struct {
	PublicURL  string `json:"public_url"`
	UploadInfo struct {
		URL     string            `json:"url"`
		Headers map[string]string `json:"headers"`
	} `json:"upload_info"`
}

// KYCRequest reads the user's pending KYC checks.
func (c *Client) KYCRequest(ctx context.Context, userID string) (*KYCRequest, error) {
	const op = "get kyc request"
	esc, err := escapeID(op, "user id", userID)
	if err != nil {
		return nil, err
	}
	var v KYCRequest
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/users/" + esc + "/kyc/request"}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// PhotoUploadURL asks where the photo name (ending in .jpg) goes: POST
// /storage/{name} with Content-Type image/jpeg, as documented.
func (c *Client) PhotoUploadURL(ctx context.Context, name string) (*PhotoUpload, error) {
	const op = "get photo upload url"
	if !strings.HasSuffix(strings.ToLower(name), ".jpg") {
		return nil, fmt.Errorf("stone: %s: name must end in .jpg, got %q", op, name)
	}
	esc, err := escapeID(op, "name", name)
	if err != nil {
		return nil, err
	}
	var v PhotoUpload
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/storage/" + esc, contentType: "image/jpeg"}, &v); err != nil {
		return nil, err
	}
	if v.UploadInfo.URL == "" || v.PublicURL == "" {
		return nil, fmt.Errorf("stone: %s: the answer has no upload url or public url", op)
	}
	return &v, nil
}

// UploadPhoto PUTs a JPEG to the signed URL of up, with the headers it
// was signed for and no bearer token (the URL carries its own
// signature). A refusal (Google Cloud Storage answers XML, 400
// ExpiredToken for an old URL) is an error naming its status and body.
func (c *Client) UploadPhoto(ctx context.Context, up *PhotoUpload, jpeg []byte) error {
	const op = "upload photo"
	u, err := url.Parse(up.UploadInfo.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("stone: %s: upload url %q is not an absolute http(s) URL", op, up.UploadInfo.URL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), bytes.NewReader(jpeg))
	if err != nil {
		return fmt.Errorf("stone: %s: build request: %w", op, err)
	}
	for k, v := range up.UploadInfo.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.base.Do(req)
	if err != nil {
		return wrap(op, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("stone: %s: storage answered %d: %s", op, resp.StatusCode, truncate(strings.TrimSpace(string(body)), 200))
	}
	return nil
}

// AnswerKYC sends answers to the user's checks; Stone answers the
// request with those checks answered.
func (c *Client) AnswerKYC(ctx context.Context, userID string, answers []KYCAnswer) (*KYCRequest, error) {
	const op = "answer kyc"
	esc, err := escapeID(op, "user id", userID)
	if err != nil {
		return nil, err
	}
	if len(answers) == 0 {
		return nil, fmt.Errorf("stone: %s: answers: at least one answer is required", op)
	}
	for i, a := range answers {
		if strings.TrimSpace(a.CheckID) == "" {
			return nil, fmt.Errorf("stone: %s: answers.%d.check_id is required", op, i)
		}
		if a.Value == nil {
			return nil, fmt.Errorf("stone: %s: answers.%d.value is required", op, i)
		}
	}
	body := struct {
		Answers []KYCAnswer `json:"answers"`
	}{answers}
	var v KYCRequest
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/users/" + esc + "/kyc/answer", body: body}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
