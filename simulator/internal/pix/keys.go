package pix

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

// BACEN's limits of PIX keys per account: 5 for a person, 20 for a company.
const (
	personKeyLimit  = 5
	companyKeyLimit = 20
)

// pixEntry is a PIX key of a Stone account as /api/v1/pix/{account_id}/entries shows it.
type pixEntry struct {
	ID                 string `json:"id"`
	Key                string `json:"key"`
	KeyType            string `json:"key_type"`
	Status             string `json:"status"` // active | deleted
	AccountID          string `json:"account_id"`
	ParticipantISPB    string `json:"participant_ispb"`
	BeneficiaryType    string `json:"beneficiary_type"`
	BeneficiaryAccount struct {
		BranchCode  string `json:"branch_code"`
		AccountCode string `json:"account_code"`
		AccountType string `json:"account_type"`
		CreatedAt   string `json:"created_at"`
	} `json:"beneficiary_account"`
	BeneficiaryEntity struct {
		Name         string `json:"name"`
		DocumentType string `json:"document_type"`
		Document     string `json:"document"`
	} `json:"beneficiary_entity"`
	CreatedAt string          `json:"created_at"`
	Events    []pixEntryEvent `json:"events"`

	seq int64
}

type pixEntryEvent struct {
	ID         string  `json:"id"`
	CreatedAt  string  `json:"created_at"`
	Type       string  `json:"type"`
	FromStatus *string `json:"from_status"`
	ToStatus   string  `json:"to_status"`
}

// pixKeyRequest is the request object Stone sends in key webhooks.
type pixKeyRequest struct {
	ID               string `json:"id"`
	RequestID        string `json:"request_id"`
	Key              string `json:"key"`
	KeyType          string `json:"key_type"`
	KeyStatus        string `json:"key_status"`
	BeneficiaryType  string `json:"beneficiary_type"`
	BeneficiaryID    string `json:"beneficiary_id"`
	AccountID        string `json:"account_id"`
	CreatedAt        string `json:"created_at"`
	ErrorDescription string `json:"error_description"`
	Status           string `json:"status"`
}

func pixKeyTypes() []string { return []string{"cpf", "cnpj", "email", "phone", "random_key"} }

// addEntry registers key on account a, in the DICT too.
func (x *Pix) addEntry(a *ledger.Account, key, keyType string, now time.Time) *pixEntry {
	e := &pixEntry{ID: x.book.NewID(), Key: key, KeyType: keyType, Status: "active", AccountID: a.ID,
		ParticipantISPB: ledger.StoneISPB, BeneficiaryType: "internal_account", CreatedAt: api.TS(now), seq: x.book.Next()}
	e.BeneficiaryAccount.BranchCode, e.BeneficiaryAccount.AccountCode = "0001", a.AccountCode
	e.BeneficiaryAccount.AccountType, e.BeneficiaryAccount.CreatedAt = "PG", a.CreatedAt
	e.BeneficiaryEntity.Name, e.BeneficiaryEntity.Document = a.OwnerName, a.OwnerDocument
	e.BeneficiaryEntity.DocumentType = api.DocumentType(a.OwnerDocument)
	e.Events = []pixEntryEvent{{ID: x.book.NewID(), CreatedAt: api.TS(now), Type: "created", ToStatus: "active"}}
	x.entries[e.ID] = e
	x.entryOrder = append(x.entryOrder, e)
	x.dictOfAccount(a, key, keyType)
	return e
}

func (x *Pix) keyEvent(e *pixEntry, typ, requestID string, at time.Time) {
	req := pixKeyRequest{ID: requestID, RequestID: requestID, Key: e.Key, KeyType: e.KeyType, KeyStatus: e.Status,
		BeneficiaryType: e.BeneficiaryType, BeneficiaryID: e.AccountID, AccountID: e.AccountID, CreatedAt: api.TS(at), Status: "accepted"}
	x.book.Emit(&ledger.Event{Type: typ, TargetType: "pix_entry", TargetID: e.ID, AccountID: e.AccountID, Data: api.Snapshot(req),
		DetailPath: "/api/v1/pix/" + e.AccountID + "/entries/" + e.ID, At: at})
}

func activeKeys(x *Pix, accountID string) int {
	n := 0
	for _, e := range x.entryOrder {
		if e.AccountID == accountID && e.Status == "active" {
			n++
		}
	}
	return n
}

