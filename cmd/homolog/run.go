package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/openbank-homolog/homolog/locale"
	"github.com/openbank-homolog/homolog/runner"
)

// defaultConfig is read when --config is not given and the file exists.
const defaultConfig = "scenarios.yaml"

func newRunCmd(s streams) *cobra.Command {
	var (
		configPath, target, tags, out, operator, name, lang string
		concurrency                                         int
		failFast                                            bool
	)
	cmd := &cobra.Command{
		Use:   "run [FILE:LINE...]",
		Short: "Run the homologation plan and write an evidence bundle",
		Long: `Run the homologation plan (scenarios.yaml) against its target and write a
new timestamped evidence bundle inside --out. With no configuration at all it
runs the built-in script against the embedded simulator.

FILE:LINE arguments (the line of a Scenario or of one of its steps) and
--name select scenarios; what they need is still built by their Given
steps, or reported blocked. --fail-fast stops at the first scenario that
does not pass. Any of these makes the verdict partial. --lang pt-BR runs
the built-in script in Portuguese (features/pt) and speaks Portuguese in
the progress lines, the owner's prompts, summary.md and report.html.

Exit codes: 0 all passed, 1 a scenario failed or was blocked, 2 usage or
configuration error, 3 incomplete (interrupted or timed out).`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(configPath, cmd.Flags().Changed("config"))
			if err != nil {
				return err
			}
			if err := cfg.ApplyEnv(s.lookup); err != nil {
				return err
			}
			flags := cmd.Flags()
			if flags.Changed("target") {
				cfg.Target = target
			}
			if flags.Changed("tags") {
				cfg.Tags = tags
			}
			if flags.Changed("out") {
				cfg.Out = out
			}
			if flags.Changed("operator") {
				cfg.Operator = operator
			}
			if flags.Changed("concurrency") {
				cfg.Concurrency = concurrency
			}
			if flags.Changed("name") {
				cfg.Name = name
			}
			if flags.Changed("fail-fast") {
				cfg.FailFast = failFast
			}
			if flags.Changed("lang") {
				if cfg.Lang, err = locale.Parse(lang); err != nil {
					return &runner.ConfigError{File: "flag", Field: "--lang", Err: err}
				}
			}
			if len(args) > 0 {
				cfg.Lines = args
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			opts := runner.Options{
				Config:  cfg,
				Env:     runner.Env{Lookup: s.lookup, Stdout: s.out, Stdin: s.in, Stderr: s.err, Interactive: s.interactive},
				Version: version(),
				Keys:    s.keys,
			}
			if cfg.Webhooks.PartnerURL != "" {
				// The partner's receiver is tested with homolog's test
				// Stone key, the one homolog webhooks keys prints.
				if opts.StoneKey, err = loadStoneKey(s, ""); err != nil {
					return err
				}
			}
			res, err := runner.Run(cmd.Context(), opts)
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
	f.StringVar(&configPath, "config", defaultConfig, "the plan file")
	f.StringVar(&target, "target", "", "simulator, sandbox or production (overrides the plan)")
	f.StringVar(&tags, "tags", "", `godog tag expression: @tag, ~@tag (not), && (and), "," (or); e.g. "@stage-1,@stage-2"`)
	f.StringVar(&out, "out", "", "folder for the bundle (default ./reports)")
	f.StringVar(&operator, "operator", "", "who runs this homologation (recorded in the bundle)")
	f.IntVar(&concurrency, "concurrency", 1, "scenarios run at once")
	f.StringVar(&name, "name", "", "run only the scenarios whose name matches this regular expression")
	f.BoolVar(&failFast, "fail-fast", false, "stop at the first scenario that does not pass (the bundle says why it is incomplete)")
	f.StringVar(&lang, "lang", "", "en or pt-BR: the built-in script, progress, owner prompts and reports in that language (overrides lang: and HOMOLOG_LANG)")
	return cmd
}

// loadConfig reads the plan. A missing default scenarios.yaml means the
// built-in defaults; a missing file named with --config is an error.
func loadConfig(path string, explicit bool) (runner.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return runner.Defaults(), nil
		}
		return runner.Config{}, &runner.ConfigError{File: path, Err: fmt.Errorf("cannot read the plan: %w", errors.Unwrap(err))}
	}
	return runner.ParseConfig(path, data)
}
