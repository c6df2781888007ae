package partnerhook

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"

	"github.com/openbank-homolog/homolog/check"
)

// Header names of a delivery (stone-api.md §7).
const (
	EventIDHeader   = "X-Stone-Webhook-Event-Id"
	EventTypeHeader = "X-Stone-Webhook-Event-Type"
)

// userAgent names homolog as the sender: the partner's logs must not
// mistake a test delivery for Stone's.
const userAgent = "homolog-partner-webhook-test"

// strangerKeyBits sizes the keys that are neither Stone's nor the
// partner's: they exist for one test and are thrown away.
const strangerKeyBits = 2048

// SenderOptions configures a Sender.
type SenderOptions struct {
	URL        string          // the partner's receiver (required)
	PartnerKey *rsa.PublicKey  // deliveries are encrypted for it (required)
	StoneKey   *rsa.PrivateKey // signs them as Stone's "sig" key (required)
	// HTTPClient sends the deliveries; the evidence is what its transport
	// records. nil → a client with a 30 s timeout. Redirects are never
	// followed, whatever the client says: Stone counts a 3xx as a failure.
	HTTPClient *http.Client
	NewID      func() string                   // event ids and jti; nil → random UUIDs
	NewKey     func() (*rsa.PrivateKey, error) // keys that are not Stone's nor the partner's; nil → RSA 2048
}

// Sender delivers events to the partner's receiver as Stone does, and as
// Stone never does.
type Sender struct {
	url     string
	partner *rsa.PublicKey
	stone   *rsa.PrivateKey
	kid     string
	http    *http.Client
	newID   func() string
	newKey  func() (*rsa.PrivateKey, error)

	strangers sync.Once
	forger    *rsa.PrivateKey // signs forged deliveries
	outsider  *rsa.PrivateKey // the "other" key deliveries are encrypted for
	keyErr    error
}

// NewSender checks opts and returns a sender.
func NewSender(opts SenderOptions) (*Sender, error) {
	switch {
	case opts.URL == "":
		return nil, errors.New("partnerhook: the receiver's URL is required")
	case opts.PartnerKey == nil:
		return nil, errors.New("partnerhook: the partner's public key is required (deliveries are encrypted for it)")
	case opts.StoneKey == nil:
		return nil, errors.New("partnerhook: the test Stone key is required (deliveries are signed with it)")
	}
	kid, err := KeyID(&opts.StoneKey.PublicKey)
	if err != nil {
		return nil, err
	}
	s := &Sender{url: opts.URL, partner: opts.PartnerKey, stone: opts.StoneKey, kid: kid, newID: opts.NewID, newKey: opts.NewKey}
	hc := http.Client{Timeout: 30 * time.Second}
	if opts.HTTPClient != nil {
		hc = *opts.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	s.http = &hc
	if s.newID == nil {
		s.newID = uuid.NewString
	}
	if s.newKey == nil {
		s.newKey = func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, strangerKeyBits) }
	}
	return s, nil
}

// URL is the partner's receiver.
func (s *Sender) URL() string { return s.url }

// NewID is a fresh id from the sender's source.
func (s *Sender) NewID() string { return s.newID() }

// Delivery is one POST to the partner's receiver.
type Delivery struct {
	Kind      string // check.DeliveryValid, DeliveryForged, DeliveryWrongKey or DeliveryGarbage
	EventID   string
	EventType string
	Body      []byte
}

// Set is the deliveries of one event: the one Stone makes (sent twice:
// Stone re-sends an event until it gets a 2xx) and three it never makes,
// each with its own event id, so that what is tested is verification, not
// the receiver's deduplication.
type Set struct {
	Valid, Forged, WrongKey, Garbage Delivery
}

