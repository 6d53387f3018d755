package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/results"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

// Confidence is the level of every interval in the outputs.
const Confidence = 0.95

const runUsage = `usage: backchannel run [flags]

Runs a study: every policy given with --policy (default: the built-in
policies front-only, back-only, back-then-front, reliance=0.5 and parallel)
on one scenario (default: the built-in default scenario), side by side on
common random numbers. --policy scenario runs the scenario's own policy
field (policy: reliance=0.3, say); alone, it runs that policy only. Without
--policy, a scenario whose policy is not among the built-in five gets a
note on stderr (its policy field is not run). Prints the table (or --json) on stdout and writes
summary.json, scenario.yaml, figures, the data behind them (tidy CSV),
report.html (self-contained) and, with --csv, outcomes.csv to --out.

Sharded and resumable runs:
  --shard I/N --save FILE   run only shard I (0-based) of N, save a partial-result file
  --shard auto --save FILE  shard from SLURM_ARRAY_TASK_ID/_MIN/_COUNT (Slurm) or
                            JOB_COMPLETION_INDEX with --shard-count N (Kubernetes);
                            BACKCHANNEL_SHARDS, if set, is the shard count
  --checkpoint FILE         save finished blocks periodically; rerun the same command
                            after a crash to resume (with --progress, each save is
                            reported on stderr)
Combine the shards with "backchannel merge".
`

func (c *cli) runCmd(args []string) error {
	fs := c.newFlagSet("run", runUsage)
	var f runFlags
	f.register(fs, flagSet{scenario: true, csv: true, json: true, reps: DefaultReps,
		repsHelp: "number `N` of replications (the cap with --precision)"})
	f.fig.cmdline = append([]string{"run"}, args...)
	var o runOpts
	fs.Float64Var(&o.precision, "precision", 0, "sequential stopping: stop when the 95% Wilson half-width of every arm's breakthrough share is below `X` (or at --reps)")
	o.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("run: unexpected argument %q", pos[0])
	}
	if err := f.check(); err != nil {
		return err
	}
	if o.precision != 0 && !(o.precision > 0 && o.precision <= 0.5) {
		return usagef("--precision = %v: must be in (0, 0.5]", o.precision)
	}
	if err := o.check(); err != nil {
		return err
	}
	sc, err := loadScenario(f.scenario, f.horizon)
	if err != nil {
		return err
	}
	pols, err := f.policies.resolve(sc, f.scenario)
	if err != nil {
		return err
	}
	if len(pols) == 0 {
		pols = sim.BuiltinPolicies()
		c.noteScenarioPolicy(f.scenario, sc, pols)
	}
	noteSpoilers(c.stderr, f.scenario, sc)
	s := sim.PolicyStudy(sc, pols)
	if o.sharded() {
		return c.runShard(&f, &o, s)
	}
	return c.runStudy(&f, &o, s)
}

// noteScenarioPolicy says on stderr that the policy field of a scenario
// file is not run when it is not among the policies run (pols): run
// compares the built-in policies unless given --policy.
func (c *cli) noteScenarioPolicy(file string, sc *sim.Scenario, pols []sim.Policy) {
	if file == "" {
		return
	}
	name := sc.Policy
	if p, err := sim.ParsePolicy(sc.Policy); err == nil {
		name = p.Name()
	}
	for _, p := range pols {
		if p.Name() == name {
			return
		}
	}
	fmt.Fprintf(c.stderr, "backchannel: note: %s: its policy %q is not among the policies run (the built-in ones); run it with --policy scenario (alone) or add --policy scenario to a list\n", file, sc.Policy)
}

// noteSpoilers says on stderr that a scenario file listing fewer spoiler
// factions than the default scenario replaced them (a spoilers list does
// not edit the defaults).
func noteSpoilers(w io.Writer, file string, sc *sim.Scenario) {
	def := len(sim.DefaultScenario().Spoilers)
	if file == "" || len(sc.Spoilers) >= def {
		return
	}
	fmt.Fprintf(w, "backchannel: note: %s lists %d spoiler faction(s): a spoilers list replaces the %d default factions rather than editing them, so this run has %d\n", file, len(sc.Spoilers), def, len(sc.Spoilers))
}

// runOpts are the flags of run that compare does not have.
type runOpts struct {
	precision          float64
	shard              string
	shardCount         int
	save               string
	checkpoint         string
	checkpointInterval time.Duration
	checkpointBlocks   int
}

