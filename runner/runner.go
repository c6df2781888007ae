// Package runner runs a homologation plan: it loads scenarios.yaml, opens
// the target, runs the features with godog in order and writes the
// evidence bundle. It is the only package that knows godog, the steps, the
// simulator and the evidence together.
package runner

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/cucumber/godog"
	"github.com/google/uuid"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/steps"
	"github.com/openbank-homolog/homolog/stone"
)

// Exit codes of `homolog run`, part of the CLI contract.
const (
	ExitPassed     = 0 // every scenario passed
	ExitFailed     = 1 // a scenario failed or was blocked
	ExitConfig     = 2 // usage or configuration error
	ExitIncomplete = 3 // interrupted or timed out
)

// Options are a run's inputs.
type Options struct {
	Config  Config
	Env     Env
	Version string           // tool version for the bundle
	Now     func() time.Time // nil → time.Now
	DirFS   func(string) fs.FS
	// Transport carries the run's HTTP (nil → http.DefaultTransport); the
	// evidence recorder wraps it. Tests use it to inject faults.
	Transport http.RoundTripper
	// StoneKey signs the deliveries to the partner's receiver
	// (webhooks.partner_url): homolog's test Stone key. Required when the
	// plan names a partner receiver.
	StoneKey *rsa.PrivateKey
	// Keys hands out the run's throwaway keys (the simulator's, the
	// ephemeral partner key, a stranger's); nil → a KeyCache of this run
	// alone. The CLI passes one kept in the user's cache folder, tests
	// share one: generating RSA keys is most of a simulator run's CPU.
	Keys KeySource

	suiteScenarios int // scenarios per godog suite; 0 → chunkScenarios (tests run small plans in several)
}

// Result is how a run ended.
type Result struct {
	ExitCode int
	Bundle   string // the bundle folder, "" if none was written
	// Report is the run's header and totals; its features, exchanges and
	// webhooks are in the bundle (report.json, evidence.ReadReport), not
	// held in memory.
	Report *evidence.Report
}

