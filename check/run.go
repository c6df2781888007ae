package check

import (
	"fmt"
	"sort"
	"strings"
)

// Func is a check: nil when what it reads holds, else an error naming the
// fault. It must depend on nothing but its parameters and inputs.
type Func func(p Params, in Inputs) error

// Names of the checks, as the journal records them. They are part of the
// bundle format: recheck finds a check by this name, so a name never
// changes meaning.
const (
	Refused                    = "refused"
	Succeeded                  = "succeeded"
	TokenIssued                = "token_issued"
	TokenReused                = "token_reused"
	OwnAccountListed           = "own_account_listed"
	AccountRead                = "account_read"
	BalanceNonNegative         = "balance_non_negative"
	StatementPages             = "statement_pages"
	StatementEntriesOnce       = "statement_entries_once"
	StatementEntriesBalanced   = "statement_entries_balanced"
	StatementChain             = "statement_chain"
	OneDebit                   = "one_debit"
	BalanceAgrees              = "balance_agrees"
	FeeListed                  = "fee_listed"
	InstitutionListed          = "institution_listed"
	ConsentRedirect            = "consent_redirect"
	ConsentMetadata            = "consent_metadata"
	ConsentedAccountListed     = "consented_account_listed"
	Created                    = "created"
	Status                     = "status"
	SameOperation              = "same_operation"
	DryRunAmount               = "dry_run_amount"
	PendingApproval            = "pending_approval"
	TEDAccepted                = "ted_accepted"
	TEDInstitutionResolved     = "ted_institution_resolved"
	BRCodeStatic               = "brcode_static"
	EndToEndID                 = "end_to_end_id"
	DocumentMasked             = "document_masked"
	PixKeyListed               = "pix_key_listed"
	BoletoDryRun               = "boleto_dry_run"
	AmountsAgree               = "amounts_agree"
	BoletoIssued               = "boleto_issued"
	LimitsValid                = "limits_valid"
	WebhookReceived            = "webhook_received"
	WebhookListed              = "webhook_listed"
	PartnerWebhookAccepted     = "partner_webhook_accepted"
	PartnerWebhookAgain        = "partner_webhook_again_accepted"
	PartnerWebhookRefused      = "partner_webhook_refused"
	PaymentLinkConfig          = "payment_link_config"
	OrderCreated               = "order_created"
	OrderListed                = "order_listed"
	OrderState                 = "order_state"
	ReceiptPDF                 = "receipt_pdf"
	TopUpProviders             = "topup_providers"
	TopUpDryRun                = "topup_dry_run"
	TopUpChallenged            = "topup_challenged"
	TopUpExecuted              = "topup_executed"
	SignUpAccepted             = "signup_accepted"
	ContactSaved               = "contact_saved"
	ContactListed              = "contact_listed"
	ContactBankAccountSaved    = "contact_bank_account_saved"
	ContactShowsBankAccount    = "contact_shows_bank_account"
	SalaryPortabilityRequested = "salary_portability_requested"
	SalaryPortabilityListed    = "salary_portability_listed"
	PayrollCreated             = "payroll_created"
	PayrollPaid                = "payroll_paid"
	PayrollListed              = "payroll_listed"
	KYCRequested               = "kyc_requested"
	KYCPhotosUploaded          = "kyc_photos_uploaded"
	KYCAnswered                = "kyc_answered"
	// The generic steps' checks (generic.go).
	ResponseStatus  = "response_status"
	FieldEquals     = "field_equals"
	FieldType       = "field_type"
	FieldMinItems   = "field_min_items"
	FieldSaved      = "field_saved"
	FieldEventually = "field_eventually"
)

