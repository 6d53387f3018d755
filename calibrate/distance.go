package calibrate

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// madToSD is 1/Φ⁻¹(3/4), the factor that makes the median absolute
// deviation a consistent estimator of the standard deviation of a normal
// distribution (Hampel 1974).
const madToSD = 1.482602218505602

// Distance is the weighted, scaled Euclidean distance between simulated
// summaries s and observed summaries o:
//
//	d(s, o) = sqrt( Σ_k w_k ((s_k - o_k) / c_k)² )
//
// where c_k > 0 is the spread of summary k and w_k ≥ 0 its weight. Scaling
// by the spread makes summaries measured in different units (weeks, shares,
// counts) comparable; the weights then say how much each target matters.
// NewDistance estimates the spreads from reference simulations (by default
// the prior-predictive simulations of generation 0).
type Distance struct {
	// Scale holds c_k, the spread of each summary; every entry finite > 0.
	Scale []float64 `json:"scale"`
	// Weights holds w_k, the weight of each summary; finite ≥ 0, not all
	// zero. Nil means every weight is 1.
	Weights []float64 `json:"weights,omitempty"`
}

// Validate returns an error wrapping ErrInvalid unless Scale is non-empty
// with finite positive entries and Weights is nil or of the same length
// with finite non-negative entries, not all zero.
func (d *Distance) Validate() error {
	var errs []error
	if len(d.Scale) == 0 {
		errs = append(errs, fmt.Errorf("calibrate: Distance.Scale is empty: want one spread per summary: %w", ErrInvalid))
	}
	for k, c := range d.Scale {
		if !finite(c) || c <= 0 {
			errs = append(errs, fmt.Errorf("calibrate: Distance.Scale[%d] = %v: want finite > 0: %w", k, c, ErrInvalid))
		}
	}
	if d.Weights != nil {
		errs = append(errs, checkWeights("Distance.Weights", d.Weights, len(d.Scale)))
	}
	return errors.Join(errs...)
}

// checkWeights validates per-summary weights of the given field name.
func checkWeights(field string, w []float64, n int) error {
	var errs []error
	if len(w) != n {
		errs = append(errs, fmt.Errorf("calibrate: %s has %d entries: want %d, one per summary: %w", field, len(w), n, ErrInvalid))
	}
	sum := 0.0
	for k, x := range w {
		if !finite(x) || x < 0 {
			errs = append(errs, fmt.Errorf("calibrate: %s[%d] = %v: want finite ≥ 0: %w", field, k, x, ErrInvalid))
		}
		sum += x
	}
	if len(w) > 0 && !(sum > 0) {
		errs = append(errs, fmt.Errorf("calibrate: %s are all zero: want at least one > 0: %w", field, ErrInvalid))
	}
	return errors.Join(errs...)
}

// Dist returns d(s, o). It panics if the lengths of s, o and d.Scale differ
// (a programmer mistake; Run checks the model's output first).
func (d *Distance) Dist(s, o []float64) float64 {
	if len(s) != len(d.Scale) || len(o) != len(d.Scale) {
		panic("calibrate: Distance.Dist: length mismatch")
	}
	sum := 0.0
	for k := range s {
		z := (s[k] - o[k]) / d.Scale[k]
		if d.Weights != nil {
			z *= math.Sqrt(d.Weights[k])
		}
		sum += z * z
	}
	return math.Sqrt(sum)
}

// NewDistance returns a Distance whose spread c_k for summary k is
// estimated from the reference summaries ref (one row per simulation, for
// example prior-predictive simulations) as the normalised median absolute
// deviation
//
//	c_k = 1.4826 · median_i |ref_ik - median_j ref_jk|,
//
// which is robust to the heavy tails prior-predictive summaries often have
// (Prangle 2017 discusses such scalings for ABC). When the MAD is zero
// (more than half of the values equal, as for a mostly constant binary
// summary) c_k falls back to the standard deviation. weights may be nil.
//
// It returns an error wrapping ErrInvalid if ref has fewer than two rows,
// rows of different lengths, NaN or infinite values, a summary that is
// constant over all rows (it carries no information about the parameters:
// drop it or supply Config.Scale), or bad weights.
func NewDistance(ref [][]float64, weights []float64) (*Distance, error) {
	if len(ref) < 2 {
		return nil, fmt.Errorf("calibrate: NewDistance: %d reference rows: want ≥ 2: %w", len(ref), ErrInvalid)
	}
	m := len(ref[0])
	if m == 0 {
		return nil, fmt.Errorf("calibrate: NewDistance: reference rows are empty: want ≥ 1 summary: %w", ErrInvalid)
	}
	col := make([]float64, len(ref))
	dev := make([]float64, len(ref))
	scale := make([]float64, m)
	for k := range m {
		for i, row := range ref {
			if len(row) != m {
				return nil, fmt.Errorf("calibrate: NewDistance: row %d has %d summaries: want %d: %w", i, len(row), m, ErrInvalid)
			}
			if !finite(row[k]) {
				return nil, fmt.Errorf("calibrate: NewDistance: row %d summary %d = %v: want finite: %w", i, k, row[k], ErrInvalid)
			}
			col[i] = row[k]
		}
		med := median(col)
		for i, x := range col {
			dev[i] = math.Abs(x - med)
		}
		c := madToSD * median(dev)
		if !(c > 0) {
			c = sd(col)
		}
		if !(c > 0) {
			return nil, fmt.Errorf("calibrate: NewDistance: summary %d is constant (%v) over all %d reference simulations: drop it or supply Config.Scale: %w", k, col[0], len(col), ErrInvalid)
		}
		scale[k] = c
	}
	d := &Distance{Scale: scale, Weights: slices.Clone(weights)}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// median returns the median of x (the mean of the two middle values for
// even n), sorting a copy.
func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// sd returns the sample standard deviation of x (n - 1 denominator).
func sd(x []float64) float64 {
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	ss := 0.0
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return math.Sqrt(ss / float64(len(x)-1))
}
