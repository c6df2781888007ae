// Command homolog runs Stone's Open Banking homologation script against the
// embedded simulator or Stone's sandbox and writes a verifiable evidence
// bundle. This is the only package that touches os.Args, os.Exit, the
// environment and the standard streams.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/openbank-homolog/homolog/runner"
)

// stopSignals end a run the way Ctrl-C does: the bundle is sealed, marked
// incomplete, exit 3. SIGHUP is what closing the terminal or losing the SSH
// session sends; its default action would kill the run with no manifest.
func stopSignals() []os.Signal {
	return []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}
}

func main() {
	// With the terminal gone, a pipe behind stdout (homolog run | tee log)
	// may close too: writes then fail with EPIPE instead of SIGPIPE killing
	// the process before it has sealed its bundle.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals()...)
	go func() {
		// The first Ctrl-C asks the run to stop and seal its bundle as
		// incomplete; restoring the default handler lets a second one
		// stop the process at once.
		<-ctx.Done()
		stop()
	}()
	code := execute(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr, lookup: os.LookupEnv, interactive: isTerminal(os.Stdin), configDir: os.UserConfigDir,
		keys: runner.NewKeyCache(runner.KeyCacheOptions{Dir: ephemeralKeysDir()})})
	stop()
	os.Exit(code)
}

// streams are the process's I/O, passed in so tests run the CLI in-process.
type streams struct {
	in          io.Reader
	out         io.Writer
	err         io.Writer
	lookup      func(string) (string, bool)
	interactive bool // in is a terminal a person types into
	// configDir is the user's configuration folder (os.UserConfigDir),
	// where homolog keeps its test Stone key; tests point it elsewhere.
	configDir func() (string, error)
	// keys are the throwaway keys of simulator runs (nil → each run
	// generates its own): kept in the user's cache folder, so a run does
	// not spend most of its CPU generating RSA keys; tests share one.
	keys runner.KeySource
}

// ephemeralKeysDir is where the throwaway keys of simulator runs are kept
// between runs: homolog's folder of the user's cache directory, "" (keep
// them in memory) when there is none. They sign nothing a partner or Stone
// relies on: a bundle signed with one proves its integrity, not who made it.
func ephemeralKeysDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "homolog", "ephemeral-keys")
}

// isTerminal reports whether f is a terminal, not a pipe, a file or
// /dev/null (a character device too, which a mode check would take for one).
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// exitError carries an exit code out of a cobra command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// execute runs the CLI and returns the process exit code.
func execute(ctx context.Context, args []string, s streams) int {
	root := newRoot(s)
	root.SetArgs(args)
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ce *runner.ConfigError
	if errors.As(err, &ce) {
		fmt.Fprintf(s.err, "homolog: %v\n", err)
		return runner.ExitConfig
	}
	// Cobra's own usage errors (unknown flag, wrong arguments) and any
	// other error before a run started are usage problems.
	fmt.Fprintf(s.err, "homolog: %v\n", err)
	return runner.ExitConfig
}

func newRoot(s streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "homolog",
		Short:         "Run Stone's Open Banking homologation script and keep verifiable evidence",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.AddCommand(newRunCmd(s), newVerifyCmd(s), newRecheckCmd(s), newDiffCmd(s), newSimulateCmd(s), newKeysCmd(s), newConsentLinkCmd(s), newWebhooksCmd(s))
	return root
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
