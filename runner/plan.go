package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/features"
	"github.com/openbank-homolog/homolog/steps"
)

// script is the feature files of a run, in order, and where they came from.
// The files are read once: the plan check, godog and the manifest's hashes
// all see the same bytes, even if a file on disk changes during the run.
type script struct {
	fsys   fs.FS
	paths  []string          // file names inside fsys, in run order
	files  map[string][]byte // their content as read
	source string            // "built-in" or the folder
	lang   string            // the language of the built-in script the run compares with
	extra  string            // features.extra: its files are under extraPrefix in fsys
}

// extraPrefix is where features.extra's files sit in a run's script, after
// the script's own: their names cannot collide with the script's, and the
// manifest names them as added.
const extraPrefix = "extra/"

// loadScript resolves features.dir, features.order, features.extra and
// the language of the built-in script.
func loadScript(c Config, dirFS func(string) fs.FS) (script, error) {
	lang := c.language()
	sc := script{fsys: features.Script(lang), source: "built-in", lang: lang, extra: c.Features.Extra}
	if c.Features.Dir != "" {
		sc.fsys, sc.source = dirFS(c.Features.Dir), c.Features.Dir
	}
	all, err := fs.Glob(sc.fsys, "*.feature")
	if err != nil {
		return script{}, c.fieldErr("features.dir", "%v", err)
	}
	if len(all) == 0 {
		return script{}, c.fieldErr("features.dir", "no .feature files in %s", sc.source)
	}
	sort.Strings(all)
	if len(c.Features.Order) == 0 {
		sc.paths = all
		return sc.snapshot(c, dirFS)
	}
	for i, name := range c.Features.Order {
		if !strings.HasSuffix(name, ".feature") {
			name += ".feature"
		}
		name = path.Clean(name)
		if other, ok := features.Counterpart(name, lang); ok && sc.source == "built-in" && !slices.Contains(all, name) {
			name = other // the same file of the built-in script in the run's language
		}
		if !slices.Contains(all, name) {
			return script{}, c.fieldErr(fmt.Sprintf("features.order[%d]", i), "no feature file %q in %s (have: %s)", name, sc.source, strings.Join(all, ", "))
		}
		if slices.Contains(sc.paths, name) {
			return script{}, c.fieldErr(fmt.Sprintf("features.order[%d]", i), "%q is listed twice", name)
		}
		sc.paths = append(sc.paths, name)
	}
	return sc.snapshot(c, dirFS)
}

// snapshot reads the script's files once into memory, features.extra's
// after them, and serves them from there for the rest of the run.
func (sc script) snapshot(c Config, dirFS func(string) fs.FS) (script, error) {
	mem := fstest.MapFS{}
	sc.files = map[string][]byte{}
	add := func(from fs.FS, name, as string) error {
		data, err := fs.ReadFile(from, name)
		if err != nil {
			return err
		}
		sc.files[as] = data
		mem[as] = &fstest.MapFile{Data: data, Mode: 0o444}
		return nil
	}
	for _, p := range sc.paths {
		if err := add(sc.fsys, p, p); err != nil {
			return script{}, c.fieldErr("features", "read %s: %v", p, err)
		}
	}
	if sc.extra != "" {
		extra := dirFS(sc.extra)
		names, err := fs.Glob(extra, "*.feature")
		if err == nil && len(names) == 0 {
			err = fmt.Errorf("no .feature files in %s", sc.extra)
		}
		if err != nil {
			return script{}, c.fieldErr("features.extra", "%v", err)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := add(extra, n, extraPrefix+n); err != nil {
				return script{}, c.fieldErr("features.extra", "read %s: %v", filepath.Join(sc.extra, n), err)
			}
			sc.paths = append(sc.paths, extraPrefix+n)
		}
	}
	sc.fsys = mem
	return sc, nil
}

// where names a file of the script for a person: features.extra's by
// their path on disk, the script's by their name in it.
func (sc script) where(name string) string {
	if rest, ok := strings.CutPrefix(name, extraPrefix); ok && sc.extra != "" {
		return filepath.Join(sc.extra, rest)
	}
	return name
}

// plan is the parsed script: the report skeleton plus what the hooks need
// to map godog's pickles back to files and lines.
type plan struct {
	features  []*evidence.Feature
	byID      map[string]*evidence.Scenario
	featureOf map[string]string // scenario id → feature name, for progress lines
}

