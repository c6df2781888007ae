package simulator

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
)

type brcodeStatic struct {
	Key           string  `json:"key"`
	KeyType       string  `json:"key_type"`
	TransactionID *string `json:"transaction_id"`
	Amount        *int64  `json:"amount"`
}

// brcodeData is one additional_data item: the brcode page names its members
// key/value, the invoice pages and Stone's Go SDK name/value; both are sent.
type brcodeData struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

type brcodeDynamic struct {
	CreatedAt       string           `json:"created_at"`
	RequestedAt     string           `json:"requested_at"`
	Expiration      int64            `json:"expiration"`
	Key             string           `json:"key"`
	KeyType         string           `json:"key_type"`
	Customer        *invoiceCustomer `json:"customer"`
	AdditionalData  []brcodeData     `json:"additional_data"`
	Revision        int              `json:"revision"`
	RequestForPayer *string          `json:"request_for_payer"`
	Status          string           `json:"status"`
	TransactionID   string           `json:"transaction_id"`
	Amount          int64            `json:"amount"`
}

type brcodeResponse struct {
	Type    string         `json:"type"`
	Static  *brcodeStatic  `json:"static,omitempty"`
	Dynamic *brcodeDynamic `json:"dynamic,omitempty"`
}

// handleReadBRCode decodes a BR Code (POST, or GET with a JSON body as
// Stone's Go SDK and Postman send it, or GET ?brcode=): 200 static or
// dynamic; 400 bad_request for anything that is not a BR Code; 501
// brcode_not_supported for a valid one the simulator cannot resolve (not
// PIX, or a dynamic charge hosted elsewhere).
func (s *Simulator) handleReadBRCode(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		badRequest("could not read request body: " + err.Error()).write(w)
		return
	}
	var code string
	if len(bytes.TrimSpace(raw)) == 0 && r.Method == http.MethodGet {
		code = r.URL.Query().Get("brcode")
		if code == "" {
			validationErr(fieldError{Error: "can't be blank", Path: []string{"brcode"}}).write(w)
			return
		}
	} else {
		f, err := decodeObject(bytes.NewReader(raw))
		if err != nil {
			badRequest(err.Error()).write(w)
			return
		}
		fs := fields{obj: f, errs: &[]fieldError{}}
		code = fs.str("brcode", true)
		fs.str("owner_account", false)
		fs.date("payment_date", false)
		if rp, ok := fs.result(); !ok {
			rp.write(w)
			return
		}
	}
	b, err := parseBRCode(code)
	switch {
	case errors.Is(err, errBRCodeUnsupported):
		srnErr(http.StatusNotImplemented, "brcode_not_supported").write(w)
		return
	case err != nil:
		badRequest("brcode " + err.Error()).write(w)
		return
	}
	if !b.dynamic {
		out := brcodeStatic{Key: b.key, KeyType: keyTypeOf(b.key)}
		if b.txid != "" {
			out.TransactionID = strPtr(b.txid)
		}
		if b.amount > 0 {
			out.Amount = ptr(b.amount)
		}
		jsonReply(http.StatusOK, brcodeResponse{Type: "static", Static: &out}).write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		inv := st.invoiceAt(b.url)
		if inv == nil {
			return srnErr(http.StatusNotImplemented, "brcode_not_supported")
		}
		d := brcodeDynamic{CreatedAt: inv.CreatedAt, RequestedAt: ts(rc.now), Expiration: inv.Expiration, Key: inv.Key,
			KeyType: inv.KeyType, Customer: inv.Customer, AdditionalData: []brcodeData{}, Revision: inv.Revision,
			RequestForPayer: inv.RequestForPayer, Status: inv.Status, TransactionID: inv.TransactionID, Amount: inv.Amount}
		for _, nv := range inv.AdditionalData {
			d.AdditionalData = append(d.AdditionalData, brcodeData{Key: nv.Name, Name: nv.Name, Value: nv.Value})
		}
		return jsonReply(http.StatusOK, brcodeResponse{Type: "dynamic", Dynamic: &d})
	})
}

// invoiceAt resolves a dynamic BR Code URL ("host/pix/{id}", with or without
// scheme) to one of the simulator's own charges, whatever host served it.
func (st *store) invoiceAt(location string) *pixInvoice {
	if !strings.Contains(location, "://") {
		location = "https://" + location
	}
	u, err := url.Parse(location)
	if err != nil {
		return nil
	}
	segs := splitPath(u.Path)
	if len(segs) < 2 || segs[len(segs)-2] != "pix" {
		return nil
	}
	return st.pixInvoices[segs[len(segs)-1]]
}
