package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/backchannel-sim/backchannel/explore"
	"github.com/backchannel-sim/backchannel/internal/explorerun"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

const exploreUsage = `usage: backchannel explore sobol|morris|prim [flags]

Explores the model's parameter space: every design point runs --reps
replications of --policy and of --baseline on common random numbers
(replication r of every point and both policies draws from the generator of
(seed, r)), summarised exactly, so sharded runs merge byte for byte.

  sobol   Saltelli design on the Sobol sequence, --n base samples (N(k+2)
          points for k parameters): first-order (Saltelli 2010) and total
          (Jansen 1999) indices with bootstrap intervals and the share of the
          output variance that is simulation noise
  morris  --trajectories r on a --levels p grid (r(k+1) points): mu*, sigma
  prim    PRIM boxes (peeling, pasting, covering) for --target, on a saved
          design (--from) or on a fresh Latin hypercube of --n points

Parameters: --param FIELD=LO:HI (repeatable; scenario field paths as in
"sweep"); default: the documented exploration ranges (listed below).

Outputs, per point and policy (defined in internal/explorerun):
  p_breakthrough         share of replications with a ratified breakthrough within --within rounds (260)
  p_repeated_impasse     share with ≥ --impasse-k impasses (default 2) by the horizon: P(repeated impasse),
                         an impasse as in docs/MODEL.md 7.18 (a breakdown that is not a collapse, an
                         exposed back channel given up for a fresh one, a failed ratification)
  time_to_breakthrough   restricted mean E[min(T, W)] in rounds: a replication without a breakthrough within W counts W
  baseline_*             the same for --baseline;  breakthrough_gain: paired p_breakthrough − baseline_p_breakthrough

Writes to --out: points.json (the exact results, backchannel.explore-partial/v1),
design.csv (point, param, unit, value), outputs.csv (point, output, mean,
variance, reps), sobol.csv + sobol_noise.csv | morris.csv | prim_boxes.csv +
prim_limits.csv + prim_trajectory.csv, and figures. Prints a table.

At scale: --shard I/N --save FILE runs only the points mc.ShardRange(I, N, points)
(--shard auto: Slurm array or Kubernetes indexed job); "backchannel merge
--save merged.json FILE..." combines the shards; "backchannel explore sobol
--from merged.json" analyses them: the same bytes as one process.
--checkpoint FILE saves finished points as it goes and resumes from the file.
`

type exploreFlags struct {
	runFlags
	params       paramList
	n            int
	trajectories int
	levels       int
	baseline     string
	within       int
	impasseK     int
	outputs      string
	resamples    int
	conf         float64
	target       string
	boxes        int
	minMass      float64
	maxP         float64
	minDensity   float64
	from         string
	checkpoint   string
	cpPoints     int
}

