package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	_ "embed"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/locale"
)

// reportTemplate is the page; html/template escapes every report value in
// it according to its context, so hostile bodies and step text stay text.
//
//go:embed templates/report.html.tmpl
var reportTemplate string

// HTMLRenderer writes report.html: one self-contained file for reviewers
// and auditors. It loads nothing (no fonts, scripts, images or styles from
// anywhere), so it opens offline from an archived bundle years later.
//
// A run of up to InlineLimit scenarios is one static page that needs no
// script and prints whole. A larger run's page stays usable in a browser
// and small (a few KB a scenario): what did not pass comes first, in full;
// each scenario that passed is its heading, its steps, checks and
// exchanges embedded compressed and shown when asked (html_compact.go),
// as are the timeline and the webhooks.
type HTMLRenderer struct {
	// InlineLimit is the most scenarios rendered all inline; 0 means
	// htmlInlineScenarios, a negative value always compact.
	InlineLimit int
}

// htmlInlineScenarios is the default InlineLimit: the built-in script,
// and many times it, stays a static page.
const htmlInlineScenarios = 100

// File implements Renderer.
func (HTMLRenderer) File() string { return "report.html" }

// printScript opens every <details> before printing, so paper carries the
// exchanges too, and closes them again after. Without JavaScript the page
// still works; only printing keeps collapsed parts collapsed.
const printScript = `(function(){var o=[];addEventListener("beforeprint",function(){document.querySelectorAll("details:not([open])").forEach(function(d){d.open=true;o.push(d)})});addEventListener("afterprint",function(){o.forEach(function(d){d.open=false});o=[]})})();`

// compact says whether r's page embeds passed scenarios compactly.
func (h HTMLRenderer) compact(r *Report) bool {
	limit := h.InlineLimit
	if limit == 0 {
		limit = htmlInlineScenarios
	}
	return limit < 0 || r.Summary.Scenarios.Total > limit
}

// problem says whether a scenario is one a reviewer must read first.
func problem(status string) bool {
	switch status {
	case StatusFailed, StatusBlocked, StatusUndefined, StatusPending:
		return true
	}
	return false
}

// Render implements Renderer. The page is written a piece at a time: its
// header (with the totals, which the run knows before its scenarios), each
// feature and each scenario as it is read, then setup exchanges, webhooks
// and the timeline.
func (h HTMLRenderer) Render(w io.Writer, run Run) error {
	if err := h.render(w, run); err != nil {
		return fmt.Errorf("evidence: html: %w", err)
	}
	return nil
}

