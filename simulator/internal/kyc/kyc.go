// Package kyc is Stone's KYC API for the user of an account opening
// (stone-api-families.md §5.4, an alpha for special cases): the user's
// pending checks are read, the photos the checks ask for are uploaded to
// a signed storage URL, and the answers are sent.
//
//	GET  /api/v1/users/{user_id}/kyc/request   → 200 KycRequest, checks requested
//	POST /api/v1/storage/{name}                (Content-Type: image/jpeg, name ending .jpg) → 200 {public_url, upload_info{url, headers}}
//	PUT  /gcs/{bucket}/{object...}             the signed upload URL: the photo, Content-Type image/jpeg, x-goog-acl public-read → 200
//	GET  /gcs/{bucket}/{object...}             the public URL: the photo once uploaded
//	POST /api/v1/users/{user_id}/kyc/answer    {"answers":[{check_id, value}]} → 200 KycRequest, checks answered
//
// What the reference leaves open, and what the simulator chose:
//   - user_id is the user_id of an account opening the application asked
//     for (§5.4 [I]); another application's user answers 403
//     srn:error:unauthorized, an unknown one 404 srn:error:not_found.
//   - The request holds the six checks of the page's example (birthdate,
//     phone_number, address, document_photo, document_selfies,
//     total_income_range with its income ranges).
//   - The photos go to Google Cloud Storage through a V2 signed URL at
//     Stone; the simulator cannot serve storage.googleapis.com, so its
//     signed URL points at its own /gcs/ stand-in, with the same query
//     (Expires, GoogleAccessId, Signature, valid for an hour). An expired
//     signature answers the page's 400 XML ExpiredToken; a wrong one, or a
//     Content-Type the URL was not signed for, 403 XML SignatureDoesNotMatch
//     as GCS does (not in Stone's docs). A photo is at most 1 MiB here.
//   - Each answer's value is checked by its check's field_type, as the
//     answer page shows them; a photo or selfie must be a public URL this
//     simulator handed out and received. The request is answered when every
//     check is; the account opening then notes user_input_assessment_status
//     answered, with its sign_up_resource_details_updated webhook (§4.3's
//     update_reason user_input_assessment_status_updated).
package kyc

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// Statuses of a request and of its checks (§4.2's assessment statuses).
const (
	StatusRequested = "requested"
	StatusAnswered  = "answered"
)

// urlLifetime is how long a signed upload URL lasts [I: the example's
// Expires is some hours after its page's timestamps].
const urlLifetime = time.Hour

const (
	bucket     = "sdb-inside-gateway-frontend-homolog"
	accessID   = "homolog-simulator@inside-gateway.iam.gserviceaccount.com"
	acl        = "public-read"
	jpegType   = "image/jpeg"
	detailText = "Precisamos de algumas informações"
)

