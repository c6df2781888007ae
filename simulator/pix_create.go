package simulator

import (
	"net/http"
	"strings"
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
func decodePixRequest(r *http.Request) (pixRequest, reply, bool) {
	var req pixRequest
	f, rp, ok := decodeFields(r)
	if !ok {
		return req, rp, false
	}
	req.accountID = f.str("account_id", true)
	if n, ok := f.int("amount", false); ok {
		if n < 0 || n > maxPixAmount {
			f.add("must be between 0 and 1000000000000", "amount")
		}
		req.amount = n
	}
	req.description = f.str("description", false)
	f.maxLen("description", req.description, maxPixDescription)
	req.key = strings.TrimSpace(f.str("key", false))
	req.txid = f.str("transaction_id", false)
	if req.txid != "" {
		if !pixTxidRE.MatchString(req.txid) {
			f.add(`has invalid format (^[a-zA-Z0-9]{1,35}$)`, "transaction_id")
		}
		if req.key == "" {
			f.add("requires key", "transaction_id")
		}
	}
	req.scheduledTo = f.scheduledTo()
	if f.has("source") {
		f.object("source", false)
	}
	if req.key == "" {
		if t, ok := f.object("target", true); ok {
			readPixTarget(t, &req)
		}
	}
	rp, ok = f.result()
	return req, rp, ok
}

func readPixTarget(t fields, req *pixRequest) {
	if e, ok := t.object("entity", true); ok {
		ent := &req.target.Entity
		ent.Name, ent.Document = e.str("name", true), e.str("document", true)
		if ent.Document != "" {
			ent.DocumentType = documentType(ent.Document)
			if !digitsRE.MatchString(ent.Document) || ent.DocumentType == "" {
				e.add("must be a CPF (11 digits) or a CNPJ (14 digits)", "document")
			}
		}
	}
	if a, ok := t.object("account", true); ok {
		acc := &pixAccount{AccountType: strings.ToUpper(a.str("account_type", true)), AccountCode: a.str("account_code", true),
			BranchCode: a.str("branch_code", false)}
		if acc.AccountType != "" && acc.AccountType != "PG" && acc.AccountType != "PP" && acc.AccountType != "CC" {
			a.add("must be PG, PP or CC", "account_type")
		}
		if acc.AccountCode != "" && !pixAccountRE.MatchString(acc.AccountCode) {
			a.add(`has invalid format (^[1-9]\d{1,19}$)`, "account_code")
		}
		if acc.BranchCode != "" && !pixBranchRE.MatchString(acc.BranchCode) {
			a.add(`has invalid format (^\d{4}$)`, "branch_code")
		}
		req.target.Account, req.targetAccountCode = acc, acc.AccountCode
	}
	if in, ok := t.object("institution", true); ok {
		req.target.Institution.ISPB = in.str("ispb", true)
		if v := req.target.Institution.ISPB; v != "" && !(len(v) == 8 && digitsRE.MatchString(v)) {
			in.add("must be an ISPB (8 digits)", "ispb")
		}
	}
}

// handleCreatePix creates an outbound PIX draft: 201 CREATED with its
// end_to_end_id; the target's document is masked as Stone masks it.
func (s *Simulator) handleCreatePix(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	req, rp, ok := decodePixRequest(r)
	if !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		src, ok := st.accessible(rc.client, req.accountID)
		if !ok {
			return unauthorized()
		}
		if rp, ok := st.checkScheduleLimit(req.scheduledTo, rc.now); !ok {
			return rp
		}
		now := st.stamp(rc.now)
		p := &pixPayment{Description: req.description, ScheduledTo: req.scheduledTo}
		p.ID = st.newID()
		p.AccountID, p.Amount, p.CreatedAt, p.CreatedBy, p.Status = src.ID, req.amount, ts(now), rc.client.subjectID(), "CREATED"
		p.created = now
		p.EndToEndID, p.RequestID = endToEndID(p.ID, now), requestIDOf(p.ID)
		p.Source = stoneParty(src)
		if rp, ok := st.resolvePixTarget(p, req, src); !ok {
			return rp
		}
		p.Target.Entity.Document = maskDocument(p.Target.Entity.Document)
		st.addOp(p)
		return jsonReply(http.StatusCreated, p)
	})
}

// stoneParty describes a Stone account as PIX source or target.
func stoneParty(a *account) pixParty {
	var p pixParty
	p.Account = &pixAccount{AccountCode: a.AccountCode, AccountType: "PG", BranchCode: "0001"}
	p.Entity.Document, p.Entity.DocumentType, p.Entity.Name = a.OwnerDocument, documentType(a.OwnerDocument), a.OwnerName
	p.Institution.ISPB, p.Institution.Name = stoneISPB, stoneInstitutionName
	return p
}

// resolvePixTarget finds who a PIX pays: a DICT key, or account data (a
// Stone account must exist; other banks' accounts are taken on trust).
func (st *store) resolvePixTarget(p *pixPayment, req pixRequest, src *account) (reply, bool) {
	if req.key != "" {
		if len(req.key) > maxPixKeyLen || keyTypeOf(req.key) == "" {
			return unprocessable("invalid_key", "key is not a CPF, CNPJ, e-mail, phone (+55...) or random key"), false
		}
		d, ok := st.dict[req.key]
		if !ok {
			return unprocessable("key_not_found", "no PIX key "+req.key+" in the DICT"), false
		}
		if d.accountID == src.ID {
			return srnErr(http.StatusUnprocessableEntity, "cannot_transfer_to_source_account"), false
		}
		p.Key = strPtr(req.key)
		p.Target.Entity.Document, p.Target.Entity.DocumentType, p.Target.Entity.Name = d.document, d.documentType, d.name
		p.Target.Institution.ISPB, p.Target.Institution.Name = d.ispb, d.institutionName()
		p.targetAccountID, p.refund = d.accountID, d.refunds
		if req.txid != "" {
			p.TransactionID = strPtr(req.txid)
			if inv := st.invoiceByTxid(req.key, req.txid); inv != nil {
				if p.Amount == 0 {
					p.Amount = inv.Amount
				}
				p.invoiceID = inv.ID
				return st.checkInvoice(inv.ID, p.Amount, false)
			}
		}
		return reply{}, true
	}
	in, ok := findInstitution(req.target.Institution.ISPB)
	if !ok || !in.SPIParticipant {
		return unprocessable("target_institution_not_found", "no PIX participant has ISPB "+req.target.Institution.ISPB), false
	}
	p.Target = req.target
	p.Target.Institution.Name = in.Name
	if in.ISPBCode == stoneISPB {
		dst, ok := st.accountsByCode[req.targetAccountCode]
		if !ok {
			return srnErr(http.StatusUnprocessableEntity, "target_account_not_found"), false
		}
		if dst.ID == src.ID {
			return srnErr(http.StatusUnprocessableEntity, "cannot_transfer_to_source_account"), false
		}
		p.targetAccountID = dst.ID
	}
	return reply{}, true
}
