package runner

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// selection narrows a plan to some scenarios beyond tags: FILE:LINE
// arguments and a name pattern. What the chosen scenarios need is still
// built by their ensure steps, or reported blocked, as in a whole run.
type selection struct {
	name  *regexp.Regexp
	lines []fileLine
}

type fileLine struct {
	arg  string // as given, for messages
	file string
	line int
	used bool
}

// newSelection reads the plan's name pattern and FILE:LINE selections.
func newSelection(c Config) (*selection, error) {
	s := &selection{}
	if c.Name != "" {
		re, err := regexp.Compile(c.Name)
		if err != nil {
			return nil, c.fieldErr("name", "%q is not a regular expression: %v", c.Name, err)
		}
		s.name = re
	}
	for _, arg := range c.Lines {
		file, line, ok := strings.Cut(arg, ":")
		n, err := strconv.Atoi(line)
		if !ok || err != nil || n < 1 || !strings.HasSuffix(file, ".feature") {
			return nil, &ConfigError{File: "arguments", Err: fmt.Errorf("%q is not FILE:LINE (e.g. features/04-transact.feature:23)", arg)}
		}
		s.lines = append(s.lines, fileLine{arg: arg, file: path.Clean(strings.ReplaceAll(file, `\`, "/")), line: n})
	}
	return s, nil
}

// active reports whether the selection leaves anything out.
func (s *selection) active() bool { return s != nil && (s.name != nil || len(s.lines) > 0) }

// keep says whether a scenario of feature uri, named name, spanning the
// given lines, is selected.
func (s *selection) keep(uri, name string, lines scenarioLines) bool {
	if s == nil {
		return true
	}
	kept := len(s.lines) == 0
	for i := range s.lines {
		l := &s.lines[i]
		if sameFeature(l.file, uri) && lines.has(l.line) {
			l.used, kept = true, true
		}
	}
	return kept && (s.name == nil || s.name.MatchString(name))
}

// unused is the FILE:LINE selections that matched no scenario.
func (s *selection) unused() []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, l := range s.lines {
		if !l.used {
			out = append(out, l.arg)
		}
	}
	return out
}

// filters names the selection for the verdict's scope.
func (s *selection) filters() []string {
	if s == nil {
		return nil
	}
	var out []string
	if s.name != nil {
		out = append(out, "name "+s.name.String())
	}
	if len(s.lines) > 0 {
		args := make([]string, len(s.lines))
		for i, l := range s.lines {
			args[i] = l.arg
		}
		out = append(out, "lines "+strings.Join(args, " "))
	}
	return out
}

// sameFeature matches a FILE given on the command line (features/x.feature,
// ./x.feature or x.feature) with a feature's path in the script.
func sameFeature(file, uri string) bool {
	file, uri = strings.TrimPrefix(file, "./"), strings.TrimPrefix(path.Clean(uri), "./")
	return file == uri || strings.HasSuffix(file, "/"+uri) || strings.HasSuffix(uri, "/"+file)
}

// scenarioLines are the lines that select a scenario: its own line (or an
// example row's) and its steps' lines, not the background's.
type scenarioLines struct {
	own   int
	steps []int
}

func (l scenarioLines) has(n int) bool {
	if n == l.own {
		return true
	}
	for _, s := range l.steps {
		if s == n {
			return true
		}
	}
	return false
}