var (
	birthdateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	phoneRE     = regexp.MustCompile(`^\d{10,11}$`)
	postalRE    = regexp.MustCompile(`^\d{8}$`)
	nameRE      = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}\.(jpg|JPG)$`)
)

// fieldTypes are the checks of the page's example, in its order.
func fieldTypes() []string {
	return []string{"birthdate", "phone_number", "address", "document_photo", "document_selfies", "total_income_range"}
}

// Users tells whose user a user_id is: known when an account opening
// made it, own when the application clientID made that opening. Caller
// holds the book's lock.
type Users func(clientID, userID string) (known, own bool)

// Answered is told, under the book's lock, that userID answered every check.
type Answered func(userID string, at time.Time)

// Options wires the family.
type Options struct {
	Book     *ledger.Book
	Users    Users
	Answered Answered
	// Base is the simulator's base URL as the request r reached it, for
	// the upload and public URLs.
	Base func(r *http.Request) string
}

// KYC serves the family. Its state is guarded by the book's lock.
type KYC struct {
	book     *ledger.Book
	users    Users
	answered Answered
	base     func(*http.Request) string
	secret   []byte
	requests map[string]*request // by user id
	objects  map[string]*object  // by "bucket/object"
}

type object struct {
	data     []byte
	public   bool
	uploaded bool
	client   string
}

// New returns the family; its URL-signing secret is drawn from the id
// source.
func New(opts Options) *KYC {
	return &KYC{book: opts.Book, users: opts.Users, answered: opts.Answered, base: opts.Base,
		secret: []byte(opts.Book.NewID() + opts.Book.NewID()), requests: map[string]*request{}, objects: map[string]*object{}}
}

// Routes registers the KYC calls and the storage stand-in.
func (k *KYC) Routes(m *api.Mux) {
	m.HandleAuth("GET /api/v1/users/{user_id}/kyc/request", k.handleRequest)
	m.HandleAuth("POST /api/v1/users/{user_id}/kyc/answer", k.handleAnswer)
	m.HandleAuth("POST /api/v1/storage/{name}", k.handleStorage)
	m.Handle("PUT /gcs/{bucket}/{object...}", k.handlePut)
	m.Handle("GET /gcs/{bucket}/{object...}", k.handleObject)
}

// request is the KycRequest of the pages' examples.
type request struct {
	ID          string         `json:"id"`
	UserID      string         `json:"user_id"`
	Status      string         `json:"status"`
	Reason      string         `json:"reason"`
	InputType   string         `json:"input_type"`
	IsMandatory bool           `json:"is_mandatory"`
	Context     map[string]any `json:"context"`
	CreatedAt   string         `json:"created_at"`
	UpdatedAt   string         `json:"updated_at"`
	Checks      []*kycCheck    `json:"checks"`
}

type kycCheck struct {
	ID             string          `json:"id"`
	FieldType      string          `json:"field_type"`
	Status         string          `json:"status"`
	Reason         string          `json:"reason"`
	DetailedReason string          `json:"detailed_reason"`
	InputType      string          `json:"input_type"`
	Context        json.RawMessage `json:"context"`
	CreatedAt      string          `json:"created_at"`
	UpdatedAt      string          `json:"updated_at"`
}

// incomeRanges is the total_income_range check's context, as the page
// shows it (centavos; the first range has no lower bound, the last no
// upper one).
const incomeRanges = `{"income_ranges":[
{"formatted":"Até R$ 5.000,00","range":{"lower_bounds":null,"upper_bounds":500000}},
{"formatted":"Entre R$ 5.000,01 e R$ 10.000,00","range":{"lower_bounds":500001,"upper_bounds":1000000}},
{"formatted":"Entre R$ 10.000,01 e R$ 20.000,00","range":{"lower_bounds":1000001,"upper_bounds":2000000}},
{"formatted":"Entre R$ 20.000,01 e R$ 100.000,00","range":{"lower_bounds":2000001,"upper_bounds":10000000}},
{"formatted":"Entre R$ 100.000,01 e R$ 1.000.000,00","range":{"lower_bounds":10000001,"upper_bounds":100000000}},
{"formatted":"Mais de R$ 1.000.000,00","range":{"lower_bounds":100000001,"upper_bounds":null}}]}`

// upperBounds are the ranges' upper bounds, nil for the last one.
func upperBounds() []*int64 {
	var ctx struct {
		IncomeRanges []struct {
			Range struct {
				Upper *int64 `json:"upper_bounds"`
			} `json:"range"`
		} `json:"income_ranges"`
	}
	_ = json.Unmarshal([]byte(incomeRanges), &ctx)
	out := make([]*int64, 0, len(ctx.IncomeRanges))
	for _, r := range ctx.IncomeRanges {
		out = append(out, r.Range.Upper)
	}
	return out
}

// requestOf finds, or opens on first sight, the KYC request of the
// path's user. Caller holds the lock.
func (k *KYC) requestOf(r *http.Request, c *api.Call) (*request, api.Reply, bool) {
	userID := r.PathValue("user_id")
	known, own := k.users(c.ClientID, userID)
	switch {
	case !known:
		return nil, api.NotFound(), false
	case !own:
		return nil, api.Unauthorized(), false
	}
	if q, ok := k.requests[userID]; ok {
		return q, api.Reply{}, true
	}
	at := api.TS(k.book.Stamp(c.Now))
	q := &request{ID: k.book.NewID(), UserID: userID, Status: StatusRequested, Reason: "account_request", InputType: "user_input",
		IsMandatory: true, Context: map[string]any{}, CreatedAt: at, UpdatedAt: at}
	for _, f := range fieldTypes() {
		ctx := json.RawMessage(`null`)
		if f == "total_income_range" {
			ctx = api.Snapshot(json.RawMessage(incomeRanges))
		}
		q.Checks = append(q.Checks, &kycCheck{ID: k.book.NewID(), FieldType: f, Status: StatusRequested, Reason: "account_request",
			DetailedReason: detailText, InputType: "user_input", Context: ctx, CreatedAt: at, UpdatedAt: at})
	}
	k.requests[userID] = q
	return q, api.Reply{}, true
}

func (k *KYC) handleRequest(w http.ResponseWriter, r *http.Request, c *api.Call) {
	k.book.Reply(w, func() api.Reply {
		q, rp, ok := k.requestOf(r, c)
		if !ok {
			return rp
		}
		return api.JSON(http.StatusOK, q)
	})
}

// sign is the signed URL's Signature over the method, object and expiry.
func (k *KYC) sign(object string, expires int64) string {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte("PUT\n" + jpegType + "\n" + strconv.FormatInt(expires, 10) + "\n/" + object))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// handleStorage hands out where one photo goes: a public URL, and a
// signed URL to PUT it to with the headers it was signed for.
func (k *KYC) handleStorage(w http.ResponseWriter, r *http.Request, c *api.Call) {
	name := r.PathValue("name")
	var errs []api.FieldError
	if !nameRE.MatchString(name) {
		errs = append(errs, api.FieldError{Error: "must be an image name ending in .jpg", Path: []string{"name"}})
	}
	if ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); strings.TrimSpace(ct) != jpegType {
		errs = append(errs, api.FieldError{Error: "must be image/jpeg", Path: []string{"content-type"}})
	}
	if len(errs) > 0 {
		api.Validation(errs...).Write(w)
		return
	}
	base := k.base(r)
	k.book.Reply(w, func() api.Reply {
		now := k.book.Stamp(c.Now)
		obj := bucket + "/" + base64.URLEncoding.EncodeToString([]byte("application:"+c.ClientID)) + "/" + k.book.NewID() + "/" + name
		k.objects[obj] = &object{client: c.ClientID}
		expires := now.Add(urlLifetime).Unix()
		public := base + "/gcs/" + obj
		q := url.Values{"Expires": {strconv.FormatInt(expires, 10)}, "GoogleAccessId": {accessID}, "Signature": {k.sign(obj, expires)}}
		type info struct {
			Headers map[string]string `json:"headers"`
			URL     string            `json:"url"`
		}
		return api.JSON(http.StatusOK, struct {
			PublicURL  string `json:"public_url"`
			UploadInfo info   `json:"upload_info"`
		}{public, info{Headers: map[string]string{"content-type": jpegType, "x-goog-acl": acl}, URL: public + "?" + q.Encode()}})
	})
}

// gcsError is Google Cloud Storage's XML error body.
func gcsError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<?xml version='1.0' encoding='UTF-8'?><Error><Code>" + code + "</Code><Message>" + message + "</Message></Error>"))
}

// handlePut receives a photo at a signed URL (stone-api-families.md §5.4
// step 3): 200 with no body, 400 ExpiredToken past Expires, 403
// SignatureDoesNotMatch for a signature, object or Content-Type the URL
// was not made for.
func (k *KYC) handlePut(w http.ResponseWriter, r *http.Request, c *api.Call) {
	obj := r.PathValue("bucket") + "/" + r.PathValue("object")
	q := r.URL.Query()
	expires, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if err != nil || q.Get("GoogleAccessId") != accessID || strings.TrimSpace(ct) != jpegType ||
		!hmac.Equal([]byte(q.Get("Signature")), []byte(k.sign(obj, expires))) {
		gcsError(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return
	}
	if c.Now.Unix() > expires {
		gcsError(w, http.StatusBadRequest, "ExpiredToken", "The provided token has expired.")
		return
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		gcsError(w, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload is larger than the maximum object size specified in your Policy Document.")
		return
	}
	k.book.Locked(func() {
		o, ok := k.objects[obj]
		if !ok {
			o = &object{}
			k.objects[obj] = o
		}
		o.data, o.uploaded, o.public = data, true, r.Header.Get("x-goog-acl") == acl
	})
	w.WriteHeader(http.StatusOK)
}

// handleObject serves an uploaded public photo.
func (k *KYC) handleObject(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	obj := r.PathValue("bucket") + "/" + r.PathValue("object")
	var data []byte
	found, public := false, false
	k.book.Locked(func() {
		if o, ok := k.objects[obj]; ok && o.uploaded {
			found, public, data = true, o.public, append([]byte(nil), o.data...)
		}
	})
	switch {
	case !found:
		gcsError(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	case !public:
		gcsError(w, http.StatusForbidden, "AccessDenied", "Access denied.")
	default:
		w.Header().Set("Content-Type", jpegType)
		_, _ = w.Write(data)
	}
}

// uploadedBy reports whether u is the public URL of a photo the
// application uploaded here. Caller holds the lock.
func (k *KYC) uploadedBy(u, clientID string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	obj, ok := strings.CutPrefix(p.Path, "/gcs/")
	if !ok {
		return false
	}
	o, ok := k.objects[obj]
	return ok && o.uploaded && o.public && o.client == clientID
}

// handleAnswer records the answers, each checked by its check's
// field_type (§5.4).
func (k *KYC) handleAnswer(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	items, ok := f.Array("answers")
	if !ok || len(items) == 0 {
		if ok || !f.Has("answers") {
			f.Add("must have at least one answer", "answers")
		}
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	k.book.Reply(w, func() api.Reply {
		q, rp, ok := k.requestOf(r, c)
		if !ok {
			return rp
		}
		byID := map[string]*kycCheck{}
		for _, ch := range q.Checks {
			byID[ch.ID] = ch
		}
		var answered []*kycCheck
		for _, it := range items {
			id := it.Str("check_id", true)
			ch, ok := byID[id]
			if id != "" && !ok {
				it.Add("is not a check of this KYC request", "check_id")
				continue
			}
			raw, given := api.Present(it.Obj, "value")
			if !given {
				it.Add("can't be blank", "value")
				continue
			}
			if ch != nil {
				k.checkValue(it, ch.FieldType, raw, c.ClientID)
				answered = append(answered, ch)
			}
		}
		if rp, ok := f.Result(); !ok {
			return rp
		}
		now := k.book.Stamp(c.Now)
		at := api.TS(now)
		for _, ch := range answered {
			ch.Status, ch.UpdatedAt = StatusAnswered, at
		}
		all := true
		for _, ch := range q.Checks {
			all = all && ch.Status == StatusAnswered
		}
		q.UpdatedAt = at
		if all && q.Status != StatusAnswered {
			q.Status = StatusAnswered
			if k.answered != nil {
				k.answered(q.UserID, now)
			}
		}
		return api.JSON(http.StatusOK, q)
	})
}

// checkValue checks one answer's value the way the answer page writes it
// for the check's field_type; problems are recorded on f at "value".
func (k *KYC) checkValue(f api.Fields, fieldType string, raw json.RawMessage, clientID string) {
	str := func() (string, bool) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			f.Add("must be a string", "value")
			return "", false
		}
		return s, true
	}
	object := func() (api.Fields, bool) { return f.Object("value", true) }
	switch fieldType {
	case "birthdate":
		if s, ok := str(); ok {
			t, err := time.Parse(time.DateOnly, s)
			if !birthdateRE.MatchString(s) || err != nil || t.After(time.Now()) {
				f.Add("must be a past date, YYYY-MM-DD", "value")
			}
		}
	case "phone_number":
		if s, ok := str(); ok && !phoneRE.MatchString(s) {
			f.Add("must be the area code and number, digits only", "value")
		}
	case "address":
		if a, ok := object(); ok {
			for _, m := range []string{"street", "street_number", "neighborhood", "city", "state", "country", "postal_code"} {
				a.Str(m, true)
			}
			if pc := a.Str("postal_code", false); pc != "" && !postalRE.MatchString(pc) {
				a.Add("must be 8 digits", "postal_code")
			}
		}
	case "document_photo":
		if d, ok := object(); ok {
			d.Str("type", true)
			for _, side := range []string{"front", "back"} {
				if u := d.Str(side, true); u != "" && !k.uploadedBy(u, clientID) {
					d.Add("is not the public_url of a photo uploaded by this application", side)
				}
			}
		}
	case "document_selfies":
		var urls []string
		if json.Unmarshal(raw, &urls) != nil || len(urls) == 0 {
			f.Add("must be a list of public_urls", "value")
			return
		}
		for i, u := range urls {
			if !k.uploadedBy(u, clientID) {
				f.Add("is not the public_url of a photo uploaded by this application", "value", strconv.Itoa(i))
			}
		}
	case "total_income_range":
		if v, ok := object(); ok {
			raw, given := v.Obj["upper_bounds"]
			if !given {
				v.Add("can't be blank", "upper_bounds")
				return
			}
			var got *int64
			if json.Unmarshal(raw, &got) != nil {
				v.Add("must be an integer or null", "upper_bounds")
				return
			}
			for _, b := range upperBounds() {
				if (b == nil && got == nil) || (b != nil && got != nil && *b == *got) {
					return
				}
			}
			v.Add("is not the upper_bounds of one of the check's income_ranges", "upper_bounds")
		}
	}
}