// parsePlan parses the script exactly as godog will (same paths, tags and
// id sequence, so pickle ids match the run's) and checks every step
// against the step grammar: an undefined or ambiguous step is reported with
// its file and line before anything is sent to the API.
func parsePlan(sc script, tags string, defs []steps.Definition, sel *selection) (*plan, error) {
	suite := godog.TestSuite{Options: &godog.Options{FS: sc.fsys, Paths: sc.paths, Tags: tags, Strict: true}}
	feats, err := suite.RetrieveFeatures()
	if err != nil {
		return nil, gherkinError(sc, err)
	}
	p := &plan{byID: map[string]*evidence.Scenario{}, featureOf: map[string]string{}}
	var problems []string
	for _, f := range feats {
		doc := f.GherkinDocument
		if doc == nil || doc.Feature == nil {
			continue
		}
		astSteps, scenarios, background := astIndex(doc.Feature)
		ef := &evidence.Feature{URI: doc.Uri, Name: doc.Feature.Name, Description: dedent(doc.Feature.Description), Tags: tagNames(doc.Feature.Tags)}
		for _, pk := range f.Pickles {
			es := &evidence.Scenario{ID: pk.Id, Name: pk.Name}
			for _, t := range pk.Tags {
				es.Tags = append(es.Tags, t.Name)
			}
			if len(pk.AstNodeIds) > 0 {
				es.Line = scenarios[pk.AstNodeIds[len(pk.AstNodeIds)-1]]
			}
			lines := scenarioLines{own: es.Line}
			var texts []steps.StepText
			for _, ps := range pk.Steps {
				st := &evidence.Step{ID: ps.Id, Text: ps.Text}
				if len(ps.AstNodeIds) > 0 {
					if a := astSteps[ps.AstNodeIds[0]]; a != nil {
						st.Keyword, st.Line = a.Keyword, int(a.Location.Line)
						if !background[ps.AstNodeIds[0]] {
							lines.steps = append(lines.steps, st.Line)
						}
					}
				}
				if msg := matchStep(ps.Text, defs); msg != "" {
					problems = append(problems, fmt.Sprintf("%s:%d: %s step %q", sc.where(doc.Uri), st.Line, msg, strings.TrimSpace(st.Keyword)+" "+ps.Text))
				}
				es.Steps = append(es.Steps, st)
				texts = append(texts, steps.StepText{Text: ps.Text, Doc: docString(ps)})
			}
			// What the generic steps refer to ({name}s, field paths) is
			// checked here too, before anything is sent.
			for _, pr := range steps.CheckScenario(texts) {
				st := es.Steps[pr.Index]
				problems = append(problems, fmt.Sprintf("%s:%d: step %q: %s", sc.where(doc.Uri), st.Line, strings.TrimSpace(st.Keyword)+" "+st.Text, pr.Msg))
			}
			if !sel.keep(filepath.ToSlash(sc.where(doc.Uri)), es.Name, lines) { // features.extra's files by their path on disk
				continue
			}
			ef.Scenarios = append(ef.Scenarios, es)
			p.byID[pk.Id] = es
			p.featureOf[pk.Id] = ef.Name
		}
		if len(ef.Scenarios) > 0 {
			p.features = append(p.features, ef)
		}
	}
	if len(problems) > 0 {
		return nil, &ConfigError{File: "features (" + sc.source + ")", Err: fmt.Errorf("%s\n(the step grammar is in steps/doc.go and the README)", strings.Join(problems, "\n"))}
	}
	if unused := sel.unused(); len(unused) > 0 {
		return nil, &ConfigError{File: "arguments", Err: fmt.Errorf("%s: no scenario of the plan is at that line (give the line of a Scenario or one of its steps)", strings.Join(unused, ", "))}
	}
	if len(p.byID) == 0 {
		if sel.active() {
			return nil, &ConfigError{File: "features (" + sc.source + ")", Field: "name", Err: fmt.Errorf("no scenario matches tags %q and the selection (%s)", tags, strings.Join(sel.filters(), "; "))}
		}
		return nil, &ConfigError{File: "features (" + sc.source + ")", Field: "tags", Err: fmt.Errorf("no scenario matches tags %q", tags)}
	}
	return p, nil
}

// docString is a pickle step's doc string, "" when it has none.
func docString(ps *messages.PickleStep) string {
	if ps.Argument != nil && ps.Argument.DocString != nil {
		return ps.Argument.DocString.Content
	}
	return ""
}

// matchStep says what is wrong with a step text, or "" when exactly one
// definition matches it.
func matchStep(text string, defs []steps.Definition) string {
	n := 0
	for _, d := range defs {
		if d.Expr.MatchString(text) {
			n++
		}
	}
	switch n {
	case 1:
		return ""
	case 0:
		return "undefined"
	default:
		return "ambiguous"
	}
}

