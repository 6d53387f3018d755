package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/results"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

// DefaultSweepReps is the default number of replications per design point.
const DefaultSweepReps = 1000

const sweepUsage = `usage: backchannel sweep --param FIELD=FROM:TO:STEP [--param ...] [flags]
       backchannel sweep --lhs N --param FIELD=FROM:TO [--param ...] [flags]

Runs one policy (--policy, default: the scenario's) at every point of a
design over scenario fields, named by their path in the scenario file
(talks.open_rate, leaks.insiders, parties.negotiator.cost_rate for both
parties, parties[1].negotiator.cost_rate for one, spoilers.capability) or
over a policy parameter: policy.reliance (the policy is reliance=P) or
policy.switch_trust (back-then-front=T). A policy parameter with a --policy
it does not belong to is refused. The policy is named in the table, in
sweep.csv (column policy) and in the scenario.yaml written.

  grid:  FROM:TO:STEP gives the levels FROM, FROM+STEP, ..., TO (full factorial)
  --lhs: a Latin hypercube of N points over the box FROM:TO of each parameter

Each point runs --reps replications with its own seed stream (StreamSeed(seed,
point)). Writes sweep.csv, sweep-data.csv (tidy), report.html and figures
to --out: shares of each outcome against the parameter (one parameter), or
a heat map of the breakthrough probability (two parameters on a grid). A
Latin hypercube or a grid over three or more parameters has no figure (its
points do not lie on one line or one grid; stderr says so): sweep.csv and
sweep-data.csv hold every point. Prints a table on stdout. There is no JSON
summary of a sweep: sweep.csv is its data file.

Sharded sweeps (shards split the design points; every point keeps its seed
stream, so results do not depend on the shard layout):
  --shard I/N --save FILE   run only the points mc.ShardRange(I, N, points) and
                            save them (backchannel.sweep-partial/v1); no table, no --out
  --shard auto --save FILE  shard from SLURM_ARRAY_TASK_ID/_MIN/_COUNT (Slurm) or
                            JOB_COMPLETION_INDEX with --shard-count N (Kubernetes);
                            BACKCHANNEL_SHARDS, if set, is the shard count
  --save FILE (no --shard)  also save the whole finished sweep as one such file
Combine the shards with "backchannel merge [--out DIR] FILE...": the same table,
sweep.csv and figures as the sweep in one process.
`

// paramList is a repeatable --param flag.
type paramList []string

func (p *paramList) String() string     { return strings.Join(*p, " ") }
func (p *paramList) Set(s string) error { *p = append(*p, s); return nil }

