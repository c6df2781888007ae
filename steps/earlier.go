package steps

import (
	"context"
	"fmt"
	"sync"
)

// ended is the set of scenarios that have finished, for a scenario that
// must come after everything before it in the plan (the partner-webhook
// scenarios deliver the event types the run produced, so they wait for
// the scenarios that produce them, whatever the concurrency).
type ended struct {
	mu      sync.Mutex
	ids     map[string]bool
	changed chan struct{} // closed and replaced on every arrival
}

func (e *ended) init() {
	if e.ids == nil {
		e.ids, e.changed = map[string]bool{}, make(chan struct{})
	}
}

func (e *ended) add(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.init()
	e.ids[id] = true
	close(e.changed)
	e.changed = make(chan struct{})
}

// awaitEarlier waits until every scenario before scenarioID in the plan
// has finished. godog starts scenarios in plan order, so those are
// running or done: the wait ends, at the latest with ctx.
func (s *Session) awaitEarlier(ctx context.Context, scenarioID string) error {
	mine, ok := s.order[scenarioID]
	if !ok {
		return nil // not in the plan (a test's own scenario): nothing to wait for
	}
	for {
		s.ended.mu.Lock()
		s.ended.init()
		waiting := 0
		for id, pos := range s.order {
			if pos < mine && !s.ended.ids[id] {
				waiting++
			}
		}
		changed := s.ended.changed
		s.ended.mu.Unlock()
		if waiting == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for the %d scenarios before this one to finish: %w", waiting, ctx.Err())
		}
	}
}
