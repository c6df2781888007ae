package check

import "testing"

const topURL = "https://api.example/api/v1/topups/games"

func topRec(seq int64, status int, req, resp string, hdr ...string) Record {
	r := rec(seq, "POST", topURL, status, req, resp)
	r.HTTP.RequestHeaders = map[string][]string{"X-Stone-Idempotency-Key": {"k1"}}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.HTTP.RequestHeaders[hdr[i]] = []string{hdr[i+1]}
	}
	return r
}

func TestTopUpChecks(t *testing.T) {
	const req = `{"account_id":"acc","amount":3000,"provider_id":"2147"}`
	challenge := topRec(1, 403, req, `{"id":0,"type":"srn:error:challenge_required","challenge":{"id":"c1","required_types":["pin"]}}`)
	keys := get(2, "https://api.example/api/v1/discovery/keys", 200, `{"keys":[]}`)
	done := func(resp string, hdr ...string) Record {
		if len(hdr) == 0 {
			hdr = []string{"X-Stone-Challenge-Solution", "[redacted:abc]"}
		}
		return topRec(3, 200, req, resp, hdr...)
	}
	okBody := `{"id":"t1","receipt":"STONE\nRECARGA","transaction_id":"x1","pin":"AB12"}`
	flow := func(last Record) Inputs { return Inputs{"response": {challenge, keys, last}} }
	dry := func(reqBody, resp string, status int) Inputs {
		return Inputs{"response": {rec(1, "POST", "https://api.example/api/v1/topups/tv/dry-run", status, reqBody, resp)}}
	}
	prov := func(body string) Inputs {
		return Inputs{"response": {get(1, "https://api.example/api/v1/topups/games/providers", 200, body)}}
	}
	runCases(t, []checkCase{
		{name: "listed", check: TopUpProviders, in: prov(`{"providers":[{"name":"PSN Store","id":2147}]}`)},
		{name: "mobile shape", check: TopUpProviders, in: prov(`{"possible_provider":{"name":"Vivo","id":2088},"other_providers":[{"name":"Tim","id":2086}]}`)},
		{name: "ids as text", check: TopUpProviders, in: prov(`{"providers":[{"name":"PSN Store","id":"2147"}]}`), fault: "numeric id"},
		{name: "none", check: TopUpProviders, in: prov(`{"providers":[]}`), fault: "no provider"},

		{name: "echoed", check: TopUpDryRun, in: dry(req, req, 202)},
		{name: "tv plan value for 0", check: TopUpDryRun, in: dry(`{"account_id":"acc","amount":0,"provider_id":"2126"}`, `{"account_id":"acc","amount":10900,"provider_id":"2126"}`, 202)},
		{name: "answered 200", check: TopUpDryRun, in: dry(req, req, 200), fault: "answers 202"},
		{name: "another amount", check: TopUpDryRun, in: dry(req, `{"account_id":"acc","amount":300,"provider_id":"2147"}`, 202), fault: "echoes 300 centavos"},
		{name: "another provider", check: TopUpDryRun, in: dry(req, `{"account_id":"acc","amount":3000,"provider_id":"2148"}`, 202), fault: "echoes provider"},

		{name: "challenged then solved", check: TopUpChallenged, in: flow(done(okBody))},
		{name: "executed without a PIN", check: TopUpChallenged, in: Inputs{"response": {done(okBody)}}, fault: "want 403 srn:error:challenge_required"},
		{name: "challenge without id", check: TopUpChallenged, in: Inputs{"response": {topRec(1, 403, req, `{"type":"srn:error:challenge_required","challenge":{"required_types":["pin"]}}`), done(okBody)}}, fault: "no id"},
		{name: "asks for totp", check: TopUpChallenged, in: Inputs{"response": {topRec(1, 403, req, `{"type":"srn:error:challenge_required","challenge":{"id":1,"required_types":["totp"]}}`), done(okBody)}}, fault: "not the pin"},
		{name: "resent without the solution", check: TopUpChallenged, in: flow(done(okBody, "X-Other", "x")), fault: "without x-stone-challenge-solution"},
		{name: "resent under another key", check: TopUpChallenged, in: flow(done(okBody, "X-Stone-Challenge-Solution", "s", "X-Stone-Idempotency-Key", "k2")), fault: "another idempotency key"},

		{name: "with a pin", check: TopUpExecuted, params: Params{"pin": "present"}, in: flow(done(okBody))},
		{name: "no receipt", check: TopUpExecuted, params: Params{"pin": "present"}, in: flow(done(`{"id":"t1","receipt":"","transaction_id":"x1","pin":"AB"}`)), fault: "no receipt"},
		{name: "game without pin", check: TopUpExecuted, params: Params{"pin": "present"}, in: flow(done(`{"id":"t1","receipt":"R","transaction_id":"x1"}`)), fault: "no pin code"},
		{name: "mobile with pin", check: TopUpExecuted, params: Params{"pin": "absent"}, in: flow(done(okBody)), fault: "a mobile top-up has none"},
		{name: "still refused", check: TopUpExecuted, params: Params{"pin": "present"}, in: Inputs{"response": {challenge}}, fault: "403 srn:error:challenge_required"},
	})
}
