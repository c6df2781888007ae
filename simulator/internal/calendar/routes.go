package calendar

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// maxCalendarDays bounds one calendar request so a silly range cannot make
// the simulator walk centuries.
const maxCalendarDays = 3 * 366

// CheckScheduleLimit refuses a scheduled_to after the calendar's
// execution_limit_date with 422, as Stone documents for every kind.
func CheckScheduleLimit(scheduledTo *string, now time.Time) (api.Reply, bool) {
	if scheduledTo == nil {
		return api.Reply{}, true
	}
	day, err := ParseDay(*scheduledTo)
	if err == nil && !day.After(ExecutionLimit(now)) {
		return api.Reply{}, true
	}
	return api.JSON(http.StatusUnprocessableEntity, api.Error{Type: "srn:error:validation", Reason: []api.FieldError{{
		Error: "must not be after execution_limit_date " + DateString(ExecutionLimit(now)) + " (GET /api/v1/schedulings/calendar)",
		Path:  []string{"scheduled_to"},
	}}}), false
}

// Routes registers GET /api/v1/schedulings/calendar.
func Routes(m *api.Mux) {
	m.HandleAuth("GET /api/v1/schedulings/calendar", handleCalendar)
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
func handleCalendar(w http.ResponseWriter, r *http.Request, c *api.Call) {
	q := r.URL.Query()
	var errs []api.FieldError
	opType := q.Get("operation_type")
	if opType == "external_tranfer" {
		opType = "external_transfer"
	}
	switch {
	case opType == "":
		errs = append(errs, api.FieldError{Error: "can't be blank", Path: []string{"operation_type"}})
	case !slices.Contains([]string{"payment", "external_transfer", "internal_transfer"}, opType):
		errs = append(errs, api.FieldError{Error: "must be payment, external_transfer or internal_transfer", Path: []string{"operation_type"}})
	}
	start, end := DayOf(c.Now), ExecutionLimit(c.Now)
	for _, name := range []string{"start", "end"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		d, err := ParseDay(v)
		if err != nil {
			errs = append(errs, api.FieldError{Error: "must be a date (yyyy-mm-dd)", Path: []string{name}})
			continue
		}
		if name == "start" {
			start = d
		} else {
			end = d
		}
	}
	if len(errs) == 0 && end.Before(start) {
		errs = append(errs, api.FieldError{Error: "must not be before start", Path: []string{"end"}})
	}
	if len(errs) == 0 && end.Sub(start) > maxCalendarDays*24*time.Hour {
		errs = append(errs, api.FieldError{Error: "range must not exceed 1098 days", Path: []string{"end"}})
	}
	if len(errs) > 0 {
		api.Validation(errs...).Write(w)
		return
	}
	out := calendarResponse{
		ExecutionLimitDate:         DateString(ExecutionLimit(c.Now)),
		NextAvailableExecutionDate: DateString(NextExecutionDay(opType, c.Now)),
		NonBusinessDays:            []nonBusinessDay{},
	}
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		name, hol := Holiday(d)
		if !hol && !IsWeekend(d) {
			continue
		}
		nb := nonBusinessDay{Date: DateString(d), IsWeekend: IsWeekend(d), IsHoliday: hol}
		if hol {
			nb.HolidayDescription = api.StrPtr(name)
		}
		out.NonBusinessDays = append(out.NonBusinessDays, nb)
	}
	rp := api.JSON(http.StatusOK, out)
	sum := sha256.Sum256(rp.Body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	rp.Write(w)
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
