// Package contract holds the response shapes Stone documents, as JSON
// Schemas written from stone-api.md (not from what the simulator sends),
// and checks a response against them. The simulator's tests hold every
// answer it gives to these shapes; a run against Stone's sandbox or
// production uses them to flag contract drift: a response that departs
// from the documented shape (a missing field, a wrong type, an unknown
// enum value) is recorded in the evidence without failing the scenario.
//
// It imports neither stone nor the simulator: both sides are held to the
// documents, not to each other.
package contract

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaFS is every schema; schemas/defs.json holds the shared pieces.
//
//go:embed schemas/*.json
var schemaFS embed.FS

// schemaBase names the embedded schemas for $ref resolution; nothing is
// ever fetched from it (every file is added to the compiler up front).
const schemaBase = "https://homolog.invalid/contract/schemas/"

// apiPrefix is where Stone's API lives on its host; error bodies there
// have the documented srn:error shape whatever the endpoint.
const apiPrefix = "/api/v1/"

// errorSchema is the shape of every API error (§6).
const errorSchema = "error.json"

// maxFindings bounds what one response can add to the evidence: a list
// whose every item lacks a field says so once (indices are folded), and a
// response that matches nothing documented is not worth a hundred lines.
const maxFindings = 12

// Endpoint is one documented response: a method and path pattern in the
// syntax of net/http's ServeMux (matched by specificity, as the simulator
// routes), the schema file of its 2xx body under schemas/, and the section
// of stone-api.md (or stone-api-families.md) that documents it.
type Endpoint struct {
	Pattern string
	Schema  string
	Source  string
}