func (c *cli) exploreCmd(args []string) error {
	fs := c.newFlagSet("explore", exploreUsage+exploreRangesText())
	var f exploreFlags
	fs.StringVar(&f.scenario, "scenario", "", "base scenario `FILE` (default: the default scenario)")
	fs.IntVar(&f.horizon, "horizon", 0, "override the scenario's horizon: `H` rounds")
	fs.Var(&f.params, "param", "explored parameter `FIELD=LO:HI`, repeatable (default: the documented ranges)")
	fs.IntVar(&f.n, "n", 0, "sobol: base samples `N` (default 64; a power of two); prim: Latin hypercube points (default 512)")
	fs.IntVar(&f.trajectories, "trajectories", 20, "morris: trajectories `r`")
	fs.IntVar(&f.levels, "levels", 4, "morris: grid levels `p` (even)")
	fs.IntVar(&f.reps, "reps", 20, "replications `R` per point and policy (common random numbers)")
	fs.Uint64Var(&f.seed, "seed", DefaultSeed, "master `SEED`")
	var pol string
	fs.StringVar(&pol, "policy", "", "policy of interest `POLICY` (default: the scenario's)")
	fs.StringVar(&f.baseline, "baseline", "front-only", "compared `POLICY` on the same random numbers, or \"none\"")
	fs.IntVar(&f.within, "within", explorerun.DefaultWithin, "window `W` in rounds of p_breakthrough and time_to_breakthrough")
	fs.IntVar(&f.impasseK, "impasse-k", sim.DefaultImpasseK, fmt.Sprintf("repeated impasse is the `K`-th impasse, 1..%d (docs/MODEL.md 7.18), in p_repeated_impasse", sim.MaxImpasses))
	fs.StringVar(&f.outputs, "outputs", "", "comma-separated `OUTPUTS` to analyse (default: p_breakthrough, p_repeated_impasse, time_to_breakthrough and, with a baseline, breakthrough_gain)")
	fs.IntVar(&f.resamples, "resamples", 500, "sobol: bootstrap resamples `B` of the base rows")
	fs.Float64Var(&f.conf, "conf", Confidence, "confidence `LEVEL` of the intervals")
	fs.StringVar(&f.target, "target", "p_repeated_impasse>0.5", "prim: cases of interest `OUTPUT>X` (also >=, <, <=)")
	fs.IntVar(&f.boxes, "boxes", 3, "prim: at most `K` boxes (covering)")
	fs.Float64Var(&f.minMass, "min-mass", 0.05, "prim: smallest box mass (share of points)")
	fs.Float64Var(&f.minDensity, "min-density", 0, "prim: select the box of largest coverage with density ≥ `D` (0: the last box of the peeling)")
	fs.Float64Var(&f.maxP, "max-pvalue", 0.05, "prim: drop restrictions with a quasi-p-value above `P` (0 keeps all)")
	fs.StringVar(&f.from, "from", "", "analyse a saved design: `PATH` a points.json, a merged file or an output directory")
	fs.IntVar(&f.workers, "workers", 0, "worker goroutines `W` (0: all CPUs); results do not depend on it")
	fs.StringVar(&f.out, "out", "explore-out", "output `DIR`")
	fs.BoolVar(&f.noFigures, "no-figures", false, "do not write figures")
	fs.Var(&f.progress, "progress", "progress bar on stderr (default: on when stderr is a terminal)")
	fs.BoolVar(&f.timing, "timing", false, "print the wall time on stderr")
	var o runOpts
	fs.StringVar(&o.shard, "shard", "", "run only shard `I/N` of the design points, or \"auto\"; needs --save")
	fs.IntVar(&o.shardCount, "shard-count", 0, "number of shards `N` for --shard I or --shard auto")
	fs.StringVar(&o.save, "save", "", "write the finished points to `FILE` (backchannel.explore-partial/v1)")
	fs.StringVar(&f.checkpoint, "checkpoint", "", "save finished points to `FILE` as they finish and resume from it if it exists")
	fs.IntVar(&f.cpPoints, "checkpoint-points", 64, "with --checkpoint, save after every `K` points")
	// The method may come before or after the flags (the Slurm array
	// script puts --shard auto --save FILE first).
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("explore: give a method: sobol, morris or prim")
	}
	method := pos[0]
	switch method {
	case "sobol", "morris", "prim":
	default:
		return usagef("explore: method %q: want sobol, morris or prim", method)
	}
	if len(pos) > 1 {
		return usagef("explore %s: unexpected argument %q", method, pos[1])
	}
	if err := f.check(method); err != nil {
		return err
	}
	var part *explorerun.Part
	if f.from != "" {
		if o.sharded() || o.save != "" || f.checkpoint != "" {
			return usagef("explore --from analyses saved points: --shard, --save and --checkpoint do not apply")
		}
		part, err = explorerun.LoadPartFile(f.from)
		if err != nil {
			return usageError{err}
		}
		if part.ModelVersion != sim.ModelVersion {
			return usagef("%s: written by model version %s; this program is model version %s", f.from, part.ModelVersion, sim.ModelVersion)
		}
		if part.Lo != 0 || part.Hi != part.Model.Len() {
			return usagef("%s: holds points [%d,%d) of %d; merge all shards first (backchannel merge --save FILE ...)", f.from, part.Lo, part.Hi, part.Model.Len())
		}
	} else {
		m, err := f.model(method, pol)
		if err != nil {
			return err
		}
		if o.sharded() {
			return c.exploreShard(&f, &o, m)
		}
		if err := m.Validate(); err != nil {
			return usageError{err}
		}
		part, err = c.exploreRun(&f, m, 0, m.Len())
		if err != nil {
			return err
		}
		if o.save != "" {
			if err := part.SaveFile(o.save); err != nil {
				return err
			}
		}
	}
	return c.exploreAnalyse(&f, method, part)
}

