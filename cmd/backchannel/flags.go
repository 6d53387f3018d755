package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

var (
	errHelp      = errors.New("help requested")
	errFlagParse = errors.New("bad flags")
)

// DefaultReps is the default number of replications of run and compare:
// the default study (5 arms, horizon 520) takes about 10 s on 2 cores.
const DefaultReps = 2000

// DefaultSeed is the default master seed.
const DefaultSeed = 1

// newFlagSet returns a flag set that reports to c.stderr and prints usage
// (a synopsis, then the flags) on -h or on a bad flag.
func (c *cli) newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\nflags:\n", strings.TrimRight(synopsis, "\n"))
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses flags and positional arguments in any order (the flag
// package alone stops at the first positional argument); "--" ends the
// flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, errFlagParse
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if i := len(args) - len(rest) - 1; i >= 0 && args[i] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// policyList is a repeatable --policy flag.
type policyList []sim.Policy

func (p *policyList) String() string {
	var names []string
	for _, x := range *p {
		names = append(names, x.Name())
	}
	return strings.Join(names, ",")
}

func (p *policyList) Set(s string) error {
	if s == scenarioPolicyName {
		*p = append(*p, scenarioPolicy{})
		return nil
	}
	pol, err := sim.ParsePolicy(s)
	if err != nil {
		return fmt.Errorf("%w (or %q: the scenario's own policy field)", err, scenarioPolicyName)
	}
	*p = append(*p, pol)
	return nil
}

// first returns the first policy, or nil.
func (p policyList) first() sim.Policy {
	if len(p) == 0 {
		return nil
	}
	return p[0]
}

// scenarioPolicyName is the --policy value that stands for the scenario's
// own policy field.
const scenarioPolicyName = "scenario"

// scenarioPolicy marks --policy scenario in a policyList until resolve
// replaces it by the scenario's policy; it never reaches a runner.
type scenarioPolicy struct{}

func (scenarioPolicy) Name() string { return scenarioPolicyName }
func (scenarioPolicy) Choose(*sim.View) sim.Channel {
	panic("backchannel: --policy scenario was not resolved")
}

// resolve returns the policies with --policy scenario replaced by the
// policy field of sc (read from file, for the error message).
func (p policyList) resolve(sc *sim.Scenario, file string) ([]sim.Policy, error) {
	out := make([]sim.Policy, len(p))
	for i, x := range p {
		if _, ok := x.(scenarioPolicy); !ok {
			out[i] = x
			continue
		}
		pol, err := sim.ParsePolicy(sc.Policy)
		if err != nil {
			if file == "" {
				file = "the default scenario"
			}
			return nil, usagef("--policy scenario: %s: %v", file, err)
		}
		out[i] = pol
	}
	return out, nil
}

// optBool is a boolean flag that remembers whether it was set.
type optBool struct{ set, v bool }

func (b *optBool) String() string   { return strconv.FormatBool(b.v) }
func (b *optBool) IsBoolFlag() bool { return true }
func (b *optBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.set, b.v = true, v
	return nil
}

// runFlags are the flags shared by run, compare and sweep.
type runFlags struct {
	scenario  string
	policies  policyList
	reps      int
	seed      uint64
	workers   int
	horizon   int
	blockSize int
	out       string
	json      bool
	csv       bool
	noFigures bool
	progress  optBool
	timing    bool
	fig       figOpts // figures, figure data and report (report.go)
	maxMemGiB float64
	// impasseK is the order of repeated impasse (sim.Study.ImpasseK), a
	// flag of the commands with --json (hasImpasseK).
	impasseK    int
	hasImpasseK bool
}

// flagSet says which of the shared flags a command has.
type flagSet struct {
	scenario, csv, json bool
	reps                int    // default of --reps
	repsHelp            string // usage of --reps
	policyHelp          string // usage of --policy
}

func (f *runFlags) register(fs *flag.FlagSet, with flagSet) {
	if with.scenario {
		fs.StringVar(&f.scenario, "scenario", "", "scenario `FILE` (YAML or JSON; fields left out keep their defaults; see `backchannel scenario`)")
	}
	if with.policyHelp == "" {
		with.policyHelp = "channel `POLICY`, repeatable: front-only, back-only, back-then-front[=T], reliance=P, parallel, or scenario (the scenario's policy field)"
	}
	fs.Var(&f.policies, "policy", with.policyHelp)
	if with.repsHelp == "" {
		with.repsHelp = "number `N` of replications"
	}
	fs.IntVar(&f.reps, "reps", with.reps, with.repsHelp)
	fs.Uint64Var(&f.seed, "seed", DefaultSeed, "master `SEED`; replication i draws from a generator derived from (SEED, i)")
	fs.IntVar(&f.workers, "workers", 0, "worker goroutines `W` (0: all CPUs); results do not depend on it")
	fs.IntVar(&f.horizon, "horizon", 0, "override the scenario's horizon: `H` rounds (weeks)")
	fs.IntVar(&f.blockSize, "block-size", mc.DefaultBlockSize, "replications per block `B` (unit of work, checkpoints and merges)")
	fs.StringVar(&f.out, "out", "backchannel-out", "output `DIR` for figures and data files")
	if with.json {
		fs.BoolVar(&f.json, "json", false, "print the JSON summary (docs/OUTPUTS.md) on stdout instead of the table")
		f.hasImpasseK = true
		fs.IntVar(&f.impasseK, "impasse-k", sim.DefaultImpasseK, fmt.Sprintf("repeated impasse is the `K`-th impasse, 1..%d (docs/MODEL.md 7.18): the table, summary and figures report it", sim.MaxImpasses))
	}
	if with.csv {
		fs.BoolVar(&f.csv, "csv", false, "also write outcomes.csv: one row per replication and arm (keeps every outcome in memory)")
	}
	fs.BoolVar(&f.noFigures, "no-figures", false, "do not write figures")
	fs.Var(&f.progress, "progress", "progress bar on stderr (default: on when stderr is a terminal)")
	fs.BoolVar(&f.timing, "timing", false, "print the wall time on stderr")
	f.fig.register(fs, with.csv)
	fs.Float64Var(&f.maxMemGiB, "max-memory", defaultMaxMemoryGiB(), "refuse to start a run whose estimated memory exceeds `GIB` GiB (default: half the physical memory, at least 4)")
}

// check returns a usage error for out-of-range numeric flags.
func (f *runFlags) check() error {
	var errs []string
	if f.reps < 0 {
		errs = append(errs, fmt.Sprintf("--reps = %d: must be ≥ 0", f.reps))
	}
	if f.workers < 0 {
		errs = append(errs, fmt.Sprintf("--workers = %d: must be ≥ 0", f.workers))
	}
	if f.horizon < 0 {
		errs = append(errs, fmt.Sprintf("--horizon = %d: must be ≥ 1 (or 0: the scenario's)", f.horizon))
	}
	if f.blockSize < 1 {
		errs = append(errs, fmt.Sprintf("--block-size = %d: must be ≥ 1", f.blockSize))
	}
	if f.hasImpasseK && (f.impasseK < 1 || f.impasseK > sim.MaxImpasses) {
		errs = append(errs, fmt.Sprintf("--impasse-k = %d: must be in 1..%d", f.impasseK, sim.MaxImpasses))
	}
	if f.csv && f.out == "" {
		errs = append(errs, "--csv writes outcomes.csv into the --out directory, but --out is empty (no files); give --out DIR")
	}
	if len(errs) > 0 {
		return usagef("%s", strings.Join(errs, "; "))
	}
	if err := f.fig.check(); err != nil {
		return err
	}
	if err := checkFigureEnv(f.out, f.noFigures); err != nil {
		return err
	}
	return f.checkLimits()
}

// sourceDateError is figures.SourceDateError (a variable so that a test
// can stand in for a malformed SOURCE_DATE_EPOCH, which figures reads when
// the program starts).
var sourceDateError = figures.SourceDateError

// checkFigureEnv refuses, before anything is computed, a run that would
// write figures while SOURCE_DATE_EPOCH is malformed (PDF output would
// then fail at the end, after the computation).
func checkFigureEnv(out string, noFigures bool) error {
	if out == "" || noFigures {
		return nil
	}
	if err := sourceDateError(); err != nil {
		return usagef("%v; unset it, fix it, or pass --no-figures", err)
	}
	return nil
}

// showProgress reports whether to draw the progress bar.
func (c *cli) showProgress(f *runFlags) bool {
	if f.progress.set {
		return f.progress.v
	}
	return c.stderrTTY
}

// loadScenario reads and validates a scenario file; "" is the default
// scenario. horizon > 0 overrides the horizon. Problems are usage errors
// (exit 2) naming the field, the value and the allowed range.
func loadScenario(path string, horizon int) (*sim.Scenario, error) {
	sc := sim.DefaultScenario()
	if path != "" {
		data, err := readInput(path, sim.MaxScenarioBytes)
		if err != nil {
			return nil, usagef("scenario: %v", err)
		}
		if sc, err = sim.ParseScenario(data); err != nil {
			return nil, usagef("%s: %v", path, err)
		}
	}
	if horizon > 0 {
		sc = sc.Clone()
		sc.Horizon = horizon
		if err := sc.Validate(); err != nil {
			return nil, usagef("--horizon: invalid scenario:\n%v", err)
		}
	}
	return sc, nil
}
