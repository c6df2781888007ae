package simulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestCalendarEndpoint(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/schedulings/calendar?operation_type=external_transfer&start=2026-12-19&end=2026-12-27"
	rec := e.api(http.MethodGet, path, "")
	wantStatus(t, rec, 200)
	cal := decode[calendarResponse](t, rec)
	var dates []string
	for _, d := range cal.NonBusinessDays {
		dates = append(dates, d.Date)
	}
	if strings.Join(dates, ",") != "2026-12-19,2026-12-20,2026-12-25,2026-12-26,2026-12-27" ||
		cal.NonBusinessDays[2].HolidayDescription == nil || !cal.NonBusinessDays[2].IsHoliday || cal.NonBusinessDays[2].IsWeekend ||
		!cal.NonBusinessDays[0].IsWeekend || cal.NonBusinessDays[0].HolidayDescription != nil ||
		cal.ExecutionLimitDate != "2027-11-28" || cal.NextAvailableExecutionDate != "2026-11-28" {
		t.Fatalf("calendar = %+v", cal)
	}
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	again := e.api(http.MethodGet, path, "", "If-None-Match", etag)
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Fatalf("revalidation = %d %q", again.Code, again.Body.String())
	}
	wantStatus(t, e.api(http.MethodGet, path, "", "If-None-Match", `"other"`), 200)
	// After 17:23 in Brasília the next TED day is the next business day; the
	// docs' "external_tranfer" spelling works too.
	e.setBRT("2026-12-04", 17, 30)
	if c := decode[calendarResponse](t, e.api(http.MethodGet, "/api/v1/schedulings/calendar?operation_type=external_tranfer", "")); c.NextAvailableExecutionDate != "2026-12-07" {
		t.Fatalf("after hours = %+v", c.NextAvailableExecutionDate)
	}
	if c := decode[calendarResponse](t, e.api(http.MethodGet, "/api/v1/schedulings/calendar?operation_type=payment", "")); c.NextAvailableExecutionDate != "2026-12-04" || len(c.NonBusinessDays) < 100 {
		t.Fatalf("payments = %+v", c.NextAvailableExecutionDate)
	}
	for _, q := range []string{"", "?operation_type=wire", "?operation_type=payment&start=tomorrow", "?operation_type=payment&start=2026-12-02&end=2026-12-01", "?operation_type=payment&end=2040-01-01"} {
		wantError(t, e.api(http.MethodGet, "/api/v1/schedulings/calendar"+q, ""), 400, "validation")
	}
}

func TestFeesAndInstitutions(t *testing.T) {
	e := newEnv(t)
	all := e.call(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/fees", "", 200)
	if n := len(all["data"].([]any)); n != 6 {
		t.Fatalf("fees = %v", all)
	}
	ted := e.call(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/fees/external_transfer", "", 200)
	if ted.num("amount") != 400 || ted.str("fee_type") != "external_transfer" || ted["billing_exemption_participant"] != false ||
		ted.num("original_fee") != 400 || ted.isNull("max_free_transfers") {
		t.Fatalf("TED fee = %v", ted)
	}
	if in := e.call(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/fees/internal_transfer", "", 200); len(in) != 2 || in.num("amount") != 0 {
		t.Fatalf("internal fee = %v", in)
	}
	wantError(t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.OwnAccountID+"/fees/wire", ""), 400, "validation")
	wantError(t, e.api(http.MethodGet, "/api/v1/accounts/"+e.fx.ThirdPartyAccountID+"/fees", ""), 403, "unauthorized")

	lists := map[string]map[string]institution{}
	for _, ctx := range []string{"", "?context=str", "?context=spi", "?context=all"} {
		l := decode[[]institution](t, e.do(http.MethodGet, "/api/v1/institutions"+ctx, nil, nil))
		if len(l) < 15 {
			t.Fatalf("institutions%s = %d", ctx, len(l))
		}
		lists[ctx] = map[string]institution{}
		for _, in := range l {
			lists[ctx][in.ISPBCode] = in
		}
	}
	// §4: str lists TED participants, spi PIX participants; the seed has
	// some of each that the other list leaves out.
	if len(lists[""]) != len(lists["?context=str"]) || len(lists["?context=all"]) <= len(lists["?context=str"]) || len(lists["?context=all"]) <= len(lists["?context=spi"]) {
		t.Fatalf("list sizes: default %d, str %d, spi %d, all %d", len(lists[""]), len(lists["?context=str"]), len(lists["?context=spi"]), len(lists["?context=all"]))
	}
	spiOnly, strOnly := 0, 0
	for ispb, in := range lists["?context=all"] {
		_, str := lists["?context=str"][ispb]
		_, spi := lists["?context=spi"][ispb]
		switch {
		case spi != in.SPIParticipant || (!str && !spi):
			t.Errorf("%s (%s): spi_participant %v, in str %v, in spi %v", ispb, in.Name, in.SPIParticipant, str, spi)
		case spi && !str:
			spiOnly++
			if in.NumberCode != nil {
				t.Errorf("SPI-only %s has a bank number %q", ispb, *in.NumberCode)
			}
		case str && !spi:
			strOnly++
		}
	}
	if spiOnly == 0 || strOnly == 0 {
		t.Fatalf("%d SPI-only and %d STR-only institutions: context=spi and context=str must differ both ways", spiOnly, strOnly)
	}
	for code, ispb := range map[string]string{"077": "00416968", "00360305": "00360305", "260": "18236120", "001": "00000000"} {
		if in := decode[institution](t, e.do(http.MethodGet, "/api/v1/institutions/"+code, nil, nil)); in.ISPBCode != ispb || !in.SPIParticipant {
			t.Errorf("institution %s = %+v", code, in)
		}
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/institutions/1234", nil, nil), 404, "not_found")
	wantError(t, e.do(http.MethodGet, "/api/v1/institutions?context=x", nil, nil), 400, "validation")
}

func TestConsentRequestedEvent(t *testing.T) {
	e := newEnv(t)
	e.consent("ignore")
	if evs := e.eventTypes(""); len(evs) != 0 {
		t.Fatalf("ignored consent emitted %v", evs)
	}
	e.consent("approve")
	ev := e.lastEvent("consent_requested")
	meta, _ := ev.Extra["session_metadata"].(map[string]any)
	if ev.TargetType != "paymentaccount" || ev.AccountID != e.fx.ThirdPartyAccountID || ev.TargetID != e.fx.ThirdPartyAccountID ||
		ev.DetailPath != "/api/v1/accounts/"+e.fx.ThirdPartyAccountID || meta["user_session"] != "sess-42" ||
		eventData(t, ev).str("owner_name") != "Maria Aparecida Souza" {
		t.Fatalf("consent event = %+v", ev)
	}
	e.consent("approve") // already_granted: no second event
	n := 0
	for _, typ := range e.eventTypes("") {
		if typ == "consent_requested" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d consent_requested events", n)
	}
}
