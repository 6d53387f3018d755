// Command sensitivity is a global sensitivity analysis of the backchannel
// model: which parameters drive (a) a ratified breakthrough and (b) repeated
// impasse?
//
// It draws a Latin hypercube of design points (mc.LatinHypercube) over the
// parameters and ranges listed in design.yaml, around the base scenario in
// scenario.yaml, runs every point (sim.RunSweep: each point its own seed
// stream) and regresses the points' outcomes on the parameters:
// standardised regression coefficients (SRC, with the R² of the linear fit
// and bootstrap intervals over design points from metrics.Bootstrap with a
// seeded generator) and partial rank correlation coefficients (PRCC, with
// Fisher-z intervals).
//
// Usage:
//
//	go run ./examples/sensitivity [--points 100] [--reps 150] [--seed 2026] [--out ./sensitivity-out] [--workers 0]
//
// It prints the rankings and writes to --out: table.txt, sensitivity.json,
// points.csv (one row per design point: parameter values and outcomes with
// intervals), sweep.csv (studyout.SweepCSV), coefficients.csv and the
// figures sensitivity (tornado of SRCs and PRCCs with 95% intervals) and
// scatter (each point's outcomes against reliance) as PNG, SVG and PDF.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/backchannel-sim/backchannel/examples/internal/studykit"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
	"github.com/backchannel-sim/backchannel/studyout"
)

//go:embed scenario.yaml
var scenarioYAML []byte

//go:embed design.yaml
var designYAML []byte

// conf is the level of every interval.
const conf = 0.95

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "sensitivity:", err)
		os.Exit(1)
	}
}

// designSpec is design.yaml.
type designSpec struct {
	Points int `yaml:"points"`
	Params []struct {
		Name string  `yaml:"name"`
		Lo   float64 `yaml:"lo"`
		Hi   float64 `yaml:"hi"`
		Why  string  `yaml:"why"`
	} `yaml:"params"`
}

type options struct {
	studykit.Options
	points, horizon, boot int
}

func parseFlags(args []string, stderr io.Writer, defPoints int) (options, error) {
	var o options
	fs := flag.NewFlagSet("sensitivity", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.points, "points", defPoints, "design points of the Latin hypercube")
	o.Register(fs, "sensitivity", 150, 2026, "replications per design point")
	fs.IntVar(&o.boot, "boot", 1000, "bootstrap resamples of the design points for the SRC intervals")
	fs.IntVar(&o.horizon, "horizon", 0, "override the scenario's horizon in rounds (0: keep scenario.yaml's)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if err := o.Check(fs); err != nil {
		return o, err
	}
	switch {
	case o.boot < 2:
		return o, fmt.Errorf("--boot %d: want ≥ 2", o.boot)
	case o.horizon < 0:
		return o, fmt.Errorf("--horizon %d: want ≥ 0", o.horizon)
	}
	return o, nil
}

// run is the whole study; main only wires it to the process. An interrupt
// (Ctrl-C) stops the replications and returns an error.
func run(args []string, stdout io.Writer) error {
	var spec designSpec
	dec := yaml.NewDecoder(bytes.NewReader(designYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		return fmt.Errorf("design.yaml: %w", err)
	}
	o, err := parseFlags(args, stdout, spec.Points)
	if err != nil {
		return err
	}
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
	var params []mc.Param[sim.Arm]
	for _, p := range spec.Params {
		sp, err := sim.SweepParam(p.Name, p.Lo, p.Hi)
		if err != nil {
			return fmt.Errorf("design.yaml: %w", err)
		}
		params = append(params, sp)
	}
	// The design's own generator: a stream of the master seed that no
	// replication uses (replications draw from ReplicationSeed streams).
	n := o.points
	if n < len(params)+3 {
		return fmt.Errorf("--points %d: want at least %d (parameters + 3) for the regression", n, len(params)+3)
	}
	design, err := mc.LatinHypercube(n, params, rand.New(rand.NewPCG(o.Seed, 0x4c4843)))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	// Small blocks: a point's replications are spread over the workers.
	cfg := mc.RunConfig{Seed: o.Seed, Replications: o.Reps, Workers: o.Workers, BlockSize: 16}
	points, err := sim.RunSweep(ctx, cfg, design, sim.Arm{Scenario: sc}, 0, len(design.Points))
	if err != nil {
		return err
	}
	elapsed := time.Since(start)

	g, err := analyse(design, points, o, spec.whys())
	if err != nil {
		return err
	}
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"table.txt", g.writeTable},
		{"points.csv", g.writePointsCSV},
		{"sweep.csv", func(w io.Writer) error { return studyout.SweepCSV(w, design, points, conf) }},
		{"coefficients.csv", g.writeCoefCSV},
		{"sensitivity.json", func(w io.Writer) error {
			b, err := json.MarshalIndent(g.jsonReport(), "", "  ")
			if err != nil {
				return err
			}
			_, err = w.Write(append(b, '\n'))
			return err
		}},
	}
	for _, f := range files {
		if err := studyout.WriteFile(filepath.Join(o.Out, f.name), f.write); err != nil {
			return fmt.Errorf("writing %s: %w", f.name, err)
		}
	}
	figs, err := g.figures(o.Out)
	if err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	if err := g.writeTable(stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d points × %d replications in %.1fs (analysis %.1fs); wrote %s: ", n, o.Reps, elapsed.Seconds(), time.Since(start).Seconds()-elapsed.Seconds(), o.Out)
	for _, f := range files {
		fmt.Fprintf(stdout, "%s ", f.name)
	}
	for _, f := range figs {
		fmt.Fprintf(stdout, "%s.{png,svg,pdf} ", f)
	}
	fmt.Fprintln(stdout)
	return nil
}

func (d *designSpec) whys() []string {
	out := make([]string, len(d.Params))
	for i, p := range d.Params {
		out[i] = p.Why
	}
	return out
}
