package pix

import (
	"net/http"
	"strings"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
)

type pixRequest struct {
	accountID, description string
	amount                 int64
	key, txid              string
	scheduledTo            *string
	target                 pixParty // when paying by account data
	targetAccountCode      string
}

// decodePixRequest validates an outbound PIX body (§5.5): either a key
// (optionally with the transaction_id of a charge) or the full target.
func decodePixRequest(r *http.Request) (pixRequest, api.Reply, bool) {
	var req pixRequest
	f, rp, ok := api.DecodeFields(r)
	if !ok {
		return req, rp, false
	}
	req.accountID = f.Str("account_id", true)
	if n, ok := f.Int("amount", false); ok {
		if n < 0 || n > maxPixAmount {
			f.Add("must be between 0 and 1000000000000", "amount")
		}
		req.amount = n
	}
	req.description = f.Str("description", false)
	f.MaxLen("description", req.description, maxPixDescription)
	req.key = strings.TrimSpace(f.Str("key", false))
	req.txid = f.Str("transaction_id", false)
	if req.txid != "" {
		if !pixTxidRE.MatchString(req.txid) {
			f.Add(`has invalid format (^[a-zA-Z0-9]{1,35}$)`, "transaction_id")
		}
		if req.key == "" {
			f.Add("requires key", "transaction_id")
		}
	}
	req.scheduledTo = f.ScheduledTo()
	if f.Has("source") {
		f.Object("source", false)
	}
	if req.key == "" {
		if t, ok := f.Object("target", true); ok {
			readPixTarget(t, &req)
		}
	}
	rp, ok = f.Result()
	return req, rp, ok
}

func readPixTarget(t api.Fields, req *pixRequest) {
	if e, ok := t.Object("entity", true); ok {
		ent := &req.target.Entity
		ent.Name, ent.Document = e.Str("name", true), e.Str("document", true)
		if ent.Document != "" {
			ent.DocumentType = api.DocumentType(ent.Document)
			if !api.Digits.MatchString(ent.Document) || ent.DocumentType == "" {
				e.Add("must be a CPF (11 digits) or a CNPJ (14 digits)", "document")
			}
		}
	}
	if a, ok := t.Object("account", true); ok {
		acc := &pixAccount{AccountType: strings.ToUpper(a.Str("account_type", true)), AccountCode: a.Str("account_code", true),
			BranchCode: a.Str("branch_code", false)}
		if acc.AccountType != "" && acc.AccountType != "PG" && acc.AccountType != "PP" && acc.AccountType != "CC" {
			a.Add("must be PG, PP or CC", "account_type")
		}
		if acc.AccountCode != "" && !pixAccountRE.MatchString(acc.AccountCode) {
			a.Add(`has invalid format (^[1-9]\d{1,19}$)`, "account_code")
		}
		if acc.BranchCode != "" && !pixBranchRE.MatchString(acc.BranchCode) {
			a.Add(`has invalid format (^\d{4}$)`, "branch_code")
		}
		req.target.Account, req.targetAccountCode = acc, acc.AccountCode
	}
	if in, ok := t.Object("institution", true); ok {
		req.target.Institution.ISPB = in.Str("ispb", true)
		if v := req.target.Institution.ISPB; v != "" && !(len(v) == 8 && api.Digits.MatchString(v)) {
			in.Add("must be an ISPB (8 digits)", "ispb")
		}
	}
}

