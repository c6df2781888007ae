package stone

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestStatementQuery(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	brt := time.FixedZone("BRT", -3*60*60)
	tests := []struct {
		name    string
		p       StatementParams
		want    url.Values
		wantRaw string // substring of the raw query, for the repeated type[]
		wantErr string
	}{
		{name: "nothing", p: StatementParams{}, want: url.Values{}},
		{
			name: "cursor and limit",
			p:    StatementParams{Limit: 25, After: "c-after", Before: "c-before"},
			want: url.Values{"limit": {"25"}, "after": {"c-after"}, "before": {"c-before"}},
		},
		{
			name: "datetimes in UTC without fraction",
			p: StatementParams{
				Start: time.Date(2026, 1, 2, 3, 4, 5, 999_000_000, brt),
				End:   time.Date(2026, 1, 31, 23, 59, 59, 0, time.UTC),
			},
			want: url.Values{"start_datetime": {"2026-01-02T06:04:05Z"}, "end_datetime": {"2026-01-31T23:59:59Z"}},
		},
		{
			name:    "types repeated and operation",
			p:       StatementParams{Types: []string{"internal", "pix_payment"}, Operation: "debit"},
			want:    url.Values{"type[]": {"internal", "pix_payment"}, "operation": {"debit"}},
			wantRaw: "type%5B%5D=internal&type%5B%5D=pix_payment",
		},
		{name: "credit", p: StatementParams{Operation: "credit"}, want: url.Values{"operation": {"credit"}}},
		{name: "bad operation", p: StatementParams{Operation: "both"}, wantErr: "operation"},
		{name: "negative limit", p: StatementParams{Limit: -1}, wantErr: "limit"},
		{name: "empty type", p: StatementParams{Types: []string{""}}, wantErr: "type"},
		{
			name:    "end before start",
			p:       StatementParams{Start: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
			wantErr: "before start",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs.reset()
			fs.api = reply(http.StatusOK, `{"cursor":{"after":null,"before":null,"limit":25},"data":[]}`)
			_, err := c.Statement(ctx(t), "acc-1", tt.p)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "stone: get statement: ") {
					t.Errorf("err = %v, want a get statement error about %s", err, tt.wantErr)
				}
				if n := len(fs.requests()); n != 0 {
					t.Errorf("%d requests sent for invalid params", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fs.requests()[0].Query; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("query %v, want %v", got, tt.want)
			}
			if raw := fs.requests()[0].Raw; !strings.Contains(raw, tt.wantRaw) {
				t.Errorf("raw query %q, want it to contain %q", raw, tt.wantRaw)
			}
		})
	}
}

