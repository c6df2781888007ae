package webhooks

import (
	"bytes"
	"context"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"

	"github.com/go-jose/go-jose/v4"

	"github.com/openbank-homolog/homolog/simulator/internal/keycloak"
)

const webhookResponseKeep = 512 // bytes of a receiver's answer kept for /_sim/webhooks

type attemptResult struct {
	url      string
	status   int
	err      string
	response string
	body     []byte
}

// delivered: only a 2xx counts, as at Stone; redirects are not followed.
func (r attemptResult) delivered() bool { return r.err == "" && r.status >= 200 && r.status < 300 }

// attempt POSTs one notification. It reports false when ctx was cancelled
// (the simulator is closing): such an attempt is not recorded, so it neither
// uses up one of the 50 nor counts against the receiver.
func (h *Hooks) attempt(ctx context.Context, d delivery) (attemptResult, bool) {
	res := attemptResult{url: d.url, body: d.body}
	if res.body == nil {
		jwe, err := h.seal(d.payload, d.key)
		if err != nil {
			res.err = err.Error()
			return res, true
		}
		res.body = jsonBody(jwe)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(res.body))
	if err != nil {
		res.err = fmt.Sprintf("simulator: webhook request: %v", err)
		return res, true
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("X-Stone-Webhook-Event-Id", d.id)
	req.Header.Set("X-Stone-Webhook-Event-Type", d.typ)
	resp, err := h.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return res, false
		}
		res.err = err.Error()
		return res, true
	}
	defer resp.Body.Close()
	kept, _ := io.ReadAll(io.LimitReader(resp.Body, webhookResponseKeep))
	// Draining a bounded amount lets the connection be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	res.status, res.response = resp.StatusCode, string(kept)
	return res, true
}

// seal is Stone's webhook body: a compact JWS (RS256, Stone's sig key, header
// kid) of the payload, encrypted as a compact JWE (RSA-OAEP-256, A256GCM,
// cty JWT) to the application's registered public key. Receivers decrypt
// with their private key, then verify with the JWKS key named by kid.
func (h *Hooks) seal(payload []byte, to *rsa.PublicKey) (string, error) {
	if to == nil {
		return "", fmt.Errorf("simulator: webhook: the application has no public key to encrypt to")
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: h.key, KeyID: h.sigKid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("simulator: webhook: signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("simulator: webhook: sign: %w", err)
	}
	signed, err := jws.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("simulator: webhook: serialize jws: %w", err)
	}
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: to, KeyID: keycloak.Thumbprint(to)},
		(&jose.EncrypterOptions{}).WithContentType("JWT"))
	if err != nil {
		return "", fmt.Errorf("simulator: webhook: encrypter: %w", err)
	}
	jwe, err := enc.Encrypt([]byte(signed))
	if err != nil {
		return "", fmt.Errorf("simulator: webhook: encrypt: %w", err)
	}
	out, err := jwe.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("simulator: webhook: serialize jwe: %w", err)
	}
	return out, nil
}