// Endpoints is the table of documented responses. Adding a family's shapes
// is dropping its schema files under schemas/ and adding its rows here;
// TestEveryEndpointIsDriven in the simulator then asks for a request that
// exercises each new row.
//
// Left out on purpose, because the documents do not give their shape:
// GET /accounts/{id}/fees (only the per-type object is shown), the
// webhook inspection list (the example is one object, not a page), the
// TED dry run (a status, no body), PIX key lists, the batch operations
// list, and everything answered with 204 or a PDF (receipts, boleto
// exports), or with 200 and no body (contact deletions).
func Endpoints() []Endpoint {
	return []Endpoint{
		{"POST /auth/realms/stone_bank/protocol/openid-connect/token", "token.json", "stone-api.md §1.4"},
		{"GET /api/v1/accounts", "accounts.json", "stone-api.md §4"},
		{"GET /api/v1/accounts/{id}", "account.json", "stone-api.md §4"},
		{"GET /api/v1/accounts/{id}/balance", "balance.json", "stone-api.md §4"},
		{"GET /api/v1/accounts/{id}/statement", "statement.json", "stone-api.md §4"},
		{"GET /api/v1/statement/entries/{entry}", "statement_entry.json", "stone-api.md §4"},
		{"GET /api/v1/accounts/{id}/statement/entries/{entry}", "statement_entry.json", "stone-api.md §4 (Postman's path)"},
		{"GET /api/v1/accounts/{id}/fees/{fee_type}", "fee.json", "stone-api.md §4"},
		{"GET /api/v1/accounts/{id}/schedulings", "list.json", "stone-api.md §4, §4.1"},
		{"GET /api/v1/institutions", "institutions.json", "stone-api.md §4"},
		{"GET /api/v1/institutions/{code}", "institution.json", "stone-api.md §4"},
		{"GET /api/v1/schedulings/calendar", "calendar.json", "stone-api.md §5.3"},
		{"POST /api/v1/internal_transfers", "internal_transfer.json", "stone-api.md §5.1"},
		{"GET /api/v1/internal_transfers", "internal_transfers.json", "stone-api.md §5.1"},
		{"GET /api/v1/internal_transfers/{id}", "internal_transfer.json", "stone-api.md §5.1"},
		{"POST /api/v1/dry_run/internal_transfers", "internal_transfer_dry_run.json", "stone-api.md §5.1 (same shape)"},
		{"POST /api/v1/external_transfers", "external_transfer.json", "stone-api.md §5.2"},
		{"GET /api/v1/external_transfers", "external_transfers.json", "stone-api.md §5.2"},
		{"GET /api/v1/external_transfers/{id}", "external_transfer.json", "stone-api.md §5.2"},
		{"POST /api/v1/dry_run/payments", "payment_dry_run.json", "stone-api.md §5.4"},
		{"POST /api/v1/payments", "payment.json", "stone-api.md §5.4"},
		{"GET /api/v1/payments", "payments.json", "stone-api.md §5.4"},
		{"GET /api/v1/payments/{id}", "payment.json", "stone-api.md §5.4"},
		{"POST /api/v1/pix/outbound_pix_payments/brcodes", "brcode.json", "stone-api.md §5.5"},
		{"GET /api/v1/pix/outbound_pix_payments/brcodes", "brcode.json", "stone-api.md §5.5 (GO and Postman's GET) [X]"},
		{"POST /api/v1/pix/outbound_pix_payments", "outbound_pix_payment.json", "stone-api.md §5.5"},
		{"GET /api/v1/pix/outbound_pix_payments/{id}", "outbound_pix_payment_full.json", "stone-api.md §5.5"},
		{"GET /api/v1/outbound_pix_payments/{id}", "outbound_pix_payment_full.json", "stone-api.md §5.5, §7 (webhook detail URI)"},
		{"POST /api/v1/pix/{account_id}/entries", "pix_entry_created.json", "stone-api.md §5.5"},
		{"POST /api/v1/pix_payment_invoices", "pix_payment_invoice.json", "stone-api.md §5.5"},
		{"POST /api/v1/barcode_payment_invoices", "boleto_invoice.json", "stone-api.md §5.7"},
		{"GET /api/v1/barcode_payment_invoices", "boleto_invoices.json", "stone-api.md §5.7, §4.1"},
		{"GET /api/v1/barcode_payment_invoices/{id}", "boleto_invoice.json", "stone-api.md §5.7"},
		{"GET /api/v1/barcode_payment_invoices/limits/{account_id}", "boleto_limits.json", "stone-api.md §5.7"},
		{"POST /api/v1/barcode_payment_invoices/{id}/cancel", "empty_object.json", "stone-api.md §5.7"},
		{"POST /api/v1/accounts/{id}/operations/actions/approve", "operations_approved.json", "stone-api.md §5.6"},
		{"POST /api/v1/accounts/{id}/operations/actions/cancel", "operations_cancelled.json", "stone-api.md §5.6"},
		{"GET /api/v1/discovery/keys", "discovery_keys.json", "stone-api.md §7"},
		{"GET /api/v1/payment_links/{account_id}/config", "payment_link_config.json", "stone-api-families.md §1.3"},
		{"POST /api/v1/payment_links/orders", "payment_link_order.json", "stone-api-families.md §1.1, §1.4"},
		{"GET /api/v1/payment_links/{account_id}/orders", "payment_link_orders.json", "stone-api-families.md §1.1"},
		{"GET /api/v1/payment_links/{account_id}/orders/{order_id}", "payment_link_order.json", "stone-api-families.md §1.4"},
		{"PATCH /api/v1/payment_links/orders/{order_id}/closed", "payment_link_order.json", "stone-api-families.md §1.1, §1.5"},
		{"GET /api/v1/topups/mobile/providers/{cellphone}", "topup_mobile_providers.json", "stone-api-families.md §3.1"},
		{"GET /api/v1/topups/{product}/providers", "topup_providers.json", "stone-api-families.md §3.1"},
		{"GET /api/v1/topups/mobile/values/{provider_id}/{cellphone}", "topup_values.json", "stone-api-families.md §3.1"},
		{"GET /api/v1/topups/{product}/values/{provider_id}", "topup_values.json", "stone-api-families.md §3.1"},
		{"POST /api/v1/topups/{product}/dry-run", "topup_dry_run.json", "stone-api-families.md §3.1, §3.2"},
		{"POST /api/v1/topups/{product}", "topup.json", "stone-api-families.md §3.3"},
		{"POST /api/v1/applications/{app}/signups", "signup_accepted.json", "stone-api-families.md §4.1"},
		{"GET /api/v1/applications/{app}/signups/{id}", "signup.json", "stone-api-families.md §4.2"},
		{"GET /api/v1/users/{user_id}/kyc/request", "kyc_request.json", "stone-api-families.md §5.4"},
		{"POST /api/v1/users/{user_id}/kyc/answer", "kyc_request.json", "stone-api-families.md §5.4"},
		{"POST /api/v1/storage/{name}", "storage_upload.json", "stone-api-families.md §5.4"},
		{"POST /api/v1/payrolls", "payroll.json", "stone-api-families.md §5.2"},
		{"GET /api/v1/payrolls", "payrolls.json", "stone-api-families.md §5.2, stone-api.md §4.1"},
		{"GET /api/v1/payrolls/{payroll_id}", "payroll.json", "stone-api-families.md §5.2"},
		{"GET /api/v1/payrolls/{payroll_id}/salaries", "list.json", "stone-api-families.md §5.2 (the salary's own shape is not documented [X])"},
		{"POST /api/v1/salary_portabilities", "salary_portability.json", "stone-api-families.md §5.3"},
		{"GET /api/v1/salary_portabilities", "salary_portabilities.json", "stone-api-families.md §5.3, stone-api.md §4.1"},
		{"POST /api/v1/accounts/{id}/contacts", "contact.json", "stone-api-families.md §5.1"},
		{"GET /api/v1/accounts/{id}/contacts", "contacts.json", "stone-api-families.md §5.1"},
		{"GET /api/v1/accounts/{id}/contacts/{contact_id}", "contact.json", "stone-api-families.md §5.1"},
		{"POST /api/v1/accounts/{id}/contacts/{contact_id}", "contact.json", "stone-api-families.md §5.1 (update, by POST)"},
		{"POST /api/v1/accounts/{id}/contacts/{contact_id}/bank_accounts", "contact_bank_account.json", "stone-api-families.md §5.1"},
		{"POST /api/v1/accounts/{id}/contacts/{contact_id}/bank_accounts/{bank_account_id}", "contact_bank_account.json", "stone-api-families.md §5.1 (update, by POST)"},
	}
}