func (c *cli) sweepCmd(args []string) error {
	fs := c.newFlagSet("sweep", sweepUsage)
	var f runFlags
	f.register(fs, flagSet{scenario: true, reps: DefaultSweepReps,
		repsHelp:   "number `N` of replications per design point",
		policyHelp: "channel `POLICY` of every design point (at most one; default: the scenario's policy field): front-only, back-only, back-then-front[=T], reliance=P, parallel, scenario"})
	f.fig.cmdline = append([]string{"sweep"}, args...)
	var params paramList
	fs.Var(&params, "param", "swept parameter `FIELD=FROM:TO:STEP` (grid) or FIELD=FROM:TO (--lhs), repeatable")
	lhs := fs.Int("lhs", 0, "Latin hypercube design of `N` points instead of a grid")
	var o runOpts
	fs.StringVar(&o.shard, "shard", "", "run only shard `I/N` (0 ≤ I < N) of the design points, or \"auto\" (Slurm array / Kubernetes indexed job); needs --save")
	fs.IntVar(&o.shardCount, "shard-count", 0, "number of shards `N` for --shard I or --shard auto (default: BACKCHANNEL_SHARDS, else SLURM_ARRAY_TASK_COUNT)")
	fs.StringVar(&o.save, "save", "", "write the finished points to `FILE` (backchannel.sweep-partial/v1) for \"backchannel merge\"")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("sweep: unexpected argument %q", pos[0])
	}
	if err := f.check(); err != nil {
		return err
	}
	if len(params) == 0 {
		return usagef("sweep: give at least one --param FIELD=FROM:TO:STEP")
	}
	if len(f.policies) > 1 {
		return usagef("sweep: at most one --policy, got %d", len(f.policies))
	}
	if *lhs < 0 {
		return usagef("--lhs = %d: must be ≥ 1", *lhs)
	}
	sc, err := loadScenario(f.scenario, f.horizon)
	if err != nil {
		return err
	}
	noteSpoilers(c.stderr, f.scenario, sc)
	pols, err := f.policies.resolve(sc, f.scenario)
	if err != nil {
		return err
	}
	base := sim.Arm{Scenario: sc}
	if len(pols) == 1 {
		base.Policy = pols[0]
	}
	spec, d, err := sweepDesign(params, *lhs, f.seed)
	if err != nil {
		return err
	}
	if err := checkPolicyParams(d, base.Policy); err != nil {
		return err
	}
	if err := f.checkMemory(sweepMemoryEstimate(&f, sc, len(d.Points))); err != nil {
		return err
	}
	if o.sharded() {
		return c.sweepShard(&f, &o, base, spec, d)
	}
	// Every point is checked before any runs (a bad value at the last
	// point must not waste the others), and every output path.
	if err := sim.ValidateSweep(d, base); err != nil {
		return sweepRunError(err)
	}
	if err := checkWritable(output{"--out", f.out, true}, output{"--save", o.save, false}); err != nil {
		return err
	}
	cfg := mc.RunConfig{Seed: f.seed, Replications: f.reps, Workers: f.workers, BlockSize: f.blockSize}
	bar := c.progressFunc(&f, "replications")
	cfg.Progress = bar.update
	t0 := c.now()
	points, err := sim.RunSweep(c.ctx, cfg, d, base, 0, len(d.Points))
	bar.finish()
	if err != nil && !errors.Is(err, context.Canceled) {
		var fe *sim.FieldError
		if errors.As(err, &fe) {
			return usageError{err} // a design value outside the field's allowed range
		}
		return err
	}
	done := 0
	for _, p := range points {
		done += p.Result.Done
	}
	c.timing(&f, t0, done, 1)
	if werr := c.sweepOutputs(&f, base, d, points, *lhs == 0); werr != nil {
		return werr
	}
	if err != nil {
		if o.save != "" {
			fmt.Fprintf(c.stderr, "backchannel: sweep interrupted: %s not written (a sweep file holds only finished sweeps)\n", o.save)
		}
		return fmt.Errorf("%w: %d of %d design points finished; partial results written: %v", errInterrupted, completePoints(points), len(d.Points), err)
	}
	if o.save != "" {
		return c.saveSweepPart("--save", o.save, c.sweepPart(&f, base, spec, d, 0, len(d.Points), points))
	}
	return nil
}

// policyParams maps each policy parameter of a sweep to the policy it
// sets (sim.SweepParam).
var policyParams = map[string]string{
	"policy.reliance":     "reliance=P",
	"policy.switch_trust": "back-then-front=T",
}

// checkPolicyParams refuses a policy parameter that does not apply to the
// policy given with --policy (pol; nil: none given), and two policy
// parameters together: each replaces the policy at every point.
func checkPolicyParams(d *mc.Design[sim.Arm], pol sim.Policy) error {
	var swept []string
	for _, p := range d.Params {
		if _, ok := policyParams[p.Name]; ok {
			swept = append(swept, p.Name)
		}
	}
	if len(swept) > 1 {
		return usagef("--param %s and --param %s: each sets the policy (%s, %s); sweep one at a time", swept[0], swept[1], policyParams[swept[0]], policyParams[swept[1]])
	}
	if len(swept) == 0 || pol == nil {
		return nil
	}
	ok := false
	switch swept[0] {
	case "policy.reliance":
		_, ok = pol.(sim.Reliance)
	case "policy.switch_trust":
		_, ok = pol.(sim.BackThenFront)
	}
	if !ok {
		return usagef("--param %s sets the policy to %s at every point, which does not apply to --policy %s: drop --policy, or give a %s policy", swept[0], policyParams[swept[0]], pol.Name(), strings.SplitN(policyParams[swept[0]], "=", 2)[0])
	}
	return nil
}

// sweepPart is the part of a sweep holding points [lo, hi).
func (c *cli) sweepPart(f *runFlags, base sim.Arm, spec results.SweepSpec, d *mc.Design[sim.Arm], lo, hi int, points []sim.SweepPoint) *results.SweepPart {
	return &results.SweepPart{Base: base, Spec: spec, Design: d, Seed: f.seed, Replications: f.reps, BlockSize: f.blockSize,
		Lo: lo, Hi: hi, Points: points, ModelVersion: sim.ModelVersion}
}