func (h HTMLRenderer) render(w io.Writer, run Run) error {
	r := run.Head()
	c := r.words()
	t, err := template.New("report").Funcs(template.FuncMap{
		"label":        c.Status,
		"class":        statusClass,
		"utc":          utcTime,
		"trim":         strings.TrimSpace,
		"w":            func() *locale.HTMLWords { return &c.HTML },
		"lang":         func() string { return c.HTMLLang },
		"homologation": func() string { return c.Homologation },
		"result":       func(s string) string { return exchangeResult(s, c) },
	}).Parse(reportTemplate)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	v := newHTMLPage(r, h.compact(r))
	var total Counts
	err = run.EachFeature(StepsOnly, func(f *Feature, st FeatureStats, _ func(func(*Scenario) error) error) error {
		v.Matrix = append(v.Matrix, countRow(f.Name, fmt.Sprintf("f%d", len(v.Matrix)+1), st.Counts))
		total.merge(st.Counts)
		return nil
	})
	if err != nil {
		return err
	}
	v.Matrix = append(v.Matrix, countRow(c.HTML.AllFeatures, "", total))
	v.Problems = v.Compact && total.Failed+total.Blocked+total.Undefined+total.Pending > 0
	if err := run.EachSetup(func(*Exchange) error { v.SetupCount++; return nil }); err != nil {
		return err
	}
	webhooks := 0
	if err := run.EachWebhook(func(*Webhook) error { webhooks++; return nil }); err != nil {
		return err
	}
	v.HasWebhooks = webhooks > 0
	findings, err := run.Drift()
	if err != nil {
		return err
	}
	for _, f := range findings {
		v.Drift = append(v.Drift, htmlDrift{F: f, Anchor: fmt.Sprintf("x%d", f.First.Seq)})
	}

	exec := func(name string, data any) error { return t.ExecuteTemplate(w, name, data) }
	if err := exec("page-head", v); err != nil {
		return err
	}
	anchors := func(fi, si int) string { return fmt.Sprintf("f%d-s%d", fi, si) }
	if v.Problems {
		// What did not pass, in full, first: at 5,000 scenarios a reviewer
		// must not have to find it.
		if err := exec("problems-open", nil); err != nil {
			return err
		}
		fi := 0
		err := run.EachFeature(Everything, func(f *Feature, st FeatureStats, scenarios func(func(*Scenario) error) error) error {
			fi++
			if c := st.Counts; c.Failed+c.Blocked+c.Undefined+c.Pending == 0 {
				return nil // nothing to read here: its scenarios are not rebuilt
			}
			si := 0
			return scenarios(func(sc *Scenario) error {
				si++
				if !problem(sc.Status) {
					return nil
				}
				return exec("scenario", newHTMLScenario(f, sc, anchors(fi, si), r.StartedAt))
			})
		})
		if err == nil {
			err = exec("section-close", nil)
		}
		if err != nil {
			return err
		}
	}
	if err := exec("features-open", v); err != nil {
		return err
	}

	tl, err := newTimeline(v.Compact)
	if err != nil {
		return err
	}
	defer tl.discard()
	blocks := &lazyBlocks{page: w}
	fi := 0
	err = run.EachFeature(Everything, func(f *Feature, _ FeatureStats, scenarios func(func(*Scenario) error) error) error {
		fi++
		hf := htmlFeature{F: f, Anchor: fmt.Sprintf("f%d", fi)}
		if err := exec("feature-open", hf); err != nil {
			return err
		}
		si := 0
		err := scenarios(func(sc *Scenario) error {
			si++
			hs := newHTMLScenario(f, sc, anchors(fi, si), r.StartedAt)
			for _, st := range hs.Steps {
				for _, hx := range st.Exchanges {
					if err := tl.add(t, hx.row()); err != nil {
						return err
					}
				}
			}
			switch {
			case !v.Compact:
				return exec("scenario", hs)
			case problem(sc.Status):
				return exec("scenario-ref", hs)
			}
			var body bytes.Buffer
			if err := t.ExecuteTemplate(&body, "scenario-body", hs); err != nil {
				return err
			}
			if hs.Block, hs.Index, err = blocks.add(body.String()); err != nil {
				return err
			}
			hs.Seqs = scenarioSeqs(sc)
			return exec("scenario-lazy", hs)
		})
		if err != nil {
			return err
		}
		if err := exec("feature-close", nil); err != nil {
			return err
		}
		return blocks.flushIfFull()
	})
	if err == nil {
		err = blocks.flush()
	}
	if err == nil {
		err = exec("features-close", nil)
	}
	if err == nil && v.SetupCount > 0 {
		err = exec("setup-open", nil)
		if err == nil {
			err = run.EachSetup(func(x *Exchange) error {
				hx := newHTMLExchange(x, c.HTML.SetupWhere, r.StartedAt)
				if err := tl.add(t, hx.row()); err != nil {
					return err
				}
				return exec("setup-exchange", hx)
			})
		}
		if err == nil {
			err = exec("section-close", nil)
		}
	}
	if err == nil && v.HasWebhooks {
		if v.Compact {
			err = lazyWebhooks(w, t, run, webhooks)
		} else {
			err = exec("webhooks-open", nil)
			if err == nil {
				err = run.EachWebhook(func(wh *Webhook) error { return exec("webhook", wh) })
			}
			if err == nil {
				err = exec("webhooks-close", nil)
			}
		}
	}
	if err == nil && v.Compact {
		err = tl.writeLazy(w, t)
	}
	if err == nil {
		err = exec("page-tail", htmlTail{Compact: v.Compact, Timeline: tl.sorted(), Script: v.Script, LazyScript: v.LazyScript})
	}
	return err
}

