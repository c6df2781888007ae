package evidence

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
)

// Renderer turns a report into one file of the bundle. Each output format
// (JSON for tools, JUnit for CI, HTML for people, cucumber JSON, Markdown
// for pull requests) is one small implementation, the way k6 keeps its
// outputs behind one interface.
type Renderer interface {
	File() string // file name inside the bundle
	Render(w io.Writer, r *Report) error
}

// Renderers is every output written to a bundle, report.json first.
func Renderers() []Renderer {
	return []Renderer{JSONRenderer{}, JUnitRenderer{}, HTMLRenderer{}, CucumberRenderer{}, MarkdownRenderer{}}
}

// WriteReports renders each output into dir, each file atomically.
func WriteReports(dir string, r *Report, rs []Renderer) error {
	for _, out := range rs {
		var buf bytes.Buffer
		if err := out.Render(&buf, r); err != nil {
			return fmt.Errorf("evidence: render %s: %w", out.File(), err)
		}
		if err := WriteBundleFile(filepath.Join(dir, out.File()), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// JSONRenderer writes report.json.
type JSONRenderer struct{}

// File implements Renderer.
func (JSONRenderer) File() string { return "report.json" }

// Render implements Renderer.
func (JSONRenderer) Render(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