// Finding is one way a response departs from its documented shape.
type Finding struct {
	Endpoint string // "GET /api/v1/accounts/{id}/balance"
	Problem  string // "blocked_balance missing"
}

func (f Finding) String() string { return "drift: " + f.Endpoint + ": " + f.Problem }

// Contract checks responses against the documented shapes. It is safe for
// concurrent use: compiled schemas and the matcher are read-only.
type Contract struct {
	mux     *http.ServeMux
	schemas map[string]*jsonschema.Schema // by pattern
	errs    *jsonschema.Schema
	printer *message.Printer
}

// New compiles every schema of the table.
func New() (*Contract, error) {
	comp := jsonschema.NewCompiler()
	files, err := fs.Glob(schemaFS, "schemas/*.json")
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	for _, f := range files {
		data, err := schemaFS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("contract: %s: %w", f, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("contract: %s: %w", f, err)
		}
		if err := comp.AddResource(schemaBase+path.Base(f), doc); err != nil {
			return nil, fmt.Errorf("contract: %s: %w", f, err)
		}
	}
	c := &Contract{mux: http.NewServeMux(), schemas: map[string]*jsonschema.Schema{},
		printer: message.NewPrinter(language.English)}
	compiled := map[string]*jsonschema.Schema{}
	compile := func(file string) (*jsonschema.Schema, error) {
		if s, ok := compiled[file]; ok {
			return s, nil
		}
		s, err := comp.Compile(schemaBase + file)
		if err != nil {
			return nil, fmt.Errorf("contract: schema %s: %w", file, err)
		}
		compiled[file] = s
		return s, nil
	}
	if c.errs, err = compile(errorSchema); err != nil {
		return nil, err
	}
	for _, e := range Endpoints() {
		s, err := compile(e.Schema)
		if err != nil {
			return nil, err
		}
		if err := register(c.mux, e.Pattern); err != nil {
			return nil, err
		}
		c.schemas[e.Pattern] = s
	}
	return c, nil
}

// register adds a pattern to the matcher; ServeMux panics on a malformed
// or conflicting pattern, which here is a mistake in the table, reported
// as an error rather than a crash.
func register(mux *http.ServeMux, pattern string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("contract: pattern %q: %v", pattern, r)
		}
	}()
	mux.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
	return nil
}

