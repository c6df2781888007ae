package runner

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/openbank-homolog/homolog/evidence"
)

// describePlan completes a run's manifest with what only the runner
// knows: the effective plan, written into the bundle as plan.yaml, and
// the feature files the run read against homolog's built-in script.
func describePlan(dir string, c Config, sc script, red *evidence.Redactor) func(*evidence.Report, *evidence.Manifest) error {
	return func(_ *evidence.Report, m *evidence.Manifest) error {
		// The plan holds no secret by design, but its fixtures name people's
		// documents: those are masked like everything else in the bundle.
		if t := c.Fixtures.TEDTarget; t != nil {
			masked := *t
			masked.Document = evidence.MaskDocument(masked.Document)
			c.Fixtures.TEDTarget = &masked
		}
		// The families the run covered, by name: absent from the plan means
		// every family, and the recorded plan says which those were.
		c.Authorisations, _ = c.authorised()
		if c.Authorisations == nil {
			c.Authorisations = []string{}
		}
		plan, err := yaml.Marshal(c)
		if err != nil {
			return err
		}
		header := "# The effective plan of this run: scenarios.yaml after HOMOLOG_* variables and flags.\n"
		if err := evidence.WriteBundleFile(filepath.Join(dir, evidence.PlanFile), []byte(header+red.String(string(plan))), 0o644); err != nil {
			return err
		}
		m.Features, m.BuiltinFeatures = hashFeatures(sc), builtinFeatures(sc.lang)
		m.Lang, m.BuiltinScripts = sc.lang, builtinScripts()
		m.FeaturesSource, m.FeaturesCommit = sc.source, featuresCommit(sc)
		m.Plan = evidence.PlanInfo{Source: c.Source, SourceSHA256: c.SourceSHA256}
		return nil
	}
}

// hashFeatures hashes the feature files as they were read for the run.
func hashFeatures(sc script) []evidence.HashedFile {
	var out []evidence.HashedFile
	for _, p := range sc.paths {
		out = append(out, evidence.HashedFile{Path: p, SHA256: sc.hashes[p]})
	}
	return out
}

// featuresCommit is the git commit of a features folder on disk, with
// "+dirty" when it has uncommitted changes; "" when unknown (no git, not a
// repository, or the built-in script, whose commit is the tool's).
func featuresCommit(sc script) string {
	if sc.source == "built-in" {
		// The script is embedded: its commit is the binary's, when the
		// go command stamped one (go build in a git checkout does).
		return buildCommit()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "-C", sc.source, "rev-parse", "HEAD").Output()
	if err != nil {
		return ""
	}
	commit := strings.TrimSpace(string(out))
	status, err := exec.CommandContext(ctx, "git", "-C", sc.source, "status", "--porcelain", "--", ".").Output()
	if err == nil && len(strings.TrimSpace(string(status))) > 0 {
		commit += "+dirty"
	}
	return commit
}

func buildCommit() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.modified":
			if kv.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}
