package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Moments is a streaming summary of a real variable: count, mean,
// variance, standard error and a Student-t interval for the mean.
// It stores n and the exact sums Σx and Σx² (the latter from the
// error-free product x² = h + l, h = fl(x·x), l = FMA(x, x, -h)), so Merge
// is exact and any split and merge order gives bit-identical results.
//
// The zero value is an empty summary, ready to use. Add and Merge do not
// allocate. A Moments is about 1.2 kB (two ExactSums).
type Moments struct {
	n     int64
	sum   ExactSum
	sumSq ExactSum
}

// Add records x. It returns an error wrapping ErrDomain, and records
// nothing, if x is NaN or infinite.
func (m *Moments) Add(x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("metrics: Moments.Add(%v): %w", x, ErrDomain)
	}
	h := x * x
	m.n++
	m.sum.Add(x)
	m.sumSq.Add(h)
	m.sumSq.Add(math.FMA(x, x, -h))
	return nil
}

// Merge adds the observations summarised by o to m exactly.
func (m *Moments) Merge(o *Moments) {
	m.n += o.n
	m.sum.Merge(&o.sum)
	m.sumSq.Merge(&o.sumSq)
}

// Reset empties m.
func (m *Moments) Reset() { *m = Moments{} }

// N returns the number of observations.
func (m *Moments) N() int { return int(m.n) }

// Sum returns Σx correctly rounded.
func (m *Moments) Sum() float64 { return m.sum.Float64() }

// Mean returns the sample mean fl(Σx)/n, or NaN if n = 0.
func (m *Moments) Mean() float64 {
	if m.n == 0 {
		return math.NaN()
	}
	return m.sum.Float64() / float64(m.n)
}

// Variance returns the unbiased sample variance
//
//	s² = Σ(x - x̄)² / (n - 1)
//
// or NaN if n < 2. The centred sum of squares is evaluated exactly as
// Σx² - 2cΣx + nc², with c = Mean() and error-free products added to a
// copy of the exact accumulator, then rounded once; so there is no
// cancellation even when the mean is large relative to the spread.
func (m *Moments) Variance() float64 {
	if m.n < 2 {
		return math.NaN()
	}
	c := m.Mean()
	acc := m.sumSq
	neg, s := m.sum.magnitude()
	k := -2 * c // coefficient of |Σx|: -2c·Σx = k·|Σx| with k = ∓2c
	if neg {
		k = 2 * c
	}
	nf := float64(m.n)
	addProd := func(a, b float64) {
		h := a * b
		acc.Add(h)
		acc.Add(math.FMA(a, b, -h))
	}
	// -2c·Σx, limb by limb: |Σx| = Σ_i limb_i·2^(32i-1074), every limb
	// non-negative (sign-magnitude form, so no limb term overflows).
	for i, l := range s.limb {
		if l != 0 {
			addProd(k, math.Ldexp(float64(l), i*limbBits-1074))
		}
	}
	// n·c² = n·(h + l) with h + l = c² exactly.
	h := c * c
	addProd(nf, h)
	addProd(nf, math.FMA(c, c, -h))
	ss := acc.Float64()
	if ss < 0 { // impossible in exact arithmetic; guards underflow of products
		ss = 0
	}
	return ss / (nf - 1)
}

// StdDev returns the sample standard deviation √Variance().
func (m *Moments) StdDev() float64 { return math.Sqrt(m.Variance()) }

// SE returns the standard error of the mean s/√n, or NaN if n < 2.
func (m *Moments) SE() float64 { return m.StdDev() / math.Sqrt(float64(m.n)) }

// Interval returns the Student-t confidence interval for the mean,
//
//	x̄ ± t_{1-(1-conf)/2, n-1} · s/√n,
//
// with the quantile from gonum's distuv.StudentsT. It returns an error
// wrapping ErrNoData if n < 2 and one wrapping ErrDomain for a bad conf.
func (m *Moments) Interval(conf float64) (Interval, error) {
	if err := checkConf(conf); err != nil {
		return Interval{}, err
	}
	if m.n < 2 {
		return Interval{}, fmt.Errorf("metrics: t interval needs n >= 2, have %d: %w", m.n, ErrNoData)
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(m.n - 1)}.Quantile(1 - (1-conf)/2)
	mean, se := m.Mean(), m.SE()
	return Interval{Lo: mean - t*se, Hi: mean + t*se, Level: conf}, nil
}
