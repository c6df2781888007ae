package stone

import (
	"context"
	"sync"
)

// DedupeState is what a Deduper knows of an event id.
type DedupeState int

const (
	// DedupeNew: first delivery; the id is now claimed and the caller must
	// call End.
	DedupeNew DedupeState = iota
	// DedupeDone: already processed; answer 2xx so Stone stops retrying.
	DedupeDone
	// DedupeInFlight: another delivery of the same event is being processed
	// right now; answer non-2xx so Stone retries it later rather than
	// taking this one as delivered while the first may still fail.
	DedupeInFlight
)

// Deduper remembers processed webhook event ids (x-stone-webhook-event-id).
// A shared implementation (a database) lets several receivers dedupe
// together; MemoryDeduper serves one process.
type Deduper interface {
	// Begin claims id unless it is done or in flight.
	Begin(ctx context.Context, id string) (DedupeState, error)
	// End finishes a claim: processed marks id done; otherwise the claim
	// is released so Stone's retry is processed.
	End(ctx context.Context, id string, processed bool) error
}

const defaultDedupeEntries = 100_000

// MemoryDeduper is an in-memory Deduper. It remembers at most max processed
// ids, forgetting the oldest first; Stone retries for about a day, so the
// bound only has to cover that window.
type MemoryDeduper struct {
	mu    sync.Mutex
	max   int
	state map[string]bool // true: done, false: in flight
	done  []string        // processed ids, oldest first
}

// NewMemoryDeduper returns a deduper remembering max processed ids; 0 →
// 100 000.
func NewMemoryDeduper(max int) *MemoryDeduper {
	if max <= 0 {
		max = defaultDedupeEntries
	}
	return &MemoryDeduper{max: max, state: map[string]bool{}}
}

// Begin implements Deduper.
func (d *MemoryDeduper) Begin(_ context.Context, id string) (DedupeState, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if done, ok := d.state[id]; ok {
		if done {
			return DedupeDone, nil
		}
		return DedupeInFlight, nil
	}
	d.state[id] = false
	return DedupeNew, nil
}

// End implements Deduper.
func (d *MemoryDeduper) End(_ context.Context, id string, processed bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !processed {
		if done, ok := d.state[id]; ok && !done {
			delete(d.state, id)
		}
		return nil
	}
	if done := d.state[id]; done {
		return nil
	}
	d.state[id] = true
	d.done = append(d.done, id)
	for len(d.done) > d.max {
		delete(d.state, d.done[0])
		d.done[0] = ""
		d.done = d.done[1:]
	}
	return nil
}
