package steps

import (
	"context"
	"fmt"
	"sync"

	"github.com/openbank-homolog/homolog/stone"
)

// Inbox is where verified webhooks arrive during a run.
type Inbox interface {
	// Await returns the first webhook of eventType about targetID,
	// waiting for it to arrive until ctx is done.
	Await(ctx context.Context, eventType, targetID string) (stone.Webhook, error)
}

// WebhookInbox keeps every webhook the run received, so a scenario can
// wait for one that arrived before it started looking.
type WebhookInbox struct {
	mu       sync.Mutex
	received []stone.Webhook
	changed  chan struct{} // closed and replaced on every arrival
}

// NewWebhookInbox returns an empty inbox.
func NewWebhookInbox() *WebhookInbox {
	return &WebhookInbox{changed: make(chan struct{})}
}

// Add records a verified webhook; it is the receiver's handler.
func (b *WebhookInbox) Add(_ context.Context, w stone.Webhook) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.received = append(b.received, w)
	close(b.changed)
	b.changed = make(chan struct{})
	return nil
}

// Await implements Inbox.
func (b *WebhookInbox) Await(ctx context.Context, eventType, targetID string) (stone.Webhook, error) {
	for {
		b.mu.Lock()
		for _, w := range b.received {
			if w.EventType == eventType && (targetID == "" || w.TargetID == targetID) {
				b.mu.Unlock()
				return w, nil
			}
		}
		changed, n := b.changed, len(b.received)
		b.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return stone.Webhook{}, fmt.Errorf("no %s webhook for %q arrived (%d webhooks received in all): %w", eventType, targetID, n, ctx.Err())
		}
	}
}
