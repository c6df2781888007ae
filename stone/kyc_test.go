package stone

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestKYCRequests(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	up := int64(500000)
	runWire(t, fs, c, []wire{
		{
			name: "the pending request", method: "GET", path: "/api/v1/users/ef49c647/kyc/request",
			reply: reply(http.StatusOK, `{"id":"50a22e82","user_id":"ef49c647","status":"requested","is_mandatory":true,"checks":[
				{"id":"a24ad007","field_type":"total_income_range","status":"requested","context":{"income_ranges":[
				{"formatted":"Até R$ 5.000,00","range":{"lower_bounds":null,"upper_bounds":500000}}]}},
				{"id":"400bf541","field_type":"birthdate","status":"requested","context":null}]}`),
			call: func(c *Client) error {
				q, err := c.KYCRequest(ctx(t), "ef49c647")
				if err == nil && (len(q.Checks) != 2 || q.Checks[0].Context == nil || *q.Checks[0].Context.IncomeRanges[0].Range.UpperBounds != up ||
					q.Checks[1].Context != nil) {
					t.Errorf("request = %+v", q)
				}
				return err
			},
		},
		{
			name: "a photo's storage, as image/jpeg", method: "POST", path: "/api/v1/storage/doc_cnh_front.jpg", headers: map[string]string{"Content-Type": "image/jpeg"},
			reply: reply(http.StatusOK, `{"public_url":"https://storage.googleapis.com/b/o/doc_cnh_front.jpg","upload_info":{"headers":{"content-type":"image/jpeg",
				"x-goog-acl":"public-read"},"url":"https://storage.googleapis.com/b/o/doc_cnh_front.jpg?Expires=1&GoogleAccessId=x&Signature=y"}}`),
			call: func(c *Client) error {
				p, err := c.PhotoUploadURL(ctx(t), "doc_cnh_front.jpg")
				if err == nil && p.UploadInfo.Headers["x-goog-acl"] != "public-read" {
					t.Errorf("upload = %+v", p)
				}
				return err
			},
		},
		{
			name: "the answers, the page's body", method: "POST", path: "/api/v1/users/ef49c647/kyc/answer",
			body: `{"answers":[{"check_id":"400bf541","value":"2000-10-10"},{"check_id":"6747569e","value":"21971697123"},
				{"check_id":"cbe5a713","value":{"type":"CNH","front":"https://s/f.jpg","back":"https://s/b.jpg"}},
				{"check_id":"5b6d185d","value":["https://s/s1.jpg"]},{"check_id":"a24ad007","value":{"upper_bounds":500000}},
				{"check_id":"4f485886","value":{"street":"Rua Buarque de Macedo","street_number":"38","extra":"","neighborhood":"Flamengo",
				"city":"Rio de Janeiro","state":"RJ","country":"Brasil","postal_code":"22220030","reference_point":""}}]}`,
			reply: reply(http.StatusOK, `{"id":"50a22e82","status":"answered","checks":[]}`),
			call: func(c *Client) error {
				q, err := c.AnswerKYC(ctx(t), "ef49c647", []KYCAnswer{
					{CheckID: "400bf541", Value: "2000-10-10"}, {CheckID: "6747569e", Value: "21971697123"},
					{CheckID: "cbe5a713", Value: KYCDocumentPhoto{Type: "CNH", Front: "https://s/f.jpg", Back: "https://s/b.jpg"}},
					{CheckID: "5b6d185d", Value: []string{"https://s/s1.jpg"}}, {CheckID: "a24ad007", Value: KYCIncome{UpperBounds: &up}},
					{CheckID: "4f485886", Value: KYCAddress{Street: "Rua Buarque de Macedo", StreetNumber: "38", Neighborhood: "Flamengo",
						City: "Rio de Janeiro", State: "RJ", Country: "Brasil", PostalCode: "22220030"}},
				})
				if err == nil && q.Status != KYCAnswered {
					t.Errorf("request = %+v", q)
				}
				return err
			},
		},
	})
	runInvalid(t, fs, c, "get photo upload url", []invalid{
		{"a PNG", func(c *Client) error { _, err := c.PhotoUploadURL(ctx(t), "doc.png"); return err }, ".jpg"},
	})
	runInvalid(t, fs, c, "answer kyc", []invalid{
		{"nothing", func(c *Client) error { _, err := c.AnswerKYC(ctx(t), "u", nil); return err }, "answers"},
		{"no check", func(c *Client) error { _, err := c.AnswerKYC(ctx(t), "u", []KYCAnswer{{Value: "x"}}); return err }, "answers.0.check_id"},
		{"no value", func(c *Client) error { _, err := c.AnswerKYC(ctx(t), "u", []KYCAnswer{{CheckID: "c"}}); return err }, "answers.0.value"},
	})
}

// TestUploadPhoto: the photo goes to the signed URL with the headers it
// was signed for and without the bearer token; the storage's XML refusal
// becomes an error naming it.
func TestUploadPhoto(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	var got *http.Request
	var body []byte
	gcs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(r.Context())
		body, _ = io.ReadAll(r.Body)
		if r.URL.Query().Get("Signature") == "old" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code></Error>")
		}
	}))
	defer gcs.Close()
	up := &PhotoUpload{PublicURL: gcs.URL + "/b/o.jpg"}
	up.UploadInfo.URL = gcs.URL + "/b/o.jpg?Expires=9&GoogleAccessId=x&Signature=s"
	up.UploadInfo.Headers = map[string]string{"content-type": "image/jpeg", "x-goog-acl": "public-read"}
	if err := c.UploadPhoto(ctx(t), up, []byte("\xff\xd8\xff")); err != nil {
		t.Fatal(err)
	}
	switch {
	case got.Method != http.MethodPut || got.URL.Query().Get("Signature") != "s":
		t.Errorf("sent %s %s", got.Method, got.URL)
	case got.Header.Get("Content-Type") != "image/jpeg" || got.Header.Get("x-goog-acl") != "public-read":
		t.Errorf("headers %v", got.Header)
	case got.Header.Get("Authorization") != "":
		t.Error("the bearer token went to the storage")
	case string(body) != "\xff\xd8\xff":
		t.Errorf("body %q", body)
	}
	up.UploadInfo.URL = gcs.URL + "/b/o.jpg?Signature=old"
	if err := c.UploadPhoto(ctx(t), up, []byte("x")); err == nil || !strings.Contains(err.Error(), "400") || !strings.Contains(err.Error(), "ExpiredToken") {
		t.Fatalf("err = %v, want the storage's 400 ExpiredToken", err)
	}
}
