package runner

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/openbank-homolog/homolog/simulator"
	"github.com/openbank-homolog/homolog/steps"
	"github.com/openbank-homolog/homolog/stone"
)

// defaultRedirectURI is registered with the in-process simulator when the
// plan names none.
const defaultRedirectURI = "https://partner.example/consent/callback"

// ephemeralKeyBits sizes the key generated for zero-set-up runs. Stone asks
// partners for RSA 4096 (homolog keys generate makes those); a throwaway key
// that lives for one in-process run does not need the slower size.
const ephemeralKeyBits = 2048

// target is what a run talks to.
type target struct {
	name      string
	endpoints stone.Endpoints
	clientID  string
	key       *rsa.PrivateKey
	fixtures  steps.Fixtures
	owner     func(c *stone.Client, hc *http.Client, ev steps.Evidence, actions int) steps.Owner
	poll      time.Duration
	wait      time.Duration
	close     func() error
}

// openTarget starts the in-process simulator or prepares Stone's sandbox or
// production.
// key is the partner's key the plan names (nil: none named, which only the
// simulator accepts, taking a throwaway one from keys).
func openTarget(c Config, env Env, key *rsa.PrivateKey, webhookURL string, keys KeySource) (*target, error) {
	pin, noPIN := ownerPIN(c, env)
	switch c.Target {
	case TargetSimulator:
		return openSimulator(c, key, webhookURL, pin, keys)
	case TargetSandbox, TargetProduction:
		if key == nil {
			return nil, c.fieldErr("client.private_key_file", "required for target %s: the PEM file of the key registered with Stone (or set HOMOLOG_PRIVATE_KEY_FILE)", c.Target)
		}
		eps := TargetEndpoints(c)
		t := &target{
			name: c.Target, endpoints: eps, clientID: c.Client.ID, key: key,
			fixtures: configFixtures(c),
			poll:     time.Duration(c.Owner.Poll), wait: time.Duration(c.Owner.Wait),
			close: func() error { return nil },
		}
		t.fixtures.PIN, t.fixtures.NoPIN = pin, noPIN
		// One person for the whole run, hence one reader of their input:
		// the run asks for its owner once.
		t.owner = func(_ *stone.Client, _ *http.Client, ev steps.Evidence, actions int) steps.Owner {
			return steps.NewPersonOwner(steps.PersonOptions{Out: env.Stdout, In: env.Stdin, Interactive: env.Interactive,
				RedirectURI: c.Client.RedirectURI, Actions: actions, Poll: t.poll, Wait: t.wait, Evidence: ev, Lang: c.language()})
		}
		return t, nil
	}
	return nil, c.fieldErr("target", "unknown target %q", c.Target)
}

// ownerPIN reads the account owner's PIN from the environment variable
// fixtures.pin_env names. A plan that names none, or a variable that is
// not set, has no PIN: not a configuration error, since only the top-up
// scenarios need it; they are reported blocked with why (the second
// result), the way webhook scenarios are without webhooks.listen. A
// simulator run without one uses the simulator's own PIN.
func ownerPIN(c Config, env Env) (pin, why string) {
	name := c.Fixtures.PINEnv
	if name == "" {
		return "", "the plan names no fixtures.pin_env"
	}
	if env.Lookup != nil {
		if v, ok := env.Lookup(name); ok && v != "" {
			return v, ""
		}
	}
	return "", "fixtures.pin_env names " + name + ", which is not set"
}

// TargetEndpoints are the URLs a sandbox or production plan talks to:
// Stone's documented hosts, each overridden by the plan's endpoints key.
func TargetEndpoints(c Config) stone.Endpoints {
	eps := stone.SandboxEndpoints()
	if c.Target == TargetProduction {
		eps = stone.ProductionEndpoints()
	}
	if c.Endpoints.AuthURL != "" {
		eps.AuthURL = c.Endpoints.AuthURL
	}
	if c.Endpoints.APIURL != "" {
		eps.APIURL = c.Endpoints.APIURL
	}
	if c.Endpoints.SiteURL != "" {
		eps.SiteURL = c.Endpoints.SiteURL
	}
	return eps
}

