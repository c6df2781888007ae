package simulator

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestOwnAccountVisibleThirdPartyNot(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{"", "?paginate=true", "?paginate=false"} {
		got := decode[list[accountView]](t, e.api(http.MethodGet, "/api/v1/accounts"+q, ""))
		if len(got.Data) != 1 || got.Data[0].ID != e.fx.OwnAccountID || got.Cursor.Limit != 50 || got.Cursor.After != nil {
			t.Fatalf("accounts%s = %+v, want only the own account", q, got)
		}
		a := got.Data[0]
		if !regexp.MustCompile(`^\d+$`).MatchString(a.AccountCode) || a.BranchCode != "1" ||
			!strings.HasPrefix(a.OwnerID, "organization:") || len(a.OwnerDocument) != 14 || a.OwnerName == "" {
			t.Fatalf("own account = %+v", a)
		}
	}
	acc := decode[accountView](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID, ""))
	if acc.ID != e.fx.OwnAccountID {
		t.Fatalf("GET own account = %+v", acc)
	}
	bal := decode[balanceView](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/balance", ""))
	if bal != (balanceView{Balance: 1_000_000}) {
		t.Fatalf("balance = %+v, want 1000000", bal)
	}
	for _, id := range []string{e.fx.ThirdPartyAccountID, "00000000-dead-beef-0000-000000000000"} {
		for _, suffix := range []string{"", "/balance", "/statement"} {
			wantError(t, e.api(http.MethodGet, "/api/v1/accounts/"+id+suffix, ""), http.StatusForbidden, "unauthorized")
		}
	}
	wantError(t, e.api(http.MethodGet, "/api/v1/accounts?paginate=maybe", ""), http.StatusBadRequest, "validation")
}

func TestThirdPartyVisibleAfterConsent(t *testing.T) {
	e := newEnv(t)
	e.consent("approve")
	got := decode[list[accountView]](t, e.api(http.MethodGet, "/api/v1/accounts?paginate=true", ""))
	if len(got.Data) != 2 || got.Data[1].ID != e.fx.ThirdPartyAccountID {
		t.Fatalf("accounts = %+v, want own and third party", got.Data)
	}
	tp := decode[accountView](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.ThirdPartyAccountID, ""))
	if !strings.HasPrefix(tp.OwnerID, "user:") || len(tp.OwnerDocument) != 11 || !strings.HasPrefix(tp.OwnerName, "Maria") {
		t.Fatalf("third-party account = %+v", tp)
	}
	st := e.statementAll(e.fx.ThirdPartyAccountID, 10)
	if len(st) < 3 {
		t.Fatalf("third-party statement has %d entries, want a few", len(st))
	}
	// Account pagination walks too.
	first := decode[list[accountView]](t, e.api(http.MethodGet, "/api/v1/accounts?paginate=true&limit=1", ""))
	if len(first.Data) != 1 || first.Cursor.After == nil {
		t.Fatalf("page 1 = %+v", first)
	}
	second := decode[list[accountView]](t, e.api(http.MethodGet, "/api/v1/accounts?paginate=true&limit=1&after="+*first.Cursor.After, ""))
	if len(second.Data) != 1 || second.Data[0].ID == first.Data[0].ID || second.Cursor.After != nil || second.Cursor.Before == nil {
		t.Fatalf("page 2 = %+v", second)
	}
}

// statementAll walks a statement through its after cursors.
func (e *env) statementAll(accountID string, limit int) []entryView {
	e.t.Helper()
	var all []entryView
	q := url.Values{"limit": {itoa(int64(limit))}}
	for pages := 0; ; pages++ {
		if pages > 1000 {
			e.t.Fatal("statement pagination does not end")
		}
		rec := e.api(http.MethodGet, "/api/v1/accounts/"+accountID+"/statement?"+q.Encode(), "")
		wantStatus(e.t, rec, http.StatusOK)
		page := decode[list[entryView]](e.t, rec)
		if page.Cursor.Limit != limit || len(page.Data) > limit {
			e.t.Fatalf("page cursor %+v with %d entries, limit %d", page.Cursor, len(page.Data), limit)
		}
		all = append(all, page.Data...)
		if page.Cursor.After == nil {
			return all
		}
		q.Set("after", *page.Cursor.After)
	}
}

