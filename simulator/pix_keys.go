package simulator

import (
	"net/http"
	"slices"
	"strings"
	"time"
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

// addPixEntry registers key on account a, in the DICT too.
func (st *store) addPixEntry(a *account, key, keyType string, now time.Time) *pixEntry {
	e := &pixEntry{ID: st.newID(), Key: key, KeyType: keyType, Status: "active", AccountID: a.ID,
		ParticipantISPB: stoneISPB, BeneficiaryType: "internal_account", CreatedAt: ts(now), seq: st.next()}
	e.BeneficiaryAccount.BranchCode, e.BeneficiaryAccount.AccountCode = "0001", a.AccountCode
	e.BeneficiaryAccount.AccountType, e.BeneficiaryAccount.CreatedAt = "PG", a.CreatedAt
	e.BeneficiaryEntity.Name, e.BeneficiaryEntity.Document = a.OwnerName, a.OwnerDocument
	e.BeneficiaryEntity.DocumentType = documentType(a.OwnerDocument)
	e.Events = []pixEntryEvent{{ID: st.newID(), CreatedAt: ts(now), Type: "created", ToStatus: "active"}}
	st.pixEntries[e.ID] = e
	st.pixEntryOrder = append(st.pixEntryOrder, e)
	st.dictOfAccount(a, key, keyType)
	return e
}

func (st *store) keyEvent(e *pixEntry, typ, requestID string, at time.Time) {
	req := pixKeyRequest{ID: requestID, RequestID: requestID, Key: e.Key, KeyType: e.KeyType, KeyStatus: e.Status,
		BeneficiaryType: e.BeneficiaryType, BeneficiaryID: e.AccountID, AccountID: e.AccountID, CreatedAt: ts(at), Status: "accepted"}
	st.emit(&event{Type: typ, TargetType: "pix_entry", TargetID: e.ID, AccountID: e.AccountID, Data: snapshot(req),
		DetailPath: "/api/v1/pix/" + e.AccountID + "/entries/" + e.ID, At: at})
}

func activeKeys(st *store, accountID string) int {
	n := 0
	for _, e := range st.pixEntryOrder {
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
func (s *Simulator) handleCreatePixEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	f, rp, ok := decodeFields(r)
	if !ok {
		rp.write(w)
		return
	}
	key, keyType := strings.TrimSpace(f.str("key", false)), f.str("key_type", true)
	if keyType != "" && !slices.Contains(pixKeyTypes(), keyType) {
		f.add("must be one of cpf, cnpj, email, phone, random_key", "key_type")
	}
	if ispb := f.str("participant_ispb", false); ispb != "" && !(len(ispb) == 8 && digitsRE.MatchString(ispb)) {
		f.add("must be an ISPB (8 digits)", "participant_ispb")
	}
	if id := f.str("account_id", false); id != "" && id != r.PathValue("account_id") {
		f.add("must be the account of the path", "account_id")
	}
	if keyType == "phone" || keyType == "email" {
		for _, h := range []string{"verification_id", "verification_code"} {
			if strings.TrimSpace(r.Header.Get("x-stone-"+strings.ReplaceAll(h, "_", "-"))) == "" && f.str(h, false) == "" {
				f.add("can't be blank (x-stone-"+strings.ReplaceAll(h, "_", "-")+" header)", h)
			}
		}
	}
	if rp, ok := f.result(); !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		a, ok := st.accessible(rc.client, r.PathValue("account_id"))
		if !ok {
			return unauthorized()
		}
		switch keyType {
		case "random_key":
			if key != "" {
				return unprocessable("invalid_key", "a random_key is generated by Stone: send an empty key")
			}
			key = st.newID()
		case "cpf", "cnpj":
			if key == "" {
				key = a.OwnerDocument
			}
			if key != a.OwnerDocument || documentType(key) != keyType {
				return unprocessable("invalid_key", "a "+keyType+" key must be the account owner's "+strings.ToUpper(keyType))
			}
		case "phone", "email":
			if keyType == "email" {
				key = strings.ToLower(key)
			}
			if len(key) > maxPixKeyLen || keyTypeOf(key) != keyType {
				return unprocessable("invalid_key", "key is not a valid "+keyType+" (phone as +5561912345678)")
			}
		}
		if _, taken := st.dict[key]; taken {
			return unprocessable("already_exists", "the key is already registered in the DICT")
		}
		limit := companyKeyLimit
		if a.person() {
			limit = personKeyLimit
		}
		if activeKeys(st, a.ID) >= limit {
			return unprocessable("entries_limit_reached", "the account already has "+itoa(int64(limit))+" PIX keys")
		}
		now := st.stamp(rc.now)
		e := st.addPixEntry(a, key, keyType, now)
		st.keyEvent(e, "pix_entries_status_key_created", e.ID, now)
		return jsonReply(http.StatusAccepted, map[string]string{"id": e.ID})
	})
}

func (s *Simulator) handleListPixEntries(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := r.URL.Query()
	status, keyType := q.Get("status"), q.Get("key_type")
	id := r.PathValue("account_id")
	s.withStore(w, func(st *store) reply {
		if _, ok := st.accessible(rc.client, id); !ok {
			return unauthorized()
		}
		scope := "pix_entries|" + id
		p, rp, ok := parsePage(q, scope, transfersDefaultLimit, transfersMaxLimit)
		if !ok {
			return rp
		}
		var list []*pixEntry
		for i := len(st.pixEntryOrder) - 1; i >= 0; i-- {
			e := st.pixEntryOrder[i]
			if e.AccountID == id && (status == "" || e.Status == status) && (keyType == "" || e.KeyType == keyType) {
				list = append(list, e)
			}
		}
		data, cur := paginate(list, func(e *pixEntry) int64 { return e.seq }, true, p, scope)
		return jsonReply(http.StatusOK, listResponse[*pixEntry]{Cursor: cur, Data: append([]*pixEntry{}, data...)})
	})
}

func (s *Simulator) handleGetPixEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		if _, ok := st.accessible(rc.client, r.PathValue("account_id")); !ok {
			return unauthorized()
		}
		e, ok := st.pixEntries[r.PathValue("id")]
		if !ok || e.AccountID != r.PathValue("account_id") {
			return notFound()
		}
		return jsonReply(http.StatusOK, e)
	})
}

// handleDeletePixEntry deletes a key: 202 {"id": <deletion request id>}.
// Stone documents two paths: /api/v1/pix/{account_id}/entries/{id} and
// /api/v1/pix_entries/key/{id} (account in the body, optional here).
func (s *Simulator) handleDeletePixEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.withStore(w, func(st *store) reply {
		e, ok := st.pixEntries[r.PathValue("id")]
		if !ok {
			return notFound()
		}
		if acc := r.PathValue("account_id"); acc != "" && acc != e.AccountID {
			if _, ok := st.accessible(rc.client, acc); !ok {
				return unauthorized()
			}
			return notFound()
		}
		if _, ok := st.accessible(rc.client, e.AccountID); !ok {
			return unauthorized()
		}
		if e.Status != "active" {
			return conflict("the key is already " + e.Status)
		}
		now := st.stamp(rc.now)
		e.Status = "deleted"
		e.Events = append(e.Events, pixEntryEvent{ID: st.newID(), CreatedAt: ts(now), Type: "deleted", FromStatus: strPtr("active"), ToStatus: "deleted"})
		delete(st.dict, e.Key)
		reqID := st.newID()
		st.keyEvent(e, "pix_entries_status_key_deleted", reqID, now)
		return jsonReply(http.StatusAccepted, map[string]string{"id": reqID})
	})
}
