package evidence

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/openbank-homolog/homolog/locale"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerdictWords(t *testing.T) {
	sandbox := Target{Name: "sandbox", AuthURL: "https://sandbox-accounts.openbank.stone.com.br", APIURL: "https://sandbox-api.openbank.stone.com.br", SiteURL: "https://sandbox.conta.stone.com.br"}
	local := Target{Name: "sandbox", AuthURL: "http://127.0.0.1:8080", APIURL: "http://127.0.0.1:8080", SiteURL: "http://127.0.0.1:8080"}
	builtin := []HashedFile{{"01-a.feature", "h1"}, {"02-b.feature", "h2"}, {"03-c.feature", "h3"}}
	tests := []struct {
		name  string
		scope *Coverage
		want  string
	}{
		{"whole built-in script", &Coverage{Target: "sandbox", Scenarios: 32, Of: 32}, "PASSED"},
		{"no scope known", nil, "PASSED"},
		{"tags", &Coverage{Target: "sandbox", Scenarios: 2, Of: 32, Filters: []string{"tags @stage-1"}}, "PASSED — partial: 2 of 32 scenarios (tags @stage-1)"},
		{"a filter that keeps everything", &Coverage{Target: "sandbox", Scenarios: 32, Of: 32, Filters: []string{"tags @stage-1,@stage-2,@stage-3,@stage-4,@stage-5"}}, "PASSED"},
		{"custom", &Coverage{Target: "sandbox", Scenarios: 3, Of: 3, Custom: CustomDiff([]HashedFile{{"01-a.feature", "x"}, {"02-b.feature", "h2"}, {"04-d.feature", "h4"}}, builtin)}, "PASSED — custom script: 3 feature files differ from homolog's built-in script"},
		{"reordered", &Coverage{Target: "sandbox", Scenarios: 3, Of: 3, Custom: CustomDiff([]HashedFile{builtin[1], builtin[0], builtin[2]}, builtin)}, "PASSED — custom script: the feature files run in another order than homolog's built-in script"},
		{"not Stone's hosts", &Coverage{Target: "sandbox", Scenarios: 32, Of: 32, OffTarget: OffTargetHosts(local, sandbox)}, "PASSED — not Stone's hosts: sandbox target at http://127.0.0.1:8080"},
		{"another subject", &Coverage{Target: "partner-receiver", Scenarios: 3, Of: 60, Filters: []string{"events order_paid,order_closed,order_created"}, Subject: "the partner's webhook receiver only, not the homologation script"},
			"PASSED — the partner's webhook receiver only, not the homologation script; partial: 3 of 60 scenarios (events order_paid,order_closed,order_created)"},
		{"all three", &Coverage{Target: "sandbox", Scenarios: 1, Of: 3, Filters: []string{"tags @x"}, Custom: []string{"01-a.feature changed"}, OffTarget: []string{"example.com"}},
			"PASSED — partial: 1 of 3 scenarios (tags @x); custom script: 1 feature file differs from homolog's built-in script; not Stone's hosts: sandbox target at example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Verdict("PASSED", tt.scope))
		})
	}
	assert.Empty(t, OffTargetHosts(sandbox, sandbox))
	assert.Empty(t, CustomDiff(builtin, builtin))
	assert.Equal(t, []string{"03-c.feature missing"}, CustomDiff(builtin[:2], builtin), "a deleted feature file is custom")
	http := sandbox
	http.APIURL = "http://sandbox-api.openbank.stone.com.br"
	assert.Equal(t, []string{"http://sandbox-api.openbank.stone.com.br"}, OffTargetHosts(http, sandbox), "Stone's host over plain http is not Stone")
}

