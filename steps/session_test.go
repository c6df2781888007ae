package steps

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func plannedSession(t *testing.T) *Session {
	t.Helper()
	s := &Session{facts: map[string]*fact{}, owed: map[string]PlannedScenario{}, order: map[string]int{}}
	s.owe([]PlannedScenario{
		{ID: "early-consumer", Name: "needs consent first", Steps: []string{"the owner has consented to share an account"}},
		{ID: "builder", Name: "The owner approves the consent request", Steps: []string{"a consent link for the application's registered redirect URI", "the account owner approves the consent request"}},
		{ID: "consumer", Name: "uses the consent", Steps: []string{"the owner has consented to share an account"}},
	})
	return s
}

// A scenario after the builder waits for it, and gets what it built.
func TestConsumerWaitsForTheBuilder(t *testing.T) {
	s := plannedSession(t)
	done := make(chan error, 1)
	go func() { done <- s.awaitBuilder(context.Background(), PrereqConsent, "consumer") }()
	select {
	case err := <-done:
		t.Fatalf("did not wait for the builder: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	s.record(PrereqConsent, "The owner approves the consent request", "acc-1", nil)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	v, err := s.ensure(context.Background(), PrereqConsent, "uses the consent", func(context.Context) (any, error) {
		t.Fatal("built again although the builder built it")
		return nil, nil
	})
	if err != nil || v != "acc-1" {
		t.Fatalf("got %v, %v", v, err)
	}
}

// A builder that ends without building releases its waiters as blocked.
func TestBuilderThatGaveUpBlocksItsWaiters(t *testing.T) {
	s := plannedSession(t)
	done := make(chan error, 1)
	go func() { done <- s.awaitBuilder(context.Background(), PrereqConsent, "consumer") }()
	s.ScenarioFinished("builder")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_, err := s.ensure(context.Background(), PrereqConsent, "uses the consent", func(context.Context) (any, error) { return "x", nil })
	var blocked *BlockedError
	if !errors.As(err, &blocked) || blocked.By != "The owner approves the consent request" {
		t.Fatalf("want blocked by the builder, got %v", err)
	}
}

// A scenario before the builder (in plan order) does not wait: with one
// scenario at a time the builder could not start until it ends.
func TestConsumerBeforeTheBuilderDoesNotWait(t *testing.T) {
	s := plannedSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.awaitBuilder(ctx, PrereqConsent, "early-consumer"); err != nil {
		t.Fatal(err)
	}
	if err := s.awaitBuilder(ctx, PrereqConsent, "builder"); err != nil {
		t.Fatal(err)
	}
}

// TestGeneratedDocumentsAreValid: the CPFs and CNPJs the steps make up
// carry the check digits the Receita Federal's rule gives (weights 2 to 9
// from the right, restarting for a CNPJ), so a bank that checks them, and
// the evidence's redaction, treat them as documents.
func TestGeneratedDocumentsAreValid(t *testing.T) {
	valid := func(d string, wrap int) bool {
		for k := len(d) - 2; k < len(d); k++ {
			s, w := 0, 2
			for i := k - 1; i >= 0; i-- {
				s += int(d[i]-'0') * w
				if w++; w > wrap {
					w = 2
				}
			}
			want := 0
			if r := s % 11; r >= 2 {
				want = 11 - r
			}
			if int(d[k]-'0') != want {
				return false
			}
		}
		return true
	}
	if !valid("11444777000161", 9) || valid("11444777000162", 9) || !valid("52998224725", 11) {
		t.Fatal("the reference rule itself is wrong")
	}
	for i := range 50 {
		seed := fmt.Sprint("run-", i)
		if c := companyDocument(seed); len(c) != 14 || !valid(c, 9) {
			t.Errorf("companyDocument(%q) = %s, not a valid CNPJ", seed, c)
		}
		if c := personDocument(seed); len(c) != 11 || !valid(c, 11) {
			t.Errorf("personDocument(%q) = %s, not a valid CPF", seed, c)
		}
	}
}
