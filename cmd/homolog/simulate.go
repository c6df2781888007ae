package main

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/runner"
	"github.com/openbank-homolog/homolog/simulator"
	"github.com/openbank-homolog/homolog/stone"
)

func newSimulateCmd(s streams) *cobra.Command {
	var (
		addr, redirect, webhookURL, baseURL, stoneKeyPath, pin string
		clients                                                []string
		faults                                                 simulator.Faults
		noControls                                             bool
	)
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Serve the Stone sandbox simulator for any client (curl, Postman, an SDK)",
		Long: `Serve the embedded Stone sandbox simulator on one host: the token endpoint
(/auth/realms/stone_bank/protocol/openid-connect/token), the API (/api/v1/...),
the consent page (/consentimento) and the test controls (/_sim/...).

Register each client with --client CLIENT_ID=PUBLIC_KEY.pem; the simulator
verifies client assertions and consent JWTs with that key, and encrypts
webhooks to it. It prints its base URL and, per client, the seeded fixtures
(account ids, transfer targets, PIX keys, test boletos). Stop it with Ctrl-C.

Faults are off by default; --error-rate, --rate-limit-rate, --unavailable-rate,
--drop-rate and --latency inject them into the API and token endpoint (never
into /_sim/), drawn from --fault-seed so a failing run can be repeated.

It listens on 127.0.0.1 unless --addr says otherwise, and warns when the
address is reachable from other machines: the /_sim/ controls (approve as the
owner, move the clock, inject faults) need no token. --no-controls leaves
them out. A request must arrive whole within 30 s and an idle connection is
closed after 2 min, so a client trickling its body cannot hold one forever.

--stone-key makes the simulator sign with that RSA key (webhooks and access
tokens) and publish it at /api/v1/discovery/keys: given homolog's test Stone
key, a partner's receiver configured once against this simulator also
verifies the deliveries of homolog webhooks send.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := faults.Validate(); err != nil {
				return faultFlagError(err)
			}
			if webhookURL != "" {
				if err := checkWebhookURL(webhookURL); err != nil {
					return &runner.ConfigError{File: "flag", Field: "--webhook-url", Err: err}
				}
			}
			opts := simulator.Options{Faults: faults, BaseURL: baseURL, NoControls: noControls, PIN: pin}
			if stoneKeyPath != "" {
				data, err := os.ReadFile(stoneKeyPath)
				if err != nil {
					return &runner.ConfigError{File: stoneKeyPath, Field: "--stone-key", Err: unwrapPath(err)}
				}
				if opts.SigningKey, err = stone.ParsePrivateKey(data); err != nil {
					return &runner.ConfigError{File: stoneKeyPath, Field: "--stone-key", Err: err}
				}
			}
			sim, err := simulator.New(opts)
			if err != nil {
				field := ""
				if baseURL != "" && strings.Contains(err.Error(), "base URL") {
					field = "--base-url"
				}
				return &runner.ConfigError{File: "flag", Field: field, Err: err}
			}
			var registered []simulator.Fixtures
			for i, spec := range clients {
				id, path, ok := strings.Cut(spec, "=")
				if !ok || id == "" || path == "" {
					return &runner.ConfigError{File: "flag", Field: fmt.Sprintf("--client[%d]", i), Err: fmt.Errorf("%q: want CLIENT_ID=PUBLIC_KEY.pem", spec)}
				}
				pub, err := readPublicKey(path)
				if err != nil {
					return &runner.ConfigError{File: "flag", Field: "--client " + id, Err: fmt.Errorf("%s: %w", path, err)}
				}
				fx, err := sim.Register(simulator.Client{ID: id, PublicKey: pub, RedirectURI: redirect, WebhookURL: webhookURL})
				if err != nil {
					return err
				}
				registered = append(registered, fx)
			}
			if err := sim.Start(addr); err != nil {
				return &runner.ConfigError{File: "flag", Field: "--addr", Err: err}
			}
			defer sim.Close()
			if host, reachable := reachableFromOutside(sim.URL()); reachable {
				fmt.Fprintf(s.err, "warning: listening on %s, which other machines can reach; the /_sim/ controls need no token (--no-controls leaves them out), and client assertions name the realm of --base-url, this address or Stone's sandbox\n", host)
			}
			fmt.Fprintln(s.out, sim.URL())
			enc := json.NewEncoder(s.err)
			enc.SetIndent("", "  ")
			for _, fx := range registered {
				fmt.Fprintf(s.err, "client %s:\n", fx.ClientID)
				_ = enc.Encode(fx)
				if block, err := runner.FixturesYAML(fx); err == nil {
					fmt.Fprintf(s.err, "# for a sandbox plan pointed at this simulator (target: sandbox, client.id: %s,\n# endpoints: {auth_url, api_url, site_url}: %s), paste into scenarios.yaml\n# and export HOMOLOG_PIN with the owners' PIN (--pin):\n%s", fx.ClientID, sim.URL(), block)
				}
			}
			if len(registered) == 0 {
				fmt.Fprintln(s.err, "no client registered: pass --client CLIENT_ID=PUBLIC_KEY.pem to accept assertions")
			}
			<-cmd.Context().Done()
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT; port 0 picks a free one); a non-loopback address gets a warning")
	f.StringVar(&baseURL, "base-url", "", "URL clients reach the simulator at, when not --addr (a proxy, a container); its realm is an accepted assertion audience")
	f.StringVar(&pin, "pin", simulator.DefaultPIN, "the account owners' PIN that top-up challenges expect")
	f.BoolVar(&noControls, "no-controls", false, "leave out the /_sim/ test controls (they answer 404)")
	f.StringArrayVar(&clients, "client", nil, "register a client: CLIENT_ID=PUBLIC_KEY.pem (repeatable)")
	f.StringVar(&redirect, "redirect-uri", "", "consent redirect URI registered for every client (default https://partner.example/consent/callback)")
	f.StringVar(&webhookURL, "webhook-url", "", "where webhooks are POSTed for every client (also settable per client: PUT /_sim/clients/{id}/webhook_url)")
	f.StringVar(&stoneKeyPath, "stone-key", "", "sign with this RSA private key (PEM) and serve it at /api/v1/discovery/keys (e.g. homolog's test Stone key)")
	f.Int64Var(&faults.Seed, "fault-seed", 0, "seed of the injected faults: the same seed repeats the same faults")
	f.DurationVar(&faults.Latency, "latency", 0, "latency added to every API answer")
	f.Float64Var(&faults.ErrorRate, "error-rate", 0, "fraction of API requests answered 500")
	f.Float64Var(&faults.RateLimitRate, "rate-limit-rate", 0, "fraction answered 429 with Retry-After")
	f.Float64Var(&faults.UnavailableRate, "unavailable-rate", 0, "fraction answered 503")
	f.Float64Var(&faults.DropRate, "drop-rate", 0, "fraction whose connection is dropped without an answer")
	f.DurationVar(&faults.RetryAfter, "retry-after", 0, "Retry-After of the 429 answers (default 1s)")
	return cmd
}

// readPublicKey reads an RSA public key (PKIX "PUBLIC KEY" as openssl rsa
// -pubout writes, or PKCS#1 "RSA PUBLIC KEY"). A private key is refused: it
// works, but a user who hands a private key where a public one is asked has
// the two mixed up, and will send the wrong one to Stone too.
func readPublicKey(path string) (*rsa.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the public key: %w", unwrapPath(err))
	}
	pub, perr := evidence.ParsePublicKey(data)
	if perr == nil {
		return pub, nil
	}
	if _, err := stone.ParsePrivateKey(data); err == nil {
		return nil, errors.New("is a PRIVATE key; give its public key (public.pem from homolog keys generate, or openssl rsa -in KEY -pubout) and keep the private one to yourself")
	}
	return nil, perr
}

// checkWebhookURL accepts what the simulator can POST to: an absolute
// http(s) URL with a host.
func checkWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q must be an absolute http or https URL such as http://127.0.0.1:9000/hooks", raw)
	}
	return nil
}

// faultFlagError names the flag of the fault setting that is wrong, not
// the Go field behind it.
func faultFlagError(err error) error {
	flags := map[string]string{
		"error_rate": "--error-rate", "rate_limit_rate": "--rate-limit-rate", "unavailable_rate": "--unavailable-rate",
		"drop_rate": "--drop-rate", "latency": "--latency", "retry_after": "--retry-after",
		"rates": "--error-rate + --rate-limit-rate + --unavailable-rate + --drop-rate",
	}
	var fe *simulator.FaultsError
	if errors.As(err, &fe) && flags[fe.JSON] != "" {
		return &runner.ConfigError{File: "flag", Field: flags[fe.JSON], Err: errors.New(fe.Msg)}
	}
	return &runner.ConfigError{File: "flag", Err: err}
}

// reachableFromOutside reports whether the simulator at base listens on an
// address other machines can reach (not loopback), and that address.
func reachableFromOutside(base string) (string, bool) {
	u, err := url.Parse(base)
	if err != nil {
		return base, true
	}
	ip := net.ParseIP(u.Hostname())
	return u.Host, ip == nil || !ip.IsLoopback()
}

// unwrapPath drops the path an *fs.PathError repeats, since messages name
// the file already.
func unwrapPath(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}