func (f *exploreFlags) check(method string) error {
	var errs []string
	if f.reps < 1 {
		errs = append(errs, fmt.Sprintf("--reps = %d: must be ≥ 1", f.reps))
	}
	if f.n < 0 {
		errs = append(errs, fmt.Sprintf("--n = %d: must be ≥ 2", f.n))
	}
	if f.within < 1 {
		errs = append(errs, fmt.Sprintf("--within = %d: must be ≥ 1", f.within))
	}
	if f.impasseK < 1 || f.impasseK > sim.MaxImpasses {
		errs = append(errs, fmt.Sprintf("--impasse-k = %d: must be in 1..%d", f.impasseK, sim.MaxImpasses))
	}
	if f.resamples < 0 {
		errs = append(errs, fmt.Sprintf("--resamples = %d: must be ≥ 0", f.resamples))
	}
	if !(f.conf > 0 && f.conf < 1) {
		errs = append(errs, fmt.Sprintf("--conf = %g: must be in (0, 1)", f.conf))
	}
	if f.boxes < 1 {
		errs = append(errs, fmt.Sprintf("--boxes = %d: must be ≥ 1", f.boxes))
	}
	if !(f.minMass > 0 && f.minMass < 1) {
		errs = append(errs, fmt.Sprintf("--min-mass = %g: must be in (0, 1)", f.minMass))
	}
	if !(f.minDensity >= 0 && f.minDensity <= 1) {
		errs = append(errs, fmt.Sprintf("--min-density = %g: must be in [0, 1]", f.minDensity))
	}
	if !(f.maxP >= 0 && f.maxP <= 1) {
		errs = append(errs, fmt.Sprintf("--max-pvalue = %g: must be in [0, 1]", f.maxP))
	}
	if f.workers < 0 {
		errs = append(errs, fmt.Sprintf("--workers = %d: must be ≥ 0", f.workers))
	}
	if f.cpPoints < 1 {
		errs = append(errs, fmt.Sprintf("--checkpoint-points = %d: must be ≥ 1", f.cpPoints))
	}
	if f.horizon < 0 {
		errs = append(errs, fmt.Sprintf("--horizon = %d: must be ≥ 1 (or 0: the scenario's)", f.horizon))
	}
	if len(errs) > 0 {
		return usagef("explore %s: %s", method, strings.Join(errs, "; "))
	}
	return checkFigureEnv(f.out, f.noFigures)
}

// exploreRangesText lists the default ranges for the usage.
func exploreRangesText() string {
	var b strings.Builder
	b.WriteString("\ndefault parameters and ranges:\n")
	for _, r := range explorerun.DefaultRanges() {
		fmt.Fprintf(&b, "  %-34s %g:%g  %s\n", r.Name, r.Lo, r.Hi, r.Why)
	}
	return b.String()
}

// parseRanges parses --param FIELD=LO:HI flags.
func parseRanges(specs []string) ([]explorerun.Range, error) {
	var out []explorerun.Range
	for _, spec := range specs {
		name, rng, ok := strings.Cut(spec, "=")
		parts := strings.Split(rng, ":")
		if !ok || len(parts) != 2 || strings.TrimSpace(name) == "" {
			return nil, usagef("--param %q: want FIELD=LO:HI", spec)
		}
		var x [2]float64
		for i, s := range parts {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, usagef("--param %q: %q is not a finite number", spec, s)
			}
			x[i] = v
		}
		if !(x[0] < x[1]) {
			return nil, usagef("--param %q: LO (%g) must be < HI (%g)", spec, x[0], x[1])
		}
		out = append(out, explorerun.Range{Name: strings.TrimSpace(name), Lo: x[0], Hi: x[1]})
	}
	return out, nil
}

