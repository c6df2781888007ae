package simulator

import (
	"crypto/x509"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// consentClaims follow Stone's documented consent JWT (§3.2).
func (e *env) consentClaims() jwt.MapClaims {
	now := e.clock.Now().Unix()
	e.jtiSeq++
	return jwt.MapClaims{
		"type": "consent", "client_id": testClientID, "iss": testClientID,
		"redirect_uri":     defaultRedirectURI,
		"session_metadata": map[string]any{"user_session": "sess-42", "n": 3, "tags": []string{"a"}},
		"iat":              now, "nbf": now, "exp": now + 900, "jti": "consent-" + itoa(int64(e.jtiSeq)),
		"aud": "accounts-hubid@openbank.stone.com.br",
	}
}

func consentLink(clientID, token string) string {
	return "/consentimento?" + url.Values{"client_id": {clientID}, "jwt": {token}}.Encode()
}

// consent acts as the account owner through the /_sim/ control.
func (e *env) consent(decision string) consentOutcome {
	e.t.Helper()
	link := "https://sandbox.conta.stone.com.br" + consentLink(testClientID, sign(e.t, e.key, e.consentClaims()))
	rec := e.do(http.MethodPost, "/_sim/owner/consent", strings.NewReader(mustJSON(e.t, map[string]string{"link": link, "decision": decision})), nil)
	wantStatus(e.t, rec, http.StatusOK)
	return decode[consentOutcome](e.t, rec)
}

func TestConsentPageRenders(t *testing.T) {
	e := newEnv(t)
	token := sign(t, e.key, e.consentClaims())
	for _, link := range []string{consentLink(testClientID, token), consentLink(testClientID, token) + "&type=consent"} {
		rec := e.do(http.MethodGet, link, nil, nil)
		wantStatus(t, rec, http.StatusOK)
		body := rec.Body.String()
		for _, want := range []string{"text/html"} {
			if !strings.Contains(rec.Header().Get("Content-Type"), want) {
				t.Fatalf("Content-Type = %q", rec.Header().Get("Content-Type"))
			}
		}
		for _, want := range []string{
			testClientID, "Maria Aparecida Souza", defaultRedirectURI, `action="/consentimento"`,
			`name="decision" value="approve"`, `name="decision" value="ignore"`, `name="jwt" value="` + token + `"`,
		} {
			if !strings.Contains(body, want) {
				t.Fatalf("consent page lacks %q:\n%s", want, body)
			}
		}
	}
}

func TestConsentLinkInvalid(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(e *env, c jwt.MapClaims)
		link   func(e *env, token string) string
		signer func(e *env, c jwt.MapClaims) string
		want   string
	}{
		{name: "redirect_uri not registered", want: "redirect_uri",
			edit: func(_ *env, c jwt.MapClaims) { c["redirect_uri"] = "https://evil.example/cb" }},
		{name: "empty session_metadata", want: "session_metadata",
			edit: func(_ *env, c jwt.MapClaims) { c["session_metadata"] = map[string]any{} }},
		{name: "session_metadata not an object", want: "session_metadata",
			edit: func(_ *env, c jwt.MapClaims) { c["session_metadata"] = "sess" }},
		{name: "expired", want: "exp",
			edit: func(e *env, c jwt.MapClaims) { c["exp"] = e.clock.Now().Add(-time.Minute).Unix() }},
		{name: "valid for more than 2h", want: "more than 2h0m0s",
			edit: func(e *env, c jwt.MapClaims) { c["exp"] = e.clock.Now().Add(3 * time.Hour).Unix() }},
		{name: "wrong aud", want: "aud",
			edit: func(_ *env, c jwt.MapClaims) { c["aud"] = testRealm }},
		{name: "type is not consent", want: `"type"`,
			edit: func(_ *env, c jwt.MapClaims) { c["type"] = "login" }},
		{name: "client_id claim differs from the link", want: `"client_id"`,
			edit: func(_ *env, c jwt.MapClaims) { c["client_id"] = "other" }},
		{name: "missing jti", want: "jti",
			edit: func(_ *env, c jwt.MapClaims) { delete(c, "jti") }},
		{name: "signed by another key", want: "signature",
			signer: func(e *env, c jwt.MapClaims) string { return sign(e.t, testKeys(e.t)[2], c) }},
		{name: "alg HS256", want: `alg "HS256"`,
			signer: func(e *env, c jwt.MapClaims) string {
				der, _ := x509.MarshalPKIXPublicKey(&e.key.PublicKey)
				s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(der)
				return s
			}},
		{name: "unknown client", want: "unknown client_id",
			link: func(_ *env, token string) string { return consentLink("nobody", token) }},
		{name: "no jwt", want: "no jwt parameter",
			link: func(*env, string) string { return "/consentimento?client_id=" + testClientID }},
		{name: "wrong type parameter", want: "parameter type",
			link: func(_ *env, token string) string { return consentLink(testClientID, token) + "&type=login" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.consentClaims()
			if tt.edit != nil {
				tt.edit(e, c)
			}
			token := sign(t, e.key, c)
			if tt.signer != nil {
				token = tt.signer(e, c)
			}
			link := consentLink(testClientID, token)
			if tt.link != nil {
				link = tt.link(e, token)
			}
			rec := e.do(http.MethodGet, link, nil, nil)
			wantStatus(t, rec, http.StatusBadRequest)
			page := html.UnescapeString(rec.Body.String())
			if !strings.Contains(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(page, tt.want) {
				t.Fatalf("error page lacks %q (Content-Type %q):\n%s", tt.want, rec.Header().Get("Content-Type"), rec.Body.String())
			}
			// The owner control refuses the same link, in JSON.
			full := "http://" + testHost + link
			rec = e.do(http.MethodPost, "/_sim/owner/consent", strings.NewReader(mustJSON(t, map[string]string{"link": full, "decision": "approve"})), nil)
			if reason := badRequestDetail(t, wantError(t, rec, http.StatusBadRequest, "bad_request")).Error; !strings.Contains(reason, tt.want) {
				t.Fatalf("owner control reason %q lacks %q", reason, tt.want)
			}
			// And nothing was shared.
			wantError(t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.ThirdPartyAccountID, ""), http.StatusForbidden, "unauthorized")
		})
	}
}

