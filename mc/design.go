package mc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/spatial/r1"
	"gonum.org/v1/gonum/stat/combin"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/samplemv"
)

// Param is one varied input of an experimental design over parameter sets
// of type P. Set stores a value into a parameter set with ordinary typed
// code, for example
//
//	Param[Scenario]{Name: "leak rate", Lo: 0, Hi: 0.2,
//		Set: func(s *Scenario, v float64) error { s.Leaks.BaseHazard = v; return nil }}
//
// so no reflection or field names in strings are involved.
type Param[P any] struct {
	// Name identifies the parameter in errors and reports.
	Name string
	// Lo and Hi bound the values, Lo ≤ Hi, both finite.
	Lo, Hi float64
	// Integer rounds every value to the nearest integer (Lo and Hi must
	// then be integers).
	Integer bool
	// Set stores v in p; it may reject v with an error.
	Set func(p *P, v float64) error
}

// validateParams returns every problem of params, or nil.
func validateParams[P any](params []Param[P]) error {
	if len(params) == 0 {
		return errors.New("mc: design has no parameters")
	}
	var errs []error
	for i, p := range params {
		switch {
		case p.Set == nil:
			errs = append(errs, fmt.Errorf("mc: param %d (%q): Set is nil", i, p.Name))
		case math.IsNaN(p.Lo) || math.IsInf(p.Lo, 0) || math.IsNaN(p.Hi) || math.IsInf(p.Hi, 0) || p.Lo > p.Hi:
			errs = append(errs, fmt.Errorf("mc: param %d (%q): [Lo, Hi] = [%v, %v], want finite Lo ≤ Hi", i, p.Name, p.Lo, p.Hi))
		case p.Integer && (p.Lo != math.Round(p.Lo) || p.Hi != math.Round(p.Hi)):
			errs = append(errs, fmt.Errorf("mc: param %d (%q): integer parameter with bounds [%v, %v]", i, p.Name, p.Lo, p.Hi))
		}
	}
	return errors.Join(errs...)
}

func (p Param[P]) round(v float64) float64 {
	if p.Integer {
		return math.Round(v)
	}
	return v
}

// Design is a list of design points: Points[j][i] is the value of
// Params[i] at point j.
type Design[P any] struct {
	Params []Param[P]
	Points [][]float64
}

