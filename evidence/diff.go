package evidence

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Change is one difference between two runs.
type Change struct {
	What   string `json:"what"` // "scenario", "feature", "target", "status"
	Name   string `json:"name"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Diff compares two bundles by their report.json and manifest.json: what a
// reviewer asks when a run is repeated ("what changed since the last
// one?"). It reads the files as they are; verify them first.
func Diff(a, b string) ([]Change, error) {
	ra, ma, err := readRun(a)
	if err != nil {
		return nil, err
	}
	rb, mb, err := readRun(b)
	if err != nil {
		return nil, err
	}
	var out []Change
	add := func(what, name, before, after string) {
		if before != after {
			out = append(out, Change{What: what, Name: name, Before: before, After: after})
		}
	}
	add("verdict", "run", RunVerdict(ra), RunVerdict(rb))
	add("status", "run", runStatus(ra), runStatus(rb))
	if isSimulator(ra) && isSimulator(rb) {
		// Every simulator run has its own port and, unless the plan names
		// one, its own throwaway client id: two identical runs are the same.
		add("target", "target", ra.Target.Name, rb.Target.Name)
	} else {
		add("target", "target", ra.Target.Name+" "+ra.Target.APIURL, rb.Target.Name+" "+rb.Target.APIURL)
		add("target", "client", ra.ClientID, rb.ClientID)
	}

	fa, fb := featureHashes(ma), featureHashes(mb)
	for _, name := range unionKeys(fa, fb) {
		add("feature", name, orAbsent(fa[name]), orAbsent(fb[name]))
	}
	sa, sb := scenarioStatuses(ra), scenarioStatuses(rb)
	for _, name := range unionKeys(sa, sb) {
		add("scenario", name, orAbsent(sa[name]), orAbsent(sb[name]))
	}
	return out, nil
}

// BundleVerdict is a bundle's verdict with its scope, from its report.
func BundleVerdict(dir string) (string, error) {
	r, _, err := readRun(dir)
	if err != nil {
		return "", err
	}
	return RunVerdict(r), nil
}

func readRun(dir string) (*Report, *Manifest, error) {
	var r Report
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, ErrNotBundle)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, nil, fmt.Errorf("%s: report.json: %w", dir, err)
	}
	var m Manifest
	if data, err := os.ReadFile(filepath.Join(dir, ManifestFile)); err == nil {
		_ = json.Unmarshal(data, &m) // an unsealed bundle still diffs by its report
	}
	return &r, &m, nil
}

func runStatus(r *Report) string {
	if !r.Complete {
		return r.Status + " (incomplete)"
	}
	return r.Status
}

func featureHashes(m *Manifest) map[string]string {
	out := map[string]string{}
	for _, f := range m.Features {
		out[f.Path] = "sha256 " + short(f.SHA256)
	}
	return out
}

// scenarioStatuses keys scenarios by feature and name, which survive
// edits elsewhere in a file (lines and pickle ids do not).
func scenarioStatuses(r *Report) map[string]string {
	out := map[string]string{}
	for _, f := range r.Features {
		for _, sc := range f.Scenarios {
			out[f.Name+" / "+sc.Name] = sc.Status
		}
	}
	return out
}

func unionKeys(a, b map[string]string) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}
