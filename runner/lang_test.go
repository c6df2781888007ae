package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/features"
	"github.com/openbank-homolog/homolog/locale"
	"github.com/openbank-homolog/homolog/steps"
)

// TestScriptPortuguese runs the whole Portuguese script, as `homolog run
// --lang pt-BR` does, against a fresh simulator: every scenario passes,
// the run speaks Portuguese, and the script counts as homolog's own.
func TestScriptPortuguese(t *testing.T) {
	cfg := Defaults()
	cfg.Lang = locale.Portuguese
	cfg.Concurrency = 4
	res, out := runPlan(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, out)

	rep := reportOf(t, res)
	var names []string
	for _, f := range rep.Features {
		names = append(names, f.Name)
		for _, sc := range f.Scenarios {
			assert.Equal(t, evidence.StatusPassed, sc.Status, "%s: %s", sc.Name, sc.Error)
		}
	}
	assert.Equal(t, []string{"Autenticar", "Ler a conta", "Pedir o consentimento do titular da conta", "Transacionar", "TED para outros bancos", "PIX", "Pagar boletos", "Emitir boletos", "Webhooks",
		"Links de pagamento", "Comprovantes", "Recargas", "Abertura de conta", "Contatos", "Portabilidade de salário", "Folha de pagamento", "KYC do usuário de uma conta nova"}, names)
	assert.Equal(t, locale.Portuguese, rep.Lang)
	assert.Empty(t, rep.Coverage.Custom, "the built-in Portuguese script is homolog's own, not custom")
	assert.Contains(t, out, "cenários contra simulator")
	assert.Contains(t, out, "  ok         Autenticar › Obter um token de acesso com uma asserção de cliente assinada\n")
	assert.Contains(t, out, "\nHomologação APROVADA\n", "the verdict line, bare: the whole built-in script on the simulator")
	assert.NotContains(t, out, "Homologation")

	summary, err := os.ReadFile(filepath.Join(res.Bundle, "summary.md"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(summary), "# Homologação APROVADA\n"), "%.80s", summary)
	n := builtinScenarios(t, locale.Portuguese)
	assert.Equal(t, builtinScenarios(t, locale.English), n, "both scripts plan the same scenarios")
	assert.Contains(t, string(summary), fmt.Sprintf("| Cenários | %d | %d |", n, n))
	junit, err := os.ReadFile(filepath.Join(res.Bundle, "junit.xml"))
	require.NoError(t, err)
	assert.Contains(t, string(junit), `<property name="homolog.verdict" value="APROVADA">`)

	var m evidence.Manifest
	data, err := os.ReadFile(filepath.Join(res.Bundle, evidence.ManifestFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &m))
	assert.Equal(t, locale.Portuguese, m.Lang)
	assert.Equal(t, m.BuiltinScripts[locale.Portuguese], m.BuiltinFeatures, "the run compares with the Portuguese script")
	assert.Equal(t, m.Features, m.BuiltinFeatures)
	assert.Len(t, m.BuiltinScripts[locale.English], 18)
	assert.Len(t, m.BuiltinScripts[locale.Portuguese], 18)

	v, err := evidence.Verify(res.Bundle, nil)
	require.NoError(t, err)
	assert.True(t, v.OK(), "%+v", v.Checks)
	assert.Equal(t, "PASSED", v.Verdict, "verify states the scope in English, from the manifest's own hashes")
}

