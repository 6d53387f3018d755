// Command reliance is the central study of the backchannel library: how does
// the probability of a ratified breakthrough depend on how much the parties
// rely on back channels?
//
// It runs the scenario in scenario.yaml (the documented defaults) under the
// channel policy sim.Reliance{P} for P = 0, 0.1, …, 1 (each time talks are
// opened or a secret channel is exposed, a back channel is chosen with
// probability P). The levels are the arms of one sim.Study, so replication i
// of every level starts from the same generator: the levels are compared on
// common random numbers and their differences are paired.
//
// Usage:
//
//	go run ./examples/reliance [--reps 2000] [--seed 2026] [--out ./reliance-out] [--workers 0]
//
// It prints a table of the estimates with their 95% intervals and writes to
// --out: table.txt (the printed table), report.json (sim.Report of every
// level), reliance.csv (one row per level), paired.csv (paired differences
// between adjacent levels and against P = 0), impasse.csv (time to the
// k-th impasse per level), channel_yield.csv (the yield of the k-th back
// channel), channel_returns.csv (the returns of the k-th back channel) and
// the figures shares, early, channels, ratification, incidence, repeated,
// impasse-kth and occupancy as PNG, SVG and PDF.
//
// Besides breakthrough, it answers the second half of the library's
// question: how quickly does reliance on back channels lead to repeated
// impasse (the second impasse: a breakdown, an exposed back channel given
// up for a fresh one, or a failed ratification; docs/MODEL.md 7.18)?
package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
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
const conf = 0.95

// early is the round of the "within five years" milestone (weekly rounds).
const early = 260

// repeatK is the order of repeated impasse the study reports: the second
// impasse (docs/MODEL.md 7.18).
const repeatK = 2

func main() { studykit.Main("reliance", run) }

// options are the command-line flags.
type options struct {
	studykit.Options
	levels, horizon, traceReps int
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("reliance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.Register(fs, "reliance", 2000, 2026, "replications per reliance level (common to all levels)")
	fs.IntVar(&o.levels, "levels", 11, "number of equally spaced reliance levels from 0 to 1 (≥ 2)")
	fs.IntVar(&o.traceReps, "trace-reps", 1000, "replications replayed with a channel observer at two levels (at most --reps)")
	fs.IntVar(&o.horizon, "horizon", 0, "override the scenario's horizon in rounds (0: keep scenario.yaml's)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if err := o.Check(fs); err != nil {
		return o, err
	}
	switch {
	case o.levels < 2:
		return o, fmt.Errorf("--levels %d: want ≥ 2", o.levels)
	case o.horizon < 0:
		return o, fmt.Errorf("--horizon %d: want ≥ 0", o.horizon)
	case o.traceReps < 1:
		return o, fmt.Errorf("--trace-reps %d: want ≥ 1", o.traceReps)
	}
	return o, nil
}

// run is the whole study; main only wires it to the process. An interrupt
// (Ctrl-C) stops the replications and returns an error.
func run(args []string, stdout io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sc, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		return err
	}
	if o.horizon > 0 {
		sc.Horizon = o.horizon
		if err := sc.Validate(); err != nil {
			return err
		}
	}
	levels := make([]float64, o.levels)
	study := &sim.Study{ImpasseK: repeatK}
	for k := range levels {
		levels[k] = float64(k) / float64(o.levels-1)
		pol := sim.Reliance{P: levels[k]}
		study.Arms = append(study.Arms, sim.Arm{Label: pol.Name(), Scenario: sc, Policy: pol})
	}

	start := time.Now()
	res, err := sim.RunStudy(ctx, study, mc.RunConfig{
		Seed: o.Seed, Replications: o.Reps, Workers: o.Workers, KeepOutcomes: true,
	})
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if len(res.Failures) > 0 {
		return fmt.Errorf("%d replications failed, first: %w", len(res.Failures), res.Failures[0])
	}
	rep, err := sim.NewReport(study, res, conf)
	if err != nil {
		return err
	}
	a := analyse(levels, sc.Horizon, rep, res)

	// Replay two levels with a channel observer: the returns of the k-th
	// back channel.
	nt := min(o.traceReps, o.Reps)
	for _, k := range []int{(len(levels) - 1) / 2, len(levels) - 1} {
		cr, miss, err := traceChannels(ctx, sc, levels[k], o.Seed, nt, o.Workers,
			func(i int) sim.Outcome { return res.Outcomes[i].Arms[k] })
		if err != nil {
			return err
		}
		a.returns = append(a.returns, cr...)
		a.traceMiss = max(a.traceMiss, miss)
	}
	a.traceReps = nt
	elapsed = time.Since(start)

	// Files.
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"report.json", func(w io.Writer) error { return studyout.WriteJSON(w, rep) }},
		{"reliance.csv", a.writeLevelsCSV},
		{"paired.csv", a.writePairedCSV},
		{"impasse.csv", a.writeImpasseCSV},
		{"channel_yield.csv", a.writeYieldCSV},
		{"channel_returns.csv", a.writeReturnsCSV},
		{"table.txt", func(w io.Writer) error { return a.writeTable(w, rep) }},
	}
	for _, f := range files {
		if err := studyout.WriteFile(filepath.Join(o.Out, f.name), f.write); err != nil {
			return fmt.Errorf("writing %s: %w", f.name, err)
		}
	}
	figs, err := a.figures(o.Out, study, res)
	if err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	if err := a.writeTable(stdout, rep); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d levels × %d replications (and %d traced at 2 levels) in %.1fs; wrote %s: ", len(levels), rep.Completed, nt, elapsed.Seconds(), o.Out)
	for _, f := range files {
		fmt.Fprintf(stdout, "%s ", f.name)
	}
	for _, f := range figs {
		fmt.Fprintf(stdout, "%s.{png,svg,pdf} ", f)
	}
	fmt.Fprintln(stdout)
	return nil
}
