package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/backchannel-sim/backchannel/calibrate"
	"github.com/backchannel-sim/backchannel/sim/targets"
)

const calibrateUsage = `usage: backchannel calibrate --targets FILE [--scenario FILE] [--param FIELD=LO:HI ...] [flags]

Calibrates scenario parameters against a case's observed targets by
approximate Bayesian computation (ABC-SMC, package calibrate): uniform priors
over the ranges given with --param (default: the targets file's params), R
replications per particle summarised as in the targets file (package
sim/targets), tolerances chosen adaptively per generation. Prints the
posterior (mean, SD, 90% credible interval) and the posterior-predictive check
on stdout, one line per generation on stderr, and writes to --out:
posterior.csv (one row per particle: weight, distance, parameters),
predictive.csv (one row per particle and target: simulated and observed),
generations.csv (epsilon, acceptance rate, ESS, simulations per generation),
result.json (every generation) and the figures pairs and predictive.

With --checkpoint FILE the state after each generation is saved there; rerun
the same command to resume from it (the posterior is the same as without
the interruption; generations.csv and result.json then start at the
checkpoint's generation). Results do not depend on --workers.

Example:
  backchannel calibrate --targets examples/oslo/targets.yaml \
      --scenario examples/oslo/scenario.yaml --particles 200 --out oslo-cal
`

// calParamList is a repeatable --param FIELD=LO:HI flag.
type calParamList []targets.Param

func (p *calParamList) String() string {
	var s []string
	for _, q := range *p {
		s = append(s, fmt.Sprintf("%s=%v:%v", q.Name, q.Lo, q.Hi))
	}
	return strings.Join(s, ",")
}

func (p *calParamList) Set(s string) error {
	name, rng, ok := strings.Cut(s, "=")
	lo, hi, ok2 := strings.Cut(rng, ":")
	if !ok || !ok2 || name == "" {
		return fmt.Errorf("want FIELD=LO:HI, got %q", s)
	}
	l, err1 := strconv.ParseFloat(lo, 64)
	h, err2 := strconv.ParseFloat(hi, 64)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("%s: range %q: want two numbers LO:HI", name, rng)
	}
	*p = append(*p, targets.Param{Name: name, Lo: l, Hi: h})
	return nil
}

// calFlags are the flags of calibrate.
type calFlags struct {
	targets, scenario, out, checkpoint string
	params                             calParamList
	particles, workers, reps           int
	generations, budget                int
	seed                               uint64
	minAccept, finalEps, alpha         float64
	kernel, schedule                   string
	noFigures                          bool
}

func (f *calFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.targets, "targets", "", "targets `FILE` (YAML; see package sim/targets); required")
	fs.StringVar(&f.scenario, "scenario", "", "base scenario `FILE` (default: the built-in default scenario)")
	fs.Var(&f.params, "param", "calibrated parameter `FIELD=LO:HI` with a uniform prior, repeatable; replaces the targets file's params")
	fs.IntVar(&f.particles, "particles", 200, "particles `N` per generation")
	fs.IntVar(&f.reps, "reps", 0, "replications `R` per particle (0: the targets file's)")
	fs.IntVar(&f.generations, "generations", 8, "at most `G` generations (generation 0 included)")
	fs.IntVar(&f.budget, "budget", 0, "stop once `S` simulations (of R replications each) have run (0: no budget)")
	fs.Float64Var(&f.minAccept, "min-acceptance", 0.05, "stop after a generation whose acceptance rate is below `A`")
	fs.Float64Var(&f.finalEps, "final-eps", 0, "stop once the tolerance reaches `E` (0: no final tolerance)")
	fs.Float64Var(&f.alpha, "alpha", calibrate.DefaultAlpha, "quantile of the previous distances (or ESS fraction) setting the next tolerance, in (0, 1)")
	fs.StringVar(&f.kernel, "kernel", "olcm", "perturbation kernel `K`: olcm (Filippi et al. 2013) or global (Beaumont et al. 2009)")
	fs.StringVar(&f.schedule, "schedule", "quantile", "tolerance schedule: quantile or ess")
	fs.Uint64Var(&f.seed, "seed", DefaultSeed, "master `SEED`")
	fs.IntVar(&f.workers, "workers", 0, "worker goroutines `W` (0: all CPUs); results do not depend on it")
	fs.StringVar(&f.out, "out", "calibrate-out", "output `DIR`")
	fs.StringVar(&f.checkpoint, "checkpoint", "", "save the state after each generation to `FILE`; resume from it if it exists")
	fs.BoolVar(&f.noFigures, "no-figures", false, "do not write figures")
}