// model builds the spec and model from the flags.
func (f *exploreFlags) model(method, pol string) (*explorerun.Model, error) {
	sc, err := loadScenario(f.scenario, f.horizon)
	if err != nil {
		return nil, err
	}
	ranges := explorerun.DefaultRanges()
	if len(f.params) > 0 {
		if ranges, err = parseRanges(f.params); err != nil {
			return nil, err
		}
	}
	sp, err := explorerun.NewSpec(sc, ranges)
	if err != nil {
		return nil, usageError{err}
	}
	sp.Seed, sp.Reps, sp.Within, sp.ImpasseK = f.seed, f.reps, f.within, f.impasseK
	if pol != "" {
		p, err := sim.ParsePolicy(pol)
		if err != nil {
			return nil, usagef("--policy: %v", err)
		}
		sp.Policy = p.Name()
	}
	sp.Baseline = ""
	if f.baseline != "none" && f.baseline != "" {
		p, err := sim.ParsePolicy(f.baseline)
		if err != nil {
			return nil, usagef("--baseline: %v", err)
		}
		sp.Baseline = p.Name()
	}
	switch method {
	case "sobol":
		sp.Method, sp.N = explorerun.MethodSobol, f.n
		if sp.N == 0 {
			sp.N = 64
		}
	case "morris":
		sp.Method, sp.Trajectories, sp.Levels = explorerun.MethodMorris, f.trajectories, f.levels
	case "prim":
		sp.Method, sp.N = explorerun.MethodLHS, f.n
		if sp.N == 0 {
			sp.N = 512
		}
	}
	m, err := explorerun.NewModel(sp)
	if err != nil {
		return nil, usageError{err}
	}
	return m, nil
}

// exploreRun runs points [lo, hi), with checkpoints if asked.
func (c *cli) exploreRun(f *exploreFlags, m *explorerun.Model, lo, hi int) (*explorerun.Part, error) {
	bar := c.progressFunc(&f.runFlags, "points")
	t0 := c.now()
	part := &explorerun.Part{Model: m, Lo: lo, Hi: lo, ModelVersion: sim.ModelVersion}
	if f.checkpoint != "" {
		if _, err := os.Stat(f.checkpoint); err == nil {
			cp, err := explorerun.LoadPartFile(f.checkpoint)
			if err != nil {
				return nil, usageError{err}
			}
			h0, _ := m.Spec.Hash()
			h1, _ := cp.Model.Spec.Hash()
			if h0 != h1 || cp.ModelVersion != sim.ModelVersion || cp.Lo != lo || cp.Hi > hi {
				return nil, usagef("--checkpoint %s: written by a different run (design, seed, reps, model version or shard); remove it or change --checkpoint", f.checkpoint)
			}
			part.Hi, part.Points = cp.Hi, cp.Points
			fmt.Fprintf(c.stderr, "backchannel: resumed %d of %d points from %s\n", cp.Hi-cp.Lo, hi-lo, f.checkpoint)
		}
	}
	step := hi - part.Hi
	if f.checkpoint != "" {
		step = f.cpPoints
	}
	for part.Hi < hi {
		end := min(part.Hi+step, hi)
		base := part.Hi - lo
		pts, err := m.Run(c.ctx, part.Hi, end, f.workers, func(done, total int) { bar.update(base+done, hi-lo) })
		part.Points = append(part.Points, pts...)
		part.Hi += len(pts)
		if f.checkpoint != "" {
			if serr := part.SaveFile(f.checkpoint); serr != nil {
				return nil, serr
			}
		}
		if err != nil {
			bar.finish()
			if errors.Is(err, context.Canceled) {
				msg := "rerun to start again"
				if f.checkpoint != "" {
					msg = "finished points saved to " + f.checkpoint + "; rerun the same command to resume"
				}
				return nil, fmt.Errorf("%w: %d of %d design points finished; %s", errInterrupted, part.Hi-lo, hi-lo, msg)
			}
			return nil, usageError{err}
		}
	}
	bar.finish()
	if f.timing {
		el := c.now().Sub(t0)
		reps := (hi - lo) * m.Spec.Reps * len(m.Policies)
		fmt.Fprintf(c.stderr, "backchannel: %d points × %d reps × %d policies in %.3fs (%.1f replications/s)\n",
			hi-lo, m.Spec.Reps, len(m.Policies), el.Seconds(), float64(reps)/el.Seconds())
	}
	return part, nil
}

