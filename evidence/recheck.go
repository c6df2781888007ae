package evidence

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/openbank-homolog/homolog/check"
)

// Recheck is the outcome of recomputing a bundle's verdicts from its
// journal and bodies alone, with the check functions this homolog holds.
type Recheck struct {
	Dir       string            `json:"bundle"`
	Intact    bool              `json:"intact"`
	Integrity []Check           `json:"integrity"`
	Scenarios []RecheckScenario `json:"scenarios"`
	Problems  []string          `json:"problems,omitempty"` // what could not be read
}

// RecheckScenario is one scenario's recorded and recomputed verdicts.
type RecheckScenario struct {
	Feature     string   `json:"feature"`
	Scenario    string   `json:"scenario"`
	Recorded    string   `json:"recorded"`
	Recomputed  string   `json:"recomputed"`
	Checks      int      `json:"checks"`
	Differences []string `json:"differences"`
}

// Same reports whether every verdict recomputed as recorded and the bundle
// is intact.
func (r *Recheck) Same() bool {
	if !r.Intact || len(r.Problems) > 0 {
		return false
	}
	for _, s := range r.Scenarios {
		if s.Recorded != s.Recomputed || len(s.Differences) > 0 {
			return false
		}
	}
	return true
}

// journal events recheck reads, beyond the records checks take.
type (
	planEntry struct {
		Feature     string `json:"feature"`
		FeatureName string `json:"feature_name"`
		Scenario    string `json:"scenario"`
		Name        string `json:"name"`
		Line        int    `json:"line"`
	}
	endEntry struct {
		Status string `json:"status"`
		Error  string `json:"error"`
	}
	stepKey struct{ scenario, step string }
)

