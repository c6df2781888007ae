package check

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// tokenPath ends every Keycloak token endpoint (stone-api.md §1.1).
const tokenPath = "/protocol/openid-connect/token"

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// tokenIssued: the token response (role "token") is a bearer token valid
// for param "seconds" (stone-api.md §1.4: expires_in 900), and the token's
// own claims agree (exp - iat). The claims stay readable in the bundle:
// only the signature is redacted.
func tokenIssued(p Params, in Inputs) error {
	want, err := p.Int("seconds")
	if err != nil {
		return err
	}
	r, err := in.last("token")
	if err != nil {
		return err
	}
	if err := ok2xx(r); err != nil {
		return fmt.Errorf("no token: %w", err)
	}
	var tok tokenResponse
	if err := decode(r, &tok); err != nil {
		return err
	}
	if !strings.EqualFold(tok.TokenType, "bearer") {
		return fmt.Errorf("%s: token_type is %q, want bearer", where(r), tok.TokenType)
	}
	if tok.AccessToken == "" {
		return fmt.Errorf("%s: the response carries no access_token", where(r))
	}
	if tok.ExpiresIn != want {
		return fmt.Errorf("%s: expires_in is %d seconds, want %d: the token is not valid for %d s", where(r), tok.ExpiresIn, want, want)
	}
	if claims, ok := jwtClaims(tok.AccessToken); ok {
		var c struct {
			Exp *int64 `json:"exp"`
			Iat *int64 `json:"iat"`
		}
		if json.Unmarshal(claims, &c) == nil && c.Exp != nil && c.Iat != nil && *c.Exp-*c.Iat != want {
			return fmt.Errorf("%s: expires_in says %d s but the token's own claims say exp - iat = %d s", where(r), want, *c.Exp-*c.Iat)
		}
	}
	return nil
}

// tokenReused: every API call of role "calls" carries the access token of
// role "token", and none of them is a new token request: the token is
// reused for its lifetime (stone-api.md §1.4, "Não solicite um token por
// chamada!"). Redaction keeps equal tokens equal (same fingerprint).
func tokenReused(_ Params, in Inputs) error {
	r, err := in.last("token")
	if err != nil {
		return err
	}
	var tok tokenResponse
	if err := decode(r, &tok); err != nil {
		return err
	}
	var calls []Record
	for _, c := range in["calls"] {
		if c.HTTP != nil {
			calls = append(calls, c)
		}
	}
	if len(calls) == 0 {
		return fmt.Errorf("no API call was recorded after the token of %s", where(r))
	}
	for _, c := range calls {
		if isTokenRequest(c) {
			return fmt.Errorf("%s: a new access token was requested although the one issued at #%d was still valid", where(c), r.Seq)
		}
		got := header(c.HTTP.RequestHeaders, "Authorization")
		if got != "Bearer "+tok.AccessToken && got != "bearer "+tok.AccessToken {
			return fmt.Errorf("%s was not sent with the access token issued at #%d", where(c), r.Seq)
		}
	}
	return nil
}

func isTokenRequest(r Record) bool {
	if r.HTTP == nil {
		return false
	}
	u, err := url.Parse(r.HTTP.URL)
	return err == nil && strings.HasSuffix(u.Path, tokenPath)
}

// header returns the first value of a header, whatever the case of its
// name in the record.
func header(h map[string][]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// jwtClaims decodes the claims of a compact JWS.
func jwtClaims(tok string) ([]byte, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || !json.Valid(b) {
		return nil, false
	}
	return b, true
}
