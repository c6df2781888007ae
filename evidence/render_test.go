package evidence

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/check"
)

var update = flag.Bool("update", false, "rewrite the renderers' golden files under testdata/golden")

const hostile = `<script>alert(1)</script> ]]> "q" | pipe`

// testBodyRef is what storeBody returns for a large body.
const testBodyRef = "bodies/0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

// richReport is one run touching every status and every kind of exchange,
// with hostile text wherever report data reaches an output. Times are fixed
// so the goldens are stable.
func richReport() *Report {
	t0 := time.Date(2026, 11, 28, 10, 15, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	jsonHdr := map[string][]string{"Content-Type": {"application/json"}}
	var seq int64
	ex := func(startMS, endMS int, method, url string, status int, reqID string, resp *Message) *Exchange {
		seq++
		return &Exchange{Seq: seq, StartedAt: at(startMS), FinishedAt: at(endMS), Method: method, URL: url,
			Status: status, RequestID: reqID, Request: Message{Headers: map[string][]string{"Accept": {"application/json"}}},
			Response: resp}
	}
	step := func(kw, text string, line int, status string, startMS, endMS int, xs ...*Exchange) *Step {
		st := &Step{ID: kw + text, Keyword: kw, Text: text, Line: line, Status: status, Exchanges: xs}
		if startMS >= 0 {
			st.StartedAt, st.FinishedAt = at(startMS), at(endMS)
		}
		return st
	}
	api := "http://127.0.0.1:43210/api/v1"

	setup := ex(100, 130, "GET", api+"/accounts?discover=1", 200, "req-setup-1",
		&Message{Headers: jsonHdr, Body: `[]`, BodySize: 2})

	token := ex(1000, 1040, "POST", "http://127.0.0.1:43210/auth/realms/stone_bank/protocol/openid-connect/token", 200, "req-token-1",
		&Message{Headers: jsonHdr, Body: `{"access_token":"[redacted:9f2c]","expires_in":900,"token_type":"Bearer"}`, BodySize: 74})
	token.Request = Message{Headers: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body: "grant_type=client_credentials&client_assertion=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjbGllbnQtMTIzIn0.[redacted:41aa]", BodySize: 120}

	refused := ex(2000, 2003, "GET", api+"/accounts", 0, "", nil)
	refused.Error = "dial tcp 127.0.0.1:43210: connect: connection refused"
	accounts := ex(2100, 2180, "GET", api+"/accounts", 200, "req-acc-2",
		&Message{Headers: map[string][]string{"Content-Type": {"application/json"}, "X-Note": {hostile}},
			BodyRef: testBodyRef, BodySize: 200000})
	balance := ex(2200, 2230, "GET", api+"/accounts/acc-1/balance", 200, "req-bal-3",
		&Message{Headers: jsonHdr, Body: `{"balance":990,"note":"</script><script>alert(1)</script> ]]>"}`, BodySize: 62})
	balance.IdempotencyKey = "idem-7f3a"
	balance.Drift = []Drift{{Endpoint: "GET /api/v1/accounts/{id}/balance", Problem: "blocked_balance missing"},
		{Endpoint: "GET /api/v1/accounts/{id}/balance", Problem: "note: unknown value " + hostile}}
	accounts.Drift = []Drift{{Endpoint: "GET /api/v1/accounts", Problem: "data[].owner_name missing"}}
	balance.ServerDate = "Sat, 28 Nov 2026 10:15:02 GMT"

	failedStep := step("Then ", `the balance of account "acc-1" is 1000`, 13, StatusFailed, 2190, 2240, balance)
	failedStep.Error = "expected balance 1000, got 990: " + hostile + "\n  at steps/accounts.go:88"
	failedStep.Checks = []*CheckResult{{Seq: 40, Result: check.Result{Name: "balance_agrees", Params: check.Params{"note": hostile},
		Inputs: map[string][]int64{"before": {3}, "statement": {4}, "after": {5}}, Message: "balance is 990 but the newest statement entry ends at 1000: " + hostile}}}
	consentStep := step("When ", "the account owner approves the consent request", 15, StatusPassed, 2250, 2290)
	consentStep.Person = []*PersonEvent{
		{Seq: 41, Time: at(2250), Person: check.Person{Actor: "person", Action: check.PersonPrompt, Subject: "consent", Decision: "approve",
			Text: "open the link " + hostile, Link: "https://sandbox.conta.stone.com.br/consentimento?client_id=c&jwt=eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJhY2NvdW50cy1odWJpZEBvcGVuYmFuay5zdG9uZS5jb20uYnIifQ.[redacted:41aa]"}},
		{Seq: 42, Time: at(2290), Person: check.Person{Actor: "person", Action: check.PersonAnswer, Subject: "consent",
			Answer: "https://partner.example/cb?consent_result=approved&resource_id=acc-1", Outcome: "answered", WaitedMS: 40000}},
	}

	authFeature := &Feature{
		URI: "features/01_auth_accounts.feature", Name: `Authenticate & read accounts ` + hostile,
		Description: "Partners authenticate with a signed client assertion.\nThen read what they may. ]]>",
		Tags:        []string{"@auth", "read"},
		Scenarios: []*Scenario{
			{ID: "s1", Name: "Obtain an access token", Line: 5, Tags: []string{"@smoke"}, Status: StatusPassed,
				StartedAt: at(900), FinishedAt: at(1100), Steps: []*Step{
					step("Given ", "the application is authenticated", 6, StatusPassed, 900, 1050, token),
					func() *Step {
						st := step("Then ", "the token is valid for 900 seconds", 7, StatusPassed, 1050, 1100)
						st.Checks = []*CheckResult{{Seq: 9, Result: check.Result{Name: "token_issued", Params: check.Params{"seconds": "900"}, Inputs: map[string][]int64{"token": {2}}, OK: true}}}
						return st
					}(),
					consentStep,
				}},
			{ID: "s2", Name: `Balance of "acc-1" | statement`, Line: 10, Status: StatusFailed,
				Error: "expected balance 1000, got 990: " + hostile, StartedAt: at(1900), FinishedAt: at(2300), Steps: []*Step{
					step("Given ", "the application is authenticated", 11, StatusPassed, 1900, 1901),
					step("When ", "I list the accounts", 12, StatusPassed, 1901, 2190, refused, accounts),
					failedStep,
					step("And ", "the statement is consistent", 14, StatusSkipped, -1, 0),
				}},
			{ID: "s3", Name: "Read the fees", Line: 17, Status: StatusUndefined, StartedAt: at(2400), FinishedAt: at(2410), Steps: []*Step{
				step("Given ", "the application is authenticated", 18, StatusPassed, 2400, 2401),
				step("When ", `I read the fees for "PIX"`, 19, StatusUndefined, 2401, 2402),
				step("Then ", "the fees are listed", 20, StatusSkipped, -1, 0),
			}},
		},
	}
	pixFeature := &Feature{
		URI: "features/04_pix.feature", Name: "PIX payments", Tags: []string{"@pix"},
		Scenarios: []*Scenario{
			{ID: "s4", Name: "Create a PIX payment", Line: 4, Status: StatusBlocked,
				BlockedBy: `Request consent | approve "acc-1" ` + hostile, StartedAt: at(3000), FinishedAt: at(3000), Steps: []*Step{
					step("Given ", "the consent for account \"acc-1\" is approved", 5, StatusNotRun, -1, 0),
					step("When ", "I create a PIX payment of 10.00", 6, StatusNotRun, -1, 0),
				}},
			{ID: "s5", Name: "Cancel a scheduled PIX", Line: 9, Status: StatusPending, StartedAt: at(3100), FinishedAt: at(3120), Steps: []*Step{
				step("When ", "I cancel the scheduled PIX", 10, StatusPending, 3100, 3110),
				step("Then ", "it is cancelled", 11, StatusSkipped, -1, 0),
			}},
			{ID: "s6", Name: "PIX idempotency replay", Line: 14, Tags: []string{"@wip"}, Status: StatusSkipped, Steps: []*Step{
				step("When ", "I repeat the PIX with the same idempotency key", 15, StatusSkipped, -1, 0),
			}},
			{ID: "s7", Name: "PIX webhook", Line: 18, Status: StatusNotRun, Steps: []*Step{
				step("Then ", "a webhook for the PIX arrives", 19, StatusNotRun, -1, 0),
			}},
		},
	}
	r := &Report{
		Schema: ReportSchema, RunID: "20261128T101500Z-3f9a",
		Tool: Tool{Name: "homolog", Version: "v0.1.0-test", GoVersion: "go1.26"},
		Target: Target{Name: "simulator", AuthURL: "http://127.0.0.1:43210/auth/realms/stone_bank",
			APIURL: api, SiteURL: "http://127.0.0.1:43210/consentimento"},
		ClientID: "client-123", Operator: `qa "ops" <qa@example.com>`,
		StartedAt: t0, FinishedAt: at(42500), Status: "failed", Complete: true, ExitCode: 1,
		Features: []*Feature{authFeature, pixFeature}, Setup: []*Exchange{setup},
		Coverage: &Coverage{Target: "simulator", Scenarios: 7, Of: 32, Families: []string{"internal_transfers", "pix"}, NotAuthorised: []string{"payments"},
			Filters: []string{"tags @auth,@pix"}, Custom: []string{"01_auth_accounts.feature added"}},
		Webhooks: []*Webhook{{Seq: 40, ReceivedAt: t0.Add(3 * time.Second), EventID: "7919b78a", EventType: "cash_out_internal_transfer_finished",
			TargetType: "internal_transfer_finished", TargetID: "tr-1", Outcome: "accepted", Status: 200},
			{Seq: 41, ReceivedAt: t0.Add(4 * time.Second), EventID: "<script>alert(1)</script>", EventType: "x", Outcome: "rejected", Error: "signature does not verify", Status: 400}},
	}
	r.Summarize()
	return r
}

func ourRenderers() []Renderer {
	return []Renderer{JUnitRenderer{}, HTMLRenderer{}, CucumberRenderer{}, MarkdownRenderer{}}
}

func render(t *testing.T, rd Renderer, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := rd.Render(&buf, r); err != nil {
		t.Fatalf("%s: %v", rd.File(), err)
	}
	return buf.String()
}

func TestGolden(t *testing.T) {
	type golden struct {
		file string
		rd   Renderer
	}
	var goldens []golden
	for _, rd := range ourRenderers() {
		goldens = append(goldens, golden{rd.File(), rd})
	}
	// A large run's page, forced on the small report.
	goldens = append(goldens, golden{"report.compact.html", HTMLRenderer{InlineLimit: -1}})
	for _, g := range goldens {
		rd := g.rd
		t.Run(g.file, func(t *testing.T) {
			got := render(t, rd, richReport())
			path := filepath.Join("testdata", "golden", g.file)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./evidence -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s; rerun with -update if the change is intended", rd.File(), path)
			}
			// Two renders of the same report must be identical, or goldens
			// and bundle hashes would flap.
			if again := render(t, rd, richReport()); again != got {
				t.Errorf("%s is not deterministic", rd.File())
			}
		})
	}
}