// TestScriptsAgree: the Portuguese script is the English one, scenario for
// scenario: the same files in the same order, the same tags, and the same
// steps in the same order — each Portuguese step resolves to the same
// definition, with the same arguments (a choice of words as the English
// word it stands for), under the same kind of keyword.
func TestScriptsAgree(t *testing.T) {
	assert.Empty(t, scriptDifferences(t, features.Script(locale.English), features.Script(locale.Portuguese)))

	// The comparison sees a difference: a Portuguese file with one amount
	// changed, and one with a step left out.
	pt := fstest.MapFS{}
	names, err := fs.Glob(features.Script(locale.Portuguese), "*.feature")
	require.NoError(t, err)
	for _, n := range names {
		data, err := fs.ReadFile(features.Script(locale.Portuguese), n)
		require.NoError(t, err)
		text := strings.Replace(string(data), "transfere 1500 centavos", "transfere 1501 centavos", 1)
		text = strings.Replace(text, "    E a transferência aparece entre as operações que aguardam a aprovação do titular\n", "", 1)
		pt[n] = &fstest.MapFile{Data: []byte(text)}
	}
	diffs := scriptDifferences(t, features.Script(locale.English), pt)
	require.Len(t, diffs, 2, "%q", diffs)
	assert.Contains(t, diffs[0], `04-transacionar.feature:15: "a aplicação transfere 1501 centavos da sua própria conta para outra conta Stone" is not "the application transfers 1500 centavos from its own account to another Stone account"`)
	assert.Contains(t, diffs[1], `"Transferência interna da conta consentida aguarda o titular" has 7 steps; "Internal transfer from the consented account waits for the owner" has 8`)
}

// scriptDifferences compares two scripts as the runner parses them.
func scriptDifferences(t *testing.T, en, pt fs.FS) []string {
	t.Helper()
	parse := func(fsys fs.FS) []*evidence.Feature {
		names, err := fs.Glob(fsys, "*.feature")
		require.NoError(t, err)
		p, err := parsePlan(script{fsys: fsys, paths: names, source: "built-in"}, "", steps.Definitions(), nil)
		require.NoError(t, err)
		var fs []*evidence.Feature
		require.NoError(t, p.source(func(f *evidence.Feature) error { fs = append(fs, f); return nil }))
		return fs
	}
	a, b := parse(en), parse(pt)
	var out []string
	if len(a) != len(b) {
		return []string{fmt.Sprintf("%d features in English, %d in Portuguese", len(a), len(b))}
	}
	keyword := func(k string) string {
		return map[string]string{"Given ": "given", "Dado ": "given", "When ": "when", "Quando ": "when", "Then ": "then", "Então ": "then", "And ": "and", "E ": "and", "But ": "but", "Mas ": "but"}[k]
	}
	for i, fe := range a {
		fp := b[i]
		if !slices.Equal(fe.Tags, fp.Tags) || len(fe.Scenarios) != len(fp.Scenarios) {
			out = append(out, fmt.Sprintf("%s and %s: tags %v and %v, %d and %d scenarios", fe.URI, fp.URI, fe.Tags, fp.Tags, len(fe.Scenarios), len(fp.Scenarios)))
			continue
		}
		for j, se := range fe.Scenarios {
			sp := fp.Scenarios[j]
			if !slices.Equal(se.Tags, sp.Tags) {
				out = append(out, fmt.Sprintf("%s:%d: %q has tags %v; %q has %v", fp.URI, sp.Line, sp.Name, sp.Tags, se.Name, se.Tags))
			}
			if len(se.Steps) != len(sp.Steps) {
				out = append(out, fmt.Sprintf("%s:%d: %q has %d steps; %q has %d", fp.URI, sp.Line, sp.Name, len(sp.Steps), se.Name, len(se.Steps)))
				continue
			}
			for k, ste := range se.Steps {
				stp := sp.Steps[k]
				de, ae, _ := steps.Resolve(ste.Text)
				dp, ap, _ := steps.Resolve(stp.Text)
				if de.Step != dp.Step || !slices.Equal(ae, ap) || keyword(ste.Keyword) != keyword(stp.Keyword) {
					out = append(out, fmt.Sprintf("%s:%d: %q is not %q", fp.URI, stp.Line, stp.Text, ste.Text))
				}
			}
		}
	}
	return out
}

// TestScriptLanguageIsCoverage: the script is compared with the built-in
// one of the run's language; the English files run in Portuguese are a
// custom script, and the other way round.
func TestScriptLanguageIsCoverage(t *testing.T) {
	for _, tt := range []struct {
		lang, dir string
		custom    bool
	}{
		{locale.English, "", false},
		{locale.Portuguese, "", false},
		{locale.Portuguese, "../features", true},
		{locale.English, "../features/pt", true},
		{locale.Portuguese, "../features/pt", false},
	} {
		t.Run(tt.lang+" "+tt.dir, func(t *testing.T) {
			c := Defaults()
			c.Lang, c.Features.Dir = tt.lang, tt.dir
			sc, err := loadScript(c, os.DirFS)
			require.NoError(t, err)
			p, err := parsePlan(sc, planTags("", c), steps.Definitions(), nil)
			require.NoError(t, err)
			cov, err := coverage(c, sc, p, nil, evidence.Target{Name: TargetSimulator})
			require.NoError(t, err)
			assert.Equal(t, tt.custom, len(cov.Custom) > 0, "%v", cov.Custom)
		})
	}
}

