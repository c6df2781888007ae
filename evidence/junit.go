package evidence

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/openbank-homolog/homolog/locale"
)

// JUnitRenderer writes junit.xml, the format every CI system reads. One
// testsuite per feature and one testcase per scenario, so a CI test view
// lines up with the homologation script.
type JUnitRenderer struct{}

// File implements Renderer.
func (JUnitRenderer) File() string { return "junit.xml" }

// The junit element structs. encoding/xml escapes every attribute and text
// node (and replaces characters XML cannot carry), so hostile step text or
// bodies cannot break the document; CDATA is avoided because "]]>" in an
// error would end it early.
type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	ClassName string       `xml:"classname,attr"`
	Name      string       `xml:"name,attr"`
	Time      string       `xml:"time,attr"`
	File      string       `xml:"file,attr,omitempty"`
	Line      int          `xml:"line,attr,omitempty"`
	Skipped   *junitResult `xml:"skipped,omitempty"`
	Error     *junitResult `xml:"error,omitempty"`
	Failure   *junitResult `xml:"failure,omitempty"`
	SystemOut string       `xml:"system-out,omitempty"`
}

type junitResult struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// Render implements Renderer. The suites' totals come first, from the
// features' totals; each case is encoded as its scenario is read.
func (JUnitRenderer) Render(w io.Writer, r Run) error {
	head := r.Head()
	var tests, failures, errs, skipped int
	var total time.Duration
	err := r.EachFeature(StepsOnly, func(_ *Feature, st FeatureStats, _ func(func(*Scenario) error) error) error {
		f, e, s := junitTally(st.Counts, head.Complete)
		tests, failures, errs, skipped = tests+st.Counts.Total, failures+f, errs+e, skipped+s
		total += st.Time
		return nil
	})
	if err != nil {
		return fmt.Errorf("evidence: junit: %w", err)
	}
	// The run's wall time includes set-up and waiting for the account owner,
	// which no scenario accounts for; prefer it when it is known.
	if d := span(head.StartedAt, head.FinishedAt); d > 0 {
		total = d
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("evidence: junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "name"}, Value: "homolog"}, intAttr("tests", tests), intAttr("failures", failures),
		intAttr("errors", errs), intAttr("skipped", skipped), {Name: xml.Name{Local: "time"}, Value: seconds(total)},
	}}
	if ts := junitTimestamp(head.StartedAt); ts != "" {
		root.Attr = append(root.Attr, xml.Attr{Name: xml.Name{Local: "timestamp"}, Value: ts})
	}
	if err := enc.EncodeToken(root); err != nil {
		return fmt.Errorf("evidence: junit: %w", err)
	}
	props := junitProperties(head)
	err = r.EachFeature(Everything, func(f *Feature, st FeatureStats, scenarios func(func(*Scenario) error) error) error {
		fails, errs, skips := junitTally(st.Counts, head.Complete)
		suite := xml.StartElement{Name: xml.Name{Local: "testsuite"}, Attr: []xml.Attr{{Name: xml.Name{Local: "name"}, Value: f.Name}}}
		if f.URI != "" {
			suite.Attr = append(suite.Attr, xml.Attr{Name: xml.Name{Local: "file"}, Value: f.URI})
		}
		suite.Attr = append(suite.Attr, intAttr("tests", st.Counts.Total), intAttr("failures", fails), intAttr("errors", errs),
			intAttr("skipped", skips), xml.Attr{Name: xml.Name{Local: "time"}, Value: seconds(st.Time)})
		if ts := junitTimestamp(st.First); ts != "" {
			suite.Attr = append(suite.Attr, xml.Attr{Name: xml.Name{Local: "timestamp"}, Value: ts})
		}
		if err := enc.EncodeToken(suite); err != nil {
			return err
		}
		if len(props) > 0 {
			if err := enc.Encode(junitPropertiesElement{Properties: props}); err != nil {
				return err
			}
		}
		err := scenarios(func(sc *Scenario) error {
			return enc.EncodeElement(junitCaseOf(f, sc, head.Complete), xml.StartElement{Name: xml.Name{Local: "testcase"}})
		})
		if err != nil {
			return err
		}
		return enc.EncodeToken(suite.End())
	})
	if err != nil {
		return fmt.Errorf("evidence: junit: %w", err)
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return fmt.Errorf("evidence: junit: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("evidence: junit: %w", err)
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// junitTally is how JUnit counts scenarios of these statuses, the way
// junitCaseOf marks each case: failed and blocked are failures, undefined
// and pending errors, skipped skipped, and what did not run skipped in a
// complete run, an error in an incomplete one.
func junitTally(c Counts, complete bool) (failures, errors, skipped int) {
	failures, errors, skipped = c.Failed+c.Blocked, c.Undefined+c.Pending, c.Skipped
	if complete {
		skipped += c.NotRun
	} else {
		errors += c.NotRun
	}
	return failures, errors, skipped
}

func intAttr(name string, n int) xml.Attr {
	return xml.Attr{Name: xml.Name{Local: name}, Value: strconv.Itoa(n)}
}

type junitPropertiesElement struct {
	XMLName    xml.Name        `xml:"properties"`
	Properties []junitProperty `xml:"property"`
}

// junitProperties repeats the run's identity in every suite: CI systems
// show suite properties, and a reviewer reading a failure there must see
// which target the run talked to.
func junitProperties(r *Report) []junitProperty {
	props := []junitProperty{
		// In the run's language, as summary.md states it; CI gates read the
		// exit code, or report.json's status.
		{Name: "homolog.verdict", Value: LocalVerdict(r)},
		{Name: "homolog.run_id", Value: r.RunID},
		{Name: "homolog.target", Value: r.Target.Name},
		{Name: "homolog.api_url", Value: r.Target.APIURL},
		{Name: "homolog.client_id", Value: r.ClientID},
	}
	if r.Lang != "" && r.Lang != locale.English {
		props = append(props, junitProperty{Name: "homolog.lang", Value: r.Lang})
	}
	if r.Summary.Drift > 0 {
		props = append(props, junitProperty{Name: "homolog.drift", Value: fmt.Sprintf("%d responses departed from Stone's documented shapes (summary.md lists them)", r.Summary.Drift)})
	}
	if c := r.Coverage; c != nil {
		props = append(props, junitProperty{Name: "homolog.scenarios", Value: fmt.Sprintf("%d of %d", c.Scenarios, c.Of)})
		if c.Families != nil {
			props = append(props, junitProperty{Name: "homolog.families", Value: strings.Join(c.Families, ", ")})
			if len(c.NotAuthorised) > 0 {
				props = append(props, junitProperty{Name: "homolog.families.not_authorised", Value: strings.Join(c.NotAuthorised, ", ")})
			}
		}
		if c.Partial() {
			props = append(props, junitProperty{Name: "homolog.scope.partial", Value: strings.Join(c.Filters, ", ")})
		}
		if len(c.Custom) > 0 {
			props = append(props, junitProperty{Name: "homolog.scope.custom", Value: strings.Join(c.Custom, ", ")})
		}
		if len(c.OffTarget) > 0 {
			props = append(props, junitProperty{Name: "homolog.scope.not_stone_hosts", Value: strings.Join(c.OffTarget, ", ")})
		}
	}
	return props
}

func junitCaseOf(f *Feature, sc *Scenario, complete bool) junitCase {
	c := junitCase{
		ClassName: f.Name,
		Name:      sc.Name,
		Time:      seconds(span(sc.StartedAt, sc.FinishedAt)),
		File:      f.URI,
		Line:      sc.Line,
		SystemOut: junitSystemOut(sc),
	}
	switch sc.Status {
	case StatusPassed:
	case StatusFailed:
		// Without a failed step the failure came from outside any step
		// (an after-scenario check): the scenario's error is all there is.
		c.Failure = &junitResult{Type: StatusFailed, Message: firstLine(sc.Error), Text: sc.Error}
		if st := failingStep(sc); st != nil {
			msg, text := stepTitle(st)+": "+firstLine(st.Error), stepTitle(st)+"\n"+st.Error
			if id := lastRequestID(st); id != "" {
				msg += " (x-request-id " + id + ")"
				text += "\nx-request-id: " + id
			}
			if sc.Error != "" && !strings.Contains(st.Error, sc.Error) {
				text += "\n" + sc.Error
			}
			c.Failure.Message, c.Failure.Text = msg, text
		}
	case StatusBlocked:
		// Blocked is a failure for CI: the run exits non-zero for it, and
		// a green CI view next to a red exit code would mislead.
		c.Failure = &junitResult{Type: StatusBlocked, Message: "blocked by: " + sc.BlockedBy, Text: sc.Error}
	case StatusUndefined, StatusPending:
		c.Error = &junitResult{Type: sc.Status, Message: sc.Status}
		if st := firstWithStatus(sc, sc.Status); st != nil {
			c.Error.Message = sc.Status + " step: " + stepTitle(st)
			c.Error.Text = st.Error
		}
		if c.Error.Text == "" {
			c.Error.Text = sc.Error
		}
	case StatusSkipped:
		c.Skipped = &junitResult{Message: "skipped"}
	default: // not_run and anything unknown, the way Counts tallies them
		if !complete {
			// A gate that reads only JUnit must see that the run did not
			// finish: a skipped test is green in most CI views.
			c.Error = &junitResult{Type: "not_run", Message: "not run: the run ended before this scenario (the run is incomplete)"}
			break
		}
		c.Skipped = &junitResult{Message: "not run: the run ended before this scenario"}
	}
	return c
}

// junitSystemOut is the scenario's steps and HTTP exchanges as text, so a
// CI log already carries the x-request-ids Stone's support asks for.
func junitSystemOut(sc *Scenario) string {
	var b strings.Builder
	for _, st := range sc.Steps {
		if st == nil {
			continue
		}
		fmt.Fprintf(&b, "%s [%s", stepTitle(st), st.Status)
		if d := span(st.StartedAt, st.FinishedAt); d > 0 {
			fmt.Fprintf(&b, " %s", fmtDuration(d))
		}
		b.WriteString("]\n")
		if st.Error != "" {
			fmt.Fprintf(&b, "    error: %s\n", indentLines(st.Error, "      "))
		}
		for _, x := range st.Exchanges {
			if x != nil {
				fmt.Fprintf(&b, "    %s\n", exchangeLine(x))
			}
		}
		// Each check the step made, so a CI view shows what was judged
		// and not only the first failure.
		for _, c := range st.Checks {
			if c != nil {
				fmt.Fprintf(&b, "    %s\n", checkLine(c))
			}
		}
	}
	return b.String()
}

// checkLine is "check NAME (k=v, ...) holds" or "... fails: message".
func checkLine(c *CheckResult) string {
	out := "check " + c.Name
	if ps := paramsText(c.Params); ps != "" {
		out += " (" + ps + ")"
	}
	if c.OK {
		return out + " holds"
	}
	return out + " fails: " + firstLine(c.Message)
}

// exchangeLine is "METHOD URL → STATUS (x-request-id ID)".
func exchangeLine(x *Exchange) string {
	out := x.Method + " " + x.URL + " → "
	switch {
	case x.Error != "":
		out += "error: " + firstLine(x.Error)
	case x.Status != 0:
		out += fmt.Sprint(x.Status)
	default:
		out += "no response"
	}
	if x.RequestID != "" {
		out += " (x-request-id " + x.RequestID + ")"
	}
	return out
}

// failingStep is the first failed step of sc, nil if none failed.
func failingStep(sc *Scenario) *Step { return firstWithStatus(sc, StatusFailed) }

func firstWithStatus(sc *Scenario, status string) *Step {
	for _, st := range sc.Steps {
		if st != nil && st.Status == status {
			return st
		}
	}
	return nil
}

// lastRequestID is the x-request-id of the step's last exchange: the one
// whose response made the step fail.
func lastRequestID(st *Step) string {
	if n := len(st.Exchanges); n > 0 && st.Exchanges[n-1] != nil {
		return st.Exchanges[n-1].RequestID
	}
	return ""
}

// stepTitle is "Keyword Text", whatever spacing the keyword came with.
func stepTitle(st *Step) string {
	return strings.TrimSpace(st.Keyword) + " " + st.Text
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}

func indentLines(s, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+indent)
}

// span is end-start, 0 when either is unknown or they are reversed.
func span(start, end time.Time) time.Duration {
	if start.IsZero() || end.IsZero() || end.Before(start) {
		return 0
	}
	return end.Sub(start)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func junitTimestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// fmtDuration rounds to what a person reads: milliseconds, or microseconds
// below one.
func fmtDuration(d time.Duration) string {
	if d > 0 && d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}