func TestRenderersListsOurs(t *testing.T) {
	want := map[string]bool{"report.json": true, "junit.xml": true, "report.html": true, "cucumber.json": true, "summary.md": true}
	for _, rd := range Renderers() {
		if !want[rd.File()] {
			t.Errorf("unexpected renderer file %q", rd.File())
		}
		delete(want, rd.File())
	}
	if len(want) != 0 {
		t.Errorf("missing renderers: %v", want)
	}
}

// junitDoc reads back what CI systems read.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		File  string `xml:"file,attr"`
		Tests int    `xml:"tests,attr"`
		Cases []struct {
			Name      string       `xml:"name,attr"`
			Classname string       `xml:"classname,attr"`
			Line      int          `xml:"line,attr"`
			Failure   *junitResult `xml:"failure"`
			Error     *junitResult `xml:"error"`
			Skipped   *junitResult `xml:"skipped"`
			SystemOut string       `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnit(t *testing.T) {
	r := richReport()
	out := render(t, JUnitRenderer{}, r)
	var doc junitDoc
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	// 7 scenarios; failed+blocked are failures, undefined+pending errors,
	// skipped+not_run skipped.
	if doc.Tests != 7 || doc.Failures != 2 || doc.Errors != 2 || doc.Skipped != 2 {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d, want 7 2 2 2", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	sc := r.Summary.Scenarios
	if doc.Failures != sc.Failed+sc.Blocked || doc.Errors != sc.Undefined+sc.Pending || doc.Skipped != sc.Skipped+sc.NotRun {
		t.Errorf("totals disagree with the report summary %+v", sc)
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != r.Features[0].Name || doc.Suites[1].File != "features/04_pix.feature" {
		t.Fatalf("suites = %+v", doc.Suites)
	}
	if n := doc.Suites[0].Tests + doc.Suites[1].Tests; n != doc.Tests {
		t.Errorf("suite tests sum %d != %d", n, doc.Tests)
	}
	failed := doc.Suites[0].Cases[1]
	if failed.Failure == nil || failed.Failure.Type != "failed" || failed.Classname != r.Features[0].Name || failed.Line != 10 {
		t.Fatalf("failed case = %+v", failed)
	}
	for _, want := range []string{`Then the balance of account "acc-1" is 1000`, "expected balance 1000", "req-bal-3", hostile} {
		if !strings.Contains(failed.Failure.Message, want) {
			t.Errorf("failure message %q lacks %q", failed.Failure.Message, want)
		}
	}
	if !strings.Contains(failed.SystemOut, "GET "+r.Target.APIURL+"/accounts → 200 (x-request-id req-acc-2)") ||
		!strings.Contains(failed.SystemOut, "→ error: dial tcp") {
		t.Errorf("system-out lacks the exchanges:\n%s", failed.SystemOut)
	}
	blocked := doc.Suites[1].Cases[0]
	if blocked.Failure == nil || blocked.Failure.Type != "blocked" || !strings.HasPrefix(blocked.Failure.Message, "blocked by: Request consent") {
		t.Errorf("blocked case = %+v", blocked.Failure)
	}
	if c := doc.Suites[0].Cases[2]; c.Error == nil || c.Error.Type != "undefined" {
		t.Errorf("undefined case = %+v", c)
	}
	if c := doc.Suites[1].Cases[3]; c.Skipped == nil || !strings.Contains(c.Skipped.Message, "not run") {
		t.Errorf("not_run case = %+v", c)
	}
}

var (
	remoteLoad = regexp.MustCompile(`(?i)\b(?:src|href|action|srcset|poster|data|formaction)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)`)
	anyLink    = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*"([^"]*)"`)
	htmlTag    = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>`)
)

func TestHTML(t *testing.T) {
	out := render(t, HTMLRenderer{}, richReport())
	if strings.Contains(out, "<script>alert") || strings.Contains(out, "</script><script>") {
		t.Error("report data reached the page unescaped")
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("hostile text is missing instead of escaped")
	}
	if n := strings.Count(out, "<script"); n != 1 {
		t.Errorf("%d script elements, want only the print helper", n)
	}
	if m := remoteLoad.FindString(out); m != "" {
		t.Errorf("page loads or links outside itself: %q", m)
	}
	for _, m := range anyLink.FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], "#") && !strings.HasPrefix(m[1], BodiesDir+"/") {
			t.Errorf("link %q leaves the bundle", m[1])
		}
	}
	for _, want := range []string{
		"<dt>Authorised families</dt><dd>internal_transfers, pix (not authorised: payments)</dd>",
		`<a href="#drift">2 responses departed from the shapes Stone documents</a>`,
		"<code>drift: GET /api/v1/accounts/{id}/balance: blocked_balance missing</code> · 1 response, first <a href=\"#x",
		`<span class="driftmark">drift</span>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if !strings.Contains(out, `href="`+testBodyRef+`"`) {
		t.Error("no relative link to the stored body")
	}
	if strings.Contains(out, "@import") || strings.Contains(out, "url(") {
		t.Error("CSS fetches something")
	}
	for _, want := range []string{
		"embedded simulator, not Stone&#39;s sandbox", "req-bal-3", "idem-7f3a", "connection refused",
		"&#34;balance&#34;: 990", // the JSON body, pretty-printed
		"Setup exchanges", "req-setup-1", "not run", "Blocked by:", "@media print", "<details",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	checkBalanced(t, out)
	checkCSPAllowsScript(t, out)

	r := richReport()
	r.Target.Name = "sandbox"
	if sb := render(t, HTMLRenderer{}, r); strings.Contains(sb, `class="banner"`) || strings.Contains(sb, "embedded simulator") {
		t.Error("sandbox run shows the simulator banner")
	}
}