// genericFeature is a feature written only with the generic steps, in a
// language, with where it comes from.
func genericFeature(t *testing.T, lang string) (dir, file string) {
	t.Helper()
	src := map[string]string{locale.English: "testdata/generic/en/our-checks.feature", locale.Portuguese: "testdata/generic/pt/nossas-verificacoes.feature"}[lang]
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	dir = t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(src)), data, 0o644))
	return dir, filepath.Join(dir, filepath.Base(src))
}

// TestGenericSteps: a feature file written only with the generic steps
// passes against the simulator, in either language, as a team's own
// script (features.dir) or after the built-in one (features.extra); the
// verdict says custom. The same file with one wrong expectation fails,
// naming the step, and the failing check is in the journal.
func TestGenericSteps(t *testing.T) {
	for _, tt := range []struct {
		name, lang  string
		extra       bool
		right, bad  string
		failingStep string
	}{
		{"English, features.dir", locale.English, false, `And the response field "amount" is 250`, `And the response field "amount" is 251`, `the response field "amount" is 251`},
		{"Portuguese, features.extra", locale.Portuguese, true, `E o campo "amount" da resposta é 250`, `E o campo "amount" da resposta é 251`, `o campo "amount" da resposta é 251`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, file := genericFeature(t, tt.lang)
			cfg := Defaults()
			cfg.Lang = tt.lang
			if tt.extra {
				cfg.Features.Extra = dir
				cfg.Tags = "@generic" // the built-in script passes on its own (TestScript*)
			} else {
				cfg.Features.Dir = dir
			}
			res, out := runPlan(t, cfg)
			require.Equal(t, ExitPassed, res.ExitCode, out)
			assert.Len(t, reportOf(t, res).Scenarios(), 5)
			assert.NotEmpty(t, res.Report.Coverage.Custom, "a team's own feature makes the script custom")
			builtin, err := fs.Glob(features.Script(tt.lang), "*.feature")
			require.NoError(t, err)
			if tt.lang == locale.Portuguese {
				// After the built-in script: its scenarios count in the plan
				// the tags cut down.
				assert.Contains(t, out, fmt.Sprintf("Homologação APROVADA — parcial: 5 de %d cenários (tags @generic); roteiro próprio: 1 arquivo de feature difere do roteiro embutido no homolog", builtinScenarios(t, tt.lang)+5))
			} else {
				// Instead of it: every built-in file is missing, and one more
				// is there.
				assert.Contains(t, out, fmt.Sprintf("Homologation PASSED — custom script: %d feature files differ", len(builtin)+1))
			}
			assertChecksRecorded(t, res.Bundle, check.FieldEventually, check.FieldSaved, check.FieldEquals, check.FieldType, check.FieldMinItems, check.ResponseStatus)

			data, err := os.ReadFile(file)
			require.NoError(t, err)
			require.Contains(t, string(data), tt.right)
			require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(data), tt.right, tt.bad, 1)), 0o644))
			res, out = runPlan(t, cfg)
			require.Equal(t, ExitFailed, res.ExitCode, out)
			var failed []string
			for _, sc := range reportOf(t, res).Scenarios() {
				if sc.Status != evidence.StatusFailed {
					continue
				}
				for _, st := range sc.Steps {
					if st.Status == evidence.StatusFailed {
						failed = append(failed, st.Text+": "+st.Error)
					}
				}
			}
			require.Len(t, failed, 1, out)
			assert.Contains(t, failed[0], tt.failingStep+`: #`)
			assert.Contains(t, failed[0], `field "amount" is the number 250; want the number 251`)
			summary, err := os.ReadFile(filepath.Join(res.Bundle, "summary.md"))
			require.NoError(t, err)
			assert.Contains(t, string(summary), tt.failingStep, "summary.md names the failing step")
		})
	}
}

