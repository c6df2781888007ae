package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/runner"
)

func newDiffCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "diff BUNDLE_A BUNDLE_B",
		Short: "Show what changed between two runs",
		Long: `Compare two bundles: the run's status, target and client, the feature files
(by hash) and every scenario's status. Exit codes: 0 same, 1 differs, 2 usage.`,
		Args: cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			args[0], args[1] = runner.ResolveBundle(args[0]), runner.ResolveBundle(args[1])
			changes, err := evidence.Diff(args[0], args[1])
			if errors.Is(err, evidence.ErrNotBundle) {
				return &runner.ConfigError{Err: fmt.Errorf("%w (expected folders written by homolog run)", err)}
			}
			if err != nil {
				return &runner.ConfigError{Err: err}
			}
			// Each run's verdict with its scope first: "same" between two
			// partial runs is not "same" between two homologations.
			for i, dir := range args {
				if v, err := evidence.BundleVerdict(dir); err == nil {
					fmt.Fprintf(s.out, "%c  %s: Homologation %s\n", 'A'+i, dir, v)
				}
			}
			if len(changes) == 0 {
				fmt.Fprintln(s.out, "no differences")
				return nil
			}
			for _, c := range changes {
				fmt.Fprintf(s.out, "%-8s %s: %s → %s\n", c.What, c.Name, c.Before, c.After)
			}
			return exitError{1}
		},
	}
}
