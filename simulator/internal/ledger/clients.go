package ledger

import (
	"crypto/rsa"
	"slices"
	"strings"
)

// Client is a partner application registered with the simulator. Every
// field is guarded by the book's lock.
type Client struct {
	ID          string
	PublicKey   *rsa.PublicKey
	RedirectURI string
	WebhookURL  string
	Subject     string // sub of its access tokens (Keycloak's service-account user)

	consented map[string]bool // account ids whose owners consented to share them
}

// SubjectID is the application's global id (§2): application:<ClientID>.
func (c *Client) SubjectID() string { return "application:" + c.ID }

// Consented reports whether the owner of accountID shared it with c.
func (c *Client) Consented(accountID string) bool { return c.consented[accountID] }

// Consent records that the owner of accountID shared it with c.
func (c *Client) Consent(accountID string) { c.consented[accountID] = true }

// AddClient registers c. Caller holds the lock.
func (b *Book) AddClient(c *Client) {
	c.consented = map[string]bool{}
	b.clients[c.ID] = c
}

// Client is the registered application id, nil if none. Caller holds the lock.
func (b *Book) Client(id string) *Client { return b.clients[id] }

// ClientCount is how many applications are registered. Caller holds the lock.
func (b *Book) ClientCount() int { return len(b.clients) }

// LookupClient is Client, taking the lock.
func (b *Book) LookupClient(id string) *Client {
	var c *Client
	b.Locked(func() { c = b.clients[id] })
	return c
}

// Recipients are the applications that can see an account: the application
// that owns it and every one its owner consented to, in client id order so
// that ids come out of the id source in a reproducible order. Caller holds
// the lock.
func (b *Book) Recipients(accountID string) []*Client {
	a := b.accounts[accountID]
	if a == nil {
		return nil
	}
	var out []*Client
	for _, c := range b.clients {
		if a.ownerClient == c.ID || c.consented[a.ID] {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(x, y *Client) int { return strings.Compare(x.ID, y.ID) })
	return out
}
