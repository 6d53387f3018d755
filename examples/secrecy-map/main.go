// Command secrecy-map draws where back channels help: a map of the
// reliance study (examples/reliance) over two parameters of the default
// scenario, the front-channel precondition talks.front_min_trust and the
// negotiators' posturing (both parties).
//
// In every cell of the grid it runs the reliance levels P = 0, 0.25, 0.5,
// 0.75 and 1 (sim.Reliance{P}: a back channel is chosen with probability P
// each time talks open or a secret channel is exposed) as the arms of one
// sim.Study, so replication i of every level starts from the same generator
// and the levels are compared on common random numbers. Each cell has its
// own master seed, a documented function of --seed and the cell's two
// parameter values (cellSeed), so a cell's result depends neither on
// --workers nor on the rest of the grid.
//
// Per cell and level it estimates P(ratified breakthrough within 260
// rounds) and by the horizon (520 rounds) and P(second impasse) with
// Wilson intervals, and their paired differences against P = 0 with
// Newcombe intervals. Per cell it reports the best level within five years
// with the set of levels within 2 paired SE of it; the back-channel gain
// (best P > 0 minus P = 0 within five years), the level chosen on the
// even-numbered replications and the gain estimated on the odd-numbered
// ones, so that choosing the winner does not inflate its estimate; the gain
// at the fixed level P = 0.5 on all replications; and whether the hump
// holds: an interior level beats both P = 0 and P = 1 by at least 2 paired
// SE (on all replications, and held out: chosen on the even half, tested on
// the odd half).
//
// Usage:
//
//	go run ./examples/secrecy-map [--reps 5000] [--seed 2026] [--out ./secrecy-map-out] [--workers 0] [--quick]
//
// It prints the per-cell table and writes to --out: map.csv (one row per
// cell and level), cells.csv (one row per cell), table.txt (the printed
// table) and the figures best-level, gain, repeated-impasse and cells as
// PNG, SVG and PDF. --quick runs a 3 × 3 grid with 40 replications per
// level (unless --reps is given), for smoke tests.
package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/backchannel-sim/backchannel/examples/internal/studykit"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

//go:embed scenario.yaml
var scenarioYAML []byte

// conf is the level of every interval.
const conf = studykit.Level

// early is the round of the "within five years" milestone (weekly rounds).
const early = 260

// repeatK is the order of repeated impasse: the second impasse
// (docs/MODEL.md 7.18).
const repeatK = 2

// zHump is the number of paired standard errors by which an interior level
// must beat both ends for the hump to hold (the robustness study's rule).
const zHump = 2

// levels are the reliance levels of every cell.
var levels = []float64{0, 0.25, 0.5, 0.75, 1}

// Default grid: front_min_trust 0, 0.05, …, 0.5 and posturing 0, 0.25, …,
// 2; both contain the defaults (0.35 and 1.75). Quick grid: three values
// of each.
var (
	fullTrust     = steps(0, 0.5, 11)
	fullPosturing = steps(0, 2, 9)
	quickTrust    = []float64{0, 0.25, 0.5}
	quickPost     = []float64{0, 1, 2}
)

// steps returns n equally spaced values from lo to hi, rounded to 1e-9 so
// that they print as written.
func steps(lo, hi float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Round((lo+(hi-lo)*float64(i)/float64(n-1))*1e9) / 1e9
	}
	return v
}

// defaultReps is the number of replications per level and cell of the
// full study; quickReps that of --quick.
const (
	defaultReps = 5000
	quickReps   = 40
)

func main() { studykit.Main("secrecy-map", run) }

