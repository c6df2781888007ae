package evidence

import (
	"fmt"
	"io"
	"strings"
)

// CucumberRenderer writes cucumber.json, the de facto interchange format of
// the cucumber ecosystem (cucumber-html-reporter, the Jenkins and Allure
// cucumber plugins...), so a partner's existing dashboards read our runs.
type CucumberRenderer struct{}

// File implements Renderer.
func (CucumberRenderer) File() string { return "cucumber.json" }

type cucumberFeature struct {
	URI         string            `json:"uri"`
	ID          string            `json:"id"`
	Keyword     string            `json:"keyword"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Line        int               `json:"line"`
	Tags        []cucumberTag     `json:"tags"`
	Elements    []cucumberElement `json:"elements"` // written a scenario at a time (Render)
}

type cucumberTag struct {
	Name string `json:"name"`
}

type cucumberElement struct {
	ID          string         `json:"id"`
	Keyword     string         `json:"keyword"`
	Type        string         `json:"type"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Line        int            `json:"line"`
	Tags        []cucumberTag  `json:"tags"`
	Before      []cucumberHook `json:"before,omitempty"`
	Steps       []cucumberStep `json:"steps"`
	After       []cucumberHook `json:"after,omitempty"`
}

type cucumberStep struct {
	Keyword string         `json:"keyword"`
	Name    string         `json:"name"`
	Line    int            `json:"line"`
	Result  cucumberResult `json:"result"`
}

type cucumberHook struct {
	Match  cucumberMatch  `json:"match"`
	Result cucumberResult `json:"result"`
}

type cucumberMatch struct {
	Location string `json:"location"`
}

type cucumberResult struct {
	Status       string `json:"status"`
	Duration     int64  `json:"duration,omitempty"` // nanoseconds, as cucumber-jvm and godog write it
	ErrorMessage string `json:"error_message,omitempty"`
}

// Render implements Renderer: what json.Encoder with a two-space indent
// makes of the list of features, written a scenario at a time.
func (CucumberRenderer) Render(w io.Writer, r Run) error {
	j := &jsonStream{w: w}
	err := j.array("", func(item func(any, func(*jsonStream)) error) error {
		return r.EachFeature(StepsOnly, func(f *Feature, _ FeatureStats, scenarios func(func(*Scenario) error) error) error {
			fid := cucumberID(f.Name)
			cf := cucumberFeature{
				URI: f.URI, ID: fid, Keyword: "Feature", Name: f.Name,
				Description: f.Description, Line: 1, // the model keeps no feature line; "Feature:" opens the file
				Tags: cucumberTags(f.Tags),
			}
			return item(nil, func(j *jsonStream) {
				j.open(cf, "  ", "elements")
				if j.err != nil {
					return
				}
				seen := map[string]int{}
				j.err = j.array("    ", func(item func(any, func(*jsonStream)) error) error {
					return scenarios(func(sc *Scenario) error {
						// Outline rows share a name; cucumber-jvm tells them
						// apart with ";;N", and reporters key scenarios by id.
						id := fid + ";" + cucumberID(sc.Name)
						seen[id]++
						if n := seen[id]; n > 1 {
							id += fmt.Sprintf(";;%d", n)
						}
						return item(cucumberElementOf(id, sc), nil)
					})
				})
				j.close("  ")
			})
		})
	})
	if err != nil {
		return fmt.Errorf("evidence: cucumber: %w", err)
	}
	j.write("\n")
	if j.err != nil {
		return fmt.Errorf("evidence: cucumber: %w", j.err)
	}
	return nil
}

func cucumberElementOf(id string, sc *Scenario) cucumberElement {
	el := cucumberElement{
		ID: id, Keyword: "Scenario", Type: "scenario", Name: sc.Name, Line: sc.Line,
		Tags: cucumberTags(sc.Tags), Steps: []cucumberStep{},
	}
	failed := false
	for _, st := range sc.Steps {
		if st == nil {
			continue
		}
		res := cucumberResult{Status: cucumberStatus(st.Status), ErrorMessage: st.Error}
		if d := span(st.StartedAt, st.FinishedAt); d > 0 {
			res.Duration = d.Nanoseconds()
		}
		if st.Status == StatusBlocked {
			res.ErrorMessage = blockedMessage(sc)
		}
		failed = failed || res.Status == StatusFailed
		el.Steps = append(el.Steps, cucumberStep{
			Keyword: cucumberKeyword(st.Keyword), Name: st.Text, Line: st.Line, Result: res,
		})
	}
	// Cucumber has no scenario status: readers derive it from the steps and
	// hooks. A blocked scenario never ran its steps (they stay skipped, which
	// is true), so the block is a failed before hook, exactly what cucumber
	// shows when a Before hook stops a scenario. A failure outside any step
	// becomes a failed after hook the same way. Without this both would
	// read as green or skipped.
	switch {
	case failed:
	case sc.Status == StatusBlocked:
		el.Before = []cucumberHook{{
			Match:  cucumberMatch{Location: "homolog: prerequisites"},
			Result: cucumberResult{Status: StatusFailed, ErrorMessage: blockedMessage(sc)},
		}}
	case sc.Status == StatusFailed:
		el.After = []cucumberHook{{
			Match:  cucumberMatch{Location: "homolog: scenario checks"},
			Result: cucumberResult{Status: StatusFailed, ErrorMessage: sc.Error},
		}}
	}
	return el
}

// cucumberStatus maps our statuses onto the five cucumber knows. not_run and
// unknown values become skipped, the way Counts tallies unknown as not run.
func cucumberStatus(s string) string {
	switch s {
	case StatusPassed, StatusFailed, StatusSkipped, StatusUndefined, StatusPending:
		return s
	case StatusBlocked:
		return StatusFailed
	default:
		return StatusSkipped
	}
}

func blockedMessage(sc *Scenario) string {
	msg := "blocked by: " + sc.BlockedBy
	if sc.Error != "" {
		msg += "\n" + sc.Error
	}
	return msg
}

// cucumberKeyword keeps gherkin's trailing space ("Given "), which
// reporters concatenate with the step name.
func cucumberKeyword(k string) string {
	return strings.TrimSpace(k) + " "
}

func cucumberTags(tags []string) []cucumberTag {
	out := make([]cucumberTag, 0, len(tags))
	for _, t := range tags {
		if !strings.HasPrefix(t, "@") {
			t = "@" + t
		}
		out = append(out, cucumberTag{Name: t})
	}
	return out
}

// cucumberID is cucumber-jvm's id form: lower case, whitespace as dashes.
func cucumberID(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), "-"))
}
