package stone

import (
	"fmt"
	"strings"
)

// idempotencyKey returns the x-stone-idempotency-key to send: the caller's
// key trimmed (as Stone's Go SDK does), or a fresh NewID() when empty. A key
// longer than 72 characters is rejected here rather than sent, because Stone
// would answer 431 and the operation would not be attempted anyway.
func (c *Client) idempotencyKey(op, key string) (string, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		key = c.newID()
	}
	if len(key) > MaxIdempotencyKeyLen {
		return "", fmt.Errorf("stone: %s: idempotency key is %d bytes, Stone allows at most %d", op, len(key), MaxIdempotencyKeyLen)
	}
	// net/http would refuse these too, but only after the body was built;
	// failing here names the cause.
	if strings.ContainsAny(key, "\r\n\x00") {
		return "", fmt.Errorf("stone: %s: idempotency key contains a control character", op)
	}
	return key, nil
}
