package stone

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Response is the answer to a generic call: whatever its status, it is
// what the API said, for a check to judge.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Call sends one request to any path of Stone's API, for the generic steps
// a QA engineer writes in a feature file ("When the application calls GET
// "/api/v1/accounts""). It goes through the same client as every
// documented call: the same token, User-Agent, transport (retries,
// evidence, redaction) and idempotency-key rules. path is written as
// Stone's documents write it, "/api/v1/accounts/…", or as the part after
// /api/v1 ("/accounts/…"); a query string may follow. body, when not nil,
// is sent as it is (JSON is the caller's to write), and idempotencyKey,
// when not "", is sent as x-stone-idempotency-key. Every status is an
// answer: only a request that got no response, or could not be sent, is
// an error.
func (c *Client) Call(ctx context.Context, method, path string, body []byte, idempotencyKey string) (*Response, error) {
	op := "call " + method + " " + path
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return nil, fmt.Errorf("stone: %s: method must be GET, POST, PUT, PATCH or DELETE", op)
	}
	rest, err := apiPath(path)
	if err != nil {
		return nil, fmt.Errorf("stone: %s: %w", op, err)
	}
	var h http.Header
	if idempotencyKey != "" {
		if h, err = c.idempotencyHeader(op, idempotencyKey); err != nil {
			return nil, err
		}
	}
	resp, err := c.exchange(ctx, call{op: op, method: method, path: rest, raw: body, header: h, anyStatus: true})
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.status, Header: resp.header, Body: resp.body}, nil
}

// apiPath is a path of the API relative to /api/v1, from a path written
// with or without that prefix.
func apiPath(path string) (string, error) {
	if !strings.HasPrefix(path, "/") {
		return "", fmt.Errorf("the path must start with / (write it as Stone's documents do: /api/v1/accounts)")
	}
	if strings.ContainsAny(path, " \t\r\n") {
		return "", fmt.Errorf("the path contains white space (escape it as %%20)")
	}
	rest, ok := strings.CutPrefix(path, apiPrefix)
	switch {
	case !ok:
		return path, nil
	case rest == "" || rest[0] == '/' || rest[0] == '?':
		return rest, nil
	}
	return path, nil // /api/v10…: not the prefix
}
