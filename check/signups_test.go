package check

import (
	"encoding/base64"
	"testing"
)

func TestSignUpAccepted(t *testing.T) {
	head := func(h string) string { return base64.RawURLEncoding.EncodeToString([]byte(h)) }
	jwe := func(h string) string { return `{"jwe":"` + head(h) + `.[jwe].[redacted:0011223344556677]"}` }
	good := `{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"k1"}`
	in := func(req string, status int, resp string) Inputs {
		return Inputs{"response": {rec(1, "POST", "https://api.example/api/v1/applications/application:c/signups", status, req, resp)}}
	}
	runCases(t, []checkCase{
		{name: "documented", check: SignUpAccepted, in: in(jwe(good), 202, `{"id":"s1"}`)},
		{name: "answered 200", check: SignUpAccepted, in: in(jwe(good), 200, `{"id":"s1"}`), fault: "accepted with 202"},
		{name: "no id", check: SignUpAccepted, in: in(jwe(good), 202, `{}`), fault: "without an id"},
		{name: "sent in clear", check: SignUpAccepted, in: in(`{"user":{"document":"[masked:***982247**]"}}`, 202, `{"id":"s1"}`), fault: "must travel encrypted"},
		{name: "RSA1_5", check: SignUpAccepted, in: in(jwe(`{"alg":"RSA1_5","enc":"A256GCM","kid":"k1"}`), 202, `{"id":"s1"}`), fault: `alg is "RSA1_5"`},
		{name: "A128CBC", check: SignUpAccepted, in: in(jwe(`{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"k1"}`), 202, `{"id":"s1"}`), fault: "enc is"},
		{name: "no kid", check: SignUpAccepted, in: in(jwe(`{"alg":"RSA-OAEP-256","enc":"A256GCM"}`), 202, `{"id":"s1"}`), fault: "no kid"},
	})
}
