package simulator

import (
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/barcode"
	"github.com/openbank-homolog/homolog/simulator/internal/calendar"
	"github.com/openbank-homolog/homolog/simulator/internal/consent"
	"github.com/openbank-homolog/homolog/simulator/internal/faults"
	"github.com/openbank-homolog/homolog/simulator/internal/institutions"
	"github.com/openbank-homolog/homolog/simulator/internal/keycloak"
	"github.com/openbank-homolog/homolog/simulator/internal/ledger"
	"github.com/openbank-homolog/homolog/simulator/internal/webhooks"
)

// The names these tests use for what now lives in the internal packages:
// the tests drive the whole simulator over HTTP and read its answers with
// the families' own types.
type (
	fieldError          = api.FieldError
	event               = ledger.Event
	flushSummary        = webhooks.FlushSummary
	simWebhookView      = webhooks.SimView
	webhookView         = webhooks.View
	consentOutcome      = consent.Outcome
	clockResponse       = ledger.ClockResponse
	institution         = institutions.Institution
	faultsState         = faults.State
	faultCounters       = faults.Counters
	listResponse[T any] = api.List[T]
	barcodeInfo         = barcode.Info
	book                = ledger.Book
)

const (
	tokenPath          = keycloak.TokenPath
	sandboxRealmURL    = keycloak.SandboxRealmURL
	tokenScope         = keycloak.TokenScope
	webhookMaxAttempts = webhooks.MaxAttempts
	webhookMaxDelay    = webhooks.MaxDelay
	webhookUserAgent   = webhooks.UserAgent
	whPending          = webhooks.StatusPending
	whDelivered        = webhooks.StatusDelivered
	whFailed           = webhooks.StatusFailed
	whNoURL            = webhooks.StatusNoURL
)

func itoa(v int64) string                                       { return api.Itoa(v) }
func ts(t time.Time) string                                     { return api.TS(t) }
func brasilia() *time.Location                                  { return calendar.Brasilia() }
func dateString(t time.Time) string                             { return calendar.DateString(t) }
func parseBarcode(s string, now time.Time) (barcodeInfo, error) { return barcode.Parse(s, now) }

// tokenResponse is the token endpoint's answer (§1.4).
type tokenResponse struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int    `json:"expires_in"`
	RefreshExpiresIn int    `json:"refresh_expires_in"`
	TokenType        string `json:"token_type"`
	NotBeforePolicy  int    `json:"not-before-policy"`
	SessionState     string `json:"session_state"`
	Scope            string `json:"scope"`
}

// keycloakError is the token endpoint's error body.
type keycloakError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// calendarResponse is GET /api/v1/schedulings/calendar (§5.3).
type calendarResponse struct {
	ExecutionLimitDate         string `json:"execution_limit_date"`
	NextAvailableExecutionDate string `json:"next_available_execution_date"`
	NonBusinessDays            []struct {
		Date               string  `json:"date"`
		IsWeekend          bool    `json:"is_weekend"`
		IsHoliday          bool    `json:"is_holiday"`
		HolidayDescription *string `json:"holiday_description"`
	} `json:"non_business_days"`
}

// pixInvoice is the part of a PIX charge the tests read.
type pixInvoice struct {
	ID                 string  `json:"id"`
	Status             string  `json:"status"`
	Amount             int64   `json:"amount"`
	PaidAt             *string `json:"paid_at"`
	QRCodeContent      string  `json:"qr_code_content"`
	QRCodeImage        string  `json:"qr_code_image"`
	InboundPixPayments []struct {
		ID     string `json:"id"`
		Amount int64  `json:"amount"`
	} `json:"inbound_pix_payments"`
}