// assertChecksRecorded: each named check is in the bundle's journal, so
// recheck recomputes it, and recheck agrees with every verdict.
func assertChecksRecorded(t *testing.T, bundle string, names ...string) {
	t.Helper()
	journal, err := os.ReadFile(filepath.Join(bundle, evidence.JournalFile))
	require.NoError(t, err)
	for _, n := range names {
		assert.Contains(t, string(journal), `"name":"`+n+`"`)
	}
	rc, err := evidence.RecheckBundle(bundle, evidence.VerifyOptions{})
	require.NoError(t, err)
	assert.True(t, rc.Same(), "%+v", rc)
}

// TestGenericStepsCheckedBeforeTheRun: an unknown {name}, a field path
// that does not read, or a value saved under a fixture's name is a
// configuration error naming the file and line, and nothing is sent.
func TestGenericStepsCheckedBeforeTheRun(t *testing.T) {
	for _, tt := range []struct {
		name, from, to string
		want           []string
	}{
		{"unknown name", `"/api/v1/internal_transfers/{transfer_id}"`, `"/api/v1/internal_transfers/{transfer_idd}"`,
			[]string{"our-checks.feature:38:", `step "Then within 30 seconds GET`, "{transfer_idd} is neither a fixture (own_account_id, consented_account_id, pix_key, static_brcode, transfer_target) nor saved by an earlier step"}},
		{"used before it is saved", `And the application calls GET "/accounts/{first_account}"`, `And the application calls GET "/accounts/{transfer_id}"`,
			[]string{"our-checks.feature:17:", "{transfer_id} is neither"}},
		{"unknown name in a body", `"description": "our own check"`, `"description": "{our_check}"`,
			[]string{"our-checks.feature:30:", "{our_check} is neither"}},
		{"bad field path", `"data[0].id" is a string`, `"data[x].id" is a string`,
			[]string{"our-checks.feature:15:", `[x] is not an index like [0]`}},
		{"saved under a fixture's name", `as "transfer_id"`, `as "pix_key"`,
			[]string{"our-checks.feature:37:", `"pix_key" is a fixture's name`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, file := genericFeature(t, locale.English)
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			require.Contains(t, string(data), tt.from)
			require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(data), tt.from, tt.to, 1)), 0o644))
			cfg := Defaults()
			cfg.Out = t.TempDir()
			cfg.Features.Dir = dir
			var sent int
			res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Lookup: noEnv}, Transport: countingTransport(&sent)})
			require.Error(t, err)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, ExitConfig, res.ExitCode)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Zero(t, sent, "nothing is sent before the plan is checked")
			entries, _ := os.ReadDir(cfg.Out)
			assert.Empty(t, entries, "no bundle is started for a configuration error")
		})
	}
}

func TestLangConfig(t *testing.T) {
	cfg, err := ParseConfig("scenarios.yaml", []byte("lang: pt\n"))
	require.NoError(t, err)
	assert.Equal(t, locale.Portuguese, cfg.language())

	_, err = ParseConfig("scenarios.yaml", []byte("lang: es\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `scenarios.yaml: lang: unknown language "es" (want en or pt-BR)`)

	c := Defaults()
	require.NoError(t, c.ApplyEnv(func(k string) (string, bool) {
		return map[string]string{"HOMOLOG_LANG": "pt-BR"}[k], k == "HOMOLOG_LANG"
	}))
	assert.Equal(t, locale.Portuguese, c.Lang)
	err = c.ApplyEnv(func(k string) (string, bool) { return "klingon", k == "HOMOLOG_LANG" })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "environment: HOMOLOG_LANG: unknown language")

	c = Defaults()
	c.Features.Extra = "testdata/no-such-folder"
	_, err = loadScript(c, os.DirFS)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "features.extra")
}

// countingTransport counts the requests a run sends.
type countTransport struct{ n *int }

func (c countTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	*c.n++
	return http.DefaultTransport.RoundTrip(r)
}

