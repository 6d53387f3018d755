// Command sensitivity is a global sensitivity analysis and scenario
// discovery study of the backchannel model: when do back channels help, and
// when do they trap the parties in repeated impasse?
//
// It runs, with internal/explorerun (the core of "backchannel explore"):
//
//  1. a Saltelli design on the Sobol sequence, --n base samples over the 16
//     parameters of design.yaml around scenario.yaml (N·18 points), each
//     point running --reps replications of a back channel first
//     (back-then-front) and of front-only talks on common random numbers,
//     and estimates first-order (Saltelli 2010) and total (Jansen 1999)
//     Sobol indices with bootstrap intervals for P(ratified breakthrough
//     within 260 rounds), P(repeated impasse by the horizon) (a second
//     impasse of the model, docs/MODEL.md §7.18), the restricted
//     mean time to breakthrough and the paired gain of the back channel;
//  2. a Latin hypercube of --lhs points (--prim-reps replications) and PRIM boxes
//     for "a back channel first beats front-only by at least 0.1 in
//     P(breakthrough within 260 rounds)" (breakthrough_gain >= 0.1, paired
//     per point) and "back channels trap" (p_repeated_impasse > 0.5 under
//     back-then-front), each box with its coverage and density.
//
// Usage:
//
//	go run ./examples/sensitivity [--n 256] [--reps 16] [--lhs 512] [--prim-reps 64] [--seed 2026] [--out ./sensitivity-out] [--workers 0] [--quick]
//
// It prints the indices and the boxes and writes to --out: sobol/ and prim/,
// each with points.json (the exact results, loadable by "backchannel
// explore --from"), design.csv, outputs.csv, and sobol.csv, sobol_noise.csv
// or prim_boxes.csv, prim_limits.csv, prim_trajectory.csv, with figures;
// and table.txt. Rerunning it regenerates everything.
package main

