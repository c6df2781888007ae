package check

import (
	"fmt"
	"regexp"
	"strings"
)

// MaskedByHomolog starts a document that homolog's redaction masked in
// the bundle because the target sent it in clear. A document the target
// masked itself ("***093657**") is written as it came, so a check reading
// the bundle can still tell the two apart.
const MaskedByHomolog = "[masked:"

// endToEndPattern is a PIX end-to-end id: "E", the payer's ISPB (8
// digits), a UTC date-time (yyyyMMddHHmm) and 11 alphanumerics: 32 in all
// (BACEN's format, which stone-api.md §5.5 shows).
var endToEndPattern = regexp.MustCompile(`^E\d{8}\d{12}[A-Za-z0-9]{11}$`)

// brcodeStatic: the BR Code read (role "response") is static and names a
// PIX key.
func brcodeStatic(_ Params, in Inputs) error {
	var bc struct {
		Type   string `json:"type"`
		Static *struct {
			Key string `json:"key"`
		} `json:"static"`
	}
	r, err := in.answer("response", &bc)
	if err != nil {
		return err
	}
	if bc.Type != "static" || bc.Static == nil || bc.Static.Key == "" {
		return fmt.Errorf("%s: the BR Code reads as type %q, want a static code naming a key", where(r), bc.Type)
	}
	return nil
}

// endToEndID: the PIX payment (role "response") has an end-to-end id of
// BACEN's form.
func endToEndID(_ Params, in Inputs) error {
	r, err := in.last("response")
	if err != nil {
		return err
	}
	var p struct {
		ID         string `json:"id"`
		EndToEndID string `json:"end_to_end_id"`
	}
	if err := decode(r, &p); err != nil {
		return err
	}
	if !endToEndPattern.MatchString(p.EndToEndID) {
		return fmt.Errorf("%s: PIX payment %s has end_to_end_id %q, want E + ISPB + date-time + 11 characters (32 in all)", where(r), p.ID, p.EndToEndID)
	}
	return nil
}

// documentMasked: the document at param "field" (a dotted path) of the
// response (role "response") is masked the way Stone masks third
// parties' documents ("***093657**", stone-api.md §5.5). A document that
// came in clear is masked in the bundle too, but marked so: it fails here.
func documentMasked(p Params, in Inputs) error {
	var v any
	r, err := in.answer("response", &v)
	if err != nil {
		return err
	}
	field := p["field"]
	for _, k := range strings.Split(field, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			v = nil
			break
		}
		v = m[k]
	}
	doc, _ := v.(string)
	switch {
	case doc == "":
		return fmt.Errorf("%s: the response has no document at %s", where(r), field)
	case strings.HasPrefix(doc, MaskedByHomolog):
		return fmt.Errorf("%s: %s was sent unmasked: Stone masks third parties' documents; homolog masked it in this bundle (%s)", where(r), field, doc)
	case !strings.Contains(doc, "*"):
		return fmt.Errorf("%s: %s is %q, not masked", where(r), field, doc)
	}
	return nil
}

// pixKeyListed: the key listing (role "list") shows PIX key param
// "key_id" as active when param "listed" is "true", or no longer (gone,
// or on its way out) when "false".
func pixKeyListed(p Params, in Inputs) error {
	var page struct {
		Data []struct {
			ID        string `json:"id"`
			KeyStatus string `json:"key_status"`
			Status    string `json:"status"`
		} `json:"data"`
	}
	r, err := in.answer("list", &page)
	if err != nil {
		return err
	}
	id := p["key_id"]
	if id == "" {
		return fmt.Errorf("no PIX key id to look for")
	}
	active := false
	for _, k := range page.Data {
		if k.ID == id && !strings.Contains(strings.ToLower(k.KeyStatus+k.Status), "delet") {
			active = true
		}
	}
	switch want := p["listed"]; {
	case want == "true" && !active:
		return fmt.Errorf("%s: PIX key %s is not listed among the %d keys", where(r), id, len(page.Data))
	case want == "false" && active:
		return fmt.Errorf("%s: PIX key %s is still listed", where(r), id)
	case want != "true" && want != "false":
		return fmt.Errorf("parameter listed is %q, want true or false", want)
	}
	return nil
}
