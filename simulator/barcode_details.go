package simulator

import "time"

// barcodeDetails is the dry run's "barcode_details": what the digits say.
type barcodeDetailsView struct {
	BankCode       *string `json:"bank_code"`
	BankName       *string `json:"bank_name"`
	Barcode        string  `json:"barcode"`
	ExpirationDate *string `json:"expiration_date"`
	FaceValue      int64   `json:"face_value"`
	WritableLine   string  `json:"writable_line"`
}

// paymentDetails is the "details" object: the document's current state at
// its issuer (§5.4, "Objeto Details").
type paymentDetails struct {
	AcceptsPartialPayment     bool    `json:"accepts_partial_payment"`
	BankName                  *string `json:"bank_name"`
	Barcode                   string  `json:"barcode"`
	DiscountValue             *int64  `json:"discount_value"`
	DocumentType              string  `json:"document_type"`
	ExpirationDate            *string `json:"expiration_date"`
	FaceValue                 int64   `json:"face_value"`
	FineValue                 *int64  `json:"fine_value"`
	InterestValue             *int64  `json:"interest_value"`
	MaxValue                  *int64  `json:"max_value"`
	MinValue                  *int64  `json:"min_value"`
	PayerCPFCNPJ              *string `json:"payer_cpf_cnpj"`
	PayerLegalName            *string `json:"payer_legal_name"`
	PayerTradeName            *string `json:"payer_trade_name"`
	PaymentEndTime            *string `json:"payment_end_time"`
	PaymentLimitDate          *string `json:"payment_limit_date"`
	PaymentStartTime          *string `json:"payment_start_time"`
	RecipientCPFCNPJ          *string `json:"recipient_cpf_cnpj"`
	RecipientName             *string `json:"recipient_name"`
	SettlementDate            *string `json:"settlement_date"`
	Status                    string  `json:"status"` // payable | paid | unpayable
	TotalAddedValue           *int64  `json:"total_added_value"`
	TotalDiscountedValue      *int64  `json:"total_discounted_value"`
	UnpayableReasonCode       *string `json:"unpayable_reason_code"`
	UnpayableReasonDesciption *string `json:"unpayable_reason_description"`
	UpdatableValue            *bool   `json:"updatable_value"`
	Value                     int64   `json:"value"`
	WritableLine              string  `json:"writable_line"`
}

func bankNameOf(code string) *string {
	if in, ok := findInstitution(code); ok {
		return strPtr(in.ShortName)
	}
	return nil
}

func barcodeDetailsOf(b barcodeInfo) barcodeDetailsView {
	v := barcodeDetailsView{Barcode: b.barcode, FaceValue: b.face, WritableLine: b.line}
	if b.docType == "boleto" {
		v.BankCode, v.BankName = strPtr(b.bankCode), bankNameOf(b.bankCode)
	}
	if !b.expiration.IsZero() {
		v.ExpirationDate = strPtr(dateString(b.expiration))
	}
	return v
}

// barcodeDetails works out a document's state and payable value at now,
// from its test family (barcodes.go) or, for anything else, its face.
func barcodeDetails(b barcodeInfo, now time.Time) paymentDetails {
	d := paymentDetails{Barcode: b.barcode, DocumentType: b.docType, FaceValue: b.face, Value: b.face,
		WritableLine: b.line, Status: "payable", MinValue: ptr(b.face), MaxValue: ptr(b.face)}
	if b.docType == "boleto" {
		d.BankName = bankNameOf(b.bankCode)
		d.RecipientName, d.RecipientCPFCNPJ = strPtr("Beneficiário de Teste Ltda"), strPtr("11444777000161")
		d.PaymentStartTime, d.PaymentEndTime = strPtr("00:00:00"), strPtr("23:50:00")
	} else {
		d.UpdatableValue = ptr(false)
	}
	limit := b.expiration
	if !b.expiration.IsZero() {
		d.ExpirationDate = strPtr(dateString(b.expiration))
	}
	unpayable := func(code, why string) {
		d.Status, d.UnpayableReasonCode, d.UnpayableReasonDesciption = "unpayable", strPtr(code), strPtr(why)
	}
	switch b.kind {
	case "paid":
		d.Status, d.SettlementDate = "paid", strPtr(ts(dayOf(now).Add(-24*time.Hour+12*time.Hour)))
	case "unpayable":
		unpayable("2", "Documento não pagável: contate o emissor.")
	case "divergent":
		d.AcceptsPartialPayment, d.MinValue, d.MaxValue = true, ptr(b.face/2), ptr(b.face*3/2)
	case "overdue":
		limit = b.expiration.AddDate(0, 0, 30)
		fine := b.face * 2 / 100
		d.FineValue, d.TotalAddedValue, d.Value = ptr(fine), ptr(fine), b.face+fine
		d.MinValue, d.MaxValue = ptr(d.Value), ptr(d.Value)
	}
	if !limit.IsZero() {
		d.PaymentLimitDate = strPtr(dateString(limit))
		if d.Status == "payable" && dayOf(now).After(limit) {
			unpayable("1", "Documento vencido: data limite de pagamento ultrapassada.")
		}
	}
	if d.Status == "payable" && b.face == 0 && b.kind != "divergent" {
		unpayable("2", "Pagamento sem valor registrado não é suportado. Contate o emissor.")
	}
	return d
}

// issuedDetails describes a boleto this simulator issued, as its issuer.
func issuedDetails(bo *boleto, b barcodeInfo, now time.Time) paymentDetails {
	d := barcodeDetails(b, now)
	d.RecipientName, d.RecipientCPFCNPJ = strPtr(bo.Beneficiary.LegalName), strPtr(bo.Beneficiary.Document)
	if bo.Customer != nil {
		d.PayerCPFCNPJ, d.PayerLegalName = strPtr(bo.Customer.Document), strPtr(bo.Customer.LegalName)
		d.PayerTradeName = bo.Customer.TradeName
	}
	d.ExpirationDate, d.PaymentLimitDate = strPtr(bo.ExpirationDate), strPtr(bo.LimitDate)
	d.Value, d.MinValue, d.MaxValue, d.UnpayableReasonCode, d.UnpayableReasonDesciption = bo.Amount, ptr(bo.Amount), ptr(bo.Amount), nil, nil
	switch bo.Status {
	case "REGISTERED":
		d.Status = "payable"
	case "SETTLED":
		d.Status, d.SettlementDate = "paid", bo.SettledAt
	default:
		d.Status = "unpayable"
		d.UnpayableReasonCode, d.UnpayableReasonDesciption = strPtr("2"), strPtr("Boleto "+bo.Status+" no emissor.")
	}
	return d
}
