package steps

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestPersonOwnerConsent(t *testing.T) {
	tests := []struct {
		name, input string
		want        string // consent result, or "" for an error
		errPart     string
	}{
		{"pasted redirect", "\nhttps://partner.example/cb?consent_result=approved&resource_id=acc-1&sid=x\n", "approved", ""},
		{"not a redirect", "hello\n", "", "not a consent redirect"},
		{"input ends", "", "", "input ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			o := NewPersonOwner(PersonOptions{Out: &out, In: strings.NewReader(tt.input), Poll: time.Millisecond, Wait: 5 * time.Second})
			res, err := o.DecideConsent(context.Background(), "https://sandbox.conta.stone.com.br/consentimento?client_id=c&jwt=j", ConsentApprove)
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("err = %v, want one saying %q", err, tt.errPart)
				}
				return
			}
			if err != nil || res.Result != tt.want || res.ResourceID != "acc-1" {
				t.Fatalf("res = %+v, err = %v", res, err)
			}
			if !strings.Contains(out.String(), "consentimento?client_id=c&jwt=j") {
				t.Errorf("the link was not shown to the person: %q", out.String())
			}
		})
	}
}

// TestPersonOwnerWaits: with nobody answering, the owner gives up after
// its wait with a message saying so.
func TestPersonOwnerWaits(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	o := NewPersonOwner(PersonOptions{Out: io.Discard, In: r, Poll: time.Millisecond, Wait: 20 * time.Millisecond})
	if _, err := o.DecideConsent(context.Background(), "link", ConsentApprove); err == nil || !strings.Contains(err.Error(), "no consent redirect pasted") {
		t.Fatalf("err = %v", err)
	}
	calls := 0
	o = NewPersonOwner(PersonOptions{Out: io.Discard, Poll: time.Millisecond, Wait: 10 * time.Second})
	err := o.DecideOperation(context.Background(), Operation{Kind: KindInternalTransfer, ID: "t1", Status: func(context.Context) (string, error) {
		calls++
		if calls < 3 {
			return "CREATED", nil
		}
		return "APPROVED", nil
	}}, true)
	if err != nil || calls != 3 {
		t.Fatalf("err = %v after %d polls, want nil after 3", err, calls)
	}
}
