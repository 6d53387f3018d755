package explorerun

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/backchannel-sim/backchannel/explore"
)

// SobolResult is the Sobol analysis of one output.
type SobolResult struct {
	Output  string
	Indices *explore.SobolIndices
	// Skipped says why the output was not analysed (constant outputs).
	Skipped string
}

// Sobol computes first-order and total indices, with bootstrap intervals
// (resamples, level conf), for each output.
func (p *Part) Sobol(outputs []string, resamples int, conf float64) ([]SobolResult, error) {
	s := p.Model.Saltelli
	if s == nil {
		return nil, fmt.Errorf("explore: sobol indices need a sobol design; this one is %q", p.Model.Spec.Method)
	}
	var res []SobolResult
	for i, name := range outputs {
		rep, err := p.Output(name)
		if err != nil {
			return nil, err
		}
		opt := explore.SobolOptions{Resamples: resamples, Conf: conf, Rng: BootstrapRand(p.Model.Spec.Seed, i)}
		var idx *explore.SobolIndices
		if rep.R >= 2 {
			idx, err = s.AnalyzeReplicated(rep, opt)
		} else {
			idx, err = s.Analyze(rep.Mean, opt)
		}
		if err != nil {
			if errors.Is(err, explore.ErrDomain) && constant(rep.Mean) {
				res = append(res, SobolResult{Output: name, Skipped: fmt.Sprintf("constant output (%g at every point)", rep.Mean[0])})
				continue
			}
			return nil, fmt.Errorf("explore: sobol %s: %w", name, err)
		}
		res = append(res, SobolResult{Output: name, Indices: idx})
	}
	return res, nil
}

func constant(x []float64) bool {
	for _, v := range x {
		if v != x[0] {
			return false
		}
	}
	return true
}

// MorrisResult is the Morris analysis of one output.
type MorrisResult struct {
	Output  string
	Effects []explore.Effect
}

// Morris computes the elementary effects of each output (on the point
// means).
func (p *Part) Morris(outputs []string) ([]MorrisResult, error) {
	if p.Model.Morris == nil {
		return nil, fmt.Errorf("explore: elementary effects need a morris design; this one is %q", p.Model.Spec.Method)
	}
	var res []MorrisResult
	for _, name := range outputs {
		rep, err := p.Output(name)
		if err != nil {
			return nil, err
		}
		eff, err := p.Model.Morris.Analyze(rep.Mean)
		if err != nil {
			return nil, fmt.Errorf("explore: morris %s: %w", name, err)
		}
		res = append(res, MorrisResult{Output: name, Effects: eff})
	}
	return res, nil
}

// Target is a thresholded output: the cases of interest of a PRIM search
// are the points where Output Op Value.
type Target struct {
	Output string
	Op     string // ">", ">=", "<", "<="
	Value  float64
}

// String returns the target as parsed.
func (t Target) String() string {
	return t.Output + t.Op + strconv.FormatFloat(t.Value, 'g', -1, 64)
}

