package stone

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Operation types of the scheduling calendar (stone-api.md §5.3).
const (
	CalendarPayment          = "payment"
	CalendarExternalTransfer = "external_transfer"
	CalendarInternalTransfer = "internal_transfer"
)

// CalendarParams selects a scheduling calendar. Start and End are
// yyyy-mm-dd; empty lets Stone default to today … today + 1 year.
type CalendarParams struct {
	OperationType string // payment|external_transfer|internal_transfer (required)
	Start         string
	End           string
	// IfNoneMatch is the ETag of a calendar already held; when it is still
	// current Stone answers 304 and the result has NotModified set.
	IfNoneMatch string
}

// NonBusinessDay is a weekend or holiday; HolidayDescription is "" for a
// plain weekend.
type NonBusinessDay struct {
	Date               string `json:"date"`
	IsWeekend          bool   `json:"is_weekend"`
	IsHoliday          bool   `json:"is_holiday"`
	HolidayDescription string `json:"holiday_description"`
}

// SchedulingCalendar is when an operation type can be scheduled: a
// scheduled_to must fall between NextAvailableExecutionDate and
// ExecutionLimitDate.
type SchedulingCalendar struct {
	ExecutionLimitDate         string           `json:"execution_limit_date"`
	NextAvailableExecutionDate string           `json:"next_available_execution_date"`
	NonBusinessDays            []NonBusinessDay `json:"non_business_days"`

	// ETag is the response's ETag, to send back as IfNoneMatch.
	ETag string `json:"-"`
	// NotModified reports a 304: the calendar behind IfNoneMatch is still
	// current and the other fields are empty.
	NotModified bool `json:"-"`
}

// SchedulingCalendar fetches GET /schedulings/calendar. The docs show a
// 201 for it; any 2xx is accepted, and a 304 is not an error.
func (c *Client) SchedulingCalendar(ctx context.Context, p CalendarParams) (*SchedulingCalendar, error) {
	const op = "get scheduling calendar"
	if err := checkRequired(op, "operation_type", p.OperationType); err != nil {
		return nil, err
	}
	for _, err := range []error{
		checkOneOf(op, "operation_type", p.OperationType, CalendarPayment, CalendarExternalTransfer, CalendarInternalTransfer),
		checkDate(op, "start", p.Start),
		checkDate(op, "end", p.End),
	} {
		if err != nil {
			return nil, err
		}
	}
	if p.Start != "" && p.End != "" {
		s, _ := time.Parse(time.DateOnly, p.Start)
		e, _ := time.Parse(time.DateOnly, p.End)
		if e.Before(s) {
			return nil, fmt.Errorf("stone: %s: end %s is before start %s", op, p.End, p.Start)
		}
	}
	if strings.ContainsAny(p.IfNoneMatch, "\r\n\x00") {
		return nil, fmt.Errorf("stone: %s: If-None-Match contains a control character", op)
	}
	q := url.Values{"operation_type": {p.OperationType}}
	setIf(q, "start", p.Start)
	setIf(q, "end", p.End)
	var h http.Header
	if p.IfNoneMatch != "" {
		h = http.Header{"If-None-Match": {p.IfNoneMatch}}
	}
	resp, err := c.exchange(ctx, call{op: op, method: http.MethodGet, path: "/schedulings/calendar", query: q, header: h, notModified: true})
	if err != nil {
		return nil, err
	}
	cal := &SchedulingCalendar{}
	if resp.status == http.StatusNotModified {
		cal.NotModified = true
	} else if err := decodeBody(op, resp, cal); err != nil {
		return nil, err
	}
	cal.ETag = resp.header.Get("ETag")
	if cal.ETag == "" && cal.NotModified {
		// A 304 may omit the ETag; the one sent is by definition current.
		cal.ETag = p.IfNoneMatch
	}
	return cal, nil
}
