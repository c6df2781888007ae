package check

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// signUpAccepted: the account-opening request (role "response") was
// answered 202 with an id, and what it sent was {"jwe"}: a compact JWE
// whose protected header (the one part the evidence keeps readable)
// names RSA-OAEP-256 (or RSA-OAEP, §3.6 [X]), A256GCM and the key's kid
// (stone-api-families.md §4.1).
func signUpAccepted(_ Params, in Inputs) error {
	r, err := in.last("response")
	if err != nil {
		return err
	}
	if err := ok2xx(r); err != nil {
		return err
	}
	if r.HTTP.Status != 202 {
		return fmt.Errorf("%s answered %d; an account opening is accepted with 202 (§4.1)", where(r), r.HTTP.Status)
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := decode(r, &out); err != nil {
		return err
	}
	if out.ID == "" {
		return fmt.Errorf("%s: the request was accepted without an id", where(r))
	}
	var sent map[string]json.RawMessage
	if json.Unmarshal(r.HTTP.RequestBody, &sent) != nil || len(sent) != 1 || sent["jwe"] == nil {
		return fmt.Errorf("%s: the request body is not {\"jwe\": …}: the account opening must travel encrypted", where(r))
	}
	var jwe string
	_ = json.Unmarshal(sent["jwe"], &jwe)
	head, _, _ := strings.Cut(jwe, ".")
	raw, err := base64.RawURLEncoding.DecodeString(head)
	var h struct {
		Alg string `json:"alg"`
		Enc string `json:"enc"`
		Kid string `json:"kid"`
	}
	if err != nil || json.Unmarshal(raw, &h) != nil {
		return fmt.Errorf("%s: the jwe has no readable protected header", where(r))
	}
	switch {
	case h.Alg != "RSA-OAEP-256" && h.Alg != "RSA-OAEP":
		return fmt.Errorf("%s: the jwe's alg is %q, want RSA-OAEP-256", where(r), h.Alg)
	case h.Enc != "A256GCM":
		return fmt.Errorf("%s: the jwe's enc is %q, want A256GCM", where(r), h.Enc)
	case h.Kid == "":
		return fmt.Errorf("%s: the jwe names no kid of Stone's enc key", where(r))
	}
	return nil
}