// handleCreatePix creates an outbound PIX draft: 201 CREATED with its
// end_to_end_id; the target's document is masked as Stone masks it.
func (x *Pix) handleCreatePix(w http.ResponseWriter, r *http.Request, c *api.Call) {
	req, rp, ok := decodePixRequest(r)
	if !ok {
		rp.Write(w)
		return
	}
	x.book.Reply(w, func() api.Reply {
		src, ok := x.book.Accessible(c.ClientID, req.accountID)
		if !ok {
			return api.Unauthorized()
		}
		if rp, ok := calendar.CheckScheduleLimit(req.scheduledTo, c.Now); !ok {
			return rp
		}
		now := x.book.Stamp(c.Now)
		p := &pixPayment{Description: req.description, ScheduledTo: req.scheduledTo, fam: x}
		p.ID = x.book.NewID()
		p.AccountID, p.Amount, p.CreatedAt, p.CreatedBy, p.Status = src.ID, req.amount, api.TS(now), c.SubjectID(), "CREATED"
		p.SetCreated(now)
		p.EndToEndID, p.RequestID = endToEndID(p.ID, now), ledger.RequestIDOf(p.ID)
		p.Source = stoneParty(src)
		if rp, ok := x.resolvePixTarget(p, req, src); !ok {
			return rp
		}
		p.Target.Entity.Document = api.MaskDocument(p.Target.Entity.Document)
		x.ops.Add(p)
		return api.JSON(http.StatusCreated, p)
	})
}

// stoneParty describes a Stone account as PIX source or target.
func stoneParty(a *ledger.Account) pixParty {
	var p pixParty
	p.Account = &pixAccount{AccountCode: a.AccountCode, AccountType: "PG", BranchCode: "0001"}
	p.Entity.Document, p.Entity.DocumentType, p.Entity.Name = a.OwnerDocument, api.DocumentType(a.OwnerDocument), a.OwnerName
	p.Institution.ISPB, p.Institution.Name = ledger.StoneISPB, ledger.StoneInstitutionName
	return p
}

// resolvePixTarget finds who a PIX pays: a DICT key, or account data (a
// Stone account must exist; other banks' accounts are taken on trust).
func (x *Pix) resolvePixTarget(p *pixPayment, req pixRequest, src *ledger.Account) (api.Reply, bool) {
	if req.key != "" {
		if len(req.key) > maxPixKeyLen || keyTypeOf(req.key) == "" {
			return api.Unprocessable("invalid_key", "key is not a CPF, CNPJ, e-mail, phone (+55...) or random key"), false
		}
		d, ok := x.dict[req.key]
		if !ok {
			return api.Unprocessable("key_not_found", "no PIX key "+req.key+" in the DICT"), false
		}
		if d.accountID == src.ID {
			return api.Err(http.StatusUnprocessableEntity, "cannot_transfer_to_source_account"), false
		}
		p.Key = api.StrPtr(req.key)
		p.Target.Entity.Document, p.Target.Entity.DocumentType, p.Target.Entity.Name = d.Document, d.DocumentType, d.Name
		p.Target.Institution.ISPB, p.Target.Institution.Name = d.ISPB, x.institutionName(d)
		p.targetAccountID, p.refund = d.accountID, d.Refunds
		if req.txid != "" {
			p.TransactionID = api.StrPtr(req.txid)
			if inv := x.invoiceByTxid(req.key, req.txid); inv != nil {
				if p.Amount == 0 {
					p.Amount = inv.Amount
				}
				p.invoiceID = inv.ID
				return x.checkInvoice(inv.ID, p.Amount, false)
			}
		}
		return api.Reply{}, true
	}
	in, ok := x.dir.Find(req.target.Institution.ISPB)
	if !ok || !in.SPIParticipant {
		return api.Unprocessable("target_institution_not_found", "no PIX participant has ISPB "+req.target.Institution.ISPB), false
	}
	p.Target = req.target
	p.Target.Institution.Name = in.Name
	if in.ISPBCode == ledger.StoneISPB {
		dst, ok := x.book.AccountByCode(req.targetAccountCode)
		if !ok {
			return api.Err(http.StatusUnprocessableEntity, "target_account_not_found"), false
		}
		if dst.ID == src.ID {
			return api.Err(http.StatusUnprocessableEntity, "cannot_transfer_to_source_account"), false
		}
		p.targetAccountID = dst.ID
	}
	return api.Reply{}, true
}
