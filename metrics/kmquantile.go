package metrics

import (
	"fmt"
	"math"
)

// quantileTol is the tolerance R survival's quantile.survfit uses to
// decide that a curve is flat exactly at the requested level:
// sqrt(.Machine$double.eps).
var quantileTol = math.Sqrt(0x1p-52)

// TimeQuantile is an estimated quantile of an event-time distribution with
// its confidence interval. Value, Lo or Hi are NaN when the curve (or its
// confidence limit) never reaches the required level.
type TimeQuantile struct {
	P        float64  // probability: Value is the time by which a fraction P has had the event
	Value    float64  // estimated quantile
	Interval Interval // Brookmeyer-Crowley-type interval (see SurvivalCurve.Quantile)
	N        int      // number of observations
}

// Quantile returns the p-quantile of the event time, the smallest time t
// with S(t) <= 1 - p, and its confidence interval, reproducing R survival
// 3.5 quantile.survfit (the median is also what print(survfit) reports,
// except in the rare case described below).
//
// The interval is the set of times whose pointwise interval for S(t)
// contains 1 - p, obtained by reading the same quantile off the lower and
// upper confidence limits Lo and Hi:
//
//	Lo(Value) = inf{t: Lo(t) <= 1-p},  Hi(Value) = inf{t: Hi(t) <= 1-p}
//
// This is the test-inversion interval of Brookmeyer and Crowley (1982),
// who used the Plain transformation; with LogLog or Log it is the same
// construction on the transformed scale (Klein and Moeschberger 2003,
// section 4.5). As in R, when a curve is flat at exactly 1 - p (within
// sqrt(machine epsilon)) the quantile is the midpoint of that flat
// stretch, and if the stretch lasts to the end of follow-up, the midpoint
// between its start and the largest observed time. A limit the curve
// never reaches is NaN.
//
// Quantile returns an error wrapping ErrDomain unless 0 < p < 1.
func (c *SurvivalCurve) Quantile(p float64) (TimeQuantile, error) {
	if !(p > 0 && p < 1) {
		return TimeQuantile{}, fmt.Errorf("metrics: quantile probability %v not in (0, 1): %w", p, ErrDomain)
	}
	return TimeQuantile{
		P:     p,
		Value: findq(c.T, c.S, p, c.maxTime),
		Interval: Interval{
			Lo:    findq(c.T, c.Lo, p, c.maxTime),
			Hi:    findq(c.T, c.Hi, p, c.maxTime),
			Level: c.Level,
		},
		N: c.N,
	}, nil
}

// Median returns Quantile(0.5), the median event time with its
// Brookmeyer-Crowley interval.
func (c *SurvivalCurve) Median() TimeQuantile {
	q, _ := c.Quantile(0.5)
	return q
}

// findq returns the time at which the step function 1 - surv (0 before
// t[0]) first reaches p, following R survival's internal findq: values
// are de-duplicated, NaN values ignored, and a level hit exactly (within
// quantileTol) gives the midpoint of the flat stretch.
func findq(t []int, surv []float64, p float64, xmax int) float64 {
	xs := make([]float64, 1, len(t)+1)
	ys := make([]float64, 1, len(t)+1)
	seenNaN := false
	for i, s := range surv {
		y := 1 - s
		if math.IsNaN(y) {
			if !seenNaN {
				seenNaN = true
				xs = append(xs, float64(t[i]))
				ys = append(ys, y)
			}
			continue
		}
		dup := false
		for _, v := range ys {
			if v == y {
				dup = true
				break
			}
		}
		if !dup {
			xs = append(xs, float64(t[i]))
			ys = append(ys, y)
		}
	}
	maxY := math.Inf(-1)
	for _, y := range ys {
		if y > maxY { // NaN never compares greater
			maxY = y
		}
	}
	if maxY < p {
		return math.NaN()
	}
	first := func(shift float64) int {
		for j, y := range ys {
			if y+shift >= p {
				return j
			}
		}
		return -1
	}
	i1, i2 := first(quantileTol), first(-quantileTol)
	n := len(ys)
	if last := ys[n-1]; !math.IsNaN(last) && math.Abs(p-last) < quantileTol && i1 >= 0 {
		return (xs[i1] + float64(xmax)) / 2
	}
	if i1 < 0 || i2 < 0 {
		return math.NaN()
	}
	return (xs[i1] + xs[i2]) / 2
}

// RMST is a restricted mean event time: the expected time to the event
// truncated at Tau, with its standard error.
type RMST struct {
	Tau      float64  // truncation time
	Mean     float64  // ∫_0^Tau S(u) du
	SE       float64  // standard error of Mean
	Interval Interval // Mean ± z·SE at the curve's level
	N        int      // number of observations
}

// RMST returns the restricted mean survival time up to tau, the area under
// the Kaplan-Meier step function on [0, tau], and its standard error,
// reproducing R survival 3.5 print(fit, rmean = tau) ("rmean" and
// "se(rmean)"):
//
//	μ(τ)     = ∫_0^τ S(u) du
//	Var μ(τ) = Σ_{t_j <= τ} A_j² d_j / (n_j (n_j - d_j)),  A_j = ∫_{t_j}^τ S(u) du
//
// (Klein and Moeschberger 2003, section 4.5, eq. 4.5.2; terms with
// d_j = n_j are dropped, as in R). If tau exceeds the last event time
// the curve is extended at its last value. The interval is Mean ± z·SE.
//
// RMST returns an error wrapping ErrDomain if tau is NaN, infinite or
// negative.
func (c *SurvivalCurve) RMST(tau float64) (RMST, error) {
	if math.IsNaN(tau) || math.IsInf(tau, 0) || tau < 0 {
		return RMST{}, fmt.Errorf("metrics: RMST horizon %v must be finite and >= 0: %w", tau, ErrDomain)
	}
	// Event times within [0, tau].
	m := 0
	for m < len(c.T) && float64(c.T[m]) <= tau {
		m++
	}
	// rect[j] is the area between event time j and the next knot (or tau)
	// under S[j]; the area before T[0] is under S = 1.
	var mean float64
	if m == 0 {
		mean = tau
	} else {
		mean = float64(c.T[0])
	}
	var v, tail float64
	for j := m - 1; j >= 0; j-- {
		next := tau
		if j+1 < m {
			next = float64(c.T[j+1])
		}
		rect := (next - float64(c.T[j])) * c.S[j]
		tail += rect
		n, d := float64(c.AtRisk[j]), float64(c.Events[j])
		if n > d {
			v += tail * tail * d / (n * (n - d))
		}
	}
	mean += tail
	se := math.Sqrt(v)
	z := zQuantile(c.Level)
	return RMST{Tau: tau, Mean: mean, SE: se, N: c.N,
		Interval: Interval{Lo: mean - z*se, Hi: mean + z*se, Level: c.Level}}, nil
}