// htmlStatusOrder is the column order of the counts and coverage matrix;
// countRow fills its cells in the same order.
func htmlStatusOrder() []string {
	return []string{StatusPassed, StatusFailed, StatusBlocked, StatusSkipped, StatusUndefined, StatusPending, StatusNotRun}
}

// htmlPage is what the page's header shows: the run and its totals.
type htmlPage struct {
	R           *Report
	Marker      string
	Scope       string // the verdict's scope words, "" for the whole built-in script on Stone's hosts
	Families    string // the authorised families in scope, "" when the bundle does not say
	MarkerCls   string
	Simulator   bool
	Duration    string
	Statuses    []string
	Counts      []htmlCountRow
	Matrix      []htmlCountRow
	SetupCount  int
	HasWebhooks bool
	Compact     bool        // passed scenarios, timeline and webhooks embedded compactly
	Problems    bool        // the compact page opens with the scenarios that did not pass
	Drift       []htmlDrift // each way responses departed from Stone's documented shapes
	Script      template.JS // a constant of this file, never report data
	LazyScript  template.JS // the compact page's, a constant too
	CSP         string
}

type htmlTail struct {
	Compact    bool
	Timeline   []*htmlTimelineRow
	Script     template.JS
	LazyScript template.JS
}

type htmlCountRow struct {
	Name, Anchor string
	Cells        []htmlCell
	Total        int
}

// htmlCell carries its status so a non-zero count is tinted like its badge.
type htmlCell struct {
	N      int
	Status string
}

type htmlFeature struct {
	F      *Feature
	Anchor string
}

type htmlScenario struct {
	S        *Scenario
	URI      string // its feature's
	Anchor   string
	Duration string
	Steps    []htmlStep
	// A compact page's passed scenario: its body is fragment Index of
	// block Block; Seqs are its exchanges' journal numbers, so a link to
	// one shows the scenario first.
	Block string
	Index int
	Seqs  string
}

type htmlStep struct {
	S         *Step
	Duration  string
	Exchanges []*htmlExchange
	Checks    []htmlCheck
	Person    []htmlPerson
}

// htmlCheck is a check with its parameters and inputs in words.
type htmlCheck struct {
	Name, Params, Inputs, Message string
	OK                            bool
	Seq                           int64
}

type htmlPerson struct {
	P      *PersonEvent
	Waited string
	JWTs   []htmlJWT
}

// htmlJWT is a JWT found in the evidence, decoded beside its redacted
// compact form so an auditor reads aud, exp, jti without a tool.
type htmlJWT struct{ Header, Claims string }

type htmlExchange struct {
	X           *Exchange
	Anchor      string
	Where       string // "setup" or "Feature › Scenario › Step"
	Offset      string // since the run started
	Duration    string
	Result      string // status code, "error" or "no response"
	ResultClass string
	Request     htmlMessage
	Response    *htmlMessage
}

// htmlTimelineRow is one exchange of the timeline: what its row shows,
// not the exchange's headers and bodies.
type htmlTimelineRow struct {
	X                                                    *Exchange // Seq, StartedAt, Method, URL and RequestID only
	Anchor, Where, Offset, Duration, Result, ResultClass string
}

func (hx *htmlExchange) row() *htmlTimelineRow {
	x := hx.X
	return &htmlTimelineRow{X: &Exchange{Seq: x.Seq, StartedAt: x.StartedAt, Method: x.Method, URL: x.URL, RequestID: x.RequestID},
		Anchor: hx.Anchor, Where: hx.Where, Offset: hx.Offset, Duration: hx.Duration, Result: hx.Result, ResultClass: hx.ResultClass}
}

type htmlMessage struct {
	JWTs    []htmlJWT
	Headers []htmlHeader
	Body    string // pretty-printed when JSON
	Ref     string // bodies/<sha256>, only when it is one
	BadRef  string // a reference that is not, shown as text, never linked
	Size    int
}

type htmlHeader struct{ Name, Value string }

// htmlDrift is one kind of contract drift, linked to the first exchange
// that showed it.
type htmlDrift struct {
	F      DriftFinding
	Anchor string
}

