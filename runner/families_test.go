package runner

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/features"
	"github.com/openbank-homolog/homolog/steps"
)

func TestParseAuthorisations(t *testing.T) {
	cfg, err := ParseConfig("scenarios.yaml", []byte("authorisations: [pix, internal_transfers]\n"))
	require.NoError(t, err)
	in, out := cfg.authorised()
	assert.Equal(t, []string{"internal_transfers", "pix"}, in, "in the table's order, whatever the plan's")
	assert.Contains(t, out, "external_transfers")
	assert.Equal(t, []string{"~@ted", "~@payments", "~@boleto-issuance", "~@payment-links", "~@receipts", "~@topups", "~@signups", "~@contacts", "~@salary-portability", "~@payroll", "~@kyc"}, familyTerms(cfg))

	none, err := ParseConfig("scenarios.yaml", []byte("authorisations: []\n"))
	require.NoError(t, err)
	in, _ = none.authorised()
	assert.Empty(t, in, "an empty list authorises no family: stages 1–3 only")
	assert.Len(t, familyTerms(none), len(families()))

	// The example scenarios.yaml documents is a valid plan.
	repo, err := os.ReadFile("../scenarios.yaml")
	require.NoError(t, err)
	var example string
	for _, line := range strings.Split(string(repo), "\n") {
		if strings.HasPrefix(line, "# authorisations: [") {
			example = strings.TrimPrefix(line, "# ")
		}
	}
	require.NotEmpty(t, example, "scenarios.yaml documents the key with an example")
	_, err = ParseConfig("scenarios.yaml", []byte(example))
	require.NoError(t, err, example)

	all, err := ParseConfig("scenarios.yaml", nil)
	require.NoError(t, err)
	in, out = all.authorised()
	assert.Equal(t, familyNames(), in, "without the key, every family")
	assert.Empty(t, out)
	assert.Empty(t, familyTerms(all))
}

func TestAuthorisationErrors(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"authorisations: [pix, boletos]", `plan.yaml: authorisations[1]: unknown family "boletos" (accepted: internal_transfers, external_transfers, pix, payments, boleto_issuance, payment_links, receipts, topups, signups, contacts, salary_portability, payroll, kyc)`},
		{"authorisations: [pix, pix]", `plan.yaml: authorisations[1]: "pix" is listed twice`},
		{"authorisations: [ted]", `authorisations[0]: unknown family "ted"`},
		{"authorisations: pix", "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.yaml, func(t *testing.T) {
			_, err := ParseConfig("plan.yaml", []byte(tt.yaml))
			var ce *ConfigError
			require.True(t, errors.As(err, &ce), "%v", err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}

	cfg := Defaults()
	env := map[string]string{"HOMOLOG_AUTHORISATIONS": "pix, topup"}
	err := cfg.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.Error(t, err)
	assert.Contains(t, err.Error(), `environment: HOMOLOG_AUTHORISATIONS: unknown family "topup" (accepted: `)

	env["HOMOLOG_AUTHORISATIONS"] = "pix, payments"
	require.NoError(t, cfg.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }))
	assert.Equal(t, []string{"pix", "payments"}, cfg.Authorisations)
	env["HOMOLOG_AUTHORISATIONS"] = "none"
	require.NoError(t, cfg.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }))
	assert.Equal(t, []string{}, cfg.Authorisations)
}

// TestEveryScenarioHasItsFamily: each scenario of the built-in script
// beyond authentication, account reads and consent carries exactly one
// family tag of the table, so an authorisation selects it; the consent's
// webhook and the partner-webhook feature, which belong to no family, are
// the exceptions.
func TestEveryScenarioHasItsFamily(t *testing.T) {
	sc, err := loadScript(Defaults(), func(string) fs.FS { return features.FS })
	require.NoError(t, err)
	p, err := parsePlan(sc, "", steps.Definitions(), nil)
	require.NoError(t, err)
	familyOf := map[string]string{}
	for _, f := range families() {
		familyOf[f.tag] = f.name
	}
	always := []string{"@stage-1", "@stage-2", "@stage-3"}
	var planned []*evidence.Scenario
	for _, f := range planFeatures(t, p) {
		planned = append(planned, f.Scenarios...)
	}
	require.NotEmpty(t, planned)
	for _, sc := range planned {
		var fams []string
		stage := false
		for _, tag := range sc.Tags {
			if n, ok := familyOf[tag]; ok {
				fams = append(fams, n)
			}
			stage = stage || slices.Contains(always, tag)
		}
		switch {
		case stage:
			assert.Empty(t, fams, "%q is in a stage that always runs: it must carry no family tag", sc.Name)
		case sc.Name == "A consent is notified":
			assert.Empty(t, fams, "the consent's webhook runs like consent itself")
		case slices.Contains(sc.Tags, PartnerWebhooksTag):
			// It delivers the event types of whichever families ran: it
			// belongs to none, and webhooks.partner_url decides it.
			assert.Empty(t, fams, "%q tests the partner's receiver for every family that ran: it must carry no family tag", sc.Name)
		default:
			assert.Len(t, fams, 1, "%q (tags %v) must carry exactly one family tag of runner/families.go", sc.Name, sc.Tags)
		}
	}
}