// statementPages serves pages keyed by the after cursor it receives. After
// 10 requests it answers 500, so a client that loops fails instead of hanging.
func statementPages(pages map[string]string) func(http.ResponseWriter, *http.Request, []byte) {
	var served atomic.Int32
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if served.Add(1) > 10 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		body, ok := pages[r.URL.Query().Get("after")]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"path":"after","type":"srn:error:invalid_cursor"}`)
			return
		}
		if strings.HasPrefix(body, "status:") {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, body)
	}
}

func page(after string, ids ...string) string {
	cur := "null"
	if after != "" {
		cur = fmt.Sprintf("%q", after)
	}
	var data []string
	for _, id := range ids {
		data = append(data, fmt.Sprintf(`{"id":%q,"amount":-100,"operation":"debit","created_at":"2026-11-28T10:00:00Z","scheduled_at":null,"counter_party":null}`, id))
	}
	return fmt.Sprintf(`{"cursor":{"after":%s,"before":null,"limit":2},"data":[%s]}`, cur, strings.Join(data, ","))
}

func TestStatementEntries(t *testing.T) {
	threePages := map[string]string{"": page("c1", "e1", "e2"), "c1": page("c2", "e3"), "c2": page("", "e4", "e5")}
	tests := []struct {
		name       string
		pages      map[string]string
		stopAfter  int // break out of the loop after this many entries; 0 → never
		wantIDs    []string
		wantAfters []string // after cursor of each request
		wantErr    string
	}{
		{name: "three pages", pages: threePages, wantIDs: []string{"e1", "e2", "e3", "e4", "e5"}, wantAfters: []string{"", "c1", "c2"}},
		{name: "consumer stops early", pages: threePages, stopAfter: 1, wantIDs: []string{"e1"}, wantAfters: []string{""}},
		{
			name:    "error on second page",
			pages:   map[string]string{"": page("c1", "e1", "e2"), "c1": "status:500"},
			wantIDs: []string{"e1", "e2"}, wantAfters: []string{"", "c1"}, wantErr: "500",
		},
		{
			name:    "cursor that does not advance",
			pages:   map[string]string{"": page("c1", "e1"), "c1": page("c1", "e2")},
			wantIDs: []string{"e1", "e2"}, wantAfters: []string{"", "c1"}, wantErr: "did not advance",
		},
		{name: "empty statement", pages: map[string]string{"": page("")}, wantAfters: []string{""}},
	}
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs.reset()
			fs.api = statementPages(tt.pages)
			var ids []string
			var errs []error
			for e, err := range c.StatementEntries(ctx(t), "acc-1", StatementParams{Limit: 2, Operation: "debit"}) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				ids = append(ids, e.ID)
				if tt.stopAfter > 0 && len(ids) == tt.stopAfter {
					break
				}
			}
			if !reflect.DeepEqual(ids, tt.wantIDs) {
				t.Errorf("ids %v, want %v", ids, tt.wantIDs)
			}
			var afters []string
			for _, r := range fs.requests() {
				afters = append(afters, r.Query.Get("after"))
				if r.Query.Get("limit") != "2" || r.Query.Get("operation") != "debit" {
					t.Errorf("filters lost on a later page: %v", r.Query)
				}
			}
			if !reflect.DeepEqual(afters, tt.wantAfters) {
				t.Errorf("after cursors %q, want %q", afters, tt.wantAfters)
			}
			switch {
			case tt.wantErr == "" && len(errs) != 0:
				t.Errorf("errors %v", errs)
			case tt.wantErr != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.wantErr)):
				t.Errorf("errors %v, want exactly one containing %q", errs, tt.wantErr)
			}
		})
	}
}

func TestStatementEntryDecoding(t *testing.T) {
	fs := newFakeStone(t)
	c := fs.client(t, nil)
	fs.api = reply(http.StatusOK, `{"cursor":{"after":null,"before":null,"limit":25},"data":[{
		"amount":-1600,"balance_after":9998300,"balance_before":9999900,
		"counter_party":{"account":{"account_code":"58859","branch_code":"1","institution":"16501555","institution_name":"Stone Pagamentos S.A."},
		"entity":{"name":"João Amigavel","document":"12345678900","document_type":"cpf"}},
		"created_at":"2019-07-31T19:13:56Z","description":"","fee_amount":0,"id":"5357781a","operation":"debit",
		"operation_amount":1600,"operation_id":"4aab75b9","scheduled_at":null,"scheduled_to":"2019-08-01","status":"FINISHED","type":"internal"}]}`)
	p, err := c.Statement(ctx(t), "acc-1", StatementParams{})
	if err != nil {
		t.Fatal(err)
	}
	to := "2019-08-01"
	want := StatementEntry{
		ID: "5357781a", Amount: -1600, BalanceBefore: 9999900, BalanceAfter: 9998300, FeeAmount: 0, OperationAmount: 1600,
		Operation: "debit", Type: "internal", Status: "FINISHED", OperationID: "4aab75b9",
		CounterParty: &CounterParty{
			Account: CounterPartyAccount{AccountCode: "58859", BranchCode: "1", Institution: "16501555", InstitutionName: "Stone Pagamentos S.A."},
			Entity:  CounterPartyEntity{Name: "João Amigavel", Document: "12345678900", DocumentType: "cpf"},
		},
		CreatedAt: time.Date(2019, 7, 31, 19, 13, 56, 0, time.UTC), ScheduledTo: &to,
	}
	if len(p.Data) != 1 || !reflect.DeepEqual(p.Data[0], want) {
		t.Errorf("entry = %+v\nwant   %+v", p.Data, want)
	}
	var apiErr *Error
	fs.api = reply(http.StatusBadRequest, `{"path":"limit","type":"srn:error:invalid_cursor"}`)
	if _, err := c.Statement(ctx(t), "acc-1", StatementParams{After: "bad"}); !errors.As(err, &apiErr) || apiErr.Type != "srn:error:invalid_cursor" {
		t.Errorf("err = %v, want invalid_cursor *Error", err)
	}
}
