package runner

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/partnerhook"
)

// StoneWebhookWait is how long Stone waits for a receiver's 2xx before it
// counts the delivery as failed and retries it (stone-api.md §7).
const StoneWebhookWait = 10 * time.Second

// PartnerReceiverTarget names the target of a homolog webhooks send
// bundle: the partner's own receiver, not a Stone API.
const PartnerReceiverTarget = "partner-receiver"

// partnerSubject is the scope a webhooks send bundle states beside its
// verdict, so that it is never read as a homologation run.
const partnerSubject = "the partner's webhook receiver only, not the homologation script"

// WebhooksOptions are the inputs of homolog webhooks send.
type WebhooksOptions struct {
	// Config is the plan: its client key is the partner's (deliveries are
	// encrypted for its public half, the bundle is signed with it), and its
	// redaction rules and out folder apply.
	Config Config
	Env    Env
	URL    string              // the partner's receiver
	Events []partnerhook.Event // what to deliver, in order
	// Of is how many event types the default selection holds, and Filter
	// how Events was chosen when it holds fewer: the verdict says partial.
	Of     int
	Filter string
	// PartnerKey, when set, is the key deliveries are encrypted for
	// instead of the plan's client key (the bundle is still signed with
	// the plan's key, or an ephemeral one when the plan has none).
	PartnerKey *rsa.PublicKey
	StoneKey   *rsa.PrivateKey // signs the deliveries (required)
	// Keys makes the ephemeral key the bundle is signed with when the
	// plan names no client key; nil → one generated for this run.
	Keys    KeySource
	Within  time.Duration // how soon a 2xx must come; 0 → StoneWebhookWait
	Version string
	Now     func() time.Time // nil → time.Now
	NewID   func() string    // event ids; nil → random
	// Transport carries the deliveries (nil → http.DefaultTransport); the
	// evidence recorder wraps it.
	Transport http.RoundTripper
}

