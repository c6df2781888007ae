package simulator

// webhooks signs, encrypts and delivers the events the state machines emit.
// (Stub: the webhooks work fills this in.)
type webhooks struct{ s *Simulator }

func newWebhooks(s *Simulator) (*webhooks, error) { return &webhooks{s: s}, nil }

// kick delivers whatever is due; called after every request's settlement.
func (h *webhooks) kick() {}

func (s *Simulator) webhookRoutes(rt *router) {}