import (
	"bytes"
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

	"go.yaml.in/yaml/v3"

	"github.com/backchannel-sim/backchannel/examples/internal/studykit"
	"github.com/backchannel-sim/backchannel/explore"
	"github.com/backchannel-sim/backchannel/internal/explorerun"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

//go:embed scenario.yaml
var scenarioYAML []byte

//go:embed design.yaml
var designYAML []byte

// conf is the level of every interval.
const conf = 0.95

// primOptions choose each PRIM box on the coverage-density trade-off: the
// box of largest coverage with density at least 0.85 (Bryant and Lempert
// 2010), pasted, with every restriction whose quasi-p-value exceeds 0.05
// dropped; peeling stops at 5% of the points.
var primOptions = explore.PrimOptions{MinMass: 0.05, MinDensity: 0.85, MaxPValue: 0.05}

func main() { studykit.Main("sensitivity", run) }

type designSpec struct {
	Params []struct {
		Name string  `yaml:"name"`
		Lo   float64 `yaml:"lo"`
		Hi   float64 `yaml:"hi"`
		Why  string  `yaml:"why"`
	} `yaml:"params"`
}

type options struct {
	studykit.Options
	n, lhs, primReps int
	resamples        int
	quick            bool
}

func parseFlags(args []string, w io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("sensitivity", flag.ContinueOnError)
	fs.SetOutput(w)
	o.Register(fs, "sensitivity", 16, 2026, "replications per design point and policy")
	fs.IntVar(&o.n, "n", 256, "base samples of the Saltelli design (a power of two)")
	fs.IntVar(&o.lhs, "lhs", 512, "points of the Latin hypercube for PRIM")
	fs.IntVar(&o.primReps, "prim-reps", 64, "replications per PRIM point and policy (the cases of interest threshold point means)")
	fs.IntVar(&o.resamples, "resamples", 1000, "bootstrap resamples of the Sobol indices")
	fs.BoolVar(&o.quick, "quick", false, "smoke test: 4 base samples, 48 PRIM points, 2 replications, 100 resamples")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if err := o.Check(fs); err != nil {
		return o, err
	}
	if o.quick {
		o.n, o.lhs, o.Reps, o.primReps, o.resamples = 4, 48, 2, 2, 100
	}
	switch {
	case o.n < 2:
		return o, fmt.Errorf("--n %d: want ≥ 2", o.n)
	case o.primReps < 1:
		return o, fmt.Errorf("--prim-reps %d: want ≥ 1", o.primReps)
	case o.lhs < 10:
		return o, fmt.Errorf("--lhs %d: want ≥ 10", o.lhs)
	case o.resamples < 10:
		return o, fmt.Errorf("--resamples %d: want ≥ 10", o.resamples)
	}
	return o, nil
}

// run is the whole study; main only wires it to the process.
func run(args []string, stdout io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	var spec designSpec
	dec := yaml.NewDecoder(bytes.NewReader(designYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		return fmt.Errorf("design.yaml: %w", err)
	}
	sc, err := sim.ParseScenario(scenarioYAML)
	if err != nil {
		return fmt.Errorf("scenario.yaml: %w", err)
	}
	var ranges []explorerun.Range
	for _, p := range spec.Params {
		ranges = append(ranges, explorerun.Range{Name: p.Name, Lo: p.Lo, Hi: p.Hi, Why: p.Why})
	}
	base, err := explorerun.NewSpec(sc, ranges)
	if err != nil {
		return fmt.Errorf("design.yaml: %w", err)
	}
	base.Seed, base.Reps, base.Baseline = o.Seed, o.Reps, "front-only"
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var table bytes.Buffer
	w := io.MultiWriter(stdout, &table)
	fmt.Fprintf(w, "Sensitivity of the backchannel model %s: %s vs %s, %d replications per point and policy on common random numbers, seed %d\n\n",
		sim.ModelVersion, base.Policy, base.Baseline, o.Reps, o.Seed)

	// 1. Sobol indices.
	sob := base
	sob.Method, sob.N = explorerun.MethodSobol, o.n
	part, el, err := runDesign(ctx, sob, o.Workers)
	if err != nil {
		return err
	}
	dir := filepath.Join(o.Out, "sobol")
	outputs := []string{"p_breakthrough", "p_repeated_impasse", "time_to_breakthrough", "breakthrough_gain"}
	res, err := part.Sobol(outputs, o.resamples, conf)
	if err != nil {
		return err
	}
	if err := writeAll(dir, part); err != nil {
		return err
	}
	if err := explorerun.WriteSobol(dir, res, conf, o.Reps); err != nil {
		return err
	}
	if err := explorerun.PlotSobol(dir, res); err != nil {
		return err
	}
	fmt.Fprintf(w, "Sobol indices (%d points = %d base samples × %d, in %.1fs):\n", part.Model.Len(), o.n, len(ranges)+2, el.Seconds())
	writeSobolTable(w, part, res)

	// 2. PRIM on a Latin hypercube.
	lhs := base
	lhs.Method, lhs.N, lhs.Reps = explorerun.MethodLHS, o.lhs, o.primReps
	pp, el, err := runDesign(ctx, lhs, o.Workers)
	if err != nil {
		return err
	}
	pdir := filepath.Join(o.Out, "prim")
	var runs []explorerun.PrimRun
	for _, tg := range []struct{ label, target string }{
		{"back_channel_helps", "breakthrough_gain>=0.1"},
		{"back_channels_trap", "p_repeated_impasse>0.5"},
	} {
		t, err := explorerun.ParseTarget(tg.target)
		if err != nil {
			return err
		}
		boxes, hits, err := pp.Prim(t, primOptions, 2)
		if err != nil {
			return fmt.Errorf("prim %s: %w", tg.label, err)
		}
		runs = append(runs, explorerun.PrimRun{Label: tg.label, Target: t, Points: pp.Model.Len(), Hits: hits, Boxes: boxes})
	}
	if err := writeAll(pdir, pp); err != nil {
		return err
	}
	if err := explorerun.WritePrim(pdir, pp.Model.Design.Space, runs); err != nil {
		return err
	}
	if err := explorerun.PlotPrim(pdir, runs); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nPRIM boxes on a Latin hypercube of %d points × %d replications (in %.1fs); density ≥ 0.85 chosen, restrictions with p > 0.05 dropped, up to 2 boxes:\n", pp.Model.Len(), o.primReps, el.Seconds())
	explorerun.PrimTable(w, pp.Model.Design.Space, runs)
	fmt.Fprintf(w, "\nDirections on the Latin hypercube: mean of each output over the points in the lower and upper half of each parameter's range (± SE of the difference):\n")
	if err := writeHalves(w, pdir, pp); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.Out, "table.txt"), table.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nwrote %s: table.txt, sobol/ and prim/ (points.json, design.csv, outputs.csv, indices and boxes, figures)\n", o.Out)
	return nil
}

func runDesign(ctx context.Context, sp explorerun.Spec, workers int) (*explorerun.Part, time.Duration, error) {
	m, err := explorerun.NewModel(sp)
	if err != nil {
		return nil, 0, err
	}
	if err := m.Validate(); err != nil {
		return nil, 0, err
	}
	t0 := time.Now()
	pts, err := m.Run(ctx, 0, m.Len(), workers, nil)
	if err != nil {
		return nil, 0, err
	}
	return &explorerun.Part{Model: m, Lo: 0, Hi: m.Len(), Points: pts, ModelVersion: sim.ModelVersion}, time.Since(t0), nil
}

func writeAll(dir string, p *explorerun.Part) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := p.SaveFile(filepath.Join(dir, explorerun.PointsFile)); err != nil {
		return err
	}
	if err := p.WriteDesign(dir); err != nil {
		return err
	}
	return p.WriteOutputs(dir)
}

