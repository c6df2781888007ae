package runner

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
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
func openTarget(c Config, env Env, webhookURL string, keys KeySource) (*target, error) {
	switch c.Target {
	case TargetSimulator:
		return openSimulator(c, webhookURL, keys)
	case TargetSandbox, TargetProduction:
		key, err := LoadKey(c, env)
		if err != nil {
			return nil, err
		}
		eps := TargetEndpoints(c)
		t := &target{
			name: c.Target, endpoints: eps, clientID: c.Client.ID, key: key,
			fixtures: configFixtures(c),
			poll:     time.Duration(c.Owner.Poll), wait: time.Duration(c.Owner.Wait),
			close: func() error { return nil },
		}
		// One person for the whole run, hence one reader of their input:
		// the run asks for its owner once.
		t.owner = func(_ *stone.Client, _ *http.Client, ev steps.Evidence, actions int) steps.Owner {
			return steps.NewPersonOwner(steps.PersonOptions{Out: env.Stdout, In: env.Stdin, Interactive: env.Interactive,
				RedirectURI: c.Client.RedirectURI, Actions: actions, Poll: t.poll, Wait: t.wait, Evidence: ev})
		}
		return t, nil
	}
	return nil, c.fieldErr("target", "unknown target %q", c.Target)
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

func openSimulator(c Config, webhookURL string, keys KeySource) (*target, error) {
	var key *rsa.PrivateKey
	var err error
	if c.Client.PrivateKeyFile != "" {
		if key, err = readKeyFile(c.Client.PrivateKeyFile); err != nil {
			return nil, err
		}
	} else if key, err = keys.Key(KeyClient); err != nil {
		return nil, err
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
	sim, err := simulator.New(simulator.Options{
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
// variable the plan names.
func LoadKey(c Config, env Env) (*rsa.PrivateKey, error) {
	if c.Client.PrivateKeyEnv != "" {
		pemText, ok := env.Lookup(c.Client.PrivateKeyEnv)
		if !ok || pemText == "" {
			return nil, c.fieldErr("client.private_key_env", "environment variable %s is not set", c.Client.PrivateKeyEnv)
		}
		key, err := ParsePrivateKey([]byte(pemText))
		if err != nil {
			return nil, c.fieldErr("client.private_key_env", "%s: %v", c.Client.PrivateKeyEnv, err)
		}
		return key, nil
	}
	return readKeyFile(c.Client.PrivateKeyFile)
}

func readKeyFile(path string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{File: path, Field: "client.private_key_file", Err: fmt.Errorf("cannot read the private key: %w", errors.Unwrap(err))}
	}
	key, err := ParsePrivateKey(data)
	if err != nil {
		return nil, &ConfigError{File: path, Field: "client.private_key_file", Err: err}
	}
	return key, nil
}

// ParsePrivateKey reads an RSA private key from PEM (PKCS#1 "RSA PRIVATE
// KEY", as openssl genrsa writes, or PKCS#8 "PRIVATE KEY").
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New(`not a PEM file: expected an "RSA PRIVATE KEY" block (openssl genrsa) or a "PRIVATE KEY" block (PKCS#8)`)
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("invalid RSA private key: %w", err)
		}
		return key, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("invalid PKCS#8 private key: %w", err)
		}
		key, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("the key is %T, Stone needs an RSA key", k)
		}
		return key, nil
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return nil, errors.New("this is a public key: homolog signs with the private key (keep the .pub for Stone)")
	default:
		return nil, fmt.Errorf("PEM block %q is not an RSA private key", block.Type)
	}
}

// Env is what the run may read from the process: only the CLI touches the
// real environment and standard streams.
type Env struct {
	Lookup func(string) (string, bool)
	Stdout io.Writer
	Stdin  io.Reader
	// Interactive says Stdin is a terminal a person types into. Without
	// one (a CI job), and without a loopback redirect URI to catch the
	// consent on, what needs the account owner is reported blocked.
	Interactive bool
}
