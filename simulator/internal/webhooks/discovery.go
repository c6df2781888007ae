package webhooks

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/go-jose/go-jose/v4"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
	"github.com/openbank-homolog/homolog/simulator/internal/keycloak"
)

// Why a JWE sent to Stone's "enc" key could not be read (top-up challenge
// solutions, account-opening requests). Their srn:error names are Stone's
// (stone-api.md §6: bad_jwe_token, unrecognized_key).
var (
	ErrBadJWE          = errors.New("not a compact JWE (RSA-OAEP-256 or RSA-OAEP, A256GCM) that Stone's enc key opens")
	ErrUnrecognizedKey = errors.New("the JWE names a kid that is not Stone's enc key")
)

// encKey is the private half of the key published with use "enc",
// generated once on first use (discovery keys or a decryption).
type encKey struct {
	key *rsa.PrivateKey
	kid string
}

func newEncKey() (encKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return encKey{}, fmt.Errorf("simulator: discovery keys: generate encryption key: %w", err)
	}
	return encKey{key: k, kid: keycloak.Thumbprint(&k.PublicKey)}, nil
}

// buildJWKS is Stone's GET /api/v1/discovery/keys: the key that signs
// webhooks (use "sig", RS256; it also signs the simulator's access tokens)
// and the key partners encrypt to (use "enc", RSA-OAEP-256), which opens
// top-up challenge solutions and account-opening requests (Decrypt). Only
// public parts are published. Called once (webhooks.jwks).
func (h *Hooks) buildJWKS() ([]byte, error) {
	enc, err := h.enc()
	if err != nil {
		return nil, err
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &h.key.PublicKey, KeyID: h.sigKid, Use: "sig", Algorithm: string(jose.RS256)},
		{Key: &enc.key.PublicKey, KeyID: enc.kid, Use: "enc", Algorithm: string(jose.RSA_OAEP_256)},
	}}
	b, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("simulator: discovery keys: %w", err)
	}
	return b, nil
}

// Decrypt opens a compact JWE encrypted to Stone's "enc" key. Stone's
// Python example uses RSA-OAEP-256 and its prose says RSA-OAEP
// (stone-api-families.md §3.6 [X]): both are accepted, with A256GCM. A kid,
// when the header carries one, must be the enc key's.
func (h *Hooks) Decrypt(compact string) ([]byte, error) {
	enc, err := h.enc()
	if err != nil {
		return nil, err
	}
	obj, err := jose.ParseEncrypted(compact, []jose.KeyAlgorithm{jose.RSA_OAEP_256, jose.RSA_OAEP}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadJWE, err)
	}
	if kid := obj.Header.KeyID; kid != "" && kid != enc.kid {
		return nil, fmt.Errorf("%w: %q", ErrUnrecognizedKey, kid)
	}
	out, err := obj.Decrypt(enc.key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadJWE, err)
	}
	return out, nil
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
