package evidence

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"time"
)

// Seal finishes a bundle: it writes the partner's public key beside the
// evidence, hashes every file into the manifest, writes manifest.json and
// signs it into manifest.jws. It runs last; anything written after it
// makes verify fail, which is the point.
func Seal(dir string, m *Manifest, key *rsa.PrivateKey) error {
	pubPEM, err := EncodePublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(filepath.Join(dir, PublicKeyFile), pubPEM, 0o644); err != nil {
		return err
	}
	m.Schema = ManifestSchema
	if m.KeyID, err = KeyID(&key.PublicKey); err != nil {
		return err
	}
	if m.Files, err = HashBundle(dir); err != nil {
		return err
	}
	data, err := MarshalManifest(m)
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(filepath.Join(dir, ManifestFile), data, 0o644); err != nil {
		return err
	}
	sig, err := SignDetached(data, key)
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(filepath.Join(dir, SignatureFile), []byte(sig+"\n"), 0o644); err != nil {
		return fmt.Errorf("evidence: write signature: %w", err)
	}
	return nil
}

// ClockOffsetOf estimates how far the server's clock was from ours, from
// the Date header of every response: the median of (server date − the
// local midpoint of the exchange). Date has one-second resolution, so the
// estimate is good to about a second, which is what lining up logs needs.
func ClockOffsetOf(r *Report) *ClockOffset {
	var offsets []int64
	visit := func(exs []*Exchange) {
		for _, ex := range exs {
			if ex.ServerDate == "" {
				continue
			}
			server, err := http.ParseTime(ex.ServerDate)
			if err != nil {
				continue
			}
			mid := ex.StartedAt.Add(ex.FinishedAt.Sub(ex.StartedAt) / 2)
			// Date truncates to the second: compare with the middle of
			// that second.
			offsets = append(offsets, server.Add(500*time.Millisecond).Sub(mid).Milliseconds())
		}
	}
	visit(r.Setup)
	for _, sc := range r.Scenarios() {
		for _, st := range sc.Steps {
			visit(st.Exchanges)
		}
	}
	if len(offsets) == 0 {
		return nil
	}
	slices.Sort(offsets)
	return &ClockOffset{ServerMinusLocalMS: offsets[len(offsets)/2], Samples: len(offsets), Source: "HTTP Date response headers (1 s resolution)"}
}
