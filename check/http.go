package check

import (
	"encoding/json"
	"fmt"
)

// refused: the last exchange of role "response" was refused with status
// (param "status") and, when param "type" is given, that srn:error type.
func refused(p Params, in Inputs) error {
	want, err := p.Int("status")
	if err != nil {
		return err
	}
	r, err := in.last("response")
	if err != nil {
		return err
	}
	h := r.HTTP
	wantType := p["type"]
	wantText := fmt.Sprint(want)
	if wantType != "" {
		wantText += " " + wantType
	}
	if h.Status == 0 {
		return fmt.Errorf("%s got no response (%s); want it refused with %s", where(r), h.Error, wantText)
	}
	if h.Status/100 == 2 {
		return fmt.Errorf("%s was accepted with %d; want it refused with %s", where(r), h.Status, wantText)
	}
	var body struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(h.ResponseBody, &body)
	got := fmt.Sprint(h.Status)
	if body.Type != "" {
		got += " " + body.Type
	}
	if int64(h.Status) != want || (wantType != "" && body.Type != wantType) {
		return fmt.Errorf("%s was refused with %s (x-request-id %s); want %s", where(r), got, requestID(r), wantText)
	}
	return nil
}

// succeeded: every call of role "response" ended in a 2xx (the last
// attempt of each; earlier attempts may have been retried).
func succeeded(_ Params, in Inputs) error {
	r, err := in.last("response")
	if err != nil {
		return err
	}
	return ok2xx(r)
}

func requestID(r Record) string {
	if r.HTTP == nil {
		return ""
	}
	for k, v := range r.HTTP.ResponseHeaders {
		if len(v) > 0 && (k == "X-Request-Id" || k == "x-request-id") {
			return v[0]
		}
	}
	return "none"
}
