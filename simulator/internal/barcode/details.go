package barcode

import (
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/institutions"
)

// View is the dry run's "barcode_details": what the digits say.
type View struct {
	BankCode       *string `json:"bank_code"`
	BankName       *string `json:"bank_name"`
	Barcode        string  `json:"barcode"`
	ExpirationDate *string `json:"expiration_date"`
	FaceValue      int64   `json:"face_value"`
	WritableLine   string  `json:"writable_line"`
}

// Details is the "details" object: the document's current state at
// its issuer (§5.4, "Objeto Details").
type Details struct {
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

func bankName(dir *institutions.Directory, code string) *string {
	if in, ok := dir.Find(code); ok {
		return api.StrPtr(in.ShortName)
	}
	return nil
}

func ViewOf(b Info, dir *institutions.Directory) View {
	v := View{Barcode: b.Barcode, FaceValue: b.Face, WritableLine: b.Line}
	if b.DocType == "boleto" {
		v.BankCode, v.BankName = api.StrPtr(b.BankCode), bankName(dir, b.BankCode)
	}
	if !b.Expiration.IsZero() {
		v.ExpirationDate = api.StrPtr(calendar.DateString(b.Expiration))
	}
	return v
}

// Describe works out a document's state and payable value at now,
// from its test family (barcodes.go) or, for anything else, its face.
func Describe(b Info, now time.Time, dir *institutions.Directory) Details {
	d := Details{Barcode: b.Barcode, DocumentType: b.DocType, FaceValue: b.Face, Value: b.Face,
		WritableLine: b.Line, Status: "payable", MinValue: api.Ptr(b.Face), MaxValue: api.Ptr(b.Face)}
	if b.DocType == "boleto" {
		d.BankName = bankName(dir, b.BankCode)
		d.RecipientName, d.RecipientCPFCNPJ = api.StrPtr("Beneficiário de Teste Ltda"), api.StrPtr("11444777000161")
		d.PaymentStartTime, d.PaymentEndTime = api.StrPtr("00:00:00"), api.StrPtr("23:50:00")
	} else {
		d.UpdatableValue = api.Ptr(false)
	}
	limit := b.Expiration
	if !b.Expiration.IsZero() {
		d.ExpirationDate = api.StrPtr(calendar.DateString(b.Expiration))
	}
	unpayable := func(code, why string) {
		d.Status, d.UnpayableReasonCode, d.UnpayableReasonDesciption = "unpayable", api.StrPtr(code), api.StrPtr(why)
	}
	switch b.Kind {
	case "paid":
		d.Status, d.SettlementDate = "paid", api.StrPtr(api.TS(calendar.DayOf(now).Add(-24*time.Hour+12*time.Hour)))
	case "unpayable":
		unpayable("2", "Documento não pagável: contate o emissor.")
	case "divergent":
		d.AcceptsPartialPayment, d.MinValue, d.MaxValue = true, api.Ptr(b.Face/2), api.Ptr(b.Face*3/2)
	case "overdue":
		limit = b.Expiration.AddDate(0, 0, 30)
		fine := b.Face * 2 / 100
		d.FineValue, d.TotalAddedValue, d.Value = api.Ptr(fine), api.Ptr(fine), b.Face+fine
		d.MinValue, d.MaxValue = api.Ptr(d.Value), api.Ptr(d.Value)
	}
	if !limit.IsZero() {
		d.PaymentLimitDate = api.StrPtr(calendar.DateString(limit))
		if d.Status == "payable" && calendar.DayOf(now).After(limit) {
			unpayable("1", "Documento vencido: data limite de pagamento ultrapassada.")
		}
	}
	if d.Status == "payable" && b.Face == 0 && b.Kind != "divergent" {
		unpayable("2", "Pagamento sem valor registrado não é suportado. Contate o emissor.")
	}
	return d
}
