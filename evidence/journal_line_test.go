package evidence

import (
	"encoding/json"
	"testing"
	"time"
)

// TestEntryLineIsMarshal: a journal line is written by hand for speed; it
// must be, byte for byte, what json.Marshal makes of the entry, so lines
// (and their hashes) do not depend on which code wrote them.
func TestEntryLineIsMarshal(t *testing.T) {
	at := time.Date(2026, 12, 1, 18, 0, 0, 123456789, time.UTC)
	for _, e := range []Entry{
		{Seq: 1, Time: at, Kind: EventHTTP, Prev: ""},
		{Seq: 42, Time: at.Truncate(time.Second), Kind: "step_end", Scenario: "s-7", Step: "s-7/3", Data: json.RawMessage(`{"status":"passed","n":[1,2]}`), Prev: "ab12"},
		{Seq: 3, Time: at, Kind: "k", Scenario: `Ler a conta › "saldo" <b>&</b>`, Step: "tab\there\nnewline \u2028 é", Data: json.RawMessage(`"x"`), Prev: "p"},
		{Seq: 4, Time: at, Kind: "k", Scenario: "invalid \xff utf-8", Prev: "p"},
	} {
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.appendLine(nil); string(got) != string(want) {
			t.Errorf("line differs from json.Marshal:\n got %s\nwant %s", got, want)
		}
	}
}
