package evidence

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/openbank-homolog/homolog/check"
)

// replay is a recorded run read back from its journal, the Run the
// renderers of a recording read. One pass over the journal indexes it —
// for each scenario, the byte range from its first line to its last, its
// status and times — and each scenario is then rebuilt from the lines of
// that range that are its own, read when a renderer asks for it. The
// journal is in time order (scenarios interleave when they run
// concurrently) and the reports in plan order, hence the index rather than
// one streaming pass; it costs some fifty bytes a scenario, and what a
// scenario's lines hold (bodies, headers) is in memory one scenario at a
// time. Scenarios run one at a time have ranges of their own lines (and
// the webhooks that arrived meanwhile); running c at once, a line is read
// for about c scenarios.
type replay struct {
	path string
	head *Report

	// Renderers read a replay side by side: the index is built once, and
	// setup grows (a step no plan holds) under mu.
	once      sync.Once
	mu        sync.Mutex
	err       error
	features  []lineSpan                // feature events, in order
	scenarios map[string]*scenarioSpans // by scenario id
	setup     []lineSpan                // exchanges outside any step
	webhooks  []lineSpan
	start     lineSpan    // run_start
	end       lineSpan    // run_end
	drifts    []driftSeen // as the recorder saw them
}

// lineSpan is one journal line: where it starts and how long it is
// (without its newline).
type lineSpan struct {
	off int64
	n   int32
}

// scenarioSpans is what the index knows of one scenario: where its lines
// are, and the status and times the feature totals need before it is read.
type scenarioSpans struct {
	first, end        int64 // byte range of the journal holding its lines
	status            string
	started, finished time.Time
}

// replay is the recording's Run, with the final header head.
func (r *Recorder) replay(head *Report) *replay {
	r.mu.Lock()
	drifts := slices.Clone(r.drifts)
	r.mu.Unlock()
	return &replay{path: filepath.Join(r.dir, JournalFile), head: head, drifts: drifts}
}

// Head implements Run.
func (p *replay) Head() *Report { return p.head.Head() }

// index reads the journal once. A line that does not decode is skipped:
// verify reports a damaged journal; the reports show what can be read.
func (p *replay) index() error {
	p.once.Do(func() { p.err = p.build() })
	return p.err
}

