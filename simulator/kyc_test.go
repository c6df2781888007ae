package simulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// kycUser opens an account for a person and returns its user_id.
func (e *env) kycUser() string {
	e.t.Helper()
	id := e.signUp(docsSignUp)
	return e.call(http.MethodGet, "/api/v1/applications/"+e.clientID+"/signups/"+id, "", 200).str("user_id")
}

// photo asks where a photo goes, puts it there and returns its public URL.
func (e *env) photo(name string) string {
	e.t.Helper()
	up := e.call(http.MethodPost, "/api/v1/storage/"+name, "", 200, "Content-Type", "image/jpeg")
	info := up.sub("upload_info")
	if h := info.sub("headers"); h.str("content-type") != "image/jpeg" || h.str("x-goog-acl") != "public-read" {
		e.t.Fatalf("upload headers = %v", h)
	}
	rec := e.put(info.str("url"), "image/jpeg", "\xff\xd8\xff\xe0 a photo")
	wantStatus(e.t, rec, 200)
	return up.str("public_url")
}

// put sends a photo to an absolute upload URL of the simulator.
func (e *env) put(raw, contentType, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host != testHost {
		e.t.Fatalf("upload URL %q is not on the simulator's host", raw)
	}
	return e.do(http.MethodPut, u.RequestURI(), strings.NewReader(body), map[string]string{"Content-Type": contentType, "x-goog-acl": "public-read"})
}

func kycAnswers(q obj, photo, selfie string) string {
	values := map[string]string{
		"birthdate":          `"2000-10-10"`,
		"phone_number":       `"21971697123"`,
		"address":            `{"street":"Rua Buarque de Macedo","city":"Rio de Janeiro","country":"Brasil","extra":"","postal_code":"22220030","street_number":"38","neighborhood":"Flamengo","state":"RJ","reference_point":""}`,
		"document_photo":     `{"type":"CNH","front":"` + photo + `","back":"` + photo + `"}`,
		"document_selfies":   `["` + selfie + `"]`,
		"total_income_range": `{"upper_bounds":500000}`,
	}
	var out []string
	for _, c := range q["checks"].([]any) {
		ch := c.(map[string]any)
		out = append(out, `{"check_id":"`+ch["id"].(string)+`","value":`+values[ch["field_type"].(string)]+`}`)
	}
	return `{"answers":[` + strings.Join(out, ",") + `]}`
}

func TestKYCFlow(t *testing.T) {
	e := newEnv(t)
	user := e.kycUser()
	q := e.call(http.MethodGet, "/api/v1/users/"+user+"/kyc/request", "", 200)
	checks := q["checks"].([]any)
	if q.str("status") != "requested" || q.str("user_id") != user || len(checks) != 6 {
		t.Fatalf("request = %v", q)
	}
	for _, c := range checks {
		ch := obj(c.(map[string]any))
		if ch.str("status") != "requested" || (ch.str("field_type") == "total_income_range") == ch.isNull("context") {
			t.Errorf("check = %v", ch)
		}
	}

	front := e.photo("doc_cnh_front.jpg")
	selfie := e.photo("selfie.jpg")
	if !strings.HasPrefix(front, "http://"+testHost+"/gcs/") {
		t.Fatalf("public_url = %s", front)
	}
	u, _ := url.Parse(front)
	if rec := e.do(http.MethodGet, u.Path, nil, nil); rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "\xff\xd8\xff") {
		t.Fatalf("the public photo: %d %q", rec.Code, rec.Body.String())
	}

	// One answer first: the request stays requested.
	partial := `{"answers":[{"check_id":"` + checks[0].(map[string]any)["id"].(string) + `","value":"2000-10-10"}]}`
	if got := e.call(http.MethodPost, "/api/v1/users/"+user+"/kyc/answer", partial, 200); got.str("status") != "requested" {
		t.Fatalf("after one answer = %v", got)
	}
	done := e.call(http.MethodPost, "/api/v1/users/"+user+"/kyc/answer", kycAnswers(q, front, selfie), 200)
	if done.str("status") != "answered" {
		t.Fatalf("answered = %v", done)
	}
	for _, c := range done["checks"].([]any) {
		if c.(map[string]any)["status"] != "answered" {
			t.Errorf("check = %v", c)
		}
	}
	// The account opening notes it, and notifies it (§4.3).
	var found bool
	for _, n := range e.simWebhooks(e.clientID) {
		var p struct {
			TargetData struct {
				UpdateReason string `json:"update_reason"`
			} `json:"target_data"`
		}
		_ = json.Unmarshal(n.Data, &p)
		found = found || p.TargetData.UpdateReason == "user_input_assessment_status_updated"
	}
	if !found {
		t.Error("no sign_up_resource_details_updated with update_reason user_input_assessment_status_updated")
	}
}

