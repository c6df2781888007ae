package stone

import (
	"fmt"
	"net/url"
	"strings"
)

// Endpoints are the three hosts Stone spreads its Open Banking API over
// (stone-api.md §1.1). The simulator serves all three from one host, which is
// why they are configured separately rather than derived from one base URL.
type Endpoints struct {
	AuthURL string // Keycloak host, e.g. https://sandbox-accounts.openbank.stone.com.br
	APIURL  string // e.g. https://sandbox-api.openbank.stone.com.br (paths add /api/v1/...)
	SiteURL string // consent site, e.g. https://sandbox.conta.stone.com.br
}

// apiPrefix is prepended to every API path; Stone versions the whole API at once.
const apiPrefix = "/api/v1"

// SandboxEndpoints returns Stone's sandbox hosts.
func SandboxEndpoints() Endpoints {
	return Endpoints{
		AuthURL: "https://sandbox-accounts.openbank.stone.com.br",
		APIURL:  "https://sandbox-api.openbank.stone.com.br",
		SiteURL: "https://sandbox.conta.stone.com.br",
	}
}

// ProductionEndpoints returns Stone's production hosts.
func ProductionEndpoints() Endpoints {
	return Endpoints{
		AuthURL: "https://accounts.openbank.stone.com.br",
		APIURL:  "https://api.openbank.stone.com.br",
		SiteURL: "https://conta.stone.com.br",
	}
}

// SingleHostEndpoints puts the token endpoint, the API and the consent site
// on one host, the way the embedded simulator serves them.
func SingleHostEndpoints(baseURL string) Endpoints {
	base := trimSlash(baseURL)
	return Endpoints{AuthURL: base, APIURL: base, SiteURL: base}
}

// RealmURL is the Keycloak realm URL; Stone expects it as the client
// assertion's aud.
func (e Endpoints) RealmURL() string {
	return trimSlash(e.AuthURL) + "/auth/realms/" + Realm
}

// TokenURL is the OpenID Connect token endpoint of the realm.
func (e Endpoints) TokenURL() string {
	return e.RealmURL() + "/protocol/openid-connect/token"
}

// normalized strips trailing slashes so that paths can be appended with a
// plain concatenation without producing "//api/v1".
func (e Endpoints) normalized() Endpoints {
	return Endpoints{AuthURL: trimSlash(e.AuthURL), APIURL: trimSlash(e.APIURL), SiteURL: trimSlash(e.SiteURL)}
}

// validate reports the first endpoint that is not an absolute http(s) URL,
// naming the field so a misconfigured scenarios.yaml is easy to fix.
func (e Endpoints) validate() error {
	for _, f := range []struct{ name, value string }{
		{"Endpoints.AuthURL", e.AuthURL},
		{"Endpoints.APIURL", e.APIURL},
		{"Endpoints.SiteURL", e.SiteURL},
	} {
		if err := checkBaseURL(f.value); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

func checkBaseURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("must be an absolute http(s) URL, got %q", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("has no host: %q", raw)
	}
	// Paths are appended by concatenation; a query or fragment would end up
	// in the middle of every request URL.
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must not have a query or fragment: %q", raw)
	}
	return nil
}

func trimSlash(s string) string { return strings.TrimRight(s, "/") }