func newHTMLPage(r *Report, compact bool) *htmlPage {
	c := r.words()
	v := &htmlPage{
		R: r, Marker: c.Marker(r.Status, r.Complete), Scope: r.Coverage.WordsIn(c), Families: r.Coverage.FamiliesIn(c), Simulator: isSimulator(r),
		MarkerCls: statusClass(strings.ToLower(runMarker(r))),
		Duration:  optDuration(span(r.StartedAt, r.FinishedAt)),
		Statuses:  htmlStatusOrder(),
		Script:    template.JS(printScript),
		Compact:   compact,
	}
	scripts := []string{printScript}
	if compact {
		v.LazyScript = template.JS(lazyScript)
		scripts = append(scripts, lazyScript)
	}
	// The policy forbids every fetch, so even a bug in this renderer cannot
	// make an auditor's browser reach the network; it runs only the page's
	// own scripts, each pinned by its hash.
	src := ""
	for _, sc := range scripts {
		sum := sha256.Sum256([]byte(sc))
		src += " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	v.CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src" + src + "; base-uri 'none'; form-action 'none'"
	v.Counts = []htmlCountRow{countRow(c.HTML.Scenarios, "", r.Summary.Scenarios), countRow(c.HTML.Steps, "", r.Summary.Steps)}
	return v
}

func newHTMLScenario(f *Feature, sc *Scenario, anchor string, runStart time.Time) htmlScenario {
	hs := htmlScenario{S: sc, URI: f.URI, Anchor: anchor, Duration: optDuration(span(sc.StartedAt, sc.FinishedAt))}
	for _, st := range sc.Steps {
		if st == nil {
			continue
		}
		hst := htmlStep{S: st, Duration: optDuration(span(st.StartedAt, st.FinishedAt))}
		for _, c := range st.Checks {
			if c != nil {
				hst.Checks = append(hst.Checks, newHTMLCheck(c))
			}
		}
		for _, p := range st.Person {
			if p != nil {
				hst.Person = append(hst.Person, htmlPerson{P: p, Waited: optDuration(time.Duration(p.WaitedMS) * time.Millisecond),
					JWTs: decodeJWTs(p.Link, p.Text)})
			}
		}
		where := f.Name + " › " + sc.Name + " › " + stepTitle(st)
		for _, x := range st.Exchanges {
			if x != nil {
				hst.Exchanges = append(hst.Exchanges, newHTMLExchange(x, where, runStart))
			}
		}
		hs.Steps = append(hs.Steps, hst)
	}
	return hs
}

func countRow(name, anchor string, c Counts) htmlCountRow {
	row := htmlCountRow{Name: name, Anchor: anchor, Total: c.Total}
	for i, n := range []int{c.Passed, c.Failed, c.Blocked, c.Skipped, c.Undefined, c.Pending, c.NotRun} {
		row.Cells = append(row.Cells, htmlCell{N: n, Status: htmlStatusOrder()[i]})
	}
	return row
}

// newHTMLExchange is an exchange as the page shows it; its anchor is its
// journal sequence number, which the timeline and checks name too.
func newHTMLExchange(x *Exchange, where string, runStart time.Time) *htmlExchange {
	hx := &htmlExchange{
		X: x, Anchor: fmt.Sprintf("x%d", x.Seq), Where: where,
		Duration: optDuration(span(x.StartedAt, x.FinishedAt)),
		Request:  newHTMLMessage(x.Request),
	}
	if d := span(runStart, x.StartedAt); d > 0 {
		hx.Offset = "+" + fmtDuration(d)
	}
	switch {
	case x.Error != "":
		hx.Result, hx.ResultClass = "error", "http-error"
	case x.Status >= 400:
		hx.Result, hx.ResultClass = fmt.Sprint(x.Status), "http-error"
	case x.Status != 0:
		hx.Result, hx.ResultClass = fmt.Sprint(x.Status), "http-ok"
	default:
		hx.Result, hx.ResultClass = "no response", "http-none"
	}
	if x.Response != nil {
		m := newHTMLMessage(*x.Response)
		hx.Response = &m
	}
	return hx
}

func newHTMLMessage(m Message) htmlMessage {
	hm := htmlMessage{Body: prettyBody(m.Body), Size: m.BodySize}
	if isBodyRef(m.BodyRef) {
		hm.Ref = m.BodyRef
	} else {
		hm.BadRef = m.BodyRef
	}
	names := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		names = append(names, k)
	}
	slices.Sort(names) // maps iterate randomly; goldens must not
	for _, k := range names {
		for _, val := range m.Headers[k] {
			hm.Headers = append(hm.Headers, htmlHeader{Name: k, Value: val})
		}
	}
	texts := []string{m.Body}
	for _, h := range hm.Headers {
		texts = append(texts, h.Value)
	}
	hm.JWTs = decodeJWTs(texts...)
	return hm
}

