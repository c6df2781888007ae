package simulator

import "net/http"

// Faults configures injected failures, off by default. (Stub: the faults
// work fills this in.)
type Faults struct{}

type faultInjector struct{}

func newFaultInjector(f Faults) (*faultInjector, error) { return &faultInjector{}, nil }

// inject answers r with a failure when the dice say so, and reports whether
// it did.
func (f *faultInjector) inject(w http.ResponseWriter, r *http.Request) bool { return false }

func (s *Simulator) faultRoutes(rt *router) {}
