package main

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/openbank-homolog/homolog/evidence"
	"github.com/openbank-homolog/homolog/runner"
)

func newVerifyCmd(s streams) *cobra.Command {
	var (
		pubPath string
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "verify BUNDLE",
		Short: "Check a bundle's signature, every file's hash and the journal chain, offline",
		Long: `Check an evidence bundle offline: the RS256 signature of manifest.json
(manifest.jws), the SHA-256 of every file listed in the manifest, that no file
was added or removed, and the journal's hash chain line by line.

Pass --public-key with the partner's public key as Stone holds it (from the
application's registration): that proves who made the bundle. Without it the
key inside the bundle is used, which proves only that the bundle is intact.

Exit codes: 0 intact, 1 tampered, incomplete on disk or unsigned, 2 usage.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var pub *rsa.PublicKey
			if pubPath != "" {
				data, err := os.ReadFile(pubPath)
				if err != nil {
					return &runner.ConfigError{File: pubPath, Field: "--public-key", Err: unwrapPath(err)}
				}
				if pub, err = evidence.ParsePublicKey(data); err != nil {
					return &runner.ConfigError{File: pubPath, Field: "--public-key", Err: err}
				}
			}
			v, err := evidence.VerifyWith(runner.ResolveBundle(args[0]), evidence.VerifyOptions{PublicKey: pub, Documented: runner.DocumentedTarget})
			if errors.Is(err, evidence.ErrNotBundle) {
				return &runner.ConfigError{File: args[0], Err: errors.New("not a bundle folder (expected a folder written by homolog run)")}
			}
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				_ = enc.Encode(struct {
					OK bool `json:"ok"`
					*evidence.Verification
				}{v.OK(), v})
			} else {
				for _, c := range v.Checks {
					mark := "ok  "
					if !c.OK {
						mark = "FAIL"
					}
					fmt.Fprintf(s.out, "%s  %-10s %s\n", mark, c.Name, c.Detail)
				}
				if v.Verdict != "" {
					fmt.Fprintf(s.out, "verdict   Homologation %s\n", v.Verdict)
				}
			}
			if !v.OK() {
				fmt.Fprintf(s.err, "homolog: %s: the bundle does not verify\n", args[0])
				return exitError{1}
			}
			if !asJSON {
				fmt.Fprintf(s.out, "%s: intact\n", args[0])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&pubPath, "public-key", "", "the partner's public key (PEM) as registered with Stone")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the checks as JSON")
	return cmd
}
