// Command oslo-calibration calibrates the Oslo case study against its
// record by approximate Bayesian computation (package calibrate, targets in
// examples/oslo/targets.yaml read by package sim/targets), reports the
// posterior of the calibrated parameters with 90% credible intervals and the
// posterior-predictive check against the record, and then asks what the
// calibrated model says about back-channel reliance in the case: parallel
// channels against public talks only and a back channel only, over
// posterior draws, compared with the hand-set scenario.
//
//	go run ./examples/oslo-calibration [--particles 1000] [--generations 8] [--draws 60] [--reps 60] [--seed 1] [--out ./oslo-calibration-out] [--workers 0]
//
// See README.md in this directory for what was calibrated against what, the
// results and the limits.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"gonum.org/v1/plot/vg"

	"github.com/backchannel-sim/backchannel/calibrate"
	"github.com/backchannel-sim/backchannel/examples/internal/studykit"
	"github.com/backchannel-sim/backchannel/figures"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/sim/targets"
)

func main() { studykit.Main("oslo-calibration", run) }

// options are the study's flags.
type options struct {
	caseDir                       string
	particles, generations        int
	draws, reps, refReps, workers int
	seed                          uint64
	minAcceptance                 float64
	out                           string
	noFigures                     bool
}

func parse(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("oslo-calibration", flag.ContinueOnError)
	fs.StringVar(&o.caseDir, "case", "", "the Oslo case directory with scenario.yaml and targets.yaml (default: examples/oslo, or ../oslo from this directory)")
	fs.IntVar(&o.particles, "particles", 1000, "ABC particles per generation")
	fs.IntVar(&o.generations, "generations", 8, "at most this many generations (generation 0 included)")
	fs.Float64Var(&o.minAcceptance, "min-acceptance", 0.05, "stop after a generation whose acceptance rate is below this")
	fs.IntVar(&o.draws, "draws", 60, "posterior draws for the reliance comparison")
	fs.IntVar(&o.reps, "reps", 60, "replications per posterior draw and arm")
	fs.IntVar(&o.refReps, "ref-reps", 2000, "replications of the hand-set scenario")
	fs.Uint64Var(&o.seed, "seed", 1, "master seed")
	fs.IntVar(&o.workers, "workers", 0, "worker goroutines (0: all CPUs); results do not depend on it")
	fs.StringVar(&o.out, "out", "oslo-calibration-out", "output directory")
	fs.BoolVar(&o.noFigures, "no-figures", false, "do not write figures")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.particles < 2 || o.generations < 1 || o.draws < 1 || o.reps < 1 || o.refReps < 2 || o.workers < 0 {
		return o, fmt.Errorf("want --particles ≥ 2, --generations ≥ 1, --draws ≥ 1, --reps ≥ 1, --ref-reps ≥ 2, --workers ≥ 0")
	}
	if o.workers == 0 {
		o.workers = runtime.GOMAXPROCS(0)
	}
	if o.caseDir == "" {
		for _, d := range []string{"examples/oslo", "../oslo"} {
			if _, err := os.Stat(filepath.Join(d, "targets.yaml")); err == nil {
				o.caseDir = d
				break
			}
		}
		if o.caseDir == "" {
			return o, errors.New("Oslo case directory not found: pass --case DIR")
		}
	}
	return o, nil
}

// Output is written to calibration.json.
type Output struct {
	Case        string              `json:"case"`
	Seed        uint64              `json:"seed"`
	Particles   int                 `json:"particles"`
	Reps        int                 `json:"replications_per_particle"`
	Stop        string              `json:"stop"`
	Generations []GenRow            `json:"generations"`
	Posterior   []calibrate.Summary `json:"posterior"`
	Predictive  []Check             `json:"predictive"`
	Reliance    []ArmReliance       `json:"reliance"`
}

// GenRow is one generation's cost.
type GenRow struct {
	Index       int     `json:"generation"`
	Epsilon     float64 `json:"epsilon"`
	Acceptance  float64 `json:"acceptance_rate"`
	ESS         float64 `json:"ess"`
	Simulations int     `json:"simulations"`
}

// Check is the posterior-predictive check of one target, with the
// hand-set scenario's value of the same summary.
type Check struct {
	Name     string     `json:"name"`
	Observed float64    `json:"observed"`
	Mean     float64    `json:"posterior_predictive_mean"`
	PI90     [2]float64 `json:"pi90"`
	HandSet  float64    `json:"hand_set"`
	HandSE   float64    `json:"hand_set_se"`
}