// configFixtures are the fixtures scenarios.yaml names.
func configFixtures(c Config) steps.Fixtures {
	f := c.Fixtures
	fx := steps.Fixtures{
		OwnAccountID: f.OwnAccountID, ConsentedAccountID: f.ConsentedAccountID, TransferTargets: f.TransferTargets,
		RedirectURI: c.Client.RedirectURI, PixKey: f.PixKey, StaticBRCode: f.StaticBRCode,
		PayableBarcode: f.Barcodes.Payable, PaidBarcode: f.Barcodes.Paid,
	}
	if t := f.TEDTarget; t != nil {
		fx.TEDTarget = &steps.TEDTarget{InstitutionCode: t.InstitutionCode, BranchCode: t.BranchCode, AccountCode: t.AccountCode,
			AccountType: t.AccountType, Name: t.Name, Document: t.Document, DocumentType: t.DocumentType}
	}
	return fx
}

// overlay sets every non-empty field of over on base: the plan's fixtures
// override the simulator's seeded ones, which is how a test points a run at
// something that is not there.
func overlay(base, over steps.Fixtures) steps.Fixtures {
	if over.OwnAccountID != "" {
		base.OwnAccountID = over.OwnAccountID
	}
	if over.ConsentedAccountID != "" {
		base.ConsentedAccountID = over.ConsentedAccountID
	}
	if len(over.TransferTargets) > 0 {
		base.TransferTargets = over.TransferTargets
	}
	if over.TEDTarget != nil {
		base.TEDTarget = over.TEDTarget
	}
	if over.PixKey != "" {
		base.PixKey = over.PixKey
	}
	if over.StaticBRCode != "" {
		base.StaticBRCode = over.StaticBRCode
	}
	if over.PayableBarcode != "" {
		base.PayableBarcode = over.PayableBarcode
	}
	if over.PaidBarcode != "" {
		base.PaidBarcode = over.PaidBarcode
	}
	return base
}

func openSimulator(c Config, key *rsa.PrivateKey, webhookURL, pin string, keys KeySource) (*target, error) {
	// The key the user gave signs the bundle and is the one the simulator
	// registers; only without one is a throwaway key taken from keys.
	var err error
	if key == nil {
		if key, err = keys.Key(KeyClient); err != nil {
			return nil, err
		}
	}
	// The simulator's keys come from the key source too: made ahead of
	// time, no request waits for one.
	simKey, err := keys.Key(KeySimulatorSigning)
	if err != nil {
		return nil, err
	}
	encKey, err := keys.Key(KeySimulatorEncryption)
	if err != nil {
		return nil, err
	}
	clientID := c.Client.ID
	if clientID == "" {
		clientID = uuid.NewString()
	}
	redirect := c.Client.RedirectURI
	if redirect == "" {
		redirect = defaultRedirectURI
	}
	f := c.Simulator.Faults
	if pin == "" {
		pin = simulator.DefaultPIN
	}
	sim, err := simulator.New(simulator.Options{
		PIN:         pin,
		FinishAfter: finishAfter(c.Simulator.FinishAfter),
		SigningKey:  simKey, EncryptionKey: encKey,
		Faults: simulator.Faults{
			Seed: f.Seed, Latency: time.Duration(f.Latency), ErrorRate: f.ErrorRate, RateLimitRate: f.RateLimitRate,
			UnavailableRate: f.UnavailableRate, DropRate: f.DropRate, RetryAfter: time.Duration(f.RetryAfter), Paths: f.Paths,
		},
	})
	if err != nil {
		return nil, c.fieldErr("simulator", "%v", err)
	}
	fx, err := sim.Register(simulator.Client{ID: clientID, PublicKey: &key.PublicKey, RedirectURI: redirect, WebhookURL: webhookURL})
	if err != nil {
		return nil, fmt.Errorf("runner: simulator: %w", err)
	}
	if err := sim.Start(""); err != nil {
		return nil, fmt.Errorf("runner: start simulator: %w", err)
	}
	fixtures := overlay(simulatorFixtures(fx), configFixtures(c))
	fixtures.RedirectURI = fx.RedirectURI
	fixtures.PIN = pin
	t := &target{
		name: TargetSimulator, endpoints: stone.SingleHostEndpoints(sim.URL()), clientID: clientID, key: key,
		fixtures: fixtures,
		poll:     20 * time.Millisecond, wait: 30 * time.Second,
		close: sim.Close,
	}
	t.owner = func(_ *stone.Client, hc *http.Client, ev steps.Evidence, _ int) steps.Owner {
		return steps.SimulatorOwner{BaseURL: sim.URL(), HTTP: hc, Evidence: ev}
	}
	return t, nil
}

