package check

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
)

// KYC (stone-api-families.md §5.4).

type kycT struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Checks *[]struct {
		ID        string `json:"id"`
		FieldType string `json:"field_type"`
		Status    string `json:"status"`
		Context   *struct {
			IncomeRanges []json.RawMessage `json:"income_ranges"`
		} `json:"context"`
	} `json:"checks"`
}

// assessmentStatuses are §4.2's *_input_assessment_status values.
func assessmentStatuses() []string {
	return []string{"requested", "answered", "approved", "partially_rejected", "rejected", "canceled", "undone"}
}

func (k kycT) valid(r Record) error {
	switch {
	case k.ID == "":
		return fmt.Errorf("%s: the KYC request has no id", where(r))
	case k.Checks == nil || len(*k.Checks) == 0:
		return fmt.Errorf("%s: KYC request %s has no checks", where(r), k.ID)
	}
	for _, c := range *k.Checks {
		switch {
		case c.ID == "" || c.FieldType == "":
			return fmt.Errorf("%s: KYC request %s has a check without an id or a field_type", where(r), k.ID)
		case !slices.Contains(assessmentStatuses(), c.Status):
			return fmt.Errorf("%s: check %s (%s) has status %q, not one of §4.2's", where(r), c.ID, c.FieldType, c.Status)
		case c.FieldType == "total_income_range" && (c.Context == nil || len(c.Context.IncomeRanges) == 0):
			return fmt.Errorf("%s: check %s (total_income_range) offers no income_ranges to choose from", where(r), c.ID)
		}
	}
	return nil
}

// kycRequested: the user's KYC request (role "response") has status
// param "status", checks with ids and field types, every one of them of
// that status, and its income check offers the ranges to answer with.
func kycRequested(p Params, in Inputs) error {
	var k kycT
	r, err := in.answer("response", &k)
	if err != nil {
		return err
	}
	if err := k.valid(r); err != nil {
		return err
	}
	if k.Status != p["status"] {
		return fmt.Errorf("%s: KYC request %s has status %q, want %q", where(r), k.ID, k.Status, p["status"])
	}
	for _, c := range *k.Checks {
		if c.Status != p["status"] {
			return fmt.Errorf("%s: check %s (%s) is %q, want %q", where(r), c.ID, c.FieldType, c.Status, p["status"])
		}
	}
	return nil
}

// kycPhotosUploaded: each storage answer (role "storage") gives a public
// URL and a URL to upload to, with the content-type image/jpeg and the
// x-goog-acl it was signed for (§5.4 step 2); each upload (role
// "upload") went to one of those URLs and was answered 2xx; every photo
// was uploaded.
func kycPhotosUploaded(_ Params, in Inputs) error {
	storage, uploads := in.http("storage"), in.http("upload")
	if len(storage) == 0 {
		return fmt.Errorf("no photo's storage was asked for")
	}
	targets := map[string]bool{}
	for _, r := range storage {
		var s struct {
			PublicURL  string `json:"public_url"`
			UploadInfo struct {
				URL     string            `json:"url"`
				Headers map[string]string `json:"headers"`
			} `json:"upload_info"`
		}
		if err := ok2xx(r); err != nil {
			return err
		}
		if err := decode(r, &s); err != nil {
			return err
		}
		pub, err1 := url.Parse(s.PublicURL)
		up, err2 := url.Parse(s.UploadInfo.URL)
		switch {
		case err1 != nil || pub.Host == "" || err2 != nil || up.Host == "":
			return fmt.Errorf("%s: public_url %q or upload_info.url %q is not an absolute URL", where(r), s.PublicURL, s.UploadInfo.URL)
		case s.UploadInfo.Headers["content-type"] != "image/jpeg" || s.UploadInfo.Headers["x-goog-acl"] == "":
			return fmt.Errorf("%s: upload_info.headers %v do not name content-type image/jpeg and an x-goog-acl", where(r), s.UploadInfo.Headers)
		}
		targets[up.Host+up.Path] = false
	}
	for _, r := range uploads {
		u, err := url.Parse(r.HTTP.URL)
		if err != nil {
			return fmt.Errorf("%s: not a URL", where(r))
		}
		if _, ok := targets[u.Host+u.Path]; !ok || r.HTTP.Method != "PUT" {
			return fmt.Errorf("%s: this upload is not a PUT to a URL the storage answered", where(r))
		}
		if r.HTTP.Status/100 != 2 {
			return fmt.Errorf("%s: the storage answered %d to the photo: %.120s", where(r), r.HTTP.Status, r.HTTP.ResponseBody)
		}
		targets[u.Host+u.Path] = true
	}
	for t, done := range targets {
		if !done {
			return fmt.Errorf("the photo for %s was never uploaded", t)
		}
	}
	return nil
}

// kycAnswered: the answer (role "response") leaves the request and every
// check answered, and what was sent answered each of its checks.
func kycAnswered(_ Params, in Inputs) error {
	var k kycT
	r, err := in.answer("response", &k)
	if err != nil {
		return err
	}
	if err := k.valid(r); err != nil {
		return err
	}
	var sent struct {
		Answers []struct {
			CheckID string `json:"check_id"`
		} `json:"answers"`
	}
	_ = json.Unmarshal(r.HTTP.RequestBody, &sent)
	given := map[string]bool{}
	for _, a := range sent.Answers {
		given[a.CheckID] = true
	}
	for _, c := range *k.Checks {
		switch {
		case !given[c.ID]:
			return fmt.Errorf("%s: check %s (%s) was not answered by the request", where(r), c.ID, c.FieldType)
		case c.Status != "answered":
			return fmt.Errorf("%s: check %s (%s) is %q after its answer, want answered", where(r), c.ID, c.FieldType, c.Status)
		}
	}
	if k.Status != "answered" {
		return fmt.Errorf("%s: KYC request %s is %q with every check answered, want answered", where(r), k.ID, k.Status)
	}
	return nil
}
