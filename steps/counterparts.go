package steps

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/openbank-homolog/homolog/check"
)

// PrereqControls is what a scenario that plays someone other than the
// application and the account owner needs, in blocked reports.
const PrereqControls = "the simulator's test controls"

// Counterparts are the others a scenario may need to act: the payer of a
// payment link, the clock of one order, Stone's analysis of an account
// opening. Only the simulator can play them (its /_sim/ controls); the
// scenarios that need them are tagged @simulator-only, and against Stone
// the steps report them blocked. SimulatorOwner implements it, recording
// each action as a person event of the simulator, like the owner's.
type Counterparts interface {
	// PayOrder pays a payment link as the payer would at its checkout.
	PayOrder(ctx context.Context, orderID string) error
	// ExpireOrder lets one payment link's checkout time run out now.
	ExpireOrder(ctx context.Context, orderID string) error
	// AdvanceSignUp moves an account opening to status (kyc_analysis,
	// finished or failed), as Stone's analysis would.
	AdvanceSignUp(ctx context.Context, signUpID, status string) error
	// AnswerPortability is the payroll institution answering a salary
	// portability request: ENABLED or DISABLED.
	AnswerPortability(ctx context.Context, portabilityID, status string) error
	// UploadSalaries uploads a payroll's salaries file and returns its
	// salaries_id. Stone's upload goes to another host and is not
	// documented; the simulator stands in for it.
	UploadSalaries(ctx context.Context, rows []SalaryRow) (string, error)
}

// counterparts returns the run's Counterparts, or a blocked error.
func (w *World) counterparts() (Counterparts, error) {
	if cp, ok := w.s.cfg.Owner.(Counterparts); ok {
		return cp, nil
	}
	return nil, &BlockedError{Prereq: PrereqControls, Cause: errors.New("only the simulator can play the payer or Stone's analysis; this scenario is @simulator-only")}
}

func (o SimulatorOwner) control(ctx context.Context, subject, id, what, path string, body any) error {
	o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonPrompt, Subject: subject, ID: id, Decision: what,
		Text: "the simulator's control: " + what})
	if err := o.post(ctx, path, body, nil); err != nil {
		o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonOutcome, Subject: subject, ID: id, Outcome: "failed", Detail: err.Error()})
		return fmt.Errorf("simulator: %s %s: %w", what, id, err)
	}
	o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonOutcome, Subject: subject, ID: id, Decision: what, Outcome: "decided"})
	return nil
}

// PayOrder implements Counterparts.
func (o SimulatorOwner) PayOrder(ctx context.Context, orderID string) error {
	return o.control(ctx, "payment_links", orderID, "the payer pays", "/_sim/payment_links/orders/"+url.PathEscape(orderID)+"/pay", nil)
}

// ExpireOrder implements Counterparts.
func (o SimulatorOwner) ExpireOrder(ctx context.Context, orderID string) error {
	return o.control(ctx, "payment_links", orderID, "the checkout expires", "/_sim/payment_links/orders/"+url.PathEscape(orderID)+"/expire", nil)
}

// AdvanceSignUp implements Counterparts.
func (o SimulatorOwner) AdvanceSignUp(ctx context.Context, signUpID, status string) error {
	return o.control(ctx, "signups", signUpID, "the analysis moves to "+status, "/_sim/signups/"+url.PathEscape(signUpID)+"/status",
		map[string]string{"status": status})
}

// AnswerPortability implements Counterparts.
func (o SimulatorOwner) AnswerPortability(ctx context.Context, portabilityID, status string) error {
	return o.control(ctx, "salary_portabilities", portabilityID, "the payroll institution answers "+status,
		"/_sim/salary_portabilities/"+url.PathEscape(portabilityID)+"/status", map[string]string{"status": status})
}

// UploadSalaries implements Counterparts.
func (o SimulatorOwner) UploadSalaries(ctx context.Context, rows []SalaryRow) (string, error) {
	o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonPrompt, Subject: "payrolls", Decision: "upload the salaries file",
		Text: "the simulator's control: upload the salaries file"})
	var out struct {
		ID string `json:"id"`
	}
	if err := o.post(ctx, "/_sim/payroll/upload", map[string]any{"salaries": rows}, &out); err != nil {
		o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonOutcome, Subject: "payrolls", Outcome: "failed", Detail: err.Error()})
		return "", fmt.Errorf("simulator: upload the salaries file: %w", err)
	}
	o.ev().Person(ctx, check.Person{Actor: actorSimulator, Action: check.PersonOutcome, Subject: "payrolls", ID: out.ID, Decision: "upload the salaries file", Outcome: "decided"})
	return out.ID, nil
}