// finishAfter is the simulator's step delay for a plan's finish_after:
// 0 means immediate, as a user reads it, so the run never sits out a
// wall-clock delay (each asynchronous step still passes through its
// documented intermediate states: the simulator settles what is due on
// the next request). The simulator's own zero means its 100 ms default.
func finishAfter(d Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return time.Duration(d)
}

// LoadKey reads the partner's private key from the file or environment
// variable the plan names, and checks it before anything is sent: an RSA
// key of at least 2048 bits, not passphrase-protected. Exactly one of the
// two must be set. A key file that group or others can read gets a warning
// on env.Stderr; the run goes on.
func LoadKey(c Config, env Env) (*rsa.PrivateKey, error) {
	switch {
	case c.Client.PrivateKeyFile != "" && c.Client.PrivateKeyEnv != "":
		// Validate says so too; LoadKey is also called on its own.
		return nil, c.fieldErr("client", "private_key_file (or HOMOLOG_PRIVATE_KEY_FILE) and private_key_env are both set: keep the one that holds the key registered with Stone")
	case c.Client.PrivateKeyEnv != "":
		name := c.Client.PrivateKeyEnv
		var pemText string
		ok := false
		if env.Lookup != nil {
			pemText, ok = env.Lookup(name)
		}
		if !ok || strings.TrimSpace(pemText) == "" {
			return nil, c.fieldErr("client.private_key_env", "environment variable %s is not set: it must hold the PEM of the private key registered with Stone", name)
		}
		// CI secrets are often stored with "\n" for the line breaks.
		if !strings.Contains(pemText, "\n") {
			pemText = strings.ReplaceAll(pemText, `\n`, "\n")
		}
		key, err := stone.ParsePrivateKey([]byte(pemText))
		if err != nil {
			return nil, c.fieldErr("client.private_key_env", "environment variable %s: %v", name, err)
		}
		return key, nil
	case c.Client.PrivateKeyFile != "":
		return readKeyFile(c.Client.PrivateKeyFile, env.Stderr)
	}
	return nil, c.fieldErr("client.private_key_file", "no private key given: name a PEM file (or set HOMOLOG_PRIVATE_KEY_FILE) or set private_key_env")
}

// planKey is the key the plan names, or nil when it names none (the
// simulator then makes a throwaway one).
func planKey(c Config, env Env) (*rsa.PrivateKey, error) {
	if c.Client.PrivateKeyFile == "" && c.Client.PrivateKeyEnv == "" {
		return nil, nil
	}
	return LoadKey(c, env)
}

func readKeyFile(path string, warn io.Writer) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{File: path, Field: "client.private_key_file", Err: fmt.Errorf("cannot read the private key: %w", errors.Unwrap(err))}
	}
	key, err := stone.ParsePrivateKey(data)
	if err != nil {
		return nil, &ConfigError{File: path, Field: "client.private_key_file", Err: err}
	}
	warnReadable(path, warn)
	return key, nil
}

// warnReadable warns when a private key file can be read by group or
// others. It is a warning, not an error: the key may sit on a single-user
// machine or in a CI workspace whose permissions the user does not choose.
func warnReadable(path string, warn io.Writer) {
	if warn == nil || runtime.GOOS == "windows" { // Windows has no such mode bits
		return
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm()&0o044 == 0 {
		return
	}
	fmt.Fprintf(warn, "homolog: warning: %s: the private key is readable by group or others (mode %04o); run chmod 600 %s\n", path, st.Mode().Perm(), path)
}

// Env is what the run may read from the process: only the CLI touches the
// real environment and standard streams.
type Env struct {
	Lookup func(string) (string, bool)
	Stdout io.Writer
	Stdin  io.Reader
	Stderr io.Writer // warnings (a key file others can read); nil → none
	// Interactive says Stdin is a terminal a person types into. Without
	// one (a CI job), and without a loopback redirect URI to catch the
	// consent on, what needs the account owner is reported blocked.
	Interactive bool
}