func TestStatementPaginationAndBalances(t *testing.T) {
	e := newEnv(t)
	full := decode[list[entryView]](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/statement?limit=100", ""))
	if n := len(full.Data); n < 50 || n > 100 || full.Cursor.After != nil || full.Cursor.Before != nil {
		t.Fatalf("full statement: %d entries, cursor %+v", n, full.Cursor)
	}
	def := decode[list[entryView]](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/statement", ""))
	if len(def.Data) != 25 || def.Cursor.Limit != 25 || def.Cursor.After == nil || def.Cursor.Before != nil {
		t.Fatalf("default page: %d entries, cursor %+v", len(def.Data), def.Cursor)
	}

	for _, limit := range []int{1, 7, 25, 100} {
		walked := e.statementAll(e.fx.OwnAccountID, limit)
		if len(walked) != len(full.Data) {
			t.Fatalf("limit %d: walked %d entries, want %d", limit, len(walked), len(full.Data))
		}
		seen := map[string]bool{}
		for i, en := range walked {
			if seen[en.ID] || en.ID != full.Data[i].ID {
				t.Fatalf("limit %d: entry %d is %s (dup %v), want %s", limit, i, en.ID, seen[en.ID], full.Data[i].ID)
			}
			seen[en.ID] = true
		}
	}

	checkChain(t, full.Data, 1_000_000)
	now := newClock().Now()
	oldest, _ := time.Parse(time.RFC3339, full.Data[len(full.Data)-1].CreatedAt)
	if span := now.Sub(oldest); span < 50*24*time.Hour || span > 62*24*time.Hour {
		t.Errorf("history spans %s, want about 60 days", span)
	}
	codes := map[string]bool{}
	for _, en := range full.Data {
		codes[en.CounterParty.Account.AccountCode] = true
	}
	if len(codes) < 3 || len(codes) > 5 {
		t.Errorf("history trades with %d accounts, want 3–5", len(codes))
	}

	// Walking back with before cursors visits the same pages in reverse.
	page := decode[list[entryView]](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/statement?limit=10&after="+*def.Cursor.After, ""))
	back := decode[list[entryView]](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/statement?limit=10&before="+*page.Cursor.Before, ""))
	if len(back.Data) != 10 || back.Data[0].ID != full.Data[15].ID || back.Data[9].ID != full.Data[24].ID {
		t.Fatalf("before page = entries %s..%s, want entries 15..24", back.Data[0].ID, back.Data[len(back.Data)-1].ID)
	}
}

// checkChain verifies a newest-first statement: each entry's arithmetic, each
// entry starting where the older one ended, and the newest ending on balance.
func checkChain(t *testing.T, entries []entryView, balance int64) {
	t.Helper()
	for i, en := range entries {
		sign := int64(1)
		if en.Operation == "debit" {
			sign = -1
		}
		if en.BalanceAfter != en.BalanceBefore+en.Amount || en.Amount != sign*(en.OperationAmount+en.FeeAmount) ||
			en.OperationAmount <= 0 || en.FeeAmount != 0 || en.Type != "internal" || en.Status != "FINISHED" ||
			en.OperationID == "" || en.CounterParty.Account.Institution != "16501555" ||
			en.CounterParty.Account.InstitutionName != "Stone Pagamentos S.A." || en.CounterParty.Account.BranchCode != "1" ||
			en.CounterParty.Entity.Name == "" {
			t.Fatalf("entry %d is inconsistent: %+v", i, en)
		}
		if i+1 < len(entries) && entries[i+1].BalanceAfter != en.BalanceBefore {
			t.Fatalf("entry %d starts at %d but the older one ended at %d", i, en.BalanceBefore, entries[i+1].BalanceAfter)
		}
		if i+1 < len(entries) && entries[i+1].CreatedAt > en.CreatedAt {
			t.Fatalf("entries %d and %d are not newest first", i, i+1)
		}
	}
	if len(entries) > 0 && entries[0].BalanceAfter != balance {
		t.Fatalf("newest balance_after = %d, want the account balance %d", entries[0].BalanceAfter, balance)
	}
}

func TestStatementBadQueries(t *testing.T) {
	e := newEnv(t)
	base := "/api/v1/accounts/" + e.fx.OwnAccountID + "/statement"
	e.consent("approve")
	otherCursor := decode[list[entryView]](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.ThirdPartyAccountID+"/statement?limit=1", "")).Cursor.After
	tests := []struct {
		query, typ, path string
	}{
		{"limit=0", "invalid_cursor", "limit"},
		{"limit=101", "invalid_cursor", "limit"},
		{"limit=ten", "invalid_cursor", "limit"},
		{"after=bm9wZQ", "invalid_cursor", "after"},
		{"before=garbage", "invalid_cursor", "before"},
		{"after=" + *otherCursor, "invalid_cursor", "after"}, // a cursor of another account
		{"start_datetime=yesterday", "validation", "start_datetime"},
		{"end_datetime=2026-11-28", "validation", "end_datetime"},
		{"operation=refund", "validation", "operation"},
		{"type[]=wire", "validation", "type[]"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := wantError(t, e.api(http.MethodGet, base+"?"+tt.query, ""), http.StatusBadRequest, tt.typ)
			if tt.typ == "invalid_cursor" && got.Path != tt.path {
				t.Fatalf("path = %q, want %q", got.Path, tt.path)
			}
			if tt.typ == "validation" && !strings.Contains(string(got.Reason), `"path":["`+tt.path+`"]`) {
				t.Fatalf("reason = %s, want path %s", got.Reason, tt.path)
			}
		})
	}
}

func TestStatementFilters(t *testing.T) {
	e := newEnv(t)
	base := "/api/v1/accounts/" + e.fx.OwnAccountID + "/statement?limit=100"
	all := decode[list[entryView]](t, e.api(http.MethodGet, base, "")).Data
	for _, op := range []string{"credit", "debit"} {
		got := decode[list[entryView]](t, e.api(http.MethodGet, base+"&operation="+op, "")).Data
		want := 0
		for _, en := range all {
			if en.Operation == op {
				want++
			}
		}
		if len(got) != want || want == 0 {
			t.Fatalf("operation=%s: %d entries, want %d (> 0)", op, len(got), want)
		}
		for _, en := range got {
			if en.Operation != op {
				t.Fatalf("operation=%s returned %+v", op, en)
			}
		}
	}
	start, end := all[30].CreatedAt, all[10].CreatedAt
	got := decode[list[entryView]](t, e.api(http.MethodGet, base+"&start_datetime="+start+"&end_datetime="+end, "")).Data
	if len(got) != 21 || got[0].ID != all[10].ID || got[20].ID != all[30].ID {
		t.Fatalf("window [%s, %s] returned %d entries, want 21", start, end, len(got))
	}
	for _, q := range []string{"&type[]=internal", "&type[]=internal&type[]=pix_payment"} {
		if n := len(decode[list[entryView]](t, e.api(http.MethodGet, base+q, "")).Data); n != len(all) {
			t.Fatalf("%s returned %d entries, want %d", q, n, len(all))
		}
	}
	if n := len(decode[list[entryView]](t, e.api(http.MethodGet, base+"&type[]=pix_payment", "")).Data); n != 0 {
		t.Fatalf("type[]=pix_payment returned %d entries, want 0", n)
	}
}

func TestStatementEntryAccess(t *testing.T) {
	e := newEnv(t)
	own := decode[list[entryView]](t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/statement?limit=1", "")).Data[0]
	got := decode[entryView](t, e.api(http.MethodGet, "/api/v1/statement/entries/"+own.ID, ""))
	if got != own {
		t.Fatalf("entry = %+v, want %+v", got, own)
	}
	wantStatus(t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/statement/entries/"+own.ID, ""), http.StatusOK)
	var thirdEntry string
	e.store(func(st *book) { thirdEntry = st.Account(e.fx.ThirdPartyAccountID).Entries()[0].ID })
	wantError(t, e.api(http.MethodGet, "/api/v1/statement/entries/"+thirdEntry, ""), http.StatusForbidden, "unauthorized")
	wantError(t, e.api(http.MethodGet, "/api/v1/statement/entries/unknown", ""), http.StatusForbidden, "unauthorized")
	wantError(t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/statement/entries/"+thirdEntry, ""), http.StatusForbidden, "unauthorized")
	e.consent("approve")
	wantStatus(t, e.api(http.MethodGet, "/api/v1/statement/entries/"+thirdEntry, ""), http.StatusOK)
}
