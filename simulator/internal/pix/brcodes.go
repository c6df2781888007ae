package pix

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/brcode"
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
func (x *Pix) handleReadBRCode(w http.ResponseWriter, r *http.Request, c *api.Call) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		api.BadRequest("could not read request body: " + err.Error()).Write(w)
		return
	}
	var code string
	if len(bytes.TrimSpace(raw)) == 0 && r.Method == http.MethodGet {
		code = r.URL.Query().Get("brcode")
		if code == "" {
			api.Validation(api.FieldError{Error: "can't be blank", Path: []string{"brcode"}}).Write(w)
			return
		}
	} else {
		f, err := api.DecodeObject(bytes.NewReader(raw))
		if err != nil {
			api.BadRequest(err.Error()).Write(w)
			return
		}
		fs := api.FieldsOf(f)
		code = fs.Str("brcode", true)
		fs.Str("owner_account", false)
		fs.Date("payment_date", false)
		if rp, ok := fs.Result(); !ok {
			rp.Write(w)
			return
		}
	}
	b, err := brcode.Parse(code)
	switch {
	case errors.Is(err, brcode.ErrUnsupported):
		api.Err(http.StatusNotImplemented, "brcode_not_supported").Write(w)
		return
	case err != nil:
		api.BadRequest("brcode " + err.Error()).Write(w)
		return
	}
	if !b.Dynamic {
		out := brcodeStatic{Key: b.Key, KeyType: keyTypeOf(b.Key)}
		if b.TxID != "" {
			out.TransactionID = api.StrPtr(b.TxID)
		}
		if b.Amount > 0 {
			out.Amount = api.Ptr(b.Amount)
		}
		api.JSON(http.StatusOK, brcodeResponse{Type: "static", Static: &out}).Write(w)
		return
	}
	x.book.Reply(w, func() api.Reply {
		inv := x.invoiceAt(b.URL)
		if inv == nil {
			return api.Err(http.StatusNotImplemented, "brcode_not_supported")
		}
		d := brcodeDynamic{CreatedAt: inv.CreatedAt, RequestedAt: api.TS(c.Now), Expiration: inv.Expiration, Key: inv.Key,
			KeyType: inv.KeyType, Customer: inv.Customer, AdditionalData: []brcodeData{}, Revision: inv.Revision,
			RequestForPayer: inv.RequestForPayer, Status: inv.Status, TransactionID: inv.TransactionID, Amount: inv.Amount}
		for _, nv := range inv.AdditionalData {
			d.AdditionalData = append(d.AdditionalData, brcodeData{Key: nv.Name, Name: nv.Name, Value: nv.Value})
		}
		return api.JSON(http.StatusOK, brcodeResponse{Type: "dynamic", Dynamic: &d})
	})
}

// invoiceAt resolves a dynamic BR Code URL ("host/pix/{id}", with or without
// scheme) to one of the simulator's own charges, whatever host served it.
func (x *Pix) invoiceAt(location string) *pixInvoice {
	if !strings.Contains(location, "://") {
		location = "https://" + location
	}
	u, err := url.Parse(location)
	if err != nil {
		return nil
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < 2 || segs[len(segs)-2] != "pix" {
		return nil
	}
	return x.invoices[segs[len(segs)-1]]
}
