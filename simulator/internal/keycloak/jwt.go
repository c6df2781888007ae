package keycloak

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/openbank-homolog/homolog/simulator/internal/api"
)

// clockLeeway tolerates small clock skew between the partner and Stone on
// iat/nbf, as Keycloak does.
const clockLeeway = 60 * time.Second

// VerifyClientJWT verifies a JWT a partner signed with its registered key
// (client assertion or consent JWT) and returns its claims. Claims are checked
// by the callers, which know which ones apply and can name them in the error.
func VerifyClientJWT(raw string, key *rsa.PublicKey) (jwt.MapClaims, error) {
	alg, crit, err := jwtHeader(raw)
	if err != nil {
		return nil, err
	}
	// RFC 7515 §4.1.11: a recipient must refuse a JWS whose "crit" names
	// extensions it does not understand, and this server understands none.
	if crit != nil {
		return nil, fmt.Errorf(`header "crit" %s names extensions this server does not process (RFC 7515 §4.1.11): leave "crit" out`, crit)
	}
	// Only RS256: Stone documents nothing else, and accepting "none" or an
	// HMAC keyed with the public key are the classic JWT forgeries.
	if alg != "RS256" {
		return nil, fmt.Errorf("alg %q is not accepted, only RS256", alg)
	}
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		return nil, fmt.Errorf("signature does not verify with the public key registered for the client: %w", err)
	}
	return claims, nil
}

// jwtHeader reads the header before verification so the error can say which
// algorithm was refused rather than a generic signature failure; crit is the
// raw "crit" member, nil when absent.
func jwtHeader(raw string) (alg string, crit json.RawMessage, err error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", nil, errors.New("is not a compact JWT (header.payload.signature)")
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "="))
	if err != nil {
		return "", nil, errors.New("header is not base64url")
	}
	var h struct {
		Alg  string          `json:"alg"`
		Crit json.RawMessage `json:"crit"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return "", nil, errors.New("header is not a JSON object")
	}
	return h.Alg, h.Crit, nil
}

// ClaimString returns a string claim; present reports whether it exists at all.
func ClaimString(c jwt.MapClaims, name string) (v string, present bool, err error) {
	raw, ok := c[name]
	if !ok {
		return "", false, nil
	}
	v, isStr := raw.(string)
	if !isStr {
		return "", true, fmt.Errorf("claim %q must be a string", name)
	}
	return v, true, nil
}

// RequireEqual checks that claim name is present and equals want.
func RequireEqual(c jwt.MapClaims, name, want string) error {
	v, present, err := ClaimString(c, name)
	switch {
	case err != nil:
		return err
	case !present:
		return fmt.Errorf("claim %q is required", name)
	case v != want:
		return fmt.Errorf("claim %q is %q, must be %q", name, v, want)
	}
	return nil
}

// AudienceIn accepts aud as a string or an array holding one accepted value.
func AudienceIn(c jwt.MapClaims, accepted []string) error {
	if _, ok := c["aud"]; !ok {
		return errors.New(`claim "aud" is required`)
	}
	aud, err := c.GetAudience()
	if err != nil {
		return errors.New(`claim "aud" must be a string or an array of strings`)
	}
	for _, a := range aud {
		if slices.Contains(accepted, a) {
			return nil
		}
	}
	return fmt.Errorf(`claim "aud" %q must contain one of %q`, []string(aud), accepted)
}

// TimeWindow checks exp (required, future, at most maxAhead after base, where
// base is iat when fromIAT and iat is present, now otherwise) and nbf/iat
// (not in the future beyond the leeway), all against the simulator's clock.
func TimeWindow(c jwt.MapClaims, now time.Time, maxAhead time.Duration, fromIAT bool) error {
	exp, err := c.GetExpirationTime()
	if err != nil {
		return errors.New(`claim "exp" must be a number (seconds since epoch)`)
	}
	if exp == nil {
		return errors.New(`claim "exp" is required`)
	}
	if !exp.After(now) {
		return fmt.Errorf(`claim "exp" (%s) has passed (now %s)`, api.TS(exp.Time), api.TS(now))
	}
	for _, name := range []string{"nbf", "iat"} {
		d, err := numericClaim(c, name)
		if err != nil {
			return err
		}
		if d != nil && d.After(now.Add(clockLeeway)) {
			return fmt.Errorf("claim %q (%s) is in the future (now %s)", name, api.TS(d.Time), api.TS(now))
		}
	}
	base := now
	if fromIAT {
		if iat, _ := numericClaim(c, "iat"); iat != nil {
			base = iat.Time
		}
	}
	if exp.Sub(base) > maxAhead+clockLeeway {
		return fmt.Errorf(`claim "exp" (%s) is more than %s after %s`, api.TS(exp.Time), maxAhead, api.TS(base))
	}
	return nil
}

func numericClaim(c jwt.MapClaims, name string) (*jwt.NumericDate, error) {
	var d *jwt.NumericDate
	var err error
	switch name {
	case "nbf":
		d, err = c.GetNotBefore()
	case "iat":
		d, err = c.GetIssuedAt()
	default:
		d, err = c.GetExpirationTime()
	}
	if err != nil {
		return nil, fmt.Errorf("claim %q must be a number (seconds since epoch)", name)
	}
	return d, nil
}

// Thumbprint is the RFC 7638 JWK thumbprint of key, used as the kid of the
// simulator's access tokens (Stone's tokens carry a kid of the same shape).
func Thumbprint(key *rsa.PublicKey) string {
	e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())
	n := base64.RawURLEncoding.EncodeToString(key.N.Bytes())
	sum := sha256.Sum256([]byte(`{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
