// Package calendar is Stone's business calendar: days and hours in Brasília,
// Brazil's bank holidays, the operation windows of TED and barcode payments
// and GET /api/v1/schedulings/calendar (stone-api.md §5.3).
package calendar

import (
	"errors"
	"time"
)

var errBadDate = errors.New("date must be yyyy-mm-dd")

// Brasilia is Stone's business time zone (no daylight saving since 2019):
// days, hour windows and scheduled dates are all read there.
func Brasilia() *time.Location { return time.FixedZone("BRT", -3*60*60) }

// DayOf is midnight in Brasília of the day t falls on there.
func DayOf(t time.Time) time.Time {
	y, m, d := t.In(Brasilia()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Brasilia())
}

// DateString is t's day in Brasília, yyyy-mm-dd.
func DateString(t time.Time) string { return t.In(Brasilia()).Format(time.DateOnly) }

// ClockOf is the time of day of t in Brasília, as a duration since midnight.
func ClockOf(t time.Time) time.Duration { return t.Sub(DayOf(t)) }

// ParseDay reads a yyyy-mm-dd date as midnight in Brasília.
func ParseDay(v string) (time.Time, error) {
	if len(v) != len(time.DateOnly) {
		return time.Time{}, errBadDate
	}
	for i, c := range v {
		if (i == 4 || i == 7) != (c == '-') || (c != '-' && (c < '0' || c > '9')) {
			return time.Time{}, errBadDate
		}
	}
	return time.ParseInLocation(time.DateOnly, v, Brasilia())
}

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
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, Brasilia())
}

// Holidays are Brazil's national bank holidays of year y: the fixed civil
// ones plus Carnival, Good Friday and Corpus Christi, which banks close for.
func Holidays(y int) map[string]string {
	fixed := func(m time.Month, d int) string {
		return time.Date(y, m, d, 0, 0, 0, 0, Brasilia()).Format(time.DateOnly)
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

// Holiday names the holiday day is, if it is one.
func Holiday(day time.Time) (string, bool) {
	d := day.In(Brasilia())
	name, ok := Holidays(d.Year())[d.Format(time.DateOnly)]
	return name, ok
}

// IsWeekend reports whether day is a Saturday or Sunday in Brasília.
func IsWeekend(day time.Time) bool {
	wd := day.In(Brasilia()).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// IsBusinessDay is neither a weekend nor a holiday.
func IsBusinessDay(day time.Time) bool {
	_, hol := Holiday(day)
	return !hol && !IsWeekend(day)
}

// NextBusinessDay is day itself when it is a business day, else the next one.
func NextBusinessDay(day time.Time) time.Time {
	day = DayOf(day)
	for !IsBusinessDay(day) {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// ExecutionLimit is the last day an operation may be scheduled for: one year
// ahead, as Stone's calendar says by default.
func ExecutionLimit(now time.Time) time.Time { return DayOf(now).AddDate(1, 0, 0) }

// TED hours in the sandbox, every day (§5.2), and the end of the day for
// barcode payments (§5.4).
const (
	TEDOpens      = 6*time.Hour + 30*time.Minute
	TEDCloses     = 17*time.Hour + 23*time.Minute
	PaymentsClose = 23*time.Hour + 50*time.Minute
)

// NextExecutionDay is the calendar's next_available_execution_date for an
// operation type at now.
func NextExecutionDay(opType string, now time.Time) time.Time {
	today := DayOf(now)
	switch opType {
	case "external_transfer":
		if ClockOf(now) < TEDCloses {
			return today
		}
		return NextBusinessDay(today.AddDate(0, 0, 1))
	case "payment":
		if ClockOf(now) < PaymentsClose {
			return today
		}
		return today.AddDate(0, 0, 1)
	}
	return today
}