// Lookup returns the check called name.
func Lookup(name string) (Func, bool) {
	switch name {
	case Refused:
		return refused, true
	case Succeeded:
		return succeeded, true
	case TokenIssued:
		return tokenIssued, true
	case TokenReused:
		return tokenReused, true
	case OwnAccountListed:
		return ownAccountListed, true
	case AccountRead:
		return accountRead, true
	case BalanceNonNegative:
		return balanceNonNegative, true
	case StatementPages:
		return statementPages, true
	case StatementEntriesOnce:
		return statementEntriesOnce, true
	case StatementEntriesBalanced:
		return statementEntriesBalanced, true
	case StatementChain:
		return statementChain, true
	case OneDebit:
		return oneDebit, true
	case BalanceAgrees:
		return balanceAgrees, true
	case FeeListed:
		return feeListed, true
	case InstitutionListed:
		return institutionListed, true
	case ConsentRedirect:
		return consentRedirect, true
	case ConsentMetadata:
		return consentMetadata, true
	case ConsentedAccountListed:
		return consentedAccountListed, true
	case Created:
		return created, true
	case Status:
		return status, true
	case SameOperation:
		return sameOperation, true
	case DryRunAmount:
		return dryRunAmount, true
	case PendingApproval:
		return pendingApproval, true
	case TEDAccepted:
		return tedAccepted, true
	case TEDInstitutionResolved:
		return tedInstitutionResolved, true
	case BRCodeStatic:
		return brcodeStatic, true
	case EndToEndID:
		return endToEndID, true
	case DocumentMasked:
		return documentMasked, true
	case PixKeyListed:
		return pixKeyListed, true
	case BoletoDryRun:
		return boletoDryRun, true
	case AmountsAgree:
		return amountsAgree, true
	case BoletoIssued:
		return boletoIssued, true
	case LimitsValid:
		return limitsValid, true
	case WebhookReceived:
		return webhookReceived, true
	case WebhookListed:
		return webhookListed, true
	case PartnerWebhookAccepted:
		return partnerWebhookAccepted, true
	case PartnerWebhookAgain:
		return partnerWebhookAgainAccepted, true
	case PartnerWebhookRefused:
		return partnerWebhookRefused, true
	case PaymentLinkConfig:
		return paymentLinkConfig, true
	case OrderCreated:
		return orderCreated, true
	case OrderListed:
		return orderListed, true
	case OrderState:
		return orderState, true
	case ReceiptPDF:
		return receiptPDF, true
	case TopUpProviders:
		return topUpProviders, true
	case TopUpDryRun:
		return topUpDryRun, true
	case TopUpChallenged:
		return topUpChallenged, true
	case TopUpExecuted:
		return topUpExecuted, true
	case SignUpAccepted:
		return signUpAccepted, true
	case ResponseStatus:
		return responseStatus, true
	case FieldEquals:
		return fieldEquals, true
	case FieldType:
		return fieldType, true
	case FieldMinItems:
		return fieldMinItems, true
	case FieldSaved:
		return fieldSaved, true
	case FieldEventually:
		return fieldEventually, true
	case ContactSaved:
		return contactSaved, true
	case ContactListed:
		return contactListed, true
	case ContactBankAccountSaved:
		return contactBankAccountSaved, true
	case ContactShowsBankAccount:
		return contactShowsBankAccount, true
	case SalaryPortabilityRequested:
		return salaryPortabilityRequested, true
	case SalaryPortabilityListed:
		return salaryPortabilityListed, true
	case PayrollCreated:
		return payrollCreated, true
	case PayrollPaid:
		return payrollPaid, true
	case PayrollListed:
		return payrollListed, true
	case KYCRequested:
		return kycRequested, true
	case KYCPhotosUploaded:
		return kycPhotosUploaded, true
	case KYCAnswered:
		return kycAnswered, true
	}
	return nil, false
}

// Run runs the check called name over its inputs. A panic in a check (a
// bug, or a bundle crafted to provoke one) is that check's failure, not
// the caller's crash.
func Run(name string, p Params, in Inputs) (res Result) {
	res = Result{Name: name, Params: p, Inputs: in.Seqs()}
	f, ok := Lookup(name)
	if !ok {
		res.Message = fmt.Sprintf("unknown check %q (this homolog knows %s)", name, strings.Join(names(), ", "))
		return res
	}
	defer func() {
		if r := recover(); r != nil {
			res.OK, res.Message = false, fmt.Sprintf("check %s could not read its inputs: %v", name, r)
		}
	}()
	if err := f(p, in); err != nil {
		res.Message = err.Error()
		return res
	}
	res.OK = true
	return res
}

// names lists every check, sorted.
func names() []string {
	all := []string{Refused, Succeeded, TokenIssued, TokenReused, OwnAccountListed, AccountRead, BalanceNonNegative,
		StatementPages, StatementEntriesOnce, StatementEntriesBalanced, StatementChain, OneDebit, BalanceAgrees,
		FeeListed, InstitutionListed, ConsentRedirect, ConsentMetadata, ConsentedAccountListed, Created, Status,
		SameOperation, DryRunAmount, PendingApproval, TEDAccepted, TEDInstitutionResolved, BRCodeStatic, EndToEndID,
		DocumentMasked, PixKeyListed, BoletoDryRun, AmountsAgree, BoletoIssued, LimitsValid, WebhookReceived, WebhookListed,
		PartnerWebhookAccepted, PartnerWebhookAgain, PartnerWebhookRefused,
		PaymentLinkConfig, OrderCreated, OrderListed, OrderState, ReceiptPDF,
		TopUpProviders, TopUpDryRun, TopUpChallenged, TopUpExecuted, SignUpAccepted,
		ContactSaved, ContactListed, ContactBankAccountSaved, ContactShowsBankAccount,
		SalaryPortabilityRequested, SalaryPortabilityListed, PayrollCreated, PayrollPaid, PayrollListed,
		KYCRequested, KYCPhotosUploaded, KYCAnswered,
		ResponseStatus, FieldEquals, FieldType, FieldMinItems, FieldSaved, FieldEventually}
	sort.Strings(all)
	return all
}
