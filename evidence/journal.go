package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

// GenesisHash is the "previous hash" of a journal's first line.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Event kinds written to journal.ndjson.
const (
	EventRunStart      = "run_start"
	EventFeature       = "feature" // one feature of the plan with its scenarios and steps, as planned
	EventScenarioStart = "scenario_start"
	EventStepStart     = "step_start"
	EventHTTP          = "http"
	EventWebhook       = "webhook"
	EventPerson        = "person" // the account owner: a prompt, an answer, the end of a wait
	EventCheck         = "check"  // what a check read, and its outcome
	EventStepEnd       = "step_end"
	EventScenarioEnd   = "scenario_end"
	EventRunEnd        = "run_end"
)

// Entry is one journal line. Prev is the SHA-256 of the previous line's
// bytes (without its newline), so removing, reordering or editing a line
// breaks the chain from that point on.
type Entry struct {
	Seq      int64           `json:"seq"`
	Time     time.Time       `json:"time"`
	Kind     string          `json:"kind"`
	Scenario string          `json:"scenario,omitempty"`
	Step     string          `json:"step,omitempty"`
	Data     json.RawMessage `json:"data,omitempty"`
	Prev     string          `json:"prev"`
}

// Journal appends hash-chained lines to a file. Each line is written with
// one write call as it happens, so a crash loses at most the line being
// written, and the chain up to it stays verifiable.
type Journal struct {
	mu   sync.Mutex
	f    *os.File
	seq  int64
	prev string
	size int64 // bytes of complete lines written
	now  func() time.Time
	err  error
}

// OpenJournal creates path (it must not exist).
func OpenJournal(path string, now func() time.Time) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("evidence: open journal: %w", err)
	}
	return &Journal{f: f, prev: GenesisHash, now: now}, nil
}

// Append writes one event; data is marshalled to JSON. It returns the
// entry as written (its sequence number and time). After the first write
// error every later call returns that error: a journal with a gap must not
// look whole.
func (j *Journal) Append(kind, scenario, step string, data any) (Entry, error) {
	var raw json.RawMessage
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return Entry{}, fmt.Errorf("evidence: journal %s: %w", kind, err)
		}
		raw = b
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return Entry{}, j.err
	}
	if j.f == nil {
		return Entry{}, fmt.Errorf("evidence: journal %s: closed", kind)
	}
	e := Entry{Seq: j.seq + 1, Time: j.now().UTC(), Kind: kind, Scenario: scenario, Step: step, Data: raw, Prev: j.prev}
	line := e.appendLine(make([]byte, 0, len(raw)+len(scenario)+len(step)+160))
	if n, err := j.f.Write(append(line, '\n')); err != nil {
		// Cut a partial line off, so the journal still ends on its last
		// complete line and the chain up to it verifies; the run is then
		// marked incomplete (Recorder.Err).
		if n > 0 {
			_ = j.f.Truncate(j.size)
		}
		j.err = fmt.Errorf("evidence: write journal: %w", err)
		return Entry{}, j.err
	}
	j.seq++
	j.size += int64(len(line)) + 1
	sum := sha256.Sum256(line)
	j.prev = hex.EncodeToString(sum[:])
	return e, nil
}

// appendLine appends e as json.Marshal writes it (the same fields in the
// same order, the same escaping: a test holds the two together), without
// json.Marshal's second pass over Data, already valid compact JSON, which
// was a sixth of recording an exchange.
func (e *Entry) appendLine(b []byte) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, `,"time":"`...)
	b = e.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","kind":`...)
	b = appendQuoted(b, e.Kind)
	if e.Scenario != "" {
		b = append(b, `,"scenario":`...)
		b = appendQuoted(b, e.Scenario)
	}
	if e.Step != "" {
		b = append(b, `,"step":`...)
		b = appendQuoted(b, e.Step)
	}
	if len(e.Data) > 0 {
		b = append(b, `,"data":`...)
		b = append(b, e.Data...)
	}
	b = append(b, `,"prev":`...)
	b = appendQuoted(b, e.Prev)
	return append(b, '}')
}

// appendQuoted appends s quoted as json.Marshal quotes it: HTML-safe,
// unlike appendJSONString, so that lines stay what they were. The common
// case (printable ASCII with nothing to escape) is copied; anything else
// is left to encoding/json.
func appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Err is the first write error, after which the journal refused to go on.
func (j *Journal) Err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

// Head returns the hash of the last line written and the line count.
func (j *Journal) Head() (string, int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.prev, j.seq
}

// Close closes the file. It does not wait for the disk: Seal makes the
// journal durable with every other file of the bundle, at once.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	cerr := j.f.Close()
	j.f = nil
	if cerr != nil {
		return fmt.Errorf("evidence: close journal: %w", cerr)
	}
	return nil
}
