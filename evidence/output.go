package evidence

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
)

// Renderer turns a run into one file of the bundle. Each output format
// (JSON for tools, JUnit for CI, HTML for people, cucumber JSON, Markdown
// for pull requests) is one small implementation, the way k6 keeps its
// outputs behind one interface. A renderer reads the run one scenario at a
// time (Run) and writes as it goes, so its memory does not grow with the
// run.
type Renderer interface {
	File() string // file name inside the bundle
	Render(w io.Writer, r Run) error
}

// Renderers is every output written to a bundle, report.json first.
func Renderers() []Renderer {
	return []Renderer{JSONRenderer{}, JUnitRenderer{}, HTMLRenderer{}, CucumberRenderer{}, MarkdownRenderer{}}
}

// WriteReports renders each output into dir, each file atomically, side
// by side: each renderer reads the run on its own, and a run of thousands
// of scenarios takes a while to read.
func WriteReports(dir string, r Run, rs []Renderer) error {
	errs := make([]error, len(rs))
	var wg sync.WaitGroup
	for i, out := range rs {
		wg.Go(func() {
			err := writeStreamed(filepath.Join(dir, out.File()), func(w io.Writer) error { return out.Render(w, r) })
			if err != nil {
				errs[i] = fmt.Errorf("evidence: render %s: %w", out.File(), err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// writeStreamed writes what write produces to a temporary file beside path
// and renames it into place; like WriteBundleFile it leaves waiting for
// the disk to Seal.
func writeStreamed(path string, write func(io.Writer) error) error {
	return replaceFile(path, 0o644, false, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// JSONRenderer writes report.json.
type JSONRenderer struct{}

// File implements Renderer.
func (JSONRenderer) File() string { return "report.json" }

// Render implements Renderer. The file is what json.Encoder with a
// two-space indent makes of the whole Report, written a scenario at a time.
func (JSONRenderer) Render(w io.Writer, r Run) error {
	j := &jsonStream{w: w}
	j.open(r.Head(), "", "features")
	if j.err != nil {
		return j.err
	}
	err := j.array("  ", func(item func(any, func(*jsonStream)) error) error {
		return r.EachFeature(Everything, func(f *Feature, _ FeatureStats, scenarios func(func(*Scenario) error) error) error {
			return item(f, func(j *jsonStream) {
				j.open(f, "    ", "scenarios")
				if j.err != nil {
					return
				}
				j.err = j.array("      ", func(item func(any, func(*jsonStream)) error) error {
					return scenarios(func(sc *Scenario) error { return item(sc, nil) })
				})
				j.close("    ")
			})
		})
	})
	if err != nil {
		return err
	}
	for _, tail := range []struct {
		key  string
		each func(func(any) error) error
	}{
		{"setup_exchanges", func(fn func(any) error) error { return r.EachSetup(func(x *Exchange) error { return fn(x) }) }},
		{"webhooks", func(fn func(any) error) error { return r.EachWebhook(func(wh *Webhook) error { return fn(wh) }) }},
	} {
		// Both are omitted when empty, as omitempty does.
		started := false
		err := tail.each(func(v any) error {
			if !started {
				started = true
				j.write(",\n  \"" + tail.key + "\": [")
			} else {
				j.write(",")
			}
			j.write("\n    ")
			j.value(v, "    ")
			return j.err
		})
		if err != nil {
			return err
		}
		if started {
			j.write("\n  ]")
		}
	}
	j.close("")
	j.write("\n")
	return j.err
}

// jsonStream writes indented JSON a piece at a time, byte for byte what
// json.MarshalIndent makes of the whole: an object whose last field is an
// array opens with everything before that array, the array's elements
// follow one by one, and the object closes.
type jsonStream struct {
	w   io.Writer
	err error
}

func (j *jsonStream) write(s string) {
	if j.err == nil {
		_, j.err = io.WriteString(j.w, s)
	}
}

// value writes v indented as an element whose lines start with prefix.
func (j *jsonStream) value(v any, prefix string) {
	if j.err != nil {
		return
	}
	b, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		j.err = err
		return
	}
	_, j.err = j.w.Write(b)
}

// open writes object v, whose last field is key and is nil (null), up to
// that field's value.
func (j *jsonStream) open(v any, prefix, key string) {
	if j.err != nil {
		return
	}
	b, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		j.err = err
		return
	}
	tail := "\"" + key + "\": null\n" + prefix + "}"
	if !bytes.HasSuffix(b, []byte(tail)) {
		j.err = fmt.Errorf("evidence: json: %T does not end with %s", v, key)
		return
	}
	_, j.err = j.w.Write(b[:len(b)-len(tail)+len(key)+4])
}

// close ends the object open began.
func (j *jsonStream) close(prefix string) { j.write("\n" + prefix + "}") }

// array writes a JSON array whose elements are indented one level deeper
// than prefix; each element is a value, or (when write is not nil) written
// by write. An empty array is [].
func (j *jsonStream) array(prefix string, each func(item func(v any, write func(*jsonStream)) error) error) error {
	n := 0
	err := each(func(v any, write func(*jsonStream)) error {
		if n == 0 {
			j.write("[")
		} else {
			j.write(",")
		}
		n++
		j.write("\n" + prefix + "  ")
		if write != nil {
			write(j)
		} else {
			j.value(v, prefix+"  ")
		}
		return j.err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		j.write("[]")
	} else {
		j.write("\n" + prefix + "]")
	}
	return j.err
}
