package evidence

import (
	"encoding/json"
	"fmt"

	"github.com/openbank-homolog/homolog/check"
)

// The records checks read are built here, from what the journal holds,
// both while the run records it and when homolog recheck reads a bundle:
// one conversion, so a check sees the same bytes in both.

// httpRecord is the check record of an exchange; the bodies are the
// redacted bytes written to the journal or to bodies/.
func httpRecord(e Entry, ex *Exchange, reqBody, respBody []byte) check.Record {
	h := &check.HTTP{Method: ex.Method, URL: ex.URL, Status: ex.Status, RequestHeaders: ex.Request.Headers,
		RequestBody: reqBody, Error: ex.Error, StartedAt: ex.StartedAt, FinishedAt: ex.FinishedAt}
	if ex.Response != nil {
		h.ResponseHeaders, h.ResponseBody = ex.Response.Headers, respBody
	}
	return check.Record{Seq: e.Seq, Time: e.Time, Kind: check.KindHTTP, HTTP: h}
}

func webhookRecord(e Entry, w *Webhook) check.Record {
	return check.Record{Seq: e.Seq, Time: e.Time, Kind: check.KindWebhook, Webhook: &check.Webhook{
		EventID: w.EventID, EventType: w.EventType, TargetType: w.TargetType, TargetID: w.TargetID,
		Outcome: w.Outcome, Error: w.Error, Payload: []byte(w.Payload)}}
}

func personRecord(e Entry, p check.Person) check.Record {
	return check.Record{Seq: e.Seq, Time: e.Time, Kind: check.KindPerson, Person: &p}
}

// recordOf rebuilds the check record of a journal entry; body reads a
// bodies/ reference. Entries of other kinds have no record (ok false).
func recordOf(e Entry, body func(ref string) ([]byte, error)) (check.Record, bool, error) {
	switch e.Kind {
	case EventHTTP:
		var ex Exchange
		if err := json.Unmarshal(e.Data, &ex); err != nil {
			return check.Record{}, false, fmt.Errorf("journal line %d: http: %w", e.Seq, err)
		}
		req, err := messageBody(ex.Request, body)
		if err != nil {
			return check.Record{}, false, fmt.Errorf("journal line %d: request body: %w", e.Seq, err)
		}
		var resp []byte
		if ex.Response != nil {
			if resp, err = messageBody(*ex.Response, body); err != nil {
				return check.Record{}, false, fmt.Errorf("journal line %d: response body: %w", e.Seq, err)
			}
		}
		return httpRecord(e, &ex, req, resp), true, nil
	case EventWebhook:
		var w Webhook
		if err := json.Unmarshal(e.Data, &w); err != nil {
			return check.Record{}, false, fmt.Errorf("journal line %d: webhook: %w", e.Seq, err)
		}
		return webhookRecord(e, &w), true, nil
	case EventPerson:
		var p check.Person
		if err := json.Unmarshal(e.Data, &p); err != nil {
			return check.Record{}, false, fmt.Errorf("journal line %d: person: %w", e.Seq, err)
		}
		return personRecord(e, p), true, nil
	}
	return check.Record{}, false, nil
}

func messageBody(m Message, body func(string) ([]byte, error)) ([]byte, error) {
	if m.BodyRef != "" {
		if !isBodyRef(m.BodyRef) {
			return nil, fmt.Errorf("%q is not a bodies/ reference", m.BodyRef)
		}
		return body(m.BodyRef)
	}
	if m.Body == "" {
		return nil, nil
	}
	return []byte(m.Body), nil
}