// options are the command-line flags.
type options struct {
	studykit.Options
	quick    bool
	progress io.Writer // where a line per finished cell goes (nil: nowhere)
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("secrecy-map", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.Register(fs, "secrecy-map", defaultReps, 2026, fmt.Sprintf("replications per reliance level and cell, common to the levels of a cell (default %d, %d with --quick)", defaultReps, quickReps))
	fs.BoolVar(&o.quick, "quick", false, "a 3 × 3 grid and few replications, for smoke tests")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	repsSet := false
	fs.Visit(func(f *flag.Flag) { repsSet = repsSet || f.Name == "reps" })
	if o.quick && !repsSet {
		o.Reps = quickReps
	}
	if err := o.Check(fs); err != nil {
		return o, err
	}
	if o.Reps < 2 {
		return o, fmt.Errorf("--reps %d: want ≥ 2 (the replications are split in two halves)", o.Reps)
	}
	return o, nil
}

// cellSeed returns the master seed of the cell at front_min_trust t and
// posturing p: the first word of mc.ReplicationSeed(seed, key) with key =
// round(1000·t)·2³² + round(1000·p). It depends on the cell's values only,
// so a cell gives the same numbers in any grid that contains it, and
// different cells are independent.
func cellSeed(seed uint64, t, p float64) uint64 {
	key := uint64(math.Round(1000*t))<<32 | uint64(math.Round(1000*p))
	s, _ := mc.ReplicationSeed(seed, key)
	return s
}

// cellScenario returns a copy of base with front_min_trust t and both
// negotiators' posturing p, validated.
func cellScenario(base *sim.Scenario, t, p float64) (*sim.Scenario, error) {
	sc := base.Clone()
	sc.Talks.FrontMinTrust = t
	for i := range sc.Parties {
		sc.Parties[i].Negotiator.Posturing = p
	}
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("cell front_min_trust=%g posturing=%g: %w", t, p, err)
	}
	return sc, nil
}

// run is the whole study; main only wires it to the process. An interrupt
// (Ctrl-C) stops the replications and returns an error.
func run(args []string, stdout io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	if o.progress == nil && stdout == os.Stdout {
		o.progress = os.Stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	base, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		return err
	}
	trust, post := fullTrust, fullPosturing
	if o.quick {
		trust, post = quickTrust, quickPost
	}

	m := &studyMap{
		Seed: o.Seed, Scenario: base.Name, Horizon: base.Horizon, Reps: o.Reps,
		Trust: trust, Posturing: post,
	}
	start := time.Now()
	for i, t := range trust {
		for j, p := range post {
			sc, err := cellScenario(base, t, p)
			if err != nil {
				return err
			}
			study := &sim.Study{ImpasseK: repeatK}
			for _, lv := range levels {
				pol := sim.Reliance{P: lv}
				study.Arms = append(study.Arms, sim.Arm{Label: pol.Name(), Scenario: sc, Policy: pol})
			}
			seed := cellSeed(o.Seed, t, p)
			res, err := sim.RunStudy(ctx, study, mc.RunConfig{
				Seed: seed, Replications: o.Reps, Workers: o.Workers, KeepOutcomes: true,
			})
			if err != nil {
				return fmt.Errorf("cell front_min_trust=%g posturing=%g: %w", t, p, err)
			}
			if len(res.Failures) > 0 {
				return fmt.Errorf("cell front_min_trust=%g posturing=%g: %d replications failed, first: %w", t, p, len(res.Failures), res.Failures[0])
			}
			c, err := analyseCell(t, p, seed, sc.Horizon, res.Outcomes)
			if err != nil {
				return fmt.Errorf("cell front_min_trust=%g posturing=%g: %w", t, p, err)
			}
			m.Cells = append(m.Cells, c)
			if o.progress != nil {
				fmt.Fprintf(o.progress, "cell %d/%d (front_min_trust %g, posturing %g) done at %.0fs\n",
					i*len(post)+j+1, len(trust)*len(post), t, p, time.Since(start).Seconds())
			}
		}
	}
	elapsed := time.Since(start)

	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"map.csv", m.writeMapCSV},
		{"cells.csv", m.writeCellsCSV},
		{"table.txt", m.writeTable},
	}
	for _, f := range files {
		if err := studyout.WriteFile(filepath.Join(o.Out, f.name), f.write); err != nil {
			return fmt.Errorf("writing %s: %w", f.name, err)
		}
	}
	figs, err := m.figures(o.Out)
	if err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	if err := m.writeTable(stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d cells × %d levels × %d replications in %.1fs; wrote %s: ", len(m.Cells), len(levels), o.Reps, elapsed.Seconds(), o.Out)
	for _, f := range files {
		fmt.Fprintf(stdout, "%s ", f.name)
	}
	for _, f := range figs {
		fmt.Fprintf(stdout, "%s.{png,svg,pdf} ", f)
	}
	fmt.Fprintln(stdout)
	return nil
}
