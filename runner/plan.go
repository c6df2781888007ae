package runner

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
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
	hashes map[string]string // their SHA-256 as read
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

// snapshot reads the script's files once, features.extra's after them,
// and serves them from memory for the rest of the run, each kept
// compressed (packedFS): a plan of thousands of files is read again chunk
// by chunk, and need not cost their whole size for the whole run.
func (sc script) snapshot(c Config, dirFS func(string) fs.FS) (script, error) {
	mem := packedFS{}
	sc.hashes = map[string]string{}
	add := func(from fs.FS, name, as string) error {
		data, err := fs.ReadFile(from, name)
		if err != nil {
			return err
		}
		sc.hashes[as] = evidence.SHA256(data)
		mem[as], err = pack(data)
		return err
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

// packedFS is a read-only file system of files kept gzip-compressed in
// memory, decompressed each time one is opened.
type packedFS map[string][]byte

func pack(data []byte) ([]byte, error) {
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	if _, err := z.Write(data); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return bytes.Clone(b.Bytes()), nil // without the buffer's spare room
}

// Open implements fs.FS.
func (p packedFS) Open(name string) (fs.File, error) {
	packed, ok := p[name]
	if !ok {
		// A folder (".") lists the files; anything else does not exist.
		dirs := fstest.MapFS{}
		for n := range p {
			dirs[n] = &fstest.MapFile{Mode: 0o444}
		}
		return dirs.Open(name)
	}
	z, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	data, err := io.ReadAll(z)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return fstest.MapFS{name: &fstest.MapFile{Data: data, Mode: 0o444}}.Open(name)
}

// chunkScenarios bounds the scenarios one godog suite runs. godog keeps
// every pickle, step result and matched step definition of a suite until
// the suite ends (some 12 KB a scenario); a plan larger than this runs as
// consecutive suites of whole feature files, so what godog holds does not
// grow with the plan. The built-in script is one suite.
const chunkScenarios = 200

// plan is the parsed script, in the little it keeps in memory: what the
// hooks need to map godog's pickles to the run's scenarios, and the
// chunks godog runs. The report skeleton (every feature, scenario and
// step) is parsed again from the script when the recorder asks for it
// (source), not held for the whole run.
type plan struct {
	sc     script
	tags   string
	sel    *selection
	chunks []chunk
	count  int // scenarios planned
	// selected are the run's ids of the scenarios a selection (FILE:LINE,
	// --name) kept, which godog, selecting by tags alone, cannot tell
	// from the others; nil without a selection: every scenario godog
	// runs is planned.
	selected map[string]bool
	features map[string]string       // feature file → feature name, for progress lines
	steps    []steps.PlannedScenario // for the session; dropped once it is made
}

// planned says whether the run's scenario id is part of the plan.
func (p *plan) planned(id string) bool { return p.selected == nil || p.selected[id] }

// chunk is the feature files one godog suite runs. godog numbers a suite's
// pickles from 0; the run's ids are godog's plus offset, unique across
// chunks (the first chunk's are godog's own).
type chunk struct {
	paths  []string
	offset int
}

// runID is the run's id of a pickle or step godog numbered id in chunk ch.
func (ch chunk) runID(id string) string {
	if ch.offset == 0 {
		return id
	}
	n, err := strconv.Atoi(id)
	if err != nil {
		return fmt.Sprintf("%d:%s", ch.offset, id)
	}
	return strconv.Itoa(ch.offset + n)
}

// parsePlan parses the script exactly as godog will (same paths per
// chunk, tags and id sequence, so pickle ids match the run's) and checks
// every step against the step grammar: an undefined or ambiguous step is
// reported with its file and line before anything is sent to the API.
func parsePlan(sc script, tags string, defs []steps.Definition, sel *selection) (*plan, error) {
	return parsePlanIn(sc, tags, defs, sel, chunkScenarios)
}

// parsePlanIn is parsePlan with chunks of at most size scenarios.
func parsePlanIn(sc script, tags string, defs []steps.Definition, sel *selection, size int) (*plan, error) {
	chunks, err := chunkScript(sc, tags, size)
	if err != nil {
		return nil, err
	}
	p := &plan{sc: sc, tags: tags, sel: sel, features: map[string]string{}}
	if sel.active() {
		p.selected = map[string]bool{}
	}
	var problems []string
	for i := range chunks {
		next, err := walkChunk(sc, tags, chunks[i], sel, func(uri string, es *evidence.Scenario, texts []steps.StepText) {
			for i, st := range es.Steps {
				if msg := matchStep(st.Text, defs); msg != "" {
					problems = append(problems, fmt.Sprintf("%s:%d: %s step %q", sc.where(uri), st.Line, msg, strings.TrimSpace(st.Keyword)+" "+texts[i].Text))
				}
			}
			// What the generic steps refer to ({name}s, field paths) is
			// checked here too, before anything is sent.
			for _, pr := range steps.CheckScenario(texts) {
				st := es.Steps[pr.Index]
				problems = append(problems, fmt.Sprintf("%s:%d: step %q: %s", sc.where(uri), st.Line, strings.TrimSpace(st.Keyword)+" "+st.Text, pr.Msg))
			}
		}, func(f *evidence.Feature) error {
			p.features[f.URI] = f.Name
			for _, es := range f.Scenarios {
				p.count++
				if p.selected != nil {
					p.selected[es.ID] = true
				}
				ps := steps.PlannedScenario{ID: es.ID, Name: es.Name}
				for _, st := range es.Steps {
					ps.Steps = append(ps.Steps, st.Text)
				}
				p.steps = append(p.steps, ps)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if i+1 < len(chunks) {
			chunks[i+1].offset = next
		}
	}
	p.chunks = chunks
	if len(problems) > 0 {
		return nil, &ConfigError{File: "features (" + sc.source + ")", Err: fmt.Errorf("%s\n(the step grammar is in steps/doc.go and the README)", strings.Join(problems, "\n"))}
	}
	if unused := sel.unused(); len(unused) > 0 {
		return nil, &ConfigError{File: "arguments", Err: fmt.Errorf("%s: no scenario of the plan is at that line (give the line of a Scenario or one of its steps)", strings.Join(unused, ", "))}
	}
	if p.count == 0 {
		if sel.active() {
			return nil, &ConfigError{File: "features (" + sc.source + ")", Field: "name", Err: fmt.Errorf("no scenario matches tags %q and the selection (%s)", tags, strings.Join(sel.filters(), "; "))}
		}
		return nil, &ConfigError{File: "features (" + sc.source + ")", Field: "tags", Err: fmt.Errorf("no scenario matches tags %q", tags)}
	}
	return p, nil
}

// suiteOf is the godog suite that parses paths as the run does.
func suiteOf(sc script, tags string, paths []string) godog.TestSuite {
	return godog.TestSuite{Options: &godog.Options{FS: sc.fsys, Paths: paths, Tags: tags, Strict: true}}
}

func parseErr(sc script, err error) error { return gherkinError(sc, err) }

// chunkScript groups the script's files, in order, into chunks of at most
// size scenarios (a larger file is a chunk of its own). Files
// are counted one at a time: parsing the whole plan at once is what a
// chunk avoids holding.
func chunkScript(sc script, tags string, size int) ([]chunk, error) {
	var chunks []chunk
	var cur chunk
	n := 0
	for _, path := range sc.paths {
		feats, err := suiteOf(sc, tags, []string{path}).RetrieveFeatures()
		if err != nil {
			return nil, parseErr(sc, err)
		}
		k := 0
		for _, f := range feats {
			k += len(f.Pickles)
		}
		if n > 0 && n+k > size {
			chunks = append(chunks, cur)
			cur, n = chunk{}, 0
		}
		cur.paths = append(cur.paths, path)
		n += k
	}
	if len(cur.paths) > 0 {
		chunks = append(chunks, cur)
	}
	return chunks, nil
}

// walkChunk parses ch and yields each of its features with the scenarios
// sel keeps, under the run's ids; check, when not nil, sees every
// scenario first (kept or not) with its steps' texts and doc strings. It
// returns the offset of the chunk after ch: past every id ch used.
func walkChunk(sc script, tags string, ch chunk, sel *selection, check func(uri string, es *evidence.Scenario, texts []steps.StepText), yield func(*evidence.Feature) error) (int, error) {
	feats, err := suiteOf(sc, tags, ch.paths).RetrieveFeatures()
	if err != nil {
		return 0, parseErr(sc, err)
	}
	next := ch.offset
	used := func(id string) {
		if n, err := strconv.Atoi(id); err == nil {
			next = max(next, ch.offset+n+1)
		}
	}
	for _, f := range feats {
		doc := f.GherkinDocument
		if doc == nil || doc.Feature == nil {
			continue
		}
		stepNodes, scenarios, background := astIndex(doc.Feature)
		ef := &evidence.Feature{URI: doc.Uri, Name: doc.Feature.Name, Description: dedent(doc.Feature.Description), Tags: tagNames(doc.Feature.Tags)}
		for _, pk := range f.Pickles {
			used(pk.Id)
			es := &evidence.Scenario{ID: ch.runID(pk.Id), Name: pk.Name}
			for _, t := range pk.Tags {
				es.Tags = append(es.Tags, t.Name)
			}
			if len(pk.AstNodeIds) > 0 {
				es.Line = scenarios[pk.AstNodeIds[len(pk.AstNodeIds)-1]]
			}
			lines := scenarioLines{own: es.Line}
			var texts []steps.StepText
			for _, ps := range pk.Steps {
				used(ps.Id)
				st := &evidence.Step{ID: ch.runID(ps.Id), Text: ps.Text}
				if len(ps.AstNodeIds) > 0 {
					if a := stepNodes[ps.AstNodeIds[0]]; a != nil {
						st.Keyword, st.Line = a.Keyword, int(a.Location.Line)
						if !background[ps.AstNodeIds[0]] {
							lines.steps = append(lines.steps, st.Line)
						}
					}
				}
				es.Steps = append(es.Steps, st)
				if check != nil {
					texts = append(texts, steps.StepText{Text: ps.Text, Doc: docString(ps)})
				}
			}
			if check != nil {
				check(doc.Uri, es, texts)
			}
			if !sel.keep(filepath.ToSlash(sc.where(doc.Uri)), es.Name, lines) { // features.extra's files by their path on disk
				continue
			}
			ef.Scenarios = append(ef.Scenarios, es)
		}
		if len(ef.Scenarios) > 0 {
			if err := yield(ef); err != nil {
				return 0, err
			}
		}
	}
	return next, nil
}

// source is the plan's report skeleton, parsed again from the script
// chunk by chunk each time it is read (evidence.Recorder.StartPlan).
func (p *plan) source(yield func(*evidence.Feature) error) error {
	for _, ch := range p.chunks {
		if _, err := walkChunk(p.sc, p.tags, ch, p.sel, nil, yield); err != nil {
			return err
		}
	}
	return nil
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