// SendWebhooks acts as Stone towards the partner's receiver for each
// event type of opts.Events and writes a bundle like a run's: one feature,
// one scenario per event type, one step per delivery, each judged by a
// partner_webhook_* check over its recorded exchange, so homolog verify
// and homolog recheck read it as they read a run. A returned error is a
// configuration problem found before anything was sent.
func SendWebhooks(ctx context.Context, opts WebhooksOptions) (Result, error) {
	c := opts.Config
	if err := checkReceiverURL(opts.URL); err != nil {
		return Result{ExitCode: ExitConfig}, &ConfigError{File: "flag", Field: "--url", Err: err}
	}
	if len(opts.Events) == 0 {
		return Result{ExitCode: ExitConfig}, &ConfigError{File: "flag", Field: "--events", Err: errors.New("no event type to deliver")}
	}
	if opts.StoneKey == nil {
		return Result{ExitCode: ExitConfig}, errors.New("runner: webhooks: the test Stone key is required")
	}
	keys := opts.Keys
	if keys == nil {
		keys = NewKeyCache(KeyCacheOptions{})
	}
	signKey, partnerKey, err := partnerKeys(c, opts.Env, opts.PartnerKey, keys)
	if err != nil {
		return Result{ExitCode: ExitConfig}, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	within := opts.Within
	if within <= 0 {
		within = StoneWebhookWait
	}
	out := opts.Env.Stdout
	if out == nil {
		out = io.Discard
	}

	runID := newRunID()
	dir := filepath.Join(c.Out, now().UTC().Format("2006-01-02T150405Z")+"-"+runID+"-webhooks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{ExitCode: ExitConfig}, &ConfigError{File: c.Source, Field: "out", Err: fmt.Errorf("cannot create the bundle folder: %w", err)}
	}
	redKey := make([]byte, 32)
	if _, err := rand.Read(redKey); err != nil {
		return abandon(dir, fmt.Errorf("runner: redaction key: %w", err))
	}
	red := evidence.NewRedactor(redKey, evidence.RedactOptions{Headers: c.Redact.Headers, JSONPaths: c.Redact.JSONPaths})
	rec, err := evidence.NewRecorder(evidence.RecorderOptions{Dir: dir, Now: now, Redactor: red})
	if err != nil {
		return abandon(dir, err)
	}
	// The client waits well past the limit, so a late answer is recorded
	// with its time rather than cut off.
	hc := &http.Client{Transport: rec.Transport(opts.Transport), Timeout: within + 20*time.Second}
	sender, err := partnerhook.NewSender(partnerhook.SenderOptions{URL: opts.URL, PartnerKey: partnerKey, StoneKey: opts.StoneKey,
		HTTPClient: hc, NewID: opts.NewID})
	if err != nil {
		return abandon(dir, err)
	}
	stoneKid, _ := partnerhook.KeyID(&opts.StoneKey.PublicKey)
	partnerKid, _ := partnerhook.KeyID(partnerKey)
	// The receiver's address goes into the report as every URL does:
	// redacted (a token in its query, a password in its userinfo).
	shown := red.String(opts.URL)
	if u, err := url.Parse(opts.URL); err == nil {
		shown = red.String(u.Redacted())
	}

	feature := partnerFeature(shown, stoneKid, partnerKid, within, opts.Events)
	cov := &evidence.Coverage{Target: PartnerReceiverTarget, Scenarios: len(opts.Events), Of: max(opts.Of, len(opts.Events)), Subject: partnerSubject}
	if opts.Filter != "" {
		cov.Filters = []string{opts.Filter}
	}
	report := &evidence.Report{
		RunID: runID, ClientID: c.Client.ID, Operator: c.Operator, Signoff: signoff(c),
		Tool:     evidence.Tool{Name: "homolog", Version: opts.Version, GoVersion: runtime.Version()},
		Target:   evidence.Target{Name: PartnerReceiverTarget, APIURL: shown},
		Features: []*evidence.Feature{feature}, Coverage: cov,
	}
	if err := rec.Start(report); err != nil {
		return Result{ExitCode: ExitIncomplete, Bundle: dir}, err
	}
	fmt.Fprintf(out, "homolog webhooks send %s: %d event types to %s, 5 deliveries each, signed by test Stone key %s\n", runID, len(opts.Events), shown, stoneKid)

	d := &partnerDeliveries{rec: rec, sender: sender, within: within, clientID: c.Client.ID, now: now, out: out, red: red}
	for i, ev := range opts.Events {
		if ctx.Err() != nil {
			break
		}
		d.event(ctx, feature.Scenarios[i], ev)
	}

	o := partnerOutcome(ctx, rec.Report())
	if jerr := rec.Err(); jerr != nil {
		o = evidence.Outcome{Status: "incomplete", IncompleteReason: "the journal stopped: " + jerr.Error(), ExitCode: ExitIncomplete}
	}
	final, ferr := rec.Close(o, signKey, describeDeliveries(dir, c, opts.Events, shown, stoneKid, partnerKid, within))
	s := final.Summary.Scenarios
	fmt.Fprintf(out, "%s: %d passed, %d failed, %d not run of %d event types; %d HTTP exchanges recorded\n",
		strings.ToUpper(final.Status), s.Passed, s.Failed, s.NotRun, s.Total, final.Summary.Exchanges)
	fmt.Fprintln(out, "Homologation "+evidence.RunVerdict(final))
	if final.IncompleteReason != "" {
		fmt.Fprintf(out, "incomplete: %s\n", final.IncompleteReason)
	}
	exit := final.ExitCode
	if ferr != nil {
		fmt.Fprintf(out, "error: the bundle is incomplete: %v\n", red.String(ferr.Error()))
		exit = ExitIncomplete
	}
	fmt.Fprintln(out, dir)
	return Result{ExitCode: exit, Bundle: dir, Report: final}, nil
}

// partnerSender is what the @webhooks-partner feature delivers with:
// encrypting for the plan's client key, signing with the test Stone key,
// through the run's recorded client.
func partnerSender(c Config, stoneKey, clientKey *rsa.PrivateKey, hc *http.Client, keys KeySource) (*partnerhook.Sender, error) {
	if stoneKey == nil {
		return nil, &ConfigError{File: c.Source, Field: "webhooks.partner_url", Err: errors.New("no test Stone key to sign the deliveries with")}
	}
	s, err := partnerhook.NewSender(partnerhook.SenderOptions{URL: c.Webhooks.PartnerURL, PartnerKey: &clientKey.PublicKey, StoneKey: stoneKey, HTTPClient: hc,
		NewKey: func() (*rsa.PrivateKey, error) { return strangerKey(keys, stoneKey, clientKey) }})
	if err != nil {
		return nil, &ConfigError{File: c.Source, Field: "webhooks.partner_url", Err: err}
	}
	return s, nil
}

// checkReceiverURL accepts an absolute http(s) URL.
func checkReceiverURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not the http(s) address of a webhook receiver (e.g. https://partner.example/webhooks/stone)", raw)
	}
	return nil
}