// checkCSPAllowsScript: the page's CSP pins its one inline script by hash;
// if the template's script and the hash drift apart, printing silently
// stops expanding the exchanges.
func checkCSPAllowsScript(t *testing.T, page string) {
	t.Helper()
	m := regexp.MustCompile(`<script>(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no script")
	}
	sum := sha256.Sum256([]byte(m[1]))
	want := "&#39;sha256-" + strings.ReplaceAll(base64.StdEncoding.EncodeToString(sum[:]), "+", "&#43;") + "&#39;"
	if !strings.Contains(page, "default-src &#39;none&#39;") || !strings.Contains(page, want) {
		t.Errorf("CSP does not pin the inline script (want %s)", want)
	}
}

// checkBalanced is a small well-formedness check: every non-void element
// the template opens, it closes, in order. Script and style bodies are
// skipped (CSS child selectors contain '>').
func checkBalanced(t *testing.T, page string) {
	t.Helper()
	void := map[string]bool{"meta": true, "br": true, "hr": true, "img": true, "link": true, "input": true}
	page = regexp.MustCompile(`(?s)<(style|script)[^>]*>.*?</(style|script)>`).ReplaceAllString(page, "")
	page = strings.TrimPrefix(page, "<!DOCTYPE html>")
	var stack []string
	for _, m := range htmlTag.FindAllStringSubmatch(page, -1) {
		name := strings.ToLower(m[2])
		switch {
		case void[name]:
		case m[1] == "":
			stack = append(stack, name)
		case len(stack) == 0 || stack[len(stack)-1] != name:
			t.Fatalf("</%s> closes %v", name, stack)
		default:
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 {
		t.Errorf("unclosed elements: %v", stack)
	}
}

func TestCucumber(t *testing.T) {
	var feats []struct {
		URI, ID, Keyword, Name string
		Tags                   []struct{ Name string }
		Elements               []struct {
			ID, Keyword, Type, Name string
			Line                    int
			Before, After           []struct{ Result cucumberResult }
			Steps                   []struct {
				Keyword, Name string
				Line          int
				Result        cucumberResult
			}
		}
	}
	if err := json.Unmarshal([]byte(render(t, CucumberRenderer{}, richReport())), &feats); err != nil {
		t.Fatalf("cucumber.json does not parse: %v", err)
	}
	if len(feats) != 2 || feats[0].Keyword != "Feature" || feats[0].URI != "features/01_auth_accounts.feature" ||
		feats[0].Tags[1].Name != "@read" {
		t.Fatalf("features = %+v", feats)
	}
	allowed := map[string]bool{"passed": true, "failed": true, "skipped": true, "undefined": true, "pending": true}
	got := map[string][]string{} // scenario name → step statuses
	for _, f := range feats {
		for _, el := range f.Elements {
			if el.Keyword != "Scenario" || el.Type != "scenario" || !strings.HasPrefix(el.ID, f.ID+";") {
				t.Errorf("element %q: keyword %q type %q id %q", el.Name, el.Keyword, el.Type, el.ID)
			}
			for _, st := range el.Steps {
				if !allowed[st.Result.Status] {
					t.Errorf("step %q has status %q, unknown to cucumber", st.Name, st.Result.Status)
				}
				if !strings.HasSuffix(st.Keyword, " ") || strings.HasSuffix(st.Keyword, "  ") {
					t.Errorf("keyword %q must end in exactly one space", st.Keyword)
				}
				got[el.Name] = append(got[el.Name], st.Result.Status)
			}
			switch el.Name {
			case "Create a PIX payment":
				if len(el.Before) != 1 || el.Before[0].Result.Status != "failed" ||
					!strings.HasPrefix(el.Before[0].Result.ErrorMessage, "blocked by: Request consent") {
					t.Errorf("blocked scenario does not fail in cucumber: %+v", el.Before)
				}
			case `Balance of "acc-1" | statement`:
				if st := el.Steps[2]; st.Result.Duration != int64(50*time.Millisecond) || !strings.Contains(st.Result.ErrorMessage, hostile) {
					t.Errorf("failed step result = %+v", st.Result)
				}
			}
		}
	}
	want := map[string]string{
		"Obtain an access token":         "passed passed passed",
		`Balance of "acc-1" | statement`: "passed passed failed skipped",
		"Read the fees":                  "passed undefined skipped",
		"Create a PIX payment":           "skipped skipped", // not_run → skipped
		"Cancel a scheduled PIX":         "pending skipped",
		"PIX idempotency replay":         "skipped",
		"PIX webhook":                    "skipped",
	}
	for name, w := range want {
		if g := strings.Join(got[name], " "); g != w {
			t.Errorf("%s: statuses %q, want %q", name, g, w)
		}
	}
	// A step reported as blocked itself maps to failed with the reason.
	el := cucumberElementOf("f;s", &Scenario{Status: StatusBlocked, BlockedBy: "consent", Steps: []*Step{{Keyword: "Given", Status: StatusBlocked}}})
	if r := el.Steps[0].Result; r.Status != "failed" || r.ErrorMessage != "blocked by: consent" || len(el.Before) != 0 {
		t.Errorf("blocked step = %+v, before = %+v", r, el.Before)
	}
}

func TestMarkdown(t *testing.T) {
	out := render(t, MarkdownRenderer{}, richReport())
	// The first line alone tells a complete homologation from a partial
	// or custom one.
	if !strings.HasPrefix(out, "# Homologation FAILED — partial: 7 of 32 scenarios (tags @auth,@pix); custom script: 1 feature file differs") {
		t.Errorf("title line = %q", strings.SplitN(out, "\n", 2)[0])
	}
	r := richReport()
	r.Coverage = &Coverage{Target: "sandbox", Scenarios: 32, Of: 32}
	if out := render(t, MarkdownRenderer{}, r); !strings.HasPrefix(out, "# Homologation FAILED\n") {
		t.Errorf("a whole run's title line = %q", strings.SplitN(out, "\n", 2)[0])
	}
	for _, want := range []string{
		"- Authorised families in scope: internal\\_transfers, pix (not authorised: payments)\n",
		"## Contract drift\n\n2 responses departed from the shapes Stone documents",
		"- drift: GET /api/v1/accounts/{id}/balance: blocked\\_balance missing — 1 response, first in Authenticate",
		"- drift: GET /api/v1/accounts: data\\[\\].owner\\_name missing — 1 response",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	for _, want := range []string{"(embedded simulator)", "20261128T101500Z-3f9a", `Balance of "acc-1" \| statement`,
		"blocked by: Request consent \\| approve", "`junit.xml`", "`report.html`", "`manifest.jws`"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	if strings.Contains(out, "<script>") {
		t.Error("HTML tag left unescaped")
	}
	// Every row of the scenario table has exactly its 5 unescaped pipes.
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "Authenticate") || strings.HasPrefix(line, "| PIX payments") {
			rows++
			if n := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1)); n != 5 {
				t.Errorf("row has %d cell separators: %s", n, line)
			}
		}
	}
	if rows != 7 {
		t.Errorf("%d scenario rows, want 7", rows)
	}

	r = richReport()
	r.Target.Name = "sandbox"
	if strings.Contains(render(t, MarkdownRenderer{}, r), "embedded simulator") {
		t.Error("sandbox run named as simulator")
	}
}

func TestRunMarker(t *testing.T) {
	for _, tc := range []struct {
		status   string
		complete bool
		want     string
	}{
		{"passed", true, "PASSED"}, {"failed", true, "FAILED"},
		{"incomplete", false, "INCOMPLETE"}, {"passed", false, "INCOMPLETE"},
	} {
		if got := runMarker(&Report{Status: tc.status, Complete: tc.complete}); got != tc.want {
			t.Errorf("%s complete=%v: %s, want %s", tc.status, tc.complete, got, tc.want)
		}
	}
}

// An interrupted run with nothing recorded (zero times, no features) must
// still render every file: a crash leaves a bundle too.
func TestRenderEmptyReport(t *testing.T) {
	r := &Report{RunID: "x", Status: "incomplete", IncompleteReason: "interrupted", ExitCode: 3,
		Features: []*Feature{{URI: "a.feature", Name: "A", Scenarios: []*Scenario{{Name: "S", Status: StatusNotRun,
			Steps: []*Step{{Keyword: "Given", Status: StatusNotRun, Exchanges: []*Exchange{{Method: "GET", Request: Message{BodyRef: "https://evil.example/x"}}}}}}}}}}
	for _, rd := range ourRenderers() {
		out := render(t, rd, r)
		if rd.File() == "report.html" && (strings.Contains(out, `href="https:`) || !strings.Contains(out, "not linked")) {
			t.Error("a body reference outside bodies/ became a link")
		}
	}
	// The run did not finish: a gate reading only JUnit must see that, so
	// what did not run is an error, not a (green) skip.
	var doc junitDoc
	if err := xml.Unmarshal([]byte(render(t, JUnitRenderer{}, r)), &doc); err != nil || doc.Errors != 1 || doc.Skipped != 0 {
		t.Errorf("junit of an incomplete run: %v, %+v", err, doc)
	}
	// Characters XML cannot carry (terminal colours, NUL) must not make
	// junit.xml unreadable for CI.
	r.Features[0].Scenarios[0].Status = StatusFailed
	r.Features[0].Scenarios[0].Error = "\x1b[31mboom\x00\x1b[0m"
	if err := xml.Unmarshal([]byte(render(t, JUnitRenderer{}, r)), &doc); err != nil || doc.Failures != 1 {
		t.Errorf("junit with control characters: %v, %+v", err, doc)
	}
}

