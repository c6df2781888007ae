package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	_ "embed"
)

// reportTemplate is the page; html/template escapes every report value in
// it according to its context, so hostile bodies and step text stay text.
//
//go:embed templates/report.html.tmpl
var reportTemplate string

// HTMLRenderer writes report.html: one self-contained file for reviewers
// and auditors. It loads nothing (no fonts, scripts, images or styles from
// anywhere), so it opens offline from an archived bundle years later and
// prints whole.
type HTMLRenderer struct{}

// File implements Renderer.
func (HTMLRenderer) File() string { return "report.html" }

// printScript opens every <details> before printing, so paper carries the
// exchanges too, and closes them again after. Without JavaScript the page
// still works; only printing keeps collapsed parts collapsed.
const printScript = `(function(){var o=[];addEventListener("beforeprint",function(){document.querySelectorAll("details:not([open])").forEach(function(d){d.open=true;o.push(d)})});addEventListener("afterprint",function(){o.forEach(function(d){d.open=false});o=[]})})();`

// Render implements Renderer.
func (HTMLRenderer) Render(w io.Writer, r *Report) error {
	t, err := template.New("report").Funcs(template.FuncMap{
		"label": statusLabel,
		"class": statusClass,
		"utc":   utcTime,
		"trim":  strings.TrimSpace,
	}).Parse(reportTemplate)
	if err != nil {
		return fmt.Errorf("evidence: html template: %w", err)
	}
	if err := t.Execute(w, newHTMLView(r)); err != nil {
		return fmt.Errorf("evidence: html: %w", err)
	}
	return nil
}

// htmlStatusOrder is the column order of the counts and coverage matrix;
// countRow fills its cells in the same order.
func htmlStatusOrder() []string {
	return []string{StatusPassed, StatusFailed, StatusBlocked, StatusSkipped, StatusUndefined, StatusPending, StatusNotRun}
}

type htmlView struct {
	R         *Report
	Marker    string
	MarkerCls string
	Simulator bool
	Duration  string
	Statuses  []string
	Counts    []htmlCountRow
	Matrix    []htmlCountRow
	Features  []htmlFeature
	Setup     []*htmlExchange
	Timeline  []*htmlExchange
	Script    template.JS // a constant of this file, never report data
	CSP       string
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
	F         *Feature
	Anchor    string
	Scenarios []htmlScenario
}

type htmlScenario struct {
	S        *Scenario
	Anchor   string
	Duration string
	Steps    []htmlStep
}

type htmlStep struct {
	S         *Step
	Duration  string
	Exchanges []*htmlExchange
}

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

type htmlMessage struct {
	Headers []htmlHeader
	Body    string // pretty-printed when JSON
	Ref     string // bodies/<sha256>, only when it is one
	BadRef  string // a reference that is not, shown as text, never linked
	Size    int
}

type htmlHeader struct{ Name, Value string }

func newHTMLView(r *Report) *htmlView {
	v := &htmlView{
		R: r, Marker: runMarker(r), Simulator: isSimulator(r),
		MarkerCls: statusClass(strings.ToLower(runMarker(r))),
		Duration:  optDuration(span(r.StartedAt, r.FinishedAt)),
		Statuses:  htmlStatusOrder(),
		Script:    template.JS(printScript),
	}
	sum := sha256.Sum256([]byte(printScript))
	// The policy forbids every fetch, so even a bug in this renderer cannot
	// make an auditor's browser reach the network.
	v.CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'"
	v.Counts = []htmlCountRow{countRow("Scenarios", "", r.Summary.Scenarios), countRow("Steps", "", r.Summary.Steps)}

	var all []*htmlExchange
	add := func(x *Exchange, where string) *htmlExchange {
		hx := newHTMLExchange(x, where, len(all)+1, r.StartedAt)
		all = append(all, hx)
		return hx
	}
	for _, x := range r.Setup {
		if x != nil {
			v.Setup = append(v.Setup, add(x, "setup"))
		}
	}
	var total Counts
	for fi, f := range r.Features {
		if f == nil {
			continue
		}
		hf := htmlFeature{F: f, Anchor: fmt.Sprintf("f%d", fi+1)}
		var c Counts
		for si, sc := range f.Scenarios {
			if sc == nil {
				continue
			}
			c.add(sc.Status)
			total.add(sc.Status)
			hs := htmlScenario{S: sc, Anchor: fmt.Sprintf("%s-s%d", hf.Anchor, si+1),
				Duration: optDuration(span(sc.StartedAt, sc.FinishedAt))}
			for _, st := range sc.Steps {
				if st == nil {
					continue
				}
				hst := htmlStep{S: st, Duration: optDuration(span(st.StartedAt, st.FinishedAt))}
				where := f.Name + " › " + sc.Name + " › " + stepTitle(st)
				for _, x := range st.Exchanges {
					if x != nil {
						hst.Exchanges = append(hst.Exchanges, add(x, where))
					}
				}
				hs.Steps = append(hs.Steps, hst)
			}
			hf.Scenarios = append(hf.Scenarios, hs)
		}
		v.Matrix = append(v.Matrix, countRow(f.Name, hf.Anchor, c))
		v.Features = append(v.Features, hf)
	}
	v.Matrix = append(v.Matrix, countRow("All features", "", total))

	// The timeline is what happened in order: by start time, and by journal
	// sequence between exchanges that started together.
	tl := slices.Clone(all)
	slices.SortStableFunc(tl, func(a, b *htmlExchange) int {
		if c := a.X.StartedAt.Compare(b.X.StartedAt); c != 0 {
			return c
		}
		return int(a.X.Seq - b.X.Seq)
	})
	v.Timeline = tl
	return v
}

func countRow(name, anchor string, c Counts) htmlCountRow {
	row := htmlCountRow{Name: name, Anchor: anchor, Total: c.Total}
	for i, n := range []int{c.Passed, c.Failed, c.Blocked, c.Skipped, c.Undefined, c.Pending, c.NotRun} {
		row.Cells = append(row.Cells, htmlCell{N: n, Status: htmlStatusOrder()[i]})
	}
	return row
}

func newHTMLExchange(x *Exchange, where string, n int, runStart time.Time) *htmlExchange {
	hx := &htmlExchange{
		X: x, Anchor: fmt.Sprintf("x%d", n), Where: where,
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
	return hm
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

// statusLabel is a status in words; the page never relies on colour alone.
func statusLabel(s string) string {
	if s == StatusNotRun {
		return "not run"
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