// RecheckBundle recomputes every scenario's verdict from dir's journal and
// bodies: each check the run recorded is run again, by name, over the
// records its inputs name, and the scenario's verdict follows from those
// checks and the step failures no check explains. It verifies the
// bundle's integrity too, and says so, but recomputes regardless: a
// tampered bundle is exactly one whose verdicts may no longer follow.
func RecheckBundle(dir string, opts VerifyOptions) (*Recheck, error) {
	v, err := VerifyWith(dir, opts)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	rc := &Recheck{Dir: v.Dir, Intact: v.OK(), Integrity: v.Checks}

	f, err := os.Open(filepath.Join(dir, JournalFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w (no %s)", dir, ErrNotBundle, JournalFile)
		}
		return nil, fmt.Errorf("evidence: recheck: %w", err)
	}
	defer f.Close()
	body := func(ref string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, filepath.FromSlash(ref))) }

	records := map[int64]check.Record{}
	var plan []planEntry
	scenarioEnd := map[string]endEntry{}
	stepEnd := map[stepKey]endEntry{}
	var stepOrder []stepKey
	checks := map[stepKey][]check.Result{}

	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			rc.Problems = append(rc.Problems, fmt.Sprintf("%s line %d is not a journal entry: %v", JournalFile, line, err))
			continue
		}
		switch e.Kind {
		case EventRunStart:
			var start struct {
				Plan []planEntry `json:"plan"`
			}
			if err := json.Unmarshal(e.Data, &start); err != nil {
				rc.Problems = append(rc.Problems, fmt.Sprintf("%s line %d: run_start: %v", JournalFile, line, err))
			}
			plan = start.Plan
		case EventScenarioEnd:
			var end endEntry
			_ = json.Unmarshal(e.Data, &end)
			scenarioEnd[e.Scenario] = end
		case EventStepEnd:
			var end endEntry
			_ = json.Unmarshal(e.Data, &end)
			k := stepKey{e.Scenario, e.Step}
			stepEnd[k] = end
			stepOrder = append(stepOrder, k)
		case EventCheck:
			var res check.Result
			if err := json.Unmarshal(e.Data, &res); err != nil {
				rc.Problems = append(rc.Problems, fmt.Sprintf("%s line %d: check: %v", JournalFile, line, err))
				continue
			}
			k := stepKey{e.Scenario, e.Step}
			checks[k] = append(checks[k], res)
		default:
			r, ok, err := recordOf(e, body)
			if err != nil {
				rc.Problems = append(rc.Problems, err.Error())
			}
			if ok {
				records[e.Seq] = r
			}
		}
	}
	if err := sc.Err(); err != nil {
		rc.Problems = append(rc.Problems, fmt.Sprintf("%s: %v", JournalFile, err))
	}
	if plan == nil {
		rc.Problems = append(rc.Problems, JournalFile+" has no run_start with the run's plan: there is nothing to recompute")
	}

	for _, p := range plan {
		out := RecheckScenario{Feature: p.FeatureName, Scenario: p.Name, Recorded: StatusNotRun, Differences: []string{}}
		if out.Feature == "" {
			out.Feature = p.Feature
		}
		if end, ok := scenarioEnd[p.Scenario]; ok {
			out.Recorded = end.Status
		}
		checkFailed, unexplained := false, ""
		for _, k := range stepOrder {
			if k.scenario != p.Scenario {
				continue
			}
			stepCheckFailed := false
			for _, res := range checks[k] {
				out.Checks++
				again := check.Run(res.Name, res.Params, inputsOf(res.Inputs, records))
				if missing := missingInputs(res.Inputs, records); len(missing) > 0 {
					out.Differences = append(out.Differences, fmt.Sprintf("check %s: its inputs %v are not in the journal", res.Name, missing))
				}
				if again.OK != res.OK {
					out.Differences = append(out.Differences, fmt.Sprintf("check %s: recorded %s, recomputed %s%s", res.Name, holds(res.OK), holds(again.OK), because(again)))
				}
				if !again.OK {
					checkFailed, stepCheckFailed = true, true
				}
			}
			if end := stepEnd[k]; end.Status == StatusFailed && !stepCheckFailed && !recordedCheckFailed(checks[k]) && unexplained == "" {
				unexplained = end.Error
			}
		}
		out.Recomputed = recompute(out.Recorded, checkFailed, unexplained != "")
		if out.Recomputed != out.Recorded && len(out.Differences) == 0 {
			// No check changed its mind: say what the verdict follows from.
			why := "every check recomputes as holding and no step failed outside a check"
			if unexplained != "" {
				why = "a step failed outside any check: " + firstLine(unexplained)
			}
			out.Differences = append(out.Differences, why)
		}
		rc.Scenarios = append(rc.Scenarios, out)
	}
	return rc, nil
}

// recompute is a scenario's verdict from its recomputed checks. What no
// check decides — a scenario blocked by another, not run, undefined or
// pending — stays as recorded; a step failure no check explains (nothing
// was configured to send, say) is carried over as a failure.
func recompute(recorded string, checkFailed, unexplainedFailure bool) string {
	switch recorded {
	case StatusPassed, StatusFailed:
		if checkFailed || unexplainedFailure {
			return StatusFailed
		}
		return StatusPassed
	}
	return recorded
}

func recordedCheckFailed(rs []check.Result) bool {
	for _, r := range rs {
		if !r.OK {
			return true
		}
	}
	return false
}

func inputsOf(seqs map[string][]int64, records map[int64]check.Record) check.Inputs {
	in := check.Inputs{}
	for role, ns := range seqs {
		for _, n := range ns {
			if r, ok := records[n]; ok {
				in[role] = append(in[role], r)
			}
		}
	}
	return in
}

func missingInputs(seqs map[string][]int64, records map[int64]check.Record) []int64 {
	var out []int64
	for _, ns := range seqs {
		for _, n := range ns {
			if _, ok := records[n]; !ok {
				out = append(out, n)
			}
		}
	}
	return out
}

func holds(ok bool) string {
	if ok {
		return "holds"
	}
	return "fails"
}

func because(r check.Result) string {
	if r.OK {
		return ""
	}
	return ": " + r.Message
}
