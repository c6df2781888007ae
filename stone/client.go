package stone

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Wire constants documented by Stone (stone-api.md §1, §3, §5.10).
const (
	Realm                = "stone_bank"
	ClientAssertionType  = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	IdempotencyHeader    = "x-stone-idempotency-key"
	MaxIdempotencyKeyLen = 72
	ConsentAudience      = "accounts-hubid@openbank.stone.com.br"
)

const (
	defaultUserAgent     = "homolog (+https://github.com/openbank-homolog/homolog)"
	defaultHTTPTimeout   = 30 * time.Second
	defaultAssertionTTL  = 5 * time.Minute
	maxAssertionTTL      = 15 * time.Minute // Stone's docs: exp at most 15 min ahead
	defaultRefreshBefore = 60 * time.Second
	// maxResponseBytes bounds what is read from any response, so a
	// misbehaving proxy cannot make the runner buffer without limit.
	maxResponseBytes = 8 << 20
)

// Options configures a Client. Time and ids are injected so that evidence
// bundles and tests are reproducible.
type Options struct {
	Endpoints     Endpoints
	ClientID      string
	PrivateKey    *rsa.PrivateKey
	UserAgent     string           // required by Stone on every call; "" → "homolog (+https://github.com/openbank-homolog/homolog)"
	HTTPClient    *http.Client     // base client (its Transport may be a recorder); nil → &http.Client{Timeout: 30 * time.Second}
	Now           func() time.Time // nil → time.Now
	NewID         func() string    // nil → uuid.NewString; jti, consent jti, generated idempotency keys
	AssertionTTL  time.Duration    // client assertion lifetime; 0 → 5 min; > 15 min is an error at New
	Audience      string           // client assertion aud; "" → Endpoints.RealmURL()
	RefreshBefore time.Duration    // fetch a new token this long before expiry; 0 → 60 s
}

// Client calls Stone's API on behalf of one application (ClientID). It is
// safe for concurrent use; all goroutines share one cached access token.
type Client struct {
	endpoints     Endpoints
	clientID      string
	key           *rsa.PrivateKey
	userAgent     string
	now           func() time.Time
	newID         func() string
	assertionTTL  time.Duration
	audience      string
	refreshBefore time.Duration

	base *http.Client // token requests: no bearer token on the way to Keycloak
	api  *http.Client // API requests: base with the auth RoundTripper on top

	tokens tokenCache
}

// New validates opts and returns a Client. Nothing is sent until the first
// call, so New works offline.
func New(opts Options) (*Client, error) {
	const op = "new client"
	if strings.TrimSpace(opts.ClientID) == "" {
		return nil, fmt.Errorf("stone: %s: ClientID is required", op)
	}
	if opts.PrivateKey == nil {
		return nil, fmt.Errorf("stone: %s: PrivateKey is required", op)
	}
	if err := opts.PrivateKey.Validate(); err != nil {
		return nil, fmt.Errorf("stone: %s: PrivateKey: %w", op, err)
	}
	if err := opts.Endpoints.validate(); err != nil {
		return nil, fmt.Errorf("stone: %s: %w", op, err)
	}
	switch {
	case opts.AssertionTTL < 0:
		return nil, fmt.Errorf("stone: %s: AssertionTTL must not be negative, got %s", op, opts.AssertionTTL)
	case opts.AssertionTTL > 0 && opts.AssertionTTL < time.Second:
		// exp and iat are whole seconds; a shorter TTL would make exp == iat.
		return nil, fmt.Errorf("stone: %s: AssertionTTL must be at least 1s, got %s", op, opts.AssertionTTL)
	case opts.AssertionTTL > maxAssertionTTL:
		return nil, fmt.Errorf("stone: %s: AssertionTTL %s exceeds Stone's limit of %s", op, opts.AssertionTTL, maxAssertionTTL)
	case opts.RefreshBefore < 0:
		return nil, fmt.Errorf("stone: %s: RefreshBefore must not be negative, got %s", op, opts.RefreshBefore)
	}

	c := &Client{
		endpoints:     opts.Endpoints.normalized(),
		clientID:      opts.ClientID,
		key:           opts.PrivateKey,
		userAgent:     opts.UserAgent,
		now:           opts.Now,
		newID:         opts.NewID,
		assertionTTL:  opts.AssertionTTL,
		audience:      opts.Audience,
		refreshBefore: opts.RefreshBefore,
		base:          opts.HTTPClient,
		tokens:        newTokenCache(),
	}
	if c.userAgent == "" {
		c.userAgent = defaultUserAgent
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.newID == nil {
		c.newID = uuid.NewString
	}
	if c.assertionTTL == 0 {
		c.assertionTTL = defaultAssertionTTL
	}
	if c.audience == "" {
		c.audience = c.endpoints.RealmURL()
	}
	if c.refreshBefore == 0 {
		c.refreshBefore = defaultRefreshBefore
	}
	if c.base == nil {
		c.base = &http.Client{Timeout: defaultHTTPTimeout}
	}
	apiURL, err := url.Parse(c.endpoints.APIURL)
	if err != nil { // validated above; kept so a future change cannot panic
		return nil, fmt.Errorf("stone: %s: Endpoints.APIURL: %w", op, err)
	}
	// A shallow copy keeps the caller's Timeout, Jar and CheckRedirect while
	// layering the bearer token over its Transport (which may be the
	// evidence recorder, so it sees the Authorization header too).
	api := *c.base
	api.Transport = &authTransport{client: c, base: c.base.Transport, scheme: apiURL.Scheme, host: apiURL.Host}
	c.api = &api
	return c, nil
}

// Endpoints returns the (normalized) endpoints the client talks to.
func (c *Client) Endpoints() Endpoints { return c.endpoints }

// ClientID returns the application's client id.
func (c *Client) ClientID() string { return c.clientID }

// call describes one API request. path is relative to /api/v1 and has its
// ids already escaped with url.PathEscape.
type call struct {
	op     string // names the operation in error messages
	method string
	path   string
	query  url.Values
	body   any    // JSON-encoded when non-nil
	raw    []byte // sent as it is when non-nil (Call: a body a person wrote)
	header http.Header
	accept string // Accept header; "" → application/json
	// contentType replaces the application/json Stone asks for on every
	// call, for the one call documented otherwise (a KYC photo's storage
	// request, image/jpeg).
	contentType string
	// notModified lets a 304 through as a response instead of an *Error,
	// for the endpoints Stone documents with If-None-Match.
	notModified bool
	// anyStatus makes every status an answer rather than an *Error: Call
	// hands the response to checks that judge it.
	anyStatus bool
}

// response is what exchange read: enough for callers that need more than
// the decoded JSON (a 304, an ETag, a PDF).
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends r through the authenticated client and decodes a 2xx JSON body
// into out (when out is non-nil). Non-2xx responses become *Error.
func (c *Client) do(ctx context.Context, r call, out any) error {
	resp, err := c.exchange(ctx, r)
	if err != nil {
		return err
	}
	return decodeBody(r.op, resp, out)
}

// decodeBody decodes a JSON body into out; out == nil ignores the body
// (204 answers, and 200 {} where nothing is documented in it).
func decodeBody(op string, resp *response, out any) error {
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return fmt.Errorf("stone: %s: empty response body (status %d)", op, resp.status)
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fmt.Errorf("stone: %s: decode response: %w", op, err)
	}
	return nil
}