func newHTMLCheck(c *CheckResult) htmlCheck {
	h := htmlCheck{Name: c.Name, OK: c.OK, Message: c.Message, Seq: c.Seq, Params: paramsText(c.Params)}
	var ins []string
	for _, role := range slices.Sorted(maps.Keys(c.Inputs)) {
		seqs := make([]string, len(c.Inputs[role]))
		for i, n := range c.Inputs[role] {
			seqs[i] = fmt.Sprintf("#%d", n)
		}
		ins = append(ins, role+" "+strings.Join(seqs, " "))
	}
	h.Inputs = strings.Join(ins, "; ")
	if h.Inputs == "" {
		h.Inputs = "no input"
	}
	return h
}

// paramsText is a check's parameters as "k=v, ...", sorted by name.
func paramsText(p check.Params) string {
	var ps []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		ps = append(ps, k+"="+p[k])
	}
	return strings.Join(ps, ", ")
}

// decodeJWTs finds the JWTs in texts (redacted: their signatures are
// fingerprints) and decodes each one's header and claims, once each.
func decodeJWTs(texts ...string) []htmlJWT {
	var out []htmlJWT
	seen := map[string]bool{}
	for _, t := range texts {
		if !strings.Contains(t, "ey") {
			continue
		}
		for _, tok := range jwtPattern.FindAllString(t, -1) {
			parts := strings.Split(strings.Join(strings.Fields(tok), ""), ".")
			if len(parts) < 2 || seen[parts[0]+"."+parts[1]] {
				continue
			}
			seen[parts[0]+"."+parts[1]] = true
			h, herr := base64.RawURLEncoding.DecodeString(parts[0])
			c, cerr := base64.RawURLEncoding.DecodeString(parts[1])
			if herr != nil || !json.Valid(h) {
				continue
			}
			j := htmlJWT{Header: prettyBody(string(h))}
			if len(parts) == 3 && cerr == nil && json.Valid(c) {
				j.Claims = prettyBody(string(c))
			} else {
				j.Claims = "(encrypted: a JWE)"
			}
			out = append(out, j)
		}
	}
	return out
}

// prettyBody indents JSON so a reviewer can read it; anything else is shown
// as captured.
func prettyBody(body string) string {
	t := strings.TrimSpace(body)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return body
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(t), "", "  "); err != nil {
		return body
	}
	return buf.String()
}

// isBodyRef accepts only what storeBody produces, bodies/<64 hex>, so a
// link in the page can only ever point inside the bundle.
func isBodyRef(ref string) bool {
	name, ok := strings.CutPrefix(ref, BodiesDir+"/")
	if !ok || len(name) != 64 {
		return false
	}
	for _, c := range name {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// exchangeResult is an exchange's result in the page's language: its HTTP
// status, or words when there is none.
func exchangeResult(s string, c *locale.Catalogue) string {
	switch s {
	case "error":
		return c.HTML.Error
	case "no response":
		return c.HTML.NoResult
	}
	return s
}

// statusClass picks the CSS class of a status badge; unknown values get a
// neutral one rather than a class name made of report data.
func statusClass(s string) string {
	switch s {
	case StatusPassed, StatusFailed, StatusBlocked, StatusSkipped, StatusUndefined, StatusPending:
		return "st-" + s
	case "incomplete":
		return "st-incomplete"
	case StatusNotRun:
		return "st-notrun"
	default:
		return "st-unknown"
	}
}

// optDuration is empty for an unknown (zero) duration, so the page shows
// nothing rather than a misleading "0s" for what never ran.
func optDuration(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return fmtDuration(d)
}

func utcTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05.000") + " UTC"
}