// runStudy runs s over [0, reps) in one process (with sequential
// stopping or a checkpoint if asked), prints the table or JSON and writes
// the output files.
func (c *cli) runStudy(f *runFlags, o *runOpts, s *sim.Study) error {
	if o.precision > 0 && o.checkpoint != "" {
		return usagef("--precision and --checkpoint cannot be combined")
	}
	if f.csv && o.checkpoint != "" {
		return usagef("--csv and --checkpoint cannot be combined (a checkpoint holds summaries, not outcomes)")
	}
	if err := f.checkMemory(memoryEstimate(f, s, f.reps, f.csv)); err != nil {
		return err
	}
	if err := checkWritable(output{"--out", f.out, true}, output{"--save", o.save, false}, output{"--checkpoint", o.checkpoint, false}); err != nil {
		return err
	}
	cfg := mc.RunConfig{Seed: f.seed, Replications: f.reps, Workers: f.workers, BlockSize: f.blockSize, KeepOutcomes: f.csv}
	bar := c.progressFunc(f, "replications")
	cfg.Progress = bar.update
	t0 := c.now()
	var res *sim.StudyResult
	var err error
	switch {
	case o.precision > 0:
		var sr *mc.SequentialResult[sim.RepOutcome, *sim.StudySummary]
		sr, err = sim.RunStudySequential(c.ctx, s, cfg, mc.Sequential[*sim.StudySummary]{
			Target:    o.precision,
			HalfWidth: breakthroughHalfWidth,
		})
		if sr != nil {
			res = sr.RunResult
			bar.finish()
			if err == nil {
				if sr.Converged {
					fmt.Fprintf(c.stderr, "backchannel: precision %g reached after %d replications (largest half-width %.4g)\n", o.precision, res.Replications, sr.HalfWidth)
				} else {
					fmt.Fprintf(c.stderr, "backchannel: precision %g NOT reached: stopped at the cap of %d replications (largest half-width %.4g)\n", o.precision, res.Replications, sr.HalfWidth)
				}
			}
		}
	case o.checkpoint != "":
		res, err = c.runCheckpointed(f, o, s, cfg)
	default:
		res, err = sim.RunStudy(c.ctx, s, cfg)
	}
	bar.finish()
	if res == nil {
		return classifyRunError(err)
	}
	// A failure after replications finished (a checkpoint that could not
	// be saved, say) still reports and saves what was computed.
	var runErr error
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		runErr, err = err, nil
	}
	c.timing(f, t0, res.Done, len(s.Arms))
	serr := c.saveWhole(o, s, res)
	if werr := c.report(f, s, res, true); werr != nil {
		return errors.Join(serr, fmt.Errorf("writing the outputs: %w (the table or JSON on stdout is the result)", werr))
	}
	if runErr != nil {
		return errors.Join(fmt.Errorf("%w; the results of the %d replications finished are written above (\"partial\": %v)", runErr, res.Done, res.Partial), serr)
	}
	if serr != nil {
		return serr
	}
	return interrupted(err, res)
}

// check returns a usage error for out-of-range checkpoint flags.
func (o *runOpts) check() error {
	if o.checkpointInterval < 0 {
		return usagef("--checkpoint-interval = %v: must be ≥ 0 (0: only by --checkpoint-blocks)", o.checkpointInterval)
	}
	if o.checkpointBlocks < 0 {
		return usagef("--checkpoint-blocks = %d: must be ≥ 0 (0: only by time)", o.checkpointBlocks)
	}
	return nil
}

// classifyRunError turns an error returned without a result (the study
// or the configuration is invalid) into a usage error.
func classifyRunError(err error) error {
	if err == nil {
		return errors.New("no result")
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w before any replication finished", errInterrupted)
	}
	return usageError{err}
}

// interrupted returns nil for a finished run, or an errInterrupted error
// for a cancelled one whose partial results were written.
func interrupted(err error, res *sim.StudyResult) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %d of %d replications finished; partial results written (\"partial\": true): %v",
		errInterrupted, res.Done, res.Replications, err)
}

// breakthroughHalfWidth is the largest 95% Wilson half-width of the
// arms' breakthrough shares (NaN before any replication).
func breakthroughHalfWidth(ss *sim.StudySummary) float64 {
	hw := math.NaN()
	for _, a := range ss.Arms {
		n := int(a.Kinds[0] + a.Kinds[1] + a.Kinds[2])
		if n == 0 {
			return math.NaN()
		}
		iv, err := metrics.Wilson(int(a.Kinds[sim.Breakthrough]), n, Confidence)
		if err != nil {
			return math.NaN()
		}
		if h := (iv.Hi - iv.Lo) / 2; !(h <= hw) {
			hw = h
		}
	}
	return hw
}

