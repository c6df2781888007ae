package simulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"unicode/utf8"
)

var accountCodeRE = regexp.MustCompile(`^\d+$`)

const maxTransferDescription = 200

type transferRequest struct {
	amount      int64
	accountID   string
	targetCode  string
	description string
	scheduledTo *string
}

// decodeTransferRequest validates the body field by field, so a client gets
// every problem at once with Stone's {"error","path"} shape rather than the
// first JSON type error.
func decodeTransferRequest(r *http.Request) (transferRequest, reply, bool) {
	var req transferRequest
	body, err := decodeObject(r.Body)
	if err != nil {
		return req, badRequest(err.Error()), false
	}
	var errs []fieldError
	add := func(msg string, path ...string) { errs = append(errs, fieldError{Error: msg, Path: path}) }

	if raw, ok := present(body, "amount"); !ok {
		add("can't be blank", "amount")
	} else if n, err := strconv.ParseInt(string(raw), 10, 64); err != nil {
		add("must be an integer (cents)", "amount")
	} else if n <= 0 {
		add("must be greater than 0", "amount")
	} else {
		req.amount = n
	}

	req.accountID = stringField(body, "account_id", true, add)

	if raw, ok := present(body, "target"); !ok {
		add("can't be blank", "target")
	} else if target, err := decodeObject(bytes.NewReader(raw)); err != nil {
		add("must be an object", "target")
	} else if raw, ok := present(target, "account"); !ok {
		add("can't be blank", "target", "account")
	} else if acc, err := decodeObject(bytes.NewReader(raw)); err != nil {
		add("must be an object", "target", "account")
	} else {
		code := stringField(acc, "account_code", true, func(msg string, _ ...string) {
			add(msg, "target", "account", "account_code")
		})
		if code != "" && !accountCodeRE.MatchString(code) {
			add("has invalid format", "target", "account", "account_code")
		}
		req.targetCode = code
	}

	req.description = stringField(body, "description", false, add)
	if utf8.RuneCountInString(req.description) > maxTransferDescription {
		add("should be at most 200 character(s)", "description")
	}

	// Stone's Postman collection spells it "schedule_to": both are read.
	name := "scheduled_to"
	if _, ok := present(body, name); !ok {
		if _, typo := present(body, "schedule_to"); typo {
			name = "schedule_to"
		}
	}
	if raw, ok := present(body, name); ok {
		var v string
		if json.Unmarshal(raw, &v) != nil {
			add("must be a date (yyyy-mm-dd)", name)
		} else if _, err := parseDay(v); err != nil {
			add("must be a date (yyyy-mm-dd)", name)
		} else {
			req.scheduledTo = &v
		}
	}
	if len(errs) > 0 {
		return req, validationErr(errs...), false
	}
	return req, reply{}, true
}

// decodeObject reads exactly one JSON object, keeping numbers verbatim.
func decodeObject(r io.Reader) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("request body must be a JSON object, got an empty body")
		}
		return nil, errors.New("request body is not a valid JSON object: " + err.Error())
	}
	if obj == nil {
		return nil, errors.New("request body must be a JSON object, got null")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("request body has data after the JSON object")
	}
	return obj, nil
}

// present treats an explicit null like an absent field, as Stone's
// "can't be blank" does.
func present(obj map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	raw, ok := obj[name]
	if !ok || string(raw) == "null" {
		return nil, false
	}
	return raw, true
}

func stringField(obj map[string]json.RawMessage, name string, required bool, add func(string, ...string)) string {
	raw, ok := present(obj, name)
	if !ok {
		if required {
			add("can't be blank", name)
		}
		return ""
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		add("must be a string", name)
		return ""
	}
	if required && v == "" {
		add("can't be blank", name)
	}
	return v
}
