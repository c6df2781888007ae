package stone

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// Challenges (stone-api-families.md §3.6): some calls (top-up executions)
// first answer 403 srn:error:challenge_required with a challenge; the same
// request sent again with x-stone-challenge-solution, a compact JWE of
// {"challenge_id": <id>, "<type>": <value>} encrypted to Stone's "enc" key
// from the discovery endpoint, is carried out.

// Challenge header and error type.
const (
	ChallengeSolutionHeader  = "x-stone-challenge-solution"
	ErrTypeChallengeRequired = "srn:error:challenge_required"
	ChallengePIN             = "pin"
	ChallengeLoginPassword   = "login_password"
	ChallengeTOTP            = "totp"
	ErrTypeWrongChallenge    = "srn:error:wrong_challenge_solution"
)

// Challenge is what Stone asks to be solved. ID is kept as sent (a number
// or a string) so the solution names it exactly.
type Challenge struct {
	ID            json.RawMessage `json:"id"`
	RequiredTypes []string        `json:"required_types"`
}

// Challenge returns the challenge of a challenge_required answer, nil for
// any other error. Both documented bodies are read: {"type", "challenge":
// {"id", "required_types"}} and the older one whose challenge also holds
// the type and details (before D-hist 0c31618c).
func (e *Error) Challenge() *Challenge {
	if e == nil || len(e.challenge) == 0 {
		return nil
	}
	var ch Challenge
	if json.Unmarshal(e.challenge, &ch) != nil || len(ch.ID) == 0 || isNull(ch.ID) {
		return nil
	}
	return &ch
}

// ChallengeFrom finds the challenge in err, if Stone asked for one.
func ChallengeFrom(err error) *Challenge {
	var e *Error
	if errors.As(err, &e) {
		return e.Challenge()
	}
	return nil
}

// SolveChallenge builds the x-stone-challenge-solution for ch: the values
// of its required types (values["pin"] for a PIN), encrypted as a compact
// JWE (RSA-OAEP-256, A256GCM, the key's kid, as Stone's Python example
// does) to the "enc" key of GET /discovery/keys. The values never leave
// the JWE: nothing here logs or returns them.
func (c *Client) SolveChallenge(ctx context.Context, ch *Challenge, values map[string]string) (string, error) {
	const op = "solve challenge"
	if ch == nil {
		return "", fmt.Errorf("stone: %s: no challenge", op)
	}
	plain := map[string]any{"challenge_id": ch.ID}
	for _, typ := range ch.RequiredTypes {
		v, ok := values[typ]
		if !ok || v == "" {
			return "", fmt.Errorf("stone: %s: Stone asks for %q and no value was given for it", op, typ)
		}
		plain[typ] = v
	}
	if len(ch.RequiredTypes) == 0 {
		return "", fmt.Errorf("stone: %s: the challenge names no required type", op)
	}
	return c.EncryptToStone(ctx, op, plain)
}

// EncryptToStone is v as JSON in a compact JWE to Stone's "enc" key
// (RSA-OAEP-256, A256GCM, kid): challenge solutions and account-opening
// requests.
func (c *Client) EncryptToStone(ctx context.Context, op string, v any) (string, error) {
	set, err := c.DiscoveryKeys(ctx)
	if err != nil {
		return "", fmt.Errorf("stone: %s: %w", op, err)
	}
	var key *JSONWebKey
	for i := range set.Keys {
		if strings.EqualFold(set.Keys[i].Use, "enc") {
			key = &set.Keys[i]
			break
		}
	}
	if key == nil {
		return "", fmt.Errorf("stone: %s: Stone's discovery keys hold no \"enc\" key", op)
	}
	pub, err := key.RSAPublicKey()
	if err != nil {
		return "", fmt.Errorf("stone: %s: %w", op, err)
	}
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: pub, KeyID: key.KeyID}, nil)
	if err != nil {
		return "", fmt.Errorf("stone: %s: encrypter: %w", op, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("stone: %s: encode: %w", op, err)
	}
	obj, err := enc.Encrypt(b)
	if err != nil {
		return "", fmt.Errorf("stone: %s: encrypt: %w", op, err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("stone: %s: serialize: %w", op, err)
	}
	return out, nil
}