func TestKYCRefusals(t *testing.T) {
	e := newEnv(t)
	user := e.kycUser()
	q := e.call(http.MethodGet, "/api/v1/users/"+user+"/kyc/request", "", 200)
	wantError(t, e.api(http.MethodGet, "/api/v1/users/nobody/kyc/request", ""), 404, "not_found")
	other := e.second()
	wantError(t, other.api(http.MethodGet, "/api/v1/users/"+user+"/kyc/request", ""), 403, "unauthorized")

	// Storage: a .jpg, as image/jpeg.
	wantError(t, e.api(http.MethodPost, "/api/v1/storage/photo.png", "", "Content-Type", "image/jpeg"), 400, "validation")
	wantError(t, e.api(http.MethodPost, "/api/v1/storage/photo.jpg", ""), 400, "validation")
	up := e.call(http.MethodPost, "/api/v1/storage/late.jpg", "", 200, "Content-Type", "image/jpeg").sub("upload_info").str("url")
	forged := strings.Replace(up, "Signature=", "Signature=x", 1)
	if rec := e.put(forged, "image/jpeg", "x"); rec.Code != 403 || !strings.Contains(rec.Body.String(), "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("forged: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.put(up, "image/png", "x"); rec.Code != 403 {
		t.Fatalf("another content type: %d", rec.Code)
	}
	e.clock.Advance(time.Hour + time.Second)
	if rec := e.put(up, "image/jpeg", "x"); rec.Code != 400 || !strings.Contains(rec.Body.String(), "<Code>ExpiredToken</Code>") {
		t.Fatalf("expired: %d %s, want the page's 400 ExpiredToken", rec.Code, rec.Body.String())
	}
	u, _ := url.Parse(up)
	if rec := e.do(http.MethodGet, u.Path, nil, nil); rec.Code != 404 {
		t.Fatalf("a photo never uploaded: %d", rec.Code)
	}

	// Answers, each by its field_type.
	checks := map[string]string{}
	for _, c := range q["checks"].([]any) {
		ch := c.(map[string]any)
		checks[ch["field_type"].(string)] = ch["id"].(string)
	}
	for _, tc := range []struct{ name, answer, path string }{
		{"a birthdate in words", `{"check_id":"` + checks["birthdate"] + `","value":"ontem"}`, `["answers","0","value"]`},
		{"a phone with letters", `{"check_id":"` + checks["phone_number"] + `","value":"21-abc"}`, `["answers","0","value"]`},
		{"an address without a city", `{"check_id":"` + checks["address"] + `","value":{"street":"R","street_number":"1","neighborhood":"N","state":"RJ","country":"Brasil","postal_code":"22220030"}}`, `["answers","0","value","city"]`},
		{"a photo from elsewhere", `{"check_id":"` + checks["document_photo"] + `","value":{"type":"CNH","front":"https://example.com/a.jpg","back":"https://example.com/b.jpg"}}`, `["answers","0","value","front"]`},
		{"no selfie", `{"check_id":"` + checks["document_selfies"] + `","value":[]}`, `["answers","0","value"]`},
		{"an income range not offered", `{"check_id":"` + checks["total_income_range"] + `","value":{"upper_bounds":123}}`, `["answers","0","value","upper_bounds"]`},
		{"another request's check", `{"check_id":"nope","value":"x"}`, `["answers","0","check_id"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			er := wantError(t, e.api(http.MethodPost, "/api/v1/users/"+user+"/kyc/answer", `{"answers":[`+tc.answer+`]}`), 400, "validation")
			if !strings.Contains(string(er.Reason), tc.path) {
				t.Fatalf("reason %s does not name %s", er.Reason, tc.path)
			}
		})
	}
	if got := e.call(http.MethodGet, "/api/v1/users/"+user+"/kyc/request", "", 200); got.str("status") != "requested" {
		t.Fatalf("refused answers changed the request: %v", got)
	}
	wantError(t, e.api(http.MethodPost, "/api/v1/users/"+user+"/kyc/answer", `{"answers":[]}`), 400, "validation")
}