// config checks the flags and builds the calibration.
func (f *calFlags) config() (*targets.Model, calibrate.Config, error) {
	var cfg calibrate.Config
	var errs []string
	if f.targets == "" {
		errs = append(errs, "--targets is required")
	}
	if f.particles < 2 {
		errs = append(errs, fmt.Sprintf("--particles = %d: must be ≥ 2", f.particles))
	}
	if f.reps < 0 || f.reps > 100000 {
		errs = append(errs, fmt.Sprintf("--reps = %d: must be in [0, 100000]", f.reps))
	}
	if f.generations < 1 {
		errs = append(errs, fmt.Sprintf("--generations = %d: must be ≥ 1", f.generations))
	}
	if f.budget < 0 {
		errs = append(errs, fmt.Sprintf("--budget = %d: must be ≥ 0", f.budget))
	}
	if f.workers < 0 {
		errs = append(errs, fmt.Sprintf("--workers = %d: must be ≥ 0", f.workers))
	}
	if !(f.minAccept >= 0 && f.minAccept < 1) {
		errs = append(errs, fmt.Sprintf("--min-acceptance = %v: must be in [0, 1)", f.minAccept))
	}
	if !(f.finalEps >= 0) {
		errs = append(errs, fmt.Sprintf("--final-eps = %v: must be ≥ 0", f.finalEps))
	}
	if !(f.alpha > 0 && f.alpha < 1) {
		errs = append(errs, fmt.Sprintf("--alpha = %v: must be in (0, 1)", f.alpha))
	}
	switch f.kernel {
	case "olcm":
		cfg.Kernel = calibrate.KernelOLCM
	case "global":
		cfg.Kernel = calibrate.KernelGlobal
	default:
		errs = append(errs, fmt.Sprintf("--kernel = %q: must be olcm or global", f.kernel))
	}
	switch f.schedule {
	case "quantile":
		cfg.Schedule = calibrate.ScheduleQuantile
	case "ess":
		cfg.Schedule = calibrate.ScheduleESS
	default:
		errs = append(errs, fmt.Sprintf("--schedule = %q: must be quantile or ess", f.schedule))
	}
	if len(errs) > 0 {
		return nil, cfg, usagef("%s", strings.Join(errs, "; "))
	}
	data, err := os.ReadFile(f.targets)
	if err != nil {
		return nil, cfg, usagef("targets: %v", err)
	}
	tf, err := targets.Parse(data)
	if err != nil {
		return nil, cfg, usagef("%s: %v", f.targets, err)
	}
	if f.reps > 0 {
		tf.Replications = f.reps
	}
	sc, err := loadScenario(f.scenario, 0)
	if err != nil {
		return nil, cfg, err
	}
	var params []targets.Param
	if len(f.params) > 0 {
		params = f.params
	}
	m, err := targets.Bind(tf, sc, params)
	if err != nil {
		return nil, cfg, usagef("%v", err)
	}
	cfg.Params = m.Params()
	cfg.Model = m
	cfg.Observed = tf.Observed()
	cfg.Weights = tf.Weights()
	cfg.Scale = tf.Scales()
	cfg.Particles = f.particles
	cfg.Seed = f.seed
	cfg.Workers = f.workers
	cfg.Alpha = f.alpha
	cfg.FinalEpsilon = f.finalEps
	cfg.MinAcceptance = f.minAccept
	cfg.MaxSimulations = f.budget
	cfg.MaxGenerations = f.generations
	if err := cfg.Validate(); err != nil {
		return nil, cfg, usagef("%v", err)
	}
	return m, cfg, nil
}

func (c *cli) calibrateCmd(args []string) error {
	fs := c.newFlagSet("calibrate", calibrateUsage)
	var f calFlags
	f.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("calibrate: unexpected argument %q", pos[0])
	}
	m, cfg, err := f.config()
	if err != nil {
		return err
	}
	if err := checkFigureEnv(f.out, f.noFigures); err != nil {
		return err
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return err
	}
	var ck *calibrate.Checkpoint
	if f.checkpoint != "" {
		if ck, err = readCalCheckpoint(f.checkpoint); err != nil {
			return err
		}
	}
	start := c.now()
	saver := &calSaver{path: f.checkpoint, cfg: &cfg, base: ck}
	cfg.Progress = func(g *calibrate.Generation) {
		saver.total += g.Simulations
		el := c.now().Sub(start).Round(100 * time.Millisecond)
		fmt.Fprintf(c.stderr, "generation %d: eps %.4g, acceptance %.3f, ESS %.1f, %d simulations (%d in all), %s\n",
			g.Index, g.Epsilon, g.AcceptanceRate, g.ESS, g.Simulations, saver.simulations(), el)
		if err := saver.save(g); err != nil && saver.err == nil {
			saver.err = err
		}
	}
	var res *calibrate.Result
	if ck != nil {
		fmt.Fprintf(c.stderr, "resuming from %s after generation %d\n", f.checkpoint, ck.Last.Index)
		res, err = calibrate.Resume(c.ctx, cfg, ck)
	} else {
		res, err = calibrate.Run(c.ctx, cfg)
	}
	if err != nil && res == nil {
		return usagef("%v", err)
	}
	if saver.err != nil {
		return fmt.Errorf("checkpoint: %w", saver.err)
	}
	runErr := err
	if res.Posterior() == nil {
		return fmt.Errorf("calibrate: no finished generation: %w", runErr)
	}
	if err := writeCalOutputs(c.stdout, f.out, m, res, !f.noFigures); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "stopped: %v after %d generations, %d simulations of %d replications, %s\n",
		res.Stop, res.Posterior().Index+1, res.Simulations, m.File().Replications, c.now().Sub(start).Round(100*time.Millisecond))
	if runErr != nil {
		if errors.Is(runErr, c.ctx.Err()) && c.ctx.Err() != nil {
			return fmt.Errorf("%w: outputs written for the %d finished generations", errInterrupted, len(res.Generations))
		}
		return runErr
	}
	return nil
}