// Prepare builds the deliveries of an event of eventType; claims returns
// its payload for a delivery with the given event id.
func (s *Sender) Prepare(eventType string, claims func(eventID string) map[string]any) (Set, error) {
	if err := s.strangerKeys(); err != nil {
		return Set{}, err
	}
	seal := func(kind, id string, signer *rsa.PrivateKey, to *rsa.PublicKey) (Delivery, error) {
		payload, err := json.Marshal(claims(id))
		if err != nil {
			return Delivery{}, fmt.Errorf("partnerhook: %s payload: %w", eventType, err)
		}
		body, err := sealBody(payload, signer, s.kid, to)
		if err != nil {
			return Delivery{}, fmt.Errorf("partnerhook: %s: %w", eventType, err)
		}
		return Delivery{Kind: kind, EventID: id, EventType: eventType, Body: body}, nil
	}
	var set Set
	var err error
	if set.Valid, err = seal(check.DeliveryValid, s.newID(), s.stone, s.partner); err != nil {
		return Set{}, err
	}
	// Forged: another key signs, under Stone's kid, so only a receiver
	// that verifies the signature with the key its JWKS names refuses it.
	if set.Forged, err = seal(check.DeliveryForged, s.newID(), s.forger, s.partner); err != nil {
		return Set{}, err
	}
	if set.WrongKey, err = seal(check.DeliveryWrongKey, s.newID(), s.stone, &s.outsider.PublicKey); err != nil {
		return Set{}, err
	}
	set.Garbage = Delivery{Kind: check.DeliveryGarbage, EventID: s.newID(), EventType: eventType,
		Body: []byte("this is not a Stone webhook delivery\n")}
	return set, nil
}

// Send posts d to the receiver. The error is a transport failure only:
// whatever the receiver answered is in the exchange the client's
// transport recorded, for a check to judge.
func (s *Sender) Send(ctx context.Context, d Delivery) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(d.Body))
	if err != nil {
		return fmt.Errorf("partnerhook: %s delivery: %w", d.EventType, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(EventIDHeader, d.EventID)
	req.Header.Set(EventTypeHeader, d.EventType)
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("partnerhook: %s delivery: %w", d.EventType, err)
	}
	defer resp.Body.Close()
	// Reading the answer to its end is what makes its recorded finish
	// time the moment the receiver was done.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return nil
}

func (s *Sender) strangerKeys() error {
	s.strangers.Do(func() {
		if s.forger, s.keyErr = s.newKey(); s.keyErr != nil {
			return
		}
		s.outsider, s.keyErr = s.newKey()
	})
	if s.keyErr != nil {
		return fmt.Errorf("partnerhook: generate a key that is not Stone's: %w", s.keyErr)
	}
	return nil
}

// sealBody is {"encrypted_body": JWE} as Stone sends it: a compact JWS
// (RS256, header kid) of the payload, encrypted as a compact JWE
// (RSA-OAEP-256, A256GCM, cty JWT, kid of the recipient's key) for to.
func sealBody(payload []byte, signer *rsa.PrivateKey, kid string, to *rsa.PublicKey) ([]byte, error) {
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: signer, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("signer: %w", err)
	}
	jws, err := sig.Sign(payload)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	signed, err := jws.CompactSerialize()
	if err != nil {
		return nil, fmt.Errorf("serialize jws: %w", err)
	}
	toKid, err := KeyID(to)
	if err != nil {
		return nil, err
	}
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: to, KeyID: toKid},
		(&jose.EncrypterOptions{}).WithContentType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("encrypter: %w", err)
	}
	jwe, err := enc.Encrypt([]byte(signed))
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	compact, err := jwe.CompactSerialize()
	if err != nil {
		return nil, fmt.Errorf("serialize jwe: %w", err)
	}
	return json.Marshal(map[string]string{"encrypted_body": compact})
}

// KeyID is the RFC 7638 thumbprint (SHA-256, base64url) of an RSA public
// key: the kid of homolog's test Stone key in its JWKS and in every JWS it
// signs.
func KeyID(pub *rsa.PublicKey) (string, error) {
	tp, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("partnerhook: key thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}