// TestVerifyRecomputesTheScope: a manifest re-signed to hide that its
// script was edited, or that its sandbox was a local host, does not
// verify: verify recomputes the scope from the manifest's own hashes and
// hosts.
func TestVerifyRecomputesTheScope(t *testing.T) {
	key := testKey(t)
	sandbox := Target{Name: "sandbox", AuthURL: "https://sandbox-accounts.openbank.stone.com.br", APIURL: "https://sandbox-api.openbank.stone.com.br", SiteURL: "https://sandbox.conta.stone.com.br"}
	documented := func(name string) (Target, bool) { return sandbox, name == "sandbox" }
	builtin := []HashedFile{{"01-a.feature", "h1"}}
	tests := []struct {
		name     string
		manifest Manifest
		ok       bool
		verdict  string
	}{
		{"honest", Manifest{Target: sandbox, Features: builtin, BuiltinFeatures: builtin, Coverage: &Coverage{Target: "sandbox", Scenarios: 3, Of: 3}}, true, "PASSED"},
		{"hides an edited script", Manifest{Target: sandbox, Features: []HashedFile{{"01-a.feature", "edited"}}, BuiltinFeatures: builtin,
			Coverage: &Coverage{Target: "sandbox", Scenarios: 3, Of: 3}}, false, "PASSED — custom script: 1 feature file differs from homolog's built-in script"},
		{"hides a local host", Manifest{Target: Target{Name: "sandbox", AuthURL: "http://127.0.0.1:9", APIURL: "http://127.0.0.1:9", SiteURL: "http://127.0.0.1:9"},
			Features: builtin, BuiltinFeatures: builtin, Coverage: &Coverage{Target: "sandbox", Scenarios: 3, Of: 3}}, false, "PASSED — not Stone's hosts: sandbox target at http://127.0.0.1:9"},
		{"says it honestly", Manifest{Target: Target{Name: "sandbox", AuthURL: "http://127.0.0.1:9", APIURL: "http://127.0.0.1:9", SiteURL: "http://127.0.0.1:9"},
			Features: builtin, BuiltinFeatures: builtin, Coverage: &Coverage{Target: "sandbox", Scenarios: 3, Of: 3, OffTarget: []string{"http://127.0.0.1:9"}}}, true, "PASSED — not Stone's hosts: sandbox target at http://127.0.0.1:9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := makeBundle(t, key)
			m := tt.manifest
			v0, err := Verify(dir, &key.PublicKey)
			require.NoError(t, err)
			m.RunID, m.Status, m.Complete, m.Journal = "run1", "passed", true, v0.Manifest.Journal
			require.NoError(t, os.Remove(filepath.Join(dir, ManifestFile)))
			require.NoError(t, os.Remove(filepath.Join(dir, SignatureFile)))
			require.NoError(t, Seal(dir, &m, key))
			v, err := VerifyWith(dir, VerifyOptions{PublicKey: &key.PublicKey, Documented: documented})
			require.NoError(t, err)
			assert.Equal(t, tt.ok, v.OK(), "%v", failed(v))
			assert.Equal(t, tt.verdict, v.Verdict)
		})
	}
}

func TestFamiliesWords(t *testing.T) {
	tests := []struct {
		name  string
		scope *Coverage
		want  string
	}{
		{"no coverage", nil, ""},
		{"a bundle from before families", &Coverage{Target: "sandbox"}, ""},
		{"some", &Coverage{Families: []string{"internal_transfers", "pix"}, NotAuthorised: []string{"payments"}}, "internal_transfers, pix (not authorised: payments)"},
		{"every", &Coverage{Families: []string{"pix"}}, "pix"},
		{"none", &Coverage{Families: []string{}, NotAuthorised: []string{"pix"}}, "none (authentication, account reads and consent only) (not authorised: pix)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.scope.FamiliesWords())
		})
	}
	// Families left out never make the verdict partial.
	assert.Equal(t, "PASSED", Verdict("PASSED", &Coverage{Target: "sandbox", Scenarios: 9, Of: 9, Families: []string{"pix"}, NotAuthorised: []string{"payments"}}))
}

// TestScopeWordsInPortuguese: a partial run's filters are named in the
// run's language, what the user typed kept as typed; the bundle's own
// words stay English.
func TestScopeWordsInPortuguese(t *testing.T) {
	pt := locale.For(locale.Portuguese)
	cov := &Coverage{Target: "simulator", Scenarios: 1, Of: 56, Filters: []string{"lines features/pt/05-ted.feature:14", "name TED", "tags @pix", "fail-fast"}}
	assert.Equal(t, "parcial: 1 de 56 cenários (linhas features/pt/05-ted.feature:14, nome TED, tags @pix, fail-fast)", cov.WordsIn(pt))
	assert.Equal(t, "partial: 1 of 56 scenarios (lines features/pt/05-ted.feature:14, name TED, tags @pix, fail-fast)", cov.Words())
	cov.Filters = []string{"events order_paid"} // a word the catalogue does not know stays
	assert.Equal(t, "parcial: 1 de 56 cenários (events order_paid)", cov.WordsIn(pt))
}
