package simulator

import (
	"bytes"
	"io"
	"net/http"
)

// optionalBody reads a JSON object body that may be left out entirely (a
// /_sim/ control, a PIX confirmation): no body reads as {}.
func optionalBody(r *http.Request) (fields, reply, bool) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return fields{}, badRequest("could not read request body: " + err.Error()), false
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return emptyFields(), reply{}, true
	}
	obj, err := decodeObject(bytes.NewReader(raw))
	if err != nil {
		return fields{}, badRequest(err.Error()), false
	}
	return fields{obj: obj, errs: &[]fieldError{}}, reply{}, true
}

// handleRefundTED makes the receiving bank return a TED with reason_code
// (default "1"): now if it finished, else as soon as it does.
func (s *Simulator) handleRefundTED(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.armRefund(w, r, rc, kindExternal(), "1", tedRefunds())
}

// handleRefundPayment makes the issuer return a barcode payment with
// reason_code (default "63").
func (s *Simulator) handleRefundPayment(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.armRefund(w, r, rc, kindPayment(), "63", paymentRefunds())
}

// handleRefundPix makes the receiving bank return a PIX.
func (s *Simulator) handleRefundPix(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.armRefund(w, r, rc, kindPix(), "", nil)
}

func (s *Simulator) armRefund(w http.ResponseWriter, r *http.Request, rc *reqCtx, k *opKind, def string, codes map[string]string) {
	f, rp, ok := optionalBody(r)
	if !ok {
		rp.write(w)
		return
	}
	code := f.str("reason_code", false)
	if code == "" {
		code = def
	}
	if _, known := codes[code]; codes != nil && !known {
		f.add("is not a refund reason code of "+k.label+"s", "reason_code")
	}
	if rp, ok := f.result(); !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		op, ok := st.opOf(k, r.PathValue("id"))
		if !ok {
			return notFound()
		}
		now := st.stamp(rc.now)
		status := op.base().Status
		switch o := op.(type) {
		case *extTransfer:
			if status == "FINISHED" {
				st.refundTED(o, code, now)
			} else if !terminal(status) {
				o.refundWith = code
			} else {
				return conflict("external transfer is " + status)
			}
		case *payment:
			if status == "FINISHED" {
				st.refundPayment(o, code, now)
			} else if !terminal(status) {
				o.refundWith = code
			} else {
				return conflict("payment is " + status)
			}
		case *pixPayment:
			switch {
			case status == "SETTLED" && o.targetAccountID == "":
				st.refundPix(o, now)
			case status == "SETTLED" || terminal(status):
				return conflict("PIX payment is " + status + " (a PIX settled into a Stone account cannot be returned)")
			default:
				o.refund = true
			}
		}
		return jsonReply(http.StatusOK, op)
	})
}

func terminal(status string) bool {
	switch status {
	case "FAILED", "FINISHED", "CANCELLED", "REJECTED", "EXPIRED", "REFUNDED", "SETTLED":
		return true
	}
	return false
}

// handlePayBoleto is somebody paying an issued boleto at any bank: the
// beneficiary is credited at once (amount defaults to the boleto's).
func (s *Simulator) handlePayBoleto(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	f, rp, ok := optionalBody(r)
	if !ok {
		rp.write(w)
		return
	}
	amount, _ := f.amount("amount", false, maxBoletoAmount*10)
	payer := f.str("payer_document", false)
	if rp, ok := f.result(); !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		bo, ok := st.boletos[r.PathValue("id")]
		if !ok {
			return notFound()
		}
		if bo.Status != "REGISTERED" {
			return conflict("boleto is " + bo.Status + ", only a REGISTERED boleto can be paid")
		}
		if amount == 0 {
			amount = bo.Amount
		}
		if payer == "" {
			payer = "52998224725"
		}
		st.settleBoleto(bo, amount, payer, st.stamp(rc.now))
		return jsonReply(http.StatusOK, bo)
	})
}

// handlePayPixInvoice is an inbound PIX from another bank paying a charge.
func (s *Simulator) handlePayPixInvoice(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	f, rp, ok := optionalBody(r)
	if !ok {
		rp.write(w)
		return
	}
	amount, _ := f.amount("amount", false, maxInvoiceAmount)
	var payer pixParty
	payer.Entity.Name, payer.Entity.Document, payer.Entity.DocumentType = "Pedro Alves", "52998224725", "cpf"
	payer.Institution.ISPB, payer.Institution.Name = "18236120", "Nu Pagamentos S.A."
	if p, ok := f.object("payer", false); ok {
		if n := p.str("name", false); n != "" {
			payer.Entity.Name = n
		}
		if d := p.str("document", false); d != "" {
			payer.Entity.Document, payer.Entity.DocumentType = d, documentType(d)
		}
	}
	if rp, ok := f.result(); !ok {
		rp.write(w)
		return
	}
	s.withStore(w, func(st *store) reply {
		inv, ok := st.pixInvoices[r.PathValue("id")]
		if !ok {
			return notFound()
		}
		if amount == 0 {
			amount = inv.Amount
		}
		if rp, ok := st.checkInvoice(inv.ID, amount, true); !ok {
			return rp
		}
		now := st.stamp(rc.now)
		st.receivePix(st.accounts[inv.AccountID], amount, payer, "E"+payer.Institution.ISPB+endToEndID(inv.ID+"|in", now)[9:], inv.ID, now)
		return jsonReply(http.StatusOK, inv)
	})
}

// handleBarcodeFixtures lists the test barcodes valid on the simulator clock.
func (s *Simulator) handleBarcodeFixtures(w http.ResponseWriter, _ *http.Request, rc *reqCtx) {
	jsonReply(http.StatusOK, barcodeFixtures(rc.now)).write(w)
}
