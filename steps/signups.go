package steps

import (
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func signUpSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application requests a new payment account for a person$`, func(w *World) any { return w.requestsSignUp }).
			pt(`^a aplicação solicita uma nova conta de pagamento para uma pessoa$`),
		step(kindCheck, `^Stone accepts the account opening request, sent encrypted to its key$`, func(w *World) any { return w.signUpAccepted }).
			pt(`^a Stone aceita o pedido de abertura de conta, enviado cifrado para a chave dela$`),
		step(kindAction, `^Stone's analysis moves the account opening to "([^"]*)"$`, func(w *World) any { return w.analysisMoves }).
			pt(`^a análise da Stone leva a abertura de conta para "([^"]*)"$`),
		step(kindCheck, `^the account opening has status "([^"]*)"$`, func(w *World) any { return w.signUpHasStatus }).
			pt(`^a abertura de conta tem status "([^"]*)"$`),
	}
}

// personDocument is a valid CPF drawn from the run's ids, so each run asks
// for a different person.
func personDocument(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	d := make([]int, 11)
	for i := range 9 {
		d[i] = int(sum[i]) % 10
	}
	if d[0] == d[1] {
		d[1] = (d[1] + 1) % 10 // never eleven equal digits
	}
	for k := 9; k <= 10; k++ {
		s := 0
		for i := range k {
			s += d[i] * (k + 1 - i)
		}
		if r := s % 11; r >= 2 {
			d[k] = 11 - r
		}
	}
	out := ""
	for _, x := range d {
		out += fmt.Sprint(x)
	}
	return out
}

func (w *World) requestsSignUp(ctx context.Context) error {
	seed := w.s.cfg.RunID + w.s.cfg.NewID()
	req := stone.SignUpRequest{User: stone.SignUpPerson{Document: personDocument(seed), DocumentType: "cpf",
		FullName: "Pessoa de Homologação", Email: "homolog+" + w.s.cfg.RunID + "@example.com"}}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.signUpID, err = w.s.cfg.Client.CreateSignUp(ctx, req, w.key())
		return err
	})
	w.signUpRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) signUpAccepted(ctx context.Context) error {
	return w.verify(ctx, check.SignUpAccepted, nil, check.Inputs{"response": w.signUpRecs})
}

func (w *World) analysisMoves(ctx context.Context, status string) error {
	if w.signUpID == "" {
		return fmt.Errorf("no account opening: the request failed or was not made: %v", w.err)
	}
	cp, err := w.counterparts()
	if err != nil {
		return err
	}
	return cp.AdvanceSignUp(ctx, w.signUpID, status)
}

func (w *World) signUpHasStatus(ctx context.Context, status string) error {
	if w.signUpID == "" {
		return fmt.Errorf("no account opening: the request failed or was not made: %v", w.err)
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.SignUp(ctx, w.signUpID)
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.Status, params("status", status, "what", "account opening "+w.signUpID), check.Inputs{"reads": recs})
}
