package webhooks

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-jose/go-jose/v4"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/keycloak"
)

// buildJWKS is Stone's GET /api/v1/discovery/keys: the key that signs
// webhooks (use "sig", RS256; it also signs the simulator's access tokens)
// and a key partners encrypt to (use "enc", RSA-OAEP-256; Stone uses it for
// account-opening JWEs, which the simulator does not decrypt yet). Only
// public parts are published. Called once (webhooks.jwks).
func (h *Hooks) buildJWKS() ([]byte, error) {
	enc := h.encKey
	if enc == nil {
		var err error
		if enc, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("simulator: discovery keys: generate encryption key: %w", err)
		}
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &h.key.PublicKey, KeyID: h.sigKid, Use: "sig", Algorithm: string(jose.RS256)},
		{Key: &enc.PublicKey, KeyID: keycloak.Thumbprint(&enc.PublicKey), Use: "enc", Algorithm: string(jose.RSA_OAEP_256)},
	}}
	b, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("simulator: discovery keys: %w", err)
	}
	return b, nil
}

// handleDiscoveryKeys needs no token (receivers fetch keys to verify
// webhooks) and ignores an Authorization header if one is sent.
func (h *Hooks) handleDiscoveryKeys(w http.ResponseWriter, r *http.Request, _ *api.Call) {
	h.Observe(r)
	doc, err := h.jwks()
	if err != nil {
		h.logf("%v", err)
		api.Err(http.StatusInternalServerError, "internal").Write(w)
		return
	}
	api.Reply{Status: http.StatusOK, Body: doc}.Write(w)
}
