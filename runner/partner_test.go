package runner

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/partnerhook"
	"github.com/openbank-homolog/homolog/steps"
	"github.com/openbank-homolog/homolog/stone"
)

const partnerFeatureName = "The partner's webhook receiver"

// testStoneKeys resolves the test Stone key the way a partner's receiver
// pointed at homolog webhooks keys does.
type testStoneKeys struct{ pub *rsa.PublicKey }

func (k testStoneKeys) SigningKey(_ context.Context, kid string) (*rsa.PublicKey, error) {
	if want, _ := partnerhook.KeyID(k.pub); kid == want {
		return k.pub, nil
	}
	return nil, fmt.Errorf("%w %q", stone.ErrUnknownKeyID, kid)
}

// partnerPlan is the default plan with the partner's key on disk and
// webhooks.partner_url pointing at a receiver built on homolog's own
// stone.WebhookReceiver; forgeFor names event types whose handler skips
// the signature check (a partner's bug in one handler).
func partnerPlan(t *testing.T, forgeFor string) (Config, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	stoneKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	keyPath := filepath.Join(t.TempDir(), "partner.pem")
	require.NoError(t, os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	good, err := stone.NewWebhookReceiver(stone.WebhookReceiverOptions{PrivateKey: key, Keys: testStoneKeys{&stoneKey.PublicKey},
		Handle: func(context.Context, stone.Webhook) error { return nil }})
	require.NoError(t, err)
	// A handler that decrypts but never verifies the signature.
	sloppy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env struct {
			EncryptedBody string `json:"encrypted_body"`
		}
		if json.NewDecoder(r.Body).Decode(&env) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		jwe, err := jose.ParseEncryptedCompact(env.EncryptedBody, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if _, err := jwe.Decrypt(key); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(partnerhook.EventTypeHeader) == forgeFor {
			sloppy(w, r)
			return
		}
		good.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg := Defaults()
	cfg.Client.PrivateKeyFile = keyPath
	cfg.Webhooks.PartnerURL = srv.URL + "/webhooks/stone"
	return cfg, stoneKey
}

func runPartner(t *testing.T, cfg Config, stoneKey *rsa.PrivateKey) (Result, string) {
	t.Helper()
	cfg.Out = t.TempDir()
	var out strings.Builder
	res, err := Run(context.Background(), Options{Config: cfg, Keys: sharedKeys, Env: Env{Stdout: &out, Lookup: noEnv}, Version: "test", StoneKey: stoneKey})
	require.NoError(t, err, out.String())
	return res, out.String()
}

func featureNamed(r *evidence.Report, name string) *evidence.Feature {
	for _, f := range r.Features {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// TestPartnerWebhooksFeature: with webhooks.partner_url set, the
// @webhooks-partner feature runs after everything else and delivers each
// event type the run received, judged by the partner_webhook checks; the
// script is then whole, not partial, and recheck recomputes it.
func TestPartnerWebhooksFeature(t *testing.T) {
	for _, conc := range []int{1, 4} {
		t.Run(fmt.Sprintf("concurrency %d", conc), func(t *testing.T) {
			cfg, stoneKey := partnerPlan(t, "")
			cfg.Concurrency = conc
			res, out := runPartner(t, cfg, stoneKey)
			require.Equal(t, ExitPassed, res.ExitCode, out)
			f := featureNamed(reportOf(t, res), partnerFeatureName)
			require.NotNil(t, f, "the partner feature is part of the plan")
			require.Len(t, f.Scenarios, 4)
			types := map[string]bool{}
			for _, sc := range f.Scenarios {
				assert.Equal(t, evidence.StatusPassed, sc.Status, "%s: %s", sc.Name, sc.Error)
				for _, st := range sc.Steps {
					for _, c := range st.Checks {
						assert.True(t, strings.HasPrefix(c.Name, "partner_webhook_"), c.Name)
						types[c.Params["event_type"]] = true
					}
				}
			}
			assert.Contains(t, types, "cash_out_internal_transfer_finished")
			assert.Contains(t, types, "consent_requested")
			assert.Greater(t, len(types), 5, "one check per event type the run received: %v", types)
			assert.False(t, res.Report.Coverage.Partial(), "the partner feature is part of the whole script: %+v", res.Report.Coverage)
			assert.Equal(t, "PASSED", evidence.RunVerdict(res.Report))

			rc, err := evidence.RecheckBundle(res.Bundle, evidence.VerifyOptions{})
			require.NoError(t, err)
			assert.True(t, rc.Same(), "%+v", rc)
		})
	}
}

// TestPartnerWebhooksFaultOnItsEventType: a receiver whose handler of one
// event type accepts forgeries fails the forgery scenario, naming that
// event type and no other; the other scenarios pass.
func TestPartnerWebhooksFaultOnItsEventType(t *testing.T) {
	cfg, stoneKey := partnerPlan(t, "consent_requested")
	res, out := runPartner(t, cfg, stoneKey)
	require.Equal(t, ExitFailed, res.ExitCode, out)
	f := featureNamed(reportOf(t, res), partnerFeatureName)
	require.NotNil(t, f)
	for _, sc := range f.Scenarios {
		if strings.Contains(sc.Name, "signed by another key") {
			require.Equal(t, evidence.StatusFailed, sc.Status)
			assert.Contains(t, sc.Error, "of consent_requested, with 200")
			assert.Equal(t, 1, strings.Count(sc.Error, "accepted #"), "only consent_requested: %s", sc.Error)
			continue
		}
		assert.Equal(t, evidence.StatusPassed, sc.Status, "%s: %s", sc.Name, sc.Error)
	}
	for _, other := range reportOf(t, res).Features {
		if other.Name == partnerFeatureName {
			continue
		}
		for _, sc := range other.Scenarios {
			assert.Equal(t, evidence.StatusPassed, sc.Status, sc.Name)
		}
	}
}

// TestPartnerWebhooksLeftOutWithoutURL: without webhooks.partner_url the
// feature is not in the plan, and not counted as left out: the verdict of
// the rest of the script is whole. With it, the script holds four more
// scenarios.
func TestPartnerWebhooksLeftOutWithoutURL(t *testing.T) {
	without := Defaults()
	with := Defaults()
	with.Client.PrivateKeyFile, with.Webhooks.PartnerURL = "partner.pem", "https://partner.example/webhooks/stone"
	sc, err := loadScript(without, os.DirFS)
	require.NoError(t, err)
	target := evidence.Target{Name: TargetSimulator}

	pw, err := parsePlan(sc, planTags("", without), steps.Definitions(), nil)
	require.NoError(t, err)
	assert.Nil(t, featureNamed(&evidence.Report{Features: planFeatures(t, pw)}, partnerFeatureName))
	cw, err := coverage(without, sc, pw, nil, target)
	require.NoError(t, err)
	assert.False(t, cw.Partial(), "%+v", cw)
	assert.Empty(t, cw.Custom)

	pp, err := parsePlan(sc, planTags("", with), steps.Definitions(), nil)
	require.NoError(t, err)
	f := featureNamed(&evidence.Report{Features: planFeatures(t, pp)}, partnerFeatureName)
	require.NotNil(t, f)
	assert.Len(t, f.Scenarios, 4)
	cp, err := coverage(with, sc, pp, nil, target)
	require.NoError(t, err)
	assert.Equal(t, cw.Of+4, cp.Of)
	assert.False(t, cp.Partial())

	// Asking for the feature alone without a receiver is a plan with
	// nothing to run, said as such.
	_, err = parsePlan(sc, planTags("@webhooks-partner", without), steps.Definitions(), nil)
	assert.ErrorContains(t, err, "no scenario matches tags")
}

func TestPartnerURLConfig(t *testing.T) {
	for _, c := range []struct {
		yaml, want string
	}{
		{"webhooks:\n  partner_url: https://partner.example/hooks\n", "webhooks.partner_url: needs client.private_key_file"},
		{"client:\n  private_key_file: k.pem\nwebhooks:\n  partner_url: partner.example/hooks\n", `webhooks.partner_url: "partner.example/hooks" is not the http(s) address`},
	} {
		_, err := ParseConfig("scenarios.yaml", []byte("version: 1\n"+c.yaml))
		assert.ErrorContains(t, err, c.want)
	}
	cfg, err := ParseConfig("scenarios.yaml", []byte("version: 1\nclient:\n  private_key_file: k.pem\nwebhooks:\n  partner_url: https://partner.example/hooks\n"))
	require.NoError(t, err)
	assert.Equal(t, "https://partner.example/hooks", cfg.Webhooks.PartnerURL)
}

// TestSendWebhooksInterrupted: an interrupted send still leaves a sealed
// bundle, marked incomplete, with the event types it did not reach.
func TestSendWebhooksInterrupted(t *testing.T) {
	cfg, stoneKey := partnerPlan(t, "")
	cfg.Out = t.TempDir()
	events, err := partnerhook.Select("order_paid,order_closed", nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := SendWebhooks(ctx, WebhooksOptions{Config: cfg, Keys: sharedKeys, Env: Env{Lookup: noEnv}, URL: cfg.Webhooks.PartnerURL,
		Events: events, Of: 2, StoneKey: stoneKey, Version: "test"})
	require.NoError(t, err)
	assert.Equal(t, ExitIncomplete, res.ExitCode)
	assert.False(t, res.Report.Complete)
	assert.Equal(t, 2, res.Report.Summary.Scenarios.NotRun)
	v, err := evidence.Verify(res.Bundle, nil)
	require.NoError(t, err)
	assert.True(t, v.OK(), "%+v", v.Checks)
}