// ParseTarget parses OUTPUT>X, OUTPUT>=X, OUTPUT<X or OUTPUT<=X.
func ParseTarget(s string) (Target, error) {
	for _, op := range []string{">=", "<=", ">", "<"} {
		if i := strings.Index(s, op); i > 0 {
			v, err := strconv.ParseFloat(strings.TrimSpace(s[i+len(op):]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return Target{}, fmt.Errorf("explore: target %q: %q is not a finite number", s, s[i+len(op):])
			}
			return Target{Output: strings.TrimSpace(s[:i]), Op: op, Value: v}, nil
		}
	}
	return Target{}, fmt.Errorf("explore: target %q: want OUTPUT>X, OUTPUT>=X, OUTPUT<X or OUTPUT<=X", s)
}

// Cases returns the cases of interest of t at every point.
func (p *Part) Cases(t Target) ([]bool, error) {
	rep, err := p.Output(t.Output)
	if err != nil {
		return nil, err
	}
	y := make([]bool, len(rep.Mean))
	for i, v := range rep.Mean {
		switch t.Op {
		case ">":
			y[i] = v > t.Value
		case ">=":
			y[i] = v >= t.Value
		case "<":
			y[i] = v < t.Value
		case "<=":
			y[i] = v <= t.Value
		}
	}
	return y, nil
}

// Prim runs PRIM with covering (up to boxes boxes) for target t on the
// points' model values.
func (p *Part) Prim(t Target, opt explore.PrimOptions, boxes int) ([]*explore.PrimResult, int, error) {
	y, err := p.Cases(t)
	if err != nil {
		return nil, 0, err
	}
	hits := 0
	for _, b := range y {
		if b {
			hits++
		}
	}
	if hits == 0 {
		return nil, 0, nil
	}
	res, err := explore.PrimCover(p.Model.Values, y, opt, boxes)
	return res, hits, err
}

// CSV writing.

func writeCSV(dir, name string, head []string, rows [][]string) error {
	return streamCSV(dir, name, head, func(emit func([]string)) {
		for _, r := range rows {
			emit(r)
		}
	})
}

// streamCSV writes a CSV file row by row, through a buffer, without
// holding the rows in memory.
func streamCSV(dir, name string, head []string, rows func(emit func([]string))) error {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	w := csv.NewWriter(bw)
	w.Write(head)
	rows(func(r []string) { w.Write(r) })
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func g(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }

// WriteDesign writes design.csv: one row per point and parameter (point,
// param, unit, value), the tidy form of the design.
func (p *Part) WriteDesign(dir string) error {
	d := p.Model.Design
	return streamCSV(dir, "design.csv", []string{"point", "param", "unit", "value"}, func(emit func([]string)) {
		row := make([]string, 4)
		for j := range p.Model.Values {
			for i, prm := range d.Space {
				row[0], row[1], row[2], row[3] = strconv.Itoa(j), prm.Name, g(d.Unit[j][i]), g(p.Model.Values[j][i])
				emit(row)
			}
		}
	})
}

// WriteOutputs writes outputs.csv: one row per point and output (point,
// output, mean, variance, reps).
func (p *Part) WriteOutputs(dir string) error {
	names := p.Model.OutputNames()
	reps := make([]explore.Replicated, len(names))
	for i, n := range names {
		r, err := p.Output(n)
		if err != nil {
			return err
		}
		reps[i] = r
	}
	return streamCSV(dir, "outputs.csv", []string{"point", "output", "mean", "variance", "reps"}, func(emit func([]string)) {
		row := make([]string, 5)
		for k, pt := range p.Points {
			for i, n := range names {
				row[0], row[1], row[2], row[3], row[4] = strconv.Itoa(pt.Index), n, g(reps[i].Mean[k]), g(reps[i].Var[k]), strconv.Itoa(reps[i].R)
				emit(row)
			}
		}
	})
}

// WriteSobol writes sobol.csv (output, param, index first|total, estimate,
// se, ci_lo, ci_hi, conf, base_samples, reps) and sobol_noise.csv.
func WriteSobol(dir string, res []SobolResult, conf float64, reps int) error {
	var rows, noise [][]string
	for _, r := range res {
		if r.Indices == nil {
			noise = append(noise, []string{r.Output, "", "", "", "", "", "", "", r.Skipped})
			continue
		}
		ix := r.Indices
		for i, name := range ix.Names {
			for _, e := range []struct {
				kind string
				est  explore.Estimate
			}{{"first", ix.S1[i]}, {"total", ix.ST[i]}} {
				rows = append(rows, []string{r.Output, name, e.kind, g(e.est.Value), g(e.est.SE), g(e.est.CI.Lo), g(e.est.CI.Hi),
					g(conf), strconv.Itoa(ix.N), strconv.Itoa(reps)})
			}
		}
		nz := []string{r.Output, g(ix.Mean), g(ix.Var), "", "", "", "", "", ""}
		if n := ix.Noise; n != nil {
			nz = []string{r.Output, g(ix.Mean), g(ix.Var), strconv.Itoa(n.R), strconv.Itoa(n.Points), g(n.WithinVar), g(n.WithinVarSE), g(n.Share), g(n.ShareOne)}
		}
		noise = append(noise, nz)
	}
	if err := writeCSV(dir, "sobol.csv", []string{"output", "param", "index", "estimate", "se", "ci_lo", "ci_hi", "conf", "base_samples", "reps"}, rows); err != nil {
		return err
	}
	return writeCSV(dir, "sobol_noise.csv", []string{"output", "mean", "variance", "reps", "points", "within_var", "within_var_se", "noise_share", "noise_share_one_rep"}, noise)
}

// WriteMorris writes morris.csv (output, param, mu, mu_star, mu_star_se,
// sigma, trajectories); effects are per unit of the range as a fraction.
func WriteMorris(dir string, res []MorrisResult) error {
	var rows [][]string
	for _, r := range res {
		for _, e := range r.Effects {
			rows = append(rows, []string{r.Output, e.Name, g(e.Mu), g(e.MuStar), g(e.MuStarSE), g(e.Sigma), strconv.Itoa(e.N)})
		}
	}
	return writeCSV(dir, "morris.csv", []string{"output", "param", "mu", "mu_star", "mu_star_se", "sigma", "trajectories"}, rows)
}

// PrimRun is one PRIM search with its label and target.
type PrimRun struct {
	Label  string
	Target Target
	Points int
	Hits   int
	Boxes  []*explore.PrimResult
}

// WritePrim writes prim_boxes.csv (label, target, box, points, hits,
// mass, coverage, density, restricted dimensions), prim_limits.csv (label,
// box, param, lo, hi, restricted, p_value) and prim_trajectory.csv
// (label, box, step, mass, coverage, density, restricted).
func WritePrim(dir string, space explore.Space, runs []PrimRun) error {
	var boxes, limits, traj [][]string
	for _, r := range runs {
		if len(r.Boxes) == 0 {
			boxes = append(boxes, []string{r.Label, r.Target.String(), "", strconv.Itoa(r.Points), strconv.Itoa(r.Hits), "", "", "", "no case of interest"})
		}
		for bi, pr := range r.Boxes {
			b := pr.Box
			boxes = append(boxes, []string{r.Label, r.Target.String(), strconv.Itoa(bi + 1), strconv.Itoa(b.N), strconv.Itoa(b.Hits),
				g(b.Mass), g(b.Coverage), g(b.Density), strconv.Itoa(b.NRestricted())})
			for i, prm := range space {
				limits = append(limits, []string{r.Label, strconv.Itoa(bi + 1), prm.Name, g(b.Lo[i]), g(b.Hi[i]), strconv.FormatBool(b.Restricted[i]), g(b.PValue[i])})
			}
			for s, t := range pr.Trajectory {
				traj = append(traj, []string{r.Label, strconv.Itoa(bi + 1), strconv.Itoa(s), g(t.Mass), g(t.Coverage), g(t.Density), strconv.Itoa(t.NRestricted())})
			}
		}
	}
	if err := writeCSV(dir, "prim_boxes.csv", []string{"label", "target", "box", "points", "hits", "mass", "coverage", "density", "restricted"}, boxes); err != nil {
		return err
	}
	if err := writeCSV(dir, "prim_limits.csv", []string{"label", "box", "param", "lo", "hi", "restricted", "p_value"}, limits); err != nil {
		return err
	}
	return writeCSV(dir, "prim_trajectory.csv", []string{"label", "box", "step", "mass", "coverage", "density", "restricted"}, traj)
}

// PrimTable writes a readable table of the boxes: for each box its
// coverage and density and the restricted dimensions with their limits.
func PrimTable(w io.Writer, space explore.Space, runs []PrimRun) {
	for _, r := range runs {
		fmt.Fprintf(w, "PRIM %s (%s): %d of %d points are cases of interest\n", r.Label, r.Target, r.Hits, r.Points)
		for bi, pr := range r.Boxes {
			b := pr.Box
			fmt.Fprintf(w, "  box %d: coverage %.2f, density %.2f, mass %.2f (%d points, %d cases)\n", bi+1, b.Coverage, b.Density, b.Mass, b.N, b.Hits)
			for i, prm := range space {
				if b.Restricted[i] {
					fmt.Fprintf(w, "    %-36s [%.4g, %.4g]  of [%.4g, %.4g]  p = %.2g\n", prm.Name, b.Lo[i], b.Hi[i], prm.Lo, prm.Hi, b.PValue[i])
				}
			}
		}
	}
}
