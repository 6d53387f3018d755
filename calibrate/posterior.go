package calibrate

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// Summary describes the weighted posterior sample of one parameter.
type Summary struct {
	// Name is the parameter's name.
	Name string `json:"name"`
	// Mean is the weighted mean Σ w_i x_i / Σ w_i.
	Mean float64 `json:"mean"`
	// SD is the square root of Variance.
	SD float64 `json:"sd"`
	// Variance is the weighted variance, see WeightedVariance.
	Variance float64 `json:"variance"`
	// MCSE is the Monte Carlo standard error of Mean, SD / sqrt(ESS).
	MCSE float64 `json:"mcse"`
	// Lo is the lower end of the equal-tailed credible interval at Level,
	// the weighted (1 - Level)/2 quantile.
	Lo float64 `json:"lo"`
	// Hi is the upper end, the weighted (1 + Level)/2 quantile.
	Hi float64 `json:"hi"`
	// Level is the credible level, in (0, 1).
	Level float64 `json:"level"`
	// ESS is the effective sample size of the weights.
	ESS float64 `json:"ess"`
	// N is the number of particles.
	N int `json:"n"`
}

// Summarize returns a Summary per parameter of generation g (normally
// Result.Posterior()), with credible intervals at level. names may be nil.
// It returns an error wrapping ErrInvalid if g is nil or empty, level is
// outside (0, 1), names has the wrong length, or the weights are negative,
// not finite or sum to zero.
func Summarize(g *Generation, names []string, level float64) ([]Summary, error) {
	if g == nil || len(g.Particles) == 0 {
		return nil, fmt.Errorf("calibrate: Summarize: no particles: %w", ErrInvalid)
	}
	if !(level > 0 && level < 1) {
		return nil, fmt.Errorf("calibrate: Summarize: level = %v: want in (0, 1): %w", level, ErrInvalid)
	}
	d := len(g.Particles[0])
	if names != nil && len(names) != d {
		return nil, fmt.Errorf("calibrate: Summarize: %d names for %d parameters: %w", len(names), d, ErrInvalid)
	}
	if len(g.Weights) != len(g.Particles) {
		return nil, fmt.Errorf("calibrate: Summarize: %d weights for %d particles: %w", len(g.Weights), len(g.Particles), ErrInvalid)
	}
	if err := checkPosteriorWeights(g.Weights); err != nil {
		return nil, err
	}
	ess := ESS(g.Weights)
	x := make([]float64, len(g.Particles))
	out := make([]Summary, d)
	for k := range d {
		for i, p := range g.Particles {
			x[i] = p[k]
		}
		s := Summary{Level: level, ESS: ess, N: len(x)}
		if names != nil {
			s.Name = names[k]
		}
		s.Mean = WeightedMean(x, g.Weights)
		s.Variance = WeightedVariance(x, g.Weights)
		s.SD = math.Sqrt(s.Variance)
		s.MCSE = s.SD / math.Sqrt(ess)
		s.Lo = WeightedQuantile((1-level)/2, x, g.Weights)
		s.Hi = WeightedQuantile((1+level)/2, x, g.Weights)
		out[k] = s
	}
	return out, nil
}

func checkPosteriorWeights(w []float64) error {
	sum := 0.0
	for i, v := range w {
		if !finite(v) || v < 0 {
			return fmt.Errorf("calibrate: weight %d = %v: want finite ≥ 0: %w", i, v, ErrInvalid)
		}
		sum += v
	}
	if !(sum > 0) {
		return fmt.Errorf("calibrate: weights sum to %v: want > 0: %w", sum, ErrInvalid)
	}
	return nil
}

// WeightedMean returns Σ w_i x_i / Σ w_i. It panics if the lengths differ.
func WeightedMean(x, w []float64) float64 {
	if len(x) != len(w) {
		panic("calibrate: WeightedMean: length mismatch")
	}
	s, sw := 0.0, 0.0
	for i := range x {
		s += w[i] * x[i]
		sw += w[i]
	}
	return s / sw
}

// WeightedVariance returns the weighted variance with the correction for
// reliability weights, which is unbiased for independent draws:
//
//	V = Σ w_i (x_i - x̄)² / (W (1 - Σ w_i² / W²)),  W = Σ w_i,
//
// (for equal weights the usual n - 1 denominator). It returns NaN when the
// correction is undefined (a single positive weight) and panics if the
// lengths differ.
func WeightedVariance(x, w []float64) float64 {
	m := WeightedMean(x, w)
	sw, sw2, ss := 0.0, 0.0, 0.0
	for i := range x {
		sw += w[i]
		sw2 += w[i] * w[i]
		ss += w[i] * (x[i] - m) * (x[i] - m)
	}
	den := sw * (1 - sw2/(sw*sw))
	if !(den > 0) {
		return math.NaN()
	}
	return ss / den
}

// WeightedQuantile returns the weighted p-quantile of x: the smallest x_(k)
// (values in increasing order) whose cumulative normalised weight reaches
// p, the inverse of the weighted empirical distribution function (as
// gonum's stat.Quantile with stat.Empirical). It panics if p is outside
// [0, 1] or the lengths differ.
func WeightedQuantile(p float64, x, w []float64) float64 {
	if !(p >= 0 && p <= 1) {
		panic("calibrate: WeightedQuantile: p outside [0, 1]")
	}
	if len(x) != len(w) {
		panic("calibrate: WeightedQuantile: length mismatch")
	}
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	sw := 0.0
	for _, v := range w {
		sw += v
	}
	c := 0.0
	for _, i := range idx {
		c += w[i] / sw
		if c >= p {
			return x[i]
		}
	}
	return x[idx[len(idx)-1]]
}

// ESS returns the effective sample size (Σ w_i)² / Σ w_i² of the weights
// (Kish 1965): N for equal weights, 1 when one weight holds all the mass.
func ESS(w []float64) float64 {
	s, s2 := 0.0, 0.0
	for _, v := range w {
		s += v
		s2 += v * v
	}
	return s * s / s2
}

// Column returns parameter k of every particle of g, a convenience for
// plotting marginals.
func (g *Generation) Column(k int) []float64 {
	x := make([]float64, len(g.Particles))
	for i, p := range g.Particles {
		x[i] = p[k]
	}
	return slices.Clip(x)
}