func countingTransport(n *int) http.RoundTripper { return countTransport{n} }

// TestOrderInEitherLanguage: the repository's scenarios.yaml orders the
// built-in script by its English names; with lang: pt-BR those name the
// same files of the Portuguese script.
func TestOrderInEitherLanguage(t *testing.T) {
	repo, err := os.ReadFile("../scenarios.yaml")
	require.NoError(t, err)
	c, err := ParseConfig("scenarios.yaml", repo)
	require.NoError(t, err)
	c.Lang = locale.Portuguese
	sc, err := loadScript(c, os.DirFS)
	require.NoError(t, err)
	require.Len(t, sc.paths, 18)
	assert.Equal(t, "01-autenticar.feature", sc.paths[0])
	assert.Equal(t, "19-webhooks-do-parceiro.feature", sc.paths[17])

	c.Features.Order = []string{"02-ler-a-conta", "01-authenticate"}
	sc, err = loadScript(c, os.DirFS)
	require.NoError(t, err)
	assert.Equal(t, []string{"02-ler-a-conta.feature", "01-autenticar.feature"}, sc.paths)

	c.Features.Dir = "../features/pt" // a folder on disk is taken as it is
	c.Features.Order = []string{"01-authenticate"}
	_, err = loadScript(c, os.DirFS)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `features.order[0]: no feature file "01-authenticate.feature" in ../features/pt`)
}

// TestPartnerWebhooksInPortuguese: the partner-webhook feature in
// Portuguese delivers the same four kinds of delivery: each Portuguese
// choice of words reaches the step as the English one it stands for.
func TestPartnerWebhooksInPortuguese(t *testing.T) {
	cfg, stoneKey := partnerPlan(t, "")
	cfg.Lang = locale.Portuguese
	res, out := runPartner(t, cfg, stoneKey)
	require.Equal(t, ExitPassed, res.ExitCode, out)
	f := featureNamed(reportOf(t, res), "O receptor de webhooks do parceiro")
	require.NotNil(t, f, "the partner feature is part of the plan")
	require.Len(t, f.Scenarios, 4)
	kinds := map[string]bool{}
	for _, sc := range f.Scenarios {
		assert.Equal(t, evidence.StatusPassed, sc.Status, "%s: %s", sc.Name, sc.Error)
		for _, st := range sc.Steps {
			for _, c := range st.Checks {
				kinds[c.Name+" "+c.Params["kind"]] = true
			}
		}
	}
	assert.Equal(t, map[string]bool{"partner_webhook_accepted ": true, "partner_webhook_again_accepted ": true,
		"partner_webhook_refused forged": true, "partner_webhook_refused wrong_key": true, "partner_webhook_refused garbage": true}, kinds)
	assert.Equal(t, "PASSED", evidence.RunVerdict(res.Report))
	assert.Contains(t, out, "Homologação APROVADA\n")
}

// TestExtraSelectedByItsPath: a file of features.extra is selected with
// FILE:LINE by its path on disk, as a person types it.
func TestExtraSelectedByItsPath(t *testing.T) {
	dir, file := genericFeature(t, locale.English)
	c := Defaults()
	c.Features.Extra = dir
	c.Lines = []string{file + ":6"}
	sc, err := loadScript(c, os.DirFS)
	require.NoError(t, err)
	sel, err := newSelection(c)
	require.NoError(t, err)
	p, err := parsePlan(sc, planTags("", c), steps.Definitions(), sel)
	require.NoError(t, err)
	require.Equal(t, 1, p.count)
	fs := planFeatures(t, p)
	require.Len(t, fs, 1)
	require.Len(t, fs[0].Scenarios, 1)
	assert.Equal(t, "Read the balance", fs[0].Scenarios[0].Name)
}

// builtinScenarios counts the scenarios of the built-in script in a
// language.
func builtinScenarios(t *testing.T, lang string) int {
	t.Helper()
	c := Defaults()
	c.Lang = lang
	sc, err := loadScript(c, os.DirFS)
	require.NoError(t, err)
	p, err := parsePlan(sc, planTags("", c), steps.Definitions(), nil)
	require.NoError(t, err)
	return p.count
}
