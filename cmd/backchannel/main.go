// Command backchannel runs Monte Carlo studies of secret ("back-channel")
// negotiations with the github.com/backchannel-sim/backchannel model.
//
// Usage:
//
//	backchannel run      [flags]            run a study (default: the built-in policies side by side)
//	backchannel scenario                    print the default scenario as commented YAML
//	backchannel sweep    --param F=A:B:S    sweep scenario fields (grid or Latin hypercube)
//	backchannel compare  A.yaml B.yaml      two scenarios on common random numbers
//	backchannel merge    FILE...            combine the partial files of sharded runs, sweeps or checkpoints
//	backchannel explore  sobol|morris|prim  global sensitivity (Sobol, Morris) and scenario discovery (PRIM)
//	backchannel calibrate --targets FILE    fit scenario parameters to a case's record (ABC-SMC)
//
// Run "backchannel COMMAND -h" for the flags of a command. The outputs
// (JSON summary, CSV columns, partial-result files) are documented in
// docs/OUTPUTS.md.
//
// Exit status: 0 success; 1 runtime failure (including an internal error,
// reported in one line with where to report it); 2 bad usage or invalid
// input (scenario, flags, limits, unwritable output paths, corrupt or
// mismatched partial files); 130 interrupted (SIGINT or SIGTERM), after
// writing the partial results.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/backchannel-sim/backchannel/results"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command: it parses args, runs the subcommand and
// returns the exit code. SIGINT and SIGTERM cancel the run, which then
// writes its partial results.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c := &cli{ctx: ctx, stdout: stdout, stderr: stderr, getenv: os.Getenv, now: time.Now}
	c.stderrTTY = isTerminal(stderr)
	return c.main(args)
}

// cli holds what a subcommand needs from its environment, so that tests
// can run it in-process with their own context, writers and variables.
type cli struct {
	ctx       context.Context
	stdout    io.Writer
	stderr    io.Writer
	getenv    func(string) string
	now       func() time.Time
	stderrTTY bool
	// onProgress, if set, is called after every finished block with the
	// replications done so far (tests use it to cancel mid-run).
	onProgress func(done, total int)
	// beforeCommand, if set, is called before the subcommand runs (tests
	// use it to simulate an internal failure).
	beforeCommand func()
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// usageError marks bad usage or invalid input: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// errInterrupted is returned (wrapped) when a run was cancelled and its
// partial results were written.
var errInterrupted = errors.New("interrupted")

const mainUsage = `usage: backchannel COMMAND [flags]

commands:
  run        run a study: by default the built-in channel policies side by side
             on common random numbers, on the default scenario
  scenario   print the default scenario as commented YAML (edit it, pass --scenario)
  sweep      sweep scenario fields or policy parameters (grid or Latin hypercube)
  compare    run two scenarios as two arms on common random numbers
  merge      combine the partial-result files of sharded runs, sharded sweeps or checkpoints
  explore    Sobol indices, Morris screening or PRIM boxes over the scenario's parameters
  calibrate  fit scenario parameters to a case's observed targets (ABC-SMC)

Run "backchannel COMMAND -h" for a command's flags. Outputs are documented in
docs/OUTPUTS.md. Exit status: 0 ok, 1 failure, 2 bad usage or input,
130 interrupted (partial results written).
`

func (c *cli) main(args []string) (code int) {
	// No Go stack trace ever: an internal failure (a bug) is one line
	// saying where to report it, and exit status 1.
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintln(c.stderr, internalError(v))
			code = exitFailure
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(c.stderr, mainUsage)
		return exitUsage
	}
	if c.beforeCommand != nil {
		c.beforeCommand()
	}
	var err error
	switch args[0] {
	case "run":
		err = c.runCmd(args[1:])
	case "scenario":
		err = c.scenarioCmd(args[1:])
	case "sweep":
		err = c.sweepCmd(args[1:])
	case "compare":
		err = c.compareCmd(args[1:])
	case "merge":
		if isExploreMerge(args[1:]) {
			err = c.exploreMergeCmd(args[1:])
		} else {
			err = c.mergeCmd(args[1:])
		}
	case "explore":
		err = c.exploreCmd(args[1:])
	case "calibrate":
		err = c.calibrateCmd(args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Fprint(c.stdout, mainUsage)
		return exitOK
	default:
		fmt.Fprintf(c.stderr, "backchannel: unknown command %q\n\n%s", args[0], mainUsage)
		return exitUsage
	}
	return c.exitCode(err)
}

// exitCode reports err on stderr and maps it to an exit code.
func (c *cli) exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.Is(err, errFlagParse):
		return exitUsage // the flag package has printed the problem and the usage
	case errors.As(err, &ue), errors.Is(err, results.ErrCorrupt), errors.Is(err, results.ErrIncompatible), errors.Is(err, results.ErrMissing):
		fmt.Fprintf(c.stderr, "backchannel: %v\n", err)
		return exitUsage
	case errors.Is(err, errInterrupted):
		fmt.Fprintf(c.stderr, "backchannel: %v\n", err)
		return exitInterrupted
	default:
		fmt.Fprintf(c.stderr, "backchannel: %v\n", err)
		return exitFailure
	}
}