// Grid returns the full-factorial design with levels[i] equally spaced
// values of params[i] from Lo to Hi (one level means the midpoint
// (Lo+Hi)/2). Points are in lexicographic order of level indices, the
// last parameter varying fastest. It returns an error if a parameter is
// invalid, a level count is below one, or an integer parameter has fewer
// distinct integers than levels.
func Grid[P any](params []Param[P], levels []int) (*Design[P], error) {
	if err := validateParams(params); err != nil {
		return nil, err
	}
	if len(levels) != len(params) {
		return nil, fmt.Errorf("mc: Grid: %d level counts for %d parameters", len(levels), len(params))
	}
	values := make([][]float64, len(params))
	var errs []error
	for i, p := range params {
		l := levels[i]
		if l < 1 {
			errs = append(errs, fmt.Errorf("mc: Grid: param %q: %d levels, want ≥ 1", p.Name, l))
			continue
		}
		if l == 1 {
			values[i] = []float64{p.round((p.Lo + p.Hi) / 2)}
			continue
		}
		for k := range l {
			v := p.round(p.Lo + (p.Hi-p.Lo)*float64(k)/float64(l-1))
			if k > 0 && v == values[i][k-1] {
				errs = append(errs, fmt.Errorf("mc: Grid: param %q: %d levels repeat values in [%v, %v]", p.Name, l, p.Lo, p.Hi))
				break
			}
			values[i] = append(values[i], v)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	d := &Design[P]{Params: params}
	for _, sub := range combin.Cartesian(levels) {
		pt := make([]float64, len(params))
		for i, k := range sub {
			pt[i] = values[i][k]
		}
		d.Points = append(d.Points, pt)
	}
	return d, nil
}

// LatinHypercube returns a Latin hypercube design of n points over the
// box [Lo, Hi] of params: each parameter's range is cut into n equal
// strata and every stratum holds exactly one point (before integer
// rounding). It uses samplemv.LatinHypercube with a distmv.Uniform
// quantile and draws from rng, which must not be nil.
func LatinHypercube[P any](n int, params []Param[P], rng *rand.Rand) (*Design[P], error) {
	if err := validateParams(params); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("mc: LatinHypercube: n = %d, want ≥ 1", n)
	}
	if rng == nil {
		return nil, errors.New("mc: LatinHypercube: nil rng")
	}
	bounds := make([]r1.Interval, len(params))
	for i, p := range params {
		bounds[i] = r1.Interval{Min: p.Lo, Max: p.Hi}
	}
	batch := mat.NewDense(n, len(params), nil)
	samplemv.LatinHypercube{Q: distmv.NewUniform(bounds, rng), Src: rng}.Sample(batch)
	d := &Design[P]{Params: params, Points: make([][]float64, n)}
	for j := range n {
		pt := make([]float64, len(params))
		for i, p := range params {
			pt[i] = min(max(p.round(batch.At(j, i)), p.Lo), p.Hi)
		}
		d.Points[j] = pt
	}
	return d, nil
}

// Apply returns a copy of base with the values of point j set. The copy
// is shallow: Set must not modify what base's pointers, slices or maps
// share.
func (d *Design[P]) Apply(j int, base P) (P, error) {
	p := base
	var errs []error
	for i, par := range d.Params {
		if err := par.Set(&p, d.Points[j][i]); err != nil {
			errs = append(errs, fmt.Errorf("mc: design point %d: %s = %v: %w", j, par.Name, d.Points[j][i], err))
		}
	}
	return p, errors.Join(errs...)
}

// PointResult is the result of one design point.
type PointResult[P any, O any, S Summary[O, S]] struct {
	// Index is the point's index in the design.
	Index int
	// Values are the parameter values of the point.
	Values []float64
	// Params is the parameter set the point ran with.
	Params P
	// Result is the point's run; Result.Seed is StreamSeed(master, Index).
	Result *RunResult[O, S]
}

// RunDesign runs cfg's replications at the points [lo, hi) of d in
// order (0 and len(d.Points) for the whole design), each point in
// parallel as in Run. Point j runs with the parameter set d.Apply(j,
// base), its own replicators newReplicator(params) and its own master seed
// StreamSeed(cfg.Seed, j), so the points of a shard [lo, hi) equal those
// of the whole design, and adding points to a design does not change the
// results of the others. cfg.Progress, if set, counts replications over
// the points run.
//
// If ctx is cancelled, RunDesign returns the finished points and the
// partial one, with an error wrapping ctx.Err(). An error from Apply or
// newReplicator stops the design and is returned, naming the point, with
// the points so far.
func RunDesign[P, O any, S Summary[O, S]](ctx context.Context, cfg RunConfig, d *Design[P], lo, hi int, base P, newReplicator func(P) (Replicator[O], error), newSummary func() S) ([]PointResult[P, O, S], error) {
	var nr func() (Replicator[O], error)
	if newReplicator != nil {
		nr = func() (Replicator[O], error) { return nil, nil }
	}
	if err := checkArgs(ctx, nr, newSummary); err != nil {
		return nil, err
	}
	if d == nil {
		return nil, errors.New("mc: RunDesign: nil design")
	}
	if lo < 0 || hi < lo || hi > len(d.Points) {
		return nil, fmt.Errorf("mc: RunDesign: points [%d,%d) outside the design's %d", lo, hi, len(d.Points))
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	out := make([]PointResult[P, O, S], 0, hi-lo)
	progress := cfg.Progress
	total := cfg.Replications * (hi - lo)
	for j := lo; j < hi; j++ {
		if err := ctx.Err(); err != nil {
			return out, fmt.Errorf("mc: design stopped before point %d of %d: %w", j, len(d.Points), err)
		}
		params, err := d.Apply(j, base)
		if err != nil {
			return out, err
		}
		// The first replicator is built here so that a point the model
		// rejects is reported as such, not as an engine failure.
		first, err := newReplicator(params)
		if err != nil {
			return out, fmt.Errorf("mc: design point %d: %w", j, err)
		}
		pcfg := cfg
		pcfg.Seed = StreamSeed(cfg.Seed, uint64(j))
		if progress != nil {
			off := (j - lo) * cfg.Replications
			pcfg.Progress = func(done, _ int) { progress(off+done, total) }
		}
		e, err := newEngine(pcfg.workers(), numBlocks(pcfg.Start, pcfg.Replications, pcfg.blockSize()), func() (Replicator[O], error) {
			if r := first; r != nil {
				first = nil
				return r, nil
			}
			return newReplicator(params)
		}, newSummary)
		if err != nil {
			return out, fmt.Errorf("mc: design point %d: %w", j, err)
		}
		res := newRunResult[O](pcfg, newSummary)
		err = e.run(ctx, pcfg, res, 0, pcfg.Replications)
		out = append(out, PointResult[P, O, S]{Index: j, Values: d.Points[j], Params: params, Result: res})
		if err != nil {
			return out, fmt.Errorf("mc: design point %d: %w", j, err)
		}
	}
	return out, nil
}