// sweepShard runs shard I of N of the design points and saves them to
// --save. It writes no table and no output directory: "backchannel merge"
// does, from all the shards. A shard with no points (N > points) writes a
// valid file holding none. An interrupted shard writes nothing.
func (c *cli) sweepShard(f *runFlags, o *runOpts, base sim.Arm, spec results.SweepSpec, d *mc.Design[sim.Arm]) error {
	if o.save == "" {
		return usagef("--shard needs --save FILE (the shard's points, for backchannel merge)")
	}
	i, n, err := c.resolveShard(o)
	if err != nil {
		return err
	}
	// Every shard checks every point, so an invalid design fails all
	// shards alike, not only the one holding the bad point.
	if err := sim.ValidateSweep(d, base); err != nil {
		return sweepRunError(err)
	}
	if err := checkWritable(output{"--save", o.save, false}); err != nil {
		return err
	}
	start, count := mc.ShardRange(i, n, len(d.Points))
	lo, hi := int(start), int(start)+count
	cfg := mc.RunConfig{Seed: f.seed, Replications: f.reps, Workers: f.workers, BlockSize: f.blockSize}
	bar := c.progressFunc(f, "replications")
	cfg.Progress = bar.update
	t0 := c.now()
	points, err := sim.RunSweep(c.ctx, cfg, d, base, lo, hi)
	bar.finish()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("%w: shard %d/%d: %d of %d design points finished; %s not written (rerun the shard)",
				errInterrupted, i, n, completePoints(points), count, o.save)
		}
		return sweepRunError(err)
	}
	done := 0
	for _, p := range points {
		done += p.Result.Done
	}
	c.timing(f, t0, done, 1)
	part := c.sweepPart(f, base, spec, d, lo, hi, points)
	part.Shard, part.Shards = i, n
	if err := c.saveSweepPart("--save", o.save, part); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "backchannel: shard %d/%d: design points [%d,%d) of %d, %d replications each -> %s\n",
		i, n, lo, hi, len(d.Points), f.reps, o.save)
	return nil
}

// sweepRunError turns a design value outside a field's allowed range into
// a usage error.
func sweepRunError(err error) error {
	var fe *sim.FieldError
	if errors.As(err, &fe) {
		return usageError{err}
	}
	return err
}

func completePoints(points []sim.SweepPoint) int {
	n := 0
	for _, p := range points {
		if !p.Result.Partial {
			n++
		}
	}
	return n
}

// sweepDesign builds the grid or Latin hypercube from the --param flags,
// and its spec (from which "merge" rebuilds it).
func sweepDesign(specs []string, lhs int, seed uint64) (results.SweepSpec, *mc.Design[sim.Arm], error) {
	var sp results.SweepSpec
	var levels []int
	for _, spec := range specs {
		name, rng, ok := strings.Cut(spec, "=")
		if !ok {
			return sp, nil, usagef("--param %q: want FIELD=FROM:TO:STEP", spec)
		}
		parts := strings.Split(rng, ":")
		want := 3
		if lhs > 0 {
			want = 2
		}
		if len(parts) != want {
			if lhs > 0 {
				return sp, nil, usagef("--param %q: with --lhs want FIELD=FROM:TO", spec)
			}
			return sp, nil, usagef("--param %q: want FIELD=FROM:TO:STEP", spec)
		}
		var x [3]float64
		for i, s := range parts {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return sp, nil, usagef("--param %q: %q is not a finite number", spec, s)
			}
			x[i] = v
		}
		from, to := x[0], x[1]
		if to < from {
			return sp, nil, usagef("--param %q: TO (%g) < FROM (%g)", spec, to, from)
		}
		if _, err := sim.SweepParam(name, from, to); err != nil {
			return sp, nil, usageError{err}
		}
		if lhs == 0 {
			step := x[2]
			if !(step > 0) {
				return sp, nil, usagef("--param %q: STEP = %g: must be > 0", spec, step)
			}
			n := math.Round((to-from)/step) + 1
			if math.Abs(from+(n-1)*step-to) > 1e-9*math.Max(1, math.Abs(to)) {
				return sp, nil, usagef("--param %q: TO−FROM = %g is not a multiple of STEP = %g", spec, to-from, step)
			}
			if n > 10000 {
				return sp, nil, usagef("--param %q: %g levels; at most 10000", spec, n)
			}
			levels = append(levels, int(n))
			if points := product(levels); points > MaxDesignPoints {
				return sp, nil, usagef("--param %q: the grid has %d points or more; at most %d (fewer levels or parameters, or --lhs)", spec, points, MaxDesignPoints)
			}
		}
		sp.Params = append(sp.Params, results.SweepParamSpec{Name: name, From: from, To: to})
	}
	if lhs > MaxDesignPoints {
		return sp, nil, usagef("--lhs = %d: at most %d design points", lhs, MaxDesignPoints)
	}
	if lhs > 0 {
		sp.LHS = lhs
	} else {
		sp.Levels = levels
	}
	// A Latin hypercube draws from results.SweepLHSRand(seed): replication 0
	// of the stream StreamSeed(seed, 2⁶⁴−1), which no design point uses.
	d, err := sp.Design(seed)
	if err != nil {
		return sp, nil, usageError{err}
	}
	return sp, d, nil
}

