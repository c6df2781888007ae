package steps

import (
	"context"
	"fmt"
	"sync"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

// Delivery is a webhook the run's receiver verified, with the journal
// record of its delivery, which the webhook checks read.
type Delivery struct {
	Webhook stone.Webhook
	Record  check.Record
}

// Inbox is where verified webhooks arrive during a run.
type Inbox interface {
	// Await returns the first delivery of eventType about targetID,
	// waiting for it to arrive until ctx is done.
	Await(ctx context.Context, eventType, targetID string) (Delivery, error)
	// Received returns every delivery so far, in arrival order.
	Received() []Delivery
}

// WebhookInbox keeps every webhook the run received, so a scenario can
// wait for one that arrived before it started looking.
type WebhookInbox struct {
	mu       sync.Mutex
	received []Delivery
	changed  chan struct{} // closed and replaced on every arrival
}

// NewWebhookInbox returns an empty inbox.
func NewWebhookInbox() *WebhookInbox {
	return &WebhookInbox{changed: make(chan struct{})}
}

// Add keeps a verified delivery.
func (b *WebhookInbox) Add(d Delivery) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.received = append(b.received, d)
	close(b.changed)
	b.changed = make(chan struct{})
}

// Received implements Inbox.
func (b *WebhookInbox) Received() []Delivery {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Delivery(nil), b.received...)
}

// Await implements Inbox.
func (b *WebhookInbox) Await(ctx context.Context, eventType, targetID string) (Delivery, error) {
	for {
		b.mu.Lock()
		for _, d := range b.received {
			if d.Webhook.EventType == eventType && (targetID == "" || d.Webhook.TargetID == targetID) {
				b.mu.Unlock()
				return d, nil
			}
		}
		changed, n := b.changed, len(b.received)
		b.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return Delivery{}, fmt.Errorf("no %s webhook for %q arrived (%d webhooks received in all): %w", eventType, targetID, n, ctx.Err())
		}
	}
}
