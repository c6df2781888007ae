package main

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/openbank-homolog/homolog/partnerhook"
	"github.com/openbank-homolog/homolog/runner"
	"github.com/openbank-homolog/homolog/stone"
)

func newWebhooksCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "Test the partner's own webhook receiver the way Stone delivers",
	}
	cmd.AddCommand(newWebhooksSendCmd(s), newWebhooksKeysCmd(s), newWebhooksEventsCmd(s))
	return cmd
}

func newWebhooksSendCmd(s streams) *cobra.Command {
	var (
		configPath, target, events, out, pubPath, stoneKeyPath string
		within                                                 time.Duration
	)
	cmd := &cobra.Command{
		Use:   "send --url URL",
		Short: "Deliver every webhook type to the partner's receiver as Stone does, and as Stone never does",
		Long: `Act as Stone towards the partner's own webhook receiver (--url), for every
event type of the families homolog covers, or those --events names (event
types or families, comma-separated; homolog webhooks events lists them).
For each event type it sends:

  the delivery Stone makes: POST {"encrypted_body": JWE} (RSA-OAEP-256/A256GCM
    for the partner's public key) of a JWS RS256 signed by homolog's test Stone
    key, with x-stone-webhook-event-id and x-stone-webhook-event-type; it must
    be answered 2xx within 10 s (Stone retries otherwise);
  the same event again (same id, same body): it must be answered 2xx too;
  one signed by another key, one encrypted for another key, and a body that
  is not a delivery: none may be answered 2xx.

Deliveries are encrypted for the plan's client key (client.private_key_file,
its public half) or --public-key. They are signed with homolog's test Stone
key, kept in your configuration folder and created on first use, or
--stone-key; point the receiver at its keys with homolog webhooks keys (a
JWKS) or homolog simulate --stone-key (served at /api/v1/discovery/keys).

Every delivery and answer is recorded in a bundle inside --out, signed and
redacted like a run's; homolog verify and homolog recheck read it.

Exit codes: 0 every check held, 1 one did not, 2 usage or configuration
error, 3 incomplete (interrupted).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath, cmd.Flags().Changed("config"))
			if err != nil {
				return err
			}
			if err := cfg.ApplyEnv(s.lookup); err != nil {
				return err
			}
			if cmd.Flags().Changed("out") {
				cfg.Out = out
			}
			if target == "" {
				return &runner.ConfigError{File: "flag", Field: "--url", Err: errors.New("required: the address of the partner's webhook receiver")}
			}
			if within <= 0 || within > runner.StoneWebhookWait {
				return &runner.ConfigError{File: "flag", Field: "--within", Err: fmt.Errorf("%s: must be positive and at most %s, the time Stone waits before it retries", within, runner.StoneWebhookWait)}
			}
			all, err := partnerhook.Select("", nil)
			if err != nil {
				return err
			}
			selected, err := partnerhook.Select(events, nil)
			if err != nil {
				return &runner.ConfigError{File: "flag", Field: "--events", Err: err}
			}
			filter := ""
			if events != "" {
				filter = "events " + events
			}
			var pub *rsa.PublicKey
			if pubPath != "" {
				if pub, err = readPublicKey(pubPath); err != nil {
					return &runner.ConfigError{File: pubPath, Field: "--public-key", Err: err}
				}
			}
			stoneKey, err := loadStoneKey(s, stoneKeyPath)
			if err != nil {
				return err
			}
			res, err := runner.SendWebhooks(cmd.Context(), runner.WebhooksOptions{
				Config: cfg, Env: runner.Env{Lookup: s.lookup, Stdout: s.out, Stdin: s.in},
				URL: target, Events: selected, Of: len(all), Filter: filter,
				PartnerKey: pub, StoneKey: stoneKey, Within: within, Version: version(), Keys: s.keys,
			})
			if err != nil {
				return err
			}
			if res.ExitCode != 0 {
				return exitError{res.ExitCode}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&target, "url", "", "the partner's webhook receiver (http or https)")
	f.StringVar(&events, "events", "", "event types or families to deliver, comma-separated (default: every one homolog knows)")
	f.StringVar(&out, "out", "", "folder for the bundle (default: the plan's out, ./reports)")
	f.StringVar(&configPath, "config", defaultConfig, "the plan file, for the partner's key, redaction and out")
	f.StringVar(&pubPath, "public-key", "", "encrypt for this public key (PEM) instead of the plan's client key")
	f.StringVar(&stoneKeyPath, "stone-key", "", "sign with this RSA private key (PEM) instead of homolog's test Stone key")
	f.DurationVar(&within, "within", runner.StoneWebhookWait, "how soon a 2xx must come; at most Stone's 10s")
	return cmd
}

func newWebhooksKeysCmd(s streams) *cobra.Command {
	var stoneKeyPath string
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Print the JWKS of the Stone key homolog signs test deliveries with",
		Long: `Print, as Stone publishes its keys at /api/v1/discovery/keys, the public half of
the key homolog webhooks send signs deliveries with: {"keys": [{"kty": "RSA",
"use": "sig", "alg": "RS256", "kid": RFC 7638 thumbprint, "n", "e"}]}. Point
the partner's receiver at it (or at homolog simulate --stone-key, which serves
it) for the test, and back at Stone's keys afterwards.

The key is homolog's test Stone key, kept in your configuration folder and
created on first use (its path is printed on stderr), or --stone-key.`,
		Args: cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			key, err := loadStoneKey(s, stoneKeyPath)
			if err != nil {
				return err
			}
			jwks, err := partnerhook.JWKS(&key.PublicKey)
			if err != nil {
				return err
			}
			_, err = s.out.Write(jwks)
			return err
		},
	}
	cmd.Flags().StringVar(&stoneKeyPath, "stone-key", "", "an RSA private key (PEM) instead of homolog's test Stone key")
	return cmd
}

func newWebhooksEventsCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "events",
		Short: "List the event types homolog webhooks send knows, by family",
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "FAMILY\tEVENT TYPE\tTARGET TYPE\tNOTE")
			for _, e := range partnerhook.Catalogue() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Family, e.Type, e.TargetType, e.Note)
			}
			return tw.Flush()
		},
	}
}

// loadStoneKey reads --stone-key, or homolog's test Stone key from the
// user's configuration folder, creating it on first use and saying so.
func loadStoneKey(s streams, path string) (*rsa.PrivateKey, error) {
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &runner.ConfigError{File: path, Field: "--stone-key", Err: unwrapPath(err)}
		}
		key, err := stone.ParsePrivateKey(data)
		if err != nil {
			return nil, &runner.ConfigError{File: path, Field: "--stone-key", Err: err}
		}
		return key, nil
	}
	if s.configDir == nil {
		return nil, &runner.ConfigError{File: "environment", Err: errors.New("no user configuration folder to keep homolog's test Stone key in: pass --stone-key PEM")}
	}
	dir, err := s.configDir()
	if err != nil {
		return nil, &runner.ConfigError{File: "environment", Err: fmt.Errorf("no user configuration folder to keep homolog's test Stone key in (%v): pass --stone-key PEM", err)}
	}
	path = partnerhook.StoneKeyPath(dir)
	key, created, err := partnerhook.EnsureStoneKey(path)
	if err != nil {
		return nil, &runner.ConfigError{Err: err}
	}
	if created {
		fmt.Fprintf(s.err, "homolog: created the test Stone key %s (0600); it stays the same across runs\n", path)
	} else {
		fmt.Fprintf(s.err, "homolog: test Stone key %s\n", path)
	}
	return key, nil
}
