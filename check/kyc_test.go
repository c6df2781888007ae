package check

import "testing"

func kycJSON(status string, mut func(checks []map[string]any)) string {
	checks := []map[string]any{
		{"id": "c1", "field_type": "birthdate", "status": status, "context": nil},
		{"id": "c2", "field_type": "total_income_range", "status": status, "context": map[string]any{"income_ranges": []any{map[string]any{"formatted": "Até R$ 5.000,00"}}}},
	}
	if mut != nil {
		mut(checks)
	}
	return js(map[string]any{"id": "k1", "status": status, "checks": checks})
}

func TestKYCChecks(t *testing.T) {
	read := func(body string) Inputs {
		return Inputs{"response": {get(1, "https://api.example/api/v1/users/u1/kyc/request", 200, body)}}
	}
	answer := func(req, body string) Inputs {
		return Inputs{"response": {rec(1, "POST", "https://api.example/api/v1/users/u1/kyc/answer", 200, req, body)}}
	}
	const both = `{"answers":[{"check_id":"c1","value":"2000-10-10"},{"check_id":"c2","value":{"upper_bounds":500000}}]}`
	storage := func(seq int64, url, ct string) Record {
		return rec(seq, "POST", "https://api.example/api/v1/storage/p.jpg", 200, "", js(map[string]any{"public_url": "https://gcs.example/b/p.jpg",
			"upload_info": map[string]any{"url": url, "headers": map[string]any{"content-type": ct, "x-goog-acl": "public-read"}}}))
	}
	put := func(seq int64, url string, status int) Record {
		return Record{Seq: seq, Kind: KindHTTP, HTTP: &HTTP{Method: "PUT", URL: url, Status: status, ResponseBody: []byte("<Error><Code>ExpiredToken</Code></Error>")}}
	}
	signed := "https://gcs.example/b/p.jpg?Expires=1&Signature=[redacted:0011223344556677]"
	requested := Params{"status": "requested"}
	runCases(t, []checkCase{
		{name: "requested", check: KYCRequested, params: requested, in: read(kycJSON("requested", nil))},
		{name: "no checks", check: KYCRequested, params: requested, in: read(`{"id":"k1","status":"requested","checks":[]}`), fault: "has no checks"},
		{name: "an unknown status", check: KYCRequested, params: requested, in: read(kycJSON("requested", func(c []map[string]any) { c[0]["status"] = "pending" })), fault: `status "pending", not one of`},
		{name: "a check already answered", check: KYCRequested, params: requested, in: read(kycJSON("requested", func(c []map[string]any) { c[0]["status"] = "answered" })), fault: `is "answered", want "requested"`},
		{name: "no income ranges", check: KYCRequested, params: requested, in: read(kycJSON("requested", func(c []map[string]any) { c[1]["context"] = nil })), fault: "offers no income_ranges"},

		{name: "uploaded", check: KYCPhotosUploaded, in: Inputs{"storage": {storage(1, signed, "image/jpeg")}, "upload": {put(2, signed, 200)}}},
		{name: "never uploaded", check: KYCPhotosUploaded, in: Inputs{"storage": {storage(1, signed, "image/jpeg")}}, fault: "never uploaded"},
		{name: "refused by the storage", check: KYCPhotosUploaded, in: Inputs{"storage": {storage(1, signed, "image/jpeg")}, "upload": {put(2, signed, 400)}}, fault: "answered 400"},
		{name: "uploaded elsewhere", check: KYCPhotosUploaded, in: Inputs{"storage": {storage(1, signed, "image/jpeg")}, "upload": {put(2, "https://other.example/b/p.jpg", 200)}}, fault: "not a PUT to a URL the storage answered"},
		{name: "signed for another type", check: KYCPhotosUploaded, in: Inputs{"storage": {storage(1, signed, "image/png")}, "upload": {put(2, signed, 200)}}, fault: "do not name content-type image/jpeg"},
		{name: "a relative upload URL", check: KYCPhotosUploaded, in: Inputs{"storage": {storage(1, "/b/p.jpg", "image/jpeg")}}, fault: "not an absolute URL"},

		{name: "answered", check: KYCAnswered, in: answer(both, kycJSON("answered", nil))},
		{name: "a check left out", check: KYCAnswered, in: answer(`{"answers":[{"check_id":"c1","value":"2000-10-10"}]}`, kycJSON("answered", nil)), fault: "c2 (total_income_range) was not answered"},
		{name: "still requested", check: KYCAnswered, in: answer(both, kycJSON("requested", nil)), fault: `is "requested" after its answer`},
		{name: "the request not closed", check: KYCAnswered, in: answer(both, `{"id":"k1","status":"requested","checks":[{"id":"c1","field_type":"birthdate","status":"answered"}]}`), fault: `k1 is "requested" with every check answered`},
	})
}