// sweepOutputs prints the table and writes sweep.csv, scenario.yaml (the
// base scenario with the policy that ran as its policy field) and the
// figures.
func (c *cli) sweepOutputs(f *runFlags, base sim.Arm, d *mc.Design[sim.Arm], points []sim.SweepPoint, grid bool) error {
	base, err := sim.SweepBase(base)
	if err != nil {
		return err
	}
	if err := writeSweepTable(c.stdout, d, points); err != nil {
		return err
	}
	if f.out == "" {
		return nil
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(f.out, "sweep.csv"), func(w io.Writer) error {
		return sweepCSV(w, d, points)
	}); err != nil {
		return err
	}
	sc := base.Scenario.Clone()
	sc.Policy = base.Policy.Name()
	y, err := sc.MarshalYAMLText()
	if err != nil {
		return err
	}
	for _, p := range d.Params {
		if set, ok := policyParams[p.Name]; ok {
			// The policy varies: say so above the base's policy field.
			y = append([]byte(fmt.Sprintf("# sweep: %s varies over the design points, setting the policy to %s\n# at each (sweep.csv, column policy); the policy below is the base's, used by no point.\n", p.Name, set)), y...)
		}
	}
	if err := results.WriteFileAtomic(filepath.Join(f.out, "scenario.yaml"), y); err != nil {
		return err
	}
	return c.sweepExtras(f, sc, d, points, grid)
}

// product returns the product of xs, stopping once it exceeds
// MaxDesignPoints (so it never overflows).
func product(xs []int) int {
	p := 1
	for _, x := range xs {
		p *= x
		if p > MaxDesignPoints {
			return p
		}
	}
	return p
}

// sweepCSV writes studyout.SweepCSV with a last column, partial: true for
// a point whose replications did not all finish (an interrupted sweep),
// false otherwise. Points that never started are absent.
func sweepCSV(w io.Writer, d *mc.Design[sim.Arm], points []sim.SweepPoint) error {
	var buf bytes.Buffer
	if err := studyout.SweepCSV(&buf, d, points, Confidence); err != nil {
		return err
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		return err
	}
	if len(rows) != len(points)+1 {
		return fmt.Errorf("sweep.csv: %d rows for %d points", len(rows)-1, len(points))
	}
	// The policy column follows the parameters: the policy of each point
	// (it varies with policy.reliance or policy.switch_trust).
	at := 1 + len(d.Params)
	rows[0] = append(slices.Insert(rows[0], at, "policy"), "partial")
	for i, p := range points {
		rows[i+1] = append(slices.Insert(rows[i+1], at, pointPolicy(p)), strconv.FormatBool(p.Result.Partial))
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// writeSweepTable prints one line per point: the parameter values, the
// replications and the outcome shares with their Wilson intervals.
func writeSweepTable(w io.Writer, d *mc.Design[sim.Arm], points []sim.SweepPoint) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	head := []string{"point"}
	for _, p := range d.Params {
		head = append(head, p.Name)
	}
	head = append(head, "policy", "replications", "breakthrough", "collapse", "impasse")
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, pt := range points {
		rep, err := sim.NewReport(&sim.Study{Arms: []sim.Arm{pt.Params}}, pt.Result, Confidence)
		if err != nil {
			return err
		}
		row := []string{strconv.Itoa(pt.Index)}
		for _, v := range pt.Values {
			row = append(row, strconv.FormatFloat(v, 'g', 6, 64))
		}
		a := rep.Arms[0]
		row = append(row, pointPolicy(pt), strconv.Itoa(rep.Completed), share(a.Outcomes.Breakthrough), share(a.Outcomes.Collapse), share(a.Outcomes.Impasse))
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	return tw.Flush()
}

// pointPolicy is the name of the policy a design point ran.
func pointPolicy(p sim.SweepPoint) string {
	if p.Params.Policy != nil {
		return p.Params.Policy.Name()
	}
	if p.Params.Scenario != nil {
		return p.Params.Scenario.Policy
	}
	return ""
}

func share(e sim.Estimate) string {
	if math.IsNaN(float64(e.P)) {
		return "–"
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f]", float64(e.P), float64(e.CI[0]), float64(e.CI[1]))
}
