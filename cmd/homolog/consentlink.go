package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/openbank-homolog/homolog/runner"
	"github.com/openbank-homolog/homolog/stone"
)

func newConsentLinkCmd(s streams) *cobra.Command {
	var (
		configPath, target string
		ttl                time.Duration
	)
	cmd := &cobra.Command{
		Use:   "consent-link",
		Short: "Print the consent URL for the configured application",
		Long: `Print a consent link for the application in scenarios.yaml: Stone's consent
page with a consent JWT signed by the application's key, for its registered
redirect URI. Show it to the account owner inside your application (Stone
asks partners never to send it by e-mail). It expires after --ttl (at most 2h).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath, cmd.Flags().Changed("config"))
			if err != nil {
				return err
			}
			if err := cfg.ApplyEnv(s.lookup); err != nil {
				return err
			}
			if cmd.Flags().Changed("target") {
				cfg.Target = target
			}
			if cfg.Target == runner.TargetSimulator {
				return &runner.ConfigError{File: cfg.Source, Field: "target", Err: errors.New("consent-link needs target sandbox or production: the simulator's clients exist only while it runs")}
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			if cfg.Client.RedirectURI == "" {
				return &runner.ConfigError{File: cfg.Source, Field: "client.redirect_uri", Err: errors.New("required: the redirect URI registered with Stone")}
			}
			key, err := runner.LoadKey(cfg, runner.Env{Lookup: s.lookup, Stderr: s.err})
			if err != nil {
				return err
			}
			c, err := stone.New(stone.Options{Endpoints: runner.TargetEndpoints(cfg), ClientID: cfg.Client.ID, PrivateKey: key})
			if err != nil {
				return &runner.ConfigError{File: cfg.Source, Field: "client", Err: err}
			}
			link, err := c.ConsentLink(stone.ConsentRequest{
				RedirectURI:     cfg.Client.RedirectURI,
				SessionMetadata: map[string]any{"homolog_session": uuid.NewString()},
				TTL:             ttl,
			})
			if err != nil {
				return &runner.ConfigError{Field: "--ttl", Err: err}
			}
			fmt.Fprintln(s.out, link)
			return nil
		},
	}
	cmd.Flags().StringVar(&configPath, "config", defaultConfig, "the plan file")
	cmd.Flags().StringVar(&target, "target", "", "sandbox or production")
	cmd.Flags().DurationVar(&ttl, "ttl", time.Hour, "how long the link stays valid (at most 2h)")
	return cmd
}
