// Package stone is a client for Stone's Open Banking API ("Stone Banking
// API") and a receiver for its webhooks. It sends exactly the forms
// documented in stone-api.md; where sources disagree it sends what the
// reference pages document, and it knows nothing of the simulator.
//
// Every call is one HTTP exchange: the client never retries (the evidence
// must show each attempt as the runner made it); (*Error).RetryAfter tells
// a caller what Stone asked for. Invalid input is rejected before anything
// is sent, with the field named. Every documented financial POST takes an
// idempotency key; "" uses Options.NewID.
//
// # Coverage
//
// Paths are relative to {APIURL}/api/v1 unless absolute.
//
//	| Capability (stone-api.md) | Method | Endpoint |
//	|---|---|---|
//	| Auth (§1) | Token, Authenticate, ClientAssertion | POST {AuthURL}/auth/realms/stone_bank/protocol/openid-connect/token |
//	| Consent (§3) | ConsentToken, ConsentLink, ParseConsentRedirect | {SiteURL}/consentimento?client_id&jwt (no API call) |
//	| Accounts (§4) | ListAccounts | GET /accounts |
//	| | Account | GET /accounts/{id} |
//	| | Balance | GET /accounts/{id}/balance |
//	| | Statement, StatementEntries | GET /accounts/{id}/statement |
//	| | StatementEntry | GET /statement/entries/{id} |
//	| | Fees | GET /accounts/{id}/fees |
//	| | Fee | GET /accounts/{id}/fees/{fee_type} |
//	| | Schedulings | GET /accounts/{id}/schedulings |
//	| | Institutions | GET /institutions?context=(str, spi or all) |
//	| | Institution | GET /institutions/{code} |
//	| Internal transfer (§5.1) | CreateInternalTransfer | POST /internal_transfers |
//	| | DryRunInternalTransfer | POST /dry_run/internal_transfers |
//	| | InternalTransfer | GET /internal_transfers/{id} |
//	| | ListInternalTransfers | GET /internal_transfers |
//	| | CancelInternalTransfer | POST /internal_transfers/{id}/cancel |
//	| | ApproveInternalTransfer | POST /internal_transfers/{id}/approve |
//	| | RejectInternalTransfer | POST /internal_transfers/{id}/reject |
//	| External transfer, TED (§5.2) | CreateExternalTransfer | POST /external_transfers |
//	| | DryRunExternalTransfer | POST /dry_run/external_transfers |
//	| | ExternalTransfer | GET /external_transfers/{id} |
//	| | ListExternalTransfers | GET /external_transfers |
//	| | CancelExternalTransfer | POST /external_transfers/{id}/cancel |
//	| | ApproveExternalTransfer | POST /external_transfers/{id}/approve |
//	| | RejectExternalTransfer | POST /external_transfers/{id}/reject |
//	| Scheduling calendar (§5.3) | SchedulingCalendar | GET /schedulings/calendar (If-None-Match → 304) |
//	| Barcode payment (§5.4) | DryRunPayment | POST /dry_run/payments |
//	| | CreatePayment | POST /payments |
//	| | Payment | GET /payments/{id} |
//	| | ListPayments | GET /payments |
//	| | CancelPayment | POST /payments/{id}/cancel |
//	| | ApprovePayment | POST /payments/{id}/approve |
//	| | RejectPayment | POST /payments/{id}/reject |
//	| PIX keys (§5.5) | CreatePixKey | POST /pix/{account_id}/entries |
//	| | ListPixKeys | GET /pix/{account_id}/entries |
//	| | PixKey | GET /pix/{account_id}/entries/{id} |
//	| | DeletePixKey | DELETE /pix/{account_id}/entries/{id} |
//	| PIX payment (§5.5) | ReadBRCode | POST /pix/outbound_pix_payments/brcodes |
//	| | CreatePixPayment | POST /pix/outbound_pix_payments |
//	| | ConfirmPixPayment | POST /pix/outbound_pix_payments/{id}/actions/confirm |
//	| | PixPayment | GET /pix/outbound_pix_payments/{id} |
//	| PIX receive (§5.5) | CreatePixInvoice | POST /pix_payment_invoices |
//	| | CancelPixInvoice | DELETE /pix_payment_invoices/{id} |
//	| Approvals (§5.6) | Operations | GET /accounts/{id}/operations |
//	| | Operation | GET /accounts/{id}/operations/{op_id}?type= |
//	| | ApproveOperations | POST /accounts/{id}/operations/actions/approve |
//	| | CancelOperations | POST /accounts/{id}/operations/actions/cancel |
//	| Boleto issuance (§5.7) | CreateBarcodePaymentInvoice | POST /barcode_payment_invoices |
//	| | BarcodePaymentInvoice | GET /barcode_payment_invoices/{id} |
//	| | ListBarcodePaymentInvoices | GET /barcode_payment_invoices |
//	| | CancelBarcodePaymentInvoice | POST /barcode_payment_invoices/{id}/cancel |
//	| | InvoiceLimits | GET /barcode_payment_invoices/limits/{account_id} |
//	| | InvoicePDF | GET /exports/barcode_payment_invoices/{id} |
//	| Webhooks (§7) | DiscoveryKeys, WebhookKeys | GET /discovery/keys |
//	| | WebhookReceiver (http.Handler), DecodeWebhook | POST {partner webhook URI} (Stone → partner) |
//	| | ApplicationWebhooks | GET /applications/application:{client_id}/webhooks |
//	| Payment links (families §1) | PaymentLinkConfig | GET /payment_links/{account_id}/config |
//	| | CreateOrder | POST /payment_links/orders |
//	| | Orders, Order | GET /payment_links/{account_id}/orders[/{order_id}] |
//	| | CancelOrder | PATCH /payment_links/orders/{order_id}/closed |
//	| Receipts (families §2) | Receipt | POST /receipts |
//	| | PixReceipt | POST /exports/receipts |
//	| Top-ups (families §3) | MobileTopUpProviders | GET /topups/mobile/providers/{cellphone} |
//	| | TopUpProviders | GET /topups/{product}/providers |
//	| | TopUpValues | GET /topups/{product}/values/{provider_id}[/{cellphone}] |
//	| | DryRunTopUp | POST /topups/{product}/dry-run |
//	| | ExecuteTopUp, TopUpWithPIN | POST /topups/{product} (x-stone-challenge-solution) |
//	| Challenges (families §3.6) | (*Error).Challenge, SolveChallenge, EncryptToStone | JWE to the "enc" key of GET /discovery/keys |
//	| Account opening (families §4) | CreateSignUp | POST /applications/application:{client_id}/signups {"jwe"} |
//	| | SignUp | GET /applications/{client_id}/signups/{id} |
//	| Errors (§6, §5.10) | *Error: Details, Paths, RetryAfter | every non-2xx answer |
package stone
