package steps

import (
	"context"
	"strings"
	"testing"
)

// TestExpand: {name} is a saved value or a fixture, escaped for where it
// goes; what is not set says which key to set.
func TestExpand(t *testing.T) {
	s := &Session{cfg: Config{Fixtures: Fixtures{PixKey: "+55 11 9/8", TransferTargets: []string{"58859"}}}, facts: map[string]*fact{}}
	w := &World{s: s, saved: map[string]string{"note": `say "hi"\now`, "id": "tr-1"}}
	ctx := context.Background()
	tests := []struct {
		in   string
		esc  func(string) string
		want string
		err  string
	}{
		{"/api/v1/internal_transfers/{id}", pathEscape, "/api/v1/internal_transfers/tr-1", ""},
		{"/api/v1/pix_keys/{pix_key}", pathEscape, "/api/v1/pix_keys/+55%2011%209%2F8", ""},
		{`{"description": "{note}", "to": "{transfer_target}"}`, jsonText, `{"description": "say \"hi\"\\now", "to": "58859"}`, ""},
		{`{"empty": {}}`, jsonText, `{"empty": {}}`, ""},
		{"{static_brcode}", same, "", "set fixtures.static_brcode"},
		{"{consented_account_id}", same, "", `add "Given the owner has consented to share an account"`},
		{"{nobody}", same, "", "{nobody} is neither a fixture"},
	}
	for _, tt := range tests {
		got, err := w.expand(ctx, tt.in, tt.esc)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("expand(%q): err = %v, want one saying %q", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	p, err := w.expandPath(ctx, "/api/v1/x/{pix_key}?key={pix_key}")
	if err != nil || p != "/api/v1/x/+55%2011%209%2F8?key=%2B55+11+9%2F8" {
		t.Errorf("expandPath = %q, %v", p, err)
	}

	// A consent an earlier scenario obtained is the consented account.
	s.record(PrereqConsent, "another scenario", "acc-shared", nil)
	if got, err := w.expand(ctx, "{consented_account_id}", same); err != nil || got != "acc-shared" {
		t.Errorf("consented_account_id = %q, %v; want the account the consent shared", got, err)
	}
}

// TestCheckScenario: the names a scenario's generic steps use are known
// in order, saved names are names, and field paths read.
func TestCheckScenario(t *testing.T) {
	steps := []StepText{
		{Text: `the application calls GET "/api/v1/accounts/{own_account_id}"`},
		{Text: `the application saves the response field "data[0].id" as "first"`},
		{Text: `a aplicação chama POST "/api/v1/x" com o corpo:`, Doc: `{"a": "{first}", "b": "{second}"}`},
		{Text: `the application saves the response field "id" as "second"`},
		{Text: `within 5 seconds GET "/api/v1/x/{second}" has the field "a..b" equal to "{third}"`},
		{Text: `the application saves the response field "id" as "not a name"`},
		{Text: `the application lists its accounts`},
	}
	var got []string
	for _, p := range CheckScenario(steps) {
		got = append(got, p.Msg[:min(len(p.Msg), 30)]+"@"+string(rune('0'+p.Index)))
	}
	want := []string{`{second} is neither a fixture @2`, `field path "a..b" has an empty@4`, `{third} is neither a fixture (@4`, `"not a name" is not a name to @5`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("problems\n%q\nwant\n%q", got, want)
	}
}