// partnerKeys returns the key the bundle is signed with and the key the
// deliveries are encrypted for: the plan's client key for both, the
// given public key for the second when there is one. Without a client
// key the bundle is signed with an ephemeral key (it then proves its
// integrity, not who made it, as a zero-set-up run's does).
func partnerKeys(c Config, env Env, pub *rsa.PublicKey, keys KeySource) (sign *rsa.PrivateKey, to *rsa.PublicKey, err error) {
	if c.Client.PrivateKeyFile != "" || c.Client.PrivateKeyEnv != "" {
		if sign, err = LoadKey(c, env); err != nil {
			return nil, nil, err
		}
		to = &sign.PublicKey
	}
	if pub != nil {
		to = pub
	}
	if to == nil {
		return nil, nil, &ConfigError{File: c.Source, Field: "client.private_key_file",
			Err: errors.New("no partner key: deliveries are encrypted for the partner's public key; set client.private_key_file (or HOMOLOG_PRIVATE_KEY_FILE) to the key registered with Stone, or pass --public-key PEM")}
	}
	if sign == nil {
		if sign, err = keys.Key(KeyClient); err != nil {
			return nil, nil, err
		}
	}
	return sign, to, nil
}

// partnerOutcome is the status and exit code of a webhooks send bundle.
func partnerOutcome(ctx context.Context, r *evidence.Report) evidence.Outcome {
	c := r.Summary.Scenarios
	notRun, failed := c.NotRun, c.Total-c.Passed-c.NotRun > 0
	switch {
	case ctx.Err() != nil:
		return evidence.Outcome{Status: "incomplete", IncompleteReason: "interrupted: " + context.Cause(ctx).Error(), ExitCode: ExitIncomplete}
	case notRun > 0:
		return evidence.Outcome{Status: "incomplete", IncompleteReason: fmt.Sprintf("%d event types were not delivered", notRun), ExitCode: ExitIncomplete}
	case failed:
		return evidence.Outcome{Status: "failed", Complete: true, ExitCode: ExitFailed}
	}
	return evidence.Outcome{Status: "passed", Complete: true, ExitCode: ExitPassed}
}

// describeDeliveries writes what was sent where into the bundle as its
// plan.yaml and names the plan the keys came from.
func describeDeliveries(dir string, c Config, events []partnerhook.Event, target, stoneKid, partnerKid string, within time.Duration) func(*evidence.Report, *evidence.Manifest) error {
	return func(_ *evidence.Report, m *evidence.Manifest) error {
		var types []string
		for _, e := range events {
			types = append(types, e.Type)
		}
		plan := struct {
			URL           string   `yaml:"url"`
			Events        []string `yaml:"events"`
			Within        string   `yaml:"within"`
			PartnerKeyKid string   `yaml:"partner_key_kid"`
			StoneKeyKid   string   `yaml:"stone_key_kid"`
			ClientID      string   `yaml:"client_id,omitempty"`
			Plan          string   `yaml:"plan"`
		}{target, types, within.String(), partnerKid, stoneKid, c.Client.ID, c.Source}
		b, err := yaml.Marshal(plan)
		if err != nil {
			return err
		}
		header := "# homolog webhooks send: what was delivered, where, and with which keys (kid = RFC 7638 thumbprint).\n"
		if err := evidence.WriteBundleFile(filepath.Join(dir, evidence.PlanFile), []byte(header+string(b)), 0o644); err != nil {
			return err
		}
		m.Plan = evidence.PlanInfo{Source: c.Source, SourceSHA256: c.SourceSHA256}
		return nil
	}
}