func postConsentForm(e *env, token, decision string) *url.URL {
	e.t.Helper()
	form := url.Values{"client_id": {testClientID}, "jwt": {token}, "decision": {decision}}
	rec := e.do(http.MethodPost, "/consentimento", strings.NewReader(form.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	wantStatus(e.t, rec, http.StatusFound)
	u, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		e.t.Fatalf("Location: %v", err)
	}
	return u
}

func TestConsentFormDecisions(t *testing.T) {
	e := newEnv(t)
	wantError(t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.ThirdPartyAccountID, ""), http.StatusForbidden, "unauthorized")

	ignored := postConsentForm(e, sign(t, e.key, e.consentClaims()), "ignore")
	if q := ignored.Query(); q.Get("consent_result") != "ignored" || q.Has("resource_id") || q.Get("user_session") != "sess-42" {
		t.Fatalf("ignore redirect = %s", ignored)
	}
	wantError(t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.ThirdPartyAccountID, ""), http.StatusForbidden, "unauthorized")

	approved := postConsentForm(e, sign(t, e.key, e.consentClaims()), "approve")
	if approved.Scheme+"://"+approved.Host+approved.Path != defaultRedirectURI {
		t.Fatalf("redirected to %s, want %s", approved, defaultRedirectURI)
	}
	want := url.Values{
		"consent_result": {"approved"}, "resource_id": {e.fx.ThirdPartyAccountID},
		"user_session": {"sess-42"}, "n": {"3"}, "tags": {`["a"]`},
	}
	if got := approved.Query(); got.Encode() != want.Encode() {
		t.Fatalf("approve redirect query = %s, want %s", got.Encode(), want.Encode())
	}
	wantStatus(t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.ThirdPartyAccountID, ""), http.StatusOK)

	again := postConsentForm(e, sign(t, e.key, e.consentClaims()), "approve")
	if q := again.Query(); q.Get("consent_result") != "already_granted" || q.Get("resource_id") != e.fx.ThirdPartyAccountID {
		t.Fatalf("second approve redirect = %s", again)
	}
	rec := e.do(http.MethodPost, "/consentimento", strings.NewReader(url.Values{
		"client_id": {testClientID}, "jwt": {sign(t, e.key, e.consentClaims())}, "decision": {"maybe"},
	}.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	wantStatus(t, rec, http.StatusBadRequest)
}

func TestOwnerConsentControl(t *testing.T) {
	e := newEnv(t)
	out := e.consent("ignore")
	if out.ConsentResult != "ignored" || out.ResourceID != "" || !strings.Contains(out.Redirect, "consent_result=ignored") {
		t.Fatalf("ignore = %+v", out)
	}
	out = e.consent("approve")
	if out.ConsentResult != "approved" || out.ResourceID != e.fx.ThirdPartyAccountID ||
		!strings.HasPrefix(out.Redirect, defaultRedirectURI+"?") || !strings.Contains(out.Redirect, "user_session=sess-42") {
		t.Fatalf("approve = %+v", out)
	}
	if out = e.consent("approve"); out.ConsentResult != "already_granted" || out.ResourceID != e.fx.ThirdPartyAccountID {
		t.Fatalf("approve again = %+v", out)
	}
	// The abc_web audience and the legacy fragment link are accepted too.
	c := e.consentClaims()
	c["aud"] = "abc_web@openbank.stone.com.br"
	legacy := "https://sandbox-accounts.openbank.stone.com.br/#/consent?type=consent&" +
		url.Values{"client_id": {testClientID}, "jwt": {sign(t, e.key, c)}}.Encode()
	rec := e.do(http.MethodPost, "/_sim/owner/consent", strings.NewReader(mustJSON(t, map[string]string{"link": legacy, "decision": "approve"})), nil)
	wantStatus(t, rec, http.StatusOK)

	for body, typ := range map[string]string{
		`{"link":"","decision":"approve"}`: "validation",
		`{"link":"x","decision":"yes"}`:    "validation",
		`not json`:                         "bad_request",
	} {
		wantError(t, e.do(http.MethodPost, "/_sim/owner/consent", strings.NewReader(body), nil), http.StatusBadRequest, typ)
	}
}
