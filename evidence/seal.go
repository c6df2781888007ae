package evidence

import (
	"crypto/rsa"
	"errors"
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
	if err := WriteBundleFile(filepath.Join(dir, PublicKeyFile), pubPEM, 0o644); err != nil {
		return err
	}
	m.Schema = ManifestSchema
	if m.KeyID, err = KeyID(&key.PublicKey); err != nil {
		return err
	}
	// Every file is made durable as it is hashed: what the manifest pins
	// is on disk before the manifest is.
	if m.Files, err = hashDurable(dir); err != nil {
		return err
	}
	data, err := MarshalManifest(m)
	if err != nil {
		return err
	}
	if err := WriteBundleFile(filepath.Join(dir, ManifestFile), data, 0o644); err != nil {
		return err
	}
	sig, err := SignDetached(data, key)
	if err != nil {
		return err
	}
	if err := WriteBundleFile(filepath.Join(dir, SignatureFile), []byte(sig+"\n"), 0o644); err != nil {
		return fmt.Errorf("evidence: write signature: %w", err)
	}
	if err := syncPaths([]string{filepath.Join(dir, ManifestFile), filepath.Join(dir, SignatureFile)}, []string{dir}); err != nil {
		return fmt.Errorf("evidence: seal: %w", err)
	}
	return nil
}

// Close finishes a recording into a sealed bundle, the way every homolog
// bundle is finished: the run_end event, every report rendered from the
// journal, then manifest.json made from the final header and signed with
// key. describe (may be nil) adds what only the caller knows — the plan,
// the feature hashes — and may write files of its own into the bundle
// first: they are hashed after it returns. Every stage runs even when one
// before it failed, so a bundle is left whatever happened; the errors are
// joined. The returned report is the header: its features are in
// report.json.
func (r *Recorder) Close(o Outcome, key *rsa.PrivateKey, describe func(*Report, *Manifest) error) (*Report, error) {
	final, err := r.Finish(o)
	run := r.replay(final)
	err = errors.Join(err, WriteReports(r.dir, run, Renderers()))
	if findings, derr := run.Drift(); derr == nil {
		final.drift = findings
	}
	head, lines := r.JournalHead()
	m := &Manifest{
		RunID: final.RunID, Tool: final.Tool, Target: final.Target, ClientID: final.ClientID, Operator: final.Operator,
		Signoff: final.Signoff, StartedAt: final.StartedAt, FinishedAt: final.FinishedAt, ClockOffset: r.clockOffset(),
		Coverage: final.Coverage, Status: final.Status, Complete: final.Complete, IncompleteReason: final.IncompleteReason,
		ExitCode: final.ExitCode, Journal: JournalInfo{Lines: lines, Head: head},
	}
	if describe != nil {
		err = errors.Join(err, describe(final, m))
	}
	return final, errors.Join(err, Seal(r.dir, m, key))
}

// dateOffset is how far the server's clock was from ours by one response's
// Date header: server date − the local midpoint of the exchange. Date
// truncates to the second, so it is compared with the middle of that
// second.
func dateOffset(ex *Exchange) (int64, bool) {
	if ex.ServerDate == "" {
		return 0, false
	}
	server, err := http.ParseTime(ex.ServerDate)
	if err != nil {
		return 0, false
	}
	mid := ex.StartedAt.Add(ex.FinishedAt.Sub(ex.StartedAt) / 2)
	return server.Add(500 * time.Millisecond).Sub(mid).Milliseconds(), true
}

// clockOffset estimates how far the server's clock was from ours: the
// median of every response's dateOffset. Date has one-second resolution,
// so the estimate is good to about a second, which is what lining up logs
// needs.
func (r *Recorder) clockOffset() *ClockOffset {
	r.mu.Lock()
	offsets := slices.Clone(r.dateOffset)
	r.mu.Unlock()
	return medianOffset(offsets)
}

func medianOffset(offsets []int64) *ClockOffset {
	if len(offsets) == 0 {
		return nil
	}
	slices.Sort(offsets)
	return &ClockOffset{ServerMinusLocalMS: offsets[len(offsets)/2], Samples: len(offsets), Source: "HTTP Date response headers (1 s resolution)"}
}

// ClockOffsetOf estimates the server's clock offset from the exchanges of
// a report held in memory (see clockOffset).
func ClockOffsetOf(r *Report) *ClockOffset {
	var offsets []int64
	visit := func(x *Exchange) error {
		if off, ok := dateOffset(x); ok {
			offsets = append(offsets, off)
		}
		return nil
	}
	_ = r.EachSetup(visit)
	for _, sc := range r.Scenarios() {
		for _, st := range sc.Steps {
			for _, x := range st.Exchanges {
				_ = visit(x)
			}
		}
	}
	return medianOffset(offsets)
}
