package steps

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openbank-homolog/homolog/locale"
)

// TestPersonOwnerInPortuguese: with --lang pt-BR the account owner is
// asked in Portuguese, with Stone's own button names; a bad paste is
// explained in Portuguese; "pular" gives the step up; the journal keeps
// the decision in English.
func TestPersonOwnerInPortuguese(t *testing.T) {
	var out bytes.Buffer
	ev := &tapeEvidence{}
	o := NewPersonOwner(PersonOptions{Out: &out, In: strings.NewReader("olá\npular\n"), Interactive: true, Actions: 4,
		Poll: time.Millisecond, Wait: 5 * time.Second, Evidence: ev, Lang: locale.Portuguese})
	defer o.Close()
	_, err := o.DecideConsent(context.Background(), ask)
	var skipped *SkippedError
	if !errors.As(err, &skipped) {
		t.Fatalf("err = %v, want pular to give the step up", err)
	}
	for _, s := range []string{
		`── ação do titular 1 de 4 · cenário "The owner approves the consent request" ──`,
		`Titular da conta: abra este link de consentimento num navegador, entre na conta do sandbox e escolha "permitir" (aperte "Permitir" na página da Stone):`,
		"(um endereço local curto para o link de consentimento da Stone:)",
		"cole aqui e tecle Enter — ou digite pular para desistir deste passo. Aguardando até 5s.",
		"✗ isso não é um endereço: copie o endereço inteiro da barra de endereços do navegador. Cole de novo, ou digite pular.",
	} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("the person was not shown %q:\n%s", s, out.String())
		}
	}
	if strings.Contains(out.String(), "Account owner") {
		t.Errorf("an English sentence in the Portuguese prompt:\n%s", out.String())
	}
	if got := strings.Join(ev.outcomes(), " "); got != "rejected_answer skipped" {
		t.Errorf("outcomes %q", got)
	}

	out.Reset()
	calls := 0
	o = NewPersonOwner(PersonOptions{Out: &out, Interactive: true, Actions: 2, Poll: time.Millisecond, Wait: 10 * time.Second, Evidence: ev, Lang: locale.Portuguese})
	err = o.DecideOperation(context.Background(), Operation{Kind: KindInternalTransfer, ID: "t1", Scenario: "Transferência interna da conta consentida aguarda o titular",
		Amount: 123456, Recipient: "conta Stone 58859 (Fernando)", Account: "acc-9", Status: func(context.Context) (string, error) {
			calls++
			if calls < 2 {
				return "CREATED", nil
			}
			return "APPROVED", nil
		}}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := `Titular da conta: no app da Stone, em "Aprovar transações", aprove ("Aprovar") a transferência interna de R$ 1.234,56 para conta Stone 58859 (Fernando) da conta acc-9 (operação t1).`
	if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "O homolog acompanha o status; digite pular") {
		t.Errorf("the prompt is not %q:\n%s", want, out.String())
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	for _, p := range ev.events {
		if p.Action == "prompt" && p.Subject == KindInternalTransfer && p.Decision != "approve" {
			t.Errorf("the journal records the decision %q; want it in English", p.Decision)
		}
	}
}