// varianceRatioNote explains, under the table, the variance ratio of the
// paired differences (breakthrough), with what the values in this table
// mean: how much comparing the arms on common random numbers narrowed
// the intervals of the differences.
func varianceRatioNote(w io.Writer, rep *sim.Report) error {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, a := range rep.Arms {
		if a.VsReference == nil {
			continue
		}
		v := float64(a.VsReference.Breakthrough.VarianceRatio)
		if math.IsNaN(v) {
			continue
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo > hi {
		return nil
	}
	var b strings.Builder
	b.WriteString("\nvariance ratio (breakthrough): the variance the difference would have had on independent\n" +
		"replications, divided by its variance on common random numbers (the same replication index\n" +
		"for every arm). Above 1, pairing narrowed the interval: 4 would mean half the width.\n")
	switch {
	case lo > 0.9 && hi < 1.1:
		b.WriteString("Here it is near 1: the arms' outcomes on the same replication are nearly uncorrelated\n" +
			"(the policies take the negotiation down different paths), so pairing neither helped nor\n" +
			"hurt; the intervals are valid either way.\n")
	default:
		fmt.Fprintf(&b, "Here it ranges from %.1f to %.1f (below 1: the outcomes are negatively correlated and\n"+
			"pairing widened the interval; the intervals are valid either way).\n", lo, hi)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// progressFunc returns the progress bar (or a silent one) wired to
// c.onProgress.
func (c *cli) progressFunc(f *runFlags, noun string) *progress {
	p := &progress{hook: c.onProgress}
	if c.showProgress(f) {
		p.bar = newProgressBar(c.stderr, c.now, noun)
	}
	return p
}

// progress fans a RunConfig.Progress call out to the bar and the test hook.
type progress struct {
	bar  *progressBar
	hook func(done, total int)
}

func (p *progress) update(done, total int) {
	if p.bar != nil {
		p.bar.update(done, total)
	}
	if p.hook != nil {
		p.hook(done, total)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.finish()
	}
}

// timing prints the wall time on stderr if --timing.
func (c *cli) timing(f *runFlags, t0 time.Time, reps, arms int) {
	if !f.timing {
		return
	}
	el := c.now().Sub(t0)
	rate := float64(reps) / el.Seconds()
	fmt.Fprintf(c.stderr, "backchannel: %d replications × %d arms in %.3fs (%.1f replications/s, %d CPUs)\n",
		reps, arms, el.Seconds(), rate, numCPU())
}

// report prints the table or the JSON summary of res on stdout and
// writes the output files to f.out: summary.json, the scenario(s),
// outcomes.csv (if --csv and withCSV) and figures (unless --no-figures).
func (c *cli) report(f *runFlags, s *sim.Study, res *sim.StudyResult, withCSV bool) error {
	if f.hasImpasseK {
		// It selects what is reported, not what was run: a merge of files
		// may choose another order than their runs did.
		s.ImpasseK = f.impasseK
	}
	rep, err := sim.NewReport(s, res, Confidence)
	if err != nil {
		return err
	}
	if f.json {
		err = studyout.WriteJSON(c.stdout, rep)
	} else {
		err = studyout.WriteTable(c.stdout, rep)
		if err == nil {
			err = varianceRatioNote(c.stdout, rep)
		}
	}
	if err != nil {
		return err
	}
	return c.writeFiles(f, s, res, rep, withCSV)
}

func (c *cli) writeFiles(f *runFlags, s *sim.Study, res *sim.StudyResult, rep *sim.Report, withCSV bool) error {
	if f.out == "" {
		return nil
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(f.out, "summary.json"), func(w io.Writer) error { return studyout.WriteJSON(w, rep) }); err != nil {
		return err
	}
	if err := writeScenarios(f.out, s); err != nil {
		return err
	}
	if f.csv && withCSV && res.Outcomes != nil {
		if err := writeAtomic(filepath.Join(f.out, "outcomes.csv"), func(w io.Writer) error { return studyout.WriteCSV(w, s, res) }); err != nil {
			return err
		}
	}
	return c.studyExtras(f, s, res, rep)
}

// writeAtomic writes what write produces to path through a temporary file
// renamed over it (a symbolic link at path is replaced, not followed).
func writeAtomic(path string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	return results.WriteFileAtomic(path, buf.Bytes())
}

// writeScenarios writes the scenario of the study as scenario.yaml, or,
// when arms run different scenarios, scenario-<arm>.yaml for each arm.
func writeScenarios(dir string, s *sim.Study) error {
	same := true
	for _, a := range s.Arms[1:] {
		same = same && a.Scenario == s.Arms[0].Scenario
	}
	for i, a := range s.Arms {
		name := "scenario.yaml"
		if !same {
			name = fmt.Sprintf("scenario-%d.yaml", i)
		}
		y, err := a.Scenario.MarshalYAMLText()
		if err != nil {
			return err
		}
		if err := results.WriteFileAtomic(filepath.Join(dir, name), y); err != nil {
			return err
		}
		if same {
			break
		}
	}
	return nil
}