// astIndex maps AST node ids to steps and scenario (or example row) lines,
// and says which steps are a background's.
func astIndex(f *messages.Feature) (map[string]*messages.Step, map[string]int, map[string]bool) {
	steps := map[string]*messages.Step{}
	lines := map[string]int{}
	background := map[string]bool{}
	var scenario func(s *messages.Scenario)
	scenario = func(s *messages.Scenario) {
		lines[s.Id] = int(s.Location.Line)
		for _, st := range s.Steps {
			steps[st.Id] = st
		}
		for _, ex := range s.Examples {
			for _, row := range ex.TableBody {
				lines[row.Id] = int(row.Location.Line)
			}
		}
	}
	addBackground := func(b *messages.Background) {
		for _, st := range b.Steps {
			steps[st.Id] = st
			background[st.Id] = true
		}
	}
	for _, c := range f.Children {
		switch {
		case c.Background != nil:
			addBackground(c.Background)
		case c.Scenario != nil:
			scenario(c.Scenario)
		case c.Rule != nil:
			for _, rc := range c.Rule.Children {
				if rc.Background != nil {
					addBackground(rc.Background)
				}
				if rc.Scenario != nil {
					scenario(rc.Scenario)
				}
			}
		}
	}
	return steps, lines, background
}

func tagNames(tags []*messages.Tag) []string {
	var out []string
	for _, t := range tags {
		out = append(out, t.Name)
	}
	return out
}

// dedent trims the indentation Gherkin keeps in descriptions, so reports
// show the prose as written.
func dedent(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}

// planned lists the plan's scenarios in run order for the steps, which
// need to know which scenario builds what.
func (p *plan) planned() []steps.PlannedScenario {
	var out []steps.PlannedScenario
	for _, f := range p.features {
		for _, sc := range f.Scenarios {
			ps := steps.PlannedScenario{ID: sc.ID, Name: sc.Name}
			for _, st := range sc.Steps {
				ps.Steps = append(ps.Steps, st.Text)
			}
			out = append(out, ps)
		}
	}
	return out
}

// gherkinErrorPattern reads godog's report of a Gherkin syntax error:
// "FILE - Parser errors:\n(LINE:COL): MESSAGE\n…" (or one error without
// the heading).
var (
	gherkinFilePattern  = regexp.MustCompile(`^(\S+\.feature) - `)
	gherkinErrorPattern = regexp.MustCompile(`(?m)^\((\d+):\d+\): (.*)$`)
)

// gherkinTokens names Gherkin's grammar tokens as a person writes them.
func gherkinTokens() *strings.Replacer {
	return strings.NewReplacer("#EOF", "the end of the file", "#TableRow", "a table row", "#DocStringSeparator", `a doc string (""")`,
		"#StepLine", "a step", "#TagLine", "a tag", "#ExamplesLine", "Examples:", "#ScenarioLine", "Scenario:", "#RuleLine", "Rule:",
		"#Comment", "a comment", "#Empty", "an empty line", "#FeatureLine", "Feature:", "#BackgroundLine", "Background:",
		"#Language", "a # language line", "#Other", "free text")
}

// gherkinError turns a parse error of the script into one line, the way
// the README promises: FILE:LINE: what was found and what was expected
// (and how many more errors the file has).
func gherkinError(sc script, err error) error {
	text := err.Error()
	where := "features (" + sc.source + ")"
	if m := gherkinFilePattern.FindStringSubmatch(text); m != nil {
		where = m[1]
		switch {
		case strings.HasPrefix(m[1], extraPrefix):
			where = sc.where(m[1])
		case sc.source != "built-in":
			where = filepath.Join(sc.source, m[1])
		}
	}
	errs := gherkinErrorPattern.FindAllStringSubmatch(text, -1)
	if len(errs) == 0 {
		return &ConfigError{File: where, Err: errors.New(strings.Join(strings.Fields(text), " "))}
	}
	msg := errs[0][2]
	if exp, got, ok := strings.Cut(msg, ", got "); ok && strings.HasPrefix(exp, "expected: ") {
		msg = "found " + strings.TrimSpace(strings.Trim(got, "'")) + " where Gherkin expects " + gherkinTokens().Replace(strings.TrimPrefix(exp, "expected: "))
		msg = strings.Replace(msg, "found ", "found '", 1)
		msg = strings.Replace(msg, " where Gherkin", "' where Gherkin", 1)
	}
	if more := len(errs) - 1; more > 0 {
		msg += fmt.Sprintf(" (and %d more Gherkin errors in the file)", more)
	}
	return &ConfigError{File: where + ":" + errs[0][1], Err: errors.New(msg)}
}
