package stone

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

const defaultWebhookMaxBody = 1 << 20

// WebhookReceiverOptions configures a WebhookReceiver.
type WebhookReceiverOptions struct {
	// PrivateKey is the partner's key: Stone encrypts webhooks to the public
	// key registered for authentication (required).
	PrivateKey *rsa.PrivateKey
	// Keys resolves Stone's signing keys, e.g. Client.WebhookKeys (required).
	Keys WebhookKeySource
	// Handle processes one event. An error answers 500, so Stone retries.
	Handle func(ctx context.Context, w Webhook) error
	// Deduper remembers processed event ids; nil → NewMemoryDeduper(0).
	Deduper Deduper
	// MaxBodyBytes bounds a delivery's body; 0 → 1 MiB.
	MaxBodyBytes int64
	// OnReject, when set, is told why a delivery was not processed (status
	// ≥ 400), so the runner can put the cause in the evidence.
	OnReject func(r *http.Request, status int, err error)
}

// WebhookReceiver is the http.Handler for Stone's webhooks (stone-api.md
// §7): POST {"encrypted_body": "<compact JWE>"}, JWE RSA-OAEP-256/A256GCM
// to the partner key, holding a compact JWS RS256 signed by Stone whose
// claims are the event. It answers:
//
//	200 processed now, or a duplicate of a processed event (Handle not called again)
//	400 anything malformed, forged or inconsistent (Handle never called)
//	405 not a POST; 409 the same event is being processed right now
//	413 body over MaxBodyBytes; 500 Handle failed or Stone's keys were unavailable
//
// Anything but 2xx makes Stone retry (up to 50 times over the day).
type WebhookReceiver struct {
	key      *rsa.PrivateKey
	keys     WebhookKeySource
	handle   func(context.Context, Webhook) error
	dedupe   Deduper
	maxBody  int64
	onReject func(*http.Request, int, error)
}

// NewWebhookReceiver validates opts and returns the handler.
func NewWebhookReceiver(opts WebhookReceiverOptions) (*WebhookReceiver, error) {
	const op = "new webhook receiver"
	switch {
	case opts.PrivateKey == nil:
		return nil, fmt.Errorf("stone: %s: PrivateKey is required", op)
	case opts.Keys == nil:
		return nil, fmt.Errorf("stone: %s: Keys is required", op)
	case opts.Handle == nil:
		return nil, fmt.Errorf("stone: %s: Handle is required", op)
	case opts.MaxBodyBytes < 0:
		return nil, fmt.Errorf("stone: %s: MaxBodyBytes must not be negative", op)
	}
	r := &WebhookReceiver{key: opts.PrivateKey, keys: opts.Keys, handle: opts.Handle, dedupe: opts.Deduper,
		maxBody: opts.MaxBodyBytes, onReject: opts.OnReject}
	if r.dedupe == nil {
		r.dedupe = NewMemoryDeduper(0)
	}
	if r.maxBody == 0 {
		r.maxBody = defaultWebhookMaxBody
	}
	return r, nil
}

// ServeHTTP implements http.Handler.
func (h *WebhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status, err := h.serve(r)
	w.Header().Set("Content-Type", "application/json")
	if status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	w.WriteHeader(status)
	if err == nil {
		_, _ = io.WriteString(w, "{}")
		return
	}
	if h.onReject != nil {
		h.onReject(r, status, err)
	}
	// The message names our own check, never the plaintext: Stone (or
	// whoever posted) learns what failed, not what was inside.
	b, _ := json.Marshal(map[string]string{"error": err.Error()})
	_, _ = w.Write(b)
}