// exchange sends r through the authenticated client and returns the
// response read in full. Every attempt is exactly one request: the client
// never retries, so the evidence shows each attempt as the runner made it.
func (c *Client) exchange(ctx context.Context, r call) (*response, error) {
	u := c.endpoints.APIURL + apiPrefix + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("stone: %s: encode request: %w", r.op, err)
		}
		// bytes.Reader lets net/http set GetBody, so the body survives a redirect.
		body = bytes.NewReader(b)
	}
	if r.raw != nil {
		body = bytes.NewReader(r.raw)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, fmt.Errorf("stone: %s: build request: %w", r.op, err)
	}
	for k, vs := range r.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("User-Agent", c.userAgent)
	accept := r.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	// Stone asks for Content-Type: application/json on every API call
	// (§1.5), as its Go SDK sends it, even on a bodyless approve or cancel.
	switch {
	case r.contentType != "":
		req.Header.Set("Content-Type", r.contentType)
	case r.body != nil || r.raw != nil || r.method != http.MethodGet:
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.api.Do(req)
	if err != nil {
		return nil, wrap(r.op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("stone: %s: read response: %w", r.op, err)
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if !ok && !r.anyStatus && !(r.notModified && resp.StatusCode == http.StatusNotModified) {
		e := newAPIError(resp.StatusCode, resp.Header, req.Method, req.URL.Path, data)
		e.received = c.now()
		return nil, wrap(r.op, e)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// escapeID escapes one path segment and rejects an empty id, which would
// otherwise silently turn "get account" into "list accounts".
func escapeID(op, field, id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", fmt.Errorf("stone: %s: %s is required", op, field)
	}
	return url.PathEscape(id), nil
}

// getByID fetches one resource of type T at prefix+id: the shape of every
// "get one by id" call, so that each of them is one line and they cannot
// drift apart in how they validate and escape the id.
func getByID[T any](ctx context.Context, c *Client, op, field, prefix, id string) (*T, error) {
	esc, err := escapeID(op, field, id)
	if err != nil {
		return nil, err
	}
	var v T
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: prefix + esc}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// list fetches one page of type T from path with the filters in q and the
// cursor parameters in page.
func list[T any](ctx context.Context, c *Client, op, path string, q url.Values, page PageParams) (*T, error) {
	if err := page.set(op, q); err != nil {
		return nil, err
	}
	var v T
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: path, query: q}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// postIdempotent POSTs body to path with an idempotency key (generated
// when key is "") and decodes the answer as T: the shape of every
// financial creation Stone documents.
func postIdempotent[T any](ctx context.Context, c *Client, op, path string, body any, key string) (*T, error) {
	h, err := c.idempotencyHeader(op, key)
	if err != nil {
		return nil, err
	}
	var v T
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: path, body: body, header: h}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