// TestAuthorisationsSelectFamilies runs a plan authorised for PIX alone:
// the script's scenarios of the other families do not run and are not
// counted, so the verdict is a bare PASSED, and every output says which
// families were in scope.
func TestAuthorisationsSelectFamilies(t *testing.T) {
	cfg := Defaults()
	cfg.Authorisations = []string{"pix"}
	res, out := runPlan(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, out)

	var names, tags []string
	for _, sc := range reportOf(t, res).Scenarios() {
		names = append(names, sc.Name)
		tags = append(tags, sc.Tags...)
		assert.Equal(t, evidence.StatusPassed, sc.Status, sc.Name)
	}
	assert.Contains(t, names, "Pay a PIX key in two steps")
	assert.Contains(t, names, "Obtain an access token with a signed client assertion")
	assert.Contains(t, names, "The owner approves the consent request")
	assert.Contains(t, names, "A consent is notified")
	for _, left := range []string{"@ted", "@payments", "@boleto-issuance", "@internal-transfers"} {
		assert.NotContains(t, tags, left, "a family the plan is not authorised for does not run")
	}
	var features []string
	for _, f := range reportOf(t, res).Features {
		features = append(features, f.URI)
	}
	assert.True(t, slices.IsSorted(features), "script order: %v", features)

	cov := res.Report.Coverage
	require.NotNil(t, cov)
	assert.Equal(t, cov.Of, cov.Scenarios, "the script's scenarios for this plan are those of its authorised families")
	assert.Equal(t, []string{"pix"}, cov.Families)
	assert.Contains(t, cov.NotAuthorised, "external_transfers")
	assert.Equal(t, "PASSED", evidence.RunVerdict(res.Report), "a family left out is neither a failure nor partial")

	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(res.Bundle, name))
		require.NoError(t, err)
		return string(data)
	}
	assert.Contains(t, read("summary.md"), "# Homologation PASSED\n")
	assert.Contains(t, read("summary.md"), `- Authorised families in scope: pix (not authorised: internal\_transfers, external\_transfers,`)
	assert.Contains(t, read("report.html"), "<dt>Authorised families</dt><dd>pix (not authorised: internal_transfers, external_transfers,")
	assert.Contains(t, read("junit.xml"), `<property name="homolog.families" value="pix"></property>`)
	assert.Contains(t, read("plan.yaml"), "authorisations:\n    - pix\n")

	v, err := evidence.VerifyWith(res.Bundle, evidence.VerifyOptions{Documented: DocumentedTarget})
	require.NoError(t, err)
	require.True(t, v.OK())
	assert.Equal(t, "PASSED", v.Verdict)
	var detail string
	for _, c := range v.Checks {
		if c.Name == "coverage" {
			detail = c.Detail
		}
	}
	assert.Contains(t, detail, "of the authorised families pix (not authorised:")

	// Narrowing further with tags is still partial: the plan's own script
	// is what the verdict is measured against.
	cfg.Tags = "@stage-1"
	res, out = runPlan(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, out)
	assert.True(t, strings.HasPrefix(evidence.RunVerdict(res.Report), "PASSED — partial: "), evidence.RunVerdict(res.Report))
}

// TestNoAuthorisationRunsStagesOneToThree: a read-only application,
// authorised for no family, runs authentication, account reads and
// consent (and the consent's webhook), and passes whole.
func TestNoAuthorisationRunsStagesOneToThree(t *testing.T) {
	cfg := Defaults()
	cfg.Authorisations = []string{}
	res, out := runPlan(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, out)
	for _, sc := range reportOf(t, res).Scenarios() {
		ok := sc.Name == "A consent is notified"
		for _, tag := range sc.Tags {
			ok = ok || tag == "@stage-1" || tag == "@stage-2" || tag == "@stage-3"
		}
		assert.True(t, ok, "%q ran without a family authorised", sc.Name)
	}
	assert.Equal(t, "PASSED", evidence.RunVerdict(res.Report))
	assert.Equal(t, []string{}, res.Report.Coverage.Families)
	data, err := os.ReadFile(filepath.Join(res.Bundle, "summary.md"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "- Authorised families in scope: none (authentication, account reads and consent only) (not authorised: internal\\_transfers,")
}
