package ledger

import (
	"container/heap"
	"time"
)

// job is one timed transition of any state machine (a transfer finishing, a
// boleto registering, a PIX settling...). The simulator has no background
// goroutines for them: every request first runs the jobs whose time has come
// on the simulator clock, so moving a fake clock (or /_sim/clock/advance)
// drives every operation deterministically.
//
// A job does not own its operation: it re-checks the state it expects when it
// runs, so cancelling, rejecting or refunding never needs to find and remove
// the jobs already queued.
type job struct {
	due time.Time
	seq int64
	run func(at time.Time)
}

// jobQueue is a min-heap by (due, seq): jobs due at the same instant run in
// the order they were queued, which keeps runs reproducible.
type jobQueue []*job

func (q jobQueue) Len() int { return len(q) }

func (q jobQueue) Less(i, j int) bool {
	if c := q[i].due.Compare(q[j].due); c != 0 {
		return c < 0
	}
	return q[i].seq < q[j].seq
}

func (q jobQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }

func (q *jobQueue) Push(x any) { *q = append(*q, x.(*job)) }

func (q *jobQueue) Pop() any {
	old := *q
	n := len(old)
	j := old[n-1]
	old[n-1] = nil
	*q = old[:n-1]
	return j
}

// At queues run for time due. Caller holds the lock.
func (b *Book) At(due time.Time, run func(at time.Time)) {
	b.jobSeq++
	heap.Push(&b.jobs, &job{due: due, seq: b.jobSeq, run: run})
}

// SettleDue runs every job whose time has come, earliest first, each stamped
// with its due time rather than the time of the request that noticed it: the
// ledger then reads as if a real scheduler had run. A job may queue further
// jobs (CONFIRMED → MONEY_RESERVED → SETTLED); those already due run in the
// same pass.
func (b *Book) SettleDue(now time.Time) {
	b.Locked(func() {
		now = b.Stamp(now)
		for b.jobs.Len() > 0 && !b.jobs[0].due.After(now) {
			j := heap.Pop(&b.jobs).(*job)
			j.run(j.due)
		}
	})
}
