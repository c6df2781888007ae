package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/runner"
)

func newRecheckCmd(s streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "recheck BUNDLE",
		Short: "Recompute every scenario's verdict from a bundle's recorded exchanges",
		Long: `Recompute every scenario's verdict from the bundle alone (journal.ndjson and
bodies/): each check the run recorded is run again, by name, with this
homolog's check functions, over the journal records it names, and the
scenario's verdict follows from them. Each recomputed verdict is compared
with the recorded one. The bundle's integrity is verified too and reported,
but the verdicts are recomputed regardless.

Exit codes: 0 every verdict recomputes as recorded and the bundle is intact,
1 a verdict differs or the bundle is not intact, 2 usage.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			rc, err := evidence.RecheckBundle(runner.ResolveBundle(args[0]), evidence.VerifyOptions{Documented: runner.DocumentedTarget})
			if errors.Is(err, evidence.ErrNotBundle) {
				return &runner.ConfigError{File: args[0], Err: errors.New("not a bundle folder (expected a folder written by homolog run)")}
			}
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rc); err != nil {
					return err
				}
			} else {
				printRecheck(s, rc)
			}
			if !rc.Same() {
				return exitError{1}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"intact", "scenarios": [{feature, scenario, recorded, recomputed, checks, differences}]} as JSON`)
	return cmd
}

func printRecheck(s streams, rc *evidence.Recheck) {
	same := 0
	for _, sc := range rc.Scenarios {
		mark := "same"
		if sc.Recorded != sc.Recomputed || len(sc.Differences) > 0 {
			mark = "DIFF"
		} else {
			same++
		}
		fmt.Fprintf(s.out, "%-4s  recorded %-9s recomputed %-9s %s › %s (%d checks)\n", mark, sc.Recorded, sc.Recomputed, sc.Feature, sc.Scenario, sc.Checks)
		for _, d := range sc.Differences {
			fmt.Fprintf(s.out, "        %s\n", d)
		}
	}
	for _, p := range rc.Problems {
		fmt.Fprintf(s.out, "problem  %s\n", p)
	}
	integrity := "the bundle is intact"
	if !rc.Intact {
		integrity = "the bundle is NOT intact:"
		for _, c := range rc.Integrity {
			if !c.OK {
				integrity += " " + c.Name + " (" + c.Detail + ");"
			}
		}
	}
	fmt.Fprintf(s.out, "%d of %d scenarios recompute as recorded; %s\n", same, len(rc.Scenarios), integrity)
}