// writeHalves writes halves.csv (output, param, low_mean, high_mean,
// diff, diff_se, n_low, n_high) and a table: for each output and parameter
// the mean of the point means over the design points whose value lies in
// the lower or upper half of the parameter's range, with the standard error
// of the difference (Welch, the points being independent). Sobol indices
// say how much a parameter matters; this says in which direction.
func writeHalves(w io.Writer, dir string, p *explorerun.Part) error {
	f, err := os.Create(filepath.Join(dir, "halves.csv"))
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintln(f, "output,param,low_mean,high_mean,diff,diff_se,n_low,n_high")
	space := p.Model.Design.Space
	fmt.Fprintf(w, "    %-34s", "parameter (low → high half)")
	outs := []string{"p_breakthrough", "p_repeated_impasse", "time_to_breakthrough", "breakthrough_gain"}
	for _, o := range outs {
		fmt.Fprintf(w, " %-24s", o)
	}
	fmt.Fprintln(w)
	lines := make([]string, len(space))
	for _, name := range outs {
		rep, err := p.Output(name)
		if err != nil {
			return err
		}
		for i, prm := range space {
			mid := (prm.Lo + prm.Hi) / 2
			var lo, hi metrics.Moments
			for k, v := range p.Model.Values {
				m := &lo
				if v[i] > mid {
					m = &hi
				}
				if err := m.Add(rep.Mean[k]); err != nil {
					return err
				}
			}
			se := math.Sqrt(lo.Variance()/float64(lo.N()) + hi.Variance()/float64(hi.N()))
			fmt.Fprintf(f, "%s,%s,%.6g,%.6g,%.6g,%.6g,%d,%d\n", name, prm.Name, lo.Mean(), hi.Mean(), hi.Mean()-lo.Mean(), se, lo.N(), hi.N())
			prec := 3
			if name == "time_to_breakthrough" {
				prec = 0
			}
			lines[i] += fmt.Sprintf(" %-24s", fmt.Sprintf("%.*f → %.*f (±%.*f)", prec, lo.Mean(), prec, hi.Mean(), prec, se))
		}
	}
	for i, prm := range space {
		fmt.Fprintf(w, "    %-34s%s\n", prm.Name, lines[i])
	}
	return nil
}

func writeSobolTable(w io.Writer, p *explorerun.Part, res []explorerun.SobolResult) {
	for _, r := range res {
		if r.Indices == nil {
			fmt.Fprintf(w, "  %s: skipped (%s)\n", r.Output, r.Skipped)
			continue
		}
		ix := r.Indices
		fmt.Fprintf(w, "  %s: mean %.3f, variance %.4g over the design", r.Output, ix.Mean, ix.Var)
		if ix.Noise != nil {
			fmt.Fprintf(w, ", noise share %.2f", ix.Noise.Share)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "    %-34s %-22s %-22s\n", "parameter", "S first [95% CI]", "ST total [95% CI]")
		for i, n := range ix.Names {
			fmt.Fprintf(w, "    %-34s %6.3f [%6.3f, %6.3f]  %6.3f [%6.3f, %6.3f]\n", n,
				ix.S1[i].Value, ix.S1[i].CI.Lo, ix.S1[i].CI.Hi, ix.ST[i].Value, ix.ST[i].CI.Lo, ix.ST[i].CI.Hi)
		}
		sum := 0.0
		for _, e := range ix.S1 {
			sum += e.Value
		}
		fmt.Fprintf(w, "    sum of first-order indices %.2f (1 − sum: interactions and noise)\n", sum)
	}
}
