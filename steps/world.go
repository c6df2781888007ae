package steps

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

// World is the state of one scenario: what its When steps produced for its
// Then steps to check. Register makes one per scenario.
//
// Beside each typed result the World keeps the journal records of the
// call that produced it: the Then steps judge those records with the
// functions of package check, which is what an auditor reruns.
type World struct {
	s        *Session
	id       string // the scenario's id in the plan
	scenario string

	err  error          // the last API call's error
	last []check.Record // the last API call's records, for "is refused" steps

	token     *stone.Token
	tokenRecs []check.Record

	accounts     *stone.AccountPage
	accountsRecs []check.Record
	accountID    string // the account the scenario is about
	account      *stone.Account
	accountRecs  []check.Record
	balance      *stone.Balance
	balanceRecs  []check.Record
	pageRecs     []check.Record
	pageLimit    int64

	consentLink     string
	consentMetadata map[string]any
	consent         *stone.ConsentResult
	consentRecs     []check.Record

	transferReq  stone.InternalTransferRequest
	idemKey      string
	transfer     *stone.InternalTransfer
	transferRecs []check.Record // the creation
	replayRecs   []check.Record
	dryRunRecs   []check.Record

	ted      *stone.ExternalTransfer
	tedRecs  []check.Record
	pix      *stone.OutboundPixPayment
	pixRecs  []check.Record
	brcode   *stone.BRCode
	brRecs   []check.Record
	pixKeyID string

	dryCheck    *stone.PaymentDryRun
	checkRecs   []check.Record
	barcode     string
	payment     *stone.Payment
	paymentRecs []check.Record
	invoice     *stone.BarcodePaymentInvoice
	invoiceRecs []check.Record
	limitsRecs  []check.Record

	feesRecs         []check.Record
	institutionsRecs []check.Record

	webhook *check.Record
	partner []partnerSent // the last batch of deliveries to the partner's receiver

	linkConfigRecs []check.Record
	order          *stone.Order
	orderRecs      []check.Record

	signUpID   string
	signUpRecs []check.Record

	docRecs  []check.Record // a receipt or a boleto's PDF
	docShows string         // what it must show

	topUpRecs []check.Record

	contact     *stone.Contact
	contactReq  stone.ContactRequest
	contactRecs []check.Record // the last creation or update
	bankAccount *stone.ContactBankAccount
	bankRecs    []check.Record // the last bank account added or updated

	portability     *stone.SalaryPortability
	portabilityRecs []check.Record

	salariesID      string
	payroll         *stone.Payroll
	payrollRecs     []check.Record // the creation
	payrollReads    []check.Record
	payrollListRecs []check.Record

	kycUserID     string
	kyc           *stone.KYCRequest
	kycRecs       []check.Record
	photos        []string       // public URLs of the photos uploaded
	photoRecs     []check.Record // storage requests and uploads
	kycAnswerRecs []check.Record

	saved map[string]string // values the generic steps saved, by name
}

// call runs f, an API call, with a tape in its context and returns the
// journal records it made (every attempt, a token request if one was
// needed). They become the scenario's last call, for refusal checks.
func (w *World) call(ctx context.Context, f func(context.Context) error) ([]check.Record, error) {
	ctx, tape := check.WithTape(ctx)
	err := f(ctx)
	recs := tape.Records()
	w.last, w.err = recs, err
	return recs, err
}

// verify runs a check over recorded data, writes what it checked to the
// evidence and returns its failure.
func (w *World) verify(ctx context.Context, name string, p check.Params, in check.Inputs) error {
	res := check.Run(name, p, in)
	w.s.cfg.Evidence.Check(ctx, res)
	return res.Err()
}

// succeeded judges an action's call: the request must have succeeded. A
// refusal is reported through the check, from the recorded response; an
// error the records cannot show (nothing was sent, a body the client could
// not decode) is returned as it is.
func (w *World) succeeded(ctx context.Context, recs []check.Record, err error) error {
	if !hasHTTP(recs) {
		return err
	}
	if cerr := w.verify(ctx, check.Succeeded, nil, check.Inputs{"response": recs}); cerr != nil {
		return cerr
	}
	return err
}

func hasHTTP(recs []check.Record) bool {
	for _, r := range recs {
		if r.HTTP != nil {
			return true
		}
	}
	return false
}

// persons picks the account owner's events of one action from records.
func persons(recs []check.Record, action string) []check.Record {
	var out []check.Record
	for _, r := range recs {
		if r.Person != nil && r.Person.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// params builds check parameters from name, value pairs.
func params(kv ...any) check.Params {
	p := check.Params{}
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		switch v := kv[i+1].(type) {
		case int64:
			p[k] = strconv.FormatInt(v, 10)
		default:
			p[k] = fmt.Sprint(v)
		}
	}
	return p
}

// need fails with a readable message when a When step did not run or failed.
func need[T any](v *T, what string, lastErr error) (*T, error) {
	if v != nil {
		return v, nil
	}
	if lastErr != nil {
		return nil, fmt.Errorf("no %s: the request failed: %w", what, lastErr)
	}
	return nil, fmt.Errorf("no %s: no step of this scenario produced one", what)
}

// key is a fresh idempotency key, unique per run: the sandbox remembers
// keys across runs.
func (w *World) key() string {
	return "homolog-" + w.s.cfg.RunID + "-" + w.s.cfg.NewID()
}

var errNoAccount = errors.New("no account: add \"Given the application's own account is known\" before this step")