// serve processes one delivery and returns the status to answer.
func (h *WebhookReceiver) serve(r *http.Request) (int, error) {
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, fmt.Errorf("stone: webhook: method %s, want POST", r.Method)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return http.StatusRequestEntityTooLarge, fmt.Errorf("stone: webhook: body over %d bytes", h.maxBody)
		}
		return http.StatusBadRequest, fmt.Errorf("stone: webhook: read body: %w", err)
	}
	var env struct {
		EncryptedBody *string `json:"encrypted_body"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return http.StatusBadRequest, fmt.Errorf("stone: webhook: body is not JSON: %w", err)
	}
	if env.EncryptedBody == nil || strings.TrimSpace(*env.EncryptedBody) == "" {
		return http.StatusBadRequest, errors.New("stone: webhook: encrypted_body is missing")
	}
	eventID := r.Header.Get(WebhookEventIDHeader)
	eventType := r.Header.Get(WebhookEventTypeHeader)
	if eventID == "" || eventType == "" {
		return http.StatusBadRequest, fmt.Errorf("stone: webhook: %s and %s headers are required", WebhookEventIDHeader, WebhookEventTypeHeader)
	}

	wh, status, err := h.open(r.Context(), *env.EncryptedBody)
	if err != nil {
		return status, err
	}
	if wh.EventType != eventType {
		return http.StatusBadRequest, fmt.Errorf("stone: webhook: header %s %q differs from payload event_type %q", WebhookEventTypeHeader, eventType, wh.EventType)
	}
	// The header id is the delivery's idempotency key (§7: dedupe on it).
	// The payload's own id is data: Stone's inspection example shows it
	// equal to target_id, so it need not match the header, and every event
	// of one resource may share it.
	wh.EventID = eventID
	if wh.ID == "" {
		wh.ID = eventID // Stone's cash-in example carries "id": null
	}
	return h.process(r.Context(), eventID, wh)
}

// open decrypts, verifies and decodes one encrypted_body.
func (h *WebhookReceiver) open(ctx context.Context, compact string) (Webhook, int, error) {
	jwe, err := jose.ParseEncryptedCompact(strings.TrimSpace(compact),
		[]jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return Webhook{}, http.StatusBadRequest, fmt.Errorf("stone: webhook: not a compact JWE RSA-OAEP-256/A256GCM: %w", err)
	}
	plain, err := jwe.Decrypt(h.key)
	if err != nil {
		return Webhook{}, http.StatusBadRequest, fmt.Errorf("stone: webhook: decrypt: %w", err)
	}
	jws, err := jose.ParseSignedCompact(strings.TrimSpace(string(plain)), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return Webhook{}, http.StatusBadRequest, fmt.Errorf("stone: webhook: plaintext is not a compact JWS RS256: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return Webhook{}, http.StatusBadRequest, fmt.Errorf("stone: webhook: want one signature, got %d", len(jws.Signatures))
	}
	kid := jws.Signatures[0].Header.KeyID
	if kid == "" {
		return Webhook{}, http.StatusBadRequest, errors.New("stone: webhook: JWS header has no kid")
	}
	pub, err := h.keys.SigningKey(ctx, kid)
	if errors.Is(err, ErrUnknownKeyID) {
		return Webhook{}, http.StatusBadRequest, fmt.Errorf("stone: webhook: %w", err)
	}
	if err != nil {
		return Webhook{}, http.StatusInternalServerError, fmt.Errorf("stone: webhook: signing key: %w", err)
	}
	payload, err := jws.Verify(pub)
	if err != nil {
		return Webhook{}, http.StatusBadRequest, fmt.Errorf("stone: webhook: signature: %w", err)
	}
	wh, err := DecodeWebhook(payload)
	if err != nil {
		return Webhook{}, http.StatusBadRequest, wrap("webhook", err)
	}
	if wh.EventType == "" {
		return Webhook{}, http.StatusBadRequest, errors.New("stone: webhook: payload has no event_type")
	}
	return wh, http.StatusOK, nil
}

// process runs Handle once per event id.
func (h *WebhookReceiver) process(ctx context.Context, id string, wh Webhook) (int, error) {
	state, err := h.dedupe.Begin(ctx, id)
	if err != nil {
		return http.StatusInternalServerError, fmt.Errorf("stone: webhook: dedupe: %w", err)
	}
	switch state {
	case DedupeDone:
		return http.StatusOK, nil
	case DedupeInFlight:
		return http.StatusConflict, fmt.Errorf("stone: webhook: event %q is being processed", id)
	}
	ended := false
	defer func() {
		// A panicking Handle must not leave the id claimed forever, or
		// every retry of the event would be answered 409.
		if !ended {
			_ = h.dedupe.End(context.WithoutCancel(ctx), id, false)
		}
	}()
	if err := h.handle(ctx, wh); err != nil {
		ended = true
		_ = h.dedupe.End(context.WithoutCancel(ctx), id, false)
		return http.StatusInternalServerError, fmt.Errorf("stone: webhook: handle %s %q: %w", wh.EventType, id, err)
	}
	ended = true
	if err := h.dedupe.End(context.WithoutCancel(ctx), id, true); err != nil {
		// Handled but not recorded: answer 500 so the event is retried;
		// at least once beats losing it.
		return http.StatusInternalServerError, fmt.Errorf("stone: webhook: dedupe: %w", err)
	}
	return http.StatusOK, nil
}