func (p *replay) build() error {
	p.scenarios = map[string]*scenarioSpans{}
	f, err := os.Open(p.path)
	if err != nil {
		return fmt.Errorf("evidence: read journal: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var off int64
	for {
		line, err := readLine(br)
		if len(line) > 0 {
			p.indexLine(line, off)
			off += int64(len(line)) + 1
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("evidence: read journal: %w", err)
		}
	}
}

// readLine returns the next line without its newline, however long.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		long := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = br.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	return line, err
}

func (p *replay) indexLine(line []byte, off int64) {
	e, err := decodeEntry(line)
	if err != nil {
		return
	}
	s := lineSpan{off: off, n: int32(len(line))}
	switch e.Kind {
	case EventRunStart:
		p.start = s
		return
	case EventRunEnd:
		p.end = s
		return
	case EventFeature:
		p.features = append(p.features, s)
		return
	case EventWebhook:
		p.webhooks = append(p.webhooks, s)
		return
	case EventHTTP:
		if e.Step == "" {
			p.setup = append(p.setup, s)
			return
		}
	case EventCheck, EventPerson, EventScenarioStart, EventScenarioEnd, EventStepStart, EventStepEnd:
	default:
		return
	}
	if e.Scenario == "" {
		return
	}
	sc := p.scenarios[e.Scenario]
	if sc == nil {
		sc = &scenarioSpans{status: StatusNotRun, first: off}
		p.scenarios[e.Scenario] = sc
	}
	sc.end = off + int64(len(line)) + 1
	switch e.Kind {
	case EventScenarioStart:
		sc.started = e.Time
	case EventScenarioEnd:
		var end struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal(e.Data, &end)
		sc.status, sc.finished = end.Status, e.Time
	}
}

// lineReader reads single journal lines by their span.
type lineReader struct {
	f   *os.File
	buf []byte
}

func (p *replay) open() (*lineReader, error) {
	f, err := os.Open(p.path)
	if err != nil {
		return nil, fmt.Errorf("evidence: read journal: %w", err)
	}
	return &lineReader{f: f}, nil
}

func (lr *lineReader) close() { lr.f.Close() }

// entry reads and decodes the line at s.
func (lr *lineReader) entry(s lineSpan) (Entry, error) {
	if cap(lr.buf) < int(s.n) {
		lr.buf = make([]byte, s.n)
	}
	b := lr.buf[:s.n]
	if _, err := lr.f.ReadAt(b, s.off); err != nil {
		return Entry{}, fmt.Errorf("evidence: read journal at byte %d: %w", s.off, err)
	}
	e, err := decodeEntry(b)
	if err != nil {
		return Entry{}, fmt.Errorf("evidence: journal at byte %d: %w", s.off, err)
	}
	return e, nil
}

// eachPlanned calls fn for each feature of the plan as the journal's
// feature events hold it: scenarios and steps as planned, nothing rebuilt.
func (p *replay) eachPlanned(fn func(*Feature) error) error {
	if err := p.index(); err != nil {
		return err
	}
	return eachLine(p, p.features, "feature", func(f *Feature, _ int64) error { return fn(f) })
}

// eachLine reads the journal lines at spans, in order, and hands each one's
// data, decoded into a new T (what names it in an error), to fn with the
// line's sequence number.
func eachLine[T any](p *replay, spans []lineSpan, what string, fn func(*T, int64) error) error {
	lr, err := p.open()
	if err != nil {
		return err
	}
	defer lr.close()
	for _, s := range spans {
		e, err := lr.entry(s)
		if err != nil {
			return err
		}
		v := new(T)
		if err := json.Unmarshal(e.Data, v); err != nil {
			return fmt.Errorf("evidence: journal line %d: %s: %w", e.Seq, what, err)
		}
		if err := fn(v, e.Seq); err != nil {
			return err
		}
	}
	return nil
}

// EachFeature implements Run.
func (p *replay) EachFeature(detail Detail, fn func(*Feature, FeatureStats, func(func(*Scenario) error) error) error) error {
	lr, err := p.open()
	if err != nil {
		return err
	}
	defer lr.close()
	return p.eachPlanned(func(f *Feature) error {
		var stats FeatureStats
		for _, sc := range f.Scenarios {
			if sc == nil {
				continue
			}
			if idx := p.scenarios[sc.ID]; idx != nil {
				stats.add(&Scenario{Status: idx.status, StartedAt: idx.started, FinishedAt: idx.finished})
			} else {
				stats.add(sc)
			}
		}
		planned := f.Scenarios
		f.Scenarios = nil
		each := func(fn func(*Scenario) error) error {
			for _, sc := range planned {
				if sc == nil {
					continue
				}
				if err := p.rebuild(lr, sc, detail); err != nil {
					return err
				}
				if err := fn(sc); err != nil {
					return err
				}
			}
			return nil
		}
		return fn(f, stats, each)
	})
}

// rebuild applies what the journal recorded of sc to its planned form,
// reading the lines of its range that are its own. Lines of a step the
// plan does not hold (none, in a run homolog made) are kept with the run's
// setup exchanges.
func (p *replay) rebuild(lr *lineReader, sc *Scenario, detail Detail) error {
	idx := p.scenarios[sc.ID]
	if idx == nil {
		return nil
	}
	steps := make(map[string]*Step, len(sc.Steps))
	for _, st := range sc.Steps {
		if st != nil {
			steps[st.ID] = st
		}
	}
	br := bufio.NewReaderSize(io.NewSectionReader(lr.f, idx.first, idx.end-idx.first), 1<<16)
	off := idx.first
	for {
		line, rerr := readLine(br)
		at := off
		off += int64(len(line)) + 1
		if len(line) > 0 {
			if err := p.apply(line, at, sc, steps, detail); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("evidence: read journal: %w", rerr)
		}
	}
}

// apply applies one journal line, at byte offset at, to sc if it is one
// of sc's.
func (p *replay) apply(line []byte, at int64, sc *Scenario, steps map[string]*Step, detail Detail) error {
	e, err := decodeEntry(line)
	if err != nil {
		return nil // verify reports a damaged line; the reports show what reads
	}
	if e.Scenario != sc.ID {
		return nil
	}
	st := steps[e.Step]
	switch e.Kind {
	case EventHTTP, EventCheck, EventPerson:
		if detail == StepsOnly {
			return nil
		}
	}
	switch e.Kind {
	case EventScenarioStart:
		sc.StartedAt = e.Time
	case EventScenarioEnd:
		var end struct {
			Status    string `json:"status"`
			BlockedBy string `json:"blocked_by"`
			Error     string `json:"error"`
		}
		if err := json.Unmarshal(e.Data, &end); err != nil {
			return fmt.Errorf("evidence: journal line %d: scenario_end: %w", e.Seq, err)
		}
		sc.Status, sc.BlockedBy, sc.Error, sc.FinishedAt = end.Status, end.BlockedBy, end.Error, e.Time
	case EventStepStart:
		if st != nil {
			st.StartedAt = e.Time
		}
	case EventStepEnd:
		var end endEntry
		if err := json.Unmarshal(e.Data, &end); err != nil {
			return fmt.Errorf("evidence: journal line %d: step_end: %w", e.Seq, err)
		}
		if st != nil {
			st.Status, st.Error, st.FinishedAt = end.Status, end.Error, e.Time
		}
	case EventHTTP:
		if e.Step == "" {
			return nil // a setup exchange (index), whatever scenario it names
		}
		if st == nil {
			p.mu.Lock()
			p.setup = append(p.setup, lineSpan{off: at, n: int32(len(line))})
			p.mu.Unlock()
			return nil
		}
		x := &Exchange{}
		if err := json.Unmarshal(e.Data, x); err != nil {
			return fmt.Errorf("evidence: journal line %d: http: %w", e.Seq, err)
		}
		x.Seq = e.Seq
		st.Exchanges = append(st.Exchanges, x)
	case EventCheck:
		var res check.Result
		if err := json.Unmarshal(e.Data, &res); err != nil {
			return fmt.Errorf("evidence: journal line %d: check: %w", e.Seq, err)
		}
		if st != nil {
			st.Checks = append(st.Checks, &CheckResult{Seq: e.Seq, Result: res})
		}
	case EventPerson:
		var pe check.Person
		if err := json.Unmarshal(e.Data, &pe); err != nil {
			return fmt.Errorf("evidence: journal line %d: person: %w", e.Seq, err)
		}
		if st != nil {
			st.Person = append(st.Person, &PersonEvent{Seq: e.Seq, Time: e.Time, Person: pe})
		}
	}
	return nil
}

// EachSetup implements Run. Exchanges of a step no plan holds join them
// once EachFeature has read their scenario with every detail.
func (p *replay) EachSetup(fn func(*Exchange) error) error {
	if err := p.index(); err != nil {
		return err
	}
	p.mu.Lock()
	setup := slices.Clone(p.setup)
	p.mu.Unlock()
	seen := map[int64]bool{}
	setup = slices.DeleteFunc(setup, func(s lineSpan) bool {
		dup := seen[s.off] // an orphan found again by a later EachFeature
		seen[s.off] = true
		return dup
	})
	return eachLine(p, setup, "http", func(x *Exchange, seq int64) error {
		x.Seq = seq
		return fn(x)
	})
}

// Drift implements Run: the recorder's findings, each named by where its
// first exchange was made (the plan's features say what its scope was).
func (p *replay) Drift() ([]DriftFinding, error) {
	if len(p.drifts) == 0 {
		return nil, nil
	}
	where := map[Scope]string{}
	for _, d := range p.drifts {
		where[d.scope] = "setup"
	}
	err := p.eachPlanned(func(f *Feature) error {
		for _, sc := range f.Scenarios {
			if sc == nil {
				continue
			}
			for _, st := range sc.Steps {
				if st == nil {
					continue
				}
				if s := (Scope{Scenario: sc.ID, Step: st.ID}); where[s] != "" {
					where[s] = f.Name + " › " + sc.Name + " › " + stepTitle(st)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]DriftFinding, len(p.drifts))
	for i, d := range p.drifts {
		out[i] = d.finding
		out[i].Where = where[d.scope]
	}
	slices.SortStableFunc(out, func(a, b DriftFinding) int { return cmp.Compare(a.First.Seq, b.First.Seq) })
	return out, nil
}

// EachWebhook implements Run.
func (p *replay) EachWebhook(fn func(*Webhook) error) error {
	if err := p.index(); err != nil {
		return err
	}
	return eachLine(p, p.webhooks, "webhook", func(w *Webhook, seq int64) error {
		w.Seq = seq
		return fn(w)
	})
}

// ReplayJournal rebuilds a bundle's whole report from its journal alone, in
// memory: what report.json holds (the header from run_start and run_end;
// signoff, which the journal does not hold, stays nil). Tools and tests
// read a run with it; the renderers read the journal a scenario at a time.
func ReplayJournal(dir string) (*Report, error) {
	p := &replay{path: filepath.Join(dir, JournalFile), head: &Report{Schema: ReportSchema}}
	if err := p.index(); err != nil {
		return nil, err
	}
	if err := p.readHead(); err != nil {
		return nil, err
	}
	r := p.head
	err := p.EachFeature(Everything, func(f *Feature, _ FeatureStats, scenarios func(func(*Scenario) error) error) error {
		err := scenarios(func(sc *Scenario) error {
			f.Scenarios = append(f.Scenarios, sc)
			return nil
		})
		r.Features = append(r.Features, f)
		return err
	})
	if err == nil {
		err = p.EachSetup(func(x *Exchange) error { r.Setup = append(r.Setup, x); return nil })
	}
	if err == nil {
		err = p.EachWebhook(func(w *Webhook) error { r.Webhooks = append(r.Webhooks, w); return nil })
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// readHead fills the header from the run_start and run_end events.
func (p *replay) readHead() error {
	lr, err := p.open()
	if err != nil {
		return err
	}
	defer lr.close()
	h := p.head
	for _, s := range []lineSpan{p.start, p.end} {
		if s.n == 0 {
			continue
		}
		e, err := lr.entry(s)
		if err != nil {
			return err
		}
		switch e.Kind {
		case EventRunStart:
			var start struct {
				RunID    string    `json:"run_id"`
				Tool     Tool      `json:"tool"`
				Target   Target    `json:"target"`
				ClientID string    `json:"client_id"`
				Operator string    `json:"operator"`
				Coverage *Coverage `json:"coverage"`
			}
			if err := json.Unmarshal(e.Data, &start); err != nil {
				return fmt.Errorf("evidence: journal line %d: run_start: %w", e.Seq, err)
			}
			h.RunID, h.Tool, h.Target, h.ClientID, h.Operator, h.Coverage = start.RunID, start.Tool, start.Target, start.ClientID, start.Operator, start.Coverage
			h.StartedAt = e.Time
		case EventRunEnd:
			var end struct {
				Status           string  `json:"status"`
				Complete         bool    `json:"complete"`
				IncompleteReason string  `json:"incomplete_reason"`
				ExitCode         int     `json:"exit_code"`
				Summary          Summary `json:"summary"`
			}
			if err := json.Unmarshal(e.Data, &end); err != nil {
				return fmt.Errorf("evidence: journal line %d: run_end: %w", e.Seq, err)
			}
			h.Status, h.Complete, h.IncompleteReason, h.ExitCode, h.Summary = end.Status, end.Complete, end.IncompleteReason, end.ExitCode, end.Summary
			h.FinishedAt = e.Time
		}
	}
	return nil
}

// ReadReport reads a bundle's report.json.
func ReadReport(dir string) (*Report, error) {
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("evidence: %s: report.json: %w", dir, err)
	}
	return &r, nil
}

// decodeEntry reads a journal line. Lines as Journal.Append writes them —
// seq, time, kind, scenario, step, data, prev, in that order, ids without
// escapes — are read without decoding their data, which stays a slice of
// line (valid as long as line is); anything else is decoded in full.
// Reading a journal of thousands of scenarios several times (once per
// report) is mostly this.
func decodeEntry(line []byte) (Entry, error) {
	if e, ok := entryHeadOf(line); ok {
		return e, nil
	}
	var e Entry
	err := json.Unmarshal(line, &e)
	return e, err
}

// prevSuffix is how every line ends: `,"prev":"` 64 hex digits `"}`.
const prevSuffixLen = len(`,"prev":"`) + 64 + len(`"}`)

func entryHeadOf(line []byte) (Entry, bool) {
	var e Entry
	rest, ok := bytes.CutPrefix(line, []byte(`{"seq":`))
	if !ok {
		return e, false
	}
	i := 0
	for i < len(rest) && '0' <= rest[i] && rest[i] <= '9' {
		e.Seq = e.Seq*10 + int64(rest[i]-'0')
		i++
	}
	if i == 0 || i > 18 {
		return e, false
	}
	rest = rest[i:]
	field := func(name string, required bool) (string, bool) {
		p := `,"` + name + `":"`
		r, ok := bytes.CutPrefix(rest, []byte(p))
		if !ok {
			return "", !required
		}
		end := bytes.IndexByte(r, '"')
		if end < 0 || bytes.IndexByte(r[:end], '\\') >= 0 {
			return "", false
		}
		rest = r[end+1:]
		return string(r[:end]), true
	}
	ts, ok := field("time", true)
	if !ok {
		return e, false
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return e, false
	}
	e.Time = t
	if e.Kind, ok = field("kind", true); !ok {
		return e, false
	}
	if e.Scenario, ok = field("scenario", false); !ok {
		return e, false
	}
	if e.Step, ok = field("step", false); !ok {
		return e, false
	}
	n := len(rest)
	if n < prevSuffixLen || !bytes.HasPrefix(rest[n-prevSuffixLen:], []byte(`,"prev":"`)) || !bytes.HasSuffix(rest, []byte(`"}`)) {
		return e, false
	}
	e.Prev = string(rest[n-prevSuffixLen+len(`,"prev":"`) : n-2])
	rest = rest[:n-prevSuffixLen]
	if len(rest) > 0 {
		data, ok := bytes.CutPrefix(rest, []byte(`,"data":`))
		if !ok {
			return e, false
		}
		e.Data = data
	}
	return e, true
}
