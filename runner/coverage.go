package runner

import (
	"io/fs"
	"sort"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/features"
	"github.com/openbank-homolog/homolog/locale"
	"github.com/openbank-homolog/homolog/stone"
)

// targetTags are the tag terms a target imposes on every plan, whatever
// the user filters: production runs only the read-only smoke test, and
// nothing that drives the simulator's test controls runs against Stone.
func targetTags(target string) []string {
	switch target {
	case TargetProduction:
		return []string{"@read-only", "~@simulator-only"}
	case TargetSandbox:
		return []string{"~@simulator-only"}
	}
	return nil
}

// PartnerWebhooksTag marks the feature that tests the partner's own
// webhook receiver: part of the script only when webhooks.partner_url
// names one.
const PartnerWebhooksTag = "@webhooks-partner"

// scopeTerms are the tag terms that make a plan's script, whatever the
// user filters: what its target imposes, the families the application is
// not authorised for left out, and the partner-webhook feature left out
// when there is no partner receiver to test. The script's scenarios for a
// run are those these terms keep: what they leave out is not counted
// against the verdict, so a run of every authorised family is whole, not
// partial.
func scopeTerms(c Config) []string {
	tags := append(targetTags(c.Target), familyTerms(c)...)
	if c.Webhooks.PartnerURL == "" {
		tags = append(tags, "~"+PartnerWebhooksTag)
	}
	return tags
}

// planTags is the godog tag expression of a run: the user's filter
// narrowed by the plan's scope terms.
func planTags(user string, c Config) string {
	tags := user
	for _, term := range scopeTerms(c) {
		tags = requireTag(tags, term)
	}
	return tags
}

// coverage says what a run will cover, for its verdict: which families of
// actions were in scope, how many of the script's scenarios for this
// target and these families the filters kept, whether the script is
// homolog's own, and whether a Stone target's hosts are Stone's.
func coverage(c Config, sc script, p *plan, sel *selection, target evidence.Target) (*evidence.Coverage, error) {
	whole, err := countScenarios(sc, planTags("", c))
	if err != nil {
		return nil, err
	}
	cov := &evidence.Coverage{Target: c.Target, Scenarios: p.count, Of: whole}
	in, out := c.authorised()
	cov.Families, cov.NotAuthorised = append([]string{}, in...), out
	if c.Tags != "" {
		cov.Filters = append(cov.Filters, "tags "+c.Tags)
	}
	cov.Filters = append(cov.Filters, sel.filters()...)
	cov.Custom = evidence.CustomDiff(hashFeatures(sc), builtinFeatures(sc.lang))
	if doc, ok := documentedTarget(c.Target); ok {
		cov.OffTarget = evidence.OffTargetHosts(target, doc)
	}
	return cov, nil
}

// countScenarios is how many scenarios the script holds for tags, its
// files parsed one at a time.
func countScenarios(sc script, tags string) (int, error) {
	n := 0
	for _, path := range sc.paths {
		feats, err := suiteOf(sc, tags, []string{path}).RetrieveFeatures()
		if err != nil {
			return 0, parseErr(sc, err)
		}
		for _, f := range feats {
			n += len(f.Pickles)
		}
	}
	return n, nil
}

// documentedTarget is where stone-api.md §1.1 says a Stone target lives.
func documentedTarget(name string) (evidence.Target, bool) {
	var e stone.Endpoints
	switch name {
	case TargetSandbox:
		e = stone.SandboxEndpoints()
	case TargetProduction:
		e = stone.ProductionEndpoints()
	default:
		return evidence.Target{}, false
	}
	return evidence.Target{Name: name, AuthURL: e.AuthURL, APIURL: e.APIURL, SiteURL: e.SiteURL}, true
}

// DocumentedTarget is documentedTarget for verify, which judges a
// bundle's hosts with this homolog's knowledge of Stone's, not the run's.
func DocumentedTarget(name string) (evidence.Target, bool) { return documentedTarget(name) }

// builtinFeatures hashes the script built into this homolog in a
// language, in run order: the manifest keeps them, so a bundle tells
// anywhere whether its script was homolog's own.
func builtinFeatures(lang string) []evidence.HashedFile {
	fsys := features.Script(lang)
	names, _ := fs.Glob(fsys, "*.feature")
	sort.Strings(names)
	var out []evidence.HashedFile
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			continue
		}
		out = append(out, evidence.HashedFile{Path: n, SHA256: evidence.SHA256(data)})
	}
	return out
}

// builtinScripts hashes the built-in script in every language homolog
// speaks, for the manifest.
func builtinScripts() map[string][]evidence.HashedFile {
	out := map[string][]evidence.HashedFile{}
	for _, lang := range locale.Languages() {
		out[lang] = builtinFeatures(lang)
	}
	return out
}

// failFastCoverage narrows a run's coverage to what ran before --fail-fast
// stopped it.
func failFastCoverage(r *evidence.Report) {
	if r.Coverage == nil {
		return
	}
	r.Coverage.Scenarios = r.Summary.Scenarios.Total - r.Summary.Scenarios.NotRun
	r.Coverage.Filters = append(r.Coverage.Filters, "fail-fast")
}
