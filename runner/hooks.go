package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cucumber/godog"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/locale"
	"github.com/openbank-homolog/homolog/steps"
)

// hooks turn godog's scenario and step events into evidence and live
// progress.
type hooks struct {
	session  *steps.Session
	rec      *evidence.Recorder
	plan     *plan
	out      io.Writer
	ctx      context.Context
	failFast bool        // stop at the first scenario that does not pass
	stopped  atomic.Bool // fail-fast stopped the run
	mu       sync.Mutex  // serialises progress lines
	words    *locale.Catalogue
	// chunk is the part of the plan godog is running: godog's pickle ids
	// are the chunk's, mapped to the run's (chunk.runID). Chunks run one
	// after the other; it is set before each suite starts.
	chunk chunk
}

// safe turns a panic in one of homolog's own hooks into the scenario's
// error: godog recovers panics in steps, not in hooks, and with scenarios
// running in parallel a hook's panic would escape the runner's recover and
// end the process without a bundle.
func safe(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("homolog: hook panicked: %v", r)
	}
}

func (h *hooks) install(s *godog.ScenarioContext) {
	s.Before(func(ctx context.Context, sc *godog.Scenario) (_ context.Context, err error) {
		defer safe(&err)
		id := h.chunk.runID(sc.Id)
		if !h.plan.planned(id) {
			// Left out by FILE:LINE or --name: godog runs every scenario
			// its tags select; this one is not part of the run at all.
			return ctx, godog.ErrSkip
		}
		if h.ctx.Err() != nil || h.stopped.Load() {
			// The run was interrupted, timed out or stopped at a failure
			// (--fail-fast): leave the scenario not run rather than fail it.
			return ctx, godog.ErrSkip
		}
		_ = h.rec.ScenarioStarted(id)
		return steps.WithScenarioID(evidence.WithScope(ctx, evidence.Scope{Scenario: id}), id), nil
	})
	s.StepContext().Before(func(ctx context.Context, st *godog.Step) (_ context.Context, err error) {
		defer safe(&err)
		scope, _ := evidence.ScopeFrom(ctx)
		if scope.Scenario == "" {
			return ctx, nil
		}
		step := h.chunk.runID(st.Id)
		_ = h.rec.StepStarted(scope.Scenario, step)
		return evidence.WithScope(ctx, evidence.Scope{Scenario: scope.Scenario, Step: step}), nil
	})
	s.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (_ context.Context, herr error) {
		defer safe(&herr)
		scope, _ := evidence.ScopeFrom(ctx)
		if scope.Scenario == "" {
			return ctx, nil
		}
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		_ = h.rec.StepFinished(scope.Scenario, h.chunk.runID(st.Id), stepStatus(status, err), msg)
		// A hook's error is merged into the step's: returning err would
		// report it twice.
		return ctx, nil
	})
	s.After(func(ctx context.Context, sc *godog.Scenario, err error) (_ context.Context, herr error) {
		defer safe(&herr)
		id := h.chunk.runID(sc.Id)
		if h.session != nil {
			// Whatever happened, scenarios waiting for this one stop waiting.
			h.session.ScenarioFinished(id)
		}
		scope, _ := evidence.ScopeFrom(ctx)
		if scope.Scenario == "" {
			return ctx, nil
		}
		status, blockedBy, msg := scenarioStatus(err)
		if status == evidence.StatusFailed && h.ctx.Err() != nil {
			status = evidence.StatusNotRun // cut short by the interrupt, not a verdict
		}
		_ = h.rec.ScenarioFinished(id, status, blockedBy, msg)
		if h.failFast && status != evidence.StatusPassed && status != evidence.StatusNotRun {
			h.stopped.Store(true)
		}
		h.progress(sc, status, blockedBy, msg)
		return ctx, nil
	})
}

func stepStatus(s godog.StepResultStatus, err error) string {
	var blocked *steps.BlockedError
	var skipped *steps.SkippedError
	switch {
	case errors.As(err, &blocked):
		return evidence.StatusBlocked
	case errors.As(err, &skipped):
		return evidence.StatusSkipped
	case s == godog.StepPassed:
		return evidence.StatusPassed
	case s == godog.StepSkipped:
		return evidence.StatusSkipped
	case s == godog.StepUndefined:
		return evidence.StatusUndefined
	case s == godog.StepPending:
		return evidence.StatusPending
	default:
		return evidence.StatusFailed
	}
}

func scenarioStatus(err error) (status, blockedBy, msg string) {
	var blocked *steps.BlockedError
	var skipped *steps.SkippedError
	switch {
	case err == nil:
		return evidence.StatusPassed, "", ""
	case errors.As(err, &skipped):
		return evidence.StatusSkipped, "", err.Error()
	case errors.As(err, &blocked):
		by := blocked.Prereq
		switch {
		case blocked.By != "":
			by += fmt.Sprintf(" (failed in %q)", blocked.By)
		case blocked.Cause != nil:
			// Nobody failed to build it: it cannot be had here (no
			// terminal, no webhook receiver). Say why.
			by += ": " + firstLine(blocked.Cause.Error())
		}
		return evidence.StatusBlocked, by, err.Error()
	case errors.Is(err, godog.ErrUndefined):
		return evidence.StatusUndefined, "", err.Error()
	case errors.Is(err, godog.ErrPending):
		return evidence.StatusPending, "", err.Error()
	case errors.Is(err, godog.ErrSkip):
		return evidence.StatusNotRun, "", ""
	default:
		return evidence.StatusFailed, "", err.Error()
	}
}

func (h *hooks) progress(sc *godog.Scenario, status, blockedBy, msg string) {
	w := h.words
	h.mu.Lock()
	defer h.mu.Unlock()
	// Each line names its feature: with concurrency > 1 lines interleave.
	fmt.Fprintf(h.out, "  %-*s %s › %s\n", w.MarkWidth, w.Mark(status), h.plan.features[sc.Uri], sc.Name)
	indent := strings.Repeat(" ", w.MarkWidth+3)
	switch {
	case blockedBy != "":
		fmt.Fprintf(h.out, "%s"+w.Needs+"\n", indent, w.Blocked(blockedBy))
	case msg != "" && status != evidence.StatusNotRun:
		fmt.Fprintf(h.out, "%s%s\n", indent, h.rec.Redactor().String(firstLine(msg)))
	}
}

func (h *hooks) summary(r *evidence.Report) {
	w := h.words
	s := r.Summary.Scenarios
	status, ok := w.RunStatus[r.Status]
	if !ok {
		status = strings.ToUpper(r.Status)
	}
	fmt.Fprintf(h.out, w.Summary+"\n", status, s.Passed, s.Failed+s.Undefined+s.Pending, s.Blocked, s.NotRun+s.Skipped, s.Total, r.Summary.Exchanges)
	if r.Target.Name == TargetSimulator {
		fmt.Fprintln(h.out, w.SimulatorNote)
	}
	fmt.Fprintln(h.out, w.Homologation+" "+evidence.LocalVerdict(r))
	if r.IncompleteReason != "" {
		fmt.Fprintf(h.out, w.IncompleteWhy+"\n", r.IncompleteReason)
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