// handleCreatePixEntry registers a key: 202 {"id"}. Phone and email keys need
// the ownership verification Stone's Go SDK sends (x-stone-verification-id
// and -code headers, or verification_id/verification_code in the body): any
// non-empty value passes in the sandbox, but it must be there.
func (x *Pix) handleCreatePixEntry(w http.ResponseWriter, r *http.Request, c *api.Call) {
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		rp.Write(w)
		return
	}
	key, keyType := strings.TrimSpace(f.Str("key", false)), f.Str("key_type", true)
	if keyType != "" && !slices.Contains(pixKeyTypes(), keyType) {
		f.Add("must be one of cpf, cnpj, email, phone, random_key", "key_type")
	}
	if ispb := f.Str("participant_ispb", false); ispb != "" && !(len(ispb) == 8 && api.Digits.MatchString(ispb)) {
		f.Add("must be an ISPB (8 digits)", "participant_ispb")
	}
	if id := f.Str("account_id", false); id != "" && id != r.PathValue("account_id") {
		f.Add("must be the account of the path", "account_id")
	}
	if keyType == "phone" || keyType == "email" {
		for _, h := range []string{"verification_id", "verification_code"} {
			if strings.TrimSpace(r.Header.Get("x-stone-"+strings.ReplaceAll(h, "_", "-"))) == "" && f.Str(h, false) == "" {
				f.Add("can't be blank (x-stone-"+strings.ReplaceAll(h, "_", "-")+" header)", h)
			}
		}
	}
	if rp, ok := f.Result(); !ok {
		rp.Write(w)
		return
	}
	x.book.Reply(w, func() api.Reply {
		a, ok := x.book.Accessible(c.ClientID, r.PathValue("account_id"))
		if !ok {
			return api.Unauthorized()
		}
		switch keyType {
		case "random_key":
			if key != "" {
				return api.Unprocessable("invalid_key", "a random_key is generated by Stone: send an empty key")
			}
			key = x.book.NewID()
		case "cpf", "cnpj":
			if key == "" {
				key = a.OwnerDocument
			}
			if key != a.OwnerDocument || api.DocumentType(key) != keyType {
				return api.Unprocessable("invalid_key", "a "+keyType+" key must be the account owner's "+strings.ToUpper(keyType))
			}
		case "phone", "email":
			if keyType == "email" {
				key = strings.ToLower(key)
			}
			if len(key) > maxPixKeyLen || keyTypeOf(key) != keyType {
				return api.Unprocessable("invalid_key", "key is not a valid "+keyType+" (phone as +5561912345678)")
			}
		}
		if _, taken := x.dict[key]; taken {
			return api.Unprocessable("already_exists", "the key is already registered in the DICT")
		}
		limit := companyKeyLimit
		if a.Person() {
			limit = personKeyLimit
		}
		if activeKeys(x, a.ID) >= limit {
			return api.Unprocessable("entries_limit_reached", "the account already has "+api.Itoa(int64(limit))+" PIX keys")
		}
		now := x.book.Stamp(c.Now)
		e := x.addEntry(a, key, keyType, now)
		x.keyEvent(e, "pix_entries_status_key_created", e.ID, now)
		return api.JSON(http.StatusAccepted, map[string]string{"id": e.ID})
	})
}

func (x *Pix) handleListPixEntries(w http.ResponseWriter, r *http.Request, c *api.Call) {
	q := r.URL.Query()
	status, keyType := q.Get("status"), q.Get("key_type")
	id := r.PathValue("account_id")
	x.book.Reply(w, func() api.Reply {
		if _, ok := x.book.Accessible(c.ClientID, id); !ok {
			return api.Unauthorized()
		}
		scope := "pix_entries|" + id
		p, rp, ok := api.ParsePage(q, scope, api.DefaultLimit, api.MaxLimit)
		if !ok {
			return rp
		}
		var list []*pixEntry
		for i := len(x.entryOrder) - 1; i >= 0; i-- {
			e := x.entryOrder[i]
			if e.AccountID == id && (status == "" || e.Status == status) && (keyType == "" || e.KeyType == keyType) {
				list = append(list, e)
			}
		}
		data, cur := api.Paginate(list, func(e *pixEntry) int64 { return e.seq }, true, p, scope)
		return api.JSON(http.StatusOK, api.List[*pixEntry]{Cursor: cur, Data: append([]*pixEntry{}, data...)})
	})
}

func (x *Pix) handleGetPixEntry(w http.ResponseWriter, r *http.Request, c *api.Call) {
	x.book.Reply(w, func() api.Reply {
		if _, ok := x.book.Accessible(c.ClientID, r.PathValue("account_id")); !ok {
			return api.Unauthorized()
		}
		e, ok := x.entries[r.PathValue("id")]
		if !ok || e.AccountID != r.PathValue("account_id") {
			return api.NotFound()
		}
		return api.JSON(http.StatusOK, e)
	})
}

// handleDeletePixEntry deletes a key: 202 {"id": <deletion request id>}.
// Stone documents two paths: /api/v1/pix/{account_id}/entries/{id} and
// /api/v1/pix_entries/key/{id} (account in the body, optional here).
func (x *Pix) handleDeletePixEntry(w http.ResponseWriter, r *http.Request, c *api.Call) {
	x.book.Reply(w, func() api.Reply {
		e, ok := x.entries[r.PathValue("id")]
		if !ok {
			return api.NotFound()
		}
		if acc := r.PathValue("account_id"); acc != "" && acc != e.AccountID {
			if _, ok := x.book.Accessible(c.ClientID, acc); !ok {
				return api.Unauthorized()
			}
			return api.NotFound()
		}
		if _, ok := x.book.Accessible(c.ClientID, e.AccountID); !ok {
			return api.Unauthorized()
		}
		if e.Status != "active" {
			return api.Conflict("the key is already " + e.Status)
		}
		now := x.book.Stamp(c.Now)
		e.Status = "deleted"
		e.Events = append(e.Events, pixEntryEvent{ID: x.book.NewID(), CreatedAt: api.TS(now), Type: "deleted", FromStatus: api.StrPtr("active"), ToStatus: "deleted"})
		delete(x.dict, e.Key)
		reqID := x.book.NewID()
		x.keyEvent(e, "pix_entries_status_key_deleted", reqID, now)
		return api.JSON(http.StatusAccepted, map[string]string{"id": reqID})
	})
}
