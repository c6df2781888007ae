package evidence

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/openbank-homolog/homolog/locale"
)

// MarkdownRenderer writes summary.md, sized for a pull request comment or a
// GitHub job summary ($GITHUB_STEP_SUMMARY): the verdict, the counts and one
// row per scenario, pointing at the bundle for everything else.
type MarkdownRenderer struct{}

// File implements Renderer.
func (MarkdownRenderer) File() string { return "summary.md" }

// Render implements Renderer. It speaks the report's language (its first
// line reads "# Homologação APROVADA" in Portuguese); statuses, families
// and what the run recorded stay as recorded.
func (MarkdownRenderer) Render(w io.Writer, run Run) error {
	r := run.Head()
	c := r.words()
	m := c.Markdown
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# %s %s\n\n", c.Homologation, mdText(LocalVerdict(r)))

	target := "**" + mdText(r.Target.Name) + "**"
	if isSimulator(r) {
		target += " (" + m.Simulator + ")"
	}
	if r.Target.APIURL != "" {
		target += " — " + mdCode(r.Target.APIURL)
	}
	fmt.Fprintf(b, "- %s: %s\n", m.Target, target)
	if f := r.Coverage.FamiliesIn(c); f != "" {
		fmt.Fprintf(b, "- %s: %s\n", m.Families, mdText(f))
	}
	fmt.Fprintf(b, "- %s: %s\n", m.Run, mdCode(r.RunID))
	if r.ClientID != "" {
		fmt.Fprintf(b, "- %s: %s\n", m.Client, mdCode(r.ClientID))
	}
	if !r.StartedAt.IsZero() {
		fmt.Fprintf(b, "- "+m.Started, r.StartedAt.UTC().Format("2006-01-02 15:04:05"))
		if d := span(r.StartedAt, r.FinishedAt); d > 0 {
			fmt.Fprintf(b, m.Took, fmtDuration(d))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "- "+m.ExitCode+"\n", r.ExitCode)
	if !r.Complete && r.IncompleteReason != "" {
		fmt.Fprintf(b, "- "+m.Incomplete+"\n", mdText(r.IncompleteReason))
	}

	b.WriteString("\n|  | " + m.Total)
	for _, st := range htmlStatusOrder() {
		b.WriteString(" | " + c.Status(st))
	}
	b.WriteString(" |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, row := range []struct {
		name string
		c    Counts
	}{{m.Scenarios, r.Summary.Scenarios}, {m.Steps, r.Summary.Steps}} {
		n := row.c
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d | %d | %d | %d | %d |\n",
			row.name, n.Total, n.Passed, n.Failed, n.Blocked, n.Skipped, n.Undefined, n.Pending, n.NotRun)
	}
	fmt.Fprintf(b, "\n"+m.Exchanges+"\n", r.Summary.Exchanges)
	findings, err := run.Drift()
	if err != nil {
		return err
	}
	writeDriftMarkdown(b, r, findings)

	fmt.Fprintf(b, "\n| %s | %s | %s | %s |\n", m.Feature, m.Scenario, m.Status, m.Problem)
	b.WriteString("|---|---|---|---|\n")
	err = run.EachFeature(StepsOnly, func(f *Feature, _ FeatureStats, scenarios func(func(*Scenario) error) error) error {
		return scenarios(func(sc *Scenario) error {
			_, err := fmt.Fprintf(b, "| %s | %s | %s | %s |\n",
				mdText(f.Name), mdText(sc.Name), mdStatus(sc.Status, c), mdText(scenarioProblem(sc, c)))
			return err
		})
	})
	if err != nil {
		return err
	}

	files := make([]string, 0, 8)
	for _, out := range Renderers() {
		files = append(files, mdCode(out.File()))
	}
	files = append(files, mdCode(JournalFile), mdCode(ManifestFile), mdCode(SignatureFile), mdCode(PublicKeyFile), mdCode(PlanFile), mdCode(BodiesDir+"/"))
	fmt.Fprintf(b, "\n"+m.Files+"\n", strings.Join(files, ", "))
	return b.Flush()
}

// runMarker is the run's verdict in one word.
func runMarker(r *Report) string { return Marker(r.Status, r.Complete) }

// Marker is a run's verdict in one word. A run that did not complete is
// INCOMPLETE whatever its partial status, since it proves nothing about
// what it did not reach.
func Marker(status string, complete bool) string {
	switch {
	case !complete || status == "incomplete":
		return "INCOMPLETE"
	case status == StatusPassed:
		return "PASSED"
	default:
		return "FAILED"
	}
}

// RunVerdict is the report's verdict with its scope, as every output
// states it.
func RunVerdict(r *Report) string { return Verdict(runMarker(r), r.Coverage) }

func isSimulator(r *Report) bool { return r.Target.Name == "simulator" }

// scenarioProblem is the one line a reviewer needs to see first: what
// blocked the scenario or the first line of what failed.
func scenarioProblem(sc *Scenario, c *locale.Catalogue) string {
	switch sc.Status {
	case StatusBlocked:
		return fmt.Sprintf(c.Markdown.BlockedBy, c.Blocked(sc.BlockedBy))
	case StatusFailed:
		if st := failingStep(sc); st != nil {
			return stepTitle(st) + ": " + firstLine(st.Error)
		}
		return firstLine(sc.Error)
	case StatusUndefined, StatusPending:
		if st := firstWithStatus(sc, sc.Status); st != nil {
			return fmt.Sprintf(c.Markdown.StepOf, c.Status(sc.Status), stepTitle(st))
		}
	}
	return firstLine(sc.Error)
}

// mdStatus makes failures stand out in a long table without relying on
// emoji or colour.
func mdStatus(s string, c *locale.Catalogue) string {
	switch s {
	case StatusPassed, StatusSkipped, StatusNotRun:
		return mdText(c.Status(s))
	default:
		return "**" + mdText(c.Status(s)) + "**"
	}
}

// mdText makes s safe as inline Markdown and inside a table cell: newlines
// would end the row, "|" would split the cell, and the rest would turn
// report data into markup (GitHub renders HTML tags and links).
func mdText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune("\\`*_[]<>|~&", c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// mdCode is s as a code span. Backticks cannot be escaped inside one, so
// such text falls back to escaped plain text; "|" must still be escaped in
// a table even inside code (GitHub splits cells first).
func mdCode(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || strings.Contains(s, "`") {
		return mdText(s)
	}
	return "`" + strings.ReplaceAll(s, "|", "\\|") + "`"
}

// writeDriftMarkdown lists each way the run's responses departed from the
// shapes Stone documents, once per endpoint and problem, with where it was
// first seen. Drift never fails a scenario, so it is a section of its own,
// not a status.
func writeDriftMarkdown(b *bufio.Writer, r *Report, findings []DriftFinding) {
	if len(findings) == 0 {
		return
	}
	m := r.words().Markdown
	fmt.Fprintf(b, "\n## %s\n\n"+m.DriftText+"\n\n", m.Drift, r.Summary.Drift)
	for _, f := range findings {
		n := m.Response
		if f.Responses != 1 {
			n = fmt.Sprintf(m.Responses, f.Responses)
		}
		fmt.Fprintf(b, "- "+m.DriftLine+"\n", mdText(f.String()), n, mdText(f.Where), f.First.Seq)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