// compactHTML renders richReport as a large run's page.
func compactHTML(t *testing.T) string {
	t.Helper()
	return render(t, HTMLRenderer{InlineLimit: -1}, richReport())
}

var dataBlockPattern = regexp.MustCompile(`<script type="application/gzip" id="([a-z0-9-]+)">([A-Za-z0-9+/=]*)</script>`)

// dataBlocks decodes a compact page's data blocks by id: what its script
// decompresses and shows.
func dataBlocks(t *testing.T, page string) map[string][]json.RawMessage {
	t.Helper()
	out := map[string][]json.RawMessage{}
	for _, m := range dataBlockPattern.FindAllStringSubmatch(page, -1) {
		z, err := base64.StdEncoding.DecodeString(m[2])
		require.NoError(t, err, m[1])
		gz, err := gzip.NewReader(bytes.NewReader(z))
		require.NoError(t, err, m[1])
		var items []json.RawMessage
		require.NoError(t, json.NewDecoder(gz).Decode(&items), m[1])
		out[m[1]] = items
	}
	return out
}

// TestHTMLCompact: a large run's page opens with what did not pass, in
// full; every scenario that passed (or did not run) is its heading, its
// body in a data block that decodes to the same escaped HTML an inline
// page holds; timeline and webhooks are data too; the policy runs the
// page's two scripts and nothing else.
func TestHTMLCompact(t *testing.T) {
	out := compactHTML(t)
	if m := remoteLoad.FindString(out); m != "" {
		t.Errorf("page loads or links outside itself: %q", m)
	}
	for _, m := range anyLink.FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], "#") && !strings.HasPrefix(m[1], BodiesDir+"/") {
			t.Errorf("link %q leaves the bundle", m[1])
		}
	}
	assert.NotContains(t, out, "<script>alert")
	checkBalanced(t, out)
	checkCSPAllowsScripts(t, out, 2)

	// What did not pass comes first, whole, and is listed under its
	// feature too.
	problems := out[strings.Index(out, `<section id="problems">`):strings.Index(out, `<section id="features">`)]
	for _, id := range []string{"f1-s2", "f1-s3", "f2-s1", "f2-s2"} { // failed, undefined, blocked, pending
		assert.Contains(t, problems, `id="`+id+`"`)
		assert.Contains(t, out, `id="`+id+`-r"`)
	}
	assert.Contains(t, problems, `id="x3"`, "a failed scenario's exchanges are in the page")
	assert.Contains(t, problems, "&lt;script&gt;alert(1)&lt;/script&gt;")
	for _, id := range []string{"f1-s1", "f2-s3", "f2-s4"} { // passed, skipped, not run
		assert.NotContains(t, problems, `id="`+id+`"`)
		assert.Regexp(t, `<section class="scenario [^"]* lazy" id="`+id+`" data-b="b1"`, out)
	}
	assert.NotContains(t, out, `id="x2"`, "a passed scenario's exchanges are data until shown")
	assert.Contains(t, out, `data-x="2"`, "a link to one of them finds its scenario")

	blocks := dataBlocks(t, out)
	require.Len(t, blocks["b1"], 3)
	var passed string
	require.NoError(t, json.Unmarshal(blocks["b1"][0], &passed))
	inline := render(t, HTMLRenderer{}, richReport())
	start := strings.Index(inline, `<section class="scenario edge-st-passed" id="f1-s1">`)
	require.Positive(t, start)
	assert.Contains(t, inline[start:], passed, "the data is the inline page's body of the scenario")
	for _, want := range []string{`id="x2"`, "token_issued", "JWT decoded"} {
		assert.Contains(t, passed, want)
	}
	checkBalanced(t, passed)

	require.Equal(t, richReport().Summary.Exchanges, len(blocks["tl-data"]), "every exchange, setup included, is a timeline row")
	var row []any
	require.NoError(t, json.Unmarshal(blocks["tl-data"][0], &row))
	require.Len(t, row, 3)
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$`, row[0], "rows sort by start time as text")
	assert.Contains(t, row[2], `<tr><td><a href="#x`)
	require.Len(t, blocks["wh-data"], 2)
	var wh []any
	require.NoError(t, json.Unmarshal(blocks["wh-data"][1], &wh))
	assert.Contains(t, wh[2], "&lt;script&gt;alert(1)&lt;/script&gt;", "webhook rows are escaped like the page")
	assert.NotContains(t, wh[2], "<script>")

	// An inline page has none of it.
	assert.NotContains(t, inline, "application/gzip")
	assert.NotContains(t, inline, `id="problems"`)
}

// checkCSPAllowsScripts: the page's policy pins each of its n inline
// scripts by hash (data blocks are not scripts a browser runs).
func checkCSPAllowsScripts(t *testing.T, page string, n int) {
	t.Helper()
	scripts := regexp.MustCompile(`<script>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	require.Len(t, scripts, n)
	for _, m := range scripts {
		sum := sha256.Sum256([]byte(m[1]))
		want := "&#39;sha256-" + strings.ReplaceAll(base64.StdEncoding.EncodeToString(sum[:]), "+", "&#43;") + "&#39;"
		assert.Contains(t, page, want, "CSP does not pin a script")
	}
	assert.Contains(t, page, "default-src &#39;none&#39;")
}