func run(args []string, stdout io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	tdata, err := os.ReadFile(filepath.Join(o.caseDir, "targets.yaml"))
	if err != nil {
		return err
	}
	tf, err := targets.Parse(tdata)
	if err != nil {
		return err
	}
	sdata, err := os.ReadFile(filepath.Join(o.caseDir, "scenario.yaml"))
	if err != nil {
		return err
	}
	sc, err := sim.ParseScenario(sdata)
	if err != nil {
		return err
	}
	m, err := targets.Bind(tf, sc, nil)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	res, err := calibrate.Run(context.Background(), calibrate.Config{
		Params: m.Params(), Model: m, Observed: tf.Observed(), Weights: tf.Weights(), Scale: tf.Scales(),
		Particles: o.particles, Seed: o.seed, Workers: o.workers, Kernel: calibrate.KernelOLCM,
		MaxGenerations: o.generations, MinAcceptance: o.minAcceptance,
	})
	if err != nil {
		return err
	}
	post := res.Posterior()
	out := Output{Case: tf.Case, Seed: o.seed, Particles: o.particles, Reps: tf.Replications, Stop: res.Stop.String()}
	for _, g := range res.Generations {
		out.Generations = append(out.Generations, GenRow{g.Index, g.Epsilon, g.AcceptanceRate, g.ESS, g.Simulations})
	}
	if out.Posterior, err = calibrate.Summarize(post, res.Params, 0.9); err != nil {
		return err
	}

	// The hand-set scenario's summaries, from ref-reps replications (their
	// standard errors from the per-replication values).
	hand, handSE := handSet(sc, tf, o)
	for k, t := range tf.Targets {
		x := column(post.Summaries, k)
		out.Predictive = append(out.Predictive, Check{Name: t.Name, Observed: t.Observed,
			Mean:    calibrate.WeightedMean(x, post.Weights),
			PI90:    [2]float64{calibrate.WeightedQuantile(0.05, x, post.Weights), calibrate.WeightedQuantile(0.95, x, post.Weights)},
			HandSet: hand[k], HandSE: handSE[k]})
	}
	if out.Reliance, err = reliance(m, sc, post, o); err != nil {
		return err
	}
	if err := writeTables(stdout, &out, m.Ranges()); err != nil {
		return err
	}
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "calibration.json"), data, 0o644); err != nil {
		return err
	}
	if o.noFigures {
		return nil
	}
	return writeFigures(o.out, res, tf, hand)
}

func column(rows [][]float64, k int) []float64 {
	x := make([]float64, len(rows))
	for i, r := range rows {
		x[i] = r[k]
	}
	return x
}

// handSet returns the targets' summaries of the hand-set scenario over
// o.refReps replications (seeded from stream 1 of the master seed) and
// their standard errors (the SD of the per-replication values over
// sqrt(n); for the conditional vote_support the SE uses the replications
// with a vote).
func handSet(sc *sim.Scenario, tf *targets.File, o options) (mean, se []float64) {
	rep, err := sim.NewReplication(sc, nil)
	if err != nil {
		panic("oslo-calibration: " + err.Error()) // validated by ParseScenario
	}
	master := mc.StreamSeed(o.seed, 1)
	outs := make([]sim.Outcome, o.refReps)
	for i := range outs {
		outs[i] = rep.Run(mc.ReplicationRand(master, uint64(i)), nil)
	}
	mean = targets.Summarize(tf.Targets, outs, nil)
	se = make([]float64, len(mean))
	for k := range tf.Targets {
		ss, n := 0.0, 0
		for i := range outs {
			v := targets.Summarize(tf.Targets[k:k+1], outs[i:i+1], nil)[0]
			if tf.Targets[k].Statistic == "vote_support" && outs[i].SecretVotes+outs[i].PublicVotes == 0 {
				continue
			}
			ss += (v - mean[k]) * (v - mean[k])
			n++
		}
		se[k] = math.NaN()
		if n > 1 {
			se[k] = math.Sqrt(ss / float64(n-1) / float64(n))
		}
	}
	return mean, se
}

func writeFigures(dir string, res *calibrate.Result, tf *targets.File, hand []float64) error {
	post := res.Posterior()
	pairs, err := figures.PosteriorPairs(res.Params, post.Particles, post.Weights)
	if err != nil {
		return err
	}
	side := vg.Length(len(res.Params)) * 5 * vg.Centimeter
	if err := figures.SaveFigure(pairs, dir, "pairs", side+vg.Centimeter, side); err != nil {
		return err
	}
	if slices.Contains(figures.Formats, "png") {
		// The README's copy at 100 dpi (827 × 787 pixels for four
		// parameters), every particle still drawn: the 1,000 translucent
		// overlapping markers make it about 190 KB (255 KB at 120 dpi;
		// the examples keep committed figures under 200 KB).
		img := studykit.RenderPNG(pairs, side+vg.Centimeter, side, 100)
		if err := studykit.WritePNG(filepath.Join(dir, "pairs-100dpi.png"), img); err != nil {
			return err
		}
	}
	var pts []figures.PredictiveTarget
	for k, t := range tf.Targets {
		pts = append(pts, figures.PredictiveTarget{Name: t.Name, Observed: t.Observed,
			Simulated: column(post.Summaries, k), Weights: post.Weights, Reference: hand[k]})
	}
	pp, err := figures.PosteriorPredictive(pts, 3)
	if err != nil {
		return err
	}
	rows := (len(pts) + 2) / 3
	return figures.SaveFigure(pp, dir, "predictive", 18*vg.Centimeter, vg.Length(rows)*5.5*vg.Centimeter)
}

// drawRand returns the generator for the posterior resampling.
func drawRand(seed uint64) *rand.Rand { return mc.ReplicationRand(mc.StreamSeed(seed, 2), 0) }