// Run executes the plan. A returned error is a configuration problem (exit
// code 2) found before anything was sent; everything after that ends in a
// bundle and a Result.
func Run(ctx context.Context, opts Options) (Result, error) {
	c := opts.Config
	if err := c.Validate(); err != nil {
		return Result{ExitCode: ExitConfig}, err
	}
	// The key is checked with the plan, before anything is sent or
	// written: a key that cannot sign must not start a run whose bundle
	// it would then fail to seal.
	key, err := planKey(c, opts.Env)
	if err != nil {
		return Result{ExitCode: ExitConfig}, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	dirFS := opts.DirFS
	if dirFS == nil {
		dirFS = os.DirFS
	}
	out := opts.Env.Stdout
	if out == nil {
		out = io.Discard
		opts.Env.Stdout = out
	}
	keys := runKeys(opts.Keys, c)
	tags := planTags(c.Tags, c)

	sc, err := loadScript(c, dirFS)
	if err != nil {
		return Result{ExitCode: ExitConfig}, err
	}
	sel, err := newSelection(c)
	if err != nil {
		return Result{ExitCode: ExitConfig}, err
	}
	size := opts.suiteScenarios
	if size <= 0 {
		size = chunkScenarios
	}
	p, err := parsePlanIn(sc, tags, steps.Definitions(), sel, size)
	if err != nil {
		return Result{ExitCode: ExitConfig}, err
	}
	var hooksSrv *webhookServer
	if listen := webhookListen(c); listen != "" {
		if hooksSrv, err = listenWebhooks(listen); err != nil {
			return Result{ExitCode: ExitConfig}, &ConfigError{File: c.Source, Field: "webhooks.listen", Err: err}
		}
		defer hooksSrv.close()
	}
	webhookURL := ""
	if hooksSrv != nil {
		webhookURL = hooksSrv.URL()
	}
	tgt, err := openTarget(c, opts.Env, key, webhookURL, keys)
	if err != nil {
		return Result{ExitCode: ExitConfig}, err
	}
	defer tgt.close()

	runID := newRunID()
	started := now().UTC()
	dir := filepath.Join(c.Out, started.Format("2006-01-02T150405Z")+"-"+runID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{ExitCode: ExitConfig}, &ConfigError{File: c.Source, Field: "out", Err: fmt.Errorf("cannot create the bundle folder: %w", err)}
	}
	redKey := make([]byte, 32)
	if _, err := rand.Read(redKey); err != nil {
		return abandon(dir, fmt.Errorf("runner: redaction key: %w", err))
	}
	red := evidence.NewRedactor(redKey, evidence.RedactOptions{Headers: c.Redact.Headers, JSONPaths: c.Redact.JSONPaths})
	drift, err := driftCheck(c.Target)
	if err != nil {
		return abandon(dir, err)
	}
	rec, err := evidence.NewRecorder(evidence.RecorderOptions{Dir: dir, Now: now, Redactor: red, Drift: drift})
	if err != nil {
		return abandon(dir, err)
	}
	hc := &http.Client{Transport: newRetryTransport(rec.Transport(transportFor(c.Target, opts.Transport)), c.Retries), Timeout: 60 * time.Second}
	client, err := stone.New(stone.Options{
		Endpoints: tgt.endpoints, ClientID: tgt.clientID, PrivateKey: tgt.key,
		UserAgent: userAgent(c, opts.Version), HTTPClient: hc, Now: now,
	})
	if err != nil {
		return abandon(dir, &ConfigError{File: c.Source, Field: "client", Err: err})
	}
	ev := stepEvidence{rec: rec}
	owner := tgt.owner(client, hc, ev, steps.OwnerActions(p.steps, tgt.fixtures))
	if c, ok := owner.(io.Closer); ok {
		defer c.Close()
	}
	stepsCfg := steps.Config{
		Client: client, Owner: owner, Fixtures: tgt.fixtures, RunID: runID, Evidence: ev,
		NewID:      uuid.NewString,
		NewKey:     func() (*rsa.PrivateKey, error) { return strangerKey(keys, tgt.key) },
		HTTPClient: hc, Poll: tgt.poll, Wait: tgt.wait, Now: now,
		NoInbox:   "webhooks.listen is not set: set it to an address reachable at the webhook URI registered with Stone",
		NoPartner: "webhooks.partner_url is not set: set it to the partner's own webhook receiver",
		Plan:      p.steps,
		Lang:      c.language(),
	}
	if c.Webhooks.PartnerURL != "" {
		if stepsCfg.Partner, err = partnerSender(c, opts.StoneKey, tgt.key, hc, keys); err != nil {
			return abandon(dir, err)
		}
	}
	if hooksSrv != nil {
		if err := hooksSrv.serve(client, tgt.key, rec); err != nil {
			return abandon(dir, &ConfigError{File: c.Source, Field: "webhooks", Err: err})
		}
		stepsCfg.Inbox = hooksSrv.inbox
	}
	session, err := steps.NewSession(stepsCfg)
	if err != nil {
		return abandon(dir, err)
	}
	// The session took what it needs of the plan's steps; the texts of
	// every step of a large plan need not stay in memory for the run.
	p.steps, stepsCfg.Plan = nil, nil

	words := c.words()
	report := &evidence.Report{
		RunID: runID, ClientID: tgt.clientID, Lang: c.language(), Operator: c.Operator, Signoff: signoff(c),
		Tool:   evidence.Tool{Name: "homolog", Version: opts.Version, GoVersion: runtime.Version()},
		Target: evidence.Target{Name: tgt.name, AuthURL: tgt.endpoints.AuthURL, APIURL: tgt.endpoints.APIURL, SiteURL: tgt.endpoints.SiteURL},
	}
	if report.Coverage, err = coverage(c, sc, p, sel, report.Target); err != nil {
		return abandon(dir, err)
	}
	if err := rec.StartPlan(report, p.source); err != nil {
		return Result{ExitCode: ExitIncomplete, Bundle: dir}, err
	}
	fmt.Fprintf(out, words.RunStart+"\n", runID, p.count, tgt.name, tgt.endpoints.APIURL)

	runCtx, cancel := context.WithTimeout(ctx, time.Duration(c.Timeout))
	defer cancel()
	h := &hooks{session: session, rec: rec, plan: p, out: out, ctx: runCtx, failFast: c.FailFast, words: words}
	crash := execute(func() {
		// One godog suite per chunk of the plan, in order: what godog
		// keeps of a suite goes when it ends (plan.go, chunkScenarios).
		for _, ch := range p.chunks {
			if runCtx.Err() != nil || h.stopped.Load() {
				break // what is left stays not run, as its scenarios would
			}
			h.chunk = ch
			godog.TestSuite{
				Name: "homolog",
				ScenarioInitializer: func(s *godog.ScenarioContext) {
					h.install(s)
					steps.Register(s, session)
				},
				Options: &godog.Options{
					FS: sc.fsys, Paths: ch.paths, Tags: tags, Strict: true,
					Concurrency: c.Concurrency, Format: "progress", Output: io.Discard, NoColors: true,
					DefaultContext: runCtx,
				},
			}.Run()
		}
	})

	o := outcome(ctx, runCtx, rec.Report())
	if h.stopped.Load() && !o.Complete && ctx.Err() == nil && runCtx.Err() == nil {
		// --fail-fast: what did not run was left out on purpose, and the
		// verdict says so.
		o.IncompleteReason = "stopped at the first scenario that did not pass (--fail-fast); " + o.IncompleteReason
		failFastCoverage(rec.Report())
	}
	if crash != "" {
		o = evidence.Outcome{Status: "incomplete", IncompleteReason: crash, ExitCode: ExitIncomplete}
	}
	if jerr := rec.Err(); jerr != nil {
		o = evidence.Outcome{Status: "incomplete", IncompleteReason: "the journal stopped: " + jerr.Error(), ExitCode: ExitIncomplete}
	}
	final, ferr := rec.Close(o, tgt.key, describePlan(dir, c, sc, red))
	h.summary(final)
	printDrift(out, final, words)
	exit := final.ExitCode
	if ferr != nil {
		// The evidence could not be completed: whatever the scenarios
		// did, this run cannot be shown as passed.
		fmt.Fprintf(out, words.BundleBroken+"\n", red.String(ferr.Error()))
		exit = ExitIncomplete
	}
	if err := pointLatest(c.Out, dir); err != nil {
		fmt.Fprintf(out, words.LatestNote+"\n", c.Out, LatestName, err)
	}
	fmt.Fprintln(out, dir)
	return Result{ExitCode: exit, Bundle: dir, Report: final}, nil
}

// runKeys is the run's key source, already making the keys the plan's
// target will ask for.
func runKeys(keys KeySource, c Config) KeySource {
	if keys == nil {
		keys = NewKeyCache(KeyCacheOptions{})
	}
	p, ok := keys.(interface{ Prepare(...KeyRole) })
	if !ok {
		return keys
	}
	if c.Target != TargetSimulator {
		p.Prepare(KeyStranger)
		return keys
	}
	roles := []KeyRole{KeySimulatorSigning, KeySimulatorEncryption, KeyStranger}
	if c.Client.PrivateKeyFile == "" && c.Client.PrivateKeyEnv == "" {
		roles = append(roles, KeyClient)
	}
	p.Prepare(roles...)
	return keys
}

// execute runs f and turns a panic that escapes it (godog recovers panics
// inside steps, but not in its own machinery or our hooks) into the reason
// the run is incomplete, so that even then a verifiable bundle is written.
func execute(f func()) (crash string) {
	defer func() {
		if r := recover(); r != nil {
			crash = fmt.Sprintf("homolog crashed: %v", r)
		}
	}()
	f()
	return ""
}

func signoff(c Config) *evidence.Signoff {
	if c.Signoff == nil {
		return nil
	}
	so := evidence.Signoff(*c.Signoff)
	return &so
}

// outcome decides the run's status and exit code from what was recorded.
func outcome(parent, run context.Context, r *evidence.Report) evidence.Outcome {
	c := r.Summary.Scenarios
	notRun := c.NotRun
	failed := c.Total-c.Passed-c.NotRun > 0
	reason := ""
	switch {
	case parent.Err() != nil:
		reason = "interrupted: " + context.Cause(parent).Error()
	case errors.Is(run.Err(), context.DeadlineExceeded):
		reason = "the run deadline (timeout in scenarios.yaml) passed"
	case notRun > 0:
		reason = fmt.Sprintf("%d scenarios did not run", notRun)
	}
	switch {
	case reason != "":
		return evidence.Outcome{Status: "incomplete", Complete: false, IncompleteReason: reason, ExitCode: ExitIncomplete}
	case failed:
		return evidence.Outcome{Status: "failed", Complete: true, ExitCode: ExitFailed}
	default:
		return evidence.Outcome{Status: "passed", Complete: true, ExitCode: ExitPassed}
	}
}

func newRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func userAgent(c Config, version string) string {
	if c.Client.UserAgent != "" {
		return c.Client.UserAgent
	}
	return "homolog/" + version
}

// webhookListen is where the run receives webhooks: the plan's address, or
// a free local port against the simulator, which delivers to it directly.
func webhookListen(c Config) string {
	if c.Webhooks.Listen != "" {
		return c.Webhooks.Listen
	}
	if c.Target == TargetSimulator {
		return "127.0.0.1:0"
	}
	return ""
}

// abandon removes a bundle folder started before a configuration error
// was found, so that no half-written bundle is left behind, and returns
// the error.
func abandon(dir string, err error) (Result, error) {
	_ = os.RemoveAll(dir)
	return Result{ExitCode: ExitConfig}, err
}
