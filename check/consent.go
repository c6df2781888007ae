package check

import (
	"encoding/json"
	"fmt"
	"net/url"
)

// redirectOf reads the address the consent page sent the owner back to:
// the owner's answer (a person event) or, against the simulator's owner
// control, its JSON answer {"redirect": ...}.
func redirectOf(in Inputs) (Record, url.Values, error) {
	recs := in["redirect"]
	if len(recs) == 0 {
		return Record{}, nil, fmt.Errorf("no consent redirect was recorded")
	}
	r := recs[len(recs)-1]
	var addr string
	switch {
	case r.Person != nil:
		addr = r.Person.Answer
	case r.HTTP != nil:
		var body struct {
			Redirect string `json:"redirect"`
		}
		if err := decode(r, &body); err != nil {
			return r, nil, err
		}
		addr = body.Redirect
	}
	if addr == "" {
		return r, nil, fmt.Errorf("#%d: the owner came back with no address", r.Seq)
	}
	u, err := url.Parse(addr)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return r, nil, fmt.Errorf("#%d: %q is not an address the consent page redirects to", r.Seq, addr)
	}
	return r, u.Query(), nil
}

// consentRedirect: the redirect carries consent_result param "result"
// (stone-api.md §3.3: approved | ignored | already_granted) and, as param
// "resource" says, a resource_id ("present"), none ("absent"), or either
// ("any": §3.3 documents resource_id only for approved, so what a second
// consent carries is not documented).
func consentRedirect(p Params, in Inputs) error {
	r, q, err := redirectOf(in)
	if err != nil {
		return err
	}
	if got, want := q.Get("consent_result"), p["result"]; got != want {
		if got == "" {
			return fmt.Errorf("#%d: the redirect carries no consent_result; want %q", r.Seq, want)
		}
		return fmt.Errorf("#%d: consent_result is %q, want %q", r.Seq, got, want)
	}
	id := q.Get("resource_id")
	switch p["resource"] {
	case "present":
		if id == "" {
			return fmt.Errorf("#%d: the redirect carries no resource_id", r.Seq)
		}
	case "absent":
		if id != "" {
			return fmt.Errorf("#%d: the redirect names resource %q although the owner shared nothing", r.Seq, id)
		}
	case "any":
	default:
		return fmt.Errorf("parameter resource is %q, want present or absent", p["resource"])
	}
	return nil
}

// consentMetadata: every session_metadata value of the consent JWT in the
// link (role "link") comes back on the redirect (stone-api.md §3.3). The
// JWT's claims stay readable in the bundle; only its signature is
// redacted.
func consentMetadata(_ Params, in Inputs) error {
	links := in["link"]
	if len(links) == 0 {
		return fmt.Errorf("no consent link was recorded")
	}
	l := links[len(links)-1]
	var link string
	switch {
	case l.Person != nil:
		link = l.Person.Link
	case l.HTTP != nil:
		var body struct {
			Link string `json:"link"`
		}
		if err := json.Unmarshal(l.HTTP.RequestBody, &body); err != nil {
			return fmt.Errorf("%s: the request carries no consent link: %v", where(l), err)
		}
		link = body.Link
	}
	lu, err := url.Parse(link)
	if err != nil {
		return fmt.Errorf("#%d: the consent link is not a URL: %v", l.Seq, err)
	}
	claims, ok := jwtClaims(lu.Query().Get("jwt"))
	if !ok {
		return fmt.Errorf("#%d: the consent link carries no readable consent JWT", l.Seq)
	}
	var c struct {
		SessionMetadata map[string]any `json:"session_metadata"`
	}
	if err := json.Unmarshal(claims, &c); err != nil {
		return fmt.Errorf("#%d: the consent JWT's claims: %v", l.Seq, err)
	}
	if len(c.SessionMetadata) == 0 {
		return fmt.Errorf("#%d: the consent JWT has no session_metadata (stone-api.md §3.2 wants a non-empty object)", l.Seq)
	}
	r, q, err := redirectOf(in)
	if err != nil {
		return err
	}
	for k, v := range c.SessionMetadata {
		if _, has := q[k]; !has {
			return fmt.Errorf("#%d: session metadata %q did not come back on the redirect", r.Seq, k)
		}
		if got := q.Get(k); got != fmt.Sprint(v) {
			return fmt.Errorf("#%d: session metadata %q came back as %q, sent %q", r.Seq, k, got, fmt.Sprint(v))
		}
	}
	return nil
}

// consentedAccountListed: the account the redirect names (resource_id;
// param "account_id" when the redirect names none, as a second consent
// may not) is among the application's accounts (role "accounts"): the
// consent gave the application's own token access to it (stone-api.md
// §3.4).
func consentedAccountListed(p Params, in Inputs) error {
	rr, q, err := redirectOf(in)
	if err != nil {
		return err
	}
	id := q.Get("resource_id")
	if id == "" {
		id = p["account_id"]
	}
	if id == "" {
		return fmt.Errorf("#%d: the redirect names no consented account", rr.Seq)
	}
	var page accountPage
	r, err := in.answer("accounts", &page)
	if err != nil {
		return err
	}
	for _, a := range page.Data {
		if a.ID == id {
			return nil
		}
	}
	return fmt.Errorf("%s: the consented account %q is not among the %d accounts listed", where(r), id, len(page.Data))
}
