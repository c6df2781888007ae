package simulator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

var errBadDate = errors.New("simulator: date must be yyyy-mm-dd")

// maxCalendarDays bounds one calendar request so a silly range cannot make
// the simulator walk centuries.
const maxCalendarDays = 3 * 366

// brasilia is Stone's business time zone (no daylight saving since 2019):
// days, hours windows and scheduled dates are all read there.
func brasilia() *time.Location { return time.FixedZone("BRT", -3*60*60) }

// dayOf is midnight in Brasília of the day t falls on there.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(brasilia()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, brasilia())
}

func dateString(t time.Time) string { return t.In(brasilia()).Format(time.DateOnly) }

// clockOf is the time of day of t in Brasília, as a duration since midnight.
func clockOf(t time.Time) time.Duration { return t.Sub(dayOf(t)) }

// easter is Easter Sunday of year y (anonymous Gregorian algorithm).
func easter(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, brasilia())
}

// holidays are Brazil's national bank holidays of year y: the fixed civil
// ones plus Carnival, Good Friday and Corpus Christi, which banks close for.
func holidays(y int) map[string]string {
	fixed := func(m time.Month, d int) string {
		return time.Date(y, m, d, 0, 0, 0, 0, brasilia()).Format(time.DateOnly)
	}
	e := easter(y)
	h := map[string]string{
		fixed(time.January, 1):                     "Confraternização Universal",
		fixed(time.April, 21):                      "Tiradentes",
		fixed(time.May, 1):                         "Dia do Trabalho",
		fixed(time.September, 7):                   "Independência do Brasil",
		fixed(time.October, 12):                    "Nossa Senhora Aparecida",
		fixed(time.November, 2):                    "Finados",
		fixed(time.November, 15):                   "Proclamação da República",
		fixed(time.December, 25):                   "Natal",
		e.AddDate(0, 0, -48).Format(time.DateOnly): "Carnaval",
		e.AddDate(0, 0, -47).Format(time.DateOnly): "Carnaval",
		e.AddDate(0, 0, -2).Format(time.DateOnly):  "Sexta-feira Santa",
		e.AddDate(0, 0, 60).Format(time.DateOnly):  "Corpus Christi",
	}
	if y >= 2024 { // Lei 14.759/2023
		h[fixed(time.November, 20)] = "Dia Nacional de Zumbi e da Consciência Negra"
	}
	return h
}

func holiday(day time.Time) (string, bool) {
	d := day.In(brasilia())
	name, ok := holidays(d.Year())[d.Format(time.DateOnly)]
	return name, ok
}

func isWeekend(day time.Time) bool {
	wd := day.In(brasilia()).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func isBusinessDay(day time.Time) bool {
	_, hol := holiday(day)
	return !hol && !isWeekend(day)
}

// nextBusinessDay is day itself when it is a business day, else the next one.
func nextBusinessDay(day time.Time) time.Time {
	day = dayOf(day)
	for !isBusinessDay(day) {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// executionLimit is the last day an operation may be scheduled for: one year
// ahead, as Stone's calendar says by default.
func executionLimit(now time.Time) time.Time { return dayOf(now).AddDate(1, 0, 0) }

// checkScheduleLimit refuses a scheduled_to after the calendar's
// execution_limit_date with 422, as Stone documents for every kind.
func (st *store) checkScheduleLimit(scheduledTo *string, now time.Time) (reply, bool) {
	if scheduledTo == nil {
		return reply{}, true
	}
	day, err := parseDay(*scheduledTo)
	if err == nil && !day.After(executionLimit(now)) {
		return reply{}, true
	}
	return jsonReply(http.StatusUnprocessableEntity, srnError{Type: "srn:error:validation", Reason: []fieldError{{
		Error: "must not be after execution_limit_date " + dateString(executionLimit(now)) + " (GET /api/v1/schedulings/calendar)",
		Path:  []string{"scheduled_to"},
	}}}), false
}

// TED hours in the sandbox, every day (§5.2).
const (
	tedOpens  = 6*time.Hour + 30*time.Minute
	tedCloses = 17*time.Hour + 23*time.Minute
	// payments are accepted until 23:50 every day (§5.4).
	paymentsClose = 23*time.Hour + 50*time.Minute
)

// nextExecutionDay is the calendar's next_available_execution_date for an
// operation type at now.
func nextExecutionDay(opType string, now time.Time) time.Time {
	today := dayOf(now)
	switch opType {
	case "external_transfer":
		if clockOf(now) < tedCloses {
			return today
		}
		return nextBusinessDay(today.AddDate(0, 0, 1))
	case "payment":
		if clockOf(now) < paymentsClose {
			return today
		}
		return today.AddDate(0, 0, 1)
	}
	return today
}

type nonBusinessDay struct {
	Date               string  `json:"date"`
	IsWeekend          bool    `json:"is_weekend"`
	IsHoliday          bool    `json:"is_holiday"`
	HolidayDescription *string `json:"holiday_description"`
}

type calendarResponse struct {
	ExecutionLimitDate         string           `json:"execution_limit_date"`
	NextAvailableExecutionDate string           `json:"next_available_execution_date"`
	NonBusinessDays            []nonBusinessDay `json:"non_business_days"`
}

// handleCalendar is GET /api/v1/schedulings/calendar: weekends and holidays
// between start and end (default today … today + 1 year), with an ETag so a
// client can revalidate with If-None-Match and get 304. The docs list the
// operation type "external_tranfer" (sic); it is accepted too.
func (s *Simulator) handleCalendar(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := r.URL.Query()
	var errs []fieldError
	opType := q.Get("operation_type")
	if opType == "external_tranfer" {
		opType = "external_transfer"
	}
	switch {
	case opType == "":
		errs = append(errs, fieldError{Error: "can't be blank", Path: []string{"operation_type"}})
	case !slices.Contains([]string{"payment", "external_transfer", "internal_transfer"}, opType):
		errs = append(errs, fieldError{Error: "must be payment, external_transfer or internal_transfer", Path: []string{"operation_type"}})
	}
	start, end := dayOf(rc.now), executionLimit(rc.now)
	for _, name := range []string{"start", "end"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		d, err := parseDay(v)
		if err != nil {
			errs = append(errs, fieldError{Error: "must be a date (yyyy-mm-dd)", Path: []string{name}})
			continue
		}
		if name == "start" {
			start = d
		} else {
			end = d
		}
	}
	if len(errs) == 0 && end.Before(start) {
		errs = append(errs, fieldError{Error: "must not be before start", Path: []string{"end"}})
	}
	if len(errs) == 0 && end.Sub(start) > maxCalendarDays*24*time.Hour {
		errs = append(errs, fieldError{Error: "range must not exceed 1098 days", Path: []string{"end"}})
	}
	if len(errs) > 0 {
		validationErr(errs...).write(w)
		return
	}
	out := calendarResponse{
		ExecutionLimitDate:         dateString(executionLimit(rc.now)),
		NextAvailableExecutionDate: dateString(nextExecutionDay(opType, rc.now)),
		NonBusinessDays:            []nonBusinessDay{},
	}
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		name, hol := holiday(d)
		if !hol && !isWeekend(d) {
			continue
		}
		nb := nonBusinessDay{Date: dateString(d), IsWeekend: isWeekend(d), IsHoliday: hol}
		if hol {
			nb.HolidayDescription = strPtr(name)
		}
		out.NonBusinessDays = append(out.NonBusinessDays, nb)
	}
	rp := jsonReply(http.StatusOK, out)
	sum := sha256.Sum256(rp.body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	rp.write(w)
}

// etagMatches applies If-None-Match: a list of tags, weak or strong, or *.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