// exploreShard runs one shard of the design and saves it.
func (c *cli) exploreShard(f *exploreFlags, o *runOpts, m *explorerun.Model) error {
	if o.save == "" {
		return usagef("--shard needs --save FILE (the shard's points, for backchannel merge)")
	}
	i, n, err := c.resolveShard(o)
	if err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return usageError{err}
	}
	start, count := mc.ShardRange(i, n, m.Len())
	lo, hi := int(start), int(start)+count
	part, err := c.exploreRun(f, m, lo, hi)
	if err != nil {
		return err
	}
	part.Shard, part.Shards = i, n
	if err := part.SaveFile(o.save); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "backchannel: shard %d/%d: design points [%d,%d) of %d, %d replications each -> %s\n",
		i, n, lo, hi, m.Len(), m.Spec.Reps, o.save)
	return nil
}

// exploreMergeCmd merges explore part files ("backchannel merge" with
// files of schema backchannel.explore-partial/v1).
func (c *cli) exploreMergeCmd(args []string) error {
	fs := c.newFlagSet("merge", `usage: backchannel merge --save FILE PART...

Combines the part files of a sharded "backchannel explore" run
(backchannel.explore-partial/v1), in any order, into FILE: byte-identical
to "explore --save FILE" in one process. Analyse it with
"backchannel explore METHOD --from FILE". Refuses parts of different designs,
seeds, replications, policies or model versions, overlapping parts and
missing design points.
`)
	save := fs.String("save", "", "write the merged points to `FILE`")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("merge: no files")
	}
	if *save == "" {
		return usagef("merge: explore part files need --save FILE (the merged points, for explore --from)")
	}
	var parts []*explorerun.Part
	for _, file := range pos {
		p, err := explorerun.LoadPartFile(file)
		if err != nil {
			return usageError{err}
		}
		if p.ModelVersion != sim.ModelVersion {
			return usagef("%s: written by model version %s; this program is model version %s", file, p.ModelVersion, sim.ModelVersion)
		}
		parts = append(parts, p)
	}
	m, err := explorerun.MergeParts(parts...)
	if err != nil {
		return usageError{err}
	}
	if err := m.SaveFile(*save); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "backchannel: merged %d files: %d design points -> %s\n", len(pos), len(m.Points), *save)
	return nil
}

// isExploreMerge reports whether "merge" was given explore part files.
func isExploreMerge(args []string) bool {
	n := 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-save" || a == "--save" {
			i++ // its value, the merged file, need not exist yet
			continue
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		if !explorerun.IsPartFile(a) {
			return false
		}
		n++
	}
	return n > 0
}