// calSaver writes the checkpoint after every generation. The distance is
// that of generation 0, recomputed here exactly as Run computes it
// (calibrate.NewDistance on generation 0's summaries) unless the checkpoint
// being resumed or the configuration supplies it.
type calSaver struct {
	path  string
	cfg   *calibrate.Config
	base  *calibrate.Checkpoint
	dist  *calibrate.Distance
	total int
	err   error
}

func (s *calSaver) simulations() int {
	if s.base != nil {
		return s.base.Simulations + s.total
	}
	return s.total
}

func (s *calSaver) save(g *calibrate.Generation) error {
	if s.path == "" {
		return nil
	}
	if s.dist == nil {
		switch {
		case s.base != nil:
			s.dist = &s.base.Distance
		case s.cfg.Scale != nil:
			s.dist = &calibrate.Distance{Scale: s.cfg.Scale, Weights: s.cfg.Weights}
		default:
			d, err := calibrate.NewDistance(g.Summaries, s.cfg.Weights)
			if err != nil {
				return err
			}
			s.dist = d
		}
	}
	names := make([]string, len(s.cfg.Params))
	for i, p := range s.cfg.Params {
		names[i] = p.Name
	}
	ck := calibrate.Checkpoint{Version: calibrate.CheckpointVersion, Seed: s.cfg.Seed, Params: names,
		Observed: s.cfg.Observed, Distance: *s.dist, Simulations: s.simulations(), Last: *g}
	data, err := json.Marshal(&ck)
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}

// readCalCheckpoint reads a checkpoint, or returns nil if the file does not
// exist.
func readCalCheckpoint(path string) (*calibrate.Checkpoint, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ck calibrate.Checkpoint
	if err := json.Unmarshal(data, &ck); err != nil {
		return nil, usagef("%s: not a calibration checkpoint: %v", path, err)
	}
	return &ck, nil
}

// writeCalOutputs prints the posterior and the predictive check and writes
// the files.
func writeCalOutputs(stdout io.Writer, dir string, m *targets.Model, res *calibrate.Result, withFigures bool) error {
	post := res.Posterior()
	sums, err := calibrate.Summarize(post, res.Params, 0.9)
	if err != nil {
		return err
	}
	tf := m.File()
	fmt.Fprintf(stdout, "case %s: %d particles, ESS %.1f, %d generations, final eps %.4g (%v)\n\n",
		tf.Case, len(post.Weights), post.ESS, post.Index+1, post.Epsilon, res.Stop)
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "parameter\tprior\tmean\tSD\tMCSE\t90% credible interval\t")
	ranges := m.Ranges()
	for k, s := range sums {
		fmt.Fprintf(tw, "%s\t[%.4g, %.4g]\t%.4g\t%.3g\t%.2g\t[%.4g, %.4g]\t\n", s.Name, ranges[k].Lo, ranges[k].Hi, s.Mean, s.SD, s.MCSE, s.Lo, s.Hi)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	pc := PredictiveCheck(tf, post)
	tw = tabwriter.NewWriter(stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "target\tstatistic\tobserved\tposterior predictive mean\t90%% interval\tweight\t\n")
	for _, p := range pc {
		fmt.Fprintf(tw, "%s\t%s\t%.4g\t%.4g\t[%.4g, %.4g]\t%g\t\n", p.Name, p.Statistic, p.Observed, p.Mean, p.Lo, p.Hi, p.Weight)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := writeCalCSVs(dir, m, res); err != nil {
		return err
	}
	data, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "result.json"), data, 0o644); err != nil {
		return err
	}
	if withFigures {
		return writeCalFigures(dir, res, tf, nil)
	}
	return nil
}
