package simulator

import "net/http"

// moneyRoutes registers the PIX, barcode payment and boleto issuance API.
// Order matters where a literal segment and a wildcard meet: brcodes before
// {id}, the outbound payments before /pix/{id}.
func (s *Simulator) moneyRoutes(rt *router) {
	key := s.idempotencyKeyRequired
	rt.add(http.MethodPost, "/api/v1/pix/outbound_pix_payments/brcodes", true, s.handleReadBRCode)
	rt.add(http.MethodGet, "/api/v1/pix/outbound_pix_payments/brcodes", true, s.handleReadBRCode)
	rt.add(http.MethodPost, "/api/v1/pix/outbound_pix_payments", true, key(s.handleCreatePix))
	rt.add(http.MethodGet, "/api/v1/pix/outbound_pix_payments/{id}", true, s.handleGetPix)
	rt.add(http.MethodPost, "/api/v1/pix/outbound_pix_payments/{id}/actions/confirm", true, key(s.handleConfirmPix))
	rt.add(http.MethodGet, "/api/v1/outbound_pix_payments/{id}", true, s.handleGetPix)
	rt.add(http.MethodGet, "/api/v1/pix/{id}", true, s.handleGetPix)

	rt.add(http.MethodPost, "/api/v1/pix/{account_id}/entries", true, s.idempotent(s.handleCreatePixEntry))
	rt.add(http.MethodGet, "/api/v1/pix/{account_id}/entries", true, s.handleListPixEntries)
	rt.add(http.MethodGet, "/api/v1/pix/{account_id}/entries/{id}", true, s.handleGetPixEntry)
	rt.add(http.MethodDelete, "/api/v1/pix/{account_id}/entries/{id}", true, s.handleDeletePixEntry)
	rt.add(http.MethodDelete, "/api/v1/pix_entries/key/{id}", true, s.handleDeletePixEntry)

	rt.add(http.MethodPost, "/api/v1/pix_payment_invoices", true, s.idempotent(s.handleCreatePixInvoice))
	rt.add(http.MethodGet, "/api/v1/pix_payment_invoices", true, s.handleListPixInvoices)
	rt.add(http.MethodGet, "/api/v1/pix_payment_invoices/{id}", true, s.handleGetPixInvoice)
	rt.add(http.MethodDelete, "/api/v1/pix_payment_invoices/{id}", true, s.handleCancelPixInvoice)
	rt.add(http.MethodGet, "/api/v1/inbound_pix_payments/{id}", true, s.handleGetInboundPix)
	rt.add(http.MethodPost, "/api/v1/refunds_for_inbound_pix_payments", true, s.idempotent(s.handleRefundInboundPix))

	rt.add(http.MethodPost, "/api/v1/dry_run/payments", true, s.idempotent(s.handleDryRunPayment))
	rt.add(http.MethodPost, "/api/v1/payments", true, key(s.handleCreatePayment))
	rt.add(http.MethodGet, "/api/v1/payments", true, s.handleListPayments)
	rt.add(http.MethodGet, "/api/v1/payments/{id}", true, s.handleGetPayment)

	rt.add(http.MethodPost, "/api/v1/barcode_payment_invoices", true, s.idempotent(s.handleCreateBoleto))
	rt.add(http.MethodGet, "/api/v1/barcode_payment_invoices", true, s.handleListBoletos)
	rt.add(http.MethodGet, "/api/v1/barcode_payment_invoices/limits/{account_id}", true, s.handleBoletoLimits)
	rt.add(http.MethodGet, "/api/v1/barcode_payment_invoices/{id}", true, s.handleGetBoleto)
	rt.add(http.MethodPost, "/api/v1/barcode_payment_invoices/{id}/cancel", true, s.idempotent(s.handleCancelBoleto))
	rt.add(http.MethodGet, "/api/v1/exports/barcode_payment_invoices/{id}", true, s.handleExportBoleto)
}

// simMoneyRoutes registers the /_sim/ controls of other banks and payers.
func (s *Simulator) simMoneyRoutes(rt *router) {
	rt.add(http.MethodPost, "/_sim/external_transfers/{id}/refund", false, s.handleRefundTED)
	rt.add(http.MethodPost, "/_sim/payments/{id}/refund", false, s.handleRefundPayment)
	rt.add(http.MethodPost, "/_sim/pix_payments/{id}/refund", false, s.handleRefundPix)
	rt.add(http.MethodPost, "/_sim/barcode_payment_invoices/{id}/pay", false, s.handlePayBoleto)
	rt.add(http.MethodPost, "/_sim/pix_payment_invoices/{id}/pay", false, s.handlePayPixInvoice)
	rt.add(http.MethodGet, "/_sim/fixtures/barcodes", false, s.handleBarcodeFixtures)
}