// exploreAnalyse writes the design, the outputs and the method's analysis
// to --out and prints its table.
func (c *cli) exploreAnalyse(f *exploreFlags, method string, part *explorerun.Part) error {
	m := part.Model
	outputs := m.OutputNames()[:3]
	if len(m.Policies) == 2 {
		outputs = append(outputs, "breakthrough_gain")
	}
	if f.outputs != "" {
		outputs = strings.Split(f.outputs, ",")
		for i := range outputs {
			outputs[i] = strings.TrimSpace(outputs[i])
			if _, err := part.Output(outputs[i]); err != nil {
				return usageError{err}
			}
		}
	}
	switch {
	case method == "sobol" && m.Saltelli == nil, method == "morris" && m.Morris == nil:
		return usagef("explore %s: %s holds a %s design; Sobol indices need a sobol design and elementary effects a morris one (prim works on any)", method, f.from, m.Spec.Method)
	}
	var target explorerun.Target
	if method == "prim" {
		t, err := explorerun.ParseTarget(f.target)
		if err != nil {
			return usageError{err}
		}
		if _, err := part.Output(t.Output); err != nil {
			return usageError{err}
		}
		target = t
	}
	dir := f.out
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := part.SaveFile(filepath.Join(dir, explorerun.PointsFile)); err != nil {
			return err
		}
		if err := part.WriteDesign(dir); err != nil {
			return err
		}
		if err := part.WriteOutputs(dir); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintf(tw, "# %s design: %d points × %d replications × %d policies (%s", m.Spec.Method, m.Len(), m.Spec.Reps, len(m.Policies), m.Spec.Policy)
	if m.Spec.Baseline != "" {
		fmt.Fprintf(tw, " vs %s", m.Spec.Baseline)
	}
	fmt.Fprintf(tw, "), seed %d, repeated impasse k = %d\n", m.Spec.Seed, m.Spec.ImpasseK)
	switch method {
	case "sobol":
		res, err := part.Sobol(outputs, f.resamples, f.conf)
		if err != nil {
			return usageError{err}
		}
		fmt.Fprintf(tw, "output\tparameter\tS (first)\t%g%% CI\tST (total)\t%g%% CI\t\n", 100*f.conf, 100*f.conf)
		for _, r := range res {
			if r.Indices == nil {
				fmt.Fprintf(tw, "%s\t(skipped: %s)\t\t\t\t\t\n", r.Output, r.Skipped)
				continue
			}
			ix := r.Indices
			for i, n := range ix.Names {
				fmt.Fprintf(tw, "%s\t%s\t%.3f\t[%.3f, %.3f]\t%.3f\t[%.3f, %.3f]\t\n", r.Output, n,
					ix.S1[i].Value, ix.S1[i].CI.Lo, ix.S1[i].CI.Hi, ix.ST[i].Value, ix.ST[i].CI.Lo, ix.ST[i].CI.Hi)
			}
			if ix.Noise != nil {
				fmt.Fprintf(tw, "%s\t(noise share of V)\t%.3f\t\t\t\t\n", r.Output, ix.Noise.Share)
			}
		}
		if dir != "" {
			if err := explorerun.WriteSobol(dir, res, f.conf, m.Spec.Reps); err != nil {
				return err
			}
			if !f.noFigures {
				if err := explorerun.PlotSobol(dir, res); err != nil {
					return err
				}
			}
		}
	case "morris":
		res, err := part.Morris(outputs)
		if err != nil {
			return usageError{err}
		}
		fmt.Fprintln(tw, "output\tparameter\tmu*\t±SE\tmu\tsigma\t")
		for _, r := range res {
			for _, e := range r.Effects {
				fmt.Fprintf(tw, "%s\t%s\t%.4g\t%.2g\t%.4g\t%.4g\t\n", r.Output, e.Name, e.MuStar, e.MuStarSE, e.Mu, e.Sigma)
			}
		}
		if dir != "" {
			if err := explorerun.WriteMorris(dir, res); err != nil {
				return err
			}
			if !f.noFigures {
				if err := explorerun.PlotMorris(dir, res); err != nil {
					return err
				}
			}
		}
	case "prim":
		t := target
		boxes, hits, err := part.Prim(t, explore.PrimOptions{MinMass: f.minMass, MaxPValue: f.maxP, MinDensity: f.minDensity}, f.boxes)
		if err != nil {
			return usageError{err}
		}
		runs := []explorerun.PrimRun{{Label: "target", Target: t, Points: m.Len(), Hits: hits, Boxes: boxes}}
		tw.Flush()
		explorerun.PrimTable(c.stdout, m.Design.Space, runs)
		if dir != "" {
			if err := explorerun.WritePrim(dir, m.Design.Space, runs); err != nil {
				return err
			}
			if !f.noFigures {
				if err := explorerun.PlotPrim(dir, runs); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