// Match returns the documented endpoint pattern a request falls under,
// "" when none does.
func (c *Contract) Match(method string, u *url.URL) string {
	r := &http.Request{Method: method, URL: &url.URL{Path: u.Path, RawPath: u.RawPath}, Host: u.Host}
	_, pattern := c.mux.Handler(r)
	if _, ok := c.schemas[pattern]; !ok {
		return ""
	}
	return pattern
}

// Check says how a response departs from its documented shape: a 2xx
// body of a documented endpoint against that endpoint's schema, and an
// error body (4xx, 5xx) of the API against the error shape of §6. A
// response of an endpoint whose shape is not documented, an empty body
// (204) or a non-JSON error (a gateway's page) yields nothing.
func (c *Contract) Check(method string, u *url.URL, status int, body []byte) []Finding {
	pattern := c.Match(method, u)
	var sch *jsonschema.Schema
	endpoint := pattern
	switch {
	case status >= 200 && status < 300 && pattern != "":
		sch = c.schemas[pattern]
	case status >= 400 && strings.HasPrefix(u.Path, apiPrefix):
		sch = c.errs
		if endpoint == "" {
			endpoint = method + " " + u.Path
		}
		endpoint += fmt.Sprintf(" (%d)", status)
	default:
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if status >= 400 || status == http.StatusNoContent {
			return nil
		}
		return []Finding{{Endpoint: endpoint, Problem: "the body is empty, documented as JSON"}}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		if status >= 400 {
			return nil // not Stone's JSON at all: a proxy or gateway answered
		}
		return []Finding{{Endpoint: endpoint, Problem: "the body is not JSON"}}
	}
	verr := sch.Validate(inst)
	if verr == nil {
		return nil
	}
	ve, ok := verr.(*jsonschema.ValidationError)
	if !ok {
		return []Finding{{Endpoint: endpoint, Problem: verr.Error()}}
	}
	var problems []string
	for _, leaf := range leaves(ve) {
		problems = append(problems, c.problems(leaf)...)
	}
	sort.Strings(problems)
	problems = slices.Compact(problems)
	if len(problems) > maxFindings {
		n := len(problems) - maxFindings + 1
		problems = append(problems[:maxFindings-1], fmt.Sprintf("and %d more departures", n))
	}
	out := make([]Finding, len(problems))
	for i, p := range problems {
		out[i] = Finding{Endpoint: endpoint, Problem: p}
	}
	return out
}

// leaves are the errors that say what is wrong; the ones above them only
// say where (a $ref, an allOf, the document).
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// problems words one leaf error the way a reader of the docs says it:
// "data[].fee_amount missing", "balance: string, documented integer",
// `status: unknown value "PROCESSING"`.
func (c *Contract) problems(e *jsonschema.ValidationError) []string {
	at := location(e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		out := make([]string, len(k.Missing))
		for i, m := range k.Missing {
			out[i] = join(at, m) + " missing"
		}
		return out
	case *kind.Type:
		return []string{fmt.Sprintf("%s: %s, documented %s", orBody(at), k.Got, strings.Join(k.Want, " or "))}
	case *kind.Enum:
		return []string{fmt.Sprintf("%s: unknown value %s", orBody(at), shortValue(k.Got))}
	case *kind.Pattern:
		return []string{fmt.Sprintf("%s: %s does not match %s", orBody(at), shortValue(k.Got), k.Want)}
	case *kind.Const:
		return []string{fmt.Sprintf("%s: unexpected value %s", orBody(at), shortValue(k.Got))}
	default:
		return []string{orBody(at) + ": " + e.ErrorKind.LocalizedString(c.printer)}
	}
}

// index matches an array index in an instance location.
var index = regexp.MustCompile(`^\d+$`)

// location writes a JSON pointer's tokens as a field path, folding array
// indices so that one field missing from every item of a list is one
// finding: ["data", "3", "fee_amount"] → "data[].fee_amount".
func location(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		if index.MatchString(t) {
			b.WriteString("[]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}

func join(at, field string) string {
	if at == "" {
		return field
	}
	return at + "." + field
}

func orBody(at string) string {
	if at == "" {
		return "the body"
	}
	return at
}

// shortValue quotes a value for a finding, cut short: an enum's value is a
// word, but a hostile or broken answer could put anything there.
func shortValue(v any) string {
	s := fmt.Sprint(v)
	if str, ok := v.(string); ok {
		s = fmt.Sprintf("%q", str)
	}
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}
